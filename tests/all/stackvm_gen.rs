//! Random valid programs for examples/stackvm (see its README.md for the
//! assembly language), for the differential test in `stackvm_diff.rs`.
//!
//! A *program* `tN` is a `tN_main` entry plus 1-4 helper functions
//! `tN_f0..` and a float printer `tN_pf`, its own globals (`tN_gK` ints, `tN_hK` floats, `tN_a` an int
//! array made by `tN_main`), and prints lines that all start with `tN `.
//! Many programs share one assembly file (`assemble`), whose `main` calls
//! every `tN_main` in order and prints `tN result VALUE`.
//!
//! Valid by construction:
//! - **Verifier.** Code is generated as statements, each of which leaves
//!   the operand stack as it found it (empty), built from typed
//!   expressions that push exactly one value. Every jump goes between
//!   statement boundaries (depth 0) or, inside an expression (a ternary,
//!   a guarded `f2i` or `printf`), between points of equal depth. Every
//!   function ends with `ret`.
//! - **No run-time error.** Divisors are non-zero constants or `x | 1`;
//!   array indices are constants below the length, `(x & 0x7fffffff) % len`
//!   (with `len` a constant or `alen`), or a loop counter (never negative)
//!   `% len`; `f2i` only runs after a range check (NaN fails it); arrays are
//!   made at function entry with lengths 1..16 and never indexed before.
//! - **Termination and size.** Loops count a reserved local (never written
//!   by anything else) over a constant trip count of 1..12. The call graph
//!   is a DAG (`fK` calls only `fJ`, J > K) plus self-recursion: a
//!   recursive helper's first parameter is a depth that callers pass as a
//!   constant 0..=D (D <= 4), and that its own calls pass as `depth - 1`; it
//!   returns at depth 0, and has at most two self-call sites, none in a
//!   loop. Every piece of code has a cost (an upper bound on the
//!   instructions it executes, calls and loop trips included, plus the
//!   elements it allocates and a weight per printed line), kept under a
//!   budget; `Program::cost` is the bound of the whole program.
//! - **Output the same on every correct run.** Floats are never
//!   reinterpreted as ints, and a NaN (whose sign Wasm leaves
//!   nondeterministic) is printed as `nan` through a `x == x` test.

use std::fmt::Write as _;

#[path = "stackvm_branchy.rs"]
mod branchy;

/// xorshift64, seeded through splitmix64 (so nearby seeds diverge).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(z | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform-ish in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// In `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Int,
    Float,
}

/// Budget of a program's random statements (cost units, see the file
/// comment); the calls `tN_main` makes to every helper come on top.
const MAIN_BUDGET: u64 = 24_000;
/// Budget of one call of a helper, all its recursion included.
const HELPER_BUDGET: u64 = 3_000;
/// Weight of one printed line, to keep the output small.
const PRINT_COST: u64 = 40;
/// Cost of a call of `tN_pf`.
const PF_COST: u64 = 8;
/// Nested loops per function (one reserved counter local each).
const MAX_LOOP_NEST: usize = 3;
/// What `Program::cost` never exceeds (checked by the generator test).
pub const PROGRAM_COST_LIMIT: u64 = MAIN_BUDGET + 4 * (HELPER_BUDGET + 200) + 2_000;

const INT_ARITH: [&str; 8] = ["iadd", "isub", "imul", "iand", "ior", "ixor", "ishl", "ishr"];
const INT_CMP: [&str; 6] = ["ilt", "ile", "igt", "ige", "ieq", "ine"];
const FLOAT_ARITH: [&str; 4] = ["fadd", "fsub", "fmul", "fdiv"];
const FLOAT_CMP: [&str; 6] = ["flt", "fle", "fgt", "fge", "feq", "fne"];

/// What the generator put in a program (the variety test sums these).
#[derive(Clone, Debug, Default)]
pub struct Features {
    pub loops: usize,
    pub nested_loops: usize,
    pub breaks: usize,
    pub early_returns: usize,
    pub ifs: usize,
    pub ternaries: usize,
    pub calls: usize,
    pub self_calls: usize,
    pub recursive_functions: usize,
    pub float_ops: usize,
    pub f2i: usize,
    pub array_ops: usize,
    pub prints: usize,
    /// Runs of independent `if (x) local = v` (stackvm_branchy.rs), and
    /// the longest.
    pub branchy_runs: usize,
    pub longest_branchy: usize,
}

impl Features {
    pub fn add(&mut self, o: &Features) {
        self.loops += o.loops;
        self.nested_loops += o.nested_loops;
        self.breaks += o.breaks;
        self.early_returns += o.early_returns;
        self.ifs += o.ifs;
        self.ternaries += o.ternaries;
        self.calls += o.calls;
        self.self_calls += o.self_calls;
        self.recursive_functions += o.recursive_functions;
        self.float_ops += o.float_ops;
        self.f2i += o.f2i;
        self.array_ops += o.array_ops;
        self.prints += o.prints;
        self.branchy_runs += o.branchy_runs;
        self.longest_branchy = self.longest_branchy.max(o.longest_branchy);
    }
}

/// One random program (see the file comment).
#[derive(Clone, Debug)]
pub struct Program {
    /// `N` of its label `tN`.
    pub index: usize,
    pub label: String,
    pub seed: u64,
    /// What `tN_main` returns.
    pub ret: Ty,
    /// `global ...` lines.
    pub globals: Vec<String>,
    /// Function definitions, `func` to `end`; `tN_main` first.
    pub functions: Vec<String>,
    /// Upper bound of the cost of running `tN_main`.
    pub cost: u64,
    pub features: Features,
}

impl Program {
    /// This program alone as an assembly file.
    pub fn source(&self) -> String {
        assemble(&[self])
    }

