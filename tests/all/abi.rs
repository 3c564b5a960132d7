//! include/weval.h and pweval agree on the request ABI. The Rust constants in
//! `pweval::requests::abi` are the single source of truth: this file turns
//! them into C `static_assert`s against the header's structs, macros and
//! enum, and has clang (for wasm32-wasi, as C and as C++) check them. The
//! export names that `WEVAL_DEFINE_GLOBALS` produces are read back from a
//! linked module. A negative control perturbs one constant at a time and
//! requires clang to reject the result, so the check can really fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pweval::requests::abi::{self, arg, req, ty};

const INSTALL_HINT: &str = "the wasm32-wasi C toolchain (clang, wasi-libc, wasm-ld) is needed \
                            for this test; run scripts/install-toolchain.sh";

/// `k!(req::USER_ID)` is the constant's value with its Rust name, so every
/// generated assertion says which Rust constant it checks.
macro_rules! k {
    ($($path:tt)+) => { (stringify!($($path)+).replace(' ', ""), ($($path)+) as u64) };
}

/// The generated C/C++ source. `perturb` adds a delta to the one constant of
/// that Rust name (the negative control); `None` gives the real check.
fn c_source(perturb: Option<(&str, u64)>) -> String {
    let v = |(name, value): &(String, u64)| match perturb {
        Some((p, delta)) if p == name => value + delta,
        _ => *value,
    };
    // The macro name is derived from the Rust name, so a renamed or missing
    // macro fails to compile as well.
    let suffix = |name: &str| name.split("::").last().unwrap().to_string();
    let mut checks: Vec<(String, String)> = Vec::new(); // (C condition, Rust name)

    // (C member, its offset, where it ends). The end is the next field's
    // offset (or the size): the Rust reader relies on each field being exactly
    // that wide, so check offsetof + sizeof == end too.
    let req_fields = [
        ("next", k!(req::NEXT), k!(req::PREV)),
        ("prev", k!(req::PREV), k!(req::USER_ID)),
        ("user_id", k!(req::USER_ID), k!(req::NUM_GLOBALS)),
        ("num_globals", k!(req::NUM_GLOBALS), k!(req::FUNC)),
        ("func", k!(req::FUNC), k!(req::ARGBUF)),
        ("argbuf", k!(req::ARGBUF), k!(req::ARGLEN)),
        ("arglen", k!(req::ARGLEN), k!(req::SPECIALIZED)),
        ("specialized", k!(req::SPECIALIZED), k!(req::SIZE)),
    ];
    let arg_fields = [
        ("specialize", k!(arg::SPECIALIZE), k!(arg::TY)),
        ("ty", k!(arg::TY), k!(arg::VALUE)),
        ("u", k!(arg::VALUE), k!(arg::SIZE)),
        ("u.raw", k!(arg::VALUE), k!(arg::SIZE)),
        ("u.buffer.len", k!(arg::BUF_LEN), k!(arg::BUF_PADDED_LEN)),
        ("u.buffer.padded_len", k!(arg::BUF_PADDED_LEN), k!(arg::SIZE)),
    ];
    for (st, pre, fields) in [("weval_req_t", "REQ", &req_fields[..]), ("weval_req_arg_t", "ARG", &arg_fields)] {
        for (member, off, end) in fields {
            let (o, e) = (v(off), v(end));
            checks.push((format!("offsetof({st}, {member}) == {o}"), off.0.clone()));
            checks.push((format!("PWEVAL_{pre}_OFF_{} == {o}", suffix(&off.0)), off.0.clone()));
            let size = format!("sizeof((({st} *)0)->{member})");
            checks.push((format!("offsetof({st}, {member}) + {size} == {e}"), end.0.clone()));
        }
    }
    for (st, pre, size) in [("weval_req_t", "REQ", k!(req::SIZE)), ("weval_req_arg_t", "ARG", k!(arg::SIZE))] {
        checks.push((format!("sizeof({st}) == {}", v(&size)), size.0.clone()));
        checks.push((format!("PWEVAL_{pre}_SIZE == {}", v(&size)), size.0.clone()));
    }
    for tag in [k!(ty::I32), k!(ty::I64), k!(ty::F32), k!(ty::F64), k!(ty::BUFFER), k!(ty::NONE)] {
        let s = suffix(&tag.0);
        checks.push((format!("weval_req_arg_{} == {}", s.to_lowercase(), v(&tag)), tag.0.clone()));
        checks.push((format!("PWEVAL_ARG_TY_{s} == {}", v(&tag)), tag.0.clone()));
    }
    let flag = k!(abi::IS_WEVALED_SIZE);
    checks.push((format!("sizeof(weval_is_wevaled) == {}", v(&flag)), flag.0.clone()));
    checks.push((format!("PWEVAL_IS_WEVALED_SIZE == {}", v(&flag)), flag.0.clone()));

    // Our own assert macro rather than the header's PWEVAL_STATIC_ASSERT, so a
    // broken header macro cannot turn these checks into no-ops.
    let mut src = String::from(
        "#include \"weval.h\"\n#ifdef __cplusplus\n#define ABI_CHECK(c, m) static_assert(c, m)\n\
         #else\n#define ABI_CHECK(c, m) _Static_assert(c, m)\n#endif\n",
    );
    for (cond, name) in &checks {
        src += &format!("ABI_CHECK({cond}, \"Rust {name}: {cond}\");\n");
    }
    // Defines the accessor exports; the linked module's export names are checked.
    src + "WEVAL_DEFINE_GLOBALS();\n"
}

