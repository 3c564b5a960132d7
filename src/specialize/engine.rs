//! The specializer proper: a worklist abstract interpretation over
//! (context, generic block) pairs that builds the specialized function.
//!
//! Each *specialized block* is one copy of one generic block, identified by
//! a [`Key`]: the interpreter context it runs in, the generic block, and the
//! constants of its pinned parameters. Its *entry state* says, for every
//! generic block parameter and every virtual register, whether the value is
//! a known constant (the same on every incoming edge) or a runtime value (a
//! block parameter of the specialized block). Processing a block walks the
//! generic instructions once: constants fold, everything else is emitted.
//! Edges meet their state into the target; a target whose state drops
//! (constant -> runtime) is processed again. The lattice has height two per
//! value, so this terminates; the budget bounds the number of contexts.
//!
//! Terminators are built last ([`super::finalize`]), once every block's
//! final parameter list is known.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Instant;
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;

use waffle::entity::EntityRef;
use waffle::{Block, BlockTarget, FunctionBody, Operator, Terminator, Type, Value, ValueDef};

use super::choice::{Choices, Node};
use super::util::called_intrinsic;
use super::fold::{self, Buffer};
use super::prepare::Pins;
use super::why;
use super::ranges;
use super::state::{
    is_outside_root, AVal, ChoiceId, Contexts, CtxId, Extra, Extras, Konst, MemKey, SlotKey, OUTSIDE_ROOT, REG_DEFAULT, ROOT,
};
use super::arrival;
use super::refine;
use super::Limits;
use crate::intrinsics::Intrinsic;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub ctx: CtxId,
    pub gblock: Block,
    pub pinned: Vec<(usize, Konst)>,
    /// Constants of pinned memory cells (`memfacts.rs`).
    pub cells: Vec<(MemKey, Konst)>,
    /// The context before a change made outside a loop header, until the
    /// next one (`arrival.rs`).
    pub arrived: Option<CtxId>,
}

/// What memory forwarding needs from outside the engine (`memfacts.rs`).
pub struct MemSetup<'a> {
    /// Cells whose constant is part of the block key.
    pub pinned_cells: &'a BTreeSet<MemKey>,
    /// C's `memset`, when the module has one (by name).
    pub memset: Option<u32>,
    /// Per function index: the function writes no memory (empty without a
    /// call graph).
    pub writes_nothing: &'a [bool],
}

/// One control-flow edge, abstractly: values are resolved to specialized
/// values (constants materialised) when terminators are built.
#[derive(Clone, Debug)]
pub struct Edge {
    pub target: Block,
    pub args: Vec<AVal>,
    /// Shared (`edge_state.rs`): the edges out of one walk, and often those
    /// of many walks, carry the same extras and pending slots.
    pub extras: Rc<Extras>,
    /// Slots with a pending store when the edge is taken. Those the target
    /// does not also keep pending are stored on the edge (`finalize`).
    pub dirty: Rc<BTreeSet<SlotKey>>,
}

#[derive(Clone, Debug)]
pub enum ATerm {
    Br(Edge),
    CondBr(Value, Edge, Edge),
    Select(Value, Vec<Edge>, Edge),
    Return(Vec<Value>),
    Unreachable,
    /// Leave specialized code: jump to a block of the cold copy of the
    /// generic function (`cold.rs`) with these values as its parameters.
    Cold(Block, Vec<AVal>),
}

/// A specialized block made for a key.
pub struct Keyed {
    pub key: Key,
    /// Specialized parameters per generic parameter: created only when
    /// the state stops being a constant (`None` until then). Most stay
    /// constants in their context, and a parameter made for each would be
    /// an argument on every edge for clean-up to remove again.
    pub params: Vec<Option<Value>>,
    pub state: Vec<AVal>,
    pub extras: Extras,
    /// Pinned parameters' history, for diagnostics (`why.rs`): the first
    /// incoming value, and the one that made the parameter runtime.
    pub origins: FxHashMap<usize, (why::Incoming, Option<why::Incoming>)>,
    /// Slots still pending at entry: the intersection over incoming edges
    /// (see `slots.rs`). It only shrinks, so the fixpoint still terminates.
    pub dirty: BTreeSet<SlotKey>,
    /// Parameters for registers, roots and slots.
    pub extra_params: Vec<(Extra, Value)>,
    /// What each of the block's parameters carries, in their order (the
    /// order of creation).
    pub param_order: Vec<ParamOf>,
}

/// What a specialized block parameter carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamOf {
    /// Generic parameter `i`.
    Generic(usize),
    /// A register, root or slot.
    Extra(Extra),
}

/// The mutable state while walking one block.
pub struct Walk {
    pub env: Env,
    pub extras: Extras,
    pub dirty: BTreeSet<SlotKey>,
    pub ctx: CtxId,
    /// The generic block being walked.
    pub gblock: Block,
    /// Roots whose address escaped in this block (`memfacts.rs`).
    pub escaped: BTreeSet<u32>,
    /// The context this block's code arrived from (`arrival.rs`).
    pub arrived: Option<CtxId>,
}

