//! The command line as a user meets it: exit codes, messages, files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pweval(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pweval")).args(args).output().expect("run pweval")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pweval-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const MODULE: &str = r#"(module (func (export "f") (result i32) (i32.const 1)))"#;

fn write_module(dir: &Path) -> PathBuf {
    let path = dir.join("in.wasm");
    std::fs::write(&path, wat::parse_str(MODULE).expect("wat")).expect("write");
    path
}

#[test]
fn passes_a_module_through_unchanged() {
    let dir = scratch("through");
    let input = write_module(&dir);
    let output = dir.join("out.wasm");
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", output.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&input).unwrap(), std::fs::read(&output).unwrap());
    assert!(stderr(&out).contains("byte-identical"), "{}", stderr(&out));
    // Long option names work too, and `-o -` writes to standard output.
    let out = pweval(&["--input", input.to_str().unwrap(), "--output", "-"]);
    assert!(out.status.success());
    assert_eq!(out.stdout, std::fs::read(&input).unwrap());
}

#[test]
fn malformed_input_is_one_line_with_offset_and_exit_1() {
    let dir = scratch("malformed");
    let input = dir.join("bad.wasm");
    let mut bytes = wat::parse_str(MODULE).unwrap();
    bytes.truncate(bytes.len() - 3);
    std::fs::write(&input, &bytes).unwrap();
    let output = dir.join("out.wasm");
    std::fs::write(&output, b"previous contents").unwrap();
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", output.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.trim_end().contains(", at byte offset "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    // The existing output is untouched and no temporary file is left.
    assert_eq!(std::fs::read(&output).unwrap(), b"previous contents");
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".tmp")).collect();
    assert!(leftovers.is_empty());
}

