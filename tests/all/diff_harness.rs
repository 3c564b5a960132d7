//! What the batched differential tests share (`accvm_diff.rs`,
//! `regvm_diff.rs`, and the fuzz target through `accvm_harness.rs`).
//!
//! A guest (tests/guests/*_diff.c) files one request per *program slot*
//! from its init function: specialize the interpreter on slot i's bytecode
//! (constant memory) and length (a constant i32), with `user_id` naming the
//! slot. The guest is wizened once ([`Guest::new`]); a batch of programs is
//! then written into that snapshot with data segments (into the guest's own
//! buffers, which the generic path interprets, and into each request's copy
//! of the bytes inside its argument buffer, which pweval specializes on), so
//! pweval parses, lifts and validates the guest once per batch, and wasmtime
//! compiles the output once per batch. Each program's exports
//! (`run_generic(i)`, `run_specialized(i)`, ...) run in one instance of that
//! module, a fresh one after any trap or exit.
//!
//! Cost: every request's `blocks_out` must stay under [`block_bound`], a
//! bound linear in the program's length, so a specializer whose work grows
//! exponentially with the program (e.g. with a run of `if (x) r = ...`)
//! fails here rather than only being slow.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use pweval::module::memory::MemoryImage;
use pweval::module::parse::ModuleInfo;
use pweval::module::rewrite::{self, Plan};
use pweval::report::Outcome;
use pweval::requests::{abi, read::accessor_address, ArgSpec, ConstArg};
use wasmtime::{Config, Engine, Linker, Module, OptLevel, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

/// Each export call is interrupted (a trap) after this many ticks of
/// [`TICK`]: generated programs run for microseconds, and a specialization
/// that loops forever must fail the check, not hang it. (Epoch interruption
/// rather than fuel: it makes compiling the output cheaper.)
const DEADLINE_TICKS: u64 = 50;
const TICK: Duration = Duration::from_millis(100);
/// Captured stdout of one instance; a new instance is made past half of it.
const STDOUT_LIMIT: usize = 64 << 20;

/// Budgets for the batch's requests: far above what a linear specializer
/// needs for these programs (see [`block_bound`]), low enough that a
/// blow-up ends in a fallback naming the limit within seconds.
pub fn options() -> pweval::Options {
    let mut options = pweval::Options::default();
    options.limits.max_blocks = 50_000;
    options.limits.max_time = Duration::from_secs(10);
    options
}

/// The most blocks a specialized function of a program of `instructions`
/// bytecode instructions may have: linear in the program.
pub fn block_bound(instructions: usize) -> usize {
    8 * instructions + 64
}

/// What one export call did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub stdout: Vec<u8>,
    /// `None` when the call returned normally; else the trap (its kind, not
    /// the backtrace, which names different functions in the two flavours)
    /// or `exit(N)`.
    pub trap: Option<String>,
}

impl Run {
    pub fn describe(&self, max_lines: usize) -> String {
        let text = String::from_utf8_lossy(&self.stdout);
        let lines: Vec<&str> = text.lines().collect();
        let mut s = String::new();
        for l in lines.iter().take(max_lines) {
            s.push_str(&format!("      | {l}\n"));
        }
        if lines.len() > max_lines {
            s.push_str(&format!("      | ... ({} lines, {} bytes in all)\n", lines.len(), self.stdout.len()));
        }
        if !text.is_empty() && !text.ends_with('\n') {
            s.push_str("      (no final newline)\n");
        }
        s.push_str(&match &self.trap {
            None => "      returned normally\n".to_string(),
            Some(t) => format!("      TRAPPED: {t}\n"),
        });
        s
    }
}

