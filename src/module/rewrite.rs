//! Emit the output module: the input's sections in order, copied byte for
//! byte wherever nothing in them has to change, re-encoded (wasm-encoder's
//! `Reencode`) where an index moved, plus what pweval adds.
//!
//! What can change, and why:
//! - recognised `"weval"` imports are removed: every function index after
//!   them shifts down, calls to them become their generic instruction
//!   sequence, and any other reference (`ref.func`, element, export) points
//!   at a small stub function appended to the module;
//! - new functions (specialized bodies) are placed in table 0 by a new
//!   active element segment, growing the table's limits to fit. Their
//!   *indices* come right after the first defined function, largest body
//!   first (see [`placement`]), so every defined function after it moves
//!   up and every body is re-encoded;
//! - memory patches (request result slots, the "is specialized" flag, the
//!   unlinked request list) become small active data segments appended after
//!   the snapshot's own, so they win at instantiation.
//!
//! **Invariant:** with an empty [`Plan`], the output is the input, byte for
//! byte.

use std::collections::BTreeMap;

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ConstExpr, DataCountSection, DataSection, ElementSection, Elements,
    ExportSection, FunctionSection, GlobalSection, ImportSection, Instruction, NameMap,
    NameSection, RawSection, StartSection, TableSection,
};
use wasmparser::FuncType;

use super::parse::ModuleInfo;
use crate::error::{Error, Result};
use crate::intrinsics::{generic, Intrinsic};
use crate::ir::tailcall::TailTarget;

/// A function to append: its body is encoded in the *input's* function
/// index space and is renumbered like every other body.
#[derive(Clone, Debug)]
pub struct NewFunc {
    pub type_index: u32,
    /// A complete encoded body (locals and code, as in a code section entry).
    pub body: Vec<u8>,
    pub name: String,
}

/// Everything the output differs in from the input.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Function imports to remove, by function index.
    pub remove_imports: BTreeMap<u32, Intrinsic>,
    /// Functions to append; each also gets a slot in table 0.
    pub new_funcs: Vec<NewFunc>,
    /// Bytes to write into memory 0 at instantiation: (address, bytes).
    pub patches: Vec<(u64, Vec<u8>)>,
    /// Re-encode every section even when nothing in it changes; used by
    /// tests to exercise the re-encoder on every input.
    pub rewrite_all: bool,
    /// Keep the `.debug_*` (DWARF) custom sections even when function
    /// bodies change or move (`--keep-dwarf`): their code offsets are then
    /// stale.
    pub keep_dwarf: bool,
    /// Tail-call markers of the lift space (`ir::tailcall`): a new body's
    /// call of one becomes `return_call`/`return_call_indirect` again.
    pub tail_markers: BTreeMap<u32, TailTarget>,
    /// Table 0 cannot change after instantiation (`CallGraph::fixed_table`),
    /// so a new body's `call_indirect` of a constant slot that holds a new
    /// function of the call's type becomes a direct call of that function
    /// ([`Emitter::direct_slot_call`]).
    pub direct_slot_calls: bool,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.remove_imports.is_empty()
            && self.new_funcs.is_empty()
            && self.patches.is_empty()
            && !self.rewrite_all
    }
}

/// Where things landed in the output.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Output table-0 slot of each new function, in `Plan::new_funcs` order.
    pub new_func_slots: Vec<u32>,
    /// The `.debug_*` sections left out because the code changed, with
    /// their sizes in bytes.
    pub dropped_dwarf: Vec<(String, usize)>,
    /// The code-metadata sections (`metadata.code.*`) left out because the
    /// code changed, with their sizes in bytes.
    pub dropped_code_metadata: Vec<(String, usize)>,
    /// Tail calls of specialized bodies that had to become ordinary calls
    /// (something other than moving the callee's results lies between the
    /// call and the return).
    pub demoted_tail_calls: usize,
}

