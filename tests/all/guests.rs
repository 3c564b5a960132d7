//! Real C and C++ guests (tests/guests/) built with include/weval.h, taken
//! through `pweval -w`, and run: the specialized and the generic path must
//! print the same. Malformed requests are made by corrupting the real
//! snapshot's memory, and each gets its exact diagnostic.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pweval::module::parse::ModuleInfo;
use pweval::module::rewrite::{self, Plan};
use pweval::requests::abi;
use pweval::runner::{self, RunOptions};

/// Build the guests once per test run.
pub fn guest(name: &str) -> Vec<u8> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("guests");
        let status = std::process::Command::new("bash")
            .arg(root.join("tests/guests/build.sh"))
            .arg(&out)
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err("building tests/guests failed; is the wasm32-wasi C toolchain installed? \
                        Run scripts/install-toolchain.sh"
                .into());
        }
        Ok(out)
    });
    let dir = dir.as_ref().unwrap_or_else(|e| panic!("{e}"));
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn wizen_options() -> pweval::Options {
    pweval::Options { wizen: Some(pweval::WizenOptions::default()), ..pweval::Options::default() }
}

fn run_captured(wasm: &[u8]) -> runner::RunResult {
    let engine = wasmtime::Engine::default();
    let options = RunOptions { capture: true, probes: vec!["used_specialized".into()], ..RunOptions::default() };
    runner::run(&engine, wasm, false, &options).expect("run")
}

fn assert_no_weval_imports(wasm: &[u8]) {
    let info = ModuleInfo::parse(wasm).expect("valid output");
    assert!(info.imports.iter().all(|i| i.module != "weval"), "a weval import is left");
}

fn check_guest(name: &str) {
    let input = guest(name);
    let specialized = pweval::process(&input, &wizen_options()).expect("pweval -w");
    assert_eq!(specialized.report.skipped, 0, "{:?}", specialized.report.diagnostics);
    assert!(specialized.report.specialized() >= 1);
    let generic = pweval::process(
        &input,
        &pweval::Options { generic_only: true, ..wizen_options() },
    )
    .expect("pweval -w --generic-only");
    assert_no_weval_imports(&specialized.wasm);
    assert_no_weval_imports(&generic.wasm);
    let s = run_captured(&specialized.wasm);
    let g = run_captured(&generic.wasm);
    assert_eq!(s.trap, None);
    assert_eq!((s.exit_code, &s.stdout, &s.stderr), (g.exit_code, &g.stdout, &g.stderr));
    assert!(s.stdout.len() > 20, "{}", String::from_utf8_lossy(&s.stdout));
    // The guests set one bit per specialized function main called.
    let all = (1i32 << specialized.report.specialized()) - 1;
    assert_eq!(s.probes, vec![Some(all)], "every specialized path must run");
    assert_eq!(g.probes, vec![Some(0)], "the generic path must run");
}

#[test]
fn c_guest_specialized_and_generic_agree() {
    check_guest("all_intrinsics_c.wasm");
}

#[test]
fn cpp_guest_specialized_and_generic_agree() {
    check_guest("all_intrinsics_cpp.wasm");
    // Constructors ran exactly once, before the snapshot.
    let out = pweval::process(&guest("all_intrinsics_cpp.wasm"), &wizen_options()).unwrap();
    let run = run_captured(&out.wasm);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("constructors run: 1"), "{text}");
}

