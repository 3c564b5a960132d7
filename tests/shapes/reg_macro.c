/*
 * Shape: the intrinsics behind `if (IsSpecialized)` in macros, with the
 * registers as weval registers in the specialized flavour. One always_inline
 * body is compiled into a generic flavour (IsSpecialized = 0: no intrinsics,
 * registers in an array) and a specialized one (IsSpecialized = 1); the
 * request names the specialized flavour. `uint32_t pc`, for/switch/break.
 */
#include "reg.h"

#define PUSH_CONTEXT(pc) \
  do {                   \
    if (IsSpecialized) weval_push_context(pc); \
  } while (0)
#define UPDATE_CONTEXT(pc) \
  do {                     \
    if (IsSpecialized) weval_update_context(pc); \
  } while (0)
#define POP_CONTEXT() \
  do {                \
    if (IsSpecialized) weval_pop_context(); \
  } while (0)
#define R(x) (IsSpecialized ? weval_read_reg(x) : regs[x])
#define SET_R(x, v)                 \
  do {                              \
    uint64_t v_ = (v);              \
    if (IsSpecialized) {            \
      weval_write_reg((x), v_);     \
    } else {                        \
      regs[x] = v_;                 \
    }                               \
  } while (0)

static inline __attribute__((always_inline)) void execute_body(const proto_t* p, uint64_t input,
                                                               const bool IsSpecialized) {
  uint64_t regs[REG_NUM_REGS] = {0};
  if (IsSpecialized) {
    for (int r = 0; r < REG_NUM_REGS; r++) weval_write_reg(r, 0);
  }
  const uint32_t* code = p->code;
  uint32_t pc = 0;
  SET_R(0, input);
  PUSH_CONTEXT(pc);
  for (;;) {
    uint32_t i = code[pc++];
    int a = GETARG_A(i);
    switch (GET_OPCODE(i)) {
      case OP_MOVE:
        SET_R(a, R(GETARG_B(i)));
        break;
      case OP_LOADK:
        SET_R(a, p->k[GETARG_Bx(i)]);
        break;
      case OP_ADD:
        SET_R(a, R(GETARG_B(i)) + R(GETARG_C(i)));
        break;
      case OP_SUB:
        SET_R(a, R(GETARG_B(i)) - R(GETARG_C(i)));
        break;
      case OP_MUL:
        SET_R(a, R(GETARG_B(i)) * R(GETARG_C(i)));
        break;
      case OP_BAND:
        SET_R(a, R(GETARG_B(i)) & R(GETARG_C(i)));
        break;
      case OP_JMP:
        pc += GETARG_sBx(i);
        break;
      case OP_TEST:
        if ((R(a) != 0) != GETARG_C(i)) pc++;
        break;
      case OP_FORPREP:
        SET_R(a, R(a) - R(a + 2));
        pc += GETARG_sBx(i);
        break;
      case OP_FORLOOP: {
        int64_t idx = (int64_t)(R(a) + R(a + 2));
        SET_R(a, (uint64_t)idx);
        if (idx <= (int64_t)R(a + 1)) {
          pc += GETARG_sBx(i);
          SET_R(a + 3, (uint64_t)idx);
        }
        break;
      }
      case OP_PRINT:
        printf("%" PRId64 "\n", (int64_t)R(a));
        break;
      case OP_RETURN:
      default:
        goto done;
    }
    UPDATE_CONTEXT(pc);
  }
done:
  POP_CONTEXT();
}

static __attribute__((noinline)) void execute_generic(const proto_t* p, uint64_t input) {
  execute_body(p, input, false);
}
static __attribute__((noinline)) void execute_specialized(const proto_t* p, uint64_t input) {
  execute_body(p, input, true);
}

REG_GUEST(execute_specialized, execute_generic);
