/*
 * Shape: the intrinsics behind `if (IsSpecialized)` in macros. One
 * always_inline body is compiled into a generic flavour (IsSpecialized = 0:
 * no intrinsics at all, locals in an array) and a specialized flavour
 * (IsSpecialized = 1: contexts, and the locals in weval registers), as
 * include/weval.h recommends. The request names the specialized flavour.
 */
#include "acc.h"

#define PUSH_CONTEXT(pc) \
  do {                   \
    if (IsSpecialized) weval_push_context(pc); \
  } while (0)
#define UPDATE_CONTEXT(pc) \
  do {                     \
    if (IsSpecialized) weval_update_context(pc); \
  } while (0)
#define POP_CONTEXT() \
  do {                \
    if (IsSpecialized) weval_pop_context(); \
  } while (0)
#define GET_LOCAL(i) (IsSpecialized ? weval_read_reg(i) : locals[i])
#define SET_LOCAL(i, v)                          \
  do {                                           \
    if (IsSpecialized) {                         \
      weval_write_reg((i), (v));                 \
    } else {                                     \
      locals[i] = (v);                           \
    }                                            \
  } while (0)

static inline __attribute__((always_inline)) void interpret_body(const uint64_t* code,
                                                                 uint32_t len, uint64_t input,
                                                                 const bool IsSpecialized) {
  uint64_t locals[ACC_NUM_LOCALS] = {0};
  if (IsSpecialized) {
    for (uint32_t i = 0; i < ACC_NUM_LOCALS; i++) weval_write_reg(i, 0);
  }
  uint64_t acc = input;
  uint32_t pc = 0;
  PUSH_CONTEXT(pc);
  while (pc < len) {
    switch (code[pc]) {
      case LOAD_IMMEDIATE:
        acc = code[pc + 1];
        pc += 2;
        break;
      case STORE_LOCAL:
        SET_LOCAL(code[pc + 1], acc);
        pc += 2;
        break;
      case LOAD_LOCAL:
        acc = GET_LOCAL(code[pc + 1]);
        pc += 2;
        break;
      case PRINT:
        fputs(acc_strings[code[pc + 1]], stdout);
        pc += 2;
        break;
      case PRINTI:
        printf("%" PRIu64 "\n", acc);
        pc += 1;
        break;
      case JMPNZ: {
        uint32_t target = (uint32_t)code[pc + 1];
        pc += 2;
        if (acc != 0) pc = target;
        break;
      }
      case INC:
        acc++;
        pc += 1;
        break;
      case DEC:
        acc--;
        pc += 1;
        break;
      case ADD:
        acc = GET_LOCAL(code[pc + 1]) + GET_LOCAL(code[pc + 2]);
        pc += 3;
        break;
      default:
        goto out;
    }
    UPDATE_CONTEXT(pc);
  }
out:
  POP_CONTEXT();
}

static __attribute__((noinline)) void interpret_generic(const uint64_t* code, uint32_t len,
                                                        uint64_t input) {
  interpret_body(code, len, input, false);
}
static __attribute__((noinline)) void interpret_specialized(const uint64_t* code, uint32_t len,
                                                            uint64_t input) {
  interpret_body(code, len, input, true);
}

ACC_GUEST(interpret_specialized, interpret_generic);