#[test]
fn invalid_module_names_the_problem() {
    let dir = scratch("invalid");
    let input = dir.join("invalid.wat");
    std::fs::write(&input, r#"(module (func (result i32) (i64.const 1)))"#).unwrap();
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", dir.join("o.wasm").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("type mismatch") && err.contains("at byte offset"), "{err}");
    assert!(!dir.join("o.wasm").exists());
}

#[test]
fn missing_input_and_unwritable_output_are_clear() {
    let dir = scratch("files");
    let out = pweval(&["-i", dir.join("nope.wasm").to_str().unwrap(), "-o", dir.join("o.wasm").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read input file"), "{}", stderr(&out));
    let input = write_module(&dir);
    let bad_out = dir.join("no/such/dir/o.wasm");
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", bad_out.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot write output file"), "{}", stderr(&out));
}

#[test]
fn refuses_to_overwrite_the_input_unless_forced() {
    let dir = scratch("overwrite");
    let input = write_module(&dir);
    let before = std::fs::read(&input).unwrap();
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", input.to_str().unwrap(), "--force"]);
    assert!(out.status.success());
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn help_explains_the_main_options() {
    let out = pweval(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--input", "--output", "--wizen", "--strict", "--dir", "--init-func", "--list-requests", "--stats"] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
    assert!(!help.contains("--rewrite-all"));
}

fn write_wat(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn wizen_errors_name_the_init_function() {
    let dir = scratch("wizen-errors");
    let out_path = dir.join("o.wasm");
    let o = out_path.to_str().unwrap();
    let none = write_wat(&dir, "none.wat", MODULE);
    let out = pweval(&["-w", "-i", none.to_str().unwrap(), "-o", o]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("exports no init function (looked for `wizer-initialize` and `wizer.initialize`)"), "{}", stderr(&out));
    let out = pweval(&["-w", "--init-func", "setup", "-i", none.to_str().unwrap(), "-o", o]);
    assert!(stderr(&out).contains("does not export the init function `setup`"), "{}", stderr(&out));
    let traps = write_wat(&dir, "traps.wat", r#"(module (func (export "wizer-initialize") unreachable))"#);
    let out = pweval(&["-w", "-i", traps.to_str().unwrap(), "-o", o]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("init function `wizer-initialize`") && err.contains("trapped"), "{err}");
    assert!(!out_path.exists());
}

#[test]
fn wizen_snapshots_state_and_resumes_at_wizer_resume() {
    // Only the older init name is exported: pweval falls back to it. The
    // snapshot keeps the global it set, and `_start` becomes `wizer.resume`.
    let wat = r#"(module
      (global $g (export "g") (mut i32) (i32.const 0))
      (func (export "wizer.initialize") (global.set $g (i32.const 10)))
      (func (export "_start") (global.set $g (i32.const 1)))
      (func (export "wizer.resume") (global.set $g (i32.add (global.get $g) (i32.const 5)))))"#;
    let input = wat::parse_str(wat).unwrap();
    let options = pweval::Options { wizen: Some(Default::default()), ..Default::default() };
    let out = pweval::process(&input, &options).expect("wizen");
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::new(&engine, &out.wasm).unwrap();
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = wasmtime::Instance::new(&mut store, &module, &[]).unwrap();
    let g = instance.get_global(&mut store, "g").unwrap();
    assert_eq!(g.get(&mut store).unwrap_i32(), 10, "the snapshot keeps the init state");
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start").unwrap();
    start.call(&mut store, ()).unwrap();
    assert_eq!(g.get(&mut store).unwrap_i32(), 15, "_start runs wizer.resume");
    assert!(instance.get_func(&mut store, "wizer.initialize").is_none(), "init export removed");
}

#[test]
fn list_requests_prints_requests_without_writing() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests/requests/answered.wat");
    let out = pweval(&["--list-requests", "-i", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1 request(s)"), "{text}");
    assert!(text.contains("request #0 (user_id 7, function sum_bytes)"), "{text}");
    assert!(text.contains("arg 0: constant memory, 5 bytes"), "{text}");
    assert!(text.contains("arg 1: constant i32 5"), "{text}");
}

#[test]
fn writing_to_a_device_keeps_the_device() {
    let dir = scratch("device");
    let input = write_module(&dir);
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", "/dev/null"]);
    assert!(out.status.success(), "{}", stderr(&out));
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::metadata("/dev/null").unwrap().file_type();
    assert!(kind.is_char_device(), "/dev/null was replaced by a file");
}

fn filetest(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests").join(path)
}

#[test]
fn dump_ir_on_fallback_writes_the_partial_function_with_the_failure_marked() {
    // Two fallbacks: the guest aborts while a block is walked; a budget runs
    // out while an edge is made.
    let cases = [
        ("engine/abort.wat", &[][..], "the guest aborted specialization (abort.specialization at line 77"),
        ("engine/dispatch_gone.wat", &["--max-blocks", "8"][..], "budget exceeded: 9 blocks > limit 8"),
    ];
    for (i, (file, flags, why)) in cases.into_iter().enumerate() {
        let dir = scratch(&format!("dump-ir-fallback-{i}"));
        let ir_dir = dir.join("ir");
        let input = filetest(file);
        let o = dir.join("o.wasm");
        let mut args = vec!["-i", input.to_str().unwrap(), "-o", o.to_str().unwrap()];
        args.extend_from_slice(&["--dump-ir", ir_dir.to_str().unwrap()]);
        args.extend_from_slice(flags);
        let out = pweval(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).contains(why), "{}", stderr(&out));
        // The same names as for a specialized request.
        let generic = std::fs::read_to_string(ir_dir.join("interp.1.generic.ir")).expect("generic IR written");
        let specialized =
            std::fs::read_to_string(ir_dir.join("interp.1.specialized.ir")).expect("specialized IR written");
        assert!(generic.starts_with("function("), "{generic}");
        assert!(specialized.starts_with(&format!("# specialization failed: {why}")), "{specialized}");
        // The partial function, with the marker right after the header of
        // the block that failed.
        let lines: Vec<&str> = specialized.lines().collect();
        let at = lines.iter().position(|l| l.contains("# <-- specialization failed here: ")).expect("marker");
        assert!(lines[at - 1].trim_start().starts_with("block"), "{specialized}");
        assert!(lines[at].contains(why), "{specialized}");
        assert!(lines.iter().any(|l| l.trim_start().starts_with("br block")), "{specialized}");
    }
}

/// `--stats`' instruction count after specialization (`instructions A -> B`).
fn insts_out(stats: &str) -> usize {
    let tail = stats.split("instructions ").nth(1).expect("instructions in --stats");
    let out = tail.split(" -> ").nth(1).expect("->");
    out.split(',').next().unwrap().trim().parse().expect("a number")
}

/// The explain text's rows as (place, [insts, loads, stores, calls, traps]).
fn explain_rows(text: &str) -> Vec<(String, Vec<usize>)> {
    text.lines()
        .filter(|l| l.starts_with("  ") && !l.trim_start().starts_with("pc "))
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            let numbers = cells[1..].iter().filter_map(|c| c.parse().ok()).collect();
            (cells[0].to_string(), numbers)
        })
        .collect()
}

#[test]
fn explain_shows_what_remains_per_pc() {
    let dir = scratch("explain");
    let input = filetest("engine/runtime_load.wat");
    let o = dir.join("o.wasm");
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", o.to_str().unwrap(), "--explain", "--stats"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.starts_with("request #0 (user_id 1, function interp): interp.pweval.1, 14 contexts, "), "{text}");
    let rows = explain_rows(&text);
    let row = |place: &str| rows.iter().find(|(p, _)| p == place).map(|(_, n)| n.clone());
    // LOADM is at PC 5 (a load of runtime memory inside the loop), DIVI at
    // PC 6 (a division, which can trap); neither anywhere else.
    let loadm = row("5").unwrap_or_else(|| panic!("no row for pc 5:\n{text}"));
    assert_eq!(loadm[1], 1, "one load at pc 5:\n{text}");
    let divi = row("6").unwrap_or_else(|| panic!("no row for pc 6:\n{text}"));
    assert_eq!(divi[4], 1, "one trapping operator at pc 6:\n{text}");
    let total = row("total").expect("total row");
    assert_eq!(total[1], 1, "{text}");
    assert_eq!(total[4], 1, "{text}");
    // Rows add up to the total, which is --stats' instruction count.
    let sum: usize = rows.iter().filter(|(p, _)| p != "total").map(|(_, n)| n[0]).sum();
    assert_eq!(sum, total[0], "{text}");
    assert_eq!(total[0], insts_out(&stderr(&out)), "{text}\n{}", stderr(&out));

    // JSON: the same numbers in one document; with `-o -` it goes to
    // standard error, leaving standard output to the module.
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", "-", "--explain=json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"\0asm"));
    let err = stderr(&out);
    let json_text = &err[err.find('{').expect("JSON on stderr")..err.rfind('}').unwrap() + 1];
    let doc: serde_json::Value = serde_json::from_str(json_text).unwrap_or_else(|e| panic!("{e}:\n{json_text}"));
    let requests = doc["requests"].as_array().expect("requests");
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r["specialized_function"], "interp.pweval.1");
    assert_eq!(r["contexts"], 14);
    let rows = r["rows"].as_array().expect("rows");
    let at5 = rows.iter().find(|row| row["pc"] == 5).expect("pc 5");
    assert_eq!(at5["loads"], 1);
    // Nothing is inlined: every PC row is the request's own code.
    assert!(rows.iter().filter(|row| row["kind"] == "pc").all(|row| row["depth"] == 1), "{json_text}");
    let insts: u64 = rows.iter().map(|row| row["insts"].as_u64().unwrap()).sum();
    assert_eq!(insts, r["total"]["insts"].as_u64().unwrap());
    assert_eq!(insts as usize, total[0]);
}

