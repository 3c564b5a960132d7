/*
 * Shape: `for (;;) switch` where every case ends in `continue` and leaving
 * the switch means leaving the loop. The context update is therefore at the
 * top of the loop. `uint32_t pc`, locals in an array.
 */
#include "acc.h"

static void interpret(const uint64_t* code, uint32_t len, uint64_t input) {
  uint64_t locals[ACC_NUM_LOCALS] = {0};
  uint64_t acc = input;
  uint32_t pc = 0;
  weval_push_context(pc);
  for (;;) {
    weval_update_context(pc);
    if (pc >= len) break;
    switch (code[pc]) {
      case LOAD_IMMEDIATE:
        acc = code[pc + 1];
        pc += 2;
        continue;
      case STORE_LOCAL:
        locals[code[pc + 1]] = acc;
        pc += 2;
        continue;
      case LOAD_LOCAL:
        acc = locals[code[pc + 1]];
        pc += 2;
        continue;
      case PRINT:
        fputs(acc_strings[code[pc + 1]], stdout);
        pc += 2;
        continue;
      case PRINTI:
        printf("%" PRIu64 "\n", acc);
        pc++;
        continue;
      case JMPNZ:
        if (acc != 0) {
          pc = (uint32_t)code[pc + 1];
        } else {
          pc += 2;
        }
        continue;
      case INC:
        acc++;
        pc++;
        continue;
      case DEC:
        acc--;
        pc++;
        continue;
      case ADD:
        acc = locals[code[pc + 1]] + locals[code[pc + 2]];
        pc += 3;
        continue;
      case HALT:
        break;
    }
    break;
  }
  weval_pop_context();
}

ACC_GUEST(interpret, interpret);
