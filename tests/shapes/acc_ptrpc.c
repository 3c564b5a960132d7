/*
 * Shape: a pointer PC. The interpreter walks `const uint64_t *ip` through the
 * code and tells the specializer where it is with
 * weval_update_context((uint32_t)(ip - code)). Jumps rebase the target on
 * `code`. Otherwise as acc_blog.c (while/switch/break, locals in an array).
 */
#include "acc.h"

static void interpret(const uint64_t* code, uint32_t len, uint64_t input) {
  uint64_t locals[ACC_NUM_LOCALS] = {0};
  uint64_t acc = input;
  const uint64_t* ip = code;
  const uint64_t* end = code + len;
  weval_push_context(0);
  while (ip < end) {
    switch (*ip) {
      case LOAD_IMMEDIATE:
        acc = ip[1];
        ip += 2;
        break;
      case STORE_LOCAL:
        locals[ip[1]] = acc;
        ip += 2;
        break;
      case LOAD_LOCAL:
        acc = locals[ip[1]];
        ip += 2;
        break;
      case PRINT:
        fputs(acc_strings[ip[1]], stdout);
        ip += 2;
        break;
      case PRINTI:
        printf("%" PRIu64 "\n", acc);
        ip++;
        break;
      case JMPNZ:
        if (acc != 0) {
          ip = code + ip[1];
        } else {
          ip += 2;
        }
        break;
      case INC:
        acc++;
        ip++;
        break;
      case DEC:
        acc--;
        ip++;
        break;
      case ADD:
        acc = locals[ip[1]] + locals[ip[2]];
        ip += 3;
        break;
      case HALT:
      default:
        goto out;
    }
    weval_update_context((uint32_t)(ip - code));
  }
out:
  weval_pop_context();
}

ACC_GUEST(interpret, interpret);