pub struct Engine<'a> {
    pub g: &'a FunctionBody,
    pins: &'a Pins,
    pub(super) intrinsics: &'a HashMap<u32, Intrinsic>,
    globals: &'a [Konst],
    pub(super) buffers: &'a [Buffer],
    /// The guest's read-only data (`crate::readonly`).
    pub(super) readonly: &'a [Buffer],
    pub(super) limits: &'a Limits,
    pub s: FunctionBody,
    pub ctxs: Contexts,
    choices: Choices,
    /// Constants seen per (context, generic block, pinned parameter).
    pin_values: FxHashMap<(CtxId, Block, usize), FxHashSet<Konst>>,
    pub keyed: FxHashMap<Block, Keyed>,
    keys: FxHashMap<Key, Block>,
    /// Abstract terminators of keyed and edge blocks.
    pub terms: FxHashMap<Block, ATerm>,
    work: BTreeSet<Block>,
    /// The context each emitted value was emitted in.
    /// Indexed by the emitted value's index (dense: the specialized
    /// function's values are numbered in creation order).
    origin: Vec<CtxId>,
    /// The context of the instruction being walked.
    cur_ctx: CtxId,
    /// The generic function's loop headers (`arrival.rs`).
    loop_headers: &'a HashSet<Block>,
    /// Name each specialized block after its key (`--dump-ir` only: a
    /// string per block is work every other run would pay for).
    pub describe_blocks: bool,
    /// The specialized block whose processing failed, for `--dump-ir`.
    pub failed_at: Option<Block>,
    /// The cold copy of the generic function, once a path needed it.
    pub cold: super::cold::ColdBlocks,
    /// Why this function cannot have cold paths (`None`: it can).
    cold_unsupported: Option<&'static str>,
    /// Specialized blocks that continue in the cold copy, and why.
    cold_paths: BTreeMap<Block, String>,
    started: Instant,
    pub processed: usize,
    pub emitted: usize,
    /// `specialize.value` calls reached: with the contexts, what makes a
    /// request's answer more than a copy of the generic function.
    pub specialized_values: usize,
    /// Request chain sites (context, generic block) whose `known.eq` said
    /// yes: at most `inline::MAX_INLINED_CALLS` per request.
    inlined_calls: FxHashSet<(CtxId, Block)>,
    /// Whether `known.eq` may say yes at all (`mod.rs` turns it off for the
    /// second attempt of a request whose inlined callees made it fail).
    pub request_inlining: bool,
    /// The table slot of this request's own function, when slots are
    /// fixed before answering (`own.slot`).
    pub own_slot: Option<u32>,
    /// Self-call sites inlined so far (`inline.self`), and at most how
    /// many (`self_calls::self_sites_for`).
    self_sites: usize,
    pub max_self_sites: usize,
    /// Calls through the request's own slot met in specialized code.
    pub self_calls_reached: usize,
    pub(super) pinned_cells: &'a BTreeSet<MemKey>,
    pub(super) pin_loads: &'a super::prepare::PinLoads,
    pub(super) memset: Option<u32>,
    pub(super) writes_nothing: &'a [bool],
    /// Cells a load feeding a context read (candidates for pinning).
    pub wanted_cells: BTreeSet<MemKey>,
    /// Constants seen per (context, generic block, pinned cell).
    pub(super) cell_values: FxHashMap<(CtxId, Block, MemKey), FxHashSet<Konst>>,
    /// The edge state shared last (`edge_state.rs`).
    pub(super) edge_state: super::edge_state::EdgeState,
}

/// Fast hashing: the engine's maps are keyed by small indices and keys,
/// built and probed at every instruction walked, and never iterated in an
/// order the output depends on.
pub(super) type Env = FxHashMap<Value, AVal>;

/// `origin` of a value the engine did not emit with `emit_op`.
const NO_ORIGIN: CtxId = CtxId::MAX - 1;

/// The abstract value of runtime argument `i` of type `ty`: i32 arguments
/// are roots of symbolic addresses.
fn runtime_arg(p: Value, i: usize, ty: Type) -> AVal {
    if ty == Type::I32 {
        AVal::Addr { value: p, root: i as u32, off: 0 }
    } else {
        AVal::Runtime(p)
    }
}