    /// Its globals and functions (no `main`).
    pub fn text(&self) -> String {
        let mut s = String::new();
        for g in &self.globals {
            s.push_str(g);
            s.push('\n');
        }
        for f in &self.functions {
            s.push_str(f);
        }
        s
    }
}

/// One assembly file: the programs' globals and functions, and a `main`
/// that runs them in order, printing `tN result VALUE` after each.
pub fn assemble(programs: &[&Program]) -> String {
    let mut s = String::from("; generated by tests/all/stackvm_gen.rs\n");
    for p in programs {
        writeln!(s, "; {}: seed {}", p.label, p.seed).unwrap();
        for g in &p.globals {
            s.push_str(g);
            s.push('\n');
        }
    }
    for p in programs {
        for f in &p.functions {
            s.push_str(f);
        }
    }
    s.push_str("\nfunc main 0 1\n");
    for (i, p) in programs.iter().enumerate() {
        writeln!(s, "        prints \"{} result \"", p.label).unwrap();
        writeln!(s, "        call {}_main", p.label).unwrap();
        match p.ret {
            Ty::Int => s.push_str("        printi\n"),
            Ty::Float => {
                write!(
                    s,
                    "        store 0\n        load 0\n        load 0\n        feq\n        jz nan{i}\n\
                     \x20       load 0\n        printf\n        jmp done{i}\nnan{i}:\n        prints \"nan\"\ndone{i}:\n"
                )
                .unwrap();
            }
        }
        s.push_str("        printnl\n");
    }
    s.push_str("        push 0\n        ret\nend\n");
    s
}

/// A function's signature, as its callers see it.
#[derive(Clone, Debug)]
struct Sig {
    name: String,
    params: Vec<Ty>,
    ret: Ty,
    /// Recursive: parameter 0 is the depth, callers pass 0..=this.
    depth: Option<i64>,
    /// Upper bound of one call's cost (recursion included).
    cost: u64,
}

/// Per-program names the functions share.
struct Env {
    label: String,
    int_globals: Vec<String>,
    float_globals: Vec<String>,
    array_global: String,
    array_global_len: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Val(Ty),
    /// An array handle: element type, length.
    Arr(Ty, u64),
}

#[derive(Clone, Copy, Debug)]
struct Local {
    kind: Kind,
    /// Random statements may write it (not: the recursion depth, the loop
    /// counters, the float scratch, array handles).
    writable: bool,
}

fn int_literal(rng: &mut Rng) -> String {
    match rng.below(12) {
        0..=5 => rng.range(-9, 9).to_string(),
        6 | 7 => rng.range(-1000, 1000).to_string(),
        8 => (rng.next_u64() as i64).to_string(),
        9 => rng.pick(&[i64::MIN, i64::MAX, -1, 1 << 32, 0x7fff_ffff, 63, 64]).to_string(),
        10 => format!("0x{:x}", rng.below(1 << 31)),
        _ => rng.range(0, 100).to_string(),
    }
}

fn float_literal(rng: &mut Rng) -> String {
    let v = match rng.below(8) {
        0..=2 => rng.range(-64, 64) as f64 / 8.0,
        3 => rng.range(-1000, 1000) as f64 / 1000.0,
        4 => rng.pick(&[1e-3, 1e6, 2.5e10, -7.75e-5, 0.1, 2.71, -0.0, 1e300, 123456.789]),
        5 => rng.range(-20, 20) as f64,
        _ => rng.range(-100, 100) as f64 / 4.0,
    };
    // Debug formatting always has a `.` or an exponent, so a `global` reads
    // it as a float, and strtod reads it back exactly.
    let s = format!("{v:?}");
    debug_assert!(s.contains('.') || s.contains('e'), "{s}");
    s
}

fn random_ty(rng: &mut Rng, float_percent: u64) -> Ty {
    if rng.chance(float_percent) {
        Ty::Float
    } else {
        Ty::Int
    }
}

struct FnGen<'a> {
    rng: &'a mut Rng,
    feat: &'a mut Features,
    env: &'a Env,
    /// Functions it may call (already generated, costs known).
    callees: &'a [Sig],
    /// Its own signature when it is recursive.
    me: Option<Sig>,
    allow_self: bool,
    self_sites: u32,
    /// Short name for printed tags (`f2`, `main`).
    short: String,
    ret: Ty,
    locals: Vec<Local>,
    /// Float scratch local for the guarded `f2i` and `printf`.
    scratch: usize,
    /// Loop counter locals, one per nesting level.
    counters: Vec<usize>,
    /// Exit labels of the enclosing loops.
    loops: Vec<String>,
    lines: Vec<String>,
    nlabels: u32,
    /// Maximum expression depth.
    depth: u32,
    /// Int locals only branchy runs write (stackvm_branchy.rs).
    branchy: Vec<usize>,
}

