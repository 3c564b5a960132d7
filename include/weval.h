/*
 * weval.h -- the guest side of pweval, source compatible with weval's header.
 *
 * A guest (an interpreter written in C or C++) includes this header to
 *   1. announce its interpreter structure to the specializer through the
 *      "weval" intrinsics (Wasm imports, section 4),
 *   2. file *specialization requests* in its linear memory (sections 2, 3, 6
 *      and 7), which pweval reads out of the pre-initialized snapshot, and
 *   3. export the pre-initialization entry points the snapshot step calls
 *      (PWEVAL_INIT, section 8).
 *
 * Modes
 * -----
 * - Wasm (the default when __wasm__ is defined): intrinsics are imports from
 *   module "weval". Such a module is meant to be fed to pweval, which removes
 *   every intrinsic import; it does not run as is under a plain Wasm runtime
 *   (the "weval" imports would be missing).
 * - Inline intrinsics (always when not compiling for Wasm; on Wasm when
 *   PWEVAL_INLINE_INTRINSICS is defined): every intrinsic is a static inline
 *   function with its *generic* meaning, so the same source builds a native
 *   program or a plain Wasm module without "weval" imports (a baseline that
 *   runs anywhere). In this mode PWEVAL_INIT does not export the init function,
 *   so such a module can never file a request by mistake.
 *
 * Build requirement (Wasm + WASI with PWEVAL_INIT): link with -nostartfiles.
 * PWEVAL_INIT defines the program's `_start` itself; see section 8 for why.
 * Forgetting the flag fails loudly ("duplicate symbol: _start").
 *
 * Supported compilers: clang (any mode) and GCC (native mode); C99 or later,
 * C++14 or later. The header compiles without warnings under -Wall -Wextra
 * in each of those standards (tests/all/header.rs checks clang 14, 19 and 22
 * for wasm32-wasi with -Werror).
 */
#ifndef PWEVAL_WEVAL_H
#define PWEVAL_WEVAL_H

/* Bumped when the request layout or an intrinsic's meaning changes. */
#define PWEVAL_ABI_VERSION 1

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#if defined(__wasm__) && !defined(__wasm32__)
#error "weval.h: the request layout is defined for wasm32 only"
#endif

#if !defined(__wasm__) && !defined(PWEVAL_INLINE_INTRINSICS)
#define PWEVAL_INLINE_INTRINSICS 1
#endif

#if defined(__wasm__) && defined(__wasi__)
/* For __wasi_proc_exit: reuse libc's own declaration (it is _Noreturn in
 * wasi-libc 2022), never redeclare it. */
#include <wasi/api.h>
#endif

#ifdef __cplusplus
#define PWEVAL_EXTERN_C extern "C"
#define PWEVAL_BEGIN_C extern "C" {
#define PWEVAL_END_C }
#define PWEVAL_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define PWEVAL_EXTERN_C
#define PWEVAL_BEGIN_C
#define PWEVAL_END_C
#define PWEVAL_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#ifdef __wasm__
#define PWEVAL_EXPORT(name) __attribute__((export_name(name)))
#else
#define PWEVAL_EXPORT(name)
#endif

/* ------------------------------------------------------------------------- */
/* 1. Layout of the request ABI (wasm32, little endian)                      */
/* ------------------------------------------------------------------------- */

/* The tool reads these offsets from guest memory; they are checked against
 * the struct definitions below with static asserts, and against pweval's own
 * constants by its test suite. */
#define PWEVAL_REQ_OFF_NEXT 0
#define PWEVAL_REQ_OFF_PREV 4
#define PWEVAL_REQ_OFF_USER_ID 8
#define PWEVAL_REQ_OFF_NUM_GLOBALS 12
#define PWEVAL_REQ_OFF_FUNC 16
#define PWEVAL_REQ_OFF_ARGBUF 20
#define PWEVAL_REQ_OFF_ARGLEN 24
#define PWEVAL_REQ_OFF_SPECIALIZED 28
#define PWEVAL_REQ_SIZE 32

#define PWEVAL_ARG_OFF_SPECIALIZE 0
#define PWEVAL_ARG_OFF_TY 4
#define PWEVAL_ARG_OFF_VALUE 8
#define PWEVAL_ARG_OFF_BUF_LEN 8
#define PWEVAL_ARG_OFF_BUF_PADDED_LEN 12
#define PWEVAL_ARG_SIZE 16
/* Inline buffer bytes are padded with zeros to a multiple of this. */
#define PWEVAL_ARG_BUF_ALIGN 8

/* Values of weval_req_arg_t.ty. */
#define PWEVAL_ARG_TY_I32 0
#define PWEVAL_ARG_TY_I64 1
#define PWEVAL_ARG_TY_F32 2
#define PWEVAL_ARG_TY_F64 3
#define PWEVAL_ARG_TY_BUFFER 4
#define PWEVAL_ARG_TY_NONE 255

/* Size of weval_is_wevaled (a C bool). */
#define PWEVAL_IS_WEVALED_SIZE 1

/* ------------------------------------------------------------------------- */
/* 2. Request structures                                                     */
/* ------------------------------------------------------------------------- */

/* A function pointer of any signature, stored as its table index on wasm32.
 * `void (*)(void)` rather than weval's `void (*)()` so C23 and
 * -Wstrict-prototypes stay quiet; converting to it needs a cast either way
 * (PWEVAL_FUNC below). */
typedef void (*weval_func_t)(void);
#define PWEVAL_FUNC(f) ((weval_func_t)(f))

typedef struct weval_req_t weval_req_t;
typedef struct weval_req_arg_t weval_req_arg_t;

/*
 * One request: "specialize `func` on the arguments in `argbuf` and store the
 * new function's table index at `*specialized`". Requests form a doubly
 * linked list whose head is weval_req_pending_head.
 */
struct weval_req_t {
  weval_req_t* next;
  weval_req_t* prev;
  /* Caller-chosen id of the generic function, stable across relinks (a cache
   * key and a name for diagnostics). */
  uint32_t user_id;
  /* How many leading argument records are specialization globals rather than
   * parameters. */
  uint32_t num_globals;
  /* The generic function (its table index). */
  weval_func_t func;
  /* num_globals + (number of parameters of func) records, back to back. */
  uint8_t* argbuf;
  uint32_t arglen;
  /* Where the tool stores the specialized function (a table index). Left
   * untouched (normally NULL) when the request could not be specialized, so
   * the guest keeps calling `func`. */
  weval_func_t* specialized;
};

