//! Memory facts: what plain loads and stores leave in memory, forwarded.
//!
//! Interpreters keep their state in memory: a VM struct in the function's
//! shadow-stack frame (`vm.pc`, `vm.acc`, updated by handlers through a
//! pointer), or behind a pointer argument. Once the handlers are inlined
//! (`inline.rs`), a store of the new PC and the load of it before
//! `update.context` are in the same function; forwarding the stored value
//! makes the PC a constant again.
//!
//! **Facts.** After a store of `v` at a *symbolic* address (`root + off`:
//! a function argument, the frame, or an absolute constant, see
//! `fold::symbolic`), the state remembers that memory holds `v` there
//! ([`Extra::Mem`]); after a load (a narrow one too), that memory holds
//! what was loaded. A later load of the same cell with the same width is
//! replaced by the value, converted when the load's type or width differs
//! from the access that made the fact (`convert.rs`). Memory is always up
//! to date: a fact can be dropped at any time without a write-back, and the
//! generic code of a cold path sees memory as it should. A removed load is
//! one that reads a cell a store or load on every path to it just accessed
//! with the same address and width: it cannot trap.
//!
//! **Redundant stores.** A store is emitted unless a fact says its cell
//! (same address, width and type) already holds the same bits: the same
//! constant, or the same value of the specialized function. Skipping it
//! changes no byte of memory, and it cannot trap, for the reason a
//! forwarded load cannot; the facts stay as they were (nothing was
//! written, so nothing else can have been overwritten). Stored addresses
//! are never skipped, since storing one is an escape. Examples: a VM
//! field written back unchanged (`vm->aux = vm->aux`), a type tag stored
//! again with the constant it holds.
//!
//! **Invalidation.** A fact lives until something may write its bytes:
//! - a store through a symbolic address drops the facts its bytes overlap
//!   in the same root, and, unless the root is a private frame, every fact
//!   of other non-private roots (two arguments may point to the same
//!   place); a store through an unknown address drops every non-private
//!   fact;
//!   (Offsets of one root are compared as integers only within 2^24 of the
//!   root, where they cannot wrap onto each other; a store farther out
//!   keeps none of the root's facts.)
//! - a call, or any instruction with memory effects pweval does not model
//!   (`memory.copy`, atomics, ...), drops every non-private fact, except a
//!   direct call of a function that writes no memory and no global,
//!   itself or through its calls (`callgraph.rs`: Lua's
//!   `luaH_getshortstr`, the table lookup of every field access);
//! - a virtual stack or local slot (`slots.rs`) and a fact never cover the
//!   same bytes: caching a slot drops the facts under it, and a store does
//!   not record a fact under a cached slot.
//!
//! **Private frames.** At the function's entry, the value of a global read
//! there (the shadow-stack pointer) becomes the root of symbolic addresses
//! in the frame the function then allocates below it. While no such address
//! *escapes*, no other code can reach those bytes, and their facts survive
//! calls. An address escapes when it is used other than as a load or store
//! address, in address arithmetic with a constant, in a comparison, or to
//! move the stack pointer itself: passed to a call, stored as a value,
//! merged at a join into a runtime value, and so on ([`Extra::Private`] is
//! dropped, for good on that path). `memset(frame + c, byte, n)` with
//! constants (C's `memset`, found by name) and `memory.fill` do not let the
//! address escape and leave a [`Extra::Fill`].
//!
//! **Joins.** Facts meet like other extras: a fact on every incoming edge
//! with the same constant stays; with different values it becomes a block
//! parameter; absent on one edge, it is dropped.
//!
//! **Cells that hold the PC.** A load whose value flows to a context
//! intrinsic (`prepare::find_pins`'s slice reaches it) marks its cell as
//! wanted; the request is specialized again with that cell *pinned*: its
//! constant is part of the block key (like a pinned parameter), so the two
//! arms of `if (acc) vm->pc = t; else vm->pc += 2;` reach different copies
//! of the join instead of meeting into a runtime PC. Only a round that
//! failed or left a cold path is followed by another, at most
//! [`MAX_CELL_ROUNDS`] of them.

use std::collections::BTreeMap;

use waffle::entity::EntityRef;
use waffle::{Block, MemoryArg, Operator, Type, Value};

