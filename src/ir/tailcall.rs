//! Tail calls through waffle, which has no tail-call operators.
//!
//! Choice (issue 13): tail calls are represented in pweval's own layer
//! around the IR. Before lifting, every `return_call f` of the input becomes
//! `call M; return`, where `M` is a *marker* function appended to the module
//! that waffle reads (the "lift space"); `return_call_indirect (type t)
//! (table x)` becomes `call M'; return` with a marker `M'` whose parameters
//! are `t`'s plus the table index. Markers forward to the real callee, so
//! the lift space is a valid module with the input's behaviour (but for
//! stack depth). When a specialized body is encoded into the output
//! (`module::rewrite`), a call of a marker becomes `return_call` /
//! `return_call_indirect` again, provided nothing but local moves lies
//! between it and the function's return; otherwise it becomes an ordinary
//! call (exact results, a deeper stack) and is counted.
//!
//! Marker indices start at the input's function count: the lift space
//! shares the input's indices for every real function, and no specialized
//! body can name a function at or past that count except through a marker.
//! Functions pweval does not specialize are never lifted, so their tail
//! calls pass through byte for byte.

use std::collections::BTreeMap;

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{CodeSection, FunctionSection, Instruction, TypeSection};
use wasmparser::{FuncType, Operator, ValType};

use crate::module::parse::ModuleInfo;

/// What a marker stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TailTarget {
    /// `return_call func`.
    Direct(u32),
    /// `return_call_indirect (type type_index) (table table)`; the marker's
    /// last parameter is the table index.
    Indirect { type_index: u32, table: u32 },
}

/// The markers of one lift space (empty when the input makes no tail call).
#[derive(Clone, Debug, Default)]
pub struct TailCalls {
    /// Marker function index (lift space) -> what it stands for.
    pub markers: BTreeMap<u32, TailTarget>,
}

impl TailCalls {
    pub fn target(&self, func: u32) -> Option<TailTarget> {
        self.markers.get(&func).copied()
    }

    /// The function a call of `func` really reaches: the callee of a
    /// direct marker, `func` itself otherwise (`None` for an indirect
    /// marker, whose callee is a table slot).
    pub fn real_callee(&self, func: u32) -> Option<u32> {
        match self.target(func) {
            None => Some(func),
            Some(TailTarget::Direct(f)) => Some(f),
            Some(TailTarget::Indirect { .. }) => None,
        }
    }
}

