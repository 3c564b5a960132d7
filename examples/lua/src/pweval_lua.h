/*
 * pweval_lua.h -- the hooks pweval.patch puts into PUC-Rio Lua 5.4.
 *
 * Stock luaV_execute runs a Lua-to-Lua call in the same C frame
 * (`goto startfunc`), so one C invocation walks many prototypes and its PC
 * is never a constant of one bytecode. Here the interpreter loop becomes
 * a body, `luaV_execute_body(L, ci, ...)` and its copy
 * `luaV_execute_spec(L, ci, base, callee, code, kconst, loops, proto)`,
 * and `luaV_execute`
 * (pweval_lua.c) a dispatcher that runs each Lua call in its own C
 * invocation: with the prototype's specialized body when it has one (the
 * copy specialized on code and kconst, the prototype's bytecode and
 * constants, constants of the request), otherwise with the generic body,
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

/* What a body returns to the dispatcher (pweval_lua.c). */
#define PWEVAL_DONE 0     /* a fresh frame returned */
#define PWEVAL_AGAIN 1    /* dispatch L->ci again: a tail call replaced the
                           * frame, or the frame returned to a caller that
                           * was running in this invocation */
#define PWEVAL_HANDED 2   /* run L->ci, the frame itself, generically from
                           * its saved PC (specialized body only) */

/* The two bodies (lvm.c and its copy, pweval_lvm_spec.c) and the type of
 * a specialized one, whose address the request's answer stores in
 * Proto.pweval_spec. `stackbase` and `callee` (the frame's closure) are
 * what the caller already has in registers, passed so that the body's
 * entry does not load them again through `ci`. `code`, `kconst`, `loops`
 * and `proto` (the prototype itself) are constants of a specialized body
 * (the request's copies, and the prototype's address), so a call of one
 * passes NULL for them. The runtime arguments come first: with the engine's
 * two context arguments they fill the six argument registers of x86-64,
 * and the constants, which the body never reads, are the ones passed on
 * the stack. The generic body reads none of the last six. */
typedef int (*pweval_body_fn)(lua_State *L, CallInfo *ci, uintptr_t stackbase, LClosure *callee,
                              const Instruction *code, const TValue *kconst,
                              const lu_byte *loops, const Proto *proto);
int luaV_execute_body(lua_State *L, CallInfo *ci, uintptr_t stackbase, LClosure *callee,
                      const Instruction *code, const TValue *kconst, const lu_byte *loops,
                      const Proto *proto);
int luaV_execute_spec(lua_State *L, CallInfo *ci, uintptr_t stackbase, LClosure *callee,
                      const Instruction *code, const TValue *kconst, const lu_byte *loops,
                      const Proto *proto);

/* Run the frame `ci` (not at its start, or not specialized) in the
 * generic body. */
#define PWEVAL_GENERIC(L, ci) luaV_execute_body(L, ci, 0, NULL, NULL, NULL, NULL, NULL)

/* Run the fresh frame `ci` of closure `cl`, whose registers start at
 * `base`, in `spec`, the specialized body of its prototype. pweval leaves
 * Proto.pweval_spec NULL when a request falls back, so no generic body is
 * ever called this way, and the constants passed are never read. */
#define PWEVAL_RUN_SPEC(L, ci, spec, base, cl) \
  ((pweval_body_fn)(spec))(L, ci, (uintptr_t)(base), cl, NULL, NULL, NULL, NULL)

/* The head of `loops`, before the instructions' bytes (pweval_lua.c's
 * loop_info): the address of the prototype's own code, of which `code` is
 * the request's copy. A specialized body computes the PC it saves in
 * `ci` from it, a constant there, where it used to be an argument. And
 * the name `__index` of the prototype's Lua state (G(L)->tmname[TM_INDEX],
 * fixed for the state's life) with its hash: OP_SELF's method walk looks
 * it up in every metatable on the way, and read from here both are
 * constants, not three dependent loads through L. */
typedef struct {
  const Instruction *code;
  TString *tm_index;
  unsigned int tm_index_hash;
  struct pweval_self_cache *self_cache; /* the prototype's OP_SELF caches */
  unsigned int self_index_at;           /* where the cache indexes start */
} pweval_loops_head;
#define PWEVAL_LOOPS_HEAD 24

/* A specialized OP_SELF with a constant method name remembers where the
 * methods it looked up through `__index` tables were found (the method
 * walk, pweval_lvm_spec.c), one entry per receiver metatable, for the last
 * PWEVAL_SELF_WAYS metatables it saw (a call site in a loop over objects
 * of a few classes sees each class in turn). An entry answers while
 * nothing that could change the lookup happened: the receiver's
 * metatable is the entry's, each `__index` field walked still holds the
 * same table, the method's field is not empty, and pweval_meta_epoch
 * has not moved. The walk marks every metatable and `__index` table it
 * went through as watched (ltable.h), and the epoch moves at any new key,
 * filled empty value, resize, new metatable or free of a watched table.
 * Those are all the ways the walk's answer can change: a table on the
 * way can only gain the name through a new key or a filled empty value,
 * only a resize moves a field (a new key may move another key's node,
 * and may take the node of a removed one), and a freed table's memory
 * may become another table. Changes to tables nobody walked (objects
 * being built, arrays) leave the caches alone. */
