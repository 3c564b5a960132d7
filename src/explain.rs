//! A request explains itself: what is left of the interpreter at each
//! bytecode PC (`--explain`), and the IR of a request that fell back
//! (`--dump-ir` on a failure).
//!
//! The explain table answers the interpreter author's question "which of my
//! opcodes still cost something after specialization?". The engine records,
//! for every value it emits, the innermost bytecode PC (context) it was
//! emitted for and how deeply that context is nested; after clean-up, the
//! instructions that survived are counted per PC and depth. A PC without a
//! row compiled to nothing. Depth 1 is the request's own code; a row
//! `PC@D` with D > 1 is the same PC in a call inlined D - 1 levels down (a
//! request chain's callee, a self-call's activation), so a function
//! unrolled into its own recursion shows each level apart instead of one
//! row that sums them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use waffle::{Block, FunctionBody, Operator, SideEffect, Value, ValueDef};

use crate::report::{Outcome, Report};

/// Where an instruction of the specialized function came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// Emitted while specializing the bytecode at `pc` (innermost
    /// context), `depth` frames deep (1: not inside an inlined call).
    Pc { pc: u32, depth: u32 },
    /// Emitted outside any context: before the first `push.context` or after
    /// the last `pop.context` (the interpreter's prologue and epilogue).
    Outside,
    /// Created after specialization (by clean-up), with no PC to blame.
    Unattributed,
}

/// What remains at one place. Loads, stores and calls can trap too; `traps`
/// counts only the other operators that can (division and remainder,
/// float-to-int truncation, `unreachable`, table operations), so no
/// instruction is counted twice among loads, stores, calls and traps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    /// IR operators (lowering adds `local.get`/`local.set` and branches,
    /// which are not counted): the same measure as `--stats` instructions.
    pub insts: usize,
    pub loads: usize,
    pub stores: usize,
    pub calls_direct: usize,
    /// `call_indirect` and `call_ref`: typically the guest calling through a
    /// function pointer it keeps in memory.
    pub calls_indirect: usize,
    pub traps: usize,
}

impl Cost {
    fn add(&mut self, other: &Cost) {
        self.insts += other.insts;
        self.loads += other.loads;
        self.stores += other.stores;
        self.calls_direct += other.calls_direct;
        self.calls_indirect += other.calls_indirect;
        self.traps += other.traps;
    }

    /// The cost of one instruction.
    fn of(def: &ValueDef) -> Cost {
        let mut c = Cost { insts: 1, ..Cost::default() };
        let ValueDef::Operator(op, _, _) = def else { return c };
        match op {
            Operator::Call { .. } => c.calls_direct = 1,
            Operator::CallIndirect { .. } | Operator::CallRef { .. } => c.calls_indirect = 1,
            _ => {
                let effects = op.effects();
                let reads = effects.contains(&SideEffect::ReadMem);
                let writes = effects.contains(&SideEffect::WriteMem);
                // `memory.copy` reads and writes: it is both a load and a store.
                c.loads = reads as usize;
                c.stores = writes as usize;
                c.traps = (!reads && !writes && op.can_trap()) as usize;
            }
        }
        c
    }
}

/// One request's table: rows sorted by place (PCs ascending, then outside,
/// then unattributed), and their sum.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Explain {
    pub rows: Vec<(Place, Cost)>,
    pub total: Cost,
}

impl Explain {
    /// Count the instructions of `body` (after clean-up) that are reachable
    /// from its entry, by the PC `origins` (from the engine) gives them.
    pub fn build(body: &FunctionBody, origins: &HashMap<Value, Option<(u32, u32)>>) -> Explain {
        let mut rows: BTreeMap<Place, Cost> = BTreeMap::new();
        for block in reachable(body) {
            for &inst in &body.blocks[block].insts {
                let cost = Cost::of(&body.values[inst]);
                rows.entry(place_of(body, origins, inst)).or_default().add(&cost);
            }
        }
        let mut total = Cost::default();
        for cost in rows.values() {
            total.add(cost);
        }
        Explain { rows: rows.into_iter().collect(), total }
    }
}

