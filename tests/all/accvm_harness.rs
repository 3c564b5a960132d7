//! The differential check for the accumulator VM guest
//! (tests/guests/accvm_diff.c), on batches of programs: write up to
//! [`BATCH`] programs into the guest's snapshot, run pweval once, compile
//! its output once, and call `run_generic(i)` and `run_specialized(i)` for
//! each program in one instance (see `diff_harness.rs`). Shared by
//! `tests/all/accvm_diff.rs` and the fuzz target
//! (`fuzz/fuzz_targets/accvm_diff.rs`) through `#[path]`; it needs the
//! sibling module `accvm_gen` (the generator and the VM model) and
//! `crate::diff_harness`.
//!
//! Slot i's program goes into the guest's `program[i]` buffer and into
//! request i + 1's copy of the bytes inside its argument buffer, its length
//! into `program_len[i]` and into the request's i32 record. Every copy
//! starts zero-filled, so the words past the program stay zero.

#![allow(dead_code)]

use crate::diff_harness::{verdict, Checked, Failure, Guest, Run, Specialized};

use super::accvm_gen::{self, instruction_starts, Program, Stop, CAPACITY, MAX_STEPS};

/// Program slots in the guest (`ACCVM_BATCH` in tests/guests/accvm_diff.c).
pub const BATCH: usize = 256;

pub struct Harness {
    pub guest: Guest,
    /// `program` (what run_generic interprets): BATCH x CAPACITY words.
    program: u64,
    /// `program_len`: BATCH u32s.
    program_len: u64,
    /// For a threaded-code guest (tests/guests/accvm_threaded.c): each
    /// opcode's operation (a table index); requests then hold the
    /// *compiled* program (see [`compiled`]).
    handlers: Option<Vec<u64>>,
}

/// Operations in the threaded guest's `handlers` (the opcodes 0..=HALT).
const NUM_OPS: usize = accvm_gen::op::HALT as usize + 1;

/// The threaded guest's compile step (tests/guests/accvm_threaded.c): the
/// program with each instruction's opcode word replaced by its operation,
/// an unknown opcode's by HALT's.
fn compiled(program: &Program, handlers: &[u64]) -> Program {
    let mut words = program.words.clone();
    for pc in instruction_starts(&program.words) {
        let op = program.words[pc] as usize;
        words[pc] = handlers[if op < NUM_OPS { op } else { accvm_gen::op::HALT as usize }];
    }
    Program { words }
}

impl Harness {
    /// Wizen `guest` (tests/guests/accvm_diff.c built) and find the
    /// addresses the programs are written to.
    pub fn new(guest: &[u8]) -> Result<Harness, String> {
        let guest = Guest::new(guest)?;
        if guest.slots.len() != BATCH {
            return Err(format!("the guest filed {} requests, not {BATCH}", guest.slots.len()));
        }
        for (id, slot) in &guest.slots {
            if slot.bytes_len != CAPACITY * 8 {
                return Err(format!("request {id}'s buffer has {} bytes, not {}", slot.bytes_len, CAPACITY * 8));
            }
        }
        let program = guest.accessor("accvm.program")?;
        let program_len = guest.accessor("accvm.program_len")?;
        Ok(Harness { guest, program, program_len, handlers: None })
    }

    /// The same for the threaded-code guest: also read its operations'
    /// table indices from the snapshot.
    pub fn threaded(guest: &[u8]) -> Result<Harness, String> {
        let mut harness = Harness::new(guest)?;
        let at = harness.guest.accessor("accvm.handlers")?;
        let info = pweval::module::parse::ModuleInfo::parse(&harness.guest.snapshot).map_err(|e| e.to_string())?;
        let memory = pweval::module::memory::MemoryImage::new(&info).ok_or("the snapshot's memory is unreadable")?;
        let handlers = (0..NUM_OPS as u64)
            .map(|k| memory.read_u64(at + 8 * k).ok_or_else(|| format!("handlers[{k}] is outside memory")))
            .collect::<Result<Vec<u64>, String>>()?;
        harness.handlers = Some(handlers);
        Ok(harness)
    }

    /// What request buffers hold for `program`.
    fn request_form(&self, program: &Program) -> Program {
        match &self.handlers {
            Some(handlers) => compiled(program, handlers),
            None => program.clone(),
        }
    }

