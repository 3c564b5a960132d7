/*
 * Shape: acc_blog.c with a `uint32_t pc` (the only difference).
 */
#include "acc.h"

static void interpret(const uint64_t* code, uint32_t len, uint64_t input) {
  uint64_t locals[ACC_NUM_LOCALS] = {0};
  uint64_t accumulator = input;
  uint32_t pc = 0;
  weval_push_context(pc);
  while (pc < len) {
    uint64_t opcode = code[pc];
    switch (opcode) {
      case LOAD_IMMEDIATE:
        accumulator = code[pc + 1];
        pc += 2;
        break;
      case STORE_LOCAL:
        locals[code[pc + 1]] = accumulator;
        pc += 2;
        break;
      case LOAD_LOCAL:
        accumulator = locals[code[pc + 1]];
        pc += 2;
        break;
      case PRINT:
        fputs(acc_strings[code[pc + 1]], stdout);
        pc += 2;
        break;
      case PRINTI:
        printf("%" PRIu64 "\n", accumulator);
        pc += 1;
        break;
      case JMPNZ: {
        uint32_t offset = (uint32_t)code[pc + 1];
        pc += 2;
        if (accumulator != 0) pc = offset;
        break;
      }
      case INC:
        accumulator++;
        pc += 1;
        break;
      case DEC:
        accumulator--;
        pc += 1;
        break;
      case ADD:
        accumulator = locals[code[pc + 1]] + locals[code[pc + 2]];
        pc += 3;
        break;
      case HALT:
      default:
        goto out;
    }
    weval_update_context(pc);
  }
out:
  weval_pop_context();
}

ACC_GUEST(interpret, interpret);
