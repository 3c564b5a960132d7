//! All integration tests, in one binary so wasmtime is linked once.

mod abi;
mod accvm_diff;
mod budgets;
mod cli;
mod corrupt;
mod diff_harness;
mod example;
mod filetests;
mod guests;
mod header;
mod shapes;
mod regvm_diff;
mod stackvm;
mod stackvm_diff;
mod threaded;
mod harness;
mod lua;
mod lua_gen;
