//! The differential check for the accumulator VM guest
//! (tests/guests/accvm_diff.c): write a program into the guest's snapshot,
//! run pweval, and run the output twice, through `run_generic` and through
//! `run_specialized`. Shared by `tests/all/accvm_diff.rs` and the fuzz
//! target (`fuzz/fuzz_targets/accvm_diff.rs`) through `#[path]`; it needs
//! the sibling module `accvm_gen` (the generator and the VM model).
//!
//! The guest is wizened once ([`Harness::new`]). A program is written with
//! data segments appended to that snapshot (as `tests/all/guests.rs`
//! corrupts requests): the words into the guest's `program` buffer and into
//! the request's copy of the bytes inside its argument buffer, the length
//! into `program_len` and into the request's i32 record. Both copies start
//! zero-filled, so the words past the program stay zero.

#![allow(dead_code)]

use pweval::module::memory::MemoryImage;
use pweval::module::parse::ModuleInfo;
use pweval::module::rewrite::{self, Plan};
use pweval::requests::{abi, read::accessor_address, ArgSpec, ConstArg};
use wasmtime::{Config, Engine, Linker, Module, OptLevel, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

use super::accvm_gen::{self, Program, Stop, CAPACITY, MAX_STEPS};

/// Each export call is interrupted (a trap) after this many ticks of
/// [`TICK`]: generated programs run for microseconds, and a specialization
/// that loops forever must fail the check, not hang it. (Epoch interruption
/// rather than fuel: it makes compiling the output cheaper.)
const DEADLINE_TICKS: u64 = 50;
const TICK: std::time::Duration = std::time::Duration::from_millis(100);
/// Captured stdout per run, in bytes.
const STDOUT_LIMIT: usize = 4 << 20;

/// Addresses in the guest's snapshot.
#[derive(Clone, Copy, Debug)]
pub struct Addrs {
    /// `program` (what run_generic interprets).
    pub program: u64,
    /// `program_len`.
    pub program_len: u64,
    /// The request's inline copy of `program` (what pweval specializes on).
    pub request_bytes: u64,
    /// The value of the request's i32 record (the length pweval sees).
    pub request_len: u64,
}

/// What one export call did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub stdout: Vec<u8>,
    /// `None` when the call returned normally; else the trap (its kind, not
    /// the backtrace, which names different functions in the two flavours).
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
            s.push_str(&format!(
                "      | ... ({} lines, {} bytes in all)\n",
                lines.len(),
                self.stdout.len()
            ));
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
    /// pweval failed, skipped the request, or its output did not run.
    Setup(String),
    /// The two flavours disagree: the bug this test is for.
    Mismatch { generic: Run, specialized: Run },
    /// Both agree but not with the reference model (a bug in the model or
    /// in what pweval did to the generic path).
    Model { expected: Vec<u8>, generic: Run },
}

impl Failure {
    pub fn describe(&self) -> String {
        match self {
            Failure::Setup(why) => format!("    setup failed: {why}\n"),
            Failure::Mismatch {
                generic,
                specialized,
            } => format!(
                "    {}\n    run_generic:\n{}    run_specialized:\n{}",
                first_difference(generic, specialized),
                generic.describe(12),
                specialized.describe(12)
            ),
            Failure::Model { expected, generic } => format!(
                "    both flavours agree, but the model expects:\n{}    they printed:\n{}",
                Run {
                    stdout: expected.clone(),
                    trap: None
                }
                .describe(12),
                generic.describe(12)
            ),
        }
    }
}

