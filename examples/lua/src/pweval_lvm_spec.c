/*
 * pweval_lvm_spec.c -- lvm.c a second time, as the copy of the interpreter
 * loop that the requests specialize (`luaV_execute_spec`, see
 * pweval_lua.h). The generic body in lvm.c keeps no trace of the
 * specializer's hooks, so the baseline is stock Lua.
 *
 * lvm.c's other functions are renamed here so the two copies link side by
 * side; the copy's own are used only by luaV_execute_spec, exactly as
 * lvm.c's are by its body (same inlining, same code).
 */
#define PWEVAL_SPEC_COPY 1

#define luaV_tonumber_ pweval_spec_luaV_tonumber_
#define luaV_flttointeger pweval_spec_luaV_flttointeger
#define luaV_tointegerns pweval_spec_luaV_tointegerns
#define luaV_tointeger pweval_spec_luaV_tointeger
#define luaV_finishget pweval_spec_luaV_finishget
#define luaV_finishset pweval_spec_luaV_finishset
#define luaV_lessthan pweval_spec_luaV_lessthan
#define luaV_lessequal pweval_spec_luaV_lessequal
#define luaV_equalobj pweval_spec_luaV_equalobj
#define luaV_concat pweval_spec_luaV_concat
#define luaV_objlen pweval_spec_luaV_objlen
#define luaV_idiv pweval_spec_luaV_idiv
#define luaV_mod pweval_spec_luaV_mod
#define luaV_modf pweval_spec_luaV_modf
#define luaV_shiftl pweval_spec_luaV_shiftl
#define luaV_finishOp pweval_spec_luaV_finishOp

#include "lvm.c"
