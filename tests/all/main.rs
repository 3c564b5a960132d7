//! All integration tests, in one binary so wasmtime is linked once.

mod abi;
mod cli;
mod corrupt;
mod example;
mod filetests;
mod guests;
mod harness;
