//! Demanded bits of 64-bit values: which i64 values are only ever observed
//! through their low 32 bits.
//!
//! *Why:* an interpreter with a `uint64_t pc` on wasm32 indexes its code
//! with `i32.wrap_i64(pc)`. A relative jump that the guest computes with
//! 32-bit wrap-around (`pc += (uint32_t)offset`) then gives a PC whose high
//! bits grow by 2^32 on every backward jump while the instruction it names
//! stays the same. Keyed on the full value, every trip round the loop
//! would be a new specialized block (until widening gives up). When no use
//! can see the high bits, the engine keys such a pinned parameter on its
//! low 32 bits and uses the truncated constant: every use computes the
//! same low bits from it, so nothing observable changes.
//!
//! The analysis is a greatest fixpoint over the generic function: a value
//! is *low-only* when each of its uses is `i32.wrap_i64`, or an operator
//! whose low result bits depend only on the low operand bits (`add`, `sub`,
//! `mul`, `and`, `or`, `xor`, `shl`, an arm of `select`) whose result is
//! low-only, or a branch argument to a low-only block parameter.

use std::collections::{HashMap, HashSet};

use waffle::{FunctionBody, Operator, Type, Value, ValueDef};

#[derive(Clone, Copy)]
enum Use {
    /// An operator that keeps low bits low (its result must be low-only).
    Through(Value),
    /// A branch argument to this block parameter.
    Param(Value),
    /// `i32.wrap_i64`: sees the low 32 bits only.
    Wrap,
    /// Anything else: sees all 64 bits.
    Full,
}

fn keeps_low_bits(op: &Operator) -> bool {
    use Operator::*;
    matches!(op, I64Add | I64Sub | I64Mul | I64And | I64Or | I64Xor | I64Shl | Select | TypedSelect { .. })
}

/// The i64 values of `body` that are only observed through their low 32
/// bits.
pub fn low_only_values(body: &FunctionBody) -> HashSet<Value> {
    let mut uses: HashMap<Value, Vec<Use>> = HashMap::new();
    let mut feeders: HashMap<Value, Vec<Value>> = HashMap::new();
    let mut candidates = Vec::new();
    for block in body.blocks.iter() {
        for &(ty, param) in &body.blocks[block].params {
            if ty == Type::I64 {
                candidates.push(param);
            }
        }
        for &inst in &body.blocks[block].insts {
            let ValueDef::Operator(op, args, tys) = &body.values[inst] else {
                if let ValueDef::PickOutput(from, ..) | ValueDef::Alias(from) = &body.values[inst] {
                    uses.entry(body.resolve_alias(*from)).or_default().push(Use::Full);
                }
                continue;
            };
            if body.type_pool[*tys] == [Type::I64] {
                candidates.push(inst);
            }
            for (i, &arg) in body.arg_pool[*args].iter().enumerate() {
                let arg = body.resolve_alias(arg);
                let kind = match op {
                    Operator::I32WrapI64 => Use::Wrap,
                    Operator::Select | Operator::TypedSelect { .. } if i == 2 => Use::Full,
                    _ if keeps_low_bits(op) => Use::Through(inst),
                    _ => Use::Full,
                };
                uses.entry(arg).or_default().push(kind);
                feeders.entry(inst).or_default().push(arg);
            }
        }
        let term = &body.blocks[block].terminator;
        term.visit_targets(|target| {
            for (i, &arg) in target.args.iter().enumerate() {
                let arg = body.resolve_alias(arg);
                if let Some(&(_, param)) = body.blocks[target.block].params.get(i) {
                    uses.entry(arg).or_default().push(Use::Param(param));
                    feeders.entry(param).or_default().push(arg);
                }
            }
        });
        term.visit_uses(|u| {
            // Branch arguments are visited above; a use here that is not
            // one of them (condition, index, return value) sees all bits.
            let u = body.resolve_alias(u);
            let is_arg = {
                let mut found = false;
                term.visit_targets(|t| found |= t.args.iter().any(|&a| body.resolve_alias(a) == u));
                found
            };
            if !is_arg {
                uses.entry(u).or_default().push(Use::Full);
            }
        });
    }
    let mut low: HashSet<Value> = candidates.iter().copied().collect();
    let mut work = candidates;
    while let Some(v) = work.pop() {
        if !low.contains(&v) {
            continue;
        }
        let ok = uses.get(&v).map_or(true, |list| {
            list.iter().all(|u| match *u {
                Use::Wrap => true,
                Use::Through(w) | Use::Param(w) => low.contains(&w),
                Use::Full => false,
            })
        });
        if !ok {
            low.remove(&v);
            work.extend(feeders.get(&v).into_iter().flatten().copied());
        }
    }
    low
}
