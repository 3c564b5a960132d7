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

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use waffle::{Block, BlockTarget, FunctionBody, Operator, Terminator, Type, Value, ValueDef};

use super::util::called_intrinsic;
use super::fold::{self, Buffer};
use super::prepare::Pins;
use super::state::{AVal, Contexts, CtxId, Konst, Regs, REG_DEFAULT, ROOT};
use super::Limits;
use crate::intrinsics::Intrinsic;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub ctx: CtxId,
    pub gblock: Block,
    pub pinned: Vec<(usize, Konst)>,
}

/// One control-flow edge, abstractly: values are resolved to specialized
/// values (constants materialised) when terminators are built.
#[derive(Clone, Debug)]
pub struct Edge {
    pub target: Block,
    pub args: Vec<AVal>,
    pub regs: Regs,
}

#[derive(Clone, Debug)]
pub enum ATerm {
    Br(Edge),
    CondBr(Value, Edge, Edge),
    Select(Value, Vec<Edge>, Edge),
    Return(Vec<Value>),
    Unreachable,
}

/// A specialized block made for a key.
pub struct Keyed {
    pub key: Key,
    /// Specialized parameters, one per generic parameter.
    pub params: Vec<Value>,
    pub state: Vec<AVal>,
    pub regs: Regs,
    /// Register parameters in creation order.
    pub reg_params: Vec<(u64, Value)>,
}

pub struct Engine<'a> {
    pub g: &'a FunctionBody,
    pins: &'a Pins,
    intrinsics: &'a HashMap<u32, Intrinsic>,
    globals: &'a [Konst],
    buffers: &'a [Buffer],
    limits: &'a Limits,
    pub s: FunctionBody,
    pub ctxs: Contexts,
    pub keyed: HashMap<Block, Keyed>,
    keys: HashMap<Key, Block>,
    /// Abstract terminators of keyed and edge blocks.
    pub terms: HashMap<Block, ATerm>,
    work: BTreeSet<Block>,
    started: Instant,
    pub processed: usize,
    pub emitted: usize,
}

type Env = HashMap<Value, AVal>;

