/*
 * The runtime half of clang's Wasm setjmp/longjmp lowering
 * (-mllvm -wasm-enable-sjlj, LLVM 19 and later), which Debian's 2022
 * wasi-libc lacks. LLVM's pass turns each function that calls setjmp into
 * one that records (invocation id, call-site label) in the jmp_buf through
 * __wasm_setjmp, and catches the `__c_longjmp` exception around its calls,
 * asking __wasm_setjmp_test whether the exception is meant for one of its
 * own setjmp sites. longjmp becomes __wasm_longjmp, which throws that
 * exception with a pointer to (env, value). Lua uses this for every error
 * and every coroutine yield (LUAI_THROW/LUAI_TRY in ldo.c).
 *
 * This file must itself be compiled with the lowering enabled, so that
 * __builtin_wasm_throw knows the tag.
 */
#include <stddef.h>
#include <stdint.h>

/* What the runtime keeps at the start of a jmp_buf. */
struct sjlj_state {
  void *invocation; /* the frame (function invocation) that called setjmp */
  uint32_t label;   /* which setjmp call site of that frame, never 0 */
  struct {
    void *env;
    int value;
  } thrown; /* the exception's payload: which buffer, which value */
};

void __wasm_setjmp(void *env, uint32_t label, void *invocation) {
  struct sjlj_state *state = env;
  if (label == 0 || invocation == NULL) __builtin_trap();
  state->invocation = invocation;
  state->label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *invocation) {
  struct sjlj_state *state = env;
  if (state->label == 0 || invocation == NULL) __builtin_trap();
  return state->invocation == invocation ? state->label : 0;
}

void __wasm_longjmp(void *env, int value) {
  struct sjlj_state *state = env;
  state->thrown.env = env;
  state->thrown.value = value != 0 ? value : 1; /* longjmp(env, 0) returns 1 */
  __builtin_wasm_throw(1, &state->thrown);     /* tag 1: __c_longjmp */
}

/* The exception tag (one i32, the payload pointer). clang up to 21 emits a
 * weak definition wherever __builtin_wasm_throw(1, ...) is used; LLVM 22
 * expects the C library to define it. */
#if __clang_major__ >= 22
__asm__(".globl __c_longjmp\n"
        ".tagtype __c_longjmp i32\n"
        "__c_longjmp:\n");
#endif
