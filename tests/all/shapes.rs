//! The shape corpus (tests/shapes/): interpreters written the ways people
//! write them (the accumulator VM of the weval blog post and a Lua-style
//! register VM, each in a dozen loop, PC and dispatch styles, plus C++
//! variants and examples/interp-c/interp.c), built by clang 14, 19 and 22 at
//! -O1, -O2, -O3, -Os and -Oz. For every combination:
//!
//! 1. build it (tests/shapes/build.sh, into target/tmp/shapes/; unchanged
//!    inputs are not rebuilt);
//! 2. `pweval -w --strict`: snapshot it, then specialize with
//!    `strict: true`; a fallback is a failure, reported with pweval's
//!    diagnostic;
//! 3. run the specialized and the generic-only outputs in the embedded runner
//!    with the same iteration count: same stdout and exit code, no trap, the
//!    expected result, and the guest's probe says main really called the
//!    specialized function;
//! 4. look at the specialized function's CFG: no load from the bytecode on
//!    any cycle (an address that is a constant inside the request's buffer,
//!    or is computed from one, or from the buffer parameter) and no br_table
//!    on a cycle (a dispatch left in the loop); and the program's loop must
//!    still be a loop.
//!
//! Combinations run on `SHAPES_JOBS` threads (default: one per core), and
//! every failure is reported at the end in one table, then grouped by
//! diagnostic. `SHAPES_FILTER=acc_blog` (a substring of
//! "shape compiler level", e.g. `reg_ clang-22 O2`: all words must match)
//! runs a subset. `BLESS=1` rewrites docs/shapes.md (the matrix) from the
//! results and bench/shapes.json (speed-ups measured by bench/shapes.py);
//! otherwise a full run also checks that docs/shapes.md is up to date.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use pweval::module::parse::ModuleInfo;
use pweval::requests::{ArgSpec, ConstArg};
use pweval::runner::{self, RunOptions};

const COMPILERS: [&str; 3] = ["clang-14", "clang-19", "clang-22"];
const LEVELS: [&str; 5] = ["O1", "O2", "O3", "Os", "Oz"];
/// The iteration count the guests get in the test (argv[1]); a generic run
/// takes a few milliseconds.
const N: u64 = 20_000;
/// A run that takes longer than this is reported as hanging.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Vm {
    /// tests/shapes/acc_*: prints "Result: <1 + ... + n>".
    Acc,
    /// tests/shapes/reg_*: prints the sum in reg.h's program.
    Reg,
    /// examples/interp-c/interp.c built with LOOP_COUNT=1000 (ignores argv).
    Interp,
}

/// Every shape: tests/shapes/*.c and *.cpp, then `interp`.
fn shapes() -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = std::fs::read_dir(root().join("tests/shapes"))
        .expect("tests/shapes")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let ext = path.extension()?.to_str()?;
            if ext != "c" && ext != "cpp" {
                return None;
            }
            Some((path.file_stem()?.to_str()?.to_string(), ext == "cpp"))
        })
        .collect();
    out.sort();
    out.push(("interp".into(), false));
    out
}

fn vm_of(shape: &str) -> Vm {
    if shape == "interp" {
        Vm::Interp
    } else if shape.starts_with("acc_") {
        Vm::Acc
    } else if shape.starts_with("reg_") {
        Vm::Reg
    } else {
        panic!("tests/shapes/{shape}: a guest's name starts with acc_ or reg_")
    }
}

/// What the guest must print for input `n`.
fn expected(vm: Vm, n: u64) -> String {
    match vm {
        Vm::Acc => format!("Result: {}\n", (1..=n).fold(0u64, |s, i| s.wrapping_add(i))),
        Vm::Reg => {
            let mut sum = 0u64;
            for i in 1..=n {
                let mut t = i.wrapping_mul(i);
                if i & 3 == 0 {
                    t = t.wrapping_sub(i);
                }
                sum = sum.wrapping_add(t);
            }
            format!("{}\n", sum as i64)
        }
        Vm::Interp => "Result: 500500\n".into(),
    }
}

#[derive(Clone, Debug)]
struct Combo {
    shape: String,
    compiler: &'static str,
    level: &'static str,
}

impl Combo {
    fn name(&self) -> String {
        format!("{} {} {}", self.shape, self.compiler, self.level)
    }
}

