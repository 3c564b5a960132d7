//! Which functions may execute an intrinsic that traps in generic code.
//!
//! `read.reg`, `write.reg` and `read.specialization.global` have no generic
//! meaning: outside a specialized function they trap. A specialized
//! function that calls generic code containing one (an accessor the
//! compiler did not inline at -Oz, a body the guest meant to inline but
//! that LLVM could not, because it holds a computed goto) would make the
//! program trap where the generic build runs. So before a request is
//! answered, every call left in its specialized function is checked
//! against this call graph.
//!
//! Direct calls follow their callee. An indirect call (`call_indirect`,
//! `return_call_indirect`, `call_ref`) may reach any function of the same
//! signature whose address is taken (in any element segment, or by
//! `ref.func`): the conservative answer, narrowed by type so that the
//! function pointers inside the C library do not condemn every guest.

use std::collections::{HashMap, HashSet};

use waffle::entity::EntityRef;
use wasmparser::{FuncType, Operator};

use crate::intrinsics::Intrinsic;
use crate::module::parse::ModuleInfo;

pub struct TrapReach {
    /// Per function index: may executing it reach a trapping intrinsic?
    reaches: Vec<bool>,
    /// Per signature: may an indirect call of it reach one?
    indirect: HashMap<FuncType, bool>,
    types: Vec<Option<FuncType>>,
    /// Display names of the functions that reach, for diagnostics.
    names: HashMap<u32, String>,
}

fn traps_in_generic(i: Intrinsic) -> bool {
    matches!(i, Intrinsic::ReadReg | Intrinsic::WriteReg | Intrinsic::ReadSpecializationGlobal)
}

impl TrapReach {
    pub fn new(info: &ModuleInfo<'_>, intrinsics: &HashMap<u32, Intrinsic>) -> TrapReach {
        let n = info.num_funcs() as usize;
        let mut direct = vec![false; n];
        let mut callees: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut indirect_types: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut address_taken: HashSet<u32> = HashSet::new();
        for element in &info.elements {
            address_taken.extend(element.items.iter().flatten().copied());
        }
        for func in info.num_imported_funcs..n as u32 {
            let Some(body) = info.body_of(func) else { continue };
            let Ok(mut ops) = body.get_operators_reader() else { continue };
            let f = func as usize;
            while !ops.eof() {
                let Ok(op) = ops.read() else { break };
                match op {
                    Operator::Call { function_index } | Operator::ReturnCall { function_index } => {
                        match intrinsics.get(&function_index) {
                            Some(&i) if traps_in_generic(i) => direct[f] = true,
                            Some(_) => {}
                            None => callees[f].push(function_index),
                        }
                    }
                    Operator::CallIndirect { type_index, .. }
                    | Operator::ReturnCallIndirect { type_index, .. }
                    | Operator::CallRef { type_index }
                    | Operator::ReturnCallRef { type_index } => indirect_types[f].push(type_index),
                    Operator::RefFunc { function_index } => {
                        address_taken.insert(function_index);
                    }
                    _ => {}
                }
            }
        }
        let ty_of = |func: u32| info.func_type(func).cloned();
        let mut by_type: HashMap<FuncType, Vec<u32>> = HashMap::new();
        for &func in &address_taken {
            if let Some(ty) = ty_of(func) {
                by_type.entry(ty).or_default().push(func);
            }
        }
        let types = info.types.clone();
        let type_at = |index: u32| types.get(index as usize).cloned().flatten();
        // Least fixpoint: reaches = direct, or a callee (direct or through
        // a matching address-taken function) that reaches.
        let mut reaches = direct;
        loop {
            let mut changed = false;
            for f in 0..n {
                if reaches[f] {
                    continue;
                }
                let via_call = callees[f].iter().any(|&c| reaches.get(c as usize).copied().unwrap_or(false));
                let via_pointer = indirect_types[f].iter().any(|&t| {
                    type_at(t).and_then(|ty| by_type.get(&ty)).is_some_and(|fs| {
                        fs.iter().any(|&g| reaches.get(g as usize).copied().unwrap_or(false))
                    })
                });
                if via_call || via_pointer {
                    reaches[f] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let indirect = by_type
            .into_iter()
            .map(|(ty, fs)| {
                let any = fs.iter().any(|&g| reaches.get(g as usize).copied().unwrap_or(false));
                (ty, any)
            })
            .collect();
        let names = (0..n as u32).filter(|&f| reaches[f as usize]).map(|f| (f, info.func_display_name(f))).collect();
        TrapReach { reaches, indirect, types, names }
    }

    /// May a direct call of `func` reach a trapping intrinsic?
    pub fn call_reaches(&self, func: u32) -> bool {
        self.reaches.get(func as usize).copied().unwrap_or(false)
    }

    /// The display name of a function that reaches.
    pub fn name(&self, func: u32) -> String {
        self.names.get(&func).cloned().unwrap_or_else(|| format!("function {func}"))
    }

    /// May an indirect call with type index `type_index` reach one?
    pub fn indirect_reaches(&self, type_index: u32) -> bool {
        let Some(Some(ty)) = self.types.get(type_index as usize) else { return false };
        self.indirect.get(ty).copied().unwrap_or(false)
    }

    /// The first call left in a specialized function that may execute one
    /// of the trapping intrinsics in generic code, as the reason to refuse
    /// the request; `None` when there is none.
    pub fn trapping_call(&self, body: &waffle::FunctionBody, intrinsics: &HashMap<u32, Intrinsic>) -> Option<String> {
        for block in body.blocks.iter() {
            for &inst in &body.blocks[block].insts {
                let waffle::ValueDef::Operator(op, _, _) = &body.values[inst] else { continue };
                match op {
                    waffle::Operator::Call { function_index } => {
                        let callee = function_index.index() as u32;
                        if intrinsics.contains_key(&callee) || !self.call_reaches(callee) {
                            continue;
                        }
                        return Some(format!(
                            "the specialized function calls '{}', which executes read.reg, write.reg \
                             or read.specialization.global in generic code, where they trap; make it \
                             always_inline, or file the request on the function that holds the \
                             intrinsics",
                            self.name(callee)
                        ));
                    }
                    waffle::Operator::CallIndirect { sig_index, .. }
                        if self.indirect_reaches(sig_index.index() as u32) =>
                    {
                        return Some(
                            "the specialized function makes an indirect call that may reach read.reg, \
                             write.reg or read.specialization.global in generic code, where they trap; \
                             keep those intrinsics in the requested function (always_inline helpers)"
                                .into(),
                        );
                    }
                    _ => {}
                }
            }
        }
        None
    }
}
