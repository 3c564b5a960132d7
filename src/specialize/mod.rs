//! Answering a request: produce the body of a function equivalent to the
//! generic function called with the request's constant arguments.
//!
//! Today this is the *honest clone* (`clone.rs`): the generic function with
//! its constant arguments bound and the specialized-only intrinsics given
//! their specialized meaning, and no other transformation. The
//! context-sensitive specializer replaces it behind the same entry point.

mod clone;
pub mod registers;

use std::collections::HashMap;

use crate::intrinsics::Intrinsic;
use crate::ir::{self, IrModule};
use crate::requests::Request;

/// What a successful specialization produced.
pub struct Specialized {
    /// Encoded body in the input's function index space.
    pub body: Vec<u8>,
    /// Type index of the function (the generic function's).
    pub type_index: u32,
    /// The IR after specialization, for `--dump-ir`.
    pub ir_text: Option<String>,
}

/// Everything a specialization needs to know about the module.
pub struct Context<'m, 'a> {
    pub ir: &'m IrModule<'a>,
    /// Recognised intrinsic imports, by input function index.
    pub intrinsics: &'m HashMap<u32, Intrinsic>,
    pub want_ir_text: bool,
}

/// Specialize one request. An `Err` is the reason, worded for the user; the
/// caller falls back to the generic function.
pub fn specialize(cx: &Context<'_, '_>, request: &Request, type_index: u32) -> Result<Specialized, String> {
    let mut body = cx.ir.lift(request.func)?;
    clone::bind_arguments(&mut body, request)?;
    clone::lower_specialized_intrinsics(&mut body, cx.intrinsics, request)?;
    waffle::passes::resolve_aliases::run(&mut body);
    ir::verify(&body)?;
    let ir_text = cx.want_ir_text.then(|| ir::dump(&body));
    let encoded = ir::lower(&body)?;
    Ok(Specialized { body: encoded, type_index, ir_text })
}
