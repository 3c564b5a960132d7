//! Calls of the requested function by itself, with its own constants.
//!
//! An interpreter that runs each call of bytecode in its own invocation
//! (Lua's body, one per prototype) calls itself for recursion: the frame's
//! own prototype again, so the request's own constants again. Such a call
//! *is* a call of the request's specialized function: that function is the
//! requested one with the request's constants in place, and the call passes
//! exactly those. Two ways to make it, both exact:
//!
//! - **Inlined.** A clone of the requested function, entered with the
//!   call's arguments, specialized in the caller's context (its
//!   `push.context` nests). The callee's memory is the caller's: arguments
//!   the caller just stored (their tags, their values) are facts in the
//!   callee, and the result the callee stores is one in the caller.
//! - **Called.** `call_indirect` through the request's own table slot
//!   (`own.slot`, which the engine folds to a constant), fixed before
//!   answering by `crate::request_calls`: the request's specialized
//!   function, whatever the generic function does.
//!
//! At a site, `inline.self(p)` on one of the request's constant parameters
//! chooses: yes in specialized code within the inlining budgets (request
//! chains' sites, [`MAX_SELF_INLINING_CONTEXTS`], [`MAX_SELF_SITES`] and
//! [`self_sites_for`]), no in cold copies and past them.
//! A site gets a clone while the function appears fewer than
//! `MAX_REQUEST_NESTING` times on the stack of inlined activations; the
//! innermost sites only call.
//!
//! **What counts as a self-call.** A direct call of the requested function
//! whose argument at every position some request of it specializes is the
//! activation's own parameter there: the function's entry parameter at the
//! top, an inlined self-call's entry parameter below it (which was, by the
//! same rule, its caller's own). Any other call of the function keeps the
//! rules of `inline.rs` (never inlined: a recursion).
//!
//! **Two preparations.** The clones make the function every request of it
//! is specialized from several times bigger, so `mod.rs` first specializes
//! from the function prepared without them (`Pass::self_clones` off: every
//! self-call only calls), and again from the one with them only when that
//! answer met `own.slot` in specialized code.
//!
//! **Needs:** table 0 fixed (no instruction or host can change it), so that
//! the request's slot holds its function; the requested function small
//! enough to clone ([`MAX_SELF_VALUES`]), or the site only calls.

use waffle::entity::EntityRef;
use waffle::{Block, BlockTarget, Operator, Terminator, Type, Value};

use super::inline::{Instance, Pass, Ret, MAX_REQUEST_NESTING};
use crate::ir::tailcall::TailTarget;

/// The largest requested function a self-call clones (values): a whole
/// interpreter body, bigger than other inlined callees may be; the
/// per-function total of `inline.rs` still applies. The Lua guest's body
/// is about 24,300 values (23,000 before its inline table misses, when
/// this was 24,000: the growth ended its self-call inlining, which the
/// test `lua::self_call_inlining_stays_within_its_size_budget` caught).
pub const MAX_SELF_VALUES: usize = 32_000;

/// A self-call site is inlined only while the request has fewer contexts
/// than this: an activation costs about as many contexts as the request's
/// own body, so a small recursive function is unrolled a few levels deep
/// and a big one a level or none, and the output stays a few times the
/// size of the request's body.
pub const MAX_SELF_INLINING_CONTEXTS: usize = 256;

/// At most this many self-call sites inlined per request: a function that
/// calls itself twice, three levels deep (2 + 4 + 8).
pub const MAX_SELF_SITES: usize = 6;

/// Instructions the inlined activations of a request may cost, estimated
/// from its answer without clones (`self_sites_for`). The context and site
/// budgets bound how deep a function unrolls, not how big each activation
/// is: a recursive Lua function of 30 bytecode instructions with three
/// self-calls went from 2,500 emitted instructions and a 15 KB function
/// without clones to 41,000 and 1.1 MB with six sites, 90 times the time.
pub const SELF_INLINING_BUDGET: usize = 10_000;

