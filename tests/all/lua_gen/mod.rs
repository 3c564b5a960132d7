//! Random Lua 5.4 programs for the differential test that runs each one with
//! native `lua5.4` (Debian, 5.4.4) and with PUC-Rio Lua 5.4.9 compiled to
//! WebAssembly (generic and specialized): stdout must be byte-identical.
//! [`program`]`(seed)` is deterministic (a splitmix64 [`Rng`], std only).
//!
//! A program: a prelude (`checksum`, `mix`, `fmt`, `strip`); helper functions
//! (plain, linearly and tree recursive); often a class library (metatables,
//! inheritance); a main body of random statements over typed locals (int,
//! float, string, int array) with nested blocks (if/elseif/else, int and float
//! `for`, counted `while`/`repeat`, `do`, local closures, multiple assignment,
//! `break`, `goto` to a label ending a loop body), interleaved with snippets:
//! templates with random parameters per feature area (integer edge cases,
//! floats, strings, arrays and sort, records, closures, varargs, metatables,
//! coroutines, pcall/error, recursion, `<close>`/`<const>`, pcall around a
//! generated body); finally `print("done", checksum)`.
//!
//! Invariants, by construction (checked for seeds 0..3000 against lua5.4 and
//! against 5.4.9 built natively with glibc and with musl):
//! * Valid: binary expressions and negative literals are parenthesized (no
//!   accidental `--`); no statement starts with `(`; a `goto` label is the last
//!   statement of a `for`/`while` body, so the jump may skip locals.
//! * Terminating: `for` bounds are constants (or `1, e % t + 1`); `while` and
//!   `repeat` counters are incremented first and written nowhere else;
//!   recursion only on a depth argument (`% d` at the call) that decreases to
//!   a base case.
//! * No uncaught error: expressions are typed; divisors are `(e | 1)` or
//!   nonzero constants; arrays hold integers only (`t[k] or 0`, guarded
//!   remove); float variables stay in [-1000, 1000], integers enter floats
//!   through `% 1000`, float expressions are at most 2 deep, so no inf/nan
//!   arises (except fixed `fmt(1/0)` items) and `math.floor` of one fits an
//!   integer. Errors are raised only under pcall/xpcall/coroutine.resume.
//! * Same output everywhere: only integers, strings, booleans and nil are
//!   printed or concatenated raw; floats only via `%.6g`/`%.3f`/`%5.2f` (glibc
//!   and musl both round exactly); no transcendental math (libm ulps differ);
//!   no addresses; `pairs` only collects keys that are then sorted; sort
//!   comparators are strict total orders; no `math.random`/`os`/`io`. Error
//!   messages lose their `chunk:line: ` prefix (chunk names differ) and
//!   variable descriptions like ` (upvalue 'h')` (wording changed within
//!   5.4); call/index errors on nil print only `err`. The texts left ("attempt
//!   to divide by zero", "attempt to perform 'n%0'", "attempt to compare ...",
//!   "number has no integer representation", ...) match in 5.4.4 and 5.4.9.
//! * Bounded: a cost model (statement executions weighted by enclosing loop
//!   trip counts, call costs) caps the work and a print budget the output: a
//!   few ms natively, a few hundred bytes to ~6 KB of output.
//!
//! The Lua source it splices together (prelude, class library, snippet
//! templates) lives in [`templates`].

#![allow(dead_code)]

mod templates;

use templates::*;

/// Splitmix64: tiny, deterministic, statistically fine for test generation.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng { Rng(seed) }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (self.0 ^ (self.0 >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 { if n == 0 { 0 } else { self.next() % n } }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 { lo + self.below((hi - lo + 1) as u64) as i64 }
    pub fn chance(&mut self, num: u64, den: u64) -> bool { self.below(den) < num }
    /// An element of a non-empty constant slice.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T { xs[self.below(xs.len() as u64) as usize] }
}

const MAIN_BUDGET: u64 = 15_000; // cost units (~ statement executions) per program
const FN_BUDGET: u64 = 120; // per function body
const MAX_MULT: u64 = 120; // largest product of enclosing loop trip counts
const PRINT_CAP: u64 = 150; // executed prints (bounds the output)
const SNIP_COST: u64 = 80; // charged per snippet execution...
const SNIP_PRINTS: u64 = 6; // ...and for its prints
const NSNIP: u64 = 13;

/// ASCII, no quotes or backslashes (safe in literals and for `%q`).
const WORDS: &[&str] =
    &["alpha", "beta", "Lua", "x", "", "hello world", "a,b,c", "42", "MiXeD", "zeta", "to be", "abcabc", "lo lo"];
/// gsub pattern/replacement pairs valid together.
const GSUBS: &[(&str, &str)] = &[
    ("a", "A"), ("%a+", "<%0>"), ("%d", "#"), ("l+", "L"), ("(%a)(%a)", "%2%1"), ("%s", "_"), ("^%a", "X"),
    ("[aeiou]", ""), ("o", "0"),
];
const BIG: &[&str] = &["math.maxinteger", "math.mininteger", "0x7fffffff", "255", "65536", "1000000007", "0xff"];