/// An interpreter that calls itself for a bytecode call of the same
/// program (and itself with another program's code for another): the
/// self-calls are inlined and the innermost one calls the request's own
/// function through its table slot; the call with the other program's code
/// is no self-call. Specialized and generic print the same at -O1, -O2 and
/// -Os, and each request inlined some self-call site, which `--explain`
/// shows as rows one level down (`PC@2`) of the PCs of depth 1.
#[test]
fn self_recursive_interpreter_specialized_and_generic_agree() {
    use pweval::explain::Place;
    for opt in ["O1", "O2", "Os"] {
        let name = format!("self_recursive_{opt}.wasm");
        let input = guest(&name);
        let specialized =
            pweval::process(&input, &pweval::Options { explain: true, ..wizen_options() }).expect("pweval -w");
        assert_eq!(specialized.report.skipped, 0, "{name}: {:?}", specialized.report.diagnostics);
        assert_eq!(specialized.report.specialized(), 2, "{name}");
        for request in &specialized.report.requests {
            let inlined = request.stats.as_ref().map_or(0, |s| s.inlined_calls);
            assert!(inlined > 0, "{name}: request {} inlined no self-call", request.user_id);
            let table = request.explain.as_ref().expect("explain table");
            let at_depth = |d: u32| -> Vec<u32> {
                table.rows.iter().filter_map(|(p, _)| match *p { Place::Pc { pc, depth } if depth == d => Some(pc), _ => None }).collect()
            };
            let (own, inlined_pcs) = (at_depth(1), at_depth(2));
            assert!(!own.is_empty() && !inlined_pcs.is_empty(), "{name}: request {}: {:?}", request.user_id, table.rows);
            assert!(inlined_pcs.iter().all(|pc| own.contains(pc)), "{name}: an inlined activation runs the same bytecode");
            let text = pweval::explain::text(&specialized.report);
            assert!(text.contains(&format!("{}@2", inlined_pcs[0])), "{name}: {text}");
        }
        let generic = pweval::process(&input, &pweval::Options { generic_only: true, ..wizen_options() })
            .expect("pweval -w --generic-only");
        let s = run_captured(&specialized.wasm);
        let g = run_captured(&generic.wasm);
        assert_eq!(s.trap, None, "{name}");
        assert_eq!((s.exit_code, &s.stdout, &s.stderr), (g.exit_code, &g.stdout, &g.stderr), "{name}");
        let text = String::from_utf8_lossy(&g.stdout);
        assert!(text.contains("fib(22) = 17711") && text.contains("tri(300) = 45163"), "{name}: {text}");
        assert_eq!(s.probes, vec![Some(1)], "{name}: the specialized functions must run");
        assert_eq!(g.probes, vec![Some(0)], "{name}: the generic path must run");
    }
}

/// The C guest's snapshot and the address of its one request.
fn snapshot() -> (Vec<u8>, u64, u64) {
    let snap = pweval::snapshot::wizen(&guest("all_intrinsics_c.wasm"), &Default::default())
        .expect("wizen");
    let info = ModuleInfo::parse(&snap).unwrap();
    let list = pweval::requests::find_requests(&info);
    assert_eq!(list.requests.len(), 1, "{:?}", list.diagnostics);
    let req = list.requests[0].addr;
    let head = list.head_addr.unwrap();
    (snap, req, head)
}

/// The snapshot with `bytes` written at `addr` (a data segment appended
/// after the snapshot's own, so it wins).
fn corrupt(snap: &[u8], writes: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let info = ModuleInfo::parse(snap).unwrap();
    let plan = Plan { patches: writes.to_vec(), ..Plan::default() };
    rewrite::emit(&info, &plan).unwrap().0
}

fn read_u32(snap: &[u8], addr: u64) -> u32 {
    let info = ModuleInfo::parse(snap).unwrap();
    pweval::module::memory::MemoryImage::new(&info).unwrap().read_u32(addr).unwrap()
}

