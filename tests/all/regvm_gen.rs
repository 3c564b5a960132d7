//! Random valid programs for the register VM of tests/guests/regvm_diff.c
//! (its comment defines the instruction set), terminating by construction,
//! plus a reference model of the VM and a disassembler.
//!
//! Why every program terminates: the only backward jumps are FORLOOPs of
//! numeric for loops whose start, limit and step are LOADI constants
//! (1..8 trips or none) and whose control registers (`R[base..base+4)`, one
//! base per nesting level, at most 3 deep) no other instruction writes;
//! every other jump goes forward, to the end of a sub-block at the same
//! nesting level, out of enclosing loops (a break), or out of the program.
//! [`generate`] checks it with the model too.
//!
//! Registers: 0..8 hold the program's runtime inputs and are never written
//! (so conditions on them stay runtime values for the specializer),
//! 8..28 are general, 28..40 the loop control registers.
//!
//! Besides loops and if/else, programs have *branchy runs*: up to 16
//! independent `if (x) r_k = ...` in a row (a test, a JMP over one write,
//! each to a different register), the shape whose specialization cost used
//! to grow as 2^K with locals kept by the specializer.

#![allow(dead_code)]

use crate::accvm_diff::accvm_gen::Rng;

/// Program slots (`REGVM_BATCH` in tests/guests/regvm_diff.c).
pub const BATCH: usize = 256;
/// Instructions per program (`REGVM_CODE`).
pub const CODE: usize = 512;
/// Constants per program (`REGVM_K`).
pub const K: usize = 256;
/// Input registers (`REGVM_INPUTS`).
pub const INPUTS: usize = 8;
/// Frame slots (`REGVM_FRAME`).
pub const FRAME: usize = 264;
/// Registers printed after a run (`REGVM_SHOWN`).
pub const SHOWN: usize = 40;
pub const SBX_BIAS: i64 = 131_071;
/// Step bound of the model; generated programs stay far below it.
pub const MAX_STEPS: u64 = 1_000_000;
/// What the guest's `trap_now` looks like from outside.
pub const TRAP: &str = "wasm trap: wasm `unreachable` instruction executed";

const GENERAL: std::ops::Range<u32> = 8..28;
const LOOP_BASE: [u32; 3] = [28, 32, 36];
const READABLE: u32 = 40;

/// Opcodes (the enum in regvm_diff.c).
pub mod op {
    pub const MOVE: u32 = 0;
    pub const LOADK: u32 = 1;
    pub const LOADI: u32 = 2;
    pub const ADD: u32 = 3;
    pub const SUB: u32 = 4;
    pub const MUL: u32 = 5;
    pub const DIV: u32 = 6;
    pub const MOD: u32 = 7;
    pub const AND: u32 = 8;
    pub const OR: u32 = 9;
    pub const XOR: u32 = 10;
    pub const SHL: u32 = 11;
    pub const SHR: u32 = 12;
    pub const NEG: u32 = 13;
    pub const NOT: u32 = 14;
    pub const JMP: u32 = 15;
    pub const EQ: u32 = 16;
    pub const LT: u32 = 17;
    pub const LE: u32 = 18;
    pub const TEST: u32 = 19;
    pub const FORPREP: u32 = 20;
    pub const FORLOOP: u32 = 21;
    pub const PRINT: u32 = 22;
    pub const RETURN: u32 = 23;
    pub const TRAP: u32 = 24;
    pub const EXIT: u32 = 25;
    pub const NAMES: [&str; 26] = [
        "MOVE", "LOADK", "LOADI", "ADD", "SUB", "MUL", "DIV", "MOD", "AND", "OR", "XOR", "SHL", "SHR", "NEG",
        "NOT", "JMP", "EQ", "LT", "LE", "TEST", "FORPREP", "FORLOOP", "PRINT", "RETURN", "TRAP", "EXIT",
    ];
}

pub fn abc(op: u32, a: u32, b: u32, c: u32) -> u32 {
    debug_assert!(op < 64 && a < 256 && b < 512 && c < 512);
    op | a << 6 | b << 14 | c << 23
}

pub fn asbx(op: u32, a: u32, sbx: i64) -> u32 {
    let bx = sbx + SBX_BIAS;
    debug_assert!((0..1 << 18).contains(&bx), "sBx {sbx} out of range");
    op | a << 6 | (bx as u32) << 14
}

