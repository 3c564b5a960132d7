//! Random valid programs for the accumulator VM of examples/interp-c
//! (`accvm.h`), terminating by construction, plus a reference model of the
//! VM and a disassembler. Pure Rust, no dependencies: shared by the
//! differential test (`tests/all/accvm_diff.rs`) and the fuzz target
//! (`fuzz/fuzz_targets/accvm_diff.rs`) through `#[path]`.
//!
//! Why every program terminates: the only backward jumps are the back edges
//! of counted loops
//!
//! ```text
//!     LOAD_IMMEDIATE n (1..=8); STORE_LOCAL c
//! L:  <body: never writes local c>
//!     LOAD_LOCAL c; DEC; STORE_LOCAL c; JMPNZ L
//! ```
//!
//! (nested at most 3 deep, each with its own counter local), so each loop
//! runs exactly n times; every other jump goes forward, either to the end of
//! a sub-block at the same nesting level (never into a loop from outside) or
//! out of the program (a target whose low 32 bits are >= the length). The
//! model checks this too: [`generate`] panics if a program it made does not
//! stop within [`MAX_STEPS`].

#![allow(dead_code)]

/// Words in the guest's program buffer (`ACCVM_CAPACITY` in
/// tests/guests/accvm_diff.c).
pub const CAPACITY: usize = 512;
/// `NUM_LOCALS` in accvm.h.
pub const NUM_LOCALS: u64 = 8;
/// The VM's strings (`strings` in accvm.h).
pub const STRINGS: [&str; 1] = ["Result: "];
/// Step bound of the model; generated programs stay far below it.
pub const MAX_STEPS: u64 = 1_000_000;

/// Opcodes (the enum in accvm.h).
pub mod op {
    pub const LOAD_IMMEDIATE: u64 = 0;
    pub const STORE_LOCAL: u64 = 1;
    pub const LOAD_LOCAL: u64 = 2;
    pub const PRINT: u64 = 3;
    pub const PRINTI: u64 = 4;
    pub const JMPNZ: u64 = 5;
    pub const INC: u64 = 6;
    pub const DEC: u64 = 7;
    pub const ADD: u64 = 8;
    pub const HALT: u64 = 9;
}

/// Name and operand count of an opcode (unknown opcodes take none: the VM
/// stops at them).
pub fn opcode_info(word: u64) -> (&'static str, usize) {
    match word {
        op::LOAD_IMMEDIATE => ("LOAD_IMMEDIATE", 1),
        op::STORE_LOCAL => ("STORE_LOCAL", 1),
        op::LOAD_LOCAL => ("LOAD_LOCAL", 1),
        op::PRINT => ("PRINT", 1),
        op::PRINTI => ("PRINTI", 0),
        op::JMPNZ => ("JMPNZ", 1),
        op::INC => ("INC", 0),
        op::DEC => ("DEC", 0),
        op::ADD => ("ADD", 2),
        op::HALT => ("HALT", 0),
        _ => ("?unknown", 0),
    }
}

/// The random source: a xorshift64* generator, optionally fed by fuzzer
/// bytes first (8 bytes per draw, so libFuzzer's mutations steer individual
/// choices), then continuing pseudo-randomly from a hash of those bytes.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
    bytes: Vec<u8>,
    pos: usize,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix64 of the seed: small and zero seeds give unrelated states.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng {
            state: if z == 0 { 1 } else { z },
            bytes: Vec::new(),
            pos: 0,
        }
    }

    /// Draws come from `data` (8 bytes at a time) until it runs out.
    pub fn from_bytes(data: &[u8]) -> Rng {
        // FNV-1a of the data seeds what comes after it.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in data {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        Rng {
            bytes: data.to_vec(),
            ..Rng::new(h)
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        if self.pos < self.bytes.len() {
            let end = (self.pos + 8).min(self.bytes.len());
            let mut word = [0u8; 8];
            word[..end - self.pos].copy_from_slice(&self.bytes[self.pos..end]);
            self.pos = end;
            return u64::from_le_bytes(word);
        }
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A program: its words, always ending with HALT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    pub words: Vec<u64>,
}