typedef struct {
  unsigned long long epoch; /* pweval_meta_epoch when filled; never 0 then */
  Table *mt;                /* the receiver's metatable */
  const TValue *index[3];   /* the `__index` field of each metatable walked */
  Table *table[3];          /* the table it held; unused levels repeat the last */
  const TValue *slot;       /* the method's field */
} pweval_self_entry;
#define PWEVAL_SELF_WAYS 4
typedef struct pweval_self_cache {
  pweval_self_entry entry[PWEVAL_SELF_WAYS];
  unsigned int next; /* the entry a new metatable takes */
} pweval_self_cache;
/* An OP_SELF without a cache (its name is not a constant short string). */
#define PWEVAL_NO_SELF_CACHE 0xFFFF
#define PWEVAL_MAX_SELF_CACHES 0xFFFF
_Static_assert(sizeof(pweval_loops_head) <= PWEVAL_LOOPS_HEAD, "pweval_loops_head fits the head");
#define PWEVAL_LOOP_INFO(pc) loops[PWEVAL_LOOPS_HEAD + ((pc) - code)]

/* What pweval_lua.c's loop_info says of an instruction (a byte each,
 * `loops`, a request buffer), in the bits PWEVAL_FETCH computes with:
 * a slow path ends here (a loop head, or outside all loops but in a
 * leaf function), a factless
 * path stays factless here (inside an innermost loop), and a slow path
 * becomes factless here (the head of an innermost loop). */
#define PWEVAL_LOOP_ENDS_SLOW 0x01
#define PWEVAL_LOOP_INNER 0x02
#define PWEVAL_LOOP_ENTRY 0x04
/* And of an OP_CALL: its function was just read from the upvalue that
 * holds the closure itself (`local function f` calling f), so the call is
 * likely a recursion; pweval_fastcall tests for one only there. */
#define PWEVAL_SELF_CALL 0x08
/* Inside a nest (a small loop holding loops, pweval_lua.c), and its head,
 * where a path that knows little starts the nest's own copy (see
 * PWEVAL_FETCH). */
#define PWEVAL_LOOP_NEST 0x10
#define PWEVAL_LOOP_NEST_ENTRY 0x20

/* Specialized invocations so far (pweval_lua.c). */
extern uint32_t pweval_spec_invocations;

#if defined(lvm_c)

/* May the Lua call `newci` (just set up by luaD_precall) run in its own
 * specialized invocation? */
#define pweval_has_spec(ci) \
  (pweval_spec_depth < PWEVAL_MAX_SPEC_DEPTH && ci_func(ci)->p->pweval_spec != NULL)

/* lvm.c is compiled twice: as itself, with the generic body
 * `luaV_execute_body`, and through pweval_lvm_spec.c, which defines
 * PWEVAL_SPEC_COPY and renames lvm.c's functions, with the body that the
 * requests specialize, `luaV_execute_spec`. PWEVAL_SPEC is 1 in that copy
 * and 0 in the generic one, so every hook below folds away in the generic
 * body, which stays stock Lua. */
#if defined(PWEVAL_SPEC_COPY)
#define PWEVAL_SPEC 1
#define PWEVAL_BODY __attribute__((noinline)) int luaV_execute_spec
#else
#define PWEVAL_SPEC 0
#define PWEVAL_BODY __attribute__((noinline)) int luaV_execute_body
#endif

/* Specialized body: `trap` (hooks, or a stack reallocation) is not
 * handled here. With a hook on, or when the stack moved under the frame,
 * the frame goes back to the dispatcher, which continues it in the
 * generic body from the instruction about to run, exactly where stock
 * Lua would call luaG_traceexec and reload `base`. So `base` never changes
 * inside a specialized body (after the one rare reload in OP_TFORCALL /
 * OP_RETURN), and no instruction joins a path that called out: what an
 * instruction stored, the next one can use. A reallocation that left the
 * frame where it was (the collector shrinking the stack in place) costs a
 * check and nothing else: stock Lua's luaG_traceexec would only clear the
 * flag (no line or count hook is on), which the frame leaves set, so it is
 * checked again at the next jump; clearing it would be a store, and every
 * fact about the registers would be lost at the join. The generic body
 * handles `trap` as stock Lua does. PWEVAL_HANDOFF(pc) is true when the
 * stock handling (luaG_traceexec, reload `base`) is to run. */
#if PWEVAL_SPEC
#define PWEVAL_HANDOFF(pc) \
  ({ if (L->hookmask || ci->func.p + 1 != base) { \
       ci->u.l.savedpc = PWEVAL_REAL_PC(pc); \
       return PWEVAL_HANDED; \
     } \
     trap = 0; \
     0; })
#else
#define PWEVAL_HANDOFF(pc) 1
#endif

#define PWEVAL_LOCALS \
  uintptr_t pweval_pcshift = 0; \
  uint32_t pweval_slow = 0, pweval_factless = 0, pweval_nest = 0