/// `(op, a, b, c, bx, sbx)` of an instruction.
pub fn fields(ins: u32) -> (u32, u32, u32, u32, u32, i64) {
    let bx = ins >> 14;
    (ins & 63, (ins >> 6) & 255, (ins >> 14) & 511, ins >> 23, bx, i64::from(bx) - SBX_BIAS)
}

/// A program: code, constants and the values of registers 0..8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    pub code: Vec<u32>,
    pub k: Vec<u64>,
    pub inputs: [u64; INPUTS],
}

impl Program {
    /// The prefix of the guest's `Proto` it fills: all of `k` (zero-padded
    /// to [`K`]) and the code.
    pub fn proto_bytes(&self) -> Vec<u8> {
        let mut bytes: Vec<u8> = self.k.iter().flat_map(|v| v.to_le_bytes()).collect();
        bytes.resize(K * 8, 0);
        bytes.extend(self.code.iter().flat_map(|w| w.to_le_bytes()));
        bytes
    }

    pub fn input_bytes(&self) -> Vec<u8> {
        self.inputs.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    pub fn len(&self) -> u32 {
        self.code.len() as u32
    }

    /// One instruction per line, with the inputs and constants used.
    pub fn disassemble(&self) -> String {
        let mut s = format!("inputs {:?}\n", self.inputs.map(|v| v as i64));
        let rk = |x: u32| if x & 256 != 0 { format!("K{}={}", x & 255, self.konst(x & 255) as i64) } else { format!("r{x}") };
        for (pc, &ins) in self.code.iter().enumerate() {
            let (o, a, b, c, bx, sbx) = fields(ins);
            let name = op::NAMES.get(o as usize).copied().unwrap_or("?bad");
            let args = match o {
                op::MOVE | op::NEG | op::NOT => format!("r{a} r{}", b & 255),
                op::LOADK => format!("r{a} K{bx}={}", self.konst(bx) as i64),
                op::LOADI => format!("r{a} {sbx}"),
                op::ADD..=op::SHR => format!("r{a} {} {}", rk(b), rk(c)),
                op::EQ | op::LT | op::LE => format!("{} {} {}", a & 1, rk(b), rk(c)),
                op::TEST => format!("r{a} {}", c & 1),
                op::JMP | op::FORPREP | op::FORLOOP => {
                    format!("{}{sbx} (to {})", if o == op::JMP { String::new() } else { format!("r{a} ") }, pc as i64 + 1 + sbx)
                }
                op::PRINT => format!("r{a} {b}"),
                op::RETURN | op::EXIT => format!("r{a}"),
                _ => format!("{ins:#010x}"),
            };
            s += &format!("{pc:5}: {name} {args}\n");
        }
        s
    }

    fn konst(&self, i: u32) -> u64 {
        self.k.get(i as usize).copied().unwrap_or(0)
    }
}

/// How the model's run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// `run_*` printed `return R` and the registers.
    Return,
    Trap,
    Exit(i32),
    TooLong,
}