/// Where two runs first differ, in words.
fn first_difference(a: &Run, b: &Run) -> String {
    let (x, y) = (&a.stdout, &b.stdout);
    match x.iter().zip(y).position(|(p, q)| p != q) {
        Some(i) => {
            let line = x[..i].iter().filter(|&&c| c == b'\n').count() + 1;
            let around = |s: &[u8]| String::from_utf8_lossy(&s[i.saturating_sub(8)..(i + 8).min(s.len())]).into_owned();
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

pub struct Harness {
    /// The wizened guest (requests filed, program buffer zero).
    pub snapshot: Vec<u8>,
    pub addrs: Addrs,
    engine: Engine,
    linker: Linker<WasiP1Ctx>,
}

impl Harness {
    /// Wizen `guest` (tests/guests/accvm_diff.c built) and find the
    /// addresses the programs are written to.
    pub fn new(guest: &[u8]) -> Result<Harness, String> {
        let snapshot = pweval::snapshot::wizen(guest, &Default::default())
            .map_err(|e| format!("wizen: {e}"))?;
        let addrs = find_addrs(&snapshot)?;
        let mut config = Config::new();
        // Each output is compiled once and runs for microseconds: compile
        // fast. (What pweval produced is what is tested, at any opt level.)
        config
            .cranelift_opt_level(OptLevel::None)
            .epoch_interruption(true);
        let engine = Engine::new(&config).map_err(|e| format!("engine: {e:#}"))?;
        let ticker = engine.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(TICK);
            ticker.increment_epoch();
        });
        let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |cx| cx)
            .map_err(|e| format!("WASI: {e:#}"))?;
        Ok(Harness {
            snapshot,
            addrs,
            engine,
            linker,
        })
    }

    /// The snapshot with `generic` in the guest's program buffer and
    /// `specialized` in the request (normally the same program).
    pub fn patched(&self, generic: &Program, specialized: &Program) -> Result<Vec<u8>, String> {
        for p in [generic, specialized] {
            if p.words.len() > CAPACITY {
                return Err(format!(
                    "a program of {} words does not fit {CAPACITY}",
                    p.words.len()
                ));
            }
        }
        let a = &self.addrs;
        let patches = vec![
            (a.program, generic.bytes()),
            (a.program_len, generic.len().to_le_bytes().to_vec()),
            (a.request_bytes, specialized.bytes()),
            (a.request_len, specialized.len().to_le_bytes().to_vec()),
        ];
        let info = ModuleInfo::parse(&self.snapshot).map_err(|e| e.to_string())?;
        let plan = Plan {
            patches,
            ..Plan::default()
        };
        Ok(rewrite::emit(&info, &plan)
            .map_err(|e| format!("patching the snapshot: {e}"))?
            .0)
    }

    /// pweval's output for `generic` / `specialized` (see [`Self::patched`]);
    /// the one request must be specialized.
    pub fn specialize(&self, generic: &Program, specialized: &Program) -> Result<Vec<u8>, String> {
        let patched = self.patched(generic, specialized)?;
        // The request pweval reads must hold exactly the words written.
        let info = ModuleInfo::parse(&patched).map_err(|e| e.to_string())?;
        let list = pweval::requests::find_requests(&info);
        match list.requests.as_slice() {
            [r] => {
                let want_bytes = specialized.bytes();
                let ok = matches!(&r.args[..], [ArgSpec::Const(ConstArg::Buffer { bytes, .. }), ArgSpec::Const(ConstArg::I32(n))]
                    if bytes.len() == CAPACITY * 8 && bytes[..want_bytes.len()] == want_bytes[..]
                        && bytes[want_bytes.len()..].iter().all(|&b| b == 0) && *n == specialized.len());
                if !ok {
                    return Err(format!(
                        "the patched request does not hold the program: {:?}",
                        r.subject
                    ));
                }
            }
            other => {
                return Err(format!(
                    "expected 1 request, found {}: {:?}",
                    other.len(),
                    list.diagnostics
                ))
            }
        }
        let out = pweval::process(&patched, &pweval::Options::default())
            .map_err(|e| format!("pweval: {e}"))?;
        if out.report.specialized() != 1 {
            let lines: Vec<String> = out
                .report
                .diagnostics
                .iter()
                .map(|d| d.to_string())
                .collect();
            return Err(format!(
                "pweval specialized {} request(s), not 1: {}",
                out.report.specialized(),
                lines.join("; ")
            ));
        }
        Ok(out.wasm)
    }

    /// Compile `wasm` once and call `run_generic` and `run_specialized`,
    /// each in a fresh instance.
    pub fn run_both(&self, wasm: &[u8]) -> Result<(Run, Run), String> {
        let module =
            Module::new(&self.engine, wasm).map_err(|e| format!("compiling the output: {e:#}"))?;
        Ok((
            self.call(&module, "run_generic")?,
            self.call(&module, "run_specialized")?,
        ))
    }

    fn call(&self, module: &Module, export: &str) -> Result<Run, String> {
        let stdout = MemoryOutputPipe::new(STDOUT_LIMIT);
        let stderr = MemoryOutputPipe::new(STDOUT_LIMIT);
        let wasi = WasiCtxBuilder::new()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .build_p1();
        let mut store = Store::new(&self.engine, wasi);
        store.set_epoch_deadline(DEADLINE_TICKS);
        store.epoch_deadline_trap();
        let instance = self
            .linker
            .instantiate(&mut store, module)
            .map_err(|e| format!("instantiating the output: {e:#}"))?;
        let func = instance
            .get_typed_func::<(), ()>(&mut store, export)
            .map_err(|e| format!("export {export}: {e:#}"))?;
        let trap = match func.call(&mut store, ()) {
            Ok(()) => None,
            Err(e) => Some(trap_kind(&e)),
        };
        drop(store);
        Ok(Run {
            stdout: stdout.contents().to_vec(),
            trap,
        })
    }

    /// The whole check for one program: specialize, run both flavours, and
    /// compare them with each other and with the model.
    pub fn check(&self, program: &Program) -> Result<(), Failure> {
        let wasm = self.specialize(program, program).map_err(Failure::Setup)?;
        let (generic, specialized) = self.run_both(&wasm).map_err(Failure::Setup)?;
        if generic != specialized {
            return Err(Failure::Mismatch {
                generic,
                specialized,
            });
        }
        let (expected, stop, _) = accvm_gen::model(&program.words, program.len(), MAX_STEPS);
        if stop == Stop::TooLong || generic.trap.is_some() || generic.stdout != expected {
            return Err(Failure::Model { expected, generic });
        }
        Ok(())
    }
}

