/*
 * pweval_lua.c -- the Lua side of pweval: the luaV_execute dispatcher (see
 * pweval_lua.h) and the requests, one per function prototype.
 */
#define LUA_CORE

#include "lprefix.h"

#include <stdio.h>

#include "lua.h"

#include "ldebug.h"
#include "lfunc.h"
#include "lobject.h"
#include "lopcodes.h"
#include "lstate.h"
#include "lvm.h"
#include "pweval_lua.h"

int pweval_spec_depth;

/* Specialized invocations so far, read by the tests through the
 * `lua_spec_invocations` export (host.c): proof that every call path
 * reaches the specialized bodies, not only that the output is right. */
uint32_t pweval_spec_invocations;


/* Run the Lua frame `ci` until a fresh frame returns. A frame at the start
 * of its prototype's code runs in the prototype's specialized body; a frame
 * in the middle of its code (resumed after a yield, or a caller that a
 * specialized callee returned to, or a frame a specialized body handed
 * back because of hooks or a stack reallocation) runs in the generic body. */
void luaV_execute(lua_State *L, CallInfo *ci) {
  for (;;) {
    Proto *p = ci_func(ci)->p;
    int again;
    if (p->pweval_spec != NULL && ci->u.l.savedpc == p->code &&
        pweval_spec_depth < PWEVAL_MAX_SPEC_DEPTH) {
      pweval_spec_depth++;
      pweval_spec_invocations++;
      again = PWEVAL_RUN_SPEC(L, ci, p->pweval_spec, ci->func.p + 1, ci_func(ci), p->code);
      /* Handed back, maybe at its first instruction (hooks on at entry):
       * the same frame continues generically, never in its body again,
       * still counted in the depth (its calls nest in this C frame). */
      if (again == PWEVAL_HANDED) again = PWEVAL_GENERIC(L, L->ci);
      pweval_spec_depth--;
    } else {
      again = PWEVAL_GENERIC(L, ci);
    }
    if (!again) return;
    ci = L->ci;
  }
}

/* Where a slow path ends (pweval_lua.h, PWEVAL_FETCH), one bit per
 * instruction of `p`'s code:
 * - loop heads: targets of backward jumps (OP_JMP, including the ones
 *   conditional instructions take, OP_FORLOOP, OP_TFORLOOP) and the entry
 *   OP_TFORPREP jumps to. So every loop of the specialized body has one
 *   entry and stays reducible;
 * - every instruction outside all loops: it runs once per call, so a copy
 *   of it for slow paths would cost specialization time and code for
 *   nothing.
 * NULL when out of memory. */
static lu_byte *slow_ends(const Proto *p) {
  int n = p->sizecode;
  lu_byte *ends = (lu_byte *)calloc(((size_t)n + 7) / 8 + 1, 1);
  int *depth = (int *)calloc((size_t)n + 1, sizeof(int)); /* loops opened minus closed */
  if (ends == NULL || depth == NULL) {
    free(ends);
    free(depth);
    return NULL;
  }
  for (int pc = 0; pc < n; pc++) {
    Instruction i = p->code[pc];
    int head = -1, back = 0;
    switch (GET_OPCODE(i)) {
      case OP_JMP:
        if (GETARG_sJ(i) < 0) head = pc + 1 + GETARG_sJ(i), back = 1;
        break;
      case OP_FORLOOP:
      case OP_TFORLOOP:
        head = pc + 1 - GETARG_Bx(i), back = 1;
        break;
      case OP_TFORPREP:
        head = pc + 1 + GETARG_Bx(i);
        break;
      default:
        break;
    }
    if (head < 0 || head >= n) continue;
    ends[head / 8] |= (lu_byte)(1u << (head % 8));
    if (back && head <= pc) { /* the loop spans head..pc */
      depth[head]++;
      depth[pc + 1]--;
    }
  }
  for (int pc = 0, open = 0; pc < n; pc++) {
    open += depth[pc];
    if (open == 0) ends[pc / 8] |= (lu_byte)(1u << (pc % 8));
  }
  free(depth);
  return ends;
}

/* File one request for `p` and every prototype nested in it: the body
 * specialized on the prototype's code and constants (constant memory) with
 * L, ci and the frame's base stay runtime arguments. The answer goes to p->pweval_spec. Returns the
 * number of requests filed, or -1 when out of memory. */
static int request_proto(Proto *p, uint32_t *next_id) {
  int filed = 1;
  lu_byte *ends;
  weval_req_t *req = pweval_req_begin(PWEVAL_FUNC(luaV_execute_spec), (*next_id)++, 0,
                                      &p->pweval_spec);
  pweval_arg_runtime(req);
  pweval_arg_runtime(req);
  pweval_arg_memory(req, p->code, (uint32_t)p->sizecode * (uint32_t)sizeof(Instruction));
  if (p->sizek > 0)
    pweval_arg_memory(req, p->k, (uint32_t)p->sizek * (uint32_t)sizeof(TValue));
  else
    pweval_arg_runtime(req); /* no constants: never read */
  pweval_arg_runtime(req); /* stackbase */
  ends = slow_ends(p);
  if (ends == NULL) return -1;
  pweval_arg_memory(req, ends, ((uint32_t)p->sizecode + 7) / 8);
  pweval_arg_runtime(req); /* callee */
  pweval_arg_runtime(req); /* realcode */
  if (!pweval_req_submit(req)) return -1;
  for (int i = 0; i < p->sizep; i++) {
    int n = request_proto(p->p[i], next_id);
    if (n < 0) return -1;
    filed += n;
  }
  return filed;
}

/* Requests for the Lua function on top of the stack and its nested
 * prototypes (left on the stack). */
int pweval_lua_request(lua_State *L, uint32_t *next_id) {
  const TValue *o = s2v(L->top.p - 1);
  if (!ttisLclosure(o)) return 0;
  return request_proto(clLvalue(o)->p, next_id);
}