/// The VM's semantics: what every flavour's `run_*(i)` must print, and how
/// it ends.
pub fn model(p: &Program, max_steps: u64) -> (Vec<u8>, End) {
    let mut r = [0u64; FRAME];
    for (j, slot) in r.iter_mut().enumerate() {
        *slot = if j < INPUTS { p.inputs[j] } else { (j as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) };
    }
    let mut out = String::new();
    let len = p.len();
    let mut pc: u32 = 0;
    let mut steps = 0;
    let result: i64 = loop {
        if pc >= len {
            break 0;
        }
        if steps == max_steps {
            return (out.into_bytes(), End::TooLong);
        }
        steps += 1;
        let (o, a, b, c, bx, sbx) = fields(p.code[pc as usize]);
        let (a, at) = (a as usize, pc);
        let rk = |r: &[u64; FRAME], x: u32| if x & 256 != 0 { p.konst(x & 255) } else { r[x as usize] };
        let error = |out: &mut String, what: &str| out.push_str(&format!("error at pc {at}: {what}\n"));
        pc += 1;
        match o {
            op::MOVE => r[a] = r[(b & 255) as usize],
            op::LOADK if bx as usize >= K => {
                error(&mut out, "constant out of range");
                break -1;
            }
            op::LOADK => r[a] = p.konst(bx),
            op::LOADI => r[a] = sbx as u64,
            op::ADD..=op::SHR => {
                let (x, y) = (rk(&r, b), rk(&r, c));
                r[a] = match o {
                    op::ADD => x.wrapping_add(y),
                    op::SUB => x.wrapping_sub(y),
                    op::MUL => x.wrapping_mul(y),
                    op::DIV | op::MOD if y == 0 => {
                        error(&mut out, "division by zero");
                        break -1;
                    }
                    op::DIV => (x as i64).wrapping_div(y as i64) as u64,
                    op::MOD => (x as i64).wrapping_rem(y as i64) as u64,
                    op::AND => x & y,
                    op::OR => x | y,
                    op::XOR => x ^ y,
                    op::SHL => x << (y & 63),
                    _ => ((x as i64) >> (y & 63)) as u64,
                }
            }
            op::NEG => r[a] = r[(b & 255) as usize].wrapping_neg(),
            op::NOT => r[a] = u64::from(r[(b & 255) as usize] == 0),
            op::JMP => pc = pc.wrapping_add(sbx as u32),
            op::EQ | op::LT | op::LE => {
                let (x, y) = (rk(&r, b), rk(&r, c));
                let holds = match o {
                    op::EQ => x == y,
                    op::LT => (x as i64) < y as i64,
                    _ => x as i64 <= y as i64,
                };
                if holds != (a & 1 == 1) {
                    pc += 1;
                }
            }
            op::TEST => {
                if (r[a] != 0) != (c & 1 == 1) {
                    pc += 1;
                }
            }
            op::FORPREP => {
                r[a] = r[a].wrapping_sub(r[a + 2]);
                pc = pc.wrapping_add(sbx as u32);
            }
            op::FORLOOP => {
                let step = r[a + 2] as i64;
                let i = r[a].wrapping_add(step as u64) as i64;
                let limit = r[a + 1] as i64;
                r[a] = i as u64;
                if if step >= 0 { i <= limit } else { i >= limit } {
                    pc = pc.wrapping_add(sbx as u32);
                    r[a + 3] = i as u64;
                }
            }
            op::PRINT if b > 8 => {
                error(&mut out, "print of more than 8 registers");
                break -1;
            }
            op::PRINT => {
                let vals: Vec<String> = (0..b as usize).map(|j| (r[a + j] as i64).to_string()).collect();
                out.push_str(&vals.join(" "));
                out.push('\n');
            }
            op::RETURN => break r[a] as i64,
            op::TRAP => return (out.into_bytes(), End::Trap),
            op::EXIT => return (out.into_bytes(), End::Exit((r[a] & 63) as i32)),
            _ => {
                error(&mut out, "bad opcode");
                break -1;
            }
        }
    };
    out.push_str(&format!("return {result}\n"));
    let shown: Vec<String> = r[..SHOWN].iter().map(|&v| (v as i64).to_string()).collect();
    out.push_str(&shown.join(" "));
    out.push('\n');
    (out.into_bytes(), End::Return)
}

const ARITH: [u32; 10] = [op::ADD, op::SUB, op::MUL, op::AND, op::OR, op::XOR, op::SHL, op::SHR, op::ADD, op::SUB];
const MAX_DEPTH: usize = 3;
const MAX_NESTING: usize = 5;
/// Room kept for the epilogue.
const EPILOGUE: usize = 12;

struct Gen<'r> {
    rng: &'r mut Rng,
    code: Vec<u32>,
    k: Vec<u64>,
    target: usize,
    /// Open for loops: (depth index, positions of break JMPs to patch).
    loops: Vec<Vec<usize>>,
    nesting: usize,
    /// JMPs out of the program, patched at the end.
    exits: Vec<usize>,
}

