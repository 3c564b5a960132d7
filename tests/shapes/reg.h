/*
 * reg.h -- the register VM of the shape corpus: a small Lua-flavoured
 * machine, the one program every register guest runs, and the guest
 * boilerplate. Each tests/shapes/reg_*.c file is one way of writing the
 * interpreter loop.
 *
 * The machine: 16 registers of 64 bits (R0 holds the input, the iteration
 * count from argv[1]; the others start at 0) and a function prototype
 * (proto_t) holding the code and a constant table K. Instructions:
 *
 *   MOVE A B         R(A) = R(B)
 *   LOADK A Bx       R(A) = K(Bx)
 *   ADD A B C        R(A) = R(B) + R(C)      (64-bit, wrapping)
 *   SUB A B C        R(A) = R(B) - R(C)
 *   MUL A B C        R(A) = R(B) * R(C)
 *   BAND A B C       R(A) = R(B) & R(C)
 *   JMP sBx          pc += sBx
 *   TEST A C         if ((R(A) != 0) != C) skip the next instruction
 *                    (which is normally a JMP: Lua's conditional jump)
 *   SIGN A sBx       (only reg_threeway.c) if R(A) < 0 (signed): pc += sBx;
 *                    if R(A) == 0: skip the next instruction; else go on
 *   FORPREP A sBx    R(A) -= R(A+2); pc += sBx
 *   FORLOOP A sBx    R(A) += R(A+2); if R(A) <= R(A+1) (signed):
 *                    { pc += sBx; R(A+3) = R(A) }
 *   PRINT A          print R(A) as a signed decimal and a newline
 *   RETURN           stop
 *
 * Jump offsets are relative to the next instruction. Encodings, chosen by
 * REG_ENCODING before including this header:
 *   REG_WORDS (default)  32-bit words laid out as Lua 5.1's: opcode in bits
 *                        0-5, A in 6-13, C in 14-22, B in 23-31; Bx is bits
 *                        14-31 and sBx = Bx - MAXARG_sBx (excess-K); offsets
 *                        count words
 *   REG_BYTES            variable length: an opcode byte, then one byte per
 *                        A, B, C and Bx operand and a little-endian int16 per
 *                        sBx; offsets count bytes
 *
 * The program (for i = 1, n: t = i*i; if i & 3 == 0 then t = t - i; sum += t):
 *
 *        LOADK   R1 K0          ; sum = 0
 *        LOADK   R2 K1          ; for-loop start 1
 *        MOVE    R3 R0          ; limit n
 *        LOADK   R4 K1          ; step 1
 *        LOADK   R8 K2          ; 3
 *        FORPREP R2 test
 *   body:                       ; R5 = i
 *        MUL     R6 R5 R5
 *        BAND    R7 R5 R8
 *        TEST    R7 1           ; (reg_threeway.c: SIGN R7 add)
 *        JMP     add            ; i & 3 != 0: keep t
 *        SUB     R6 R6 R5
 *   add: ADD     R1 R1 R6
 *   test:
 *        FORLOOP R2 body
 *        PRINT   R1
 *        RETURN
 *
 * A guest defines its interpreter, of type
 *     void f(const proto_t *p, uint64_t input)
 * then writes REG_GUEST(specialized_flavour, generic_flavour); the request
 * passes the whole prototype as constant memory and leaves the input to run
 * time.
 */
#ifndef SHAPES_REG_H
#define SHAPES_REG_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weval.h"

typedef enum {
  OP_MOVE,
  OP_LOADK,
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_BAND,
  OP_JMP,
  OP_TEST,
  OP_SIGN,
  OP_FORPREP,
  OP_FORLOOP,
  OP_PRINT,
  OP_RETURN,
} opcode_t;

/* Lua 5.1's instruction layout. */
#define SIZE_OP 6
#define SIZE_A 8
#define SIZE_B 9
#define SIZE_C 9
#define SIZE_Bx (SIZE_B + SIZE_C)
#define POS_OP 0
#define POS_A (POS_OP + SIZE_OP)
#define POS_C (POS_A + SIZE_A)
#define POS_B (POS_C + SIZE_C)
#define POS_Bx POS_C
#define MAXARG_Bx ((1 << SIZE_Bx) - 1)
#define MAXARG_sBx (MAXARG_Bx >> 1)
#define MASK1(n, p) ((~((~(uint32_t)0) << (n))) << (p))

