/*
 * switch.c -- the same VM and programs as threaded.c, interpreted the
 * classic way: a `for (;;) switch` loop over the bytecode itself, the pc an
 * index, the accumulator a C local and the VM's locals a C array in the
 * interpreter's frame (as in threaded.c, so the two differ in dispatch only).
 *
 * This is the form pweval specializes today: the request names interpret()
 * itself (no generic/spec flavours are needed, since it uses no weval
 * registers), with the bytecode as constant memory, its length as a constant
 * and the input as a runtime argument. The context intrinsics follow
 * accvm.h: push at entry, update at the loop bottom, pop at the stop.
 *
 * Builds: see build.sh.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "programs.h"
#include "weval.h"

/* Run the bytecode `code` of `len` words with the accumulator starting at
 * `input`. The semantics are accvm.h's (every stop is a `goto out`).
 * noinline: the request names it, and main must call this very function. */
typedef void (*interpret_fn)(const uint64_t* code, uint32_t len, uint64_t input);
__attribute__((noinline)) static void interpret(const uint64_t* code, uint32_t len,
                                                uint64_t input) {
  uint64_t locals[NUM_LOCALS] = {0};
  uint64_t acc = input;
  uint32_t pc = 0;
  weval_push_context(pc);
  for (;;) {
    if (pc >= len) {
      break;
    }
    uint64_t op = code[pc++];
    switch (op) {
      case LOAD_IMMEDIATE:
        acc = code[pc++];
        break;
      case STORE_LOCAL: {
        uint64_t i = code[pc++];
        if (i >= NUM_LOCALS) goto out;
        locals[i] = acc;
        break;
      }
      case LOAD_LOCAL: {
        uint64_t i = code[pc++];
        if (i >= NUM_LOCALS) goto out;
        acc = locals[i];
        break;
      }
      case PRINT: {
        uint64_t msg = code[pc++];
        if (msg >= NUM_STRINGS) goto out;
        fputs(strings[msg], stdout);
        break;
      }
      case PRINTI:
        printf("%" PRIu64 "\n", acc);
        break;
      case JMPNZ: {
        /* clang makes this a select, so the next context is a choice
         * between two constant pcs, which pweval branches on. */
        uint32_t target = (uint32_t)code[pc++];
        if (acc != 0) pc = target;
        break;
      }
      case INC:
        acc++;
        break;
      case DEC:
        acc--;
        break;
      case ADD: {
        uint64_t i = code[pc++];
        uint64_t j = code[pc++];
        if (i >= NUM_LOCALS || j >= NUM_LOCALS) goto out;
        acc = locals[i] + locals[j];
        break;
      }
      case HALT:
      default:
        goto out;
    }
    weval_update_context(pc);
  }
out:
  weval_pop_context();
}

/* pweval stores the specialized functions here (table indices) in its output. */
static interpret_fn interpret_specialized[NUM_PROGRAMS];

WEVAL_DEFINE_GLOBALS();

/* Runs once, before the snapshot: one request per program (argv is not
 * known yet). The bytecode is static data, so nothing is built first. */
static void init(void) {
  for (size_t k = 0; k < NUM_PROGRAMS; k++) {
    weval_req_t* req = pweval_req_begin(PWEVAL_FUNC(interpret), /*func_id=*/(uint32_t)k + 1,
                                        /*num_globals=*/0, &interpret_specialized[k]);
    pweval_arg_memory(req, programs[k].code,
                      programs[k].len * (uint32_t)sizeof programs[k].code[0]);
    pweval_arg_i32(req, programs[k].len);
    pweval_arg_runtime(req); /* input: the accumulator's initial value */
    if (!pweval_req_submit(req)) {
      fputs("switch: out of memory filing the specialization requests\n", stderr);
      return;
    }
  }
}
PWEVAL_INIT(init);

int main(int argc, char** argv) {
  uint64_t n;
  int which = parse_args(argc, argv, &n);
  if (which < 0) {
    return 2;
  }
  interpret_fn fn = interpret_specialized[which] ? interpret_specialized[which] : interpret;
  fn(programs[which].code, programs[which].len, n);
  return 0;
}