/// Whether any function body of the input makes a tail call.
fn has_tail_calls(info: &ModuleInfo<'_>) -> bool {
    (info.num_imported_funcs..info.num_funcs()).any(|f| {
        let Some(body) = info.body_of(f) else { return false };
        let Ok(mut ops) = body.get_operators_reader() else { return false };
        while !ops.eof() {
            match ops.read() {
                Ok(Operator::ReturnCall { .. } | Operator::ReturnCallIndirect { .. }) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    })
}

/// The module waffle lifts from: the input without custom sections, and,
/// when the input makes tail calls, with them turned into marker calls.
pub fn lift_space(info: &ModuleInfo<'_>) -> Result<(Vec<u8>, TailCalls), String> {
    if !has_tail_calls(info) {
        return Ok((super::without_custom_sections(info), TailCalls::default()));
    }
    Builder::new(info).build().map_err(|e| format!("cannot prepare the module's tail calls for the IR: {e}"))
}

struct Builder<'i, 'a> {
    info: &'i ModuleInfo<'a>,
    /// Types appended to the type section.
    new_types: Vec<FuncType>,
    /// Marker function index -> (target, its type index).
    markers: BTreeMap<u32, (TailTarget, u32)>,
    by_target: BTreeMap<(u8, u32, u32), u32>,
}

impl<'i, 'a> Builder<'i, 'a> {
    fn new(info: &'i ModuleInfo<'a>) -> Self {
        Builder { info, new_types: Vec::new(), markers: BTreeMap::new(), by_target: BTreeMap::new() }
    }

    fn type_index_of(&mut self, ty: FuncType) -> u32 {
        if let Some(i) = self.info.types.iter().position(|t| t.as_ref() == Some(&ty)) {
            return i as u32;
        }
        if let Some(i) = self.new_types.iter().position(|t| *t == ty) {
            return (self.info.types.len() + i) as u32;
        }
        self.new_types.push(ty);
        (self.info.types.len() + self.new_types.len() - 1) as u32
    }

    fn marker(&mut self, target: TailTarget) -> Result<u32, String> {
        let key = match target {
            TailTarget::Direct(f) => (0, f, 0),
            TailTarget::Indirect { type_index, table } => (1, type_index, table),
        };
        if let Some(&m) = self.by_target.get(&key) {
            return Ok(m);
        }
        let ty_index = match target {
            TailTarget::Direct(f) => *self.info.func_types.get(f as usize).ok_or("a tail call names no function")?,
            TailTarget::Indirect { type_index, table } => {
                let ty = self
                    .info
                    .types
                    .get(type_index as usize)
                    .and_then(|t| t.clone())
                    .ok_or("a tail call names no function type")?;
                let table64 = self.info.tables.get(table as usize).is_some_and(|t| t.table64);
                let mut params = ty.params().to_vec();
                params.push(if table64 { ValType::I64 } else { ValType::I32 });
                self.type_index_of(FuncType::new(params, ty.results().iter().copied()))
            }
        };
        let m = self.info.num_funcs() + self.markers.len() as u32;
        self.markers.insert(m, (target, ty_index));
        self.by_target.insert(key, m);
        Ok(m)
    }

    fn build(mut self) -> Result<(Vec<u8>, TailCalls), String> {
        let info = self.info;
        // Bodies first: they decide which markers exist.
        let mut bodies: Vec<Option<wasm_encoder::Function>> = Vec::new();
        for f in info.num_imported_funcs..info.num_funcs() {
            bodies.push(self.rewrite_body(f)?);
        }
        let mut reencoder = RoundtripReencoder;
        let mut out = wasm_encoder::Module::new();
        for section in info.sections.iter().filter(|s| s.id != 0) {
            let data = &info.bytes[section.contents.clone()];
            match section.id {
                1 => {
                    let mut types = TypeSection::new();
                    let reader = wasmparser::TypeSectionReader::new(wasmparser::BinaryReader::new(data, section.contents.start))
                        .map_err(|e| e.to_string())?;
                    reencoder.parse_type_section(&mut types, reader).map_err(|e| e.to_string())?;
                    for ty in &self.new_types {
                        let params: Vec<_> = ty.params().iter().map(|v| reencoder.val_type(*v)).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
                        let results: Vec<_> = ty.results().iter().map(|v| reencoder.val_type(*v)).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
                        types.ty().function(params, results);
                    }
                    out.section(&types);
                }
                3 => {
                    let mut funcs = FunctionSection::new();
                    for &ty in &info.func_types[info.num_imported_funcs as usize..] {
                        funcs.function(ty);
                    }
                    for (_, ty) in self.markers.values() {
                        funcs.function(*ty);
                    }
                    out.section(&funcs);
                }
                10 => {
                    let mut code = CodeSection::new();
                    for (k, body) in bodies.iter().enumerate() {
                        match body {
                            Some(f) => {
                                code.function(f);
                            }
                            None => {
                                let range = info.code_bodies[k].clone();
                                code.raw(&info.bytes[range]);
                            }
                        }
                    }
                    for (target, ty) in self.markers.values() {
                        code.function(&self.marker_body(*target, *ty)?);
                    }
                    out.section(&code);
                }
                id => {
                    out.section(&wasm_encoder::RawSection { id, data });
                }
            }
        }
        let markers = self.markers.iter().map(|(&m, &(t, _))| (m, t)).collect();
        Ok((out.finish(), TailCalls { markers }))
    }

    /// A body with tail calls turned into marker calls; `None` when it
    /// makes none (the bytes are copied as they are).
    fn rewrite_body(&mut self, func: u32) -> Result<Option<wasm_encoder::Function>, String> {
        let body = self.info.body_of(func).ok_or("a function has no body")?;
        let mut any = false;
        let mut ops = body.get_operators_reader().map_err(|e| e.to_string())?;
        while !ops.eof() {
            if matches!(ops.read().map_err(|e| e.to_string())?, Operator::ReturnCall { .. } | Operator::ReturnCallIndirect { .. }) {
                any = true;
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        let mut reencoder = RoundtripReencoder;
        let mut locals = Vec::new();
        for pair in body.get_locals_reader().map_err(|e| e.to_string())? {
            let (count, ty) = pair.map_err(|e| e.to_string())?;
            locals.push((count, reencoder.val_type(ty).map_err(|e| e.to_string())?));
        }
        let mut f = wasm_encoder::Function::new(locals);
        let mut ops = body.get_operators_reader().map_err(|e| e.to_string())?;
        while !ops.eof() {
            let op = ops.read().map_err(|e| e.to_string())?;
            let target = match op {
                Operator::ReturnCall { function_index } => Some(TailTarget::Direct(function_index)),
                Operator::ReturnCallIndirect { type_index, table_index } => {
                    Some(TailTarget::Indirect { type_index, table: table_index })
                }
                _ => None,
            };
            match target {
                Some(t) => {
                    let m = self.marker(t)?;
                    f.instruction(&Instruction::Call(m));
                    f.instruction(&Instruction::Return);
                }
                None => {
                    f.instruction(&reencoder.instruction(op).map_err(|e| e.to_string())?);
                }
            }
        }
        Ok(Some(f))
    }

    /// A marker forwards its parameters to the real callee, so the lift
    /// space behaves as the input.
    fn marker_body(&self, target: TailTarget, ty: u32) -> Result<wasm_encoder::Function, String> {
        let params = self.param_count(ty)?;
        let mut f = wasm_encoder::Function::new([]);
        for i in 0..params {
            f.instruction(&Instruction::LocalGet(i));
        }
        match target {
            TailTarget::Direct(callee) => f.instruction(&Instruction::Call(callee)),
            TailTarget::Indirect { type_index, table } => {
                f.instruction(&Instruction::CallIndirect { type_index, table_index: table })
            }
        };
        f.instruction(&Instruction::End);
        Ok(f)
    }

    fn param_count(&self, ty: u32) -> Result<u32, String> {
        let n = self.info.types.len() as u32;
        let ty = if ty < n {
            self.info.types[ty as usize].clone().ok_or("a marker's type is not a function type")?
        } else {
            self.new_types[(ty - n) as usize].clone()
        };
        Ok(ty.params().len() as u32)
    }
}
