//! The `pweval` command line: a thin shell over the library.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

/// Specializing allocates and frees many small IR vectors and maps; with
/// mimalloc a release pweval spends less of its time in the allocator than
/// with glibc's (see Cargo.toml).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// pweval: specialize a Wasm interpreter to the bytecode in its memory
/// snapshot (a WebAssembly partial evaluator, compatible with weval guests).
///
/// Reads a module whose memory holds specialization requests (filed by the
/// guest through include/weval.h), appends a specialized function for each
/// request and points the request's result slot at it. A module without
/// requests comes out unchanged. Every output is validated before it is
/// written, and it is written atomically.
#[derive(Parser, Debug)]
#[command(
    name = "pweval",
    version,
    max_term_width = 100,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Input module (.wasm, or .wat text).
    #[arg(short = 'i', long = "input", value_name = "FILE", required = true)]
    input: Option<PathBuf>,

    /// Output module; `-` writes to standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE", required_unless_present = "list_requests")]
    output: Option<PathBuf>,

    /// Pre-initialise the input with Wizer first: run its init function and
    /// specialize the resulting snapshot.
    #[arg(short = 'w', long = "wizen")]
    wizen: bool,

    /// With -w: the init function's export name [default: wizer-initialize,
    /// then wizer.initialize].
    #[arg(long = "init-func", value_name = "NAME", requires = "wizen")]
    init_func: Option<String>,

    /// With -w: let the init function read HOST as GUEST (default: the same
    /// path). Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]", requires = "wizen")]
    dirs: Vec<String>,

    /// With -w: keep exporting the init function in the output.
    #[arg(long = "keep-init-func", requires = "wizen")]
    keep_init_func: bool,

    /// Exit with status 1, writing nothing, if any request cannot be
    /// specialized (by default such a request falls back to the generic
    /// function with a warning).
    #[arg(long)]
    strict: bool,

    /// Budget: most blocks in one specialized function.
    #[arg(long = "max-blocks", value_name = "N", default_value_t = pweval::specialize::Limits::default().max_blocks)]
    max_blocks: usize,

    /// Budget: most instructions emitted while specializing one request.
    #[arg(long = "max-insts", value_name = "N", default_value_t = pweval::specialize::Limits::default().max_insts)]
    max_insts: usize,

    /// Budget: most seconds spent on one request.
    #[arg(long = "max-time", value_name = "SECS", default_value_t = pweval::specialize::Limits::default().max_time.as_secs_f64())]
    max_time: f64,

    /// Budget: most values one specialize.value call may fan out to.
    #[arg(long = "max-fanout", value_name = "N", default_value_t = pweval::specialize::Limits::default().max_fanout)]
    max_fanout: u32,

    /// Budget: largest encoded size of one specialized function, in bytes;
    /// a bigger one falls back to the generic function.
    #[arg(long = "max-output-bytes", value_name = "BYTES", default_value_t = pweval::specialize::Limits::default().max_output_bytes)]
    max_output_bytes: usize,

    /// Treat memory START..END (decimal or 0x hex, END exclusive) as the
    /// guest's read-only data: loads at constant addresses there fold to the
    /// snapshot's bytes. Repeatable. Default: the data segments named
    /// `.rodata*` in the input's name section (read before --wizen runs).
    #[arg(long = "readonly-data", value_name = "START..END", value_parser = pweval::readonly::parse_range)]
    readonly_data: Vec<std::ops::Range<u32>>,

    /// Treat no memory as read-only data (every load from it stays a load).
    #[arg(long = "no-readonly-data", conflicts_with = "readonly_data")]
    no_readonly_data: bool,

    /// Keep the DWARF debug sections (`.debug_*`) as they are. By default
    /// they are dropped whenever function bodies change or move, because
    /// their code offsets would then point at the wrong instructions.
    #[arg(long = "keep-dwarf")]
    keep_dwarf: bool,

    /// Threads for specializing requests [default: one per core]; the output
    /// is the same for any number.
    #[arg(short = 'j', long = "jobs", value_name = "N", default_value_t = 0, hide_default_value = true)]
    jobs: usize,

    /// Print per-request statistics (contexts, blocks, instructions, size,
    /// time); a request that reached no context intrinsic is flagged.
    #[arg(long)]
    stats: bool,

    /// Write each request's IR as text into DIR: FUNC.ID.generic.ir and
    /// FUNC.ID.specialized.ir. For a request that falls back, the
    /// specialized file is the partial function with the failing block
    /// marked.
    #[arg(long = "dump-ir", value_name = "DIR")]
    dump_ir: Option<PathBuf>,

    /// Print, per specialized request, what remains at each bytecode PC:
    /// instructions, loads, stores, calls (indirect ones counted apart) and
    /// other operators that can trap. A row `PC@D` is that PC inside a call
    /// pweval inlined D - 1 levels down. `--explain=json` prints one JSON
    /// document. Goes to standard output (standard error with `-o -`).
    #[arg(
        long = "explain",
        value_name = "FORMAT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "text",
        value_parser = ["text", "json"]
    )]
    explain: Option<String>,

    /// Print the requests found in the input and exit without writing.
    #[arg(long = "list-requests")]
    list_requests: bool,

    /// With -w: write the Wizer snapshot itself, untouched (e.g. as the input
    /// for another specializer).
    #[arg(long = "snapshot-only", requires = "wizen")]
    snapshot_only: bool,

    /// Answer no request: lower the intrinsics and unlink the request list
    /// but keep the generic functions (a baseline of the same snapshot).
    #[arg(long = "generic-only")]
    generic_only: bool,

    /// Also precompile the output for this machine into a wasmtime `.cwasm`
    /// artifact (run it with `pweval run --aot`).
    #[arg(long = "aot", value_name = "FILE")]
    aot: Option<PathBuf>,

    /// Allow the output path to be the input path.
    #[arg(long)]
    force: bool,

    /// Re-encode every section even when unchanged (for testing pweval).
    #[arg(long, hide = true)]
    rewrite_all: bool,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Run a WASI command module in embedded wasmtime; stdout, stderr and
    /// the exit code are passed through.
    Run(RunArgs),
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// The module (.wasm), or with --aot a precompiled `.cwasm`.
    module: PathBuf,

    /// The module is a `.cwasm` precompiled by `pweval --aot`.
    #[arg(long)]
    aot: bool,

    /// Let the program access HOST as GUEST (default: the same path).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,

    /// Write /tmp/perf-PID.map so `perf record`/`perf report` name the
    /// module's functions (JIT and --aot runs).
    #[arg(long)]
    perf_map: bool,

    /// Arguments for the program (after `--`).
    #[arg(last = true)]
    args: Vec<String>,
}