/// The whole matrix: C guests x compilers x levels, C++ guests with clang 14.
fn combos() -> Vec<Combo> {
    let mut out = Vec::new();
    for (shape, cpp) in shapes() {
        for compiler in COMPILERS {
            if cpp && compiler != "clang-14" {
                continue;
            }
            for level in LEVELS {
                out.push(Combo { shape: shape.clone(), compiler, level });
            }
        }
    }
    out
}

/// Shapes pweval does not specialize yet, with the reason. Every other
/// combination must pass. A listed one must still fail *cleanly*: a
/// fallback or a residual loop (the output is still checked to print what
/// the generic build prints), never a wrong result, a trap or a panic; and
/// a listed one that starts passing fails the test until it is taken off
/// the list, so the list stays true. (shape, compiler or "*", level or "*",
/// allowed failing steps, why.)
const KNOWN_LIMITS: &[(&str, &str, &str, &[&str], &str)] = &[];

fn known_limit(c: &Combo) -> Option<(&'static [&'static str], &'static str)> {
    KNOWN_LIMITS.iter().find_map(|&(shape, compiler, level, steps, why)| {
        let matches = shape == c.shape && (compiler == "*" || compiler == c.compiler) && (level == "*" || level == c.level);
        matches.then_some((steps, why))
    })
}

/// The step that failed (the table's third column) and pweval's words.
#[derive(Clone, Debug)]
struct Failure {
    step: &'static str,
    detail: String,
}

fn fail(step: &'static str, detail: impl Into<String>) -> Failure {
    Failure { step, detail: detail.into() }
}

