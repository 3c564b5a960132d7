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

#![allow(dead_code)]

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

    /// Linear recursion on a depth argument, base case `d <= 0`.
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
        self.line(&format!("return {name}({d} - 1, {e}) {op} {k}"));
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

// ---- templates: $T tag, $X $Y $Z ints, $S string, $F float, $K 1..9,
// $N 0..5, $M 2..4, $D 0..4, $E 0..40, $A a vararg list ----

const PRELUDE: &str = r##"
    local checksum = 0
    local function mix(v)
      assert(math.type(v) == "integer", "mix expects an integer")
      checksum = (checksum * 31 + v) % 1000000007
    end
    local function fmt(x) return string.format("%.6g", x) end
    -- drop "chunk:line: " (chunk names differ) and variable descriptions like
    -- " (upvalue 'h')", mid-message too (their wording changed within 5.4)
    local function strip(m)
      if type(m) ~= "string" then return type(m) end
      return (m:gsub("^.-:%d+: ", ""):gsub(" %(%a+ '[^']*'%)", ""))
    end"##;

/// `Vec` (arithmetic, comparison, call, len, concat, tostring metamethods) and
/// `Base`/`Derived` (inheritance through an __index chain).
const CLASSES: &str = r##"
    local Vec = {}
    Vec.__index = Vec
    function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
    function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
    function Vec.__eq(a, b) return a.x == b.x and a.y == b.y end
    function Vec.__lt(a, b) return a.x < b.x or (a.x == b.x and a.y < b.y) end
    function Vec.__le(a, b) return not (b < a) end
    function Vec.__tostring(v) return "(" .. v.x .. "," .. v.y .. ")" end
    function Vec.__len(v) return math.abs(v.x) + math.abs(v.y) end
    function Vec.__call(v, k) return v.x * k + v.y * $K end
    function Vec.__concat(a, b) return tostring(a) .. "&" .. tostring(b) end
    function Vec:dot(o) return self.x * o.x + self.y * o.y end
    local Base = {}
    Base.__index = Base
    function Base.new(n) return setmetatable({n = n}, Base) end
    function Base:kind() return "base" end
    function Base:value() return self.n * $M end
    local Derived = setmetatable({}, {__index = Base})
    Derived.__index = Derived
    function Derived.new(n) return setmetatable(Base.new(n), Derived) end
    function Derived:kind() return "derived/" .. Base.kind(self) end"##;

/// Operations on an int array `$t` (`$e`, `$p`: ints), with their extra cost.
const ARR_OPS: &[(&str, u64)] = &[
    ("if #$t < 16 then table.insert($t, $e) end", 0),
    ("if #$t < 16 then table.insert($t, ($p) % (#$t + 1) + 1, $e) end", 0),
    ("if #$t > 0 then mix(table.remove($t)) end", 0),
    ("if #$t > 0 then mix(table.remove($t, 1)) end", 0),
    ("if #$t > 0 then $t[($p) % #$t + 1] = $e end", 0),
    ("table.sort($t)", 40),
    ("table.sort($t, function(a, b) return a > b end)", 40),
    ("table.sort($t, function(a, b) local x, y = a % 7, b % 7 if x ~= y then return x < y end return a < b end)", 40),
    ("for _, v in ipairs($t) do mix(v) end", 16),
    ("mix(#$t)", 0),
];

const INT_EDGE: &[&str] = &[
    "math.maxinteger + 1", "math.mininteger - 1", "math.maxinteger * 2", "math.mininteger // -1", "math.mininteger % -1",
    "1 << 63", "1 << 64", "-1 >> 1", "~0", "5 ~ 3", "0xF0 | 0x0F", "math.ult(1, -1)", "math.abs(math.mininteger)",
    "math.maxinteger + 0.0 == math.maxinteger", "string.format('%d', 3.0)", "\"10\" + 5", "\"3\" * \"4\"", "\"0x10\" + 0",
    "0xffffffffffffffff", "math.tointeger(2^53)", "string.format('%x', 255)", "3 == 3.0", "math.type(3 // 1)",
    "math.type(3 / 1)", "math.type(2^2)", "1 < 1.5", "-0 == 0", "7 // 2 * 2 + 7 % 2", "2^63 == math.maxinteger + 1.0",
    "math.mininteger < -math.maxinteger", "(-8) >> 1 == (-8) // 2", "math.type(\"1\")", "tostring(1 << 62)", "1e2 == 100",
];

