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
#include "ltable.h"
#include "lvm.h"
#include "pweval_lua.h"

int pweval_spec_depth;

/* Specialized invocations so far, read by the tests through the
 * `lua_spec_invocations` export (host.c): proof that every call path
 * reaches the specialized bodies, not only that the output is right. */
uint32_t pweval_spec_invocations;

/* ltable.h: starts at 1, so a zeroed OP_SELF cache never matches. */
unsigned long long pweval_meta_epoch = 1;


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
      again = PWEVAL_RUN_SPEC(L, ci, p->pweval_spec, ci->func.p + 1, ci_func(ci));
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

/* What each instruction of `p`'s code is to the loops around it, one byte
 * per instruction (pweval_lua.h, PWEVAL_FETCH computes with it). A loop
 * spans a backward jump's target to the jump (OP_JMP, including the ones
 * conditional instructions take, OP_FORLOOP, OP_TFORLOOP).
 * - PWEVAL_LOOP_ENDS_SLOW: outside all loops, and at loop heads: targets
 *   of backward jumps and the OP_TFORCALL that OP_TFORPREP jumps to, so
 *   every loop of the specialized body is entered at one head and stays
 *   reducible. Not in a *leaf*: a function of at most PWEVAL_LEAF_MAX
 *   instructions with no loop and no instruction that calls out. There a
 *   slow path keeps to its own copies to the function's end, so the fast
 *   path never joins one that called a metamethod and keeps its
 *   registers' tags (`return x % 2 == 0` tested the tag of `%`'s result
 *   again). The copies cost at most the function's size once more, and
 *   leaves are what hot loops call most: a method like `area`, a closure
 *   like `function(x) return x + k end`;
 * - PWEVAL_LOOP_ENTRY: the head of an innermost loop (no loop inside its
 *   span, at most PWEVAL_FACTLESS_MAX instructions) entered there from
 *   outside it: every backward jump's target except OP_TFORLOOP's (a
 *   generic `for` is entered at its OP_TFORCALL, which calls out anyway);
 * - PWEVAL_LOOP_INNER: inside such a loop, head to last jump back;
 * - PWEVAL_LOOP_NEST_ENTRY and PWEVAL_LOOP_NEST: the head and the span of
 *   a nest, the outermost loop of at most PWEVAL_NEST_MAX instructions
 *   that holds other loops, each whole, with no call on its fast path.
 *   A bigger loop, or one that calls out, gets no copy of its own: the
 *   copy would cost more code than the facts it keeps are worth.
 * A bigger innermost loop has no factless copy: its body costs more to
 * copy, and its head's facts matter less against it. Nor has one whose
 * fast path calls out (calls_out): the call forgets every fact anyway.
 * NULL when out of memory. */
/* Does instruction `i` call into the runtime on its common path (a Lua
 * or C call, a concatenation, an allocation and its GC check)? pweval
 * forgets every fact about memory at such a call. */
static int calls_out(Instruction i) {
  switch (GET_OPCODE(i)) {
    case OP_CALL:
    case OP_TAILCALL:
    case OP_CONCAT:
    case OP_NEWTABLE:
    case OP_CLOSURE:
    case OP_VARARG:
      return 1;
    default:
      return 0;
  }
}

/* The upvalue of `p` that holds p's own closure, or -1: `p` is
 * `parent->p[index]`, made by the parent's OP_CLOSURE into register A, and
 * the upvalue captures that register (`local function f ... f() ...`). */
static int self_upvalue(const Proto *parent, int index, const Proto *p) {
  if (parent == NULL) return -1;
  for (int pc = 0; pc < parent->sizecode; pc++) {
    Instruction i = parent->code[pc];
    if (GET_OPCODE(i) != OP_CLOSURE || GETARG_Bx(i) != index) continue;
    for (int u = 0; u < p->sizeupvalues; u++)
      if (p->upvalues[u].instack && p->upvalues[u].idx == GETARG_A(i)) return u;
    return -1;
  }
  return -1;
}

