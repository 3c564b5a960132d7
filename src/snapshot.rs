//! `-w/--wizen`: pre-initialise the input in-process with Wizer, so the
//! guest's init function can load its bytecode and file its requests, and
//! continue with the snapshot.

use std::path::PathBuf;
use std::task::{Context, Poll, Waker};

use wasmtime::{Caller, Engine, Extern, Linker, Module, Store, Val};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wizer::{InstanceState, SnapshotVal, Wizer};

use crate::error::{Error, Result};
use crate::intrinsics::{Intrinsic, IMPORT_MODULE};

/// The init function names tried, in order, when none is given.
pub const DEFAULT_INIT_FUNCS: [&str; 2] = ["wizer-initialize", "wizer.initialize"];

#[derive(Clone, Debug, Default)]
pub struct WizenOptions {
    /// Export name of the init function; `None` tries [`DEFAULT_INIT_FUNCS`].
    pub init_func: Option<String>,
    /// Directories the init function may read: (host path, guest path).
    pub dirs: Vec<(PathBuf, String)>,
    /// Keep exporting the init function after the snapshot.
    pub keep_init_func: bool,
}

/// Run the guest's init function and return the snapshot module.
pub fn wizen(wasm: &[u8], options: &WizenOptions) -> Result<Vec<u8>> {
    let exports = export_names(wasm)?;
    let init_func = match &options.init_func {
        Some(name) => name.clone(),
        None => DEFAULT_INIT_FUNCS
            .iter()
            .find(|name| exports.iter().any(|e| e == *name))
            .map(|s| s.to_string())
            .ok_or_else(|| {
                Error::Wizer(format!(
                    "cannot snapshot: the module exports no init function (looked for {}); name \
                     it with --init-func",
                    DEFAULT_INIT_FUNCS.map(|n| format!("`{n}`")).join(" and ")
                ))
            })?,
    };
    if !exports.iter().any(|e| *e == init_func) {
        return Err(Error::Wizer(format!(
            "cannot snapshot: the module does not export the init function `{init_func}`"
        )));
    }
    let mut wizer = Wizer::new();
    wizer.init_func(init_func.clone()).keep_init_func(options.keep_init_func);
    if exports.iter().any(|e| e == "wizer.resume") {
        // Wizer's guest macro exports the real entry point as `wizer.resume`;
        // the snapshot must start there, not re-run start-up code.
        wizer.func_rename("_start", "wizer.resume");
    }
    let fail = |what: &str, e: wasmtime::Error| {
        Error::Wizer(format!("snapshot with init function `{init_func}` failed: {what}: {e:#}"))
    };
    let (cx, instrumented) = wizer.instrument(wasm).map_err(|e| fail("preparing the module", e))?;

    let engine = Engine::default();
    let module = Module::new(&engine, &instrumented).map_err(|e| fail("compiling", e))?;
    let mut wasi = WasiCtxBuilder::new();
    wasi.inherit_stdout().inherit_stderr();
    for (host, guest) in &options.dirs {
        wasi.preopened_dir(host, guest, wasmtime_wasi::FsPerms::ReadWrite)
            .map_err(|e| fail(&format!("opening --dir {}", host.display()), e))?;
    }
    let mut store = Store::new(&engine, wasi.build_p1());
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx)
        .map_err(|e| fail("setting up WASI", e))?;
    define_generic_intrinsics(&mut linker).map_err(|e| fail("defining intrinsics", e))?;
    linker
        .define_unknown_imports_as_traps(&module)
        .map_err(|e| fail("linking imports", e))?;
    let instance = linker.instantiate(&mut store, &module).map_err(|e| fail("instantiating", e))?;
    if let Some(Extern::Func(f)) = instance.get_export(&mut store, "_initialize") {
        f.call(&mut store, &[], &mut []).map_err(|e| fail("running `_initialize`", e))?;
    }
    let init = instance
        .get_typed_func::<(), ()>(&mut store, &init_func)
        .map_err(|e| fail("the init function must have type [] -> []", e))?;
    init.call(&mut store, ()).map_err(|e| match e.downcast_ref::<wasmtime_wasi::I32Exit>() {
        // The guest chose to stop (and said why on its stderr, above).
        Some(exit) => Error::Wizer(format!(
            "snapshot with init function `{init_func}` failed: the init function exited with status {} \
             (the guest's own output above says why)",
            exit.0
        )),
        None => fail("the init function trapped", e),
    })?;
    let mut state = StoreState { store: &mut store, instance };
    block_on(wizer.snapshot(&cx, &mut state)).map_err(|e| fail("taking the snapshot", e))
}