/// The trap's kind, without the backtrace.
fn trap_kind(e: &wasmtime::Error) -> String {
    if let Some(trap) = e.downcast_ref::<wasmtime::Trap>() {
        return format!("wasm trap: {trap}");
    }
    if let Some(exit) = e.downcast_ref::<I32Exit>() {
        return format!("exit({})", exit.0);
    }
    format!("{e}").lines().next().unwrap_or("").to_string()
}

/// Find the program buffer, its length and the request's copies of both.
fn find_addrs(snapshot: &[u8]) -> Result<Addrs, String> {
    let info = ModuleInfo::parse(snapshot).map_err(|e| e.to_string())?;
    let accessor = |name: &str| -> Result<u64, String> {
        let func = info
            .export_func(name)
            .ok_or_else(|| format!("the guest does not export {name}"))?;
        accessor_address(&info, func).map_err(|e| format!("{name}: {e}"))
    };
    let program = accessor("accvm.program")?;
    let program_len = accessor("accvm.program_len")?;
    let list = pweval::requests::find_requests(&info);
    let [request] = list.requests.as_slice() else {
        return Err(format!(
            "expected 1 request in the snapshot, found {}: {:?}",
            list.requests.len(),
            list.diagnostics
        ));
    };
    let memory = MemoryImage::new(&info).ok_or("the snapshot's memory cannot be read")?;
    let read = |addr: u64| {
        memory
            .read_u32(addr)
            .ok_or_else(|| format!("address {addr:#x} is outside memory"))
    };
    let request_bytes = match &request.args[..] {
        [ArgSpec::Const(ConstArg::Buffer { addr, bytes }), ArgSpec::Const(ConstArg::I32(0))] => {
            if bytes.len() != CAPACITY * 8 {
                return Err(format!(
                    "the request's buffer has {} bytes, not {}",
                    bytes.len(),
                    CAPACITY * 8
                ));
            }
            u64::from(*addr)
        }
        other => return Err(format!("unexpected request arguments {other:?}")),
    };
    // The buffer's record precedes its bytes; the next record follows the
    // padded bytes.
    let padded = u64::from(read(
        request_bytes - abi::arg::SIZE + abi::arg::BUF_PADDED_LEN,
    )?);
    let len_record = request_bytes + padded;
    if read(len_record + abi::arg::SPECIALIZE)? != 1
        || read(len_record + abi::arg::TY)? != abi::ty::I32
    {
        return Err(format!("no constant i32 record at {len_record:#x}"));
    }
    Ok(Addrs {
        program,
        program_len,
        request_bytes,
        request_len: len_record + abi::arg::VALUE,
    })
}
