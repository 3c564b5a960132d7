//! Frame elision: a specialized function whose C stack frame nothing uses
//! stops moving the stack pointer.
//!
//! clang keeps a Wasm program's C stack in linear memory, its top in the
//! global `__stack_pointer`. A function with any address-taken local moves
//! that global down by its frame size on entry and back before every
//! return, whatever path it takes: LLVM allocates the frame in the
//! prologue. An interpreter body's frame serves its slow paths (a number
//! conversion through a pointer, an error message buffer), which a
//! specialized function mostly no longer has, yet every call of it still
//! reads, adjusts and writes the global on entry and again at each return,
//! and so does every activation pweval inlined into it. On Lua's `fib`
//! that is 8% of the precompiled run time.
//!
//! # When
//!
//! The global is the module's stack pointer (below), and a forward walk of
//! the function from its entry shows:
//!
//! - every value computed from the global (a `global.get` of it, such a
//!   value plus or minus a constant, a block parameter every edge passes
//!   such a value) is used only to compute another one, or as the operand
//!   of a `global.set` of the same global: no load, store, call, compare or
//!   return sees it, so no address in the frame is ever formed;
//! - every `global.set` of it stores such a value;
//! - the global's offset from its value on entry is one constant at every
//!   point (calls leave it as they found it, which is the stack pointer's
//!   convention), and 0 at every return.
//!
//! Then every `global.set` of it is removed: the global keeps its value on
//! entry throughout, which is the value the original had restored at each
//! return. The reads and the arithmetic become dead and go with the
//! clean-up.
//!
//! # What changes
//!
//! Where the C stack is, not what the program computes. A callee's frame
//! lies higher by the elided frames' size, inside memory nothing here
//! addresses; a program that exhausts its C stack does so later. A trap
//! that unwinds through the function leaves the pointer at its value on
//! entry rather than a frame lower; Wasm unwinding restores nothing either
//! way.
//!
//! # Which global is the stack pointer
//!
//! The one the name section calls `__stack_pointer`, when it names globals
//! (a Wizer snapshot keeps the input's names). Without global names, the
//! module's first global when it is a mutable `i32` defined and not
//! exported by the module, which is where LLVM's linker puts it. Either
//! way the global must be neither imported nor exported: a host function
//! could read an exported one.

use std::collections::{HashMap, HashSet, VecDeque};

use waffle::{Block, ExportKind, FunctionBody, Global, ImportKind, Module, Operator, Type, Value, ValueDef};

/// The module's stack pointer, chosen and checked as the module comment
/// says; `global_names` is the name section's (empty when it names none).
pub fn stack_pointer(module: &Module<'_>, global_names: &HashMap<u32, String>) -> Option<Global> {
    use waffle::entity::EntityRef;
    let index = if global_names.is_empty() {
        0
    } else {
        *global_names.iter().find(|(_, name)| *name == "__stack_pointer")?.0
    };
    let global = Global::new(index as usize);
    let data = module.globals.get(global)?;
    let imported = module.imports.iter().any(|i| matches!(i.kind, ImportKind::Global(g) if g == global));
    let exported = module.exports.iter().any(|e| matches!(e.kind, ExportKind::Global(g) if g == global));
    (data.mutable && data.ty == Type::I32 && !imported && !exported).then_some(global)
}

/// Remove the stack pointer moves of `body` when nothing uses its frame,
/// and with them the reads and arithmetic that fed them. Returns whether it
/// did.
pub fn run(body: &mut FunctionBody, sp: Global) -> bool {
    let Some(dead) = frame_values(body, sp) else { return false };
    body.recompute_edges();
    let blocks: Vec<Block> = body.blocks.iter().collect();
    for &b in &blocks {
        body.blocks[b].insts.retain(|v| !dead.contains(v));
        // Parameters that carried stack pointer values, and what every
        // edge passes them.
        let gone: Vec<usize> = (0..body.blocks[b].params.len())
            .filter(|&i| dead.contains(&body.blocks[b].params[i].1))
            .collect();
        if gone.is_empty() {
            continue;
        }
        let mut i = 0;
        body.blocks[b].params.retain(|_| {
            i += 1;
            !gone.contains(&(i - 1))
        });
        let mut preds = body.blocks[b].preds.clone();
        preds.sort();
        preds.dedup();
        for pred in preds {
            body.blocks[pred].terminator.update_targets(|t| {
                if t.block == b {
                    let mut i = 0;
                    t.args.retain(|_| {
                        i += 1;
                        !gone.contains(&(i - 1))
                    });
                }
            });
        }
    }
    body.recompute_edges();
    true
}

