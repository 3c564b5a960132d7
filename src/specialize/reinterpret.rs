//! Reinterpretations undone: a reinterpretation of a reinterpretation
//! back to the first type is the first value (a reinterpretation changes
//! no bit).
//!
//! Clang stores an interpreter's integer and float results into one cell
//! with one store of one type (Lua's arithmetic: `setivalue` and
//! `setfltvalue` become one `f64.store`, of `f64.reinterpret_i64` of an
//! integer sum), and reads the cell back with the type the next
//! instruction wants (`i64.load`). Once memory facts forward those loads
//! (`memfacts.rs`, `convert.rs`) and joins keep them (`convert::twin`),
//! the sum's way back into the loop is `i64.reinterpret_f64` of
//! `f64.reinterpret_i64` of it, once the join's parameters are gone.
//!
//! *Not done:* flipping a block parameter carried in the other type (every
//! incoming value a reinterpretation from the type its uses want, every use
//! a reinterpretation to it) takes the remaining pair per iteration out of
//! a loop whose head first met the other type (sieve's inner index). It
//! was measured, old against new pweval on the same snapshot at four
//! placements: `sieve` 1.056x slower at every placement (the index moved
//! from an XMM register into the general ones of a loop that waits on
//! memory), the other programs within 1%. So the pairs are all that is
//! undone.

use std::collections::HashMap;

use waffle::{Block, FunctionBody, Type, Value, ValueDef};

use super::convert::reinterpreted;

/// `v`'s operand, when `v` reinterprets a value of `from` type.
fn operand_from(body: &FunctionBody, v: Value, from: Type) -> Option<Value> {
    let (op, _) = reinterpreted(from)?;
    match &body.values[body.resolve_alias(v)] {
        ValueDef::Operator(o, args, _) if *o == op => body.arg_pool[*args].first().copied(),
        _ => None,
    }
}

/// Each instruction that reinterprets a reinterpretation back to the
/// first type becomes an alias of the first value; returns whether any
/// did. The caller resolves aliases and removes what became dead.
pub fn run(body: &mut FunctionBody) -> bool {
    let mut undone: Vec<(Block, Value, Value)> = Vec::new();
    for b in body.blocks.iter() {
        for &inst in &body.blocks[b].insts {
            let ValueDef::Operator(op, args, _) = &body.values[inst] else { continue };
            let Some(&arg) = body.arg_pool[*args].first() else { continue };
            let Some(from) = [Type::I32, Type::I64, Type::F32, Type::F64]
                .into_iter()
                .find(|&t| reinterpreted(t).is_some_and(|(o, _)| o == *op))
            else {
                continue;
            };
            let Some((_, first_ty)) = reinterpreted(from) else { continue };
            if let Some(first) = operand_from(body, arg, first_ty) {
                undone.push((b, inst, body.resolve_alias(first)));
            }
        }
    }
    replace_by_aliases(body, &undone);
    !undone.is_empty()
}

/// Make each `(block, inst, to)` an alias of `to`, out of its block.
fn replace_by_aliases(body: &mut FunctionBody, undone: &[(Block, Value, Value)]) {
    let mut per_block: HashMap<Block, Vec<Value>> = HashMap::new();
    for &(b, inst, to) in undone {
        body.values[inst] = ValueDef::Alias(to);
        per_block.entry(b).or_default().push(inst);
    }
    for (b, gone) in per_block {
        body.blocks[b].insts.retain(|inst| !gone.contains(inst));
    }
}
