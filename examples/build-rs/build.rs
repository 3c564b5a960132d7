//! Build the seed interpreter (../interp-c) for wasm32-wasi, snapshot it and
//! specialize it with the pweval library (no shelling out to pweval), and
//! leave the result in OUT_DIR for `include_bytes!`.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    let guest_dir = manifest.join("../interp-c");
    for file in ["interp.c", "accvm.h", "Makefile", "../../include/weval.h"] {
        println!("cargo:rerun-if-changed={}", guest_dir.join(file).display());
    }

    // 1. Build the guest (a C interpreter with one specialization request).
    let build = out.join("interp");
    let status = Command::new("make")
        .arg("-s")
        .arg("-C")
        .arg(&guest_dir)
        .arg(format!("OUT={}", build.display()))
        .arg("LOOP_COUNT=1000")
        .arg(format!("{}/interp.wasm", build.display()))
        .status()
        .expect("run make (is the wasm32-wasi toolchain installed? scripts/install-toolchain.sh)");
    assert!(status.success(), "building the guest failed");
    let guest = std::fs::read(build.join("interp.wasm")).expect("guest module");

    // 2. Snapshot and specialize in-process.
    let options = pweval::Options { wizen: Some(pweval::WizenOptions::default()), strict: true, ..Default::default() };
    let output = pweval::process(&guest, &options).unwrap_or_else(|e| panic!("pweval: {e}"));
    for line in &output.report.diagnostics {
        println!("cargo:warning={line}");
    }
    std::fs::write(out.join("interp.pweval.wasm"), &output.wasm).expect("write output");
}
