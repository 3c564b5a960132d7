//! Redundant block parameters: a parameter whose every incoming argument is
//! either the parameter itself or one value `v` (or one constant) is `v`.
//!
//! waffle's optimizer does the same job by re-walking the whole function
//! until nothing changes. Each walk removes only the parameters whose
//! arguments were already resolved when it reached them, so a chain of
//! parameters that feeds itself around loops from later blocks takes one
//! walk per link: on the Lua guest, a loop of K `if`s with slow copies cost
//! K walks of a function of K blocks (7.7 s at K = 150, two thirds of it
//! there). This pass is a worklist instead: when a parameter is replaced,
//! only the parameters that receive it are looked at again. Every edge
//! argument is examined once, plus once per replacement of the value it
//! carries, so the cost grows with the function.
//!
//! A cycle of parameters that only pass each other and one outside value
//! along is left alone, as waffle leaves it.

use std::collections::HashMap;

use waffle::entity::EntityRef;
use waffle::{Block, FunctionBody, Operator, Type, Value, ValueDef};

/// What an edge argument is, for deciding whether all arguments agree:
/// a value, or a constant (two separate `i32.const 0` are the same input).
#[derive(Clone, Copy, PartialEq)]
enum Input {
    Value(Value),
    Const(Type, u64),
}

fn input_of(body: &FunctionBody, v: Value) -> Input {
    let v = body.resolve_alias(v);
    match &body.values[v] {
        ValueDef::Operator(Operator::I32Const { value }, _, _) => Input::Const(Type::I32, *value as u64),
        ValueDef::Operator(Operator::I64Const { value }, _, _) => Input::Const(Type::I64, *value),
        ValueDef::Operator(Operator::F32Const { value }, _, _) => Input::Const(Type::F32, *value as u64),
        ValueDef::Operator(Operator::F64Const { value }, _, _) => Input::Const(Type::F64, *value),
        _ => Input::Value(v),
    }
}

fn const_operator(ty: Type, bits: u64) -> Option<Operator> {
    Some(match ty {
        Type::I32 => Operator::I32Const { value: bits as u32 },
        Type::I64 => Operator::I64Const { value: bits },
        Type::F32 => Operator::F32Const { value: bits as u32 },
        Type::F64 => Operator::F64Const { value: bits },
        _ => return None,
    })
}

/// Replace every redundant parameter (not the entry block's: they are the
/// signature) by the one value or constant it always receives. Returns
/// whether anything changed.
pub fn run(body: &mut FunctionBody) -> bool {
    body.recompute_edges();
    let blocks: Vec<Block> = body.blocks.iter().collect();
    // Parameter slots, as in `cleanup::remove_dead_params`: block b's
    // parameter i is slot first_slot[b] + i.
    let mut first_slot = vec![0usize; body.blocks.len()];
    let mut slot_param: Vec<(Block, usize, Type, Value)> = Vec::new();
    for &b in &blocks {
        first_slot[b.index()] = slot_param.len();
        for (i, &(ty, v)) in body.blocks[b].params.iter().enumerate() {
            slot_param.push((b, i, ty, v));
        }
    }
    // Only edges from blocks reachable from the entry count, and only
    // reachable blocks' parameters are replaced: in a block reachable only
    // from itself, the one value a parameter receives may be defined after
    // it, and replacing the parameter by it would break SSA.
    let mut reachable = vec![false; body.blocks.len()];
    let mut stack = vec![body.entry];
    reachable[body.entry.index()] = true;
    while let Some(b) = stack.pop() {
        body.blocks[b].terminator.visit_successors(|succ| {
            if !reachable[succ.index()] {
                reachable[succ.index()] = true;
                stack.push(succ);
            }
        });
    }
    let incoming = super::util::IncomingArgs::new(body, &first_slot, slot_param.len(), |b| reachable[b.index()]);
    // Which slots receive a value (by the value's index, after aliases).
    let mut receivers: Vec<Vec<usize>> = vec![Vec::new(); body.values.len()];
    for slot in 0..slot_param.len() {
        for &a in incoming.of(slot) {
            if let Some(r) = receivers.get_mut(body.resolve_alias(a).index()) {
                r.push(slot);
            }
        }
    }

    let mut removed = vec![false; slot_param.len()];
    let mut queued = vec![true; slot_param.len()];
    let mut work: Vec<usize> = (0..slot_param.len()).rev().collect();
    let mut new_consts: HashMap<Block, Vec<Value>> = HashMap::new();
    while let Some(slot) = work.pop() {
        queued[slot] = false;
        let (block, _, ty, param) = slot_param[slot];
        if removed[slot] || block == body.entry || !reachable[block.index()] || incoming.of(slot).is_empty() {
            continue;
        }
        let mut only: Option<Input> = None;
        let mut agree = true;
        for &a in incoming.of(slot) {
            let input = input_of(body, a);
            if input == Input::Value(param) {
                continue;
            }
            match only {
                None => only = Some(input),
                Some(o) if o == input => {}
                Some(_) => {
                    agree = false;
                    break;
                }
            }
        }
        let Some(only) = only.filter(|_| agree) else { continue };
        match only {
            Input::Value(v) => body.values[param] = ValueDef::Alias(v),
            Input::Const(cty, bits) => {
                let Some(op) = const_operator(cty, bits).filter(|_| cty == ty) else { continue };
                let types = body.single_type_list(ty);
                body.values[param] = ValueDef::Operator(op, Default::default(), types);
                new_consts.entry(block).or_default().push(param);
            }
        }
        removed[slot] = true;
        // The parameter's receivers now receive its replacement: look at
        // them again, and let the replacement's later removal reach them.
        let moved = std::mem::take(&mut receivers[param.index()]);
        for &r in &moved {
            if !queued[r] && !removed[r] {
                queued[r] = true;
                work.push(r);
            }
        }
        if let Input::Value(v) = only {
            if let Some(r) = receivers.get_mut(v.index()) {
                r.extend(moved);
            }
        }
    }

    if !removed.iter().any(|&r| r) {
        return false;
    }
    for (block, consts) in new_consts {
        for &c in &consts {
            body.value_blocks[c] = block;
        }
        let insts = std::mem::take(&mut body.blocks[block].insts);
        body.blocks[block].insts = consts.into_iter().chain(insts).collect();
    }
    let mut dropped: HashMap<Block, Vec<usize>> = HashMap::new();
    for (slot, &(block, index, _, _)) in slot_param.iter().enumerate() {
        if removed[slot] {
            dropped.entry(block).or_default().push(index);
        }
    }
    drop_params(body, &dropped);
    true
}

