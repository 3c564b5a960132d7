/*
 * accvm.h -- the accumulator VM of the seed blog post: its bytecode and its
 * interpreter, shared by the example (examples/interp-c/interp.c) and the
 * differential test guest (tests/guests/accvm_diff.c).
 *
 * The VM has one 64-bit accumulator, NUM_LOCALS 64-bit locals (all zero at
 * the start) and a program of 64-bit words: an opcode followed by its
 * operands (see the enum). The interpreter stops at HALT, at an unknown
 * opcode, at an out-of-range operand (local index or string number), or when
 * the pc reaches the program length (e.g. after a JMPNZ to a target >= len;
 * a JMPNZ target is truncated to 32 bits). Operands are read without a
 * bounds check, so a program must not end in the middle of an instruction.
 *
 * One interpreter body is compiled into two flavours:
 *   interpret_generic  keeps the VM's locals in a C array and is what runs
 *                      when nothing was specialized;
 *   interpret_spec     keeps them in weval virtual registers (read.reg /
 *                      write.reg, which trap in generic code), and must only
 *                      ever be called through a specialized pointer that
 *                      pweval filled in.
 * Both have the type interpret_fn. A guest files a request on interpret_spec
 * with the bytecode as constant memory and its length as a constant i32.
 *
 * This header defines static functions and data: include it in one
 * translation unit per program.
 */
#ifndef ACCVM_H
#define ACCVM_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "weval.h"

enum {
  LOAD_IMMEDIATE, /* v      acc = v */
  STORE_LOCAL,    /* i      local[i] = acc */
  LOAD_LOCAL,     /* i      acc = local[i] */
  PRINT,          /* msg    fputs(strings[msg]) */
  PRINTI,         /*        printf("%llu\n", acc) */
  JMPNZ,          /* target if (acc != 0) pc = target */
  INC,            /*        acc++ */
  DEC,            /*        acc-- */
  ADD,            /* i j    acc = local[i] + local[j] */
  HALT,
};

#define NUM_LOCALS 8

/* WEVAL_COMPAT=1 writes the JMPNZ taken edge in the form weval 0.5.1 accepts
 * (the benchmark builds that variant to run pweval and weval side by side). */
#ifndef WEVAL_COMPAT
#define WEVAL_COMPAT 0
#endif

static const char* const strings[] = {"Result: "};
#define NUM_STRINGS (sizeof strings / sizeof strings[0])

/*
 * The interpreter body. Always inlined into the two flavours below with a
 * constant `spec`, so each flavour keeps only its own kind of local storage
 * (the other branch folds away; even unfolded at -O0 it is never executed).
 */
static inline __attribute__((always_inline)) void interpret(const uint64_t* code, uint32_t len,
                                                            bool spec) {
  uint64_t locals[NUM_LOCALS] = {0};
#define GET_LOCAL(i) (spec ? weval_read_reg(i) : locals[i])
#define SET_LOCAL(i, v)          \
  do {                           \
    if (spec) {                  \
      weval_write_reg((i), (v)); \
    } else {                     \
      locals[i] = (v);           \
    }                            \
  } while (0)

  if (spec) {
    /* Registers have no initial value; give them the array's zeros. */
    for (uint32_t i = 0; i < NUM_LOCALS; i++) {
      weval_write_reg(i, 0);
    }
  }

  uint64_t acc = 0;
  uint32_t pc = 0;
  weval_push_context(pc);
  while (true) {
    if (pc >= len) {
      break;
    }
    uint64_t op = code[pc++];
    switch (op) {
      case LOAD_IMMEDIATE:
        acc = code[pc++];
        break;
      case STORE_LOCAL: {
        uint64_t i = code[pc++];
        if (i >= NUM_LOCALS) goto out;
        SET_LOCAL(i, acc);
        break;
      }
      case LOAD_LOCAL: {
        uint64_t i = code[pc++];
        if (i >= NUM_LOCALS) goto out;
        acc = GET_LOCAL(i);
        break;
      }
      case PRINT: {
        uint64_t msg = code[pc++];
        if (msg >= NUM_STRINGS) goto out;
        fputs(strings[msg], stdout);
        break;
      }
      case PRINTI:
        printf("%" PRIu64 "\n", acc);
        break;
      case JMPNZ: {
        uint32_t target = (uint32_t)code[pc++];
#if WEVAL_COMPAT
        /* weval 0.5.1 needs a constant pc at every context change: the taken
         * edge enters the target's context itself and skips the shared
         * update_context at the bottom of the loop. It pops and pushes rather
         * than calling update_context, because clang would sink two
         * update_context calls into one taking a select of the two pcs. */
        if (acc != 0) {
          pc = target;
          weval_pop_context();
          weval_push_context(pc);
          continue;
        }
#else
        /* Written the naive way on purpose: clang turns it into a select, so
         * the pc passed to update_context is a choice between two constants
         * (pweval branches on it; weval 0.5.1 rejects it, see WEVAL_COMPAT). */
        if (acc != 0) pc = target;
#endif
        break;
      }
      case INC:
        acc++;
        break;
      case DEC:
        acc--;
        break;
      case ADD: {
        uint64_t i = code[pc++];
        uint64_t j = code[pc++];
        if (i >= NUM_LOCALS || j >= NUM_LOCALS) goto out;
        acc = GET_LOCAL(i) + GET_LOCAL(j);
        break;
      }
      case HALT:
      default:
        goto out;
    }
    weval_update_context(pc);
  }
out:
  weval_pop_context();
#undef GET_LOCAL
#undef SET_LOCAL
}

/* noinline: the two flavours must stay separate functions, since the request
 * names interpret_spec and the generic path must never reach read.reg. */
static __attribute__((noinline)) void interpret_generic(const uint64_t* code, uint32_t len) {
  interpret(code, len, false);
}
static __attribute__((noinline)) void interpret_spec(const uint64_t* code, uint32_t len) {
  interpret(code, len, true);
}

typedef void (*interpret_fn)(const uint64_t* code, uint32_t len);

#endif /* ACCVM_H */