/* Where `p` (`parent->p[index]`) finds its own closure when the parent
 * stores it in a global (`function f ... f() ... end`: OP_CLOSURE, then
 * OP_SETTABUP of it under a short-string key): the key, and p's upvalue
 * that is the parent's table (its _ENV). NULL when not so. */
static TString *self_global(const Proto *parent, int index, const Proto *p, int *upv) {
  if (parent == NULL) return NULL;
  for (int pc = 0; pc + 1 < parent->sizecode; pc++) {
    Instruction i = parent->code[pc], w = parent->code[pc + 1];
    const TValue *key;
    if (GET_OPCODE(i) != OP_CLOSURE || GETARG_Bx(i) != index) continue;
    if (GET_OPCODE(w) != OP_SETTABUP || GETARG_k(w) || GETARG_C(w) != GETARG_A(i)) return NULL;
    key = &parent->k[GETARG_B(w)];
    if (!ttisshrstring(key)) return NULL;
    for (int u = 0; u < p->sizeupvalues; u++) {
      if (!p->upvalues[u].instack && p->upvalues[u].idx == GETARG_A(w)) {
        *upv = u;
        return tsvalue(key);
      }
    }
    return NULL;
  }
  return NULL;
}

/* PWEVAL_SELF_CALL for the OP_CALLs of `p` whose function register was
 * last set (looking back past instructions that set other registers) by
 * OP_GETUPVAL of `selfup`, or by OP_GETTABUP of `name` from upvalue
 * `nameup` (self_global). A hint only: the call tests the prototype.
 * Only in small functions (PWEVAL_SELF_INLINE_MAX instructions), where
 * the call costs much against the body, and the body little to copy:
 * pweval inlines each such call a few levels deep. */
#ifndef PWEVAL_SELF_INLINE_MAX
#define PWEVAL_SELF_INLINE_MAX 32
#endif
static void mark_self_calls(const Proto *p, int selfup, const TString *name, int nameup,
                            lu_byte *info) {
  if ((selfup < 0 && name == NULL) || p->sizecode > PWEVAL_SELF_INLINE_MAX) return;
  for (int pc = 0; pc < p->sizecode; pc++) {
    Instruction i = p->code[pc];
    if (GET_OPCODE(i) != OP_CALL) continue;
    for (int j = pc - 1; j >= 0; j--) {
      Instruction w = p->code[j];
      if (GET_OPCODE(w) == OP_JMP || GETARG_A(w) != GETARG_A(i)) continue;
      if (GET_OPCODE(w) == OP_GETUPVAL && GETARG_B(w) == selfup) info[pc] |= PWEVAL_SELF_CALL;
      if (GET_OPCODE(w) == OP_GETTABUP && name != NULL && GETARG_B(w) == nameup &&
          ttisshrstring(&p->k[GETARG_C(w)]) && tsvalue(&p->k[GETARG_C(w)]) == name)
        info[pc] |= PWEVAL_SELF_CALL;
      break;
    }
  }
}

#ifndef PWEVAL_LEAF_MAX
#define PWEVAL_LEAF_MAX 64
#endif
#ifndef PWEVAL_FACTLESS_MAX
#define PWEVAL_FACTLESS_MAX 32
#endif
#ifndef PWEVAL_NEST_MAX
#define PWEVAL_NEST_MAX 64
#endif
/* The OP_SELF caches of `p` (pweval_self_cache): one for each OP_SELF whose
 * method name is a constant short string (the first
 * PWEVAL_MAX_SELF_CACHES of them), numbered in `index` (one entry per
 * instruction, PWEVAL_NO_SELF_CACHE for the others). Returns how many. */
static int self_caches(const Proto *p, unsigned short *index) {
  int count = 0;
  for (int pc = 0; pc < p->sizecode; pc++) {
    Instruction i = p->code[pc];
    index[pc] = PWEVAL_NO_SELF_CACHE;
    if (GET_OPCODE(i) == OP_SELF && TESTARG_k(i) && ttisshrstring(&p->k[GETARG_C(i)]) &&
        count < PWEVAL_MAX_SELF_CACHES)
      index[pc] = (unsigned short)count++;
  }
  return count;
}