typedef enum {
  weval_req_arg_i32 = PWEVAL_ARG_TY_I32,
  weval_req_arg_i64 = PWEVAL_ARG_TY_I64,
  weval_req_arg_f32 = PWEVAL_ARG_TY_F32,
  weval_req_arg_f64 = PWEVAL_ARG_TY_F64,
  weval_req_arg_buffer = PWEVAL_ARG_TY_BUFFER,
  weval_req_arg_none = PWEVAL_ARG_TY_NONE
} weval_req_arg_type;

/*
 * One argument record. A constant (specialize = 1) has the value in `u`:
 * i32 and f32 use the low 4 bytes and the high 4 are zero. A runtime argument
 * (specialize = 0) has ty = weval_req_arg_none and a zero value. A buffer
 * (ty = weval_req_arg_buffer, always constant) is followed inline by its
 * `len` bytes padded with zeros to `padded_len` (a multiple of 8); the
 * specialized function sees that parameter as a pointer to the inline copy,
 * whose bytes it may treat as constant.
 */
struct weval_req_arg_t {
  uint32_t specialize;
  uint32_t ty;
  union {
    uint64_t raw;
    uint32_t i32;
    uint64_t i64;
    float f32;
    double f64;
    struct {
      uint32_t len;
      uint32_t padded_len;
    } buffer;
  } u;
};

#ifdef __wasm__
PWEVAL_STATIC_ASSERT(offsetof(weval_req_t, next) == PWEVAL_REQ_OFF_NEXT, "next");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_t, prev) == PWEVAL_REQ_OFF_PREV, "prev");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_t, user_id) == PWEVAL_REQ_OFF_USER_ID, "user_id");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_t, num_globals) == PWEVAL_REQ_OFF_NUM_GLOBALS,
                     "num_globals");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_t, func) == PWEVAL_REQ_OFF_FUNC, "func");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_t, argbuf) == PWEVAL_REQ_OFF_ARGBUF, "argbuf");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_t, arglen) == PWEVAL_REQ_OFF_ARGLEN, "arglen");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_t, specialized) == PWEVAL_REQ_OFF_SPECIALIZED,
                     "specialized");
PWEVAL_STATIC_ASSERT(sizeof(weval_req_t) == PWEVAL_REQ_SIZE, "weval_req_t size");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_arg_t, specialize) == PWEVAL_ARG_OFF_SPECIALIZE,
                     "specialize");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_arg_t, ty) == PWEVAL_ARG_OFF_TY, "ty");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_arg_t, u) == PWEVAL_ARG_OFF_VALUE, "value");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_arg_t, u.raw) == PWEVAL_ARG_OFF_VALUE, "raw");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_arg_t, u.buffer.len) == PWEVAL_ARG_OFF_BUF_LEN,
                     "buffer.len");
PWEVAL_STATIC_ASSERT(offsetof(weval_req_arg_t, u.buffer.padded_len) ==
                         PWEVAL_ARG_OFF_BUF_PADDED_LEN,
                     "buffer.padded_len");
PWEVAL_STATIC_ASSERT(sizeof(weval_req_arg_t) == PWEVAL_ARG_SIZE, "weval_req_arg_t size");
PWEVAL_STATIC_ASSERT(sizeof(bool) == PWEVAL_IS_WEVALED_SIZE, "bool size");
#endif

/* ------------------------------------------------------------------------- */
/* 3. The request list and the "is specialized" flag                         */
/* ------------------------------------------------------------------------- */

PWEVAL_BEGIN_C
/* Head of the pending request list (defined by WEVAL_DEFINE_GLOBALS). */
extern weval_req_t* weval_req_pending_head;
/* Set to 1 by pweval in its output module. It says the *module* has been
 * processed, not that the running function is a specialized copy: the generic
 * functions remain in the output and still run for requests that failed. */
extern bool weval_is_wevaled;

/* The accessor exports pweval evaluates (statically: each body must be a
 * constant address) to find the two variables above. */
weval_req_t** pweval_pending_head_addr(void);
bool* pweval_is_wevaled_addr(void);
PWEVAL_END_C

/* Define the variables and their accessor exports, in exactly one translation
 * unit of the program. Use it with a trailing semicolon. */
#define WEVAL_DEFINE_GLOBALS()                                                      \
  weval_req_t* weval_req_pending_head;                                              \
  bool weval_is_wevaled;                                                            \
  PWEVAL_EXTERN_C PWEVAL_EXPORT("weval.pending.head") weval_req_t**                 \
  pweval_pending_head_addr(void) {                                                  \
    return &weval_req_pending_head;                                                 \
  }                                                                                 \
  PWEVAL_EXTERN_C PWEVAL_EXPORT("weval.is.wevaled") bool* pweval_is_wevaled_addr(void) { \
    return &weval_is_wevaled;                                                       \
  }                                                                                 \
  /* Completes the user's trailing semicolon with a harmless redeclaration. */     \
  PWEVAL_EXTERN_C bool* pweval_is_wevaled_addr(void)

/* weval compatibility: exports "weval.func.<index>" returning `func`. pweval
 * does not need it (requests name their function); it only keeps guests
 * written for weval compiling. */
#define WEVAL_DEFINE_TARGET(index, func)                                           \
  PWEVAL_EXTERN_C PWEVAL_EXPORT("weval.func." #index) weval_func_t                \
      pweval_func_target_##index(void) {                                          \
    return (weval_func_t)&(func);                                                 \
  }                                                                               \
  PWEVAL_EXTERN_C weval_func_t pweval_func_target_##index(void)

/* ------------------------------------------------------------------------- */
/* 4. Intrinsics                                                             */
/* ------------------------------------------------------------------------- */

