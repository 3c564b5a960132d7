/*
 * A C guest that uses every intrinsic of weval.h in a function that gets a
 * specialization request, for pweval's end-to-end tests.
 *
 * A tiny stack VM runs a fixed bytecode program. Its operand stack and locals
 * live in a caller-provided frame (a runtime argument) and are accessed only
 * through the stack/local intrinsics, whose generic meaning is the memory
 * access itself. Its accumulator lives in a virtual register and one operand
 * comes from a specialization global; read.reg, write.reg and
 * read.specialization.global trap in generic code, so, as weval.h advises,
 * the body is compiled twice: vm_generic (C variable and C constant instead)
 * and vm_spec (the intrinsics), and vm_spec is only ever called through the
 * pointer pweval fills in.
 *
 * The request on vm_spec covers every argument kind: 1 specialization global
 * (i64), constant memory (the bytecode), constant i32 / i64 / f32 / f64 and
 * two runtime arguments.
 *
 * stdout is the same whichever flavour runs; the export "used_specialized"
 * tells a test which one main took.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "weval.h"

enum {
  OP_PUSH,     /* imm     push imm */
  OP_INPUT,    /*         push input */
  OP_LGET,     /* i       push local[i] */
  OP_LSET,     /* i       local[i] = pop */
  OP_ADD,      /*         push pop + pop */
  OP_MUL,      /*         push pop * pop */
  OP_DUP,      /*         push top */
  OP_SWAP,     /*         exchange the top two entries in place */
  OP_DEC_JNZ,  /* i t     if (--local[i] != 0) pc = t */
  OP_ACC_ADD,  /*         acc += pop */
  OP_GLOBAL,   /*         push specialization global 0 */
  OP_MODE,     /*         m = pop & 3; push m * m + 1 (one path per m) */
  OP_CHECKSUM, /*         push checksum of the frame in memory */
  OP_RET,      /*         return acc + pop */
};

#define NUM_LOCALS 4
#define STACK_SLOTS 12
#define FRAME_WORDS (NUM_LOCALS + STACK_SLOTS)
/* The specialization global the request files; vm_generic uses the constant. */
#define SCALE 7
#define VM_ERROR UINT64_C(0xDEAD)

static const uint8_t program[] = {
    OP_PUSH, 5, OP_LSET, 0,                    /* 0: i = 5 */
    OP_PUSH, 0, OP_LSET, 1,                    /* 4: s = 0 */
    OP_LGET, 1, OP_LGET, 0, OP_INPUT, OP_MUL,  /* 8: loop: s += i * input */
    OP_ADD, OP_LSET, 1,                        /* 14 */
    OP_LGET, 0, OP_DUP, OP_MUL, OP_ACC_ADD,    /* 17: acc += i * i */
    OP_DEC_JNZ, 0, 8,                          /* 22 */
    OP_LGET, 1, OP_GLOBAL, OP_MUL, OP_ACC_ADD, /* 25: acc += s * SCALE */
    OP_PUSH, 3, OP_PUSH, 4, OP_SWAP,           /* 30: stack 4 3 -> local2 = 3 ... */
    OP_LSET, 2, OP_LSET, 3,                    /* 35: local3 = 4 */
    OP_LGET, 2, OP_LGET, 3, OP_PUSH, 10,       /* 39: acc += 3 + 4 * 10 */
    OP_MUL, OP_ADD, OP_ACC_ADD,                /* 45 */
    OP_INPUT, OP_MODE, OP_ACC_ADD,             /* 48: acc += m * m + 1 */
    OP_PUSH, 9, OP_CHECKSUM, OP_ACC_ADD,       /* 51: acc += checksum */
    OP_RET,                                    /* 55: acc + 9 */
};
#define PROGRAM_LEN ((uint32_t)sizeof program)

/* Reads the frame from memory, so it only sees the right values if pending
 * stack/local updates were written back first (sync.stack). noinline keeps
 * it a real call in both flavours. */
/* A cell of the program's own, reached through a pointer read at run time
 * (volatile): the checksum passes through it, pweval_outside. */
