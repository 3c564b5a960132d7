/*
 * Shape: a pointer PC, as Lua's own luaV_execute has it: `const uint32_t *pc`
 * walks the code, jumps add sBx to the pointer, and the context is
 * `(uint32_t)(pc - p->code)`. `for (;;)` switch/break, registers in an array.
 */
#include "reg.h"

static void execute(const proto_t* p, uint64_t input) {
  uint64_t regs[REG_NUM_REGS] = {0};
  const uint32_t* pc = p->code;
  regs[0] = input;
  weval_push_context(0);
  for (;;) {
    const uint32_t i = *pc++;
    uint64_t* ra = &regs[GETARG_A(i)];
    switch (GET_OPCODE(i)) {
      case OP_MOVE:
        *ra = regs[GETARG_B(i)];
        break;
      case OP_LOADK:
        *ra = p->k[GETARG_Bx(i)];
        break;
      case OP_ADD:
        *ra = regs[GETARG_B(i)] + regs[GETARG_C(i)];
        break;
      case OP_SUB:
        *ra = regs[GETARG_B(i)] - regs[GETARG_C(i)];
        break;
      case OP_MUL:
        *ra = regs[GETARG_B(i)] * regs[GETARG_C(i)];
        break;
      case OP_BAND:
        *ra = regs[GETARG_B(i)] & regs[GETARG_C(i)];
        break;
      case OP_JMP:
        pc += GETARG_sBx(i);
        break;
      case OP_TEST:
        if ((*ra != 0) != GETARG_C(i)) pc++;
        break;
      case OP_FORPREP:
        ra[0] -= ra[2];
        pc += GETARG_sBx(i);
        break;
      case OP_FORLOOP: {
        int64_t idx = (int64_t)(ra[0] + ra[2]);
        ra[0] = (uint64_t)idx;
        if (idx <= (int64_t)ra[1]) {
          pc += GETARG_sBx(i);
          ra[3] = (uint64_t)idx;
        }
        break;
      }
      case OP_PRINT:
        printf("%" PRId64 "\n", (int64_t)*ra);
        break;
      case OP_RETURN:
      default:
        goto done;
    }
    weval_update_context((uint32_t)(pc - p->code));
  }
done:
  weval_pop_context();
}

REG_GUEST(execute, execute);
