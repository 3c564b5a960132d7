//! Choices: runtime values known to be one of a few constants.
//!
//! `pc = acc ? target : pc + 2` compiles to a `select` of two constants on a
//! runtime condition; `pc = acc < 0 ? a : acc == 0 ? b : c` to nested
//! selects; and clang is free to put `i32.wrap_i64`, `ip - code` or
//! `pc + 1` between the select and the intrinsic that needs the PC. A
//! choice is a small decision tree over runtime conditions whose leaves are
//! constants (with their buffer provenance). Pure operators map over the
//! leaves; on an edge to a pinned parameter the engine splits the edge into
//! one branch per leaf, so each path continues with its own constant.
//!
//! Trees are interned per request and capped at [`MAX_LEAVES`] leaves; a
//! bigger tree is just a runtime value (the caller gets `None`).

use waffle::{Operator, Value};

use super::fold;
use super::state::{AVal, ChoiceId};

/// Leaves one choice may have: a tree this size is a small switch, bigger
/// ones stop being worth splitting edges for.
pub const MAX_LEAVES: usize = 16;

#[derive(Clone, Copy, Debug)]
pub enum Node {
    /// A constant (always `AVal::Const`).
    Leaf(AVal),
    /// `cond != 0 ? t : f`, with `cond` a value of the specialized function.
    Branch { cond: Value, t: ChoiceId, f: ChoiceId },
}

#[derive(Default)]
pub struct Choices {
    nodes: Vec<(Node, usize)>,
}

impl Choices {
    pub fn node(&self, id: ChoiceId) -> Node {
        self.nodes[id as usize].0
    }

    fn leaves(&self, id: ChoiceId) -> usize {
        self.nodes[id as usize].1
    }

    fn push(&mut self, node: Node, leaves: usize) -> ChoiceId {
        self.nodes.push((node, leaves));
        (self.nodes.len() - 1) as ChoiceId
    }

    /// The tree of a constant or a choice; `None` for anything else.
    pub fn of(&mut self, a: AVal) -> Option<ChoiceId> {
        match a {
            AVal::Const { .. } => Some(self.push(Node::Leaf(a), 1)),
            AVal::Choice { tree, .. } => Some(tree),
            _ => None,
        }
    }

    /// `cond ? t : f` over two constants or choices.
    pub fn select(&mut self, cond: Value, t: AVal, f: AVal) -> Option<ChoiceId> {
        let (t, f) = (self.of(t)?, self.of(f)?);
        let leaves = self.leaves(t) + self.leaves(f);
        (leaves <= MAX_LEAVES).then(|| self.push(Node::Branch { cond, t, f }, leaves))
    }

    /// A pure operator applied to constants and at least one choice, as a
    /// choice of its folded results; `None` if any combination does not
    /// fold (it would trap, or is a NaN) or the tree grows too big.
    pub fn apply(&mut self, op: &Operator, args: &[AVal]) -> Option<ChoiceId> {
        let Some(at) = args.iter().position(|a| matches!(a, AVal::Choice { .. })) else {
            let folded = fold::fold(op, args)?;
            return Some(self.push(Node::Leaf(folded), 1));
        };
        let AVal::Choice { tree, .. } = args[at] else { return None };
        self.apply_at(op, args, at, tree)
    }

    fn apply_at(&mut self, op: &Operator, args: &[AVal], at: usize, tree: ChoiceId) -> Option<ChoiceId> {
        match self.node(tree) {
            Node::Leaf(k) => {
                let mut with = args.to_vec();
                with[at] = k;
                self.apply(op, &with)
            }
            Node::Branch { cond, t, f } => {
                let t = self.apply_at(op, args, at, t)?;
                let f = self.apply_at(op, args, at, f)?;
                let leaves = self.leaves(t) + self.leaves(f);
                (leaves <= MAX_LEAVES).then(|| self.push(Node::Branch { cond, t, f }, leaves))
            }
        }
    }

    /// A load through a choice of addresses, each inside constant memory:
    /// the choice of the loaded constants (`None` if any address is not).
    pub fn load(&mut self, tree: ChoiceId, fold_load: &dyn Fn(AVal) -> Option<AVal>) -> Option<ChoiceId> {
        match self.node(tree) {
            Node::Leaf(addr) => {
                let loaded = fold_load(addr)?;
                Some(self.push(Node::Leaf(loaded), 1))
            }
            Node::Branch { cond, t, f } => {
                let t = self.load(t, fold_load)?;
                let f = self.load(f, fold_load)?;
                let leaves = self.leaves(t) + self.leaves(f);
                Some(self.push(Node::Branch { cond, t, f }, leaves))
            }
        }
    }

    /// The tree's only constant, when every leaf is the same one.
    pub fn single(&self, tree: ChoiceId) -> Option<AVal> {
        match self.node(tree) {
            Node::Leaf(k) => Some(k),
            Node::Branch { t, f, .. } => {
                let (t, f) = (self.single(t)?, self.single(f)?);
                (t == f).then_some(t)
            }
        }
    }
}
