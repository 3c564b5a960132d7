//! Known bytes read back with another width or type.
//!
//! `memfacts.rs` knows what a memory cell holds: the operand of the store
//! that wrote it, or the value a load read, and how (`state::Cell`: the
//! operand's type and, for a narrow access, its width). A later read of
//! the same bytes may use another type or width than the access that made
//! the fact. Lua is the example: clang merges `setivalue` and
//! `setfltvalue` into one `f64.store` of the register's value, which the
//! next integer instruction reads with `i64.load`; and a register's type
//! tag is written and read one byte wide, from runtime values. This module
//! gives the pure operators that turn the known value into exactly what
//! the read returns; the engine folds or emits them like any others.

use waffle::{Operator, Type};

use super::state::{Cell, Konst};

/// One pure operator applied to the value so far (and `operand`).
pub struct Step {
    pub op: Operator,
    pub operand: Option<Konst>,
    pub ty: Type,
}

fn step(op: Operator, operand: Option<Konst>, ty: Type) -> Step {
    Step { op, operand, ty }
}

/// The cell a narrow load of `size` bytes into `ty` leaves known: the low
/// `size` bytes of its result are the cell's, whether it extended with
/// zeros or with the sign.
pub fn narrow_cell(size: i64, ty: Type) -> Option<Cell> {
    match (size, ty) {
        (1, Type::I32) => Some(Cell::I32N8),
        (2, Type::I32) => Some(Cell::I32N16),
        (1, Type::I64) => Some(Cell::I64N8),
        (2, Type::I64) => Some(Cell::I64N16),
        (4, Type::I64) => Some(Cell::I64N32),
        _ => None,
    }
}

/// The steps that turn a value known for `cell` (of type `cell.ty()`, its
/// low `cell.size()` bytes being the cell's) into what a load of the
/// first `size` bytes of it as `ty` returns (sign-extending when
/// `signed`); `None` when the load reads past the cell or no exact
/// conversion exists.
///
/// A load may be narrower than the cell: memory is little-endian, so it
/// reads the value's low bytes. Lua copies a register's 8-byte value with
/// `i64.store` and reads a table or closure pointer out of it with
/// `i32.load`.
pub fn steps(cell: Cell, size: i64, ty: Type, signed: bool) -> Option<Vec<Step>> {
    if cell.size() < size {
        return None;
    }
    let mut from = cell.ty();
    // The same bits as another type, full width.
    if let Some((op, _)) = reinterpreted(from).filter(|&(_, to)| to == ty && size == cell.size()) {
        return Some(vec![step(op, None, ty)]);
    }
    let mut out = Vec::new();
    // Low bytes of a float: its bits as the integer of its width first.
    if size < cell.size() {
        match from {
            Type::F64 => out.push(step(Operator::I64ReinterpretF64, None, Type::I64)),
            Type::F32 => out.push(step(Operator::I32ReinterpretF32, None, Type::I32)),
            _ => {}
        }
        from = match from {
            Type::F64 => Type::I64,
            Type::F32 => Type::I32,
            other => other,
        };
    }
    if !matches!(from, Type::I32 | Type::I64) || !matches!(ty, Type::I32 | Type::I64) {
        return None;
    }
    match (from, ty) {
        (Type::I64, Type::I32) => out.push(step(Operator::I32WrapI64, None, Type::I32)),
        (Type::I32, Type::I64) => out.push(step(Operator::I64ExtendI32U, None, Type::I64)),
        _ => {}
    }
    let width = if ty == Type::I32 { 4 } else { 8 };
    if size >= width {
        // All the bits the read returns are the cell's (i32 of 4 bytes
        // written as the low half of an i64): the wrap was all it took.
        return if out.is_empty() { None } else { Some(out) };
    }
    let bits = 8 * size as u32;
    let mask = (1u64 << bits) - 1;
    out.push(match (ty, signed, size) {
        (Type::I32, false, _) => step(Operator::I32And, Some(Konst::I32(mask as u32)), Type::I32),
        (Type::I64, false, _) => step(Operator::I64And, Some(Konst::I64(mask)), Type::I64),
        (Type::I32, true, 1) => step(Operator::I32Extend8S, None, Type::I32),
        (Type::I32, true, 2) => step(Operator::I32Extend16S, None, Type::I32),
        (Type::I64, true, 1) => step(Operator::I64Extend8S, None, Type::I64),
        (Type::I64, true, 2) => step(Operator::I64Extend16S, None, Type::I64),
        (Type::I64, true, 4) => step(Operator::I64Extend32S, None, Type::I64),
        _ => return None,
    });
    Some(out)
}

/// The other full-width cell of the same bytes (an i64 and an f64, an
/// i32 and an f32) and the operator that turns a value known for it into
/// one for `cell`. A join uses it when a path arrives with the bytes known
/// under the twin's type (`engine.rs`, `meet`; `finalize.rs` emits the
/// operator on that edge).
///
/// *Why:* clang merges the integer and the float store of a register into
/// one store of one type (Lua's arithmetic: `setivalue` and `setfltvalue`
/// become one `f64.store`), while other instructions write the register
/// with the other type (`LOADI` and `FORLOOP`: `i64.store`). Facts meet by
/// cell, so at a loop head an integer register written by an addition on
/// one edge and by `LOADI` on the other was forgotten, and `acc = acc + i`
/// reloaded `acc` every iteration.
pub fn twin(cell: Cell) -> Option<(Cell, Operator)> {
    let other = match cell {
        Cell::I64 => Cell::F64,
        Cell::F64 => Cell::I64,
        Cell::I32 => Cell::F32,
        Cell::F32 => Cell::I32,
        _ => return None,
    };
    let (op, _) = reinterpreted(other.ty())?;
    Some((other, op))
}