#[derive(Clone, Copy, PartialEq)]
enum Ty { Int, Float, Str, Arr, Func }

/// A local in scope. `Arr`: a sequence of integers (no holes). `Func`:
/// integers to an integer, `cost` per call; if `depth_mod` > 0 the first
/// argument is a recursion depth, passed as `e % depth_mod`. Loop counters,
/// `<const>`s and arrays are not `mutable` (never assigned).
struct Var { name: String, ty: Ty, mutable: bool, arity: usize, depth_mod: i64, cost: u64 }

/// Generation context of the current function body: `mult` is the product of
/// the trip counts of the enclosing loops, `cost`/`budget` the estimated
/// statement executions so far and their limit, `in_loop` allows `break`,
/// `cont` is the label ending the innermost labelled loop body, `in_func`
/// forbids prints and snippets, `depth` is the block nesting.
struct Ctx { mult: u64, cost: u64, budget: u64, in_loop: bool, cont: Option<String>, in_func: bool, depth: u32 }

impl Ctx {
    fn new(budget: u64, in_func: bool) -> Ctx {
        Ctx { mult: 1, cost: 0, budget, in_loop: false, cont: None, in_func, depth: 0 }
    }
}

struct Gen { rng: Rng, out: String, ind: usize, vars: Vec<Var>, ids: u32, c: Ctx, printed: u64, fn_depth: u32, classes: bool }

/// Integer literal, parenthesized when negative (`x - -1` would be a comment).
fn lit(v: i64) -> String { if v < 0 { format!("({v})") } else { v.to_string() } }

/// Float literal (`{:?}` always has a `.` or an exponent, as Lua needs).
fn flit(v: f64) -> String { if v < 0.0 { format!("({v:?})") } else { format!("{v:?}") } }

/// A complete Lua 5.4 program for `seed`.
pub fn program(seed: u64) -> String {
    let (rng, c) = (Rng::new(seed), Ctx::new(MAIN_BUDGET, false));
    let mut g = Gen { rng, out: String::new(), ind: 0, vars: Vec::new(), ids: 0, c, printed: 0, fn_depth: 0, classes: false };
    // No ':' on the first line: strip's "^.-:%d+: " also handles `[string "..."]:N: `.
    g.line(&format!("-- random lua program seed {seed}"));
    g.emit(PRELUDE, &[]);
    g.helpers();
    g.main_body();
    g.line("print(\"done\", checksum)");
    g.out
}

impl Gen {
    // ---- output and bookkeeping ----

    fn line(&mut self, s: &str) {
        self.out.push_str(&"  ".repeat(self.ind));
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// Emits a template: `$X` placeholders substituted, the source margin
    /// (smallest nonzero indentation: the first line may follow the quote)
    /// removed, re-indented at the current level.
    fn emit(&mut self, tpl: &str, subs: &[(&str, String)]) {
        let mut s = tpl.to_string();
        for (k, v) in subs { s = s.replace(k, v); }
        let indent = |l: &str| l.len() - l.trim_start().len();
        let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
        let margin = lines.iter().map(|l| indent(l)).filter(|&n| n > 0).min().unwrap_or(0);
        for l in lines { self.line(&l[indent(l).min(margin)..]); }
    }

    fn id(&mut self, prefix: &str) -> String {
        self.ids += 1;
        format!("{prefix}{}", self.ids)
    }

    /// A print tag, so that a diff points at its statement.
    fn tag(&mut self) -> String { format!("\"{}\"", self.id("L")) }

    fn nonzero(&mut self, m: i64) -> i64 {
        let v = self.rng.range(1, m);
        if self.rng.chance(1, 2) { -v } else { v }
    }

    /// `k` distinct indices below `n`, in random order.
    fn choose(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) { idx.swap(i, i + self.rng.below((n - i) as u64) as usize); }
        idx.truncate(k.min(n));
        idx
    }

    fn push(&mut self, name: &str, ty: Ty, mutable: bool) {
        self.vars.push(Var { name: name.to_string(), ty, mutable, arity: 0, depth_mod: 0, cost: 0 });
    }

    fn push_fn(&mut self, name: &str, arity: usize, depth_mod: i64, cost: u64) {
        self.vars.push(Var { name: name.to_string(), ty: Ty::Func, mutable: false, arity, depth_mod, cost });
    }

    fn pick_where(&mut self, f: impl Fn(&Var) -> bool) -> Option<usize> {
        let c: Vec<usize> = (0..self.vars.len()).filter(|&i| f(&self.vars[i])).collect();
        if c.is_empty() { None } else { Some(c[self.rng.below(c.len() as u64) as usize]) }
    }

    fn pick_var(&mut self, ty: Ty, mutable: bool) -> Option<String> {
        let i = self.pick_where(|v| v.ty == ty && (v.mutable || !mutable))?;
        Some(self.vars[i].name.clone())
    }

    // ---- typed expressions: each yields its type and never raises ----