    /// The snapshot with `pairs[i].0` in slot i's program buffer (what
    /// run_generic runs) and `pairs[i].1` in request i + 1 (normally the
    /// same program).
    pub fn patched(&self, pairs: &[(&Program, &Program)]) -> Result<Vec<u8>, String> {
        if pairs.len() > BATCH {
            return Err(format!("{} programs do not fit {BATCH} slots", pairs.len()));
        }
        let mut patches = Vec::new();
        for (i, (generic, specialized)) in pairs.iter().enumerate() {
            for p in [generic, specialized] {
                if p.words.len() > CAPACITY {
                    return Err(format!("a program of {} words does not fit {CAPACITY}", p.words.len()));
                }
            }
            let slot = self.guest.slot(i as u32 + 1)?;
            let i = i as u64;
            patches.push((self.program + i * CAPACITY as u64 * 8, generic.bytes()));
            patches.push((self.program_len + i * 4, generic.len().to_le_bytes().to_vec()));
            patches.push((slot.bytes, self.request_form(specialized).bytes()));
            patches.push((slot.len_value, specialized.len().to_le_bytes().to_vec()));
        }
        self.guest.patched(patches)
    }

    /// pweval's output for `pairs` (see [`Self::patched`]).
    pub fn specialize(&self, pairs: &[(&Program, &Program)]) -> Result<Specialized, String> {
        let patched = self.patched(pairs)?;
        // The requests pweval reads must hold exactly the words written.
        let bytes: Vec<Vec<u8>> = pairs.iter().map(|(_, s)| self.request_form(s).bytes()).collect();
        let expected: Vec<(u32, &[u8], u32)> =
            pairs.iter().zip(&bytes).enumerate().map(|(i, ((_, s), b))| (i as u32 + 1, &b[..], s.len())).collect();
        Guest::verify_requests(&patched, &expected)?;
        self.guest.specialize(&patched)
    }

    /// Compile `wasm` once and call `run_generic(i)` and
    /// `run_specialized(i)` for slots `0..n`.
    pub fn run_both(&self, wasm: &[u8], n: usize) -> Result<Vec<(Run, Run)>, String> {
        let mut instance = self.guest.instance(wasm)?;
        (0..n as u32)
            .map(|i| Ok((instance.call("run_generic", i)?, instance.call("run_specialized", i)?)))
            .collect()
    }

    /// The whole check for a batch: specialize, run both flavours of every
    /// program, and compare them with each other and with the model.
    pub fn check_batch(&self, programs: &[Program]) -> Vec<Checked> {
        let pairs: Vec<(&Program, &Program)> = programs.iter().map(|p| (p, p)).collect();
        let out = match self.specialize(&pairs) {
            Ok(out) => out,
            Err(why) => return Checked::setup(programs.len(), 1, &why),
        };
        let runs = match self.run_both(&out.wasm, programs.len()) {
            Ok(runs) => runs,
            Err(why) => return Checked::setup(programs.len(), 1, &why),
        };
        programs
            .iter()
            .zip(runs)
            .enumerate()
            .map(|(i, (program, (generic, specialized)))| {
                let instructions = instruction_starts(&program.words).len();
                let cost = out.check_request(i as u32 + 1, "specialized", instructions);
                let result = verdict(std::slice::from_ref(&cost), || compare(program, generic, specialized));
                Checked { result, requests: vec![cost] }
            })
            .collect()
    }

    /// The check for one program (the fuzz target).
    pub fn check(&self, program: &Program) -> Result<(), Failure> {
        self.check_batch(std::slice::from_ref(program)).pop().unwrap().result
    }
}

/// The flavours must agree, and with the model.
fn compare(program: &Program, generic: Run, specialized: Run) -> Result<(), Failure> {
    if generic != specialized {
        return Err(Failure::Mismatch { flavour: "specialized", generic, specialized });
    }
    let (expected, stop, _) = accvm_gen::model(&program.words, program.len(), MAX_STEPS);
    if stop == Stop::TooLong || generic.trap.is_some() || generic.stdout != expected {
        return Err(Failure::Model { expected: Run { stdout: expected, trap: None }, generic });
    }
    Ok(())
}
