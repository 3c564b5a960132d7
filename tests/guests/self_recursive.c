/*
 * self_recursive.c -- an interpreter that recurses into itself: a bytecode
 * CALL of the same program is a C call of `run` with the same `code`
 * (pweval inlines such self-calls a few activations deep, then calls the
 * request's own specialized function), and CALL_OTHER runs another
 * program, a call of `run` with a different `code` (never a self-call).
 * Two requests, one per program. stdout is the same whichever flavour runs;
 * the export "used_specialized" says which one did.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "weval.h"

enum { ARG, CONST, LT_JMP, ADD, SUB, CALL_SELF, CALL_OTHER, RET };

typedef struct {
  int32_t op, imm;
} Ins;

/* fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2) */
static const Ins fib_code[] = {
    {ARG, 0}, {CONST, 2}, {LT_JMP, 13},                          /* 0-2: n < 2 -> 13 */
    {ARG, 0}, {CONST, 1}, {SUB, 0},    {CALL_SELF, 0},          /* fib(n - 1) */
    {ARG, 0}, {CONST, 2}, {SUB, 0},    {CALL_SELF, 0},          /* fib(n - 2) */
    {ADD, 0}, {RET, 0},                                          /* 11-12 */
    {ARG, 0}, {RET, 0},                                          /* 13-14 */
};
/* tri(n) = n < 1 ? fib(7) : n + tri(n - 1), fib being the other program */
static const Ins tri_code[] = {
    {ARG, 0},   {CONST, 1},      {LT_JMP, 10},                   /* 0-2: n < 1 -> 10 */
    {ARG, 0},   {ARG, 0},        {CONST, 1},   {SUB, 0}, {CALL_SELF, 0},
    {ADD, 0},   {RET, 0},                                        /* 8-9 */
    {CONST, 7}, {CALL_OTHER, 0}, {RET, 0},                       /* 10-12 */
};

typedef int32_t (*run_fn)(const Ins *code, int32_t arg, const Ins *other);

static run_fn fib_specialized, tri_specialized;
static bool took_specialized;

__attribute__((noinline)) int32_t run(const Ins *code, int32_t arg, const Ins *other) {
  int32_t stack[8];
  int sp = 0;
  const Ins *pc = code;
  weval_push_context((uint32_t)(uintptr_t)pc);
  for (;;) {
    Ins i = *pc++;
    switch (i.op) {
      case ARG: stack[sp++] = arg; break;
      case CONST: stack[sp++] = i.imm; break;
      case LT_JMP: {
        int32_t b = stack[--sp], a = stack[--sp];
        if (a < b) pc = code + i.imm;
        break;
      }
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case CALL_SELF: {
        int32_t x = stack[--sp];
        stack[sp++] = run(code, x, other); /* the same program: a self-call */
        break;
      }
      case CALL_OTHER: {
        int32_t x = stack[--sp];
        stack[sp++] = run(other, x, code); /* another program */
        break;
      }
      default: {
        int32_t r = sp > 0 ? stack[sp - 1] : 0;
        weval_pop_context();
        return r;
      }
    }
    weval_update_context((uint32_t)(uintptr_t)pc);
  }
}

WEVAL_DEFINE_GLOBALS();

PWEVAL_EXPORT("used_specialized") uint32_t used_specialized(void);
PWEVAL_EXPORT("used_specialized") uint32_t used_specialized(void) { return took_specialized; }

static void request(const Ins *code, uint32_t len, run_fn *result, uint32_t id) {
  weval_req_t *req = pweval_req_begin(PWEVAL_FUNC(run), id, 0, result);
  pweval_arg_memory(req, code, len * (uint32_t)sizeof(Ins)); /* code */
  pweval_arg_runtime(req);                                    /* arg */
  pweval_arg_runtime(req);                                    /* other */
  if (!pweval_req_submit(req)) fputs("self_recursive: out of memory filing a request\n", stderr);
}

static void init(void) {
  request(fib_code, sizeof fib_code / sizeof fib_code[0], &fib_specialized, 1);
  request(tri_code, sizeof tri_code / sizeof tri_code[0], &tri_specialized, 2);
}
PWEVAL_INIT(init);

int main(void) {
  run_fn fib = fib_specialized ? fib_specialized : run;
  run_fn tri = tri_specialized ? tri_specialized : run;
  took_specialized = fib_specialized != NULL && tri_specialized != NULL;
  for (int32_t n = 0; n <= 22; n += 2) printf("fib(%d) = %d\n", n, fib(fib_code, n, tri_code));
  for (int32_t n = 0; n <= 300; n += 75) printf("tri(%d) = %d\n", n, tri(tri_code, n, fib_code));
  return 0;
}