/// The place of `v`: its own origin, else (for a value the engine made
/// without recording it: a multi-value projection, or an alias left by
/// GVN) the origin of the value it stands for.
fn place_of(body: &FunctionBody, origins: &HashMap<Value, Option<(u32, u32)>>, mut v: Value) -> Place {
    // Bounded: a malformed alias chain must not hang an explanation.
    for _ in 0..32 {
        if let Some(at) = origins.get(&v) {
            return at.map_or(Place::Outside, |(pc, depth)| Place::Pc { pc, depth });
        }
        match body.values[v] {
            ValueDef::Alias(to) | ValueDef::PickOutput(to, _, _) => v = to,
            _ => break,
        }
    }
    Place::Unattributed
}

/// Blocks reachable from the entry, in a stable order. Clean-up leaves
/// emptied copies in the arena; they are not part of the function.
fn reachable(body: &FunctionBody) -> Vec<Block> {
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    let mut stack = vec![body.entry];
    while let Some(b) = stack.pop() {
        if seen.insert(b) {
            order.push(b);
            body.blocks[b].terminator.visit_successors(|s| stack.push(s));
        }
    }
    order.sort();
    order
}

fn place_label(place: Place) -> String {
    match place {
        Place::Pc { pc, depth } if depth <= 1 => pc.to_string(),
        Place::Pc { pc, depth } => format!("{pc}@{depth}"),
        Place::Outside => "outside".into(),
        Place::Unattributed => "unattributed".into(),
    }
}

fn calls_cell(c: &Cost) -> String {
    let all = c.calls_direct + c.calls_indirect;
    if c.calls_indirect == 0 {
        all.to_string()
    } else {
        format!("{all} ({} ind.)", c.calls_indirect)
    }
}

/// `--explain`: one header line per specialized request, then one row per
/// place and a total line.
pub fn text(report: &Report) -> String {
    let mut s = String::new();
    for r in &report.requests {
        let (Outcome::Specialized, Some(table)) = (&r.outcome, &r.explain) else { continue };
        let contexts = r.stats.as_ref().map_or(0, |st| st.contexts);
        let _ = writeln!(
            s,
            "{}: {}.pweval.{}, {} contexts, {} instructions",
            r.subject, r.function, r.user_id, contexts, table.total.insts
        );
        let mut lines = vec![["pc".to_string(), "insts".into(), "loads".into(), "stores".into(), "calls".into(), "traps".into()]];
        let row = |label: String, c: &Cost| {
            [label, c.insts.to_string(), c.loads.to_string(), c.stores.to_string(), calls_cell(c), c.traps.to_string()]
        };
        for (place, cost) in &table.rows {
            lines.push(row(place_label(*place), cost));
        }
        lines.push(row("total".into(), &table.total));
        let mut widths = [0usize; 6];
        for line in &lines {
            for (w, cell) in widths.iter_mut().zip(line) {
                *w = (*w).max(cell.len());
            }
        }
        for line in &lines {
            s.push(' ');
            for (w, cell) in widths.iter().zip(line) {
                let _ = write!(s, " {cell:>w$}");
            }
            s.push('\n');
        }
    }
    if s.is_empty() {
        s.push_str("explain: no request was specialized\n");
    }
    s
}

