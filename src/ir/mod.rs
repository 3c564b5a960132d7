//! Glue to waffle, pweval's SSA IR: lift one function out of the input,
//! verify a function, print it, and lower it back to an encoded body.
//!
//! Only functions pweval specializes are ever lifted; everything else stays
//! bytes (see `crate::module::rewrite`).

pub mod tailcall;

use waffle::entity::EntityRef;
use waffle::{Func, FunctionBody, Module};

use crate::module::parse::ModuleInfo;

/// The input as waffle sees it: parsed once, function bodies left lazy so
/// that only the requested functions are ever lifted.
pub struct IrModule<'a> {
    pub module: Module<'a>,
}

impl<'a> IrModule<'a> {
    /// `bytes` must be [`tailcall::lift_space`] of the input: waffle
    /// trusts the name section's indices (which validation does not check)
    /// and pweval has its own names anyway.
    pub fn new(bytes: &'a [u8]) -> Result<Self, String> {
        let options = waffle::FrontendOptions::default();
        let module = guard(|| Module::from_wasm_bytes(bytes, &options))?
            .map_err(|e| format!("the IR library cannot read this module: {e}"))?;
        Ok(IrModule { module })
    }

    /// Lift function `func` (input function index) into SSA.
    pub fn lift(&self, func: u32) -> Result<FunctionBody, String> {
        guard(|| self.module.clone_and_expand_body(Func::new(func as usize)))?
            .map_err(|e| unsupported_feature(&e.to_string()).unwrap_or_else(|| format!("cannot lift the function into the IR: {e}")))
    }
}

/// The input with its custom sections left out (function bodies keep their
/// index space; only names and tool metadata go).
pub fn without_custom_sections(info: &ModuleInfo<'_>) -> Vec<u8> {
    let mut out = wasm_encoder::Module::new();
    for section in info.sections.iter().filter(|s| s.id != 0) {
        out.section(&wasm_encoder::RawSection { id: section.id, data: &info.bytes[section.contents.clone()] });
    }
    out.finish()
}

/// A one-line reason for the Wasm features the IR cannot represent, from
/// waffle's "Unsupported operator: Name { ... }" (which prints the whole
/// operator), naming what the guest can do instead.
fn unsupported_feature(error: &str) -> Option<String> {
    let rest = error.split("Unsupported operator: ").nth(1)?;
    let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let what = match name.as_str() {
        "TryTable" | "Throw" | "ThrowRef" | "Try" | "Catch" | "CatchAll" | "Rethrow" | "Delegate" => {
            "it uses Wasm exception handling, which pweval cannot specialize yet; keep try/catch \
             (and setjmp) out of the requested function: exceptions that only pass through a \
             specialized function are fine"
        }
        "ReturnCallRef" => {
            "it makes a typed-reference tail call (return_call_ref), which pweval cannot \
             specialize; call through a table (return_call_indirect) instead"
        }
        _ => return Some(format!("cannot lift the function into the IR: unsupported operator {name}")),
    };
    Some(format!("cannot lift the function into the IR: {what}"))
}

/// Run a call into waffle, turning a panic (a bug in the IR library on an
/// input it did not expect) into an error, so one request falls back
/// instead of the whole run aborting.
pub fn guard<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let what = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("internal error in the IR library ({what}); please report it")
    })
}

/// Check the IR's structural invariants (waffle's validator: every use is
/// defined and dominated, block params match branch arguments).
pub fn verify(body: &FunctionBody) -> Result<(), String> {
    // waffle's message embeds the whole function; a diagnostic is one line.
    guard(|| body.validate())?.map_err(|e| {
        let text = e.to_string();
        let cause = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("invalid IR");
        format!("IR verifier: {}", cause.trim())
    })
}

/// Lower a function to an encoded body (locals and code, no size prefix),
/// in the input's function index space.
pub fn lower(body: &FunctionBody) -> Result<Vec<u8>, String> {
    let func = guard(|| body.compile())?.map_err(|e| format!("cannot lower the IR to Wasm: {e}"))?;
    Ok(func.into_raw_body())
}

/// A readable text dump of a function.
pub fn dump(body: &FunctionBody) -> String {
    // Copies emptied by specialization stay in the arena as empty blocks
    // ending in `unreachable`; leave them out of the text.
    let text = format!("{}", body.display("", None));
    let mut out = String::with_capacity(text.len());
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let empty_block = lines[i].trim_start().starts_with("block")
            && lines.get(i + 1).is_some_and(|l| l.trim() == "# preds:")
            && lines.get(i + 2).is_some_and(|l| l.trim() == "# succs:")
            && lines.get(i + 3).is_some_and(|l| l.trim() == "unreachable");
        if empty_block {
            i += 4;
            continue;
        }
        out.push_str(lines[i]);
        out.push('\n');
        i += 1;
    }
    out
}