/// Turn transparent huge pages off for this process. Specializing, and
/// Cranelift compiling a module in `pweval run`, allocate and free a lot of
/// short-lived memory; with THP each first touch of a fresh 2 MiB region
/// has the kernel zero all of it, and mimalloc asks for huge pages on its
/// arenas. Measured on a Lua loop of 600 `if`s: 7.3-8.5 s, 3.2-4.5 s of it
/// in the kernel, before; 4.9 s, 0.7 s in the kernel, after. A JIT run of
/// the Lua suite's `fib` spent about 150 ms more compiling with THP on.
/// Failure (an old kernel) changes nothing but speed.
fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no
    // memory of ours. prctl is variadic: the arguments are passed as full
    // unsigned longs, because the kernel rejects the call unless the
    // unused ones are zero in all 64 bits.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1 as libc::c_ulong, 0 as libc::c_ulong, 0 as libc::c_ulong, 0 as libc::c_ulong);
    }
}

fn main() -> ExitCode {
    disable_transparent_huge_pages();
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Run(args)) => run_module(args),
        None => run(&cli).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_module(args: &RunArgs) -> Result<i32, String> {
    let bytes = std::fs::read(&args.module)
        .map_err(|e| format!("cannot read {}: {e}", args.module.display()))?;
    let engine = if args.perf_map {
        let mut config = wasmtime::Config::new();
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        wasmtime::Engine::new(&config).map_err(|e| format!("cannot set up the perf map profiler: {e}"))?
    } else {
        wasmtime::Engine::default()
    };
    let options = pweval::runner::RunOptions {
        args: args.args.clone(),
        dirs: args.dirs.iter().map(|d| parse_dir(d)).collect(),
        capture: false,
        probes: vec![],
    };
    let result = pweval::runner::run(&engine, &bytes, args.aot, &options).map_err(|e| e.to_string())?;
    if let Some(trap) = &result.trap {
        eprintln!("error: the program trapped: {trap}");
    }
    Ok(result.exit_code)
}

