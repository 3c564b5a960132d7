//! Branchy runs for `stackvm_gen.rs` (a child module, so it extends
//! `FnGen`): up to 16 independent `if (x) local_k = v` in a row, each a
//! conditional jump over one `store` to a different local. The stack VM
//! keeps locals behind `read.local`/`write.local`, which pweval caches in
//! SSA values with a pending store per written slot; with K such ifs there
//! are 2^K sets of pending stores, and a specializer that keys its blocks
//! on them does exponential work (the differential test bounds the blocks
//! of every specialized function linearly, see `diff_harness::block_bound`).

use super::{FnGen, Kind, Local, Rng, Ty};

/// Most ifs in one run.
const MAX_RUN: usize = 16;

/// Half of the functions get a pool of 4..=16 int locals that only branchy
/// runs write (zero on entry, like every non-parameter local); returns
/// their indices.
pub(super) fn pool(rng: &mut Rng, locals: &mut Vec<Local>) -> Vec<usize> {
    if !rng.chance(50) {
        return Vec::new();
    }
    let n = rng.range(4, MAX_RUN as i64) as usize;
    let first = locals.len();
    locals.extend((0..n).map(|_| Local { kind: Kind::Val(Ty::Int), writable: false }));
    (first..first + n).collect()
}

impl FnGen<'_> {
    /// A run of 2..=16 ifs over the pool, then the pool's locals folded
    /// into an int global so that every store is observable (`tN_main`
    /// prints the globals). `None` without a pool or budget.
    pub(super) fn branchy_run(&mut self, b: u64) -> Option<u64> {
        let most = self.branchy.len().min((b.saturating_sub(8) / 12) as usize);
        if most < 2 {
            return None;
        }
        let k = self.rng.range(2, most as i64) as usize;
        let mut free = self.branchy.clone();
        let targets: Vec<usize> =
            (0..k).map(|_| free.swap_remove(self.rng.below(free.len() as u64) as usize)).collect();
        self.feat.branchy_runs += 1;
        self.feat.longest_branchy = self.feat.longest_branchy.max(k);
        self.feat.ifs += k;
        let mut c = 0;
        for &t in &targets {
            let skip = self.new_label();
            c += self.branch_cond();
            let jump = self.rng.pick(&["jz", "jnz"]);
            c += self.op(format!("{jump} {skip}"));
            c += self.small_value() + self.op(format!("store {t}"));
            self.place(&skip);
        }
        c += self.op(format!("load {}", targets[0]));
        for t in &targets[1..] {
            let fold = self.rng.pick(&["iadd", "ixor", "isub"]);
            c += self.op(format!("load {t}")) + self.op(fold);
        }
        let g = self.rng.pick(&self.env.int_globals);
        Some(c + self.op(format!("gstore {g}")))
    }

    /// An int condition of at most 3 instructions, mostly a runtime value
    /// (a parameter, a global, a local another branch may have set).
    fn branch_cond(&mut self) -> u64 {
        let ints: Vec<usize> = (0..self.scratch).filter(|&i| self.locals[i].kind == Kind::Val(Ty::Int)).collect();
        match self.rng.below(5) {
            0 | 1 if !ints.is_empty() => {
                let i = self.rng.pick(&ints);
                self.op(format!("load {i}"))
            }
            2 => {
                let g = self.rng.pick(&self.env.int_globals);
                let m = self.rng.pick(&[1, 2, 4, 7]);
                self.op(format!("gload {g}")) + self.op(format!("push {m}")) + self.op("iand")
            }
            3 => {
                let i = self.rng.pick(&self.branchy);
                self.op(format!("load {i}"))
            }
            _ => {
                let g = self.rng.pick(&self.env.int_globals);
                let k = self.rng.range(-5, 5);
                self.op(format!("gload {g}")) + self.op(format!("push {k}")) + self.op("ilt")
            }
        }
    }

    /// The value stored: a constant, or a runtime int.
    fn small_value(&mut self) -> u64 {
        if self.rng.chance(60) {
            let v = self.rng.range(-100, 100);
            self.op(format!("push {v}"))
        } else {
            self.leaf(Ty::Int)
        }
    }
}