impl FnGen<'_> {
    fn op(&mut self, text: impl Into<String>) -> u64 {
        self.lines.push(format!("        {}", text.into()));
        1
    }

    fn ops(&mut self, texts: &[&str]) -> u64 {
        texts.iter().map(|t| self.op(*t)).sum()
    }

    fn new_label(&mut self) -> String {
        self.nlabels += 1;
        format!("L{}", self.nlabels)
    }

    fn place(&mut self, label: &str) {
        self.lines.push(format!("{label}:"));
    }

    fn val_locals(&self, ty: Ty, writable_only: bool) -> Vec<usize> {
        (0..self.locals.len())
            .filter(|&i| {
                i != self.scratch
                    && self.locals[i].kind == Kind::Val(ty)
                    && (self.locals[i].writable || !writable_only)
            })
            .collect()
    }

    /// Arrays in reach: (instruction pushing the handle, element type, length).
    fn arrays(&self, elem: Option<Ty>) -> Vec<(String, Ty, u64)> {
        let mut v: Vec<(String, Ty, u64)> = (0..self.locals.len())
            .filter_map(|i| match self.locals[i].kind {
                Kind::Arr(t, n) => Some((format!("load {i}"), t, n)),
                Kind::Val(_) => None,
            })
            .collect();
        v.push((format!("gload {}", self.env.array_global), Ty::Int, self.env.array_global_len));
        v.retain(|a| elem.is_none_or(|t| a.1 == t));
        v
    }

    // ---- expressions: each pushes exactly one value of its type ----

    fn expr(&mut self, ty: Ty, depth: u32, budget: u64) -> u64 {
        if depth == 0 || budget < 12 || self.rng.chance(35) {
            return self.leaf(ty);
        }
        match ty {
            Ty::Int => self.int_expr(depth, budget),
            Ty::Float => self.float_expr(depth, budget),
        }
    }

    fn leaf(&mut self, ty: Ty) -> u64 {
        let locals = self.val_locals(ty, false);
        match self.rng.below(5) {
            0 | 1 if !locals.is_empty() => {
                let i = self.rng.pick(&locals);
                self.op(format!("load {i}"))
            }
            2 => {
                let g = match ty {
                    Ty::Int => self.rng.pick(&self.env.int_globals),
                    Ty::Float => self.rng.pick(&self.env.float_globals),
                };
                self.op(format!("gload {g}"))
            }
            _ => match ty {
                Ty::Int => {
                    let c = int_literal(self.rng);
                    self.op(format!("push {c}"))
                }
                Ty::Float => {
                    let c = float_literal(self.rng);
                    self.op(format!("pushf {c}"))
                }
            },
        }
    }

    fn int_arith(&mut self, d: u32, b: u64) -> u64 {
        let c = self.expr(Ty::Int, d - 1, b / 2) + self.expr(Ty::Int, d - 1, b / 2);
        let o = self.rng.pick(&INT_ARITH);
        c + self.op(o)
    }

    fn int_expr(&mut self, d: u32, b: u64) -> u64 {
        let h = b / 2;
        let r = match self.rng.below(18) {
            0 | 1 => None,
            2 => {
                let c = self.expr(Ty::Int, d - 1, h) + self.expr(Ty::Int, d - 1, h);
                let o = self.rng.pick(&INT_CMP);
                Some(c + self.op(o))
            }
            3 => {
                self.feat.float_ops += 1;
                let c = self.expr(Ty::Float, d - 1, h) + self.expr(Ty::Float, d - 1, h);
                let o = self.rng.pick(&FLOAT_CMP);
                Some(c + self.op(o))
            }
            4 => {
                // Division by a non-zero constant or by `x | 1`.
                let mut c = self.expr(Ty::Int, d - 1, h);
                if self.rng.chance(50) {
                    c += self.expr(Ty::Int, d - 1, h.saturating_sub(2)) + self.ops(&["push 1", "ior"]);
                } else {
                    let k = self.rng.pick(&[1i64, 2, 3, -1, -2, 7, 10, -13, 1000, i64::MIN, i64::MAX]);
                    c += self.op(format!("push {k}"));
                }
                let o = self.rng.pick(&["idiv", "irem"]);
                Some(c + self.op(o))
            }
            5 => {
                let c = self.expr(Ty::Int, d - 1, b);
                let o = self.rng.pick(&["ineg", "not"]);
                Some(c + self.op(o))
            }
            6 => {
                // b a swap op = a op b for non-commutative ops.
                let c = self.expr(Ty::Int, d - 1, h) + self.expr(Ty::Int, d - 1, h);
                let o = self.rng.pick(&["isub", "ishl", "ishr", "ilt", "ige", "iand"]);
                Some(c + self.op("swap") + self.op(o))
            }
            7 => {
                let c = self.expr(Ty::Int, d - 1, b);
                let o = self.rng.pick(&["iadd", "imul", "ixor", "ieq", "isub", "ishl", "ior"]);
                Some(c + self.op("dup") + self.op(o))
            }
            8 => {
                // a b over op1 op2 = a op2 (b op1 a)
                let c = self.expr(Ty::Int, d - 1, h) + self.expr(Ty::Int, d - 1, h);
                let o1 = self.rng.pick(&INT_ARITH);
                let o2 = self.rng.pick(&INT_ARITH);
                Some(c + self.op("over") + self.op(o1) + self.op(o2))
            }
            9 => {
                // Evaluate a second value (for its effects) and drop it.
                let t = random_ty(self.rng, 30);
                let c = self.expr(Ty::Int, d - 1, h) + self.expr(t, d - 1, h);
                Some(c + self.op("pop"))
            }
            10 => self.tee(Ty::Int, d, b),
            11 => Some(self.f2i(d, b)),
            12 => self.aload(Ty::Int, d, b),
            13 => {
                let arrs = self.arrays(None);
                let a = self.rng.pick(&arrs);
                self.feat.array_ops += 1;
                Some(self.op(a.0) + self.op("alen"))
            }
            14 | 15 => self.call(Ty::Int, d, b),
            _ => Some(self.ternary(Ty::Int, d, b)),
        };
        match r {
            Some(c) => c,
            None => self.int_arith(d, b),
        }
    }

    fn float_arith(&mut self, d: u32, b: u64) -> u64 {
        let c = self.expr(Ty::Float, d - 1, b / 2) + self.expr(Ty::Float, d - 1, b / 2);
        let o = self.rng.pick(&FLOAT_ARITH);
        c + self.op(o)
    }

    fn float_expr(&mut self, d: u32, b: u64) -> u64 {
        self.feat.float_ops += 1;
        let h = b / 2;
        let r = match self.rng.below(16) {
            0..=2 => None,
            3 => Some(self.expr(Ty::Float, d - 1, b) + self.op("fneg")),
            4 => {
                let c = self.expr(Ty::Float, d - 1, b);
                if self.rng.chance(50) {
                    Some(c + self.op("fsqrt"))
                } else {
                    Some(c + self.ops(&["dup", "fmul", "fsqrt"]))
                }
            }
            5 | 6 => Some(self.expr(Ty::Int, d - 1, b) + self.op("i2f")),
            7 => {
                let c = self.expr(Ty::Float, d - 1, h) + self.expr(Ty::Float, d - 1, h);
                let o = self.rng.pick(&["fsub", "fdiv"]);
                Some(c + self.op("swap") + self.op(o))
            }
            8 => {
                let c = self.expr(Ty::Float, d - 1, b);
                let o = self.rng.pick(&["fadd", "fmul", "fsub"]);
                Some(c + self.op("dup") + self.op(o))
            }
            9 => {
                let c = self.expr(Ty::Float, d - 1, h) + self.expr(Ty::Float, d - 1, h);
                let o1 = self.rng.pick(&FLOAT_ARITH);
                let o2 = self.rng.pick(&FLOAT_ARITH);
                Some(c + self.op("over") + self.op(o1) + self.op(o2))
            }
            10 => {
                let t = random_ty(self.rng, 50);
                let c = self.expr(Ty::Float, d - 1, h) + self.expr(t, d - 1, h);
                Some(c + self.op("pop"))
            }
            11 => self.tee(Ty::Float, d, b),
            12 => self.aload(Ty::Float, d, b),
            13 | 14 => self.call(Ty::Float, d, b),
            _ => Some(self.ternary(Ty::Float, d, b)),
        };
        match r {
            Some(c) => c,
            None => self.float_arith(d, b),
        }
    }

    fn tee(&mut self, ty: Ty, d: u32, b: u64) -> Option<u64> {
        let ws = self.val_locals(ty, true);
        if ws.is_empty() {
            return None;
        }
        let k = self.rng.pick(&ws);
        Some(self.expr(ty, d - 1, b) + self.op(format!("tee {k}")))
    }

    /// `f2i` of a float, or a constant when it is out of range (or NaN).
    fn f2i(&mut self, d: u32, b: u64) -> u64 {
        self.feat.f2i += 1;
        self.feat.float_ops += 1;
        let mut c = self.expr(Ty::Float, d - 1, b.saturating_sub(14));
        let s = self.scratch;
        let lim = self.rng.pick(&["1e15", "9.2e18", "1000000.0", "3.5"]);
        let (otherwise, done) = (self.new_label(), self.new_label());
        let guard = [
            format!("store {s}"),
            format!("load {s}"),
            format!("pushf {lim}"),
            "flt".into(),
            format!("load {s}"),
            format!("pushf -{lim}"),
            "fgt".into(),
            "iand".into(),
            format!("jz {otherwise}"),
            format!("load {s}"),
            "f2i".into(),
            format!("jmp {done}"),
        ];
        for g in guard {
            c += self.op(g);
        }
        self.place(&otherwise);
        let k = int_literal(self.rng);
        c += self.op(format!("push {k}"));
        self.place(&done);
        c
    }

    /// With the array handle pushed, push an index in bounds.
    fn index(&mut self, handle: &str, len: u64, d: u32, b: u64) -> u64 {
        let d = d.saturating_sub(1);
        match self.rng.below(5) {
            0 => {
                let i = self.rng.below(len);
                self.op(format!("push {i}"))
            }
            1 => {
                let c = self.expr(Ty::Int, d, b);
                c + self.ops(&["push 0x7fffffff", "iand"]) + self.op(format!("push {len}")) + self.op("irem")
            }
            2 if !self.loops.is_empty() => {
                // Any counter is >= 0.
                let k = self.rng.pick(&self.counters);
                self.op(format!("load {k}")) + self.op(format!("push {len}")) + self.op("irem")
            }
            3 => {
                let c = self.expr(Ty::Int, d, b);
                c + self.ops(&["push 2147483647", "iand"]) + self.op(handle) + self.ops(&["alen", "irem"])
            }
            _ => {
                // arr x' over alen irem: the handle below serves twice.
                let c = self.expr(Ty::Int, d, b);
                c + self.ops(&["push 0x7fffffff", "iand", "over", "alen", "irem"])
            }
        }
    }

    fn aload(&mut self, ty: Ty, d: u32, b: u64) -> Option<u64> {
        let arrs = self.arrays(Some(ty));
        if arrs.is_empty() {
            return None;
        }
        let (handle, _, len) = self.rng.pick(&arrs);
        self.feat.array_ops += 1;
        let c = self.op(handle.clone()) + self.index(&handle, len, d, b);
        Some(c + self.op("aload"))
    }

    /// A call returning `ty` whose cost fits in `b`: another function, or
    /// itself (recursive, at most two sites, none in a loop).
    fn call(&mut self, ty: Ty, d: u32, b: u64) -> Option<u64> {
        let mut options: Vec<Option<usize>> = (0..self.callees.len())
            .filter(|&i| {
                let s = &self.callees[i];
                s.ret == ty && s.cost + 8 * s.params.len() as u64 + 4 <= b
            })
            .map(Some)
            .collect();
        let self_ok = self.allow_self
            && self.self_sites < 2
            && self.loops.is_empty()
            && self.me.as_ref().is_some_and(|m| m.ret == ty);
        if self_ok {
            options.push(None);
            options.push(None);
        }
        if options.is_empty() {
            return None;
        }
        Some(match self.rng.pick(&options) {
            Some(i) => {
                let sig = self.callees[i].clone();
                self.call_sig(&sig, d, b)
            }
            None => {
                let sig = self.me.clone().unwrap();
                self.self_sites += 1;
                self.feat.self_calls += 1;
                self.feat.calls += 1;
                let mut c = self.ops(&["load 0", "push 1", "isub"]);
                let ab = b / (sig.params.len() as u64 + 1);
                for &p in &sig.params[1..] {
                    c += self.expr(p, d - 1, ab);
                }
                // Its cost is in the caller's recursion multiplier.
                c + self.op(format!("call {}", sig.name))
            }
        })
    }

    fn call_sig(&mut self, sig: &Sig, d: u32, b: u64) -> u64 {
        self.feat.calls += 1;
        let ab = b.saturating_sub(sig.cost + 4) / (sig.params.len() as u64 + 1);
        let mut c = 0;
        for (i, &p) in sig.params.iter().enumerate() {
            match sig.depth {
                Some(depth) if i == 0 => {
                    let k = self.rng.range(0, depth);
                    c += self.op(format!("push {k}"));
                }
                _ => c += self.expr(p, d.saturating_sub(1), ab),
            }
        }
        c + self.op(format!("call {}", sig.name)) + sig.cost
    }

    fn ternary(&mut self, ty: Ty, d: u32, b: u64) -> u64 {
        self.feat.ternaries += 1;
        let t = b / 3;
        let mut c = self.cond(d - 1, t);
        let (otherwise, done) = (self.new_label(), self.new_label());
        let j = self.rng.pick(&["jz", "jnz"]);
        c += self.op(format!("{j} {otherwise}"));
        let a = self.expr(ty, d - 1, t);
        c += self.op(format!("jmp {done}"));
        self.place(&otherwise);
        let e = self.expr(ty, d - 1, t);
        self.place(&done);
        c + a + e
    }

    /// An int used as a condition.
    fn cond(&mut self, d: u32, b: u64) -> u64 {
        let h = b / 2;
        match self.rng.below(6) {
            0 | 1 => {
                let c = self.expr(Ty::Int, d, h) + self.expr(Ty::Int, d, h);
                let o = self.rng.pick(&INT_CMP);
                c + self.op(o)
            }
            2 => {
                self.feat.float_ops += 1;
                let c = self.expr(Ty::Float, d, h) + self.expr(Ty::Float, d, h);
                let o = self.rng.pick(&FLOAT_CMP);
                c + self.op(o)
            }
            3 if !self.loops.is_empty() => {
                let k = self.counters[self.rng.below(self.loops.len() as u64) as usize];
                let m = self.rng.pick(&[1, 2, 3]);
                self.op(format!("load {k}")) + self.op(format!("push {m}")) + self.op("iand")
            }
            4 => self.expr(Ty::Int, d, b) + self.op("not"),
            _ => self.expr(Ty::Int, d, b),
        }
    }

    /// An int condition that is rarely true: `(x & m) == k`, 0 < k <= m (so
    /// never for x = 0), so that early exits leave most code running.
    fn rare_cond(&mut self, d: u32, b: u64) -> u64 {
        let m = self.rng.pick(&[3, 7, 15]);
        let k = self.rng.range(1, m);
        self.expr(Ty::Int, d, b)
            + self.op(format!("push {m}"))
            + self.op("iand")
            + self.op(format!("push {k}"))
            + self.op("ieq")
    }

    /// Print a value of `ty` from the top of the stack.
    fn print_value(&mut self, ty: Ty) -> u64 {
        match ty {
            Ty::Int => self.op("printi"),
            Ty::Float if self.rng.chance(75) => {
                // Through the program's `tN_pf`, which does the same.
                let pf = format!("call {}_pf", self.env.label);
                self.op(pf) + self.op("pop") + PF_COST
            }
            Ty::Float => {
                let s = self.scratch;
                let (nan, done) = (self.new_label(), self.new_label());
                let mut c = 0;
                for t in [
                    format!("store {s}"),
                    format!("load {s}"),
                    format!("load {s}"),
                    "feq".into(),
                    format!("jz {nan}"),
                    format!("load {s}"),
                    "printf".into(),
                    format!("jmp {done}"),
                ] {
                    c += self.op(t);
                }
                self.place(&nan);
                c += self.op("prints \"nan\"");
                self.place(&done);
                c
            }
        }
    }

    /// Print the scalar locals (not the scratch or the counters) on one line.
    fn dump_locals(&mut self) -> u64 {
        self.feat.prints += 1;
        let tag = format!("{} {} locals", self.env.label, self.short);
        let mut c = PRINT_COST + self.op(format!("prints \"{tag}\""));
        for i in 0..self.scratch {
            if let Kind::Val(t) = self.locals[i].kind {
                c += self.op("prints \" \"") + self.op(format!("load {i}")) + self.print_value(t);
            }
        }
        c + self.op("printnl")
    }

    /// Print the program's globals and its global array (up to 4 elements)
    /// on one line.
    fn dump_globals(&mut self) -> u64 {
        self.feat.prints += 1;
        let tag = format!("{} globals", self.env.label);
        let mut c = PRINT_COST + self.op(format!("prints \"{tag}\""));
        let env = self.env;
        for (names, t) in [(&env.int_globals, Ty::Int), (&env.float_globals, Ty::Float)] {
            for g in names {
                c += self.op("prints \" \"") + self.op(format!("gload {g}")) + self.print_value(t);
            }
        }
        for i in 0..env.array_global_len.min(4) {
            c += self.op("prints \" \"") + self.op(format!("gload {}", env.array_global));
            c += self.op(format!("push {i}")) + self.op("aload") + self.op("printi");
        }
        c + self.op("printnl")
    }

    // ---- statements: each leaves the stack empty ----

    fn block(&mut self, n: u64, budget: u64) -> u64 {
        let mut used = 0;
        for i in 0..n {
            let left = budget.saturating_sub(used);
            let share = if i + 1 == n { left } else { (left * 2 / (n - i)).min(left) };
            used += self.stmt(share);
        }
        used
    }

    fn stmt(&mut self, b: u64) -> u64 {
        if b < 16 {
            return 0;
        }
        let eb = b - 4;
        let r = match self.rng.below(22) {
            0..=3 => None,
            4 => self.dup_store(eb),
            5 => self.swap_store(eb),
            6 => {
                let ty = random_ty(self.rng, 40);
                let g = match ty {
                    Ty::Int => self.rng.pick(&self.env.int_globals),
                    Ty::Float => self.rng.pick(&self.env.float_globals),
                };
                let d = self.depth;
                Some(self.expr(ty, d, eb) + self.op(format!("gstore {g}")))
            }
            7 => {
                let ws = self.val_locals(Ty::Int, true);
                let k = self.rng.pick(&ws);
                let v = if self.rng.chance(70) {
                    self.rng.range(-5, 5).to_string()
                } else {
                    int_literal(self.rng)
                };
                Some(self.op(format!("inc {k} {v}")))
            }
            8 | 9 => self.astore(eb),
            10 | 11 => self.print(b),
            12 | 13 => Some(self.if_stmt(b)),
            14..=16 => self.loop_stmt(b),
            17 => self.break_stmt(eb),
            18 => self.early_return(eb),
            19 | 20 => {
                let ty = random_ty(self.rng, 40);
                let d = self.depth;
                let c = match self.call(ty, d, eb) {
                    Some(c) => c,
                    None => self.expr(ty, d, eb),
                };
                Some(c + self.op("pop"))
            }
            21 => self.branchy_run(eb),
            _ => None,
        };
        match r {
            Some(c) => c,
            None => self.assign(eb),
        }
    }

    fn assign(&mut self, b: u64) -> u64 {
        let ty = random_ty(self.rng, 35);
        let mut ws = self.val_locals(ty, true);
        let ty = if ws.is_empty() {
            ws = self.val_locals(Ty::Int, true);
            Ty::Int
        } else {
            ty
        };
        let k = self.rng.pick(&ws);
        let d = self.depth;
        self.expr(ty, d, b) + self.op(format!("store {k}"))
    }

    fn dup_store(&mut self, b: u64) -> Option<u64> {
        let ty = random_ty(self.rng, 35);
        let ws = self.val_locals(ty, true);
        if ws.is_empty() {
            return None;
        }
        let (x, y) = (self.rng.pick(&ws), self.rng.pick(&ws));
        let d = self.depth;
        let c = self.expr(ty, d, b);
        Some(c + self.op("dup") + self.op(format!("store {x}")) + self.op(format!("store {y}")))
    }

    fn swap_store(&mut self, b: u64) -> Option<u64> {
        let (t1, t2) = (random_ty(self.rng, 35), random_ty(self.rng, 35));
        let (w1, w2) = (self.val_locals(t1, true), self.val_locals(t2, true));
        if w1.is_empty() || w2.is_empty() {
            return None;
        }
        let (x, y) = (self.rng.pick(&w1), self.rng.pick(&w2));
        let d = self.depth;
        // e1 e2 swap: e1 on top goes to x, then e2 to y.
        let c = self.expr(t1, d, b / 2) + self.expr(t2, d, b / 2);
        Some(c + self.op("swap") + self.op(format!("store {x}")) + self.op(format!("store {y}")))
    }

    fn astore(&mut self, b: u64) -> Option<u64> {
        let arrs = self.arrays(None);
        let (handle, ty, len) = self.rng.pick(&arrs);
        self.feat.array_ops += 1;
        let d = self.depth;
        let c = self.op(handle.clone()) + self.index(&handle, len, d, b / 2) + self.expr(ty, d, b / 2);
        Some(c + self.op("astore"))
    }

    fn print(&mut self, b: u64) -> Option<u64> {
        if b < PRINT_COST + 16 {
            return None;
        }
        self.feat.prints += 1;
        let tag = format!("{} {}", self.env.label, self.short);
        let mut c = PRINT_COST + self.op(format!("prints \"{tag} \""));
        let n = self.rng.range(1, 2);
        let eb = (b - PRINT_COST - 8) / n as u64;
        let d = self.depth;
        for i in 0..n {
            if i > 0 {
                let sep = self.rng.pick(&[" ", " | ", "\\t", " \\\"q\\\" \\\\ "]);
                c += self.op(format!("prints \"{sep}\""));
            }
            let ty = random_ty(self.rng, 40);
            c += self.expr(ty, d, eb) + self.print_value(ty);
        }
        Some(c + self.op("printnl"))
    }

    fn if_stmt(&mut self, b: u64) -> u64 {
        self.feat.ifs += 1;
        let d = self.depth;
        let mut c = self.cond(d, b / 4);
        let otherwise = self.new_label();
        if self.rng.chance(25) {
            c += self.op("not") + self.op(format!("jnz {otherwise}"));
        } else {
            c += self.op(format!("jz {otherwise}"));
        }
        let n = self.rng.range(1, 3) as u64;
        c += self.block(n, b * 3 / 8);
        if self.rng.chance(60) {
            let done = self.new_label();
            c += self.op(format!("jmp {done}"));
            self.place(&otherwise);
            let n = self.rng.range(1, 2) as u64;
            c += self.block(n, b * 3 / 8);
            self.place(&done);
        } else {
            self.place(&otherwise);
        }
        c
    }

    fn loop_stmt(&mut self, b: u64) -> Option<u64> {
        if self.loops.len() >= self.counters.len() {
            return None;
        }
        let mut t = self.rng.range(1, 12) as u64;
        while t > 1 && b / t < 60 {
            t /= 2;
        }
        if b / t < 40 {
            return None;
        }
        let body_budget = b / t - 12;
        let k = self.counters[self.loops.len()];
        let (top, exit) = (self.new_label(), self.new_label());
        self.feat.loops += 1;
        if !self.loops.is_empty() {
            self.feat.nested_loops += 1;
        }
        self.loops.push(exit.clone());
        let n = self.rng.range(1, 3) as u64;
        let cost = match self.rng.below(4) {
            0 => {
                // while (k != 0) { body; k -= 1 }, k = t..1
                let init = self.op(format!("push {t}")) + self.op(format!("store {k}"));
                self.place(&top);
                let head = self.op(format!("load {k}")) + self.op(format!("jz {exit}"));
                let body = self.block(n, body_budget);
                let tail = self.op(format!("inc {k} -1")) + self.op(format!("jmp {top}"));
                self.place(&exit);
                init + (t + 1) * head + t * (body + tail)
            }
            1 => {
                // do { body; k -= 1 } while (k != 0)
                let init = self.op(format!("push {t}")) + self.op(format!("store {k}"));
                self.place(&top);
                let body = self.block(n, body_budget);
                let tail = self.op(format!("inc {k} -1"))
                    + self.op(format!("load {k}"))
                    + self.op(format!("jnz {top}"));
                self.place(&exit);
                init + t * (body + tail)
            }
            2 => {
                // for (k = 0; k < t; k = k + 1)
                let init = self.op("push 0") + self.op(format!("store {k}"));
                self.place(&top);
                let head = self.op(format!("load {k}"))
                    + self.op(format!("push {t}"))
                    + self.op("ilt")
                    + self.op(format!("jz {exit}"));
                let body = self.block(n, body_budget);
                let tail = self.op(format!("load {k}"))
                    + self.ops(&["push 1", "iadd"])
                    + self.op(format!("store {k}"))
                    + self.op(format!("jmp {top}"));
                self.place(&exit);
                init + (t + 1) * head + t * (body + tail)
            }
            _ => {
                // for (k = 0; !(k >= t); k += 1)
                let init = self.op("push 0") + self.op(format!("store {k}"));
                self.place(&top);
                let head = self.op(format!("load {k}"))
                    + self.op(format!("push {t}"))
                    + self.op("ige")
                    + self.op(format!("jnz {exit}"));
                let body = self.block(n, body_budget);
                let tail = self.op(format!("inc {k} 1")) + self.op(format!("jmp {top}"));
                self.place(&exit);
                init + (t + 1) * head + t * (body + tail)
            }
        };
        self.loops.pop();
        Some(cost)
    }

    fn break_stmt(&mut self, b: u64) -> Option<u64> {
        if self.loops.is_empty() {
            return None;
        }
        self.feat.breaks += 1;
        let level = self.rng.below(self.loops.len() as u64) as usize;
        let exit = self.loops[level].clone();
        let c = if self.rng.chance(50) {
            // Leave when the loop's own counter reaches some value.
            let k = self.counters[self.loops.len() - 1];
            let v = self.rng.range(0, 6);
            self.op(format!("load {k}")) + self.op(format!("push {v}")) + self.op("ieq")
        } else {
            let d = self.depth;
            self.rare_cond(d, b)
        };
        Some(c + self.op(format!("jnz {exit}")))
    }

    fn early_return(&mut self, b: u64) -> Option<u64> {
        self.feat.early_returns += 1;
        let d = self.depth;
        let mut c = if self.rng.chance(70) { self.rare_cond(d, b / 2) } else { self.cond(d, b / 2) };
        let skip = self.new_label();
        c += self.op(format!("jz {skip}"));
        let ret = self.ret;
        c += self.expr(ret, d, b / 2) + self.op("ret");
        self.place(&skip);
        Some(c)
    }
}