/// How many self-call sites a request may inline, given what its answer
/// without clones emitted (`first`): each inlined activation costs about
/// twice that (its fast and slow copies), and the inlined ones together
/// stay within [`SELF_INLINING_BUDGET`]. Lua's `fib` (646 emitted) keeps
/// all [`MAX_SELF_SITES`]; 0 means the second attempt is not worth making.
pub fn self_sites_for(first: usize) -> usize {
    (SELF_INLINING_BUDGET / (2 * first.max(1))).min(MAX_SELF_SITES)
}

/// A call being inlined, as `inline.rs` split it: `block.insts[at]` is
/// `call`, whose results become `cont`'s `params` (of types `tys`).
pub(super) struct Site {
    pub block: Block,
    pub at: usize,
    pub call: Value,
    pub cont: Block,
    pub params: Vec<Value>,
    pub tys: Vec<Type>,
    pub args: Vec<Value>,
}

impl Pass<'_, '_> {
    /// The position in `block` of a self-call not yet `tried`, in an
    /// activation that knows its own parameters.
    pub(super) fn self_call_site(
        &self,
        block: Block,
        instance: usize,
        tried: &std::collections::HashSet<Value>,
    ) -> Option<usize> {
        let own = self.instances[instance].own_params.as_ref()?;
        let specialized = self.self_positions.as_ref()?;
        let mut incoming: Option<Incoming> = None;
        let insts = &self.body.blocks[block].insts;
        insts.iter().position(|&v| {
            if tried.contains(&v) {
                return false;
            }
            let waffle::ValueDef::Operator(Operator::Call { function_index }, args, _) = &self.body.values[v] else {
                return false;
            };
            if function_index.index() as u32 != self.func {
                return false;
            }
            let args = &self.body.arg_pool[*args];
            let incoming = incoming.get_or_insert_with(|| incoming_args(self.body));
            specialized.iter().all(|&p| match (args.get(p), own.get(p)) {
                (Some(&a), Some(&o)) => same_value(self.body, incoming, a, o),
                _ => false,
            })
        })
    }


    /// Rewrite the self-call `site` of `instance`: a clone of the function
    /// (when nesting allows) or the call through the request's own slot.
    pub(super) fn inline_self_call(&mut self, site: Site, instance: usize, depth: usize, mut stack: Vec<u32>) {
        let Site { block, at, call, cont, params, tys, args } = site;
        let f = self.func;
        let Some(type_index) = self.ir.module.funcs.get(waffle::Func::new(f as usize)).map(|d| d.sig().index() as u32)
        else {
            self.body.blocks[cont].terminator = Terminator::Unreachable;
            return;
        };
        // The call of the request's own function.
        let call_own = self.body.add_block();
        let slot_fn = waffle::Func::new(crate::intrinsics::OWN_SLOT_FUNC as usize);
        let slot = self.body.add_op(call_own, Operator::Call { function_index: slot_fn }, &[], &[Type::I32]);
        let mut with_slot = args.clone();
        with_slot.push(slot);
        let results = self.call_real(call_own, TailTarget::Indirect { type_index, table: 0 }, &with_slot);
        self.body.blocks[call_own].terminator = Terminator::Br { target: BlockTarget { block: cont, args: results } };
        self.instances[instance].blocks.push(cont);

        let nested = stack.iter().filter(|&&g| g == f).count();
        let clone = if self.self_clones && nested < MAX_REQUEST_NESTING {
            self.clone_body_within(f, MAX_SELF_VALUES)
        } else {
            None
        };
        let decided_by = self.self_positions.as_ref().and_then(|p| p.first()).and_then(|&p| args.get(p).copied());
        let (Some((entry, blocks)), Some(decided_by)) = (clone, decided_by) else {
            self.finish_split(block, at, call, cont, &params, &tys, BlockTarget { block: call_own, args: Vec::new() });
            return;
        };
        self.done.bodies += 1;
        let own_params: Vec<Value> = self.body.blocks[entry].params.iter().map(|&(_, v)| v).collect();
        stack.push(f);
        self.instances.push(Instance {
            ret: Ret::Continue(cont),
            members: Default::default(),
            dispatch: Default::default(),
            depth,
            stack,
            blocks: blocks.clone(),
            own_params: Some(own_params),
        });
        // Breadth first, like request chains: every site of this level
        // before the next level takes from the budget.
        self.pending.push_back((blocks, self.instances.len() - 1));
        // inline.self(p): yes where p is a constant and the budgets allow.
        let test = self.body.add_block();
        let decide = waffle::Func::new(crate::intrinsics::INLINE_SELF_FUNC as usize);
        let inline = self.body.add_op(test, Operator::Call { function_index: decide }, &[decided_by], &[Type::I32]);
        self.body.blocks[test].terminator = Terminator::CondBr {
            cond: inline,
            if_true: BlockTarget { block: entry, args },
            if_false: BlockTarget { block: call_own, args: Vec::new() },
        };
        self.finish_split(block, at, call, cont, &params, &tys, BlockTarget { block: test, args: Vec::new() });
    }
}

