//! Glue to waffle, pweval's SSA IR: lift one function out of the input,
//! verify a function, print it, and lower it back to an encoded body.
//!
//! Only functions pweval specializes are ever lifted; everything else stays
//! bytes (see `crate::module::rewrite`).

use waffle::entity::EntityRef;
use waffle::{Func, FunctionBody, Module};

use crate::module::parse::ModuleInfo;

/// The input as waffle sees it: parsed once, function bodies left lazy so
/// that only the requested functions are ever lifted.
pub struct IrModule<'a> {
    pub module: Module<'a>,
}

impl<'a> IrModule<'a> {
    pub fn new(info: &ModuleInfo<'a>) -> Result<Self, String> {
        let options = waffle::FrontendOptions::default();
        let module = Module::from_wasm_bytes(info.bytes, &options)
            .map_err(|e| format!("the IR library cannot read this module: {e}"))?;
        Ok(IrModule { module })
    }

    /// Lift function `func` (input function index) into SSA.
    pub fn lift(&self, func: u32) -> Result<FunctionBody, String> {
        self.module
            .clone_and_expand_body(Func::new(func as usize))
            .map_err(|e| format!("cannot lift the function into the IR: {e}"))
    }
}

/// Check the IR's structural invariants (waffle's validator: every use is
/// defined and dominated, block params match branch arguments).
pub fn verify(body: &FunctionBody) -> Result<(), String> {
    body.validate().map_err(|e| format!("IR verifier: {e}"))
}

/// Lower a function to an encoded body (locals and code, no size prefix),
/// in the input's function index space.
pub fn lower(body: &FunctionBody) -> Result<Vec<u8>, String> {
    let func = body.compile().map_err(|e| format!("cannot lower the IR to Wasm: {e}"))?;
    Ok(func.into_raw_body())
}

/// A readable text dump of a function.
pub fn dump(body: &FunctionBody) -> String {
    format!("{}", body.display("", None))
}
