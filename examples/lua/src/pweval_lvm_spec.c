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

/* Table lookups by string key, inlined in the copy.
 *
 * Stock lvm.c calls ltable.c's luaH_getshortstr for every field access
 * (GETFIELD, SETFIELD, GETTABUP, SETTABUP, SELF, and fasttm's metamethod
 * lookups): a third of n-body's time in the specialized build went to
 * that call. Here the first two nodes of the key's chain are read inline:
 * its main position and the node after it, where a field a table holds
 * almost always is, and where a chain ends for a key it lacks. Anything
 * longer goes to ltable.c's search, which starts over. In the specialized
 * body the key is a constant of the request (`kconst`), and the probe
 * reads only memory: pweval keeps what it knows about the registers
 * across it, as across the call of the pure luaH_getshortstr.
 *
 * Not luaH_get: GETTABLE's key is often a register whose type is known
 * only at run time, and a probe for a string key there made every
 * `a[i]` 29 instructions longer (quicksort 3% slower).
 *
 * No loop: with the search as a loop, n-body ran 20% slower than with the
 * call, though pweval kept the same facts either way (--explain rows after
 * each lookup identical); what the compiler made of a loop in the middle
 * of a large body was not traced further. Same search as ltable.c's over
 * the same layout (lobject.h, ltable.h); a miss answers a value with
 * ltable.c's absent-key tag, which is all callers test (isempty,
 * isabstkey); none writes through it.
 *
 * Headers first, so their prototypes keep their own names; lvm.c's
 * includes are then no-ops. */
#define lvm_c
#define LUA_CORE
#include "lprefix.h"
#include "lua.h"
#include "lobject.h"
#include "lstate.h"
#include "lstring.h"
#include "ltable.h"
#include "ltm.h"
#include "lvm.h"
#include "ldebug.h"
#include "pweval_lua.h"

/* lvm.h's `tointegerns`, whose non-integer case calls luaV_tointegerns, with
 * that case a slow path (see "Numeric for loops" in pweval_lua.h). Only
 * luaV_execute's bitwise instructions use it in lvm.c. */
#undef tointegerns
#define tointegerns(o,i) \
  (l_likely(ttisinteger(o)) ? (*(i) = ivalue(o), 1) \
                            : (PWEVAL_SLOW(), luaV_tointegerns(o,i,LUA_FLOORN2I)))

/* lvm.h's `luaV_finishfastset`, the store of a SET instruction that found
 * its slot, through a pointer pweval is told is outside the stack
 * (pweval_outside, see PWEVAL_TABLE_SLOT in pweval_lua.h), with the GC's
 * back barrier, a call when the table is black and the value white, on a
 * slow path. */
#undef luaV_finishfastset
#define luaV_finishfastset(L,t,slot,v) \
  { setobj2t(L, PWEVAL_TABLE_SLOT(slot), v); \
    if (iscollectable(v) && isblack(gcvalue(t)) && iswhite(gcvalue(v))) { \
      PWEVAL_SLOW_HERE(); \
      luaC_barrierback_(L, gcvalue(t)); \
    } }

/* lvm.h's `luaV_fastgeti`, the integer-key lookup of GETTABLE, GETI,
 * SETTABLE and SETI, with its call of luaH_getint (a key past the array
 * part's limit; the call may move the limit, so pweval counts it as a
 * store) on a slow path: the paths that index the array part then never
 * join one that called out, and keep what they know of the registers. */
#undef luaV_fastgeti
#define luaV_fastgeti(L,t,k,slot) \
  (!ttistable(t) \
   ? (slot = NULL, 0) \
   : (slot = (l_castS2U(k) - 1u < hvalue(t)->alimit) \
              ? &hvalue(t)->array[k - 1] : (PWEVAL_SLOW_HERE(), luaH_getint(hvalue(t), k)), \
      !isempty(slot)))

