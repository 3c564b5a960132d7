//! What generic code a specialized function may still execute.
//!
//! Two questions are asked of the module's call graph before a request is
//! answered (and one while specializing: which functions write no memory,
//! so that `memfacts.rs` keeps its facts across calls of them):
//!
//! - **Trapping intrinsics.** `read.reg`, `write.reg` and
//!   `read.specialization.global` have no generic meaning: outside a
//!   specialized function they trap. A specialized function that calls
//!   generic code containing one (an accessor the compiler did not inline
//!   at -Oz, a body the guest meant to inline but that LLVM could not,
//!   because it holds a computed goto) would make the program trap where
//!   the generic build runs. Every call left in the specialized function is
//!   checked.
//! - **Context intrinsics.** A specialized function that reached no
//!   `push.context`/`update.context` specialized nothing. When it calls a
//!   function that does reach one, that callee is the interpreter body the
//!   request should have been filed on, and the diagnostic names it.
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
use crate::ir::tailcall::{TailCalls, TailTarget};
use crate::module::parse::ModuleInfo;

/// The module's call graph, read once from the input's function bodies.
struct Graph {
    /// Per function: the intrinsics it calls directly.
    intrinsics: Vec<Vec<Intrinsic>>,
    /// Per function: its direct callees (intrinsics excluded).
    callees: Vec<Vec<u32>>,
    /// Per function: the type indices of its indirect calls.
    indirect_types: Vec<Vec<u32>>,
    /// Address-taken functions, by signature.
    by_type: HashMap<FuncType, Vec<u32>>,
    types: Vec<Option<FuncType>>,
    /// Tables some instruction writes (`table.set/grow/fill/copy/init`).
    mutated_tables: HashSet<u32>,
    /// Per function: it writes memory or a global itself (a store, a bulk
    /// memory or atomic operation, `global.set`), calls an intrinsic, or is
    /// imported.
    writes: Vec<bool>,
}

/// For one property of functions: which functions may execute it,
/// themselves or through anything they call.
struct Reach {
    funcs: Vec<bool>,
    /// Per signature: may an indirect call of it reach the property?
    indirect: HashMap<FuncType, bool>,
}

/// What the call graph says about the module's functions.
pub struct CallGraph {
    traps: Reach,
    contexts: Reach,
    types: Vec<Option<FuncType>>,
    /// Display names of the functions diagnostics can name: those that
    /// reach either property, and the requested ones.
    names: HashMap<u32, String>,
    /// The lift space's tail-call markers: a call of one is a call of its
    /// target.
    tail: TailCalls,
    graph: Graph,
    /// Table 0 as instantiated, when nothing can change it afterwards (not
    /// imported, not exported, no instruction writes it); empty otherwise.
    /// A constant index into it names a function (`specialize::inline`).
    fixed_table: Vec<Option<u32>>,
    /// Each function's type.
    func_types: Vec<Option<FuncType>>,
    /// Per function: it writes no memory and no global, directly or
    /// through its calls (`memfacts.rs` keeps its facts across such a call).
    writes_nothing: Vec<bool>,
    /// The defined function named `memset` (C's), if any.
    memset: Option<u32>,
    /// Requests whose specialized functions a `call_indirect` may reach
    /// (`specialize::inline`); empty when their table slots are not fixed.
    request_targets: Vec<RequestTarget>,
}

/// A request as a callee: an indirect call whose table index was loaded
/// from `result_slot` and equals `table_slot` calls this request's
/// specialized function, which is `func` with `args`' constants in place
/// of whatever the call passes there.
#[derive(Clone, Debug)]
pub struct RequestTarget {
    /// Its index in the answered list.
    pub request: usize,
    pub func: u32,
    pub table_slot: u32,
    pub result_slot: u32,
    /// Per parameter: the constant (a buffer argument is its address), or
    /// `None` for a runtime parameter.
    pub args: Vec<Option<crate::requests::ConstArg>>,
    /// A request chain may test for it (its function type has few enough
    /// requests); otherwise it is a target only for its own function's
    /// calls of itself (`specialize::self_calls`).
    pub chain: bool,
}

fn traps_in_generic(i: Intrinsic) -> bool {
    matches!(
        i,
        Intrinsic::ReadReg | Intrinsic::WriteReg | Intrinsic::ReadSpecializationGlobal | Intrinsic::OwnSlot
    )
}

fn opens_context(i: Intrinsic) -> bool {
    matches!(i, Intrinsic::PushContext | Intrinsic::UpdateContext)
}