/// Remove the listed parameter positions (ascending per block) from their
/// blocks and from every edge into them, renumbering the parameters kept.
/// The removed parameters' values must already be redefined, or be unused.
pub fn drop_params(body: &mut FunctionBody, dropped: &HashMap<Block, Vec<usize>>) {
    if dropped.is_empty() {
        return;
    }
    for (&b, positions) in dropped {
        let params = std::mem::take(&mut body.blocks[b].params);
        let kept: Vec<(Type, Value)> = params
            .into_iter()
            .enumerate()
            .filter(|(i, _)| positions.binary_search(i).is_err())
            .map(|(_, p)| p)
            .collect();
        for (i, &(ty, v)) in kept.iter().enumerate() {
            body.values[v] = ValueDef::BlockParam(b, i as u32, ty);
        }
        body.blocks[b].params = kept;
    }
    let blocks: Vec<Block> = body.blocks.iter().collect();
    for b in blocks {
        body.blocks[b].terminator.update_targets(|t| {
            if let Some(positions) = dropped.get(&t.block) {
                let args = std::mem::take(&mut t.args);
                t.args = args
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| positions.binary_search(i).is_err())
                    .map(|(_, a)| a)
                    .collect();
            }
        });
    }
}

#[cfg(test)]
// Test-only: its expect/panic sites report a failed test on fixed test
// functions; no input to pweval reaches them.
mod tests {
    use super::*;
    use waffle::{BlockTarget, Terminator};

    /// The value a use has on a walk: an original parameter's last incoming
    /// argument, a constant, or an entry argument. Test code only: its
    /// panics are failures of the generated case, no input reaches them.
    fn eval(body: &FunctionBody, env: &HashMap<Value, i64>, v: Value) -> i64 {
        let v = body.resolve_alias(v);
        match &body.values[v] {
            ValueDef::Operator(Operator::I32Const { value }, _, _) => *value as i64,
            ValueDef::Operator(Operator::I32Add, args, _) => {
                let a = &body.arg_pool[*args];
                (eval(body, env, a[0]) as i32).wrapping_add(eval(body, env, a[1]) as i32) as i64
            }
            // Test-only: the interpreter of generated cases; no input reaches it.
            _ => *env.get(&v).unwrap_or_else(|| panic!("{v} has no value on this walk")),
        }
    }

