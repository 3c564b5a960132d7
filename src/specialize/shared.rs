//! The generic side of a request, prepared once per function.
//!
//! Every request on a function begins with the same work: lift the function
//! into SSA, split blocks at context intrinsics, convert to maximal SSA and
//! find the pins (a backward slice over the whole function, with the
//! demanded-bits analysis), and ask whether it may have cold paths. None of
//! it depends on the request's constants.
//! For a guest with one request per function that costs nothing extra; for
//! Lua, where every function prototype is a request on the same interpreter
//! body of about 13,000 values, it was most of the time. So it is done once
//! per function, by the first request that needs it (other threads asking
//! for the same function wait for it), and shared read-only afterwards.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use waffle::FunctionBody;

use super::inline;
use super::prepare::{self, PinLoads, Pins};
use crate::callgraph::CallGraph;
use super::util;
use crate::intrinsics::Intrinsic;
use crate::ir::{self, IrModule};

/// A function lifted and prepared for specialization.
pub struct Prepared {
    pub body: FunctionBody,
    pub pins: Pins,
    pub pin_loads: PinLoads,
    /// `--dump-ir`: the function as lifted, before preparation.
    pub lifted_text: Option<String>,
    /// Size as lifted, for `--stats`.
    pub blocks: usize,
    pub insts: usize,
    /// Why this function cannot have cold paths (`cold.rs`); `None`: it can.
    pub cold_unsupported: Option<&'static str>,
    /// What `inline.rs` cloned into it.
    pub inlined: super::inline::Inlined,
    /// The prepared body's loop headers (`arrival.rs`): one CFG analysis
    /// per function, not per request.
    pub loop_headers: std::collections::HashSet<waffle::Block>,
}

type Slot = Arc<OnceLock<Result<Arc<Prepared>, String>>>;

/// Prepared functions by input function index, for one run.
#[derive(Default)]
pub struct PreparedFunctions {
    /// By function and whether self-calls get clones (`self_calls.rs`).
    slots: Mutex<HashMap<(u32, bool), Slot>>,
}

impl PreparedFunctions {
    /// Function `func`, prepared on first use. An error (the function
    /// cannot be lifted, or preparing it panicked) is the same for every
    /// request on it.
    pub fn get(
        &self,
        ir: &IrModule<'_>,
        func: u32,
        intrinsics: &HashMap<u32, Intrinsic>,
        want_text: bool,
        graph: Option<&CallGraph>,
        self_clones: bool,
    ) -> Result<Arc<Prepared>, String> {
        let slot = match self.slots.lock() {
            Ok(mut slots) => slots.entry((func, self_clones)).or_default().clone(),
            // A panic while holding the lock cannot leave the map
            // inconsistent (insertions only); prepare without the cache.
            Err(_) => Slot::default(),
        };
        slot.get_or_init(|| prepare_function(ir, func, intrinsics, want_text, graph, self_clones).map(Arc::new))
            .clone()
    }
}

fn prepare_function(
    ir: &IrModule<'_>,
    func: u32,
    intrinsics: &HashMap<u32, Intrinsic>,
    want_text: bool,
    graph: Option<&CallGraph>,
    self_clones: bool,
) -> Result<Prepared, String> {
    let mut body = ir.lift(func)?;
    let lifted_text = want_text.then(|| ir::dump(&body));
    let blocks = util::count_blocks(&body);
    let insts = util::count_insts(&body);
    let inlined = match graph {
        Some(graph) => ir::guard(|| inline::inline_calls(&mut body, func, ir, graph, intrinsics, self_clones))?,
        None => inline::Inlined::default(),
    };
    if cfg!(debug_assertions) && inlined.bodies > 0 {
        ir::verify(&body)?;
    }
    let (pins, pin_loads) = ir::guard(|| prepare::prepare(&mut body, intrinsics))?;
    if cfg!(debug_assertions) {
        ir::verify(&body)?;
    }
    let cold_unsupported = super::cold::unsupported_reason(&body, intrinsics);
    let loop_headers = super::arrival::loop_headers(&body);
    Ok(Prepared { body, pins, pin_loads, lifted_text, blocks, insts, cold_unsupported, inlined, loop_headers })
}