/*
 * Each intrinsic has two meanings:
 * - generic: what pweval turns the call into in every function it does not
 *   specialize (and what the inline-intrinsics mode implements);
 * - specialized: what it means inside a specialized copy pweval produces.
 *
 * read.reg, write.reg and read.specialization.global only make sense in a
 * specialized copy: read.reg and read.specialization.global TRAP in generic
 * code. Keep them off every path the generic function can execute, with one of:
 *   (a) two flavours of the interpreter from one source: a C++
 *       `template <bool Specialized>` or a C `static inline
 *       __attribute__((always_inline))` body taking a constant flag, wrapped
 *       by a generic function (flag 0, locals in an array) and a specialized
 *       one (flag 1, locals in registers). File the request on the
 *       specialized flavour and call the generic flavour otherwise;
 *   (b) one function with a `specialized` parameter that the request passes
 *       as the constant 1 and every ordinary call passes as 0.
 * A body with a computed goto (`goto *labels[op]`) is never inlined by
 * clang, whatever its attributes, so (a) leaves the specialized flavour a
 * mere call of the body: use (b) and file the request on the body itself.
 * pweval refuses a request on such a wrapper and names the body.
 * Do NOT guard them with weval_is_wevaled: it is 1 in the whole output
 * module, including the generic functions.
 *
 * Arguments called "constant" below must be known when specializing; pweval
 * reports a request whose constant argument is not, and keeps the generic
 * function for it.
 */

#if !defined(PWEVAL_INLINE_INTRINSICS)

#define PWEVAL_IMPORT(name) __attribute__((import_module("weval"), import_name(name)))

PWEVAL_BEGIN_C

/* Enter a nested interpreter context identified by `pc`.
 * generic: no-op.
 * specialized: the specializer keeps one copy of each block per context, so
 *   code under a known pc folds (the opcode fetched from constant bytecode
 *   becomes a constant and the dispatch switch a direct branch). */
void weval_push_context(uint32_t pc) PWEVAL_IMPORT("push.context");

/* Leave the innermost context (pair with weval_push_context).
 * generic: no-op.
 * specialized: continues in the enclosing context. */
void weval_pop_context(void) PWEVAL_IMPORT("pop.context");

/* Replace the innermost context's pc, normally once per interpreter loop
 * iteration, after the next pc is computed.
 * generic: no-op.
 * specialized: the following blocks are copied for the new pc. pc must be
 *   constant, or a choice between constants made by a runtime condition (the
 *   plain `if (acc != 0) pc = target;`, which clang turns into a select):
 *   pweval then branches on the condition and continues in one context per
 *   value. */
void weval_update_context(uint32_t pc) PWEVAL_IMPORT("update.context");

/* Read virtual register `idx` (constant).
 * generic: TRAPS (unreachable). Specialized code only; see above.
 * specialized: the register's current value; registers are values of the
 *   specialized function (Wasm locals after lowering), never memory. Write a
 *   register (weval_write_reg) on every path before reading it. */
uint64_t weval_read_reg(uint64_t idx) PWEVAL_IMPORT("read.reg");

/* Write virtual register `idx` (constant).
 * generic: no-op (the value is dropped). Specialized code only.
 * specialized: sets the register's value. */
void weval_write_reg(uint64_t idx, uint64_t value) PWEVAL_IMPORT("write.reg");

/* Ask for one specialized path per value of `value` in [lo, hi).
 * generic: returns `value`.
 * specialized: returns `value`; when it is not constant, pweval may branch on
 *   it and continue with a constant in each copy for lo <= value < hi; any
 *   other value takes a path where it stays a runtime value. */
uint32_t weval_specialize_value(uint32_t value, uint32_t lo, uint32_t hi)
    PWEVAL_IMPORT("specialize.value");

/* Read specialization global `index` (constant), i.e. the index-th of the
 * request's num_globals leading argument records.
 * generic: TRAPS (unreachable). Specialized code only.
 * specialized: that record's constant value (i32/f32 bits zero-extended). */
uint64_t weval_read_specialization_global(uint32_t index)
    PWEVAL_IMPORT("read.specialization.global");

/*
 * Operand-stack and locals virtualization. `ptr` is always the address of the
 * 8-byte slot concerned (so the generic meaning is an ordinary memory access);
 * `index` is the key under which the specializer tracks the slot.
 * specialized (all of them): pweval keeps the tracked slots in SSA values and
 * stores them to memory at weval_sync_stack(), before calls and at returns,
 * so memory is up to date whenever other code can look at it.
 */

/* Push `value` into the slot at `ptr` (the new top of stack).
 * generic: *ptr = value. */
void weval_push_stack(uint64_t* ptr, uint64_t value) PWEVAL_IMPORT("push.stack");

/* Write every tracked stack slot and local to memory now.
 * generic: no-op (memory is always up to date). */
void weval_sync_stack(void) PWEVAL_IMPORT("sync.stack");

/* Read stack entry `index` (0 = most recently pushed, 1 = the one below...)
 * whose slot is at `ptr`.
 * generic: returns *ptr. */
uint64_t weval_read_stack(uint64_t* ptr, uint32_t index) PWEVAL_IMPORT("read.stack");

/* Overwrite stack entry `index` (as above) whose slot is at `ptr`.
 * generic: *ptr = value. */
void weval_write_stack(uint64_t* ptr, uint32_t index, uint64_t value)
    PWEVAL_IMPORT("write.stack");

/* Pop the top of stack, whose slot is at `ptr`.
 * generic: returns *ptr. specialized: a pushed-then-popped value never
 * reaches memory. */
uint64_t weval_pop_stack(uint64_t* ptr) PWEVAL_IMPORT("pop.stack");

/* Read interpreter local number `index`, whose slot is at `ptr`.
 * generic: returns *ptr. */
uint64_t weval_read_local(const uint64_t* ptr, uint32_t index) PWEVAL_IMPORT("read.local");

/* Write interpreter local number `index`, whose slot is at `ptr`.
 * generic: *ptr = value. */
void weval_write_local(uint64_t* ptr, uint32_t index, uint64_t value)
    PWEVAL_IMPORT("write.local");

/* Debugging and diagnostics; all are no-ops in generic code. */

/* specialized: logs the source line when the specializer reaches it. */
void weval_trace_line(uint32_t line_number) PWEVAL_IMPORT("trace.line");

/* specialized: with fatal != 0, reaching this call while specializing makes
 * pweval give up on the request (a diagnostic names the line; the guest keeps
 * the generic function). With fatal == 0 it is only a marker. */
void weval_abort_specialization(uint32_t line_number, uint32_t fatal)
    PWEVAL_IMPORT("abort.specialization");

