//! Clean-up after specialization: the unrolled code carries a parameter for
//! every generic value and register into every block, most of them dead or
//! redundant. Remove the dead ones here, the redundant ones with
//! `redundant.rs`, and let waffle's GVN and empty-block passes finish.
//!
//! waffle's constant propagation stays off: its evaluator folds a few
//! trapping float-to-int truncations, and specialization already folded
//! everything it safely could.

use std::collections::{HashMap, HashSet};

use waffle::{Block, FunctionBody, Value, ValueDef};

/// `within_time(stage)` is the request's time budget
/// (`Limits::within_time`), checked after every step: on a huge function
/// each takes seconds.
pub fn run(body: &mut FunctionBody, within_time: impl Fn(&str) -> Result<(), String>) -> Result<(), String> {
    // In debug builds the IR verifier runs after every step, so a broken
    // step is named rather than found at the end.
    let check = |body: &FunctionBody, step: &str| -> Result<(), String> {
        if cfg!(debug_assertions) {
            crate::ir::verify(body).map_err(|e| format!("after clean-up step {step}: {e}"))?;
        }
        within_time(&format!("in clean-up, after {step}"))
    };
    remove_dead_params(body);
    check(body, "dead parameters")?;
    // Redundant parameters by worklist (`redundant.rs`), then waffle's
    // GVN, which can make more arguments equal: a few rounds, each linear.
    let options = waffle::OptOptions { gvn: true, cprop: false, redundant_blockparams: false };
    for round in 0..3 {
        if !super::redundant::run(body) && round > 0 {
            break;
        }
        check(body, "redundant parameters")?;
        body.optimize(&options);
    }
    waffle::passes::resolve_aliases::run(body);
    check(body, "waffle optimize")?;
    if super::reinterpret::run(body) {
        waffle::passes::resolve_aliases::run(body);
    }
    check(body, "reinterpretations undone")?;
    super::finalize::clear_unreachable(body);
    remove_dead_params(body);
    check(body, "dead parameters (2)")?;
    remove_dead_pure_values(body);
    check(body, "dead values")?;
    merge_straight_lines(body);
    waffle::passes::resolve_aliases::run(body);
    check(body, "block merging")?;
    remove_dead_params(body);
    check(body, "dead parameters (3)")
}

/// Delete instructions without effects whose results nobody uses: the
/// constants unrolling leaves behind. Loads, stores, calls and anything
/// that may trap are never pure in waffle's effect model, so they stay.
pub fn remove_dead_pure_values(body: &mut FunctionBody) {
    loop {
        let mut used: HashSet<Value> = HashSet::new();
        for b in body.blocks.iter() {
            for &inst in &body.blocks[b].insts {
                match &body.values[inst] {
                    ValueDef::Operator(_, args, _) => {
                        used.extend(body.arg_pool[*args].iter().map(|&a| body.resolve_alias(a)))
                    }
                    ValueDef::PickOutput(v, _, _) | ValueDef::Alias(v) => {
                        used.insert(body.resolve_alias(*v));
                    }
                    _ => {}
                }
            }
            body.blocks[b].terminator.visit_uses(|u| {
                used.insert(body.resolve_alias(u));
            });
        }
        let mut removed = false;
        for b in body.blocks.iter().collect::<Vec<_>>() {
            let insts = std::mem::take(&mut body.blocks[b].insts);
            let kept: Vec<Value> = insts
                .into_iter()
                .filter(|&v| {
                    let dead = !used.contains(&v)
                        && matches!(&body.values[v], ValueDef::Operator(op, _, _) if op.is_pure());
                    removed |= dead;
                    !dead
                })
                .collect();
            body.blocks[b].insts = kept;
        }
        if !removed {
            return;
        }
    }
}

