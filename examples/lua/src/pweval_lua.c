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
#include "lstate.h"
#include "lvm.h"
#include "pweval_lua.h"

int pweval_spec_depth;

/* Specialized invocations so far, read by the tests through the
 * `lua_spec_invocations` export (host.c): proof that every call path
 * reaches the specialized bodies, not only that the output is right. */
uint32_t pweval_spec_invocations;

int luaV_execute_body(lua_State *L, CallInfo *ci, const Instruction *code, const TValue *kconst,
                      int spec);

typedef int (*pweval_body_fn)(lua_State *L, CallInfo *ci, const Instruction *code,
                              const TValue *kconst, int spec);


/* Run the Lua frame `ci` until a fresh frame returns. A frame at the start
 * of its prototype's code runs in the prototype's specialized body; a frame
 * in the middle of its code (resumed after a yield, or a caller that a
 * specialized callee returned to) runs in the generic body. */
void luaV_execute(lua_State *L, CallInfo *ci) {
  for (;;) {
    Proto *p = ci_func(ci)->p;
    int again;
    if (p->pweval_spec != NULL && ci->u.l.savedpc == p->code &&
        pweval_spec_depth < PWEVAL_MAX_SPEC_DEPTH) {
      pweval_spec_depth++;
      pweval_spec_invocations++;
      again = ((pweval_body_fn)p->pweval_spec)(L, ci, p->code, p->k, 1);
      pweval_spec_depth--;
    } else {
      again = luaV_execute_body(L, ci, NULL, NULL, 0);
    }
    if (!again) return;
    ci = L->ci;
  }
}

/* File one request for `p` and every prototype nested in it: the body
 * specialized on the prototype's code and constants (constant memory) with
 * spec = 1; L and ci stay runtime arguments. The answer goes to p->pweval_spec. Returns the
 * number of requests filed, or -1 when out of memory. */
static int request_proto(Proto *p, uint32_t *next_id) {
  int filed = 1;
  weval_req_t *req = pweval_req_begin(PWEVAL_FUNC(luaV_execute_body), (*next_id)++, 0,
                                      &p->pweval_spec);
  pweval_arg_runtime(req);
  pweval_arg_runtime(req);
  pweval_arg_memory(req, p->code, (uint32_t)p->sizecode * (uint32_t)sizeof(Instruction));
  if (p->sizek > 0)
    pweval_arg_memory(req, p->k, (uint32_t)p->sizek * (uint32_t)sizeof(TValue));
  else
    pweval_arg_runtime(req); /* no constants: never read */
  pweval_arg_i32(req, 1);
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