/* specialized: `value` must be constant at this point, else pweval reports
 * the line and gives up on the request. */
void weval_assert_const32(uint32_t value, uint32_t line_number) PWEVAL_IMPORT("assert.const32");

/* specialized: logs `message` (a constant pointer to a NUL-terminated string
 * in memory), the line and what is known about `val`, at specialization
 * time. Nothing is printed at run time. */
void weval_print(const char* message, uint32_t line, uint32_t val) PWEVAL_IMPORT("print");

/* specialized: a hint grouping the current context with others of the same
 * bucket (weval uses it to bound code growth); pweval may ignore it. */
void weval_context_bucket(uint32_t bucket) PWEVAL_IMPORT("context.bucket");

/* pweval's own (weval has no such intrinsic; guests for weval need not use
 * it). `p` is one of the specialized function's arguments, or one plus a
 * constant. Promise: the bytes the function reads or writes at that
 * argument plus a constant (up to 16 MiB either way) are never bytes it
 * reads or writes through its other arguments, its frame or the constants
 * it is specialized on. True when the argument points into an allocation
 * of its own that nothing else the function is given points into.
 * generic: returns `p`.
 * specialized: returns `p`; what the function knows it stored or loaded
 *   there survives its stores through the other arguments, and the
 *   reverse. A store through a pointer loaded from memory, or any call,
 *   still forgets everything.
 *   A false promise makes the output wrong: a store through another
 *   argument that does reach those bytes leaves a stale value in use.
 * Example: an interpreter frame's register file (`base`) against its VM
 * state struct (`vm->top`, `vm->pc`). */
void* pweval_disjoint(void* p) PWEVAL_IMPORT("pweval.disjoint");

/* pweval's own (weval has no such intrinsic). `p` is a pointer the
 * function loaded or computed at run time. Promise: the bytes the function
 * reads or writes at `p` plus a constant (up to 16 MiB either way) are
 * never bytes of an object it marked with pweval_disjoint.
 * generic: returns `p`.
 * specialized: returns `p`; a store through it (or a constant from it)
 *   leaves what the function knows of the pweval_disjoint objects, where
 *   a store through a pointer loaded from memory forgets everything.
 *   Other pointers, including another pweval_outside pointer to the same
 *   bytes, are treated as possibly the same memory. What is known through
 *   `p` itself lasts until the end of the straight-line code it is in.
 *   A false promise makes the output wrong, as with pweval_disjoint.
 * Example: a slot of a hash table or an array the interpreter's objects
 * own, written by a store instruction, against the register file. */
void* pweval_outside(void* p) PWEVAL_IMPORT("pweval.outside");

PWEVAL_END_C

#undef PWEVAL_IMPORT

#else /* PWEVAL_INLINE_INTRINSICS: the generic meanings, documented above. */

PWEVAL_BEGIN_C
static inline void weval_push_context(uint32_t pc) { (void)pc; }
static inline void weval_pop_context(void) {}
static inline void weval_update_context(uint32_t pc) { (void)pc; }
static inline uint64_t weval_read_reg(uint64_t idx) {
  (void)idx;
  __builtin_trap();
}
static inline void weval_write_reg(uint64_t idx, uint64_t value) {
  (void)idx;
  (void)value;
}
static inline uint32_t weval_specialize_value(uint32_t value, uint32_t lo, uint32_t hi) {
  (void)lo;
  (void)hi;
  return value;
}
static inline uint64_t weval_read_specialization_global(uint32_t index) {
  (void)index;
  __builtin_trap();
}
static inline void weval_push_stack(uint64_t* ptr, uint64_t value) { *ptr = value; }
static inline void weval_sync_stack(void) {}
static inline uint64_t weval_read_stack(uint64_t* ptr, uint32_t index) {
  (void)index;
  return *ptr;
}
static inline void weval_write_stack(uint64_t* ptr, uint32_t index, uint64_t value) {
  (void)index;
  *ptr = value;
}
static inline uint64_t weval_pop_stack(uint64_t* ptr) { return *ptr; }
static inline uint64_t weval_read_local(const uint64_t* ptr, uint32_t index) {
  (void)index;
  return *ptr;
}
static inline void weval_write_local(uint64_t* ptr, uint32_t index, uint64_t value) {
  (void)index;
  *ptr = value;
}
static inline void weval_trace_line(uint32_t line_number) { (void)line_number; }
static inline void weval_abort_specialization(uint32_t line_number, uint32_t fatal) {
  (void)line_number;
  (void)fatal;
}
static inline void weval_assert_const32(uint32_t value, uint32_t line_number) {
  (void)value;
  (void)line_number;
}
static inline void weval_print(const char* message, uint32_t line, uint32_t val) {
  (void)message;
  (void)line;
  (void)val;
}
static inline void* pweval_disjoint(void* p) { return p; }
static inline void* pweval_outside(void* p) { return p; }
static inline void weval_context_bucket(uint32_t bucket) { (void)bucket; }
PWEVAL_END_C

#endif /* PWEVAL_INLINE_INTRINSICS */

/* ------------------------------------------------------------------------- */
/* 5. Filing and freeing requests (weval's C API)                            */
/* ------------------------------------------------------------------------- */

PWEVAL_BEGIN_C

/* Link `req` at the head of the pending list. Skipped in a processed module
 * (weval_is_wevaled): the code that files requests normally runs before the
 * snapshot, and a request filed afterwards would never be serviced. */
static inline void weval_request(weval_req_t* req) {
  if (weval_is_wevaled) {
    return;
  }
  req->next = weval_req_pending_head;
  req->prev = NULL;
  if (weval_req_pending_head) {
    weval_req_pending_head->prev = req;
  }
  weval_req_pending_head = req;
}

/* Unlink `req` (if linked) and free it with its argument buffer. Never free a
 * request whose specialized function may still run: a buffer argument of the
 * specialized function points into argbuf. */
static inline void weval_free(weval_req_t* req) {
  if (req->prev) {
    req->prev->next = req->next;
  } else if (weval_req_pending_head == req) {
    weval_req_pending_head = req->next;
  }
  if (req->next) {
    req->next->prev = req->prev;
  }
  free(req->argbuf);
  free(req);
}

/* ------------------------------------------------------------------------- */
/* 6. Request builder for C guests                                           */
/* ------------------------------------------------------------------------- */

