//! Answering a request: the generic function specialized to the request's
//! constants, by context-sensitive constant propagation keyed on the
//! interpreter's PC. The pipeline (see `docs/specialize.md`):
//!
//! 1. lift the generic function into SSA (`crate::ir`);
//! 2. `prepare`: split blocks at context intrinsics, convert to maximal SSA,
//!    find the pinned (PC-carrying) parameters;
//! 3. `engine`: worklist over (context, block) pairs, folding constants,
//!    loads from constant memory, branches, and virtual registers;
//! 4. `finalize`: real terminators, unreachable copies dropped;
//! 5. `cleanup`: dead and redundant parameters, GVN, empty blocks;
//! 6. verify, lower.

mod arrival;
mod choice;
mod cleanup;
mod cold;
mod convert;
mod demanded;
mod edge_state;
mod engine;
mod finalize;
mod frame;
pub use frame::stack_pointer;
mod fold;
pub mod inline;
/// Constant memory: bytes at an address that the specializer may read.
pub use fold::Buffer as ConstMemory;
mod lowering;
mod memfacts;
mod prepare;
mod ranges;
mod redundant;
mod refine;
mod reinterpret;
mod self_calls;
mod shared;
pub use shared::PreparedFunctions;
mod slots;
mod state;
mod switches;
mod util;
mod why;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use waffle::entity::EntityRef;

use crate::intrinsics::Intrinsic;
use crate::ir::{self, IrModule};
use crate::requests::{ArgSpec, ConstArg, Request};
use state::{AVal, Konst};

/// Per-request budgets: exceeding one falls back to the generic function.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Blocks in the specialized function (`--max-blocks`).
    pub max_blocks: usize,
    /// Instructions emitted while specializing (`--max-insts`).
    pub max_insts: usize,
    /// Wall time per request (`--max-time`).
    pub max_time: Duration,
    /// Values one `specialize.value` may fan out to (`--max-fanout`).
    pub max_fanout: u32,
    /// Encoded size of one specialized function (`--max-output-bytes`);
    /// well below the validator's 7,654,321-byte limit for a function body.
    pub max_output_bytes: usize,
    /// Distinct constants one pinned parameter may be keyed by in one
    /// context and block before it is treated as a runtime value.
    pub max_pin_values: usize,
}

impl Limits {
    /// The time budget between the stages after the engine (each clean-up
    /// step, the passes, lowering): a stage runs to its end, so a request
    /// already over its time stops before the next one instead of after
    /// all of them. `stage` says where, for the diagnostic.
    pub fn within_time(&self, started: Instant, stage: &str) -> Result<(), String> {
        let elapsed = started.elapsed();
        if elapsed > self.max_time {
            return Err(format!(
                "budget exceeded: time {:.1} s > limit {:.1} s (--max-time), {stage}",
                elapsed.as_secs_f64(),
                self.max_time.as_secs_f64()
            ));
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_blocks: 200_000,
            max_insts: 4_000_000,
            max_time: Duration::from_secs(20),
            max_fanout: 1024,
            max_output_bytes: 4 << 20,
            max_pin_values: 1024,
        }
    }
}

/// What a successful specialization produced.
pub struct Specialized {
    /// Encoded body in the input's function index space.
    pub body: Vec<u8>,
    pub type_index: u32,
    /// `--dump-ir`: (generic function as lifted, specialized function).
    pub ir_text: Option<(String, String)>,
    pub stats: Stats,
    /// `--explain`: what remains at each bytecode PC.
    pub explain: Option<crate::explain::Explain>,
}

/// Why a request fell back, worded for the user, and (with `--dump-ir`)
/// the IR as far as it got, so a failure can be looked at like a success.
#[derive(Debug)]
pub struct Failure {
    pub why: String,
    /// (generic function as lifted, partial specialized function with the
    /// reason and the failing block marked).
    pub ir_text: Option<(String, String)>,
}

