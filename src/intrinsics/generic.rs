//! The generic meaning of each intrinsic, as a Wasm instruction sequence that
//! replaces a `call` to it. The arguments are on the operand stack exactly as
//! the call would consume them, and the sequence leaves the call's results.
//!
//! - context, trace, print, assert, bucket, abort and `sync.stack`: no-ops;
//! - `specialize.value(v, lo, hi)` and `assume.const.memory(p)`: identity;
//! - `read.reg` and `read.specialization.global`: trap (`unreachable`): they
//!   only have a meaning in specialized code; `write.reg` is a no-op;
//! - stack and local intrinsics: real memory accesses on the 8-byte slot
//!   whose address is the pointer argument (the index argument is only the
//!   key the specializer tracks the slot by).

use wasm_encoder::{Function, Instruction, MemArg};

use super::Intrinsic;

/// Where the replacement may keep a temporary, and whether memory 0 exists.
#[derive(Clone, Copy, Debug)]
pub struct GenericEnv {
    /// Index of a scratch `i64` local in the function being rewritten.
    pub scratch_i64: u32,
    /// Whether the module has a 32-bit memory 0 the stack intrinsics can use.
    pub has_memory32: bool,
}

const SLOT: MemArg = MemArg { offset: 0, align: 3, memory_index: 0 };

/// Does this intrinsic's generic sequence need the scratch local?
pub fn needs_scratch(intrinsic: Intrinsic) -> bool {
    matches!(intrinsic, Intrinsic::WriteStack | Intrinsic::WriteLocal)
}

/// Append the generic replacement for a call to `intrinsic`.
pub fn emit(intrinsic: Intrinsic, env: GenericEnv, f: &mut Function) {
    use Intrinsic::*;
    let drops = |f: &mut Function, n: usize| {
        for _ in 0..n {
            f.instruction(&Instruction::Drop);
        }
    };
    match intrinsic {
        PushContext | PopContext | UpdateContext | TraceLine | AbortSpecialization
        | AssertConst32 | Print | ContextBucket | SyncStack | WriteReg | AssertConstMemory
        | ReachableAtDepth | AssertSpecialized => drops(f, intrinsic.params().len()),
        // v, lo, hi -> v
        SpecializeValue => drops(f, 2),
        AssumeConstMemory | AssumeConstMemoryTransitive | KnownBuffer | Disjoint | Outside => {}
        InlineSelf => {
            drops(f, 1);
            f.instruction(&Instruction::I32Const(0));
        }
        KnownEq => {
            drops(f, 2);
            f.instruction(&Instruction::I32Const(0));
        }
        // No request, no slot: like read.reg, meaningful only specialized.
        OwnSlot => {
            f.instruction(&Instruction::Unreachable);
        }
        ReadReg | ReadSpecializationGlobal => {
            f.instruction(&Instruction::Unreachable);
        }
        _ if !env.has_memory32 => {
            f.instruction(&Instruction::Unreachable);
        }
        // p, v
        PushStack => {
            f.instruction(&Instruction::I64Store(SLOT));
        }
        // p
        PopStack => {
            f.instruction(&Instruction::I64Load(SLOT));
        }
        // p, i
        ReadStack | ReadLocal => {
            f.instruction(&Instruction::Drop);
            f.instruction(&Instruction::I64Load(SLOT));
        }
        // p, i, v
        WriteStack | WriteLocal => {
            f.instruction(&Instruction::LocalSet(env.scratch_i64));
            f.instruction(&Instruction::Drop);
            f.instruction(&Instruction::LocalGet(env.scratch_i64));
            f.instruction(&Instruction::I64Store(SLOT));
        }
    }
}

/// A stand-alone function with the intrinsic's signature and its generic
/// meaning, for the rare module that takes an intrinsic's address
/// (`ref.func`, an element segment or an export) instead of calling it.
pub fn stub_body(intrinsic: Intrinsic, has_memory32: bool) -> Function {
    let params = intrinsic.params().len() as u32;
    let mut f = Function::new([(1, wasm_encoder::ValType::I64)]);
    for i in 0..params {
        f.instruction(&Instruction::LocalGet(i));
    }
    emit(intrinsic, GenericEnv { scratch_i64: params, has_memory32 }, &mut f);
    f.instruction(&Instruction::End);
    f
}