    fn int_leaf(&mut self) -> String {
        for _ in 0..3 {
            let v = match self.rng.below(12) {
                0..=4 => self.pick_var(Ty::Int, false),
                5 => self.pick_var(Ty::Str, false).map(|s| format!("#{s}")),
                6 => self.pick_var(Ty::Arr, false).map(|t| match self.rng.range(1, 4) {
                    4 => format!("#{t}"),
                    k => format!("({t}[{k}] or 0)"),
                }),
                // Float variables stay within +-1000: the floor is an integer.
                7 => self.pick_var(Ty::Float, false).map(|f| format!("math.floor({f})")),
                8 => Some(self.rng.pick(BIG).to_string()),
                _ => Some(lit(self.rng.range(-20, 100))),
            };
            if let Some(v) = v { return v; }
        }
        lit(self.rng.range(0, 9))
    }

    fn int_expr(&mut self, d: u32) -> String {
        if d == 0 || self.rng.chance(1, 3) { return self.int_leaf(); }
        let a = self.int_expr(d - 1);
        match self.rng.below(16) {
            0..=2 => format!("({a} {} {})", self.rng.pick(&["+", "-", "*"]), self.int_expr(d - 1)),
            // `b | 1` is odd, so nonzero; mininteger // -1 wraps in Lua (no trap).
            3 => format!("({a} {} ({} | 1))", self.rng.pick(&["//", "%"]), self.int_expr(d - 1)),
            4 => format!("({a} {} {})", self.rng.pick(&["//", "%"]), lit(self.nonzero(9))),
            5 | 6 => format!("({a} {} {})", self.rng.pick(&["&", "|", "~"]), self.int_expr(d - 1)),
            // Shifts by >= 64 give 0 in Lua: well defined.
            7 => format!("({a} {} {})", self.rng.pick(&["<<", ">>"]), self.rng.range(0, 65)),
            8 => format!("({}{a})", self.rng.pick(&["-", "~"])),
            9 if self.rng.chance(1, 3) => format!("math.abs({a})"),
            9 => format!("math.{}({a}, {})", self.rng.pick(&["max", "min"]), self.int_expr(d - 1)),
            10 | 11 => self.call(d).unwrap_or(a),
            12 => format!("({} and {a} or {})", self.bool_expr(d - 1), self.int_expr(d - 1)),
            13 if self.rng.chance(1, 2) => format!("(({}):byte({}) or 0)", self.str_expr(d - 1), self.rng.range(1, 3)),
            13 => {
                let ch = self.rng.pick(&["a", "l", "o", " ", "1"]);
                format!("(({}):find(\"{ch}\", 1, true) or 0)", self.str_expr(d - 1))
            }
            14 => format!("#{}", self.str_expr(d - 1)),
            _ => format!("math.floor({})", self.float_expr(1)),
        }
    }

    /// A call to a function variable whose cost still fits the budget.
    fn call(&mut self, d: u32) -> Option<String> {
        let (room, mult) = (self.c.budget.saturating_sub(self.c.cost), self.c.mult);
        let i = self.pick_where(|v| v.ty == Ty::Func && mult * v.cost <= room)?;
        let (name, arity, dm) = (self.vars[i].name.clone(), self.vars[i].arity, self.vars[i].depth_mod);
        self.c.cost += mult * self.vars[i].cost;
        let mut args = Vec::new();
        for k in 0..arity {
            let e = self.int_expr(d.saturating_sub(1));
            // % by a positive constant is in 0..dm in Lua: a bounded depth.
            args.push(if k == 0 && dm > 0 { format!("{e} % {dm}") } else { e });
        }
        Some(format!("{name}({})", args.join(", ")))
    }

    fn float_leaf(&mut self) -> String {
        let v = match self.rng.below(6) {
            0..=2 => self.pick_var(Ty::Float, false),
            // Through % 1000, so that no huge integer becomes a huge float.
            3 => Some(format!("(({}) % 1000 / {})", self.int_expr(1), self.rng.pick(&["8", "3", "7.5", "-4"]))),
            4 => Some("math.pi".to_string()),
            _ => None,
        };
        v.unwrap_or_else(|| flit(self.rng.pick(&[0.5, 1.25, 2.0, 3.75, 0.1, 10.5, 100.0, -2.5, -0.125, 1e3, 7.0])))
    }

    /// Float expression; `d` <= 2 keeps |value| below ~1e12 (leaves <= 1000).
    fn float_expr(&mut self, d: u32) -> String {
        if d == 0 || self.rng.chance(1, 3) { return self.float_leaf(); }
        let a = self.float_expr(d - 1);
        match self.rng.below(8) {
            0..=2 => format!("({a} {} {})", self.rng.pick(&["+", "-", "*"]), self.float_expr(d - 1)),
            3 => format!("({a} / (math.abs({}) + 1))", self.float_expr(d - 1)),
            4 => format!("math.sqrt(math.abs({a}))"),
            5 => format!("({a} {} {})", self.rng.pick(&["//", "%"]), self.rng.pick(&["1.5", "2", "0.25", "3.0"])),
            6 => format!("math.{}({a}, {})", self.rng.pick(&["max", "min"]), self.float_expr(d - 1)),
            _ => format!("({a} ^ 2)"),
        }
    }

