/*
 * Shape: a loop made of a label and `goto`: no while or for. `uint32_t pc`,
 * locals in an array, the update just before jumping back.
 */
#include "acc.h"

static void interpret(const uint64_t* code, uint32_t len, uint64_t input) {
  uint64_t locals[ACC_NUM_LOCALS] = {0};
  uint64_t acc = input;
  uint32_t pc = 0;
  weval_push_context(pc);
dispatch:
  if (pc >= len) goto done;
  switch (code[pc]) {
    case LOAD_IMMEDIATE:
      acc = code[pc + 1];
      pc += 2;
      goto next;
    case STORE_LOCAL:
      locals[code[pc + 1]] = acc;
      pc += 2;
      goto next;
    case LOAD_LOCAL:
      acc = locals[code[pc + 1]];
      pc += 2;
      goto next;
    case PRINT:
      fputs(acc_strings[code[pc + 1]], stdout);
      pc += 2;
      goto next;
    case PRINTI:
      printf("%" PRIu64 "\n", acc);
      pc += 1;
      goto next;
    case JMPNZ:
      if (acc != 0) {
        pc = (uint32_t)code[pc + 1];
        goto next;
      }
      pc += 2;
      goto next;
    case INC:
      acc++;
      pc += 1;
      goto next;
    case DEC:
      acc--;
      pc += 1;
      goto next;
    case ADD:
      acc = locals[code[pc + 1]] + locals[code[pc + 2]];
      pc += 3;
      goto next;
    default:
      goto done;
  }
next:
  weval_update_context(pc);
  goto dispatch;
done:
  weval_pop_context();
}

ACC_GUEST(interpret, interpret);
