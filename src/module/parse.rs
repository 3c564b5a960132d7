//! One pass over the input binary that records what the rest of pweval needs
//! to know about the module, without lifting any function body.
//!
//! **Invariant:** every range stored here indexes into the input bytes that
//! were validated by [`validate`]; nothing here re-parses function bodies.

use std::collections::HashMap;
use std::ops::Range;

use wasmparser::{
    ConstExpr, ElementItems, ElementKind, Encoding, ExternalKind, FuncType, GlobalType,
    MemoryType, Operator, Parser, Payload, TableType, TypeRef, ValType, Validator, WasmFeatures,
};

use crate::error::{Error, Result};

/// Validate `bytes`, trying the default feature set first and then every
/// feature wasmparser knows. Returns the feature set the module validated
/// with, which is also the set the output is validated against.
pub fn validate(bytes: &[u8]) -> Result<WasmFeatures> {
    let default = WasmFeatures::default();
    if Validator::new_with_features(default).validate_all(bytes).is_ok() {
        return Ok(default);
    }
    let all = WasmFeatures::all();
    match Validator::new_with_features(all).validate_all(bytes) {
        Ok(_) => Ok(all),
        Err(err) => Err(err.into()),
    }
}

/// A section of the input, in input order.
#[derive(Clone, Debug)]
pub struct SectionInfo {
    /// Section id (0 for custom sections).
    pub id: u8,
    /// Range of the section's contents (after the id and size).
    pub contents: Range<usize>,
    /// For custom sections, their name.
    pub custom_name: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ImportInfo {
    pub module: String,
    pub name: String,
    pub ty: TypeRef,
}

#[derive(Clone, Debug)]
pub struct ExportInfo {
    pub name: String,
    pub kind: ExternalKind,
    pub index: u32,
}

/// The value of a constant expression, when pweval can evaluate it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConstValue {
    I32(i32),
    I64(i64),
    /// A function reference (`ref.func`), by function index.
    Func(u32),
    Null,
}

#[derive(Clone, Debug)]
pub struct GlobalInfo {
    pub ty: GlobalType,
    pub imported: bool,
    /// The initial value when the global is defined with a constant
    /// initialiser pweval understands.
    pub init: Option<ConstValue>,
}

#[derive(Clone, Debug)]
pub struct ElementInfo {
    /// `Some((table, offset))` for an active segment whose offset is known.
    pub active: Option<(u32, Option<u64>)>,
    /// Function indices of the items, `None` for a null or unknown item.
    pub items: Vec<Option<u32>>,
}

#[derive(Clone, Debug)]
pub struct DataInfo {
    /// `Some((memory, offset))` for an active segment; offset `None` when it
    /// is not a constant pweval can evaluate.
    pub active: Option<(u32, Option<u64>)>,
    /// Range of the segment's bytes in the input.
    pub bytes: Range<usize>,
}

/// What pweval knows about the input module.
#[derive(Clone, Debug)]
pub struct ModuleInfo<'a> {
    pub bytes: &'a [u8],
    pub features: WasmFeatures,
    pub sections: Vec<SectionInfo>,
    /// Function types by type index (`None` for non-function types).
    pub types: Vec<Option<FuncType>>,
    pub imports: Vec<ImportInfo>,
    /// Type index of every function, imports first.
    pub func_types: Vec<u32>,
    pub num_imported_funcs: u32,
    pub tables: Vec<TableType>,
    pub num_imported_tables: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub globals: Vec<GlobalInfo>,
    pub exports: Vec<ExportInfo>,
    pub start: Option<u32>,
    pub elements: Vec<ElementInfo>,
    pub data: Vec<DataInfo>,
    pub has_data_count: bool,
    /// Range of every defined function's body (locals and code).
    pub code_bodies: Vec<Range<usize>>,
    /// Function names from the `name` section.
    pub func_names: HashMap<u32, String>,
    /// Data segment names from the `name` section (`.rodata`, `.data`).
    pub data_names: HashMap<u32, String>,
    /// Global names from the `name` section (`__stack_pointer`).
    pub global_names: HashMap<u32, String>,
}

