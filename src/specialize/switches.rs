//! Sparse switches become compares.
//!
//! LLVM compiles a two-way type test (`if (ttisinteger(v)) ... else if
//! (ttisfloat(v)) ...` in Lua's arithmetic) into a `br_table` over the
//! whole tag range: 18 entries, two of them going somewhere other than the
//! default. Wasm engines lower every `br_table` to a bounds check, a jump
//! table load and an indirect jump. In generic code the table is one of
//! many dispatches; in a specialized function, where the bytecode dispatch
//! is gone, these tables are the only indirect jumps left on the hot path.
//!
//! A `br_table` whose entries name at most [`MAX_CASES`] targets besides
//! the default, each target on one contiguous run of indices, becomes a
//! chain of compare-and-branch: `index == i` for a run of one, `index - lo
//! <u n` for a run of `n`. Every index reaches the same target with the
//! same arguments as before, so the rewrite is exact; it adds no load, no
//! trap and no call.

use waffle::entity::EntityRef;
use waffle::{Block, BlockTarget, FunctionBody, Operator, Terminator, Type, Value};

/// Most targets besides the default a switch may have to become compares.
pub const MAX_CASES: usize = 2;

/// One case of the chain: the target, and the run of indices reaching it.
struct Case {
    target: BlockTarget,
    lo: u32,
    len: u32,
}

/// Rewrite every sparse `br_table` of `body`. Returns the values it made,
/// each with the switch index it tests (for `--explain`).
pub fn run(body: &mut FunctionBody) -> Vec<(Value, Value)> {
    let blocks: Vec<Block> = body.blocks.iter().collect();
    let mut made = Vec::new();
    for block in blocks {
        let Terminator::Select { value, targets, default } = &body.blocks[block].terminator else {
            continue;
        };
        let Some(cases) = sparse_cases(targets, default) else { continue };
        let (value, default) = (*value, default.clone());
        body.blocks[block].terminator = Terminator::None;
        let mut at = block;
        let last = cases.len() - 1;
        for (k, case) in cases.into_iter().enumerate() {
            let first = body.values.len();
            let cond = compare(body, at, value, &case);
            made.extend((first..body.values.len()).map(|v| (Value::new(v), value)));
            let next = if k == last { None } else { Some(body.add_block()) };
            let if_false = match next {
                Some(next) => BlockTarget { block: next, args: vec![] },
                None => default.clone(),
            };
            body.blocks[at].terminator = Terminator::CondBr { cond, if_true: case.target, if_false };
            if let Some(next) = next {
                at = next;
            }
        }
    }
    // Every rewrite makes at least one compare.
    if !made.is_empty() {
        body.recompute_edges();
    }
    made
}

/// The cases of a switch that is sparse enough, in index order; `None`
/// when it must stay a table.
fn sparse_cases(targets: &[BlockTarget], default: &BlockTarget) -> Option<Vec<Case>> {
    let mut cases: Vec<Case> = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        if target == default {
            continue;
        }
        let i = u32::try_from(i).ok()?;
        match cases.iter_mut().find(|c| &c.target == target) {
            // A target's indices must form one run: the previous index
            // reached it too.
            Some(case) if case.lo + case.len == i => case.len += 1,
            Some(_) => return None,
            None => {
                if cases.len() == MAX_CASES {
                    return None;
                }
                cases.push(Case { target: target.clone(), lo: i, len: 1 });
            }
        }
    }
    // A table whose entries all go to the default is a plain branch: leave
    // it to the engine's own folding (it never builds one).
    if cases.is_empty() {
        return None;
    }
    Some(cases)
}

/// `value` is in `case`'s run, computed at the end of `block`.
fn compare(body: &mut FunctionBody, block: Block, value: Value, case: &Case) -> Value {
    let i32c = |body: &mut FunctionBody, v: u32| body.add_op(block, Operator::I32Const { value: v }, &[], &[Type::I32]);
    if case.len == 1 {
        let lo = i32c(body, case.lo);
        return body.add_op(block, Operator::I32Eq, &[value, lo], &[Type::I32]);
    }
    let lo = i32c(body, case.lo);
    let offset = body.add_op(block, Operator::I32Sub, &[value, lo], &[Type::I32]);
    let len = i32c(body, case.len);
    body.add_op(block, Operator::I32LtU, &[offset, len], &[Type::I32])
}

