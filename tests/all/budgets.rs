//! Budgets cover the whole request, and one request's failure is only its
//! own: a snapshot holds a small function and a large one (straight-line
//! code with K conditional writes to locals, the shape whose cost used to
//! be exponential); with a budget only the large one exceeds, that request
//! alone falls back, and both functions still compute what the generic
//! build computes. Also: the cost of K sequential ifs grows linearly in K,
//! and nested inlining of bytecode calls stays bounded however wide the
//! call tree.

use super::stackvm::{run, stackvm_wasm};

/// `main` calls `small` (a few instructions) and `big` (K ifs, each
/// conditionally adding to its own local), and prints both results.
fn program(k: usize) -> String {
    let mut out = vec!["global scale 1".to_string()];
    out.push("func small 1 1".into());
    out.push("  load 0\n  push 3\n  imul\n  ret\nend".into());
    out.push(format!("func big 1 {}", k + 1));
    for i in 1..=k {
        out.push(format!("  load 0\n  push {i}\n  iand\n  jz L{i}\n  load {i}\n  push {i}\n  iadd\n  store {i}\nL{i}:"));
    }
    out.push("  push 0".into());
    for i in 1..=k {
        out.push(format!("  load {i}\n  iadd"));
    }
    out.push("  ret\nend".into());
    out.push("func main 0 0\n  gload scale\n  call small\n  printi\n  printnl".into());
    out.push("  gload scale\n  call big\n  printi\n  printnl\n  push 0\n  ret\nend".into());
    out.join("\n")
}

fn snapshot(name: &str, source: &str) -> Vec<u8> {
    let dir = super::stackvm::program_dir(name, source);
    let wizen = pweval::WizenOptions { dirs: vec![(dir, "/".into())], ..Default::default() };
    let options = pweval::Options { wizen: Some(wizen), snapshot_only: true, ..Default::default() };
    pweval::process(&stackvm_wasm(), &options).unwrap_or_else(|e| panic!("{name}: snapshot: {e}")).wasm
}

/// The report of the request for stackvm function `index` (user_id is the
/// function's index + 1: small 0, big 1, main 2).
fn request(output: &pweval::Output, index: u32) -> &pweval::RequestReport {
    output.report.requests.iter().find(|r| r.user_id == index + 1).expect("one request per function")
}

#[test]
fn a_request_over_budget_falls_back_alone() {
    let snap = snapshot("budget_two_requests", &program(64));
    let engine = wasmtime::Engine::default();
    let generic = pweval::process(&snap, &pweval::Options { generic_only: true, ..Default::default() }).unwrap();
    let full = pweval::process(&snap, &pweval::Options::default()).unwrap();
    assert_eq!(full.report.skipped, 0, "{:?}", full.report.diagnostics);
    let (small, big) = (request(&full, 0).output_bytes, request(&full, 1).output_bytes);
    assert!(small * 4 < big, "small {small} vs big {big} bytes");
    for (flag, limits) in [
        // The big function unrolls into hundreds of blocks; small and main
        // need a few dozen.
        ("--max-blocks", pweval::specialize::Limits { max_blocks: 150, ..Default::default() }),
        ("--max-output-bytes", pweval::specialize::Limits { max_output_bytes: big - 1, ..Default::default() }),
    ] {
        let options = pweval::Options { limits, ..Default::default() };
        let out = pweval::process(&snap, &options).unwrap_or_else(|e| panic!("{flag}: {e}"));
        assert_eq!(out.report.skipped, 1, "{flag}: exactly the big request falls back: {:?}", out.report.diagnostics);
        assert!(
            matches!(request(&out, 1).outcome, pweval::Outcome::Skipped(ref why) if why.contains(flag)),
            "{flag}: the big request names the limit: {:?}",
            request(&out, 1).outcome
        );
        assert!(matches!(request(&out, 0).outcome, pweval::Outcome::Specialized), "{flag}: small stays");
        for scale in ["0", "5", "-1"] {
            let args = vec!["--scale".to_string(), scale.to_string()];
            let (s, g) = (run(&engine, &out.wasm, &args), run(&engine, &generic.wasm, &args));
            assert_eq!((s.stdout, s.exit_code, s.trap), (g.stdout, g.exit_code, g.trap), "{flag} scale {scale}");
        }
    }
}

