/*
 * The C++ counterpart of all_intrinsics.c: the same stack VM, written as
 * `template <bool Spec>` (weval's usual pattern), with requests filed through
 * the weval:: helpers:
 *   - user_id 2: filed from a global constructor (as weval's own tests do),
 *     with the run-time-checked form weval::weval(&dest, &f, id, num_globals, ...);
 *   - user_id 1: filed from the init function with the compile-time-checked
 *     form weval::weval<NumGlobals>(...);
 *   - user_id 3: a function taking bool, int32_t, int64_t, a pointer and an
 *     enum, to exercise the remaining Specialize<T> encodings.
 * Global constructors and destructors have printed effects: main prints how
 * many times the constructor ran (must be 1 however the module is started)
 * and a static destructor prints after main (destructors and the stdio flush
 * run at the end of wizer.resume / _start).
 */
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "weval.h"

namespace {

enum Op : uint8_t {
  OP_PUSH, OP_INPUT, OP_LGET, OP_LSET, OP_ADD, OP_MUL, OP_DUP, OP_SWAP,
  OP_DEC_JNZ, OP_ACC_ADD, OP_GLOBAL, OP_MODE, OP_CHECKSUM, OP_RET,
};

constexpr uint32_t kNumLocals = 4;
constexpr uint32_t kStackSlots = 12;
constexpr uint32_t kFrameWords = kNumLocals + kStackSlots;
constexpr uint64_t kScale = 7;  // the specialization global; generic uses the constant
constexpr uint64_t kError = 0xDEAD;
constexpr uint64_t kBias = 1000000000000ull;
constexpr float kFScale = 1.5f;
constexpr double kDScale = 4.0;

// Same program as all_intrinsics.c (see the comments there).
const uint8_t program_a[] = {
    OP_PUSH, 5, OP_LSET, 0, OP_PUSH, 0, OP_LSET, 1,
    OP_LGET, 1, OP_LGET, 0, OP_INPUT, OP_MUL, OP_ADD, OP_LSET, 1,
    OP_LGET, 0, OP_DUP, OP_MUL, OP_ACC_ADD,
    OP_DEC_JNZ, 0, 8,
    OP_LGET, 1, OP_GLOBAL, OP_MUL, OP_ACC_ADD,
    OP_PUSH, 3, OP_PUSH, 4, OP_SWAP, OP_LSET, 2, OP_LSET, 3,
    OP_LGET, 2, OP_LGET, 3, OP_PUSH, 10, OP_MUL, OP_ADD, OP_ACC_ADD,
    OP_INPUT, OP_MODE, OP_ACC_ADD,
    OP_PUSH, 9, OP_CHECKSUM, OP_ACC_ADD,
    OP_RET,
};
// input * input + scale, through a local.
const uint8_t program_b[] = {
    OP_INPUT, OP_DUP, OP_MUL, OP_GLOBAL, OP_ADD, OP_LSET, 0, OP_LGET, 0, OP_RET,
};

// A cell of the program's own, reached through a pointer read at run time
// (volatile): the checksum passes through it, pweval_outside.
uint64_t checksum_cell;
uint64_t* volatile checksum_sink = &checksum_cell;

__attribute__((noinline)) uint64_t frame_checksum(const uint64_t* frame, uint32_t depth) {
  uint64_t sum = 0;
  for (uint32_t i = 0; i < kNumLocals + depth; i++) {
    sum = sum * 31 + frame[i];
  }
  return sum;
}

// The VM's operand stack, locals and accumulator. Every access goes through
// an intrinsic so the specializer can keep the values out of memory.
template <bool Spec>
struct Machine {
  uint64_t* frame;
  uint64_t* sp;  // next free slot; entry k from the top is at sp - 1 - k
  uint32_t depth = 0;
  uint64_t acc_var = 0;

  explicit Machine(uint64_t* frame_) : frame(frame_), sp(frame_ + kNumLocals) {}

