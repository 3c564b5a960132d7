//! The abstract state the specializer tracks: what each value is known to
//! be, the interpreter context, and the virtual registers.

use std::collections::BTreeMap;

use indexmap::IndexSet;
use waffle::{Type, Value};

/// A constant, as raw bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Konst {
    I32(u32),
    I64(u64),
    F32(u32),
    F64(u64),
}

impl Konst {
    pub fn ty(self) -> Type {
        match self {
            Konst::I32(_) => Type::I32,
            Konst::I64(_) => Type::I64,
            Konst::F32(_) => Type::F32,
            Konst::F64(_) => Type::F64,
        }
    }
    pub fn as_u64(self) -> u64 {
        match self {
            Konst::I32(v) | Konst::F32(v) => u64::from(v),
            Konst::I64(v) | Konst::F64(v) => v,
        }
    }
    pub fn from_waffle(c: waffle::ConstVal) -> Option<Konst> {
        match c {
            waffle::ConstVal::I32(v) => Some(Konst::I32(v)),
            waffle::ConstVal::I64(v) => Some(Konst::I64(v)),
            waffle::ConstVal::F32(v) => Some(Konst::F32(v)),
            waffle::ConstVal::F64(v) => Some(Konst::F64(v)),
            waffle::ConstVal::None => None,
        }
    }
    pub fn to_waffle(self) -> waffle::ConstVal {
        match self {
            Konst::I32(v) => waffle::ConstVal::I32(v),
            Konst::I64(v) => waffle::ConstVal::I64(v),
            Konst::F32(v) => waffle::ConstVal::F32(v),
            Konst::F64(v) => waffle::ConstVal::F64(v),
        }
    }
}

/// A node of a [`Choice`](AVal::Choice) tree, interned by the engine.
pub type ChoiceId = u32;

/// Index of a constant memory buffer (a request argument).
pub type BufId = u8;

/// What is known about one value at specialization time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AVal {
    /// A constant. `buf` is the provenance of a pointer into a constant
    /// buffer: only loads through such pointers may read the buffer.
    Const { k: Konst, buf: Option<BufId> },
    /// Known only at run time: this value of the specialized function.
    Runtime(Value),
    /// One of a few constants, chosen at run time by conditions: a `select`
    /// of constants, nested selects (`a < 0 ? x : a == 0 ? y : z`), and pure
    /// operators applied to them (see `choice.rs`). Used at run time as
    /// `value`; on an edge to a pinned parameter it is split into one edge
    /// per constant.
    Choice { tree: ChoiceId, value: Value },
    /// The result of `specialize.value(v, lo, hi)` for a runtime `v`: on an
    /// edge to a pinned parameter it fans out into one constant per value in
    /// `lo..=hi`, plus `v` itself for anything else (unless `exhaustive`:
    /// `v` is known to be in the range).
    Fanout { v: Value, lo: u32, hi: u32, exhaustive: bool },
    /// A runtime integer known to lie in `lo..=hi` (unsigned; see
    /// `ranges.rs`). With `exhaustive`, a fan-out needs no default path.
    Ranged { value: Value, lo: u64, hi: u64 },
    /// A runtime i32 known to be `root + off`, where `root` is a runtime
    /// argument of the function: the address of a virtual stack or local
    /// slot (`fp + 8 * sp` with `sp` constant in the context).
    Addr { value: Value, root: u32, off: i64 },
}

impl AVal {
    pub fn konst(k: Konst) -> AVal {
        AVal::Const { k, buf: None }
    }
    pub fn as_const(self) -> Option<Konst> {
        match self {
            AVal::Const { k, .. } => Some(k),
            _ => None,
        }
    }
}

/// Interned interpreter contexts: a stack of PCs as a tree of frames.
#[derive(Default)]
pub struct Contexts {
    /// (parent, pc) for each context; index 0 is the root (no frame).
    frames: IndexSet<(Option<u32>, u32)>,
}

pub type CtxId = u32;
pub const ROOT: CtxId = u32::MAX;

impl Contexts {
    pub fn push(&mut self, parent: CtxId, pc: u32) -> CtxId {
        let parent = (parent != ROOT).then_some(parent);
        self.frames.insert_full((parent, pc)).0 as CtxId
    }
    pub fn parent(&self, ctx: CtxId) -> Option<CtxId> {
        if ctx == ROOT {
            return None;
        }
        self.frames.get_index(ctx as usize).map(|&(p, _)| p.unwrap_or(ROOT))
    }
    pub fn pc(&self, ctx: CtxId) -> Option<u32> {
        if ctx == ROOT {
            return None;
        }
        self.frames.get_index(ctx as usize).map(|&(_, pc)| pc)
    }
    /// The innermost PC of `ctx` and how many frames deep it is (1: the
    /// request's own code; more: inside an inlined call).
    pub fn pc_depth(&self, ctx: CtxId) -> Option<(u32, u32)> {
        let pc = self.pc(ctx)?;
        let mut depth = 0;
        let mut at = ctx;
        while at != ROOT && depth < u32::MAX {
            depth += 1;
            at = self.parent(at).unwrap_or(ROOT);
        }
        Some((pc, depth))
    }
    pub fn len(&self) -> usize {
        self.frames.len()
    }
    /// `pc=A/pc=B` from the outermost frame in.
    pub fn describe(&self, mut ctx: CtxId) -> String {
        let mut pcs = Vec::new();
        while let Some(pc) = self.pc(ctx) {
            pcs.push(format!("pc={pc}"));
            ctx = self.parent(ctx).unwrap_or(ROOT);
        }
        if pcs.is_empty() {
            return "outside any context".into();
        }
        pcs.reverse();
        pcs.join("/")
    }
}

