//! Differential test of the specializer on the example VM (accvm.h):
//! random valid programs (bounded loops, terminating by construction; see
//! `accvm_gen.rs`) run through the generic interpreter and through the
//! function pweval specialized to them, in the same output module; any
//! difference in output or trap fails, and both must print what the
//! reference model of the VM prints. Each specialized function must also
//! stay within a number of blocks linear in the program
//! (`diff_harness::block_bound`).
//!
//! The guest (tests/guests/accvm_diff.c) is built and wizened once; batches
//! of up to 256 programs are written into the snapshot with data segments,
//! specialized by one pweval run, compiled once and run in one instance
//! (see `accvm_harness.rs`). Four tests of `PER_TEST` programs each with
//! different seeds, so two cores share them; `ACCVM_DIFF_PROGRAMS=N` runs N
//! programs per test instead. For more, the fuzz target in fuzz/ runs the
//! same check on fuzzer-chosen programs.
//!
//! A failure lists the smallest failing programs, with their seeds (replay
//! one with `accvm_gen::program_for_seed`), as assembly, with both outputs
//! and the path of the pweval input made for each (saved under
//! `target/tmp/accvm_diff/`).

#[path = "accvm_gen.rs"]
pub(crate) mod accvm_gen;
#[path = "accvm_harness.rs"]
pub(crate) mod accvm_harness;

use std::sync::OnceLock;

use accvm_gen::{op, program_for_seed, Program, Rng};
use accvm_harness::{Harness, BATCH};

use crate::diff_harness::{env_count, Checked, Failure, Suite};

/// Programs per test; four tests make 7,000.
const PER_TEST: u64 = 1_750;
/// Programs per pweval run (at most `BATCH`).
const PER_BATCH: u64 = 250;

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Result<Harness, String>> = OnceLock::new();
    HARNESS
        .get_or_init(|| Harness::new(&super::guests::guest("accvm_diff.wasm")))
        .as_ref()
        .unwrap_or_else(|e| panic!("setting up the accvm guest: {e}"))
}

impl Suite for Harness {
    type Program = Program;
    const NAME: &'static str = "accvm_diff";

    fn program(seed: u64) -> Program {
        program_for_seed(seed)
    }

    fn size(program: &Program) -> usize {
        accvm_gen::instruction_starts(&program.words).len()
    }

    fn listing(program: &Program) -> String {
        program.disassemble()
    }

    fn check_batch(&self, programs: &[Program]) -> Vec<Checked> {
        Harness::check_batch(self, programs)
    }

    fn patched_alone(&self, program: &Program) -> Result<Vec<u8>, String> {
        self.patched(&[(program, program)])
    }
}

fn check_seeds(first: u64) {
    let count = env_count("ACCVM_DIFF_PROGRAMS", PER_TEST);
    crate::diff_harness::check_seeds(harness(), first, count, PER_BATCH.min(BATCH as u64));
}

#[test]
fn accvm_random_programs_agree_0() {
    check_seeds(0);
}

#[test]
fn accvm_random_programs_agree_1() {
    check_seeds(1_000_000);
}

#[test]
fn accvm_random_programs_agree_2() {
    check_seeds(2_000_000);
}

#[test]
fn accvm_random_programs_agree_3() {
    check_seeds(3_000_000);
}

