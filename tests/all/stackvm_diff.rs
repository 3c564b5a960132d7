//! Differential test of pweval on the realistic guest (examples/stackvm):
//! random valid programs (functions with arguments, calls, bounded
//! recursion, bounded loops, int and float arithmetic, globals, arrays,
//! prints, runs of up to 16 independent `if (x) local = v`; see
//! `stackvm_gen.rs` and `stackvm_branchy.rs`) run through the module pweval
//! specialized to them and through the generic-only module of the same
//! snapshot. Their stdout, stderr, exit code and trap must be equal, every
//! request must be specialized within a number of blocks linear in its
//! function's instructions (`diff_harness::block_bound`), and the generic
//! run must be clean (exit 0, nothing on stderr, one `tN result` per
//! program).
//!
//! A snapshot (Wizer, then pweval twice, then two wasmtime compilations of
//! a module of a few MB) costs far more than running a program, so each
//! assembly file holds `PER_FILE` programs, whose `main` runs them in order;
//! each of four tests (two cores) runs `FILES_PER_TEST` files, 1,024
//! programs in all. `STACKVM_DIFF_FILES=N` runs N files per test instead,
//! `STACKVM_DIFF_SEED=N` makes other programs (seed
//! `N * 1_000_000 + file * 1_000 + index`).
//!
//! On a mismatch, the program `main` had started at the first differing
//! output line (it prints `tN result ` before calling `tN_main`, and the
//! program's own lines start with `tN `) is run again alone to confirm,
//! and the rest of its file again to find further ones. The failure lists
//! the smallest failing program's source and both outputs; the sources are
//! also under `target/tmp/stackvm-programs/stackvm-diff-*/program.asm`.

#[path = "stackvm_gen.rs"]
pub mod stackvm_gen;

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;
use std::time::Instant;

use pweval::runner::RunResult;
use stackvm_gen::{assemble, Features, Program, PROGRAM_COST_LIMIT};

use super::stackvm::{run, specialize};
use crate::diff_harness::{block_bound, Failure, Tally};

/// Assembly files (one snapshot each) per test; four tests.
const FILES_PER_TEST: usize = 4;
/// Programs per file.
const PER_FILE: usize = 64;

/// `STACKVM_DIFF_FILES=N` runs N files per test instead.
fn files_per_test() -> usize {
    static N: OnceLock<usize> = OnceLock::new();
    *N.get_or_init(|| match std::env::var("STACKVM_DIFF_FILES") {
        Ok(s) => s.parse().expect("STACKVM_DIFF_FILES must be a number"),
        Err(_) => FILES_PER_TEST,
    })
}

/// Files in all, and test `t`'s share of them.
fn files() -> usize {
    4 * files_per_test()
}

fn share(t: usize) -> Range<usize> {
    t * files_per_test()..(t + 1) * files_per_test()
}

/// Programs run for microseconds and each output is compiled once: compile
/// fast.
fn engine() -> &'static wasmtime::Engine {
    static ENGINE: OnceLock<wasmtime::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = wasmtime::Config::new();
        config.cranelift_opt_level(wasmtime::OptLevel::None);
        wasmtime::Engine::new(&config).expect("engine")
    })
}

fn base_seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| match std::env::var("STACKVM_DIFF_SEED") {
        Ok(s) => s.parse().expect("STACKVM_DIFF_SEED must be a number"),
        Err(_) => 0,
    })
}

fn program_seed(file: usize, index: usize) -> u64 {
    base_seed() * 1_000_000 + file as u64 * 1_000 + index as u64
}

/// The programs of file `file`: `t0..t{PER_FILE-1}`.
fn batch(file: usize) -> Vec<Program> {
    (0..PER_FILE).map(|i| stackvm_gen::program(program_seed(file, i), i)).collect()
}

/// One assembly file specialized and run both ways.
#[derive(Clone)]
struct Outcome {
    name: String,
    spec: RunResult,
    generic: RunResult,
    funcs: usize,
    specialized: usize,
    skipped: usize,
    diagnostics: String,
    requests: Vec<Request>,
}

