//! PUC-Rio Lua 5.4 under pweval (examples/lua): every program runs three
//! ways, specialized (`lua.wasm`), generic (`lua-generic.wasm`, the same
//! snapshot) and native (Debian's `lua5.4`), and all three must print the
//! same bytes and exit the same way.
//!
//! - The corpus (examples/lua/tests/corpus/*.lua): each program is built on
//!   its own with examples/lua/build.sh, as a user would, and compared with
//!   its `.expected` stdout and `.status`; stderr (Lua's error messages and
//!   tracebacks) must match between the two Wasm builds and native Lua.
//!   Every prototype must be specialized (the build's summary says so).
//! - Random programs (lua_gen/, `LUA_DIFF_PROGRAMS`, default 300): they
//!   share snapshots, a few hundred modules each, run one per instance by a
//!   driver that `require`s the program named on its command line.
//!
//! Building the Lua interpreter itself happens once and is cached by
//! build.sh (target/lua-guest).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use pweval::runner::{self, RunOptions};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lua").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// What one build printed and wrote.
struct Built {
    specialized: PathBuf,
    generic: PathBuf,
    /// pweval's summary of the specializing run.
    summary: String,
}

/// examples/lua/build.sh MAIN OUT, with this test's pweval binary.
fn build(main: &Path, out: &Path) -> Built {
    let output = Command::new("bash")
        .arg(root().join("examples/lua/build.sh"))
        .arg(main)
        .arg(out)
        .env("PWEVAL", env!("CARGO_BIN_EXE_pweval"))
        .output()
        .expect("run examples/lua/build.sh");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "build.sh {} failed:\n{stderr}", main.display());
    let summary = stderr
        .lines()
        .filter(|l| l.starts_with("pweval: ") && !l.contains("--generic-only") && !l.contains("snapshot"))
        .filter(|l| l.contains("request(s) specialized"))
        .last()
        .unwrap_or_default()
        .to_string();
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning") || l.starts_with("note")).collect();
    assert!(warnings.is_empty(), "{}: a request fell back or took a cold path:\n{}", main.display(), warnings.join("\n"));
    Built { specialized: out.join("lua.wasm"), generic: out.join("lua-generic.wasm"), summary }
}

/// "pweval: N of M request(s) specialized, S skipped": (N, M, S).
fn request_counts(summary: &str) -> (usize, usize, usize) {
    let numbers: Vec<usize> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match numbers[..] {
        [n, m, s, ..] => (n, m, s),
        _ => panic!("no request counts in {summary:?}"),
    }
}

struct Run {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    status: i32,
    /// Lua calls that ran in a specialized body (the guest's
    /// `lua_spec_invocations` export); 0 for native runs.
    specialized_calls: i32,
}

/// Run a Lua module's `_start` with `args`, the folder `cwd` preopened as
/// "." (the corpus reads files relative to it).
fn run_wasm(engine: &wasmtime::Engine, module: &wasmtime::Module, args: &[&str], cwd: &Path) -> Run {
    let options = RunOptions {
        args: args.iter().map(|a| a.to_string()).collect(),
        dirs: vec![(cwd.to_path_buf(), ".".to_string())],
        capture: true,
        probes: vec!["lua_spec_invocations".into()],
    };
    let r = runner::run_module(engine, module, &options).expect("run");
    assert_eq!(r.trap, None, "the Lua guest trapped");
    let specialized_calls = r.probes.first().copied().flatten().unwrap_or(-1);
    Run { stdout: r.stdout, stderr: r.stderr, status: r.exit_code, specialized_calls }
}

/// `lua5.4 SCRIPT ARGS` in `dir`, or `None` when it is not installed.
fn run_native(dir: &Path, script: &str, args: &[&str]) -> Option<Run> {
    let out = Command::new("lua5.4").arg(script).args(args).current_dir(dir).output().ok()?;
    Some(Run { stdout: out.stdout, stderr: out.stderr, status: out.status.code().unwrap_or(-1), specialized_calls: 0 })
}

