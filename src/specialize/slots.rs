//! Virtual stack and local slots (`push.stack`, `pop.stack`, `read.stack`,
//! `write.stack`, `read.local`, `write.local`, `sync.stack`).
//!
//! A slot is identified by its symbolic address: a function argument plus
//! a constant (`fp + 8 * sp`, with `sp` constant in the context), or an
//! absolute constant. Its value lives in the specializer's state instead of
//! memory; a written slot is *dirty* until it is stored back, which happens
//! at `sync.stack`, before any call, and before returning, exactly the
//! points where the guest ABI promises the frame is in memory. A popped slot
//! is forgotten, cancelling its pending store. A slot whose address has no
//! symbolic form is accessed in memory, after storing every dirty slot (it
//! might be one of them).

use waffle::entity::EntityRef;
use waffle::{Block, MemoryArg, Operator, Type, Value};

use super::engine::{Engine, Walk};
use super::state::{is_outside_root, AVal, Extra, Extras, Konst, SlotKey, ABSOLUTE};
use crate::intrinsics::Intrinsic;

/// An aligned 8-byte access to memory 0 (slots are `uint64_t`).
pub(super) fn slot_memarg() -> MemoryArg {
    MemoryArg { align: 3, offset: 0, memory: waffle::Memory::new(0) }
}

fn slot_key(ptr: AVal) -> Option<SlotKey> {
    match ptr {
        AVal::Const { k: Konst::I32(a), .. } => Some(SlotKey { root: ABSOLUTE, off: i64::from(a) }),
        // A `pweval.outside` root lives within one block; slots outlive it.
        AVal::Addr { root, off, .. } if !is_outside_root(root) => Some(SlotKey { root, off }),
        _ => None,
    }
}

impl Engine<'_> {
    /// The address of a slot as a value of block `sb`.
    fn slot_address(&mut self, sb: Block, key: SlotKey, extras: &Extras) -> Option<Value> {
        if key.root == ABSOLUTE {
            let addr = AVal::konst(Konst::I32(key.off as u32));
            return Some(self.value_in(sb, addr));
        }
        let base = *extras.get(&Extra::Root(key.root))?;
        let base = self.value_in(sb, base);
        if key.off == 0 {
            return Some(base);
        }
        let off = self.value_in(sb, AVal::konst(Konst::I32(key.off as u32)));
        Some(self.emit_op(sb, Operator::I32Add, &[base, off], &[Type::I32]))
    }

    /// Store every dirty slot back to memory; the cached values stay.
    pub(super) fn flush(&mut self, sb: Block, walk: &mut Walk) {
        let dirty = std::mem::take(&mut walk.dirty);
        self.store_slots(sb, dirty.iter().copied(), &walk.extras);
    }

    /// Append to `block` the stores of `slots`, whose values and address
    /// roots are in `extras` (also used for the stores on join edges).
    pub(super) fn store_slots(&mut self, block: Block, slots: impl Iterator<Item = SlotKey>, extras: &Extras) {
        for key in slots {
            let Some(&value) = extras.get(&Extra::Slot(key)) else { continue };
            let Some(addr) = self.slot_address(block, key, extras) else { continue };
            let value = self.value_in(block, value);
            self.emit_op(block, Operator::I64Store { memory: slot_memarg() }, &[addr, value], &[]);
        }
    }

    fn load_slot(&mut self, sb: Block, ptr: AVal) -> AVal {
        let addr = self.value_in(sb, ptr);
        AVal::Runtime(self.emit_op(sb, Operator::I64Load { memory: slot_memarg() }, &[addr], &[Type::I64]))
    }

    pub(super) fn eval_slot(
        &mut self,
        sb: Block,
        intrinsic: Intrinsic,
        op: &Operator,
        args: &[AVal],
        tys: &[Type],
        walk: &mut Walk,
    ) -> Result<Option<AVal>, String> {
        use Intrinsic::*;
        if intrinsic == SyncStack {
            self.flush(sb, walk);
            return Ok(None);
        }
        let ptr = args[0];
        let Some(key) = slot_key(ptr).filter(|k| {
            k.root == ABSOLUTE || walk.extras.contains_key(&Extra::Root(k.root))
        }) else {
            // Unknown address: memory semantics, after the pending stores
            // (it may name a dirty slot); a write may overwrite any cached one.
            self.flush(sb, walk);
            if matches!(intrinsic, PushStack | WriteStack | WriteLocal) {
                walk.extras.retain(|k, _| !matches!(k, Extra::Slot(_)));
            }
            let vals: Vec<Value> = args.iter().map(|&a| self.value_in(sb, a)).collect();
            let value = self.emit_op(sb, op.clone(), &vals, tys);
            return Ok((tys.len() == 1).then_some(AVal::Runtime(value)));
        };
        let cached = walk.extras.get(&Extra::Slot(key)).copied();
        Ok(match intrinsic {
            PushStack | WriteStack | WriteLocal => {
                walk.extras.insert(Extra::Slot(key), args[args.len() - 1]);
                walk.dirty.insert(key);
                None
            }
            ReadStack | ReadLocal => Some(match cached {
                Some(v) => v,
                None => {
                    let v = self.load_slot(sb, ptr);
                    walk.extras.insert(Extra::Slot(key), v);
                    v
                }
            }),
            PopStack => {
                walk.extras.remove(&Extra::Slot(key));
                walk.dirty.remove(&key);
                Some(match cached {
                    Some(v) => v,
                    None => self.load_slot(sb, ptr),
                })
            }
            _ => None,
        })
    }
}
