/*
 * Shape: two weval_update_context sites. The taken JMPNZ updates the
 * context with its constant target itself and `continue`s; every other
 * instruction reaches the shared update at the bottom (the form weval's own
 * examples use). `uint32_t pc`, locals in an array.
 */
#include "acc.h"

static void interpret(const uint64_t* code, uint32_t len, uint64_t input) {
  uint64_t locals[ACC_NUM_LOCALS] = {0};
  uint64_t acc = input;
  uint32_t pc = 0;
  weval_push_context(pc);
  while (pc < len) {
    switch (code[pc]) {
      case LOAD_IMMEDIATE:
        acc = code[pc + 1];
        pc += 2;
        break;
      case STORE_LOCAL:
        locals[code[pc + 1]] = acc;
        pc += 2;
        break;
      case LOAD_LOCAL:
        acc = locals[code[pc + 1]];
        pc += 2;
        break;
      case PRINT:
        fputs(acc_strings[code[pc + 1]], stdout);
        pc += 2;
        break;
      case PRINTI:
        printf("%" PRIu64 "\n", acc);
        pc += 1;
        break;
      case JMPNZ:
        if (acc != 0) {
          pc = (uint32_t)code[pc + 1];
          weval_update_context(pc);
          continue;
        }
        pc += 2;
        break;
      case INC:
        acc++;
        pc += 1;
        break;
      case DEC:
        acc--;
        pc += 1;
        break;
      case ADD:
        acc = locals[code[pc + 1]] + locals[code[pc + 2]];
        pc += 3;
        break;
      default:
        goto out;
    }
    weval_update_context(pc);
  }
out:
  weval_pop_context();
}

ACC_GUEST(interpret, interpret);
