/*
 * Shape: byte code with variable-length instructions (ACC_BYTES in acc.h):
 * an opcode byte, one-byte local and string numbers, a two-byte jump target
 * assembled from two byte loads, an eight-byte immediate read with memcpy.
 * `uint32_t pc` counts bytes. Otherwise as acc_blog.c.
 */
#define ACC_ENCODING ACC_BYTES
#include "acc.h"

static void interpret(const uint8_t* code, uint32_t len, uint64_t input) {
  uint64_t locals[ACC_NUM_LOCALS] = {0};
  uint64_t acc = input;
  uint32_t pc = 0;
  weval_push_context(pc);
  while (pc < len) {
    uint8_t op = code[pc];
    switch (op) {
      case LOAD_IMMEDIATE:
        memcpy(&acc, &code[pc + 1], sizeof acc);
        pc += 9;
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
      case JMPNZ: {
        uint32_t target = code[pc + 1] | (uint32_t)code[pc + 2] << 8;
        pc += 3;
        if (acc != 0) pc = target;
        break;
      }
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