/// Merge a block into its predecessor when that is its only predecessor and
/// it is the predecessor's only successor (unrolling leaves long chains).
pub fn merge_straight_lines(body: &mut FunctionBody) {
    body.recompute_edges();
    let blocks: Vec<Block> = body.blocks.iter().collect();
    let pred_count: HashMap<Block, usize> =
        blocks.iter().map(|&b| (b, body.blocks[b].preds.len())).collect();
    let mut merged: HashSet<Block> = HashSet::new();
    for &b in &blocks {
        if merged.contains(&b) {
            continue;
        }
        loop {
            let waffle::Terminator::Br { target } = &body.blocks[b].terminator else { break };
            let c = target.block;
            if c == b || c == body.entry || merged.contains(&c) || pred_count.get(&c) != Some(&1) {
                break;
            }
            let args = target.args.clone();
            let params = std::mem::take(&mut body.blocks[c].params);
            for ((_, p), a) in params.into_iter().zip(args) {
                body.values[p] = ValueDef::Alias(a);
            }
            let insts = std::mem::take(&mut body.blocks[c].insts);
            for &v in &insts {
                body.value_blocks[v] = b;
            }
            body.blocks[b].insts.extend(insts);
            let term = std::mem::replace(&mut body.blocks[c].terminator, waffle::Terminator::Unreachable);
            body.blocks[b].terminator = term;
            merged.insert(c);
        }
    }
    body.recompute_edges();
}

/// Remove block parameters whose value is never used, except to be passed
/// on to other dead parameters (loops pass values around in cycles).
///
/// Right after specialization every block carries a parameter for each
/// generic value live there, so this runs over blocks x parameters: the
/// bookkeeping is in dense vectors indexed by value and by parameter slot,
/// not in hash maps.
pub fn remove_dead_params(body: &mut FunctionBody) {
    use waffle::entity::EntityRef;
    let blocks: Vec<Block> = body.blocks.iter().collect();
    // Parameter slots: block b's parameter i is slot first_slot[b] + i.
    let mut first_slot = vec![0usize; body.blocks.len()];
    let mut slots = 0usize;
    for &b in &blocks {
        first_slot[b.index()] = slots;
        slots += body.blocks[b].params.len();
    }
    let mut slot_of_value: Vec<Option<usize>> = vec![None; body.values.len()];
    for &b in &blocks {
        for (i, &(_, v)) in body.blocks[b].params.iter().enumerate() {
            slot_of_value[v.index()] = Some(first_slot[b.index()] + i);
        }
    }
    // Seeds: every use that is not an edge argument.
    let mut live = vec![false; body.values.len()];
    let mut work: Vec<Value> = Vec::new();
    let mark = |v: Value, live: &mut Vec<bool>, work: &mut Vec<Value>| {
        if let Some(seen) = live.get_mut(v.index()) {
            if !*seen {
                *seen = true;
                work.push(v);
            }
        }
    };
    for &b in &blocks {
        for &inst in &body.blocks[b].insts {
            match &body.values[inst] {
                ValueDef::Operator(_, args, _) => {
                    for &a in &body.arg_pool[*args] {
                        mark(body.resolve_alias(a), &mut live, &mut work);
                    }
                }
                ValueDef::PickOutput(v, _, _) | ValueDef::Alias(v) => {
                    mark(body.resolve_alias(*v), &mut live, &mut work)
                }
                _ => {}
            }
        }
        // Uses may be aliases (GVN leaves them): the aliased value is live.
        match &body.blocks[b].terminator {
            waffle::Terminator::CondBr { cond, .. } => mark(body.resolve_alias(*cond), &mut live, &mut work),
            waffle::Terminator::Select { value, .. } => mark(body.resolve_alias(*value), &mut live, &mut work),
            waffle::Terminator::Return { values } => {
                for &v in values {
                    mark(body.resolve_alias(v), &mut live, &mut work);
                }
            }
            _ => {}
        }
    }
    let incoming = super::util::IncomingArgs::new(body, &first_slot, slots, |_| true);
    while let Some(v) = work.pop() {
        if let Some(slot) = slot_of_value[v.index()] {
            for &a in incoming.of(slot) {
                mark(body.resolve_alias(a), &mut live, &mut work);
            }
        }
    }
    let live = |v: &Value| live.get(v.index()).copied().unwrap_or(true);
    // Remove dead parameters (never the entry's: they are the signature).
    let mut removed: HashMap<Block, Vec<usize>> = HashMap::new();
    for &b in &blocks {
        if b == body.entry {
            continue;
        }
        let dead: Vec<usize> = body.blocks[b]
            .params
            .iter()
            .enumerate()
            .filter(|(_, (_, v))| !live(v))
            .map(|(i, _)| i)
            .collect();
        if dead.is_empty() {
            continue;
        }
        removed.insert(b, dead);
    }
    // Dead parameters' values are never used, so they need no new definition.
    super::redundant::drop_params(body, &removed);
}