fn native_required() -> bool {
    // CI installs lua5.4 (scripts/install-toolchain.sh); a developer
    // machine without it still checks the Wasm builds against the
    // recorded outputs.
    std::env::var_os("CI").is_some()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn corpus_specialized_generic_and_native_agree() {
    let corpus = root().join("examples/lua/tests/corpus");
    let mut programs: Vec<String> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".lua"))
        .collect();
    programs.sort();
    assert!(programs.len() >= 25, "the corpus has {} programs", programs.len());
    let engine = wasmtime::Engine::default();
    let failures = Mutex::new(Vec::new());
    let next = Mutex::new(programs.iter());
    let check = |name: &str| -> Result<(), String> {
        let stem = name.trim_end_matches(".lua");
        let dir = scratch(&format!("corpus/{stem}"));
        std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
        std::fs::copy(corpus.join(name), dir.join("src").join(name)).map_err(|e| e.to_string())?;
        let built = build(&dir.join("src").join(name), &dir.join("out"));
        let (n, m, skipped) = request_counts(&built.summary);
        if n != m || skipped != 0 || n == 0 {
            return Err(format!("not every prototype was specialized: {}", built.summary));
        }
        let expected = std::fs::read(corpus.join(format!("{stem}.expected"))).map_err(|e| e.to_string())?;
        let status: i32 = std::fs::read_to_string(corpus.join(format!("{stem}.status")))
            .map_err(|e| e.to_string())?
            .trim()
            .parse()
            .map_err(|e| format!("{stem}.status: {e}"))?;
        let compile = |p: &Path| runner::compile(&engine, &std::fs::read(p).expect("module"), false).expect("compile");
        let s = run_wasm(&engine, &compile(&built.specialized), &[], &corpus);
        let g = run_wasm(&engine, &compile(&built.generic), &[], &corpus);
        let mut why = Vec::new();
        if g.stdout != expected || g.status != status {
            why.push(format!("generic: status {} (expected {status}), stdout:\n{}", g.status, text(&g.stdout)));
        }
        if s.stdout != g.stdout || s.status != g.status {
            why.push(format!("specialized differs from generic: status {}, stdout:\n{}", s.status, text(&s.stdout)));
        }
        if s.stderr != g.stderr {
            why.push(format!("stderr differs:\nspecialized: {}\ngeneric: {}", text(&s.stderr), text(&g.stderr)));
        }
        if s.specialized_calls < 1 || g.specialized_calls != 0 {
            why.push(format!(
                "specialized bodies ran {} times in lua.wasm and {} in lua-generic.wasm",
                s.specialized_calls, g.specialized_calls
            ));
        }
        match run_native(&corpus, name, &[]) {
            Some(native) => {
                if native.stdout != expected || native.status != status {
                    why.push(format!("native lua5.4 no longer prints {stem}.expected:\n{}", text(&native.stdout)));
                }
                if native.stderr != g.stderr {
                    why.push(format!("stderr differs from native:\nnative: {}\nwasm: {}", text(&native.stderr), text(&g.stderr)));
                }
            }
            None if native_required() => why.push("lua5.4 is not installed".into()),
            None => {}
        }
        if why.is_empty() { Ok(()) } else { Err(why.join("\n")) }
    };
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let Some(name) = next.lock().map(|mut it| it.next().cloned()).unwrap_or(None) else { break };
                if let Err(why) = check(&name) {
                    failures.lock().expect("failures").push(format!("{name}: {why}"));
                }
            });
        }
    });
    let failures = failures.into_inner().expect("failures");
    assert!(failures.is_empty(), "{} of {} corpus programs failed:\n{}", failures.len(), programs.len(), failures.join("\n\n"));
}

/// Programs per shared snapshot: their modules are specialized together.
const BATCH: usize = 250;

// The random programs come in two halves, two tests, so that the test
// harness's two threads can run them side by side (each half is a few
// minutes of specializing and compiling 100 MB modules).
#[test]
fn random_programs_specialized_generic_and_native_agree_first_half() {
    random_programs(0);
}

#[test]
fn random_programs_specialized_generic_and_native_agree_second_half() {
    random_programs(1);
}

