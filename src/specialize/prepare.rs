//! Prepare the generic function for specialization.
//!
//! 1. **Split** blocks right before every context intrinsic and right after
//!    every `specialize.value`, so that each PC (and each value to fan out
//!    on) reaches the instruction that consumes it as a *block parameter*.
//! 2. **Maximal SSA**: every value used in a block other than its own is
//!    passed through block parameters. A specialized block is a copy of one
//!    generic block in one context; with max-SSA it depends only on its own
//!    parameters, so copies never reach across into another copy's values.
//! 3. **Pins**: find the block parameters whose constant value must be part
//!    of the block's identity (the PC flowing into `update.context`, the
//!    value flowing out of `specialize.value`, and what feeds them through
//!    other parameters and `select`s). Edges carrying different constants
//!    for a pinned parameter reach different specialized blocks instead of
//!    merging into a runtime value.

use std::collections::{HashMap, HashSet};

use waffle::{Block, FunctionBody, Operator, Terminator, Value, ValueDef};

use super::util::called_intrinsic;
use crate::intrinsics::Intrinsic;

/// Pinned parameters: (block, parameter index) -> keyed on the low 32 bits
/// only (an i64 whose high bits nothing observes, see `demanded.rs`).
/// FxHash: the engine looks up every argument of every edge it makes.
pub type Pins = rustc_hash::FxHashMap<(Block, usize), bool>;

/// Loads whose value the pin slice reaches (it stops there): what they
/// read must be a constant for specialization to go on (`memfacts.rs`).
pub type PinLoads = rustc_hash::FxHashSet<Value>;

pub fn prepare(body: &mut FunctionBody, intrinsics: &HashMap<u32, Intrinsic>) -> (Pins, PinLoads) {
    split_blocks(body, intrinsics);
    body.convert_to_max_ssa(None);
    body.recompute_edges();
    find_pins(body, intrinsics)
}

fn is_context_change(i: Option<Intrinsic>) -> bool {
    matches!(i, Some(Intrinsic::PushContext | Intrinsic::UpdateContext | Intrinsic::PopContext))
}

fn split_blocks(body: &mut FunctionBody, intrinsics: &HashMap<u32, Intrinsic>) {
    let mut work: Vec<Block> = body.blocks.iter().collect();
    while let Some(block) = work.pop() {
        let insts = &body.blocks[block].insts;
        let split_at = insts.iter().enumerate().find_map(|(i, &inst)| {
            let called = called_intrinsic(body, intrinsics, inst);
            if is_context_change(called) && i > 0 {
                Some(i)
            } else if called == Some(Intrinsic::SpecializeValue) && i + 1 < insts.len() {
                Some(i + 1)
            } else {
                None
            }
        });
        if let Some(at) = split_at {
            let tail = body.add_block();
            let moved: Vec<Value> = body.blocks[block].insts.split_off(at);
            for &v in &moved {
                body.value_blocks[v] = tail;
            }
            body.blocks[tail].insts = moved;
            let term = std::mem::replace(
                &mut body.blocks[block].terminator,
                Terminator::Br { target: waffle::BlockTarget { block: tail, args: vec![] } },
            );
            body.blocks[tail].terminator = term;
            // The tail may need splitting again (several intrinsics).
            work.push(tail);
        }
    }
    body.recompute_edges();
}

/// Pinned parameters: a backward slice from every value that must be a
/// constant for specialization to continue.
///
/// Roots: the PC argument of `push/update.context`, the index argument of
/// `read.reg`/`write.reg`/`read.specialization.global`, the input of
/// `specialize.value`, and (forward) where `specialize.value`'s result goes.
/// From a root the slice walks back through any pure operator (`wrap`,
/// `add`, `shl`, comparisons, ...), through both arms of a `select` (not
/// its condition: that is what the split branches on), and through block
/// parameters into every predecessor's branch argument. Every block
/// parameter it meets is pinned.
///
/// *Why through pure operators:* clang puts whatever it likes between the
/// join of the PCs and the intrinsic: `i32.wrap_i64` of a 64-bit PC,
/// `ip - code` of a pointer PC, `pc + 1` at a shared loop latch. The
/// constant on each incoming edge survives all of them only if the join
/// itself is keyed by it.
fn find_pins(body: &FunctionBody, intrinsics: &HashMap<u32, Intrinsic>) -> (Pins, PinLoads) {
    let mut pinned: HashSet<(Block, usize)> = HashSet::new();
    let mut loads = PinLoads::default();
    let mut roots: Vec<Value> = Vec::new();
    for block in body.blocks.iter() {
        for &inst in &body.blocks[block].insts {
            let Some(intrinsic) = called_intrinsic(body, intrinsics, inst) else { continue };
            let ValueDef::Operator(_, args, _) = &body.values[inst] else { continue };
            let args = &body.arg_pool[*args];
            match intrinsic {
                Intrinsic::PushContext
                | Intrinsic::UpdateContext
                | Intrinsic::ReadReg
                | Intrinsic::WriteReg
                | Intrinsic::ReadSpecializationGlobal => roots.extend(args.first().copied()),
                Intrinsic::SpecializeValue => {
                    roots.extend(args.first().copied());
                    // Forward: where the fanned-out value goes, pin it.
                    body.blocks[block].terminator.visit_targets(|target| {
                        for (i, &arg) in target.args.iter().enumerate() {
                            if body.resolve_alias(arg) == inst {
                                roots.push(body.blocks[target.block].params[i].1);
                            }
                        }
                    });
                }
                _ => {}
            }
        }
    }
    let mut seen: HashSet<Value> = HashSet::new();
    let mut work = roots;
    while let Some(value) = work.pop() {
        let value = body.resolve_alias(value);
        if !seen.insert(value) {
            continue;
        }
        match &body.values[value] {
            ValueDef::BlockParam(block, index, _) => {
                let (block, index) = (*block, *index as usize);
                pinned.insert((block, index));
                for &pred in &body.blocks[block].preds {
                    body.blocks[pred].terminator.visit_targets(|target| {
                        if target.block == block {
                            work.extend(target.args.get(index).copied());
                        }
                    });
                }
            }
            ValueDef::Operator(Operator::Select | Operator::TypedSelect { .. }, args, _) => {
                work.extend(body.arg_pool[*args].iter().take(2).copied());
            }
            ValueDef::Operator(op, args, tys) if op.is_pure() && body.type_pool[*tys].len() == 1 => {
                work.extend(body.arg_pool[*args].iter().copied());
            }
            ValueDef::Operator(op, _, _) if is_load(op) => {
                loads.insert(value);
            }
            _ => {}
        }
    }
    let low = super::demanded::low_only_values(body);
    let pins = pinned
        .into_iter()
        .map(|(block, index)| {
            let low32 = body.blocks[block].params.get(index).is_some_and(|&(_, v)| low.contains(&v));
            ((block, index), low32)
        })
        .collect();
    (pins, loads)
}

fn is_load(op: &Operator) -> bool {
    use Operator::*;
    matches!(
        op,
        I32Load { .. }
            | I64Load { .. }
            | I32Load8S { .. }
            | I32Load8U { .. }
            | I32Load16S { .. }
            | I32Load16U { .. }
            | I64Load8S { .. }
            | I64Load8U { .. }
            | I64Load16S { .. }
            | I64Load16U { .. }
            | I64Load32S { .. }
            | I64Load32U { .. }
    )
}