#define PWEVAL_REAL_PC(pc) ((const Instruction *)((uintptr_t)(pc) + pweval_pcshift))

/* Specialized: the frame's closure is the argument `callee`, which the
 * caller had at hand; reading it through `ci->func` would be two dependent
 * loads at every entry, the first thing every call waits for. Generic:
 * stock Lua. (A specialized body reaches `returning` only at its entry:
 * its calls, tail calls and returns go back to the dispatcher.) */
#define PWEVAL_CLOSURE(fromci) (PWEVAL_SPEC ? callee : (fromci))

/* Specialized: the prototype's constants are the request's copy of them
 * (`kconst`, constant memory), so loads of constants fold: a type test on
 * a constant operand disappears. Generic: the prototype's own. */
#define PWEVAL_CONSTANTS(protok) (PWEVAL_SPEC ? (TValue *)kconst : (protok))

/* Specialized: the entry PC is the start of the prototype's code (the
 * dispatcher checked), so the start of the copy, a constant: the
 * interpreter context. With hooks on (trap = L->hookmask), the whole frame
 * runs generically, which calls the call hook. Without, the frame's
 * `trap` is cleared: a CallInfo reused from a frame that saw a stack
 * reallocation keeps its stale 1, and stock Lua would spend one
 * luaG_traceexec on it, which with no line or count hook only clears it;
 * here it would hand every such frame back at its first jump. */
#if PWEVAL_SPEC
#define PWEVAL_ENTRY(saved) \
  ({ if (trap) return PWEVAL_HANDED; \
     ci->u.l.trap = 0; \
     pweval_pcshift = (uintptr_t)((const pweval_loops_head *)loops)->code - (uintptr_t)code; \
     weval_push_context((uint32_t)(uintptr_t)code); \
     code; })
#else
#define PWEVAL_ENTRY(saved) (saved)
#endif

/* Specialized body: a path that took a fallback (a metamethod, a table
 * miss, anything under Protect) continues in copies of the following
 * instructions of its own, `pweval_slow` = 1 in bit 0 of the context
 * (instructions are 4-byte aligned), until the next loop head, the end of
 * the loop, or the next Lua call; in a small function with no loop and no
 * call (a leaf, pweval_lua.c), to the function's end. Without it, every arithmetic
 * instruction's fast path would join its metamethod path (OP_MMBIN),
 * which called out, and what the fast path knows about the registers
 * (their tags, their values) would be lost at every instruction. Inside a
 * loop iteration the fast copy never joins a slow one; at most two copies
 * of each instruction in a loop, one of the others. */
#if PWEVAL_SPEC
#define PWEVAL_SLOW() (pweval_slow = 1)
#else
#define PWEVAL_SLOW() ((void)0)
#endif

/* A slow path that joins the fast one inside the same instruction (a
 * lookup that calls out, then the store both share) is slow from here:
 * the rest of the instruction runs in the slow copy's context (`pc` is
 * one past the instruction), so the join, and what the call forgot, stay
 * in that copy. */
#if PWEVAL_SPEC
#define PWEVAL_SLOW_HERE() (pweval_slow = 1, weval_update_context(PWEVAL_CONTEXT(pc - 1)))
#else
#define PWEVAL_SLOW_HERE() ((void)0)
#endif

/* Specialized body: `base`, the frame's first register, is the argument
 * `stackbase` (the dispatcher computes it as the body would), so every
 * register address is an argument plus a constant: pweval's memory facts
 * track the registers, keep their values and tags across instructions in
 * locals and fold the type tests on them. With the hand-off above, `base`
 * only changes where Lua itself reloads it after a call (OP_TFORCALL,
 * OP_RETURN). The stack is an allocation of its own, apart from the
 * lua_State and the CallInfo the body writes (`L->top`,
 * `ci->u.l.savedpc`), which pweval_disjoint tells pweval: those stores
 * then leave what is known of the registers. Generic: stock Lua, whose
 * `stackbase` is 0 and unused. */
#if PWEVAL_SPEC
#define PWEVAL_BASE(computed) ((StkId)pweval_disjoint((void *)stackbase))
#else
#define PWEVAL_BASE(computed) (computed)
#endif

