/*
 * Shape (C++): the register VM as a class. `Machine<Specialized>` holds the
 * registers (an array, or weval registers when Specialized) behind small
 * member accessors get()/set(); `run()` walks a pointer PC
 * (`const uint32_t* pc`) with the fields decoded by the reg.h macros. The
 * request is filed with weval::weval on the static entry point
 * `Machine<true>::execute`.
 *
 * A hazard on purpose: nothing forces the accessors inline. When the
 * compiler outlines `Machine<true>::get` (clang -Oz does), weval_read_reg
 * sits in a function pweval does not specialize, where it traps.
 */
#include "reg.h"

namespace {

template <bool Specialized>
class Machine {
 public:
  Machine(const proto_t* proto, uint64_t input) : proto_(proto) {
    if (Specialized) {
      for (int r = 0; r < REG_NUM_REGS; r++) weval_write_reg(r, 0);
    }
    set(0, input);
  }

  static __attribute__((noinline)) void execute(const proto_t* proto, uint64_t input) {
    Machine m(proto, input);
    m.run();
  }

 private:
  uint64_t get(int r) const { return Specialized ? weval_read_reg(r) : regs_[r]; }
  void set(int r, uint64_t v) {
    if (Specialized) {
      weval_write_reg(r, v);
    } else {
      regs_[r] = v;
    }
  }

  void run() {
    const uint32_t* pc = proto_->code;
    weval::push_context(0);
    for (;;) {
      const uint32_t i = *pc++;
      const int a = GETARG_A(i);
      switch (GET_OPCODE(i)) {
        case OP_MOVE:
          set(a, get(GETARG_B(i)));
          break;
        case OP_LOADK:
          set(a, proto_->k[GETARG_Bx(i)]);
          break;
        case OP_ADD:
          set(a, get(GETARG_B(i)) + get(GETARG_C(i)));
          break;
        case OP_SUB:
          set(a, get(GETARG_B(i)) - get(GETARG_C(i)));
          break;
        case OP_MUL:
          set(a, get(GETARG_B(i)) * get(GETARG_C(i)));
          break;
        case OP_BAND:
          set(a, get(GETARG_B(i)) & get(GETARG_C(i)));
          break;
        case OP_JMP:
          pc += GETARG_sBx(i);
          break;
        case OP_TEST:
          if ((get(a) != 0) != (GETARG_C(i) != 0)) pc++;
          break;
        case OP_FORPREP:
          set(a, get(a) - get(a + 2));
          pc += GETARG_sBx(i);
          break;
        case OP_FORLOOP: {
          const int64_t idx = static_cast<int64_t>(get(a) + get(a + 2));
          set(a, static_cast<uint64_t>(idx));
          if (idx <= static_cast<int64_t>(get(a + 1))) {
            pc += GETARG_sBx(i);
            set(a + 3, static_cast<uint64_t>(idx));
          }
          break;
        }
        case OP_PRINT:
          printf("%" PRId64 "\n", static_cast<int64_t>(get(a)));
          break;
        case OP_RETURN:
        default:
          weval::pop_context();
          return;
      }
      weval::update_context(static_cast<uint32_t>(pc - proto_->code));
    }
  }

  const proto_t* proto_;
  uint64_t regs_[REG_NUM_REGS] = {};
};

using ExecuteFn = void (*)(const proto_t*, uint64_t);
ExecuteFn specialized = nullptr;
int used_specialized = 0;

void init() {
  reg_build();
  weval::weval(&specialized, &Machine<true>::execute, 2, 0,
               weval::SpecializeMemory<const proto_t*>(&reg_proto, sizeof reg_proto),
               weval::Runtime<uint64_t>());
}

}  // namespace

WEVAL_DEFINE_GLOBALS();
PWEVAL_INIT(init);

extern "C" PWEVAL_EXPORT("shape_used_specialized") int shape_used_specialized() {
  return used_specialized;
}

int main(int argc, char** argv) {
  if (!reg_built) reg_build();
  ExecuteFn run = specialized ? specialized : &Machine<false>::execute;
  used_specialized = specialized != nullptr;
  run(&reg_proto, shapes_input(argc, argv));
  return 0;
}
