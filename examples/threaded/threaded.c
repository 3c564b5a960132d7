/*
 * threaded.c -- the accumulator VM (examples/interp-c/accvm.h) as a
 * threaded-code interpreter in the style of Wasm3, as a pweval guest.
 *
 * Wasm3 does not interpret bytecode: a compile step first turns each
 * instruction into "compiled code", where the opcode word is replaced by a
 * pointer to the C function implementing it (an "operation"); operand words
 * stay in place. Every operation has the same signature, does its work and
 * ends by *tail-calling* the operation whose pointer is the next word. There
 * is no dispatch loop and no switch: the machine state (pc, accumulator, ...)
 * travels in the arguments, i.e. in registers, from one operation to the next.
 *
 * Here:
 *   compile()   bytecode -> compiled code, same layout, each opcode word
 *               replaced by its operation's function pointer (on wasm32 a
 *               table index) widened to uint64_t. It runs in the init
 *               function, so the compiled code is in the Wizer snapshot.
 *   op_*()      the operations, all of type op_t. Each ends with DISPATCH:
 *               a `musttail` call through the next word's pointer (with
 *               -mtail-call, a Wasm return_call_indirect).
 *   enter()     the entry operation: holds the VM's locals in its frame,
 *               pushes the interpreter context, makes an ordinary call to
 *               run(), which tail-calls the first operation, and pops the
 *               context when the program stops.
 *
 * Specialization: the init function files one request per program on
 * enter(), with the compiled code as constant memory, its length as a
 * constant and the input (the initial accumulator) as a runtime argument.
 * Each operation calls weval_update_context() with the next pc before its
 * tail call, so the specializer can follow the chain of tail calls with a
 * known pc, where the next operation's pointer is a load from constant
 * memory. main runs the specialized function when pweval filled its slot,
 * else enter() itself; both print the same.
 *
 * The VM's locals are a plain array in enter()'s frame, passed to every
 * operation by pointer (an operation cannot own them: a musttail call needs
 * the caller's frame gone, hence enter() and run() are two functions). The
 * same programs run in switch form in switch.c, with the same array, for a
 * like-for-like comparison.
 *
 * Builds: see build.sh. Natively, weval.h turns the intrinsics into their
 * generic meanings (no-ops), so the same file is a native program.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "programs.h"
#include "weval.h"

#if defined(__wasm__) && !defined(__wasm_tail_call__)
#error "threaded.c needs Wasm tail calls: build with -mtail-call"
#endif

/* Guaranteed tail calls. Without them every executed instruction would add
 * a stack frame and a long loop would exhaust the stack. clang has had the
 * attribute since 13, GCC since 15; older GCCs still make these calls
 * sibling calls at -O2, which is what the native check builds with. */
#if defined(__has_attribute)
#if __has_attribute(musttail)
#define MUSTTAIL __attribute__((musttail))
#endif
#endif
#ifndef MUSTTAIL
#define MUSTTAIL
#endif

/*
 * The one signature of every operation.
 *   code    the compiled program (constant when specialized)
 *   len     its length in words (constant when specialized); reaching a pc
 *           >= len stops the VM, as in accvm.h
 *   pc      this instruction (a pointer into code, like Wasm3's _pc)
 *   acc     the accumulator, an argument rather than memory
 *   locals  the VM's NUM_LOCALS locals, in enter()'s frame
 * It returns the accumulator at the stop (a value rather than void, so that
 * `return next(...)` is also valid C, where returning a void expression is
 * not; nothing uses the value).
 */
typedef uint64_t (*op_t)(const uint64_t* code, uint32_t len, const uint64_t* pc, uint64_t acc,
                         uint64_t* locals);

#define OP(name)                                                                           \
  static uint64_t name(const uint64_t* code, uint32_t len, const uint64_t* pc, uint64_t acc, \
                       uint64_t* locals)

/* This instruction's word index. */
#define AT ((uint32_t)(pc - code))

/*
 * Continue at word index `next`: stop if it is at or past the end (accvm.h's
 * `pc >= len` test at the loop top), else enter the next pc's context and
 * tail-call the operation whose pointer is the word there. The index is
 * checked before it is turned into a pointer, since a JMPNZ target can be
 * any 32-bit value.
 */
#define DISPATCH(next)                                                         \
  do {                                                                         \
    uint32_t next_ = (next);                                                   \
    if (next_ >= len) {                                                        \
      return acc;                                                              \
    }                                                                          \
    weval_update_context(next_);                                               \
    const uint64_t* next_pc_ = code + next_;                                   \
    MUSTTAIL return ((op_t)(uintptr_t)next_pc_[0])(code, len, next_pc_, acc, locals); \
  } while (0)

/* The operations. Out-of-range operands stop the VM (return), like accvm.h's
 * `goto out`; the checks stay here rather than in compile() so that the
 * compiled code keeps the bytecode's operands and semantics unchanged. */

OP(op_load_immediate) {
  acc = pc[1];
  DISPATCH(AT + 2);
}

OP(op_store_local) {
  uint64_t i = pc[1];
  if (i >= NUM_LOCALS) return acc;
  locals[i] = acc;
  DISPATCH(AT + 2);
}

OP(op_load_local) {
  uint64_t i = pc[1];
  if (i >= NUM_LOCALS) return acc;
  acc = locals[i];
  DISPATCH(AT + 2);
}

OP(op_print) {
  uint64_t msg = pc[1];
  if (msg >= NUM_STRINGS) return acc;
  fputs(strings[msg], stdout);
  DISPATCH(AT + 2);
}