/// Why a program failed the check.
#[derive(Clone, Debug)]
pub enum Failure {
    /// pweval failed, or its output did not run.
    Setup(String),
    /// pweval did not specialize the request (its warning).
    Fallback(String),
    /// The generic and a specialized flavour disagree: the bug this test is for.
    Mismatch { flavour: &'static str, generic: Run, specialized: Run },
    /// All flavours agree but not with the reference model (a bug in the
    /// model or in what pweval did to the generic path).
    Model { expected: Run, generic: Run },
    /// The specialized function is larger than [`block_bound`].
    Cost { flavour: &'static str, blocks: usize, instructions: usize },
}

impl Failure {
    pub fn describe(&self) -> String {
        match self {
            Failure::Setup(why) => format!("    setup failed: {why}\n"),
            Failure::Fallback(why) => format!("    not specialized: {why}\n"),
            Failure::Mismatch { flavour, generic, specialized } => format!(
                "    {}\n    run_generic:\n{}    run_{flavour}:\n{}",
                first_difference(generic, specialized),
                generic.describe(12),
                specialized.describe(12)
            ),
            Failure::Model { expected, generic } => format!(
                "    all flavours agree, but the model expects:\n{}    they printed:\n{}",
                expected.describe(12),
                generic.describe(12)
            ),
            Failure::Cost { flavour, blocks, instructions } => format!(
                "    {flavour}: {blocks} blocks for {instructions} instructions, over the bound {}\n",
                block_bound(*instructions)
            ),
        }
    }

    pub fn is_mismatch(&self) -> bool {
        matches!(self, Failure::Mismatch { .. })
    }
}

/// Where two runs first differ, in words.
pub fn first_difference(a: &Run, b: &Run) -> String {
    let (x, y) = (&a.stdout, &b.stdout);
    match x.iter().zip(y).position(|(p, q)| p != q) {
        Some(i) => {
            let line = x[..i].iter().filter(|&&c| c == b'\n').count() + 1;
            let around =
                |s: &[u8]| String::from_utf8_lossy(&s[i.saturating_sub(8)..(i + 8).min(s.len())]).into_owned();
            format!(
                "stdout differs at byte {i} (line {line}): generic {:?}, specialized {:?}",
                around(x),
                around(y)
            )
        }
        None if x.len() != y.len() => format!(
            "stdout differs in length: generic {} bytes, specialized {} bytes (one is a prefix of the other)",
            x.len(),
            y.len()
        ),
        None => format!("same stdout; trap differs: generic {:?}, specialized {:?}", a.trap, b.trap),
    }
}

/// The trap's kind, without the backtrace.
pub fn trap_kind(e: &wasmtime::Error) -> String {
    if let Some(trap) = e.downcast_ref::<wasmtime::Trap>() {
        return trap.to_string();
    }
    if let Some(exit) = e.downcast_ref::<I32Exit>() {
        return format!("exit({})", exit.0);
    }
    format!("{e}").lines().next().unwrap_or("").to_string()
}

/// Where one request's constants are in the snapshot.
#[derive(Clone, Copy, Debug)]
pub struct Slot {
    /// The request's inline copy of its buffer argument (parameter 0).
    pub bytes: u64,
    pub bytes_len: usize,
    /// The value of its constant i32 record (parameter 1).
    pub len_value: u64,
}

/// A wizened guest and a wasmtime engine to run its outputs.
pub struct Guest {
    /// The snapshot (requests filed, program buffers zero).
    pub snapshot: Vec<u8>,
    /// Request slots by `user_id`.
    pub slots: BTreeMap<u32, Slot>,
    engine: Engine,
    linker: Linker<WasiP1Ctx>,
}

impl Guest {
    pub fn new(guest: &[u8]) -> Result<Guest, String> {
        let snapshot = pweval::snapshot::wizen(guest, &Default::default()).map_err(|e| format!("wizen: {e}"))?;
        let slots = find_slots(&snapshot)?;
        let mut config = Config::new();
        // Each output is compiled once and its programs run for
        // microseconds: compile fast. (What pweval produced is what is
        // tested, at any opt level.)
        config.cranelift_opt_level(OptLevel::None).epoch_interruption(true);
        let engine = Engine::new(&config).map_err(|e| format!("engine: {e:#}"))?;
        let ticker = engine.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(TICK);
            ticker.increment_epoch();
        });
        let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |cx| cx).map_err(|e| format!("WASI: {e:#}"))?;
        Ok(Guest { snapshot, slots, engine, linker })
    }

    /// The address an accessor export (`PWEVAL_EXPORT` returning a
    /// constant pointer) gives.
    pub fn accessor(&self, name: &str) -> Result<u64, String> {
        let info = ModuleInfo::parse(&self.snapshot).map_err(|e| e.to_string())?;
        let func = info.export_func(name).ok_or_else(|| format!("the guest does not export {name}"))?;
        accessor_address(&info, func).map_err(|e| format!("{name}: {e}"))
    }

    pub fn slot(&self, user_id: u32) -> Result<Slot, String> {
        self.slots.get(&user_id).copied().ok_or_else(|| format!("the snapshot has no request with user_id {user_id}"))
    }

    /// The snapshot with `bytes` written at each address.
    pub fn patched(&self, patches: Vec<(u64, Vec<u8>)>) -> Result<Vec<u8>, String> {
        let info = ModuleInfo::parse(&self.snapshot).map_err(|e| e.to_string())?;
        let plan = Plan { patches, ..Plan::default() };
        Ok(rewrite::emit(&info, &plan).map_err(|e| format!("patching the snapshot: {e}"))?.0)
    }

    /// Check that the requests pweval will read from `patched` hold
    /// `expected` (user_id, buffer prefix, i32), the rest of each buffer
    /// zero.
    pub fn verify_requests(patched: &[u8], expected: &[(u32, &[u8], u32)]) -> Result<(), String> {
        let info = ModuleInfo::parse(patched).map_err(|e| e.to_string())?;
        let list = pweval::requests::find_requests(&info);
        let by_id: HashMap<u32, &pweval::requests::Request> = list.requests.iter().map(|r| (r.user_id, r)).collect();
        for &(id, want, n) in expected {
            let r = by_id.get(&id).ok_or_else(|| format!("no request {id} after patching: {:?}", list.diagnostics))?;
            let ok = matches!(&r.args[..], [ArgSpec::Const(ConstArg::Buffer { bytes, .. }), ArgSpec::Const(ConstArg::I32(len)), ..]
                if bytes.len() >= want.len() && bytes[..want.len()] == want[..]
                    && bytes[want.len()..].iter().all(|&b| b == 0) && *len == n);
            if !ok {
                return Err(format!("the patched request does not hold the program: {}", r.subject));
            }
        }
        Ok(())
    }

    /// Run pweval on `patched`: the output and each request's outcome by
    /// user_id (`Ok(blocks_out)` or the reason it was not specialized).
    pub fn specialize(&self, patched: &[u8]) -> Result<Specialized, String> {
        let out = pweval::process(patched, &options()).map_err(|e| format!("pweval: {e}"))?;
        let mut outcomes = HashMap::new();
        for r in &out.report.requests {
            let outcome = match &r.outcome {
                Outcome::Specialized => Ok(r.stats.as_ref().map_or(0, |s| s.blocks_out)),
                Outcome::Skipped(why) => Err(why.clone()),
            };
            outcomes.insert(r.user_id, outcome);
        }
        Ok(Specialized { wasm: out.wasm, outcomes })
    }

    /// Compile `wasm` once, for [`Instance::call`].
    pub fn instance(&self, wasm: &[u8]) -> Result<Instance<'_>, String> {
        let module = Module::new(&self.engine, wasm).map_err(|e| format!("compiling the output: {e:#}"))?;
        Ok(Instance { guest: self, module, live: None })
    }
}

