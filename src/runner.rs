//! Run a WASI command module in embedded wasmtime: what `pweval run`, the
//! benchmarks and the tests use, so none of them needs another runtime.

use std::path::PathBuf;

use wasmtime::{Engine, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

use crate::error::{Error, Result};

#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Guest arguments after the program name.
    pub args: Vec<String>,
    /// Preopened directories: (host path, guest path).
    pub dirs: Vec<(PathBuf, String)>,
    /// Capture stdout/stderr instead of inheriting them.
    pub capture: bool,
    /// `[] -> [i32]` exports to call after `_start` returns, e.g. a guest's
    /// "which path did main take" probe.
    pub probes: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct RunResult {
    pub exit_code: i32,
    /// Captured output (empty unless `capture`).
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The trap message, when the program trapped (exit code 134 then).
    pub trap: Option<String>,
    pub probes: Vec<Option<i32>>,
}

/// Compile and run `wasm` (a binary module, or a `.cwasm` precompiled by
/// the same engine configuration when `precompiled` is set).
pub fn run(engine: &Engine, wasm: &[u8], precompiled: bool, options: &RunOptions) -> Result<RunResult> {
    run_module(engine, &compile(engine, wasm, precompiled)?, options)
}

/// Compile `wasm` (or load a `.cwasm` when `precompiled`) once, for
/// [`run_module`] to instantiate as often as needed.
pub fn compile(engine: &Engine, wasm: &[u8], precompiled: bool) -> Result<Module> {
    if precompiled {
        // SAFETY: wasmtime checks the artifact's header and engine
        // compatibility; the artifact was written by `compile` below.
        unsafe { Module::deserialize(engine, wasm) }
    } else {
        Module::new(engine, wasm)
    }
    .map_err(|e| Error::Other(format!("cannot compile the module: {e:#}")))
}

/// Run a compiled module's `_start` in a fresh instance.
pub fn run_module(engine: &Engine, module: &Module, options: &RunOptions) -> Result<RunResult> {
    let stdout = MemoryOutputPipe::new(usize::MAX);
    let stderr = MemoryOutputPipe::new(usize::MAX);
    let mut wasi = WasiCtxBuilder::new();
    let mut argv = vec!["main".to_string()];
    argv.extend(options.args.iter().cloned());
    wasi.args(&argv);
    if options.capture {
        wasi.stdout(stdout.clone()).stderr(stderr.clone());
    } else {
        wasi.inherit_stdout().inherit_stderr();
    }
    wasi.inherit_stdin();
    for (host, guest) in &options.dirs {
        wasi.preopened_dir(host, guest, wasmtime_wasi::FsPerms::ReadWrite)
            .map_err(|e| Error::Other(format!("cannot open --dir {}: {e:#}", host.display())))?;
    }
    let mut store = Store::new(engine, wasi.build_p1());
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx)
        .map_err(|e| Error::Other(format!("cannot set up WASI: {e:#}")))?;
    let instance = linker
        .instantiate(&mut store, module)
        .map_err(|e| Error::Other(format!("cannot instantiate the module: {e:#}")))?;
    let mut result = RunResult::default();
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .map_err(|_| Error::Other("the module has no `_start` function of type [] -> []".into()))?;
    match start.call(&mut store, ()) {
        Ok(()) => {}
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => result.exit_code = exit.0,
            None => {
                result.exit_code = 134;
                // The trap's kind ("indirect call type mismatch"), then the
                // innermost frame: the error's own first line is only
                // "error while executing at wasm backtrace:".
                let text = format!("{e:#}");
                let frame = text.lines().nth(1).map(str::trim).filter(|f| !f.is_empty());
                result.trap = Some(match (e.downcast_ref::<wasmtime::Trap>(), frame) {
                    (Some(trap), Some(frame)) => format!("{trap} at {frame}"),
                    (Some(trap), None) => trap.to_string(),
                    (None, _) => text.lines().next().unwrap_or("").to_string(),
                });
            }
        },
    }
    for probe in &options.probes {
        let value = instance
            .get_typed_func::<(), i32>(&mut store, probe)
            .ok()
            .and_then(|f| f.call(&mut store, ()).ok());
        result.probes.push(value);
    }
    drop(store);
    result.stdout = stdout.contents().to_vec();
    result.stderr = stderr.contents().to_vec();
    Ok(result)
}

/// Compile ahead of time into a wasmtime `.cwasm` artifact for `engine`.
pub fn precompile(engine: &Engine, wasm: &[u8]) -> Result<Vec<u8>> {
    engine
        .precompile_module(wasm)
        .map_err(|e| Error::Other(format!("cannot precompile the module: {e:#}")))
}
