//! Cold paths: where one path cannot be specialized, only that path pays.
//!
//! When a context intrinsic is reached with a runtime PC (the default edge
//! of a `specialize.value` whose range is unknown, a computed jump the
//! bytecode cannot pin down, ...), the request used to fail as a whole.
//! Instead, the path leaves the specialized code: pending slot stores are
//! written back (the guest ABI's memory promise holds at that point, as at
//! a call), and control jumps into a *cold copy* of the generic function,
//! entering at the same generic block with the same values. The cold copy
//! runs the intrinsics with their generic meaning, so from there on the
//! path is exactly the generic interpreter, only inside the specialized
//! function.
//!
//! This needs every piece of interpreter state to have a home in memory.
//! Virtual registers (`read.reg`/`write.reg`) have none, and
//! `read.specialization.global` traps in generic code, so a function that
//! uses them keeps failing as a whole, and the message names the path.
//!
//! The copy is made once per request, on first use, and shares the
//! request's block budget; clean-up removes it when no path enters it.

use std::collections::HashMap;

use waffle::{Block, BlockTarget, Operator, Terminator, Type, Value, ValueDef};

use super::engine::Engine;
use super::slots::slot_memarg;
use super::util::called_intrinsic;
use crate::intrinsics::Intrinsic;

/// The generic blocks' copies, by generic block.
pub type ColdBlocks = HashMap<Block, Block>;

/// The copy of generic value `v` (max-SSA: always one of its own block's).
fn copied(g: &waffle::FunctionBody, map: &HashMap<Value, Value>, v: Value) -> Result<Value, String> {
    let v = g.resolve_alias(v);
    map.get(&v).copied().ok_or_else(|| format!("internal: cold copy: value {v} is not available"))
}

/// Why this function cannot have cold paths, if it cannot.
pub fn unsupported_reason(g: &waffle::FunctionBody, intrinsics: &HashMap<u32, Intrinsic>) -> Option<&'static str> {
    for block in g.blocks.iter() {
        for &inst in &g.blocks[block].insts {
            match called_intrinsic(g, intrinsics, inst) {
                Some(Intrinsic::ReadReg | Intrinsic::WriteReg) => {
                    return Some("virtual registers (read.reg/write.reg) have no memory home")
                }
                Some(Intrinsic::ReadSpecializationGlobal) => {
                    return Some("read.specialization.global has no generic meaning")
                }
                _ => {}
            }
        }
    }
    None
}

impl Engine<'_> {
    /// The cold copy of generic block `gblock`, building the whole copy on
    /// first use.
    pub(super) fn cold_block(&mut self, gblock: Block) -> Result<Block, String> {
        if self.cold.is_empty() {
            self.build_cold_copy()?;
        }
        self.cold.get(&gblock).copied().ok_or_else(|| format!("internal: no cold copy of {gblock}"))
    }

    fn build_cold_copy(&mut self) -> Result<(), String> {
        let g = self.g;
        let mut map: HashMap<Value, Value> = HashMap::new();
        for gblock in g.blocks.iter() {
            let cb = self.s.add_block();
            for &(ty, gp) in &g.blocks[gblock].params {
                map.insert(gp, self.s.add_blockparam(cb, ty));
            }
            self.cold.insert(gblock, cb);
        }
        for gblock in g.blocks.iter() {
            let cb = self.cold[&gblock];
            for &inst in &g.blocks[gblock].insts {
                if let Some(copy) = self.cold_inst(cb, inst, &map)? {
                    map.insert(inst, copy);
                }
            }
            let term = self.cold_terminator(&g.blocks[gblock].terminator, &map)?;
            self.s.blocks[cb].terminator = term;
        }
        self.check_budget()
    }

    fn cold_inst(&mut self, cb: Block, inst: Value, map: &HashMap<Value, Value>) -> Result<Option<Value>, String> {
        let g = self.g;
        let get = |v: Value| copied(g, map, v);
        match &g.values[inst] {
            ValueDef::Operator(op, args, tys) => {
                let args: Vec<Value> = g.arg_pool[*args].iter().map(|&a| get(a)).collect::<Result<_, _>>()?;
                let tys: Vec<Type> = g.type_pool[*tys].to_vec();
                let Some(intrinsic) = called_intrinsic(g, self.intrinsics, inst) else {
                    return Ok(Some(self.emit_op(cb, op.clone(), &args, &tys)));
                };
                use Intrinsic::*;
                let memory = slot_memarg();
                Ok(match intrinsic {
                    SpecializeValue | AssumeConstMemory | AssumeConstMemoryTransitive | KnownBuffer | Disjoint | Outside => {
                        Some(args[0])
                    }
                    PopStack | ReadStack | ReadLocal => {
                        Some(self.emit_op(cb, Operator::I64Load { memory }, &args[..1], &[Type::I64]))
                    }
                    PushStack | WriteStack | WriteLocal => {
                        let stored = [args[0], args[args.len() - 1]];
                        self.emit_op(cb, Operator::I64Store { memory }, &stored, &[]);
                        None
                    }
                    KnownEq | InlineSelf => Some(self.emit_op(cb, Operator::I32Const { value: 0 }, &[], &[Type::I32])),
                    OwnSlot => {
                        let value = self.own_slot.ok_or("own.slot: the request has no fixed table slot")?;
                        Some(self.emit_op(cb, Operator::I32Const { value }, &[], &[Type::I32]))
                    }
                    ReadReg | WriteReg | ReadSpecializationGlobal => {
                        return Err(format!("internal: cold copy of {intrinsic:?}"))
                    }
                    _ => None,
                })
            }
            ValueDef::PickOutput(from, index, ty) => {
                let value = self.s.add_value(ValueDef::PickOutput(get(*from)?, *index, *ty));
                self.s.append_to_block(cb, value);
                Ok(Some(value))
            }
            ValueDef::Alias(to) => Ok(Some(get(*to)?)),
            other => Err(format!("internal: cold copy: unexpected value definition {other:?}")),
        }
    }

    fn cold_terminator(&self, term: &Terminator, map: &HashMap<Value, Value>) -> Result<Terminator, String> {
        let g = self.g;
        let get = |v: Value| copied(g, map, v);
        let target = |t: &BlockTarget| -> Result<BlockTarget, String> {
            Ok(BlockTarget {
                block: self.cold[&t.block],
                args: t.args.iter().map(|&a| get(a)).collect::<Result<_, _>>()?,
            })
        };
        Ok(match term {
            Terminator::Br { target: t } => Terminator::Br { target: target(t)? },
            Terminator::CondBr { cond, if_true, if_false } => Terminator::CondBr {
                cond: get(*cond)?,
                if_true: target(if_true)?,
                if_false: target(if_false)?,
            },
            Terminator::Select { value, targets, default } => Terminator::Select {
                value: get(*value)?,
                targets: targets.iter().map(target).collect::<Result<_, _>>()?,
                default: target(default)?,
            },
            Terminator::Return { values } => {
                Terminator::Return { values: values.iter().map(|&v| get(v)).collect::<Result<_, _>>()? }
            }
            Terminator::Unreachable | Terminator::None => Terminator::Unreachable,
        })
    }
}