#define GET_OPCODE(i) ((opcode_t)(((i) >> POS_OP) & MASK1(SIZE_OP, 0)))
#define GETARG_A(i) ((int)(((i) >> POS_A) & MASK1(SIZE_A, 0)))
#define GETARG_B(i) ((int)(((i) >> POS_B) & MASK1(SIZE_B, 0)))
#define GETARG_C(i) ((int)(((i) >> POS_C) & MASK1(SIZE_C, 0)))
#define GETARG_Bx(i) ((int)(((i) >> POS_Bx) & MASK1(SIZE_Bx, 0)))
#define GETARG_sBx(i) (GETARG_Bx(i) - MAXARG_sBx)

#define CREATE_ABC(o, a, b, c) \
  (((uint32_t)(o) << POS_OP) | ((uint32_t)(a) << POS_A) | ((uint32_t)(b) << POS_B) | ((uint32_t)(c) << POS_C))
#define CREATE_ABx(o, a, bc) \
  (((uint32_t)(o) << POS_OP) | ((uint32_t)(a) << POS_A) | ((uint32_t)(bc) << POS_Bx))

#define REG_WORDS 4
#define REG_BYTES 1
#ifndef REG_ENCODING
#define REG_ENCODING REG_WORDS
#endif
#if REG_ENCODING == REG_WORDS
typedef uint32_t insn_t;
#elif REG_ENCODING == REG_BYTES
typedef uint8_t insn_t;
#else
#error "REG_ENCODING must be REG_WORDS or REG_BYTES"
#endif

#ifndef REG_USE_SIGN
#define REG_USE_SIGN 0
#endif

#define REG_NUM_REGS 16
#define REG_MAX_K 4
#define REG_MAX_CODE 96

/* A function prototype: what the request hands the specializer. */
typedef struct proto {
  uint32_t ncode; /* instructions (REG_WORDS) or bytes (REG_BYTES) */
  uint32_t nk;
  uint64_t k[REG_MAX_K];
  insn_t code[REG_MAX_CODE];
} proto_t;

static proto_t reg_proto;

/* ---- the assembler ------------------------------------------------------ */

typedef struct {
  insn_t* out; /* NULL on the measuring pass */
  uint32_t n;
} reg_asm_t;

static void reg_byte(reg_asm_t* a, uint32_t b) {
  if (a->out) a->out[a->n] = (insn_t)b;
  a->n++;
}

/* One instruction. `kind`: 0 = ABC, 1 = ABx, 2 = AsBx with `target` the
 * label's position (offsets are relative to the next instruction). */
static void reg_ins(reg_asm_t* a, opcode_t op, int kind, int ra, int rb, int rc, uint32_t target) {
#if REG_ENCODING == REG_WORDS
  uint32_t w;
  if (kind == 0) {
    w = CREATE_ABC(op, ra, rb, rc);
  } else if (kind == 1) {
    w = CREATE_ABx(op, ra, rb);
  } else {
    int32_t sbx = (int32_t)target - (int32_t)(a->n + 1);
    w = CREATE_ABx(op, ra, sbx + MAXARG_sBx);
  }
  reg_byte(a, w);
#else
  reg_byte(a, op);
  switch (op) {
    case OP_MOVE:
      reg_byte(a, ra), reg_byte(a, rb);
      break;
    case OP_LOADK:
      reg_byte(a, ra), reg_byte(a, rb);
      break;
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_BAND:
      reg_byte(a, ra), reg_byte(a, rb), reg_byte(a, rc);
      break;
    case OP_TEST:
      reg_byte(a, ra), reg_byte(a, rc);
      break;
    case OP_JMP: {
      int32_t sbx = (int32_t)target - (int32_t)(a->n + 2);
      reg_byte(a, (uint32_t)sbx & 0xff), reg_byte(a, ((uint32_t)sbx >> 8) & 0xff);
      break;
    }
    case OP_SIGN:
    case OP_FORPREP:
    case OP_FORLOOP: {
      int32_t sbx = (int32_t)target - (int32_t)(a->n + 3);
      reg_byte(a, ra);
      reg_byte(a, (uint32_t)sbx & 0xff), reg_byte(a, ((uint32_t)sbx >> 8) & 0xff);
      break;
    }
    case OP_PRINT:
      reg_byte(a, ra);
      break;
    case OP_RETURN:
      break;
  }
  (void)kind;
#endif
}

