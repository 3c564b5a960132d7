/*
 * A computed-goto interpreter (`goto *labels[op]`) in weval.h's recommended
 * pattern: one always_inline body, a generic and a specialized flavour, the
 * accumulator in weval register 0 when specialized. LLVM cannot inline a
 * function that holds an indirectbr, so the specialized wrapper becomes a
 * call of the out-of-line body with spec = 1, whose read.reg/write.reg trap
 * in generic code.
 *
 * REQUEST_BODY=0 (threaded_wrapper.wasm): the request names the wrapper;
 * pweval inlines the body into it (the body reaches a context intrinsic)
 * and specializes it there.
 * REQUEST_BODY=1 (threaded_body.wasm): the request names the body itself,
 * with spec = 1 as a constant; pweval specializes it.
 *
 * Prints the accumulator after each PRINT: "6 13 13".
 */
#include <stdint.h>
#include <stdio.h>

#include "weval.h"

#ifndef REQUEST_BODY
#define REQUEST_BODY 0
#endif

enum { OP_SET, OP_ADD, OP_PRINT, OP_JNZ_DEC, OP_HALT };

/* acc = 6; print; acc += 7; print; counter loop of 3 that leaves acc alone;
 * print; halt. Operands follow their opcode. */
static uint32_t program[] = {
    OP_SET, 6, OP_PRINT, OP_ADD, 7, OP_PRINT,
    OP_SET, 3, OP_JNZ_DEC, 8,  /* pc 8: loop until the counter is 0 */
    OP_SET, 13, OP_PRINT, OP_HALT,
};

typedef uint64_t (*interp_fn)(const uint32_t* code, uint32_t len, uint32_t spec);

static uint64_t memory_acc;

__attribute__((always_inline)) static inline uint64_t get_acc(uint32_t spec) {
  return spec ? weval_read_reg(0) : memory_acc;
}
__attribute__((always_inline)) static inline void set_acc(uint32_t spec, uint64_t v) {
  if (spec) weval_write_reg(0, v); else memory_acc = v;
}

#if REQUEST_BODY
__attribute__((noinline))
#else
__attribute__((always_inline)) static inline
#endif
uint64_t interp(const uint32_t* code, uint32_t len, uint32_t spec) {
  static const void* const labels[] = {&&do_set, &&do_add, &&do_print, &&do_jnz_dec, &&do_halt};
  uint32_t pc = 0;
  set_acc(spec, 0);
  weval_push_context(pc);
#define NEXT()                                 \
  do {                                         \
    weval_update_context(pc);                  \
    if (pc >= len || code[pc] > OP_HALT) goto do_halt; \
    goto* labels[code[pc]];                    \
  } while (0)
  NEXT();
do_set:
  set_acc(spec, code[pc + 1]);
  pc += 2;
  NEXT();
do_add:
  set_acc(spec, get_acc(spec) + code[pc + 1]);
  pc += 2;
  NEXT();
do_print:
  printf("%llu ", (unsigned long long)get_acc(spec));
  pc += 1;
  NEXT();
do_jnz_dec: {
  uint64_t acc = get_acc(spec);
  if (acc != 0) {
    set_acc(spec, acc - 1);
    pc = code[pc + 1];
  } else {
    pc += 2;
  }
  NEXT();
}
do_halt:
  weval_pop_context();
  return get_acc(spec);
}

#if REQUEST_BODY
#define REQUESTED interp
static uint64_t run_generic(const uint32_t* code, uint32_t len, uint32_t spec) {
  (void)spec;
  return interp(code, len, 0);
}
#else
__attribute__((noinline)) static uint64_t run_spec(const uint32_t* code, uint32_t len, uint32_t spec) {
  (void)spec;
  return interp(code, len, 1);
}
__attribute__((noinline)) static uint64_t run_generic(const uint32_t* code, uint32_t len, uint32_t spec) {
  (void)spec;
  return interp(code, len, 0);
}
#define REQUESTED run_spec
#endif

static interp_fn specialized;
static int used_specialized_flag;

static void init(void) {
  weval_req_t* req = pweval_req_begin(PWEVAL_FUNC(REQUESTED), 1, 0, &specialized);
  pweval_arg_memory(req, program, sizeof program);
  pweval_arg_i32(req, sizeof program / sizeof program[0]);
  pweval_arg_i32(req, 1);
  if (!pweval_req_submit(req)) fputs("out of memory filing the request\n", stderr);
}
PWEVAL_INIT(init);
WEVAL_DEFINE_GLOBALS();

PWEVAL_EXPORT("used_specialized") int used_specialized(void);
int used_specialized(void) { return used_specialized_flag; }

int main(void) {
  interp_fn run = specialized ? specialized : run_generic;
  used_specialized_flag = specialized != NULL;
  run(program, sizeof program / sizeof program[0], 1);
  printf("\n");
  return 0;
}