fn run(cli: &Cli) -> Result<(), String> {
    let Some(input_path) = &cli.input else {
        return Err("no input file given (use -i FILE)".into());
    };
    let input = std::fs::read(input_path)
        .map_err(|e| format!("cannot read input file {}: {e}", input_path.display()))?;
    if cli.list_requests {
        return list(&input);
    }
    let Some(output_path) = &cli.output else {
        return Err("no output file given (use -o FILE, or -o - for standard output)".into());
    };
    if output_path != Path::new("-") && !cli.force && same_file(input_path, output_path) {
        return Err(format!(
            "the output {} is the input file; pass --force to overwrite it",
            output_path.display()
        ));
    }
    let wizen = cli.wizen.then(|| pweval::WizenOptions {
        init_func: cli.init_func.clone(),
        dirs: cli.dirs.iter().map(|d| parse_dir(d)).collect(),
        keep_init_func: cli.keep_init_func,
    });
    let options = pweval::Options {
        jobs: cli.jobs,
        progress: Some(progress_line()),
        wizen,
        strict: cli.strict,
        dump_ir: cli.dump_ir.is_some(),
        explain: cli.explain.is_some(),
        rewrite_all: cli.rewrite_all,
        keep_dwarf: cli.keep_dwarf,
        generic_only: cli.generic_only,
        snapshot_only: cli.snapshot_only,
        readonly_data: if cli.no_readonly_data {
            pweval::readonly::ReadonlyData::Off
        } else if !cli.readonly_data.is_empty() {
            pweval::readonly::ReadonlyData::Ranges(cli.readonly_data.clone())
        } else {
            pweval::readonly::ReadonlyData::Named
        },
        limits: pweval::specialize::Limits {
            max_blocks: cli.max_blocks,
            max_insts: cli.max_insts,
            max_time: std::time::Duration::from_secs_f64(cli.max_time.max(0.0)),
            max_fanout: cli.max_fanout,
            max_output_bytes: cli.max_output_bytes,
            ..pweval::specialize::Limits::default()
        },
    };
    let result = pweval::process(&input, &options);
    let output = match result {
        Ok(output) => output,
        Err(e) => {
            // --strict: the warnings are the reason; print them first.
            if let pweval::Error::Strict { diagnostics, .. } = &e {
                for line in diagnostics {
                    eprintln!("{line}");
                }
            }
            return Err(e.to_string());
        }
    };
    for line in &output.report.diagnostics {
        eprintln!("{line}");
    }
    if cli.stats {
        eprint!("{}", output.report.stats());
    }
    if let Some(dir) = &cli.dump_ir {
        dump_ir(dir, &output.report)?;
    }
    write_output(output_path, &output.wasm)?;
    if let Some(aot) = &cli.aot {
        let engine = wasmtime::Engine::default();
        let artifact = pweval::runner::precompile(&engine, &output.wasm).map_err(|e| e.to_string())?;
        write_output(aot, &artifact)?;
    }
    if let Some(format) = &cli.explain {
        let text = match format.as_str() {
            "json" => pweval::explain::json(&output.report),
            _ => pweval::explain::text(&output.report),
        };
        // Standard output may be carrying the module itself.
        if output_path == Path::new("-") {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    }
    eprintln!("{}", output.report.summary());
    Ok(())
}

/// A progress line on stderr once specializing has taken over a second:
/// rewritten in place on a terminal, a plain line every few seconds otherwise.
fn progress_line() -> pweval::answer::Progress {
    use std::io::IsTerminal;
    use std::sync::Mutex;
    use std::time::{Duration, Instant};
    let started = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let last: Mutex<Option<Instant>> = Mutex::new(None);
    std::sync::Arc::new(move |done: usize, total: usize| {
        if started.elapsed() < Duration::from_secs(1) {
            return;
        }
        let Ok(mut last) = last.lock() else { return };
        let every = if terminal { Duration::from_millis(100) } else { Duration::from_secs(3) };
        let due = last.is_none_or(|t| t.elapsed() >= every) || done == total;
        if !due {
            return;
        }
        *last = Some(Instant::now());
        let secs = started.elapsed().as_secs_f64();
        if terminal {
            eprint!("\rpweval: specialized {done}/{total} requests ({secs:.1} s)");
            if done == total {
                eprintln!();
            }
        } else {
            eprintln!("pweval: specialized {done}/{total} requests ({secs:.1} s)");
        }
    })
}

fn parse_dir(spec: &str) -> (PathBuf, String) {
    match spec.split_once("::") {
        Some((host, guest)) => (PathBuf::from(host), guest.to_string()),
        None => (PathBuf::from(spec), spec.to_string()),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn list(input: &[u8]) -> Result<(), String> {
    let (requests, diagnostics) = pweval::list_requests(input).map_err(|e| e.to_string())?;
    for d in &diagnostics {
        eprintln!("{d}");
    }
    println!("{} request(s)", requests.len());
    for r in &requests {
        println!("{}: result slot {:#x}", r.subject, r.result_slot);
        for (i, g) in r.globals.iter().enumerate() {
            println!("  global {i}: {g}");
        }
        for (i, a) in r.args.iter().enumerate() {
            match a {
                pweval::requests::ArgSpec::Runtime => println!("  arg {i}: runtime"),
                pweval::requests::ArgSpec::Const(c) => println!("  arg {i}: {c}"),
            }
        }
        println!("  would be: specialized (falls back to the generic function on failure)");
    }
    Ok(())
}

fn dump_ir(dir: &Path, report: &pweval::Report) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for r in &report.requests {
        if let Some((generic, specialized)) = &r.ir_text {
            for (kind, text) in [("generic", generic), ("specialized", specialized)] {
                let path = dir.join(format!("{}.{}.{kind}.ir", r.function, r.user_id));
                std::fs::write(&path, text)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// Write to a temporary file beside the target and rename it into place, so
/// the output is either complete or absent.
fn write_output(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write to standard output: {e}"));
    }
    // Devices and pipes (e.g. /dev/null) are written in place: renaming a
    // temporary file over them would replace the device itself.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::fs::write(path, bytes)
            .map_err(|e| format!("cannot write output file {}: {e}", path.display()));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.pweval-{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("cannot write output file {}: {e}", path.display()));
    }
    Ok(())
}