impl Gen<'_> {
    fn emit(&mut self, ins: u32) -> usize {
        self.code.push(ins);
        self.code.len() - 1
    }

    fn room(&self, need: usize) -> bool {
        self.code.len() + need + EPILOGUE + 4 * self.loops.len() <= self.target
    }

    /// Point the JMP at `at` to the next instruction to be emitted.
    fn land(&mut self, at: usize) {
        let (o, a, ..) = fields(self.code[at]);
        self.code[at] = asbx(o, a, self.code.len() as i64 - at as i64 - 1);
    }

    fn value(&mut self) -> u64 {
        match self.rng.below(10) {
            0 => 0,
            1 => 1,
            2 | 3 => self.rng.below(16),
            4 => self.rng.below(1000),
            5 => (self.rng.below(16) as i64).wrapping_neg() as u64,
            6 => self.rng.pick(&[u64::MAX, i64::MIN as u64, i64::MAX as u64, 1 << 32, 63, 64]),
            _ => self.rng.next_u64(),
        }
    }

    /// A constant's RK operand (the table deduplicated, at most [`K`]).
    fn konst(&mut self, v: u64) -> u32 {
        let i = match self.k.iter().position(|&x| x == v) {
            Some(i) => i,
            None if self.k.len() < K => {
                self.k.push(v);
                self.k.len() - 1
            }
            None => self.rng.below(K as u64) as usize,
        };
        256 | i as u32
    }

    fn general(&mut self) -> u32 {
        GENERAL.start + self.rng.below(u64::from(GENERAL.end - GENERAL.start)) as u32
    }

    fn readable(&mut self) -> u32 {
        match self.rng.below(3) {
            0 => self.rng.below(INPUTS as u64) as u32,
            _ if !self.loops.is_empty() && self.rng.chance(1, 4) => LOOP_BASE[self.loops.len() - 1] + 3,
            1 => self.general(),
            _ => self.rng.below(u64::from(READABLE)) as u32,
        }
    }

    fn rk(&mut self) -> u32 {
        if self.rng.chance(1, 3) {
            let v = self.value();
            self.konst(v)
        } else {
            self.readable()
        }
    }

    /// A write of general register `a`.
    fn write(&mut self, a: u32) {
        let ins = match self.rng.below(10) {
            0 | 1 => {
                let v = self.value();
                let bx = self.konst(v) & 255;
                asbx(op::LOADK, a, i64::from(bx) - SBX_BIAS)
            }
            2 => asbx(op::LOADI, a, self.rng.below(2001) as i64 - 1000),
            3 => abc(op::MOVE, a, self.readable(), 0),
            4 => abc(self.rng.pick(&[op::NEG, op::NOT]), a, self.readable(), 0),
            5 => {
                // Division by a non-zero constant.
                let d = self.rng.pick(&[1u64, 2, 3, 7, 10, u64::MAX, i64::MIN as u64, 1000]);
                let c = self.konst(d);
                abc(self.rng.pick(&[op::DIV, op::MOD]), a, self.rk(), c)
            }
            _ => {
                let o = self.rng.pick(&ARITH);
                abc(o, a, self.rk(), self.rk())
            }
        };
        self.emit(ins);
    }

    /// A test that skips the next instruction on some runs: `TEST`, or a
    /// comparison.
    fn test(&mut self) {
        let ins = match self.rng.below(4) {
            0 | 1 => abc(op::TEST, self.readable(), 0, self.rng.below(2) as u32),
            _ => {
                let o = self.rng.pick(&[op::EQ, op::LT, op::LE]);
                abc(o, self.rng.below(2) as u32, self.rk(), self.rk())
            }
        };
        self.emit(ins);
    }

    /// `test; JMP skip; <block>; skip:` and maybe an else part.
    fn if_stmt(&mut self) {
        self.test();
        let skip = self.emit(asbx(op::JMP, 0, 0));
        self.nesting += 1;
        let n = 1 + self.rng.below(4);
        self.block(n);
        if self.rng.chance(1, 2) && self.room(4) {
            let done = self.emit(asbx(op::JMP, 0, 0));
            self.land(skip);
            let n = 1 + self.rng.below(3);
            self.block(n);
            self.land(done);
        } else {
            self.land(skip);
        }
        self.nesting -= 1;
    }

    /// Up to 16 independent `if (x) r_k = ...`: each a test, a JMP over one
    /// write, a different register each time.
    fn branchy(&mut self) {
        let most = (GENERAL.end - GENERAL.start) as u64;
        let k = 2 + self.rng.below(15).min(most - 2);
        let mut regs: Vec<u32> = GENERAL.collect();
        for _ in 0..k {
            if !self.room(3) {
                break;
            }
            let r = regs.swap_remove(self.rng.below(regs.len() as u64) as usize);
            self.test();
            self.emit(asbx(op::JMP, 0, 1));
            self.write(r);
        }
    }

    fn for_loop(&mut self) {
        let depth = self.loops.len();
        let base = LOOP_BASE[depth];
        let step: i64 = self.rng.pick(&[1, 1, 2, 3, -1, -2]);
        let start = self.rng.below(11) as i64 - 5;
        let trips = self.rng.below(9) as i64; // 0..=8
        let limit = if trips == 0 { start - step } else { start + step * (trips - 1) + self.rng.below(step.unsigned_abs()) as i64 * step.signum() };
        self.emit(asbx(op::LOADI, base, start));
        self.emit(asbx(op::LOADI, base + 1, limit));
        self.emit(asbx(op::LOADI, base + 2, step));
        let prep = self.emit(asbx(op::FORPREP, base, 0));
        self.loops.push(Vec::new());
        self.nesting += 1;
        let n = 1 + self.rng.below(5);
        self.block(n);
        self.nesting -= 1;
        let breaks = self.loops.pop().unwrap();
        self.land(prep);
        let back = prep as i64 + 1 - (self.code.len() as i64 + 1);
        self.emit(asbx(op::FORLOOP, base, back));
        for at in breaks {
            self.land(at);
        }
    }

    /// Leave one of the enclosing loops on some runs.
    fn break_stmt(&mut self) {
        self.test();
        let at = self.emit(asbx(op::JMP, 0, 0));
        let level = self.rng.below(self.loops.len() as u64) as usize;
        self.loops[level].push(at);
    }

    fn print(&mut self) {
        let n = 1 + self.rng.below(4) as u32;
        let a = self.rng.below(u64::from(READABLE - n + 1)) as u32;
        self.emit(abc(op::PRINT, a, n, 0));
    }

    /// Something that ends the run early (on some runs, or always).
    fn stop(&mut self) {
        if self.rng.chance(1, 2) {
            self.test();
            self.emit(asbx(op::JMP, 0, 1));
        }
        let ins = match self.rng.below(9) {
            0 => abc(op::RETURN, self.readable(), 0, 0),
            1 => abc(op::TRAP, 0, 0, 0),
            2 => abc(op::EXIT, self.readable(), 0, 0),
            3 => 26 + self.rng.below(38) as u32 | (self.rng.next_u64() as u32) << 6,
            4 => asbx(op::LOADK, self.general(), K as i64 + self.rng.below(1000) as i64 - SBX_BIAS),
            5 => abc(op::PRINT, 0, 9 + self.rng.below(500) as u32, 0),
            6 => {
                let o = self.rng.pick(&[op::DIV, op::MOD]);
                let z = self.konst(0);
                abc(o, self.general(), self.rk(), if self.rng.chance(1, 2) { z } else { self.readable() })
            }
            _ => {
                let at = self.emit(asbx(op::JMP, 0, 0));
                self.exits.push(at);
                return;
            }
        };
        self.emit(ins);
    }

    fn block(&mut self, items: u64) {
        for _ in 0..items {
            if !self.room(24) {
                return;
            }
            match self.rng.below(100) {
                0..=9 if self.loops.len() < MAX_DEPTH && self.nesting < MAX_NESTING => self.for_loop(),
                10..=21 if self.nesting < MAX_NESTING => self.if_stmt(),
                22..=29 => self.branchy(),
                30..=33 if !self.loops.is_empty() => self.break_stmt(),
                34..=41 if self.loops.is_empty() || self.rng.chance(1, 3) => self.print(),
                42..=44 if self.code.len() * 2 >= self.target => self.stop(),
                _ => {
                    let a = self.general();
                    self.write(a);
                }
            }
        }
    }
}

