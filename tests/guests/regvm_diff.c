/*
 * A Lua-style register VM, for the differential test
 * (tests/all/regvm_diff.rs; the generator and the reference model of this
 * VM are tests/all/regvm_gen.rs, which must agree with every detail here).
 *
 * Instructions are 32-bit words, as in Lua 5.1:
 *   bits 0..6  opcode     bits 6..14  A (8 bits)
 *   bits 14..23  B (9 bits)   bits 23..32  C (9 bits)
 *   or bits 14..32  Bx (18 bits, unsigned), sBx = Bx - SBX_BIAS.
 * RK(x) is register x when x < 256, else constant K[x - 256].
 * Registers are 64-bit integers (wrapping arithmetic) in a frame in memory:
 * REGVM_REGS slots, addressed by A (and A + 3 for loops, A + B for PRINT,
 * hence the padding), so no bytecode can reach outside the frame.
 *
 *   MOVE A B      R[A] = R[B]
 *   LOADK A Bx    R[A] = K[Bx]           (Bx >= REGVM_K: error)
 *   LOADI A sBx   R[A] = sBx
 *   ADD..SHR A B C  R[A] = RK(B) op RK(C)  (DIV/MOD by 0: error; INT64_MIN / -1
 *                 wraps; shifts by C & 63, SHR arithmetic)
 *   NEG A B, NOT A B   R[A] = -R[B], R[A] = (R[B] == 0)
 *   JMP sBx       pc += sBx               (pc already past the JMP)
 *   EQ/LT/LE A B C  if ((RK(B) op RK(C)) != (A & 1)) pc++   (signed)
 *   TEST A C      if ((R[A] != 0) != (C & 1)) pc++
 *   FORPREP A sBx R[A] -= R[A+2]; pc += sBx
 *   FORLOOP A sBx R[A] += R[A+2];
 *                 if (R[A+2] >= 0 ? R[A] <= R[A+1] : R[A] >= R[A+1])
 *                   { pc += sBx; R[A+3] = R[A]; }
 *   PRINT A B     print R[A..A+B) on one line (B > 8: error)
 *   RETURN A      return R[A]
 *   TRAP          flush stdout, trap (unreachable)
 *   EXIT A        exit(R[A] & 63) (flushes stdout; WASI allows 0..125)
 * Any other opcode is an error. An error prints `error at pc N: WHAT` and
 * the run returns -1; a pc at or past the length returns 0.
 *
 * Three flavours of one always-inline body:
 *   regvm_run_generic  plain memory registers, no intrinsics;
 *   regvm_run_mem      push/update/pop_context, plain memory registers;
 *   regvm_run_local    the same with read.local/write.local on the frame
 *                      slots (pweval keeps them in SSA values and stores them
 *                      back at calls and at the return).
 * REGVM_BATCH program slots; the init function files two requests per slot
 * i: regvm_run_mem (user_id 2i + 1) and regvm_run_local (user_id 2i + 2),
 * each on the slot's Proto (constant memory) and length (constant i32),
 * with the frame a runtime argument. The test writes a batch of programs
 * into the snapshot (protos, lens, inputs, and each request's copies) and
 * calls run_generic(i), run_mem(i) and run_local(i): each fills a frame
 * (registers 0..7 from inputs[i], register j >= 8 with j * 0x9E3779B97F4A7C15),
 * runs, prints `return R` and the registers 0..39, and flushes.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "weval.h"

/* These must match tests/all/regvm_gen.rs. */
#define REGVM_BATCH 256
#define REGVM_CODE 512
#define REGVM_K 256
#define REGVM_INPUTS 8
#define REGVM_REGS 256
#define REGVM_FRAME (REGVM_REGS + 8)
#define REGVM_SHOWN 40
#define SBX_BIAS 131071

enum {
  OP_MOVE, OP_LOADK, OP_LOADI,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
  OP_NEG, OP_NOT, OP_JMP, OP_EQ, OP_LT, OP_LE, OP_TEST, OP_FORPREP, OP_FORLOOP,
  OP_PRINT, OP_RETURN, OP_TRAP, OP_EXIT
};

typedef struct {
  uint64_t k[REGVM_K];
  uint32_t code[REGVM_CODE];
} Proto;

Proto protos[REGVM_BATCH];
uint32_t lens[REGVM_BATCH];
uint64_t inputs[REGVM_BATCH][REGVM_INPUTS];

