//! Inlining before specialization: threaded code and interpreter
//! trampolines become one function the engine can unroll.
//!
//! Interpreters in Wasm3's style run each bytecode operation as a function
//! that ends by tail-calling the next one through a pointer stored in the
//! compiled code. Per operation, the specializer would see an indirect call
//! to an unknown function and could specialize nothing across it. This
//! pass rewrites the requested function, once per function (it does not
//! depend on the request's constants), so that:
//!
//! - **Indirect tail calls become jumps to a dispatch block.** For a
//!   `return_call_indirect` of type `T` through table 0, every function of
//!   type `T` in the table (the *members*) is cloned into the body, and the
//!   tail call becomes a branch to a block that switches (`br_table`) on
//!   the table index: a member's slot goes to its clone's entry, any other
//!   slot to the original tail call (exact: it traps or calls as before).
//!   Members' own tail calls go to the same dispatch block, so a closed set
//!   of operations is cloned once, and a tail call is a jump, which is
//!   exactly what it means. When the engine knows the index (a handler
//!   pointer loaded from the bytecode, constant memory), the switch folds
//!   and the operation is specialized in the current context, its
//!   `update.context` continuing the unrolling.
//! - **Direct tail calls** to a member jump to its clone.
//! - **Calls of requests' specialized functions** (a bytecode CALL whose
//!   callee's table index is loaded from the callee's request result
//!   slot): a chain of guarded copies of the requests' functions with their
//!   constants (`request_chain`, and `crate::request_calls`).
//! - **Calls of the requested function by itself** with its own constants
//!   (`super::self_calls`): a few activations inlined, then a call of the
//!   request's own specialized function.
//! - **Direct calls of functions that reach a context intrinsic** (the
//!   trampoline that starts the first operation, or a wrapper), or that
//!   hold `read.reg`/`write.reg` (an accessor clang -Oz outlined; left a
//!   call, it would trap in generic code) are inlined: the callee's
//!   returns branch to the rest of the caller. Never a function that may
//!   call the requested one (recursion).
//!
//! Inlined code is the callee's own IR (lifted from the same module);
//! nothing is assumed about it. Only a table no instruction and no host can
//! change is trusted to name functions (`CallGraph::fixed_table`).
//!
//! **Budgets:** a callee of more than [`MAX_CALLEE_VALUES`] values is not
//! inlined, nor anything past [`MAX_TOTAL_VALUES`] cloned values per
//! function, nor a dispatch over a table of more than [`MAX_TABLE_SLOTS`]
//! slots; such a call stays what it was. Direct inlining nests at most
//! [`MAX_DEPTH`] deep.

use std::collections::HashMap;

use waffle::entity::EntityRef;
use waffle::{Block, BlockTarget, FunctionBody, Operator, Signature, Table, Terminator, Type, Value, ValueDef};
use wasmparser::FuncType;

use crate::callgraph::CallGraph;
use crate::intrinsics::Intrinsic;
use crate::ir::tailcall::TailTarget;
use crate::ir::IrModule;

pub const MAX_CALLEE_VALUES: usize = 4_000;
pub const MAX_TOTAL_VALUES: usize = 60_000;
pub const MAX_TABLE_SLOTS: usize = 4_096;
pub const MAX_DEPTH: usize = 4;
/// At most this many functions of an indirect call's type for a
/// (non-tail) indirect call to be inlined as a switch over them.
pub const MAX_INDIRECT_CANDIDATES: usize = 32;
/// How many activations of one function a chain of inlined request bodies
/// may hold (the requested function counts as one): a bytecode function
/// that calls itself is unrolled this deep minus one.
pub const MAX_REQUEST_NESTING: usize = 4;
/// Request chain sites one request may inline (`known.eq` answering yes in
/// distinct contexts); past it, calls stay calls.
pub const MAX_INLINED_CALLS: usize = 32;
/// No new site is inlined once the request has this many contexts: the
/// callees already entered finish, so the growth stops near here.
pub const MAX_INLINING_CONTEXTS: usize = 1_024;

/// Which functions of the table a dispatch clones.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Candidates {
    /// Tail calls: all of the type, when one of them reaches a context.
    Interpreter,
    /// An ordinary indirect call: all of the type, when there are few.
    Few,
}

#[derive(Clone, Copy)]
pub(super) enum CallSite {
    Direct(u32),
    /// `call_indirect` through table 0, by type index.
    Indirect(u32),
    /// The requested function calling itself with its own constants.
    SelfCall,
}