/// What pweval did with one bytecode function's request.
#[derive(Clone)]
struct Request {
    function: String,
    instructions: usize,
    /// `Ok(blocks_out)`, or why it fell back.
    outcome: Result<usize, String>,
}

/// Each function's name and instruction count, in definition order (the
/// guest's function index, user_id - 1).
fn function_sizes(source: &str) -> Vec<(String, usize)> {
    let mut sizes: Vec<(String, usize)> = Vec::new();
    for line in source.lines() {
        let line = line.split(';').next().unwrap().trim();
        if let Some(rest) = line.strip_prefix("func ") {
            sizes.push((rest.split_whitespace().next().unwrap_or("").to_string(), 0));
        } else if !(line.is_empty() || line == "end" || line.ends_with(':') || line.starts_with("global ")) {
            if let Some(last) = sizes.last_mut() {
                last.1 += 1;
            }
        }
    }
    sizes
}

fn run_source(name: &str, source: &str) -> Outcome {
    let (spec, generic) = specialize(name, source);
    let s = run(engine(), &spec.wasm, &[]);
    let g = run(engine(), &generic.wasm, &[]);
    let sizes = function_sizes(source);
    let requests = spec
        .report
        .requests
        .iter()
        .map(|r| {
            let (function, instructions) = sizes.get(r.user_id as usize - 1).cloned().unwrap_or_default();
            let outcome = match &r.outcome {
                pweval::Outcome::Specialized => Ok(r.stats.as_ref().map_or(0, |st| st.blocks_out)),
                pweval::Outcome::Skipped(why) => Err(why.clone()),
            };
            Request { function, instructions, outcome }
        })
        .collect();
    Outcome {
        requests,
        name: name.to_string(),
        spec: s,
        generic: g,
        funcs: source.lines().filter(|l| l.starts_with("func ")).count(),
        specialized: spec.report.specialized(),
        skipped: spec.report.skipped,
        diagnostics: spec.report.diagnostics.iter().map(|d| format!("  {d:?}\n")).collect(),
    }
}

struct FileRun {
    programs: Vec<Program>,
    outcome: Outcome,
    secs: f64,
}

/// File `file`, specialized and run once per process (the mismatch test
/// reuses the outcomes of the diff tests).
fn file_run(file: usize) -> &'static FileRun {
    static RUNS: OnceLock<Vec<OnceLock<FileRun>>> = OnceLock::new();
    RUNS.get_or_init(|| (0..files()).map(|_| OnceLock::new()).collect())[file].get_or_init(|| {
        let started = Instant::now();
        let programs = batch(file);
        let source = assemble(&programs.iter().collect::<Vec<_>>());
        let outcome = run_source(&format!("stackvm-diff-{}-{file}", base_seed()), &source);
        FileRun { programs, outcome, secs: started.elapsed().as_secs_f64() }
    })
}

/// How two runs differ, and which program the difference starts in.
#[derive(Debug)]
struct Mismatch {
    differs: Vec<&'static str>,
    program: Option<usize>,
}

/// `Some` when the runs differ in stdout, stderr, exit code or trap.
fn compare(spec: &RunResult, generic: &RunResult) -> Option<Mismatch> {
    let mut differs = Vec::new();
    if spec.stdout != generic.stdout {
        differs.push("stdout");
    }
    if spec.stderr != generic.stderr {
        differs.push("stderr");
    }
    if spec.exit_code != generic.exit_code {
        differs.push("exit code");
    }
    if spec.trap != generic.trap {
        differs.push("trap");
    }
    if differs.is_empty() {
        return None;
    }
    Some(Mismatch { differs, program: culprit(spec, generic) })
}

/// `N` of a line `tN ...`.
fn label_of(line: &str) -> Option<usize> {
    line.strip_prefix('t')?.split(' ').next()?.parse().ok()
}

