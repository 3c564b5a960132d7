/*
 * The accumulator VM of examples/interp-c (accvm.h) with *mutable*
 * programs, for the differential test (tests/all/accvm_diff.rs).
 *
 * ACCVM_BATCH program slots, each a zero-filled buffer of ACCVM_CAPACITY
 * words and a length. The init function (run once by the snapshot step)
 * files one request per slot i (user_id i + 1): specialize interpret_spec
 * on the whole buffer (constant memory) and the length (a constant i32).
 * The test then writes a batch of random programs into the snapshot *twice*,
 * with data segments: into `program[i]` (what run_generic interprets) and
 * into request i's copy of the bytes inside its argument buffer (what pweval
 * specializes on), and the length into `program_len[i]` and into the
 * request's i32 record. The exports "accvm.program" and "accvm.program_len"
 * give the test the two arrays' addresses.
 *
 * The test calls the exports directly (not _start), many in one instance:
 *   run_generic(i)      interprets program i with interpret_generic;
 *   run_specialized(i)  calls the function pweval made for slot i, and traps
 *                       when there is none, so a missing specialization is
 *                       never compared generic against generic.
 * Both flush stdout before returning, since no exit path does it for them.
 */
#include <stdint.h>
#include <stdio.h>

#include "accvm.h" /* examples/interp-c/ */
#include "weval.h"

/* Words per slot; must match CAPACITY in tests/all/accvm_gen.rs. */
#define ACCVM_CAPACITY 512
/* Slots; must match BATCH in tests/all/accvm_harness.rs. */
#define ACCVM_BATCH 256

uint64_t program[ACCVM_BATCH][ACCVM_CAPACITY];
uint32_t program_len[ACCVM_BATCH];

PWEVAL_EXPORT("accvm.program") uint64_t* accvm_program_addr(void);
PWEVAL_EXPORT("accvm.program") uint64_t* accvm_program_addr(void) { return &program[0][0]; }
PWEVAL_EXPORT("accvm.program_len") uint32_t* accvm_program_len_addr(void);
PWEVAL_EXPORT("accvm.program_len") uint32_t* accvm_program_len_addr(void) {
  return program_len;
}

/* pweval stores the specialized functions here (table indices) in its output. */
static interpret_fn interpret_specialized[ACCVM_BATCH];

WEVAL_DEFINE_GLOBALS();

static void init(void) {
  for (uint32_t i = 0; i < ACCVM_BATCH; i++) {
    weval_req_t* req = pweval_req_begin(PWEVAL_FUNC(interpret_spec), /*func_id=*/i + 1,
                                        /*num_globals=*/0, &interpret_specialized[i]);
    pweval_arg_memory(req, program[i], (uint32_t)sizeof program[i]);
    pweval_arg_i32(req, program_len[i]);
    if (!pweval_req_submit(req)) {
      fputs("accvm_diff: out of memory filing the specialization requests\n", stderr);
      return;
    }
  }
}
PWEVAL_INIT(init);

PWEVAL_EXPORT("run_generic") void run_generic(uint32_t i);
PWEVAL_EXPORT("run_generic") void run_generic(uint32_t i) {
  if (i >= ACCVM_BATCH) {
    __builtin_trap();
  }
  interpret_generic(program[i], program_len[i]);
  fflush(stdout);
}

PWEVAL_EXPORT("run_specialized") void run_specialized(uint32_t i);
PWEVAL_EXPORT("run_specialized") void run_specialized(uint32_t i) {
  if (i >= ACCVM_BATCH || !interpret_specialized[i]) {
    __builtin_trap();
  }
  interpret_specialized[i](program[i], program_len[i]);
  fflush(stdout);
}

/* What interp.c's main does (PWEVAL_INIT needs a main), for slot 0: the
 * specialized function if there is one, else the generic one. */
int main(void) {
  interpret_fn run = interpret_specialized[0] ? interpret_specialized[0] : interpret_generic;
  run(program[0], program_len[0]);
  return 0;
}
