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