impl From<String> for Failure {
    fn from(why: String) -> Self {
        Failure { why, ir_text: None }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub contexts: usize,
    pub blocks_in: usize,
    pub blocks_out: usize,
    pub insts_in: usize,
    pub insts_out: usize,
    pub micros: u64,
    /// Paths that continue in the cold (generic) copy, with the reason of
    /// each (see `cold.rs`).
    pub cold_paths: Vec<String>,
    /// Function bodies `inline.rs` cloned into the generic function.
    pub inlined_bodies: usize,
    /// Request chain sites where the callee's body was inlined (per
    /// context): bytecode calls that are no longer calls.
    pub inlined_calls: usize,
    /// The function no longer moves the C stack pointer (`frame.rs`).
    pub frame_elided: bool,
}

/// Everything a specialization needs to know about the module.
#[derive(Clone, Copy)]
pub struct Context<'m, 'a> {
    pub ir: &'m IrModule<'a>,
    /// Recognised intrinsic imports, by input function index.
    pub intrinsics: &'m HashMap<u32, Intrinsic>,
    pub limits: &'m Limits,
    pub want_ir_text: bool,
    /// Build the `--explain` table.
    pub want_explain: bool,
    /// The guest's read-only data, as constant memory (`crate::readonly`).
    pub readonly: &'m [ConstMemory],
    /// Constant buffers of requests this one may inline as callees: added
    /// to its own, reachable only through `known.buffer`.
    pub callee_buffers: &'m [ConstMemory],
    /// Which calls may reach an intrinsic that traps in generic code, or
    /// a context intrinsic.
    pub callgraph: Option<&'m crate::callgraph::CallGraph>,
    /// Requested functions, lifted and prepared once for all requests.
    pub prepared: &'m PreparedFunctions,
    /// The table slot this request's function gets, when it is fixed
    /// before answering (`crate::request_calls`).
    pub own_slot: Option<u32>,
    /// The C stack pointer global (`frame.rs`), when the module has one.
    pub stack_pointer: Option<waffle::Global>,
}

/// Specialize one request. An `Err` is the reason, worded for the user (and
/// the IR so far, with `--dump-ir`); the caller falls back to the generic
/// function.
pub fn specialize(cx: &Context<'_, '_>, request: &Request, type_index: u32) -> Result<Specialized, Failure> {
    let started = Instant::now();
    let mut seen = Attempt::default();
    let first = specialize_once(cx, request, type_index, true, false, &mut seen);
    // A callee inlined through a request chain can make its caller fail
    // (it aborts, or the two together exceed a budget) where the caller
    // alone would not: then the caller is specialized again with every
    // call left a call. A failure with nothing inlined is the caller's own.
    // Every attempt after the first gets what is left of the time budget.
    let time_left = || Limits { max_time: cx.limits.max_time.saturating_sub(started.elapsed()), ..cx.limits.clone() };
    let first = match first {
        Err(_) if seen.inlined > 0 && started.elapsed() < cx.limits.max_time / 2 => {
            let rest = time_left();
            specialize_once(&Context { limits: &rest, ..*cx }, request, type_index, false, false, &mut seen)
        }
        other => other,
    };
    // The answer calls itself (`self_calls.rs`): again, from the function
    // whose self-calls have clones. Only such requests pay for the bigger
    // IR; the answer without clones stands if this one fails.
    let self_sites = self_calls::self_sites_for(seen.emitted);
    if first.is_ok() && seen.self_calls > 0 && self_sites > 0 && started.elapsed() < cx.limits.max_time / 2 {
        let rest = time_left();
        let later = Context { limits: &rest, ..*cx };
        let mut again = Attempt { self_sites, ..Attempt::default() };
        if let Ok(unrolled) = specialize_once(&later, request, type_index, true, true, &mut again) {
            return Ok(unrolled);
        }
    }
    first
}

/// What an attempt met, also when it fails.
#[derive(Default)]
struct Attempt {
    /// Request chain and self-call sites the engine inlined.
    inlined: usize,
    /// Calls through the request's own slot in specialized code.
    self_calls: usize,
    /// Instructions the engine emitted (`self_calls::self_sites_for`).
    emitted: usize,
    /// Self-call sites the attempt may inline (0: the default budget).
    self_sites: usize,
}

/// One attempt: from the function prepared with or without clones at its
/// self-calls (`self_clones`).
fn specialize_once(
    cx: &Context<'_, '_>,
    request: &Request,
    type_index: u32,
    inline_requests: bool,
    self_clones: bool,
    seen: &mut Attempt,
) -> Result<Specialized, Failure> {
    let started = Instant::now();
    let prepared =
        cx.prepared.get(cx.ir, request.func, cx.intrinsics, cx.want_ir_text, cx.callgraph, self_clones)?;
    let generic_text = prepared.lifted_text.clone();
    // A fallback keeps its IR for `--dump-ir` too: the partial specialized
    // function, if there is one, with the failing block marked.
    let fail = |why: String, partial: Option<&waffle::FunctionBody>, at: Option<waffle::Block>| Failure {
        ir_text: generic_text.as_ref().map(|g| (g.clone(), crate::explain::failed_ir(partial, at, &why))),
        why,
    };
    let before = |why: String| fail(why, None, None);
    let mut stats = Stats {
        blocks_in: prepared.blocks,
        insts_in: prepared.insts,
        inlined_bodies: prepared.inlined.bodies,
        ..Stats::default()
    };

    let mut buffers = Vec::new();
    let mut entry = Vec::new();
    for arg in &request.args {
        entry.push(match arg {
            ArgSpec::Runtime => None,
            ArgSpec::Const(ConstArg::Buffer { addr, bytes }) => {
                let buf = fold::buf_id(buffers.len())
                    .ok_or_else(|| before("more than 255 constant memory arguments".into()))?;
                buffers.push(fold::Buffer { addr: *addr, bytes: bytes.clone() });
                Some(AVal::Const { k: Konst::I32(*addr), buf: Some(buf) })
            }
            ArgSpec::Const(c) => Some(AVal::konst(konst_of(c))),
        });
    }
    for callee in cx.callee_buffers {
        if fold::buf_id(buffers.len()).is_none() {
            break;
        }
        buffers.push(fold::Buffer { addr: callee.addr, bytes: callee.bytes.clone() });
    }
    let globals: Vec<Konst> = request.globals.iter().map(konst_of).collect();
    // Runtime arguments become the specialized function's own parameters.
    let entry_state: Vec<AVal> =
        entry.iter().map(|a| a.unwrap_or(AVal::Runtime(waffle::Value::invalid()))).collect();
    // Memory cells a context's PC is loaded from are pinned (part of the
    // block key); the engine reports the ones it met, and the request is
    // specialized again with them (`memfacts.rs`).
    let mut pinned_cells = std::collections::BTreeSet::new();
    let mut rounds = 0;
    let (mut engine, run) = loop {
        let mem = engine::MemSetup {
            pinned_cells: &pinned_cells,
            memset: cx.callgraph.and_then(|c| c.memset()),
            writes_nothing: cx.callgraph.map(|c| c.writes_nothing()).unwrap_or(&[]),
        };
        let mut engine = engine::Engine::new(
            &prepared,
            cx.intrinsics,
            &globals,
            &buffers,
            cx.readonly,
            cx.limits,
            entry_state.clone(),
            mem,
        )
        .map_err(&before)?;
        engine.describe_blocks = cx.want_ir_text;
        engine.request_inlining = inline_requests;
        engine.own_slot = cx.own_slot;
        if seen.self_sites > 0 {
            engine.max_self_sites = seen.self_sites;
        }
        let run = engine.run();
        let new: Vec<_> = engine.wanted_cells.difference(&pinned_cells).copied().collect();
        // Again only when it helps: this round failed or left a path
        // unspecialized (a runtime PC), and there are new cells to pin.
        let complete = run.is_ok() && engine.cold_paths().is_empty();
        if complete || new.is_empty() || rounds >= memfacts::MAX_CELL_ROUNDS || started.elapsed() > cx.limits.max_time / 2 {
            break (engine, run);
        }
        drop(engine);
        pinned_cells.extend(new);
        rounds += 1;
    };
    seen.inlined = engine.inlined_calls();
    seen.self_calls = engine.self_calls_reached;
    seen.emitted = engine.emitted;
    if let Err(why) = run {
        let at = engine.failed_at;
        if cx.want_ir_text {
            // Real terminators for what was built, so the text shows the
            // edges; the failing block's own is stale or missing.
            if let Some(block) = at {
                engine.terms.remove(&block);
            }
            let _ = ir::guard(|| finalize::finalize(&mut engine));
        }
        return Err(fail(why, Some(&engine.s), at));
    }
    stats.contexts = engine.ctxs.len();
    stats.inlined_calls = engine.inlined_calls();
    // An answer must specialize something: a wrapper whose interpreter
    // body was not inlined reaches no context, and would run generic code
    // (trapping, if that body uses read.reg) under a specialized name.
    // Decided before clean-up and lowering, which a refusal does not need.
    if stats.contexts == 0 && engine.specialized_values == 0 {
        let has_constants = !request.globals.is_empty()
            || request.args.iter().any(|a| !matches!(a, ArgSpec::Runtime));
        let reach = cx.callgraph;
        if let Some(why) = reach.and_then(|r| r.no_context(&engine.s, &r.name(request.func), has_constants)) {
            return Err(fail(why, Some(&engine.s), None));
        }
    }
    cx.limits.within_time(started, "after specializing").map_err(|e| fail(e, Some(&engine.s), None))?;
    stats.cold_paths = engine.cold_paths();
    let origins = cx.want_explain.then(|| engine.origin_pcs());
    finalize::finalize(&mut engine);
    let origins = origins.map(|o| edge_origins(&engine, o));
    let mut body = engine.into_body();
    if cfg!(debug_assertions) {
        ir::verify(&body).map_err(|e| fail(format!("after specialization: {e}"), Some(&body), None))?;
    }
    let cleaned = ir::guard(|| cleanup::run(&mut body, |step| cx.limits.within_time(started, step))).and_then(|r| r);
    cleaned.map_err(|e| fail(e, Some(&body), None))?;
    let compares = switches::run(&mut body);
    if let Some(sp) = cx.stack_pointer {
        stats.frame_elided = frame::run(&mut body, sp);
    }
    waffle::passes::resolve_aliases::run(&mut body);
    ir::verify(&body).map_err(|e| fail(e, Some(&body), None))?;
    if let Some(why) = cx.callgraph.and_then(|reach| reach.trapping_call(&body, cx.intrinsics)) {
        return Err(fail(why, Some(&body), None));
    }
    stats.blocks_out = util::count_blocks(&body);
    stats.insts_out = util::count_insts(&body);
    let explain = origins.map(|mut o| {
        // A compare made from a switch costs where the switch's index came from.
        for (made, index) in compares {
            if let Some(&pc) = o.get(&body.resolve_alias(index)) {
                o.insert(made, pc);
            }
        }
        crate::explain::Explain::build(&body, &o)
    });
    let encoded = lowering::lower(&body, cx.limits, started).map_err(|e| fail(e, Some(&body), None))?;
    let ir_text = generic_text.map(|g| (g, ir::dump(&body)));
    stats.micros = started.elapsed().as_micros() as u64;
    Ok(Specialized { body: encoded, type_index, ir_text, stats, explain })
}

/// `--explain`: the values `finalize` made (constants passed along edges,
/// stores of pending slots on an edge) get the context of the edge, which
/// is the context of the keyed block it leads to. The engine's own record
/// cannot say: it was made while walking blocks, not edges.
fn edge_origins(
    engine: &engine::Engine<'_>,
    mut origins: HashMap<waffle::Value, Option<(u32, u32)>>,
) -> HashMap<waffle::Value, Option<(u32, u32)>> {
    for def in engine.s.blocks.values() {
        // Every edge out of one block leaves in the same context.
        let Some(target) = def.succs.iter().find_map(|t| engine.keyed.get(t)) else { continue };
        let pc = engine.ctxs.pc_depth(target.key.ctx);
        for &v in &def.insts {
            origins.entry(v).or_insert(pc);
        }
    }
    origins
}

fn konst_of(c: &ConstArg) -> Konst {
    match c {
        ConstArg::I32(v) => Konst::I32(*v),
        ConstArg::I64(v) => Konst::I64(*v),
        ConstArg::F32(v) => Konst::F32(*v),
        ConstArg::F64(v) => Konst::F64(*v),
        ConstArg::Buffer { addr, .. } => Konst::I32(*addr),
    }
}
