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
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "accvm.h"
#include "weval.h"

#ifndef LOOP_COUNT
#define LOOP_COUNT 100000000
#endif

#ifndef PROGRAM_REPEAT
#define PROGRAM_REPEAT 1
#endif

/*
 * sum = 0; i = LOOP_COUNT; do { sum += i; i--; } while (i); print sum
 *
 * The benchmark's scaling series (bench/) builds the same program
 * PROGRAM_REPEAT times as long: FILLERS extra `STORE_LOCAL 2` instructions
 * (which change nothing the program prints) before the loop. The program is
 * built at start-up, so the snapshot holds it like any loaded bytecode.
 */
#define FILLERS (((uint32_t)PROGRAM_REPEAT - 1) * 13)
#define LOOP_PC (8 + 2 * FILLERS)
#define PROGRAM_LEN ((uint32_t)(26 + 2 * FILLERS))
static uint64_t program[PROGRAM_LEN];
static bool program_built;

static void build_program(void) {
  const uint64_t head[] = {
      LOAD_IMMEDIATE, 0,          /* 0 */
      STORE_LOCAL,    0,          /* 2: sum */
      LOAD_IMMEDIATE, LOOP_COUNT, /* 4 */
      STORE_LOCAL,    1,          /* 6: i */
  };
  const uint64_t body[] = {
      ADD,            0, 1,       /* LOOP_PC: loop */
      STORE_LOCAL,    0,          /* +3 */
      LOAD_LOCAL,     1,          /* +5 */
      DEC,                        /* +7 */
      STORE_LOCAL,    1,          /* +8 */
      JMPNZ,          LOOP_PC,    /* +10 */
      PRINT,          0,          /* +12 */
      LOAD_LOCAL,     0,          /* +14 */
      PRINTI,                     /* +16 */
      HALT,                       /* +17 */
  };
  uint32_t n = 0;
  for (uint32_t i = 0; i < sizeof head / sizeof head[0]; i++) program[n++] = head[i];
  for (uint32_t i = 0; i + 1 <= FILLERS; i++) { /* `<=`: no warning when FILLERS is 0 */
    program[n++] = STORE_LOCAL;
    program[n++] = 2;
  }
  for (uint32_t i = 0; i < sizeof body / sizeof body[0]; i++) program[n++] = body[i];
  program_built = true;
}

/* pweval stores the specialized function here (a table index) in its output. */
static interpret_fn interpret_specialized;

WEVAL_DEFINE_GLOBALS();

static void init(void) {
  build_program();
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
  if (!program_built) {
    build_program(); /* not snapshotted: the generic and native builds */
  }
  interpret_fn run = interpret_specialized ? interpret_specialized : interpret_generic;
  run(program, PROGRAM_LEN);
  return 0;
}