/// The program whose output first differs: the one `main` had started
/// (it prints `tN result ` before calling `tN_main`) at the first differing
/// line, or, with the same stdout, at the end.
fn culprit(spec: &RunResult, generic: &RunResult) -> Option<usize> {
    let s = String::from_utf8_lossy(&spec.stdout);
    let g = String::from_utf8_lossy(&generic.stdout);
    let (sl, gl): (Vec<&str>, Vec<&str>) = (s.lines().collect(), g.lines().collect());
    let end = match (0..sl.len().max(gl.len())).find(|&i| sl.get(i) != gl.get(i)) {
        Some(i) => i + 1,
        None => sl.len(),
    };
    // The lines before the first difference are the same in both. When one
    // side's differing line starts the next program, the difference is that
    // the other printed something else (or more) in the one before.
    let in_spec = in_progress(sl.iter().take(end).copied());
    let in_generic = in_progress(gl.iter().take(end).copied());
    match (in_spec, in_generic) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The last program `main` started in `lines`.
fn in_progress<'a>(lines: impl Iterator<Item = &'a str>) -> Option<usize> {
    lines.filter_map(started).last()
}

/// `N` when `line` starts with `tN result `.
fn started(line: &str) -> Option<usize> {
    line.split_once(" result ").and_then(|(t, _)| label_of(t))
}

/// A clean generic run: exit 0, no trap, empty stderr, and the result of
/// every program, in order. Anything else is a generator bug.
fn check_clean(r: &RunResult, programs: &[Program]) -> Result<(), String> {
    let stdout = String::from_utf8_lossy(&r.stdout);
    let results: Vec<usize> = stdout.lines().filter_map(started).collect();
    let expected: Vec<usize> = programs.iter().map(|p| p.index).collect();
    if r.exit_code != 0 || r.trap.is_some() || !r.stderr.is_empty() || results != expected {
        return Err(format!(
            "exit code {}, trap {:?}, {} of {} results, stderr: {}",
            r.exit_code,
            r.trap,
            results.len(),
            programs.len(),
            String::from_utf8_lossy(&r.stderr)
        ));
    }
    Ok(())
}

/// A program whose specialized and generic runs differ.
struct Failing {
    name: String,
    /// The program, when the difference could be pinned on one.
    program: Option<Program>,
    /// Whether it also fails in a file of its own.
    alone: bool,
    outcome: Outcome,
    mismatch: Mismatch,
}

impl Failing {
    fn size(&self) -> usize {
        self.program.as_ref().map_or(usize::MAX, |p| p.text().len())
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "{}: specialized and generic differ in {}{}\n",
            self.name,
            self.mismatch.differs.join(", "),
            if self.alone { " (also when run alone)" } else { "" }
        );
        if let Some(p) = &self.program {
            s += &format!(
                "program {} (seed {}, {} bytes):\n{}\n",
                p.label,
                p.seed,
                p.text().len(),
                indent(&p.text())
            );
        }
        let only = self.mismatch.program;
        for (what, r) in [("specialized", &self.outcome.spec), ("generic", &self.outcome.generic)] {
            s += &format!(
                "{what} output{}:\n{}  exit code {}, trap {:?}\n  stderr: {}\n",
                only.map_or(String::new(), |n| format!(" (from `t{n} result`)")),
                indent(&program_lines(&r.stdout, only)),
                r.exit_code,
                r.trap,
                String::from_utf8_lossy(&r.stderr).trim_end()
            );
        }
        s + &format!("source: target/tmp/stackvm-programs/{}/program.asm\n", self.outcome.name)
    }
}

/// The output of program `tN` (all output if `None`), at most 60 lines.
fn program_lines(stdout: &[u8], n: Option<usize>) -> String {
    let text = String::from_utf8_lossy(stdout);
    let mut current = None;
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            current = started(l).or(current);
            n.is_none() || current == n
        })
        .collect();
    let mut s: String = lines.iter().take(60).map(|l| format!("{l}\n")).collect();
    if lines.len() > 60 {
        s += &format!("... ({} more lines)\n", lines.len() - 60);
    }
    s
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