  bool push(uint64_t v) {
    if (depth == kStackSlots) return false;
    weval_push_stack(sp, v);
    sp++;
    depth++;
    return true;
  }
  uint64_t pop() {
    sp--;
    depth--;
    return weval_pop_stack(sp);
  }
  uint64_t local(uint32_t i) const { return weval_read_local(&frame[i], i); }
  void set_local(uint32_t i, uint64_t v) { weval_write_local(&frame[i], i, v); }
  uint64_t acc() const {
    if constexpr (Spec) return weval_read_reg(0);
    else return acc_var;
  }
  void set_acc(uint64_t v) {
    if constexpr (Spec) weval_write_reg(0, v);
    else acc_var = v;
  }
  uint64_t global0() const {
    if constexpr (Spec) return weval_read_specialization_global(0);
    else return kScale;
  }
};

template <bool Spec>
__attribute__((noinline)) uint64_t vm(const uint8_t* code, uint32_t len, uint64_t bias,
                                      float fscale, double dscale, uint64_t input,
                                      uint64_t* frame) {
  // The frame is the caller's own memory, apart from the bytecode.
  Machine<Spec> m(static_cast<uint64_t*>(pweval_disjoint(frame)));
  uint64_t result = kError;
  uint32_t pc = 0;
  weval_assert_const32(len, __LINE__);
  m.set_acc(0);
  weval::push_context(pc);
  weval_context_bucket(0);
  while (pc < len) {
    uint8_t op = code[pc++];
    weval_trace_line(__LINE__);
    weval_print("all_intrinsics.cpp: op", __LINE__, op);
    switch (op) {
      case OP_PUSH:
        if (!m.push(code[pc++])) goto out;
        break;
      case OP_INPUT:
        if (!m.push(input)) goto out;
        break;
      case OP_LGET: {
        uint8_t i = code[pc++];
        if (i >= kNumLocals || !m.push(m.local(i))) goto out;
        break;
      }
      case OP_LSET: {
        uint8_t i = code[pc++];
        if (i >= kNumLocals || m.depth < 1) goto out;
        m.set_local(i, m.pop());
        break;
      }
      case OP_ADD:
      case OP_MUL: {
        if (m.depth < 2) goto out;
        uint64_t b = m.pop();
        uint64_t a = m.pop();
        m.push(op == OP_ADD ? a + b : a * b);
        break;
      }
      case OP_DUP:
        if (m.depth < 1 || !m.push(weval_read_stack(m.sp - 1, 0))) goto out;
        break;
      case OP_SWAP: {
        if (m.depth < 2) goto out;
        uint64_t top = weval_read_stack(m.sp - 1, 0);
        uint64_t below = weval_read_stack(m.sp - 2, 1);
        weval_write_stack(m.sp - 1, 0, below);
        weval_write_stack(m.sp - 2, 1, top);
        break;
      }
      case OP_DEC_JNZ: {
        uint8_t i = code[pc++];
        uint8_t target = code[pc++];
        if (i >= kNumLocals) goto out;
        uint64_t v = m.local(i) - 1;
        m.set_local(i, v);
        if (v != 0) pc = target;
        break;
      }
      case OP_ACC_ADD:
        if (m.depth < 1) goto out;
        m.set_acc(m.acc() + m.pop());
        break;
      case OP_GLOBAL:
        if (!m.push(m.global0())) goto out;
        break;
      case OP_MODE: {
        if (m.depth < 1) goto out;
        uint32_t mode = weval_specialize_value(static_cast<uint32_t>(m.pop() & 3), 0, 4);
        static const uint64_t kModeValue[4] = {1, 2, 5, 10};
        m.push(kModeValue[mode & 3]);
        break;
      }
      case OP_CHECKSUM: {
        weval_sync_stack();
        uint64_t* cell = static_cast<uint64_t*>(pweval_outside(checksum_sink));
        *cell = frame_checksum(frame, m.depth);
        if (!m.push(*cell)) goto out;
        break;
      }
      case OP_RET:
        if (m.depth < 1) goto out;
        result = m.acc() + m.pop() + bias + static_cast<uint64_t>(fscale * dscale);
        goto out;
      default:
        weval_abort_specialization(__LINE__, 0);
        goto out;
    }
    weval::update_context(pc);
  }
out:
  weval::pop_context();
  return result;
}

using VmFn = uint64_t (*)(const uint8_t*, uint32_t, uint64_t, float, double, uint64_t, uint64_t*);
VmFn vm_a_specialized;
VmFn vm_b_specialized;

enum class Color : uint8_t { Red = 1, Green = 2 };

// Generic-safe (no register intrinsics): only its arguments are specialized.
__attribute__((noinline)) uint64_t mix(bool b, int32_t i, int64_t l, const char* s, Color c) {
  return (b ? 1000 : 0) + static_cast<int64_t>(i) * 10 + l + static_cast<int64_t>(strlen(s)) +
         static_cast<int64_t>(c) * 100;
}
using MixFn = decltype(&mix);
MixFn mix_specialized;
const char greeting[] = "hello";

int ctor_runs;

// Files request 2 while the constructors run (inside wizer-initialize when
// snapshotting; at the start of _start otherwise, where it is simply unused).
struct RegisterProgramB {
  RegisterProgramB() {
    ctor_runs++;
    weval::weval(&vm_b_specialized, &vm<true>, /*func_id=*/2, /*num_globals=*/1,
                 weval::Specialize<uint64_t>(kScale),
                 weval::SpecializeMemory<const uint8_t*>(program_b, sizeof program_b),
                 weval::Specialize<uint32_t>(sizeof program_b), weval::Specialize(uint64_t{0}),
                 weval::Specialize(0.0f), weval::Specialize(0.0),
                 weval::Runtime<uint64_t>(), weval::Runtime<uint64_t*>());
  }
} register_program_b;

struct Goodbye {
  ~Goodbye() { std::printf("static destructor ran\n"); }
} goodbye;

void init() {
  weval::weval<1>(&vm_a_specialized, &vm<true>, /*func_id=*/1,
                  weval::Specialize<uint64_t>(kScale),
                  weval::SpecializeMemory<const uint8_t*>(program_a, sizeof program_a),
                  weval::Specialize(static_cast<uint32_t>(sizeof program_a)),
                  weval::Specialize(kBias), weval::Specialize(kFScale), weval::Specialize(kDScale),
                  weval::Runtime<uint64_t>(), weval::Runtime<uint64_t*>());
  weval::weval<0>(&mix_specialized, &mix, /*func_id=*/3, weval::Specialize(true),
                  weval::Specialize<int32_t>(-5), weval::Specialize<int64_t>(-6),
                  weval::Specialize<const char*>(greeting), weval::Runtime<Color>());
}

uint32_t used_mask;

}  // namespace