    fn str_leaf(&mut self) -> String {
        let v = if self.rng.chance(1, 2) { self.pick_var(Ty::Str, false) } else { None };
        v.unwrap_or_else(|| format!("\"{}\"", self.rng.pick(WORDS)))
    }

    fn str_expr(&mut self, d: u32) -> String {
        if d == 0 || self.rng.chance(1, 3) { return self.str_leaf(); }
        let a = self.str_expr(d - 1);
        match self.rng.below(11) {
            0 | 1 => format!("({a} .. {})", self.str_expr(d - 1)),
            // Integers concatenate as "%d"; floats never do (%.14g).
            2 => format!("({a} .. {})", self.int_expr(d - 1)),
            3 => format!("({a}):{}()", self.rng.pick(&["upper", "lower", "reverse"])),
            4 => format!("({a}):sub({}, {})", lit(self.rng.range(-4, 4)), lit(self.rng.range(-3, 8))),
            5 if self.rng.chance(1, 2) => format!("({a}):rep({})", self.rng.range(0, 3)),
            5 => format!("({a}):rep(2, \"-\")"),
            6 => format!("tostring({})", self.int_expr(d - 1)),
            7 => {
                let (p, r) = self.rng.pick(GSUBS);
                format!("(({a}):gsub(\"{p}\", \"{r}\"))")
            }
            8 => format!("({} and {a} or {})", self.bool_expr(d - 1), self.str_expr(d - 1)),
            9 => format!("string.char(65 + ({}) % 26)", self.int_expr(d - 1)),
            _ => {
                let (i, f) = (self.int_expr(d - 1), self.float_expr(1));
                match self.rng.below(4) {
                    0 => format!("string.format(\"%d/%5.2f\", {i}, {f})"),
                    1 => format!("string.format(\"%x\", ({i}) & 0xffff)"),
                    2 => format!("string.format(\"%.3f\", {f})"),
                    _ => format!("string.format(\"[%4d|%-3s]\", {i}, {a})"),
                }
            }
        }
    }

    fn bool_expr(&mut self, d: u32) -> String {
        if d == 0 || self.rng.chance(2, 3) {
            let cmp = self.rng.pick(&["<", "<=", ">", ">=", "==", "~="]);
            return match self.rng.below(8) {
                0..=3 => format!("({} {cmp} {})", self.int_expr(d.min(1)), self.int_expr(d.min(1))),
                // Mixed int/float comparisons are exact in 5.4.
                4 => format!("({} {cmp} {})", self.float_expr(1), self.int_expr(0)),
                5 => {
                    let (a, b) = (self.str_expr(0), self.str_expr(1));
                    format!("({a} {} {b})", self.rng.pick(&["==", "~=", "<", "<="]))
                }
                6 => format!("({} % 2 == 0)", self.int_expr(1)),
                _ => self.rng.pick(&["true", "false"]).to_string(),
            };
        }
        let a = self.bool_expr(d - 1);
        match self.rng.below(3) {
            0 => format!("(not {a})"),
            1 => format!("({a} and {})", self.bool_expr(d - 1)),
            _ => format!("({a} or {})", self.bool_expr(d - 1)),
        }
    }

    // ---- functions ----

    fn helpers(&mut self) {
        for _ in 0..self.rng.range(1, 3) { self.helper_fn(); }
        if self.rng.chance(2, 3) { self.rec_fn(); }
        if self.rng.chance(1, 2) { self.tree_fn(); }
        if self.rng.chance(1, 2) { self.helper_fn(); } // may call the recursive ones
        if self.rng.chance(2, 3) {
            self.classes = true;
            let subs = [("$K", self.rng.range(2, 9).to_string()), ("$M", self.rng.range(2, 5).to_string())];
            self.emit(CLASSES, &subs);
        }
    }

    /// Body of a function of integer parameters, in a fresh context (no
    /// loop, no prints): statements, an optional guard `if b then <guard>
    /// end` (`$E`: an integer), `return <int>`. Returns its cost per call.
    fn fn_body(&mut self, params: &[String], max_stmts: i64, guard: Option<&str>) -> u64 {
        let mark = self.vars.len();
        for p in params { self.push(p, Ty::Int, true); }
        self.ind += 1;
        self.fn_depth += 1;
        let saved = std::mem::replace(&mut self.c, Ctx::new(FN_BUDGET, true));
        for _ in 0..self.rng.range(0, max_stmts) {
            if self.c.cost < self.c.budget { self.stmt(); }
        }
        if let Some(g) = guard {
            let (b, e) = (self.bool_expr(1), self.int_expr(1));
            self.line(&format!("if {b} then {} end", g.replace("$E", &e)));
        }
        let r = self.int_expr(2);
        self.line(&format!("return {r}"));
        let cost = std::mem::replace(&mut self.c, saved).cost + 1;
        self.fn_depth -= 1;
        self.ind -= 1;
        self.vars.truncate(mark);
        cost
    }

