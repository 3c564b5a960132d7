//! Threaded code (Wasm3's design: operations chained by indirect tail
//! calls through pointers stored in the compiled code), specialized by
//! inlining the operations (`src/specialize/inline.rs`) and keeping tail
//! calls (`src/ir/tailcall.rs`).
//!
//! - `threaded_random_programs_agree_*`: the accumulator VM's random
//!   programs (`accvm_gen.rs`) on tests/guests/accvm_threaded.c, specialized
//!   vs generic vs the VM model, through the accvm harness (the requests
//!   hold the *compiled* programs).
//! - `threaded_example_specializes_into_loops`: examples/threaded's
//!   programs give the same output specialized and generic, in the threaded
//!   and the switch form, and every specialized threaded function has no
//!   indirect call left and no load from the compiled code on any cycle.

use std::path::Path;
use std::sync::OnceLock;

use pweval::module::parse::ModuleInfo;
use pweval::requests::{ArgSpec, ConstArg};
use pweval::runner::{self, RunOptions};

use super::accvm_diff::accvm_gen::{self, program_for_seed, Program};
use super::accvm_diff::accvm_harness::{Harness, BATCH};
use crate::diff_harness::{env_count, Checked, Suite};

/// Programs per test; two tests (about 2 s each).
const PER_TEST: u64 = 2_000;
const PER_BATCH: u64 = 250;

struct Threaded(Harness);

fn harness() -> &'static Threaded {
    static HARNESS: OnceLock<Result<Threaded, String>> = OnceLock::new();
    HARNESS
        .get_or_init(|| Harness::threaded(&super::guests::guest("accvm_threaded.wasm")).map(Threaded))
        .as_ref()
        .unwrap_or_else(|e| panic!("setting up the threaded accvm guest: {e}"))
}

impl Suite for Threaded {
    type Program = Program;
    const NAME: &'static str = "accvm_threaded";

    fn program(seed: u64) -> Program {
        program_for_seed(seed)
    }

    fn size(program: &Program) -> usize {
        accvm_gen::instruction_starts(&program.words).len()
    }

    fn listing(program: &Program) -> String {
        program.disassemble()
    }

    fn check_batch(&self, programs: &[Program]) -> Vec<Checked> {
        self.0.check_batch(programs)
    }

    fn patched_alone(&self, program: &Program) -> Result<Vec<u8>, String> {
        self.0.patched(&[(program, program)])
    }
}

fn check_seeds(first: u64) {
    let count = env_count("ACCVM_THREADED_PROGRAMS", PER_TEST);
    crate::diff_harness::check_seeds(harness(), first, count, PER_BATCH.min(BATCH as u64));
}

#[test]
fn threaded_random_programs_agree_0() {
    check_seeds(10_000_000);

}

#[test]
fn threaded_random_programs_agree_1() {
    check_seeds(11_000_000);
}

/// The programs of examples/threaded/programs.h with their arguments.
const RUNS: [&[&str]; 6] = [&["sum", "1000"], &["sum", "0"], &["nested", "30"], &["branches", "1001"], &["branches", "0"], &["nosuch"]];

#[test]
fn threaded_example_specializes_into_loops() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("threaded-example");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = std::process::Command::new("bash")
        .arg(root.join("examples/threaded/build.sh"))
        .arg(&out)
        .status()
        .expect("running examples/threaded/build.sh");
    assert!(status.success(), "examples/threaded/build.sh failed; run scripts/install-toolchain.sh");
    let mut config = wasmtime::Config::new();
    config.parallel_compilation(false);
    let engine = wasmtime::Engine::new(&config).expect("engine");
    for form in ["threaded", "switch"] {
        let input = std::fs::read(out.join(format!("{form}.wasm"))).expect("built guest");
        let wizen = pweval::Options { wizen: Some(Default::default()), snapshot_only: true, jobs: 1, ..Default::default() };
        let snapshot = pweval::process(&input, &wizen).expect("snapshot").wasm;
        let strict = pweval::Options { strict: true, jobs: 1, ..Default::default() };
        let spec = pweval::process(&snapshot, &strict).unwrap_or_else(|e| panic!("{form}: {e}"));
        let generic_only = pweval::Options { generic_only: true, jobs: 1, ..Default::default() };
        let generic = pweval::process(&snapshot, &generic_only).expect("generic-only output");
        assert!(spec.report.specialized() >= 3, "{form}: {} requests specialized", spec.report.specialized());

        for args in RUNS {
            let options = RunOptions { args: args.iter().map(|s| s.to_string()).collect(), capture: true, ..Default::default() };
            let g = runner::run(&engine, &generic.wasm, false, &options).expect("generic run");
            let s = runner::run(&engine, &spec.wasm, false, &options).expect("specialized run");
            assert!(g.trap.is_none() && s.trap.is_none(), "{form} {args:?}: trap {:?} / {:?}", g.trap, s.trap);
            assert_eq!(
                (s.exit_code, &s.stdout, &s.stderr),
                (g.exit_code, &g.stdout, &g.stderr),
                "{form} {args:?}: specialized and generic differ"
            );
            if args[0] != "nosuch" {
                assert!(String::from_utf8_lossy(&g.stdout).starts_with("Result: "), "{form} {args:?}: {:?}", g.stdout);
            }
        }
        if form != "threaded" {
            continue;
        }

        // Every specialized operation chain is one function: no indirect
        // call, no load of the compiled code on a cycle, and still a loop.
        let snap_info = ModuleInfo::parse(&snapshot).expect("snapshot");
        let requests = pweval::requests::find_requests(&snap_info).requests;
        let input_info = ModuleInfo::parse(&input).expect("input");
        let readonly = pweval::readonly::ranges_of_input(&input_info);
        let out_info = ModuleInfo::parse(&spec.wasm).expect("output");
        for (request, report) in requests.iter().zip(&spec.report.requests) {
            let name = format!("{}.pweval.{}", report.function, report.user_id);
            let buffers: Vec<(usize, u64, u64)> = request
                .args
                .iter()
                .enumerate()
                .filter_map(|(param, arg)| match arg {
                    ArgSpec::Const(ConstArg::Buffer { addr, bytes }) => {
                        Some((param, u64::from(*addr), u64::from(*addr) + bytes.len() as u64))
                    }
                    _ => None,
                })
                .collect();
            let findings = super::shapes::loop_findings(&spec.wasm, &name, &buffers, &readonly).expect("inspect");
            assert!(findings.is_empty(), "{name}: {findings:?}");
            let func = out_info.func_names.iter().find(|(_, n)| **n == name).map(|(&f, _)| f).expect("named");
            let body = out_info.body_of(func).expect("body");
            let mut ops = body.get_operators_reader().expect("operators");
            while !ops.eof() {
                let op = ops.read().expect("operator");
                assert!(
                    !matches!(
                        op,
                        wasmparser::Operator::CallIndirect { .. } | wasmparser::Operator::ReturnCallIndirect { .. }
                    ),
                    "{name} still makes an indirect call: {op:?}"
                );
            }
        }
    }
}
