/*
 * The accumulator VM of the seed blog post, as a pweval guest.
 *
 * The VM (opcodes and the interpreter) lives in accvm.h, which compiles one
 * interpreter body into two flavours in the same module:
 *   interpret_generic  keeps the VM's locals in a C array and is what runs
 *                      when nothing was specialized;
 *   interpret_spec     keeps them in weval virtual registers (read.reg /
 *                      write.reg, which trap in generic code), and is only
 *                      ever called through the specialized pointer.
 * This file holds the program. The init function (run once by the snapshot
 * step) files one request: specialize interpret_spec on the bytecode
 * (constant memory) and its length (a constant i32). main calls the
 * specialized function if pweval filled the slot, else interpret_generic.
 *
 * Builds: see the Makefile. Natively (or with -DPWEVAL_INLINE_INTRINSICS)
 * weval.h turns the intrinsics into their generic meanings, so the same file
 * is the native and the plain-Wasm baseline.
 */
#include <stdint.h>
#include <stdio.h>

#include "accvm.h"
#include "weval.h"

#ifndef LOOP_COUNT
#define LOOP_COUNT 100000000
#endif

/* sum = 0; i = LOOP_COUNT; do { sum += i; i--; } while (i); print sum */
static const uint64_t program[] = {
    LOAD_IMMEDIATE, 0,          /* 0 */
    STORE_LOCAL,    0,          /* 2: sum */
    LOAD_IMMEDIATE, LOOP_COUNT, /* 4 */
    STORE_LOCAL,    1,          /* 6: i */
    ADD,            0, 1,       /* 8: loop */
    STORE_LOCAL,    0,          /* 11 */
    LOAD_LOCAL,     1,          /* 13 */
    DEC,                        /* 15 */
    STORE_LOCAL,    1,          /* 16 */
    JMPNZ,          8,          /* 18 */
    PRINT,          0,          /* 20 */
    LOAD_LOCAL,     0,          /* 22 */
    PRINTI,                     /* 24 */
    HALT,                       /* 25 */
};
#define PROGRAM_LEN ((uint32_t)(sizeof program / sizeof program[0]))

/* pweval stores the specialized function here (a table index) in its output. */
static interpret_fn interpret_specialized;

WEVAL_DEFINE_GLOBALS();

static void init(void) {
  weval_req_t* req = pweval_req_begin(PWEVAL_FUNC(interpret_spec), /*func_id=*/1,
                                      /*num_globals=*/0, &interpret_specialized);
  pweval_arg_memory(req, program, (uint32_t)sizeof program);
  pweval_arg_i32(req, PROGRAM_LEN);
  if (!pweval_req_submit(req)) {
    fputs("interp: out of memory filing the specialization request\n", stderr);
  }
}
PWEVAL_INIT(init);

int main(void) {
  interpret_fn run = interpret_specialized ? interpret_specialized : interpret_generic;
  run(program, PROGRAM_LEN);
  return 0;
}