    fn helper_fn(&mut self) {
        let name = self.id("h");
        let params: Vec<String> = (0..self.rng.range(1, 3)).map(|_| self.id("a")).collect();
        self.line(&format!("local function {name}({})", params.join(", ")));
        let guard = self.rng.chance(1, 3).then_some("return $E");
        let cost = self.fn_body(&params, 4, guard);
        self.line("end");
        self.push_fn(&name, params.len(), 0, cost);
    }

    /// A local closure over the variables in scope (shared upvalues).
    fn local_fn(&mut self) {
        let (name, p) = (self.id("g"), self.id("p"));
        self.line(&format!("local function {name}({p})"));
        let cost = self.fn_body(&[p], 2, None);
        self.line("end");
        self.push_fn(&name, 1, 0, cost);
    }

    /// Linear recursion on a depth argument, base case `d <= 0`; half of
    /// them tail calls.
    fn rec_fn(&mut self) {
        let (name, d, x) = (self.id("rec"), self.id("d"), self.id("x"));
        let (dm, base) = (self.rng.range(4, 12), self.rng.range(50, 1000));
        self.line(&format!("local function {name}({d}, {x})"));
        self.ind += 1;
        self.line(&format!("if {d} <= 0 then return {x} % {base} end"));
        let saved = std::mem::replace(&mut self.c, Ctx::new(40, true));
        let mark = self.vars.len();
        self.push(&d, Ty::Int, false);
        self.push(&x, Ty::Int, true);
        self.fn_depth += 1;
        if self.rng.chance(1, 2) { self.stmt(); }
        let (e, k, op) = (self.int_expr(2), self.int_expr(1), self.rng.pick(&["+", "-", "~", "*"]));
        if self.rng.chance(1, 2) {
            // A tail call, the accumulator passed down: OP_TAILCALL.
            self.line(&format!("return {name}({d} - 1, ({e}) {op} {k})"));
        } else {
            self.line(&format!("return {name}({d} - 1, {e}) {op} {k}"));
        }
        self.fn_depth -= 1;
        self.vars.truncate(mark);
        let cost = std::mem::replace(&mut self.c, saved).cost + 1;
        self.ind -= 1;
        self.line("end");
        self.push_fn(&name, 2, dm, cost * dm as u64 + 1);
    }

    /// Tree (fibonacci-like) recursion on a depth argument.
    fn tree_fn(&mut self) {
        let (name, dm) = (self.id("tree"), self.rng.range(6, 11));
        let (k, c, m) = (self.rng.range(0, 9), self.rng.range(2, 9), self.rng.range(1000, 100_000));
        self.line(&format!("local function {name}(d)"));
        self.line(&format!("  if d < 2 then return d + {k} end"));
        self.line(&format!("  return ({name}(d - 1) * {c} + {name}(d - 2)) % {m}"));
        self.line("end");
        let mut calls = [1u64; 12]; // calls made by tree(i)
        for i in 2..12 { calls[i] = calls[i - 1] + calls[i - 2] + 1; }
        self.push_fn(&name, 1, dm, calls[(dm - 1) as usize] * 2);
    }

    // ---- statements ----

    fn main_body(&mut self) {
        self.line("-- main");
        for _ in 0..self.rng.range(2, 4) { self.decl(); }
        // Several distinct snippets spread over the top level, plus random ones.
        let want = self.rng.range(3, 6) as usize;
        let mut snips = self.choose(NSNIP as usize, want);
        let n = self.rng.range(12, 22) as usize;
        for i in 0..n {
            if !snips.is_empty() && self.rng.below((n - i) as u64) < snips.len() as u64 {
                let k = snips.pop().unwrap_or(0) as u64;
                self.snippet(Some(k));
            } else if self.c.cost < self.c.budget {
                self.stmt();
            }
        }
    }

    fn block(&mut self, max: i64) {
        let mark = self.vars.len();
        for _ in 0..self.rng.range(1, max) {
            if self.c.cost >= self.c.budget { break; }
            self.stmt();
        }
        self.vars.truncate(mark);
    }

    fn nested(&mut self, max: i64) {
        (self.ind, self.c.depth) = (self.ind + 1, self.c.depth + 1);
        self.block(max);
        (self.ind, self.c.depth) = (self.ind - 1, self.c.depth - 1);
    }