/// Parameter positions some request of `func` specializes, once per pass;
/// `None` when its self-calls cannot be made (no fixed slots, or no
/// constant).
pub(super) fn self_positions(graph: &crate::callgraph::CallGraph, func: u32) -> Option<Vec<usize>> {
    let mut positions: Vec<usize> = Vec::new();
    let mut any = false;
    for target in graph.request_targets().iter().filter(|t| t.func == func) {
        any = true;
        for (p, arg) in target.args.iter().enumerate() {
            if arg.is_some() && !positions.contains(&p) {
                positions.push(p);
            }
        }
    }
    (any && !positions.is_empty()).then_some(positions)
}

/// Per block: the arguments of each edge into it.
type Incoming = std::collections::HashMap<Block, Vec<Vec<Value>>>;

fn incoming_args(body: &waffle::FunctionBody) -> Incoming {
    let mut incoming = Incoming::new();
    for b in body.blocks.iter() {
        body.blocks[b].terminator.visit_targets(|t| incoming.entry(t.block).or_default().push(t.args.clone()));
    }
    incoming
}

/// Whether `v` is `own` itself, or a block parameter every edge of which
/// passes `own` (through other such parameters): what the IR's SSA
/// construction makes of a parameter the function never assigns. A
/// parameter no edge passes anything to (an entry block's: the function's
/// other parameters, or a clone's, which its caller's edge feeds) is not.
fn same_value(body: &waffle::FunctionBody, incoming: &Incoming, v: Value, own: Value) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut work = vec![v];
    while let Some(x) = work.pop() {
        let x = body.resolve_alias(x);
        if x == own || !seen.insert(x) {
            continue;
        }
        let waffle::ValueDef::BlockParam(b, i, _) = body.values[x] else { return false };
        // Another of the function's (or a clone's) entry parameters, or a
        // parameter of a block no edge reaches: nothing says it is `own`.
        let Some(edges) = incoming.get(&b).filter(|e| !e.is_empty() && b != body.entry) else { return false };
        for args in edges {
            match args.get(i as usize) {
                Some(&a) => work.push(a),
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_sites_shrink_with_the_first_answers_size() {
        // Lua's fib (646 emitted) keeps every site; the 2,509-instruction
        // function that grew to 1.1 MB gets one; a big one gets none.
        assert_eq!(self_sites_for(646), MAX_SELF_SITES);
        assert_eq!(self_sites_for(2_509), 1);
        assert_eq!(self_sites_for(1_429), 3);
        assert_eq!(self_sites_for(5_001), 0);
        assert_eq!(self_sites_for(0), MAX_SELF_SITES);
    }
}
