//! The honest clone: bind constant arguments and give the specialized-only
//! intrinsics (`read.reg`, `write.reg`, `read.specialization.global`) their
//! meaning. Every other intrinsic call is left in place and gets its
//! generic meaning when the module is written, which is also a correct
//! specialized meaning (contexts are hints; stack slots are memory).

use std::collections::HashMap;

use waffle::entity::EntityRef;
use waffle::{Block, FunctionBody, Operator, Type, Value, ValueDef};

use super::registers;
use crate::intrinsics::Intrinsic;
use crate::requests::{ArgSpec, ConstArg, Request};

/// Insert `op` (with no arguments, one result) at the start of `block`.
pub(super) fn insert_const(body: &mut FunctionBody, block: Block, op: Operator, ty: Type) -> Value {
    let tys = body.single_type_list(ty);
    let args = waffle::pool::ListRef::default();
    let value = body.add_value(ValueDef::Operator(op, args, tys));
    body.blocks[block].insts.insert(0, value);
    value
}

fn const_op(arg: &ConstArg) -> (Operator, Type) {
    match arg {
        ConstArg::I32(v) => (Operator::I32Const { value: *v }, Type::I32),
        ConstArg::Buffer { addr, .. } => (Operator::I32Const { value: *addr }, Type::I32),
        ConstArg::I64(v) => (Operator::I64Const { value: *v }, Type::I64),
        ConstArg::F32(bits) => (Operator::F32Const { value: *bits }, Type::F32),
        ConstArg::F64(bits) => (Operator::F64Const { value: *bits }, Type::F64),
    }
}

/// Replace every use of `from` by `to` (operands and terminators).
pub(super) fn replace_uses(body: &mut FunctionBody, from: Value, to: Value) {
    for value in body.values.iter() {
        if let ValueDef::Operator(_, args, _) = body.values[value] {
            for arg in &mut body.arg_pool[args] {
                if *arg == from {
                    *arg = to;
                }
            }
        }
    }
    for block in body.blocks.values_mut() {
        block.terminator.update_uses(|u| {
            if *u == from {
                *u = to;
            }
        });
    }
}

/// Replace each constant parameter by its value. A buffer parameter becomes
/// the address of the bytes' copy inside the request's argument buffer,
/// which the snapshot keeps alive.
pub fn bind_arguments(body: &mut FunctionBody, request: &Request) -> Result<(), String> {
    let entry = body.entry;
    let params: Vec<(Type, Value)> = body.blocks[entry].params.clone();
    if params.len() != request.args.len() {
        return Err(format!(
            "the IR has {} parameters but the request has {} arguments",
            params.len(),
            request.args.len()
        ));
    }
    for ((_, param), spec) in params.iter().zip(&request.args) {
        if let ArgSpec::Const(arg) = spec {
            let (op, ty) = const_op(arg);
            let value = insert_const(body, entry, op, ty);
            replace_uses(body, *param, value);
        }
    }
    Ok(())
}

/// The intrinsic a value calls, if it is a call to one.
pub(super) fn called_intrinsic(
    body: &FunctionBody,
    intrinsics: &HashMap<u32, Intrinsic>,
    value: Value,
) -> Option<Intrinsic> {
    match &body.values[value] {
        ValueDef::Operator(Operator::Call { function_index }, _, _) => {
            intrinsics.get(&(function_index.index() as u32)).copied()
        }
        _ => None,
    }
}

/// The constant an i32/i64 value is, when it is a literal.
pub(super) fn literal(body: &FunctionBody, value: Value) -> Option<u64> {
    let value = body.resolve_alias(value);
    match &body.values[value] {
        ValueDef::Operator(Operator::I32Const { value }, _, _) => Some(u64::from(*value)),
        ValueDef::Operator(Operator::I64Const { value }, _, _) => Some(*value),
        _ => None,
    }
}

pub fn lower_specialized_intrinsics(
    body: &mut FunctionBody,
    intrinsics: &HashMap<u32, Intrinsic>,
    request: &Request,
) -> Result<(), String> {
    // read.specialization.global(i) with a literal i becomes the value.
    let blocks: Vec<Block> = body.blocks.iter().collect();
    for &block in &blocks {
        for i in 0..body.blocks[block].insts.len() {
            let inst = body.blocks[block].insts[i];
            if called_intrinsic(body, intrinsics, inst) != Some(Intrinsic::ReadSpecializationGlobal) {
                continue;
            }
            let ValueDef::Operator(_, args, _) = body.values[inst] else { continue };
            let index_value = body.arg_pool[args][0];
            let Some(index) = literal(body, index_value) else {
                return Err("read.specialization.global is called with a non-constant index".into());
            };
            let Some(global) = request.globals.get(index as usize) else {
                return Err(format!(
                    "read.specialization.global({index}) but the request has {} global(s)",
                    request.globals.len()
                ));
            };
            let bits = match global {
                ConstArg::I32(v) | ConstArg::F32(v) => u64::from(*v),
                ConstArg::I64(v) | ConstArg::F64(v) => *v,
                ConstArg::Buffer { addr, .. } => u64::from(*addr),
            };
            let tys = body.single_type_list(Type::I64);
            body.values[inst] =
                ValueDef::Operator(Operator::I64Const { value: bits }, Default::default(), tys);
        }
    }
    registers::promote(body, intrinsics)
}
