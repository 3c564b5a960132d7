//! Virtual registers (`read.reg` / `write.reg`) become SSA values.
//!
//! Every register index must be a literal. Each register is threaded
//! through every block as a block parameter ("maximal SSA"), so a read is
//! simply the current value; the backend turns the parameters into Wasm
//! locals. A register never written reads as 0.

use waffle::{Block, FunctionBody, Operator, Type, Value, ValueDef};

use super::clone::{called_intrinsic, insert_const, literal};
use crate::intrinsics::Intrinsic;
use std::collections::HashMap;

pub fn promote(body: &mut FunctionBody, intrinsics: &HashMap<u32, Intrinsic>) -> Result<(), String> {
    let mut regs: Vec<u64> = Vec::new();
    for block in body.blocks.iter() {
        for &inst in &body.blocks[block].insts {
            if let Some(i @ (Intrinsic::ReadReg | Intrinsic::WriteReg)) =
                called_intrinsic(body, intrinsics, inst)
            {
                let ValueDef::Operator(_, args, _) = body.values[inst] else { continue };
                let index = body.arg_pool[args][0];
                let Some(reg) = literal(body, index) else {
                    return Err(format!(
                        "{} is called with a register index that is not a constant",
                        i.import_name()
                    ));
                };
                if !regs.contains(&reg) {
                    regs.push(reg);
                }
            }
        }
    }
    if regs.is_empty() {
        return Ok(());
    }
    regs.sort_unstable();
    body.recompute_edges();
    let entry = body.entry;
    if !body.blocks[entry].preds.is_empty() {
        return Err("the entry block has predecessors; cannot thread registers".into());
    }
    let zero = insert_const(body, entry, Operator::I64Const { value: 0 }, Type::I64);
    let blocks: Vec<Block> = body.blocks.iter().collect();
    let mut params: HashMap<Block, Vec<Value>> = HashMap::new();
    for &block in &blocks {
        if block != entry {
            let values = regs.iter().map(|_| body.add_blockparam(block, Type::I64)).collect();
            params.insert(block, values);
        }
    }
    let slot = |reg: u64| regs.binary_search(&reg).unwrap_or(0);
    for &block in &blocks {
        let mut current: Vec<Value> =
            params.get(&block).cloned().unwrap_or_else(|| vec![zero; regs.len()]);
        let insts = std::mem::take(&mut body.blocks[block].insts);
        let mut kept = Vec::with_capacity(insts.len());
        for inst in insts {
            match called_intrinsic(body, intrinsics, inst) {
                Some(Intrinsic::ReadReg) => {
                    let reg = literal(body, arg(body, inst, 0)).unwrap_or(0);
                    body.values[inst] = ValueDef::Alias(current[slot(reg)]);
                }
                Some(Intrinsic::WriteReg) => {
                    let reg = literal(body, arg(body, inst, 0)).unwrap_or(0);
                    current[slot(reg)] = body.resolve_alias(arg(body, inst, 1));
                    body.values[inst] =
                        ValueDef::Operator(Operator::Nop, Default::default(), Default::default());
                }
                _ => kept.push(inst),
            }
        }
        body.blocks[block].insts = kept;
        let current: Vec<Value> = current.iter().map(|&v| body.resolve_alias(v)).collect();
        body.blocks[block].terminator.update_targets(|target| {
            target.args.extend_from_slice(&current);
        });
    }
    Ok(())
}

fn arg(body: &FunctionBody, inst: Value, i: usize) -> Value {
    match body.values[inst] {
        ValueDef::Operator(_, args, _) => body.arg_pool[args][i],
        _ => inst,
    }
}
