//! Branch refinement: what a taken equality test proves about memory.
//!
//! Interpreters test a value's type tag before they use it, and test it
//! again in the next helper: Lua's `ttisinteger(o)` is `o->tt_ == 3`, and
//! `forprep`, `forlimit` and `luaV_tointeger` each look at the same tag.
//! When the tag was loaded from a cell whose content a memory fact holds
//! (`memfacts.rs`: the fact's value is the loaded value), the edge on which
//! `tag == 3` holds also proves that the cell holds 3. This module gives
//! that edge the fact with the constant instead of the runtime value, so
//! later loads of the cell fold, and so do the tests on them: the integer
//! path of an instruction no longer carries the string path's call, and
//! keeps the facts that call would have dropped.
//!
//! Only exact equality is used: `x == K`, `x != K` (its false edge) and
//! `eqz` (`x == 0`), with `K` a constant, on the edge where it holds. A
//! byte or 16-bit cell is also refined by `(y & 0xff) == K` or
//! `(y & 0xffff) == K` where the fact holds `y`: a narrow load forwarded
//! from a wider value is masked (`convert.rs`), and the mask keeps exactly
//! the cell's bytes. The refined fact is one memory already satisfies on
//! that edge, so nothing is stored and nothing else changes.

use waffle::{FunctionBody, Operator, Value, ValueDef};

use super::state::{AVal, Extra, Extras, Konst};

/// An equality a conditional branch proves on one of its edges.
pub struct Equality {
    /// The generic value equal to `k` on that edge.
    pub x: Value,
    pub k: Konst,
    /// The taken edge (else the other).
    pub on_taken: bool,
    /// `x` is `y & mask` (0xff or 0xffff): `(y, mask)`.
    pub masked: Option<(Value, u64)>,
}

/// For a conditional branch on generic value `cond`: the equality with a
/// constant one of its edges proves, if any.
pub fn equality(g: &FunctionBody, cond: Value, env: &super::engine::Env) -> Option<Equality> {
    use Operator::*;
    let cond = g.resolve_alias(cond);
    let ValueDef::Operator(op, args, _) = &g.values[cond] else {
        return None;
    };
    let args = &g.arg_pool[*args];
    let operand = |i: usize| args.get(i).map(|&a| g.resolve_alias(a));
    let constant = |v: Value| env.get(&v).and_then(|a| a.as_const());
    let (x, k, on_taken) = match op {
        I32Eqz => (operand(0)?, Konst::I32(0), true),
        I64Eqz => (operand(0)?, Konst::I64(0), true),
        I32Eq | I64Eq | I32Ne | I64Ne => {
            let (a, b) = (operand(0)?, operand(1)?);
            let (x, k) = match (constant(a), constant(b)) {
                (None, Some(k)) => (a, k),
                (Some(k), None) => (b, k),
                _ => return None,
            };
            (x, k, matches!(op, I32Eq | I64Eq))
        }
        _ => return None,
    };
    let masked = match &g.values[x] {
        ValueDef::Operator(I32And | I64And, margs, _) => {
            let margs = &g.arg_pool[*margs];
            let (a, b) = (g.resolve_alias(*margs.first()?), g.resolve_alias(*margs.get(1)?));
            match (
                constant(a).map(Konst::as_u64),
                constant(b).map(Konst::as_u64),
            ) {
                (None, Some(m @ (0xff | 0xffff))) => Some((a, m)),
                (Some(m @ (0xff | 0xffff)), None) => Some((b, m)),
                _ => None,
            }
        }
        _ => None,
    };
    Some(Equality {
        x,
        k,
        on_taken,
        masked,
    })
}

/// When specialized value `w` is `y & 0xff` or `y & 0xffff` (a narrow load
/// forwarded from a fact holding `y`, `convert.rs`): `(y, mask)`.
pub fn masked_in(s: &FunctionBody, w: AVal) -> Option<(AVal, u64)> {
    use Operator::*;
    let w = s.resolve_alias(runtime(w)?);
    let ValueDef::Operator(I32And | I64And, args, _) = &s.values[w] else {
        return None;
    };
    let args = &s.arg_pool[*args];
    let constant = |v: Value| match &s.values[s.resolve_alias(v)] {
        ValueDef::Operator(I32Const { value }, _, _) => Some(u64::from(*value)),
        ValueDef::Operator(I64Const { value }, _, _) => Some(*value),
        _ => None,
    };
    let (a, b) = (*args.first()?, *args.get(1)?);
    match (constant(a), constant(b)) {
        (None, Some(m @ (0xff | 0xffff))) => Some((AVal::Runtime(a), m)),
        (Some(m @ (0xff | 0xffff)), None) => Some((AVal::Runtime(b), m)),
        _ => None,
    }
}

fn runtime(a: AVal) -> Option<Value> {
    match a {
        AVal::Runtime(v) | AVal::Ranged { value: v, .. } => Some(v),
        _ => None,
    }
}

/// `extras` with every memory fact whose value is `x`'s runtime value
/// replaced by constant `k`, and, when `x` is `y & mask`, every byte (mask
/// 0xff) or 16-bit (0xffff) cell holding `y`'s; `None` when no fact changes.
pub fn refined(extras: &Extras, x: AVal, k: Konst, masked: Option<(AVal, u64)>) -> Option<Extras> {
    let v = runtime(x);
    let narrow = masked
        .and_then(|(y, mask)| Some((runtime(y)?, mask)))
        .filter(|&(_, mask)| k.as_u64() <= mask);
    let holds = |a: &AVal, want: Value| runtime(*a) == Some(want);
    let cells: Vec<Extra> = extras
        .iter()
        .filter(|(e, a)| match e {
            Extra::Mem(key) => {
                v.is_some_and(|v| {
                    holds(a, v) && key.cell.width_mask().is_none_or(|m| k.as_u64() <= m)
                }) || narrow
                    .is_some_and(|(y, mask)| holds(a, y) && key.cell.width_mask() == Some(mask))
            }
            _ => false,
        })
        .map(|(e, _)| *e)
        .collect();
    if cells.is_empty() {
        return None;
    }
    let mut out = extras.clone();
    for cell in cells {
        out.insert(cell, AVal::konst(k));
    }
    Some(out)
}