/// Pin a mismatching file's difference on programs: run the first culprit
/// alone, then the rest of the file again, a few rounds.
fn isolate(file: usize, run: &FileRun, first: Mismatch) -> Vec<Failing> {
    let mut failing = Vec::new();
    let mut remaining: Vec<&Program> = run.programs.iter().collect();
    let mut mismatch = first;
    let mut outcome = run.outcome.clone();
    for round in 0..4 {
        let Some(n) = mismatch.program.filter(|&n| remaining.iter().any(|p| p.index == n)) else {
            failing.push(Failing {
                name: format!("file {file}"),
                program: None,
                alone: false,
                outcome,
                mismatch,
            });
            break;
        };
        let program = run.programs[n].clone();
        let alone = run_source(&format!("stackvm-diff-{}-{file}-t{n}", base_seed()), &program.source());
        match compare(&alone.spec, &alone.generic) {
            Some(m) => failing.push(Failing {
                name: format!("file {file}, t{n}"),
                program: Some(program),
                alone: true,
                outcome: alone,
                mismatch: m,
            }),
            None => failing.push(Failing {
                name: format!("file {file}, t{n}"),
                program: Some(program),
                alone: false,
                outcome,
                mismatch,
            }),
        }
        remaining.retain(|p| p.index != n);
        if remaining.is_empty() {
            break;
        }
        let rest =
            run_source(&format!("stackvm-diff-{}-{file}-rest{round}", base_seed()), &assemble(&remaining));
        match compare(&rest.spec, &rest.generic) {
            Some(m) => {
                mismatch = m;
                outcome = rest;
            }
            None => break,
        }
    }
    failing
}

/// Count a file's requests, and list those over the cost bound: blocks
/// linear in the function's instructions (`diff_harness::block_bound`).
fn check_costs(file: usize, run: &FileRun, tally: &mut Tally) -> Vec<String> {
    let mut problems = Vec::new();
    for r in &run.outcome.requests {
        let program = r.function.split_once('_').and_then(|(t, _)| label_of(t)).and_then(|n| run.programs.get(n));
        let seed = program.map_or(0, |p| p.seed);
        let failure = r.outcome.as_ref().err().map(|why| Failure::Fallback(why.clone()));
        // The file's `main` (only calls) is checked but not counted.
        if program.is_some() || failure.is_some() {
            tally.request(seed, r.instructions, r.outcome.as_ref().ok().copied(), failure.as_ref());
        }
        if let Ok(blocks) = r.outcome {
            if blocks > block_bound(r.instructions) {
                problems.push(format!(
                    "file {file}: {} (seed {seed}) specialized to {blocks} blocks for {} instructions, over the \
                     bound {}\n{}",
                    r.function,
                    r.instructions,
                    block_bound(r.instructions),
                    program.map_or(String::new(), |p| indent(&p.text()))
                ));
            }
        }
    }
    problems
}

/// Check files `files`; fail listing the smallest mismatching program.
fn check_files(files: Range<usize>) {
    let started = Instant::now();
    let mut problems = Vec::new();
    let mut failing = Vec::new();
    let mut programs = 0;
    let mut tally = Tally::default();
    for file in files.clone() {
        let run = file_run(file);
        let o = &run.outcome;
        programs += run.programs.len();
        tally.programs += run.programs.len();
        problems.extend(check_costs(file, run, &mut tally));
        if o.skipped != 0 || o.specialized != o.funcs {
            problems.push(format!(
                "file {file}: {} of {} requests specialized, {} skipped:\n{}",
                o.specialized, o.funcs, o.skipped, o.diagnostics
            ));
        }
        if let Err(e) = check_clean(&o.generic, &run.programs) {
            let text = in_progress(String::from_utf8_lossy(&o.generic.stdout).lines())
                .map_or(String::new(), |n| format!("program t{n}:\n{}", indent(&run.programs[n].text())));
            problems
                .push(format!("file {file}: the generic run is not clean (a generator bug): {e}\n{text}"));
        }
        if let Some(m) = compare(&o.spec, &o.generic) {
            failing.extend(isolate(file, run, m));
        }
        eprintln!(
            "stackvm_diff: file {file}: {} programs, {} functions, {:.2} s",
            run.programs.len(),
            o.funcs,
            run.secs
        );
    }
    eprintln!(
        "stackvm_diff: files {files:?}: {programs} programs, {} mismatching, {} other problems, {:.1} s; {}",
        failing.len(),
        problems.len(),
        started.elapsed().as_secs_f64(),
        tally.summary()
    );
    if failing.is_empty() && problems.is_empty() {
        return;
    }
    failing.sort_by_key(|f| (!f.alone, f.size()));
    let mut report = String::new();
    for p in &problems {
        report += p;
        report.push('\n');
    }
    if let Some(smallest) = failing.first() {
        report +=
            &format!("{} mismatching program(s); the smallest:\n{}", failing.len(), smallest.describe());
        for f in &failing[1..] {
            report += &format!(
                "also: {} ({} bytes{})\n",
                f.name,
                f.size(),
                if f.alone { ", fails alone" } else { "" }
            );
        }
    }
    panic!("{report}");
}

