//! Answering every valid request, in parallel across cores.
//!
//! **Invariant:** the results come back in request order whatever the
//! number of threads, so the output module is the same byte for byte.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use crate::intrinsics::Intrinsic;
use crate::ir::IrModule;
use crate::module::parse::ModuleInfo;
use crate::requests::Request;
use crate::specialize::{self, Failure, Limits, Specialized};

/// Called as requests complete: (done, total).
pub type Progress = std::sync::Arc<dyn Fn(usize, usize) + Send + Sync + std::panic::RefUnwindSafe>;

pub struct Answer {
    pub result: Result<Specialized, Failure>,
    pub micros: u64,
}

/// Stack of each worker thread.
const WORKER_STACK: usize = 1 << 30;

pub struct Settings<'o> {
    pub limits: &'o Limits,
    pub want_ir_text: bool,
    pub want_explain: bool,
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    pub progress: Option<&'o Progress>,
    pub callgraph: Option<&'o crate::callgraph::CallGraph>,
    pub readonly: &'o [crate::specialize::ConstMemory],
    /// Constant buffers of requests a body may inline (`crate::request_calls`).
    pub callee_buffers: &'o [crate::specialize::ConstMemory],
    /// The C stack pointer global, for frame elision (`specialize::frame`).
    pub stack_pointer: Option<waffle::Global>,
}

pub fn answer_all(
    info: &ModuleInfo<'_>,
    ir: Option<&IrModule<'_>>,
    requests: &[Request],
    intrinsics: &HashMap<u32, Intrinsic>,
    settings: &Settings<'_>,
) -> Vec<Answer> {
    let total = requests.len();
    let threads = match settings.jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, total.max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<Answer>>> = Mutex::new((0..total).map(|_| None).collect());
    let prepared = specialize::PreparedFunctions::default();
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(request) = requests.get(i) else { break };
        let started = Instant::now();
        let result = match ir {
            Some(ir) => {
                let cx = specialize::Context {
                    ir,
                    intrinsics,
                    limits: settings.limits,
                    want_ir_text: settings.want_ir_text,
                    want_explain: settings.want_explain,
                    callgraph: settings.callgraph,
                    readonly: settings.readonly,
                    callee_buffers: settings.callee_buffers,
                    stack_pointer: settings.stack_pointer,
                    prepared: &prepared,
                    own_slot: settings
                        .callgraph
                        .and_then(|g| g.request_targets().iter().find(|t| t.request == i))
                        .map(|t| t.table_slot),
                };
                // A panic anywhere in one request's pipeline is that
                // request's fallback, never the run's end.
                let ty = info.func_types.get(request.func as usize).copied().unwrap_or(0);
                crate::ir::guard(|| specialize::specialize(&cx, request, ty))
                    .unwrap_or_else(|why| Err(Failure::from(why)))
            }
            None => Err(Failure::from("the module could not be lifted into the IR".to_string())),
        };
        let answer = Answer { result, micros: started.elapsed().as_micros() as u64 };
        if let Ok(mut slots) = slots.lock() {
            slots[i] = Some(answer);
        }
        let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(progress) = settings.progress {
            progress(finished, total);
        }
    };
    // Workers get a large stack: the IR library's passes recurse over the
    // CFG, and a specialized function of a few thousand blocks (a long
    // branchy bytecode function) overflowed the default 2 MB, aborting the
    // whole run. The stack is reserved address space, used only as needed.
    std::thread::scope(|scope| {
        let mut spawned = 0;
        for _ in 0..threads {
            let builder = std::thread::Builder::new().name("pweval-request".into()).stack_size(WORKER_STACK);
            if builder.spawn_scoped(scope, &work).is_ok() {
                spawned += 1;
            }
        }
        if spawned == 0 {
            work();
        }
    });
    let slots = slots.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    slots
        .into_iter()
        .map(|slot| {
            slot.unwrap_or(Answer {
                result: Err(Failure::from("internal error: the request was not processed".to_string())),
                micros: 0,
            })
        })
        .collect()
}