static uint64_t checksum_cell;
static uint64_t* volatile checksum_sink = &checksum_cell;

static __attribute__((noinline)) uint64_t frame_checksum(const uint64_t* frame, uint32_t depth) {
  uint64_t sum = 0;
  for (uint32_t i = 0; i < NUM_LOCALS + depth; i++) {
    sum = sum * 31 + frame[i];
  }
  return sum;
}

static inline __attribute__((always_inline)) uint64_t vm(const uint8_t* code, uint32_t len,
                                                         uint64_t bias, float fscale,
                                                         double dscale, uint64_t input,
                                                         uint64_t* frame, bool spec) {
  uint64_t acc_var = 0;
#define ACC_GET() (spec ? weval_read_reg(0) : acc_var)
#define ACC_SET(v)              \
  do {                          \
    if (spec) {                 \
      weval_write_reg(0, (v));  \
    } else {                    \
      acc_var = (v);            \
    }                           \
  } while (0)
  /* sp points at the next free slot; entry k from the top lives at sp-1-k. */
  /* The frame is the caller's own memory, apart from the bytecode. */
  frame = (uint64_t*)pweval_disjoint(frame);
  uint64_t* locals = frame;
  uint64_t* sp = frame + NUM_LOCALS;
  uint32_t depth = 0;
#define PUSH(v)                            \
  do {                                     \
    if (depth == STACK_SLOTS) goto out;    \
    weval_push_stack(sp, (v));             \
    sp++;                                  \
    depth++;                               \
  } while (0)
#define NEED(n)                \
  do {                         \
    if (depth < (n)) goto out;    \
  } while (0)
#define POP() (sp--, depth--, weval_pop_stack(sp))

  weval_assert_const32(len, __LINE__);
  ACC_SET(0);
  uint32_t pc = 0;
  uint64_t result = VM_ERROR;
  weval_push_context(pc);
  weval_context_bucket(0);
  while (pc < len) {
    uint8_t op = code[pc++];
    weval_trace_line(__LINE__);
    weval_print("all_intrinsics.c: op", __LINE__, op);
    switch (op) {
      case OP_PUSH:
        PUSH(code[pc++]);
        break;
      case OP_INPUT:
        PUSH(input);
        break;
      case OP_LGET: {
        uint8_t i = code[pc++];
        if (i >= NUM_LOCALS) goto out;
        PUSH(weval_read_local(&locals[i], i));
        break;
      }
      case OP_LSET: {
        uint8_t i = code[pc++];
        if (i >= NUM_LOCALS) goto out;
        NEED(1);
        uint64_t v = POP();
        weval_write_local(&locals[i], i, v);
        break;
      }
      case OP_ADD: {
        NEED(2);
        uint64_t b = POP();
        uint64_t a = POP();
        PUSH(a + b);
        break;
      }
      case OP_MUL: {
        NEED(2);
        uint64_t b = POP();
        uint64_t a = POP();
        PUSH(a * b);
        break;
      }
      case OP_DUP: {
        NEED(1);
        uint64_t top = weval_read_stack(sp - 1, 0);
        PUSH(top);
        break;
      }
      case OP_SWAP: {
        NEED(2);
        uint64_t top = weval_read_stack(sp - 1, 0);
        uint64_t below = weval_read_stack(sp - 2, 1);
        weval_write_stack(sp - 1, 0, below);
        weval_write_stack(sp - 2, 1, top);
        break;
      }
      case OP_DEC_JNZ: {
        uint8_t i = code[pc++];
        uint8_t target = code[pc++];
        if (i >= NUM_LOCALS) goto out;
        uint64_t v = weval_read_local(&locals[i], i) - 1;
        weval_write_local(&locals[i], i, v);
        if (v != 0) pc = target;
        break;
      }
      case OP_ACC_ADD: {
        NEED(1);
        uint64_t v = POP();
        ACC_SET(ACC_GET() + v);
        break;
      }
      case OP_GLOBAL:
        PUSH(spec ? weval_read_specialization_global(0) : (uint64_t)SCALE);
        break;
      case OP_MODE: {
        NEED(1);
        uint32_t m = weval_specialize_value((uint32_t)(POP() & 3), 0, 4);
        uint64_t v;
        switch (m) {
          case 0: v = 1; break;
          case 1: v = 2; break;
          case 2: v = 5; break;
          default: v = 10; break;
        }
        PUSH(v);
        break;
      }
      case OP_CHECKSUM: {
        weval_sync_stack();
        uint64_t* cell = (uint64_t*)pweval_outside((void*)checksum_sink);
        *cell = frame_checksum(frame, depth);
        PUSH(*cell);
        break;
      }
      case OP_RET: {
        NEED(1);
        uint64_t v = POP();
        result = ACC_GET() + v + bias + (uint64_t)(fscale * dscale);
        goto out;
      }
      default:
        /* Not reached by the program; marks where specialization would go
         * wrong for malformed bytecode. */
        weval_abort_specialization(__LINE__, 0);
        goto out;
    }
    weval_update_context(pc);
  }
out:
  weval_pop_context();
  return result;
#undef ACC_GET
#undef ACC_SET
#undef PUSH
#undef NEED
#undef POP
}