#[cfg(test)]
// Test-only panics below: the chain evaluator of fixed test functions; no
// input reaches them.
mod tests {
    use super::*;

    /// Where index `x` goes from `block`: follows the compares `run` made
    /// (constants, `eq`, `sub`, `lt_u`) until a branch to an original
    /// target, and returns it with its arguments. Test code only: its
    /// panics are failures of the generated case, no input reaches them.
    fn follow(body: &FunctionBody, mut block: Block, index: Value, x: u32) -> BlockTarget {
        let eval = |v: Value| -> u32 {
            fn go(body: &FunctionBody, v: Value, index: Value, x: u32) -> u32 {
                if v == index {
                    return x;
                }
                // Test-only panics here and below: `run`'s output on the
                // test's fixed functions; no input to pweval reaches them.
                let waffle::ValueDef::Operator(op, args, _) = &body.values[v] else { panic!("not an op: {v}") };
                let a = &body.arg_pool[*args];
                let arg = |i: usize| go(body, a[i], index, x);
                match op {
                    Operator::I32Const { value } => *value,
                    Operator::I32Eq => u32::from(arg(0) == arg(1)),
                    Operator::I32Sub => arg(0).wrapping_sub(arg(1)),
                    Operator::I32LtU => u32::from(arg(0) < arg(1)),
                    other => panic!("unexpected operator {other:?}"),
                }
            }
            go(body, v, index, x)
        };
        for _ in 0..16 {
            match &body.blocks[block].terminator {
                Terminator::CondBr { cond, if_true, if_false } => {
                    let t = if eval(*cond) != 0 { if_true } else { if_false };
                    if t.args.is_empty() && t.block.index() >= FIRST_NEW {
                        block = t.block;
                    } else {
                        return t.clone();
                    }
                }
                Terminator::Select { targets, default, .. } => {
                    return targets.get(x as usize).unwrap_or(default).clone();
                }
                // Test-only: a terminator `run` does not make.
                other => panic!("unexpected terminator {other:?}"),
            }
        }
        // Test-only: `run` made a compare chain longer than the case's.
        panic!("chain too long");
    }

    /// Blocks made by `run` come after the test's fixed ones.
    const FIRST_NEW: usize = 8;

    /// A table over `len` entries drawn from `targets` (blocks 1..=4, two
    /// argument lists), from a little LCG: the rewrite (when it applies)
    /// sends every index where the table did, including ones past the end.
    #[test]
    fn every_index_reaches_the_same_target() {
        let mut seed: u64 = 0x5eed;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut rewritten = 0;
        for _ in 0..2000 {
            let mut body = FunctionBody { n_params: 2, ..Default::default() };
            let entry = body.add_block();
            body.entry = entry;
            let index = body.add_blockparam(entry, Type::I32);
            let other = body.add_blockparam(entry, Type::I32);
            let blocks: Vec<Block> = (0..FIRST_NEW - 1).map(|_| body.add_block()).collect();
            for &b in &blocks {
                body.blocks[b].terminator = Terminator::Unreachable;
            }
            let pick = |next: &mut dyn FnMut(u64) -> u64| BlockTarget {
                block: blocks[next(4) as usize],
                args: if next(3) == 0 { vec![other] } else { vec![] },
            };
            let len = 1 + next(20) as usize;
            let default = pick(&mut next);
            // Mostly the default, so that sparse tables are common.
            let targets: Vec<BlockTarget> = (0..len)
                .map(|_| if next(3) == 0 { pick(&mut next) } else { default.clone() })
                .collect();
            let before = Terminator::Select { value: index, targets: targets.clone(), default: default.clone() };
            body.blocks[entry].terminator = before.clone();
            body.recompute_edges();
            let made = run(&mut body);
            if !made.is_empty() {
                rewritten += 1;
                assert!(sparse_cases(&targets, &default).is_some());
            }
            for x in (0..len as u32 + 3).chain([u32::MAX, u32::MAX - 1, 1 << 31]) {
                let want = targets.get(x as usize).unwrap_or(&default);
                let got = follow(&body, entry, index, x);
                assert_eq!(&got, want, "index {x} of {before:?}");
            }
        }
        assert!(rewritten > 200, "the generator should make sparse tables: {rewritten}");
    }
}
