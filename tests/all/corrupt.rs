//! Malformed input never panics: truncated and bit-flipped copies of real
//! modules must give a clean error or a valid output.

use std::path::Path;

use super::stackvm_diff::stackvm_gen::Rng;

fn seeds() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "wat") {
                if let Ok(wasm) = wat::parse_file(&path) {
                    out.push((path.display().to_string(), wasm));
                }
            }
        }
    }
    out.sort();
    // A real snapshot with a live request list, so corrupted requests,
    // accessors and data segments reach the request reader and the IR.
    let snap = pweval::snapshot::wizen(&super::guests::guest("all_intrinsics_c.wasm"), &Default::default())
        .expect("wizen the C guest");
    out.push(("C guest snapshot".into(), snap));
    out
}

/// Feed one input to pweval; a panic is the only failure.
fn survives(input: &[u8], rewrite_all: bool) -> Result<(), String> {
    let options = pweval::Options { rewrite_all, ..pweval::Options::default() };
    match std::panic::catch_unwind(|| pweval::process(input, &options)) {
        Ok(Ok(out)) => {
            // process() validates before returning; check again independently.
            wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
                .validate_all(&out.wasm)
                .map(|_| ())
                .map_err(|e| format!("invalid output: {e}"))
        }
        Ok(Err(e)) => {
            let msg = e.to_string();
            if msg.is_empty() || msg.contains('\n') {
                Err(format!("error message is not one line: {msg:?}"))
            } else {
                Ok(())
            }
        }
        Err(_) => Err("panicked".into()),
    }
}

#[test]
fn truncated_and_bit_flipped_modules_never_panic() {
    let seeds = seeds();
    assert!(!seeds.is_empty());
    let mut rng = Rng::new(0x5eed);
    let mut tried = 0;
    let mut failures = Vec::new();
    let per_seed = 1200 / seeds.len() + 1;
    for (name, wasm) in &seeds {
        for i in 0..per_seed {
            let mut bytes = wasm.clone();
            let what = match i % 3 {
                0 => {
                    let len = rng.below(bytes.len() as u64) as usize;
                    bytes.truncate(len);
                    format!("truncated to {len}")
                }
                1 => {
                    let at = rng.below(bytes.len() as u64) as usize;
                    let bit = rng.below(8);
                    bytes[at] ^= 1 << bit;
                    format!("bit {bit} of byte {at} flipped")
                }
                _ => {
                    let at = rng.below(bytes.len() as u64) as usize;
                    bytes[at] = rng.next_u64() as u8;
                    format!("byte {at} replaced")
                }
            };
            for rewrite_all in [false, true] {
                if let Err(e) = survives(&bytes, rewrite_all) {
                    failures.push(format!("{name} {what} (rewrite_all {rewrite_all}): {e}"));
                }
            }
            tried += 1;
        }
    }
    assert!(tried >= 1000, "only {tried} corrupted inputs");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