typedef uint64_t (*vm_fn)(const uint8_t* code, uint32_t len, uint64_t bias, float fscale,
                          double dscale, uint64_t input, uint64_t* frame);

static __attribute__((noinline)) uint64_t vm_generic(const uint8_t* code, uint32_t len,
                                                     uint64_t bias, float fscale, double dscale,
                                                     uint64_t input, uint64_t* frame) {
  return vm(code, len, bias, fscale, dscale, input, frame, false);
}
static __attribute__((noinline)) uint64_t vm_spec(const uint8_t* code, uint32_t len,
                                                  uint64_t bias, float fscale, double dscale,
                                                  uint64_t input, uint64_t* frame) {
  return vm(code, len, bias, fscale, dscale, input, frame, true);
}

#define BIAS UINT64_C(1000000000000)
#define FSCALE 1.5f
#define DSCALE 4.0

static vm_fn vm_specialized;
static bool took_specialized;

WEVAL_DEFINE_GLOBALS();

PWEVAL_EXPORT("used_specialized") uint32_t used_specialized(void);
PWEVAL_EXPORT("used_specialized") uint32_t used_specialized(void) { return took_specialized; }

static void init(void) {
  weval_req_t* req =
      pweval_req_begin(PWEVAL_FUNC(vm_spec), /*func_id=*/1, /*num_globals=*/1, &vm_specialized);
  pweval_arg_i64(req, SCALE);                      /* global 0 */
  pweval_arg_memory(req, program, PROGRAM_LEN);    /* code */
  pweval_arg_i32(req, PROGRAM_LEN);                /* len */
  pweval_arg_i64(req, BIAS);                       /* bias */
  pweval_arg_f32(req, FSCALE);                     /* fscale */
  pweval_arg_f64(req, DSCALE);                     /* dscale */
  pweval_arg_runtime(req);                         /* input */
  pweval_arg_runtime(req);                         /* frame */
  if (!pweval_req_submit(req)) {
    fputs("all_intrinsics: out of memory filing the request\n", stderr);
  }
}
PWEVAL_INIT(init);

int main(void) {
  vm_fn run = vm_specialized ? vm_specialized : vm_generic;
  took_specialized = vm_specialized != NULL;
  uint64_t frame[FRAME_WORDS];
  for (uint64_t input = 0; input < 6; input++) {
    memset(frame, 0, sizeof frame);
    uint64_t r = run(program, PROGRAM_LEN, BIAS, FSCALE, DSCALE, input, frame);
    printf("input %" PRIu64 ": result %" PRIu64 ", locals %" PRIu64 " %" PRIu64 " %" PRIu64
           " %" PRIu64 "\n",
           input, r, frame[0], frame[1], frame[2], frame[3]);
  }
  return 0;
}