/* Every instruction fetch updates the context to the fetched PC, with
 * the slow bit (bit 0) and the factless bit (bit 1; instructions are 4-byte
 * aligned).
 *
 * A slow path ends at a loop head and outside all loops (but a leaf's).
 * But where it
 * reaches the head of a small innermost loop (PWEVAL_LOOP_ENTRY: the back
 * edge after a metamethod, or the way in after one) it does not join the
 * loop's fast copy: it goes on in the loop's *factless* copy until it
 * leaves the loop, where it joins the code after the loop as a slow or a
 * fast path would. So the fast copy of an innermost loop, where the time
 * goes, is entered from fast code only, and its head meets fast back edges
 * only: what they know about the registers (their tags, their values)
 * stays in locals across iterations. The factless copy is the loop as it
 * was before: slow paths end at its head, which knows little.
 *
 * The control flow stays reducible: the factless copy is entered only at
 * its head, from inside whatever loop encloses both copies, and leaves
 * where the fast copy does. (pweval keys the few blocks between a context
 * change and the dispatch by where they came from, so all ways into a head
 * meet at the dispatch although clang copies this fetch into every
 * handler.) An innermost loop has at most two copies, each with its slow
 * copy. The fetch computes without branches, which would be blocks for
 * pweval to walk at every instruction.
 *
 * Loops around loops: a factless copy that leaves its loop, or a slow path
 * from inside the inner loop, reaches the outer loop's head. Joining the
 * outer fast copy there, it made the outer loop's variables unknown, so
 * the inner OP_FORPREP could not fold its tag tests, its float path's
 * calls joined its integer path, and the inner loop's way in knew nothing
 * either (sieve's inner loop reloaded its counters every iteration). So a
 * small loop holding loops (a *nest*, PWEVAL_LOOP_NEST, no call on its
 * fast path) has a copy of its own, bit 31 of the context, for the paths
 * that know little: inside a nest, a factless copy that leaves its loop
 * goes on as a slow path, and a slow path that reaches the nest's head
 * (PWEVAL_LOOP_NEST_ENTRY) continues in the nest's copy until it leaves
 * the nest. The nest's fast copy is then entered from fast code only, and
 * the flow stays reducible: the nest's copy is entered at its head only,
 * and slow paths still end at a head. (Bit 31 is a PC's own bit only in
 * a memory past 2 GiB; there the nest's copy is the fast copy, as before.)
 * A loop inside a nest has at most four copies, the nest's other code
 * at most two, each with its slow copy. */
/* The context of the instruction at `pc` on the current path: its address
 * with the slow, factless and nest bits (see above). */
#define PWEVAL_CONTEXT(pc) \
  ((uint32_t)(uintptr_t)(pc) | pweval_factless | pweval_slow | (pweval_nest << 31))
#define PWEVAL_FETCH(pc) \
  do { \
    if (PWEVAL_SPEC) { \
      uint32_t pweval_info = PWEVAL_LOOP_INFO(pc); \
      pweval_slow |= (pweval_factless & ~pweval_info & PWEVAL_LOOP_INNER) >> 1 & \
                     (pweval_info / PWEVAL_LOOP_NEST); \
      pweval_factless = (pweval_factless & pweval_info & PWEVAL_LOOP_INNER) | \
                        ((pweval_slow & (pweval_info / PWEVAL_LOOP_ENTRY)) << 1); \
      pweval_nest = (pweval_nest & (pweval_info / PWEVAL_LOOP_NEST)) | \
                    (pweval_slow & (pweval_info / PWEVAL_LOOP_NEST_ENTRY)); \
      pweval_slow &= ~pweval_info & PWEVAL_LOOP_ENDS_SLOW; \
      weval_update_context(PWEVAL_CONTEXT(pc)); \
    } \
  } while (0)


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
    again = PWEVAL_RUN_SPEC(L, ci, p->pweval_spec, ci->func.p + 1, ci_func(ci));
    if (again == PWEVAL_HANDED) again = PWEVAL_GENERIC(L, ci);
    pweval_spec_depth--;
    if (again) luaV_execute(L, L->ci);
  } else {
    luaV_execute(L, ci);
  }
}

/* Specialized body: the common Lua call (a Lua closure with a
 * specialized body, depth to spare, a free CallInfo, room on the stack)
 * set up and run here, without luaD_precall: its Lua-function case
 * inlined, with the same stores in the same order (with room on the stack
 * its checkstackGCp neither collects nor grows, and a CallInfo already
 * linked is what next_ci takes), then the callee's body called directly,
 * as pweval_run_call does. `b` is OP_CALL's B: when it is not 0, `L->top`
 * is `func + b` (OP_CALL just stored it), so the argument count and the
 * new top are constants of the specialized code even though the store to
 * `ci->u.l.savedpc` between them made pweval forget `L->top`. The call
 * path never joins luaD_precall's, so the new frame's fields stay known.
 * A call of the frame's own prototype (recursion), at an OP_CALL that
 * loop_info marks PWEVAL_SELF_CALL (`selfhint`), calls this very body
 * directly, with the constants it was specialized on (`self_code`,
 * `self_k`, `self_loops`, `self`): pweval inlines such a call of a
 * request's own function a few activations deep, so the callee's registers
 * are the caller's memory facts (its arguments' tags and values known, its
 * result in a local), and makes the innermost one a call of the request's
 * specialized function. Called as is, it is the same call as through
 * `spec`: the body specialized on those constants.
 * A call with fewer arguments than parameters (luaD_precall fills them
 * with nil) is left to luaD_precall: the fill loop would be code at every
 * call site for a case hot code rarely has. Returns 0, having changed nothing, when any condition fails: the
 * call then goes through luaD_precall and PWEVAL_CALL as before. Generic:
 * always 0, stock Lua. */
