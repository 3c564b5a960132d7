//! Requests as callees.
//!
//! An interpreter's bytecode CALL reaches the callee's specialized function
//! through memory: the guest loads the table index pweval stored in the
//! callee's request result slot and makes a `call_indirect`. For a body to
//! inline that callee (`specialize::inline`, the request chain), the table
//! slot of every request must be known before any request is answered. So
//! when some request may be called this way, request `k` (in answering
//! order) always gets slot `first_slot + k`: a request that falls back
//! gets a *forwarder*, a function of its type that calls the generic
//! function. Its slot is never stored anywhere, so nothing but an inlined
//! chain's own test could name it, and calling it is exactly the generic
//! call. The target requests' constant buffers are added to every
//! request's own; an inlined callee's buffer arguments reach them through
//! `known.buffer`, with the same pointer provenance the callee's own
//! specialized function has, so nothing else reads them as constants.
//!
//! A requested function that calls itself directly (Lua's body calling
//! itself for a call of the frame's own prototype) needs the same layout
//! for every request, whatever their number: the innermost of its inlined
//! self-calls becomes a call of the request's own table slot
//! (`specialize::self_calls`). Those targets take part in no chain.

use crate::callgraph::{CallGraph, RequestTarget};
use crate::error::Result;
use crate::module::parse::ModuleInfo;
use crate::module::rewrite::{self, NewFunc};
use crate::requests::{ArgSpec, ConstArg, Request};
use crate::specialize::ConstMemory;
use crate::specialize::inline::MAX_INDIRECT_CANDIDATES;

/// The requests a specialized body may inline when it calls them: those of
/// function types shared by at most [`MAX_INDIRECT_CANDIDATES`] requests
/// (a chain is one test per candidate), with their output table slots;
/// every request when some requested function calls itself and table 0
/// cannot change (`graph`). Empty when table 0 cannot take new functions.
pub fn targets(info: &ModuleInfo<'_>, requests: &[Request], graph: Option<&CallGraph>) -> Vec<RequestTarget> {
    let Some(first_slot) = rewrite::first_new_slot(info) else { return Vec::new() };
    let type_of = |r: &Request| info.func_types.get(r.func as usize).copied();
    let mut per_type: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for ty in requests.iter().filter_map(type_of) {
        *per_type.entry(ty).or_default() += 1;
    }
    let self_calls = graph.is_some_and(|g| {
        !g.fixed_table().is_empty() && requests.iter().any(|r| g.calls_itself(r.func))
    });
    let mut out = Vec::new();
    for (k, request) in requests.iter().enumerate() {
        let Some(ty) = type_of(request) else { continue };
        let (Ok(k), Ok(result_slot)) = (u32::try_from(k), u32::try_from(request.result_slot)) else { continue };
        let Some(table_slot) = first_slot.checked_add(k) else { continue };
        let chain = per_type.get(&ty).copied().unwrap_or(0) <= MAX_INDIRECT_CANDIDATES;
        if !chain && !self_calls {
            continue;
        }
        let args = request
            .args
            .iter()
            .map(|a| match a {
                ArgSpec::Runtime => None,
                ArgSpec::Const(c) => Some(c.clone()),
            })
            .collect();
        out.push(RequestTarget { request: k as usize, func: request.func, table_slot, result_slot, args, chain });
    }
    out
}

/// The constant buffers of the chain targets (each request may read them
/// through an inlined callee's `known.buffer` arguments; a self-call passes
/// the request's own).
pub fn target_buffers(targets: &[RequestTarget]) -> Vec<ConstMemory> {
    targets
        .iter()
        .filter(|t| t.chain)
        .flat_map(|t| t.args.iter().flatten())
        .filter_map(|a| match a {
            ConstArg::Buffer { addr, bytes } => Some(ConstMemory { addr: *addr, bytes: bytes.clone() }),
            _ => None,
        })
        .collect()
}

/// A function of `func`'s type that calls `func` with its arguments.
pub fn forwarder(info: &ModuleInfo<'_>, func: u32, name: &str) -> Result<NewFunc> {
    let type_index = info.func_types.get(func as usize).copied();
    let ty = type_index.and_then(|t| info.func_type(func).map(|ty| (t, ty.params().len())));
    let Some((type_index, params)) = ty else {
        return Err(crate::Error::Other(format!("function {func} has no type")));
    };
    let mut f = wasm_encoder::Function::new([]);
    for p in 0..params as u32 {
        f.instruction(&wasm_encoder::Instruction::LocalGet(p));
    }
    f.instruction(&wasm_encoder::Instruction::Call(func));
    f.instruction(&wasm_encoder::Instruction::End);
    Ok(NewFunc { type_index, body: f.into_raw_body(), name: format!("{name}.pweval.forward") })
}