/// pweval's output for a batch.
pub struct Specialized {
    pub wasm: Vec<u8>,
    /// By user_id: `Ok(blocks_out)`, or why the request fell back.
    pub outcomes: HashMap<u32, Result<usize, String>>,
}

impl Specialized {
    /// Request `user_id` must be specialized within the cost bound for a
    /// program of `instructions` instructions; returns its blocks.
    pub fn check_request(&self, user_id: u32, flavour: &'static str, instructions: usize) -> Result<usize, Failure> {
        match self.outcomes.get(&user_id) {
            None => Err(Failure::Setup(format!("pweval reported nothing about request {user_id}"))),
            Some(Err(why)) => Err(Failure::Fallback(why.clone())),
            Some(Ok(blocks)) if *blocks > block_bound(instructions) => {
                Err(Failure::Cost { flavour, blocks: *blocks, instructions })
            }
            Some(Ok(blocks)) => Ok(*blocks),
        }
    }
}

/// A program's verdict from its requests' outcomes (`Ok(blocks)` or a
/// failure) and the comparison of its runs: a fallback first (the
/// specialized run then traps, which says nothing), then a mismatch, then a
/// cost over the bound.
pub fn verdict(requests: &[Result<usize, Failure>], compare: impl FnOnce() -> Result<(), Failure>) -> Result<(), Failure> {
    if let Some(Err(f)) = requests.iter().find(|r| matches!(r, Err(Failure::Fallback(_) | Failure::Setup(_)))) {
        return Err(f.clone());
    }
    compare()?;
    match requests.iter().find(|r| r.is_err()) {
        Some(Err(f)) => Err(f.clone()),
        _ => Ok(()),
    }
}