static lu_byte *loop_info(const Proto *p, TString *tm_index) {
  int n = p->sizecode;
  /* The instructions' bytes follow the head (pweval_loops_head), then
   * their OP_SELF cache indexes, two bytes each. */
  size_t index_at = (PWEVAL_LOOPS_HEAD + (size_t)n + 1 + 1) & ~(size_t)1;
  lu_byte *buffer = (lu_byte *)calloc(index_at + 2 * (size_t)n, 1);
  lu_byte *info = buffer != NULL ? buffer + PWEVAL_LOOPS_HEAD : NULL;
  int caches = buffer != NULL ? self_caches(p, (unsigned short *)(buffer + index_at)) : 0;
  pweval_self_cache *cache =
      caches > 0 ? (pweval_self_cache *)calloc((size_t)caches, sizeof(pweval_self_cache)) : NULL;
  int *depth = (int *)calloc((size_t)n + 1, sizeof(int)); /* loops opened minus closed */
  int *end = (int *)malloc(((size_t)n + 1) * sizeof(int));  /* a loop head's last jump back */
  if (info == NULL || depth == NULL || end == NULL || (caches > 0 && cache == NULL)) {
    free(cache);
    free(buffer);
    free(depth);
    free(end);
    return NULL;
  }
  for (int pc = 0; pc <= n; pc++) end[pc] = -1;
  for (int pc = 0; pc < n; pc++) {
    Instruction i = p->code[pc];
    int head = -1, back = 0, entry = 1;
    switch (GET_OPCODE(i)) {
      case OP_JMP:
        if (GETARG_sJ(i) < 0) head = pc + 1 + GETARG_sJ(i), back = 1;
        break;
      case OP_FORLOOP:
        head = pc + 1 - GETARG_Bx(i), back = 1;
        break;
      case OP_TFORLOOP:
        head = pc + 1 - GETARG_Bx(i), back = 1, entry = 0;
        break;
      case OP_TFORPREP:
        head = pc + 1 + GETARG_Bx(i), entry = 0;
        break;
      default:
        break;
    }
    if (head < 0 || head >= n) continue;
    info[head] |= PWEVAL_LOOP_ENDS_SLOW;
    if (back && head <= pc) { /* the loop spans head..pc */
      depth[head]++;
      depth[pc + 1]--;
      if (pc > end[head]) end[head] = pc;
      if (entry) info[head] |= PWEVAL_LOOP_ENTRY;
    }
  }
  int leaf = n <= PWEVAL_LEAF_MAX;
  for (int pc = 0; pc < n && leaf; pc++)
    if ((info[pc] & PWEVAL_LOOP_ENDS_SLOW) || calls_out(p->code[pc])) leaf = 0;
  for (int pc = 0, open = 0; pc < n; pc++) {
    open += depth[pc];
    if (open == 0 && !leaf) info[pc] |= PWEVAL_LOOP_ENDS_SLOW;
  }
  /* Nests: the outermost loop of at most PWEVAL_NEST_MAX instructions,
   * no call on its fast path and no generic `for`, whose span holds other
   * loops, each whole, and that no loop around it ends inside. */
  for (int h = 0; h < n; h++) {
    int e = end[h], ok = 1, inner = 0;
    if (!(info[h] & PWEVAL_LOOP_ENTRY) || e - h + 1 > PWEVAL_NEST_MAX) continue;
    for (int o = 0; o < h && ok; o++)
      if (end[o] >= h && end[o] < e) ok = 0;
    for (int pc = h + 1; pc <= e && ok; pc++) {
      OpCode op = GET_OPCODE(p->code[pc]);
      if (calls_out(p->code[pc]) || op == OP_TFORPREP || op == OP_TFORCALL || op == OP_TFORLOOP)
        ok = 0;
      else if (info[pc] & PWEVAL_LOOP_ENDS_SLOW) {
        if (end[pc] < 0 || end[pc] > e || !(info[pc] & PWEVAL_LOOP_ENTRY)) ok = 0;
        else inner = 1;
      }
    }
    if (!ok || !inner) continue;
    info[h] |= PWEVAL_LOOP_NEST_ENTRY;
    for (int pc = h; pc <= e; pc++) info[pc] |= PWEVAL_LOOP_NEST;
    h = e;
  }
  /* Innermost: no other loop's head inside the span (after its own). */
  for (int h = 0; h < n; h++) {
    if (!(info[h] & PWEVAL_LOOP_ENTRY)) continue;
    if (end[h] - h + 1 > PWEVAL_FACTLESS_MAX) {
      info[h] &= (lu_byte)~PWEVAL_LOOP_ENTRY;
      continue;
    }
    for (int pc = h + 1; pc <= end[h]; pc++) {
      if (end[pc] >= 0 || (info[pc] & PWEVAL_LOOP_ENDS_SLOW) || calls_out(p->code[pc])) {
        info[h] &= (lu_byte)~PWEVAL_LOOP_ENTRY;
        break;
      }
    }
    if (info[h] & PWEVAL_LOOP_ENTRY)
      for (int pc = h; pc <= end[h]; pc++) info[pc] |= PWEVAL_LOOP_INNER;
  }
  free(depth);
  free(end);
  ((pweval_loops_head *)buffer)->code = p->code;
  ((pweval_loops_head *)buffer)->tm_index = tm_index;
  ((pweval_loops_head *)buffer)->tm_index_hash = tm_index->hash;
  ((pweval_loops_head *)buffer)->self_cache = cache;
  ((pweval_loops_head *)buffer)->self_index_at = (unsigned int)index_at;
  return buffer;
}

