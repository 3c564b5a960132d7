/*
 * Shape: direct threading with GNU computed goto (`goto *labels[op]`), each
 * handler ending in its own DISPATCH() which updates the context and jumps
 * through a static table of label addresses. `uint32_t pc`, locals in an
 * array.
 */
#include "acc.h"

static void interpret(const uint64_t* code, uint32_t len, uint64_t input) {
  static const void* const labels[] = {
      [LOAD_IMMEDIATE] = &&do_load_immediate, [STORE_LOCAL] = &&do_store_local,
      [LOAD_LOCAL] = &&do_load_local,         [PRINT] = &&do_print,
      [PRINTI] = &&do_printi,                 [JMPNZ] = &&do_jmpnz,
      [INC] = &&do_inc,                       [DEC] = &&do_dec,
      [ADD] = &&do_add,                       [HALT] = &&do_halt,
      [JMP3] = &&do_halt,
  };
  uint64_t locals[ACC_NUM_LOCALS] = {0};
  uint64_t acc = input;
  uint32_t pc = 0;
#define DISPATCH()                                             \
  do {                                                         \
    weval_update_context(pc);                                  \
    if (pc >= len || code[pc] > JMP3) goto do_halt;            \
    goto* labels[code[pc]];                                    \
  } while (0)
  weval_push_context(pc);
  DISPATCH();
do_load_immediate:
  acc = code[pc + 1];
  pc += 2;
  DISPATCH();
do_store_local:
  locals[code[pc + 1]] = acc;
  pc += 2;
  DISPATCH();
do_load_local:
  acc = locals[code[pc + 1]];
  pc += 2;
  DISPATCH();
do_print:
  fputs(acc_strings[code[pc + 1]], stdout);
  pc += 2;
  DISPATCH();
do_printi:
  printf("%" PRIu64 "\n", acc);
  pc += 1;
  DISPATCH();
do_jmpnz:
  pc = acc != 0 ? (uint32_t)code[pc + 1] : pc + 2;
  DISPATCH();
do_inc:
  acc++;
  pc += 1;
  DISPATCH();
do_dec:
  acc--;
  pc += 1;
  DISPATCH();
do_add:
  acc = locals[code[pc + 1]] + locals[code[pc + 2]];
  pc += 3;
  DISPATCH();
do_halt:
  weval_pop_context();
#undef DISPATCH
}

ACC_GUEST(interpret, interpret);
