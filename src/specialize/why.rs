//! Why a PC is a runtime value: the chain, worded for the interpreter's
//! author.
//!
//! When a context intrinsic gets a runtime PC, "runtime value at block19"
//! alone leaves the author guessing. The engine records, for each pinned
//! parameter of a specialized block, where its value came from: the first
//! incoming value and its generic source block, and, when a second edge
//! made it runtime, that one too. The diagnostic then reads like
//! `pc = phi(20 from block36, wrap(v7) from block39)`, naming the join that
//! lost the constant and what flowed into it, plus what to do about it.

use waffle::{Block, FunctionBody, Value, ValueDef};

use super::state::AVal;

/// How many operators deep an expression is printed.
const DEPTH: usize = 3;

/// A short expression for generic value `v`: constants, operators over
/// their operands, block parameters by name.
pub fn expr(g: &FunctionBody, v: Value, depth: usize) -> String {
    let v = g.resolve_alias(v);
    match &g.values[v] {
        ValueDef::BlockParam(block, index, _) => format!("{v} (parameter {index} of {block})"),
        ValueDef::Operator(op, args, _) if depth > 0 => {
            let args: Vec<String> = g.arg_pool[*args].iter().map(|&a| expr(g, a, depth - 1)).collect();
            format!("{op}({})", args.join(", "))
        }
        _ => format!("{v}"),
    }
}

/// One incoming value of a pinned parameter, recorded as is: rendering it
/// costs string formatting, which only a diagnostic should pay for.
#[derive(Clone, Copy, Debug)]
pub struct Incoming {
    pub value: AVal,
    /// The generic branch argument that carried it.
    pub garg: Option<Value>,
    /// The generic block the edge left.
    pub from: Block,
}

impl Incoming {
    /// A constant as its number, anything else as the generic expression
    /// that produced it.
    pub fn render(&self, g: &FunctionBody) -> String {
        let what = match (self.value.as_const(), self.garg) {
            (Some(k), _) => format!("{}", k.as_u64() as i64),
            (None, Some(garg)) => expr(g, garg, DEPTH),
            (None, None) => "a runtime value".to_string(),
        };
        format!("{what} from {}", self.from)
    }
}

/// The chain appended to "the PC ... is a runtime value at ...".
pub fn runtime_pc(
    g: &FunctionBody,
    first: Option<&Incoming>,
    second: Option<&Incoming>,
    param: Option<Value>,
) -> String {
    let name = param.map_or_else(|| "pc".to_string(), |p| format!("{p}"));
    match (first.map(|i| i.render(g)), second.map(|i| i.render(g))) {
        (Some(a), Some(b)) => format!("{name} = phi({a}, {b})"),
        (Some(a), None) => format!("{name} = {a}"),
        _ => format!("{name} is not computed from constants along any pinned path"),
    }
}

/// What to do when a runtime PC cannot continue as a cold path.
pub const RUNTIME_PC_FIX: &str = "compute jump targets from the bytecode (not from data), bound a \
     runtime target with weval_specialize_value(target, lo, hi), or keep the interpreter state \
     in memory (stack/local intrinsics or plain memory) so the path can continue unspecialized";
