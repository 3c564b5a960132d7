//! Constant folding: operators over constants, and loads from the request's
//! constant memory.
//!
//! Folding must never remove a trap: trapping float-to-int truncations are
//! never folded (waffle's evaluator accepts a few out-of-range inputs), and
//! integer division is folded only when it cannot trap (waffle's evaluator
//! returns nothing then). Float results that are NaN are not folded either,
//! since the NaN payload a machine produces is not fixed by the host's.

use waffle::entity::EntityRef;
use waffle::Operator;

use super::state::{AVal, BufId, Konst};

/// A constant memory buffer: bytes the guest promises do not change.
pub struct Buffer {
    pub addr: u32,
    pub bytes: Vec<u8>,
}

/// Fold a pure operator whose arguments are all constants.
pub fn fold(op: &Operator, args: &[AVal]) -> Option<AVal> {
    let mut consts = Vec::with_capacity(args.len());
    for arg in args {
        consts.push(arg.as_const()?);
    }
    if never_fold(op) {
        return None;
    }
    let vals: Vec<waffle::ConstVal> = consts.iter().map(|k| k.to_waffle()).collect();
    let result = Konst::from_waffle(waffle::const_eval(op, &vals, None)?)?;
    let nan = match result {
        Konst::F32(bits) => f32::from_bits(bits).is_nan(),
        Konst::F64(bits) => f64::from_bits(bits).is_nan(),
        _ => false,
    };
    if nan {
        return None;
    }
    // Pointer arithmetic keeps the buffer provenance of its pointer operand.
    let buf = match (op, args) {
        (Operator::I32Add, [AVal::Const { buf: a, .. }, AVal::Const { buf: b, .. }]) => {
            match (a, b) {
                (Some(x), None) | (None, Some(x)) => Some(*x),
                _ => None,
            }
        }
        (Operator::I32Sub, [AVal::Const { buf: a, .. }, AVal::Const { buf: None, .. }]) => *a,
        _ => None,
    };
    Some(AVal::Const { k: result, buf })
}

fn never_fold(op: &Operator) -> bool {
    use Operator::*;
    matches!(
        op,
        I32TruncF32S
            | I32TruncF32U
            | I32TruncF64S
            | I32TruncF64U
            | I64TruncF32S
            | I64TruncF32U
            | I64TruncF64S
            | I64TruncF64U
    )
}

/// Fold a load whose address is a pointer into a constant buffer, when the
/// whole access lies inside the buffer (then it cannot trap either: the
/// buffer is inside memory, which never shrinks).
pub fn fold_load(op: &Operator, addr: AVal, buffers: &[Buffer]) -> Option<AVal> {
    let AVal::Const { k: Konst::I32(base), buf: Some(buf) } = addr else { return None };
    read(op, base, buffers.get(buf as usize)?)
}

/// Fold a load at a constant address (without buffer provenance) that lies
/// wholly inside the guest's read-only data (`crate::readonly`).
pub fn fold_readonly_load(op: &Operator, addr: AVal, readonly: &[Buffer]) -> Option<AVal> {
    let AVal::Const { k: Konst::I32(base), buf: None } = addr else { return None };
    readonly.iter().find_map(|buffer| read(op, base, buffer))
}

/// The value `op` loads from `base` when the access lies inside `buffer`.
fn read(op: &Operator, base: u32, buffer: &Buffer) -> Option<AVal> {
    use Operator::*;
    let (memarg, size, kind) = match op {
        I32Load { memory } => (memory, 4, Kind::I32),
        I64Load { memory } => (memory, 8, Kind::I64),
        F32Load { memory } => (memory, 4, Kind::F32),
        F64Load { memory } => (memory, 8, Kind::F64),
        I32Load8S { memory } => (memory, 1, Kind::I32S),
        I32Load8U { memory } => (memory, 1, Kind::I32),
        I32Load16S { memory } => (memory, 2, Kind::I32S),
        I32Load16U { memory } => (memory, 2, Kind::I32),
        I64Load8S { memory } => (memory, 1, Kind::I64S),
        I64Load8U { memory } => (memory, 1, Kind::I64),
        I64Load16S { memory } => (memory, 2, Kind::I64S),
        I64Load16U { memory } => (memory, 2, Kind::I64),
        I64Load32S { memory } => (memory, 4, Kind::I64S),
        I64Load32U { memory } => (memory, 4, Kind::I64),
        _ => return None,
    };
    if memarg.memory.index() != 0 {
        return None;
    }
    let ea = u64::from(base) + u64::from(memarg.offset);
    let start = ea.checked_sub(u64::from(buffer.addr))? as usize;
    let bytes = buffer.bytes.get(start..start.checked_add(size)?)?;
    let mut raw = [0u8; 8];
    raw[..size].copy_from_slice(bytes);
    let unsigned = u64::from_le_bytes(raw);
    let shift = 64 - 8 * size as u32;
    let signed = ((unsigned << shift) as i64 >> shift) as u64;
    let k = match kind {
        Kind::I32 => Konst::I32(unsigned as u32),
        Kind::I32S => Konst::I32(signed as u32),
        Kind::I64 => Konst::I64(unsigned),
        Kind::I64S => Konst::I64(signed),
        Kind::F32 => Konst::F32(unsigned as u32),
        Kind::F64 => Konst::F64(unsigned),
    };
    Some(AVal::konst(k))
}

enum Kind {
    I32,
    I32S,
    I64,
    I64S,
    F32,
    F64,
}

/// The symbolic form of a runtime result: `root + off` plus or minus a
/// constant stays a symbolic address.
pub fn symbolic(op: &Operator, args: &[AVal], value: waffle::Value) -> Option<AVal> {
    let (root, off, delta) = match (op, args) {
        (Operator::I32Add, [AVal::Addr { root, off, .. }, AVal::Const { k: Konst::I32(c), .. }])
        | (Operator::I32Add, [AVal::Const { k: Konst::I32(c), .. }, AVal::Addr { root, off, .. }]) => {
            (*root, *off, i64::from(*c as i32))
        }
        (Operator::I32Sub, [AVal::Addr { root, off, .. }, AVal::Const { k: Konst::I32(c), .. }]) => {
            (*root, *off, -i64::from(*c as i32))
        }
        _ => return None,
    };
    Some(AVal::Addr { value, root, off: off.checked_add(delta)? })
}

/// Is `buf` a buffer id that fits the provenance tag?
pub fn buf_id(index: usize) -> Option<BufId> {
    BufId::try_from(index).ok()
}
