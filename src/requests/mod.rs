//! Specialization requests filed by the guest in its memory snapshot.

pub mod abi;
pub mod read;

pub use read::{find_requests, ArgSpec, ConstArg, Request, RequestList};
