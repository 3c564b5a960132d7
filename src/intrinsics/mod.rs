//! The `"weval"` intrinsics: recognising the imports and their meanings.
//!
//! Each intrinsic has two meanings (documented for guests in
//! `include/weval.h`): a *generic* one, used in every function pweval does not
//! specialize ([`generic`]), and a *specialized* one, used inside the
//! functions it produces (`crate::specialize`).

pub mod generic;

use wasmparser::ValType;

use crate::module::parse::ModuleInfo;

/// The import module every intrinsic comes from.
pub const IMPORT_MODULE: &str = "weval";

/// Every intrinsic pweval understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Intrinsic {
    PushContext,
    PopContext,
    UpdateContext,
    ReadReg,
    WriteReg,
    SpecializeValue,
    ReadSpecializationGlobal,
    PushStack,
    SyncStack,
    ReadStack,
    WriteStack,
    PopStack,
    ReadLocal,
    WriteLocal,
    TraceLine,
    AbortSpecialization,
    AssertConst32,
    Print,
    ContextBucket,
    // Later weval additions, accepted so such guests work unchanged.
    AssumeConstMemory,
    AssumeConstMemoryTransitive,
    AssertConstMemory,
    ReachableAtDepth,
    AssertSpecialized,
    /// pweval's own (not in weval.h; `inline.rs` inserts it, and a guest
    /// that imports it gets the same meanings): `known.eq(a, b)` is 1 when
    /// the specializer knows `a` is the constant `b`, else 0 (also in
    /// generic code). Both answers are exact wherever `inline.rs` puts it:
    /// it only chooses between two equivalent paths.
    KnownEq,
    /// pweval's own: `known.buffer(addr)` is `addr`; to the specializer,
    /// when `addr` is where one of the request's constant buffers starts,
    /// it is a pointer into that buffer (loads through it fold). An inlined
    /// request's constant buffer arguments pass through it.
    KnownBuffer,
    /// pweval's own: `own.slot()` is the table slot of the function the
    /// request being specialized gets (`specialize::self_calls` calls it
    /// through that slot). Only inlined code calls it, and only when the
    /// slot is fixed before answering; the engine always folds it.
    OwnSlot,
    /// pweval's own: `inline.self(p)` is 1 when the specializer knows `p`
    /// (a constant parameter of the request) and its self-call inlining
    /// budget allows, else 0 (also in generic code): `self_calls` chooses
    /// with it between an inlined activation and a call, both exact.
    InlineSelf,
    /// pweval's own, for guests (`pweval_disjoint` in weval.h):
    /// `disjoint(p)` is `p`; to the specializer, the bytes at `p`'s root
    /// (the argument `p` is, plus a constant) plus any near constant are
    /// never bytes reached through another root, so a store through one
    /// leaves what is known of the other (`memfacts.rs`).
    Disjoint,
    /// pweval's own, for guests (`pweval_outside` in weval.h):
    /// `outside(p)` is `p`; to the specializer, `p` (a pointer loaded or
    /// computed at run time) and any near constant from it address bytes
    /// that no `disjoint` object holds, so a store through it leaves what
    /// is known of those objects (`memfacts.rs`).
    Outside,
}

/// The function index `inline.rs` calls `known.eq` through: Wasm
/// validators cap a module at 1,000,000 functions, so it never names a real
/// one.
pub const KNOWN_EQ_FUNC: u32 = u32::MAX - 1;
/// The function index of `known.buffer` (see [`KNOWN_EQ_FUNC`]).
pub const KNOWN_BUFFER_FUNC: u32 = u32::MAX - 2;
/// The function index of `own.slot` (see [`KNOWN_EQ_FUNC`]).
pub const OWN_SLOT_FUNC: u32 = u32::MAX - 3;
/// The function index of `inline.self` (see [`KNOWN_EQ_FUNC`]).
pub const INLINE_SELF_FUNC: u32 = u32::MAX - 4;

use Intrinsic::*;
use ValType::{I32, I64};

