//! All integration tests, in one binary so wasmtime is linked once.

mod corrupt;
mod filetests;
mod harness;