/// What the pass did, for `--stats`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Inlined {
    /// Function bodies cloned in (members and direct callees).
    pub bodies: usize,
    /// Tail calls turned into jumps.
    pub tail_calls: usize,
}

/// Where a cloned body's `return` goes.
#[derive(Clone, Copy)]
pub(super) enum Ret {
    /// It returns from the requested function (tail-call members of the
    /// requested function's own tail calls).
    Return,
    /// It branches to the caller's continuation with its results.
    Continue(Block),
}

/// One inlined activation: a body and the tail-call members reached from
/// it, all returning the same way.
pub(super) struct Instance {
    pub(super) ret: Ret,
    pub(super) members: HashMap<u32, Option<Block>>,
    pub(super) dispatch: HashMap<(u32, u32), Option<Block>>,
    pub(super) depth: usize,
    /// Functions inlined around this instance (no recursion).
    pub(super) stack: Vec<u32>,
    /// Its blocks: their `return`s become branches to the continuation
    /// once every tail call in them has been looked at.
    pub(super) blocks: Vec<Block>,
    /// The requested function's own parameters as this activation sees
    /// them: the function's at the top, an inlined self-call's entry
    /// parameters below it (`super::self_calls`); `None` elsewhere.
    pub(super) own_params: Option<Vec<Value>>,
}

pub fn inline_calls(
    body: &mut FunctionBody,
    func: u32,
    ir: &IrModule<'_>,
    graph: &CallGraph,
    intrinsics: &HashMap<u32, Intrinsic>,
    self_clones: bool,
) -> Inlined {
    let mut pass = Pass {
        body,
        func,
        ir,
        graph,
        intrinsics,
        instances: Vec::new(),
        cloned: 0,
        lifted: HashMap::new(),
        done: Inlined::default(),
        tried: Default::default(),
        pending: Default::default(),
        self_clones,
        self_positions: super::self_calls::self_positions(graph, func),
    };
    let blocks: Vec<Block> = pass.body.blocks.iter().collect();
    let own_params = pass.body.blocks[pass.body.entry].params.iter().map(|&(_, v)| v).collect();
    pass.instances.push(Instance {
        ret: Ret::Return,
        members: HashMap::new(),
        dispatch: HashMap::new(),
        depth: 0,
        stack: vec![func],
        blocks: blocks.clone(),
        own_params: Some(own_params),
    });
    pass.rewrite_sites(blocks, 0);
    while let Some((blocks, instance)) = pass.pending.pop_front() {
        pass.rewrite_sites(blocks, instance);
    }
    pass.connect_returns();
    pass.body.recompute_edges();
    pass.done
}

pub(super) struct Pass<'p, 'a> {
    pub(super) body: &'p mut FunctionBody,
    pub(super) func: u32,
    pub(super) ir: &'p IrModule<'a>,
    pub(super) graph: &'p CallGraph,
    intrinsics: &'p HashMap<u32, Intrinsic>,
    pub(super) instances: Vec<Instance>,
    cloned: usize,
    lifted: HashMap<u32, Option<FunctionBody>>,
    pub(super) done: Inlined,
    /// Calls already considered (a call left in place is not retried).
    tried: std::collections::HashSet<Value>,
    /// Inlined request bodies whose own calls are still to be looked at.
    pub(super) pending: std::collections::VecDeque<(Vec<Block>, usize)>,
    /// Self-calls get clones (`super::self_calls`); without, they only
    /// call the request's own function.
    pub(super) self_clones: bool,
    /// Where a self-call must pass the function's own parameters
    /// (`super::self_calls::self_positions`).
    pub(super) self_positions: Option<Vec<usize>>,
}

/// A tail call at the end of a block: `call M(args)` then `return` of
/// exactly its results.
struct TailSite {
    target: TailTarget,
    args: Vec<Value>,
    /// Index of the call in the block's instructions (everything from it
    /// on is dropped).
    at: usize,
}

impl Pass<'_, '_> {
    /// An inlined body's `return` continues in its caller.
    fn connect_returns(&mut self) {
        for instance in &self.instances {
            let Ret::Continue(cont) = instance.ret else { continue };
            for &b in &instance.blocks {
                if let Terminator::Return { values } = &self.body.blocks[b].terminator {
                    let target = BlockTarget { block: cont, args: values.clone() };
                    self.body.blocks[b].terminator = Terminator::Br { target };
                }
            }
        }
    }

