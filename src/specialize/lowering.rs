//! Lowering one specialized function under the request's budgets.
//!
//! waffle's backend makes an irreducible CFG reducible by duplicating code
//! (its reducifier explores (loop context, block) pairs), which can grow
//! exponentially: a blow-up there once took minutes and gigabytes and then
//! produced a function body the validator rejected, losing the whole run.
//! So before handing a function to the backend, pweval runs the same
//! exploration *counting only*, and refuses the request when the count
//! passes `--max-blocks`. After lowering, the encoded body must fit
//! `--max-output-bytes`. Every failure is the request's fallback.
//!
//! The exploration (the reducifier's published algorithm, re-derived):
//! loop headers are the targets of RPO back edges; every block between a
//! back edge's target and source in RPO belongs to that header's loop,
//! and loops are properly nested by extending each one down to where its
//! inner loops end. An edge into a loop that does not go through its
//! header is a side entrance. Blocks are then copied per *context*, the
//! set of loops entered through a side entrance and not left yet: along
//! an edge `from -> to`, the context becomes
//! `headers(to) - {to}` restricted to `context(from) ∪ ¬headers(from)`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Instant;

use waffle::cfg::CFGInfo;
use waffle::entity::EntityRef;
use waffle::{Block, FunctionBody};

use super::Limits;

/// How many blocks a function has, and how many waffle's reducifier would
/// make of them (more only when the control flow is irreducible).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reducified {
    pub reachable: usize,
    pub blocks: usize,
}

/// The blocks (counting copies) waffle's reducifier would produce; `Err`
/// as soon as that passes `limit` or `deadline`.
pub fn reducified_size(body: &FunctionBody, limit: usize, deadline: Instant) -> Result<Reducified, String> {
    let cfg = CFGInfo::new(body);
    let reachable: Vec<Block> = cfg.rpo.values().copied().collect();
    let rpo_of = |b: Block| cfg.rpo_pos[b].map(|p| p.index());
    let irreducible = reachable.iter().any(|&b| {
        body.blocks[b].succs.iter().any(|&s| {
            matches!((rpo_of(s), rpo_of(b)), (Some(si), Some(bi)) if si <= bi) && !cfg.dominates(s, b)
        })
    });
    if !irreducible {
        return Ok(Reducified { reachable: reachable.len(), blocks: reachable.len() });
    }
    let over = |what: &str| format!("lowering: {what}");
    // Header sets, as RPO ranges under each back edge.
    let n = reachable.len();
    let mut headers: Vec<HashSet<usize>> = vec![HashSet::new(); n];
    let mut is_header = vec![false; n];
    for (bi, &b) in reachable.iter().enumerate() {
        for &s in &body.blocks[b].succs {
            let Some(si) = rpo_of(s) else { continue };
            if si <= bi {
                is_header[si] = true;
                for set in &mut headers[si..=bi] {
                    set.insert(si);
                }
            }
        }
        if Instant::now() > deadline {
            return Err(over("time budget exceeded while analysing irreducible control flow (--max-time)"));
        }
    }
    let mut stack: Vec<usize> = Vec::new();
    for bi in 0..n {
        while stack.last().is_some_and(|h| !headers[bi].contains(h)) {
            stack.pop();
        }
        if is_header[bi] {
            stack.push(bi);
        }
        headers[bi].extend(stack.iter().copied());
    }
    // Elaboration, counted.
    let mut contexts: HashMap<Vec<usize>, usize> = HashMap::new();
    contexts.insert(Vec::new(), 0);
    let mut context_sets: Vec<Vec<usize>> = vec![Vec::new()];
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut queue = VecDeque::new();
    queue.push_back((0usize, 0usize));
    seen.insert((0, 0));
    while let Some((ctx, bi)) = queue.pop_front() {
        if seen.len() > limit {
            return Err(over(&format!(
                "irreducible control flow would be duplicated into more than {limit} blocks \
                 (--max-blocks)"
            )));
        }
        if seen.len() % 1024 == 0 && Instant::now() > deadline {
            return Err(over("time budget exceeded while counting duplicated blocks (--max-time)"));
        }
        let block = reachable[bi];
        for &s in &body.blocks[block].succs {
            let Some(si) = rpo_of(s) else { continue };
            let mut to: Vec<usize> = headers[si]
                .iter()
                .copied()
                .filter(|&h| h != si && (context_sets[ctx].contains(&h) || !headers[bi].contains(&h)))
                .collect();
            to.sort_unstable();
            let next = contexts.len();
            let to_ctx = *contexts.entry(to.clone()).or_insert(next);
            if to_ctx == next {
                context_sets.push(to);
            }
            if seen.insert((to_ctx, si)) {
                queue.push_back((to_ctx, si));
            }
        }
    }
    Ok(Reducified { reachable: n, blocks: seen.len() })
}