/// Build one combination with tests/shapes/build.sh; the .wasm path.
fn build(out: &Path, combo: &Combo) -> Result<PathBuf, String> {
    let output = Command::new("bash")
        .arg(root().join("tests/shapes/build.sh"))
        .arg(out)
        .args([&combo.shape, combo.compiler, combo.level])
        .env_remove("EXTRA_CFLAGS")
        .output()
        .map_err(|e| format!("cannot run build.sh: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let line = stderr
            .lines()
            .find(|l| l.contains("error"))
            .or_else(|| stderr.lines().next())
            .unwrap_or("build.sh failed");
        return Err(line.trim().to_string());
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
}

fn check(engine: &wasmtime::Engine, out: &Path, combo: &Combo) -> Result<(), Failure> {
    let path = build(out, combo).map_err(|e| fail("build", e))?;
    let input = std::fs::read(&path).map_err(|e| fail("build", e.to_string()))?;
    let vm = vm_of(&combo.shape);

    // `pweval -w --strict`, in two steps so the generic run below uses the
    // same snapshot.
    let wizen = pweval::Options {
        wizen: Some(Default::default()),
        snapshot_only: true,
        jobs: 1,
        ..Default::default()
    };
    let snapshot = pweval::process(&input, &wizen).map_err(|e| fail("wizen", e.to_string()))?.wasm;
    let strict = pweval::Options { strict: true, jobs: 1, ..Default::default() };
    let generic_only = pweval::Options { generic_only: true, jobs: 1, ..Default::default() };
    let spec = match pweval::process(&snapshot, &strict) {
        Ok(out) => out,
        Err(pweval::Error::Strict { .. }) => {
            let lenient = pweval::Options { jobs: 1, ..Default::default() };
            let out = pweval::process(&snapshot, &lenient).map_err(|e| fail("pweval", e.to_string()))?;
            let why: Vec<String> = out
                .report
                .requests
                .iter()
                .filter_map(|r| match &r.outcome {
                    pweval::Outcome::Skipped(why) => Some(why.clone()),
                    pweval::Outcome::Specialized => None,
                })
                .collect();
            let why = if why.is_empty() {
                out.report.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("; ")
            } else {
                why.join("; ")
            };
            return Err(fail("fallback", why));
        }
        Err(e) => return Err(fail("pweval", e.to_string())),
    };
    if spec.report.specialized() != 1 {
        return Err(fail("fallback", format!("{} requests specialized, expected 1", spec.report.specialized())));
    }
    let generic = pweval::process(&snapshot, &generic_only).map_err(|e| fail("pweval", e.to_string()))?;

    // Run both (each in a thread, so that a hang is reported, not waited for).
    let args = vec![N.to_string()];
    let g = run_with_timeout(engine, generic.wasm, args.clone()).map_err(|e| fail("run generic", e))?;
    let want = expected(vm, N);
    let g_out = String::from_utf8_lossy(&g.stdout).to_string();
    // examples/interp-c/interp.c has no probe export.
    let probe = |value: i32| if vm == Vm::Interp { vec![None] } else { vec![Some(value)] };
    if g.trap.is_some() || g.exit_code != 0 || g_out != want || g.probes != probe(0) {
        return Err(fail(
            "run generic",
            format!(
                "exit {}, trap {:?}, probe {:?}, printed {:?}, expected {:?}",
                g.exit_code, g.trap, g.probes, g_out, want
            ),
        ));
    }
    let s = run_with_timeout(engine, spec.wasm.clone(), args.clone()).map_err(|e| fail("run specialized", e))?;
    let s_out = String::from_utf8_lossy(&s.stdout).to_string();
    if s.trap.is_some() {
        return Err(fail(
            "run specialized",
            format!("trap: {} (generic printed {:?})", trap_details(engine, &spec.wasm, &args), g_out),
        ));
    }
    if (s.exit_code, &s.stdout, &s.stderr) != (g.exit_code, &g.stdout, &g.stderr) {
        return Err(fail(
            "run specialized",
            format!("exit {}, printed {:?}; generic: exit {}, printed {:?}", s.exit_code, s_out, g.exit_code, g_out),
        ));
    }
    if s.probes != probe(1) {
        return Err(fail("run specialized", format!("main did not call the specialized function (probe {:?})", s.probes)));
    }

    // The specialized function's loops.
    let request = &spec.report.requests[0];
    let name = format!("{}.pweval.{}", request.function, request.user_id);
    let snap_info = ModuleInfo::parse(&snapshot).map_err(|e| fail("inspect", e.to_string()))?;
    let list = pweval::requests::find_requests(&snap_info);
    let req = list.requests.first().ok_or_else(|| fail("inspect", "no request in the snapshot"))?;
    let mut buffers = Vec::new();
    for (param, arg) in req.args.iter().enumerate() {
        if let ArgSpec::Const(ConstArg::Buffer { addr, bytes }) = arg {
            buffers.push((param, u64::from(*addr), u64::from(*addr) + bytes.len() as u64));
        }
    }
    let input_info = ModuleInfo::parse(&input).map_err(|e| fail("inspect", e.to_string()))?;
    let readonly = pweval::readonly::ranges_of_input(&input_info);
    let findings = loop_findings(&spec.wasm, &name, &buffers, &readonly).map_err(|e| fail("inspect", e))?;
    if !findings.is_empty() {
        return Err(fail("bytecode in loop", findings.join("; ")));
    }
    Ok(())
}

fn run_with_timeout(engine: &wasmtime::Engine, wasm: Vec<u8>, args: Vec<String>) -> Result<runner::RunResult, String> {
    let (tx, rx) = mpsc::channel();
    let engine = engine.clone();
    std::thread::spawn(move || {
        let options = RunOptions {
            args,
            capture: true,
            probes: vec!["shape_used_specialized".into()],
            ..Default::default()
        };
        let _ = tx.send(runner::run(&engine, &wasm, false, &options).map_err(|e| e.to_string()));
    });
    match rx.recv_timeout(RUN_TIMEOUT) {
        Ok(result) => result,
        Err(_) => Err(format!("no result after {} s (hangs?)", RUN_TIMEOUT.as_secs())),
    }
}

/// The trap of `wasm` with its cause and innermost frames (the runner keeps
/// only the first line of wasmtime's message): run it again, here.
fn trap_details(engine: &wasmtime::Engine, wasm: &[u8], args: &[String]) -> String {
    use wasmtime_wasi::p1::WasiP1Ctx;
    let run = || -> wasmtime::Result<Option<wasmtime::Error>> {
        let module = wasmtime::Module::new(engine, wasm)?;
        let mut wasi = wasmtime_wasi::WasiCtxBuilder::new();
        let mut argv = vec!["main".to_string()];
        argv.extend(args.iter().cloned());
        wasi.args(&argv);
        let mut store = wasmtime::Store::new(engine, wasi.build_p1());
        let mut linker: wasmtime::Linker<WasiP1Ctx> = wasmtime::Linker::new(engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx)?;
        let instance = linker.instantiate(&mut store, &module)?;
        let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
        Ok(start.call(&mut store, ()).err())
    };
    match run() {
        Ok(Some(e)) => {
            let text = format!("{e:?}");
            let cause = text.lines().rev().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_string();
            let frames: Vec<String> = text
                .lines()
                .filter_map(|l| l.split_once(" - ").map(|(_, f)| f.trim().trim_start_matches("<unknown>!").to_string()))
                .take(3)
                .collect();
            format!("{cause}, in {}", frames.join(" < "))
        }
        Ok(None) => "(no trap when run again)".into(),
        Err(e) => format!("(cannot run it again: {e})"),
    }
}

fn is_load(op: &waffle::Operator) -> Option<u32> {
    use waffle::Operator::*;
    match op {
        I32Load { memory } | I64Load { memory } | F32Load { memory } | F64Load { memory }
        | I32Load8S { memory } | I32Load8U { memory } | I32Load16S { memory } | I32Load16U { memory }
        | I64Load8S { memory } | I64Load8U { memory } | I64Load16S { memory } | I64Load16U { memory }
        | I64Load32S { memory } | I64Load32U { memory } => Some(memory.offset),
        _ => None,
    }
}

/// Blocks that lie on a cycle of the CFG (strongly connected components with
/// more than one block, or with a self edge), by Kosaraju's algorithm.
fn cyclic_blocks(body: &waffle::FunctionBody) -> HashSet<waffle::Block> {
    let blocks: Vec<waffle::Block> = body.blocks.iter().collect();
    let succs = |b: waffle::Block| {
        let mut v = Vec::new();
        body.blocks[b].terminator.visit_successors(|s| v.push(s));
        v
    };
    let mut preds: BTreeMap<waffle::Block, Vec<waffle::Block>> = BTreeMap::new();
    for &b in &blocks {
        for s in succs(b) {
            preds.entry(s).or_default().push(b);
        }
    }
    // Post-order of the forward graph, iteratively.
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    for &start in &blocks {
        if !seen.insert(start) {
            continue;
        }
        let mut stack = vec![(start, succs(start), 0usize)];
        while let Some((b, ss, i)) = stack.last_mut() {
            if *i < ss.len() {
                let s = ss[*i];
                *i += 1;
                if seen.insert(s) {
                    let next = succs(s);
                    stack.push((s, next, 0));
                }
            } else {
                order.push(*b);
                stack.pop();
            }
        }
    }
    // Components of the reversed graph in reverse post-order.
    let mut component: BTreeMap<waffle::Block, usize> = BTreeMap::new();
    let mut sizes = Vec::new();
    for &start in order.iter().rev() {
        if component.contains_key(&start) {
            continue;
        }
        let id = sizes.len();
        let mut size = 0;
        let mut stack = vec![start];
        component.insert(start, id);
        while let Some(b) = stack.pop() {
            size += 1;
            for &p in preds.get(&b).map(|v| &v[..]).unwrap_or(&[]) {
                if !component.contains_key(&p) {
                    component.insert(p, id);
                    stack.push(p);
                }
            }
        }
        sizes.push(size);
    }
    blocks
        .into_iter()
        .filter(|&b| sizes[component[&b]] > 1 || succs(b).contains(&b))
        .collect()
}

/// What is wrong with the loops of function `name` in `wasm`: loads from a
/// request buffer (`buffers`: parameter index, [start, end) in memory) or a
/// br_table on a cycle, or no cycle at all; and anywhere in the function, a
/// load at a constant address in the guest's read-only data (`readonly`),
/// which should have folded (acc_oplen's length table).
pub(crate) fn loop_findings(
    wasm: &[u8],
    name: &str,
    buffers: &[(usize, u64, u64)],
    readonly: &[std::ops::Range<u32>],
) -> Result<Vec<String>, String> {
    let info = ModuleInfo::parse(wasm).map_err(|e| e.to_string())?;
    let index = info
        .func_names
        .iter()
        .find(|(_, n)| n.as_str() == name)
        .map(|(&i, _)| i)
        .ok_or_else(|| format!("no function named {name} in the output"))?;
    let module = waffle::Module::from_wasm_bytes(wasm, &Default::default()).map_err(|e| e.to_string())?;
    let body = module.clone_and_expand_body(waffle::Func::from(index)).map_err(|e| e.to_string())?;
    let in_buffer = |addr: u64| buffers.iter().any(|&(_, lo, hi)| (lo..hi).contains(&addr));
    let constant = |v: waffle::Value| -> Option<u64> {
        match &body.values[body.resolve_alias(v)] {
            waffle::ValueDef::Operator(waffle::Operator::I32Const { value }, _, _) => Some(u64::from(*value)),
            _ => None,
        }
    };

    // Values that may point into a buffer: such constants, the buffer
    // parameters, sums and differences with one of them, and block
    // parameters that receive one on some edge (to a fixpoint).
    let mut derived: HashSet<waffle::Value> = HashSet::new();
    for &(param, _, _) in buffers {
        if let Some(&(_, v)) = body.blocks[body.entry].params.get(param) {
            derived.insert(v);
        }
    }
    loop {
        let before = derived.len();
        for block in body.blocks.iter() {
            for &inst in &body.blocks[block].insts {
                if derived.contains(&inst) {
                    continue;
                }
                if let waffle::ValueDef::Operator(op, args, _) = &body.values[inst] {
                    let args = &body.arg_pool[*args];
                    let hit = match op {
                        waffle::Operator::I32Const { value } => in_buffer(u64::from(*value)),
                        waffle::Operator::I32Add | waffle::Operator::I32Sub => {
                            args.iter().any(|&a| derived.contains(&body.resolve_alias(a)))
                        }
                        _ => false,
                    };
                    if hit {
                        derived.insert(inst);
                    }
                }
            }
            body.blocks[block].terminator.visit_targets(|target| {
                for (i, &arg) in target.args.iter().enumerate() {
                    if derived.contains(&body.resolve_alias(arg)) {
                        if let Some(&(_, param)) = body.blocks[target.block].params.get(i) {
                            derived.insert(param);
                        }
                    }
                }
            });
        }
        if derived.len() == before {
            break;
        }
    }

    let in_readonly = |addr: u64| readonly.iter().any(|r| (u64::from(r.start)..u64::from(r.end)).contains(&addr));
    let readonly_loads = body
        .blocks
        .iter()
        .flat_map(|b| body.blocks[b].insts.iter())
        .filter(|&&inst| match &body.values[inst] {
            waffle::ValueDef::Operator(op, args, _) => is_load(op).is_some_and(|offset| {
                let addr = body.resolve_alias(body.arg_pool[*args][0]);
                constant(addr).is_some_and(|c| in_readonly(c + u64::from(offset)))
            }),
            _ => false,
        })
        .count();
    if readonly_loads > 0 {
        return Ok(vec![format!("{readonly_loads} load(s) at constant addresses in read-only data did not fold")]);
    }

    let cyclic = cyclic_blocks(&body);
    if cyclic.is_empty() {
        return Ok(vec!["the specialized function has no loop (the program's loop is gone?)".to_string()]);
    }
    let mut cyclic: Vec<_> = cyclic.into_iter().collect();
    cyclic.sort();
    let mut loads: Vec<String> = Vec::new();
    let mut load_count = 0;
    let mut tables = 0;
    let mut blocks: Vec<String> = Vec::new();
    for block in cyclic {
        let mut hit = false;
        for &inst in &body.blocks[block].insts {
            let waffle::ValueDef::Operator(op, args, _) = &body.values[inst] else { continue };
            let Some(offset) = is_load(op) else { continue };
            let addr = body.resolve_alias(body.arg_pool[*args][0]);
            let constant_hit = constant(addr).is_some_and(|c| in_buffer(c + u64::from(offset)));
            if constant_hit || derived.contains(&addr) {
                load_count += 1;
                let name = op.to_string();
                let name = name.split('<').next().unwrap_or("load").to_string();
                if !loads.contains(&name) {
                    loads.push(name);
                }
                hit = true;
            }
        }
        if matches!(body.blocks[block].terminator, waffle::Terminator::Select { .. }) {
            tables += 1;
            hit = true;
        }
        if hit {
            blocks.push(block.to_string());
        }
    }
    let mut findings = Vec::new();
    if load_count > 0 {
        findings.push(format!("{load_count} bytecode load(s) ({})", loads.join(", ")));
    }
    if tables > 0 {
        findings.push(format!("{tables} br_table(s)"));
    }
    if !findings.is_empty() {
        let shown = blocks.len().min(4);
        let more = if blocks.len() > shown { ", ..." } else { "" };
        let last = findings.pop().unwrap();
        let joined = if findings.is_empty() { last } else { format!("{} and {last}", findings.join(", ")) };
        findings = vec![format!("{joined} on cycles (in {}{more})", blocks[..shown].join(", "))];
    }
    Ok(findings)
}

/// Group diagnostics that differ only in numbers (block names, pcs,
/// addresses): every decimal or 0x-hex number becomes `N`.
fn normalise(detail: &str) -> String {
    let chars: Vec<char> = detail.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            if chars[i] == '0' && chars.get(i + 1) == Some(&'x') {
                i += 2;
                while i < chars.len() && chars[i].is_ascii_hexdigit() {
                    i += 1;
                }
            } else {
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            out.push('N');
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The group a failure belongs to: its step and normalised diagnostic,
/// without the value pweval quotes (`...: vN = <expression> from blockN`).
fn group_key(f: &Failure) -> String {
    let detail = normalise(&f.detail);
    let detail = detail.split(": vN = ").next().unwrap_or(&detail);
    format!("{}: {detail}", f.step)
}

struct Results {
    rows: Vec<(Combo, Result<(), Failure>)>,
}

impl Results {
    fn failure_table(&self) -> String {
        let failed: Vec<_> = self.rows.iter().filter_map(|(c, r)| r.as_ref().err().map(|f| (c, f))).collect();
        let mut s = format!("{} of {} combinations failed:\n\n", failed.len(), self.rows.len());
        let w = failed.iter().map(|(c, _)| c.shape.len()).max().unwrap_or(5).max(5);
        s += &format!("{:<w$}  {:<8}  {:<5}  {:<17}  {}\n", "shape", "compiler", "level", "failed", "why");
        for (c, f) in &failed {
            s += &format!("{:<w$}  {:<8}  {:<5}  {:<17}  {}\n", c.shape, c.compiler, c.level, f.step, f.detail);
        }
        s += "\nGrouped by diagnostic (numbers replaced by N, pweval's quoted value left out):\n";
        for (why, combos) in self.groups() {
            s += &format!("\n[{}] {why}\n", combos.len());
            s += &format!("    {}\n", combos.join(", "));
        }
        s
    }

    /// (step: normalised diagnostic) -> the combinations, most frequent first.
    fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (c, r) in &self.rows {
            if let Err(f) = r {
                groups.entry(group_key(f)).or_default().push(c.name());
            }
        }
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        groups
    }

    /// docs/shapes.md.
    fn markdown(&self, speedups: &serde_like::Speedups) -> String {
        let mut s = String::new();
        s += "# The shape corpus: which interpreter shapes pweval specializes\n\n";
        s += "Generated by `BLESS=1 cargo test --test all shapes` (tests/all/shapes.rs);\n";
        s += "the speed-up column comes from `bench/shapes.py` (bench/shapes.json).\n";
        s += "Do not edit by hand.\n\n";
        s += "Each guest in `tests/shapes/` is one way of writing an interpreter loop\n";
        s += "(its first comment says which); `interp` is `examples/interp-c/interp.c`.\n";
        s += "A cell is **yes** when `pweval -w --strict` specialized the request, the\n";
        s += "specialized and generic runs printed the same, expected result, and the\n";
        s += "specialized function has no bytecode load and no `br_table` on any cycle.\n";
        s += "Otherwise it names the step that failed:\n\n";
        s += "- `fallback`: pweval fell back to the generic function (its diagnostic is below);\n";
        s += "- `loop`: specialized, but the bytecode is still read (or dispatched on) in a loop;\n";
        s += "- `wrong`: the specialized run differs from the generic one;\n";
        s += "- `build`, `wizen`, `pweval`, `generic`, `inspect`: the step before could not finish.\n\n";
        s += "Speed-up: the generic-only output's time over the specialized output's, at -O2,\n";
        s += &format!("measured by `bench/shapes.py` ({}).\n", speedups.what);
        s += "The machine was shared with other builds, so expect noise of 20% and more.\n\n";
        s += "| shape | compiler | O1 | O2 | O3 | Os | Oz | speed-up (-O2) |\n";
        s += "|---|---|---|---|---|---|---|---:|\n";
        let mut yes = 0;
        for (shape, _) in shapes() {
            if !self.rows.iter().any(|(c, _)| c.shape == shape) {
                continue;
            }
            for compiler in COMPILERS {
                let cells: Vec<String> = LEVELS
                    .iter()
                    .map(|level| {
                        let row = self
                            .rows
                            .iter()
                            .find(|(c, _)| c.shape == shape && c.compiler == compiler && c.level == *level);
                        match row {
                            None => String::new(),
                            Some((_, Ok(()))) => {
                                yes += 1;
                                "yes".into()
                            }
                            Some((_, Err(f))) => match f.step {
                                "fallback" => "fallback",
                                "bytecode in loop" => "loop",
                                "run specialized" => "wrong",
                                "run generic" => "generic",
                                other => other,
                            }
                            .into(),
                        }
                    })
                    .collect();
                if cells.iter().all(|c| c.is_empty()) {
                    continue;
                }
                let speedup = speedups.get(&shape, compiler);
                s += &format!("| {shape} | {compiler} | {} | {speedup} |\n", cells.join(" | "));
            }
        }
        s += &format!("\n{yes} of {} combinations specialized.\n", self.rows.len());
        let groups = self.groups();
        s += "\n## The shapes\n\n";
        for (shape, cpp) in shapes() {
            s += &format!("- `{shape}`: {}\n", shape_summary(&shape, cpp));
        }
        if !groups.is_empty() {
            s += "\n## Why the others are not\n\n";
            s += "The failing step and pweval's diagnostic, grouped (numbers replaced by N, the\n";
            s += "quoted value left out; `cargo test --test all shapes` prints each in full):\n\n";
            for (why, combos) in groups {
                s += &format!("- **{why}** ({}): {}\n", combos.len(), combos.join(", "));
            }
            s += "\nThe known limits the test accepts (`KNOWN_LIMITS` in tests/all/shapes.rs; \
                  they must fail cleanly, and must come off the list once they pass):\n\n";
            for (shape, compiler, level, steps, why) in KNOWN_LIMITS {
                s += &format!("- `{shape}` {compiler} {level} ({}): {why}\n", steps.join(" or "));
            }
        }
        s
    }
}

/// The first paragraph of a guest's opening comment, without "Shape:".
fn shape_summary(shape: &str, cpp: bool) -> String {
    if shape == "interp" {
        return "examples/interp-c/interp.c, the seed example (its VM is examples/interp-c/accvm.h): \
                `uint32_t pc` with post-increment fetches, `while (true)` switch/break, \
                JMPNZ as `if (acc != 0) pc = target;`, one update at the bottom, locals in weval \
                registers in the specialized flavour of an always_inline body; the loop count \
                is a compile-time constant"
            .into();
    }
    let path = root().join("tests/shapes").join(format!("{shape}.{}", if cpp { "cpp" } else { "c" }));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let comment = text.split("*/").next().unwrap_or("");
    let mut words = Vec::new();
    for line in comment.lines().skip(1) {
        let line = line.trim().trim_start_matches('*').trim();
        if line.is_empty() {
            if !words.is_empty() {
                break;
            }
            continue;
        }
        words.push(line.to_string());
    }
    let para = words.join(" ");
    match para.split_once(": ") {
        Some((head, rest)) if head.starts_with("Shape") => {
            if head.contains("C++") {
                format!("(C++) {rest}")
            } else {
                rest.to_string()
            }
        }
        _ => para,
    }
}

/// bench/shapes.json, read without a JSON library: the file is written by
/// bench/shapes.py in a fixed, line-oriented layout.
mod serde_like {
    use std::collections::BTreeMap;

    pub struct Speedups {
        pub what: String,
        ratios: BTreeMap<(String, String), String>,
    }

    impl Speedups {
        /// `{"what": "...", "ratios": [["shape", "compiler", 5.2, 12.3], ...]}`
        /// (whole-process ratio, then net of start-up), one row per line;
        /// missing file: no ratios.
        pub fn load(path: &std::path::Path) -> Speedups {
            let mut out = Speedups { what: "not measured yet".into(), ratios: BTreeMap::new() };
            let Ok(text) = std::fs::read_to_string(path) else { return out };
            for line in text.lines() {
                let line = line.trim().trim_end_matches(',');
                if let Some(rest) = line.strip_prefix("\"what\": ") {
                    out.what = rest.trim_matches('"').to_string();
                } else if line.starts_with("[\"") && line.ends_with(']') {
                    let parts: Vec<&str> = line[1..line.len() - 1].split(", ").collect();
                    if parts.len() >= 3 {
                        let value = parts[2].trim_matches('"');
                        let cell = match (value.parse::<f64>(), parts.get(3).and_then(|n| n.parse::<f64>().ok())) {
                            (Ok(x), Some(net)) => format!("{x:.1}x (net {net:.1}x)"),
                            (Ok(x), None) => format!("{x:.1}x"),
                            (Err(_), _) => value.to_string(),
                        };
                        out.ratios
                            .insert((parts[0].trim_matches('"').into(), parts[1].trim_matches('"').into()), cell);
                    }
                }
            }
            out
        }

        pub fn get(&self, shape: &str, compiler: &str) -> String {
            self.ratios.get(&(shape.to_string(), compiler.to_string())).cloned().unwrap_or_else(|| "–".into())
        }
    }
}

fn selected(combo: &Combo, filter: &Option<String>) -> bool {
    match filter {
        None => true,
        Some(f) => {
            let name = combo.name();
            let words: Vec<&str> = name.split(' ').collect();
            f.split_whitespace().all(|w| words.iter().any(|n| n.contains(w)))
        }
    }
}

#[test]
fn shape_corpus() {
    let started = Instant::now();
    let filter = std::env::var("SHAPES_FILTER").ok().filter(|f| !f.trim().is_empty());
    let all = combos();
    let todo: Vec<Combo> = all.iter().filter(|c| selected(c, &filter)).cloned().collect();
    assert!(!todo.is_empty(), "SHAPES_FILTER={filter:?} selects nothing");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shapes");
    std::fs::create_dir_all(&out).unwrap();
    let jobs = std::env::var("SHAPES_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    // Compile on the calling thread: wasmtime's parallel compilation uses
    // the process-wide rayon pool, which the Lua tests of this binary fill
    // with 100 MB modules; a small guest queued behind them looked like a
    // hang to RUN_TIMEOUT (CI, stop 15).
    let mut config = wasmtime::Config::new();
    config.parallel_compilation(false);
    let engine = wasmtime::Engine::new(&config).expect("engine");
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<(), Failure>>>> = Mutex::new(vec![None; todo.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(combo) = todo.get(i) else { break };
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&engine, &out, combo)))
                    .unwrap_or_else(|panic| {
                        let what = panic
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default();
                        Err(fail("panic", what))
                    });
                results.lock().unwrap()[i] = Some(result);
            });
        }
    });
    let rows: Vec<(Combo, Result<(), Failure>)> = todo
        .into_iter()
        .zip(results.into_inner().unwrap())
        .map(|(c, r)| (c, r.expect("every combination ran")))
        .collect();
    let results = Results { rows };
    let elapsed = started.elapsed();
    eprintln!("shapes: {} combinations in {:.1} s on {jobs} threads", results.rows.len(), elapsed.as_secs_f64());

    let mut problems = String::new();
    if filter.is_none() {
        let speedups = serde_like::Speedups::load(&root().join("bench/shapes.json"));
        let doc = results.markdown(&speedups);
        let doc_path = root().join("docs/shapes.md");
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&doc_path, &doc).unwrap();
        } else if std::fs::read_to_string(&doc_path).ok().as_deref() != Some(doc.as_str()) {
            problems += "docs/shapes.md is out of date: run `BLESS=1 cargo test --test all shapes`\n\n";
        }
    }
    let mut unexpected = Vec::new();
    for (combo, result) in &results.rows {
        match (result, known_limit(combo)) {
            (Ok(()), Some(_)) => unexpected.push(format!(
                "{}: now specialized; take it off KNOWN_LIMITS (and update docs/shapes.md)",
                combo.name()
            )),
            (Err(f), Some((steps, _))) if !steps.contains(&f.step) => {
                unexpected.push(format!("{}: known limit, but failed at step {}: {}", combo.name(), f.step, f.detail))
            }
            (Err(f), None) => unexpected.push(format!("{}: {}: {}", combo.name(), f.step, f.detail)),
            _ => {}
        }
    }
    if !unexpected.is_empty() {
        problems += &format!("{} unexpected result(s):\n{}\n\n", unexpected.len(), unexpected.join("\n"));
        problems += &results.failure_table();
    }
    if !problems.is_empty() {
        panic!("\n{problems}");
    }
}
