/*
 * acc.h -- the accumulator VM of the shape corpus: its instruction set, the
 * one program every accumulator guest runs, and the guest boilerplate (the
 * request, main). Each tests/shapes/acc_*.c file is one way of writing the
 * interpreter loop; this header keeps the rest identical between them.
 *
 * The machine: a 64-bit accumulator and eight 64-bit locals (zero at the
 * start). The accumulator starts out holding the program's input (the
 * iteration count, from argv[1]). Instructions:
 *
 *   LOAD_IMMEDIATE v   acc = v
 *   STORE_LOCAL i      local[i] = acc
 *   LOAD_LOCAL i       acc = local[i]
 *   PRINT msg          print string number msg ("Result: ")
 *   PRINTI             print acc in decimal and a newline
 *   JMPNZ target       if acc is not zero, continue at target
 *   INC                acc = acc + 1
 *   DEC                acc = acc - 1
 *   ADD i j            acc = local[i] + local[j]
 *   HALT               stop
 *   JMP3 a b c         (only acc_threeway.c) continue at a if acc < 0 as a
 *                      signed number, at b if it is 0, else at c
 *
 * Encodings, chosen by ACC_ENCODING before including this header:
 *   ACC_WORDS64 (default)  an opcode word followed by one word per operand,
 *                          64-bit words; targets are word indices
 *   ACC_WORDS32            the same with 32-bit words
 *   ACC_BYTES              variable-length: an opcode byte, then LOAD_IMMEDIATE
 *                          has an 8-byte immediate, JMPNZ a 2-byte target and
 *                          JMP3 three, the other operands one byte each
 *                          (little endian); targets are byte offsets
 *
 * The program sums 1..n and prints "Result: <sum>":
 *
 *        STORE_LOCAL 1        ; i = n (the accumulator's initial value)
 *        LOAD_IMMEDIATE 0
 *        STORE_LOCAL 0        ; sum = 0
 *   loop:
 *        ADD 0 1
 *        STORE_LOCAL 0        ; sum = sum + i
 *        LOAD_LOCAL 1
 *        DEC
 *        STORE_LOCAL 1        ; i = i - 1
 *        JMPNZ loop           ; (acc_threeway.c: JMP3 done done loop)
 *   done:
 *        PRINT 0
 *        LOAD_LOCAL 0
 *        PRINTI
 *        HALT
 *
 * A guest defines its interpreter, of type
 *     void f(const acc_word_t *code, uint32_t len, uint64_t input)
 * (len in words, or in bytes for ACC_BYTES), then writes
 *     ACC_GUEST(specialized_flavour, generic_flavour);
 * (the same function twice when there is one flavour). The init function
 * files one request: the first flavour, specialized on the program (constant
 * memory) and its length (a constant), the input left to run time.
 */
#ifndef SHAPES_ACC_H
#define SHAPES_ACC_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weval.h"

enum {
  LOAD_IMMEDIATE,
  STORE_LOCAL,
  LOAD_LOCAL,
  PRINT,
  PRINTI,
  JMPNZ,
  INC,
  DEC,
  ADD,
  HALT,
  JMP3,
};

#define ACC_WORDS64 8
#define ACC_WORDS32 4
#define ACC_BYTES 1
#ifndef ACC_ENCODING
#define ACC_ENCODING ACC_WORDS64
#endif
#if ACC_ENCODING == ACC_WORDS64
typedef uint64_t acc_word_t;
#elif ACC_ENCODING == ACC_WORDS32
typedef uint32_t acc_word_t;
#elif ACC_ENCODING == ACC_BYTES
typedef uint8_t acc_word_t;
#else
#error "ACC_ENCODING must be ACC_WORDS64, ACC_WORDS32 or ACC_BYTES"
#endif

#ifndef ACC_USE_JMP3
#define ACC_USE_JMP3 0
#endif

#define ACC_NUM_LOCALS 8
static const char* const acc_strings[] = {"Result: "};

/* ---- the assembler ------------------------------------------------------ */

#define ACC_MAX_CODE 128
#ifdef __cplusplus
#define SHAPES_ALIGN8 alignas(8)
#else
#define SHAPES_ALIGN8 _Alignas(8)
#endif
SHAPES_ALIGN8 static acc_word_t acc_program[ACC_MAX_CODE];
static uint32_t acc_program_len;