    fn rewrite_sites(&mut self, blocks: Vec<Block>, instance: usize) {
        let mut work: Vec<(Block, usize)> = blocks.into_iter().map(|b| (b, instance)).collect();
        while let Some((block, inst)) = work.pop() {
            if let Some(site) = self.tail_site(block) {
                self.rewrite_tail(block, site, inst);
                continue;
            }
            if let Some((at, site)) = self.inlinable_call(block, inst) {
                match self.inline_call(block, at, site, inst) {
                    Some(rest) => work.push((rest, inst)),
                    // Look for the block's next call.
                    None => work.push((block, inst)),
                }
            }
        }
    }

    fn tail_site(&self, block: Block) -> Option<TailSite> {
        let def = &self.body.blocks[block];
        let Terminator::Return { values } = &def.terminator else { return None };
        let insts = &def.insts;
        // The call is the last instruction that is not one of its results.
        let at = insts.iter().rposition(|&v| !matches!(self.body.values[v], ValueDef::PickOutput(..)))?;
        let call = insts[at];
        let ValueDef::Operator(Operator::Call { function_index }, args, tys) = &self.body.values[call] else { return None };
        let target = self.graph.tail_calls().target(function_index.index() as u32)?;
        let tys = &self.body.type_pool[*tys];
        let results: Vec<Value> = if tys.len() == 1 {
            vec![call]
        } else {
            insts[at + 1..].to_vec()
        };
        let returned: Vec<Value> = values.iter().map(|&v| self.body.resolve_alias(v)).collect();
        if returned != results || results.len() != tys.len() {
            return None;
        }
        if tys.len() != 1 {
            for (k, &v) in results.iter().enumerate() {
                if !matches!(self.body.values[v], ValueDef::PickOutput(c, i, _) if c == call && i as usize == k) {
                    return None;
                }
            }
        }
        Some(TailSite { target, args: self.body.arg_pool[*args].to_vec(), at })
    }

    fn rewrite_tail(&mut self, block: Block, site: TailSite, instance: usize) {
        let jump = match site.target {
            // A direct tail call is inlined when it continues the
            // interpreter (reaches a context intrinsic), like a call.
            TailTarget::Direct(g) if self.graph.reaches_context(g) && !self.graph.may_call(g, self.func) => {
                self.member(instance, g).map(|entry| BlockTarget { block: entry, args: site.args.clone() })
            }
            TailTarget::Direct(_) => None,
            TailTarget::Indirect { type_index, table } => {
                self.dispatch(instance, type_index, table).map(|d| BlockTarget { block: d, args: site.args.clone() })
            }
        };
        match jump {
            Some(target) => {
                self.body.blocks[block].insts.truncate(site.at);
                self.body.blocks[block].terminator = Terminator::Br { target };
                self.done.tail_calls += 1;
            }
            None => {
                // Not inlined. Inside a body that returns to a caller's
                // continuation, the tail call must become an ordinary call.
                if let Ret::Continue(cont) = self.instances[instance].ret {
                    self.body.blocks[block].insts.truncate(site.at);
                    let results = self.call_real(block, site.target, &site.args);
                    self.body.blocks[block].terminator = Terminator::Br { target: BlockTarget { block: cont, args: results } };
                }
            }
        }
    }

    /// Append an ordinary call of `target` to `block`; its results.
    pub(super) fn call_real(&mut self, block: Block, target: TailTarget, args: &[Value]) -> Vec<Value> {
        let (op, ty) = match target {
            TailTarget::Direct(g) => (Operator::Call { function_index: waffle::Func::new(g as usize) }, self.graph.func_type(g).cloned()),
            TailTarget::Indirect { type_index, table } => (
                Operator::CallIndirect { sig_index: Signature::new(type_index as usize), table_index: Table::new(table as usize) },
                self.graph.type_at(type_index).cloned(),
            ),
        };
        let results: Vec<Type> = ty.map(|t| t.results().iter().map(|&v| wasm_type(v)).collect()).unwrap_or_default();
        let call = self.body.add_op(block, op, args, &results);
        self.results_of(block, call, &results)
    }

    fn results_of(&mut self, block: Block, call: Value, results: &[Type]) -> Vec<Value> {
        if results.len() == 1 {
            return vec![call];
        }
        results
            .iter()
            .enumerate()
            .map(|(k, &ty)| {
                let pick = self.body.add_value(ValueDef::PickOutput(call, k as u32, ty));
                self.body.append_to_block(block, pick);
                pick
            })
            .collect()
    }