/// Integer loops at the ends of the range (5.4 computes the trip count first).
const EDGE_LOOPS: &str = r##"
    do local n = 0
    for i = math.maxinteger - 2, math.maxinteger do n = n + 1 end
    for i = math.mininteger, math.mininteger + 2 do n = n + 1 end
    for i = 1, 0 do n = n + 100 end for i = 10, 1, -3 do n = n + i end
    print($T, "edge loops", n) end"##;

const FLOATS: &[&str] = &[
    "fmt(7 / 2)", "fmt(2^10)", "fmt(10 // 3.0)", "fmt(-7.5 // 2)", "fmt(7.5 % -2)", "fmt(math.sqrt(2))", "fmt(0.1 + 0.2)",
    "string.format('%.3f', 2.5)", "fmt(1/0)", "fmt(-1/0)", "fmt(1e15)", "fmt(1e100)", "fmt(2^63)", "fmt(math.huge)",
    "fmt(-0.0)", "math.floor(3.7)", "math.ceil(-3.2)", "math.floor(-3.5)", "math.tointeger(3.5)", "math.tointeger(8.0)",
    "fmt(math.fmod(7, -3))", "fmt(math.fmod(-7.5, 2))", "fmt(3 % -2.5)", "fmt(math.pi * 1e6)", "fmt(1e308 * 10)",
    "string.format('%5.2f', math.pi)", "fmt(5 // 0.0)", "fmt(-5 // 0.0)", "fmt(2^-3)", "fmt(1 / 3)", "fmt(0.1 * 3)",
    "string.format('%.3f', 1 / 3)", "math.abs(-2.5) == 2.5", "fmt(math.max(1.5, 2, -3))", "math.type(math.max(1.5, 2))",
    "string.format('%.3f', -0.0005)", "fmt(123456789012)", "math.type(1e3 // 1)",
];

const FLOAT_LOOP: &str = r##"
    do local acc, n = 0.0, 0
    for x = $A, $B, $C do acc = acc + x * $F n = n + 1 end
    print($T, n, fmt(acc), string.format("%.3f", acc), math.type(acc))
    mix(math.floor(acc) + n) end"##;