/// DWARF sections address code by byte offset in the code section: once a
/// body is re-encoded, or functions are appended (which can also move the
/// section's own header), every offset after the first change is wrong
/// for a debugger. The name section is rewritten; code metadata
/// ([`is_code_metadata`]) is dropped; other custom sections carry no code
/// offsets.
fn is_dwarf(name: &str) -> bool {
    name.starts_with(".debug_")
}

/// Code-metadata sections (`metadata.code.branch_hint` and the other
/// `metadata.code.*` of the code-metadata convention) name a function by
/// index and an instruction by its byte offset in the body. Once functions
/// are renumbered or bodies re-encoded, a hint would steer an engine's
/// code layout for some other branch, so unlike DWARF no flag keeps them.
fn is_code_metadata(name: &str) -> bool {
    name.starts_with("metadata.code.")
}

/// Table-0 slot the first new function will get (the table's current size).
pub fn first_new_slot(info: &ModuleInfo<'_>) -> Option<u32> {
    let table = info.tables.first()?;
    if info.num_imported_tables > 0 || table.table64 {
        return None;
    }
    u32::try_from(table.initial).ok()
}

/// Where the new functions go: `(defined, order)`, after the first
/// `defined` input functions (1, or 0 in a module without any), in `order`
/// (positions in `Plan::new_funcs`), the largest body first, ties in plan
/// order.
///
/// Why early: wasmtime compiles a module's functions in parallel, handing
/// out index ranges front to back. Specialized bodies are the module's
/// largest functions by far (a Lua program's hottest one can be three
/// times the interpreter); appended, the largest was compiled last while
/// the other core idled (`bench/lua/quicksort`: a third of the JIT
/// start-up), and placed right after the function they specialize (an
/// interpreter three quarters of the way through a Lua build) still were.
/// Why after the first function and not before it: wasmtime lays machine
/// code out in index order, and `bench/placement.py` times a build at
/// several code placements by growing one function near the start; in
/// front of every function, the specialized code could not be moved.
fn placement(new_funcs: &[NewFunc], num_defined: u32) -> (usize, Vec<usize>) {
    let mut order: Vec<usize> = (0..new_funcs.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(new_funcs[k].body.len()));
    (num_defined.min(1) as usize, order)
}

/// The index renumbering, usable as a wasm-encoder re-encoder.
struct Renumber<'p> {
    /// Old function index -> new function index.
    func_map: Vec<u32>,
    removed: &'p BTreeMap<u32, Intrinsic>,
}

impl Reencode for Renumber<'_> {
    type Error = Error;
    fn function_index(&mut self, func: u32) -> Result<u32, wasm_encoder::reencode::Error<Error>> {
        self.func_map.get(func as usize).copied().ok_or_else(|| {
            wasm_encoder::reencode::Error::UserError(Error::Other(format!(
                "function index {func} out of range"
            )))
        })
    }
}

fn reencode_err(err: wasm_encoder::reencode::Error<Error>) -> Error {
    match err {
        wasm_encoder::reencode::Error::UserError(e) => e,
        wasm_encoder::reencode::Error::ParseError(e) => e.into(),
        other => Error::Other(format!("re-encoding failed: {other}")),
    }
}

/// Section order positions, for inserting a section the input lacks.
fn order_rank(id: u8) -> u8 {
    match id {
        1 => 0,   // type
        2 => 1,   // import
        3 => 2,   // function
        4 => 3,   // table
        5 => 4,   // memory
        13 => 5,  // tag
        6 => 6,   // global
        7 => 7,   // export
        8 => 8,   // start
        9 => 9,   // element
        12 => 10, // data count
        10 => 11, // code
        11 => 12, // data
        _ => 13,
    }
}

pub fn emit(info: &ModuleInfo<'_>, plan: &Plan) -> Result<(Vec<u8>, Layout)> {
    if plan.is_empty() {
        return Ok((info.bytes.to_vec(), Layout::default()));
    }
    Emitter::new(info, plan)?.run()
}