PWEVAL_EXPORT("regvm.protos") Proto* regvm_protos_addr(void);
PWEVAL_EXPORT("regvm.protos") Proto* regvm_protos_addr(void) { return protos; }
PWEVAL_EXPORT("regvm.lens") uint32_t* regvm_lens_addr(void);
PWEVAL_EXPORT("regvm.lens") uint32_t* regvm_lens_addr(void) { return lens; }
PWEVAL_EXPORT("regvm.inputs") uint64_t* regvm_inputs_addr(void);
PWEVAL_EXPORT("regvm.inputs") uint64_t* regvm_inputs_addr(void) { return &inputs[0][0]; }

typedef int64_t (*regvm_fn)(const Proto* p, uint32_t len, uint64_t* frame);

/* Output and errors behind noinline calls: the interpreter stays free of
 * varargs and shadow-stack traffic. */
static __attribute__((noinline)) void print_reg(uint64_t v, uint32_t j) {
  printf(j ? " %" PRId64 : "%" PRId64, (int64_t)v);
}
static __attribute__((noinline)) void print_newline(void) { putchar('\n'); }
static __attribute__((noinline)) void print_error(uint32_t pc, const char* what) {
  printf("error at pc %" PRIu32 ": %s\n", pc, what);
}
static __attribute__((noinline, noreturn)) void trap_now(void) {
  fflush(stdout);
  __builtin_trap();
}
static __attribute__((noinline, noreturn)) void exit_now(uint64_t v) { exit((int)(v & 63)); }

enum { MODE_GENERIC, MODE_MEM, MODE_LOCAL };

static inline __attribute__((always_inline)) int64_t interp(const Proto* p, uint32_t len,
                                                            uint64_t* frame, int mode) {
#define R(i) (mode == MODE_LOCAL ? weval_read_local(&frame[i], (i)) : frame[i])
#define SET(i, v)                                 \
  do {                                            \
    uint64_t v_ = (v);                            \
    if (mode == MODE_LOCAL) {                     \
      weval_write_local(&frame[i], (i), v_);      \
    } else {                                      \
      frame[i] = v_;                              \
    }                                             \
  } while (0)
#define RK(x) ((x) & 256 ? p->k[(x) & 255] : R(x))
  uint32_t pc = 0;
  int64_t result = 0;
  if (mode != MODE_GENERIC) {
    weval_push_context(pc);
  }
  for (;;) {
    if (pc >= len) {
      break;
    }
    uint32_t ins = p->code[pc];
    uint32_t op = ins & 63, a = (ins >> 6) & 255, b = (ins >> 14) & 511, c = ins >> 23;
    uint32_t bx = ins >> 14;
    uint32_t sbx = bx - SBX_BIAS; /* added to pc modulo 2^32 */
    pc++;
    switch (op) {
      case OP_MOVE: SET(a, R(b & 255)); break;
      case OP_LOADK:
        if (bx >= REGVM_K) {
          print_error(pc - 1, "constant out of range");
          result = -1;
          goto out;
        }
        SET(a, p->k[bx]);
        break;
      case OP_LOADI: SET(a, (uint64_t)(int64_t)(int32_t)sbx); break;
      case OP_ADD: SET(a, RK(b) + RK(c)); break;
      case OP_SUB: SET(a, RK(b) - RK(c)); break;
      case OP_MUL: SET(a, RK(b) * RK(c)); break;
      case OP_DIV:
      case OP_MOD: {
        int64_t x = (int64_t)RK(b), y = (int64_t)RK(c);
        if (y == 0) {
          print_error(pc - 1, "division by zero");
          result = -1;
          goto out;
        }
        if (y == -1) {
          SET(a, op == OP_DIV ? 0 - (uint64_t)x : 0);
        } else {
          SET(a, (uint64_t)(op == OP_DIV ? x / y : x % y));
        }
        break;
      }
      case OP_AND: SET(a, RK(b) & RK(c)); break;
      case OP_OR: SET(a, RK(b) | RK(c)); break;
      case OP_XOR: SET(a, RK(b) ^ RK(c)); break;
      case OP_SHL: SET(a, RK(b) << (RK(c) & 63)); break;
      case OP_SHR: SET(a, (uint64_t)((int64_t)RK(b) >> (RK(c) & 63))); break;
      case OP_NEG: SET(a, 0 - R(b & 255)); break;
      case OP_NOT: SET(a, R(b & 255) == 0); break;
      case OP_JMP: pc += sbx; break;
      case OP_EQ:
        if ((RK(b) == RK(c)) != (a & 1)) pc++;
        break;
      case OP_LT:
        if (((int64_t)RK(b) < (int64_t)RK(c)) != (a & 1)) pc++;
        break;
      case OP_LE:
        if (((int64_t)RK(b) <= (int64_t)RK(c)) != (a & 1)) pc++;
        break;
      case OP_TEST:
        if ((R(a) != 0) != (c & 1)) pc++;
        break;
      case OP_FORPREP:
        SET(a, R(a) - R(a + 2));
        pc += sbx;
        break;
      case OP_FORLOOP: {
        int64_t step = (int64_t)R(a + 2);
        int64_t i = (int64_t)(R(a) + (uint64_t)step);
        int64_t limit = (int64_t)R(a + 1);
        SET(a, (uint64_t)i);
        if (step >= 0 ? i <= limit : i >= limit) {
          pc += sbx;
          SET(a + 3, (uint64_t)i);
        }
        break;
      }
      case OP_PRINT:
        if (b > 8) {
          print_error(pc - 1, "print of more than 8 registers");
          result = -1;
          goto out;
        }
        for (uint32_t j = 0; j < b; j++) {
          print_reg(R(a + j), j);
        }
        print_newline();
        break;
      case OP_RETURN:
        result = (int64_t)R(a);
        goto out;
      case OP_TRAP: trap_now();
      case OP_EXIT: exit_now(R(a));
      default:
        print_error(pc - 1, "bad opcode");
        result = -1;
        goto out;
    }
    if (mode != MODE_GENERIC) {
      weval_update_context(pc);
    }
  }
out:
  if (mode != MODE_GENERIC) {
    weval_pop_context();
  }
  return result;
#undef R
#undef SET
#undef RK
}