impl Program {
    /// The little-endian bytes of the words, as the guest stores them.
    pub fn bytes(&self) -> Vec<u8> {
        self.words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    pub fn len(&self) -> u32 {
        self.words.len() as u32
    }

    /// One instruction per line: `  pc: NAME operands`.
    pub fn disassemble(&self) -> String {
        disassemble(&self.words)
    }
}

fn show_value(v: u64) -> String {
    if v >= 1 << 32 {
        if (v as i64) < 0 && (v as i64) > -(1 << 31) {
            format!("{} ({})", v, v as i64)
        } else {
            format!("{v} ({v:#x})")
        }
    } else {
        v.to_string()
    }
}

/// Where the instructions start, decoding linearly from 0 (the generator
/// only jumps to these).
pub fn instruction_starts(words: &[u64]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut pc = 0usize;
    while pc < words.len() {
        starts.push(pc);
        pc += 1 + opcode_info(words[pc]).1;
    }
    starts
}

/// Linear disassembly (see [`instruction_starts`]).
pub fn disassemble(words: &[u64]) -> String {
    let mut out = String::new();
    for pc in instruction_starts(words) {
        let (name, n) = opcode_info(words[pc]);
        if name.starts_with('?') {
            out.push_str(&format!(
                "{pc:5}: ?unknown opcode {}\n",
                show_value(words[pc])
            ));
        } else {
            out.push_str(&format!("{pc:5}: {name}"));
            for k in 0..n {
                match words.get(pc + 1 + k) {
                    Some(&v) => out.push_str(&format!(" {}", show_value(v))),
                    None => out.push_str(" <missing>"),
                }
            }
            out.push('\n');
        }
    }
    out
}

/// How the model's run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// HALT, an unknown opcode or an out-of-range operand (`goto out`) in
    /// the instruction at `pc`.
    Out { pc: u32 },
    /// The pc reached the program length.
    End,
    /// Still running after the step bound.
    TooLong,
}

/// The VM's semantics (accvm.h `interpret`), as the reference: what both
/// flavours must print. `words` are the first `len` words of the
/// zero-filled buffer.
pub fn model(words: &[u64], len: u32, max_steps: u64) -> (Vec<u8>, Stop, u64) {
    let code = |pc: u32| words.get(pc as usize).copied().unwrap_or(0);
    let mut locals = [0u64; NUM_LOCALS as usize];
    let mut out = Vec::new();
    let mut acc: u64 = 0;
    let mut pc: u32 = 0;
    let mut steps = 0u64;
    loop {
        if pc >= len {
            return (out, Stop::End, steps);
        }
        if steps >= max_steps {
            return (out, Stop::TooLong, steps);
        }
        steps += 1;
        let at = pc;
        let opcode = code(pc);
        pc = pc.wrapping_add(1);
        let mut operand = || {
            let v = code(pc);
            pc = pc.wrapping_add(1);
            v
        };
        match opcode {
            op::LOAD_IMMEDIATE => acc = operand(),
            op::STORE_LOCAL => {
                let i = operand();
                if i >= NUM_LOCALS {
                    return (out, Stop::Out { pc: at }, steps);
                }
                locals[i as usize] = acc;
            }
            op::LOAD_LOCAL => {
                let i = operand();
                if i >= NUM_LOCALS {
                    return (out, Stop::Out { pc: at }, steps);
                }
                acc = locals[i as usize];
            }
            op::PRINT => {
                let m = operand();
                if m >= STRINGS.len() as u64 {
                    return (out, Stop::Out { pc: at }, steps);
                }
                out.extend_from_slice(STRINGS[m as usize].as_bytes());
            }
            op::PRINTI => out.extend_from_slice(format!("{acc}\n").as_bytes()),
            op::JMPNZ => {
                let target = operand() as u32;
                if acc != 0 {
                    pc = target;
                }
            }
            op::INC => acc = acc.wrapping_add(1),
            op::DEC => acc = acc.wrapping_sub(1),
            op::ADD => {
                let i = operand();
                let j = operand();
                if i >= NUM_LOCALS || j >= NUM_LOCALS {
                    return (out, Stop::Out { pc: at }, steps);
                }
                acc = locals[i as usize].wrapping_add(locals[j as usize]);
            }
            _ => return (out, Stop::Out { pc: at }, steps),
        }
    }
}

/// Loop back edge: `LOAD_LOCAL c; DEC; STORE_LOCAL c; JMPNZ L` (7 words).
const LOOP_TAIL: usize = 7;
/// Words kept free for the epilogue and the final HALT.
const EPILOGUE_ROOM: usize = 16;
const MAX_LOOP_DEPTH: usize = 3;
const MAX_NESTING: usize = 5;

struct Gen<'r> {
    rng: &'r mut Rng,
    words: Vec<u64>,
    /// Soft size limit (words) for the body.
    target: usize,
    /// Counter locals of the enclosing loops (never written by a body).
    counters: Vec<u64>,
    /// Words the open structures still need to close.
    reserved: usize,
    nesting: usize,
    /// Positions of the operands of JMPNZs that leave the program.
    exits: Vec<usize>,
}

