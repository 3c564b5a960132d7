//! A small embedder for the tests: instantiate a module with default
//! imports, call exports, and capture everything observable.

use wasmtime::{
    Config, Engine, Extern, ExternType, Func, Global, Instance, Linker, Memory, Module, Store, Table,
    Val, ValType,
};

pub fn engine() -> Engine {
    Engine::new(&Config::new()).expect("engine")
}

/// An instance plus its store; imports get zero-ish defaults so that the
/// original and the output see identical environments.
pub struct Runner {
    pub store: Store<()>,
    pub instance: Option<Instance>,
    /// Instantiation error (a trap in the start function, say).
    pub init_error: Option<String>,
}

impl Runner {
    pub fn new(engine: &Engine, wasm: &[u8]) -> Result<Runner, String> {
        let module = Module::new(engine, wasm).map_err(|e| format!("compile: {e:#}"))?;
        let mut store = Store::new(engine, ());
        let mut linker: Linker<()> = Linker::new(engine);
        pweval::snapshot::define_generic_intrinsics(&mut linker).map_err(|e| e.to_string())?;
        for import in module.imports() {
            if import.module() == "weval" && linker.get_by_import(&mut store, &import).is_some() {
                continue;
            }
            let ext: Extern = match import.ty() {
                ExternType::Func(ty) => {
                    let results: Vec<ValType> = ty.results().collect();
                    Func::new(&mut store, ty.clone(), move |_, _, out| {
                        for (slot, ty) in out.iter_mut().zip(&results) {
                            *slot = Val::default_for_ty(ty).unwrap_or(Val::I32(0));
                        }
                        Ok(())
                    })
                    .into()
                }
                ExternType::Memory(ty) => Memory::new(&mut store, ty).map_err(|e| e.to_string())?.into(),
                ExternType::Table(ty) => {
                    let init = wasmtime::Ref::Func(None);
                    Table::new(&mut store, ty, init).map_err(|e| e.to_string())?.into()
                }
                ExternType::Global(ty) => {
                    let val = Val::default_for_ty(ty.content()).unwrap_or(Val::I32(0));
                    Global::new(&mut store, ty, val).map_err(|e| e.to_string())?.into()
                }
                other => return Err(format!("unsupported import kind {other:?}")),
            };
            linker.allow_shadowing(true);
            linker.define(&mut store, import.module(), import.name(), ext).map_err(|e| e.to_string())?;
        }
        match linker.instantiate(&mut store, &module) {
            Ok(instance) => Ok(Runner { store, instance: Some(instance), init_error: None }),
            Err(e) => Ok(Runner { store, instance: None, init_error: Some(trap_text(&e)) }),
        }
    }

    /// Call export `name` with `args` (parsed per the parameter types);
    /// returns the printed results or `trap: <code>`.
    pub fn call(&mut self, name: &str, args: &[String]) -> Result<String, String> {
        let instance = self.instance.ok_or("not instantiated")?;
        let func = instance
            .get_func(&mut self.store, name)
            .ok_or_else(|| format!("no exported function {name}"))?;
        let ty = func.ty(&self.store);
        let params: Vec<ValType> = ty.params().collect();
        if params.len() != args.len() {
            return Err(format!("{name} takes {} arguments", params.len()));
        }
        let mut vals = Vec::new();
        for (ty, text) in params.iter().zip(args) {
            vals.push(parse_val(ty, text)?);
        }
        let mut results: Vec<Val> =
            ty.results().map(|t| Val::default_for_ty(&t).unwrap_or(Val::I32(0))).collect();
        match func.call(&mut self.store, &vals, &mut results) {
            Ok(()) => Ok(results.iter().map(show_val).collect::<Vec<_>>().join(", ")),
            Err(e) => Ok(format!("trap: {}", trap_text(&e))),
        }
    }

    /// Everything observable from outside: exported globals and memories.
    pub fn observable_state(&mut self) -> String {
        let Some(instance) = self.instance else {
            return format!("instantiation failed: {}", self.init_error.clone().unwrap_or_default());
        };
        let exports: Vec<(String, Extern)> = instance
            .exports(&mut self.store)
            .map(|e| (e.name().to_string(), e.into_extern()))
            .collect();
        let mut out = String::new();
        for (name, ext) in exports {
            match ext {
                Extern::Global(g) => {
                    out += &format!("global {name} = {}\n", show_val(&g.get(&mut self.store)))
                }
                Extern::Memory(m) => {
                    let data = m.data(&self.store);
                    out += &format!(
                        "memory {name}: {} pages, hash {:016x}\n",
                        m.size(&self.store),
                        fnv(data)
                    );
                }
                Extern::Table(t) => out += &format!("table {name}: {} slots\n", t.size(&self.store)),
                _ => {}
            }
        }
        out
    }
}

pub fn trap_text(e: &wasmtime::Error) -> String {
    match e.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => format!("{trap}"),
        None => format!("{e:#}").lines().next().unwrap_or("").to_string(),
    }
}

fn fnv(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn parse_val(ty: &ValType, text: &str) -> Result<Val, String> {
    let bad = || format!("cannot parse {text:?} as {ty}");
    Ok(match ty {
        ValType::I32 => Val::I32(parse_int(text).ok_or_else(bad)? as i32),
        ValType::I64 => Val::I64(parse_int(text).ok_or_else(bad)? as i64),
        ValType::F32 => Val::F32(text.parse::<f32>().map_err(|_| bad())?.to_bits()),
        ValType::F64 => Val::F64(text.parse::<f64>().map_err(|_| bad())?.to_bits()),
        _ => return Err(format!("cannot pass arguments of type {ty}")),
    })
}

fn parse_int(text: &str) -> Option<i128> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let value = match digits.strip_prefix("0x") {
        Some(hex) => i128::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<i128>().ok()?,
    };
    Some(if neg { -value } else { value })
}

pub fn show_val(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(bits) => format!("{}", f32::from_bits(*bits)),
        Val::F64(bits) => format!("{}", f64::from_bits(*bits)),
        Val::V128(x) => format!("v128:{:032x}", x.as_u128()),
        Val::FuncRef(f) => if f.is_some() { "funcref".into() } else { "null funcref".into() },
        Val::ExternRef(r) => if r.is_some() { "externref".into() } else { "null externref".into() },
        other => format!("{other:?}"),
    }
}