    /// The entry of `g`'s clone in `instance`, cloned on first use.
    fn member(&mut self, instance: usize, g: u32) -> Option<Block> {
        if let Some(&entry) = self.instances[instance].members.get(&g) {
            return entry;
        }
        // Claim the slot first: members tail-call each other.
        self.instances[instance].members.insert(g, None);
        let cloned = self.clone_body(g);
        let entry = cloned.as_ref().map(|(entry, _)| *entry);
        self.instances[instance].members.insert(g, entry);
        if let Some((_, blocks)) = cloned {
            self.instances[instance].stack.push(g);
            self.instances[instance].blocks.extend(blocks.iter().copied());
            self.done.bodies += 1;
            self.rewrite_sites(blocks, instance);
        }
        entry
    }

    /// The dispatch block of `instance` for indirect tail calls of type
    /// `type_index` through `table`: parameters are the callee's
    /// arguments and the table index.
    fn dispatch(&mut self, instance: usize, type_index: u32, table: u32) -> Option<Block> {
        if let Some(&d) = self.instances[instance].dispatch.get(&(type_index, table)) {
            return d;
        }
        self.instances[instance].dispatch.insert((type_index, table), None);
        let d = self.make_dispatch(instance, type_index, table, Candidates::Interpreter);
        self.instances[instance].dispatch.insert((type_index, table), d);
        d
    }

    fn make_dispatch(&mut self, instance: usize, type_index: u32, table: u32, which: Candidates) -> Option<Block> {
        if table != 0 {
            return None;
        }
        let ty: FuncType = self.graph.type_at(type_index)?.clone();
        let slots: Vec<Option<u32>> = self.graph.fixed_table().to_vec();
        if slots.is_empty() || slots.len() > MAX_TABLE_SLOTS {
            return None;
        }
        let of_type: std::collections::BTreeSet<u32> =
            slots.iter().flatten().copied().filter(|&g| self.graph.func_type(g) == Some(&ty)).collect();
        let worth = match which {
            // An interpreter's operations are worth cloning: some function
            // of the type reaches a context intrinsic.
            Candidates::Interpreter => of_type.iter().any(|&g| self.graph.reaches_context(g)),
            // Handlers called from the interpreter loop (`handlers[op](vm)`):
            // a small closed set.
            Candidates::Few => of_type.len() <= MAX_INDIRECT_CANDIDATES,
        };
        if !worth {
            return None;
        }
        let params: Vec<Type> = ty.params().iter().map(|&v| wasm_type(v)).collect();
        let d = self.body.add_block();
        let d_args: Vec<Value> = params.iter().map(|&t| self.body.add_blockparam(d, t)).collect();
        let idx = self.body.add_blockparam(d, Type::I32);
        // Register the block before cloning members: their tail calls
        // come back here.
        self.instances[instance].dispatch.insert((type_index, table), Some(d));
        let mut entries: HashMap<u32, Option<Block>> = HashMap::new();
        for g in slots.iter().flatten().copied() {
            if entries.contains_key(&g) {
                continue;
            }
            // An ordinary call never inlines the requested function or
            // anything that may call it (a recursion); a tail call is a
            // jump, so there it is fine.
            let recursive = g == self.func || self.graph.may_call(g, self.func);
            let allowed = which == Candidates::Interpreter || !recursive;
            let entry = if allowed && self.graph.func_type(g) == Some(&ty) { self.member(instance, g) } else { None };
            entries.insert(g, entry);
        }
        if entries.values().all(|e| e.is_none()) {
            // Nothing to jump to: leave the tail calls as they are. The
            // block stays unreachable (no branch names it).
            self.body.blocks[d].terminator = Terminator::Unreachable;
            return None;
        }
        // The fallback: the original tail call, or an ordinary call
        // continuing in the caller.
        let fallback = self.body.add_block();
        let f_args: Vec<Value> = params.iter().map(|&t| self.body.add_blockparam(fallback, t)).collect();
        let f_idx = self.body.add_blockparam(fallback, Type::I32);
        let mut all = f_args.clone();
        all.push(f_idx);
        match self.instances[instance].ret {
            Ret::Return => {
                let marker = self.graph.tail_calls().markers.iter().find_map(|(&m, &t)| {
                    (t == TailTarget::Indirect { type_index, table }).then_some(m)
                });
                let Some(marker) = marker else {
                    self.body.blocks[d].terminator = Terminator::Unreachable;
                    return None;
                };
                let results: Vec<Type> = ty.results().iter().map(|&v| wasm_type(v)).collect();
                let call = self.body.add_op(fallback, Operator::Call { function_index: waffle::Func::new(marker as usize) }, &all, &results);
                let values = self.results_of(fallback, call, &results);
                self.body.blocks[fallback].terminator = Terminator::Return { values };
            }
            Ret::Continue(cont) => {
                let values = self.call_real(fallback, TailTarget::Indirect { type_index, table }, &all);
                self.body.blocks[fallback].terminator = Terminator::Br { target: BlockTarget { block: cont, args: values } };
            }
        }
        let mut all_d = d_args.clone();
        all_d.push(idx);
        let to_fallback = BlockTarget { block: fallback, args: all_d };
        let targets = slots
            .iter()
            .map(|slot| match slot.and_then(|g| entries.get(&g).copied().flatten()) {
                Some(entry) => BlockTarget { block: entry, args: d_args.clone() },
                None => to_fallback.clone(),
            })
            .collect();
        self.body.blocks[d].terminator = Terminator::Select { value: idx, targets, default: to_fallback };
        Some(d)
    }