/// A random program of about 8..240 instructions: a body, an epilogue
/// printing some registers, and a RETURN (or falling off the end).
pub fn generate(rng: &mut Rng) -> Program {
    let mut inputs = [0u64; INPUTS];
    for v in inputs.iter_mut() {
        *v = match rng.below(6) {
            0 | 1 => 0,
            2 => rng.below(10),
            3 => (rng.below(100) as i64 - 50) as u64,
            _ => rng.next_u64(),
        };
    }
    let target = 8 + rng.below(232) as usize;
    let mut g = Gen { rng, code: Vec::new(), k: Vec::new(), target, loops: Vec::new(), nesting: 0, exits: Vec::new() };
    while g.room(24) {
        g.block(1);
    }
    for _ in 0..g.rng.below(3) {
        g.print();
    }
    if g.rng.chance(3, 4) {
        let r = g.readable();
        g.emit(abc(op::RETURN, r, 0, 0));
    }
    let len = g.code.len() as i64;
    for at in std::mem::take(&mut g.exits) {
        let (o, a, ..) = fields(g.code[at]);
        let beyond = g.rng.below(100) as i64;
        g.code[at] = asbx(o, a, len + beyond - at as i64 - 1);
    }
    let program = Program { code: g.code, k: g.k, inputs };
    assert!(program.code.len() <= CODE, "generator bug: {} instructions", program.code.len());
    let (_, end) = model(&program, MAX_STEPS);
    assert!(end != End::TooLong, "generator bug: the program runs too long\n{}", program.disassemble());
    program
}

/// The program for `seed` (what the tests and failure reports use).
pub fn program_for_seed(seed: u64) -> Program {
    generate(&mut Rng::new(seed ^ 0x7265_6776_6d00))
}