const STRINGS: &[&str] = &[
    r##"local str = ($S):sub(1, 30)
    print($T, #str, str:upper(), str:lower(), str:sub(2, 4), str:sub(-3), str:rep(2, "|"), str:reverse())
    print($T, str:find("a", 1, true), str:find("l+"), str:match("(%a)(%a)"), str:gsub("[aeiou]", "*"))
    mix(#str + (str:byte(1) or 0))"##,
    r##"local str = ($S):sub(1, 20)
    print($T, string.format("%d|%s|%5.2f|%-6s|%03d", $X, str, $F, str:sub(1, 3), ($Y) % 1000))
    print($T, str:byte(-1), string.char(72, 101, 108, 108, 111), str == str:lower(), str:byte(1, 3))"##,
    r##"local parts = {}
    for w in ("one two three " .. $S):gmatch("%a+") do parts[#parts + 1] = w:upper() end
    print($T, table.concat(parts, "+"), #parts, ("hello world from lua"):gsub("(%w+)", "<%1>", 2))
    print($T, ("a,b,,c"):find(",", 3, true), ("key=val"):match("(%w+)=(%w+)"))"##,
    r##"print($T, tostring(12), tostring(-5), tostring(true), tostring(nil), tonumber("0x1F"), tonumber("  42  "))
    print($T, tonumber("z", 36), tonumber("12abc"), math.type(tonumber("10")), fmt(tonumber("1e2")), ("%d items"):format($K))
    print($T, utf8.char(72, 105), utf8.len("hello"), #utf8.char(8364), utf8.codepoint("A"))"##,
    r##"local str = ($S):sub(1, 20)
    print($T, "abc" < "abd", "a" < "B", "Z" < "a", str < "m", "" < "a", ("x"):rep(0), ("ab"):rep(3, ","))
    print($T, string.format("%q", str), string.format("[%5s][%-5s]", "ab", "cd"))"##,
];

const ARRAYS: &[&str] = &[
    r##"local arr = {($X) % 100, ($Y) % 100, ($Z) % 100, $K, 7}
    table.insert(arr, ($X) % 50) table.insert(arr, 1, $K * 3)
    local removed = table.remove(arr, 2)
    table.sort(arr, function(a, b) return a > b end)
    print($T, #arr, table.concat(arr, ","), removed) mix(removed + #arr)"##,
    r##"local arr = {($X) % 100, ($Y) % 100, ($Z) % 100, $K, 12, 5}
    table.sort(arr, function(a, b) local x, y = a % 5, b % 5 if x ~= y then return x < y end return a < b end)
    print($T, table.concat(arr, " "), table.unpack(arr, 1, 3))
    print($T, select('#', table.unpack(arr)), #table.move(arr, 1, 3, 1, {}))"##,
    r##"local people, names, out = {}, {"ann", "bob", "cy", "dee", "eve", "fay"}, {}
    for i = 1, #names do people[i] = {name = names[i], age = (i * ($K % 3 + 1) + $M) % 4} end
    table.sort(people, function(a, b) if a.age ~= b.age then return a.age > b.age end return a.name < b.name end)
    for i, p in ipairs(people) do out[i] = p.name .. ":" .. p.age end
    print($T, table.concat(out, " "))"##,
    r##"local seq, sum, rev, odd = {}, 0, {}, {}
    for i = 1, $N + 2 do seq[i] = i * i - $K end
    for i, v in ipairs(seq) do sum = sum + i * v end
    for i = #seq, 1, -1 do rev[#rev + 1] = seq[i] end
    for i = 1, $N + 3 do
      if i % $M == 0 then goto continue end
      odd[#odd + 1] = i
      ::continue::
    end
    print($T, sum, table.concat(rev, " "), #seq, table.concat(odd, ","), #{odd, {1, 2}, {}}) mix(sum)"##,
];

const RECORDS: &[&str] = &[
    r##"local rec, keys, parts = {name = $S, hp = $X, pos = {x = $Y, y = $K}}, {}, {}
    rec.level = $Z rec["tag" .. $K] = true rec.hp = rec.hp - rec.pos.x
    for k in pairs(rec) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local v = rec[k]
      if type(v) == "table" then v = "{" .. v.x .. "," .. v.y .. "}" end
      parts[#parts + 1] = k .. "=" .. tostring(v)
    end
    print($T, table.concat(parts, " "), rec.missing == nil, #keys) mix(rec.hp)"##,
    r##"local sp, ks, out = {}, {}, {}
    sp[$K] = "a" sp[($X) % 50] = "b" sp[-3] = "c" sp[100] = "d"
    for k in pairs(sp) do ks[#ks + 1] = k end
    table.sort(ks)
    for i, k in ipairs(ks) do out[i] = k .. ":" .. sp[k] end
    print($T, table.concat(out, " "), #ks)"##,
    r##"local inv, ks, out = {}, {}, {}
    for _, n in ipairs({"ax", "bo", "cy", "ax", "dd", "bo", "ax", $S}) do inv[n] = (inv[n] or 0) + 1 end
    for k in pairs(inv) do ks[#ks + 1] = k end
    table.sort(ks, function(a, b) if inv[a] ~= inv[b] then return inv[a] > inv[b] end return a < b end)
    for i, k in ipairs(ks) do out[i] = k .. "#" .. inv[k] end
    print($T, table.concat(out, " "))"##,
];

const CLOSURES: &[&str] = &[
    r##"local fs, acc = {}, 0
    for i = 1, $N do local j = i * $K fs[i] = function(x) return x * i + j end end
    for i = 1, #fs do acc = acc + fs[i]($X) end
    print($T, "loopcap", acc, #fs) mix(acc)"##,
    r##"local function make(n0)
      local n = n0
      return function(d) n = n + d return n end, function() return n end
    end
    local inc, get = make($X)
    local inc2, get2 = make(0)
    inc($K) inc2(1) inc(-1)
    print($T, "shared", get(), get2(), inc(0), inc2(5)) mix(get())"##,
    r##"local cnt, w, fs, parts = 0, 0, {}, {}
    local function bump() cnt = cnt + 1 return cnt end
    while w < $N do w = w + 1 local snap = bump() * $K fs[#fs + 1] = function() return snap + cnt end end
    for i = 1, #fs do parts[i] = fs[i]() end
    print($T, "snap", table.concat(parts, ","), cnt)"##,
    r##"local function compose(f, g) return function(x) return f(g(x)) end end
    local function adder(k) return function(x) return x + k end end
    local h = compose(adder($K), compose(adder(1), function(x) return x * 2 end))
    print($T, "compose", h($X), h(0)) mix(h(1))"##,
];

const VARARGS: &[&str] = &[
    r##"local function va(...)
      local p, s = table.pack(...), 0
      for i = 1, p.n do if p[i] ~= nil then s = s + p[i] end end
      return select('#', ...), s, p.n
    end
    print($T, va($A))
    print($T, va())
    print($T, select(2, $X, $Y, $Z), select(-1, $X, $Y), (select('#')), select('#', nil, nil))"##,
    r##"local function mr() return $X, $Y, $Z end
    local function divmod(a, b) return a // b, a % b end
    local x, y = mr()
    local p, q, r, s = 0, mr()
    local t, u, v = {mr(), mr()}, divmod($X, ($Y) | 1)
    local a, b, c = divmod(17, 5), 9
    print($T, x, y, p, q, r, s, #t, (mr()), u, v, a, b, c, (divmod(-17, 5))) mix(x + y + #t + u)"##,
    r##"local function sum(...)
      local s = 0
      for _, v in ipairs({...}) do s = s + v end
      return s, select('#', ...)
    end
    local function pass(...) return ... end
    print($T, sum(table.unpack({$X, $Y, $Z})), sum(), sum(1, 2, 3))
    print($T, pass($X, nil, $K))
    print($T, table.pack(pass()).n, #{pass(1, 2, 3)})"##,
];

/// The first two need the class library.
const META: &[&str] = &[
    r##"local a, b = Vec.new(($X) % 100, ($Y) % 100), Vec.new(($Z) % 100, $K)
    local c = a + b
    print($T, tostring(c), a == b, a < b, a <= b, #c, c($K))
    print($T, a:dot(b), a == Vec.new(a.x, a.y), rawequal(a, Vec.new(a.x, a.y)), getmetatable(a) == Vec, a .. "!")
    mix(a:dot(b) + #c)"##,
    r##"local objs, vs, out = {Base.new($K), Derived.new(($X) % 50), Derived.new(2)}, {}, {}
    for i, o in ipairs(objs) do print($T, i, o:kind(), o:value(), o.n) end
    print($T, getmetatable(objs[2]) == Derived, rawget(Derived, "value") == nil) mix(objs[2]:value())
    for i = 1, 5 do vs[i] = Vec.new((i * $K) % 7, i) end
    table.sort(vs, function(p, q) return p < q end)
    for i, v in ipairs(vs) do out[i] = tostring(v) end
    print($T, table.concat(out, " "), #vs[1] + vs[5](2))"##,
    r##"local log = {}
    local d = setmetatable({}, {__index = function(t, k) return #k * $K end,
      __newindex = function(t, k, v) log[#log + 1] = k rawset(t, k, v) end})
    d.alpha = $K d.alpha = 2 d.beta = 3
    print($T, d.alpha, d.gamma, d.zz, #log, table.concat(log, ","), rawget(d, "zz"))"##,
    r##"local mt = {__unm = function(o) return o.v * -1 end, __mod = function(a, b) return "mod" end,
      __len = function() return $K end, __concat = function(a, b) return "cat" end,
      __tostring = function(o) return "obj" .. o.v end}
    local o = setmetatable({v = $X}, mt)
    print($T, -o, o % 2, #o, o .. "x", "x" .. o, tostring(o))"##,
];

const COROUTINES: &[&str] = &[
    r##"local c = $X
    local gen = coroutine.wrap(function(n) for i = 1, n do coroutine.yield(i * c) end return -1 end)
    local got = {gen($N)}
    for i = 2, $N + 1 do got[i] = gen() end
    print($T, "wrap", table.concat(got, ","))"##,
    r##"local co = coroutine.create(function(a, b)
      local c = coroutine.yield(a + b)
      local d, e = coroutine.yield(c * 2)
      return d + e, "end"
    end)
    print($T, coroutine.resume(co, $X, $Y))
    print($T, coroutine.status(co), coroutine.resume(co, $Z))
    print($T, coroutine.resume(co, 1, 2))
    print($T, coroutine.status(co), coroutine.resume(co))"##,
    r##"local bad = coroutine.create(function(v) coroutine.yield(v) error("co fail " .. v) end)
    print($T, coroutine.resume(bad, $X))
    local ok, msg = coroutine.resume(bad)
    print($T, ok, strip(msg), coroutine.status(bad))"##,
    r##"local pc = coroutine.wrap(function()
      local ok, v = pcall(function() local r = coroutine.yield(1) return r * 2 end)
      coroutine.yield(v)
      return 0
    end)
    local p1 = pc()
    local p2 = pc($X)
    print($T, "across pcall", p1, p2, pc()) mix(p2)"##,
    r##"local me
    me = coroutine.create(function() return coroutine.status(me), coroutine.isyieldable() end)
    print($T, coroutine.resume(me))
    print($T, coroutine.isyieldable(), select(2, coroutine.running()), coroutine.status(me))
    local cl = coroutine.create(function() coroutine.yield() end)
    coroutine.resume(cl)
    print($T, coroutine.status(cl), coroutine.close(cl), coroutine.status(cl))"##,
    r##"local prod, total, count = coroutine.create(function(n) for i = 1, n do coroutine.yield(i * i) end end), 0, 0
    for _ = 1, $N + 1 do
      local ok, v = coroutine.resume(prod, $N)
      if v then total = total + v count = count + 1 end
    end
    print($T, "prod", total, count, coroutine.status(prod)) mix(total)"##,
];

/// Call/index errors on nil print only `ok`/`err`; other messages via `strip`.
const ERRORS: &[&str] = &[
    r##"local z = ($X) % 3
    local ok, e = pcall(function() return ($Y) // z end)
    local ok2, e2 = pcall(function() return ($Y) % z end)
    print($T, "idiv", ok, ok and e or strip(e), "mod", ok2, ok2 and e2 or strip(e2))
    print($T, xpcall(function(a, b) return a // b end, function(m) return "H " .. strip(m) end, $Y, z))"##,
    r##"local t = {}
    local ok1, e1 = pcall(function() local n = nil return n + $K end)
    local ok2, e2 = pcall(function() return t + 1 end)
    local ok3, e3 = pcall(function() return "x" .. t end)
    print($T, ok1, strip(e1), ok2, strip(e2), ok3, strip(e3))"##,
    r##"local t, h = {}, 1.5
    local ok1, e1 = pcall(function() return t < t end)
    local ok2, e2 = pcall(function() return 1 < "2" end)
    local ok3, e3 = pcall(function() return h | 0 end)
    print($T, ok1, strip(e1), ok2, strip(e2), ok3, strip(e3), 3.0 | 0)"##,
    r##"local r = {}
    local okc = pcall(function() local f return f() end)
    local oki = pcall(function() local u return u.x end)
    local okf = pcall(function() return r.a.b end)
    local okm = pcall(function() return r:nomethod() end)
    print($T, okc and "ok" or "err", oki and "ok" or "err", okf and "ok" or "err", okm and "ok" or "err")"##,
    r##"local function check(v) if v > $K then error("too big " .. v) end return v * 2 end
    local fails = 0
    for _, v in ipairs({($X) % 20, $K, ($Y) % 20}) do
      local ok, e = pcall(check, v)
      print($T, ok, ok and e or strip(e))
      if not ok then fails = fails + 1 end
    end
    mix(fails)"##,
    r##"local function lvl(v) error("lvl " .. v, 2) end
    local ok1, e1 = pcall(function() lvl($K) end)
    local ok2, e2 = pcall(error, "plain", 0)
    local ok3, e3 = pcall(error, $K)
    local ok4, e4 = pcall(error)
    local ok5, e5 = pcall(function() error({code = $X, why = "bad"}) end)
    print($T, ok1, strip(e1), ok2, e2, ok3, e3, ok4, e4, ok5, type(e5), e5.code, e5.why)"##,
    r##"local ok, e = pcall(function()
      local ok2, e2 = pcall(function() error("inner") end)
      error("outer/" .. strip(e2), 0)
    end)
    print($T, ok, e, pcall(assert, false, "assert msg"))
    print($T, select('#', pcall(assert, 1, 2)), (pcall(assert, nil)))"##,
];

const RECURSION: &[&str] = &[
    r##"local isEven, isOdd
    function isEven(n) if n == 0 then return true end return isOdd(n - 1) end
    function isOdd(n) if n == 0 then return false end return isEven(n - 1) end
    local n = ($X) % 25
    print($T, n, isEven(n), isOdd(n))"##,
    r##"local function build(d) if d == 0 then return {v = 1} end return {l = build(d - 1), r = build(d - 1), v = d} end
    local function total(t, d) if d == 0 then return t.v end return t.v + total(t.l, d - 1) + total(t.r, d - 1) end
    local tr = build($D)
    print($T, "tree", total(tr, $D)) mix(total(tr, $D))"##,
    r##"local function gcd(a, b, d) if b == 0 or d == 0 then return a end return gcd(b, a % b, d - 1) end
    local function count(d, acc) if d <= 0 then return acc end return count(d - 1, acc + d) end
    local function pow(b, e)
      if e == 0 then return 1 end
      local h = pow(b, e // 2)
      if e % 2 == 0 then return h * h end
      return h * h * b
    end
    print($T, gcd($X, $Y, 64), gcd(48, 18, 64), count($E * 3, 0), pow(3, $E), pow(2, 62), pow(2, 64))
    mix(pow(3, $E))"##,
];

const TBC: &[&str] = &[
    r##"local order = {}
    do
      local a <close> = setmetatable({}, {__close = function() order[#order + 1] = "a" end})
      local b <close> = setmetatable({}, {__close = function(_, err) order[#order + 1] = "b" .. tostring(err) end})
      local k <const> = $X
      order[#order + 1] = "body" .. k
    end
    local ok = pcall(function()
      local c <close> = setmetatable({}, {__close = function(_, e) order[#order + 1] = "c/" .. strip(e) end})
      error("boom")
    end)
    print($T, ok, table.concat(order, ","))"##,
    r##"local K1 <const> = $K
    local K2 <const> = K1 * 2 + 1
    local total = 0
    for i = 1, K1 % 5 + 1 do total = total + K2 end
    print($T, K1, K2, total) mix(total)"##,
];