    fn stmt(&mut self) {
        self.c.cost += self.c.mult;
        let m = self.c.mult;
        let nest = self.c.depth < if self.c.in_func { 2 } else { 4 };
        let can_print = !self.c.in_func && self.printed + m <= PRINT_CAP;
        let can_snip = !self.c.in_func && m <= 2 && self.printed + SNIP_PRINTS * m <= PRINT_CAP
            && self.c.cost + m * SNIP_COST <= self.c.budget;
        for _ in 0..6 {
            let done = match self.rng.below(44) {
                0..=4 => { self.decl(); true }
                5..=11 => self.assign(),
                12 => self.multi_assign(),
                13..=15 => { let e = self.int_expr(2); self.line(&format!("mix({e})")); true }
                16..=18 if can_print => { self.print_stmt(); true }
                19..=21 if nest => { self.if_stmt(); true }
                22..=24 if nest => { self.for_loop(false); true }
                25 if nest => { self.for_loop(true); true }
                26 if nest => { self.while_loop(); true }
                27 if nest => { self.repeat_loop(); true }
                28 if nest => { self.line("do"); self.nested(3); self.line("end"); true }
                29 if nest && self.fn_depth < 2 => { self.local_fn(); true }
                30 | 31 if self.c.in_loop => { self.jump(); true }
                32..=35 => self.arr_op(can_print),
                36..=43 if can_snip => { self.snippet(None); true }
                _ => false,
            };
            if done { return; }
        }
        self.decl();
    }

    fn decl(&mut self) {
        let (line, ty, mutable) = match self.rng.below(10) {
            0..=4 if self.rng.chance(1, 8) => (format!("local $ <const> = {}", self.int_expr(2)), Ty::Int, false),
            0..=4 => (format!("local $ = {}", self.int_expr(2)), Ty::Int, true),
            5 | 6 => (format!("local $ = ({}) % 1000.0", self.float_expr(2)), Ty::Float, true),
            7 | 8 => (format!("local $ = ({}):sub(1, 40)", self.str_expr(2)), Ty::Str, true),
            _ => {
                let elems: Vec<String> = (0..self.rng.range(0, 5)).map(|_| self.int_expr(1)).collect();
                (format!("local $ = {{{}}}", elems.join(", ")), Ty::Arr, false)
            }
        };
        let n = self.id(match ty { Ty::Int => "i", Ty::Float => "f", Ty::Str => "s", _ => "t" });
        self.line(&line.replacen('$', &n, 1));
        self.push(&n, ty, mutable);
    }

    fn assign(&mut self) -> bool {
        let line = match self.rng.below(5) {
            0..=2 => self.pick_var(Ty::Int, true).map(|v| match self.rng.pick(&["", "+", "-", "*", "~"]) {
                "" => format!("{v} = {}", self.int_expr(2)),
                op => format!("{v} = {v} {op} {}", self.int_expr(2)),
            }),
            3 => self.pick_var(Ty::Float, true).map(|v| match self.rng.chance(1, 2) {
                true => format!("{v} = ({}) % 1000.0", self.float_expr(2)),
                false => format!("{v} = math.fmod({}, 1000)", self.float_expr(2)),
            }),
            _ => self.pick_var(Ty::Str, true).map(|v| format!("{v} = ({}):sub(1, 40)", self.str_expr(2))),
        };
        line.map(|l| self.line(&l)).is_some()
    }

    fn multi_assign(&mut self) -> bool {
        let (Some(a), Some(b)) = (self.pick_var(Ty::Int, true), self.pick_var(Ty::Int, true)) else { return false };
        if a == b { return false; }
        let rhs = if self.rng.chance(1, 2) { format!("{b}, {a}") } else { format!("{}, {}", self.int_expr(1), self.int_expr(1)) };
        self.line(&format!("{a}, {b} = {rhs}"));
        true
    }

    fn print_stmt(&mut self) {
        self.printed += self.c.mult;
        let mut parts = vec![self.tag()];
        for _ in 0..self.rng.range(1, 4) {
            let p = match self.rng.below(7) {
                0..=2 => self.int_expr(2),
                3 => format!("fmt({})", self.float_expr(2)),
                4 => format!("string.format(\"{}\", {})", self.rng.pick(&["%.3f", "%5.2f", "%.6g"]), self.float_expr(1)),
                5 => format!("({}):sub(1, 48)", self.str_expr(2)),
                _ => self.bool_expr(2),
            };
            parts.push(p);
        }
        self.line(&format!("print({})", parts.join(", ")));
    }

    fn if_stmt(&mut self) {
        let c = self.bool_expr(2);
        self.line(&format!("if {c} then"));
        self.nested(3);
        if self.rng.chance(1, 3) {
            let c2 = self.bool_expr(2);
            self.line(&format!("elseif {c2} then"));
            self.nested(2);
        }
        if self.rng.chance(1, 2) { self.line("else"); self.nested(2); }
        self.line("end");
    }

    /// Largest trip count allowed here (>= 1 since mult <= MAX_MULT).
    fn max_trips(&self) -> i64 { (MAX_MULT / self.c.mult).min(6) as i64 }