/// The operator that turns a value of `ty` into the same bits of the other
/// type of its width (i64 and f64, i32 and f32), and that type.
pub fn reinterpreted(ty: Type) -> Option<(Operator, Type)> {
    match ty {
        Type::I64 => Some((Operator::F64ReinterpretI64, Type::F64)),
        Type::F64 => Some((Operator::I64ReinterpretF64, Type::I64)),
        Type::I32 => Some((Operator::F32ReinterpretI32, Type::F32)),
        Type::F32 => Some((Operator::I32ReinterpretF32, Type::I32)),
        _ => None,
    }
}

/// A constant known for a cell's twin, as the constant of `cell`: the
/// same bits.
pub fn twin_const(cell: Cell, k: Konst) -> Konst {
    match cell.ty() {
        Type::I64 => Konst::I64(k.as_u64()),
        Type::F64 => Konst::F64(k.as_u64()),
        Type::F32 => Konst::F32(k.as_u64() as u32),
        _ => Konst::I32(k.as_u64() as u32),
    }
}

#[cfg(test)]
// Test-only: its expect/panic sites report a failed test on fixed test
// functions; no input to pweval reaches them.
mod tests {
    use super::*;

    /// Evaluate `steps` on the bits of a value of `from` type. Test code:
    /// its panic is a failure of the test (a step `steps` made that the
    /// model lacks), no input reaches it.
    fn run(steps: &[Step], mut v: u64) -> u64 {
        for s in steps {
            let k = s.operand.map(|k| k.as_u64()).unwrap_or(0);
            v = match s.op {
                Operator::I32WrapI64 => v as u32 as u64,
                Operator::I64ExtendI32U => v as u32 as u64,
                Operator::I32And => (v as u32 & k as u32) as u64,
                Operator::I64And => v & k,
                Operator::I32Extend8S => v as u8 as i8 as i32 as u32 as u64,
                Operator::I32Extend16S => v as u16 as i16 as i32 as u32 as u64,
                Operator::I64Extend8S => v as u8 as i8 as i64 as u64,
                Operator::I64Extend16S => v as u16 as i16 as i64 as u64,
                Operator::I64Extend32S => v as u32 as i32 as i64 as u64,
                Operator::I64ReinterpretF64 | Operator::F64ReinterpretI64 => v,
                Operator::I32ReinterpretF32 | Operator::F32ReinterpretI32 => v as u32 as u64,
                // Test-only: the reference model's steps; no input reaches it.
                ref op => panic!("step {op:?} not modelled by the test"),
            };
        }
        v
    }

    /// What a load returns from memory holding `bytes` (little endian).
    fn load(bytes: &[u8], size: i64, ty: Type, signed: bool) -> u64 {
        let mut raw = 0u64;
        for (i, b) in bytes.iter().take(size as usize).enumerate() {
            raw |= u64::from(*b) << (8 * i);
        }
        let bits = 8 * size as u32;
        let v = if signed && bits < 64 { ((raw << (64 - bits)) as i64 >> (64 - bits)) as u64 } else { raw };
        if ty == Type::I32 || ty == Type::F32 { v as u32 as u64 } else { v }
    }

    /// Every conversion returns, bit for bit, what the load reads from the
    /// bytes the fact's value left in memory: random values, every cell,
    /// every load shape the cell's size allows.
    #[test]
    fn converted_values_are_what_the_load_reads() {
        let cells = [
            Cell::I32, Cell::I64, Cell::F32, Cell::F64, Cell::I32N8, Cell::I32N16, Cell::I64N8, Cell::I64N16, Cell::I64N32,
        ];
        let loads: [(i64, Type, bool); 14] = [
            (4, Type::I32, false), (8, Type::I64, false), (4, Type::F32, false), (8, Type::F64, false),
            (1, Type::I32, false), (1, Type::I32, true), (2, Type::I32, false), (2, Type::I32, true),
            (1, Type::I64, false), (1, Type::I64, true), (2, Type::I64, false), (2, Type::I64, true),
            (4, Type::I64, false), (4, Type::I64, true),
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut converted = 0;
        for _ in 0..2000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for cell in cells {
                // The value the fact holds, of the cell's operand type.
                let v = if matches!(cell.ty(), Type::I32 | Type::F32) { seed as u32 as u64 } else { seed };
                let bytes = v.to_le_bytes();
                for (size, ty, signed) in loads {
                    if let Some(steps) = steps(cell, size, ty, signed) {
                        assert_eq!(run(&steps, v), load(&bytes, size, ty, signed), "{cell:?} read as {size} bytes {ty:?} signed {signed}");
                        converted += 1;
                    }
                }
            }
        }
        assert!(converted > 2000 * 12, "too few conversions exist: {converted}");
    }
}
