//! Turn the engine's abstract terminators into real ones, now that every
//! specialized block's parameter list is final, and drop what the last
//! round of processing left unreachable.

use std::collections::HashSet;

use waffle::{Block, BlockTarget, Terminator};

use super::convert;
use super::engine::{twin_fact, ATerm, Edge, Engine, ParamOf};
use super::state::{AVal, Extra, Konst, SlotKey, REG_DEFAULT};

pub fn finalize(engine: &mut Engine<'_>) {
    let mut blocks: Vec<Block> = engine.terms.keys().copied().collect();
    blocks.sort();
    for block in blocks {
        let term = engine.terms[&block].clone();
        let built = match term {
            ATerm::Br(e) => Terminator::Br { target: target(engine, block, &e) },
            ATerm::CondBr(cond, t, f) => Terminator::CondBr {
                cond,
                if_true: target(engine, block, &t),
                if_false: target(engine, block, &f),
            },
            ATerm::Select(value, edges, default) => Terminator::Select {
                value,
                targets: edges.iter().map(|e| target(engine, block, e)).collect(),
                default: target(engine, block, &default),
            },
            ATerm::Return(values) => Terminator::Return { values },
            ATerm::Unreachable => Terminator::Unreachable,
            ATerm::Cold(cold, values) => {
                let args = values.iter().map(|&a| engine.value_in(block, a)).collect();
                Terminator::Br { target: BlockTarget { block: cold, args } }
            }
        };
        engine.s.blocks[block].terminator = built;
    }
    clear_unreachable(&mut engine.s);
}

fn target(engine: &mut Engine<'_>, src: Block, edge: &Edge) -> BlockTarget {
    let Some(keyed) = engine.keyed.get(&edge.target) else {
        // A split block: no parameters, it reads the source's values.
        return BlockTarget { block: edge.target, args: vec![] };
    };
    let order = keyed.param_order.clone();
    // Pending stores the target does not keep pending happen on the edge,
    // in a block of its own (the source may have other successors).
    let to_store: Vec<SlotKey> = edge.dirty.difference(&keyed.dirty).copied().collect();
    if to_store.is_empty() {
        return BlockTarget { block: edge.target, args: target_args(engine, src, edge, &order) };
    }
    let on_edge = engine.s.add_block();
    engine.store_slots(on_edge, to_store.into_iter(), &edge.extras);
    let args = target_args(engine, on_edge, edge, &order);
    engine.s.blocks[on_edge].terminator = Terminator::Br { target: BlockTarget { block: edge.target, args } };
    BlockTarget { block: on_edge, args: vec![] }
}

/// The arguments `edge` passes to its keyed target, as values in `src`.
fn target_args(engine: &mut Engine<'_>, src: Block, edge: &Edge, order: &[ParamOf]) -> Vec<waffle::Value> {
    let mut args = Vec::with_capacity(order.len());
    for &param in order {
        let a = match param {
            ParamOf::Generic(i) => edge.args[i],
            ParamOf::Extra(extra) => match (edge.extras.get(&extra).copied(), extra) {
                (Some(a), _) => a,
                (None, Extra::Reg(_)) => REG_DEFAULT,
                // The cell known under its twin type on this edge (the
                // join met it so, `engine.rs`): the same bits, converted.
                (None, Extra::Mem(key)) => match (twin_fact(&edge.extras, extra), convert::twin(key.cell)) {
                    (Some(a @ AVal::Const { .. }), _) => a,
                    (Some(a), Some((_, op))) => {
                        let v = engine.value_in(src, a);
                        AVal::Runtime(engine.emit_op(src, op, &[v], &[key.cell.ty()]))
                    }
                    _ => unused_arg(extra),
                },
                (None, extra) => unused_arg(extra),
            },
        };
        args.push(engine.value_in(src, a));
    }
    args
}

/// The argument for a parameter the target no longer uses (its state
/// dropped the slot or cell): any value of the right type will do.
fn unused_arg(extra: Extra) -> AVal {
    AVal::konst(match extra.ty() {
        waffle::Type::I64 => Konst::I64(0),
        waffle::Type::F32 => Konst::F32(0),
        waffle::Type::F64 => Konst::F64(0),
        _ => Konst::I32(0),
    })
}

/// Empty every block not reachable from the entry (stale copies from
/// blocks that were processed again).
pub fn clear_unreachable(body: &mut waffle::FunctionBody) {
    let mut seen = HashSet::new();
    let mut stack = vec![body.entry];
    while let Some(b) = stack.pop() {
        if seen.insert(b) {
            body.blocks[b].terminator.visit_successors(|s| stack.push(s));
        }
    }
    for b in body.blocks.iter().collect::<Vec<_>>() {
        if !seen.contains(&b) {
            body.blocks[b].insts.clear();
            body.blocks[b].terminator = Terminator::Unreachable;
        }
    }
    body.recompute_edges();
}