    /// A call in `block` worth inlining: a direct call whose callee
    /// reaches a context intrinsic, cannot call the requested function
    /// back, and is not already being inlined around this block; or an
    /// indirect call through table 0 (a handler table). Each call site is
    /// considered once.
    fn inlinable_call(&mut self, block: Block, instance: usize) -> Option<(usize, CallSite)> {
        // Before the depth limit: past it, a self-call still becomes a
        // call of the request's own function.
        if let Some(at) = self.self_call_site(block, instance, &self.tried) {
            self.tried.insert(self.body.blocks[block].insts[at]);
            return Some((at, CallSite::SelfCall));
        }
        let inst = &self.instances[instance];
        if inst.depth >= MAX_DEPTH {
            return None;
        }
        let found = self.body.blocks[block].insts.iter().enumerate().find_map(|(at, &v)| {
            if self.tried.contains(&v) {
                return None;
            }
            match &self.body.values[v] {
                ValueDef::Operator(Operator::Call { function_index }, _, _) => {
                    let g = function_index.index() as u32;
                    let ok = !self.intrinsics.contains_key(&g)
                        && self.graph.tail_calls().target(g).is_none()
                        && (self.graph.reaches_context(g) || self.graph.traps_in_generic(g))
                        && !inst.stack.contains(&g)
                        && !self.graph.may_call(g, self.func);
                    ok.then_some((at, v, CallSite::Direct(g)))
                }
                ValueDef::Operator(Operator::CallIndirect { sig_index, table_index }, _, _)
                    if table_index.index() == 0 =>
                {
                    Some((at, v, CallSite::Indirect(sig_index.index() as u32)))
                }
                _ => None,
            }
        });
        let (at, v, site) = found?;
        self.tried.insert(v);
        Some((at, site))
    }

    /// Inline the call at `block.insts[at]`; the block holding the rest of
    /// the caller's block (to look at again), or `None` when nothing was
    /// inlined.
    fn inline_call(&mut self, block: Block, at: usize, site: CallSite, instance: usize) -> Option<Block> {
        let call = self.body.blocks[block].insts[at];
        let ValueDef::Operator(_, args, tys) = self.body.values[call].clone() else { return None };
        let args = self.body.arg_pool[args].to_vec();
        let tys = self.body.type_pool[tys].to_vec();
        // The continuation: the rest of the block, the call's results as
        // its parameters.
        let cont = self.body.add_block();
        let params: Vec<Value> = tys.iter().map(|&t| self.body.add_blockparam(cont, t)).collect();
        let depth = self.instances[instance].depth + 1;
        let mut stack = self.instances[instance].stack.clone();
        match site {
            CallSite::Direct(g) => {
                stack.push(g);
                let Some((entry, blocks)) = self.clone_body(g) else {
                    self.body.blocks[cont].terminator = Terminator::Unreachable;
                    return None;
                };
                self.done.bodies += 1;
                self.instances[instance].blocks.push(cont);
                self.instances.push(Instance {
                    ret: Ret::Continue(cont),
                    members: HashMap::new(),
                    dispatch: HashMap::new(),
                    depth,
                    stack,
                    blocks: blocks.clone(),
                    own_params: None,
                });
                let callee_instance = self.instances.len() - 1;
                self.finish_split(block, at, call, cont, &params, &tys, BlockTarget { block: entry, args });
                self.rewrite_sites(blocks, callee_instance);
            }
            CallSite::SelfCall => {
                let site = super::self_calls::Site { block, at, call, cont, params, tys, args };
                self.inline_self_call(site, instance, depth, stack);
            }
            CallSite::Indirect(type_index) => {
                if let Some(test) = self.request_chain(&args, type_index, cont, depth, &stack) {
                    self.instances[instance].blocks.push(cont);
                    self.finish_split(block, at, call, cont, &params, &tys, BlockTarget { block: test, args: Vec::new() });
                    return Some(cont);
                }
                // A dispatch of its own, whose members return to `cont`
                // (they are cloned and rewritten by `make_dispatch`).
                self.instances.push(Instance {
                    ret: Ret::Continue(cont),
                    members: HashMap::new(),
                    dispatch: HashMap::new(),
                    depth,
                    stack,
                    blocks: Vec::new(),
                    own_params: None,
                });
                let own = self.instances.len() - 1;
                let Some(d) = self.make_dispatch(own, type_index, 0, Candidates::Few) else {
                    self.body.blocks[cont].terminator = Terminator::Unreachable;
                    return None;
                };
                self.instances[instance].blocks.push(cont);
                // call_indirect's operands end with the table index, as the
                // dispatch block's parameters do.
                self.finish_split(block, at, call, cont, &params, &tys, BlockTarget { block: d, args });
            }
        }
        Some(cont)
    }

