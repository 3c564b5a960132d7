//! Differential test of the specializer on a Lua-style register VM
//! (tests/guests/regvm_diff.c): random valid programs (numeric for loops,
//! if/else, breaks, runs of up to 16 independent `if (x) r = ...`, early
//! stops, traps and exits; see `regvm_gen.rs`) run through the generic
//! interpreter and through two functions pweval specialized to each, one
//! with the registers as plain memory accesses and one with them behind
//! `read.local`/`write.local` (which pweval keeps in SSA values). All three
//! must print the same, end the same way (return, trap or exit code) and
//! agree with the reference model, and each specialized function must stay
//! within a number of blocks linear in the program
//! (`diff_harness::block_bound`).
//!
//! Batches of up to 256 programs (512 requests) per snapshot, one pweval
//! run and one compilation each (see `diff_harness.rs`). Four tests of
//! `PER_TEST` programs with different seeds; `REGVM_DIFF_PROGRAMS=N` runs N
//! programs per test instead. A failure lists the smallest failing
//! programs with their seeds (replay with `regvm_gen::program_for_seed`),
//! the outputs, and the pweval input saved under `target/tmp/regvm_diff/`.

#[path = "regvm_gen.rs"]
mod regvm_gen;

use std::sync::OnceLock;

use regvm_gen::{model, op, program_for_seed, End, Program, BATCH, CODE, INPUTS, K, MAX_STEPS, TRAP};

use crate::diff_harness::{env_count, verdict, Checked, Failure, Guest, Run, Suite};

/// Programs per test; four tests make 2,500 (5,000 requests).
const PER_TEST: u64 = 625;
/// Programs per pweval run (at most `BATCH`).
const PER_BATCH: u64 = 209;
/// Bytes of the guest's `Proto`.
const PROTO: u64 = (K * 8 + CODE * 4) as u64;

struct Harness {
    guest: Guest,
    protos: u64,
    lens: u64,
    inputs: u64,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Result<Harness, String>> = OnceLock::new();
    HARNESS
        .get_or_init(|| {
            let guest = Guest::new(&super::guests::guest("regvm_diff.wasm"))?;
            if guest.slots.len() != 2 * BATCH || guest.slots.values().any(|s| s.bytes_len as u64 != PROTO) {
                return Err(format!("expected {} requests on {PROTO}-byte protos", 2 * BATCH));
            }
            let protos = guest.accessor("regvm.protos")?;
            let lens = guest.accessor("regvm.lens")?;
            let inputs = guest.accessor("regvm.inputs")?;
            Ok(Harness { guest, protos, lens, inputs })
        })
        .as_ref()
        .unwrap_or_else(|e| panic!("setting up the regvm guest: {e}"))
}

