//! include/weval.h compiles cleanly wherever guests are built: one guest
//! using every helper (tests/guests/header_helpers.c, valid C and C++) is
//! built with -Wall -Wextra -Werror by clang 14, 19 and 22 for wasm32-wasi, as
//! C99, C11, C++14 and C++17, in both intrinsic modes. Where a combination
//! links, the result is checked too:
//! - inline-intrinsics mode runs and prints every request byte by byte, which
//!   must equal the records built here from `pweval::requests::abi` (so the
//!   C builder and the C++ helpers, with and without C++17 deduction, file
//!   identical requests);
//! - import mode is snapshotted and pweval must read the same requests from
//!   every build.
//!
//! Toolchains: clang 14 (Debian's `clang`, the project's default) is
//! required. clang-19 and clang-22 are skipped, loudly, when not installed
//! (scripts/install-toolchain.sh installs them in CI). Only clang++ 14 links
//! C++, because only libc++ 14 is installed for wasm32; the other C++ builds
//! are compile-only (`-c`). Debian's clang-N runs `wasm-ld-N` (package
//! lld-N); without it the unversioned `wasm-ld` (lld 14) links. clang 20 and
//! later deprecate `--target=wasm32-wasi` (a -Werror failure), so clang-22
//! uses `--target=wasm32-wasip1` with a sysroot whose `wasm32-wasip1`
//! directories point at Debian's wasi-libc (/usr/include/wasm32-wasi,
//! /usr/lib/wasm32-wasi).

use std::path::{Path, PathBuf};
use std::process::Command;

use pweval::requests::abi::{arg, ty};
use pweval::requests::{ArgSpec, ConstArg};

const INSTALL_HINT: &str = "the wasm32-wasi C toolchain is needed for this test; run \
                            scripts/install-toolchain.sh";

struct Compiler {
    cc: &'static str,
    cxx: &'static str,
    /// Whether C++ links (libc++ of this version is installed for wasm32).
    links_cxx: bool,
    /// The linker the driver runs by default; `-fuse-ld=lld` (the
    /// unversioned `wasm-ld`) when it is not installed.
    wasm_ld: &'static str,
    /// `--target=wasm32-wasip1` with the Debian sysroot shim, rather than the
    /// deprecated `--target=wasm32-wasi`.
    wasip1: bool,
    /// clang 14 is the project's toolchain: missing is a failure, not a skip.
    required: bool,
}

const COMPILERS: [Compiler; 3] = [
    Compiler { cc: "clang", cxx: "clang++", links_cxx: true, wasm_ld: "wasm-ld", wasip1: false, required: true },
    Compiler { cc: "clang-19", cxx: "clang++-19", links_cxx: false, wasm_ld: "wasm-ld-19", wasip1: false, required: false },
    Compiler { cc: "clang-22", cxx: "clang++-22", links_cxx: false, wasm_ld: "wasm-ld-22", wasip1: true, required: false },
];

const C_STDS: [&str; 2] = ["c99", "c11"];
const CXX_STDS: [&str; 2] = ["c++14", "c++17"];

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

fn work_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("header");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A sysroot in which clang's wasm32-wasip1 paths (`include/wasm32-wasip1`,
/// `lib/wasm32-wasip1`) are Debian's wasm32-wasi wasi-libc.
fn wasip1_sysroot() -> PathBuf {
    let root = work_dir().join("sysroot-wasip1");
    for (sub, target) in [("include", "/usr/include/wasm32-wasi"), ("lib", "/usr/lib/wasm32-wasi")] {
        let dir = root.join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        let link = dir.join("wasm32-wasip1");
        if std::fs::read_link(&link).ok().as_deref() != Some(Path::new(target)) {
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(target, &link).unwrap();
        }
    }
    root
}

/// What one build does with the guest.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    Link,
    CompileOnly,
    SyntaxOnly,
}

/// One (driver, -std, mode) build: the driver's flags and a readable name.
struct Build {
    name: String,
    driver: &'static str,
    args: Vec<String>,
    output: Option<PathBuf>,
}