#if PWEVAL_SPEC
static inline int pweval_fastcall(lua_State *L, StkId func, int b, int nresults, int selfhint,
                                  const Instruction *self_code, const TValue *self_k,
                                  const lu_byte *self_loops, const Proto *self) {
  StkId top = b != 0 ? func + b : L->top.p;
  LClosure *cl;
  Proto *p;
  CallInfo *ci;
  void *spec;
  const Instruction *code;
  int fsize, narg, nfixparams, again;
  if (!ttisLclosure(s2v(func))) return 0;
  /* Every field read once, before the stores below: the compiler cannot
   * tell that those stores leave the prototype alone, and would read
   * these again after them. */
  cl = clLvalue(s2v(func));
  p = cl->p;
  spec = p->pweval_spec;
  code = p->code;
  fsize = p->maxstacksize;
  ci = L->ci->next;
  narg = cast_int(top - func) - 1;
  nfixparams = p->numparams;
  if (spec == NULL || pweval_spec_depth >= PWEVAL_MAX_SPEC_DEPTH || ci == NULL ||
      L->stack_last.p - top <= fsize || narg < nfixparams)
    return 0;
  L->ci = ci;
  ci->func.p = func;
  ci->nresults = nresults;
  ci->callstatus = CIST_FRESH;
  ci->top.p = func + 1 + fsize;
  ci->u.l.savedpc = code;
  pweval_spec_depth++;
  pweval_spec_invocations++;
  if (selfhint && p == self)
    again = luaV_execute_spec(L, ci, (uintptr_t)(func + 1), cl, self_code, self_k, self_loops, self);
  else
    again = PWEVAL_RUN_SPEC(L, ci, spec, func + 1, cl);
  if (again == PWEVAL_HANDED) again = PWEVAL_GENERIC(L, ci);
  pweval_spec_depth--;
  if (again) luaV_execute(L, L->ci);
  return 1;
}
#define PWEVAL_FASTCALL(L, func, b, nresults) \
  (pweval_fastcall(L, func, b, nresults, PWEVAL_LOOP_INFO(pc - 1) & PWEVAL_SELF_CALL, code, kconst, \
                   loops, proto) \
       ? (pweval_slow = 0, 1) \
       : 0)
#else
#define PWEVAL_FASTCALL(L, func, b, nresults) 0
#endif

/* Specialized body: a call of a C function (light or closure) with one
 * result or none, without hooks, a free CallInfo and LUA_MINSTACK slots to
 * spare, made here instead of through luaD_precall, precallC and
 * luaD_poscall: the same stores in the same order (with room on the stack,
 * precallC's checkstackGCp neither collects nor grows), the same call, and
 * poscall's moveresults for the result count OP_CALL wants, a constant of
 * the specialized code, so the type switch, the result-count switch and
 * two calls fold away. The results go to the frame's `func` read again
 * from the CallInfo, as luaD_poscall does: the function may have
 * reallocated the stack. The function is called with `L->top` as OP_CALL
 * left it (`func + b` when `b` is not 0, see pweval_fastcall). After the
 * call, anything the function changed is read again: a hook it set sends
 * the return through luaD_poscall (its return hook), and `L->top`, the
 * results' end, is the function's. An error or a yield in the function
 * unwinds through this frame exactly as through precallC's. Returns 0,
 * having changed nothing, when a condition fails; the call then goes
 * through luaD_precall. Generic: always 0, stock Lua. */
#if PWEVAL_SPEC
/* Is `func` a C function (a light C function, or a C closure)? Then `*f`
 * is the function a call of it runs. */
static inline int pweval_c_function(StkId func, lua_CFunction *f) {
  if (ttislcf(s2v(func)))
    *f = fvalue(s2v(func));
  else if (ttisCclosure(s2v(func)))
    *f = clCvalue(s2v(func))->f;
  else
    return 0;
  return 1;
}

/* precallC's frame for a C function at `func` whose arguments end at
 * `top`, in the free CallInfo `ci`: prepCallInfo's stores in its order,
 * then `L->ci` is the new frame. */
static inline void pweval_enter_c(lua_State *L, CallInfo *ci, StkId func, int nresults,
                                  StkId top) {
  ci->func.p = func;
  ci->nresults = nresults;
  ci->callstatus = CIST_C;
  ci->top.p = top + LUA_MINSTACK;
  L->ci = ci;
}

static inline int pweval_fastcall_c(lua_State *L, StkId func, int b, int nresults) {
  StkId top = b != 0 ? func + b : L->top.p;
  lua_CFunction f;
  CallInfo *ci;
  StkId res;
  int n;
  if (!pweval_c_function(func, &f)) return 0;
  ci = L->ci->next;
  if ((nresults != 0 && nresults != 1) || ci == NULL || L->hookmask ||
      L->stack_last.p - top <= LUA_MINSTACK)
    return 0;
  pweval_enter_c(L, ci, func, nresults, top);
  n = (*f)(L);
  if (l_unlikely(L->hookmask)) {
    luaD_poscall(L, ci, n);
    return 1;
  }
  res = ci->func.p;  /* the function may have moved the stack */
  if (nresults == 1) {
    if (n == 0)
      setnilvalue(s2v(res));
    else
      setobjs2s(L, res, L->top.p - n);
    L->top.p = res + 1;
  } else {
    L->top.p = res;
  }
  L->ci = ci->previous;
  return 1;
}
#define PWEVAL_FASTCALL_C(L, func, b, nresults) pweval_fastcall_c(L, func, b, nresults)
#else
#define PWEVAL_FASTCALL_C(L, func, b, nresults) 0
#endif