/// Keep a failing program's pweval input under `target/tmp/DIR/NAME.wasm`
/// (the system's temporary directory outside `cargo test`) for debugging
/// (`pweval -i FILE --dump-ir OUT`, the same with `--generic-only`);
/// returns a line saying where.
pub fn save_input(dir: &str, name: &str, wasm: Result<Vec<u8>, String>) -> String {
    let tmp = option_env!("CARGO_TARGET_TMPDIR").map_or_else(std::env::temp_dir, std::path::PathBuf::from);
    let dir = tmp.join(dir);
    let path = dir.join(format!("{name}.wasm"));
    let saved = wasm.and_then(|wasm| {
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        std::fs::write(&path, wasm).map_err(|e| e.to_string())
    });
    match saved {
        Ok(()) => format!("pweval input (snapshot with the program in slot 0): {}", path.display()),
        Err(e) => format!("(could not save the pweval input: {e})"),
    }
}

/// The blocks of a request's outcome, over the bound or not.
pub fn blocks_of(outcome: &Result<usize, Failure>) -> Option<usize> {
    match outcome {
        Ok(blocks) | Err(Failure::Cost { blocks, .. }) => Some(*blocks),
        Err(_) => None,
    }
}

/// One compiled output; calls run in one live instance, replaced after a
/// trap or an exit (the guest's state may be half-updated then).
pub struct Instance<'g> {
    guest: &'g Guest,
    module: Module,
    live: Option<Live>,
}

struct Live {
    store: Store<WasiP1Ctx>,
    instance: wasmtime::Instance,
    stdout: MemoryOutputPipe,
    /// Bytes of `stdout` already returned.
    seen: usize,
}

impl Instance<'_> {
    /// Call `export(arg)` (type `[i32] -> []`) and return what it printed.
    pub fn call(&mut self, export: &str, arg: u32) -> Result<Run, String> {
        if self.live.is_none() {
            let stdout = MemoryOutputPipe::new(STDOUT_LIMIT);
            let wasi = WasiCtxBuilder::new().stdout(stdout.clone()).stderr(stdout.clone()).build_p1();
            let mut store = Store::new(&self.guest.engine, wasi);
            let instance = self
                .guest
                .linker
                .instantiate(&mut store, &self.module)
                .map_err(|e| format!("instantiating the output: {e:#}"))?;
            self.live = Some(Live { store, instance, stdout, seen: 0 });
        }
        let live = self.live.as_mut().unwrap();
        let func = live
            .instance
            .get_typed_func::<u32, ()>(&mut live.store, export)
            .map_err(|e| format!("export {export}: {e:#}"))?;
        live.store.set_epoch_deadline(DEADLINE_TICKS);
        live.store.epoch_deadline_trap();
        let trap = func.call(&mut live.store, arg).err().map(|e| trap_kind(&e));
        let all = live.stdout.contents();
        let stdout = all[live.seen..].to_vec();
        live.seen = all.len();
        if trap.is_some() || live.seen > STDOUT_LIMIT / 2 {
            self.live = None;
        }
        Ok(Run { stdout, trap })
    }
}

