/*
 * The accumulator VM of examples/interp-c (accvm.h) as a Wasm3-style
 * threaded-code interpreter (the design of examples/threaded/threaded.c),
 * with accvm_diff.c's interface, for the differential test of tail-call
 * specialization.
 *
 * Interface (as accvm_diff.c): ACCVM_BATCH program slots of ACCVM_CAPACITY
 * words; exports "accvm.program" and "accvm.program_len" (the raw bytecode
 * and lengths the test writes), "run_generic" and "run_specialized"; the
 * init function files one request per slot i, user_id i + 1, on the entry
 * operation enter(code, len) with the slot's *compiled* buffer `compiled[i]`
 * (all ACCVM_CAPACITY words) as constant memory and the length as a constant
 * i32. One more export, "accvm.handlers", gives the address of
 * `uint64_t handlers[NUM_OPS]`: handlers[op] is the table index of opcode
 * op's operation (zero-extended to 64 bits), filled at init; handlers[HALT]
 * is also the operation of every unknown opcode.
 *
 * The compile step (compile(), which run_generic and run_specialized apply to
 * program[i] before running, and which the test must reproduce when it
 * writes the request's copy of the buffer), exactly:
 *   compiled = the ACCVM_CAPACITY words of program[i], unchanged, except:
 *   for (pc = 0; pc < len; pc += 1 + operands(op)) {
 *     op = program[i][pc];
 *     compiled[pc] = handlers[op < NUM_OPS ? op : HALT];
 *   }
 *   where operands(op) is 1 for LOAD_IMMEDIATE, STORE_LOCAL, LOAD_LOCAL,
 *   PRINT and JMPNZ, 2 for ADD, and 0 for PRINTI, INC, DEC, HALT and every
 *   unknown opcode (the instruction starts of tests/all/accvm_gen.rs's
 *   instruction_starts, run over the first len words). Operand words, and
 *   every word at index >= len, are copied unchanged. len must be at most
 *   ACCVM_CAPACITY (compile() stops there).
 * On wasm32 an operation reads only the low 32 bits of a handler word (a
 * table index is 32 bits).
 *
 * Semantics: those of accvm.h's interpret_generic, with every check inside
 * the operations: a stop at HALT, at an unknown opcode, at an out-of-range
 * local index or string number (STORE_LOCAL, LOAD_LOCAL, PRINT, ADD), and
 * when the next pc is >= len (running off the end, or a JMPNZ whose target,
 * truncated to 32 bits, is >= len); locals start at 0, acc at 0. One
 * precondition beyond accvm.h's (a program must not end inside an
 * instruction): a JMPNZ target < len must be an instruction start of the
 * linear decode above, since a jump into an operand word would run that
 * word as a table index (accvm.h would decode it as an opcode). The test's
 * generator only jumps to instruction starts.
 *
 * Built with -mtail-call (tests/guests/build.sh, TAIL_CC): each operation
 * ends in a `musttail` call, a Wasm return_call_indirect.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* examples/interp-c/: the opcodes, NUM_LOCALS and strings. Its two
 * interpreters are not used here (they are the reference the test compares
 * against), hence the pragma. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "accvm.h"
#pragma GCC diagnostic pop
#include "weval.h"

#if defined(__wasm__) && !defined(__wasm_tail_call__)
#error "accvm_threaded.c needs Wasm tail calls: build with -mtail-call"
#endif

/* Words per slot; must match CAPACITY in tests/all/accvm_gen.rs. */
#define ACCVM_CAPACITY 512
/* Slots; must match BATCH in tests/all/accvm_harness.rs. */
#define ACCVM_BATCH 256

/* Opcodes 0..HALT; anything above is unknown. */
#define NUM_OPS (HALT + 1)

/* Guaranteed tail calls: without them a long program would exhaust the
 * stack, one frame per executed instruction. */
#if defined(__has_attribute)
#if __has_attribute(musttail)
#define MUSTTAIL __attribute__((musttail))
#endif
#endif
#ifndef MUSTTAIL
#define MUSTTAIL
#endif

uint64_t program[ACCVM_BATCH][ACCVM_CAPACITY];
uint32_t program_len[ACCVM_BATCH];
/* compile(program[i]) goes here; the requests hold a copy of each at init. */
static uint64_t compiled[ACCVM_BATCH][ACCVM_CAPACITY];
/* handlers[op]: the table index of op's operation (see above). */
uint64_t handlers[NUM_OPS];

PWEVAL_EXPORT("accvm.program") uint64_t* accvm_program_addr(void);
PWEVAL_EXPORT("accvm.program") uint64_t* accvm_program_addr(void) { return &program[0][0]; }
PWEVAL_EXPORT("accvm.program_len") uint32_t* accvm_program_len_addr(void);
PWEVAL_EXPORT("accvm.program_len") uint32_t* accvm_program_len_addr(void) {
  return program_len;
}
PWEVAL_EXPORT("accvm.handlers") uint64_t* accvm_handlers_addr(void);
PWEVAL_EXPORT("accvm.handlers") uint64_t* accvm_handlers_addr(void) { return handlers; }

/*
 * Every operation has this type: the compiled program and its length
 * (constants when specialized), this instruction (a pointer into code), the
 * accumulator (an argument: it lives in registers), and the VM's locals (in
 * enter()'s frame). It returns the accumulator at the stop, which nobody
 * uses: a value rather than void so that `return next(...)` is valid C.
 */
