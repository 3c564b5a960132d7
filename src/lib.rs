//! pweval: a WebAssembly-to-WebAssembly partial evaluator.
//!
//! Give it an interpreter compiled to Wasm whose memory snapshot holds
//! specialization requests (see `include/weval.h`), and it appends, for each
//! request, a version of the requested function specialized to the request's
//! constant arguments, and points the request's result slot at it.
//!
//! ```
//! // A snapshot whose memory holds one request (tests/filetests/requests):
//! // specialize `sum_bytes` to a constant buffer and length.
//! let input = include_bytes!("../tests/filetests/requests/answered.wat");
//! let output = pweval::process(input, &pweval::Options::default())?;
//! for line in &output.report.diagnostics {
//!     eprintln!("{line}");
//! }
//! assert_eq!(output.report.specialized(), 1);
//! assert!(wasmparser::validate(&output.wasm).is_ok());
//! // std::fs::write("out.wasm", &output.wasm)?;
//! # Ok::<(), pweval::Error>(())
//! ```
//!
//! With a guest that still needs pre-initialising, set
//! `Options::wizen: Some(WizenOptions::default())`; `examples/build-rs` does
//! this from a `build.rs`.
//!
//! The pipeline, top to bottom, is [`process`].

pub mod answer;
pub mod callgraph;
pub mod readonly;
pub mod request_calls;
pub mod error;
pub mod explain;
pub mod intrinsics;
pub mod ir;
pub mod module;
pub mod report;
pub mod requests;
pub mod runner;
pub mod snapshot;
pub mod specialize;

use std::collections::{BTreeMap, HashMap};

pub use error::{Diagnostic, Error, Result, Severity};
pub use report::{Outcome, Report, RequestReport};
pub use snapshot::WizenOptions;

use intrinsics::ImportClass;
use module::parse::ModuleInfo;
use module::rewrite::{self, NewFunc, Plan};

