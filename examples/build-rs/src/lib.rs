//! The seed interpreter, specialized to its bytecode at build time by
//! `build.rs` with the pweval library, embedded in this crate.

/// A WASI command module: prints `Result: 500500`.
pub const INTERP_SPECIALIZED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/interp.pweval.wasm"));