/* Specialized body: OP_TFORCALL's call of a C iterator (`next` for
 * pairs, ipairs' step, a gmatch or coroutine.wrap closure), made here
 * instead of through luaD_call, luaD_precall, precallC and luaD_poscall,
 * as pweval_fastcall_c makes OP_CALL's: the same stores in the same order,
 * and luaD_call's count of C calls (`L->nCcalls` one higher during the
 * call; with the count at its limit the call goes through luaD_call,
 * which raises the error). The results move as poscall's moveresults
 * moves them for the instruction's result count, a constant of the
 * specialized code (at least 1). Hooks on before the call, a Lua
 * iterator, a callable table, no free CallInfo or too little stack: 0,
 * having changed nothing, and luaD_call makes the call. An error or a
 * yield in the iterator unwinds through this frame as through luaD_call's
 * (a yield resumes in luaD_poscall with the CallInfo's result count, the
 * same as here). Generic: always 0, stock Lua. */
#if PWEVAL_SPEC
static inline int pweval_tforcall_c(lua_State *L, StkId func, int nresults) {
  StkId top = L->top.p;
  lua_CFunction f;
  CallInfo *ci;
  StkId res, first;
  int n, k;
  if (!pweval_c_function(func, &f)) return 0;
  ci = L->ci->next;
  if (ci == NULL || L->hookmask || L->stack_last.p - top <= LUA_MINSTACK ||
      getCcalls(L) + 1 >= LUAI_MAXCCALLS)
    return 0;
  L->nCcalls++;
  pweval_enter_c(L, ci, func, nresults, top);
  n = (*f)(L);
  if (l_unlikely(L->hookmask)) {
    luaD_poscall(L, ci, n);
    L->nCcalls--;
    return 1;
  }
  res = ci->func.p;  /* the function may have moved the stack */
  first = L->top.p - n;
  for (k = 0; k < n && k < nresults; k++)
    setobjs2s(L, res + k, first + k);
  for (; k < nresults; k++)
    setnilvalue(s2v(res + k));
  L->top.p = res + nresults;
  L->ci = ci->previous;
  L->nCcalls--;
  return 1;
}
#define PWEVAL_TFORCALL_C(L, func, nresults) pweval_tforcall_c(L, func, nresults)
#else
#define PWEVAL_TFORCALL_C(L, func, nresults) 0
#endif

/* OP_SELF's method lookup past the receiver: the specialized copy walks
 * the first `__index` tables inline (pweval_lvm_spec.c); the generic body
 * calls luaV_finishget as stock Lua does. */
#if PWEVAL_SPEC
#define PWEVAL_SELF_CACHE_AT(pc) \
  (((const unsigned short *)(loops + ((const pweval_loops_head *)loops)->self_index_at))[(pc) - code])
#define PWEVAL_SELF_CACHE(pc) \
  (PWEVAL_SELF_CACHE_AT(pc) == PWEVAL_NO_SELF_CACHE \
       ? NULL \
       : ((const pweval_loops_head *)loops)->self_cache + PWEVAL_SELF_CACHE_AT(pc))
#define PWEVAL_FINISHGET_SELF(L, t, key, val, slot) \
  pweval_finishget_self(L, t, key, val, slot, (const pweval_loops_head *)loops, \
                        PWEVAL_SELF_CACHE(pc - 1))
#else
#define PWEVAL_FINISHGET_SELF luaV_finishget
#endif

/* Numeric for loops, specialized body. pweval keeps what it knows of the
 * registers (their tags, their values) across a loop's back edge only
 * when no path into the loop's head made a call, and a call it cannot see
 * into forgets everything. So the paths that call out for a case an
 * integer loop never meets are slow paths (PWEVAL_SLOW), which reach the
 * head of an innermost loop in its factless copy, not the fast one:
 * - OP_FORPREP with an initial value, limit or step that is not an
 *   integer (a float loop, or values forprep converts or rejects);
 * - forlimit reads an integer limit inline (PWEVAL_TOINTEGER), where
 *   stock Lua calls luaV_tointeger, which returns the same for it;
 * - OP_MOD and OP_MODK on floats, which call fmod (PWEVAL_MODF);
 * - a bitwise instruction's float operand, which luaV_tointegerns
 *   converts by a call (`tointegerns`, pweval_lvm_spec.c).
 * With them, `loops`' inner loop keeps its registers' tags from one
 * iteration to the next. Generic: stock Lua. */
#if PWEVAL_SPEC
#define PWEVAL_TOINTEGER(o, p, mode) \
  (ttisinteger(o) ? (*(p) = ivalue(o), 1) : luaV_tointeger(o, p, mode))