/// What to do. `Default` gives the command line's defaults.
#[derive(Clone, Default)]
pub struct Options {
    /// Threads for specializing requests; 0 = one per core. The output does
    /// not depend on it.
    pub jobs: usize,
    /// Told (done, total) as requests complete, e.g. for a progress line.
    pub progress: Option<answer::Progress>,
    /// Pre-initialise the input with Wizer first (`-w`).
    pub wizen: Option<WizenOptions>,
    /// Fail (no output) when any request could not be specialized.
    pub strict: bool,
    /// Keep the IR text of every request in the report: the specialized
    /// function, or for a fallback the partial one with the failure marked.
    pub dump_ir: bool,
    /// Keep, per specialized request, what remains at each bytecode PC
    /// (`RequestReport::explain`, rendered by [`explain::text`] and
    /// [`explain::json`]).
    pub explain: bool,
    /// Re-encode every section even when nothing in it changes (tests).
    pub rewrite_all: bool,
    /// Keep `.debug_*` sections even when the code changes (their offsets
    /// are then stale); by default they are dropped and the report says so.
    pub keep_dwarf: bool,
    /// With `wizen`: stop after the snapshot and return it unchanged (the
    /// input other tools, e.g. weval, take).
    pub snapshot_only: bool,
    /// Per-request budgets.
    pub limits: specialize::Limits,
    /// Which memory is the guest's read-only data (folded like request
    /// memory): by default the `.rodata` segments.
    pub readonly_data: readonly::ReadonlyData,
    /// Answer no request: lower the intrinsics and unlink the list, but
    /// leave every request on the generic function (the baseline of the
    /// same snapshot, for comparisons).
    pub generic_only: bool,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("jobs", &self.jobs)
            .field("wizen", &self.wizen)
            .field("strict", &self.strict)
            .field("dump_ir", &self.dump_ir)
            .field("explain", &self.explain)
            .field("generic_only", &self.generic_only)
            .field("snapshot_only", &self.snapshot_only)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// The output module and what happened.
#[derive(Clone, Debug)]
pub struct Output {
    pub wasm: Vec<u8>,
    pub report: Report,
}

/// Run pweval on `input` (a binary module, or `.wat` text).
pub fn process(input: &[u8], options: &Options) -> Result<Output> {
    let mut bytes = binary_from(input)?;
    // Read-only data ranges come from segment names, which a snapshot
    // makes stale: take them from the module as given, before Wizer.
    let readonly_ranges = match &options.readonly_data {
        readonly::ReadonlyData::Off => Vec::new(),
        readonly::ReadonlyData::Ranges(ranges) => ranges.clone(),
        readonly::ReadonlyData::Named => {
            ModuleInfo::parse(&bytes).map(|info| readonly::ranges_of_input(&info)).unwrap_or_default()
        }
    };
    if let Some(wizen) = &options.wizen {
        bytes = snapshot::wizen(&bytes, wizen)?;
    }
    let mut report = Report { readonly_ranges: readonly_ranges.clone(), ..Report::default() };
    if options.snapshot_only {
        // Carry the ranges into the snapshot, for the run that specializes it.
        if options.wizen.is_some() && options.readonly_data == readonly::ReadonlyData::Named {
            bytes = readonly::with_ranges_section(&bytes, &readonly_ranges);
        }
        report.snapshot_only = true;
        report.unchanged = options.wizen.is_none() && bytes == input;
        return Ok(Output { wasm: bytes.clone(), report });
    }
    let info = ModuleInfo::parse(&bytes)?;

    // 1. Intrinsic imports: recognised ones are removed from the output.
    let mut plan = Plan { rewrite_all: options.rewrite_all, keep_dwarf: options.keep_dwarf, ..Plan::default() };

    let mut intrinsics = HashMap::new();
    for (func, class) in intrinsics::classify_imports(&info) {
        match class {
            ImportClass::Intrinsic(i) => {
                plan.remove_imports.insert(func, i);
                intrinsics.insert(func, i);
            }
            ImportClass::Unrecognised(why) => {
                report.diagnostics.push(Diagnostic::warning("", why));
            }
        }
    }

    // 2. Requests in the snapshot.
    let list = requests::find_requests(&info);
    report.diagnostics.extend(list.diagnostics.iter().cloned());
    report.skipped += list.skipped;

    // 3. Answer each request.
    let need_ir = !list.requests.is_empty() && !options.generic_only;
    let (ir_bytes, tail_calls) = if need_ir {
        match ir::tailcall::lift_space(&info) {
            Ok(space) => space,
            Err(why) => {
                report.diagnostics.push(Diagnostic::warning("all requests", why));
                (Vec::new(), ir::tailcall::TailCalls::default())
            }
        }
    } else {
        (Vec::new(), ir::tailcall::TailCalls::default())
    };
    let ir = if !need_ir || ir_bytes.is_empty() {
        None
    } else {
        match ir::IrModule::new(&ir_bytes) {
            Ok(ir) => Some(ir),
            Err(why) => {
                report.diagnostics.push(Diagnostic::warning("all requests", why));
                None
            }
        }
    };
    plan.tail_markers = tail_calls.markers.clone();
    let to_answer = if options.generic_only { &[][..] } else { &list.requests[..] };
    report.kept_generic = list.requests.len() - to_answer.len();
    let requested: Vec<u32> = to_answer.iter().map(|r| r.func).collect();
    // Requests as callees: every request gets table slot `first_slot + k`
    // (one that falls back gets a forwarder to its generic function), so a
    // specialized body can recognise a call of another request's function.
    let callgraph = need_ir.then(|| callgraph::CallGraph::new(&info, &intrinsics, &requested, tail_calls.clone()));
    let targets = if need_ir { request_calls::targets(&info, to_answer, callgraph.as_ref()) } else { Vec::new() };
    let callgraph = callgraph.map(|graph| graph.with_request_targets(targets.clone()));
    plan.direct_slot_calls = callgraph.as_ref().is_some_and(|g| !g.fixed_table().is_empty());
    let readonly = if need_ir { readonly::const_memory(&info, &readonly_ranges) } else { Vec::new() };
    let callee_buffers = request_calls::target_buffers(&targets);
    let mut intrinsics = intrinsics;
    if !targets.is_empty() {
        intrinsics.insert(intrinsics::KNOWN_EQ_FUNC, intrinsics::Intrinsic::KnownEq);
        intrinsics.insert(intrinsics::KNOWN_BUFFER_FUNC, intrinsics::Intrinsic::KnownBuffer);
        intrinsics.insert(intrinsics::OWN_SLOT_FUNC, intrinsics::Intrinsic::OwnSlot);
        intrinsics.insert(intrinsics::INLINE_SELF_FUNC, intrinsics::Intrinsic::InlineSelf);
    }
    let stack_pointer = ir.as_ref().and_then(|ir| specialize::stack_pointer(&ir.module, &info.global_names));
    let settings = answer::Settings {
        stack_pointer,
        readonly: &readonly,
        callee_buffers: &callee_buffers,
        callgraph: callgraph.as_ref(),
        limits: &options.limits,
        want_ir_text: options.dump_ir,
        want_explain: options.explain,
        jobs: options.jobs,
        progress: options.progress.as_ref(),
    };
    let answers = answer::answer_all(&info, ir.as_ref(), to_answer, &intrinsics, &settings);
    let mut answered: Vec<(usize, u64)> = Vec::new();
    for (request, answer) in to_answer.iter().zip(answers) {
        let function = info.func_display_name(request.func);
        let mut entry = RequestReport {
            subject: request.subject.clone(),
            user_id: request.user_id,
            function: function.clone(),
            outcome: Outcome::Specialized,
            output_bytes: 0,
            micros: answer.micros,
            ir_text: None,
            stats: None,
            explain: None,
        };
        match answer.result {
            Ok(done) => {
                // A cold path is a partial answer: say where and why.
                if let Some(first) = done.stats.cold_paths.first() {
                    let more = done.stats.cold_paths.len() - 1;
                    let others = if more > 0 { format!(" (and {more} more)") } else { String::new() };
                    report.diagnostics.push(Diagnostic::note(
                        &request.subject,
                        format!("a path continues unspecialized{others}: {first}"),
                    ));
                }
                entry.output_bytes = done.body.len();
                entry.ir_text = done.ir_text;
                entry.stats = Some(done.stats);
                entry.explain = done.explain;
                answered.push((plan.new_funcs.len(), request.result_slot));
                plan.new_funcs.push(NewFunc {
                    type_index: done.type_index,
                    body: done.body,
                    name: format!("{function}.pweval.{}", request.user_id),
                });
            }
            Err(failure) => {
                if !targets.is_empty() {
                    // Keep the later requests' table slots where the
                    // specialized bodies expect them.
                    plan.new_funcs.push(request_calls::forwarder(&info, request.func, &function)?);
                }
                report.diagnostics.push(Diagnostic::warning(
                    &request.subject,
                    format!("{}; the guest keeps using the generic function", failure.why),
                ));
                report.skipped += 1;
                entry.ir_text = failure.ir_text;
                entry.outcome = Outcome::Skipped(failure.why);
            }
        }
        report.requests.push(entry);
    }

    // 4. Memory patches: result slots, the flag, the unlinked list.
    if !answered.is_empty() && rewrite::first_new_slot(&info).is_none() {
        return Err(Error::Unsupported(
            "specialized functions must be placed in table 0, but it is missing, imported or \
             64-bit"
                .into(),
        ));
    }
    let first_slot = rewrite::first_new_slot(&info).unwrap_or(0);
    let mut patches: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    for &(k, slot_addr) in &answered {
        patches.insert(slot_addr, (first_slot + k as u32).to_le_bytes().to_vec());
    }
    if let Some(head) = list.head_addr {
        if !list.requests.is_empty() || list.skipped > 0 {
            patches.insert(head, 0u32.to_le_bytes().to_vec());
        }
    }
    if let Some(flag) = list.flag_addr {
        patches.insert(flag, vec![1]);
    }
    plan.patches = patches.into_iter().collect();

    // 5. Write and validate.
    let (wasm, layout) = rewrite::emit(&info, &plan)?;
    validate_output(&wasm, &info)?;
    report.dropped_dwarf = layout.dropped_dwarf;
    report.dropped_code_metadata = layout.dropped_code_metadata;
    if layout.demoted_tail_calls > 0 {
        report.diagnostics.push(Diagnostic::note(
            "specialized code",
            format!(
                "{} tail call(s) became ordinary calls, because specialization left work between \
                 the call and the return; results are the same, but each such call now uses stack",
                layout.demoted_tail_calls
            ),
        ));
    }
    report.removed_intrinsics = plan.remove_imports.len();
    report.unchanged = wasm == bytes;
    if options.strict && report.skipped > 0 {
        return Err(Error::Strict { skipped: report.skipped, diagnostics: report.diagnostics });
    }
    Ok(Output { wasm, report })
}

/// **Invariant:** no module leaves pweval without passing this check.
fn validate_output(wasm: &[u8], info: &ModuleInfo<'_>) -> Result<()> {
    wasmparser::Validator::new_with_features(info.features)
        .validate_all(wasm)
        .map(|_| ())
        .map_err(|e| Error::InvalidOutput { message: e.message().to_string(), offset: e.offset() })
}

/// The binary module for `input`: binary as is (anything starting with a
/// NUL byte is taken as binary), or text converted.
fn binary_from(input: &[u8]) -> Result<Vec<u8>> {
    if input.first() == Some(&0) {
        if !input.starts_with(b"\0asm") {
            return Err(Error::BadInput {
                message: "not a Wasm module: the file does not start with the magic bytes \\0asm"
                    .into(),
                offset: Some(0),
            });
        }
        return Ok(input.to_vec());
    }
    match wat::parse_bytes(input) {
        Ok(bytes) => Ok(bytes.into_owned()),
        Err(e) => {
            // wat's message spans several lines (with a source excerpt);
            // keep its first line and the location.
            let text = e.to_string();
            let mut lines = text.lines();
            let first = lines.next().unwrap_or("invalid text").to_string();
            let location = lines.find_map(|l| l.trim().strip_prefix("--> ")).map(str::to_string);
            let message = match location {
                Some(loc) => format!("the input is neither a Wasm binary nor valid Wasm text: {first} (at {loc})"),
                None => format!("the input is neither a Wasm binary nor valid Wasm text: {first}"),
            };
            Err(Error::BadInput { message, offset: None })
        }
    }
}

/// List the requests in `input` without specializing anything.
pub fn list_requests(input: &[u8]) -> Result<(Vec<requests::Request>, Vec<Diagnostic>)> {
    let bytes = binary_from(input)?;
    let info = ModuleInfo::parse(&bytes)?;
    let list = requests::find_requests(&info);
    Ok((list.requests, list.diagnostics))
}
