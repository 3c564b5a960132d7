/*
 * Every helper of include/weval.h in one small guest, valid as C (C99 and
 * later) and as C++ (C++14 and later). tests/all/header.rs builds it with
 * each (compiler, language standard) pair under -Wall -Wextra -Werror:
 *   - import mode (the pweval input): linked (or compiled only, for C++ with
 *     a clang whose libc++ is not installed), then snapshotted and its
 *     requests listed by pweval;
 *   - inline-intrinsics mode (-DPWEVAL_INLINE_INTRINSICS): linked and run.
 *     main files the requests itself and prints every request's bytes, which
 *     must be the same from the C builder (C) and from the weval:: helpers
 *     (C++, with or without C++17 class template argument deduction);
 *   - -DHEADER_DEFAULT_INIT: the no-op init macros instead of the init
 *     function (compile only).
 *
 * The requests, newest first in the list:
 *   user_id 3  noargs(): no parameters, two specialization globals (f32, f64)
 *   user_id 2  mix(...): one constant of every scalar kind, no globals
 *   user_id 1  interp(...): one i64 global, constant memory, two constant
 *              i32s and a runtime pointer
 * and user_id 4 (filed with weval_request, then freed from the middle of the
 * list with weval_free / weval::free).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "weval.h"

#ifdef __cplusplus
/* The C++ wrappers of the context intrinsics. */
#define PUSH_CONTEXT(pc) weval::push_context(pc)
#define UPDATE_CONTEXT(pc) weval::update_context(pc)
#define POP_CONTEXT() weval::pop_context()
#else
#define PUSH_CONTEXT(pc) weval_push_context(pc)
#define UPDATE_CONTEXT(pc) weval_update_context(pc)
#define POP_CONTEXT() weval_pop_context()
#endif

enum { OP_PUSH, OP_ADD, OP_LSET, OP_LGET, OP_RET };

#define NUM_LOCALS 2
#define FRAME_WORDS 8

/* Every intrinsic once. The register and specialization-global reads are
 * behind `spec`, which only a request passes as 1. */
static __attribute__((noinline)) uint64_t interp(const uint8_t* code, uint32_t len,
                                                 uint32_t spec, uint64_t* frame) {
  uint64_t* sp = frame + NUM_LOCALS;
  uint64_t result = 0;
  uint32_t pc = 0;
  weval_assert_const32(len, __LINE__);
  weval_context_bucket(0);
  if (spec) {
    weval_write_reg(0, 0);
  }
  PUSH_CONTEXT(pc);
  while (pc < len) {
    uint32_t op = weval_specialize_value(code[pc++], 0, 5);
    weval_trace_line(__LINE__);
    weval_print("header_helpers: op", __LINE__, op);
    switch (op) {
      case OP_PUSH:
        if (sp == frame + FRAME_WORDS) goto out;
        weval_push_stack(sp, code[pc++]);
        sp++;
        break;
      case OP_ADD: {
        uint64_t b;
        uint64_t a;
        if (sp < frame + NUM_LOCALS + 2) goto out;
        sp--;
        b = weval_pop_stack(sp);
        a = weval_read_stack(sp - 1, 0);
        weval_write_stack(sp - 1, 0, a + b);
        break;
      }
      case OP_LSET:
        if (sp == frame + NUM_LOCALS || code[pc] >= NUM_LOCALS) goto out;
        sp--;
        weval_write_local(&frame[code[pc]], code[pc], weval_pop_stack(sp));
        pc++;
        break;
      case OP_LGET:
        if (sp == frame + FRAME_WORDS || code[pc] >= NUM_LOCALS) goto out;
        weval_push_stack(sp, weval_read_local(&frame[code[pc]], code[pc]));
        sp++;
        pc++;
        break;
      case OP_RET:
        if (sp == frame + NUM_LOCALS) goto out;
        weval_sync_stack();
        result = weval_read_stack(sp - 1, 0);
        goto out;
      default:
        weval_abort_specialization(__LINE__, 1);
        goto out;
    }
    UPDATE_CONTEXT(pc);
  }
out:
  POP_CONTEXT();
  if (spec) {
    result += weval_read_reg(0) + weval_read_specialization_global(0);
  }
  return result;
}

