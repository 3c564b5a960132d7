//! Context arrivals: one way into each bytecode context's code.
//!
//! A specialized block is keyed by its generic block and its context, so
//! all the ways into a context meet at the first generic block they have
//! in common. Where the guest changes the context in the interpreter
//! loop's header (the usual `update_context(pc)` at the top of the loop),
//! that is the rest of the header itself, one block. But compilers
//! tail-duplicate the fetch into every handler: clang gives PUC-Rio Lua's
//! `luaV_execute` about 80 copies of it, each with its own context update
//! and its own tail (the branches of the guest's fetch, the `pc++`) before
//! the jump to the dispatch. A context reached from two handlers then
//! starts at two different specialized blocks, and both can be on the
//! bytecode loop that the context heads. A loop entered at two blocks is
//! irreducible, and waffle's backend duplicates code until it is not
//! (`lowering.rs` counts and bounds that).
//!
//! So a context change made outside a generic loop header keys the blocks
//! after it by where they came from too (the context before the change,
//! `Key::arrived`), up to the next generic loop header, where the key
//! drops it again. Every way into a context then meets at that header (the
//! interpreter's dispatch): the one block all of them share. The tails
//! keyed this way are a fetch's last few blocks, one copy per bytecode
//! edge into the context, so the cost grows with the edges of the
//! bytecode, not with its paths.
//!
//! A change made in a loop header is not keyed: what follows it is shared
//! by every way in already, and keying it would copy a whole handler per
//! bytecode edge.

use std::collections::HashSet;

use waffle::cfg::CFGInfo;
use waffle::{Block, FunctionBody};

use super::state::CtxId;

/// The generic function's loop headers: targets of a retreating edge in
/// reverse postorder.
pub fn loop_headers(g: &FunctionBody) -> HashSet<Block> {
    let cfg = CFGInfo::new(g);
    let mut headers = HashSet::new();
    for &b in cfg.rpo.values() {
        let Some(bi) = cfg.rpo_pos[b] else { continue };
        for &s in &g.blocks[b].succs {
            if cfg.rpo_pos[s].is_some_and(|si| si <= bi) {
                headers.insert(s);
            }
        }
    }
    headers
}

/// The walk of `gblock` changed the context from `before`: from here on
/// its blocks remember `before`, unless they already remember an earlier
/// one or the change was made in a loop header.
pub fn after_change(
    headers: &HashSet<Block>,
    gblock: Block,
    before: CtxId,
    arrived: &mut Option<CtxId>,
) {
    if arrived.is_none() && !headers.contains(&gblock) {
        *arrived = Some(before);
    }
}

/// What the key of the block for an edge into `gtarget` in context `ctx`
/// remembers: nothing at a loop header, or when the context is back to
/// where it came from.
pub fn for_edge(
    headers: &HashSet<Block>,
    gtarget: Block,
    ctx: CtxId,
    arrived: Option<CtxId>,
) -> Option<CtxId> {
    match arrived {
        Some(from) if from != ctx && !headers.contains(&gtarget) => Some(from),
        _ => None,
    }
}