__attribute__((noinline)) int64_t regvm_run_generic(const Proto* p, uint32_t len, uint64_t* frame) {
  return interp(p, len, frame, MODE_GENERIC);
}
__attribute__((noinline)) int64_t regvm_run_mem(const Proto* p, uint32_t len, uint64_t* frame) {
  return interp(p, len, frame, MODE_MEM);
}
__attribute__((noinline)) int64_t regvm_run_local(const Proto* p, uint32_t len, uint64_t* frame) {
  return interp(p, len, frame, MODE_LOCAL);
}

/* pweval stores the specialized functions here (table indices). */
static regvm_fn spec_mem[REGVM_BATCH];
static regvm_fn spec_local[REGVM_BATCH];

WEVAL_DEFINE_GLOBALS();

static void file(regvm_fn f, uint32_t user_id, regvm_fn* dest, uint32_t i) {
  weval_req_t* req = pweval_req_begin(PWEVAL_FUNC(f), user_id, 0, dest);
  pweval_arg_memory(req, &protos[i], (uint32_t)sizeof protos[i]);
  pweval_arg_i32(req, lens[i]);
  pweval_arg_runtime(req);
  if (!pweval_req_submit(req)) {
    fputs("regvm_diff: out of memory filing the specialization requests\n", stderr);
  }
}

static void init(void) {
  for (uint32_t i = 0; i < REGVM_BATCH; i++) {
    file(regvm_run_mem, 2 * i + 1, &spec_mem[i], i);
    file(regvm_run_local, 2 * i + 2, &spec_local[i], i);
  }
}
PWEVAL_INIT(init);

static uint64_t frame[REGVM_FRAME];

static void run(regvm_fn f, uint32_t i) {
  if (i >= REGVM_BATCH || !f) {
    __builtin_trap();
  }
  for (uint32_t j = 0; j < REGVM_FRAME; j++) {
    frame[j] = j < REGVM_INPUTS ? inputs[i][j] : j * 0x9E3779B97F4A7C15ull;
  }
  int64_t r = f(&protos[i], lens[i], frame);
  printf("return %" PRId64 "\n", r);
  for (uint32_t j = 0; j < REGVM_SHOWN; j++) {
    print_reg(frame[j], j);
  }
  print_newline();
  fflush(stdout);
}

PWEVAL_EXPORT("run_generic") void run_generic(uint32_t i);
PWEVAL_EXPORT("run_generic") void run_generic(uint32_t i) { run(regvm_run_generic, i); }
PWEVAL_EXPORT("run_mem") void run_mem(uint32_t i);
PWEVAL_EXPORT("run_mem") void run_mem(uint32_t i) { run(i < REGVM_BATCH ? spec_mem[i] : NULL, i); }
PWEVAL_EXPORT("run_local") void run_local(uint32_t i);
PWEVAL_EXPORT("run_local") void run_local(uint32_t i) {
  run(i < REGVM_BATCH ? spec_local[i] : NULL, i);
}

/* PWEVAL_INIT needs a main: run slot 0, specialized when it can. */
int main(void) {
  run(spec_local[0] ? spec_local[0] : regvm_run_generic, 0);
  return 0;
}