    /// Random functions of blocks with parameters, each edge passing an
    /// entry argument, a constant (two of them equal), the source block's
    /// own parameter or a sum computed in the source block; some blocks are
    /// unreachable. After the pass, random walks through the original and
    /// the rewritten function (the same blocks and branches) must see every
    /// original parameter with the same value, and the rewritten function
    /// must verify. Most cases must lose parameters, some all of them.
    #[test]
    fn removed_parameters_always_had_their_replacement() {
        let mut seed: u64 = 0xfee1;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let (mut removed_total, mut cases_with_removal) = (0usize, 0usize);
        for case in 0..3000 {
            let mut body = FunctionBody { n_params: 2, ..Default::default() };
            let entry = body.add_block();
            body.entry = entry;
            let x = body.add_blockparam(entry, Type::I32);
            let y = body.add_blockparam(entry, Type::I32);
            let n = 2 + next(10) as usize;
            let blocks: Vec<Block> = (0..n).map(|_| body.add_block()).collect();
            for &b in &blocks {
                for _ in 0..1 + next(2) {
                    body.add_blockparam(b, Type::I32);
                }
            }
            let all: Vec<Block> = std::iter::once(entry).chain(blocks.iter().copied()).collect();
            for &from in &all {
                let target = |body: &mut FunctionBody, next: &mut dyn FnMut(u64) -> u64| {
                    let to = blocks[if from == entry { 0 } else { next(n as u64) as usize }];
                    let own = body.blocks[from].params.first().map(|p| p.1);
                    let args = (0..body.blocks[to].params.len())
                        .map(|_| match next(7) {
                            0 => x,
                            1 => y,
                            2 | 3 => body.add_op(from, Operator::I32Const { value: 7 }, &[], &[Type::I32]),
                            // A value defined in the source block: in a block
                            // reachable only from itself, it is defined after
                            // the parameter it would replace.
                            4 if from != entry => {
                                let own = own.unwrap_or(x);
                                body.add_op(from, Operator::I32Add, &[own, x], &[Type::I32])
                            }
                            _ if from != entry => own.unwrap_or(x),
                            _ => x,
                        })
                        .collect();
                    BlockTarget { block: to, args }
                };
                let term = match next(3) {
                    0 if from != entry => Terminator::Return { values: vec![] },
                    1 => Terminator::CondBr {
                        cond: y,
                        if_true: target(&mut body, &mut next),
                        if_false: target(&mut body, &mut next),
                    },
                    _ => Terminator::Br { target: target(&mut body, &mut next) },
                };
                body.blocks[from].terminator = term;
            }
            body.recompute_edges();
            let original = body.clone();
            let params_before: usize = all.iter().map(|&b| body.blocks[b].params.len()).sum();
            run(&mut body);
            // Test-only panic: a generated case the pass broke.
            crate::ir::verify(&body).unwrap_or_else(|e| panic!("case {case}: {e}"));
            let params_after: usize = all.iter().map(|&b| body.blocks[b].params.len()).sum();
            removed_total += params_before - params_after;
            cases_with_removal += usize::from(params_after < params_before);

            for walk in 0..4 {
                let (mut env_o, mut env_r) = (HashMap::new(), HashMap::new());
                for env in [&mut env_o, &mut env_r] {
                    env.insert(x, 1000 + walk);
                    env.insert(y, 2000 + case as i64);
                }
                let mut block = entry;
                for _ in 0..40 {
                    let pick = next(2) == 0;
                    let choose = |t: &Terminator| -> Option<BlockTarget> {
                        match t {
                            Terminator::Br { target } => Some(target.clone()),
                            Terminator::CondBr { if_true, if_false, .. } => {
                                Some(if pick { if_true.clone() } else { if_false.clone() })
                            }
                            _ => None,
                        }
                    };
                    let (Some(to_o), Some(to_r)) =
                        (choose(&original.blocks[block].terminator), choose(&body.blocks[block].terminator))
                    else {
                        break;
                    };
                    assert_eq!(to_o.block, to_r.block);
                    let args_o: Vec<i64> = to_o.args.iter().map(|&a| eval(&original, &env_o, a)).collect();
                    let args_r: Vec<i64> = to_r.args.iter().map(|&a| eval(&body, &env_r, a)).collect();
                    for (&(_, p), a) in original.blocks[to_o.block].params.iter().zip(args_o) {
                        env_o.insert(p, a);
                    }
                    for (&(_, p), a) in body.blocks[to_r.block].params.iter().zip(args_r) {
                        env_r.insert(p, a);
                    }
                    block = to_o.block;
                    for &(_, p) in &original.blocks[block].params {
                        assert_eq!(eval(&body, &env_r, p), env_o[&p], "case {case}: {p} in {block}");
                    }
                }
            }
        }
        assert!(cases_with_removal > 1000, "the generator should make redundant parameters: {cases_with_removal}");
        assert!(removed_total > 3000, "{removed_total}");
    }
}