/// The generator is deterministic and makes the programs the test needs:
/// loops, prints, early stops, large values, all within the buffer.
#[test]
fn accvm_generator_makes_varied_terminating_programs() {
    let n = 400u64;
    let (mut loops, mut nested, mut printing, mut early, mut skips, mut big) = (0, 0, 0, 0, 0, 0);
    for seed in 0..n {
        let p = program_for_seed(seed);
        assert_eq!(
            p,
            program_for_seed(seed),
            "seed {seed} is not deterministic"
        );
        assert!(p.words.len() < accvm_gen::CAPACITY && p.words.last() == Some(&op::HALT));
        let (out, stop, _) = accvm_gen::model(&p.words, p.len(), accvm_gen::MAX_STEPS);
        // Backward jumps are loop back edges; count nesting from their spans.
        let back: Vec<(u64, usize)> = p
            .words
            .windows(2)
            .enumerate()
            .filter(|&(at, w)| {
                at >= 5
                    && w[0] == op::JMPNZ
                    && (w[1] as usize) < at
                    && p.words[at - 5] == op::LOAD_LOCAL
            })
            .map(|(at, w)| (w[1], at))
            .collect();
        loops += usize::from(!back.is_empty());
        nested += usize::from(
            back.iter()
                .any(|&(h, e)| back.iter().any(|&(h2, e2)| h < h2 && e2 < e)),
        );
        skips += usize::from(p.words.windows(2).enumerate().any(|(at, w)| {
            w[0] == op::JMPNZ && w[1] as usize > at + 2 && (w[1] as usize) < p.words.len()
        }));
        printing += usize::from(out.iter().filter(|&&b| b == b'\n').count() >= 2);
        early += usize::from(stop != accvm_gen::Stop::Out { pc: p.len() - 1 });
        big += usize::from(
            p.words
                .windows(2)
                .any(|w| w[0] == op::LOAD_IMMEDIATE && w[1] > u64::from(u32::MAX)),
        );
    }
    eprintln!(
        "accvm generator, {n} programs: {loops} with loops, {nested} nested, {skips} with forward skips, \
         {printing} printing 2+ lines, {early} stopping early, {big} with 64-bit immediates"
    );
    let pct = |k: usize| k as u64 * 100 / n;
    assert!(
        pct(loops) >= 50 && pct(nested) >= 15 && pct(skips) >= 40,
        "too few loops or skips"
    );
    assert!(
        pct(printing) >= 50 && pct(big) >= 30,
        "too few prints or large values"
    );
    assert!(
        pct(early) >= 5 && pct(early) <= 60,
        "early stops: {early} of {n}"
    );
}

/// The check can fail: a function specialized to *another* program (one
/// immediate changed) must be reported as a mismatch, and the test's
/// failure report must show it; in a batch, only that program's slot.
#[test]
fn accvm_a_wrong_specialization_is_caught() {
    let harness = harness();
    let programs: Vec<Program> = (0..200u64).map(program_for_seed).collect();
    let wrong: Vec<Option<Program>> =
        programs.iter().zip(0u64..).map(|(p, seed)| mutate_visibly(p, seed)).collect();
    let pairs: Vec<(&Program, &Program)> =
        programs.iter().zip(&wrong).map(|(p, w)| (p, w.as_ref().unwrap_or(p))).collect();
    let out = harness.specialize(&pairs).expect("specialize");
    let runs = harness.run_both(&out.wasm, pairs.len()).expect("run");
    let mut caught = 0;
    for (seed, ((program, wrong), (generic, specialized))) in programs.iter().zip(&wrong).zip(runs).enumerate() {
        let (expected, _, _) = accvm_gen::model(&program.words, program.len(), accvm_gen::MAX_STEPS);
        assert_eq!(generic.stdout, expected, "seed {seed}");
        if wrong.is_none() {
            assert_eq!(generic, specialized, "seed {seed}: unchanged program");
            continue;
        }
        assert_ne!(generic, specialized, "seed {seed}: a function specialized to another program went unnoticed");
        let failure = Failure::Mismatch { flavour: "specialized", generic, specialized }.describe();
        assert!(failure.contains("run_specialized:"), "{failure}");
        caught += 1;
    }
    assert!(caught >= 4, "only {caught} programs with a visible mutation in 200 seeds");
}

/// `program` with one LOAD_IMMEDIATE operand changed so that the model's
/// output changes, if there is such an operand.
fn mutate_visibly(program: &Program, seed: u64) -> Option<Program> {
    let (before, _, _) = accvm_gen::model(&program.words, program.len(), accvm_gen::MAX_STEPS);
    let mut rng = Rng::new(seed ^ 0x5eed);
    let sites: Vec<usize> = accvm_gen::instruction_starts(&program.words)
        .into_iter()
        .filter(|&i| program.words[i] == op::LOAD_IMMEDIATE)
        .collect();
    for _ in 0..sites.len().min(8) {
        let at = sites[rng.below(sites.len() as u64) as usize] + 1;
        let mut words = program.words.clone();
        words[at] = words[at].wrapping_add(1 + rng.below(1000));
        let (after, stop, _) = accvm_gen::model(&words, words.len() as u32, accvm_gen::MAX_STEPS);
        if stop != accvm_gen::Stop::TooLong && after != before {
            return Some(Program { words });
        }
    }
    None
}