/// Lower `body` to an encoded function body within `limits`.
pub fn lower(body: &FunctionBody, limits: &Limits, started: Instant) -> Result<Vec<u8>, String> {
    let deadline = started + limits.max_time;
    let size = reducified_size(body, limits.max_blocks, deadline)?;
    let encoded = crate::ir::lower(body)?;
    if encoded.len() > limits.max_output_bytes {
        // Copies made for irreducible flow are the usual reason a function
        // of a few thousand blocks encodes to megabytes: say so, with the
        // numbers, so the guest's author knows where to look.
        let why = if size.blocks > size.reachable {
            format!(
                "; its control flow is irreducible, and lowering copied its {} blocks into {}",
                size.reachable, size.blocks
            )
        } else {
            String::new()
        };
        return Err(format!(
            "budget exceeded: the specialized function is {} bytes > limit {} (--max-output-bytes){why}",
            encoded.len(),
            limits.max_output_bytes
        ));
    }
    limits.within_time(started, "while lowering")?;
    Ok(encoded)
}

#[cfg(test)]
// Test-only: its expect/panic sites report a failed test on fixed test
// functions; no input to pweval reaches them.
mod tests {
    use super::*;
    use waffle::{BlockTarget, Operator, Terminator, Type};

    /// entry -> a | b, a -> b, b -> a | exit: a loop with two entries.
    fn two_entry_loop() -> FunctionBody {
        let mut body = FunctionBody { n_params: 1, ..Default::default() };
        body.locals.push(Type::I32);
        let entry = body.add_block();
        body.entry = entry;
        let cond = body.add_blockparam(entry, Type::I32);
        let (a, b, exit) = (body.add_block(), body.add_block(), body.add_block());
        let to = |block| BlockTarget { block, args: vec![] };
        body.blocks[entry].terminator = Terminator::CondBr { cond, if_true: to(a), if_false: to(b) };
        body.blocks[a].terminator = Terminator::Br { target: to(b) };
        let zero = body.add_op(b, Operator::I32Const { value: 0 }, &[], &[Type::I32]);
        body.blocks[b].terminator = Terminator::CondBr { cond: zero, if_true: to(a), if_false: to(exit) };
        body.blocks[exit].terminator = Terminator::Return { values: vec![] };
        body.recompute_edges();
        body
    }

    /// The same loop without its side entrance: entry -> a only.
    fn one_entry_loop() -> FunctionBody {
        let mut body = two_entry_loop();
        let entry = body.entry;
        let a = body.blocks[entry].succs[0];
        body.blocks[entry].terminator = Terminator::Br { target: BlockTarget { block: a, args: vec![] } };
        body.recompute_edges();
        body
    }

    #[test]
    fn irreducible_flow_is_counted_with_its_copies() {
        let body = two_entry_loop();
        let far = Instant::now() + std::time::Duration::from_secs(10);
        // Test code: a fixed four-block function, no input reaches this.
        let size = reducified_size(&body, 1000, far).expect("small");
        assert_eq!(size.reachable, 4);
        assert!(size.blocks > 4, "the side entrance duplicates part of the loop: {size:?}");
        let err = reducified_size(&body, 3, far).expect_err("over the limit");
        assert!(err.contains("--max-blocks"), "{err}");
        // The backend agrees that the function lowers.
        assert!(crate::ir::lower(&body).is_ok());
    }

    #[test]
    fn reducible_flow_costs_its_blocks() {
        let body = one_entry_loop();
        let far = Instant::now() + std::time::Duration::from_secs(10);
        assert_eq!(reducified_size(&body, 1000, far), Ok(Reducified { reachable: 4, blocks: 4 }));
    }

    #[test]
    fn an_output_over_budget_says_when_irreducible_flow_was_copied() {
        let limits = Limits { max_output_bytes: 4, ..Limits::default() };
        let err = lower(&two_entry_loop(), &limits, Instant::now()).expect_err("over the byte limit");
        assert!(err.contains("--max-output-bytes"), "{err}");
        assert!(err.contains("irreducible, and lowering copied its 4 blocks into"), "{err}");
        // Reducible flow: only the byte count.
        let err = lower(&one_entry_loop(), &limits, Instant::now()).expect_err("over the byte limit");
        assert!(!err.contains("irreducible"), "{err}");
    }
}