impl<'a> Engine<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        prepared: &'a super::shared::Prepared,
        intrinsics: &'a HashMap<u32, Intrinsic>,
        globals: &'a [Konst],
        buffers: &'a [Buffer],
        readonly: &'a [Buffer],
        limits: &'a Limits,
        entry_state: Vec<AVal>,
        mem: MemSetup<'a>,
    ) -> Result<Self, String> {
        let g = &prepared.body;
        // The specialized function: same signature, entry params = args.
        let mut s = FunctionBody { n_params: g.n_params, rets: g.rets.clone(), ..Default::default() };
        for i in 0..g.n_params {
            s.locals.push(g.locals[waffle::Local::from(i as u32)]);
        }
        let entry = s.add_block();
        s.entry = entry;
        let mut params = Vec::new();
        let mut state = Vec::new();
        let mut extras = Extras::new();
        // The entry's parameters are the signature: all of them, always.
        for (i, &(ty, _)) in g.blocks[g.entry].params.iter().enumerate() {
            let p = s.add_blockparam(entry, ty);
            params.push(Some(p));
            state.push(match entry_state.get(i) {
                Some(a @ AVal::Const { .. }) => *a,
                _ => {
                    if ty == Type::I32 {
                        extras.insert(Extra::Root(i as u32), AVal::Runtime(p));
                    }
                    runtime_arg(p, i, ty)
                }
            });
        }
        let key = Key { ctx: ROOT, gblock: g.entry, pinned: vec![], cells: vec![], arrived: None };
        let mut engine = Engine {
            g,
            pins: &prepared.pins,
            intrinsics,
            globals,
            buffers,
            readonly,
            limits,
            s,
            ctxs: Contexts::default(),
            loop_headers: &prepared.loop_headers,
            describe_blocks: false,
            choices: Choices::default(),
            pin_values: FxHashMap::default(),
            keyed: FxHashMap::default(),
            keys: FxHashMap::default(),
            terms: FxHashMap::default(),
            work: BTreeSet::new(),
            origin: Vec::new(),
            cur_ctx: ROOT,
            failed_at: None,
            cold: Default::default(),
            cold_unsupported: prepared.cold_unsupported,
            cold_paths: BTreeMap::new(),
            started: Instant::now(),
            processed: 0,
            specialized_values: 0,
            inlined_calls: Default::default(),
            request_inlining: true,
            own_slot: None,
            self_sites: 0,
            max_self_sites: super::self_calls::MAX_SELF_SITES,
            self_calls_reached: 0,
            emitted: 0,
            pinned_cells: mem.pinned_cells,
            pin_loads: &prepared.pin_loads,
            memset: mem.memset,
            writes_nothing: mem.writes_nothing,
            wanted_cells: BTreeSet::new(),
            cell_values: FxHashMap::default(),
            edge_state: Default::default(),
        };
        engine.keys.insert(key.clone(), entry);
        let keyed = Keyed {
            key,
            param_order: (0..params.len()).map(ParamOf::Generic).collect(),
            params,
            state,
            extras,
            origins: FxHashMap::default(),
            dirty: BTreeSet::new(),
            extra_params: vec![],
        };
        engine.keyed.insert(entry, keyed);
        engine.work.insert(entry);
        Ok(engine)
    }

    pub fn run(&mut self) -> Result<(), String> {
        while let Some(block) = self.work.pop_first() {
            self.processed += 1;
            if self.processed % 64 == 0 {
                let elapsed = self.started.elapsed();
                if elapsed > self.limits.max_time {
                    return Err(format!(
                        "budget exceeded: time {:.1} s > limit {:.1} s (--max-time); the \
                         bytecode may not terminate in its constant part",
                        elapsed.as_secs_f64(),
                        self.limits.max_time.as_secs_f64()
                    ));
                }
            }
            if let Err(why) = self.process(block) {
                self.failed_at = Some(block);
                return Err(why);
            }
        }
        // A function that never entered a context and only has cold paths
        // was not specialized at all.
        if self.ctxs.len() == 0 {
            if let Some((&block, why)) = self.cold_paths.iter().next() {
                self.failed_at = Some(block);
                return Err(why.clone());
            }
        }
        Ok(())
    }

    /// The reasons of the paths that continue unspecialized, one per
    /// specialized block that does.
    pub fn cold_paths(&self) -> Vec<String> {
        self.cold_paths
            .iter()
            .filter(|(b, _)| matches!(self.terms.get(b), Some(ATerm::Cold(..))))
            .map(|(_, why)| why.clone())
            .collect()
    }

    /// A block that starts with a context intrinsic whose PC is a runtime
    /// value: why, worded for the user.
    fn runtime_pc_at_entry(&self, sb: Block, gblock: Block, walk: &Walk) -> Option<String> {
        let g = self.g;
        let &first = g.blocks[gblock].insts.first()?;
        let name = match called_intrinsic(g, self.intrinsics, first)? {
            Intrinsic::PushContext => "push.context",
            Intrinsic::UpdateContext => "update.context",
            _ => return None,
        };
        let ValueDef::Operator(_, args, _) = &g.values[first] else { return None };
        let pc = *g.arg_pool[*args].first()?;
        if let Ok(AVal::Const { .. }) = self.lookup(&walk.env, pc) {
            return None;
        }
        let pc = g.resolve_alias(pc);
        let index = g.blocks[gblock].params.iter().position(|&(_, p)| p == pc);
        let origin = index.and_then(|i| self.keyed.get(&sb)?.origins.get(&i));
        Some(format!(
            "the interpreter PC passed to {name} is a runtime value at {}: {}",
            self.describe(walk.ctx, gblock),
            why::runtime_pc(g, origin.map(|o| &o.0), origin.and_then(|o| o.1.as_ref()), Some(pc))
        ))
    }

    pub(super) fn check_budget(&self) -> Result<(), String> {
        let blocks = self.s.blocks.len();
        if blocks > self.limits.max_blocks {
            return Err(format!(
                "budget exceeded: {blocks} blocks > limit {} (--max-blocks), after {} contexts",
                self.limits.max_blocks,
                self.ctxs.len()
            ));
        }
        if self.emitted > self.limits.max_insts {
            return Err(format!(
                "budget exceeded: {} instructions > limit {} (--max-insts)",
                self.emitted, self.limits.max_insts
            ));
        }
        Ok(())
    }

    /// The specialized body, freeing everything else the engine kept:
    /// its per-block states and edges are most of a big request's memory,
    /// and clean-up and lowering must not hold them while they allocate
    /// their own (a field moved out of `self` would leave the rest alive
    /// until the caller's scope ends).
    pub fn into_body(self) -> FunctionBody {
        self.s
    }

    /// Request chain sites whose callee was inlined (`known.eq` said yes).
    pub fn inlined_calls(&self) -> usize {
        self.inlined_calls.len()
    }

    pub(super) fn emit_op(&mut self, block: Block, op: Operator, args: &[Value], tys: &[Type]) -> Value {
        self.emitted += 1;
        let value = self.s.add_op(block, op, args, tys);
        let index = value.index();
        if self.origin.len() <= index {
            self.origin.resize(index + 1, NO_ORIGIN);
        }
        self.origin[index] = self.cur_ctx;
        value
    }

    /// The innermost bytecode PC each emitted value was specialized for,
    /// and its context's depth (`None`: outside any context), for
    /// `--explain`.
    pub fn origin_pcs(&self) -> HashMap<Value, Option<(u32, u32)>> {
        self.origin
            .iter()
            .enumerate()
            .filter(|&(_, &ctx)| ctx != NO_ORIGIN)
            .map(|(i, &ctx)| (Value::new(i), self.ctxs.pc_depth(ctx)))
            .collect()
    }

    /// The specialized value for `a` inside `block`, materialising a constant.
    pub fn value_in(&mut self, block: Block, a: AVal) -> Value {
        match a {
            AVal::Const { k, .. } => {
                let op = match k {
                    Konst::I32(v) => Operator::I32Const { value: v },
                    Konst::I64(v) => Operator::I64Const { value: v },
                    Konst::F32(v) => Operator::F32Const { value: v },
                    Konst::F64(v) => Operator::F64Const { value: v },
                };
                self.emit_op(block, op, &[], &[k.ty()])
            }
            AVal::Runtime(v)
            | AVal::Choice { value: v, .. }
            | AVal::Fanout { v, .. }
            | AVal::Ranged { value: v, .. }
            | AVal::Addr { value: v, .. } => v,
        }
    }

    fn describe(&self, ctx: CtxId, gblock: Block) -> String {
        format!("generic {gblock}, context {}", self.ctxs.describe(ctx))
    }

    fn process(&mut self, sb: Block) -> Result<(), String> {
        let (key, state, extras, dirty) = {
            let k = &self.keyed[&sb];
            (k.key.clone(), k.state.clone(), k.extras.clone(), k.dirty.clone())
        };
        self.s.blocks[sb].insts.clear();
        let g = self.g;
        let gblock = key.gblock;
        let gb = &g.blocks[gblock];
        let mut walk = Walk {
            env: Env::with_capacity_and_hasher(gb.params.len() + gb.insts.len(), Default::default()),
            extras,
            dirty,
            ctx: key.ctx,
            gblock,
            escaped: BTreeSet::new(),
            arrived: key.arrived,
        };
        for (i, &(_, gp)) in g.blocks[gblock].params.iter().enumerate() {
            walk.env.insert(gp, state[i]);
        }
        self.cur_ctx = walk.ctx;
        if let Some(why) = self.runtime_pc_at_entry(sb, gblock, &walk) {
            if let Some(cannot) = self.cold_unsupported {
                return Err(format!(
                    "{why}; the path cannot continue unspecialized ({cannot}); fix: {}",
                    why::RUNTIME_PC_FIX
                ));
            }
            // Memory must hold the frame before generic code runs.
            self.flush(sb, &mut walk);
            let cold = self.cold_block(gblock)?;
            self.terms.insert(sb, ATerm::Cold(cold, state));
            self.cold_paths.insert(sb, why);
            return self.check_budget();
        }
        for &inst in &g.blocks[gblock].insts {
            let value = self.eval_inst(sb, inst, &mut walk)?;
            if let Some(value) = value {
                walk.env.insert(inst, value);
            }
            self.cur_ctx = walk.ctx;
        }
        let term = self.eval_terminator(sb, gblock, &mut walk)?;
        self.terms.insert(sb, term);
        self.check_budget()
    }

    fn lookup(&self, env: &Env, v: Value) -> Result<AVal, String> {
        let v = self.g.resolve_alias(v);
        env.get(&v).copied().ok_or_else(|| format!("internal: value {v} is not available here"))
    }

    fn eval_inst(&mut self, sb: Block, inst: Value, walk: &mut Walk) -> Result<Option<AVal>, String> {
        let g = self.g;
        match &g.values[inst] {
            ValueDef::Operator(op, args, tys) => {
                // `g` outlives `self`'s borrow: its pools need no copies.
                let mut avals: SmallVec<[AVal; 4]> = SmallVec::new();
                for &a in &g.arg_pool[*args] {
                    avals.push(self.lookup(&walk.env, a)?);
                }
                let tys: &[Type] = &g.type_pool[*tys];
                if let Some(intrinsic) = called_intrinsic(g, self.intrinsics, inst) {
                    let before = walk.ctx;
                    let result = self.eval_intrinsic(sb, intrinsic, op, &avals, tys, walk);
                    if walk.ctx != before {
                        arrival::after_change(self.loop_headers, walk.gblock, before, &mut walk.arrived);
                    }
                    return result;
                }
                if self.store_is_redundant(op, &avals, walk) {
                    return Ok(None);
                }
                if let Some(forwarded) = self.mem_before(sb, inst, op, &avals, walk) {
                    return Ok(Some(forwarded));
                }
                let result = self.eval_operator(sb, op, &avals, tys, walk)?;
                Ok(self.mem_after(sb, op, &avals, result, walk).or(result))
            }
            ValueDef::PickOutput(from, index, ty) => {
                let from = self.lookup(&walk.env, *from)?;
                let AVal::Runtime(from) = from else {
                    return Err("internal: multi-value result is not a runtime value".into());
                };
                let value = self.s.add_value(ValueDef::PickOutput(from, *index, *ty));
                self.s.append_to_block(sb, value);
                Ok(Some(AVal::Runtime(value)))
            }
            ValueDef::Alias(to) => Ok(Some(self.lookup(&walk.env, *to)?)),
            other => Err(format!("internal: unexpected value definition {other:?} in a block")),
        }
    }

    /// An operator that is not an intrinsic: folded, or emitted.
    pub(super) fn eval_operator(
        &mut self,
        sb: Block,
        op: &Operator,
        avals: &[AVal],
        tys: &[Type],
        walk: &mut Walk,
    ) -> Result<Option<AVal>, String> {
        {
            {
                if op.is_call() || matches!(op, Operator::CallRef { .. }) {
                    // The callee may read and write the slots' memory.
                    self.flush(sb, walk);
                    walk.extras.retain(|k, _| !matches!(k, Extra::Slot(_)));
                }
                if matches!(op, Operator::Nop) {
                    return Ok(None);
                }
                if matches!(op, Operator::Select | Operator::TypedSelect { .. }) {
                    if let Some(cond) = avals[2].as_const() {
                        return Ok(Some(if cond.as_u64() != 0 { avals[0] } else { avals[1] }));
                    }
                    let vals: Vec<Value> = avals.iter().map(|&a| self.value_in(sb, a)).collect();
                    let value = self.emit_op(sb, op.clone(), &vals, tys);
                    return Ok(Some(match self.choices.select(vals[2], avals[0], avals[1]) {
                        Some(tree) => AVal::Choice { tree, value },
                        None => AVal::Runtime(value),
                    }));
                }
                if avals.len() == 1 {
                    let (buffers, readonly) = (self.buffers, self.readonly);
                    let fold_load = |addr: AVal| {
                        fold::fold_load(op, addr, buffers).or_else(|| fold::fold_readonly_load(op, addr, readonly))
                    };
                    if let Some(loaded) = fold_load(avals[0]) {
                        return Ok(Some(loaded));
                    }
                    // `code[c ? i : j]`: a load through a choice of constant
                    // addresses is a choice of constants; its runtime value
                    // is a select chain (pure, so unused it disappears).
                    if let AVal::Choice { tree, .. } = avals[0] {
                        if let Some(loaded) = self.choices.load(tree, &fold_load) {
                            let value = self.materialize_choice(sb, loaded);
                            return Ok(Some(AVal::Choice { tree: loaded, value }));
                        }
                    }
                }
                if op.is_pure() && tys.len() == 1 {
                    if let Some(folded) = fold::fold(op, avals) {
                        return Ok(Some(folded));
                    }
                    if let Some(decided) = ranges::fold_compare(op, avals) {
                        return Ok(Some(AVal::konst(Konst::I32(u32::from(decided)))));
                    }
                }
                let vals: Vec<Value> = avals.iter().map(|&a| self.value_in(sb, a)).collect();
                let value = self.emit_op(sb, op.clone(), &vals, tys);
                if op.is_pure() && tys.len() == 1 && avals.iter().any(|a| matches!(a, AVal::Choice { .. })) {
                    if let Some(tree) = self.choices.apply(op, avals) {
                        return Ok(Some(self.choices.single(tree).unwrap_or(AVal::Choice { tree, value })));
                    }
                }
                if let Some(symbolic) = fold::symbolic(op, avals, value) {
                    return Ok(Some(symbolic));
                }
                Ok(Some(match ranges::of_result(op, avals) {
                    Some((lo, hi)) => AVal::Ranged { value, lo, hi },
                    None => AVal::Runtime(value),
                }))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_intrinsic(
        &mut self,
        sb: Block,
        intrinsic: Intrinsic,
        op: &Operator,
        args: &[AVal],
        tys: &[Type],
        walk: &mut Walk,
    ) -> Result<Option<AVal>, String> {
        use Intrinsic::*;
        // An address handed to any other intrinsic may come back as a
        // runtime value (`assume.const.memory`, `specialize.value`):
        // it escapes (`memfacts.rs`). Slot intrinsics only access it.
        if !matches!(intrinsic, PushStack | SyncStack | ReadStack | WriteStack | PopStack | ReadLocal | WriteLocal) {
            super::memfacts::escape_all(args, walk);
        }
        let ctx = &mut walk.ctx;
        let gblock = self.keyed[&sb].key.gblock;
        let constant = |a: AVal, what: &str, engine: &Self, ctx: CtxId| -> Result<u64, String> {
            a.as_const().map(Konst::as_u64).ok_or_else(|| {
                format!("{what} is a runtime value at {}", engine.describe(ctx, gblock))
            })
        };
        match intrinsic {
            PushContext => {
                let pc = constant(args[0], "the interpreter PC passed to push.context", self, *ctx)?;
                *ctx = self.ctxs.push(*ctx, pc as u32);
                Ok(None)
            }
            UpdateContext => {
                let pc =
                    constant(args[0], "the interpreter PC passed to update.context", self, *ctx)?;
                let parent = self.ctxs.parent(*ctx).unwrap_or(ROOT);
                *ctx = self.ctxs.push(parent, pc as u32);
                Ok(None)
            }
            PopContext => {
                *ctx = self.ctxs.parent(*ctx).ok_or_else(|| {
                    format!("pop.context without a matching push.context at {}", self.describe(*ctx, gblock))
                })?;
                Ok(None)
            }
            ReadReg => {
                let reg = constant(args[0], "the register index of read.reg", self, *ctx)?;
                Ok(Some(walk.extras.get(&Extra::Reg(reg)).copied().unwrap_or(REG_DEFAULT)))
            }
            WriteReg => {
                let reg = constant(args[0], "the register index of write.reg", self, *ctx)?;
                walk.extras.insert(Extra::Reg(reg), args[1]);
                Ok(None)
            }
            SpecializeValue => {
                self.specialized_values += 1;
                let lo = constant(args[1], "the lower bound of specialize.value", self, *ctx)? as u32;
                let hi = constant(args[2], "the upper bound of specialize.value", self, *ctx)? as u32;
                match args[0] {
                    a @ AVal::Const { .. } => Ok(Some(a)),
                    _ if hi < lo => Ok(Some(args[0])),
                    _ if u64::from(hi - lo) >= u64::from(self.limits.max_fanout) => Err(format!(
                        "budget exceeded: specialize.value range {lo}..={hi} has {} values > limit \
                         {} (--max-fanout)",
                        u64::from(hi - lo) + 1,
                        self.limits.max_fanout
                    )),
                    other => {
                        let v = self.value_in(sb, other);
                        // A known range inside lo..=hi: fan out over it only,
                        // with no default path.
                        Ok(Some(match ranges::range(other) {
                            Some((rl, rh)) if u64::from(lo) <= rl && rh <= u64::from(hi) => {
                                AVal::Fanout { v, lo: rl as u32, hi: rh as u32, exhaustive: true }
                            }
                            _ => AVal::Fanout { v, lo, hi, exhaustive: false },
                        }))
                    }
                }
            }
            ReadSpecializationGlobal => {
                let index = constant(args[0], "the index of read.specialization.global", self, *ctx)?;
                let k = self.globals.get(index as usize).ok_or_else(|| {
                    format!(
                        "read.specialization.global({index}) but the request has {} global(s)",
                        self.globals.len()
                    )
                })?;
                Ok(Some(AVal::konst(Konst::I64(k.as_u64()))))
            }
            AbortSpecialization => {
                let line = args[0].as_const().map_or(0, Konst::as_u64);
                let fatal = args[1].as_const().map_or(1, Konst::as_u64);
                if fatal != 0 {
                    return Err(format!(
                        "the guest aborted specialization (abort.specialization at line {line}, \
                         {})",
                        self.describe(*ctx, gblock)
                    ));
                }
                Ok(None)
            }
            AssertConst32 => {
                if args[0].as_const().is_none() {
                    let line = args[1].as_const().map_or(0, Konst::as_u64);
                    return Err(format!(
                        "assert.const32 failed at line {line}: the value is not a constant ({})",
                        self.describe(*ctx, gblock)
                    ));
                }
                Ok(None)
            }
            AssumeConstMemory | AssumeConstMemoryTransitive => Ok(Some(args[0])),
            Disjoint => {
                if let AVal::Addr { root, .. } = args[0] {
                    walk.extras.insert(Extra::Disjoint(root), AVal::konst(Konst::I32(1)));
                }
                Ok(Some(args[0]))
            }
            Outside => Ok(Some(match args[0] {
                AVal::Runtime(p) | AVal::Ranged { value: p, .. } if p.index() < OUTSIDE_ROOT as usize => {
                    let root = OUTSIDE_ROOT | p.index() as u32;
                    super::memfacts::forget_root(walk, root);
                    AVal::Addr { value: p, root, off: 0 }
                }
                // Already symbolic, or a constant: nothing to add.
                other => other,
            })),
            KnownBuffer => Ok(Some(match args[0].as_const() {
                Some(Konst::I32(addr)) => match self.buffers.iter().position(|b| b.addr == addr) {
                    Some(id) => AVal::Const { k: Konst::I32(addr), buf: super::fold::buf_id(id) },
                    None => args[0],
                },
                _ => args[0],
            })),
            InlineSelf => {
                // Past the budget, a site answers no: the call through the
                // request's own slot, which is exact.
                let room = self.self_sites < self.max_self_sites
                    && self.ctxs.len() < super::self_calls::MAX_SELF_INLINING_CONTEXTS;
                let (yes, new) = self.inline_site((*ctx, gblock), args[0].as_const().is_some(), room);
                if new {
                    self.self_sites += 1;
                }
                Ok(Some(AVal::konst(Konst::I32(u32::from(yes)))))
            }
            OwnSlot => match self.own_slot {
                Some(slot) => {
                    self.self_calls_reached += 1;
                    Ok(Some(AVal::konst(Konst::I32(slot))))
                }
                None => Err("own.slot: the request has no fixed table slot".to_string()),
            },
            KnownEq => {
                let known = matches!((args[0].as_const(), args[1].as_const()),
                    (Some(a), Some(b)) if a.as_u64() as u32 == b.as_u64() as u32);
                // Past the budget, a site answers no: the call stays a call,
                // which is exact; nested inlining cannot grow without bound.
                let room = self.ctxs.len() < super::inline::MAX_INLINING_CONTEXTS;
                let (yes, _) = self.inline_site((*ctx, gblock), known, room);
                Ok(Some(AVal::konst(Konst::I32(u32::from(yes)))))
            }
            TraceLine | Print | ContextBucket | ReachableAtDepth | AssertSpecialized
            | AssertConstMemory => Ok(None),
            PushStack | SyncStack | ReadStack | WriteStack | PopStack | ReadLocal | WriteLocal => {
                let result = self.eval_slot(sb, intrinsic, op, args, tys, walk);
                self.forget_under_slots(walk);
                if matches!(intrinsic, PushStack | WriteStack | WriteLocal) {
                    // Written through memory when the slot is not cached.
                    self.forget_written_slot(args[0], walk);
                }
                result
            }
        }
    }

    /// Whether the inlining site `site` (`known.eq`, `inline.self`) takes
    /// the inlined path: it can (`possible`), inlining is on, and either the
    /// site said yes before or the budgets have `room` for one more (the
    /// per-request site count included). Also whether it is a new site.
    fn inline_site(&mut self, site: (CtxId, Block), possible: bool, room: bool) -> (bool, bool) {
        if !possible || !self.request_inlining {
            return (false, false);
        }
        if self.inlined_calls.contains(&site) {
            return (true, false);
        }
        if !room || self.inlined_calls.len() >= super::inline::MAX_INLINED_CALLS {
            return (false, false);
        }
        self.inlined_calls.insert(site);
        (true, true)
    }

    fn eval_terminator(&mut self, sb: Block, gblock: Block, walk: &mut Walk) -> Result<ATerm, String> {
        let term = self.g.blocks[gblock].terminator.clone();
        if matches!(term, Terminator::Return { .. }) {
            // The caller sees the frame in memory.
            self.flush(sb, walk);
        }
        let walk = &*walk;
        Ok(match term {
            Terminator::Br { target } => ATerm::Br(self.edge(&target, walk)?),
            Terminator::CondBr { cond, if_true, if_false } => match self.lookup(&walk.env, cond)? {
                AVal::Const { k, .. } => {
                    let target = if k.as_u64() != 0 { &if_true } else { &if_false };
                    ATerm::Br(self.edge(target, walk)?)
                }
                other => {
                    let cond_value = self.value_in(sb, other);
                    let facts = ranges::branch_facts(self.g, cond, &walk.env);
                    let (taken, not_taken) = match facts {
                        Some((x, t, f)) => (t.map(|r| (x, r)), f.map(|r| (x, r))),
                        None => (None, None),
                    };
                    // The edge where an equality holds knows memory better.
                    let refined = refine::equality(self.g, cond, &walk.env).and_then(|eq| {
                        let x = self.lookup(&walk.env, eq.x).ok()?;
                        let masked = eq
                            .masked
                            .and_then(|(y, mask)| Some((self.lookup(&walk.env, y).ok()?, mask)))
                            .or_else(|| refine::masked_in(&self.s, x));
                        refine::refined(&walk.extras, x, eq.k, masked).map(|extras| (extras, eq.on_taken))
                    });
                    let on = |taken: bool| refined.as_ref().filter(|r| r.1 == taken).map(|r| &r.0);
                    let t = self.edge_knowing(&if_true, walk, taken, on(true))?;
                    let f = self.edge_knowing(&if_false, walk, not_taken, on(false))?;
                    ATerm::CondBr(cond_value, t, f)
                }
            },
            Terminator::Select { value, targets, default } => match self.lookup(&walk.env, value)? {
                AVal::Const { k, .. } => {
                    let target = targets.get(k.as_u64() as usize).unwrap_or(&default);
                    ATerm::Br(self.edge(target, walk)?)
                }
                other => {
                    let index = self.value_in(sb, other);
                    let mut edges = Vec::with_capacity(targets.len());
                    for target in &targets {
                        edges.push(self.edge(target, walk)?);
                    }
                    let default = self.edge(&default, walk)?;
                    ATerm::Select(index, edges, default)
                }
            },
            Terminator::Return { values } => {
                let mut out = Vec::with_capacity(values.len());
                for v in values {
                    let a = self.lookup(&walk.env, v)?;
                    out.push(self.value_in(sb, a));
                }
                ATerm::Return(out)
            }
            Terminator::Unreachable => ATerm::Unreachable,
            Terminator::None => return Err("internal: a generic block has no terminator".into()),
        })
    }

    /// Build the edge for a generic branch target, splitting it when a pinned
    /// parameter receives a select of constants or a fan-out.
    fn edge(&mut self, target: &BlockTarget, walk: &Walk) -> Result<Edge, String> {
        self.edge_knowing(target, walk, None, None)
    }

    /// [`Self::edge`], where taking the edge proves generic value `x` lies
    /// in a range (`ranges::branch_facts`), and memory holds what `extras`
    /// says when given (`refine.rs`).
    fn edge_knowing(
        &mut self,
        target: &BlockTarget,
        walk: &Walk,
        fact: Option<(Value, (u64, u64))>,
        extras: Option<&Extras>,
    ) -> Result<Edge, String> {
        let mut args = Vec::with_capacity(target.args.len());
        for &a in &target.args {
            let mut arg = self.lookup(&walk.env, a)?;
            if let Some((x, (lo, hi))) = fact {
                if self.g.resolve_alias(a) == x {
                    if let AVal::Runtime(v) | AVal::Ranged { value: v, .. } = arg {
                        arg = ranges::ranged(arg, v, lo, hi);
                    }
                }
            }
            args.push(arg);
        }
        let out = Out {
            ctx: walk.ctx,
            arrived: walk.arrived,
            extras: extras.unwrap_or(&walk.extras),
            dirty: &walk.dirty,
            from: walk.gblock,
            gargs: &target.args,
        };
        self.edge_with(&out, target.block, args)
    }

    fn edge_with(&mut self, out: &Out<'_>, gtarget: Block, args: Vec<AVal>) -> Result<Edge, String> {
        let ctx = out.ctx;
        for (i, a) in args.iter().enumerate() {
            if !self.pins.contains_key(&(gtarget, i)) {
                continue;
            }
            match *a {
                AVal::Choice { tree, .. } => {
                    return self.split_choice(out, gtarget, &args, i, tree);
                }
                AVal::Fanout { v, lo, hi, exhaustive } => {
                    let split = self.s.add_block();
                    let lo_value = self.emit_op(split, Operator::I32Const { value: lo }, &[], &[Type::I32]);
                    let index = self.emit_op(split, Operator::I32Sub, &[v, lo_value], &[Type::I32]);
                    let mut edges = Vec::new();
                    for k in lo..=hi {
                        let mut a2 = args.clone();
                        a2[i] = AVal::konst(Konst::I32(k));
                        edges.push(self.edge_with(out, gtarget, a2)?);
                    }
                    // Exhaustive: `v` is in the range, the last value is
                    // the default; otherwise other values continue as `v`.
                    let default = match edges.pop() {
                        Some(last) if exhaustive => last,
                        last => {
                            edges.extend(last);
                            let mut rest = args.clone();
                            rest[i] = AVal::Runtime(v);
                            self.edge_with(out, gtarget, rest)?
                        }
                    };
                    self.terms.insert(split, ATerm::Select(index, edges, default));
                    return Ok(Edge::to_split(split));
                }
                _ => {}
            }
        }
        let mut pinned: Vec<(usize, Konst)> = Vec::new();
        let mut args = args;
        for i in 0..args.len() {
            let Some(&low32) = self.pins.get(&(gtarget, i)) else { continue };
            let Some(mut k) = args[i].as_const() else { continue };
            if let (true, Konst::I64(v)) = (low32, k) {
                // Nothing observes the high bits (`demanded.rs`).
                k = Konst::I64(u64::from(v as u32));
                args[i] = AVal::konst(k);
            }
            // Widening: a parameter that keeps arriving with new constants
            // in the same place (a counter, not a PC) stops being keyed.
            let seen = self.pin_values.entry((ctx, gtarget, i)).or_default();
            if seen.contains(&k) || seen.len() < self.limits.max_pin_values {
                seen.insert(k);
                pinned.push((i, k));
            }
        }
        let cells = self.pinned_cells_of(ctx, gtarget, out.extras);
        let arrived = arrival::for_edge(self.loop_headers, gtarget, ctx, out.arrived);
        let key = Key { ctx, gblock: gtarget, pinned, cells, arrived };
        let target = self.block_for(key, &args, out)?;
        let (extras, dirty) = self.edge_state.share(out.extras, out.dirty);
        Ok(Edge { target, args, extras, dirty })
    }

    /// A choice as a runtime value of block `sb`: nested `select`s of its
    /// constants.
    fn materialize_choice(&mut self, sb: Block, tree: ChoiceId) -> Value {
        match self.choices.node(tree) {
            Node::Leaf(k) => self.value_in(sb, k),
            Node::Branch { cond, t, f } => {
                let (t, f) = (self.materialize_choice(sb, t), self.materialize_choice(sb, f));
                let ty = self.s.values[t].ty(&self.s.type_pool).unwrap_or(Type::I32);
                self.emit_op(sb, Operator::Select, &[t, f, cond], &[ty])
            }
        }
    }

    /// The edge for a choice passed to pinned parameter `i`: a constant
    /// continues directly, a branch becomes a split block that branches on
    /// its condition.
    fn split_choice(
        &mut self,
        out: &Out<'_>,
        gtarget: Block,
        args: &[AVal],
        i: usize,
        tree: ChoiceId,
    ) -> Result<Edge, String> {
        match self.choices.node(tree) {
            Node::Leaf(k) => {
                let mut with = args.to_vec();
                with[i] = k;
                self.edge_with(out, gtarget, with)
            }
            Node::Branch { cond, t, f } => {
                let split = self.s.add_block();
                let te = self.split_choice(out, gtarget, args, i, t)?;
                let fe = self.split_choice(out, gtarget, args, i, f)?;
                self.terms.insert(split, ATerm::CondBr(cond, te, fe));
                Ok(Edge::to_split(split))
            }
        }
    }

    /// The specialized block for `key`, created or with `args` met into its
    /// entry state (queued again when the state changed).
    fn block_for(&mut self, key: Key, args: &[AVal], out: &Out<'_>) -> Result<Block, String> {
        let (extras, dirty) = (out.extras, out.dirty);
        if let Some(&block) = self.keys.get(&key) {
            if self.meet(block, args, out) {
                self.work.insert(block);
            }
            return Ok(block);
        }
        let block = self.s.add_block();
        // What `--dump-ir` shows after the block's name: where it came from.
        if self.describe_blocks {
            self.s.blocks[block].desc = match key.arrived {
                Some(from) => {
                    format!("{} @ {} from {}", key.gblock, self.ctxs.describe(key.ctx), self.ctxs.describe(from))
                }
                None => format!("{} @ {}", key.gblock, self.ctxs.describe(key.ctx)),
            };
        }
        let g = self.g;
        let n = g.blocks[key.gblock].params.len();
        let mut keyed = Keyed {
            key: key.clone(),
            params: vec![None; n],
            state: Vec::with_capacity(n),
            extras: Extras::new(),
            origins: FxHashMap::default(),
            dirty: dirty.clone(),
            extra_params: vec![],
            param_order: Vec::new(),
        };
        for i in 0..n {
            let entry = match args.get(i).copied() {
                Some(k @ AVal::Const { .. }) => k,
                incoming => entry_value(incoming, generic_param(&mut self.s, g, block, &mut keyed, i)),
            };
            keyed.state.push(entry);
        }
        for (i, &a) in args.iter().enumerate() {
            if self.pins.contains_key(&(key.gblock, i)) {
                let first = why::Incoming { value: a, garg: out.gargs.get(i).copied(), from: out.from };
                keyed.origins.insert(i, (first, None));
            }
        }
        // In key order, so the map is built in one pass, not by inserts.
        let mut entries = Vec::with_capacity(extras.len());
        for (&extra, &a) in extras {
            let entry = match a {
                AVal::Const { .. } => a,
                _ => entry_value(Some(a), extra_param(&mut self.s, block, &mut keyed, extra)),
            };
            entries.push((extra, entry));
        }
        keyed.extras = entries.into_iter().collect();
        self.keyed.insert(block, keyed);
        self.keys.insert(key, block);
        self.work.insert(block);
        self.check_budget()?;
        Ok(block)
    }

    fn meet(&mut self, block: Block, args: &[AVal], out: &Out<'_>) -> bool {
        let (extras, dirty) = (out.extras, out.dirty);
        let Some(keyed) = self.keyed.get_mut(&block) else { return false };
        let mut changed = false;
        // A slot pending on every incoming edge stays pending; the others
        // are stored on the edges that still have them pending.
        if !keyed.dirty.is_subset(dirty) {
            keyed.dirty.retain(|k| dirty.contains(k));
            changed = true;
        }
        // A symbolic address that meets into a runtime value escapes
        // (`memfacts.rs`): nothing tracks where the runtime value goes.
        let mut escaped: Vec<(u32, i64)> = Vec::new();
        let mut note_escape = |cur: AVal, incoming: AVal, met: AVal| {
            if !matches!(met, AVal::Addr { .. }) {
                for a in [cur, incoming] {
                    if let AVal::Addr { root, off, .. } = a {
                        escaped.push((root, off));
                    }
                }
            }
        };
        let g = self.g;
        for i in 0..keyed.state.len() {
            let cur = keyed.state[i];
            // A missing argument is unknown: the parameter at run time.
            let incoming = match args.get(i).copied() {
                Some(a) => a,
                None => AVal::Runtime(generic_param(&mut self.s, g, block, keyed, i)),
            };
            if let Some(met) = meet_one(cur, incoming) {
                let met = met.with_param(|| generic_param(&mut self.s, g, block, keyed, i));
                note_escape(cur, incoming, met);
                if let Some(origin) = keyed.origins.get_mut(&i) {
                    let (garg, from) = (out.gargs.get(i).copied(), out.from);
                    origin.1.get_or_insert(why::Incoming { value: incoming, garg, from });
                }
                keyed.state[i] = met;
                changed = true;
            }
        }
        // Both sides' extras, in order (a set without the allocation).
        let mut names: SmallVec<[Extra; 16]> = keyed.extras.keys().chain(extras.keys()).copied().collect();
        names.sort_unstable();
        names.dedup();
        for extra in names {
            let (cur, incoming) = (keyed.extras.get(&extra).copied(), extras.get(&extra).copied());
            // A cell the edge knows under its twin type: the same bits
            // (`convert::twin`; `finalize.rs` converts on the edge).
            let incoming = incoming.or_else(|| twin_fact(extras, extra));
            let (cur, incoming) = match extra {
                Extra::Reg(_) => (cur.unwrap_or(REG_DEFAULT), incoming.unwrap_or(REG_DEFAULT)),
                // A slot cached on one side only is in memory on the other:
                // forget the cached value (a pending slot is cached, so the
                // intersection above already dropped it from `dirty`).
                _ => match (cur, incoming) {
                    (Some(c), Some(i)) => (c, i),
                    (Some(_), None) => {
                        keyed.extras.remove(&extra);
                        changed = true;
                        continue;
                    }
                    _ => continue,
                },
            };
            if let Some(met) = meet_one(cur, incoming) {
                let met = met.with_param(|| match cur {
                    AVal::Runtime(p) | AVal::Addr { value: p, .. } => p,
                    _ => extra_param(&mut self.s, block, keyed, extra),
                });
                note_escape(cur, incoming, met);
                keyed.extras.insert(extra, met);
                changed = true;
            }
        }
        for (root, off) in escaped {
            if super::memfacts::escape_reaches_frame(&keyed.extras, root, off)
                && keyed.extras.remove(&Extra::Private(root)).is_some()
            {
                changed = true;
            }
        }
        changed
    }
}

/// What `extras` know of the bytes of `extra`, a memory cell, under its
/// twin type (`convert::twin`), as a value for `extra`: a constant with
/// its bits, a runtime value of the twin's type as it is (a join only asks
/// whether it is a constant; the edge converts it, `finalize.rs`).
pub(super) fn twin_fact(extras: &Extras, extra: Extra) -> Option<AVal> {
    let Extra::Mem(key) = extra else { return None };
    let (other, _) = super::convert::twin(key.cell)?;
    match *extras.get(&Extra::Mem(MemKey { cell: other, ..key }))? {
        AVal::Const { k, .. } => Some(AVal::konst(super::convert::twin_const(key.cell, k))),
        AVal::Addr { .. } => None,
        a => Some(a),
    }
}

/// Where an edge leaves from: the context and state after the block.
struct Out<'w> {
    ctx: CtxId,
    arrived: Option<CtxId>,
    extras: &'w Extras,
    dirty: &'w BTreeSet<SlotKey>,
    /// The generic source block and branch arguments, for diagnostics.
    from: Block,
    gargs: &'w [Value],
}

impl Edge {
    /// The edge into a split block, which reads its source's values and
    /// passes the pending stores on along its own edges.
    fn to_split(split: Block) -> Edge {
        Edge { target: split, args: vec![], extras: Rc::default(), dirty: Rc::default() }
    }
}

/// The entry value of a new block's parameter `p` given the first
/// incoming value: constants stay, symbolic addresses keep their symbol.
fn entry_value(incoming: Option<AVal>, p: Value) -> AVal {
    match incoming {
        Some(a @ AVal::Const { .. }) => a,
        Some(AVal::Addr { root, off, .. }) if !is_outside_root(root) => AVal::Addr { value: p, root, off },
        Some(AVal::Ranged { lo, hi, .. }) => AVal::Ranged { value: p, lo, hi },
        _ => AVal::Runtime(p),
    }
}

/// What meeting a new incoming value into a state gives, before the
/// parameter that carries it at run time is known.
#[derive(Clone, Copy)]
enum Met {
    Ranged { lo: u64, hi: u64 },
    Runtime,
}

impl Met {
    /// The new state, carried by the parameter `param` makes (called only
    /// here: a parameter is created only for a state that changed).
    fn with_param(self, param: impl FnOnce() -> Value) -> AVal {
        match self {
            Met::Ranged { lo, hi } => AVal::Ranged { value: param(), lo, hi },
            Met::Runtime => AVal::Runtime(param()),
        }
    }
}

/// Meet `incoming` into `cur`; `Some(new)` when it changed.
fn meet_one(cur: AVal, incoming: AVal) -> Option<Met> {
    match (cur, incoming) {
        (AVal::Runtime(_), _) => None,
        (AVal::Const { .. }, AVal::Const { .. }) if cur == incoming => None,
        (AVal::Addr { root, off, .. }, AVal::Addr { root: r2, off: o2, .. })
            if root == r2 && off == o2 =>
        {
            None
        }
        (AVal::Ranged { lo, hi, .. }, AVal::Ranged { lo: l2, hi: h2, .. }) if lo == l2 && hi == h2 => None,
        // A constant inside the range keeps the range: the first trip
        // through a loop (constants) meets the later ones (`x & 3`).
        (AVal::Ranged { lo, hi, .. }, AVal::Const { k, .. }) if (lo..=hi).contains(&k.as_u64()) => None,
        (AVal::Const { k, .. }, AVal::Ranged { lo, hi, .. }) if (lo..=hi).contains(&k.as_u64()) => {
            Some(Met::Ranged { lo, hi })
        }
        _ => Some(Met::Runtime),
    }
}

/// The block parameter carrying generic parameter `i` into `block`,
/// created on first use.
fn generic_param(s: &mut FunctionBody, g: &FunctionBody, block: Block, keyed: &mut Keyed, i: usize) -> Value {
    if let Some(p) = keyed.params[i] {
        return p;
    }
    let ty = g.blocks[keyed.key.gblock].params[i].0;
    let p = s.add_blockparam(block, ty);
    keyed.params[i] = Some(p);
    keyed.param_order.push(ParamOf::Generic(i));
    p
}

/// The block parameter carrying `extra` into `block`, created on first use.
fn extra_param(s: &mut FunctionBody, block: Block, keyed: &mut Keyed, extra: Extra) -> Value {
    if let Some(&(_, p)) = keyed.extra_params.iter().find(|(e, _)| *e == extra) {
        return p;
    }
    let p = s.add_blockparam(block, extra.ty());
    keyed.extra_params.push((extra, p));
    keyed.param_order.push(ParamOf::Extra(extra));
    p
}