fn builds(sysroot: &Path, failures: &mut Vec<String>) -> Vec<Build> {
    let guest = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guests/header_helpers.c");
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("include");
    let dir = work_dir();
    let mut out = Vec::new();
    for c in &COMPILERS {
        for (driver, lang, stds, links) in
            [(c.cc, "c", &C_STDS, true), (c.cxx, "c++", &CXX_STDS, c.links_cxx)]
        {
            if !on_path(driver) {
                if c.required {
                    failures.push(format!("{driver} is not installed: {INSTALL_HINT}"));
                } else {
                    eprintln!(
                        "\n**************************************************************\n\
                         header.rs: SKIPPING {driver}: not installed, so include/weval.h is\n\
                         NOT checked with it (scripts/install-toolchain.sh installs it)\n\
                         **************************************************************\n"
                    );
                }
                continue;
            }
            let target: Vec<String> = if c.wasip1 {
                vec!["--target=wasm32-wasip1".into(), format!("--sysroot={}", sysroot.display())]
            } else {
                vec!["--target=wasm32-wasi".into()]
            };
            for std in stds.iter() {
                for (mode, defines) in [
                    ("import mode", &[][..]),
                    ("inline-intrinsics mode", &["-DPWEVAL_INLINE_INTRINSICS"][..]),
                    ("PWEVAL_DEFAULT_INIT", &["-DHEADER_DEFAULT_INIT"][..]),
                ] {
                    let step = match (mode, links) {
                        ("PWEVAL_DEFAULT_INIT", _) => Step::SyntaxOnly,
                        (_, true) => Step::Link,
                        (_, false) => Step::CompileOnly,
                    };
                    let name = format!(
                        "{driver} -std={std} {mode}{}",
                        match step {
                            Step::Link => ", linked",
                            Step::CompileOnly => ", compiled (-c)",
                            Step::SyntaxOnly => " (-fsyntax-only)",
                        }
                    );
                    let mut args = target.clone();
                    args.extend(["-x", lang].map(String::from));
                    args.push(format!("-std={std}"));
                    args.extend(["-O2", "-Wall", "-Wextra", "-Werror"].map(String::from));
                    args.push(format!("-I{}", include.display()));
                    args.extend(defines.iter().map(|d| d.to_string()));
                    let file = format!("{driver}_{std}_{}", mode.split(' ').next().unwrap())
                        .replace('+', "x");
                    let output = match step {
                        Step::Link => {
                            args.push("-nostartfiles".into());
                            if !on_path(c.wasm_ld) {
                                args.push("-fuse-ld=lld".into());
                            }
                            Some(dir.join(format!("{file}.wasm")))
                        }
                        Step::CompileOnly => {
                            args.push("-c".into());
                            Some(dir.join(format!("{file}.o")))
                        }
                        Step::SyntaxOnly => {
                            args.push("-fsyntax-only".into());
                            None
                        }
                    };
                    if let Some(o) = &output {
                        args.extend(["-o".into(), o.display().to_string()]);
                    }
                    args.push(guest.display().to_string());
                    out.push(Build { name, driver, args, output: output.filter(|_| step == Step::Link) });
                }
            }
        }
    }
    out
}

/// One argument record as the guest lays it out.
fn record(specialize: u32, tag: u32, raw: u64) -> Vec<u8> {
    let mut r = vec![0u8; arg::SIZE as usize];
    r[arg::SPECIALIZE as usize..][..4].copy_from_slice(&specialize.to_le_bytes());
    r[arg::TY as usize..][..4].copy_from_slice(&tag.to_le_bytes());
    r[arg::VALUE as usize..][..8].copy_from_slice(&raw.to_le_bytes());
    r
}

/// The guest's bytecode (`program` in header_helpers.c).
const PROGRAM: [u8; 10] = [0, 2, 0, 3, 1, 2, 1, 3, 1, 4];

/// What the inline-intrinsics build prints: the requests newest first, then
/// the generic results.
fn expected_stdout() -> String {
    let i32c = |v: u32| record(1, ty::I32, v as u64);
    let i64c = |v: u64| record(1, ty::I64, v);
    let mut buffer = record(1, ty::BUFFER, 0);
    let padded = PROGRAM.len().next_multiple_of(8);
    buffer[arg::BUF_LEN as usize..][..4].copy_from_slice(&(PROGRAM.len() as u32).to_le_bytes());
    buffer[arg::BUF_PADDED_LEN as usize..][..4].copy_from_slice(&(padded as u32).to_le_bytes());
    buffer.extend(PROGRAM);
    buffer.resize(arg::SIZE as usize + padded, 0);
    let requests: [(u32, u32, Vec<Vec<u8>>); 3] = [
        (3, 2, vec![record(1, ty::F32, 0.5f32.to_bits() as u64), record(1, ty::F64, (-1.0f64).to_bits())]),
        (2, 0, vec![
            i32c(1),
            i32c(-3i32 as u32),
            i32c(-5i32 as u32),
            i32c(7),
            i64c(-6i64 as u64),
            i64c(0x8000_0000_0000_0001),
            record(1, ty::F32, 1.5f32.to_bits() as u64),
            record(1, ty::F64, 2.25f64.to_bits()),
            i32c(0x1234),
            i32c(2),
            i32c(2),
        ]),
        (1, 1, vec![i64c(7), buffer, i32c(PROGRAM.len() as u32), i32c(1), record(0, ty::NONE, 0)]),
    ];
    let mut s = String::new();
    for (user_id, num_globals, records) in requests {
        let bytes = records.concat();
        s += &format!("request user_id {user_id} num_globals {num_globals} arglen {}:", bytes.len());
        for b in bytes {
            s += &format!(" {b:02x}");
        }
        s += "\n";
    }
    s + "is_wevaled 0\ninterp 5\nmix 3 noargs 42\n"
}