/// The two flavours' exports and their requests' user_ids for slot `i`.
fn flavours(i: usize) -> [(&'static str, u32); 2] {
    [("mem", 2 * i as u32 + 1), ("local", 2 * i as u32 + 2)]
}

impl Harness {
    /// The snapshot with `programs[i]` in slot i: the guest's arrays and
    /// both requests' copies.
    fn patched(&self, programs: &[Program]) -> Result<Vec<u8>, String> {
        let pairs: Vec<(&Program, &Program)> = programs.iter().map(|p| (p, p)).collect();
        self.patched_pairs(&pairs)
    }

    /// The same with `pairs[i].0` in the guest's arrays (what run_generic
    /// runs) and `pairs[i].1` in the requests (what pweval specializes on).
    fn patched_pairs(&self, pairs: &[(&Program, &Program)]) -> Result<Vec<u8>, String> {
        let mut patches = Vec::new();
        for (i, (p, q)) in pairs.iter().enumerate() {
            let at = i as u64;
            patches.push((self.protos + at * PROTO, p.proto_bytes()));
            patches.push((self.lens + at * 4, p.len().to_le_bytes().to_vec()));
            patches.push((self.inputs + at * INPUTS as u64 * 8, p.input_bytes()));
            for (_, id) in flavours(i) {
                let slot = self.guest.slot(id)?;
                patches.push((slot.bytes, q.proto_bytes()));
                patches.push((slot.len_value, q.len().to_le_bytes().to_vec()));
            }
        }
        self.guest.patched(patches)
    }

    /// Specialize, run and compare a batch.
    fn try_batch(&self, programs: &[Program]) -> Result<Vec<Checked>, String> {
        assert!(programs.len() <= BATCH);
        let patched = self.patched(programs)?;
        let protos: Vec<Vec<u8>> = programs.iter().map(Program::proto_bytes).collect();
        let expected: Vec<(u32, &[u8], u32)> = programs
            .iter()
            .enumerate()
            .flat_map(|(i, p)| flavours(i).map(|(_, id)| (id, &protos[i][..], p.len())))
            .collect();
        Guest::verify_requests(&patched, &expected)?;
        let out = self.guest.specialize(&patched)?;
        let mut instance = self.guest.instance(&out.wasm)?;
        let mut results = Vec::new();
        for (i, p) in programs.iter().enumerate() {
            let generic = instance.call("run_generic", i as u32)?;
            let mut runs = Vec::new();
            for (export, _) in flavours(i) {
                runs.push((export, instance.call(&format!("run_{export}"), i as u32)?));
            }
            let requests = flavours(i).map(|(name, id)| out.check_request(id, name, p.code.len())).to_vec();
            let result = verdict(&requests, || compare(p, generic, runs));
            results.push(Checked { result, requests });
        }
        Ok(results)
    }
}

impl Suite for Harness {
    type Program = Program;
    const NAME: &'static str = "regvm_diff";

    fn program(seed: u64) -> Program {
        program_for_seed(seed)
    }

    fn size(program: &Program) -> usize {
        program.code.len()
    }

    fn listing(program: &Program) -> String {
        program.disassemble()
    }

    fn check_batch(&self, programs: &[Program]) -> Vec<Checked> {
        self.try_batch(programs).unwrap_or_else(|why| Checked::setup(programs.len(), 2, &why))
    }

    fn patched_alone(&self, program: &Program) -> Result<Vec<u8>, String> {
        self.patched(std::slice::from_ref(program))
    }
}

/// Every specialized flavour must agree with the generic one, and that one
/// with the model.
fn compare(program: &Program, generic: Run, runs: Vec<(&'static str, Run)>) -> Result<(), Failure> {
    for (flavour, specialized) in runs {
        if specialized != generic {
            return Err(Failure::Mismatch { flavour, generic, specialized });
        }
    }
    let (stdout, end) = model(program, MAX_STEPS);
    let trap = match end {
        End::Return => None,
        End::Trap => Some(TRAP.to_string()),
        End::Exit(code) => Some(format!("exit({code})")),
        End::TooLong => Some("the model ran out of steps".to_string()),
    };
    let expected = Run { stdout, trap };
    if generic != expected {
        return Err(Failure::Model { expected, generic });
    }
    Ok(())
}

fn check_seeds(first: u64) {
    let count = env_count("REGVM_DIFF_PROGRAMS", PER_TEST);
    crate::diff_harness::check_seeds(harness(), first, count, PER_BATCH.min(BATCH as u64));
}

#[test]
fn regvm_random_programs_agree_0() {
    check_seeds(0);
}

#[test]
fn regvm_random_programs_agree_1() {
    check_seeds(1_000_000);
}

#[test]
fn regvm_random_programs_agree_2() {
    check_seeds(2_000_000);
}

#[test]
fn regvm_random_programs_agree_3() {
    check_seeds(3_000_000);
}

/// The check can fail: functions specialized to *another* program (one
/// LOADK constant changed) must differ from the generic run, in both
/// flavours, and only in the mutated slots.
#[test]
fn regvm_a_wrong_specialization_is_caught() {
    let harness = harness();
    let programs: Vec<Program> = (0..64u64).map(|s| program_for_seed(s + 9_000_000)).collect();
    let wrong: Vec<Option<Program>> = programs.iter().map(mutate_visibly).collect();
    let pairs: Vec<(&Program, &Program)> =
        programs.iter().zip(&wrong).map(|(p, w)| (p, w.as_ref().unwrap_or(p))).collect();
    let patched = harness.patched_pairs(&pairs).expect("patch");
    let out = harness.guest.specialize(&patched).expect("specialize");
    let mut instance = harness.guest.instance(&out.wasm).expect("compile");
    let mut caught = 0;
    for (i, w) in wrong.iter().enumerate() {
        let generic = instance.call("run_generic", i as u32).unwrap();
        for (export, _) in flavours(i) {
            let specialized = instance.call(&format!("run_{export}"), i as u32).unwrap();
            if w.is_none() {
                assert_eq!(generic, specialized, "slot {i}: unchanged program, run_{export}");
                continue;
            }
            assert_ne!(generic, specialized, "slot {i}: run_{export} specialized to another program went unnoticed");
            let text = Failure::Mismatch { flavour: export, generic: generic.clone(), specialized }.describe();
            assert!(text.contains(&format!("run_{export}:")), "{text}");
            caught += 1;
        }
    }
    assert!(caught >= 20, "only {caught} mismatches caught");
}

/// `program` with the constant of one LOADK changed so that the model's
/// output changes, if there is one.
fn mutate_visibly(program: &Program) -> Option<Program> {
    let before = model(program, MAX_STEPS);
    for (at, &ins) in program.code.iter().enumerate() {
        let (o, _, _, _, bx, _) = regvm_gen::fields(ins);
        if o != op::LOADK || bx as usize >= program.k.len() {
            continue;
        }
        let mut p = program.clone();
        p.k.push(p.k[bx as usize].wrapping_add(12_345));
        if p.k.len() > K {
            return None;
        }
        p.code[at] = regvm_gen::asbx(op::LOADK, (ins >> 6) & 255, p.k.len() as i64 - 1 - regvm_gen::SBX_BIAS);
        let after = model(&p, MAX_STEPS);
        if after.1 != End::TooLong && after != before {
            return Some(p);
        }
    }
    None
}

/// The generator is deterministic and makes what the test needs: loops,
/// nested loops, breaks, branchy runs of 8 to 16, prints, every way of
/// ending, all within the code buffer.
#[test]
fn regvm_generator_makes_varied_terminating_programs() {
    let n = 1000u64;
    let mut counts = std::collections::BTreeMap::<&str, u64>::new();
    let mut longest_run = 0;
    for seed in 0..n {
        let p = program_for_seed(seed);
        assert_eq!(p, program_for_seed(seed), "seed {seed} is not deterministic");
        assert!(p.code.len() <= CODE && p.k.len() <= K);
        let (out, end) = model(&p, MAX_STEPS);
        let ops: Vec<u32> = p.code.iter().map(|&w| w & 63).collect();
        let loops = ops.iter().filter(|&&o| o == op::FORLOOP).count();
        // A branchy run: test, JMP +1, write, repeated.
        let mut run = 0;
        let mut best = 0;
        let mut at = 0;
        while at + 2 < ops.len() {
            let skip_one = regvm_gen::fields(p.code[at + 1]) .5 == 1 && ops[at + 1] == op::JMP;
            if matches!(ops[at], op::TEST | op::EQ | op::LT | op::LE) && skip_one {
                run += 1;
                best = best.max(run);
                at += 3;
            } else {
                run = 0;
                at += 1;
            }
        }
        longest_run = longest_run.max(best);
        for (what, has) in [
            ("loops", loops > 0),
            ("nested loops", loops >= 2),
            ("branchy run >= 8", best >= 8),
            ("prints 3+ lines", out.iter().filter(|&&b| b == b'\n').count() >= 5),
            ("returns", end == End::Return),
            ("traps", end == End::Trap),
            ("exits", matches!(end, End::Exit(_))),
            ("errors", String::from_utf8_lossy(&out).contains("error at pc")),
        ] {
            *counts.entry(what).or_insert(0) += u64::from(has);
        }
    }
    eprintln!("regvm generator, {n} programs: {counts:?}, longest branchy run {longest_run}");
    let pct = |what: &str| counts.get(what).copied().unwrap_or(0) * 100 / n;
    assert!(pct("loops") >= 50 && pct("nested loops") >= 20, "{counts:?}");
    assert!(pct("branchy run >= 8") >= 20 && longest_run >= 16, "{counts:?}");
    assert!(pct("prints 3+ lines") >= 30 && pct("returns") >= 60, "{counts:?}");
    assert!(counts["traps"] >= 5 && counts["exits"] >= 5 && counts["errors"] >= 20, "{counts:?}");
}