/*
 * Usage (each call accepts the NULL a failed pweval_req_begin returns, and an
 * allocation failure is remembered until submit, so no check is needed in
 * between):
 *
 *   static void (*interp_specialized)(const uint64_t*, uint32_t);
 *   weval_req_t* r = pweval_req_begin(PWEVAL_FUNC(interp_spec), 1, 0,
 *                                     &interp_specialized);
 *   pweval_arg_memory(r, code, code_bytes);   // parameter 0: constant bytes
 *   pweval_arg_i32(r, code_len);              // parameter 1: constant
 *   if (!pweval_req_submit(r)) { ... out of memory ... }
 *
 * Add the num_globals specialization globals first, then one record per
 * parameter of the function, in order.
 */

/* arglen value marking a request whose buffer could not be built. */
#define PWEVAL_ARGLEN_FAILED 0xFFFFFFFFu
/* Upper bound on a request's argument bytes (keeps the size arithmetic far
 * from overflow). */
#define PWEVAL_ARGLEN_MAX 0x7FFFFFF0u

/* Start a request for `func` (a PWEVAL_FUNC(...) cast), identified by
 * `func_id`, whose specialized version is to be stored at `dest` (the address
 * of a function-pointer variable). Returns NULL when out of memory. */
static inline weval_req_t* pweval_req_begin(weval_func_t func, uint32_t func_id,
                                            uint32_t num_globals, void* dest) {
  weval_req_t* req = (weval_req_t*)calloc(1, sizeof(weval_req_t));
  if (!req) {
    return NULL;
  }
  /* weval's C++ helper never set user_id; pweval uses it as a key. */
  req->user_id = func_id;
  req->num_globals = num_globals;
  req->func = func;
  req->specialized = (weval_func_t*)dest;
  return req;
}

/* Append `extra` bytes to the argument buffer and return where they start,
 * or NULL (the request is then marked failed and its buffer dropped). */
static inline uint8_t* pweval_req_grow_(weval_req_t* req, uint32_t extra) {
  uint8_t* buf;
  uint8_t* at;
  if (!req || req->arglen == PWEVAL_ARGLEN_FAILED) {
    return NULL;
  }
  buf = NULL;
  if (extra <= PWEVAL_ARGLEN_MAX - req->arglen) {
    buf = (uint8_t*)realloc(req->argbuf, (size_t)req->arglen + extra);
  }
  if (!buf) {
    free(req->argbuf);
    req->argbuf = NULL;
    req->arglen = PWEVAL_ARGLEN_FAILED;
    return NULL;
  }
  req->argbuf = buf;
  at = buf + req->arglen;
  req->arglen += extra;
  return at;
}

static inline void pweval_arg_record_(weval_req_t* req, uint32_t specialize, uint32_t ty,
                                      uint64_t raw) {
  weval_req_arg_t rec;
  uint8_t* at = pweval_req_grow_(req, (uint32_t)sizeof rec);
  if (!at) {
    return;
  }
  memset(&rec, 0, sizeof rec);
  rec.specialize = specialize;
  rec.ty = ty;
  rec.u.raw = raw;
  memcpy(at, &rec, sizeof rec);
}

/* A constant i32 (any 32-bit-or-smaller integer or pointer parameter). */
static inline void pweval_arg_i32(weval_req_t* req, uint32_t value) {
  pweval_arg_record_(req, 1, weval_req_arg_i32, value);
}
/* A constant i64. */
static inline void pweval_arg_i64(weval_req_t* req, uint64_t value) {
  pweval_arg_record_(req, 1, weval_req_arg_i64, value);
}
/* A constant f32 (its bits in the low 4 bytes). */
static inline void pweval_arg_f32(weval_req_t* req, float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  pweval_arg_record_(req, 1, weval_req_arg_f32, bits);
}
/* A constant f64. */
static inline void pweval_arg_f64(weval_req_t* req, double value) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof bits);
  pweval_arg_record_(req, 1, weval_req_arg_f64, bits);
}
/* A parameter left to run time. */
static inline void pweval_arg_runtime(weval_req_t* req) {
  pweval_arg_record_(req, 0, weval_req_arg_none, 0);
}
/* A pointer parameter whose `len` bytes at `ptr` are constant: they are copied
 * into the request now (later changes to the original are not seen). */
static inline void pweval_arg_memory(weval_req_t* req, const void* ptr, uint32_t len) {
  weval_req_arg_t rec;
  uint32_t padded;
  uint8_t* at;
  if (len > PWEVAL_ARGLEN_MAX) {
    (void)pweval_req_grow_(req, PWEVAL_ARGLEN_MAX + 1u); /* marks it failed */
    return;
  }
  padded = (len + (PWEVAL_ARG_BUF_ALIGN - 1u)) & ~(uint32_t)(PWEVAL_ARG_BUF_ALIGN - 1u);
  if (padded > PWEVAL_ARGLEN_MAX - (uint32_t)sizeof rec) {
    (void)pweval_req_grow_(req, PWEVAL_ARGLEN_MAX + 1u);
    return;
  }
  at = pweval_req_grow_(req, (uint32_t)sizeof rec + padded);
  if (!at) {
    return;
  }
  memset(&rec, 0, sizeof rec);
  rec.specialize = 1;
  rec.ty = weval_req_arg_buffer;
  rec.u.buffer.len = len;
  rec.u.buffer.padded_len = padded;
  memcpy(at, &rec, sizeof rec);
  if (len) {
    memcpy(at + sizeof rec, ptr, len);
  }
  /* Zero padding keeps the snapshot (and any cache key) deterministic. */
  memset(at + sizeof rec + len, 0, padded - len);
}

/* File the request. Returns it, or NULL (and frees it) if building it ran out
 * of memory or `req` is NULL. */
static inline weval_req_t* pweval_req_submit(weval_req_t* req) {
  if (!req) {
    return NULL;
  }
  if (req->arglen == PWEVAL_ARGLEN_FAILED) {
    free(req);
    return NULL;
  }
  weval_request(req);
  return req;
}

PWEVAL_END_C

/* ------------------------------------------------------------------------- */
/* 7. C++ helpers (weval-compatible)                                         */
/* ------------------------------------------------------------------------- */

