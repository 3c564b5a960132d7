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