/// Half `half` (0 or 1) of the `LUA_DIFF_PROGRAMS` random programs.
fn random_programs(half: usize) {
    let total: usize = std::env::var("LUA_DIFF_PROGRAMS").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let first_seed: u64 = std::env::var("LUA_DIFF_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_0000);
    let (from, count) = if half == 0 { (0, total / 2) } else { (total / 2, total - total / 2) };
    // Cranelift's optimisations change nothing pweval is tested on here,
    // and these 100 MB modules are compiled twice per batch; the corpus
    // test compiles with the default settings.
    let mut config = wasmtime::Config::new();
    config.cranelift_opt_level(wasmtime::OptLevel::None);
    let engine = wasmtime::Engine::new(&config).expect("engine");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (batch, start) in (from..from + count).step_by(BATCH).enumerate() {
        let dir = scratch(&format!("random/{half}-{batch}"));
        let src = dir.join("src");
        std::fs::create_dir_all(&src).expect("src");
        // The driver runs the program named on the command line; native
        // Lua runs each program file directly.
        std::fs::write(src.join("driver.lua"), "local name = ...\nrequire(name)\n").expect("driver");
        let seeds: Vec<u64> = (start..(from + count).min(start + BATCH)).map(|i| first_seed + i as u64).collect();
        for &seed in &seeds {
            std::fs::write(src.join(format!("gen_{seed}.lua")), crate::lua_gen::program(seed)).expect("program");
        }
        let built = build(&src.join("driver.lua"), &dir.join("out"));
        let (n, m, skipped) = request_counts(&built.summary);
        assert!(n == m && skipped == 0 && n > seeds.len(), "batch {batch}: {}", built.summary);
        let compile = |p: &Path| runner::compile(&engine, &std::fs::read(p).expect("module"), false).expect("compile");
        let specialized = compile(&built.specialized);
        let generic = compile(&built.generic);
        for &seed in &seeds {
            let name = format!("gen_{seed}");
            let s = run_wasm(&engine, &specialized, &[&name], &src);
            let g = run_wasm(&engine, &generic, &[&name], &src);
            let native = run_native(&src, &format!("{name}.lua"), &[]);
            let mut why = Vec::new();
            if g.status != 0 || !g.stderr.is_empty() {
                why.push(format!("generic: status {}, stderr {}", g.status, text(&g.stderr)));
            }
            if (&s.stdout, &s.stderr, s.status) != (&g.stdout, &g.stderr, g.status) {
                why.push(format!("specialized differs from generic (status {}, stderr {})", s.status, text(&s.stderr)));
            }
            // The driver and the program's main chunk at least.
            if s.specialized_calls < 2 || g.specialized_calls != 0 {
                why.push(format!("specialized bodies ran {} times ({} generic)", s.specialized_calls, g.specialized_calls));
            }
            match native {
                Some(native) if native.stdout != g.stdout || native.status != g.status => {
                    why.push(format!("native lua5.4 differs (status {})", native.status))
                }
                None if native_required() => why.push("lua5.4 is not installed".into()),
                _ => {}
            }
            if !why.is_empty() {
                failures.push(format!("seed {seed} ({}): {}", src.join(format!("{name}.lua")).display(), why.join("; ")));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, count);
    assert!(failures.is_empty(), "{} of {count} random Lua programs failed:\n{}", failures.len(), failures.join("\n"));
}

/// What WASI cannot do fails with Lua's normal failure values (as a C
/// library without the feature makes Lua fail), the same in both builds;
/// nothing traps. Also `arg`, `...` and code loaded at run time.
#[test]
fn what_wasi_cannot_do_fails_like_lua() {
    let dir = scratch("wasi");
    std::fs::create_dir_all(dir.join("src")).expect("src");
    let script = "print(os.execute())\n\
                  print(os.execute('ls'))\n\
                  print(pcall(io.popen, 'ls'))\n\
                  print(pcall(os.tmpname))\n\
                  print(io.tmpfile())\n\
                  print(arg[0], arg[-1], #arg, ...)\n\
                  print(load('return 1 + 2')())\n";
    std::fs::write(dir.join("src/wasi.lua"), script).expect("script");
    let built = build(&dir.join("src/wasi.lua"), &dir.join("out"));
    let engine = wasmtime::Engine::default();
    let expected = "false\n\
                    nil\texit\t-1\n\
                    false\t'popen' not supported\n\
                    false\tunable to generate a unique filename\n\
                    nil\tNot supported\t58\n\
                    wasi.lua\tlua5.4\t2\ta\tb\n\
                    3\n";
    for wasm in [&built.specialized, &built.generic] {
        let module = runner::compile(&engine, &std::fs::read(wasm).expect("module"), false).expect("compile");
        let run = run_wasm(&engine, &module, &["a", "b"], &dir);
        assert_eq!((text(&run.stdout).as_str(), run.status), (expected, 0), "{}", wasm.display());
    }
}

/// Every call path reaches the specialized bodies: a Lua call (OP_CALL), a
/// tail call, a call from C (pcall, xpcall), a metamethod, a coroutine's
/// body. Counted by the guest's `lua_spec_invocations` export; code loaded
/// at run time has none and runs generically. The generic build counts 0.
#[test]
fn every_call_path_runs_specialized_bodies() {
    let dir = scratch("paths");
    std::fs::create_dir_all(dir.join("src")).expect("src");
    let script = "local function f(x) return x + 1 end\n\
                  local function g(x) return f(x) end\n\
                  local t = setmetatable({}, {__index = function(_, k) return k * 2 end})\n\
                  print(f(1))\n\
                  print(g(1))\n\
                  print(pcall(f, 2))\n\
                  print(t[21])\n\
                  print(coroutine.wrap(function(a) return f(a) end)(5))\n\
                  print(select(2, xpcall(f, print, 6)))\n\
                  print(load('return ...')(7))\n";
    std::fs::write(dir.join("src/paths.lua"), script).expect("script");
    let built = build(&dir.join("src/paths.lua"), &dir.join("out"));
    let engine = wasmtime::Engine::default();
    let expected = "2\n2\ntrue\t3\n42\n6\n7\n7\n";
    // main chunk 1, f(1) 1, g(1) 1 + its tail call of f 1, pcall(f) 1,
    // __index 1, the coroutine's body 1 + its tail call of f 1, xpcall(f) 1.
    for (wasm, invocations) in [(&built.specialized, 9), (&built.generic, 0)] {
        let module = runner::compile(&engine, &std::fs::read(wasm).expect("module"), false).expect("compile");
        let options = RunOptions {
            capture: true,
            probes: vec!["lua_spec_invocations".into()],
            ..Default::default()
        };
        let run = runner::run_module(&engine, &module, &options).expect("run");
        assert_eq!(text(&run.stdout), expected, "{}", wasm.display());
        assert_eq!(run.probes, vec![Some(invocations)], "{}", wasm.display());
    }
}

/// Self-call inlining follows the size of the function
/// (`self_calls::self_sites_for`): the corpus' recursion program still has
/// self-calls inlined, but no answer grows past 10,000 instructions. Most
/// of its answers have their stack frame elided (`frame.rs`). Its
/// largest function, with a fixed six sites, was 12,694 instructions and
/// 519 KB, and took 0.8 s; within the budget it is 6,851 and 206 KB.
#[test]
fn self_call_inlining_stays_within_its_size_budget() {
    let dir = scratch("self-budget");
    std::fs::create_dir_all(dir.join("src")).expect("src");
    let name = "12_recursion.lua";
    std::fs::copy(root().join("examples/lua/tests/corpus").join(name), dir.join("src").join(name)).expect("copy");
    build(&dir.join("src").join(name), &dir.join("out"));
    let snapshot = std::fs::read(dir.join("out/lua-snapshot.wasm")).expect("snapshot");
    let result = pweval::process(&snapshot, &pweval::Options::default()).expect("pweval");
    assert_eq!(result.report.skipped, 0, "{:?}", result.report.diagnostics);
    let stats: Vec<_> = result.report.requests.iter().filter_map(|r| r.stats.as_ref()).collect();
    let largest = stats.iter().map(|s| s.insts_out).max().unwrap_or(0);
    let inlined: usize = stats.iter().map(|s| s.inlined_calls).sum();
    assert!(inlined > 0, "no self-call was inlined");
    assert!(largest < 10_000, "the largest answer has {largest} instructions");
    // The recursive functions have no numeric `for` (whose `forlimit` uses
    // the C frame): their answers no longer move the stack pointer, which
    // needs `__stack_pointer` found through the snapshot's name section.
    let elided = stats.iter().filter(|s| s.frame_elided).count();
    assert!(elided * 2 > stats.len(), "stack frame elided in only {elided} of {} answers", stats.len());
}

/// A syntax error in any script of the folder fails the build, with Lua's
/// own message (as `lua5.4 bad.lua` prints it) and pweval's one line.
#[test]
fn syntax_error_fails_the_build_with_luas_message() {
    let dir = scratch("syntax");
    std::fs::create_dir_all(dir.join("src")).expect("src");
    std::fs::write(dir.join("src/main.lua"), "print('fine')\n").expect("main");
    std::fs::write(dir.join("src/bad.lua"), "local x = = 1\n").expect("module");
    let output = Command::new("bash")
        .arg(root().join("examples/lua/build.sh"))
        .arg(dir.join("src/main.lua"))
        .arg(dir.join("out"))
        .env("PWEVAL", env!("CARGO_BIN_EXE_pweval"))
        .output()
        .expect("run examples/lua/build.sh");
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("lua5.4: bad.lua:1: unexpected symbol near '='"), "{stderr}");
    assert!(stderr.contains("the init function exited with status 1"), "{stderr}");
    assert!(!dir.join("out/lua.wasm").exists());
}