WEVAL_DEFINE_GLOBALS();
PWEVAL_INIT(init);

// Bit 0: program A ran specialized; bit 1: program B; bit 2: mix.
extern "C" PWEVAL_EXPORT("used_specialized") uint32_t used_specialized() { return used_mask; }

int main() {
  std::printf("constructors run: %d\n", ctor_runs);
  VmFn run_a = vm_a_specialized ? vm_a_specialized : &vm<false>;
  VmFn run_b = vm_b_specialized ? vm_b_specialized : &vm<false>;
  MixFn run_mix = mix_specialized ? mix_specialized : &mix;
  used_mask = (vm_a_specialized ? 1u : 0u) | (vm_b_specialized ? 2u : 0u) |
              (mix_specialized ? 4u : 0u);
  uint64_t frame[kFrameWords];
  for (uint64_t input = 0; input < 6; input++) {
    std::memset(frame, 0, sizeof frame);
    uint64_t a = run_a(program_a, sizeof program_a, kBias, kFScale, kDScale, input, frame);
    std::printf("A input %" PRIu64 ": result %" PRIu64 ", locals %" PRIu64 " %" PRIu64
                " %" PRIu64 " %" PRIu64 "\n",
                input, a, frame[0], frame[1], frame[2], frame[3]);
    std::memset(frame, 0, sizeof frame);
    uint64_t b = run_b(program_b, sizeof program_b, 0, 0.0f, 0.0, input, frame);
    std::printf("B input %" PRIu64 ": result %" PRIu64 "\n", input, b);
  }
  for (Color c : {Color::Red, Color::Green}) {
    std::printf("mix %d: %" PRId64 "\n", static_cast<int>(c),
                static_cast<int64_t>(run_mix(true, -5, -6, greeting, c)));
  }
  return 0;
}