/// What the walk knows of one value: its offset from the stack pointer's
/// value on entry, or that it is not computed from the stack pointer.
type Offsets = HashMap<Value, Option<i64>>;

/// The `global.set`s of `sp` and every value computed from it, when the
/// conditions of the module comment hold; `None` when any fails.
fn frame_values(body: &FunctionBody, sp: Global) -> Option<HashSet<Value>> {
    let konst = |v: Value| match &body.values[body.resolve_alias(v)] {
        ValueDef::Operator(Operator::I32Const { value }, _, _) => Some(*value as i32 as i64),
        _ => None,
    };
    // Offsets of values computed from the stack pointer; parameters get
    // theirs (or None) from the first edge walked into their block, and
    // every other edge must agree.
    let mut offsets: Offsets = HashMap::new();
    let mut state_in: HashMap<Block, i64> = HashMap::new();
    let mut sets = HashSet::new();
    let mut queue = VecDeque::from([body.entry]);
    state_in.insert(body.entry, 0);
    for &(_, p) in &body.blocks[body.entry].params {
        offsets.insert(p, None);
    }
    let offset_of = |offsets: &Offsets, v: Value| -> Option<i64> {
        offsets.get(&body.resolve_alias(v)).copied().flatten()
    };
    while let Some(block) = queue.pop_front() {
        let mut state = *state_in.get(&block)?;
        for &inst in &body.blocks[block].insts {
            let (op, args) = match &body.values[inst] {
                ValueDef::Operator(op, args, _) => (op, &body.arg_pool[*args]),
                ValueDef::PickOutput(a, _, _) | ValueDef::Alias(a) => {
                    if offset_of(&offsets, *a).is_some() {
                        return None;
                    }
                    continue;
                }
                _ => continue,
            };
            let derived: Vec<Option<i64>> = args.iter().map(|&a| offset_of(&offsets, a)).collect();
            let result = match op {
                Operator::GlobalGet { global_index } if *global_index == sp => Some(state),
                Operator::GlobalSet { global_index } if *global_index == sp => {
                    state = derived.first().copied().flatten()?;
                    sets.insert(inst);
                    None
                }
                Operator::I32Add if derived.len() == 2 => match (derived[0], derived[1]) {
                    (Some(o), None) => Some(o + konst(args[1])?),
                    (None, Some(o)) => Some(o + konst(args[0])?),
                    (None, None) => None,
                    (Some(_), Some(_)) => return None,
                },
                Operator::I32Sub if derived.len() == 2 => match (derived[0], derived[1]) {
                    (Some(o), None) => Some(o - konst(args[1])?),
                    (None, None) => None,
                    _ => return None,
                },
                _ if derived.iter().any(Option::is_some) => return None,
                _ => None,
            };
            offsets.insert(inst, result);
        }
        let term = &body.blocks[block].terminator;
        // The condition, the switch index or the returned values: uses that
        // no stack pointer value may have.
        let uses: &[Value] = match term {
            waffle::Terminator::CondBr { cond, .. } => std::slice::from_ref(cond),
            waffle::Terminator::Select { value, .. } => std::slice::from_ref(value),
            waffle::Terminator::Return { values } => values,
            _ => &[],
        };
        if uses.iter().any(|&u| offset_of(&offsets, u).is_some()) {
            return None;
        }
        if matches!(term, waffle::Terminator::Return { .. }) && state != 0 {
            return None;
        }
        let mut edges = Vec::new();
        term.visit_targets(|t| edges.push((t.block, t.args.clone())));
        for (succ, args) in edges {
            match state_in.get(&succ) {
                Some(&s) if s != state => return None,
                Some(_) => {}
                None => {
                    state_in.insert(succ, state);
                    queue.push_back(succ);
                }
            }
            let params = &body.blocks[succ].params;
            if params.len() != args.len() {
                return None;
            }
            for (&(_, p), &a) in params.iter().zip(&args) {
                let o = offset_of(&offsets, a);
                match offsets.get(&p) {
                    Some(&known) if known != o => return None,
                    Some(_) => {}
                    None => {
                        offsets.insert(p, o);
                    }
                }
            }
        }
    }
    if sets.is_empty() {
        return None;
    }
    // Blocks the walk never reached (clean-up removed them; checked all
    // the same) must not use a value about to go.
    let derived: HashSet<Value> = offsets.iter().filter(|(_, o)| o.is_some()).map(|(&v, _)| v).collect();
    for b in body.blocks.iter().filter(|b| !state_in.contains_key(b)) {
        let mut uses_one = false;
        for &inst in &body.blocks[b].insts {
            if let ValueDef::Operator(_, args, _) = &body.values[inst] {
                uses_one |= body.arg_pool[*args].iter().any(|&a| derived.contains(&body.resolve_alias(a)));
            }
        }
        body.blocks[b].terminator.visit_uses(|u| uses_one |= derived.contains(&body.resolve_alias(u)));
        if uses_one {
            return None;
        }
    }
    Some(sets.into_iter().chain(derived).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use waffle::entity::EntityRef;

    /// A test's module, text to binary (then `parse`d into the IR). The
    /// tests return errors instead of panicking: a broken test module fails
    /// its test with the reason.
    fn wasm(wat: &str) -> Result<Vec<u8>, String> {
        wat::parse_str(wat).map_err(|e| format!("test module: {e}"))
    }

    fn parse(bytes: &[u8]) -> Result<Module<'_>, String> {
        Module::from_wasm_bytes(bytes, &waffle::FrontendOptions::default()).map_err(|e| format!("test module: {e}"))
    }

    /// Elide in a function from text (`body` is the code of `(func (param
    /// i32) (result i32) ...)`, global 0 the stack pointer): whether it
    /// did, and the `global.get`s and `global.set`s left.
    fn run_on(body: &str) -> Result<(bool, usize), String> {
        let bytes = wasm(&format!(
            "(module (global $sp (mut i32) (i32.const 65536)) (memory 1)
               (func $callee (param i32) (result i32) local.get 0)
               (func (param i32) (result i32) (local i32) {body}))"
        ))?;
        let module = parse(&bytes)?;
        let mut f = module.clone_and_expand_body(waffle::Func::new(1)).map_err(|e| format!("test module: {e}"))?;
        let sp = stack_pointer(&module, &HashMap::new()).ok_or("test module has no stack pointer")?;
        let done = run(&mut f, sp);
        crate::ir::verify(&f).map_err(|e| format!("invalid IR after frame elision: {e}"))?;
        let moves = f
            .blocks
            .iter()
            .flat_map(|b| f.blocks[b].insts.clone())
            .filter(|&v| {
                matches!(f.values[v], ValueDef::Operator(Operator::GlobalSet { .. } | Operator::GlobalGet { .. }, _, _))
            })
            .count();
        Ok((done, moves))
    }

    const PROLOGUE: &str = "global.get $sp i32.const 32 i32.sub local.tee 1 global.set $sp";
    const EPILOGUE: &str = "local.get 1 i32.const 32 i32.add global.set $sp";

    #[test]
    fn an_unused_frame_is_elided() -> Result<(), String> {
        let body = format!("{PROLOGUE} local.get 0 call $callee {EPILOGUE}");
        assert_eq!(run_on(&body)?, (true, 0));
        Ok(())
    }

    #[test]
    fn a_frame_restored_on_each_path_is_elided() -> Result<(), String> {
        let body = format!(
            "{PROLOGUE} local.get 0 if (result i32) {EPILOGUE} i32.const 1 else {EPILOGUE} i32.const 2 end"
        );
        assert_eq!(run_on(&body)?, (true, 0));
        Ok(())
    }

    #[test]
    fn a_frame_pointer_carried_round_a_loop_is_elided() -> Result<(), String> {
        let body = format!(
            "{PROLOGUE} (loop $l local.get 0 call $callee local.set 0 local.get 0 br_if $l) {EPILOGUE} local.get 0"
        );
        assert_eq!(run_on(&body)?, (true, 0));
        Ok(())
    }

    #[test]
    fn a_store_into_the_frame_keeps_it() -> Result<(), String> {
        let body = format!("{PROLOGUE} local.get 1 local.get 0 i32.store local.get 0 {EPILOGUE}");
        assert_eq!(run_on(&body)?, (false, 3));
        Ok(())
    }

    #[test]
    fn a_frame_address_passed_to_a_call_keeps_it() -> Result<(), String> {
        let body = format!("{PROLOGUE} local.get 1 call $callee {EPILOGUE}");
        assert_eq!(run_on(&body)?, (false, 3));
        Ok(())
    }

    #[test]
    fn a_frame_address_returned_keeps_it() -> Result<(), String> {
        let body = format!("{PROLOGUE} {EPILOGUE} local.get 1");
        assert_eq!(run_on(&body)?, (false, 3));
        Ok(())
    }

    #[test]
    fn an_unbalanced_return_keeps_it() -> Result<(), String> {
        // Returns with the pointer a frame down: the caller would see it.
        let body = format!("{PROLOGUE} local.get 0");
        assert_eq!(run_on(&body)?, (false, 2));
        Ok(())
    }

    #[test]
    fn paths_that_disagree_on_the_offset_keep_it() -> Result<(), String> {
        let body = format!(
            "{PROLOGUE} local.get 0 if global.get $sp i32.const 16 i32.sub global.set $sp end {EPILOGUE} local.get 0"
        );
        assert_eq!(run_on(&body)?, (false, 5));
        Ok(())
    }

    #[test]
    fn a_pointer_loaded_from_memory_keeps_it() -> Result<(), String> {
        // setjmp-style restore: the value set is not computed from the global.
        let body = format!("{PROLOGUE} i32.const 0 i32.load global.set $sp {EPILOGUE} local.get 0");
        assert_eq!(run_on(&body)?, (false, 4));
        Ok(())
    }

    #[test]
    fn a_counter_global_is_not_a_stack_pointer_when_exported() -> Result<(), String> {
        let bytes = wasm("(module (global $sp (export \"sp\") (mut i32) (i32.const 0)) (func))")?;
        let module = parse(&bytes)?;
        assert_eq!(stack_pointer(&module, &HashMap::new()), None);
        let named = HashMap::from([(0, "__stack_pointer".to_string())]);
        assert_eq!(stack_pointer(&module, &named), None);
        Ok(())
    }

    #[test]
    fn names_decide_which_global_is_the_stack_pointer() -> Result<(), String> {
        let bytes = wasm("(module (global (mut i32) (i32.const 0)) (global (mut i32) (i32.const 0)) (func))")?;
        let module = parse(&bytes)?;
        let sp = |names: &[(u32, &str)]| {
            let names: HashMap<u32, String> = names.iter().map(|&(i, n)| (i, n.to_string())).collect();
            stack_pointer(&module, &names).map(|g| g.index())
        };
        assert_eq!(sp(&[]), Some(0));
        assert_eq!(sp(&[(0, "counter"), (1, "__stack_pointer")]), Some(1));
        assert_eq!(sp(&[(0, "counter")]), None);
        Ok(())
    }
}