use super::engine::{Engine, Walk};
use super::state::{AVal, Cell, Extra, Konst, MemKey, ABSOLUTE, FRAME_ROOT};

/// Rounds of re-specialization with newly pinned cells.
pub const MAX_CELL_ROUNDS: usize = 3;
/// A `memset` longer than this is not remembered as a fill.
const MAX_FILL: u64 = 4096;

/// A load: its memory argument, width in bytes, result type, and whether a
/// narrow load sign-extends.
fn load_shape(op: &Operator) -> Option<(MemoryArg, i64, Type, bool)> {
    use Operator::*;
    Some(match op {
        I32Load { memory } => (*memory, 4, Type::I32, false),
        I64Load { memory } => (*memory, 8, Type::I64, false),
        F32Load { memory } => (*memory, 4, Type::F32, false),
        F64Load { memory } => (*memory, 8, Type::F64, false),
        I32Load8S { memory } => (*memory, 1, Type::I32, true),
        I32Load8U { memory } => (*memory, 1, Type::I32, false),
        I32Load16S { memory } => (*memory, 2, Type::I32, true),
        I32Load16U { memory } => (*memory, 2, Type::I32, false),
        I64Load8S { memory } => (*memory, 1, Type::I64, true),
        I64Load8U { memory } => (*memory, 1, Type::I64, false),
        I64Load16S { memory } => (*memory, 2, Type::I64, true),
        I64Load16U { memory } => (*memory, 2, Type::I64, false),
        I64Load32S { memory } => (*memory, 4, Type::I64, true),
        I64Load32U { memory } => (*memory, 4, Type::I64, false),
        _ => return None,
    })
}

fn store_shape(op: &Operator) -> Option<(MemoryArg, Cell)> {
    use Operator::*;
    Some(match op {
        I32Store { memory } => (*memory, Cell::I32),
        I64Store { memory } => (*memory, Cell::I64),
        F32Store { memory } => (*memory, Cell::F32),
        F64Store { memory } => (*memory, Cell::F64),
        I32Store8 { memory } => (*memory, Cell::I32N8),
        I32Store16 { memory } => (*memory, Cell::I32N16),
        I64Store8 { memory } => (*memory, Cell::I64N8),
        I64Store16 { memory } => (*memory, Cell::I64N16),
        I64Store32 { memory } => (*memory, Cell::I64N32),
        _ => return None,
    })
}

/// The full-width cell a load of `ty` reads.
fn full_cell(ty: Type) -> Option<Cell> {
    match ty {
        Type::I32 => Some(Cell::I32),
        Type::I64 => Some(Cell::I64),
        Type::F32 => Some(Cell::F32),
        Type::F64 => Some(Cell::F64),
        _ => None,
    }
}

/// `(root, offset)` of an access at `addr` plus the static offset.
fn symbolic(addr: AVal, memarg: &MemoryArg) -> Option<(u32, i64)> {
    if memarg.memory.index() != 0 {
        return None;
    }
    let off = i64::from(memarg.offset);
    match addr {
        AVal::Addr { root, off: o, .. } => Some((root, o.checked_add(off)?)),
        AVal::Const { k: Konst::I32(a), .. } => Some((ABSOLUTE, i64::from(a).checked_add(off)?)),
        _ => None,
    }
}

/// The cell and value a store leaves as a fact: a constant written narrow
/// is the constant's low bits, as an i32.
fn narrow_constant_cell(cell: Cell, value: AVal) -> (Cell, AVal) {
    match (cell, value) {
        (Cell::I64N32, AVal::Const { k, .. }) => (Cell::I32, AVal::konst(Konst::I32(k.as_u64() as u32))),
        (Cell::I64N16, AVal::Const { k, .. }) => (Cell::I32N16, AVal::konst(Konst::I32(k.as_u64() as u32 & 0xffff))),
        (Cell::I64N8, AVal::Const { k, .. }) => (Cell::I32N8, AVal::konst(Konst::I32(k.as_u64() as u32 & 0xff))),
        other => other,
    }
}