fn clang(args: &[&str], src: &Path) -> Output {
    let include = format!("-I{}", Path::new(env!("CARGO_MANIFEST_DIR")).join("include").display());
    Command::new("clang")
        .args(["--target=wasm32-wasi", "-Wall", "-Wextra", "-Werror", &include])
        .args(args)
        .arg(src)
        .output()
        .unwrap_or_else(|e| panic!("cannot run clang ({e}): {INSTALL_HINT}"))
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("abi");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Both languages the header supports, with the flags guests use.
const LANGS: [(&str, &[&str]); 2] = [("c", &["-x", "c", "-std=c11"]), ("cpp", &["-x", "c++", "-std=c++17"])];

/// Fail with the install hint when the toolchain itself is unusable, so a
/// missing sysroot is not reported as an ABI mismatch.
fn require_toolchain() {
    let probe = write_temp("probe.c", "#include <stdlib.h>\nint probe(void) { return 0; }\n");
    let out = clang(&["-fsyntax-only"], &probe);
    assert!(out.status.success(), "{INSTALL_HINT}\n{}", String::from_utf8_lossy(&out.stderr));
}

fn func_exports(wasm: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::ExportSection(reader) = payload.expect("valid wasm") {
            for export in reader {
                let export = export.expect("valid export");
                if export.kind == wasmparser::ExternalKind::Func {
                    names.push(export.name.to_string());
                }
            }
        }
    }
    names
}

#[test]
fn header_agrees_with_rust_abi() {
    require_toolchain();
    let source = c_source(None);
    for (lang, flags) in LANGS {
        let src = write_temp(&format!("abi_{lang}.src"), &source);
        let out = clang(&[flags, &["-fsyntax-only"]].concat(), &src);
        assert!(
            out.status.success(),
            "{lang}: include/weval.h disagrees with pweval::requests::abi:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Link a module (no main: -nostartfiles and --no-entry, the
        // export_name attributes keep the accessors) and read its exports.
        let wasm_path = src.with_extension("wasm");
        let wasm_arg = wasm_path.to_str().unwrap();
        let link = [flags, &["-O2", "-nostartfiles", "-Wl,--no-entry", "-o", wasm_arg]].concat();
        let out = clang(&link, &src);
        assert!(
            out.status.success(),
            "{lang}: link failed ({INSTALL_HINT}):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let exports = func_exports(&std::fs::read(&wasm_path).unwrap());
        for name in [abi::EXPORT_PENDING_HEAD, abi::EXPORT_IS_WEVALED] {
            assert!(exports.iter().any(|e| e == name), "{lang}: no export {name:?} in {exports:?}");
        }
    }
}

/// The negative control: each perturbed constant must make clang fail, and
/// fail on an assertion naming that constant (not on some unrelated error).
#[test]
fn perturbed_abi_is_rejected() {
    require_toolchain();
    let perturbations = [("req::USER_ID", 4), ("arg::SIZE", 8), ("ty::BUFFER", 1), ("abi::IS_WEVALED_SIZE", 3)];
    for (name, delta) in perturbations {
        let source = c_source(Some((name, delta)));
        assert_ne!(source, c_source(None), "perturbing {name} changed nothing");
        for (lang, flags) in LANGS {
            let src = write_temp(&format!("bad_{}_{lang}.src", name.replace("::", "_")), &source);
            let out = clang(&[flags, &["-fsyntax-only"]].concat(), &src);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{lang}: clang accepted {name} + {delta}");
            assert!(stderr.contains(&format!("Rust {name}:")), "{lang}, {name}: unexpected failure:\n{stderr}");
        }
    }
}
