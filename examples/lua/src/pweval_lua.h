/*
 * pweval_lua.h -- the hooks pweval.patch puts into PUC-Rio Lua 5.4.
 *
 * Stock luaV_execute runs a Lua-to-Lua call in the same C frame
 * (`goto startfunc`), so one C invocation walks many prototypes and its PC
 * is never a constant of one bytecode. Here the interpreter loop becomes
 * `luaV_execute_body(L, ci, code, kconst, spec)`, and `luaV_execute`
 * (pweval_lua.c) a dispatcher that runs each Lua call in its own C
 * invocation: with the prototype's specialized body when it has one
 * (spec = 1; code and kconst = the prototype's bytecode and constants,
 * constants of the request), otherwise with the generic body (spec = 0),
 * which behaves exactly like stock Lua.
 *
 * Nested specialized invocations are bounded (PWEVAL_MAX_SPEC_DEPTH): past
 * it, calls run generically in one C frame as in stock Lua, so deep Lua
 * recursion still ends in Lua's own "stack overflow" and never in a Wasm
 * stack exhaustion. The depth is restored by luaD_rawrunprotected when an
 * error or a yield unwinds specialized frames.
 */
#ifndef PWEVAL_LUA_H
#define PWEVAL_LUA_H

#include "weval.h"

/* Nested specialized luaV_execute_body invocations right now. */
extern int pweval_spec_depth;

/* Deepest nesting of specialized invocations; the C-level nesting of Lua
 * itself (LUAI_MAXCCALLS) comes on top of it. */
#define PWEVAL_MAX_SPEC_DEPTH 48

#if defined(lvm_c)

/* May the Lua call `newci` (just set up by luaD_precall) run in its own
 * specialized invocation? */
#define pweval_has_spec(ci) \
  (pweval_spec_depth < PWEVAL_MAX_SPEC_DEPTH && ci_func(ci)->p->pweval_spec != NULL)

/* The interpreter body; returns 1 when L->ci must be dispatched again (a
 * tail call replaced the frame, or the frame returned to a caller that was
 * running in this invocation), 0 when a fresh frame returned. */
#define PWEVAL_BODY __attribute__((noinline)) int luaV_execute_body

/* The specialized body runs on the request's copy of the bytecode (`code`,
 * constant memory), not on the prototype's: what it stores for Lua to read
 * (ci->u.l.savedpc, for line numbers, variable names, hooks and resuming)
 * is moved back into the prototype's code by `pweval_pcshift`, which is 0
 * in the generic body. */
#define PWEVAL_LOCALS uintptr_t pweval_pcshift = 0
#define PWEVAL_REAL_PC(pc) ((const Instruction *)((uintptr_t)(pc) + pweval_pcshift))

/* Specialized: the prototype's constants are the request's copy of them
 * (`kconst`, constant memory), so loads of constants fold: a type test on
 * a constant operand disappears. Generic: the prototype's own. */
#define PWEVAL_CONSTANTS(protok) (spec ? (TValue *)kconst : (protok))

/* Specialized: the entry PC is the start of the prototype's code (the
 * dispatcher checked), so the start of the copy, a constant: the
 * interpreter context. */
#define PWEVAL_ENTRY(saved) \
  (spec ? (pweval_pcshift = (uintptr_t)cl->p->code - (uintptr_t)code, \
           weval_push_context((uint32_t)(uintptr_t)code), code) \
        : (saved))

/* Every instruction fetch updates the context to the fetched PC. */
#define PWEVAL_FETCH(pc) \
  do { if (spec) weval_update_context((uint32_t)(uintptr_t)(pc)); } while (0)

typedef int (*pweval_body_fn)(lua_State *L, CallInfo *ci, const Instruction *code,
                              const TValue *kconst, int spec);
extern uint32_t pweval_spec_invocations;

/* Run the fresh Lua frame `ci` (just set up by luaD_precall, so at the
 * start of its code) in its own invocation: the dispatcher's first round
 * inlined, so the common case is one call of the callee's body. */
static inline void pweval_run_call(lua_State *L, CallInfo *ci) {
  Proto *p = ci_func(ci)->p;
  ci->callstatus |= CIST_FRESH;
  if (p->pweval_spec != NULL && pweval_spec_depth < PWEVAL_MAX_SPEC_DEPTH) {
    int again;
    pweval_spec_depth++;
    pweval_spec_invocations++;
    again = ((pweval_body_fn)p->pweval_spec)(L, ci, p->code, p->k, 1);
    pweval_spec_depth--;
    if (again) luaV_execute(L, L->ci);
  } else {
    luaV_execute(L, ci);
  }
}

/* A Lua call runs in its own invocation when the caller is specialized,
 * or when the callee has a specialized body. */
#define PWEVAL_CALL(L, ci, newci) \
  ((spec || pweval_has_spec(newci)) ? (pweval_run_call(L, newci), 1) : 0)

/* A tail call replaced the frame: the dispatcher runs the new function. */
#define PWEVAL_TAILCALL() \
  do { if (spec || pweval_has_spec(ci)) return 1; goto startfunc; } while (0)

/* A frame entered in this invocation returned to its caller: a specialized
 * body cannot continue another function, so the dispatcher runs the
 * caller (generically: it is in the middle of its code). */
#define PWEVAL_RETURN_TO_CALLER() do { if (spec) return 1; } while (0)

#endif /* lvm_c */

#endif /* PWEVAL_LUA_H */