/// Generate one function: its text and the cost of one call.
#[allow(clippy::too_many_arguments)]
fn function(
    rng: &mut Rng,
    feat: &mut Features,
    env: &Env,
    callees: &[Sig],
    sig: &Sig,
    is_main: bool,
    budget: u64,
) -> (String, u64) {
    let mut locals: Vec<Local> =
        sig.params.iter().map(|&t| Local { kind: Kind::Val(t), writable: true }).collect();
    if sig.depth.is_some() {
        locals[0].writable = false;
    }
    let mut extra: Vec<Ty> = Vec::new();
    for _ in 0..rng.range(1, 3) {
        extra.push(Ty::Int);
    }
    for _ in 0..rng.range(0, 2) {
        extra.push(Ty::Float);
    }
    while !extra.is_empty() {
        let t = extra.swap_remove(rng.below(extra.len() as u64) as usize);
        locals.push(Local { kind: Kind::Val(t), writable: true });
    }
    let scratch = locals.len();
    locals.push(Local { kind: Kind::Val(Ty::Float), writable: false });
    let counters: Vec<usize> = (0..MAX_LOOP_NEST).map(|i| locals.len() + i).collect();
    for _ in 0..MAX_LOOP_NEST {
        locals.push(Local { kind: Kind::Val(Ty::Int), writable: false });
    }
    for _ in 0..rng.range(0, 2) {
        let t = random_ty(rng, 30);
        let n = rng.range(1, 16) as u64;
        locals.push(Local { kind: Kind::Arr(t, n), writable: false });
    }
    let branchy = branchy::pool(rng, &mut locals);
    let short = sig.name.split_once('_').map_or(sig.name.clone(), |(_, s)| s.to_string());
    let mut g = FnGen {
        rng,
        feat,
        env,
        callees,
        me: sig.depth.map(|_| sig.clone()),
        allow_self: sig.depth.is_some(),
        self_sites: 0,
        short,
        ret: sig.ret,
        locals,
        scratch,
        counters,
        loops: Vec::new(),
        lines: Vec::new(),
        nlabels: 0,
        depth: 3,
        branchy,
    };
    let mut cost = 0;
    // Arrays first: nothing may index one before it exists. An allocation
    // costs its length (it is zeroed).
    for i in 0..g.locals.len() {
        if let Kind::Arr(_, n) = g.locals[i].kind {
            cost += g.op(format!("push {n}")) + g.op("newarr") + g.op(format!("store {i}")) + n;
        }
    }
    if is_main {
        let n = g.env.array_global_len;
        let a = g.env.array_global.clone();
        cost += g.op(format!("push {n}")) + g.op("newarr") + g.op(format!("gstore {a}")) + n;
        // Call every helper once, printing the result.
        let all: Vec<Sig> = callees.to_vec();
        for s in &all {
            g.feat.prints += 1;
            let tag = format!("{} main call {}", g.env.label, s.name);
            cost += PRINT_COST + g.op(format!("prints \"{tag} \""));
            cost += g.call_sig(s, 2, s.cost + 60) + g.print_value(s.ret) + g.op("printnl");
        }
    }
    let base = g.new_label();
    let invocations = match sig.depth {
        Some(d) => {
            g.feat.recursive_functions += 1;
            match g.rng.below(3) {
                0 => cost += g.op("load 0") + g.op(format!("jz {base}")),
                1 => cost += g.ops(&["load 0", "push 0", "igt"]) + g.op(format!("jz {base}")),
                _ => cost += g.ops(&["load 0", "not"]) + g.op(format!("jnz {base}")),
            }
            // At most two self-calls per invocation, depth d..0.
            (1u64 << (d + 1)) - 1
        }
        None => 1,
    };
    let body_budget = (budget / invocations).saturating_sub(cost + 30);
    let n = g.rng.range(2, 6) as u64;
    cost += g.block(n, body_budget);
    if is_main {
        cost += g.dump_globals();
    }
    if is_main || g.rng.chance(50) {
        cost += g.dump_locals();
    }
    let ret = g.ret;
    cost += g.expr(ret, 3, 24) + g.op("ret");
    if sig.depth.is_some() {
        g.place(&base);
        g.allow_self = false;
        cost += g.expr(ret, 2, 16) + g.op("ret");
    }
    let mut text = String::new();
    let params: Vec<&str> = sig.params.iter().map(|t| if *t == Ty::Int { "int" } else { "float" }).collect();
    write!(
        text,
        "\n; {}({}) -> {}{}\nfunc {} {} {}\n",
        sig.name,
        params.join(", "),
        if sig.ret == Ty::Int { "int" } else { "float" },
        sig.depth.map_or(String::new(), |d| format!(", recursive, depth <= {d}")),
        sig.name,
        sig.params.len(),
        g.locals.len()
    )
    .unwrap();
    for l in &g.lines {
        text.push_str(l);
        text.push('\n');
    }
    text.push_str("end\n");
    (text, cost * invocations)
}