OP(op_printi) {
  printf("%" PRIu64 "\n", acc);
  DISPATCH(AT + 1);
}

OP(op_jmpnz) {
  /* The target is a word index truncated to 32 bits, as in accvm.h. Written
   * as a choice between two pcs, so that when specializing the next context
   * is one of two constants. */
  uint32_t target = (uint32_t)pc[1];
  DISPATCH(acc != 0 ? target : AT + 2);
}

OP(op_inc) {
  acc++;
  DISPATCH(AT + 1);
}

OP(op_dec) {
  acc--;
  DISPATCH(AT + 1);
}

OP(op_add) {
  uint64_t i = pc[1];
  uint64_t j = pc[2];
  if (i >= NUM_LOCALS || j >= NUM_LOCALS) return acc;
  acc = locals[i] + locals[j];
  DISPATCH(AT + 3);
}

/* HALT, and every unknown opcode: the chain of tail calls ends here, and
 * control returns to enter(). */
OP(op_halt) {
  (void)code;
  (void)len;
  (void)pc;
  (void)locals;
  return acc;
}

static const op_t op_table[NUM_OPS] = {
    [LOAD_IMMEDIATE] = op_load_immediate,
    [STORE_LOCAL] = op_store_local,
    [LOAD_LOCAL] = op_load_local,
    [PRINT] = op_print,
    [PRINTI] = op_printi,
    [JMPNZ] = op_jmpnz,
    [INC] = op_inc,
    [DEC] = op_dec,
    [ADD] = op_add,
    [HALT] = op_halt,
};

/*
 * The compile step: `out` gets the bytecode's len words, with the opcode
 * word of every instruction (decoding linearly from word 0) replaced by its
 * operation's pointer; an unknown opcode becomes op_halt, since the VM stops
 * at it. Operand words are copied unchanged. Programs must jump only to
 * instruction starts (all of programs.h's do): a jump into an operand would
 * run that operand as a pointer.
 */
static void compile(const uint64_t* bytecode, uint32_t len, uint64_t* out) {
  memcpy(out, bytecode, (size_t)len * sizeof bytecode[0]);
  for (uint32_t pc = 0; pc < len; pc += 1 + operand_count(bytecode[pc])) {
    uint64_t op = bytecode[pc];
    out[pc] = (uint64_t)(uintptr_t)op_table[op < NUM_OPS ? op : HALT];
  }
}

/* Start the chain at word 0 (the context for pc 0 is already pushed). Not
 * inlined into enter(), where the tail call would become an ordinary call:
 * run() is the one place that turns enter()'s ordinary call into the
 * operations' chain of tail calls. */
__attribute__((noinline)) static uint64_t run(const uint64_t* code, uint32_t len,
                                              const uint64_t* pc, uint64_t acc,
                                              uint64_t* locals) {
  if (len == 0) {
    return acc;
  }
  MUSTTAIL return ((op_t)(uintptr_t)pc[0])(code, len, pc, acc, locals);
}

/* The entry operation, and the function the requests name: run the compiled
 * program `code` of `len` words with the accumulator starting at `input`.
 * noinline: the request names it, and main must call this very function. */
typedef void (*enter_fn)(const uint64_t* code, uint32_t len, uint64_t input);
__attribute__((noinline)) static void enter(const uint64_t* code, uint32_t len, uint64_t input) {
  uint64_t locals[NUM_LOCALS] = {0};
  const uint64_t* pc = code;
  weval_push_context((uint32_t)(pc - code));
  run(code, len, pc, input, locals);
  weval_pop_context();
}

/* The compiled programs (filled by compile_all, at init when snapshotted). */
static uint64_t compiled[NUM_PROGRAMS][MAX_PROGRAM_LEN];
static bool compiled_ready;

static void compile_all(void) {
  for (size_t k = 0; k < NUM_PROGRAMS; k++) {
    compile(programs[k].code, programs[k].len, compiled[k]);
  }
  compiled_ready = true;
}

/* pweval stores the specialized functions here (table indices) in its output. */
static enter_fn enter_specialized[NUM_PROGRAMS];

WEVAL_DEFINE_GLOBALS();

/* Runs once, before the snapshot: compile every program (argv is not known
 * yet) and file one request per program. */
static void init(void) {
  compile_all();
  for (size_t k = 0; k < NUM_PROGRAMS; k++) {
    weval_req_t* req = pweval_req_begin(PWEVAL_FUNC(enter), /*func_id=*/(uint32_t)k + 1,
                                        /*num_globals=*/0, &enter_specialized[k]);
    pweval_arg_memory(req, compiled[k], programs[k].len * (uint32_t)sizeof compiled[k][0]);
    pweval_arg_i32(req, programs[k].len);
    pweval_arg_runtime(req); /* input: the accumulator's initial value */
    if (!pweval_req_submit(req)) {
      fputs("threaded: out of memory filing the specialization requests\n", stderr);
      return;
    }
  }
}
PWEVAL_INIT(init);

int main(int argc, char** argv) {
  uint64_t n;
  int which = parse_args(argc, argv, &n);
  if (which < 0) {
    return 2;
  }
  if (!compiled_ready) {
    compile_all(); /* not snapshotted: the native and generic builds */
  }
  enter_fn fn = enter_specialized[which] ? enter_specialized[which] : enter;
  fn(compiled[which], programs[which].len, n);
  return 0;
}