#define PWEVAL_FORPREP(ra) \
  ((ttisinteger(s2v(ra)) && ttisinteger(s2v((ra) + 1)) && ttisinteger(s2v((ra) + 2))) \
       ? (void)0 \
       : (void)PWEVAL_SLOW())
#define PWEVAL_MODF(L, a, b) (PWEVAL_SLOW(), luaV_modf(L, a, b))
#else
#define PWEVAL_TOINTEGER luaV_tointeger
#define PWEVAL_FORPREP(ra) ((void)0)
#define PWEVAL_MODF luaV_modf
#endif

/* Table accesses that miss, specialized body. A GET or SET whose slot is
 * empty goes to luaV_finishget / luaV_finishset under Protect, a call
 * after which pweval knows nothing of the registers, and the rest of the
 * path is slow. When the table has no metatable, or one whose flags cache
 * the absence of the event (what fasttm tests first), those functions do
 * little: a get answers nil; a set into a slot that exists (an array
 * slot, a node holding the key with an empty value) stores the value,
 * invalidates the table's metamethod cache and runs the GC's back barrier,
 * through luaH_finishset, which also moves pweval_meta_epoch for a watched
 * table. Here that little is done inline, in the same order; it cannot
 * raise an error, collect or move the stack, so nothing is saved first.
 * Any other case (a metamethod, not a table, a new key: `slot` is the
 * absent key) goes to the functions as before. Filling a table element by
 * element (`t[i] = v` past its last non-nil slot) was a call each: sieve's
 * first loop spent half its time there. The barrier's call, when the
 * table is black and the value white, is a slow path (pweval_setempty
 * answers 2 then). Gets inline only by name (OP_GETFIELD, OP_GETTABUP: a
 * field that is nil); OP_GETTABLE and OP_GETI keep the call, because their
 * inline nil joined the hit's value in every array read and made
 * quicksort 3% slower, where a miss is rare. Generic: 0, stock Lua. */
#if PWEVAL_SPEC
/* A table's slot (array element or node value) or the table itself, as
 * the target of a store: never a byte of the stack, which the body marks
 * pweval_disjoint, so pweval keeps what it knows of the registers across
 * the store (a store through a pointer loaded from memory otherwise
 * forgets everything). */
#define PWEVAL_TABLE_SLOT(slot) ((TValue *)pweval_outside((void *)(slot)))
#define PWEVAL_TABLE(h) ((Table *)pweval_outside((void *)(h)))
#define pweval_no_tm(mt, event) ((mt) == NULL || ((mt)->flags & (1u << (event))))
static inline int pweval_getempty(const TValue *t, const TValue *slot, StkId val) {
  if (slot == NULL || !pweval_no_tm(hvalue(t)->metatable, TM_INDEX)) return 0;
  setnilvalue(s2v(val));
  return 1;
}
static inline int pweval_setempty(lua_State *L, const TValue *t, const TValue *slot,
                                  TValue *val) {
  Table *h;
  if (slot == NULL || isabstkey(slot)) return 0;
  h = hvalue(t);
  if (!pweval_no_tm(h->metatable, TM_NEWINDEX)) return 0;
  pweval_meta_changed(h);
  setobj2t(L, PWEVAL_TABLE_SLOT(slot), val);
  invalidateTMcache(PWEVAL_TABLE(h));
  if (iscollectable(val) && isblack(h) && iswhite(gcvalue(val))) {
    luaC_barrierback_(L, obj2gco(h));
    return 2;
  }
  return 1;
}
#define PWEVAL_GETEMPTY(L, t, slot, val) pweval_getempty(t, slot, val)
#define PWEVAL_SETEMPTY(L, t, slot, val) \
  ({ int pweval_set = pweval_setempty(L, t, slot, val); \
     if (pweval_set == 2) PWEVAL_SLOW_HERE(); \
     pweval_set; })
#else
#define PWEVAL_GETEMPTY(L, t, slot, val) 0
#define PWEVAL_SETEMPTY(L, t, slot, val) 0
#endif

/* Specialized body: OP_EQ of two registers decided inline when
 * luaV_equalobj would decide it without a call: values of different types
 * (never equal), nil and booleans, integers, floats, short strings (the
 * same string is the same object), light userdata and light C functions,
 * and any two references to the same object. Stock Lua calls
 * luaV_equalobj under Protect for every OP_EQ, which made every `a == b`
 * a slow path (pweval.patch's Protect): in a loop, the rest of each
 * iteration ran in the slow copy and the loop in its factless copy (see
 * PWEVAL_FETCH). An integer and a float, two long strings, and two
 * different tables or full userdata (which may have `__eq`) still go to
 * luaV_equalobj under Protect. Generic: 0, stock Lua. */
