//! Module-level plumbing: scanning the input, reading its initial memory,
//! and writing the output. Function bodies are only touched here as bytes.

pub mod memory;
pub mod parse;
pub mod rewrite;