typedef uint64_t (*op_t)(const uint64_t* code, uint32_t len, const uint64_t* pc, uint64_t acc,
                         uint64_t* locals);

#define OP(name)                                                                           \
  static uint64_t name(const uint64_t* code, uint32_t len, const uint64_t* pc, uint64_t acc, \
                       uint64_t* locals)

/* This instruction's word index. */
#define AT ((uint32_t)(pc - code))

/* Continue at word index `next`: stop when it is >= len (accvm.h's loop-top
 * test), else enter its context and tail-call the operation stored there.
 * The index is checked before it becomes a pointer: a JMPNZ target can be
 * any 32-bit value. */
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

/* Each operand check returns, like accvm.h's `goto out`. */

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
  /* Truncated to 32 bits, as accvm.h does; a target >= len stops in
   * DISPATCH, as accvm.h's loop does at `pc >= len`. */
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

/* HALT and every unknown opcode. */
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

/* Publish the operations' table indices (idempotent). */
static void fill_handlers(void) {
  for (uint32_t op = 0; op < NUM_OPS; op++) {
    handlers[op] = (uint64_t)(uintptr_t)op_table[op];
  }
}

static uint32_t operand_count(uint64_t op) {
  switch (op) {
    case LOAD_IMMEDIATE:
    case STORE_LOCAL:
    case LOAD_LOCAL:
    case PRINT:
    case JMPNZ:
      return 1;
    case ADD:
      return 2;
    default: /* PRINTI, INC, DEC, HALT, unknown */
      return 0;
  }
}

/* The compile step documented at the top: slot i's bytecode into compiled[i]. */
static void compile(uint32_t i) {
  const uint64_t* code = program[i];
  uint64_t* out = compiled[i];
  uint32_t len = program_len[i] < ACCVM_CAPACITY ? program_len[i] : ACCVM_CAPACITY;
  memcpy(out, code, sizeof compiled[i]);
  for (uint32_t pc = 0; pc < len; pc += 1 + operand_count(code[pc])) {
    uint64_t op = code[pc];
    out[pc] = (uint64_t)(uintptr_t)op_table[op < NUM_OPS ? op : HALT];
  }
}

/* Start the chain of tail calls at word 0 (whose context enter() pushed).
 * noinline keeps enter()'s ordinary call and the operations' tail calls in
 * separate functions, as in examples/threaded. */
__attribute__((noinline)) static uint64_t run(const uint64_t* code, uint32_t len,
                                              const uint64_t* pc, uint64_t acc,
                                              uint64_t* locals) {
  if (len == 0) {
    return acc;
  }
  MUSTTAIL return ((op_t)(uintptr_t)pc[0])(code, len, pc, acc, locals);
}

/* The entry operation, which the requests name: run compiled code `code` of
 * `len` words, acc and locals starting at 0. */
typedef void (*enter_fn)(const uint64_t* code, uint32_t len);
__attribute__((noinline)) static void enter(const uint64_t* code, uint32_t len) {
  uint64_t locals[NUM_LOCALS] = {0};
  const uint64_t* pc = code;
  weval_push_context((uint32_t)(pc - code));
  run(code, len, pc, 0, locals);
  weval_pop_context();
}

/* pweval stores the specialized functions here (table indices) in its output. */
static enter_fn enter_specialized[ACCVM_BATCH];

WEVAL_DEFINE_GLOBALS();

static void init(void) {
  fill_handlers();
  for (uint32_t i = 0; i < ACCVM_BATCH; i++) {
    compile(i); /* all zeros at init: the test writes the real programs */
    weval_req_t* req = pweval_req_begin(PWEVAL_FUNC(enter), /*func_id=*/i + 1,
                                        /*num_globals=*/0, &enter_specialized[i]);
    pweval_arg_memory(req, compiled[i], (uint32_t)sizeof compiled[i]);
    pweval_arg_i32(req, program_len[i]);
    if (!pweval_req_submit(req)) {
      fputs("accvm_threaded: out of memory filing the specialization requests\n", stderr);
      return;
    }
  }
}
PWEVAL_INIT(init);

PWEVAL_EXPORT("run_generic") void run_generic(uint32_t i);
PWEVAL_EXPORT("run_generic") void run_generic(uint32_t i) {
  if (i >= ACCVM_BATCH) {
    __builtin_trap();
  }
  fill_handlers();
  compile(i);
  enter(compiled[i], program_len[i]);
  fflush(stdout);
}

/* Traps when slot i has no specialized function, so a missing
 * specialization is never compared generic against generic. */
PWEVAL_EXPORT("run_specialized") void run_specialized(uint32_t i);
PWEVAL_EXPORT("run_specialized") void run_specialized(uint32_t i) {
  if (i >= ACCVM_BATCH || !enter_specialized[i]) {
    __builtin_trap();
  }
  fill_handlers();
  compile(i);
  enter_specialized[i](compiled[i], program_len[i]);
  fflush(stdout);
}

/* Slot 0, as accvm_diff.c's main (PWEVAL_INIT needs a main). */
int main(void) {
  fill_handlers();
  compile(0);
  enter_fn fn = enter_specialized[0] ? enter_specialized[0] : enter;
  fn(compiled[0], program_len[0]);
  return 0;
}
