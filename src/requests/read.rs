//! Find the request list through the guest's exported accessors and read
//! every request, validating each field. A request with any problem gets one
//! diagnostic naming it and is left out (its result slot stays 0, so the
//! guest keeps calling the generic function).

use std::collections::HashSet;

use wasmparser::{Operator, ValType};

use super::abi;
use crate::error::Diagnostic;
use crate::module::memory::MemoryImage;
use crate::module::parse::{ConstValue, ModuleInfo};

/// Refuse to walk absurdly long lists (a corrupt snapshot, not a guest).
const MAX_REQUESTS: usize = 100_000;

/// A constant argument value.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstArg {
    I32(u32),
    I64(u64),
    /// Raw IEEE bits.
    F32(u32),
    /// Raw IEEE bits.
    F64(u64),
    /// Constant memory: the argument is a pointer to `bytes`, which live in
    /// the snapshot at `addr` (inside the request's argument buffer).
    Buffer { addr: u32, bytes: Vec<u8> },
}

impl std::fmt::Display for ConstArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConstArg::I32(v) => write!(f, "constant i32 {}", *v as i32),
            ConstArg::I64(v) => write!(f, "constant i64 {}", *v as i64),
            ConstArg::F32(bits) => write!(f, "constant f32 {}", f32::from_bits(*bits)),
            ConstArg::F64(bits) => write!(f, "constant f64 {}", f64::from_bits(*bits)),
            ConstArg::Buffer { addr, bytes } => {
                write!(f, "constant memory, {} bytes at {addr:#x}", bytes.len())
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgSpec {
    Runtime,
    Const(ConstArg),
}

/// One well-formed request.
#[derive(Clone, Debug)]
pub struct Request {
    /// Position in the list, from the head (0-based).
    pub position: usize,
    pub addr: u64,
    pub user_id: u32,
    /// Function index of the generic function.
    pub func: u32,
    /// Specialization globals (`read.specialization.global(i)`).
    pub globals: Vec<ConstArg>,
    /// One entry per parameter of `func`.
    pub args: Vec<ArgSpec>,
    /// Address where the specialized function's table index is written.
    pub result_slot: u64,
    /// A readable name, e.g. `request #0 (user_id 1, function interpret)`.
    pub subject: String,
}

/// What [`find_requests`] found.
#[derive(Debug, Default)]
pub struct RequestList {
    /// Address of the list-head pointer, when the guest defines one.
    pub head_addr: Option<u64>,
    /// Address of the "is specialized" flag, when the guest defines one.
    pub flag_addr: Option<u64>,
    pub requests: Vec<Request>,
    /// Requests found but malformed (each also has a diagnostic).
    pub skipped: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// Walk the request list in the module's initial memory.
pub fn find_requests(info: &ModuleInfo<'_>) -> RequestList {
    let mut list = RequestList::default();
    let head_export = info.export_func(abi::EXPORT_PENDING_HEAD);
    let flag_export = info.export_func(abi::EXPORT_IS_WEVALED);
    let Some(head_func) = head_export else {
        return list;
    };
    let subject = "request list";
    let Some(memory) = MemoryImage::new(info) else {
        list.diagnostics.push(Diagnostic::warning(
            subject,
            "the module exports weval.pending.head but its memory 0 is missing, imported, or \
             initialised at a non-constant offset; no request can be read",
        ));
        return list;
    };
    let head_addr = match accessor_address(info, head_func) {
        Ok(addr) => addr,
        Err(why) => {
            list.diagnostics.push(Diagnostic::warning(
                subject,
                format!("cannot evaluate the export weval.pending.head: {why}"),
            ));
            return list;
        }
    };
    list.head_addr = Some(head_addr);
    if let Some(flag_func) = flag_export {
        match accessor_address(info, flag_func) {
            Ok(addr) if memory.in_bounds(addr, abi::IS_WEVALED_SIZE) => {
                list.flag_addr = Some(addr)
            }
            Ok(addr) => list.diagnostics.push(Diagnostic::warning(
                subject,
                format!("the is-specialized flag address {addr:#x} is outside memory"),
            )),
            Err(why) => list.diagnostics.push(Diagnostic::warning(
                subject,
                format!("cannot evaluate the export weval.is.wevaled: {why}"),
            )),
        }
    }
    let Some(mut next) = memory.read_u32(head_addr).map(u64::from) else {
        list.diagnostics.push(Diagnostic::warning(
            subject,
            format!("the list head address {head_addr:#x} is outside memory"),
        ));
        list.head_addr = None;
        return list;
    };
    let table = info.table_contents(0);
    let mut seen = HashSet::new();
    let mut position = 0usize;
    while next != 0 {
        if !seen.insert(next) {
            list.diagnostics.push(Diagnostic::warning(
                subject,
                format!(
                    "the list is cyclic: request #{position} at {next:#x} was already visited; \
                     the rest of the list is ignored"
                ),
            ));
            break;
        }
        if position >= MAX_REQUESTS {
            list.diagnostics.push(Diagnostic::warning(
                subject,
                format!("more than {MAX_REQUESTS} requests; the rest are ignored"),
            ));
            break;
        }
        if !memory.in_bounds(next, abi::req::SIZE) {
            list.diagnostics.push(Diagnostic::warning(
                format!("request #{position}"),
                format!(
                    "its address {next:#x} is outside memory ({} bytes); the rest of the list \
                     is ignored",
                    memory.size
                ),
            ));
            list.skipped += 1;
            break;
        }
        // In bounds was just checked, so these reads succeed.
        let field = |off: u64| memory.read_u32(next + off).unwrap_or(0);
        match read_one(info, &memory, &table, next, position, &field) {
            Ok(request) => list.requests.push(request),
            Err(diag) => {
                list.diagnostics.push(diag);
                list.skipped += 1;
            }
        }
        next = u64::from(field(abi::req::NEXT));
        position += 1;
    }
    list
}

fn read_one(
    info: &ModuleInfo<'_>,
    memory: &MemoryImage<'_>,
    table: &[Option<u32>],
    addr: u64,
    position: usize,
    field: &dyn Fn(u64) -> u32,
) -> Result<Request, Diagnostic> {
    let user_id = field(abi::req::USER_ID);
    let num_globals = field(abi::req::NUM_GLOBALS);
    let slot = field(abi::req::FUNC);
    let argbuf = u64::from(field(abi::req::ARGBUF));
    let arglen = u64::from(field(abi::req::ARGLEN));
    let result_slot = u64::from(field(abi::req::SPECIALIZED));

    let mut subject = format!("request #{position} (user_id {user_id})");
    let fail = |subject: &str, msg: String| Diagnostic::warning(subject, msg);
    let func = match table.get(slot as usize) {
        Some(Some(func)) => *func,
        Some(None) => {
            return Err(fail(&subject, format!("function pointer {slot} is a null table entry")))
        }
        None => {
            return Err(fail(
                &subject,
                format!("function pointer {slot} is outside table 0 (size {})", table.len()),
            ))
        }
    };
    subject = format!(
        "request #{position} (user_id {user_id}, function {})",
        info.func_display_name(func)
    );
    if func < info.num_imported_funcs {
        return Err(fail(&subject, "the function is an import and has no body to specialize".into()));
    }
    let Some(func_ty) = info.func_type(func) else {
        return Err(fail(&subject, "the function has no function type".into()));
    };
    if !memory.in_bounds(result_slot, 4) || result_slot == 0 {
        return Err(fail(
            &subject,
            format!("its result slot address {result_slot:#x} is null or outside memory"),
        ));
    }
    let Some(buf) = memory.read(argbuf, arglen) else {
        return Err(fail(
            &subject,
            format!(
                "its argument buffer [{argbuf:#x}, +{arglen}) is outside memory ({} bytes)",
                memory.size
            ),
        ));
    };
    let params = func_ty.params();
    let expected = u64::from(num_globals) + params.len() as u64;
    let mut records = Vec::new();
    let mut pos = 0u64;
    while pos < arglen {
        let index = records.len();
        if pos + abi::arg::SIZE > arglen {
            return Err(fail(
                &subject,
                format!("argument record {index} at byte {pos} is cut off by the buffer end ({arglen} bytes)"),
            ));
        }
        let at = |off: u64| -> u32 {
            let i = (pos + off) as usize;
            u32::from_le_bytes([buf[i], buf[i + 1], buf[i + 2], buf[i + 3]])
        };
        let specialize = at(abi::arg::SPECIALIZE);
        let ty = at(abi::arg::TY);
        let lo = at(abi::arg::VALUE);
        let hi = at(abi::arg::VALUE + 4);
        let value64 = u64::from(lo) | (u64::from(hi) << 32);
        pos += abi::arg::SIZE;
        let spec = match (specialize, ty) {
            (0, _) => ArgSpec::Runtime,
            (1, abi::ty::I32) => ArgSpec::Const(ConstArg::I32(lo)),
            (1, abi::ty::I64) => ArgSpec::Const(ConstArg::I64(value64)),
            (1, abi::ty::F32) => ArgSpec::Const(ConstArg::F32(lo)),
            (1, abi::ty::F64) => ArgSpec::Const(ConstArg::F64(value64)),
            (1, abi::ty::BUFFER) => {
                let (len, padded) = (u64::from(lo), u64::from(hi));
                if len > padded || padded % 8 != 0 || pos + padded > arglen {
                    return Err(fail(
                        &subject,
                        format!(
                            "argument record {index}: buffer length {len} / padded length {padded} \
                             do not fit the {arglen}-byte argument buffer"
                        ),
                    ));
                }
                let bytes = buf[pos as usize..(pos + len) as usize].to_vec();
                let data_addr = (argbuf + pos) as u32;
                pos += padded;
                ArgSpec::Const(ConstArg::Buffer { addr: data_addr, bytes })
            }
            (1, other) => {
                return Err(fail(&subject, format!("argument record {index} has unknown type tag {other}")))
            }
            (other, _) => {
                return Err(fail(
                    &subject,
                    format!("argument record {index} has specialize flag {other} (expected 0 or 1)"),
                ))
            }
        };
        records.push(spec);
        if records.len() as u64 > expected {
            break;
        }
    }
    if records.len() as u64 != expected {
        return Err(fail(
            &subject,
            format!(
                "it has {} argument records but the function takes {} parameter(s) plus {} \
                 specialization global(s)",
                records.len(),
                params.len(),
                num_globals
            ),
        ));
    }
    let mut globals = Vec::new();
    for (i, record) in records.drain(..num_globals as usize).enumerate() {
        match record {
            ArgSpec::Const(c @ (ConstArg::I32(_) | ConstArg::I64(_) | ConstArg::F32(_) | ConstArg::F64(_))) => globals.push(c),
            _ => {
                return Err(fail(
                    &subject,
                    format!("specialization global {i} must be a constant number"),
                ))
            }
        }
    }
    for (i, (record, &param)) in records.iter().zip(params).enumerate() {
        let ok = match record {
            ArgSpec::Runtime => true,
            ArgSpec::Const(ConstArg::I32(_) | ConstArg::Buffer { .. }) => param == ValType::I32,
            ArgSpec::Const(ConstArg::I64(_)) => param == ValType::I64,
            ArgSpec::Const(ConstArg::F32(_)) => param == ValType::F32,
            ArgSpec::Const(ConstArg::F64(_)) => param == ValType::F64,
        };
        if !ok {
            return Err(fail(
                &subject,
                format!("argument {i} is given as {} but parameter {i} has type {param}", describe(record)),
            ));
        }
    }
    Ok(Request { position, addr, user_id, func, globals, args: records, result_slot, subject })
}

fn describe(spec: &ArgSpec) -> &'static str {
    match spec {
        ArgSpec::Runtime => "runtime",
        ArgSpec::Const(ConstArg::I32(_)) => "a constant i32",
        ArgSpec::Const(ConstArg::I64(_)) => "a constant i64",
        ArgSpec::Const(ConstArg::F32(_)) => "a constant f32",
        ArgSpec::Const(ConstArg::F64(_)) => "a constant f64",
        ArgSpec::Const(ConstArg::Buffer { .. }) => "a constant memory buffer",
    }
}

/// The address an accessor export returns: its body must be a constant
/// expression over `i32.const`, `global.get` (of a global with a known
/// initial value) and `i32.add`.
pub fn accessor_address(info: &ModuleInfo<'_>, func: u32) -> Result<u64, String> {
    let body = info.body_of(func).ok_or("it is not a defined function")?;
    let ty = info.func_type(func).ok_or("it has no function type")?;
    if !ty.params().is_empty() || ty.results() != [ValType::I32] {
        return Err("its type is not [] -> [i32]".into());
    }
    let mut stack: Vec<i32> = Vec::new();
    // Unoptimised builds (-O0) spill the result through a local first.
    let mut locals: std::collections::HashMap<u32, i32> = std::collections::HashMap::new();
    let reader = body.get_operators_reader().map_err(|e| e.to_string())?;
    for op in reader {
        match op.map_err(|e| e.to_string())? {
            Operator::I32Const { value } => stack.push(value),
            Operator::GlobalGet { global_index } => match info
                .globals
                .get(global_index as usize)
                .and_then(|g| g.init)
            {
                Some(ConstValue::I32(v)) => stack.push(v),
                _ => return Err(format!("global {global_index} has no known i32 value")),
            },
            Operator::I32Add => {
                let (b, a) = (stack.pop(), stack.pop());
                match (a, b) {
                    (Some(a), Some(b)) => stack.push(a.wrapping_add(b)),
                    _ => return Err("malformed body".into()),
                }
            }
            Operator::LocalSet { local_index } => {
                let v = stack.pop().ok_or("malformed body")?;
                locals.insert(local_index, v);
            }
            Operator::LocalTee { local_index } => {
                let v = *stack.last().ok_or("malformed body")?;
                locals.insert(local_index, v);
            }
            Operator::LocalGet { local_index } => {
                stack.push(*locals.get(&local_index).ok_or("it reads a local it never set")?)
            }
            Operator::Return | Operator::End => break,
            Operator::Nop => {}
            other => return Err(format!("unexpected instruction {other:?}; expected a constant address")),
        }
    }
    match stack.as_slice() {
        [addr] => Ok(u64::from(*addr as u32)),
        _ => Err("it does not return a single constant".into()),
    }
}
