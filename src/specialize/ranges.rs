//! Value ranges: what a runtime integer can be, so `specialize.value` needs
//! no default path when its input is known to lie within `lo..=hi`.
//!
//! Two sources, both cheap and local:
//! - the operator that made the value: `x & 7` is in `0..=7`, `x % n` in
//!   `0..n`, `x >> s` below `2^(w-s)`, an 8- or 16-bit zero-extending load
//!   below 256 or 65,536, a comparison is 0 or 1; zero-extension and
//!   wrapping keep a range that fits;
//! - the branch that guards it: on the taken edge of `if (x < n)` (an
//!   unsigned comparison with a constant), `x` is in `0..n`, and block
//!   parameters receiving `x` on that edge inherit the range.
//!
//! Ranges are unsigned and inclusive. A range meets another only when they
//! are equal, and a constant only when it lies inside (the first trip
//! through a loop, unrolled with constants, meeting the later ones);
//! anything else becomes a plain runtime value, so the lattice keeps its
//! height (constant, range, runtime).
//!
//! A comparison whose answer the ranges of its operands already decide
//! folds ([`fold_compare`]): the sign test of `x & 3` in a three-way jump
//! (`(int64_t)(x & 3) < 0`) is false, and its branch goes.


use waffle::{FunctionBody, Operator, Value, ValueDef};

use super::state::{AVal, Konst};

/// The range of `a`, if it is a constant or a ranged value.
pub fn range(a: AVal) -> Option<(u64, u64)> {
    match a {
        AVal::Const { k: Konst::I32(v), .. } => Some((u64::from(v), u64::from(v))),
        AVal::Const { k: Konst::I64(v), .. } => Some((v, v)),
        AVal::Ranged { lo, hi, .. } => Some((lo, hi)),
        _ => None,
    }
}

/// `value` known to lie in `lo..=hi`, intersected with what `a` already
/// says about it.
pub fn ranged(a: AVal, value: Value, lo: u64, hi: u64) -> AVal {
    let (lo, hi) = match range(a) {
        Some((l, h)) => (lo.max(l), hi.min(h)),
        None => (lo, hi),
    };
    if lo > hi {
        // Contradictory: the edge cannot be taken; keep the plain value.
        return AVal::Runtime(value);
    }
    AVal::Ranged { value, lo, hi }
}

/// The range of a runtime result of `op` applied to `args`.
pub fn of_result(op: &Operator, args: &[AVal]) -> Option<(u64, u64)> {
    use Operator::*;
    let konst = |i: usize| args.get(i).and_then(|a| a.as_const()).map(Konst::as_u64);
    match op {
        I32And | I64And => {
            let masks = [konst(0), konst(1)];
            let bound = masks.iter().flatten().min().copied()?;
            Some((0, bound))
        }
        I32RemU | I64RemU => konst(1).filter(|&n| n > 0).map(|n| (0, n - 1)),
        I32ShrU => konst(1).map(|s| (0, u64::from(u32::MAX >> (s & 31)))),
        I64ShrU => konst(1).map(|s| (0, u64::MAX >> (s & 63))),
        I32Load8U { .. } | I64Load8U { .. } => Some((0, 0xff)),
        I32Load16U { .. } | I64Load16U { .. } => Some((0, 0xffff)),
        I32Eqz | I64Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU
        | I32GeS | I32GeU | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU
        | I64GeS | I64GeU => Some((0, 1)),
        I64ExtendI32U => args.first().copied().and_then(range),
        I32WrapI64 => args.first().copied().and_then(range).filter(|&(_, hi)| hi <= u64::from(u32::MAX)),
        _ => None,
    }
}

/// What a conditional branch on generic value `cond` says about one of
/// its operands: `(operand, range if taken, range if not taken)`, for an
/// unsigned comparison of a value with a constant.
pub fn branch_facts(
    g: &FunctionBody,
    cond: Value,
    env: &super::engine::Env,
) -> Option<(Value, Option<(u64, u64)>, Option<(u64, u64)>)> {
    use Operator::*;
    let cond = g.resolve_alias(cond);
    let ValueDef::Operator(op, args, _) = &g.values[cond] else { return None };
    let args = &g.arg_pool[*args];
    let (x, n) = (g.resolve_alias(*args.first()?), g.resolve_alias(*args.get(1)?));
    let n = env.get(&n)?.as_const()?.as_u64();
    let max = if matches!(op, I64LtU | I64LeU | I64GtU | I64GeU) { u64::MAX } else { u64::from(u32::MAX) };
    let below = |limit: u64| (limit > 0).then(|| (0, limit - 1));
    let at_least = |limit: u64| (limit <= max).then_some((limit, max));
    let (taken, not_taken) = match op {
        I32LtU | I64LtU => (below(n), at_least(n)),
        I32LeU | I64LeU => (Some((0, n)), n.checked_add(1).and_then(at_least)),
        I32GtU | I64GtU => (n.checked_add(1).and_then(at_least), Some((0, n))),
        I32GeU | I64GeU => (at_least(n), below(n)),
        _ => return None,
    };
    Some((x, taken, not_taken))
}

