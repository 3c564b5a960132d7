/*
 * programs.h -- what threaded.c and switch.c share: the accumulator VM's
 * instruction set (the one of examples/interp-c/accvm.h), the example
 * programs, and main's argument handling. Nothing here depends on how a
 * program is run, so the two interpreters differ only in their dispatch.
 *
 * The ISA is repeated rather than taken from accvm.h because accvm.h also
 * defines that VM's interpreters (static functions), which these programs do
 * not use. The values must stay those of accvm.h (and of tests/all/accvm_gen.rs).
 *
 * Every program takes its input n in the accumulator: the interpreters start
 * with acc = n instead of 0. That keeps n out of the bytecode, so one
 * snapshot (and one specialized function per program) serves every n, and n
 * is a runtime value for the specializer, as a real workload size would be.
 *
 * This header defines static data and functions: include it in one
 * translation unit per program.
 */
#ifndef THREADED_PROGRAMS_H
#define THREADED_PROGRAMS_H

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The opcodes of accvm.h, same values, same operands. */
enum {
  LOAD_IMMEDIATE, /* v      acc = v */
  STORE_LOCAL,    /* i      local[i] = acc              (stops if i >= NUM_LOCALS) */
  LOAD_LOCAL,     /* i      acc = local[i]              (stops if i >= NUM_LOCALS) */
  PRINT,          /* msg    fputs(strings[msg])         (stops if msg >= NUM_STRINGS) */
  PRINTI,         /*        printf("%llu\n", acc) */
  JMPNZ,          /* target if (acc != 0) pc = (uint32_t)target */
  INC,            /*        acc++ */
  DEC,            /*        acc-- */
  ADD,            /* i j    acc = local[i] + local[j]   (stops if i or j >= NUM_LOCALS) */
  HALT,
  NUM_OPS /* opcodes >= NUM_OPS are unknown: the VM stops at them */
};

#define NUM_LOCALS 8

static const char* const strings[] = {"Result: "};
#define NUM_STRINGS (sizeof strings / sizeof strings[0])

/* Operand words that follow an opcode (unknown opcodes have none). */
static inline uint32_t operand_count(uint64_t op) {
  switch (op) {
    case LOAD_IMMEDIATE:
    case STORE_LOCAL:
    case LOAD_LOCAL:
    case PRINT:
    case JMPNZ:
      return 1;
    case ADD:
      return 2;
    default:
      return 0;
  }
}

/*
 * The programs. Word indices are in the comments: JMPNZ targets are word
 * indices. Locals 0.. are named in each program's comment. Each begins with
 * `if (n == 0) goto done`, because the loops are do-while loops (the seed's
 * shape) that would otherwise run 2^64 times for n = 0; the unconditional
 * jump is `LOAD_IMMEDIATE 1; JMPNZ`, the ISA having no plain jump.
 */

/* sum: the seed program of examples/interp-c/interp.c (its loop unchanged).
 *   sum = 0; i = n; while (i) { sum += i; i--; } print sum  -> n(n+1)/2 */
static const uint64_t prog_sum[] = {
    STORE_LOCAL,    1,     /*  0: i = n (acc on entry) */
    LOAD_IMMEDIATE, 0,     /*  2 */
    STORE_LOCAL,    0,     /*  4: sum = 0 */
    LOAD_LOCAL,     1,     /*  6 */
    JMPNZ,          14,    /*  8: n != 0: enter the loop */
    LOAD_IMMEDIATE, 1,     /* 10 */
    JMPNZ,          26,    /* 12: n == 0: done */
    ADD,            0, 1,  /* 14: loop: acc = sum + i */
    STORE_LOCAL,    0,     /* 17: sum = acc */
    LOAD_LOCAL,     1,     /* 19 */
    DEC,                   /* 21 */
    STORE_LOCAL,    1,     /* 22: i-- */
    JMPNZ,          14,    /* 24: while (i) */
    PRINT,          0,     /* 26: done: "Result: " */
    LOAD_LOCAL,     0,     /* 28 */
    PRINTI,                /* 30: sum */
    HALT,                  /* 31 */
};

/* nested: two counters, the inner loop running i times for i = n..1.
 *   count = 0; for (i = n; i; i--) for (j = i; j; j--) count++;
 *   print count  -> n(n+1)/2 again, with n(n+1)/2 inner iterations
 * Locals: 0 count, 1 i, 2 j. */
static const uint64_t prog_nested[] = {
    STORE_LOCAL,    1,     /*  0: i = n */
    LOAD_IMMEDIATE, 0,     /*  2 */
    STORE_LOCAL,    0,     /*  4: count = 0 */
    LOAD_LOCAL,     1,     /*  6 */
    JMPNZ,          14,    /*  8: n != 0: enter the outer loop */
    LOAD_IMMEDIATE, 1,     /* 10 */
    JMPNZ,          37,    /* 12: n == 0: done */
    LOAD_LOCAL,     1,     /* 14: outer: */
    STORE_LOCAL,    2,     /* 16: j = i (>= 1) */
    LOAD_LOCAL,     0,     /* 18: inner: */
    INC,                   /* 20 */
    STORE_LOCAL,    0,     /* 21: count++ */
    LOAD_LOCAL,     2,     /* 23 */
    DEC,                   /* 25 */
    STORE_LOCAL,    2,     /* 26: j-- */
    JMPNZ,          18,    /* 28: while (j) */
    LOAD_LOCAL,     1,     /* 30 */
    DEC,                   /* 32 */
    STORE_LOCAL,    1,     /* 33: i-- */
    JMPNZ,          14,    /* 35: while (i) */
    PRINT,          0,     /* 37: done: "Result: " */
    LOAD_LOCAL,     0,     /* 39 */
    PRINTI,                /* 41: count */
    HALT,                  /* 42 */
};