/// A virtual stack or local slot, by symbolic address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SlotKey {
    /// Function argument the address is relative to, or [`ABSOLUTE`].
    pub root: u32,
    pub off: i64,
}

pub const ABSOLUTE: u32 = u32::MAX;

/// Root of the symbolic addresses inside the function's own shadow-stack
/// frame: `FRAME_ROOT | g` is the value global `g` (the stack pointer) had
/// when the function was entered (see `memfacts.rs`).
pub const FRAME_ROOT: u32 = 0x8000_0000;

/// Root of the symbolic addresses `pweval.outside(p)` makes of a runtime
/// pointer `p`: `OUTSIDE_ROOT | n` for the specialized value `n` that `p`
/// is. Unlike an argument, `p` is a different pointer on each pass through
/// the code that computes it, so such an address does not cross a block
/// boundary (a block's entry makes it a runtime value again) and each
/// evaluation of the intrinsic first forgets its root's facts
/// (`memfacts.rs`).
pub const OUTSIDE_ROOT: u32 = 0x4000_0000;

/// Is `root` one `pweval.outside` made?
pub fn is_outside_root(root: u32) -> bool {
    root != ABSOLUTE && root & FRAME_ROOT == 0 && root & OUTSIDE_ROOT != 0
}

/// How a forwarded memory cell was written: the stored operand's type, and
/// for a narrow store its width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cell {
    I32,
    I64,
    F32,
    F64,
    I32N8,
    I32N16,
    I64N8,
    I64N16,
    I64N32,
}

impl Cell {
    pub fn size(self) -> i64 {
        match self {
            Cell::I32N8 | Cell::I64N8 => 1,
            Cell::I32N16 | Cell::I64N16 => 2,
            Cell::I32 | Cell::F32 | Cell::I64N32 => 4,
            Cell::I64 | Cell::F64 => 8,
        }
    }
    /// For a narrow cell, the bits of the operand it keeps.
    pub fn width_mask(self) -> Option<u64> {
        match self {
            Cell::I32N8 | Cell::I64N8 => Some(0xff),
            Cell::I32N16 | Cell::I64N16 => Some(0xffff),
            Cell::I64N32 => Some(0xffff_ffff),
            _ => None,
        }
    }
    /// The type of the stored operand.
    pub fn ty(self) -> Type {
        match self {
            Cell::I32 | Cell::I32N8 | Cell::I32N16 => Type::I32,
            Cell::I64 | Cell::I64N8 | Cell::I64N16 | Cell::I64N32 => Type::I64,
            Cell::F32 => Type::F32,
            Cell::F64 => Type::F64,
        }
    }
}

/// A memory cell whose contents are known: `size` bytes at `root + off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemKey {
    pub root: u32,
    pub off: i64,
    pub cell: Cell,
}

/// State carried from block to block besides the generic block parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Extra {
    /// A virtual register; absent reads as 0.
    Reg(u64),
    /// The value of function argument `n`, the base of symbolic addresses
    /// (needed to store a slot back to memory in any block).
    Root(u32),
    /// The cached value of a stack or local slot; absent means "in memory".
    Slot(SlotKey),
    /// What memory holds at a cell (the operand of the last store there,
    /// or the value a load read); absent means unknown. Memory always has
    /// it too (`memfacts.rs`: the only store not emitted is one of what
    /// the cell already holds).
    Mem(MemKey),
    /// Bytes `start..end` past `root` all hold the (constant) byte value
    /// (a `memset`).
    Fill { root: u32, start: i64, end: i64 },
    /// The frame root's address has not escaped, and the function's frame
    /// is the value's (constant) number of bytes below it: no call and no
    /// store through an unknown pointer can change those bytes.
    Private(u32),
    /// Global `g` holds this symbolic address (the stack pointer).
    Global(u32),
    /// The guest said (`pweval.disjoint`) that the bytes at root `n` plus
    /// a near constant are never bytes reached through another root.
    Disjoint(u32),
}

impl Extra {
    pub fn ty(self) -> Type {
        match self {
            Extra::Root(_) | Extra::Fill { .. } | Extra::Global(_) | Extra::Disjoint(_) => Type::I32,
            Extra::Private(_) => Type::I64,
            Extra::Reg(_) | Extra::Slot(_) => Type::I64,
            Extra::Mem(key) => key.cell.ty(),
        }
    }
}

pub type Extras = BTreeMap<Extra, AVal>;

pub const REG_DEFAULT: AVal = AVal::Const { k: Konst::I64(0), buf: None };