impl Gen<'_> {
    fn emit(&mut self, words: &[u64]) {
        self.words.extend_from_slice(words);
    }

    fn room(&self, need: usize) -> bool {
        self.words.len() + self.reserved + need <= self.target
    }

    fn value(&mut self) -> u64 {
        match self.rng.below(12) {
            0 => 0,
            1 => 1,
            2 | 3 => self.rng.below(16),
            4 => self.rng.below(1000),
            5 => (self.rng.below(16) as i64).wrapping_neg() as u64,
            6 => self
                .rng
                .pick(&[u64::MAX, u64::MAX - 1, i64::MIN as u64, i64::MAX as u64]),
            7 => self.rng.pick(&[
                1 << 32,
                (1 << 32) - 1,
                1 << 31,
                (1 << 31) - 1,
                1 << 63,
                (1 << 32) + 5,
            ]),
            // Opcode-looking values: operands must never be decoded as code.
            8 => self.rng.below(10),
            _ => self.rng.next_u64(),
        }
    }

    /// A local the current body may write.
    fn writable_local(&mut self) -> u64 {
        loop {
            let i = self.rng.below(NUM_LOCALS);
            if !self.counters.contains(&i) {
                return i;
            }
        }
    }

    /// An operand that makes the VM stop (`goto out`): too big as a local
    /// index or string number, including values whose low 32 bits are small.
    fn bad_operand(&mut self, limit: u64) -> u64 {
        self.rng.pick(&[
            limit,
            limit + 1,
            200,
            1 << 32,
            (1 << 32) | 1,
            u64::MAX,
            i64::MIN as u64,
            1 << 63 | 2,
        ])
    }

    fn straight_op(&mut self) {
        match self.rng.below(20) {
            0..=4 => {
                let v = self.value();
                self.emit(&[op::LOAD_IMMEDIATE, v]);
            }
            5..=7 => {
                let i = self.writable_local();
                self.emit(&[op::STORE_LOCAL, i]);
            }
            8..=10 => {
                let i = self.rng.below(NUM_LOCALS);
                self.emit(&[op::LOAD_LOCAL, i]);
            }
            11 | 12 => self.emit(&[op::INC]),
            13 | 14 => self.emit(&[op::DEC]),
            _ => {
                let (i, j) = (self.rng.below(NUM_LOCALS), self.rng.below(NUM_LOCALS));
                self.emit(&[op::ADD, i, j]);
            }
        }
    }

    fn print(&mut self) {
        if self.rng.chance(1, 4) {
            self.emit(&[op::PRINT, 0]);
        }
        if self.rng.chance(1, 2) {
            let i = self.rng.below(NUM_LOCALS);
            self.emit(&[op::LOAD_LOCAL, i]);
        }
        self.emit(&[op::PRINTI]);
    }

    /// Set acc to something worth branching on.
    fn condition(&mut self) {
        match self.rng.below(6) {
            0 | 1 => {} // whatever acc holds
            2 => {
                let i = self.rng.below(NUM_LOCALS);
                self.emit(&[op::LOAD_LOCAL, i]);
            }
            3 if !self.counters.is_empty() => {
                // Taken on some iterations only.
                let c = self.rng.pick(&self.counters.clone());
                self.emit(&[op::LOAD_LOCAL, c]);
                for _ in 0..self.rng.below(3) {
                    self.emit(&[op::DEC]);
                }
            }
            _ => {
                let v = self.rng.pick(&[0, 0, 1, u64::MAX, 1 << 32]);
                self.emit(&[op::LOAD_IMMEDIATE, v]);
            }
        }
    }

    /// Something that makes the VM stop early.
    fn stop(&mut self) {
        match self.rng.below(8) {
            0 => self.emit(&[op::HALT]),
            1 => {
                let v = self.rng.pick(&[
                    10,
                    11,
                    255,
                    1 << 32,
                    (1 << 32) | op::JMPNZ,
                    u64::MAX,
                    1 << 63 | op::HALT,
                ]);
                self.emit(&[v]);
            }
            2 => {
                let i = self.bad_operand(NUM_LOCALS);
                self.emit(&[op::STORE_LOCAL, i]);
            }
            3 => {
                let i = self.bad_operand(NUM_LOCALS);
                self.emit(&[op::LOAD_LOCAL, i]);
            }
            4 => {
                let m = self.bad_operand(STRINGS.len() as u64);
                self.emit(&[op::PRINT, m]);
            }
            5 => {
                let bad = self.bad_operand(NUM_LOCALS);
                let good = self.rng.below(NUM_LOCALS);
                let pair = if self.rng.chance(1, 2) {
                    [bad, good]
                } else {
                    [good, bad]
                };
                self.emit(&[op::ADD, pair[0], pair[1]]);
            }
            _ => {
                // JMPNZ out of the program, taken when acc != 0.
                self.condition();
                self.emit(&[op::JMPNZ, 0]);
                self.exits.push(self.words.len() - 1);
            }
        }
    }

    fn counted_loop(&mut self) {
        let c = loop {
            let c = self.rng.below(NUM_LOCALS);
            if !self.counters.contains(&c) {
                break c;
            }
        };
        let n = 1 + self.rng.below(8);
        self.emit(&[op::LOAD_IMMEDIATE, n, op::STORE_LOCAL, c]);
        let head = self.words.len() as u64;
        self.counters.push(c);
        self.reserved += LOOP_TAIL;
        self.nesting += 1;
        let items = 1 + self.rng.below(6);
        self.block(items);
        self.nesting -= 1;
        self.reserved -= LOOP_TAIL;
        self.counters.pop();
        self.emit(&[
            op::LOAD_LOCAL,
            c,
            op::DEC,
            op::STORE_LOCAL,
            c,
            op::JMPNZ,
            head,
        ]);
    }

    /// `JMPNZ skip; <sub-block>; skip:` at the current nesting level.
    fn forward_skip(&mut self) {
        self.condition();
        self.emit(&[op::JMPNZ, 0]);
        let operand = self.words.len() - 1;
        self.nesting += 1;
        let items = 1 + self.rng.below(4);
        self.block(items);
        self.nesting -= 1;
        self.words[operand] = self.words.len() as u64;
    }

    fn block(&mut self, items: u64) {
        for _ in 0..items {
            if !self.room(20) {
                return;
            }
            let loops = self.counters.len();
            match self.rng.below(100) {
                0..=11 if loops < MAX_LOOP_DEPTH && self.nesting < MAX_NESTING => {
                    self.counted_loop()
                }
                12..=23 if self.nesting < MAX_NESTING => self.forward_skip(),
                // Printing in loops multiplies the output; print less there.
                24..=33 if loops == 0 || self.rng.chance(1, 3) => self.print(),
                // Stops only in the second half, so most of a program runs.
                34 | 35 if self.words.len() * 2 >= self.target => self.stop(),
                _ => self.straight_op(),
            }
        }
    }
}