struct Emitter<'a, 'p> {
    info: &'p ModuleInfo<'a>,
    plan: &'p Plan,
    renumber: Renumber<'p>,
    /// Whether any function index changed (then every body is re-encoded).
    renumbered: bool,
    /// Removed intrinsics in stub order: (old index, intrinsic).
    stubs: Vec<(u32, Intrinsic)>,
    /// New index of the first stub (stubs come after every other function).
    first_appended: u32,
    /// How many defined input functions come before the new ones, and the
    /// new ones' `Plan::new_funcs` positions in index order ([`placement`]).
    new_after: usize,
    new_order: Vec<usize>,
    /// Output function index of each new function, in `Plan::new_funcs` order.
    new_index: Vec<u32>,
    first_slot: u32,
    has_memory32: bool,
    out: wasm_encoder::Module,
    /// Sections the input lacks but the output needs, by section id.
    missing: Vec<u8>,
    dropped_dwarf: Vec<(String, usize)>,
    dropped_code_metadata: Vec<(String, usize)>,
    demoted_tail_calls: usize,
}

impl<'a, 'p> Emitter<'a, 'p> {
    fn new(info: &'p ModuleInfo<'a>, plan: &'p Plan) -> Result<Self> {
        let num_funcs = info.num_funcs();
        let removed = plan.remove_imports.len() as u32;
        let num_kept_imports = info.num_imported_funcs - removed;
        let num_defined = num_funcs - info.num_imported_funcs;
        let num_new = plan.new_funcs.len() as u32;
        let first_appended = num_kept_imports + num_new + num_defined;
        let (new_after, new_order) = placement(&plan.new_funcs, num_defined);
        let first_new = num_kept_imports + new_after as u32;
        let mut new_index = vec![0u32; plan.new_funcs.len()];
        for (pos, &k) in new_order.iter().enumerate() {
            new_index[k] = first_new + pos as u32;
        }
        let stubs: Vec<(u32, Intrinsic)> =
            plan.remove_imports.iter().map(|(&f, &i)| (f, i)).collect();
        let mut func_map = Vec::with_capacity(num_funcs as usize);
        let mut removed_before = 0u32;
        for old in 0..num_funcs {
            if plan.remove_imports.contains_key(&old) {
                let stub = stubs.iter().position(|&(f, _)| f == old).unwrap_or(0) as u32;
                func_map.push(first_appended + stub);
                removed_before += 1;
            } else if old < info.num_imported_funcs + new_after as u32 {
                // An import, or a defined function the new ones come after.
                func_map.push(old - removed_before);
            } else {
                func_map.push(old - removed_before + num_new);
            }
        }
        let first_slot = if plan.new_funcs.is_empty() {
            0
        } else {
            first_new_slot(info).ok_or_else(|| {
                Error::Unsupported(
                    "new functions need a defined 32-bit table 0 to be placed in".into(),
                )
            })?
        };
        let has_memory32 = info.memories.first().is_some_and(|m| !m.memory64);
        let present = |id: u8| info.sections.iter().any(|s| s.id == id);
        let mut missing = Vec::new();
        let appends_funcs = !stubs.is_empty() || !plan.new_funcs.is_empty();
        if appends_funcs && !present(3) {
            missing.push(3);
        }
        if !plan.new_funcs.is_empty() && !present(9) {
            missing.push(9);
        }
        if appends_funcs && !present(10) {
            missing.push(10);
        }
        if !plan.patches.is_empty() && !present(11) {
            missing.push(11);
        }
        Ok(Emitter {
            info,
            plan,
            renumber: Renumber { func_map, removed: &plan.remove_imports },
            renumbered: removed > 0 || num_new > 0,
            stubs,
            first_appended,
            new_after,
            new_order,
            new_index,
            first_slot,
            has_memory32,
            out: wasm_encoder::Module::new(),
            missing,
            dropped_dwarf: Vec::new(),
            dropped_code_metadata: Vec::new(),
            demoted_tail_calls: 0,
        })
    }