impl<'a> Engine<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        g: &'a FunctionBody,
        pins: &'a Pins,
        intrinsics: &'a HashMap<u32, Intrinsic>,
        globals: &'a [Konst],
        buffers: &'a [Buffer],
        limits: &'a Limits,
        entry_state: Vec<AVal>,
    ) -> Result<Self, String> {
        // The specialized function: same signature, entry params = args.
        let mut s = FunctionBody { n_params: g.n_params, rets: g.rets.clone(), ..Default::default() };
        for i in 0..g.n_params {
            s.locals.push(g.locals[waffle::Local::from(i as u32)]);
        }
        let entry = s.add_block();
        s.entry = entry;
        let mut params = Vec::new();
        let mut state = Vec::new();
        for (i, &(ty, _)) in g.blocks[g.entry].params.iter().enumerate() {
            let p = s.add_blockparam(entry, ty);
            params.push(p);
            state.push(match entry_state.get(i) {
                Some(a @ AVal::Const { .. }) => *a,
                _ => AVal::Runtime(p),
            });
        }
        let key = Key { ctx: ROOT, gblock: g.entry, pinned: vec![] };
        let mut engine = Engine {
            g,
            pins,
            intrinsics,
            globals,
            buffers,
            limits,
            s,
            ctxs: Contexts::default(),
            keyed: HashMap::new(),
            keys: HashMap::new(),
            terms: HashMap::new(),
            work: BTreeSet::new(),
            started: Instant::now(),
            processed: 0,
            emitted: 0,
        };
        engine.keys.insert(key.clone(), entry);
        engine.keyed.insert(entry, Keyed { key, params, state, regs: Regs::new(), reg_params: vec![] });
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
            self.process(block)?;
        }
        Ok(())
    }

    fn check_budget(&self) -> Result<(), String> {
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

    fn emit(&mut self, block: Block, op: Operator, args: &[Value], tys: &[Type]) -> Value {
        self.emitted += 1;
        self.s.add_op(block, op, args, tys)
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
                self.emit(block, op, &[], &[k.ty()])
            }
            AVal::Runtime(v) | AVal::Select { value: v, .. } | AVal::Fanout { v, .. } => v,
        }
    }

    fn describe(&self, ctx: CtxId, gblock: Block) -> String {
        format!("generic {gblock}, context {}", self.ctxs.describe(ctx))
    }

    fn process(&mut self, sb: Block) -> Result<(), String> {
        let (key, state, regs) = {
            let k = &self.keyed[&sb];
            (k.key.clone(), k.state.clone(), k.regs.clone())
        };
        self.s.blocks[sb].insts.clear();
        let g = self.g;
        let gblock = key.gblock;
        let mut env: Env = HashMap::new();
        for (i, &(_, gp)) in g.blocks[gblock].params.iter().enumerate() {
            env.insert(gp, state[i]);
        }
        let mut regs = regs;
        let mut ctx = key.ctx;
        for &inst in &g.blocks[gblock].insts {
            let value = self.eval_inst(sb, inst, &mut env, &mut regs, &mut ctx)?;
            if let Some(value) = value {
                env.insert(inst, value);
            }
        }
        let term = self.eval_terminator(sb, gblock, &env, &regs, ctx)?;
        self.terms.insert(sb, term);
        self.check_budget()
    }

    fn lookup(&self, env: &Env, v: Value) -> Result<AVal, String> {
        let v = self.g.resolve_alias(v);
        env.get(&v).copied().ok_or_else(|| format!("internal: value {v} is not available here"))
    }

    fn eval_inst(
        &mut self,
        sb: Block,
        inst: Value,
        env: &mut Env,
        regs: &mut Regs,
        ctx: &mut CtxId,
    ) -> Result<Option<AVal>, String> {
        let g = self.g;
        match &g.values[inst] {
            ValueDef::Operator(op, args, tys) => {
                let arg_values: Vec<Value> = g.arg_pool[*args].to_vec();
                let mut avals = Vec::with_capacity(arg_values.len());
                for &a in &arg_values {
                    avals.push(self.lookup(env, a)?);
                }
                let tys: Vec<Type> = g.type_pool[*tys].to_vec();
                if let Some(intrinsic) = called_intrinsic(g, self.intrinsics, inst) {
                    return self.eval_intrinsic(sb, intrinsic, op, &avals, &tys, regs, ctx);
                }
                if matches!(op, Operator::Nop) {
                    return Ok(None);
                }
                if matches!(op, Operator::Select | Operator::TypedSelect { .. }) {
                    if let Some(cond) = avals[2].as_const() {
                        return Ok(Some(if cond.as_u64() != 0 { avals[0] } else { avals[1] }));
                    }
                    let vals: Vec<Value> = avals.iter().map(|&a| self.value_in(sb, a)).collect();
                    let value = self.emit(sb, op.clone(), &vals, &tys);
                    if let (Some(t), Some(f)) = (avals[0].as_const(), avals[1].as_const()) {
                        return Ok(Some(AVal::Select { cond: vals[2], t, f, value }));
                    }
                    return Ok(Some(AVal::Runtime(value)));
                }
                if avals.len() == 1 {
                    if let Some(loaded) = fold::fold_load(op, avals[0], self.buffers) {
                        return Ok(Some(loaded));
                    }
                }
                if op.is_pure() && tys.len() == 1 {
                    if let Some(folded) = fold::fold(op, &avals) {
                        return Ok(Some(folded));
                    }
                }
                let vals: Vec<Value> = avals.iter().map(|&a| self.value_in(sb, a)).collect();
                let value = self.emit(sb, op.clone(), &vals, &tys);
                Ok(Some(AVal::Runtime(value)))
            }
            ValueDef::PickOutput(from, index, ty) => {
                let from = self.lookup(env, *from)?;
                let AVal::Runtime(from) = from else {
                    return Err("internal: multi-value result is not a runtime value".into());
                };
                let value = self.s.add_value(ValueDef::PickOutput(from, *index, *ty));
                self.s.append_to_block(sb, value);
                Ok(Some(AVal::Runtime(value)))
            }
            ValueDef::Alias(to) => Ok(Some(self.lookup(env, *to)?)),
            other => Err(format!("internal: unexpected value definition {other:?} in a block")),
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
        regs: &mut Regs,
        ctx: &mut CtxId,
    ) -> Result<Option<AVal>, String> {
        use Intrinsic::*;
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
                Ok(Some(regs.get(&reg).copied().unwrap_or(REG_DEFAULT)))
            }
            WriteReg => {
                let reg = constant(args[0], "the register index of write.reg", self, *ctx)?;
                regs.insert(reg, args[1]);
                Ok(None)
            }
            SpecializeValue => {
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
                        Ok(Some(AVal::Fanout { v, lo, hi }))
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
            TraceLine | Print | ContextBucket | ReachableAtDepth | AssertSpecialized
            | AssertConstMemory => Ok(None),
            // Stack and local slots keep their memory meaning here; the call
            // is lowered to loads and stores when the module is written.
            PushStack | SyncStack | ReadStack | WriteStack | PopStack | ReadLocal | WriteLocal => {
                let vals: Vec<Value> = args.iter().map(|&a| self.value_in(sb, a)).collect();
                let value = self.emit(sb, op.clone(), &vals, tys);
                Ok((tys.len() == 1).then_some(AVal::Runtime(value)))
            }
        }
    }

    fn eval_terminator(
        &mut self,
        sb: Block,
        gblock: Block,
        env: &Env,
        regs: &Regs,
        ctx: CtxId,
    ) -> Result<ATerm, String> {
        let term = self.g.blocks[gblock].terminator.clone();
        Ok(match term {
            Terminator::Br { target } => ATerm::Br(self.edge(sb, ctx, &target, env, regs)?),
            Terminator::CondBr { cond, if_true, if_false } => match self.lookup(env, cond)? {
                AVal::Const { k, .. } => {
                    let target = if k.as_u64() != 0 { &if_true } else { &if_false };
                    ATerm::Br(self.edge(sb, ctx, target, env, regs)?)
                }
                other => {
                    let cond = self.value_in(sb, other);
                    let t = self.edge(sb, ctx, &if_true, env, regs)?;
                    let f = self.edge(sb, ctx, &if_false, env, regs)?;
                    ATerm::CondBr(cond, t, f)
                }
            },
            Terminator::Select { value, targets, default } => match self.lookup(env, value)? {
                AVal::Const { k, .. } => {
                    let target = targets.get(k.as_u64() as usize).unwrap_or(&default);
                    ATerm::Br(self.edge(sb, ctx, target, env, regs)?)
                }
                other => {
                    let index = self.value_in(sb, other);
                    let mut edges = Vec::with_capacity(targets.len());
                    for target in &targets {
                        edges.push(self.edge(sb, ctx, target, env, regs)?);
                    }
                    let default = self.edge(sb, ctx, &default, env, regs)?;
                    ATerm::Select(index, edges, default)
                }
            },
            Terminator::Return { values } => {
                let mut out = Vec::with_capacity(values.len());
                for v in values {
                    let a = self.lookup(env, v)?;
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
    fn edge(
        &mut self,
        src: Block,
        ctx: CtxId,
        target: &BlockTarget,
        env: &Env,
        regs: &Regs,
    ) -> Result<Edge, String> {
        let mut args = Vec::with_capacity(target.args.len());
        for &a in &target.args {
            args.push(self.lookup(env, a)?);
        }
        self.edge_with(src, ctx, target.block, args, regs)
    }

    fn edge_with(
        &mut self,
        src: Block,
        ctx: CtxId,
        gtarget: Block,
        args: Vec<AVal>,
        regs: &Regs,
    ) -> Result<Edge, String> {
        for (i, a) in args.iter().enumerate() {
            if !self.pins.contains(&(gtarget, i)) {
                continue;
            }
            match *a {
                AVal::Select { cond, t, f, .. } => {
                    let split = self.s.add_block();
                    let with = |k: Konst| {
                        let mut args = args.clone();
                        args[i] = AVal::konst(k);
                        args
                    };
                    let (ta, fa) = (with(t), with(f));
                    let te = self.edge_with(split, ctx, gtarget, ta, regs)?;
                    let fe = self.edge_with(split, ctx, gtarget, fa, regs)?;
                    self.terms.insert(split, ATerm::CondBr(cond, te, fe));
                    return Ok(Edge { target: split, args: vec![], regs: Regs::new() });
                }
                AVal::Fanout { v, lo, hi } => {
                    let split = self.s.add_block();
                    let lo_value = self.emit(split, Operator::I32Const { value: lo }, &[], &[Type::I32]);
                    let index = self.emit(split, Operator::I32Sub, &[v, lo_value], &[Type::I32]);
                    let mut edges = Vec::new();
                    for k in lo..=hi {
                        let mut a2 = args.clone();
                        a2[i] = AVal::konst(Konst::I32(k));
                        edges.push(self.edge_with(split, ctx, gtarget, a2, regs)?);
                    }
                    let mut rest = args.clone();
                    rest[i] = AVal::Runtime(v);
                    let default = self.edge_with(split, ctx, gtarget, rest, regs)?;
                    self.terms.insert(split, ATerm::Select(index, edges, default));
                    return Ok(Edge { target: split, args: vec![], regs: Regs::new() });
                }
                _ => {}
            }
        }
        let pinned: Vec<(usize, Konst)> = args
            .iter()
            .enumerate()
            .filter(|(i, _)| self.pins.contains(&(gtarget, *i)))
            .filter_map(|(i, a)| a.as_const().map(|k| (i, k)))
            .collect();
        let key = Key { ctx, gblock: gtarget, pinned };
        let _ = src;
        let target = self.block_for(key, &args, regs)?;
        Ok(Edge { target, args, regs: regs.clone() })
    }

    /// The specialized block for `key`, created or with `args` met into its
    /// entry state (queued again when the state changed).
    fn block_for(&mut self, key: Key, args: &[AVal], regs: &Regs) -> Result<Block, String> {
        if let Some(&block) = self.keys.get(&key) {
            if self.meet(block, args, regs) {
                self.work.insert(block);
            }
            return Ok(block);
        }
        let block = self.s.add_block();
        let g = self.g;
        let mut params = Vec::new();
        let mut state = Vec::new();
        for (i, &(ty, _)) in g.blocks[key.gblock].params.iter().enumerate() {
            let p = self.s.add_blockparam(block, ty);
            params.push(p);
            state.push(match args.get(i) {
                Some(a @ AVal::Const { .. }) => *a,
                _ => AVal::Runtime(p),
            });
        }
        let mut keyed = Keyed { key: key.clone(), params, state, regs: Regs::new(), reg_params: vec![] };
        for (&reg, &a) in regs {
            let entry = match a {
                AVal::Const { .. } => a,
                _ => AVal::Runtime(reg_param(&mut self.s, block, &mut keyed, reg)),
            };
            keyed.regs.insert(reg, entry);
        }
        self.keyed.insert(block, keyed);
        self.keys.insert(key, block);
        self.work.insert(block);
        self.check_budget()?;
        Ok(block)
    }

    fn meet(&mut self, block: Block, args: &[AVal], regs: &Regs) -> bool {
        let Some(keyed) = self.keyed.get_mut(&block) else { return false };
        let mut changed = false;
        for (i, cur) in keyed.state.iter_mut().enumerate() {
            let incoming = args.get(i).copied().unwrap_or(AVal::Runtime(keyed.params[i]));
            let same = matches!((*cur, incoming), (AVal::Const { .. }, AVal::Const { .. }) if *cur == incoming);
            if !same && !matches!(cur, AVal::Runtime(_)) {
                *cur = AVal::Runtime(keyed.params[i]);
                changed = true;
            }
        }
        let names: std::collections::BTreeSet<u64> = keyed.regs.keys().chain(regs.keys()).copied().collect();
        for reg in names {
            let cur = keyed.regs.get(&reg).copied().unwrap_or(REG_DEFAULT);
            let incoming = regs.get(&reg).copied().unwrap_or(REG_DEFAULT);
            if matches!(cur, AVal::Runtime(_)) {
                continue;
            }
            let same = matches!((cur, incoming), (AVal::Const { .. }, AVal::Const { .. }) if cur == incoming);
            if !same {
                let p = reg_param(&mut self.s, block, keyed, reg);
                keyed.regs.insert(reg, AVal::Runtime(p));
                changed = true;
            }
        }
        changed
    }
}

/// The block parameter carrying register `reg` into `block`, created on
/// first use.
fn reg_param(s: &mut FunctionBody, block: Block, keyed: &mut Keyed, reg: u64) -> Value {
    if let Some(&(_, p)) = keyed.reg_params.iter().find(|(r, _)| *r == reg) {
        return p;
    }
    let p = s.add_blockparam(block, Type::I64);
    keyed.reg_params.push((reg, p));
    p
}
