/*
 * Shape: the register VM as byte code with variable-length instructions
 * (REG_BYTES in reg.h): one byte per register operand, a little-endian
 * int16 jump offset assembled from two byte loads. `uint32_t pc` counts
 * bytes; `for (;;)` switch/break, registers in an array.
 */
#define REG_ENCODING REG_BYTES
#include "reg.h"

static void execute(const proto_t* p, uint64_t input) {
  uint64_t regs[REG_NUM_REGS] = {0};
  const uint8_t* code = p->code;
  uint32_t pc = 0;
  regs[0] = input;
  weval_push_context(pc);
  for (;;) {
    uint8_t op = code[pc++];
    switch (op) {
      case OP_MOVE:
        regs[code[pc]] = regs[code[pc + 1]];
        pc += 2;
        break;
      case OP_LOADK:
        regs[code[pc]] = p->k[code[pc + 1]];
        pc += 2;
        break;
      case OP_ADD:
        regs[code[pc]] = regs[code[pc + 1]] + regs[code[pc + 2]];
        pc += 3;
        break;
      case OP_SUB:
        regs[code[pc]] = regs[code[pc + 1]] - regs[code[pc + 2]];
        pc += 3;
        break;
      case OP_MUL:
        regs[code[pc]] = regs[code[pc + 1]] * regs[code[pc + 2]];
        pc += 3;
        break;
      case OP_BAND:
        regs[code[pc]] = regs[code[pc + 1]] & regs[code[pc + 2]];
        pc += 3;
        break;
      case OP_JMP: {
        int16_t off = (int16_t)(code[pc] | code[pc + 1] << 8);
        pc += 2;
        pc += off;
        break;
      }
      case OP_TEST: {
        bool skip = (regs[code[pc]] != 0) != code[pc + 1];
        pc += 2;
        if (skip) pc += 3; /* the next instruction is a 3-byte JMP */
        break;
      }
      case OP_FORPREP: {
        uint8_t a = code[pc];
        int16_t off = (int16_t)(code[pc + 1] | code[pc + 2] << 8);
        pc += 3;
        regs[a] -= regs[a + 2];
        pc += off;
        break;
      }
      case OP_FORLOOP: {
        uint8_t a = code[pc];
        int16_t off = (int16_t)(code[pc + 1] | code[pc + 2] << 8);
        pc += 3;
        int64_t idx = (int64_t)(regs[a] + regs[a + 2]);
        regs[a] = (uint64_t)idx;
        if (idx <= (int64_t)regs[a + 1]) {
          pc += off;
          regs[a + 3] = (uint64_t)idx;
        }
        break;
      }
      case OP_PRINT:
        printf("%" PRId64 "\n", (int64_t)regs[code[pc]]);
        pc += 1;
        break;
      case OP_RETURN:
      default:
        goto done;
    }
    weval_update_context(pc);
  }
done:
  weval_pop_context();
}

REG_GUEST(execute, execute);