/// The program `t{index}` of `seed`.
pub fn program(seed: u64, index: usize) -> Program {
    let mut rng = Rng::new(seed);
    let label = format!("t{index}");
    let mut globals = Vec::new();
    let int_globals: Vec<String> = (0..rng.range(1, 3)).map(|i| format!("{label}_g{i}")).collect();
    let float_globals: Vec<String> = (0..rng.range(1, 2)).map(|i| format!("{label}_h{i}")).collect();
    for g in &int_globals {
        if rng.chance(25) {
            globals.push(format!("global {g}"));
        } else {
            globals.push(format!("global {g} {}", int_literal(&mut rng)));
        }
    }
    for g in &float_globals {
        globals.push(format!("global {g} {}", float_literal(&mut rng)));
    }
    let env = Env {
        label: label.clone(),
        int_globals,
        float_globals,
        array_global: format!("{label}_a"),
        array_global_len: rng.range(1, 16) as u64,
    };
    globals.push(format!("global {}", env.array_global));

    let nhelpers = rng.range(1, 4) as usize;
    let mut sigs: Vec<Sig> = (0..nhelpers)
        .map(|i| {
            let recursive = rng.chance(45);
            let mut params = Vec::new();
            if recursive {
                params.push(Ty::Int);
            }
            for _ in 0..rng.range(0, 3) {
                params.push(random_ty(&mut rng, 35));
            }
            Sig {
                name: format!("{label}_f{i}"),
                params,
                ret: random_ty(&mut rng, 35),
                depth: recursive.then(|| rng.range(1, 4)),
                cost: 0,
            }
        })
        .collect();
    let mut features = Features::default();
    let mut helpers = vec![String::new(); nhelpers];
    // Callees first: fK may call fJ for J > K, whose cost is then known.
    for i in (0..nhelpers).rev() {
        let (done, rest) = sigs.split_at_mut(i + 1);
        let (text, cost) = function(&mut rng, &mut features, &env, rest, &done[i], false, HELPER_BUDGET);
        done[i].cost = cost;
        helpers[i] = text;
    }
    let main_sig = Sig {
        name: format!("{label}_main"),
        params: Vec::new(),
        ret: random_ty(&mut rng, 35),
        depth: None,
        cost: 0,
    };
    let (main_text, cost) = function(&mut rng, &mut features, &env, &sigs, &main_sig, true, MAIN_BUDGET);
    // tN_pf(x): print a float, `nan` for any NaN; returns 0.
    helpers.push(format!(
        "\n; {label}_pf(float) -> int: print a float\nfunc {label}_pf 1 1\n        load 0\n        dup\n        \
         feq\n        jz nan\n        load 0\n        printf\n        push 0\n        ret\nnan:\n        \
         prints \"nan\"\n        push 0\n        ret\nend\n"
    ));
    // tN_main first (a call before the callee's definition), the others in
    // a random order.
    let mut functions = vec![main_text];
    while !helpers.is_empty() {
        functions.push(helpers.swap_remove(rng.below(helpers.len() as u64) as usize));
    }
    Program { index, label, seed, ret: main_sig.ret, globals, functions, cost, features }
}