static const uint8_t program[] = {OP_PUSH, 2, OP_PUSH, 3, OP_ADD, OP_LSET, 1, OP_LGET, 1, OP_RET};

enum color { COLOR_RED = 1, COLOR_GREEN = 2 };
#ifdef __cplusplus
enum class shade_t : uint8_t { light = 1, dark = 2 };
#else
typedef uint8_t shade_t;
#endif

static __attribute__((noinline)) int64_t mix(bool b, int8_t i8, int32_t i32, uint32_t u32,
                                             int64_t i64, uint64_t u64, float f, double d,
                                             const char* s, enum color c, shade_t shade) {
  return (b ? 1 : 0) + i8 + i32 + (int64_t)u32 + i64 + (int64_t)u64 + (int64_t)f + (int64_t)d +
         (s ? 1 : 0) + (int64_t)c + (int64_t)shade;
}

static __attribute__((noinline)) uint32_t noargs(void) { return 42; }

typedef uint64_t (*interp_fn)(const uint8_t*, uint32_t, uint32_t, uint64_t*);
typedef int64_t (*mix_fn)(bool, int8_t, int32_t, uint32_t, int64_t, uint64_t, float, double,
                          const char*, enum color, shade_t);
typedef uint32_t (*noargs_fn)(void);

static interp_fn interp_specialized;
static mix_fn mix_specialized;
static noargs_fn noargs_specialized;
static noargs_fn freed_specialized;

/* Any fixed address: only its value goes into the request. */
#define SOME_POINTER 0x1234u
#define BIG_U64 0x8000000000000001ull

WEVAL_DEFINE_GLOBALS();
WEVAL_DEFINE_TARGET(1, interp);

/* The request filed with weval's plain C API and freed again. */
static weval_req_t* file_freed_request(void) {
  weval_req_t* req = (weval_req_t*)calloc(1, sizeof(weval_req_t));
  if (req) {
    req->user_id = 4;
    req->func = PWEVAL_FUNC(noargs);
    req->specialized = (weval_func_t*)&freed_specialized;
    weval_request(req);
  }
  return req;
}

#ifndef __cplusplus

static void init(void) {
  weval_req_t* req;
  weval_req_t* freed;
  req = pweval_req_begin(PWEVAL_FUNC(interp), 1, 1, &interp_specialized);
  pweval_arg_i64(req, 7);
  pweval_arg_memory(req, program, (uint32_t)sizeof program);
  pweval_arg_i32(req, (uint32_t)sizeof program);
  pweval_arg_i32(req, 1);
  pweval_arg_runtime(req);
  if (!pweval_req_submit(req)) abort();

  freed = file_freed_request();

  req = pweval_req_begin(PWEVAL_FUNC(mix), 2, 0, &mix_specialized);
  pweval_arg_i32(req, true);
  pweval_arg_i32(req, (uint32_t)(int8_t)-3);
  pweval_arg_i32(req, (uint32_t)(int32_t)-5);
  pweval_arg_i32(req, 7u);
  pweval_arg_i64(req, (uint64_t)(int64_t)-6);
  pweval_arg_i64(req, BIG_U64);
  pweval_arg_f32(req, 1.5f);
  pweval_arg_f64(req, 2.25);
  pweval_arg_i32(req, SOME_POINTER);
  pweval_arg_i32(req, COLOR_GREEN);
  pweval_arg_i32(req, 2);
  if (!pweval_req_submit(req)) abort();

  req = pweval_req_begin(PWEVAL_FUNC(noargs), 3, 2, &noargs_specialized);
  pweval_arg_f32(req, 0.5f);
  pweval_arg_f64(req, -1.0);
  if (!pweval_req_submit(req)) abort();

  if (freed) weval_free(freed);
}

#ifdef HEADER_DEFAULT_INIT
PWEVAL_DEFAULT_INIT();
#else
WIZER_INIT(init);
#endif

/* C has no wrong-count form to check. */
static int language_checks(void) { return 0; }

#else /* __cplusplus */