    /// Loop body run `trips` times, with its control variable if any: raises
    /// the cost multiplier, allows `break`, and in `for`/`while` maybe a
    /// `goto` label as the last statement.
    fn loop_body(&mut self, trips: i64, var: Option<(&str, Ty)>, first: Option<String>, label_ok: bool) {
        let mark = self.vars.len();
        if let Some((v, ty)) = var { self.push(v, ty, false); }
        let saved = (self.c.mult, self.c.in_loop, self.c.cont.clone());
        self.c.mult *= trips.max(1) as u64;
        self.c.in_loop = true;
        let label = if label_ok && self.rng.chance(1, 3) { Some(self.id("skip")) } else { None };
        if label.is_some() { self.c.cont = label.clone(); }
        (self.ind, self.c.depth) = (self.ind + 1, self.c.depth + 1);
        if let Some(f) = first { self.line(&f); } // the counter step: no goto/break skips it
        self.block(4);
        if let Some(l) = label { self.line(&format!("::{l}::")); }
        (self.ind, self.c.depth) = (self.ind - 1, self.c.depth - 1);
        (self.c.mult, self.c.in_loop, self.c.cont) = saved;
        self.vars.truncate(mark);
    }

    fn for_loop(&mut self, float: bool) {
        let (max, v) = (self.max_trips(), self.id(if float { "x" } else { "k" }));
        let t = if float {
            let t = self.rng.range(1, max);
            let (start, step) = (self.rng.pick(&[0.5, -1.0, 0.25, 2.0, -0.75]), self.rng.pick(&[0.5, 0.25, -0.5, 1.5, 0.125]));
            // Dyadic values: the limit is exact, the loop runs t times.
            self.line(&format!("for {v} = {}, {}, {} do", flit(start), flit(start + step * (t - 1) as f64), flit(step)));
            t
        } else if self.rng.chance(1, 4) {
            let (t, e) = (self.rng.range(1, max), self.int_expr(1));
            self.line(&format!("for {v} = 1, ({e}) % {t} + 1 do"));
            t
        } else {
            let (t, step, start) = (self.rng.range(0, max), self.rng.pick(&[1, 1, 1, 2, -1, -3]), self.rng.range(-5, 10));
            let st = if step == 1 && self.rng.chance(2, 3) { String::new() } else { format!(", {}", lit(step)) };
            self.line(&format!("for {v} = {}, {}{st} do", lit(start), lit(start + step * (t - 1))));
            t
        };
        self.loop_body(t, Some((&v, if float { Ty::Float } else { Ty::Int })), None, true);
        self.line("end");
    }

    /// `local wN = 0` before a counted loop (readable, never assigned), the
    /// trip count, and maybe an extra condition costed at the loop's multiplier.
    fn counter(&mut self, prefix: &str, lo: i64, op: &str) -> (String, i64, String) {
        let (t, w) = (self.rng.range(lo, self.max_trips()), self.id(prefix));
        self.line(&format!("local {w} = 0"));
        self.push(&w, Ty::Int, false);
        let saved = self.c.mult;
        self.c.mult *= t.max(1) as u64;
        let extra = if self.rng.chance(1, 3) { format!(" {op} {}", self.bool_expr(1)) } else { String::new() };
        self.c.mult = saved;
        (w, t, extra)
    }

    fn while_loop(&mut self) {
        let (w, t, extra) = self.counter("w", 0, "and");
        self.line(&format!("while {w} < {t}{extra} do"));
        self.loop_body(t, None, Some(format!("{w} = {w} + 1")), true);
        self.line("end");
    }

    fn repeat_loop(&mut self) {
        // The `until` condition sees only outer variables (generated first).
        let (r, t, extra) = self.counter("r", 1, "or");
        self.line("repeat");
        // No label: before `until` a label is not "last", so a goto to it
        // would jump into the scope of the body's locals.
        self.loop_body(t, None, Some(format!("{r} = {r} + 1")), false);
        self.line(&format!("until {r} >= {t}{extra}"));
    }

    fn jump(&mut self) {
        let b = self.bool_expr(1);
        match self.c.cont.clone() {
            Some(l) if self.rng.chance(1, 2) => self.line(&format!("if {b} then goto {l} end")),
            _ => self.line(&format!("if {b} then break end")),
        }
    }

    fn arr_op(&mut self, can_print: bool) -> bool {
        let Some(t) = self.pick_var(Ty::Arr, false) else { return false };
        if can_print && self.rng.chance(1, 8) {
            self.printed += self.c.mult;
            let tag = self.tag();
            self.line(&format!("print({tag}, #{t}, table.concat({t}, \",\"))"));
            return true;
        }
        let (op, cost) = self.rng.pick(ARR_OPS);
        self.c.cost += self.c.mult * cost;
        let (e, p) = (self.int_expr(1), self.int_expr(1));
        self.emit(op, &[("$t", t), ("$e", e), ("$p", p)]);
        true
    }

    // ---- snippets ----

    /// Placeholders of the snippet templates.
    fn subs(&mut self) -> Vec<(&'static str, String)> {
        let args: Vec<String> =
            (0..self.rng.range(0, 5)).map(|i| if i % 3 == 1 { "nil".to_string() } else { lit(i * 7 - 9) }).collect();
        let (t, x, y, z, s, f) =
            (self.tag(), self.int_expr(1), self.int_expr(1), self.int_expr(1), self.str_expr(1), self.float_expr(1));
        let r = &mut self.rng;
        let (k, n, m, d, e) = (r.range(1, 9), r.range(0, 5), r.range(2, 4), r.range(0, 4), r.range(0, 40));
        let nums = [("$K", k), ("$N", n), ("$M", m), ("$D", d), ("$E", e)].map(|(p, v)| (p, v.to_string()));
        let mut v = vec![("$T", t), ("$X", x), ("$Y", y), ("$Z", z), ("$S", s), ("$F", f), ("$A", args.join(", "))];
        v.extend(nums);
        v
    }

