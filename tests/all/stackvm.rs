//! The realistic guest (examples/stackvm): every suite program, snapshot
//! with its source read by the init function through a preopened directory,
//! one request per bytecode function, run specialized and generic at small
//! scale; both must print the expected output.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pweval::runner::{self, RunOptions};

/// Build examples/stackvm once.
pub fn stackvm_wasm() -> Vec<u8> {
    static BUILT: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stackvm");
            let status = std::process::Command::new("make")
                .args(["-s", "-C"])
                .arg(root.join("examples/stackvm"))
                .arg(format!("OUT={}", out.display()))
                .arg(format!("{}/stackvm.wasm", out.display()))
                .status()
                .map_err(|e| format!("make: {e}"))?;
            if !status.success() {
                return Err("building examples/stackvm failed; run scripts/install-toolchain.sh".into());
            }
            std::fs::read(out.join("stackvm.wasm")).map_err(|e| e.to_string())
        })
        .clone()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A directory holding `program.asm` with `source`, for the init function.
pub fn program_dir(name: &str, source: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stackvm-programs").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("program.asm"), source).unwrap();
    dir
}

/// Snapshot `source` and run pweval: (specialized, generic-only) outputs.
pub fn specialize(name: &str, source: &str) -> (pweval::Output, pweval::Output) {
    let dir = program_dir(name, source);
    let wizen = pweval::WizenOptions { dirs: vec![(dir, "/".into())], ..Default::default() };
    let options = pweval::Options { wizen: Some(wizen), ..Default::default() };
    let snapshot = pweval::process(&stackvm_wasm(), &pweval::Options { snapshot_only: true, ..options.clone() })
        .unwrap_or_else(|e| panic!("{name}: snapshot: {e}"));
    let spec = pweval::process(&snapshot.wasm, &pweval::Options::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let generic = pweval::process(&snapshot.wasm, &pweval::Options { generic_only: true, ..Default::default() })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    (spec, generic)
}

pub fn run(engine: &wasmtime::Engine, wasm: &[u8], args: &[String]) -> runner::RunResult {
    let options = RunOptions { args: args.to_vec(), capture: true, ..RunOptions::default() };
    runner::run(engine, wasm, false, &options).expect("run")
}

#[test]
fn suite_programs_agree_specialized_and_generic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/stackvm/programs");
    let engine = wasmtime::Engine::default();
    let mut checked = 0;
    for name in ["fib", "sieve", "matmul", "mandelbrot", "nbody", "calls"] {
        let source = std::fs::read_to_string(root.join(format!("{name}.asm"))).unwrap();
        let small = source
            .lines()
            .find_map(|l| l.trim().strip_prefix("; small-scale:"))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| panic!("{name}.asm has no small-scale line"));
        let expected = std::fs::read(root.join(format!("expected/{name}.small.out"))).unwrap();
        let (spec, generic) = specialize(name, &source);
        assert_eq!(spec.report.skipped, 0, "{name}: {:?}", spec.report.diagnostics);
        assert!(spec.report.specialized() >= 2, "{name}: one request per function");
        // Every program calls at least one function from `main` through a
        // constant CALL, which is inlined (a request chain).
        let inlined: usize = spec.report.requests.iter().filter_map(|r| r.stats.as_ref()).map(|s| s.inlined_calls).sum();
        assert!(inlined > 0, "{name}: no bytecode call was inlined");
        let args = vec!["--scale".to_string(), small];
        let s = run(&engine, &spec.wasm, &args);
        let g = run(&engine, &generic.wasm, &args);
        assert_eq!(s.trap, None, "{name}");
        assert_eq!(String::from_utf8_lossy(&s.stdout), String::from_utf8_lossy(&expected), "{name} specialized");
        assert_eq!(String::from_utf8_lossy(&g.stdout), String::from_utf8_lossy(&expected), "{name} generic");
        assert_eq!((s.exit_code, &s.stderr), (g.exit_code, &g.stderr), "{name}");
        checked += 1;
    }
    assert_eq!(checked, 6);
}