#ifdef __cplusplus
#include <tuple>
#include <type_traits>
#include <utility>

namespace weval {

inline void push_context(uint32_t pc) { weval_push_context(pc); }
inline void pop_context() { weval_pop_context(); }
inline void update_context(uint32_t pc) { weval_update_context(pc); }

namespace impl {

template <typename Ret, typename... Args>
using FuncPtr = Ret (*)(Args...);

/* The Wasm value type (weval_req_arg_type) an unqualified C++ type is passed
 * as, or -1. */
template <typename T, typename = void>
struct WasmTypeOf : std::integral_constant<int, -1> {};
template <typename T>
struct WasmTypeOf<T, std::enable_if_t<(std::is_integral<T>::value || std::is_enum<T>::value) &&
                                      sizeof(T) <= 4>>
    : std::integral_constant<int, weval_req_arg_i32> {};
template <typename T>
struct WasmTypeOf<T, std::enable_if_t<(std::is_integral<T>::value || std::is_enum<T>::value) &&
                                      sizeof(T) == 8>>
    : std::integral_constant<int, weval_req_arg_i64> {};
template <>
struct WasmTypeOf<float> : std::integral_constant<int, weval_req_arg_f32> {};
template <>
struct WasmTypeOf<double> : std::integral_constant<int, weval_req_arg_f64> {};
template <typename T>
struct WasmTypeOf<T*> : std::integral_constant<int, weval_req_arg_i32> {};
/* A reference parameter is passed as a pointer. */
template <typename T>
struct WasmTypeOf<T&> : std::integral_constant<int, weval_req_arg_i32> {};
/* Qualifiers do not change how a value is passed. */
template <typename T>
struct WasmType : WasmTypeOf<std::remove_cv_t<T>> {};

}  // namespace impl

/* A constant argument: weval::Specialize<uint32_t>(n), or weval::Specialize(n)
 * with C++17 deduction (C++14 needs the type spelled out). Integers up to 32
 * bits, bool, enums and pointers are i32; 64-bit integers i64; float f32;
 * double f64. */
template <typename T>
struct Specialize {
  static_assert(!std::is_reference<T>::value,
                "weval::Specialize<T&>: pass a pointer (Specialize<T*>) instead");
  static_assert(impl::WasmType<T>::value >= 0,
                "weval::Specialize<T>: T must be an integer, enum, bool, float, double or pointer");
  T value;
  explicit Specialize(T value_) : value(value_) {}
};

/* A constant memory argument: a pointer parameter whose `len` bytes are
 * copied into the request and treated as constant. */
template <typename T>
struct SpecializeMemory {
  static_assert(std::is_pointer<T>::value, "weval::SpecializeMemory<T>: T must be a pointer type");
  T ptr;
  uint32_t len;
  SpecializeMemory(T ptr_, uint32_t len_) : ptr(ptr_), len(len_) {}
};

/* A parameter left to run time; T is the parameter's type. */
template <typename T>
struct RuntimeArg {
  static_assert(impl::WasmType<T>::value >= 0, "weval::Runtime<T>: unsupported parameter type");
};
template <typename T>
RuntimeArg<T> Runtime() {
  return RuntimeArg<T>{};
}

namespace impl {

template <typename W>
struct ArgSpecType : std::integral_constant<int, -2> {}; /* not an argument wrapper */
template <typename T>
struct ArgSpecType<Specialize<T>> : WasmType<T> {};
template <typename T>
struct ArgSpecType<SpecializeMemory<T>> : std::integral_constant<int, weval_req_arg_i32> {};
template <typename T>
struct ArgSpecType<RuntimeArg<T>> : WasmType<T> {};

/* Are all the flags true? (A C++14 stand-in for a fold expression.) */
constexpr bool all_true() { return true; }
template <typename... Rest>
constexpr bool all_true(bool first, Rest... rest) {
  return first && all_true(rest...);
}

/* Do the last sizeof...(Params) wrapped arguments have the parameters' Wasm
 * types? (Specialization globals come first, so the tail always lines up.) */
template <typename ArgsTuple, typename ParamsTuple, size_t... I>
constexpr bool tail_matches(std::index_sequence<I...>) {
  constexpr size_t offset = std::tuple_size<ArgsTuple>::value - sizeof...(I);
  return all_true((ArgSpecType<std::tuple_element_t<offset + I, ArgsTuple>>::value ==
                   WasmType<std::tuple_element_t<I, ParamsTuple>>::value)...);
}
/* With fewer arguments than parameters there is no tail to compare (the
 * count assertion reports it instead); the partial specialization keeps
 * tail_matches from being instantiated with an out-of-range offset. */
template <typename ArgsTuple, typename ParamsTuple,
          bool Enough = (std::tuple_size<ArgsTuple>::value >=
                         std::tuple_size<ParamsTuple>::value)>
struct ArgsMatchParams : std::true_type {};
template <typename ArgsTuple, typename ParamsTuple>
struct ArgsMatchParams<ArgsTuple, ParamsTuple, true>
    : std::integral_constant<bool, tail_matches<ArgsTuple, ParamsTuple>(
                                       std::make_index_sequence<
                                           std::tuple_size<ParamsTuple>::value>{})> {};
template <typename ArgsTuple, typename ParamsTuple>
constexpr bool args_match_params() {
  return ArgsMatchParams<ArgsTuple, ParamsTuple>::value;
}

/* How a constant of type T is stored. Chosen by tag dispatch so that only the
 * conversion that applies to T is ever instantiated. */
enum StoreKind { store_f32, store_f64, store_pointer, store_i64, store_i32 };
template <typename T>
struct StoreKindOf
    : std::integral_constant<int, WasmType<T>::value == weval_req_arg_f32   ? store_f32
                                  : WasmType<T>::value == weval_req_arg_f64 ? store_f64
                                  : std::is_pointer<T>::value               ? store_pointer
                                  : WasmType<T>::value == weval_req_arg_i64 ? store_i64
                                                                            : store_i32> {};
template <int Kind>
using StoreTag = std::integral_constant<int, Kind>;

template <typename T>
inline void store_constant(weval_req_t* req, const T& value, StoreTag<store_f32>) {
  pweval_arg_f32(req, static_cast<float>(value));
}
template <typename T>
inline void store_constant(weval_req_t* req, const T& value, StoreTag<store_f64>) {
  pweval_arg_f64(req, static_cast<double>(value));
}
template <typename T>
inline void store_constant(weval_req_t* req, const T& value, StoreTag<store_pointer>) {
  pweval_arg_i32(req, static_cast<uint32_t>(reinterpret_cast<uintptr_t>(value)));
}
template <typename T>
inline void store_constant(weval_req_t* req, const T& value, StoreTag<store_i64>) {
  pweval_arg_i64(req, static_cast<uint64_t>(value));
}
template <typename T>
inline void store_constant(weval_req_t* req, const T& value, StoreTag<store_i32>) {
  /* Wasm passes narrow integers sign- or zero-extended to i32; converting
   * through int32_t/uint32_t does the same. */
  pweval_arg_i32(req, static_cast<uint32_t>(value));
}

template <typename T>
inline void store(weval_req_t* req, const Specialize<T>& arg) {
  store_constant(req, arg.value, StoreTag<StoreKindOf<T>::value>{});
}
template <typename T>
inline void store(weval_req_t* req, const SpecializeMemory<T>& arg) {
  pweval_arg_memory(req, static_cast<const void*>(arg.ptr), arg.len);
}
template <typename T>
inline void store(weval_req_t* req, const RuntimeArg<T>&) {
  pweval_arg_runtime(req);
}

template <typename Ret, typename... Params, typename... WrappedArgs>
weval_req_t* file(FuncPtr<Ret, Params...>* dest, FuncPtr<Ret, Params...> generic,
                  uint32_t func_id, uint32_t num_globals, const WrappedArgs&... args) {
  if (static_cast<size_t>(num_globals) + sizeof...(Params) != sizeof...(WrappedArgs)) {
    return nullptr;
  }
  weval_req_t* req =
      pweval_req_begin(reinterpret_cast<weval_func_t>(generic), func_id, num_globals,
                       static_cast<void*>(dest));
  /* One store per argument, left to right (a braced list is evaluated in
   * order); the leading 0 keeps the array non-empty. */
  int in_order[] = {0, (store(req, args), 0)...};
  (void)in_order;
  return pweval_req_submit(req);
}

/* Only instantiate the writer for valid calls (std::true_type), so a mistake
 * produces the one static_assert message of weval::weval rather than a
 * cascade. */
template <typename Ret, typename... Params, typename... WrappedArgs>
weval_req_t* file_if(std::true_type, FuncPtr<Ret, Params...>* dest,
                     FuncPtr<Ret, Params...> generic, uint32_t func_id, uint32_t num_globals,
                     const WrappedArgs&... args) {
  return file(dest, generic, func_id, num_globals, args...);
}
template <typename Ret, typename... Params, typename... WrappedArgs>
weval_req_t* file_if(std::false_type, FuncPtr<Ret, Params...>*, FuncPtr<Ret, Params...>,
                     uint32_t, uint32_t, const WrappedArgs&...) {
  return nullptr;
}

template <typename... WrappedArgs>
constexpr bool all_wrapped() {
  return all_true((ArgSpecType<WrappedArgs>::value != -2)...);
}

}  // namespace impl

/*
 * File a request to specialize `generic`, storing the result in `*dest`:
 *   weval::weval(&dest, &generic, func_id, num_globals, args...)
 * `args` are num_globals specialization globals followed by one
 * Specialize / SpecializeMemory / Runtime per parameter of `generic`. Returns
 * the request (user_id = func_id), or nullptr when out of memory or when the
 * argument count is not num_globals + parameters.
 */
template <typename Ret, typename... Params, typename... WrappedArgs>
weval_req_t* weval(impl::FuncPtr<Ret, Params...>* dest, impl::FuncPtr<Ret, Params...> generic,
                   uint32_t func_id, uint32_t num_globals, WrappedArgs... args) {
  constexpr bool wrapped = impl::all_wrapped<WrappedArgs...>();
  constexpr bool enough = sizeof...(WrappedArgs) >= sizeof...(Params);
  constexpr bool typed =
      impl::args_match_params<std::tuple<WrappedArgs...>, std::tuple<Params...>>();
  static_assert(wrapped,
                "weval::weval: wrap each argument in weval::Specialize, "
                "weval::SpecializeMemory or weval::Runtime");
  static_assert(enough, "weval::weval: fewer arguments than the function has parameters");
  static_assert(typed,
                "weval::weval: an argument's type does not match its parameter's Wasm type");
  return impl::file_if(std::integral_constant<bool, wrapped && enough && typed>{}, dest,
                       generic, func_id, num_globals, args...);
}

/* The same with num_globals as a template argument, which lets the compiler
 * check the argument count exactly:
 *   weval::weval<0>(&dest, &generic, func_id, args...) */
template <uint32_t NumGlobals, typename Ret, typename... Params, typename... WrappedArgs>
weval_req_t* weval(impl::FuncPtr<Ret, Params...>* dest, impl::FuncPtr<Ret, Params...> generic,
                   uint32_t func_id, WrappedArgs... args) {
  constexpr bool wrapped = impl::all_wrapped<WrappedArgs...>();
  constexpr bool exact = sizeof...(WrappedArgs) == NumGlobals + sizeof...(Params);
  constexpr bool typed =
      impl::args_match_params<std::tuple<WrappedArgs...>, std::tuple<Params...>>();
  static_assert(wrapped,
                "weval::weval: wrap each argument in weval::Specialize, "
                "weval::SpecializeMemory or weval::Runtime");
  static_assert(exact,
                "weval::weval<NumGlobals>: need NumGlobals globals plus one argument per "
                "parameter");
  static_assert(typed,
                "weval::weval: an argument's type does not match its parameter's Wasm type");
  return impl::file_if(std::integral_constant<bool, wrapped && exact && typed>{}, dest,
                       generic, func_id, NumGlobals, args...);
}

inline void free(weval_req_t* req) { weval_free(req); }

}  // namespace weval
#endif /* __cplusplus */