    /// `k` distinct templates of `menu`, each in its own `do ... end`.
    fn templates(&mut self, menu: &[&str], k: usize) {
        let s = self.subs();
        for i in self.choose(menu.len(), k) {
            self.line("do");
            self.ind += 1;
            self.emit(menu[i], &s);
            self.ind -= 1;
            self.line("end");
        }
    }

    fn snippet(&mut self, kind: Option<u64>) {
        let k = kind.unwrap_or_else(|| self.rng.below(NSNIP));
        self.c.cost += self.c.mult * SNIP_COST;
        self.printed += self.c.mult * SNIP_PRINTS;
        self.line(&format!("-- snippet {k}"));
        match k {
            0 => self.snip_int_edge(),
            1 => self.snip_floats(),
            2 => self.templates(STRINGS, 3),
            3 => self.templates(ARRAYS, 3),
            4 => self.templates(RECORDS, 2),
            5 => self.snip_closures(),
            6 => self.templates(VARARGS, 2),
            7 => self.templates(if self.classes { META } else { &META[2..] }, 2),
            8 => self.templates(COROUTINES, 2),
            9 => self.templates(ERRORS, 4),
            10 => self.snip_recursion(),
            11 => self.templates(TBC, 1),
            _ => self.snip_gen_pcall(),
        }
    }

    /// `print(tag, ...)` of `k` random items of `menu`.
    fn print_items(&mut self, menu: &[&str], k: usize) {
        let items: Vec<&str> = self.choose(menu.len(), k).into_iter().map(|i| menu[i]).collect();
        let t = self.tag();
        self.line(&format!("print({t}, {})", items.join(", ")));
    }

    fn snip_int_edge(&mut self) {
        let (a, b, c, d) = (lit(self.rng.range(-60, 60)), lit(self.nonzero(9)), lit(self.rng.range(-60, 60)), lit(self.nonzero(9)));
        let (x, t) = (self.int_expr(2), self.tag());
        self.line(&format!("print({t}, {a} // {b}, {a} % {b}, {c} // {d}, {c} % {d}, ({x}) // {b}, ({x}) % {d})"));
        self.line(&format!("mix({a} // {b} + {c} % {d})"));
        self.print_items(INT_EDGE, 6);
        if self.rng.chance(1, 2) {
            let t = self.tag();
            self.emit(EDGE_LOOPS, &[("$T", t)]);
        }
    }

    fn snip_floats(&mut self) {
        self.print_items(FLOATS, 6);
        let (f1, f2, f3, t) = (self.float_expr(2), self.float_expr(2), self.float_expr(1), self.tag());
        self.line(&format!("print({t}, fmt({f1}), string.format(\"%.3f\", {f2}), string.format(\"%5.2f|%.6g\", {f3}, {f3}))"));
        let trips = self.rng.range(1, 6);
        let (start, step) = (self.rng.pick(&[0.5, -1.0, 0.25, 1.0]), self.rng.pick(&[0.5, 0.25, -0.5, 0.125]));
        let (lim, f, t) = (flit(start + step * (trips - 1) as f64), self.float_expr(1), self.tag());
        self.emit(FLOAT_LOOP, &[("$A", flit(start)), ("$B", lim), ("$C", flit(step)), ("$F", f), ("$T", t)]);
    }

    fn snip_closures(&mut self) {
        if let Some(v) = self.pick_var(Ty::Int, true) {
            // A closure sees later writes to the local it captured.
            let (k, t) = (self.rng.range(1, 9), self.tag());
            self.line(&format!("do local function peek() return {v} end {v} = {v} + {k} print({t}, \"upv\", peek() - {v}, peek() == {v}) end"));
        }
        self.templates(CLOSURES, 2);
    }

    fn snip_recursion(&mut self) {
        self.templates(RECURSION, 2);
        for _ in 0..2 {
            if let Some(c) = self.call(2) {
                let t = self.tag();
                self.line(&format!("do local r = {c} print({t}, r) mix(r) end"));
            }
        }
    }

    /// pcall around a generated body that may raise a string error.
    fn snip_gen_pcall(&mut self) {
        self.line("do");
        self.ind += 1;
        self.line("local ok, e = pcall(function()");
        let cost = self.fn_body(&[], 3, Some("error(\"gen \" .. $E)"));
        self.c.cost += self.c.mult * cost;
        self.line("end)");
        let t = self.tag();
        self.line(&format!("print({t}, ok, ok and e or strip(e)) if ok then mix(e) end"));
        self.ind -= 1;
        self.line("end");
    }
}