/* lvm.h's `luaV_fastget`, with GETTABLE's and SETTABLE's lookup of a key
 * that is not an integer (luaH_get: a string, a float, a boolean key) on a
 * slow path. luaH_get may call luaH_getint, which may move the array
 * limit, so pweval counts the call as a store and forgets the registers;
 * without the mark that path joined `a[i]`'s array-part path at the copy
 * into the destination, and the instructions after every `a[i]` reloaded
 * and tested again the registers they had just used (quicksort's
 * `while a[i] < pivot do i = i + 1 end` reloaded `i`, `a` and `pivot`
 * each iteration).
 *
 * The mark is chosen by the key's name: GETTABLE's key is `rc`, SETTABLE's
 * `rb`; everywhere else (the field instructions, and luaV_finishget and
 * luaV_finishset, which are not the specialized loop and have no `pc`)
 * it is `key`. Another name is a compile error, not a silent change. */
#undef luaV_fastget
#define luaV_fastget(L,t,k,slot,f) \
  (!ttistable(t) \
   ? (slot = NULL, 0) \
   : (PWEVAL_FASTGET_MARK_##k, slot = f(hvalue(t), k), !isempty(slot)))
#define PWEVAL_FASTGET_MARK_key ((void)0)
#define PWEVAL_FASTGET_MARK_rc PWEVAL_SLOW_HERE()
#define PWEVAL_FASTGET_MARK_rb PWEVAL_SLOW_HERE()

static const TValue pweval_absentkey = {ABSTKEYCONSTANT};

static inline const TValue *pweval_getshortstr_hashed(Table *t, TString *key, unsigned int hash) {
  const Node *n = gnode(t, lmod(hash, sizenode(t)));
  if (keyisshrstr(n) && keystrval(n) == key) return gval(n);
  if (gnext(n) == 0) return &pweval_absentkey;
  n += gnext(n);
  if (keyisshrstr(n) && keystrval(n) == key) return gval(n);
  if (gnext(n) == 0) return &pweval_absentkey;
  return luaH_getshortstr(t, key);
}

static inline const TValue *pweval_getshortstr(Table *t, TString *key) {
  return pweval_getshortstr_hashed(t, key, key->hash);
}

static inline const TValue *pweval_getstr(Table *t, TString *key) {
  return key->tt == LUA_VSHRSTR ? pweval_getshortstr(t, key) : luaH_getstr(t, key);
}

/* ltm.c's luaT_gettm (fasttm's slow half): the lookup, and the cached
 * absence of the event in the metatable's flags; `hash` is ename's. */
static inline const TValue *pweval_gettm_hashed(Table *events, TMS event, TString *ename,
                                               unsigned int hash) {
  const TValue *tm = pweval_getshortstr_hashed(events, ename, hash);
  if (notm(tm)) {
    events->flags |= cast_byte(1u << event);
    return NULL;
  }
  return tm;
}

static inline const TValue *pweval_gettm(Table *events, TMS event, TString *ename) {
  return pweval_gettm_hashed(events, event, ename, ename->hash);
}

/* fasttm(L, mt, TM_INDEX) with the name `__index` and its hash from the
 * request's constants (pweval_loops_head), where fasttm reads them
 * through L. */
static inline const TValue *pweval_index_tm(Table *mt, const pweval_loops_head *head) {
  if (mt == NULL || (mt->flags & (1u << TM_INDEX))) return NULL;
  return pweval_gettm_hashed(mt, TM_INDEX, head->tm_index, head->tm_index_hash);
}

/* From here on, lvm.c's lookups (and fasttm's, in the method walk below)
 * are the inline ones. */
#define luaH_getshortstr pweval_getshortstr
#define luaH_getstr pweval_getstr
#define luaT_gettm pweval_gettm

/* Does `field` hold the table `h`? */
static inline int pweval_holds_table(const TValue *field, const Table *h) {
  return rawtt(field) == ctb(LUA_VTABLE) && gcvalue(field) == obj2gco(h);
}

/* OP_SELF's miss (PWEVAL_FINISHGET_SELF): a method found through up to
 * three `__index` tables (instance, class, base classes) is looked up
 * here, with the inline probe, instead of in luaV_finishget; anything
 * else (a function `__index`, a longer chain, a receiver that is not a
 * table) continues in luaV_finishget from where this stopped, which is
 * where its own loop would be. Fully unrolled, like the probe (whose
 * loop form measured 20% slower, see above).
 *
 * With a `cache` (an OP_SELF whose name is a constant, pweval_lua.h's
 * pweval_self_cache), a walk that finds the method remembers where, and
 * while the cache holds, the next lookup at this OP_SELF reads the method
 * from there: a few independent loads instead of a chain of hash probes.
 * The cache is invalidated (epoch 0) before it is written, so a walk that
 * stops half-way leaves no half-written cache that could match. */
/* The miss path: the cache entry is picked (the one for `mt`, or the next
 * way round) and filled by a walk of up to three `__index` levels of inline
 * hash probes, or luaV_finishget's general lookup. Out of line: it runs
 * once per call site and metatable, and inlined it was a few hundred
 * instructions in every specialized copy of every OP_SELF, code the JIT
 * compiled on every start for nothing. */
static __attribute__((noinline)) void pweval_self_walk(lua_State *L, const TValue *t, TValue *key,
                                                       StkId val, const TValue *slot,
                                                       const pweval_loops_head *head,
                                                       pweval_self_cache *cache) {
  int level, way;
  if (slot != NULL && ttisshrstring(key)) {
    Table *mt = hvalue(t)->metatable;
    pweval_self_entry *e = NULL;
    if (cache != NULL) {
      for (way = 0; way < PWEVAL_SELF_WAYS; way++)
        if (cache->entry[way].mt == mt) e = &cache->entry[way];
      if (e == NULL) {
        e = &cache->entry[cache->next % PWEVAL_SELF_WAYS];
        cache->next++;
      }
      e->epoch = 0;
      e->mt = mt;
    }
#pragma clang loop unroll(full)
    for (level = 0; level < 3; level++) {
      Table *events = hvalue(t)->metatable;
      const TValue *tm = pweval_index_tm(events, head);
      if (tm == NULL) {
        setnilvalue(s2v(val));
        return;
      }
      if (!ttistable(tm)) break;
      t = tm;
      if (e != NULL) {
        /* What the entry depends on: changes to these move the epoch. */
        events->flags |= PWEVAL_WATCHED;
        hvalue(tm)->flags |= PWEVAL_WATCHED;
        e->index[level] = tm;
        e->table[level] = hvalue(tm);
      }
      slot = pweval_getshortstr(hvalue(t), tsvalue(key));
      if (!isempty(slot)) {
        if (e != NULL) {
          int rest;
#pragma clang loop unroll(full)
          for (rest = level + 1; rest < 3; rest++) {
            e->index[rest] = tm;
            e->table[rest] = hvalue(tm);
          }
          e->slot = slot;
          e->epoch = pweval_meta_epoch;
        }
        setobj2s(L, val, slot);
        return;
      }
    }
  }
  luaV_finishget(L, t, key, val, slot);
}

/* The hit path, inline in the specialized code: the entry for the
 * receiver's metatable, if its epoch and the tables it depends on still
 * hold, gives the method with a few loads. Anything else is a miss. */
static inline void pweval_finishget_self(lua_State *L, const TValue *t, TValue *key, StkId val,
                                         const TValue *slot, const pweval_loops_head *head,
                                         pweval_self_cache *cache) {
  int way;
  if (slot != NULL && ttisshrstring(key) && cache != NULL) {
    Table *mt = hvalue(t)->metatable;
    pweval_self_entry *e = NULL;
#pragma clang loop unroll(full)
    for (way = 0; way < PWEVAL_SELF_WAYS; way++)
      if (cache->entry[way].mt == mt) e = &cache->entry[way];
    if (e != NULL && e->epoch == pweval_meta_epoch && pweval_holds_table(e->index[0], e->table[0]) &&
        pweval_holds_table(e->index[1], e->table[1]) &&
        pweval_holds_table(e->index[2], e->table[2]) && !isempty(e->slot)) {
      setobj2s(L, val, e->slot);
      return;
    }
  }
  pweval_self_walk(L, t, key, val, slot, head, cache);
}

#include "lvm.c"