/* branches: a data-dependent branch in the loop, taken every other time.
 *   sum = 0; t = 0; for (i = n; i; i--) { if (t) { sum += 5; t = 0; }
 *                                         else   { sum += 3; t = 1; } }
 *   print sum  -> 3 * ceil(n/2) + 5 * floor(n/2)
 * Locals: 0 sum, 1 i, 2 t, 4 the constant 3, 5 the constant 5. */
static const uint64_t prog_branches[] = {
    STORE_LOCAL,    1,     /*  0: i = n */
    LOAD_IMMEDIATE, 0,     /*  2 */
    STORE_LOCAL,    0,     /*  4: sum = 0 */
    STORE_LOCAL,    2,     /*  6: t = 0 */
    LOAD_IMMEDIATE, 3,     /*  8 */
    STORE_LOCAL,    4,     /* 10: local 4 = 3 */
    LOAD_IMMEDIATE, 5,     /* 12 */
    STORE_LOCAL,    5,     /* 14: local 5 = 5 */
    LOAD_LOCAL,     1,     /* 16 */
    JMPNZ,          24,    /* 18: n != 0: enter the loop */
    LOAD_IMMEDIATE, 1,     /* 20 */
    JMPNZ,          55,    /* 22: n == 0: done */
    LOAD_LOCAL,     2,     /* 24: loop: */
    JMPNZ,          39,    /* 26: if (t) goto odd */
    ADD,            0, 4,  /* 28: even: acc = sum + 3 */
    STORE_LOCAL,    0,     /* 31 */
    LOAD_IMMEDIATE, 1,     /* 33 */
    STORE_LOCAL,    2,     /* 35: t = 1 */
    JMPNZ,          48,    /* 37: acc is 1: goto next */
    ADD,            0, 5,  /* 39: odd: acc = sum + 5 */
    STORE_LOCAL,    0,     /* 42 */
    LOAD_IMMEDIATE, 0,     /* 44 */
    STORE_LOCAL,    2,     /* 46: t = 0 */
    LOAD_LOCAL,     1,     /* 48: next: */
    DEC,                   /* 50 */
    STORE_LOCAL,    1,     /* 51: i-- */
    JMPNZ,          24,    /* 53: while (i) */
    PRINT,          0,     /* 55: done: "Result: " */
    LOAD_LOCAL,     0,     /* 57 */
    PRINTI,                /* 59: sum */
    HALT,                  /* 60 */
};

#ifndef LOOP_COUNT
#define LOOP_COUNT 10000000
#endif

struct program {
  const char* name;
  const uint64_t* code;
  uint32_t len;
  uint64_t default_n; /* n when argv[2] is absent */
};

#define PROGRAM(name, code, n) {name, code, (uint32_t)(sizeof code / sizeof code[0]), n}
static const struct program programs[] = {
    PROGRAM("sum", prog_sum, LOOP_COUNT),
    /* n(n+1)/2 inner iterations: about LOOP_COUNT of them by default. */
    PROGRAM("nested", prog_nested, 4472),
    PROGRAM("branches", prog_branches, LOOP_COUNT),
};
#undef PROGRAM
#define NUM_PROGRAMS (sizeof programs / sizeof programs[0])
/* At least the longest program's length, for static buffers. */
#define MAX_PROGRAM_LEN 64
_Static_assert(sizeof prog_sum / sizeof prog_sum[0] <= MAX_PROGRAM_LEN, "MAX_PROGRAM_LEN");
_Static_assert(sizeof prog_nested / sizeof prog_nested[0] <= MAX_PROGRAM_LEN, "MAX_PROGRAM_LEN");
_Static_assert(sizeof prog_branches / sizeof prog_branches[0] <= MAX_PROGRAM_LEN,
               "MAX_PROGRAM_LEN");

static void usage(const char* argv0) {
  fprintf(stderr, "usage: %s [PROGRAM [N]]\n  PROGRAM:", argv0);
  for (size_t i = 0; i < NUM_PROGRAMS; i++) {
    fprintf(stderr, " %s", programs[i].name);
  }
  fprintf(stderr, " (default %s)\n  N: the input, a decimal integer (default per program)\n",
          programs[0].name);
}

/* main's arguments: `[PROGRAM [N]]`. Returns the program's index and sets
 * *n, or returns -1 (after printing the usage) for bad arguments. */
static int parse_args(int argc, char** argv, uint64_t* n) {
  const char* argv0 = argc > 0 ? argv[0] : "accvm";
  int which = 0;
  if (argc > 3) {
    usage(argv0);
    return -1;
  }
  if (argc > 1) {
    which = -1;
    for (size_t i = 0; i < NUM_PROGRAMS; i++) {
      if (strcmp(argv[1], programs[i].name) == 0) {
        which = (int)i;
      }
    }
    if (which < 0) {
      fprintf(stderr, "%s: unknown program '%s'\n", argv0, argv[1]);
      usage(argv0);
      return -1;
    }
  }
  *n = programs[which].default_n;
  if (argc > 2) {
    char* end;
    errno = 0;
    unsigned long long v = strtoull(argv[2], &end, 10);
    if (end == argv[2] || *end != '\0' || errno != 0 || argv[2][0] == '-') {
      fprintf(stderr, "%s: N must be a decimal integer, not '%s'\n", argv0, argv[2]);
      usage(argv0);
      return -1;
    }
    *n = (uint64_t)v;
  }
  return which;
}

#endif /* THREADED_PROGRAMS_H */