/* Emit the program given the labels' positions; store where they are. */
static uint32_t reg_emit(insn_t* out, const uint32_t in[3], uint32_t at[3]) {
  enum { BODY, ADD_, TEST };
  reg_asm_t a = {out, 0};
  reg_ins(&a, OP_LOADK, 1, 1, 0, 0, 0);
  reg_ins(&a, OP_LOADK, 1, 2, 1, 0, 0);
  reg_ins(&a, OP_MOVE, 0, 3, 0, 0, 0);
  reg_ins(&a, OP_LOADK, 1, 4, 1, 0, 0);
  reg_ins(&a, OP_LOADK, 1, 8, 2, 0, 0);
  reg_ins(&a, OP_FORPREP, 2, 2, 0, 0, in[TEST]);
  at[BODY] = a.n;
  reg_ins(&a, OP_MUL, 0, 6, 5, 5, 0);
  reg_ins(&a, OP_BAND, 0, 7, 5, 8, 0);
#if REG_USE_SIGN
  reg_ins(&a, OP_SIGN, 2, 7, 0, 0, in[ADD_]);
#else
  reg_ins(&a, OP_TEST, 0, 7, 0, 1, 0);
#endif
  reg_ins(&a, OP_JMP, 2, 0, 0, 0, in[ADD_]);
  reg_ins(&a, OP_SUB, 0, 6, 6, 5, 0);
  at[ADD_] = a.n;
  reg_ins(&a, OP_ADD, 0, 1, 1, 6, 0);
  at[TEST] = a.n;
  reg_ins(&a, OP_FORLOOP, 2, 2, 0, 0, in[BODY]);
  reg_ins(&a, OP_PRINT, 0, 1, 0, 0, 0);
  reg_ins(&a, OP_RETURN, 0, 0, 0, 0, 0);
  return a.n;
}

static bool reg_built;
static void reg_build(void) {
  uint32_t zero[3] = {0, 0, 0}, labels[3];
  reg_emit(NULL, zero, labels);
  reg_proto.ncode = reg_emit(reg_proto.code, labels, labels);
  reg_proto.nk = 3;
  reg_proto.k[0] = 0;
  reg_proto.k[1] = 1;
  reg_proto.k[2] = 3;
  reg_built = true;
}

/* ---- the guest ---------------------------------------------------------- */

typedef void (*reg_fn)(const proto_t* p, uint64_t input);

static uint64_t shapes_input(int argc, char** argv) {
  return argc > 1 ? strtoull(argv[1], NULL, 10) : 1000;
}

#define REG_GUEST(SPEC, GENERIC)                                                        \
  static reg_fn reg_specialized;                                                        \
  static int reg_used_specialized;                                                      \
  WEVAL_DEFINE_GLOBALS();                                                               \
  static void reg_init(void) {                                                          \
    reg_build();                                                                        \
    weval_req_t* req = pweval_req_begin(PWEVAL_FUNC(SPEC), 2, 0, &reg_specialized);     \
    pweval_arg_memory(req, &reg_proto, (uint32_t)sizeof reg_proto);                     \
    pweval_arg_runtime(req);                                                            \
    if (!pweval_req_submit(req)) fputs("out of memory filing the request\n", stderr);   \
  }                                                                                     \
  PWEVAL_INIT(reg_init);                                                                \
  /* 1 when main ran the specialized function (a probe for the test). */               \
  PWEVAL_EXPORT("shape_used_specialized") int shape_used_specialized(void);             \
  int shape_used_specialized(void) { return reg_used_specialized; }                     \
  int main(int argc, char** argv) {                                                     \
    if (!reg_built) reg_build();                                                        \
    reg_fn run = reg_specialized ? reg_specialized : GENERIC;                           \
    reg_used_specialized = reg_specialized != NULL;                                     \
    run(&reg_proto, shapes_input(argc, argv));                                          \
    return 0;                                                                           \
  }                                                                                     \
  int main(int argc, char** argv)

#endif /* SHAPES_REG_H */
