//! The bundled example (examples/interp-c, the seed accumulator VM) through
//! `pweval -w`: right output, and the shape the engine issue promises: no
//! dispatch, no bytecode loads, a loop that touches no memory.

use std::path::Path;
use std::sync::OnceLock;

use pweval::runner::{self, RunOptions};

/// Build the example with a small loop count (`weval_compat`: the
/// `WEVAL_COMPAT=1` variant the benchmark gives weval).
fn build(weval_compat: bool) -> Result<Vec<u8>, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(if weval_compat { "example-weval-compat" } else { "example" });
    let status = std::process::Command::new("make")
        .args(["-s", "-C"])
        .arg(root.join("examples/interp-c"))
        .arg(format!("OUT={}", out.display()))
        .arg("LOOP_COUNT=1000")
        .arg(format!("WEVAL_COMPAT={}", u8::from(weval_compat)))
        .status()
        .map_err(|e| format!("make: {e}"))?;
    if !status.success() {
        return Err("building examples/interp-c failed; run scripts/install-toolchain.sh".into());
    }
    std::fs::read(out.join("interp.wasm")).map_err(|e| e.to_string())
}

/// The example, built once.
fn example() -> Vec<u8> {
    static BUILT: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    BUILT.get_or_init(|| build(false)).clone().unwrap_or_else(|e| panic!("{e}"))
}

fn run(wasm: &[u8]) -> String {
    let engine = wasmtime::Engine::default();
    let result = runner::run(&engine, wasm, false, &RunOptions { capture: true, ..Default::default() })
        .expect("run");
    assert_eq!(result.trap, None);
    assert_eq!(result.exit_code, 0);
    String::from_utf8(result.stdout).expect("utf-8")
}

/// Is `to` reachable from `from` by at least one edge?
fn reaches(body: &waffle::FunctionBody, from: waffle::Block, to: waffle::Block) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut stack = Vec::new();
    body.blocks[from].terminator.visit_successors(|s| stack.push(s));
    while let Some(b) = stack.pop() {
        if b == to {
            return true;
        }
        if seen.insert(b) {
            body.blocks[b].terminator.visit_successors(|s| stack.push(s));
        }
    }
    false
}

#[test]
fn example_specializes_into_a_tight_loop() {
    assert_tight_loop(&example());
}

/// The WEVAL_COMPAT=1 variant (JMPNZ's taken edge pops and pushes the
/// context itself) specializes just as well.
#[test]
fn weval_compat_variant_specializes_into_a_tight_loop() {
    assert_tight_loop(&build(true).unwrap_or_else(|e| panic!("{e}")));
}

fn assert_tight_loop(input: &[u8]) {
    let options = pweval::Options { wizen: Some(Default::default()), ..Default::default() };
    let out = pweval::process(input, &options).expect("pweval -w");
    assert_eq!(out.report.specialized(), 1, "{:?}", out.report.diagnostics);
    let generic = pweval::process(input, &pweval::Options { generic_only: true, ..options.clone() })
        .expect("generic");
    assert_eq!(run(&out.wasm), "Result: 500500\n");
    assert_eq!(run(&generic.wasm), "Result: 500500\n");

    let printed = wasmprinter::print_bytes(&out.wasm).expect("print");
    let f = super::filetests::function_text(&printed, "$interpret_spec.pweval.1").expect("specialized function");
    assert!(!f.contains("br_table"), "dispatch left:\n{f}");
    assert!(!f.contains("i64.load"), "bytecode (u64 words) still loaded:\n{f}");
    // Every block on a cycle of the specialized function (the loop) is
    // free of memory accesses and calls: the VM's locals live in SSA values.
    let info = pweval::module::parse::ModuleInfo::parse(&out.wasm).unwrap();
    let (&index, _) = info.func_names.iter().find(|(_, n)| *n == "interpret_spec.pweval.1").unwrap();
    let module = waffle::Module::from_wasm_bytes(&out.wasm, &Default::default()).unwrap();
    let body = module.clone_and_expand_body(waffle::Func::from(index)).unwrap();
    let mut looping = 0;
    for block in body.blocks.iter() {
        if !reaches(&body, block, block) {
            continue;
        }
        looping += 1;
        for &inst in &body.blocks[block].insts {
            if let waffle::ValueDef::Operator(op, _, _) = &body.values[inst] {
                assert!(!op.accesses_memory() && !op.is_call(), "{op} in the loop:\n{f}");
            }
        }
    }
    assert!(looping > 0, "no loop in:\n{f}");
}

#[test]
fn generic_jit_and_precompiled_runs_print_the_same() {
    let input = example();
    let options = pweval::Options { wizen: Some(Default::default()), ..Default::default() };
    let spec = pweval::process(&input, &options).expect("pweval -w");
    let generic = pweval::process(&input, &pweval::Options { generic_only: true, ..options }).unwrap();
    let engine = wasmtime::Engine::default();
    let capture = RunOptions { capture: true, ..Default::default() };
    let cwasm = runner::precompile(&engine, &spec.wasm).expect("precompile");
    let runs = [
        runner::run(&engine, &generic.wasm, false, &capture).unwrap(),
        runner::run(&engine, &spec.wasm, false, &capture).unwrap(),
        runner::run(&engine, &cwasm, true, &capture).unwrap(),
    ];
    for run in &runs[1..] {
        assert_eq!(run.stdout, runs[0].stdout);
        assert_eq!(run.exit_code, runs[0].exit_code);
        assert_eq!(run.trap, runs[0].trap);
    }
    assert_eq!(String::from_utf8_lossy(&runs[0].stdout), "Result: 500500\n");
    // A precompiled artifact is not a module, and a module is not an artifact.
    assert!(runner::run(&engine, &spec.wasm, true, &capture).is_err());
}
