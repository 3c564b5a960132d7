/*
 * The accumulator VM of the seed blog post, as a pweval guest.
 *
 * One interpreter body is compiled into two flavours in the same module:
 *   interpret_generic  keeps the VM's locals in a C array and is what runs
 *                      when nothing was specialized;
 *   interpret_spec     keeps them in weval virtual registers (read.reg /
 *                      write.reg, which trap in generic code), and is only
 *                      ever called through the specialized pointer.
 * The init function (run once by the snapshot step) files one request:
 * specialize interpret_spec on the bytecode (constant memory) and its length
 * (a constant i32). main calls the specialized function if pweval filled the
 * slot, else interpret_generic.
 *
 * Builds: see the Makefile. Natively (or with -DPWEVAL_INLINE_INTRINSICS)
 * weval.h turns the intrinsics into their generic meanings, so the same file
 * is the native and the plain-Wasm baseline.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "weval.h"

#ifndef LOOP_COUNT
#define LOOP_COUNT 100000000
#endif

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

static const char* const strings[] = {"Result: "};
#define NUM_STRINGS (sizeof strings / sizeof strings[0])

/* sum = 0; i = LOOP_COUNT; do { sum += i; i--; } while (i); print sum */
static const uint64_t program[] = {
    LOAD_IMMEDIATE, 0,          /* 0 */
    STORE_LOCAL,    0,          /* 2: sum */
    LOAD_IMMEDIATE, LOOP_COUNT, /* 4 */
    STORE_LOCAL,    1,          /* 6: i */
    ADD,            0, 1,       /* 8: loop */
    STORE_LOCAL,    0,          /* 11 */
    LOAD_LOCAL,     1,          /* 13 */
    DEC,                        /* 15 */
    STORE_LOCAL,    1,          /* 16 */
    JMPNZ,          8,          /* 18 */
    PRINT,          0,          /* 20 */
    LOAD_LOCAL,     0,          /* 22 */
    PRINTI,                     /* 24 */
    HALT,                       /* 25 */
};
#define PROGRAM_LEN ((uint32_t)(sizeof program / sizeof program[0]))

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
        /* Written the naive way on purpose: clang turns it into a select, so
         * the pc passed to update_context is a choice between two constants. */
        if (acc != 0) pc = target;
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

/* pweval stores the specialized function here (a table index) in its output. */
static interpret_fn interpret_specialized;

WEVAL_DEFINE_GLOBALS();

static void init(void) {
  weval_req_t* req = pweval_req_begin(PWEVAL_FUNC(interpret_spec), /*func_id=*/1,
                                      /*num_globals=*/0, &interpret_specialized);
  pweval_arg_memory(req, program, (uint32_t)sizeof program);
  pweval_arg_i32(req, PROGRAM_LEN);
  if (!pweval_req_submit(req)) {
    fputs("interp: out of memory filing the specialization request\n", stderr);
  }
}
PWEVAL_INIT(init);

int main(void) {
  interpret_fn run = interpret_specialized ? interpret_specialized : interpret_generic;
  run(program, PROGRAM_LEN);
  return 0;
}
