//! The request ABI shared with guests: the one source of truth for offsets
//! and sizes. `include/weval.h` repeats them as macros checked with
//! `_Static_assert`, and `tests/all/abi.rs` compiles the header against
//! *these* constants, so the two cannot drift apart unnoticed.

/// Export returning the address of the request-list head pointer.
pub const EXPORT_PENDING_HEAD: &str = "weval.pending.head";
/// Export returning the address of the one-byte "is specialized" flag.
pub const EXPORT_IS_WEVALED: &str = "weval.is.wevaled";

/// `weval_req_t`: a request, 32 bytes on wasm32.
pub mod req {
    pub const NEXT: u64 = 0;
    pub const PREV: u64 = 4;
    pub const USER_ID: u64 = 8;
    pub const NUM_GLOBALS: u64 = 12;
    pub const FUNC: u64 = 16;
    pub const ARGBUF: u64 = 20;
    pub const ARGLEN: u64 = 24;
    pub const SPECIALIZED: u64 = 28;
    pub const SIZE: u64 = 32;
}

/// `weval_req_arg_t`: one argument record, 16 bytes, then inline bytes for
/// a buffer.
pub mod arg {
    pub const SPECIALIZE: u64 = 0;
    pub const TY: u64 = 4;
    pub const VALUE: u64 = 8;
    pub const BUF_LEN: u64 = 8;
    pub const BUF_PADDED_LEN: u64 = 12;
    pub const SIZE: u64 = 16;
}

/// Argument type tags (`weval_req_arg_type`).
pub mod ty {
    pub const I32: u32 = 0;
    pub const I64: u32 = 1;
    pub const F32: u32 = 2;
    pub const F64: u32 = 3;
    pub const BUFFER: u32 = 4;
    pub const NONE: u32 = 255;
}

/// Size of the "is specialized" flag (`bool` in C).
pub const IS_WEVALED_SIZE: u64 = 1;