#[test]
fn stackvm_random_programs_agree_0() {
    check_files(share(0));
}

#[test]
fn stackvm_random_programs_agree_1() {
    check_files(share(1));
}

#[test]
fn stackvm_random_programs_agree_2() {
    check_files(share(2));
}

#[test]
fn stackvm_random_programs_agree_3() {
    check_files(share(3));
}

/// The comparison reports differences and blames the right program.
#[test]
fn stackvm_diff_detects_mismatches() {
    let a = file_run(files() - 2);
    let b = file_run(files() - 1);
    let (spec, generic) = (&a.outcome.spec, &a.outcome.generic);
    assert!(compare(spec, spec).is_none());

    // Two different programs' outputs.
    let m = compare(spec, &b.outcome.generic).expect("outputs of different programs compared equal");
    assert!(m.differs.contains(&"stdout"), "{m:?}");
    assert!(m.program.is_some(), "{m:?}");
    let f = Failing {
        name: "cross".into(),
        program: Some(a.programs[0].clone()),
        alone: false,
        outcome: a.outcome.clone(),
        mismatch: m,
    };
    let text = f.describe();
    assert!(
        text.contains("t0_main") && text.contains("specialized output") && text.contains("generic output"),
        "{text}"
    );

    // One changed character in the output of program 7 (its last line).
    let stdout = String::from_utf8_lossy(&generic.stdout).into_owned();
    let at = stdout.find("\nt8 result ").expect("program 8 runs") - 1;
    let mut changed = generic.clone();
    changed.stdout[at] = if changed.stdout[at] == b'x' { b'y' } else { b'x' };
    let m = compare(spec, &changed).expect("a changed character");
    assert_eq!((m.differs, m.program), (vec!["stdout"], Some(7)));

    // An extra line at the end of program 4's output.
    let at = stdout.find("t5 result ").expect("program 5 runs");
    let mut extra = generic.clone();
    extra.stdout.splice(at..at, b"t4 extra\n".iter().copied());
    let m = compare(&extra, generic).expect("an extra line");
    assert_eq!((m.differs, m.program), (vec!["stdout"], Some(4)));

    // Output cut short in program 12, with an error.
    let at = stdout.find("t12 result ").expect("program 12 runs") + 11;
    let mut crashed = generic.clone();
    crashed.stdout.truncate(at + 3);
    crashed.stderr =
        b"stackvm: error in function t12_main at pc 9: array index 3 out of bounds (length 2)\n".to_vec();
    crashed.exit_code = 1;
    let m = compare(&crashed, generic).expect("a crash");
    assert_eq!(m.program, Some(12), "{m:?}");
    assert_eq!(m.differs, vec!["stdout", "stderr", "exit code"]);

    // Same output, a trap at the end.
    let mut trapped = generic.clone();
    trapped.trap = Some("wasm trap: out of bounds memory access".into());
    trapped.exit_code = 134;
    let m = compare(spec, &trapped).expect("a trap");
    assert_eq!((m.differs, m.program), (vec!["exit code", "trap"], Some(PER_FILE - 1)));
}