fn export_names(wasm: &[u8]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::ExportSection(reader) = payload? {
            for export in reader {
                names.push(export?.name.to_string());
            }
        }
    }
    Ok(names)
}

/// Define every intrinsic in `linker` with its generic meaning, as host
/// functions: an init function that runs interpreter code before the
/// snapshot then behaves as the output will. (Tests also use this as an
/// independent implementation to check the Wasm sequences against.)
pub fn define_generic_intrinsics<T: 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    use wasmtime::{FuncType, ValType};
    let engine = linker.engine().clone();
    for intrinsic in Intrinsic::all() {
        let conv = |t: &wasmparser::ValType| match t {
            wasmparser::ValType::I64 => ValType::I64,
            _ => ValType::I32,
        };
        let ty = FuncType::new(
            &engine,
            intrinsic.params().iter().map(conv),
            intrinsic.results().iter().map(conv),
        );
        linker.func_new(IMPORT_MODULE, intrinsic.import_name(), ty, move |mut caller, args, results| {
            generic_call(intrinsic, &mut caller, args, results)
        })?;
    }
    Ok(())
}

fn generic_call<T>(
    intrinsic: Intrinsic,
    caller: &mut Caller<'_, T>,
    args: &[Val],
    results: &mut [Val],
) -> wasmtime::Result<()> {
    use Intrinsic::*;
    let memory = caller_memory(caller)
        .ok_or_else(|| wasmtime::format_err!("{} needs an exported memory", intrinsic.import_name()));
    match intrinsic {
        // The same trap as the `unreachable` the generic Wasm sequence has.
        ReadReg | ReadSpecializationGlobal => return Err(wasmtime::Trap::UnreachableCodeReached.into()),
        SpecializeValue | AssumeConstMemory | AssumeConstMemoryTransitive | KnownBuffer | Disjoint | Outside => {
            results[0] = args[0].clone()
        }
        PushStack | WriteStack | WriteLocal => {
            let addr = args[0].unwrap_i32() as u32 as usize;
            let value = args[args.len() - 1].unwrap_i64();
            let memory = memory?;
            memory.write(&mut *caller, addr, &value.to_le_bytes())?;
        }
        PopStack | ReadStack | ReadLocal => {
            let addr = args[0].unwrap_i32() as u32 as usize;
            let memory = memory?;
            let mut buf = [0u8; 8];
            memory.read(&*caller, addr, &mut buf)?;
            results[0] = Val::I64(i64::from_le_bytes(buf));
        }
        _ => {}
    }
    Ok(())
}

fn caller_memory<T>(caller: &mut Caller<'_, T>) -> Option<wasmtime::Memory> {
    // Wizer's instrumentation exports memory 0 under its own name.
    ["memory", "__wizer_memory_0"].iter().find_map(|name| match caller.get_export(name) {
        Some(Extern::Memory(m)) => Some(m),
        _ => None,
    })
}

struct StoreState<'s, T: 'static> {
    store: &'s mut Store<T>,
    instance: wasmtime::Instance,
}

impl<T: Send> InstanceState for StoreState<'_, T> {
    async fn global_get(&mut self, name: &str, _hint: wasmtime_wizer::ValType) -> SnapshotVal {
        let value = self
            .instance
            .get_global(&mut *self.store, name)
            .map(|g| g.get(&mut *self.store));
        match value {
            Some(Val::I32(x)) => SnapshotVal::I32(x),
            Some(Val::I64(x)) => SnapshotVal::I64(x),
            Some(Val::F32(x)) => SnapshotVal::F32(x),
            Some(Val::F64(x)) => SnapshotVal::F64(x),
            Some(Val::V128(x)) => SnapshotVal::V128(x.as_u128()),
            // Wizer only asks for globals it exported itself, of these types.
            _ => SnapshotVal::I32(0),
        }
    }

    async fn memory_contents(&mut self, name: &str, contents: impl FnOnce(&[u8]) + Send) {
        match self.instance.get_memory(&mut *self.store, name) {
            Some(memory) => contents(memory.data(&*self.store)),
            None => contents(&[]),
        }
    }
}

/// Drive a future that never waits on anything external (Wizer's snapshot
/// over a synchronous store) to completion.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::yield_now();
    }
}
