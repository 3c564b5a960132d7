/*
 * Shape: `while (running)`: HALT (or an unknown opcode) clears a flag
 * instead of jumping out, so the loop condition is a value that changes
 * inside the loop. `uint32_t pc` with post-increment fetches, locals in an
 * array, one update at the bottom.
 */
#include "acc.h"

static void interpret(const uint64_t* code, uint32_t len, uint64_t input) {
  uint64_t locals[ACC_NUM_LOCALS] = {0};
  uint64_t acc = input;
  uint32_t pc = 0;
  bool running = len > 0;
  weval_push_context(pc);
  while (running) {
    uint64_t op = code[pc++];
    switch (op) {
      case LOAD_IMMEDIATE:
        acc = code[pc++];
        break;
      case STORE_LOCAL:
        locals[code[pc++]] = acc;
        break;
      case LOAD_LOCAL:
        acc = locals[code[pc++]];
        break;
      case PRINT:
        fputs(acc_strings[code[pc++]], stdout);
        break;
      case PRINTI:
        printf("%" PRIu64 "\n", acc);
        break;
      case JMPNZ: {
        uint32_t target = (uint32_t)code[pc++];
        if (acc) pc = target;
        break;
      }
      case INC:
        acc++;
        break;
      case DEC:
        acc--;
        break;
      case ADD: {
        uint64_t a = locals[code[pc++]];
        uint64_t b = locals[code[pc++]];
        acc = a + b;
        break;
      }
      case HALT:
      default:
        running = false;
        break;
    }
    if (pc >= len) running = false;
    weval_update_context(pc);
  }
  weval_pop_context();
}

ACC_GUEST(interpret, interpret);