typedef struct {
  acc_word_t* out; /* NULL: only measure (the first pass) */
  uint32_t n;
} acc_asm_t;

static void acc_put(acc_asm_t* a, uint64_t value, int nbytes) {
#if ACC_ENCODING == ACC_BYTES
  for (int i = 0; i < nbytes; i++) {
    if (a->out) a->out[a->n] = (uint8_t)(value >> (8 * i));
    a->n++;
  }
#else
  (void)nbytes;
  if (a->out) a->out[a->n] = (acc_word_t)value;
  a->n++;
#endif
}

/* Emit the program; `loop` and `done` are the labels' positions (anything
 * on the first pass). Returns the length in words (bytes). */
static uint32_t acc_emit(acc_word_t* out, uint32_t loop, uint32_t done, uint32_t* loop_at,
                         uint32_t* done_at) {
  acc_asm_t a = {out, 0};
  acc_put(&a, STORE_LOCAL, 1), acc_put(&a, 1, 1);
  acc_put(&a, LOAD_IMMEDIATE, 1), acc_put(&a, 0, 8);
  acc_put(&a, STORE_LOCAL, 1), acc_put(&a, 0, 1);
  *loop_at = a.n;
  acc_put(&a, ADD, 1), acc_put(&a, 0, 1), acc_put(&a, 1, 1);
  acc_put(&a, STORE_LOCAL, 1), acc_put(&a, 0, 1);
  acc_put(&a, LOAD_LOCAL, 1), acc_put(&a, 1, 1);
  acc_put(&a, DEC, 1);
  acc_put(&a, STORE_LOCAL, 1), acc_put(&a, 1, 1);
#if ACC_USE_JMP3
  acc_put(&a, JMP3, 1), acc_put(&a, done, 2), acc_put(&a, done, 2), acc_put(&a, loop, 2);
#else
  (void)done;
  acc_put(&a, JMPNZ, 1), acc_put(&a, loop, 2);
#endif
  *done_at = a.n;
  acc_put(&a, PRINT, 1), acc_put(&a, 0, 1);
  acc_put(&a, LOAD_LOCAL, 1), acc_put(&a, 0, 1);
  acc_put(&a, PRINTI, 1);
  acc_put(&a, HALT, 1);
  return a.n;
}

static bool acc_program_built;
static void acc_build(void) {
  uint32_t loop = 0, done = 0;
  acc_emit(NULL, 0, 0, &loop, &done);
  acc_program_len = acc_emit(acc_program, loop, done, &loop, &done);
  acc_program_built = true;
}

/* ---- the guest ---------------------------------------------------------- */

typedef void (*acc_fn)(const acc_word_t* code, uint32_t len, uint64_t input);

/* The iteration count: argv[1], else 1000. At least 1 (the loop is a
 * do-while). */
static uint64_t shapes_input(int argc, char** argv) {
  uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000;
  return n ? n : 1;
}

#define ACC_GUEST(SPEC, GENERIC)                                                       \
  static acc_fn acc_specialized;                                                       \
  static int acc_used_specialized;                                                     \
  WEVAL_DEFINE_GLOBALS();                                                              \
  static void acc_init(void) {                                                         \
    acc_build();                                                                       \
    weval_req_t* req = pweval_req_begin(PWEVAL_FUNC(SPEC), 1, 0, &acc_specialized);    \
    pweval_arg_memory(req, acc_program, acc_program_len * (uint32_t)sizeof(acc_word_t)); \
    pweval_arg_i32(req, acc_program_len);                                              \
    pweval_arg_runtime(req);                                                           \
    if (!pweval_req_submit(req)) fputs("out of memory filing the request\n", stderr);  \
  }                                                                                    \
  PWEVAL_INIT(acc_init);                                                               \
  /* 1 when main ran the specialized function (a probe for the test). */              \
  PWEVAL_EXPORT("shape_used_specialized") int shape_used_specialized(void);            \
  int shape_used_specialized(void) { return acc_used_specialized; }                    \
  int main(int argc, char** argv) {                                                    \
    if (!acc_program_built) acc_build();                                               \
    acc_fn run = acc_specialized ? acc_specialized : GENERIC;                          \
    acc_used_specialized = acc_specialized != NULL;                                    \
    run(acc_program, acc_program_len, shapes_input(argc, argv));                       \
    return 0;                                                                          \
  }                                                                                    \
  int main(int argc, char** argv)

#endif /* SHAPES_ACC_H */
