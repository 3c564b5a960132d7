/*
 * Shape: reg_u32pc.c with a `uint64_t pc` (the only difference).
 */
#include "reg.h"

static void execute(const proto_t* p, uint64_t input) {
  uint64_t regs[REG_NUM_REGS] = {0};
  const uint32_t* code = p->code;
  uint64_t pc = 0;
  regs[0] = input;
  weval_push_context(pc);
  for (;;) {
    uint32_t i = code[pc++];
    int a = GETARG_A(i);
    switch (GET_OPCODE(i)) {
      case OP_MOVE:
        regs[a] = regs[GETARG_B(i)];
        break;
      case OP_LOADK:
        regs[a] = p->k[GETARG_Bx(i)];
        break;
      case OP_ADD:
        regs[a] = regs[GETARG_B(i)] + regs[GETARG_C(i)];
        break;
      case OP_SUB:
        regs[a] = regs[GETARG_B(i)] - regs[GETARG_C(i)];
        break;
      case OP_MUL:
        regs[a] = regs[GETARG_B(i)] * regs[GETARG_C(i)];
        break;
      case OP_BAND:
        regs[a] = regs[GETARG_B(i)] & regs[GETARG_C(i)];
        break;
      case OP_JMP:
        pc += GETARG_sBx(i);
        break;
      case OP_TEST:
        if ((regs[a] != 0) != GETARG_C(i)) pc++;
        break;
      case OP_FORPREP:
        regs[a] -= regs[a + 2];
        pc += GETARG_sBx(i);
        break;
      case OP_FORLOOP: {
        int64_t idx = (int64_t)(regs[a] + regs[a + 2]);
        regs[a] = (uint64_t)idx;
        if (idx <= (int64_t)regs[a + 1]) {
          pc += GETARG_sBx(i);
          regs[a + 3] = (uint64_t)idx;
        }
        break;
      }
      case OP_PRINT:
        printf("%" PRId64 "\n", (int64_t)regs[a]);
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
