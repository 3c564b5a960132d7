/*
 * Shape (C++): the blog post's own form. `template <bool Specialized>` makes
 * a generic and a specialized instantiation of one interpreter; the
 * specialized one keeps the locals in weval registers, written inline in the
 * cases under `if (Specialized)`. 32-bit instruction words
 * (ACC_WORDS32), `uint32_t pc`, one update at the bottom. The request is
 * filed with the C++ helpers: weval::weval(..., weval::SpecializeMemory,
 * weval::Specialize, weval::Runtime).
 */
#define ACC_ENCODING ACC_WORDS32
#include "acc.h"

namespace {

template <bool Specialized>
__attribute__((noinline)) void Interpret(const uint32_t* code, uint32_t len, uint64_t input) {
  uint64_t locals[ACC_NUM_LOCALS] = {};
  if (Specialized) {
    for (uint32_t i = 0; i < ACC_NUM_LOCALS; i++) weval_write_reg(i, 0);
  }
  uint64_t accumulator = input;
  uint32_t pc = 0;
  weval::push_context(pc);
  while (pc < len) {
    const uint32_t* inst = &code[pc];
    switch (inst[0]) {
      case LOAD_IMMEDIATE:
        accumulator = inst[1];
        pc += 2;
        break;
      case STORE_LOCAL:
        if (Specialized) {
          weval_write_reg(inst[1], accumulator);
        } else {
          locals[inst[1]] = accumulator;
        }
        pc += 2;
        break;
      case LOAD_LOCAL:
        accumulator = Specialized ? weval_read_reg(inst[1]) : locals[inst[1]];
        pc += 2;
        break;
      case PRINT:
        fputs(acc_strings[inst[1]], stdout);
        pc += 2;
        break;
      case PRINTI:
        printf("%" PRIu64 "\n", accumulator);
        pc += 1;
        break;
      case JMPNZ:
        pc += 2;
        if (accumulator != 0) pc = inst[1];
        break;
      case INC:
        accumulator++;
        pc += 1;
        break;
      case DEC:
        accumulator--;
        pc += 1;
        break;
      case ADD:
        if (Specialized) {
          accumulator = weval_read_reg(inst[1]) + weval_read_reg(inst[2]);
        } else {
          accumulator = locals[inst[1]] + locals[inst[2]];
        }
        pc += 3;
        break;
      default:
        goto out;
    }
    weval::update_context(pc);
  }
out:
  weval::pop_context();
}

using InterpretFn = void (*)(const uint32_t*, uint32_t, uint64_t);
InterpretFn specialized = nullptr;
int used_specialized = 0;

void init() {
  acc_build();
  weval::weval(&specialized, &Interpret<true>, 1, 0,
               weval::SpecializeMemory<const uint32_t*>(acc_program,
                                                        acc_program_len * sizeof(uint32_t)),
               weval::Specialize<uint32_t>(acc_program_len), weval::Runtime<uint64_t>());
}

}  // namespace

WEVAL_DEFINE_GLOBALS();
PWEVAL_INIT(init);

extern "C" PWEVAL_EXPORT("shape_used_specialized") int shape_used_specialized() {
  return used_specialized;
}

int main(int argc, char** argv) {
  if (!acc_program_built) acc_build();
  InterpretFn run = specialized ? specialized : &Interpret<false>;
  used_specialized = specialized != nullptr;
  run(acc_program, acc_program_len, shapes_input(argc, argv));
  return 0;
}