/// Every request's slot, by user_id: parameter 0 a constant buffer,
/// parameter 1 a constant i32.
fn find_slots(snapshot: &[u8]) -> Result<BTreeMap<u32, Slot>, String> {
    let info = ModuleInfo::parse(snapshot).map_err(|e| e.to_string())?;
    let list = pweval::requests::find_requests(&info);
    if list.requests.is_empty() || !list.diagnostics.is_empty() {
        return Err(format!("{} requests in the snapshot: {:?}", list.requests.len(), list.diagnostics));
    }
    let memory = MemoryImage::new(&info).ok_or("the snapshot's memory cannot be read")?;
    let read = |addr: u64| memory.read_u32(addr).ok_or_else(|| format!("address {addr:#x} is outside memory"));
    let mut slots = BTreeMap::new();
    for r in &list.requests {
        let (bytes, bytes_len) = match &r.args[..] {
            [ArgSpec::Const(ConstArg::Buffer { addr, bytes }), ArgSpec::Const(ConstArg::I32(_)), ..] => {
                (u64::from(*addr), bytes.len())
            }
            other => return Err(format!("{}: unexpected arguments {other:?}", r.subject)),
        };
        // The buffer's record precedes its bytes; the next record follows
        // the padded bytes.
        let padded = u64::from(read(bytes - abi::arg::SIZE + abi::arg::BUF_PADDED_LEN)?);
        let record = bytes + padded;
        if read(record + abi::arg::SPECIALIZE)? != 1 || read(record + abi::arg::TY)? != abi::ty::I32 {
            return Err(format!("{}: no constant i32 record at {record:#x}", r.subject));
        }
        let slot = Slot { bytes, bytes_len, len_value: record + abi::arg::VALUE };
        if slots.insert(r.user_id, slot).is_some() {
            return Err(format!("two requests have user_id {}", r.user_id));
        }
    }
    Ok(slots)
}

/// One program's verdict, and its requests' outcomes (`Ok(blocks)` or a
/// failure).
pub struct Checked {
    pub result: Result<(), Failure>,
    pub requests: Vec<Result<usize, Failure>>,
}

impl Checked {
    /// `n` programs of `requests` requests each, all failed before running.
    pub fn setup(n: usize, requests: usize, why: &str) -> Vec<Checked> {
        let failure = Failure::Setup(why.to_string());
        let requests = || (0..requests).map(|_| Err(failure.clone())).collect();
        (0..n).map(|_| Checked { result: Err(failure.clone()), requests: requests() }).collect()
    }
}

/// A differential test over seeded random programs, checked in batches
/// ([`check_seeds`]).
pub trait Suite {
    type Program;
    /// The test's name, in messages and under `target/tmp`.
    const NAME: &'static str;
    fn program(seed: u64) -> Self::Program;
    /// Its instructions (the cost bound's measure; the smallest failing
    /// program is reported first).
    fn size(program: &Self::Program) -> usize;
    fn listing(program: &Self::Program) -> String;
    fn check_batch(&self, programs: &[Self::Program]) -> Vec<Checked>;
    /// The pweval input with `program` alone in slot 0 (kept for a failure).
    fn patched_alone(&self, program: &Self::Program) -> Result<Vec<u8>, String>;
}

/// `VAR=N` when the variable is set, else `default`.
pub fn env_count(var: &str, default: u64) -> u64 {
    match std::env::var(var) {
        Ok(n) => n.parse().unwrap_or_else(|_| panic!("{var} must be a number")),
        Err(_) => default,
    }
}