/// Do `a` and `b` have the same bits at run time? The same constant, or
/// the same value of the specialized function (whatever is known about
/// it). Addresses are left out: storing one is an escape (see `escapes`).
fn same_bits(a: AVal, b: AVal) -> bool {
    let runtime = |v: AVal| match v {
        AVal::Runtime(v) | AVal::Choice { value: v, .. } | AVal::Fanout { v, .. } | AVal::Ranged { value: v, .. } => Some(v),
        AVal::Const { .. } | AVal::Addr { .. } => None,
    };
    match (a, b) {
        (AVal::Const { k: x, .. }, AVal::Const { k: y, .. }) => x == y,
        _ => matches!((runtime(a), runtime(b)), (Some(x), Some(y)) if x == y),
    }
}

fn overlaps(a: i64, a_len: i64, b: i64, b_len: i64) -> bool {
    a < b + b_len && b < a + a_len
}

/// A narrow constant as the value a load of `size` bytes and `ty`, sign-
/// or zero-extending, reads back.
fn narrow_const(bits: u64, size: i64, ty: Type, signed: bool) -> Option<AVal> {
    let shift = 64 - 8 * size as u32;
    let low = (bits << shift) >> shift;
    let v = if signed { ((bits << shift) as i64 >> shift) as u64 } else { low };
    Some(AVal::konst(match ty {
        Type::I32 => Konst::I32(v as u32),
        Type::I64 => Konst::I64(v),
        _ => return None,
    }))
}

/// Does operand `i` of `op` let a symbolic address escape?
fn escapes(op: &Operator, i: usize, args: &[AVal]) -> bool {
    use Operator::*;
    if load_shape(op).is_some() || (store_shape(op).is_some() && i == 0) {
        return false;
    }
    let is_const = |a: Option<&AVal>| matches!(a, Some(AVal::Const { k: Konst::I32(_), .. }));
    match op {
        I32Add => !is_const(args.get(1 - i.min(1))),
        I32Sub if i == 0 => !is_const(args.get(1)),
        I32Eq | I32Ne | I32LtU | I32LtS | I32GtU | I32GtS | I32LeU | I32LeS | I32GeU | I32GeS | I32Eqz => false,
        // The stack pointer moving within the frame it roots.
        GlobalSet { global_index } => {
            !matches!(args.first(), Some(AVal::Addr { root, .. }) if *root == FRAME_ROOT | global_index.index() as u32)
        }
        _ => true,
    }
}

/// Operations that may write memory in ways the facts do not model.
/// Growing memory changes no byte, and an operator that can only trap
/// (an integer division, a float-to-integer truncation) writes nothing:
/// if it traps, nothing after it runs.
fn unknown_effect(op: &Operator) -> bool {
    use waffle::SideEffect;
    if load_shape(op).is_some() || store_shape(op).is_some() || op.is_call() || matches!(op, Operator::MemoryGrow { .. }) {
        return false;
    }
    op.effects().iter().any(|e| matches!(e, SideEffect::WriteMem | SideEffect::All))
}

