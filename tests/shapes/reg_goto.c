/*
 * Shape: a loop made of labels and `goto` (no while or for): each case
 * jumps to `next`, which updates the context and goes back to `fetch`.
 * `uint32_t pc`, registers in an array.
 */
#include "reg.h"

static void execute(const proto_t* p, uint64_t input) {
  uint64_t regs[REG_NUM_REGS] = {0};
  const uint32_t* code = p->code;
  uint32_t pc = 0;
  uint32_t i;
  int a;
  regs[0] = input;
  weval_push_context(pc);
fetch:
  i = code[pc++];
  a = GETARG_A(i);
  switch (GET_OPCODE(i)) {
    case OP_MOVE:
      regs[a] = regs[GETARG_B(i)];
      goto next;
    case OP_LOADK:
      regs[a] = p->k[GETARG_Bx(i)];
      goto next;
    case OP_ADD:
      regs[a] = regs[GETARG_B(i)] + regs[GETARG_C(i)];
      goto next;
    case OP_SUB:
      regs[a] = regs[GETARG_B(i)] - regs[GETARG_C(i)];
      goto next;
    case OP_MUL:
      regs[a] = regs[GETARG_B(i)] * regs[GETARG_C(i)];
      goto next;
    case OP_BAND:
      regs[a] = regs[GETARG_B(i)] & regs[GETARG_C(i)];
      goto next;
    case OP_JMP:
      pc += GETARG_sBx(i);
      goto next;
    case OP_TEST:
      if ((regs[a] != 0) != GETARG_C(i)) pc++;
      goto next;
    case OP_FORPREP:
      regs[a] -= regs[a + 2];
      pc += GETARG_sBx(i);
      goto next;
    case OP_FORLOOP: {
      int64_t idx = (int64_t)(regs[a] + regs[a + 2]);
      regs[a] = (uint64_t)idx;
      if (idx <= (int64_t)regs[a + 1]) {
        pc += GETARG_sBx(i);
        regs[a + 3] = (uint64_t)idx;
      }
      goto next;
    }
    case OP_PRINT:
      printf("%" PRId64 "\n", (int64_t)regs[a]);
      goto next;
    case OP_RETURN:
    default:
      goto done;
  }
next:
  weval_update_context(pc);
  goto fetch;
done:
  weval_pop_context();
}

REG_GUEST(execute, execute);
