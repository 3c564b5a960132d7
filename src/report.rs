//! What pweval tells the user about a run.

use std::fmt::Write as _;

use crate::error::Diagnostic;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Specialized,
    /// Not specialized, with the reason.
    Skipped(String),
}

#[derive(Clone, Debug)]
pub struct RequestReport {
    pub subject: String,
    pub user_id: u32,
    pub function: String,
    pub outcome: Outcome,
    /// Size of the specialized body in bytes.
    pub output_bytes: usize,
    pub micros: u64,
    /// `--dump-ir`: (generic, specialized) IR text; for a request that fell
    /// back, the specialized text is the partial function with the failure
    /// marked.
    pub ir_text: Option<(String, String)>,
    pub stats: Option<crate::specialize::Stats>,
    /// `--explain`: what remains at each bytecode PC (specialized only).
    pub explain: Option<crate::explain::Explain>,
}

impl RequestReport {
    /// Specialized without reaching a context intrinsic: only constant
    /// arguments and `specialize.value` fan-outs were specialized, so no
    /// bytecode loop was unrolled. (A request on a wrapper that calls the
    /// interpreter, or with no constant at all, is refused instead.)
    pub fn zero_contexts(&self) -> bool {
        self.outcome == Outcome::Specialized && self.stats.as_ref().is_some_and(|s| s.contexts == 0)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub requests: Vec<RequestReport>,
    /// Requests found but not specialized (malformed or failed).
    pub skipped: usize,
    /// Valid requests deliberately left on the generic function
    /// (`--generic-only`).
    pub kept_generic: usize,
    /// Intrinsic imports replaced by their generic meaning.
    pub removed_intrinsics: usize,
    /// The output is byte-identical to the (snapshotted) input.
    pub unchanged: bool,
    /// The output is the Wizer snapshot itself (`--snapshot-only`).
    pub snapshot_only: bool,
    /// DWARF sections dropped because the code changed: (name, bytes).
    pub dropped_dwarf: Vec<(String, usize)>,
    /// Code-metadata sections (`metadata.code.*`, e.g. branch hints)
    /// dropped because the code changed: (name, bytes).
    pub dropped_code_metadata: Vec<(String, usize)>,
    /// The memory treated as the guest's read-only data.
    pub readonly_ranges: Vec<std::ops::Range<u32>>,
}

impl Report {
    pub fn specialized(&self) -> usize {
        self.requests.iter().filter(|r| r.outcome == Outcome::Specialized).count()
    }

    /// The one-line summary printed after every run.
    pub fn summary(&self) -> String {
        if self.snapshot_only {
            return "pweval: Wizer snapshot written (--snapshot-only); nothing was specialized".into();
        }
        let total = self.specialized() + self.skipped + self.kept_generic;
        let mut s = format!(
            "pweval: {} of {} request(s) specialized, {} skipped",
            self.specialized(),
            total,
            self.skipped
        );
        if self.kept_generic > 0 {
            let _ = write!(s, ", {} kept generic (--generic-only)", self.kept_generic);
        }
        if self.removed_intrinsics > 0 {
            let _ = write!(s, "; {} intrinsic import(s) lowered", self.removed_intrinsics);
        }
        if self.unchanged {
            s.push_str("; output is byte-identical to the input");
        }
        if !self.dropped_dwarf.is_empty() {
            let bytes: usize = self.dropped_dwarf.iter().map(|(_, n)| n).sum();
            let _ = write!(
                s,
                "; dropped {bytes} bytes of DWARF ({} .debug_* section(s)) whose code offsets the \
                 rewrite made stale (--keep-dwarf keeps them)",
                self.dropped_dwarf.len()
            );
        }
        if !self.dropped_code_metadata.is_empty() {
            let bytes: usize = self.dropped_code_metadata.iter().map(|(_, n)| n).sum();
            let names: Vec<&str> = self.dropped_code_metadata.iter().map(|(n, _)| n.as_str()).collect();
            let _ = write!(
                s,
                "; dropped {bytes} bytes of code metadata ({}) whose function indices and offsets \
                 the rewrite made stale",
                names.join(", ")
            );
        }
        s
    }

    /// Per-request statistics (`--stats`).
    pub fn stats(&self) -> String {
        let mut s = String::new();
        for r in &self.requests {
            let status = match &r.outcome {
                Outcome::Specialized => "specialized".to_string(),
                Outcome::Skipped(_) => "skipped".to_string(),
            };
            let _ = write!(s, "{}: {status}", r.subject);
            if let Some(st) = &r.stats {
                let flag = if r.zero_contexts() { " (no context: only constant arguments were specialized)" } else { "" };
                let _ = write!(
                    s,
                    ", {} contexts{flag}, {} cold path(s), blocks {} -> {}, instructions {} -> {}",
                    st.contexts, st.cold_paths.len(), st.blocks_in, st.blocks_out, st.insts_in, st.insts_out
                );
                if st.inlined_bodies > 0 {
                    let _ = write!(s, ", {} function bodies inlined", st.inlined_bodies);
                }
                if st.inlined_calls > 0 {
                    let _ = write!(s, ", {} call site(s) of other requests inlined", st.inlined_calls);
                }
                if st.frame_elided {
                    s.push_str(", stack frame elided");
                }
            }
            let _ = writeln!(s, ", {} bytes, {:.3} ms", r.output_bytes, r.micros as f64 / 1000.0);
        }
        if self.readonly_ranges.is_empty() {
            let _ = writeln!(s, "read-only data: none (loads outside request memory stay loads)");
        } else {
            let ranges: Vec<String> = self
                .readonly_ranges
                .iter()
                .map(|r| format!("{:#x}..{:#x} ({} bytes)", r.start, r.end, r.end.saturating_sub(r.start)))
                .collect();
            let _ = writeln!(s, "read-only data: {}", ranges.join(", "));
        }
        let zero = self.requests.iter().filter(|r| r.zero_contexts()).count();
        if zero > 0 {
            let _ = writeln!(
                s,
                "{zero} of {} specialized request(s) had 0 contexts (only constant arguments \
                 were specialized): if they interpret bytecode, is push.context reached with a \
                 constant PC?",
                self.specialized()
            );
        }
        s
    }
}
