/*
 * <setjmp.h> for wasm32-wasi guests built with clang's Wasm setjmp/longjmp
 * lowering (-mllvm -wasm-enable-sjlj). Debian's wasi-libc (2022) ships no
 * setjmp.h. LLVM rewrites setjmp and longjmp calls into calls of the
 * runtime functions in sjlj_rt.c; jmp_buf only has to be big enough for
 * what that runtime keeps in it (the first words), and is laid out as in
 * musl so that code which peeks at it still compiles.
 */
#ifndef PWEVAL_LUA_SETJMP_H
#define PWEVAL_LUA_SETJMP_H
#ifdef __cplusplus
extern "C" {
#endif
typedef struct __jmp_buf_tag {
  unsigned long __jb[6];
  int __fl;
  unsigned long __ss[32];
} jmp_buf[1];
int setjmp(jmp_buf);
_Noreturn void longjmp(jmp_buf, int);
#define _setjmp setjmp
#define _longjmp longjmp
#ifdef __cplusplus
}
#endif
#endif