#[test]
fn malformed_requests_get_exact_diagnostics_and_fall_back() {
    let (snap, req, head) = snapshot();
    let baseline = run_captured(&pweval::process(&snap, &pweval::Options { generic_only: true, ..Default::default() }).unwrap().wasm);
    let argbuf = u64::from(read_u32(&snap, req + abi::req::ARGBUF));
    let arglen = read_u32(&snap, req + abi::req::ARGLEN);
    let num_globals = read_u32(&snap, req + abi::req::NUM_GLOBALS);
    let table_size = ModuleInfo::parse(&snap).unwrap().tables[0].initial;
    let u32le = |v: u32| v.to_le_bytes().to_vec();
    let who = "request #0 (user_id 1, function vm_spec)";
    let cases: Vec<(&str, Vec<(u64, Vec<u8>)>, String)> = vec![
        ("function pointer outside the table", vec![(req + abi::req::FUNC, u32le(99_999))],
         format!("warning: request #0 (user_id 1): function pointer 99999 is outside table 0 (size {table_size})")),
        ("null function pointer", vec![(req + abi::req::FUNC, u32le(0))],
         "warning: request #0 (user_id 1): function pointer 0 is a null table entry".into()),
        ("argument buffer outside memory", vec![(req + abi::req::ARGBUF, u32le(0xffff_fff0))],
         format!("warning: {who}: its argument buffer [0xfffffff0, +{arglen}) is outside memory")),
        ("record cut off", vec![(req + abi::req::ARGLEN, u32le(8))],
         format!("warning: {who}: argument record 0 at byte 0 is cut off by the buffer end (8 bytes)")),
        ("count mismatch", vec![(req + abi::req::NUM_GLOBALS, u32le(num_globals + 1))],
         format!("warning: {who}: it has {} argument records but the function takes 7 parameter(s) plus {} specialization global(s)", num_globals + 7, num_globals + 1)),
        ("unknown type tag", vec![(argbuf + abi::arg::TY, u32le(9))],
         format!("warning: {who}: argument record 0 has unknown type tag 9")),
        ("bad specialize flag", vec![(argbuf + abi::arg::SPECIALIZE, u32le(2))],
         format!("warning: {who}: argument record 0 has specialize flag 2 (expected 0 or 1)")),
        ("global of the wrong kind", vec![(argbuf + abi::arg::SPECIALIZE, u32le(0))],
         format!("warning: {who}: specialization global 0 must be a constant number")),
        ("null result slot", vec![(req + abi::req::SPECIALIZED, u32le(0))],
         format!("warning: {who}: its result slot address 0x0 is null or outside memory")),
        ("cyclic list", vec![(req + abi::req::NEXT, u32le(req as u32))],
         format!("warning: request list: the list is cyclic: request #1 at {req:#x} was already visited; the rest of the list is ignored")),
        ("request outside memory", vec![(head, u32le(0xffff_fff0))],
         "warning: request #0: its address 0xfffffff0 is outside memory".into()),
    ];
    for (what, writes, expected) in cases {
        let bad = corrupt(&snap, &writes);
        let out = pweval::process(&bad, &Default::default()).unwrap_or_else(|e| panic!("{what}: {e}"));
        let lines: Vec<String> = out.report.diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(
            lines.iter().any(|l| l.starts_with(&expected)),
            "{what}: expected a diagnostic starting with\n  {expected}\ngot\n  {}",
            lines.join("\n  ")
        );
        // The guest still works, on the generic function.
        if what != "cyclic list" {
            assert_eq!(out.report.specialized(), 0, "{what}");
            let run = run_captured(&out.wasm);
            assert_eq!(run.stdout, baseline.stdout, "{what}");
            assert_eq!(run.probes, vec![Some(0)], "{what}");
        }
        // --strict turns the skipped request into a hard error.
        let strict = pweval::process(&bad, &pweval::Options { strict: true, ..Default::default() });
        if what != "cyclic list" {
            assert!(matches!(strict, Err(pweval::Error::Strict { .. })), "{what}: {strict:?}");
        }
    }
}

#[test]
fn output_is_the_same_for_any_number_of_threads() {
    let snap = pweval::snapshot::wizen(&guest("all_intrinsics_cpp.wasm"), &Default::default()).unwrap();
    let with = |jobs| pweval::process(&snap, &pweval::Options { jobs, ..Default::default() }).unwrap();
    let one = with(1);
    assert_eq!(one.report.specialized(), 3);
    for jobs in [2, 3, 8] {
        assert!(with(jobs).wasm == one.wasm, "output differs with {jobs} threads");
    }
}

/// A computed-goto interpreter in weval.h's wrapper pattern (LLVM cannot
/// inline the body into the wrapper): filed on the wrapper, pweval inlines
/// the body (it reaches a context) and specializes it there, so no
/// read.reg runs in generic code; filed on the body, it is specialized
/// directly. Both print what the generic build prints. (When the body
/// cannot be inlined, the request is refused naming it:
/// tests/filetests/engine/no_context.wat.)
#[test]
fn computed_goto_wrapper_and_body_specialized() {
    for name in ["threaded_wrapper.wasm", "threaded_body.wasm"] {
        let input = guest(name);
        let out = pweval::process(&input, &wizen_options()).expect("pweval -w");
        let generic = pweval::process(&input, &pweval::Options { generic_only: true, ..wizen_options() })
            .expect("pweval -w --generic-only");
        let lines: Vec<String> = out.report.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(out.report.specialized(), 1, "{name}: {lines:?}");
        assert!(lines.is_empty(), "{name}: {lines:?}");
        let specialized = true;
        let s = run_captured(&out.wasm);
        let g = run_captured(&generic.wasm);
        assert_eq!(s.trap, None, "{name}");
        assert_eq!(String::from_utf8_lossy(&g.stdout), "6 13 13 \n", "{name}");
        assert_eq!((s.exit_code, &s.stdout), (g.exit_code, &g.stdout), "{name}");
        assert_eq!(s.probes, vec![Some(i32::from(specialized))], "{name}");
    }
}