/// The result (0 or 1) of comparison `op` on `args`, when their ranges
/// decide it. Signed comparisons use a range only when it lies entirely on
/// one side of zero.
pub fn fold_compare(op: &Operator, args: &[AVal]) -> Option<bool> {
    use Operator::*;
    let bits = match op {
        I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS | I32GeU => 32,
        I64Eqz | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU => 64,
        _ => return None,
    };
    let signed = matches!(op, I32LtS | I32GtS | I32LeS | I32GeS | I64LtS | I64GtS | I64LeS | I64GeS);
    // As i128, so every 32- and 64-bit value, signed or not, fits.
    let interval = |a: AVal| -> Option<(i128, i128)> {
        let (lo, hi) = range(a)?;
        let (lo, hi) = (i128::from(lo), i128::from(hi));
        if !signed {
            return Some((lo, hi));
        }
        let half = 1i128 << (bits - 1);
        if hi < half {
            Some((lo, hi))
        } else if lo >= half {
            Some((lo - 2 * half, hi - 2 * half))
        } else {
            None
        }
    };
    let a = interval(*args.first()?)?;
    let b = match op {
        I32Eqz | I64Eqz => (0, 0),
        _ => interval(*args.get(1)?)?,
    };
    let decided = |yes: bool, no: bool| if yes { Some(true) } else if no { Some(false) } else { None };
    match op {
        I32Eqz | I64Eqz | I32Eq | I64Eq => decided(a.0 == a.1 && b.0 == b.1 && a.0 == b.0, a.1 < b.0 || b.1 < a.0),
        I32Ne | I64Ne => decided(a.1 < b.0 || b.1 < a.0, a.0 == a.1 && b.0 == b.1 && a.0 == b.0),
        I32LtS | I32LtU | I64LtS | I64LtU => decided(a.1 < b.0, a.0 >= b.1),
        I32LeS | I32LeU | I64LeS | I64LeU => decided(a.1 <= b.0, a.0 > b.1),
        I32GtS | I32GtU | I64GtS | I64GtU => decided(a.0 > b.1, a.1 <= b.0),
        I32GeS | I32GeU | I64GeS | I64GeU => decided(a.0 >= b.1, a.1 < b.0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use waffle::entity::EntityRef;

    fn ranged(lo: u64, hi: u64) -> AVal {
        AVal::Ranged { value: Value::invalid(), lo, hi }
    }

    #[test]
    fn comparisons_fold_only_when_the_ranges_decide() {
        use Operator::*;
        let k64 = |v: i64| AVal::konst(Konst::I64(v as u64));
        let k32 = |v: i32| AVal::konst(Konst::I32(v as u32));
        let mask3 = ranged(0, 3);
        // (int64_t)(x & 3) > -1 and < 0
        assert_eq!(fold_compare(&I64GtS, &[mask3, k64(-1)]), Some(true));
        assert_eq!(fold_compare(&I64LtS, &[mask3, k64(0)]), Some(false));
        // unsigned: -1 is the largest value
        assert_eq!(fold_compare(&I64GtU, &[mask3, k64(-1)]), Some(false));
        assert_eq!(fold_compare(&I64LtU, &[mask3, k64(3)]), None);
        assert_eq!(fold_compare(&I64LtU, &[mask3, k64(4)]), Some(true));
        assert_eq!(fold_compare(&I64LeU, &[mask3, k64(3)]), Some(true));
        assert_eq!(fold_compare(&I64GeU, &[mask3, k64(1)]), None);
        assert_eq!(fold_compare(&I64Eqz, &[mask3]), None);
        assert_eq!(fold_compare(&I64Eqz, &[ranged(1, 3)]), Some(false));
        assert_eq!(fold_compare(&I64Eq, &[mask3, k64(9)]), Some(false));
        assert_eq!(fold_compare(&I64Ne, &[mask3, k64(9)]), Some(true));
        assert_eq!(fold_compare(&I64Ne, &[mask3, k64(2)]), None);
        // a range across the sign boundary says nothing signed
        let wide = ranged(0, u64::MAX);
        assert_eq!(fold_compare(&I64LtS, &[wide, k64(0)]), None);
        // a range of negative 32-bit values
        let neg = ranged(0xffff_fff0, 0xffff_ffff);
        assert_eq!(fold_compare(&I32LtS, &[neg, k32(0)]), Some(true));
        assert_eq!(fold_compare(&I32GtU, &[neg, k32(0)]), Some(true));
        assert_eq!(fold_compare(&I32GeS, &[neg, k32(-16)]), Some(true));
        assert_eq!(fold_compare(&I32GtS, &[neg, k32(-16)]), None);
        // comparisons of two ranges
        assert_eq!(fold_compare(&I32LtU, &[ranged(0, 7), ranged(8, 15)]), Some(true));
        assert_eq!(fold_compare(&I32LtU, &[ranged(0, 8), ranged(8, 15)]), None);
        // not a comparison
        assert_eq!(fold_compare(&I64Add, &[mask3, k64(1)]), None);
    }
}
