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
