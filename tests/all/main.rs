//! All integration tests, in one binary so wasmtime is linked once.

mod filetests;
mod harness;