impl Engine<'_> {
    /// Before an operator is evaluated: escapes of its operands, and the
    /// facts it invalidates. Returns the forwarded value of a load.
    pub(super) fn mem_before(
        &mut self,
        sb: Block,
        inst: Value,
        op: &Operator,
        args: &[AVal],
        walk: &mut Walk,
    ) -> Option<AVal> {
        for (i, a) in args.iter().enumerate() {
            if let AVal::Addr { root, off, .. } = *a {
                if escapes(op, i, args) && !(i == 0 && self.is_fill(op, args)) {
                    escape(walk, root, off);
                }
            }
        }
        if unknown_effect(op) && !self.is_fill(op, args) {
            forget_shared(walk);
        }
        // A call may change memory reachable from outside. (`Global` facts
        // stay: they are only kept for the stack pointer, which every
        // callee restores before it returns.)
        if op.is_call() && !self.is_fill_call(op, args) && !self.calls_writer_of_nothing(op) {
            forget_shared(walk);
        }
        let (memarg, size, ty, signed) = load_shape(op)?;
        let addr = *args.first()?;
        // Constant memory (request buffers, read-only data) folds anyway.
        if matches!(addr, AVal::Const { buf: Some(_), .. }) || self.is_constant_memory(addr, &memarg) {
            return None;
        }
        let (root, off) = symbolic(addr, &memarg)?;
        if self.pin_loads.contains(&inst) {
            self.wanted_cells.insert(MemKey { root, off, cell: full_cell(ty)? });
        }
        let full = full_cell(ty).filter(|c| c.size() == size);
        if let Some(cell) = full {
            if let Some(&v) = walk.extras.get(&Extra::Mem(MemKey { root, off, cell })) {
                return Some(v);
            }
        }
        // A read of a constant's first bytes, the constant written as wide
        // as the read or wider (little-endian: its low bytes).
        for cell in [Cell::I32N8, Cell::I64N8, Cell::I32N16, Cell::I64N16, Cell::I64N32, Cell::I32, Cell::F32, Cell::I64, Cell::F64] {
            if cell.size() < size || Some(cell) == full {
                continue;
            }
            if let Some(AVal::Const { k, .. }) = walk.extras.get(&Extra::Mem(MemKey { root, off, cell })) {
                if let Some(v) = narrow_const(k.as_u64(), size, ty, signed) {
                    return Some(v);
                }
            }
        }
        // The same bytes, or the first of them, written or read with
        // another type or width: the known value, converted (`convert.rs`).
        for cell in [Cell::I32N8, Cell::I64N8, Cell::I32N16, Cell::I64N16, Cell::I64N32, Cell::I32, Cell::I64, Cell::F32, Cell::F64] {
            if cell.size() < size || Some(cell) == full {
                continue;
            }
            let Some(&known) = walk.extras.get(&Extra::Mem(MemKey { root, off, cell })) else { continue };
            if matches!(known, AVal::Const { .. }) {
                continue; // handled above, or not a bit pattern this read can take
            }
            let Some(steps) = super::convert::steps(cell, size, ty, signed) else { continue };
            if let Some(v) = self.apply_steps(sb, known, &steps, walk) {
                return Some(v);
            }
        }
        // Inside a fill: every byte is the same constant.
        let byte = walk.extras.iter().find_map(|(k, v)| match (k, v) {
            (Extra::Fill { root: r, start, end }, AVal::Const { k: Konst::I32(b), .. })
                if *r == root && *start <= off && off + size <= *end =>
            {
                Some(u64::from(*b as u8))
            }
            _ => None,
        })?;
        let bits = (0..size).fold(0u64, |acc, _| (acc << 8) | byte);
        match ty {
            Type::F32 => Some(AVal::konst(Konst::F32(bits as u32))),
            Type::F64 => Some(AVal::konst(Konst::F64(bits))),
            _ => narrow_const(bits, size, ty, signed),
        }
    }

    /// Is `op` a store of what memory is known to hold already: a fact of
    /// the same cell (address, width, type) with the same bits? Such a
    /// store changes nothing and cannot trap (the fact's access of the same
    /// address and width happened on every path here), so it is not
    /// emitted, and the fact stays as it is.
    pub(super) fn store_is_redundant(&self, op: &Operator, args: &[AVal], walk: &Walk) -> bool {
        let Some((memarg, cell)) = store_shape(op) else { return false };
        let (Some(&addr), Some(&value)) = (args.first(), args.get(1)) else { return false };
        let Some((root, off)) = symbolic(addr, &memarg) else { return false };
        let (cell, value) = narrow_constant_cell(cell, value);
        walk.extras.get(&Extra::Mem(MemKey { root, off, cell })).is_some_and(|&known| same_bits(known, value))
    }

    /// After an operator is emitted with result `result`: the facts it
    /// leaves.
    pub(super) fn mem_after(&mut self, sb: Block, op: &Operator, args: &[AVal], result: Option<AVal>, walk: &mut Walk) -> Option<AVal> {
        if let Operator::GlobalGet { global_index } = op {
            let g = global_index.index() as u32;
            if let Some(&known) = walk.extras.get(&Extra::Global(g)) {
                return Some(known);
            }
            // The value on entry to the function: a frame root.
            if sb == self.s.entry && walk.gblock == self.g.entry {
                let value = match result? {
                    AVal::Runtime(v) => v,
                    _ => return None,
                };
                if self.s.values[value].ty(&self.s.type_pool) != Some(Type::I32) {
                    return None;
                }
                return Some(AVal::Addr { value, root: FRAME_ROOT | g, off: 0 });
            }
            return None;
        }
        if let Operator::GlobalSet { global_index } = op {
            let g = global_index.index() as u32;
            let root = FRAME_ROOT | g;
            match args.first() {
                Some(a @ AVal::Addr { root: r, off, .. }) if *r == root => {
                    let frame = private_size(walk, root);
                    if sb == self.s.entry && walk.gblock == self.g.entry && *off < 0 && frame.is_none() && !walk.escaped.contains(&root) {
                        // The prologue: `root - N .. root` is this
                        // function's frame; callees use memory below it.
                        walk.extras.insert(Extra::Private(root), AVal::konst(Konst::I64(off.unsigned_abs())));
                    } else if frame.is_some_and(|n| *off > -n) {
                        // Part of the frame is released (the epilogue).
                        walk.extras.remove(&Extra::Private(root));
                    }
                    walk.extras.insert(Extra::Global(g), *a);
                }
                _ => {
                    walk.extras.remove(&Extra::Global(g));
                    walk.extras.remove(&Extra::Private(root));
                }
            }
            return None;
        }
        if let Some((dst, byte, len)) = self.fill_args(op, args) {
            if let Some((root, off)) = symbolic(dst, &MemoryArg { align: 0, offset: 0, memory: waffle::Memory::new(0) }) {
                if !is_private(walk, root, off, len) {
                    forget_shared(walk);
                }
                self.forget_range(walk, root, off, len);
                walk.extras.insert(Extra::Fill { root, start: off, end: off + len }, AVal::konst(Konst::I32(byte)));
                // memset returns its destination.
                if op.is_call() {
                    if let (Some(AVal::Runtime(v)), AVal::Addr { root, off, .. }) = (result, dst) {
                        return Some(AVal::Addr { value: v, root, off });
                    }
                }
            }
            return None;
        }
        if let Some((memarg, cell)) = store_shape(op) {
            let (Some(&addr), Some(&value)) = (args.first(), args.get(1)) else { return None };
            let Some((root, off)) = symbolic(addr, &memarg) else {
                forget_shared(walk);
                return None;
            };
            if !is_private(walk, root, off, cell.size()) {
                forget_other_roots(walk, root, off);
            }
            self.forget_range(walk, root, off, cell.size());
            let under_slot = walk.extras.keys().any(|k| match k {
                Extra::Slot(s) => s.root == root && overlaps(s.off, 8, off, cell.size()),
                _ => false,
            });
            if !under_slot {
                let (cell, value) = narrow_constant_cell(cell, value);
                walk.extras.insert(Extra::Mem(MemKey { root, off, cell }), value);
            }
            return None;
        }
        // A load not forwarded: memory holds what it read (a narrow load:
        // its low bytes are the cell's).
        if let Some((memarg, size, ty, _)) = load_shape(op) {
            let cell = full_cell(ty).filter(|c| c.size() == size).or_else(|| super::convert::narrow_cell(size, ty))?;
            let addr = *args.first()?;
            if matches!(addr, AVal::Const { buf: Some(_), .. }) || self.is_constant_memory(addr, &memarg) {
                return None;
            }
            let (root, off) = symbolic(addr, &memarg)?;
            let under_slot = walk.extras.keys().any(|k| matches!(k, Extra::Slot(s) if s.root == root && overlaps(s.off, 8, off, size)));
            if let (false, Some(v)) = (under_slot, result) {
                walk.extras.insert(Extra::Mem(MemKey { root, off, cell }), v);
            }
        }
        None
    }

    /// Evaluate conversion `steps` on `known` (each folds or is emitted
    /// like any pure operator); `None` if a step does not evaluate.
    fn apply_steps(&mut self, sb: Block, known: AVal, steps: &[super::convert::Step], walk: &mut Walk) -> Option<AVal> {
        let mut v = known;
        for step in steps {
            let mut args = vec![v];
            if let Some(k) = step.operand {
                args.push(AVal::konst(k));
            }
            v = self.eval_operator(sb, &step.op, &args, &[step.ty], walk).ok()??;
        }
        Some(v)
    }

    /// Is `addr` (plus the static offset) inside a request buffer or the
    /// read-only data, which loads fold from without facts?
    fn is_constant_memory(&self, addr: AVal, memarg: &MemoryArg) -> bool {
        let Some(k) = addr.as_const() else { return false };
        let ea = k.as_u64() + u64::from(memarg.offset);
        self.buffers.iter().chain(self.readonly.iter()).any(|b| {
            (u64::from(b.addr)..u64::from(b.addr) + b.bytes.len() as u64).contains(&ea)
        })
    }

    /// Drop the facts of `root` overlapping `off..off + len`, splitting
    /// fills around the hole.
    fn forget_range(&self, walk: &mut Walk, root: u32, off: i64, len: i64) {
        let mut refills = Vec::new();
        walk.extras.retain(|k, v| match *k {
            Extra::Mem(m) => !(m.root == root && overlaps(m.off, m.cell.size(), off, len)),
            Extra::Fill { root: r, start, end } if r == root && overlaps(start, end - start, off, len) => {
                if start < off {
                    refills.push((Extra::Fill { root, start, end: off }, *v));
                }
                if off + len < end {
                    refills.push((Extra::Fill { root, start: off + len, end }, *v));
                }
                false
            }
            _ => true,
        });
        walk.extras.extend(refills);
    }

    /// A stack or local intrinsic wrote the 8 bytes at `ptr` (cached as a
    /// slot, or through memory when its address has no usable symbolic
    /// form): no fact may claim to know them.
    pub(super) fn forget_written_slot(&self, ptr: AVal, walk: &mut Walk) {
        let whole = MemoryArg { align: 3, offset: 0, memory: waffle::Memory::new(0) };
        match symbolic(ptr, &whole) {
            Some((root, off)) => {
                if !is_private(walk, root, off, 8) {
                    forget_shared(walk);
                }
                self.forget_range(walk, root, off, 8);
            }
            None => forget_shared(walk),
        }
    }

    /// Cached slots and facts never cover the same bytes: drop the facts
    /// under every cached slot (after a slot intrinsic).
    pub(super) fn forget_under_slots(&self, walk: &mut Walk) {
        let slots: Vec<(u32, i64)> =
            walk.extras.keys().filter_map(|k| if let Extra::Slot(s) = k { Some((s.root, s.off)) } else { None }).collect();
        for (root, off) in slots {
            self.forget_range(walk, root, off, 8);
        }
    }

    /// `memset(dst, byte, len)` (C's, found by name) or `memory.fill` with
    /// a constant byte and length: (dst, byte, len).
    fn fill_args(&self, op: &Operator, args: &[AVal]) -> Option<(AVal, u32, i64)> {
        let is_fill = match op {
            Operator::MemoryFill { mem } => mem.index() == 0,
            Operator::Call { function_index } => Some(function_index.index() as u32) == self.memset,
            _ => false,
        };
        if !is_fill || args.len() != 3 {
            return None;
        }
        let byte = args[1].as_const()?.as_u64() as u32 & 0xff;
        let len = args[2].as_const()?.as_u64();
        if len > MAX_FILL {
            return None;
        }
        Some((args[0], byte, len as i64))
    }

    fn is_fill(&self, op: &Operator, args: &[AVal]) -> bool {
        self.fill_args(op, args).is_some_and(|(dst, _, _)| matches!(dst, AVal::Addr { .. } | AVal::Const { .. }))
    }

    /// A direct call of a function that writes no memory and no global,
    /// itself or through its calls (`callgraph.rs`): every fact survives it.
    fn calls_writer_of_nothing(&self, op: &Operator) -> bool {
        match op {
            Operator::Call { function_index } => {
                self.writes_nothing.get(function_index.index()).copied().unwrap_or(false)
            }
            _ => false,
        }
    }

    fn is_fill_call(&self, op: &Operator, args: &[AVal]) -> bool {
        op.is_call() && self.is_fill(op, args)
    }

    /// Pinned cells' constants on an edge, for the target's key.
    pub(super) fn pinned_cells_of(&mut self, ctx: super::state::CtxId, gtarget: Block, walk_extras: &super::state::Extras) -> Vec<(MemKey, Konst)> {
        let mut out = Vec::new();
        for &cell in self.pinned_cells.iter() {
            let Some(AVal::Const { k, .. }) = walk_extras.get(&Extra::Mem(cell)) else { continue };
            let seen = self.cell_values.entry((ctx, gtarget, cell)).or_default();
            if seen.contains(k) || seen.len() < self.limits.max_pin_values {
                seen.insert(*k);
                out.push((cell, *k));
            }
        }
        out
    }
}

