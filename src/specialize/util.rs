//! Small queries on waffle IR shared by the specializer's passes.

use std::collections::HashMap;

use waffle::entity::EntityRef;
use waffle::{FunctionBody, Operator, Value, ValueDef};

use crate::intrinsics::Intrinsic;

/// The intrinsic a value calls, if it is a call to one.
pub fn called_intrinsic(
    body: &FunctionBody,
    intrinsics: &HashMap<u32, Intrinsic>,
    value: Value,
) -> Option<Intrinsic> {
    match &body.values[value] {
        ValueDef::Operator(Operator::Call { function_index }, _, _) => {
            intrinsics.get(&(function_index.index() as u32)).copied()
        }
        _ => None,
    }
}

/// Number of instructions in reachable-or-not blocks (for statistics).
pub fn count_insts(body: &FunctionBody) -> usize {
    body.blocks.values().map(|b| b.insts.len()).sum()
}

/// Number of blocks that hold code.
pub fn count_blocks(body: &FunctionBody) -> usize {
    body.blocks
        .values()
        .filter(|b| !b.insts.is_empty() || !matches!(b.terminator, waffle::Terminator::Unreachable))
        .count()
}

/// Every edge argument of `body`, grouped by the parameter slot it feeds
/// (block b's parameter i is slot `first_slot[b] + i`), as one flat array:
/// slot s's arguments are `args[start[s]..start[s + 1]]`. One allocation
/// instead of a vector per parameter, of which unrolled code has 10^5.
/// Only edges out of blocks `from` accepts count.
pub struct IncomingArgs {
    start: Vec<usize>,
    args: Vec<Value>,
}

impl IncomingArgs {
    pub fn new(body: &FunctionBody, first_slot: &[usize], slots: usize, from: impl Fn(waffle::Block) -> bool) -> Self {
        let blocks: Vec<waffle::Block> = body.blocks.iter().filter(|&b| from(b)).collect();
        let slot_range = |t: &waffle::BlockTarget| {
            let first = first_slot.get(t.block.index()).copied().unwrap_or(slots);
            (first, (first + t.args.len()).min(slots))
        };
        let mut start = vec![0usize; slots + 1];
        for &b in &blocks {
            body.blocks[b].terminator.visit_targets(|t| {
                let (lo, hi) = slot_range(t);
                for slot in lo..hi {
                    start[slot + 1] += 1;
                }
            });
        }
        for s in 0..slots {
            start[s + 1] += start[s];
        }
        let mut fill = start.clone();
        let mut args = vec![Value::invalid(); start[slots]];
        for &b in &blocks {
            body.blocks[b].terminator.visit_targets(|t| {
                let (lo, hi) = slot_range(t);
                for (slot, &a) in (lo..hi).zip(&t.args) {
                    args[fill[slot]] = a;
                    fill[slot] += 1;
                }
            });
        }
        IncomingArgs { start, args }
    }

    pub fn of(&self, slot: usize) -> &[Value] {
        match (self.start.get(slot), self.start.get(slot + 1)) {
            (Some(&lo), Some(&hi)) => &self.args[lo..hi],
            _ => &[],
        }
    }
}