#[test]
fn explain_on_the_seed_example_stats_flag_zero_contexts_strict_refuses_empty() {
    // The seed shape (filetest): rows for the bytecode PCs, totals equal to
    // the specialized function's instruction count.
    let dir = scratch("explain-seed");
    let o = dir.join("o.wasm");
    let input = filetest("engine/dispatch_gone.wat");
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", o.to_str().unwrap(), "--explain", "--stats"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let rows = explain_rows(&text);
    assert!(rows.iter().filter(|(p, _)| p.parse::<u32>().is_ok()).count() >= 2, "{text}");
    let total = &rows.iter().find(|(p, _)| p == "total").expect("total").1;
    assert_eq!(total[0], insts_out(&stderr(&out)), "{text}");
    assert!(!stderr(&out).contains("0 contexts"), "{}", stderr(&out));

    // A request answered without reaching a context intrinsic (only its
    // constants were specialized) is flagged in --stats.
    let input = filetest("engine/specialize_value.wat");
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", o.to_str().unwrap(), "--stats"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("0 contexts (no context: only constant arguments were specialized)"), "{err}");
    assert!(err.contains("1 of 1 specialized request(s) had 0 contexts"), "{err}");

    // One that specializes nothing is refused, and --strict fails on it.
    let input = filetest("engine/no_context.wat");
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", o.to_str().unwrap(), "--strict"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("the interpreter body 'interp' is called, not inlined"), "{err}");
}

#[test]
fn help_documents_explain() {
    let out = pweval(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--explain[=<FORMAT>]"), "{help}");
    assert!(help.contains("--dump-ir"), "{help}");
}

#[test]
fn strict_prints_the_warnings_it_refers_to_and_writes_nothing() {
    let dir = scratch("strict");
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests/engine/runtime_pc.wat");
    let output = dir.join("out.wasm");
    let out = pweval(&["-i", input.to_str().unwrap(), "-o", output.to_str().unwrap(), "--strict"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    let warning = text.lines().position(|l| l.starts_with("warning: request #0") && l.contains("runtime value"));
    let error = text.lines().position(|l| l.starts_with("error: --strict"));
    assert!(matches!((warning, error), (Some(w), Some(e)) if w < e), "warning before the error:\n{text}");
    assert!(!output.exists(), "--strict failure writes nothing");
}

#[test]
fn run_perf_map_names_the_modules_functions() {
    // A WASI command whose one function has a name: the perf map the
    // runner asks wasmtime for must name it, under the child's pid.
    let dir = scratch("perf-map");
    let path = dir.join("cmd.wasm");
    let wat = r#"(module (func $pweval_perf_map_probe (export "_start")))"#;
    std::fs::write(&path, wat::parse_str(wat).expect("wat")).expect("write");
    let child = Command::new(env!("CARGO_BIN_EXE_pweval"))
        .args(["run", "--perf-map"])
        .arg(&path)
        .spawn()
        .expect("run pweval");
    let pid = child.id();
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "pweval run --perf-map failed");
    // wasmtime writes the map to /tmp whatever TMPDIR says.
    let map_path = Path::new("/tmp").join(format!("perf-{pid}.map"));
    let map = std::fs::read_to_string(&map_path).unwrap_or_default();
    let _ = std::fs::remove_file(&map_path);
    assert!(map.contains("pweval_perf_map_probe"), "perf map {}:\n{map}", map_path.display());
}