/// The requests pweval reads from a snapshot, without addresses and function
/// indices (which differ from build to build).
fn snapshot_requests(wasm: &[u8]) -> Result<String, String> {
    let options = pweval::Options {
        wizen: Some(pweval::WizenOptions::default()),
        snapshot_only: true,
        ..pweval::Options::default()
    };
    let snapshot = pweval::process(wasm, &options).map_err(|e| format!("pweval -w: {e}"))?;
    let (requests, diagnostics) =
        pweval::list_requests(&snapshot.wasm).map_err(|e| format!("listing requests: {e}"))?;
    if !diagnostics.is_empty() {
        return Err(format!("diagnostics: {diagnostics:?}"));
    }
    let plain = |c: &ConstArg| match c {
        ConstArg::Buffer { bytes, .. } => format!("Buffer({bytes:?})"),
        other => format!("{other:?}"),
    };
    Ok(requests
        .iter()
        .map(|r| {
            let globals: Vec<String> = r.globals.iter().map(plain).collect();
            let args: Vec<String> = r
                .args
                .iter()
                .map(|a| match a {
                    ArgSpec::Runtime => "Runtime".to_string(),
                    ArgSpec::Const(c) => plain(c),
                })
                .collect();
            format!("user_id {} globals {globals:?} args {args:?}\n", r.user_id)
        })
        .collect())
}

#[test]
fn header_builds_warning_free_with_every_compiler_and_standard() {
    let sysroot = wasip1_sysroot();
    let mut failures = Vec::new();
    let builds = builds(&sysroot, &mut failures);

    // Compile everything, four builds at a time.
    let mut results: Vec<(usize, std::io::Result<std::process::Output>)> = Vec::new();
    let indexed: Vec<(usize, &Build)> = builds.iter().enumerate().collect();
    for chunk in indexed.chunks(4) {
        std::thread::scope(|s| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|&(i, b)| s.spawn(move || (i, Command::new(b.driver).args(&b.args).output())))
                .collect();
            results.extend(handles.into_iter().map(|h| h.join().unwrap()));
        });
    }

    let engine = wasmtime::Engine::default();
    let expected = expected_stdout();
    let mut reference: Option<(String, String)> = None; // (build name, requests)
    let mut checked = Vec::new();
    for (i, result) in results {
        let b = &builds[i];
        let out = match result {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("{}: cannot run {}: {e}", b.name, b.driver));
                continue;
            }
        };
        if !out.status.success() || !out.stderr.is_empty() {
            failures.push(format!(
                "{}: {}\n  {} {}\n{}",
                b.name,
                if out.status.success() { "diagnostics" } else { "failed" },
                b.driver,
                b.args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        checked.push(b.name.clone());
        let Some(wasm_path) = &b.output else { continue };
        let wasm = std::fs::read(wasm_path).unwrap();
        if b.args.iter().any(|a| a == "-DPWEVAL_INLINE_INTRINSICS") {
            let options = pweval::runner::RunOptions { capture: true, ..Default::default() };
            match pweval::runner::run(&engine, &wasm, false, &options) {
                Ok(r) if r.exit_code == 0 && r.trap.is_none() && r.stdout == expected.as_bytes() => {}
                Ok(r) => failures.push(format!(
                    "{}: the guest printed (exit code {}, trap {:?}):\n{}\nexpected:\n{expected}",
                    b.name,
                    r.exit_code,
                    r.trap,
                    String::from_utf8_lossy(&r.stdout)
                )),
                Err(e) => failures.push(format!("{}: cannot run the guest: {e}", b.name)),
            }
        } else {
            match snapshot_requests(&wasm) {
                Ok(listed) => match &reference {
                    None if listed.matches("user_id").count() == 3 => reference = Some((b.name.clone(), listed)),
                    None => failures.push(format!("{}: expected 3 requests, pweval read:\n{listed}", b.name)),
                    Some((name, want)) if *want != listed => failures.push(format!(
                        "{}: pweval reads different requests than from {name}:\n{listed}\nvs\n{want}",
                        b.name
                    )),
                    Some(_) => {}
                },
                Err(e) => failures.push(format!("{}: {e}", b.name)),
            }
        }
    }
    eprintln!("header.rs: {} builds clean: {}", checked.len(), checked.join("; "));
    assert!(
        failures.is_empty(),
        "include/weval.h is not clean in {} build(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
