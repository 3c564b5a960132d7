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

/// Pinned parameters: (block, parameter index).
pub type Pins = HashSet<(Block, usize)>;

pub fn prepare(body: &mut FunctionBody, intrinsics: &HashMap<u32, Intrinsic>) -> Pins {
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

fn param_index(body: &FunctionBody, block: Block, value: Value) -> Option<usize> {
    body.blocks[block].params.iter().position(|&(_, v)| v == value)
}

fn find_pins(body: &FunctionBody, intrinsics: &HashMap<u32, Intrinsic>) -> Pins {
    let mut pins = Pins::new();
    let mut work = Vec::new();
    for block in body.blocks.iter() {
        for &inst in &body.blocks[block].insts {
            match called_intrinsic(body, intrinsics, inst) {
                Some(Intrinsic::PushContext | Intrinsic::UpdateContext) => {
                    if let ValueDef::Operator(_, args, _) = &body.values[inst] {
                        let pc = body.resolve_alias(body.arg_pool[*args][0]);
                        if let Some(i) = param_index(body, block, pc) {
                            work.push((block, i));
                        }
                    }
                }
                Some(Intrinsic::SpecializeValue) => {
                    // Forward: where the fanned-out value goes, pin it.
                    body.blocks[block].terminator.visit_targets(|target| {
                        for (i, &arg) in target.args.iter().enumerate() {
                            if body.resolve_alias(arg) == inst {
                                work.push((target.block, i));
                            }
                        }
                    });
                }
                _ => {}
            }
        }
    }
    // Backward: a pinned parameter is only constant if what feeds it is.
    while let Some((block, index)) = work.pop() {
        if !pins.insert((block, index)) {
            continue;
        }
        for &pred in &body.blocks[block].preds {
            body.blocks[pred].terminator.visit_targets(|target| {
                if target.block != block {
                    return;
                }
                let Some(&arg) = target.args.get(index) else { return };
                let arg = body.resolve_alias(arg);
                let mut feed = |v: Value| {
                    if let Some(i) = param_index(body, pred, v) {
                        work.push((pred, i));
                    }
                };
                feed(arg);
                if let ValueDef::Operator(Operator::Select | Operator::TypedSelect { .. }, args, _) =
                    &body.values[arg]
                {
                    let args = &body.arg_pool[*args];
                    feed(body.resolve_alias(args[0]));
                    feed(body.resolve_alias(args[1]));
                }
            });
        }
    }
    pins
}
