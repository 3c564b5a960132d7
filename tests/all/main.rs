//! All integration tests, in one binary so wasmtime is linked once.

mod cli;
mod corrupt;
mod filetests;
mod guests;
mod harness;
