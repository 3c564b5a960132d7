//! What an edge carries besides its arguments, shared between edges.
//!
//! Every abstract edge (`engine::Edge`) keeps the extras (lifted registers,
//! memory facts, cached slots) and the pending slots of the walk that took
//! it, because `finalize` builds the edge's arguments and stores from them
//! only once the fixpoint is reached. A copy per edge was most of a big
//! request's memory: a Lua loop of 600 `if`s kept 66,000 blocks, each with
//! its edges' maps of a few dozen entries.
//!
//! The edges out of one walk almost always carry the same state (both arms
//! of a branch, every case of a switch), and a walk that ends like the one
//! before it often does too. So the state is kept behind an `Rc`, and a new
//! edge whose state equals the last one shared takes that `Rc` instead of a
//! copy. Comparing costs no more than the copy it saves, and the maps never
//! change once shared: `finalize` only reads them.

use std::collections::BTreeSet;
use std::rc::Rc;

use super::state::{Extras, SlotKey};

/// The last extras and pending slots handed to an edge.
#[derive(Default)]
pub struct EdgeState {
    extras: Rc<Extras>,
    dirty: Rc<BTreeSet<SlotKey>>,
}

impl EdgeState {
    /// The shared copies of `extras` and `dirty` for a new edge.
    pub fn share(&mut self, extras: &Extras, dirty: &BTreeSet<SlotKey>) -> (Rc<Extras>, Rc<BTreeSet<SlotKey>>) {
        if *self.extras != *extras {
            self.extras = Rc::new(extras.clone());
        }
        if *self.dirty != *dirty {
            self.dirty = Rc::new(dirty.clone());
        }
        (Rc::clone(&self.extras), Rc::clone(&self.dirty))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specialize::state::{AVal, Extra, Konst};

    fn extras(reg: u64, value: u32) -> Extras {
        [(Extra::Reg(reg), AVal::konst(Konst::I32(value)))].into_iter().collect()
    }

    #[test]
    fn equal_states_share_one_copy_and_a_different_one_gets_its_own() {
        let mut shared = EdgeState::default();
        let dirty = BTreeSet::new();
        let (a, da) = shared.share(&extras(1, 7), &dirty);
        let (b, db) = shared.share(&extras(1, 7), &dirty);
        assert!(Rc::ptr_eq(&a, &b) && Rc::ptr_eq(&da, &db));
        let (c, dc) = shared.share(&extras(1, 8), &dirty);
        assert!(!Rc::ptr_eq(&a, &c));
        assert!(Rc::ptr_eq(&da, &dc));
        // What each edge got is what it was given, whatever came after.
        assert_eq!(*a, extras(1, 7));
        assert_eq!(*c, extras(1, 8));
    }
}
