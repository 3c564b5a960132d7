/*
 * Shape: variable-length byte code whose instruction lengths come from a
 * `static const uint8_t` table in read-only data, consulted once per
 * instruction before the dispatch (`next = pc + acc_oplen[op]`), as
 * interpreters with opcode property tables do. The table is not request
 * memory: only read-only data folding makes `next` a constant. Otherwise as
 * acc_bytes.c.
 */
#define ACC_ENCODING ACC_BYTES
#include "acc.h"

/* Instruction length in bytes, by opcode (ACC_BYTES encoding). */
static const uint8_t acc_oplen[] = {
    [LOAD_IMMEDIATE] = 9, [STORE_LOCAL] = 2, [LOAD_LOCAL] = 2, [PRINT] = 2, [PRINTI] = 1,
    [JMPNZ] = 3,          [INC] = 1,         [DEC] = 1,        [ADD] = 3,   [HALT] = 1,
    [JMP3] = 7,
};

static void interpret(const uint8_t* code, uint32_t len, uint64_t input) {
  uint64_t locals[ACC_NUM_LOCALS] = {0};
  uint64_t acc = input;
  uint32_t pc = 0;
  weval_push_context(pc);
  while (pc < len) {
    uint8_t op = code[pc];
    if (op > JMP3) break;
    uint32_t next = pc + acc_oplen[op];
    switch (op) {
      case LOAD_IMMEDIATE:
        memcpy(&acc, &code[pc + 1], sizeof acc);
        break;
      case STORE_LOCAL:
        locals[code[pc + 1]] = acc;
        break;
      case LOAD_LOCAL:
        acc = locals[code[pc + 1]];
        break;
      case PRINT:
        fputs(acc_strings[code[pc + 1]], stdout);
        break;
      case PRINTI:
        printf("%" PRIu64 "\n", acc);
        break;
      case JMPNZ:
        if (acc != 0) next = code[pc + 1] | (uint32_t)code[pc + 2] << 8;
        break;
      case INC:
        acc++;
        break;
      case DEC:
        acc--;
        break;
      case ADD:
        acc = locals[code[pc + 1]] + locals[code[pc + 2]];
        break;
      case HALT:
      default:
        goto out;
    }
    pc = next;
    weval_update_context(pc);
  }
out:
  weval_pop_context();
}

ACC_GUEST(interpret, interpret);