#if __cplusplus >= 201703L
/* C++17: the argument types deduced. */
#define SPEC(T, v) weval::Specialize(v)
#else
#define SPEC(T, v) weval::Specialize<T>(v)
#endif

static void init() {
  if (!weval::weval<1>(&interp_specialized, &interp, 1, weval::Specialize<uint64_t>(7),
                       weval::SpecializeMemory<const uint8_t*>(program, sizeof program),
                       weval::Specialize<uint32_t>(sizeof program), SPEC(uint32_t, 1u),
                       weval::Runtime<uint64_t*>())) {
    abort();
  }

  weval_req_t* freed = file_freed_request();

  /* The run-time-checked form. */
  if (!weval::weval(&mix_specialized, &mix, 2, 0, SPEC(bool, true), SPEC(int8_t, int8_t{-3}),
                    SPEC(int32_t, int32_t{-5}), SPEC(uint32_t, 7u), SPEC(int64_t, int64_t{-6}),
                    SPEC(uint64_t, uint64_t{BIG_U64}), SPEC(float, 1.5f), SPEC(double, 2.25),
                    SPEC(const char*, reinterpret_cast<const char*>(uintptr_t{SOME_POINTER})),
                    SPEC(color, COLOR_GREEN), SPEC(shade_t, shade_t::dark))) {
    abort();
  }

  if (!weval::weval<2>(&noargs_specialized, &noargs, 3, SPEC(float, 0.5f),
                       SPEC(double, -1.0))) {
    abort();
  }

  if (freed) weval::free(freed);
}

#ifdef HEADER_DEFAULT_INIT
WIZER_DEFAULT_INIT();
#else
PWEVAL_INIT(init);
#endif

/* The run-time-checked form refuses a wrong argument count (here one
 * specialization global too many) and files nothing. */
static int language_checks() {
  weval_req_t* head = weval_req_pending_head;
  weval_req_t* req = weval::weval(&noargs_specialized, &noargs, 5, 1, weval::Runtime<float>(),
                                  weval::Runtime<double>());
  if (req || weval_req_pending_head != head) {
    printf("weval::weval accepted a wrong argument count\n");
    return 1;
  }
  return 0;
}

#endif /* __cplusplus */

/* Every request's header fields and argument bytes, newest first; 1 if the
 * list links or the function and result slots are not what was filed. */
static int dump_requests(void) {
  const weval_req_t* prev = NULL;
  const weval_req_t* req;
  int bad = 0;
  for (req = weval_req_pending_head; req; req = req->next) {
    uint32_t i;
    weval_func_t func = req->user_id == 1   ? PWEVAL_FUNC(interp)
                        : req->user_id == 2 ? PWEVAL_FUNC(mix)
                                            : PWEVAL_FUNC(noargs);
    void* slot = req->user_id == 1   ? (void*)&interp_specialized
                 : req->user_id == 2 ? (void*)&mix_specialized
                                     : (void*)&noargs_specialized;
    if (req->prev != prev || req->func != func || (void*)req->specialized != slot) {
      printf("request %" PRIu32 ": wrong links, function or result slot\n", req->user_id);
      bad = 1;
    }
    printf("request user_id %" PRIu32 " num_globals %" PRIu32 " arglen %" PRIu32 ":",
           req->user_id, req->num_globals, req->arglen);
    for (i = 0; i < req->arglen; i++) {
      printf(" %02x", req->argbuf[i]);
    }
    printf("\n");
    prev = req;
  }
  return bad;
}

int main(void) {
  uint64_t frame[FRAME_WORDS] = {0};
  int bad;
  if (!weval_req_pending_head) {
    init(); /* inline-intrinsics mode: no snapshot ran it */
  }
  bad = dump_requests() | language_checks();
  printf("is_wevaled %d\n", (int)weval_is_wevaled);
  printf("interp %" PRIu64 "\n", interp(program, (uint32_t)sizeof program, 0, frame));
  printf("mix %" PRId64 " noargs %" PRIu32 "\n",
         mix(true, -3, -5, 7u, -6, 1, 1.5f, 2.25, "", COLOR_GREEN, (shade_t)2), noargs());
  return bad;
}