/* File one request for `p` and every prototype nested in it: the body
 * specialized on the prototype's code and constants (constant memory) and
 * its address; L, ci and the frame's base stay runtime arguments. The answer goes to p->pweval_spec. Returns the
 * number of requests filed, or -1 when out of memory. */
static int request_proto(Proto *p, const Proto *parent, int index, TString *tm_index,
                         uint32_t *next_id) {
  int filed = 1;
  lu_byte *loops;
  weval_req_t *req = pweval_req_begin(PWEVAL_FUNC(luaV_execute_spec), (*next_id)++, 0,
                                      &p->pweval_spec);
  loops = loop_info(p, tm_index);
  if (loops == NULL) return -1;
  {
    int nameup = -1;
    TString *name = self_global(parent, index, p, &nameup);
    mark_self_calls(p, self_upvalue(parent, index, p), name, nameup, loops + PWEVAL_LOOPS_HEAD);
  }
  pweval_arg_runtime(req); /* L */
  pweval_arg_runtime(req); /* ci */
  pweval_arg_runtime(req); /* stackbase */
  pweval_arg_runtime(req); /* callee */
  pweval_arg_memory(req, p->code, (uint32_t)p->sizecode * (uint32_t)sizeof(Instruction));
  if (p->sizek > 0)
    pweval_arg_memory(req, p->k, (uint32_t)p->sizek * (uint32_t)sizeof(TValue));
  else
    pweval_arg_i32(req, 0); /* no constants: never read */
  pweval_arg_memory(req, loops, ((const pweval_loops_head *)loops)->self_index_at + 2 * (uint32_t)p->sizecode);
  pweval_arg_i32(req, (uint32_t)(uintptr_t)p); /* proto */
  if (!pweval_req_submit(req)) return -1;
  for (int i = 0; i < p->sizep; i++) {
    int n = request_proto(p->p[i], p, i, tm_index, next_id);
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
  return request_proto(clLvalue(o)->p, NULL, 0, G(L)->tmname[TM_INDEX], next_id);
}