    fn run(mut self) -> Result<(Vec<u8>, Layout)> {
        let info = self.info;
        for section in &info.sections {
            let rank = order_rank(section.id);
            if section.id != 0 {
                self.emit_missing_before(rank)?;
            }
            self.emit_section(section.id, section.contents.clone())?;
        }
        self.emit_missing_before(u8::MAX)?;
        let layout = Layout {
            new_func_slots: (0..self.plan.new_funcs.len() as u32)
                .map(|k| self.first_slot + k)
                .collect(),
            dropped_dwarf: std::mem::take(&mut self.dropped_dwarf),
            dropped_code_metadata: std::mem::take(&mut self.dropped_code_metadata),
            demoted_tail_calls: self.demoted_tail_calls,
        };
        Ok((self.out.finish(), layout))
    }

    fn emit_missing_before(&mut self, rank: u8) -> Result<()> {
        while let Some(pos) = self.missing.iter().position(|&id| order_rank(id) < rank) {
            let id = self.missing.remove(pos);
            match id {
                3 => {
                    let mut funcs = FunctionSection::new();
                    self.new_function_decls(&mut funcs, 0);
                    self.stub_decls(&mut funcs);
                    self.out.section(&funcs);
                }
                9 => {
                    let mut elems = ElementSection::new();
                    self.append_element(&mut elems);
                    self.out.section(&elems);
                }
                10 => {
                    let mut code = CodeSection::new();
                    self.new_code(&mut code, 0)?;
                    self.stub_code(&mut code);
                    self.out.section(&code);
                }
                11 => {
                    let mut data = DataSection::new();
                    self.append_data(&mut data);
                    self.out.section(&data);
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn raw(&mut self, id: u8, range: std::ops::Range<usize>) {
        self.out.section(&RawSection { id, data: &self.info.bytes[range] });
    }

    fn emit_section(&mut self, id: u8, range: std::ops::Range<usize>) -> Result<()> {
        let bytes = self.info.bytes;
        let offset = range.start;
        let data = &bytes[range.clone()];
        let reader = wasmparser::BinaryReader::new(data, offset);
        let reencode = self.renumbered || self.plan.rewrite_all;
        match id {
            2 if !self.plan.remove_imports.is_empty() || self.plan.rewrite_all => {
                let mut imports = ImportSection::new();
                let mut func_index = 0u32;
                for import in wasmparser::ImportSectionReader::new(reader)?.into_imports() {
                    let import = import?;
                    let is_func = matches!(
                        import.ty,
                        wasmparser::TypeRef::Func(_) | wasmparser::TypeRef::FuncExact(_)
                    );
                    if is_func {
                        func_index += 1;
                        if self.plan.remove_imports.contains_key(&(func_index - 1)) {
                            continue;
                        }
                    }
                    let ty = self.renumber.entity_type(import.ty).map_err(reencode_err)?;
                    imports.import(import.module, import.name, ty);
                }
                self.out.section(&imports);
            }
            3 if !self.stubs.is_empty() || !self.plan.new_funcs.is_empty() || reencode => {
                let mut funcs = FunctionSection::new();
                self.new_function_decls(&mut funcs, 0);
                for (i, ty) in wasmparser::FunctionSectionReader::new(reader)?.into_iter().enumerate() {
                    funcs.function(ty?);
                    self.new_function_decls(&mut funcs, i + 1);
                }
                self.stub_decls(&mut funcs);
                self.out.section(&funcs);
            }
            4 if !self.plan.new_funcs.is_empty() || reencode => {
                let mut tables = TableSection::new();
                let grow = self.plan.new_funcs.len() as u64;
                for (i, table) in wasmparser::TableSectionReader::new(reader)?.into_iter().enumerate()
                {
                    let mut table = table?;
                    if i == 0 && self.info.num_imported_tables == 0 && grow > 0 {
                        table.ty.initial += grow;
                        if let Some(max) = table.ty.maximum.as_mut() {
                            *max = (*max).max(table.ty.initial);
                        }
                    }
                    self.renumber.parse_table(&mut tables, table).map_err(reencode_err)?;
                }
                self.out.section(&tables);
            }
            6 if reencode => {
                let mut globals = GlobalSection::new();
                self.renumber
                    .parse_global_section(&mut globals, wasmparser::GlobalSectionReader::new(reader)?)
                    .map_err(reencode_err)?;
                self.out.section(&globals);
            }
            7 if reencode => {
                let mut exports = ExportSection::new();
                self.renumber
                    .parse_export_section(&mut exports, wasmparser::ExportSectionReader::new(reader)?)
                    .map_err(reencode_err)?;
                self.out.section(&exports);
            }
            8 if reencode => {
                let func = self.info.start.unwrap_or(0);
                let new = self.renumber.function_index(func).map_err(reencode_err)?;
                self.out.section(&StartSection { function_index: new });
            }
            9 if reencode || !self.plan.new_funcs.is_empty() => {
                let mut elems = ElementSection::new();
                if reencode {
                    self.renumber
                        .parse_element_section(
                            &mut elems,
                            wasmparser::ElementSectionReader::new(reader)?,
                        )
                        .map_err(reencode_err)?;
                } else {
                    // Copy the existing segments verbatim: only append.
                    let r = wasmparser::ElementSectionReader::new(reader)?;
                    let mut rt = RoundtripReencoder;
                    for element in r {
                        rt.parse_element(&mut elems, element?).map_err(|e| {
                            Error::Other(format!("re-encoding an element segment failed: {e}"))
                        })?;
                    }
                }
                self.append_element(&mut elems);
                self.out.section(&elems);
            }
            12 if !self.plan.patches.is_empty() || reencode => {
                let count = self.info.data.len() + self.plan.patches.len();
                self.out.section(&DataCountSection { count: count as u32 });
            }
            10 if reencode || !self.stubs.is_empty() || !self.plan.new_funcs.is_empty() => {
                let mut code = CodeSection::new();
                self.new_code(&mut code, 0)?;
                let reader = wasmparser::CodeSectionReader::new(reader)?;
                for (i, body) in reader.into_iter().enumerate() {
                    let body = body?;
                    if reencode {
                        let func = self.info.num_imported_funcs + i as u32;
                        let ty = self.func_type(func)?;
                        self.encode_body(&mut code, body, &ty, false)?;
                    } else {
                        code.raw(&bytes[body.range()]);
                    }
                    self.new_code(&mut code, i + 1)?;
                }
                self.stub_code(&mut code);
                self.out.section(&code);
            }
            11 if !self.plan.patches.is_empty() || self.plan.rewrite_all => {
                let mut out = DataSection::new();
                let mut rt = RoundtripReencoder;
                rt.parse_data_section(&mut out, wasmparser::DataSectionReader::new(reader)?)
                    .map_err(|e| Error::Other(format!("re-encoding the data section failed: {e}")))?;
                self.append_data(&mut out);
                self.out.section(&out);
            }
            0 if reencode || !self.stubs.is_empty() || !self.plan.new_funcs.is_empty() => {
                let custom = wasmparser::CustomSectionReader::new(reader)?;
                if is_dwarf(custom.name()) && !self.plan.keep_dwarf {
                    self.dropped_dwarf.push((custom.name().to_string(), data.len()));
                } else if is_code_metadata(custom.name()) {
                    self.dropped_code_metadata.push((custom.name().to_string(), data.len()));
                } else if custom.name() == "name" && (reencode || !self.plan.new_funcs.is_empty()) {
                    self.emit_name_section(custom)?;
                } else {
                    self.raw(id, range);
                }
            }
            _ => self.raw(id, range),
        }
        Ok(())
    }

    fn func_type(&self, func: u32) -> Result<FuncType> {
        self.info
            .func_type(func)
            .cloned()
            .ok_or_else(|| Error::Other(format!("function {func} has no function type")))
    }

    /// The new functions' declarations, if they go after the first
    /// `defined_before` input functions ([`placement`]).
    fn new_function_decls(&self, funcs: &mut FunctionSection, defined_before: usize) {
        if defined_before != self.new_after {
            return;
        }
        for &k in &self.new_order {
            funcs.function(self.plan.new_funcs[k].type_index);
        }
    }

    fn stub_decls(&self, funcs: &mut FunctionSection) {
        for &(old, _) in &self.stubs {
            funcs.function(self.info.func_types[old as usize]);
        }
    }

    fn stub_code(&self, code: &mut CodeSection) {
        for &(_, intrinsic) in &self.stubs {
            code.function(&generic::stub_body(intrinsic, self.has_memory32));
        }
    }

    /// The new functions' bodies, if they go after the first
    /// `defined_before` input functions ([`placement`]).
    fn new_code(&mut self, code: &mut CodeSection, defined_before: usize) -> Result<()> {
        if defined_before != self.new_after {
            return Ok(());
        }
        let plan = self.plan;
        for k in self.new_order.clone() {
            let new = &plan.new_funcs[k];
            let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(&new.body, 0));
            let ty = self
                .info
                .types
                .get(new.type_index as usize)
                .and_then(|t| t.clone())
                .ok_or_else(|| Error::Other("new function has no function type".into()))?;
            self.encode_body(code, body, &ty, true)?;
        }
        Ok(())
    }

    /// The direct call that `i32.const slot; call_indirect` (or its
    /// `return_call_indirect`) in a new body is: the slot is one pweval gave
    /// a new function (`first_slot + k`, filled by the element segment
    /// [`Self::append_element`] adds), table 0 cannot change
    /// ([`Plan::direct_slot_calls`]), and the function has the call's type
    /// index, so the indirect call's checks (bounds, null, signature) all
    /// pass and it calls that function. Specialized code makes such calls
    /// where a requested function called itself (`own.slot`,
    /// `specialize::self_calls`): Lua's recursion. A direct call skips the
    /// table load and the checks, and lets the engine see its callee.
    fn direct_slot_call(&self, ops: &[wasmparser::Operator<'_>]) -> Option<Instruction<'static>> {
        if !self.plan.direct_slot_calls {
            return None;
        }
        let [wasmparser::Operator::I32Const { value }, call, ..] = ops else { return None };
        let (type_index, tail) = match *call {
            wasmparser::Operator::CallIndirect { type_index, table_index: 0 } => (type_index, false),
            wasmparser::Operator::ReturnCallIndirect { type_index, table_index: 0 } => (type_index, true),
            _ => return None,
        };
        let k = (*value as u32).checked_sub(self.first_slot)? as usize;
        let new = self.plan.new_funcs.get(k)?;
        if new.type_index != type_index {
            return None;
        }
        let callee = *self.new_index.get(k)?;
        Some(if tail { Instruction::ReturnCall(callee) } else { Instruction::Call(callee) })
    }

    fn append_element(&self, elems: &mut ElementSection) {
        if self.plan.new_funcs.is_empty() {
            return;
        }
        let funcs: Vec<u32> = self.new_index.clone();
        elems.active(
            Some(0),
            &ConstExpr::i32_const(self.first_slot as i32),
            Elements::Functions(funcs.into()),
        );
    }

    fn append_data(&self, data: &mut DataSection) {
        let memory64 = self.info.memories.first().is_some_and(|m| m.memory64);
        for (addr, bytes) in &self.plan.patches {
            let offset = if memory64 {
                ConstExpr::i64_const(*addr as i64)
            } else {
                ConstExpr::i32_const(*addr as u32 as i32)
            };
            data.active(0, &offset, bytes.iter().copied());
        }
    }

    /// Re-encode one body: renumber indices, and replace calls to removed
    /// intrinsics by their generic sequences.
    fn encode_body(
        &mut self,
        code: &mut CodeSection,
        body: wasmparser::FunctionBody<'_>,
        ty: &FuncType,
        new_body: bool,
    ) -> Result<()> {
        let mut locals = Vec::new();
        let mut num_locals = ty.params().len() as u32;
        for pair in body.get_locals_reader()? {
            let (count, val) = pair?;
            num_locals = num_locals.saturating_add(count);
            locals.push((count, self.renumber.val_type(val).map_err(reencode_err)?));
        }
        let called = |op: &wasmparser::Operator<'_>| match op {
            wasmparser::Operator::Call { function_index }
            | wasmparser::Operator::ReturnCall { function_index } => {
                self.renumber.removed.get(function_index).copied()
            }
            _ => None,
        };
        let mut needs_scratch = false;
        for op in body.get_operators_reader()? {
            if called(&op?).is_some_and(generic::needs_scratch) {
                needs_scratch = true;
            }
        }
        if needs_scratch {
            locals.push((1, wasm_encoder::ValType::I64));
        }
        let env = generic::GenericEnv { scratch_i64: num_locals, has_memory32: self.has_memory32 };
        let mut f = wasm_encoder::Function::new(locals);
        let ops: Vec<wasmparser::Operator<'_>> =
            body.get_operators_reader()?.into_iter().collect::<std::result::Result<_, _>>()?;
        let mut skip_next = false;
        for (at, op) in ops.iter().cloned().enumerate() {
            if std::mem::take(&mut skip_next) {
                continue;
            }
            if new_body {
                if let Some(direct) = self.direct_slot_call(&ops[at..]) {
                    f.instruction(&direct);
                    skip_next = true;
                    continue;
                }
            }
            if let wasmparser::Operator::Call { function_index } = op {
                if let Some(target) = self.plan.tail_markers.get(&function_index).copied() {
                    let results = self.tail_results(target)?;
                    let tail = in_tail_position(&ops[at + 1..], results);
                    if !tail {
                        self.demoted_tail_calls += 1;
                    }
                    let inst = match (target, tail) {
                        (TailTarget::Direct(callee), true) => {
                            Instruction::ReturnCall(self.renumber.function_index(callee).map_err(reencode_err)?)
                        }
                        (TailTarget::Direct(callee), false) => {
                            Instruction::Call(self.renumber.function_index(callee).map_err(reencode_err)?)
                        }
                        (TailTarget::Indirect { type_index, table }, true) => {
                            Instruction::ReturnCallIndirect { type_index, table_index: table }
                        }
                        (TailTarget::Indirect { type_index, table }, false) => {
                            Instruction::CallIndirect { type_index, table_index: table }
                        }
                    };
                    f.instruction(&inst);
                    continue;
                }
            }
            match (called(&op), &op) {
                (Some(intrinsic), wasmparser::Operator::Call { .. }) => {
                    generic::emit(intrinsic, env, &mut f)
                }
                (Some(intrinsic), _) => {
                    generic::emit(intrinsic, env, &mut f);
                    f.instruction(&Instruction::Return);
                }
                (None, _) => {
                    let inst = self.renumber.instruction(op).map_err(reencode_err)?;
                    f.instruction(&inst);
                }
            }
        }
        code.function(&f);
        Ok(())
    }

    /// How many results a tail call of `target` leaves.
    fn tail_results(&self, target: TailTarget) -> Result<usize> {
        let ty = match target {
            TailTarget::Direct(callee) => self.info.func_type(callee),
            TailTarget::Indirect { type_index, .. } => {
                self.info.types.get(type_index as usize).and_then(|t| t.as_ref())
            }
        };
        ty.map(|t| t.results().len())
            .ok_or_else(|| Error::Other("a tail call names no function type".into()))
    }

    fn emit_name_section(&mut self, custom: wasmparser::CustomSectionReader<'_>) -> Result<()> {
        let wasmparser::KnownCustom::Name(reader) = custom.as_known() else {
            self.out.section(&RawSection { id: 0, data: custom.data() });
            return Ok(());
        };
        let mut names = NameSection::new();
        let removed = self.renumber.removed;
        for sub in reader {
            let Ok(sub) = sub else {
                // Keep a malformed name section out rather than fail: names
                // are cosmetic, and a stale one would mislabel functions.
                return Ok(());
            };
            let is_local = matches!(sub, wasmparser::Name::Local(_));
            match sub {
                wasmparser::Name::Function(map) => {
                    // A name map lists indices in increasing order; the new
                    // functions' names sit between the imports' and the
                    // input's own.
                    let mut named: Vec<(u32, String)> = Vec::new();
                    for naming in map {
                        let naming = naming?;
                        // Names of removed imports go; out-of-range names
                        // (a sloppy producer) are dropped, not trusted.
                        match self.renumber.func_map.get(naming.index as usize) {
                            Some(&new) if !removed.contains_key(&naming.index) => {
                                named.push((new, naming.name.to_string()))
                            }
                            _ => {}
                        }
                    }
                    for (k, &(_, intrinsic)) in self.stubs.iter().enumerate() {
                        let name = format!("pweval.generic.{}", intrinsic.import_name());
                        named.push((self.first_appended + k as u32, name));
                    }
                    for (k, new) in self.plan.new_funcs.iter().enumerate() {
                        named.push((self.new_index[k], new.name.clone()));
                    }
                    named.sort_by_key(|&(index, _)| index);
                    named.dedup_by_key(|&mut (index, _)| index);
                    let mut out = NameMap::new();
                    for (index, name) in &named {
                        out.append(*index, name);
                    }
                    names.functions(&out);
                }
                wasmparser::Name::Local(map) | wasmparser::Name::Label(map)
                    if self.renumbered =>
                {
                    let mut out = wasm_encoder::IndirectNameMap::new();
                    for naming in map {
                        let naming = naming?;
                        let new = match self.renumber.func_map.get(naming.index as usize) {
                            Some(&new) if !removed.contains_key(&naming.index) => new,
                            _ => continue,
                        };
                        let mut inner = NameMap::new();
                        for n in naming.names {
                            let n = n?;
                            inner.append(n.index, n.name);
                        }
                        out.append(new, &inner);
                    }
                    if is_local {
                        names.locals(&out);
                    } else {
                        names.labels(&out);
                    }
                }
                other => {
                    self.renumber
                        .parse_custom_name_subsection(&mut names, other)
                        .map_err(reencode_err)?;
                }
            }
        }
        self.out.section(&names);
        Ok(())
    }
}

/// Whether a call whose `results` values are on top of the stack is in tail
/// position: what follows it, up to `return` or the body's final `end`,
/// only moves values between the stack and locals, and leaves exactly the
/// call's results, in order, on top. (waffle lowers `return v` after a call
/// as `call; local.set; local.get; return` or similar.)
fn in_tail_position(rest: &[wasmparser::Operator<'_>], results: usize) -> bool {
    use wasmparser::Operator as O;
    // Symbolic stack above the call's arguments: Some(k) is the call's
    // result k, None anything else.
    let mut stack: Vec<Option<usize>> = (0..results).map(Some).collect();
    let mut locals: std::collections::HashMap<u32, Option<usize>> = std::collections::HashMap::new();
    let returns = |stack: &[Option<usize>]| {
        stack.len() >= results
            && stack[stack.len() - results..].iter().enumerate().all(|(k, v)| *v == Some(k))
    };
    for (i, op) in rest.iter().enumerate() {
        match op {
            O::LocalSet { local_index } => {
                let Some(v) = stack.pop() else { return false };
                locals.insert(*local_index, v);
            }
            O::LocalTee { local_index } => {
                let Some(&v) = stack.last() else { return false };
                locals.insert(*local_index, v);
            }
            O::LocalGet { local_index } => stack.push(locals.get(local_index).copied().flatten()),
            O::Nop => {}
            O::Return => return returns(&stack),
            O::End if i + 1 == rest.len() => return returns(&stack),
            _ => return false,
        }
    }
    false
}