/* ------------------------------------------------------------------------- */
/* 8. Pre-initialization entry points (Wizer's guest ABI)                    */
/* ------------------------------------------------------------------------- */

/*
 * PWEVAL_INIT(fn);   (once per program, at file scope, semicolon required)
 *
 * Exports
 *   "wizer-initialize" (and "wizer.initialize", the name older Wizer and
 *       weval 0.5.1 call): runs the constructors if they have not run, then
 *       fn(), once. The snapshot is taken after it returns.
 *   "wizer.resume": runs the constructors if they have not run (never after a
 *       snapshot of wizer-initialize), main() through wasi-libc's
 *       __main_void(), then the destructors (__wasm_call_dtors: atexit
 *       handlers, C++ static destructors, stdio flush), and exits with main's
 *       status when it is non-zero. The snapshot step points the output's
 *       `_start` at this export.
 *   "_start": the same as wizer.resume, so the module also runs directly, with
 *       or without a snapshot (unless PWEVAL_NO_START is defined).
 *
 * Why `_start` is ours (and the build needs -nostartfiles): with Debian's
 * wasi-libc (2022), crt1-command.o's `_start` calls main without running
 * constructors; wasm-ld 14 makes up for that by wrapping *every* exported
 * function of such a module in __wasm_call_ctors() ... __wasm_call_dtors()
 * ("command exports"), unless some object file references __wasm_call_ctors.
 * Wrapping would run constructors again in wizer.resume, run destructors at
 * the end of wizer-initialize (before the snapshot), and turn the accessor
 * exports into non-constant wrappers. Referencing __wasm_call_ctors (as this
 * macro does) turns the wrapping off for the whole module, after which crt1's
 * `_start` would run main with no constructors and no final stdio flush. So
 * the macro provides `_start` itself and crt1 must be left out.
 *
 * "Exactly once" is tracked by a flag that a priority-101 constructor sets,
 * so whoever runs the constructors (this macro, crt1-reactor's _initialize,
 * a host) is noticed, and a snapshot taken after wizer-initialize records it.
 * The flag is volatile: clang 15 and later evaluate such a constructor at
 * compile time, would fold the flag to true and drop the __wasm_call_ctors
 * reference, and wasm-ld would then wrap every export again.
 *
 * Output printed by constructors or fn() during pre-initialization is split
 * unpredictably: wasi-libc writes stdout's first line at once (to the
 * snapshotting tool's stdout) and, when stdout is not a terminal, buffers the
 * rest, which is then snapshotted and printed by the resumed program. Prefer
 * recording state and printing it from main.
 *
 * In inline-intrinsics mode the init function is not exported (the module
 * could not be specialized anyway); on WASI `_start` is still defined so the
 * build line is the same.
 */