/// (intrinsic, import name, params, results)
const TABLE: &[(Intrinsic, &str, &[ValType], &[ValType])] = &[
    (PushContext, "push.context", &[I32], &[]),
    (PopContext, "pop.context", &[], &[]),
    (UpdateContext, "update.context", &[I32], &[]),
    (ReadReg, "read.reg", &[I64], &[I64]),
    (WriteReg, "write.reg", &[I64, I64], &[]),
    (SpecializeValue, "specialize.value", &[I32, I32, I32], &[I32]),
    (ReadSpecializationGlobal, "read.specialization.global", &[I32], &[I64]),
    (PushStack, "push.stack", &[I32, I64], &[]),
    (SyncStack, "sync.stack", &[], &[]),
    (ReadStack, "read.stack", &[I32, I32], &[I64]),
    (WriteStack, "write.stack", &[I32, I32, I64], &[]),
    (PopStack, "pop.stack", &[I32], &[I64]),
    (ReadLocal, "read.local", &[I32, I32], &[I64]),
    (WriteLocal, "write.local", &[I32, I32, I64], &[]),
    (TraceLine, "trace.line", &[I32], &[]),
    (AbortSpecialization, "abort.specialization", &[I32, I32], &[]),
    (AssertConst32, "assert.const32", &[I32, I32], &[]),
    (Print, "print", &[I32, I32, I32], &[]),
    (ContextBucket, "context.bucket", &[I32], &[]),
    (AssumeConstMemory, "assume.const.memory", &[I32], &[I32]),
    (AssumeConstMemoryTransitive, "assume.const.memory.transitive", &[I32], &[I32]),
    (AssertConstMemory, "assert.const.memory", &[I32, I32], &[]),
    (ReachableAtDepth, "reachable.at.depth", &[I32], &[]),
    (AssertSpecialized, "assert.specialized", &[I32], &[]),
    (KnownEq, "pweval.known.eq", &[I32, I32], &[I32]),
    (KnownBuffer, "pweval.known.buffer", &[I32], &[I32]),
    (OwnSlot, "pweval.own.slot", &[], &[I32]),
    (InlineSelf, "pweval.inline.self", &[I32], &[I32]),
    (Disjoint, "pweval.disjoint", &[I32], &[I32]),
    (Outside, "pweval.outside", &[I32], &[I32]),
];

impl Intrinsic {
    pub fn all() -> impl Iterator<Item = Intrinsic> {
        TABLE.iter().map(|row| row.0)
    }
    fn row(self) -> &'static (Intrinsic, &'static str, &'static [ValType], &'static [ValType]) {
        TABLE.iter().find(|row| row.0 == self).expect("row") // invariant: one TABLE row per variant (unit test)
    }
    pub fn import_name(self) -> &'static str {
        self.row().1
    }
    pub fn params(self) -> &'static [ValType] {
        self.row().2
    }
    pub fn results(self) -> &'static [ValType] {
        self.row().3
    }
    pub fn from_import_name(name: &str) -> Option<Intrinsic> {
        TABLE.iter().find(|row| row.1 == name).map(|row| row.0)
    }
}

/// How one `"weval"` function import was classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportClass {
    /// Recognised, with the expected signature: it will be removed.
    Intrinsic(Intrinsic),
    /// From module `"weval"` but unknown or with the wrong signature: it is
    /// kept as an import and a warning explains why.
    Unrecognised(String),
}

/// Classify every function import of `"weval"`: returns, per function
/// index, the classification (imports of other modules are absent).
pub fn classify_imports(info: &ModuleInfo<'_>) -> Vec<(u32, ImportClass)> {
    let mut out = Vec::new();
    let mut func_index = 0u32;
    for import in &info.imports {
        let wasmparser::TypeRef::Func(ty) = import.ty else { continue };
        let index = func_index;
        func_index += 1;
        if import.module != IMPORT_MODULE {
            continue;
        }
        let class = match Intrinsic::from_import_name(&import.name) {
            None => ImportClass::Unrecognised(format!(
                "unknown intrinsic \"weval\".\"{}\"; it is left as an import, so the host must \
                 provide it",
                import.name
            )),
            Some(intrinsic) => {
                let matches = info.types.get(ty as usize).and_then(|t| t.as_ref()).is_some_and(
                    |f| f.params() == intrinsic.params() && f.results() == intrinsic.results(),
                );
                if matches {
                    ImportClass::Intrinsic(intrinsic)
                } else {
                    ImportClass::Unrecognised(format!(
                        "intrinsic \"weval\".\"{}\" is imported with the wrong signature \
                         (expected {}); it is left as an import",
                        import.name,
                        signature_text(intrinsic.params(), intrinsic.results())
                    ))
                }
            }
        };
        out.push((index, class));
    }
    out
}

fn signature_text(params: &[ValType], results: &[ValType]) -> String {
    let list = |tys: &[ValType]| tys.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
    format!("({}) -> ({})", list(params), list(results))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_intrinsic_has_one_row_and_a_unique_name() {
        let mut names = std::collections::HashSet::new();
        for (intrinsic, name, _, _) in TABLE {
            assert!(names.insert(*name), "duplicate import name {name}");
            assert_eq!(Intrinsic::from_import_name(name), Some(*intrinsic));
            assert_eq!(TABLE.iter().filter(|r| r.0 == *intrinsic).count(), 1);
        }
    }
}