/// Count each mnemonic in assembly text.
fn mnemonics(text: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for line in text.lines() {
        let mut line = line.split(';').next().unwrap().trim();
        if let Some((label, rest)) = line.split_once(':') {
            if !label.contains(' ') && !label.contains('"') {
                line = rest.trim();
            }
        }
        let Some(op) = line.split_whitespace().next() else { continue };
        if !matches!(op, "func" | "end" | "global") {
            *counts.entry(op.to_string()).or_insert(0) += 1;
        }
    }
    counts
}

/// The generator is deterministic, within its cost bound, and makes varied
/// programs: every instruction but `nop`, calls, recursion, loops, floats,
/// arrays, in most programs.
#[test]
fn stackvm_generator_makes_varied_programs() {
    let programs: Vec<Program> = (0..files()).flat_map(batch).collect();
    assert!(programs.len() >= 200);
    let again = stackvm_gen::program(program_seed(3, 5), 5);
    assert_eq!(again.text(), batch(3)[5].text(), "not deterministic");
    let distinct: HashSet<String> =
        programs.iter().map(|p| p.text().replace(&format!("{}_", p.label), "t_")).collect();
    assert_eq!(distinct.len(), programs.len(), "duplicate programs");

    let mut counts = BTreeMap::new();
    let mut total = Features::default();
    let mut with = BTreeMap::<&str, usize>::new();
    for p in &programs {
        assert!(p.cost <= PROGRAM_COST_LIMIT, "{}: cost {} > {PROGRAM_COST_LIMIT}", p.seed, p.cost);
        for (op, n) in mnemonics(&p.text()) {
            *counts.entry(op).or_insert(0) += n;
        }
        let f = &p.features;
        total.add(f);
        for (what, has) in [
            ("loops", f.loops > 0),
            ("nested loops", f.nested_loops > 0),
            ("calls", f.calls > 0),
            ("recursion", f.self_calls > 0),
            ("floats", f.float_ops > 0),
            ("arrays", f.array_ops > 0),
            ("prints", f.prints > 0),
            ("branches", f.ifs + f.ternaries > 0),
            ("helpers >= 2", p.functions.len() >= 4), // tN_main, tN_pf, tN_f*
            ("branchy runs", f.branchy_runs > 0),
            ("a branchy run >= 8", f.longest_branchy >= 8),
        ] {
            *with.entry(what).or_insert(0) += has as usize;
        }
    }
    eprintln!("stackvm_gen: {} programs; programs with: {with:?}", programs.len());
    eprintln!("stackvm_gen: features {total:?}");
    eprintln!("stackvm_gen: mnemonics {counts:?}");
    let all_ops = "push pushf pop dup swap over load store tee inc gload gstore iadd isub imul idiv irem \
                   ineg iand ior ixor ishl ishr ilt ile igt ige ieq ine not fadd fsub fmul fdiv fneg fsqrt \
                   flt fle fgt fge feq fne i2f f2i jmp jz jnz call ret newarr aload astore alen printi \
                   printf prints printnl";
    for op in all_ops.split_whitespace() {
        assert!(counts.get(op).copied().unwrap_or(0) >= 10, "`{op}` used {:?} times", counts.get(op));
    }
    let n = programs.len();
    for (what, min_percent) in [
        ("loops", 80),
        ("nested loops", 30),
        ("calls", 100),
        ("recursion", 30),
        ("floats", 80),
        ("arrays", 80),
        ("prints", 100),
        ("branches", 80),
        ("helpers >= 2", 50),
        ("branchy runs", 30),
        ("a branchy run >= 8", 8),
    ] {
        assert!(with[what] * 100 >= n * min_percent, "only {} of {n} programs have {what}", with[what]);
    }
    assert!(total.breaks > 50 && total.early_returns > 50 && total.f2i > 50, "{total:?}");
    assert!(total.longest_branchy >= 15, "{total:?}");
}
