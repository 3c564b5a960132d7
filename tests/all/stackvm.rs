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

/// Function names by index and body sizes by defined-function position.
fn names_and_body_sizes(wasm: &[u8]) -> (u32, Vec<(u32, String)>, Vec<usize>, Vec<Vec<u32>>) {
    let mut imported = 0;
    let mut names = Vec::new();
    let mut sizes = Vec::new();
    let mut segments = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.expect("output parses") {
            wasmparser::Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import.expect("import").ty, wasmparser::TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            wasmparser::Payload::CodeSectionEntry(body) => sizes.push(body.range().len()),
            wasmparser::Payload::ElementSection(reader) => {
                for element in reader {
                    if let wasmparser::ElementItems::Functions(funcs) = element.expect("element").items {
                        segments.push(funcs.into_iter().map(|f| f.expect("index")).collect());
                    }
                }
            }
            wasmparser::Payload::CustomSection(custom) => {
                if let wasmparser::KnownCustom::Name(reader) = custom.as_known() {
                    for sub in reader {
                        if let wasmparser::Name::Function(map) = sub.expect("name subsection") {
                            for naming in map {
                                let naming = naming.expect("naming");
                                names.push((naming.index, naming.name.to_string()));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    (imported, names, sizes, segments)
}

/// The specialized bodies take the indices right after the first defined
/// function, largest first (wasmtime compiles in index order: appended, the
/// largest was compiled last with a core idle; and a change to the first
/// function still moves them, which `bench/placement.py` relies on), the
/// input's functions keep their order, and the new element segment still
/// gives each request its own body: the specialized run prints what the
/// generic one does.
#[test]
fn specialized_bodies_come_early_largest_first() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/stackvm/programs");
    let source = std::fs::read_to_string(root.join("calls.asm")).unwrap();
    let (spec, generic) = specialize("order", &source);
    let new = spec.report.specialized() as u32;
    assert!(new >= 2, "calls.asm has several functions");
    let (imported, names, sizes, segments) = names_and_body_sizes(&spec.wasm);
    let (g_imported, g_names, g_sizes, _) = names_and_body_sizes(&generic.wasm);
    assert_eq!(imported, g_imported);
    let name_of = |names: &[(u32, String)], index: u32| {
        names.iter().find(|(i, _)| *i == index).map(|(_, n)| n.clone()).unwrap_or_default()
    };
    let specialized: Vec<u32> =
        names.iter().filter(|(_, n)| n.contains(".pweval.")).map(|&(i, _)| i).collect();
    assert_eq!(specialized.len() as u32, new, "one body per request");
    let first = specialized[0];
    assert_eq!(specialized, (first..first + new).collect::<Vec<_>>(), "the bodies are not together");
    assert_eq!(first, imported + 1, "the bodies do not follow the first defined function");
    let front: Vec<usize> = (first..first + new).map(|i| sizes[(i - imported) as usize]).collect();
    assert!(front.windows(2).all(|w| w[0] >= w[1]), "not largest first: {front:?}");
    // The input's functions, all but the first moved up by `new`, in
    // order, unchanged in name.
    assert_eq!(sizes.len() - new as usize, g_sizes.len(), "only specialized bodies were added");
    for (index, name) in &g_names {
        let moved = if *index < first { *index } else { index + new };
        assert_eq!(&name_of(&names, moved), name, "function {index} of the input");
    }
    // The last segment places exactly the new functions.
    let last = segments.last().expect("an element segment");
    let mut placed = last.clone();
    placed.sort();
    assert_eq!(placed, (first..first + new).collect::<Vec<_>>());
    let engine = wasmtime::Engine::default();
    let args = vec!["--scale".to_string(), "50".to_string()];
    let s = run(&engine, &spec.wasm, &args);
    let g = run(&engine, &generic.wasm, &args);
    assert_eq!(s.trap, None);
    assert_eq!((s.exit_code, &s.stdout, &s.stderr), (g.exit_code, &g.stdout, &g.stderr));
}