#if defined(__wasm__) && defined(__wasi__)

PWEVAL_BEGIN_C
/* Synthesized by wasm-ld: runs the static constructors, in priority order. */
void __wasm_call_ctors(void);
/* wasi-libc: atexit handlers and C++ static destructors, then stdio flush. */
void __wasm_call_dtors(void);
/* wasi-libc: calls main (fetching argc/argv if main takes them). */
int __main_void(void);
void pweval_wizer_initialize(void);
void pweval_wizer_initialize_legacy(void);
void pweval_wizer_resume(void);
PWEVAL_END_C

#ifdef PWEVAL_NO_START
#define PWEVAL_DEFINE_START_()
#else
#define PWEVAL_DEFINE_START_() \
  PWEVAL_EXTERN_C PWEVAL_EXPORT("_start") void _start(void) { pweval_wizer_resume(); }
#endif

#define PWEVAL_DEFINE_RUNTIME_()                                                   \
  static volatile bool pweval_ctors_ran_;                                         \
  __attribute__((constructor(101))) static void pweval_note_ctors_ran_(void) {    \
    pweval_ctors_ran_ = true;                                                     \
  }                                                                               \
  static void pweval_run_ctors_once_(void) {                                      \
    if (!pweval_ctors_ran_) {                                                     \
      __wasm_call_ctors();                                                        \
    }                                                                             \
  }                                                                               \
  PWEVAL_EXTERN_C PWEVAL_EXPORT("wizer.resume") void pweval_wizer_resume(void) {  \
    int status;                                                                   \
    pweval_run_ctors_once_();                                                     \
    status = __main_void();                                                       \
    __wasm_call_dtors();                                                          \
    if (status != 0) {                                                            \
      __wasi_proc_exit((__wasi_exitcode_t)status);                                \
    }                                                                             \
  }                                                                               \
  PWEVAL_DEFINE_START_()

#if !defined(PWEVAL_INLINE_INTRINSICS)
#define PWEVAL_INIT(fn)                                                           \
  PWEVAL_DEFINE_RUNTIME_()                                                        \
  static bool pweval_init_ran_;                                                   \
  PWEVAL_EXTERN_C PWEVAL_EXPORT("wizer-initialize") void pweval_wizer_initialize(void) { \
    pweval_run_ctors_once_();                                                     \
    if (!pweval_init_ran_) {                                                      \
      pweval_init_ran_ = true;                                                    \
      fn();                                                                       \
    }                                                                             \
  }                                                                               \
  PWEVAL_EXTERN_C PWEVAL_EXPORT("wizer.initialize") void pweval_wizer_initialize_legacy( \
      void) {                                                                     \
    pweval_wizer_initialize();                                                    \
  }                                                                               \
  PWEVAL_EXTERN_C void pweval_wizer_resume(void)
#else
#define PWEVAL_INIT(fn)                                                           \
  PWEVAL_DEFINE_RUNTIME_()                                                        \
  static void (*const pweval_unused_init_)(void) __attribute__((unused)) = fn;    \
  PWEVAL_EXTERN_C void pweval_wizer_resume(void)
#endif

#else /* not WASI: nothing to export; keep `fn` referenced so it compiles quietly. */

#define PWEVAL_INIT(fn) \
  static void (*const pweval_unused_init_)(void) __attribute__((unused)) = fn

#endif

/* No-op init function, for guests that file their requests from constructors. */
#define PWEVAL_DEFAULT_INIT()                   \
  static void pweval_default_init_(void) {}     \
  PWEVAL_INIT(pweval_default_init_)

/* Wizer's names, for guests written against wizer.h (do not include both). */
#ifndef WIZER_INIT
#define WIZER_INIT(fn) PWEVAL_INIT(fn)
#endif
#ifndef WIZER_DEFAULT_INIT
#define WIZER_DEFAULT_INIT() PWEVAL_DEFAULT_INIT()
#endif

#endif /* PWEVAL_WEVAL_H */