/// An address `root + off` escapes. Only an address inside the private
/// frame makes the frame shared: one below it points into a callee's frame
/// (a vararg buffer), another object, from which C gives no way into this
/// one.
fn escape(walk: &mut Walk, root: u32, off: i64) {
    walk.escaped.insert(root);
    match private_size(walk, root) {
        Some(n) if off < -n => {}
        _ => {
            walk.extras.remove(&Extra::Private(root));
        }
    }
}

/// Every symbolic address among `args` escapes.
pub(super) fn escape_all(args: &[AVal], walk: &mut Walk) {
    for a in args {
        if let AVal::Addr { root, off, .. } = *a {
            escape(walk, root, off);
        }
    }
}

/// Whether an address `root + off` escaping at a join makes `root`'s frame
/// shared, given the join's extras (see [`escape`]).
pub(super) fn escape_reaches_frame(extras: &super::state::Extras, root: u32, off: i64) -> bool {
    match extras.get(&Extra::Private(root)) {
        Some(AVal::Const { k: Konst::I64(n), .. }) => i64::try_from(*n).map_or(true, |n| off >= -n),
        _ => true,
    }
}

/// The size of `root`'s private frame, when it has one.
fn private_size(walk: &Walk, root: u32) -> Option<i64> {
    match walk.extras.get(&Extra::Private(root)) {
        Some(AVal::Const { k: Konst::I64(n), .. }) => i64::try_from(*n).ok(),
        _ => None,
    }
}