#if PWEVAL_SPEC
static inline int pweval_raweq(const TValue *a, const TValue *b, int *cond) {
  if (ttypetag(a) != ttypetag(b)) {
    if (ttype(a) != ttype(b) || ttype(a) != LUA_TNUMBER) {
      *cond = 0;  /* as luaV_equalobj: only numbers of two variants can be equal */
      return 1;
    }
    return 0;
  }
  switch (ttypetag(a)) {
    case LUA_VNIL: case LUA_VFALSE: case LUA_VTRUE: *cond = 1; return 1;
    case LUA_VNUMINT: *cond = (ivalue(a) == ivalue(b)); return 1;
    case LUA_VNUMFLT: *cond = luai_numeq(fltvalue(a), fltvalue(b)); return 1;
    case LUA_VLIGHTUSERDATA: *cond = (pvalue(a) == pvalue(b)); return 1;
    case LUA_VLCF: *cond = (fvalue(a) == fvalue(b)); return 1;
    case LUA_VSHRSTR: *cond = (tsvalue(a) == tsvalue(b)); return 1;
    case LUA_VLNGSTR: return 0;
    case LUA_VTABLE: case LUA_VUSERDATA:
      if (gcvalue(a) != gcvalue(b)) return 0;  /* `__eq` may say otherwise */
      *cond = 1;
      return 1;
    default: *cond = (gcvalue(a) == gcvalue(b)); return 1;
  }
}
#define PWEVAL_RAWEQ(a, b, cond) pweval_raweq(a, b, &(cond))
#else
#define PWEVAL_RAWEQ(a, b, cond) 0
#endif

/* A Lua call runs in its own invocation when the caller is specialized,
 * or when the callee has a specialized body. */
#define PWEVAL_CALL(L, ci, newci) \
  ((PWEVAL_SPEC || pweval_has_spec(newci)) ? (pweval_run_call(L, newci), pweval_slow = 0, 1) : 0)

/* Specialized body: the common Lua tail call (a Lua closure with a
 * specialized body, depth to spare, room on the stack, a caller that is
 * not vararg and passes at least the callee's fixed parameters) done here,
 * without luaD_pretailcall and the dispatcher: its Lua-function case
 * inlined, with the same stores in the same order (with room on the stack
 * its checkstackGCp neither collects nor grows), then the callee's body
 * called in this frame's CallInfo, and what it returns returned, as the
 * dispatcher would have got it. `ra` and `b` as in OP_TAILCALL (which
 * stored `L->top`); `base` is this frame's, `ci->func + 1` (the body hands
 * off at a fetch when that changes, and nothing between the fetch and
 * here moves the stack; checked all the same). The moved arguments are
 * the registers the caller holds in locals, so the moves are stores of
 * known values. A chain of tail calls nests at most PWEVAL_MAX_SPEC_DEPTH
 * bodies deep; past that, and in every other case, returns -1 having
 * changed nothing, and the tail call goes through luaD_pretailcall and the
 * dispatcher as before. */
#if PWEVAL_SPEC
static inline int pweval_fasttailcall(lua_State *L, CallInfo *ci, StkId ra, int b, int delta,
                                      StkId base) {
  LClosure *cl;
  Proto *p;
  void *spec;
  const Instruction *code;
  StkId func = base - 1;
  int fsize, nfixparams, again, i;
  if (delta != 0 || !ttisLclosure(s2v(ra))) return -1;
  cl = clLvalue(s2v(ra));
  p = cl->p;
  spec = p->pweval_spec;
  code = p->code;
  fsize = p->maxstacksize;
  nfixparams = p->numparams;
  if (spec == NULL || pweval_spec_depth >= PWEVAL_MAX_SPEC_DEPTH || ci->func.p != func ||
      L->stack_last.p - (ra + b) <= fsize || b - 1 < nfixparams)
    return -1;
  for (i = 0; i < b; i++)
    setobjs2s(L, func + i, ra + i);
  ci->top.p = func + 1 + fsize;
  ci->u.l.savedpc = code;
  ci->callstatus |= CIST_TAIL;
  L->top.p = func + b;
  pweval_spec_depth++;
  pweval_spec_invocations++;
  again = PWEVAL_RUN_SPEC(L, ci, spec, func + 1, cl);
  if (again == PWEVAL_HANDED) again = PWEVAL_GENERIC(L, ci);
  pweval_spec_depth--;
  return again;
}
#define PWEVAL_FASTTAILCALL(L, ci, ra, b, delta) \
  do { \
    int pweval_again = pweval_fasttailcall(L, ci, ra, b, delta, base); \
    if (pweval_again >= 0) return pweval_again; \
  } while (0)
#else
#define PWEVAL_FASTTAILCALL(L, ci, ra, b, delta) ((void)0)
#endif

/* A tail call replaced the frame: the dispatcher runs the new function. */
#define PWEVAL_TAILCALL() \
  do { if (PWEVAL_SPEC || pweval_has_spec(ci)) return PWEVAL_AGAIN; goto startfunc; } while (0)

/* A frame entered in this invocation returned to its caller: a specialized
 * body cannot continue another function, so the dispatcher runs the
 * caller (generically: it is in the middle of its code). */
#define PWEVAL_RETURN_TO_CALLER() do { if (PWEVAL_SPEC) return PWEVAL_AGAIN; } while (0)

#endif /* lvm_c */

#endif /* PWEVAL_LUA_H */
