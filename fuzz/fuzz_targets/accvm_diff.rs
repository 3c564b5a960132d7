//! Differential fuzzing of the specializer on the example VM: the fuzzer's
//! bytes drive the same program generator as `cargo test`'s accvm_diff
//! tests (tests/all/accvm_gen.rs, 8 bytes per random choice, then a
//! pseudo-random continuation seeded by them), and the program goes through
//! the same check (tests/all/accvm_harness.rs): pweval specializes the guest
//! tests/guests/accvm_diff.c to it, and `run_generic` and `run_specialized`
//! of the output must print the same and trap alike (and match the model).
//! Any difference panics with the program's assembly and both outputs.
//!
//! The guest is built (tests/guests/build.sh, needs the wasm32-wasi C
//! toolchain) and wizened once per process, into
//! $PWEVAL_FUZZ_GUESTS or <temp dir>/pweval-fuzz-guests.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/all/accvm_gen.rs"]
mod accvm_gen;
#[path = "../../tests/all/accvm_harness.rs"]
mod accvm_harness;
#[path = "../../tests/all/diff_harness.rs"]
mod diff_harness;

use accvm_harness::Harness;

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let out = std::env::var_os("PWEVAL_FUZZ_GUESTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("pweval-fuzz-guests"));
        let status = std::process::Command::new("bash")
            .arg(root.join("tests/guests/build.sh"))
            .arg(&out)
            .status()
            .expect("running tests/guests/build.sh");
        assert!(
            status.success(),
            "building tests/guests failed; run scripts/install-toolchain.sh"
        );
        let guest = std::fs::read(out.join("accvm_diff.wasm")).expect("accvm_diff.wasm");
        Harness::new(&guest).unwrap_or_else(|e| panic!("setting up the accvm guest: {e}"))
    })
}

fuzz_target!(|data: &[u8]| {
    let program = accvm_gen::generate(&mut accvm_gen::Rng::from_bytes(data));
    if let Err(failure) = harness().check(&program) {
        panic!(
            "accvm differential check failed for this {}-word program:\n{}{}",
            program.words.len(),
            program.disassemble(),
            failure.describe()
        );
    }
});