/// Do bytes `off..off + len` of `root` lie in its private frame?
fn is_private(walk: &Walk, root: u32, off: i64, len: i64) -> bool {
    private_size(walk, root).is_some_and(|n| -n <= off && off + len <= 0)
}

/// Drop every fact that code outside the function could change: all but
/// those inside private frames.
/// Offsets of one root below this far apart cannot wrap around 2^32 onto
/// each other, so comparing them as integers is comparing addresses.
const NEAR: i64 = 1 << 24;

/// A store at `root + off` (outside a private frame): facts of other roots
/// that are not private may be about the same bytes (two arguments may
/// point to the same place) and go, unless the guest said one of the two
/// roots is an object of its own (`pweval.disjoint`: Lua's stack, which a
/// store to `L->top` or `ci->u.l.savedpc` cannot reach); the same root's
/// facts stay, except those the store overlaps (`forget_range`): `root + a`
/// and `root + b` with distinct small offsets are distinct addresses. Far
/// offsets keep nothing.
fn forget_other_roots(walk: &mut Walk, root: u32, off: i64) {
    let near = |o: i64| o.abs() < NEAR;
    let disjoint = |r: u32| walk.extras.contains_key(&Extra::Disjoint(r));
    let apart = |r: u32| r == root || disjoint(root) || disjoint(r);
    let kept: Vec<(Extra, AVal)> = walk
        .extras
        .iter()
        .filter(|(k, _)| near(off) && match k {
            Extra::Mem(m) => apart(m.root) && near(m.off),
            Extra::Fill { root: r, start, end } => apart(*r) && near(*start) && near(*end),
            _ => false,
        })
        .map(|(k, v)| (*k, *v))
        .collect();
    forget_shared(walk);
    walk.extras.extend(kept);
}

/// `pweval.outside` evaluated again: its root names the pointer the code
/// computed this time, so what was known through it last time goes.
pub(super) fn forget_root(walk: &mut Walk, root: u32) {
    walk.extras.retain(|k, _| match *k {
        Extra::Mem(m) => m.root != root,
        Extra::Fill { root: r, .. } => r != root,
        _ => true,
    });
}

fn forget_shared(walk: &mut Walk) {
    let private: BTreeMap<u32, i64> = walk
        .extras
        .iter()
        .filter_map(|(k, v)| match (k, v) {
            (Extra::Private(r), AVal::Const { k: Konst::I64(n), .. }) => Some((*r, i64::try_from(*n).ok()?)),
            _ => None,
        })
        .collect();
    let inside = |root: u32, off: i64, len: i64| private.get(&root).is_some_and(|&n| -n <= off && off + len <= 0);
    walk.extras.retain(|k, _| match *k {
        Extra::Mem(m) => inside(m.root, m.off, m.cell.size()),
        Extra::Fill { root, start, end } => inside(root, start, end - start),
        _ => true,
    });
}