    /// Calls of requests' specialized functions (a bytecode CALL of a
    /// constant callee). When the table index `idx` of the call was
    /// loaded from memory, a chain of tests, one per request of the call's
    /// type: "the load's address is known to be request k's result slot"
    /// (`known.eq`, decided by the engine, false in generic code) and then
    /// "`idx` is k's table slot" (at run time). Where both hold, the call
    /// is k's specialized function, i.e. `k.func` with k's constants, so
    /// that body is inlined; anything else makes the original call. The
    /// engine folds every `known.eq` but the one of the request the
    /// bytecode names, so one body is specialized per call site. The entry
    /// block of the chain, or `None` when the call does not qualify.
    fn request_chain(
        &mut self,
        args: &[Value],
        type_index: u32,
        cont: Block,
        depth: usize,
        stack: &[u32],
    ) -> Option<Block> {
        let ty = self.graph.type_at(type_index)?.clone();
        let targets: Vec<crate::callgraph::RequestTarget> = self
            .graph
            .request_targets()
            .iter()
            .filter(|t| t.chain && self.graph.func_type(t.func) == Some(&ty))
            .cloned()
            .collect();
        if targets.is_empty() || targets.len() > MAX_INDIRECT_CANDIDATES {
            return None;
        }
        let (&idx, call_args) = args.split_last()?;
        let ValueDef::Operator(Operator::I32Load { memory }, load_args, _) = &self.body.values[self.body.resolve_alias(idx)] else {
            return None;
        };
        if memory.memory.index() != 0 {
            return None;
        }
        let addr_base = self.body.arg_pool[*load_args][0];
        let offset = memory.offset;
        // One clone per function, shared by the requests on it: each enters
        // with its own constants, and the engine keys what follows by the
        // callee's contexts, which the call site's context separates.
        let mut clones: HashMap<u32, Option<Block>> = HashMap::new();
        for target in &targets {
            let nested = stack.iter().filter(|&&f| f == target.func).count();
            if clones.contains_key(&target.func) || nested >= MAX_REQUEST_NESTING {
                continue;
            }
            clones.insert(target.func, None);
            let Some((entry, blocks)) = self.clone_body(target.func) else { continue };
            self.done.bodies += 1;
            let mut member_stack = stack.to_vec();
            member_stack.push(target.func);
            self.instances.push(Instance {
                ret: Ret::Continue(cont),
                members: HashMap::new(),
                dispatch: HashMap::new(),
                depth,
                stack: member_stack,
                blocks: blocks.clone(),
                own_params: None,
            });
            // Breadth first: every callee of this call site before any
            // callee's own calls take from the budget.
            self.pending.push_back((blocks, self.instances.len() - 1));
            clones.insert(target.func, Some(entry));
        }
        if clones.values().all(Option::is_none) {
            return None;
        }
        // The original call, continuing in `cont`.
        let fallback = self.body.add_block();
        let values = self.call_real(fallback, TailTarget::Indirect { type_index, table: 0 }, args);
        self.body.blocks[fallback].terminator = Terminator::Br { target: BlockTarget { block: cont, args: values } };
        let mut next = fallback;
        for target in targets.iter().rev() {
            let Some(&Some(entry)) = clones.get(&target.func) else { continue };
            // idx == k's slot: k's body, its constants in place.
            let enter = self.body.add_block();
            let mut entry_args = Vec::with_capacity(call_args.len());
            for (p, &arg) in call_args.iter().enumerate() {
                entry_args.push(match target.args.get(p) {
                    Some(Some(c)) => self.constant_arg(enter, c),
                    _ => arg,
                });
            }
            self.body.blocks[enter].terminator = Terminator::Br { target: BlockTarget { block: entry, args: entry_args } };
            let guard = self.body.add_block();
            let slot = self.body.add_op(guard, Operator::I32Const { value: target.table_slot }, &[], &[Type::I32]);
            let is_slot = self.body.add_op(guard, Operator::I32Eq, &[idx, slot], &[Type::I32]);
            self.body.blocks[guard].terminator = Terminator::CondBr {
                cond: is_slot,
                if_true: BlockTarget { block: enter, args: Vec::new() },
                if_false: BlockTarget { block: fallback, args: Vec::new() },
            };
            let test = self.body.add_block();
            let off = self.body.add_op(test, Operator::I32Const { value: offset as u32 }, &[], &[Type::I32]);
            let addr = self.body.add_op(test, Operator::I32Add, &[addr_base, off], &[Type::I32]);
            let want = self.body.add_op(test, Operator::I32Const { value: target.result_slot }, &[], &[Type::I32]);
            let known = self.body.add_op(
                test,
                Operator::Call { function_index: waffle::Func::new(crate::intrinsics::KNOWN_EQ_FUNC as usize) },
                &[addr, want],
                &[Type::I32],
            );
            self.body.blocks[test].terminator = Terminator::CondBr {
                cond: known,
                if_true: BlockTarget { block: guard, args: Vec::new() },
                if_false: BlockTarget { block: next, args: Vec::new() },
            };
            next = test;
        }
        Some(next)
    }

