/*
 * The accumulator VM of examples/interp-c (accvm.h) with a *mutable*
 * program, for the differential test (tests/all/accvm_diff.rs).
 *
 * The program lives in a zero-filled buffer of ACCVM_CAPACITY words. The
 * init function (run once by the snapshot step) files one request:
 * specialize interpret_spec on the whole buffer (constant memory) and
 * program_len (a constant i32). The test then writes a random program into
 * the snapshot *twice*, with data segments: into `program` (what
 * run_generic interprets) and into the request's copy of the bytes inside
 * its argument buffer (what pweval specializes on), and program_len into the
 * global and into the request's i32 record. The exports "accvm.program" and
 * "accvm.program_len" give the test the two globals' addresses.
 *
 * The test calls the exports directly (not _start):
 *   run_generic      interprets the program with interpret_generic;
 *   run_specialized  calls the function pweval made, and traps when there is
 *                    none, so a missing specialization is never compared
 *                    generic against generic.
 * Both flush stdout before returning, since no exit path does it for them.
 */
#include <stdint.h>
#include <stdio.h>

#include "accvm.h" /* examples/interp-c/ */
#include "weval.h"

/* Words; must match CAPACITY in tests/all/accvm_gen.rs. */
#define ACCVM_CAPACITY 512

uint64_t program[ACCVM_CAPACITY];
uint32_t program_len;

PWEVAL_EXPORT("accvm.program") uint64_t* accvm_program_addr(void);
PWEVAL_EXPORT("accvm.program") uint64_t* accvm_program_addr(void) { return program; }
PWEVAL_EXPORT("accvm.program_len") uint32_t* accvm_program_len_addr(void);
PWEVAL_EXPORT("accvm.program_len") uint32_t* accvm_program_len_addr(void) {
  return &program_len;
}

/* pweval stores the specialized function here (a table index) in its output. */
static interpret_fn interpret_specialized;

WEVAL_DEFINE_GLOBALS();

static void init(void) {
  weval_req_t* req = pweval_req_begin(PWEVAL_FUNC(interpret_spec), /*func_id=*/1,
                                      /*num_globals=*/0, &interpret_specialized);
  pweval_arg_memory(req, program, (uint32_t)sizeof program);
  pweval_arg_i32(req, program_len);
  if (!pweval_req_submit(req)) {
    fputs("accvm_diff: out of memory filing the specialization request\n", stderr);
  }
}
PWEVAL_INIT(init);

PWEVAL_EXPORT("run_generic") void run_generic(void);
PWEVAL_EXPORT("run_generic") void run_generic(void) {
  interpret_generic(program, program_len);
  fflush(stdout);
}

PWEVAL_EXPORT("run_specialized") void run_specialized(void);
PWEVAL_EXPORT("run_specialized") void run_specialized(void) {
  if (!interpret_specialized) {
    __builtin_trap();
  }
  interpret_specialized(program, program_len);
  fflush(stdout);
}

/* What interp.c's main does (PWEVAL_INIT needs a main): the specialized
 * function if there is one, else the generic one. */
int main(void) {
  interpret_fn run = interpret_specialized ? interpret_specialized : interpret_generic;
  run(program, program_len);
  return 0;
}