/// Check the programs of seeds `first..first + count`, `per_batch` per
/// pweval run; fail listing the smallest failing ones (with their saved
/// pweval inputs).
pub fn check_seeds<S: Suite>(suite: &S, first: u64, count: u64, per_batch: u64) {
    let started = std::time::Instant::now();
    let (mut failures, mut tally) = (Vec::new(), Tally::default());
    let mut next = first;
    while next < first + count {
        let seeds = next..(next + per_batch).min(first + count);
        next = seeds.end;
        let programs: Vec<S::Program> = seeds.clone().map(S::program).collect();
        let checked = suite.check_batch(&programs);
        for ((seed, program), checked) in seeds.zip(&programs).zip(checked) {
            tally.programs += 1;
            let size = S::size(program);
            for outcome in &checked.requests {
                tally.request(seed, size, blocks_of(outcome), outcome.as_ref().err());
            }
            if let Err(failure) = checked.result {
                failures.push(Failed { seed, size, listing: S::listing(program), failure });
            }
        }
    }
    eprintln!(
        "{}: seeds {first}..{}: {} failing, {}; {:.1} s",
        S::NAME,
        first + count,
        failures.len(),
        tally.summary(),
        started.elapsed().as_secs_f64()
    );
    report_failures(S::NAME, count as usize, &tally, failures, 3, |f| {
        save_input(S::NAME, &format!("seed-{}", f.seed), suite.patched_alone(&S::program(f.seed)))
    });
}

/// A failing program, for the report.
pub struct Failed {
    pub seed: u64,
    /// Instructions, to find the smallest.
    pub size: usize,
    /// The program as assembly.
    pub listing: String,
    pub failure: Failure,
}

/// What a run of many batches found, beyond pass/fail.
#[derive(Default)]
pub struct Tally {
    pub programs: usize,
    pub requests: usize,
    /// Fallback reasons (digits replaced by `N`) and how often.
    pub fallbacks: BTreeMap<String, usize>,
    /// The largest blocks_out / instructions of a program of at least 20
    /// instructions, with its seed.
    pub max_ratio: (f64, u64),
    pub max_blocks: usize,
}

impl Tally {
    /// Count one request: its blocks when it was specialized, else its
    /// failure.
    pub fn request(&mut self, seed: u64, instructions: usize, blocks: Option<usize>, failure: Option<&Failure>) {
        self.requests += 1;
        if let Some(blocks) = blocks.filter(|_| instructions >= 20) {
            let ratio = blocks as f64 / instructions.max(1) as f64;
            if ratio > self.max_ratio.0 {
                self.max_ratio = (ratio, seed);
            }
        }
        self.max_blocks = self.max_blocks.max(blocks.unwrap_or(0));
        if let Some(Failure::Fallback(why)) = failure {
            let key: String = why.chars().map(|c| if c.is_ascii_digit() { 'N' } else { c }).collect();
            *self.fallbacks.entry(key).or_insert(0) += 1;
        }
    }

    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} programs, {} requests, max blocks/instruction {:.2} (seed {}), max blocks {}",
            self.programs, self.requests, self.max_ratio.0, self.max_ratio.1, self.max_blocks
        );
        for (why, n) in &self.fallbacks {
            s += &format!("\n    {n} fallback(s): {why}");
        }
        s
    }
}

/// Panic listing the smallest failures (at most `shown`, each with
/// `extra(failed)`, e.g. where its pweval input was saved), or return.
pub fn report_failures(
    what: &str,
    programs: usize,
    tally: &Tally,
    mut failures: Vec<Failed>,
    shown: usize,
    extra: impl Fn(&Failed) -> String,
) {
    if failures.is_empty() {
        return;
    }
    let mismatches = failures.iter().filter(|f| f.failure.is_mismatch()).count();
    failures.sort_by_key(|f| (!f.failure.is_mismatch(), f.size, f.seed));
    let mut report = format!(
        "{what}: {} of {programs} programs failed ({mismatches} generic/specialized mismatches); {}\nthe smallest:\n",
        failures.len(),
        tally.summary()
    );
    for f in failures.iter().take(shown) {
        report += &format!(
            "\n  seed {}, {} instructions:\n{}{}    {}\n",
            f.seed,
            f.size,
            indent(&f.listing),
            f.failure.describe(),
            extra(f)
        );
    }
    panic!("{report}");
}

pub fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}