/// `--explain=json`: one document for the run. Written by hand: the shape
/// is small and fixed, and a serializer would be pweval's only use of serde.
pub fn json(report: &Report) -> String {
    let mut s = String::from("{\"requests\": [");
    let mut first = true;
    for r in &report.requests {
        let (Outcome::Specialized, Some(table)) = (&r.outcome, &r.explain) else { continue };
        s.push_str(if first { "\n  " } else { ",\n  " });
        first = false;
        let contexts = r.stats.as_ref().map_or(0, |st| st.contexts);
        let _ = write!(
            s,
            "{{\"subject\": {}, \"function\": {}, \"user_id\": {}, \"specialized_function\": {}, \
             \"contexts\": {contexts}, \"rows\": [",
            json_string(&r.subject),
            json_string(&r.function),
            r.user_id,
            json_string(&format!("{}.pweval.{}", r.function, r.user_id)),
        );
        for (i, (place, cost)) in table.rows.iter().enumerate() {
            let (pc, depth, kind) = match place {
                Place::Pc { pc, depth } => (pc.to_string(), depth.to_string(), "pc"),
                Place::Outside => ("null".into(), "null".into(), "outside"),
                Place::Unattributed => ("null".into(), "null".into(), "unattributed"),
            };
            let sep = if i == 0 { "\n    " } else { ",\n    " };
            let _ = write!(s, "{sep}{{\"pc\": {pc}, \"depth\": {depth}, \"kind\": \"{kind}\", {}}}", json_cost(cost));
        }
        let _ = write!(s, "\n  ], \"total\": {{{}}}}}", json_cost(&table.total));
    }
    s.push_str("\n]}\n");
    s
}

fn json_cost(c: &Cost) -> String {
    format!(
        "\"insts\": {}, \"loads\": {}, \"stores\": {}, \"calls_direct\": {}, \"calls_indirect\": {}, \
         \"traps\": {}",
        c.insts, c.loads, c.stores, c.calls_direct, c.calls_indirect, c.traps
    )
}

fn json_string(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('"');
    for ch in text.chars() {
        match ch {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// The specialized IR of a request that fell back, for `--dump-ir`: a
/// header line with the reason, the function as far as it was built (if
/// any), and a marker line right after the header of the block whose
/// specialization failed.
pub fn failed_ir(partial: Option<&FunctionBody>, failed_at: Option<Block>, why: &str) -> String {
    let Some(body) = partial else {
        return format!("# specialization failed before any code was produced: {why}\n");
    };
    let mut out = format!(
        "# specialization failed: {why}\n\
         # the function below is partial: the failing block and the blocks still waiting \
         to be processed end in `no_terminator`\n"
    );
    // The partial function may break invariants the printer relies on.
    let text = crate::ir::guard(|| crate::ir::dump(body))
        .unwrap_or_else(|e| format!("# (the partial IR could not be printed: {e})\n"));
    out.push_str(&mark_block(&text, failed_at, why));
    out
}

/// Insert `# <-- specialization failed here: why` after the header line of
/// `block` (`  blockN(params): # desc`) in a dump.
fn mark_block(text: &str, block: Option<Block>, why: &str) -> String {
    let Some(block) = block else { return text.to_string() };
    let header = format!("{block}(");
    let mut out = String::with_capacity(text.len() + why.len() + 64);
    let mut marked = false;
    for line in text.lines() {
        out.push_str(line);
        out.push('\n');
        if !marked && line.trim_start().starts_with(&header) {
            let _ = writeln!(out, "    # <-- specialization failed here: {why}");
            marked = true;
        }
    }
    if !marked {
        let _ = writeln!(out, "# <-- specialization failed in {block}, which the text above leaves out: {why}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    #[test]
    fn marker_follows_the_block_header() {
        let text = "function() -> {\n  block0(): # entry\n    # preds: \n  block1(v0: i32): # x\n    # preds: \n}\n";
        let marked = mark_block(text, Some(Block::from(1u32)), "why");
        let lines: Vec<&str> = marked.lines().collect();
        assert_eq!(lines[3], "  block1(v0: i32): # x");
        assert_eq!(lines[4], "    # <-- specialization failed here: why");
        // `block1(` must not match `block10(`.
        assert!(!mark_block("  block10(): #\n", Some(Block::from(1u32)), "w").contains("here:"));
    }
}