/// A random program: a body of `target` words or so, an epilogue printing
/// some locals, and HALT. Always fewer than [`CAPACITY`] words, always
/// stops within [`MAX_STEPS`].
pub fn generate(rng: &mut Rng) -> Program {
    let target = 8 + rng.below(300) as usize;
    let mut g = Gen {
        rng,
        words: Vec::new(),
        target,
        counters: Vec::new(),
        reserved: 0,
        nesting: 0,
        exits: Vec::new(),
    };
    // The top level: items until the size target is reached.
    while g.room(20) {
        g.block(1);
    }
    // Epilogue: show some of the state.
    for _ in 0..g.rng.below(4) {
        let i = g.rng.below(NUM_LOCALS);
        g.emit(&[op::LOAD_LOCAL, i, op::PRINTI]);
    }
    if g.rng.chance(1, 2) {
        let i = g.rng.below(NUM_LOCALS);
        g.emit(&[op::PRINT, 0, op::LOAD_LOCAL, i, op::PRINTI]);
    }
    g.emit(&[op::HALT]);
    let len = g.words.len() as u64;
    for at in std::mem::take(&mut g.exits) {
        // Low 32 bits >= len: the VM leaves the loop at `pc >= len`.
        let target = match g.rng.below(5) {
            0 => len,
            1 => len + g.rng.below(100),
            2 => u64::from(u32::MAX),
            3 => (g.rng.next_u64() << 32) | u64::from(u32::MAX - g.rng.below(1000) as u32),
            _ => (1 << 32) | len,
        };
        g.words[at] = target;
    }
    let program = Program { words: g.words };
    assert!(
        program.words.len() < CAPACITY,
        "generator bug: {} words",
        program.words.len()
    );
    let (_, stop, steps) = model(&program.words, program.len(), MAX_STEPS);
    assert!(
        stop != Stop::TooLong,
        "generator bug: the program runs over {steps} steps\n{}",
        program.disassemble()
    );
    program
}

/// The program for `seed` (what the tests and failure reports use).
pub fn program_for_seed(seed: u64) -> Program {
    generate(&mut Rng::new(seed))
}