/// With no time at all, every request stops at its first time check (the
/// engine's, or the ones between the stages after it) and falls back
/// naming `--max-time`; the module still computes what the generic build
/// does.
#[test]
fn a_request_out_of_time_falls_back_naming_the_limit() {
    let snap = snapshot("budget_no_time", &program(8));
    let engine = wasmtime::Engine::default();
    let generic = pweval::process(&snap, &pweval::Options { generic_only: true, ..Default::default() }).unwrap();
    let limits = pweval::specialize::Limits { max_time: std::time::Duration::ZERO, ..Default::default() };
    let out = pweval::process(&snap, &pweval::Options { limits, ..Default::default() }).unwrap();
    assert_eq!(out.report.skipped, out.report.requests.len(), "{:?}", out.report.diagnostics);
    for r in &out.report.requests {
        assert!(
            matches!(r.outcome, pweval::Outcome::Skipped(ref why) if why.contains("--max-time")),
            "{:?}",
            r.outcome
        );
    }
    // `small` is specialized in fewer blocks than the engine processes
    // between its own time checks (64), so the check between stages is
    // the one that stops it.
    assert!(
        matches!(request(&out, 0).outcome, pweval::Outcome::Skipped(ref why) if why.contains("after specializing")),
        "{:?}",
        request(&out, 0).outcome
    );
    for scale in ["0", "5"] {
        let args = vec!["--scale".to_string(), scale.to_string()];
        let (s, g) = (run(&engine, &out.wasm, &args), run(&engine, &generic.wasm, &args));
        assert_eq!((s.stdout, s.exit_code, s.trap), (g.stdout, g.exit_code, g.trap), "scale {scale}");
    }
}

#[test]
fn sequential_ifs_cost_grows_linearly() {
    let mut sizes = Vec::new();
    for k in [8usize, 16, 32, 64] {
        let snap = snapshot(&format!("budget_k{k}"), &program(k));
        let out = pweval::process(&snap, &pweval::Options::default()).unwrap();
        assert_eq!(out.report.skipped, 0, "K={k}: {:?}", out.report.diagnostics);
        let stats = request(&out, 1).stats.clone().unwrap();
        sizes.push((k, stats.blocks_out, stats.contexts));
    }
    // Doubling K at most a little more than doubles blocks and contexts.
    for pair in sizes.windows(2) {
        let ((k1, b1, c1), (k2, b2, c2)) = (pair[0], pair[1]);
        assert!(b2 <= b1 * 5 / 2 + 8, "blocks K={k1}: {b1}, K={k2}: {b2} ({sizes:?})");
        assert!(c2 <= c1 * 5 / 2 + 8, "contexts K={k1}: {c1}, K={k2}: {c2} ({sizes:?})");
    }
}

/// `f0` calls `f1` `fan` times, `f1` calls `f2` `fan` times, ... down to a
/// leaf: every call is a bytecode CALL of a constant callee, which a
/// request chain may inline (`specialize::inline`), nested.
fn call_fan(depth: usize, fan: usize) -> String {
    let mut out = vec!["global scale 1".to_string()];
    for i in 0..depth {
        out.push(format!("func f{i} 1 1\n  load 0"));
        if i + 1 < depth {
            for k in 0..fan {
                out.push(format!("  load 0\n  push {k}\n  iadd\n  call f{}\n  iadd", i + 1));
            }
        } else {
            out.push("  push 1\n  iadd".into());
        }
        out.push("  ret\nend".into());
    }
    out.push("func main 0 0\n  gload scale\n  call f0\n  printi\n  printnl\n  push 0\n  ret\nend".into());
    out.join("\n")
}

/// Nested inlining of bytecode calls is bounded: however wide the call
/// tree, every request is specialized, prints what the generic build
/// prints, and doubling the fan-out at most about doubles the contexts of
/// the request at the top (the per-request cap on inlined call sites).
#[test]
fn inlined_call_fan_cost_is_bounded() {
    let engine = &super::harness::engine();
    let mut contexts = Vec::new();
    for fan in [3usize, 6, 12] {
        let name = format!("call_fan_{fan}");
        let snap = snapshot(&name, &call_fan(6, fan));
        let out = pweval::process(&snap, &pweval::Options::default()).unwrap();
        assert_eq!(out.report.skipped, 0, "fan {fan}: {:?}", out.report.diagnostics);
        let spec = run(engine, &out.wasm, &[]);
        let generic = pweval::process(&snap, &pweval::Options { generic_only: true, ..Default::default() }).unwrap();
        let expected = run(engine, &generic.wasm, &[]);
        assert_eq!((spec.exit_code, &spec.stdout), (expected.exit_code, &expected.stdout), "fan {fan}");
        assert!(!expected.stdout.is_empty(), "fan {fan}: the program printed nothing");
        let top = request(&out, 0).stats.clone().unwrap();
        assert!(top.inlined_calls > 0, "fan {fan}: no call was inlined");
        assert!(top.inlined_calls <= pweval::specialize::inline::MAX_INLINED_CALLS, "fan {fan}: over the cap");
        contexts.push((fan, top.contexts));
    }
    for pair in contexts.windows(2) {
        let ((f1, c1), (f2, c2)) = (pair[0], pair[1]);
        assert!(c2 <= c1 * 5 / 2 + 16, "contexts fan {f1}: {c1}, fan {f2}: {c2} ({contexts:?})");
    }
}