    /// A request's constant argument, made in `block`: a buffer's address
    /// passes through `known.buffer`, so that loads through it read the
    /// buffer, as in the request's own specialized function.
    fn constant_arg(&mut self, block: Block, c: &crate::requests::ConstArg) -> Value {
        use crate::requests::ConstArg;
        let (op, ty) = match *c {
            ConstArg::I32(value) | ConstArg::Buffer { addr: value, .. } => (Operator::I32Const { value }, Type::I32),
            ConstArg::I64(value) => (Operator::I64Const { value }, Type::I64),
            ConstArg::F32(value) => (Operator::F32Const { value }, Type::F32),
            ConstArg::F64(value) => (Operator::F64Const { value }, Type::F64),
        };
        let value = self.body.add_op(block, op, &[], &[ty]);
        if !matches!(c, ConstArg::Buffer { .. }) {
            return value;
        }
        let known = waffle::Func::new(crate::intrinsics::KNOWN_BUFFER_FUNC as usize);
        self.body.add_op(block, Operator::Call { function_index: known }, &[value], &[Type::I32])
    }

    /// The caller's side of inlining `call` at `block.insts[at]`: the block
    /// branches to `to`, the rest of it moves to `cont`, whose parameters
    /// stand for the call's results.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn finish_split(
        &mut self,
        block: Block,
        at: usize,
        call: Value,
        cont: Block,
        params: &[Value],
        tys: &[Type],
        to: BlockTarget,
    ) {
        let mut rest: Vec<Value> = self.body.blocks[block].insts.split_off(at);
        rest.remove(0);
        // The call's results: a single value, or its PickOutputs.
        let mut picks = Vec::new();
        rest.retain(|&v| match self.body.values[v] {
            ValueDef::PickOutput(c, k, _) if c == call => {
                picks.push((v, k));
                false
            }
            _ => true,
        });
        if tys.len() == 1 {
            self.body.values[call] = ValueDef::Alias(params[0]);
        } else {
            for (v, k) in picks {
                self.body.values[v] = ValueDef::Alias(params[k as usize]);
            }
            self.body.values[call] = ValueDef::None;
        }
        for &v in &rest {
            self.body.value_blocks[v] = cont;
        }
        self.body.blocks[cont].insts = rest;
        let term = std::mem::replace(&mut self.body.blocks[block].terminator, Terminator::Br { target: to });
        self.body.blocks[cont].terminator = term;
    }

    /// Clone `g`'s body into the function: its entry block (parameters =
    /// `g`'s) and all its blocks, `return`s kept (`connect_returns` links
    /// them to the caller at the end). `None` over budget or when `g`
    /// cannot be lifted.
    fn clone_body(&mut self, g: u32) -> Option<(Block, Vec<Block>)> {
        self.clone_body_within(g, MAX_CALLEE_VALUES)
    }

    /// [`Self::clone_body`] for a callee of at most `max_values` values.
    pub(super) fn clone_body_within(&mut self, g: u32, max_values: usize) -> Option<(Block, Vec<Block>)> {
        if g < self.ir.module.funcs.len() as u32 && !self.lifted.contains_key(&g) {
            let lifted = self.ir.lift(g).ok();
            self.lifted.insert(g, lifted);
        }
        let callee = self.lifted.get(&g)?.as_ref()?;
        let size = callee.values.len();
        if size > max_values || self.cloned + size > MAX_TOTAL_VALUES {
            return None;
        }
        if !self_contained(callee) {
            return None;
        }
        self.cloned += size;
        let body = &mut *self.body;
        let mut blocks: HashMap<Block, Block> = HashMap::new();
        let mut values: HashMap<Value, Value> = HashMap::new();
        let mut order = Vec::new();
        for b in callee.blocks.iter() {
            let nb = body.add_block();
            blocks.insert(b, nb);
            order.push(nb);
            for &(ty, v) in &callee.blocks[b].params {
                let nv = body.add_blockparam(nb, ty);
                values.insert(v, nv);
            }
        }
        for b in callee.blocks.iter() {
            for &v in &callee.blocks[b].insts {
                let nv = body.add_value(ValueDef::None);
                body.append_to_block(blocks[&b], nv);
                values.insert(v, nv);
            }
        }
        let map = |v: Value, values: &HashMap<Value, Value>| values.get(&callee.resolve_alias(v)).copied();
        for b in callee.blocks.iter() {
            for &v in &callee.blocks[b].insts {
                let def = match &callee.values[v] {
                    ValueDef::Operator(op, args, tys) => {
                        let args: Option<Vec<Value>> = callee.arg_pool[*args].iter().map(|&a| map(a, &values)).collect();
                        let args = body.arg_pool.from_iter(args?.into_iter());
                        let tys = body.type_pool.from_iter(callee.type_pool[*tys].iter().copied());
                        ValueDef::Operator(op.clone(), args, tys)
                    }
                    ValueDef::PickOutput(c, k, ty) => ValueDef::PickOutput(map(*c, &values)?, *k, *ty),
                    ValueDef::Alias(a) => ValueDef::Alias(map(*a, &values)?),
                    _ => return None,
                };
                body.values[values[&v]] = def;
            }
            let target = |t: &BlockTarget, values: &HashMap<Value, Value>| -> Option<BlockTarget> {
                Some(BlockTarget {
                    block: blocks[&t.block],
                    args: t.args.iter().map(|&a| map(a, values)).collect::<Option<Vec<_>>>()?,
                })
            };
            let term = match &callee.blocks[b].terminator {
                Terminator::Br { target: t } => Terminator::Br { target: target(t, &values)? },
                Terminator::CondBr { cond, if_true, if_false } => Terminator::CondBr {
                    cond: map(*cond, &values)?,
                    if_true: target(if_true, &values)?,
                    if_false: target(if_false, &values)?,
                },
                Terminator::Select { value, targets, default } => Terminator::Select {
                    value: map(*value, &values)?,
                    targets: targets.iter().map(|t| target(t, &values)).collect::<Option<Vec<_>>>()?,
                    default: target(default, &values)?,
                },
                Terminator::Return { values: rets } => {
                    Terminator::Return { values: rets.iter().map(|&r| map(r, &values)).collect::<Option<_>>()? }
                }
                Terminator::Unreachable | Terminator::None => Terminator::Unreachable,
            };
            body.blocks[blocks[&b]].terminator = term;
        }
        Some((blocks[&callee.entry], order))
    }
}

/// Whether every value the callee's instructions and terminators use is
/// defined by one of its instructions or block parameters (then cloning
/// cannot fail half-way and leave a half-built body behind).
fn self_contained(callee: &FunctionBody) -> bool {
    let mut defined = std::collections::HashSet::new();
    for b in callee.blocks.iter() {
        defined.extend(callee.blocks[b].params.iter().map(|&(_, v)| v));
        defined.extend(callee.blocks[b].insts.iter().copied());
    }
    let ok = |v: Value| defined.contains(&callee.resolve_alias(v));
    callee.blocks.iter().all(|b| {
        let def = &callee.blocks[b];
        let insts_ok = def.insts.iter().all(|&v| match &callee.values[v] {
            ValueDef::Operator(_, args, _) => callee.arg_pool[*args].iter().all(|&a| ok(a)),
            ValueDef::PickOutput(c, _, _) | ValueDef::Alias(c) => ok(*c),
            _ => false,
        });
        let mut term_ok = true;
        def.terminator.visit_uses(|v| term_ok &= ok(v));
        insts_ok && term_ok
    })
}

fn wasm_type(v: wasmparser::ValType) -> Type {
    Type::from(v)
}