impl<'a> ModuleInfo<'a> {
    /// Validate and scan `bytes`.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let features = validate(bytes)?;
        let mut info = ModuleInfo {
            bytes,
            features,
            sections: Vec::new(),
            types: Vec::new(),
            imports: Vec::new(),
            func_types: Vec::new(),
            num_imported_funcs: 0,
            tables: Vec::new(),
            num_imported_tables: 0,
            memories: Vec::new(),
            num_imported_memories: 0,
            globals: Vec::new(),
            exports: Vec::new(),
            start: None,
            elements: Vec::new(),
            data: Vec::new(),
            has_data_count: false,
            code_bodies: Vec::new(),
            func_names: HashMap::new(),
            data_names: HashMap::new(),
            global_names: HashMap::new(),
        };
        for payload in Parser::new(0).parse_all(bytes) {
            info.scan(payload?)?;
        }
        Ok(info)
    }

    fn scan(&mut self, payload: Payload<'a>) -> Result<()> {
        if let Some((id, range)) = payload.as_section() {
            let custom_name = match &payload {
                Payload::CustomSection(reader) => Some(reader.name().to_string()),
                _ => None,
            };
            self.sections.push(SectionInfo { id, contents: range, custom_name });
        }
        match payload {
            Payload::Version { encoding: Encoding::Component, .. } => {
                return Err(Error::Unsupported(
                    "this is a Wasm component; pweval works on core modules".into(),
                ))
            }
            Payload::TypeSection(reader) => {
                for rec_group in reader {
                    for sub in rec_group?.into_types() {
                        self.types.push(match sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => Some(f),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    match import.ty {
                        TypeRef::Func(ty) | TypeRef::FuncExact(ty) => {
                            self.func_types.push(ty);
                            self.num_imported_funcs += 1;
                        }
                        TypeRef::Table(ty) => {
                            self.tables.push(ty);
                            self.num_imported_tables += 1;
                        }
                        TypeRef::Memory(ty) => {
                            self.memories.push(ty);
                            self.num_imported_memories += 1;
                        }
                        TypeRef::Global(ty) => {
                            self.globals.push(GlobalInfo { ty, imported: true, init: None })
                        }
                        TypeRef::Tag(_) => {}
                    }
                    self.imports.push(ImportInfo {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        ty: import.ty,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    self.func_types.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    self.tables.push(table?.ty);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    self.memories.push(memory?);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    let init = self.eval_const(&global.init_expr);
                    self.globals.push(GlobalInfo { ty: global.ty, imported: false, init });
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    self.exports.push(ExportInfo {
                        name: export.name.to_string(),
                        kind: export.kind,
                        index: export.index,
                    });
                }
            }
            Payload::StartSection { func, .. } => self.start = Some(func),
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element?;
                    let active = match &element.kind {
                        ElementKind::Active { table_index, offset_expr } => Some((
                            table_index.unwrap_or(0),
                            self.eval_const(offset_expr).and_then(const_as_u64),
                        )),
                        _ => None,
                    };
                    let mut items = Vec::new();
                    match element.items {
                        ElementItems::Functions(funcs) => {
                            for f in funcs {
                                items.push(Some(f?));
                            }
                        }
                        ElementItems::Expressions(_, exprs) => {
                            for expr in exprs {
                                items.push(match self.eval_const(&expr?) {
                                    Some(ConstValue::Func(f)) => Some(f),
                                    _ => None,
                                });
                            }
                        }
                    }
                    self.elements.push(ElementInfo { active, items });
                }
            }
            Payload::DataCountSection { .. } => self.has_data_count = true,
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    let active = match &data.kind {
                        wasmparser::DataKind::Active { memory_index, offset_expr } => Some((
                            *memory_index,
                            self.eval_const(offset_expr).and_then(const_as_u64),
                        )),
                        wasmparser::DataKind::Passive => None,
                    };
                    let start = data.data.as_ptr() as usize - self.bytes.as_ptr() as usize;
                    let bytes = start..start + data.data.len();
                    self.data.push(DataInfo { active, bytes });
                }
            }
            Payload::CodeSectionEntry(body) => self.code_bodies.push(body.range()),
            Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                    // A malformed name section is tolerated by engines, so it
                    // is tolerated here too: names are only cosmetic.
                    for name in names.into_iter().flatten() {
                        match name {
                            wasmparser::Name::Function(map) => {
                                for naming in map.into_iter().flatten() {
                                    self.func_names.insert(naming.index, naming.name.to_string());
                                }
                            }
                            wasmparser::Name::Data(map) => {
                                for naming in map.into_iter().flatten() {
                                    self.data_names.insert(naming.index, naming.name.to_string());
                                }
                            }
                            wasmparser::Name::Global(map) => {
                                for naming in map.into_iter().flatten() {
                                    self.global_names.insert(naming.index, naming.name.to_string());
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Evaluate a constant expression of the shapes producers emit.
    fn eval_const(&self, expr: &ConstExpr<'_>) -> Option<ConstValue> {
        let mut stack: Vec<ConstValue> = Vec::new();
        for op in expr.get_operators_reader() {
            match op.ok()? {
                Operator::I32Const { value } => stack.push(ConstValue::I32(value)),
                Operator::I64Const { value } => stack.push(ConstValue::I64(value)),
                Operator::RefFunc { function_index } => {
                    stack.push(ConstValue::Func(function_index))
                }
                Operator::RefNull { .. } => stack.push(ConstValue::Null),
                Operator::GlobalGet { global_index } => {
                    let global = self.globals.get(global_index as usize)?;
                    if global.ty.mutable {
                        return None;
                    }
                    stack.push(global.init?);
                }
                Operator::I32Add => {
                    let (ConstValue::I32(b), ConstValue::I32(a)) = (stack.pop()?, stack.pop()?)
                    else {
                        return None;
                    };
                    stack.push(ConstValue::I32(a.wrapping_add(b)));
                }
                Operator::I64Add => {
                    let (ConstValue::I64(b), ConstValue::I64(a)) = (stack.pop()?, stack.pop()?)
                    else {
                        return None;
                    };
                    stack.push(ConstValue::I64(a.wrapping_add(b)));
                }
                Operator::End => break,
                _ => return None,
            }
        }
        if stack.len() == 1 {
            stack.pop()
        } else {
            None
        }
    }

    pub fn num_funcs(&self) -> u32 {
        self.func_types.len() as u32
    }

    pub fn func_type(&self, func: u32) -> Option<&FuncType> {
        let ty = *self.func_types.get(func as usize)?;
        self.types.get(ty as usize)?.as_ref()
    }

    /// A readable name for a function: its `name`-section name, else an
    /// export name, else `func[N]`.
    pub fn func_display_name(&self, func: u32) -> String {
        if let Some(name) = self.func_names.get(&func) {
            return name.clone();
        }
        if let Some(export) =
            self.exports.iter().find(|e| e.kind == ExternalKind::Func && e.index == func)
        {
            return export.name.clone();
        }
        format!("func[{func}]")
    }

    pub fn export_func(&self, name: &str) -> Option<u32> {
        self.exports
            .iter()
            .find(|e| e.kind == ExternalKind::Func && e.name == name)
            .map(|e| e.index)
    }

    /// The body bytes of defined function `func` (function index space).
    pub fn body_of(&self, func: u32) -> Option<wasmparser::FunctionBody<'a>> {
        let defined = func.checked_sub(self.num_imported_funcs)?;
        let range = self.code_bodies.get(defined as usize)?.clone();
        Some(wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(
            &self.bytes[range.clone()],
            range.start,
        )))
    }

    /// Contents of table `table` as placed by active element segments with
    /// known offsets (what the table holds right after instantiation).
    pub fn table_contents(&self, table: u32) -> Vec<Option<u32>> {
        let size = self.tables.get(table as usize).map_or(0, |t| t.initial) as usize;
        let mut contents = vec![None; size.min(1 << 24)];
        for element in &self.elements {
            if let Some((t, Some(offset))) = element.active {
                if t != table {
                    continue;
                }
                for (i, item) in element.items.iter().enumerate() {
                    if let Some(slot) = contents.get_mut(offset as usize + i) {
                        *slot = *item;
                    }
                }
            }
        }
        contents
    }

    pub fn is_valtype_i32(ty: ValType) -> bool {
        ty == ValType::I32
    }
}

fn const_as_u64(value: ConstValue) -> Option<u64> {
    match value {
        ConstValue::I32(v) => Some(v as u32 as u64),
        ConstValue::I64(v) => Some(v as u64),
        _ => None,
    }
}