impl Graph {
    fn new(info: &ModuleInfo<'_>, intrinsics: &HashMap<u32, Intrinsic>) -> Graph {
        let n = info.num_funcs() as usize;
        let mut called: Vec<Vec<Intrinsic>> = vec![Vec::new(); n];
        let mut callees: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut indirect_types: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut address_taken: HashSet<u32> = HashSet::new();
        let mut mutated_tables: HashSet<u32> = HashSet::new();
        let mut writes: Vec<bool> = (0..n as u32).map(|f| f < info.num_imported_funcs).collect();
        for element in &info.elements {
            address_taken.extend(element.items.iter().flatten().copied());
        }
        for func in info.num_imported_funcs..n as u32 {
            let Some(body) = info.body_of(func) else { continue };
            let Ok(mut ops) = body.get_operators_reader() else { continue };
            let f = func as usize;
            while !ops.eof() {
                let Ok(op) = ops.read() else {
                    writes[f] = true;
                    break;
                };
                if writes_directly(&op) {
                    writes[f] = true;
                }
                match op {
                    Operator::Call { function_index } | Operator::ReturnCall { function_index } => {
                        match intrinsics.get(&function_index) {
                            Some(&i) => {
                                called[f].push(i);
                                writes[f] = true;
                            }
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
                    Operator::TableSet { table }
                    | Operator::TableGrow { table }
                    | Operator::TableFill { table }
                    | Operator::TableInit { table, .. }
                    | Operator::TableCopy { dst_table: table, .. } => {
                        mutated_tables.insert(table);
                    }
                    _ => {}
                }
            }
        }
        let mut by_type: HashMap<FuncType, Vec<u32>> = HashMap::new();
        for &func in &address_taken {
            if let Some(ty) = info.func_type(func).cloned() {
                by_type.entry(ty).or_default().push(func);
            }
        }
        Graph { intrinsics: called, callees, indirect_types, by_type, types: info.types.clone(), mutated_tables, writes }
    }

    /// Per function: it writes no memory and no global, itself or through
    /// anything it calls (greatest fixpoint over direct calls; an indirect
    /// call counts as a write).
    fn writes_nothing(&self) -> Vec<bool> {
        let mut pure: Vec<bool> =
            (0..self.writes.len()).map(|f| !self.writes[f] && self.indirect_types[f].is_empty()).collect();
        loop {
            let mut changed = false;
            for f in 0..pure.len() {
                if pure[f] && self.callees[f].iter().any(|&c| !pure.get(c as usize).copied().unwrap_or(false)) {
                    pure[f] = false;
                    changed = true;
                }
            }
            if !changed {
                return pure;
            }
        }
    }

    fn type_at(&self, index: u32) -> Option<&FuncType> {
        self.types.get(index as usize).and_then(|t| t.as_ref())
    }

    /// Least fixpoint: a function reaches when it calls a matching
    /// intrinsic, or a callee (direct, or an address-taken function of an
    /// indirect call's signature) reaches.
    fn reach(&self, property: impl Fn(Intrinsic) -> bool) -> Reach {
        let mut funcs: Vec<bool> = self.intrinsics.iter().map(|is| is.iter().any(|&i| property(i))).collect();
        let get = |funcs: &[bool], g: u32| funcs.get(g as usize).copied().unwrap_or(false);
        loop {
            let mut changed = false;
            for f in 0..funcs.len() {
                if funcs[f] {
                    continue;
                }
                let via_call = self.callees[f].iter().any(|&c| get(&funcs, c));
                let via_pointer = self.indirect_types[f].iter().any(|&t| {
                    self.type_at(t)
                        .and_then(|ty| self.by_type.get(ty))
                        .is_some_and(|fs| fs.iter().any(|&g| get(&funcs, g)))
                });
                if via_call || via_pointer {
                    funcs[f] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let indirect =
            self.by_type.iter().map(|(ty, fs)| (ty.clone(), fs.iter().any(|&g| get(&funcs, g)))).collect();
        Reach { funcs, indirect }
    }
}

/// Whether `op` writes memory, a global or a table by itself, as waffle's
/// effect model says (what the specializer itself goes by); an operator
/// waffle does not model counts as a write. Structure, locals and calls do
/// not (calls are followed through the graph).
fn writes_directly(op: &Operator<'_>) -> bool {
    use waffle::SideEffect::{All, WriteGlobal, WriteMem, WriteTable};
    use Operator::*;
    match op {
        Block { .. } | Loop { .. } | If { .. } | Else | End | Br { .. } | BrIf { .. } | BrTable { .. } | Return
        | Drop | LocalGet { .. } | LocalSet { .. } | LocalTee { .. } => false,
        Call { .. } | ReturnCall { .. } | CallIndirect { .. } | ReturnCallIndirect { .. } | CallRef { .. }
        | ReturnCallRef { .. } => false,
        _ => match waffle::Operator::try_from(op) {
            Ok(op) => op.effects().iter().any(|e| matches!(e, WriteMem | WriteGlobal | WriteTable | All)),
            Err(()) => true,
        },
    }
}

impl Reach {
    fn call(&self, func: u32) -> bool {
        self.funcs.get(func as usize).copied().unwrap_or(false)
    }

    fn indirect_call(&self, ty: Option<&FuncType>) -> bool {
        ty.and_then(|ty| self.indirect.get(ty)).copied().unwrap_or(false)
    }
}

/// The direct callees left in a specialized function (tail-call markers
/// included; see [`CallGraph::direct_calls`]).
fn direct_calls(body: &waffle::FunctionBody) -> impl Iterator<Item = u32> + '_ {
    body.blocks.iter().flat_map(move |block| body.blocks[block].insts.iter()).filter_map(move |&inst| {
        match &body.values[inst] {
            waffle::ValueDef::Operator(waffle::Operator::Call { function_index }, _, _) => {
                Some(function_index.index() as u32)
            }
            _ => None,
        }
    })
}

impl CallGraph {
    pub fn new(
        info: &ModuleInfo<'_>,
        intrinsics: &HashMap<u32, Intrinsic>,
        requested: &[u32],
        tail: TailCalls,
    ) -> CallGraph {
        let graph = Graph::new(info, intrinsics);
        let traps = graph.reach(traps_in_generic);
        let contexts = graph.reach(opens_context);
        let names = (0..info.num_funcs())
            .filter(|f| traps.call(*f) || contexts.call(*f) || requested.contains(f))
            .map(|f| (f, info.func_display_name(f)))
            .collect();
        let table_fixed = info.tables.first().is_some()
            && info.num_imported_tables == 0
            && !graph.mutated_tables.contains(&0)
            && !info.exports.iter().any(|e| e.kind == wasmparser::ExternalKind::Table && e.index == 0);
        let fixed_table = if table_fixed { info.table_contents(0) } else { Vec::new() };
        let func_types = (0..info.num_funcs()).map(|f| info.func_type(f).cloned()).collect();
        let memset = info
            .func_names
            .iter()
            .find(|(&f, name)| name.as_str() == "memset" && f >= info.num_imported_funcs)
            .map(|(&f, _)| f);
        let writes_nothing = graph.writes_nothing();
        CallGraph {
            traps,
            contexts,
            writes_nothing,
            types: graph.types.clone(),
            names,
            tail,
            graph,
            fixed_table,
            func_types,
            memset,
            request_targets: Vec::new(),
        }
    }

    /// Per function index: whether it writes no memory and no global, by
    /// itself or through anything it calls.
    pub fn writes_nothing(&self) -> &[bool] {
        &self.writes_nothing
    }

    /// Whether `func` may execute `push.context` or `update.context`.
    pub fn reaches_context(&self, func: u32) -> bool {
        self.contexts.call(func)
    }

    /// Whether `func` may execute `read.reg`, `write.reg` or
    /// `read.specialization.global`, which trap in generic code.
    pub fn traps_in_generic(&self, func: u32) -> bool {
        self.traps.call(func)
    }

    /// Whether `from` may call `to`, directly or through any chain of
    /// calls (an indirect call may reach every address-taken function of
    /// its signature).
    pub fn may_call(&self, from: u32, to: u32) -> bool {
        let mut seen = vec![false; self.graph.callees.len()];
        let mut work = vec![from];
        while let Some(f) = work.pop() {
            let Some(callees) = self.graph.callees.get(f as usize) else { continue };
            let indirect = self.graph.indirect_types[f as usize]
                .iter()
                .filter_map(|&t| self.graph.type_at(t).and_then(|ty| self.graph.by_type.get(ty)))
                .flatten();
            for &g in callees.iter().chain(indirect) {
                if g == to {
                    return true;
                }
                if let Some(s) = seen.get_mut(g as usize) {
                    if !*s {
                        *s = true;
                        work.push(g);
                    }
                }
            }
        }
        false
    }

    /// The function in slot `index` of table 0, when the table cannot
    /// change after instantiation.
    pub fn fixed_table(&self) -> &[Option<u32>] {
        &self.fixed_table
    }

    pub fn func_type(&self, func: u32) -> Option<&FuncType> {
        self.func_types.get(func as usize).and_then(|t| t.as_ref())
    }

    /// Requests a `call_indirect` may reach (see [`RequestTarget`]).
    pub fn with_request_targets(mut self, targets: Vec<RequestTarget>) -> Self {
        self.request_targets = targets;
        self
    }

    pub fn request_targets(&self) -> &[RequestTarget] {
        &self.request_targets
    }

    /// Whether `func` calls itself directly.
    pub fn calls_itself(&self, func: u32) -> bool {
        self.graph.callees.get(func as usize).is_some_and(|c| c.contains(&func))
    }

    pub fn type_at(&self, type_index: u32) -> Option<&FuncType> {
        self.type_of(type_index)
    }

    /// C's `memset`, found by name: its semantics are the C standard's
    /// (`specialize/memfacts.rs` models a constant fill).
    pub fn memset(&self) -> Option<u32> {
        self.memset
    }

    pub fn tail_calls(&self) -> &TailCalls {
        &self.tail
    }

    /// The display name of a function.
    pub fn name(&self, func: u32) -> String {
        self.names.get(&func).cloned().unwrap_or_else(|| format!("function {func}"))
    }

    /// The real direct callees of a specialized function: a tail-call
    /// marker stands for its target.
    fn direct_calls<'b>(&'b self, body: &'b waffle::FunctionBody) -> impl Iterator<Item = u32> + 'b {
        direct_calls(body).filter_map(|f| self.tail.real_callee(f))
    }

    /// Whether a specialized function makes an indirect call (or indirect
    /// tail call, through its marker) that may reach `reach`.
    fn indirect_reaches(&self, body: &waffle::FunctionBody, reach: &Reach) -> bool {
        let marker_types = direct_calls(body).filter_map(|f| match self.tail.target(f) {
            Some(TailTarget::Indirect { type_index, .. }) => Some(type_index),
            _ => None,
        });
        let indirect_types = body.blocks.iter().flat_map(|b| body.blocks[b].insts.iter()).filter_map(|&inst| {
            match &body.values[inst] {
                waffle::ValueDef::Operator(waffle::Operator::CallIndirect { sig_index, .. }, _, _) => {
                    Some(sig_index.index() as u32)
                }
                _ => None,
            }
        });
        marker_types.chain(indirect_types).any(|ty| reach.indirect_call(self.type_of(ty)))
    }

    fn type_of(&self, type_index: u32) -> Option<&FuncType> {
        self.types.get(type_index as usize).and_then(|t| t.as_ref())
    }

    /// The first call left in a specialized function that may execute one
    /// of the trapping intrinsics in generic code, as the reason to refuse
    /// the request; `None` when there is none.
    pub fn trapping_call(&self, body: &waffle::FunctionBody, intrinsics: &HashMap<u32, Intrinsic>) -> Option<String> {
        if let Some(callee) = self.direct_calls(body).find(|c| !intrinsics.contains_key(c) && self.traps.call(*c)) {
            return Some(format!(
                "the specialized function calls '{}', which executes read.reg, write.reg or \
                 read.specialization.global in generic code, where they trap; make it always_inline, \
                 or file the request on the function that holds the intrinsics",
                self.name(callee)
            ));
        }
        self.indirect_reaches(body, &self.traps).then(|| {
            "the specialized function makes an indirect call that may reach read.reg, write.reg or \
             read.specialization.global in generic code, where they trap; keep those intrinsics in \
             the requested function (always_inline helpers)"
                .into()
        })
    }

    /// Why a specialized function that reached no context is not an
    /// answer, or `None` when it is one. Specializing a function on its
    /// constant arguments alone is part of weval's interface (`mix` in
    /// tests/guests/all_intrinsics.cpp) and stays an answer; but a function
    /// that calls the interpreter instead of containing it (the request was
    /// filed on a wrapper whose body could not be inlined) specialized
    /// nothing of what the guest meant, and neither did one with no
    /// constant at all.
    pub fn no_context(&self, body: &waffle::FunctionBody, requested: &str, has_constants: bool) -> Option<String> {
        if let Some(callee) = self.direct_calls(body).find(|&c| self.contexts.call(c)) {
            let callee = self.name(callee);
            return Some(format!(
                "'{requested}' was specialized but reaches no context: the interpreter body \
                 '{callee}' is called, not inlined (clang never inlines a function that uses \
                 computed goto); file the request on '{callee}' itself"
            ));
        }
        (!has_constants).then(|| {
            format!(
                "'{requested}' was specialized but reaches no context and has no constant argument, \
                 so nothing was specialized; call weval_push_context(pc) in the requested function \
                 (or an always_inline helper), or pass the bytecode as a constant"
            )
        })
    }
}
