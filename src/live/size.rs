//! What one session costs in memory, measured: a walk of its retained tree, its resume
//! ring, its shared values and the reactive nodes its page created, never less than a
//! floor for what every session holds (connection task, socket buffers, map entry).
//!
//! Reads the session it is given; touches nothing else. Calibrated against RSS by
//! `tests/session_size.rs` (the estimate stays within a factor of 2 of the measured cost).

use std::mem::size_of;

use super::session::Session;
use crate::vdom::frozen::Footprint;
use crate::vdom::{Attr, Element, Listener, Str, VNode};

/// What every session costs whatever its page: the connection's task and WebSocket
/// buffers, the registry entry, the session and its scope (`BENCHMARKS.md`: an idle
/// counter session is ≈3–5 KiB of RSS).
///
/// # Examples
///
/// ```
/// use vango::live::size::SESSION_FLOOR;
/// // However small its page, a session is charged at least the floor against the budget,
/// // so a 1 GiB budget admits at most this many sessions:
/// assert_eq!((1usize << 30) / SESSION_FLOOR, 349_525);
/// ```
pub const SESSION_FLOOR: usize = 3 * 1024;

/// One reactive node: its arena slot plus the payload and subscription lists it owns.
///
/// # Examples
///
/// ```
/// use vango::live::size::{NODE_BYTES, SESSION_FLOOR};
/// // A page that creates 40 signals, memos and effects adds this to its session's size:
/// let nodes = 40 * NODE_BYTES;
/// assert_eq!(nodes, 8960);
/// assert!(nodes > SESSION_FLOOR, "reactive state can outweigh the fixed cost");
/// ```
pub const NODE_BYTES: usize = 224;

/// One shared value (a `SharedSignal` or `SharedMemo` slot of the session's store).
const SHARED_VALUE_BYTES: usize = 96;

/// One mounted component instance besides its output and nodes: the instance, its
/// render closure, its slot.
const COMPONENT_BYTES: usize = 256;

/// One handler: an `Rc` of its closure (the counts, the captures: a few words).
const HANDLER_BYTES: usize = 64;

/// The allocator's bookkeeping and rounding per heap block (glibc: 16 bytes of header,
/// sizes rounded up to 16).
const BLOCK_OVERHEAD: usize = 16;

fn block(bytes: usize) -> usize {
    if bytes == 0 {
        0
    } else {
        bytes.next_multiple_of(16) + BLOCK_OVERHEAD
    }
}

fn str_bytes(s: &Str) -> usize {
    match s.heap_len() {
        0 => 0,
        n => block(n),
    }
}

/// The heap bytes a retained tree holds below `node` (not `node` itself, which lives in
/// its parent's child list or in the view).
///
/// # Examples
///
/// ```
/// use vango::live::size::tree_bytes;
/// use vango::vdom::{Element, VNode};
/// let leaf = VNode::Element(Box::new(Element::new("p")));
/// let mut ul = Element::new("ul");
/// // One child is held inline; a text of more than 22 bytes is a heap block.
/// ul.children = vec![VNode::Text(String::from("a text longer than 22 bytes").into())].into();
/// let parent = VNode::Element(Box::new(ul));
/// assert!(tree_bytes(&leaf) > 0);
/// assert!(tree_bytes(&parent) > tree_bytes(&leaf));
/// ```
pub fn tree_bytes(node: &VNode) -> usize {
    match node {
        VNode::Empty => 0,
        VNode::Text(t) => str_bytes(t),
        VNode::Raw(r) => r.as_str().len().next_multiple_of(16) + BLOCK_OVERHEAD,
        VNode::Fragment(c) => children_bytes(c),
        VNode::Element(e) => element_bytes(e),
        VNode::Component(c) => {
            COMPONENT_BYTES
                + c.rendered()
                    .map_or(0, |o| block(size_of::<VNode>()) + tree_bytes(&o))
        }
    }
}

/// The heap bytes a hibernated tree holds: its packed bytes and held lists, the handlers
/// and component instances they keep (see [`Footprint`]).
///
/// # Examples
///
/// ```
/// use vango::component::Tree;
/// use vango::live::size::{frozen_bytes, tree_bytes};
/// use vango::prelude::*;
/// let rows = || ul((0..50).map(|i| li((span(format!("Row {i}")), button("+1").on_click(|_| {})))).collect::<Vec<_>>());
/// let mut tree = Tree::mount(move || rows);
/// let awake = tree_bytes(tree.root());
/// tree.hibernate();
/// let asleep = frozen_bytes(&tree.footprint().unwrap());
/// assert!(asleep * 3 < awake, "{asleep} packed against {awake} retained");
/// ```
pub fn frozen_bytes(fp: &Footprint) -> usize {
    fp.bytes
        + fp.blocks * BLOCK_OVERHEAD
        + fp.handlers * block(HANDLER_BYTES)
        + fp.components * COMPONENT_BYTES
}

fn children_bytes(c: &[VNode]) -> usize {
    block(std::mem::size_of_val(c)) + c.iter().map(tree_bytes).sum::<usize>()
}

fn element_bytes(e: &Element) -> usize {
    let attrs: usize = e
        .attrs
        .iter()
        .map(|a| str_bytes(&a.name) + a.value.as_str().map_or(0, |_| attr_value_bytes(a)))
        .sum();
    let listeners = e.listeners.len() * block(HANDLER_BYTES);
    block(size_of::<Element>())
        + block(e.attrs.len() * size_of::<Attr>())
        + attrs
        + block(e.listeners.len() * size_of::<Listener>())
        + listeners
        + block(e.children.capacity() * size_of::<VNode>())
        + e.children.iter().map(tree_bytes).sum::<usize>()
}

fn attr_value_bytes(a: &Attr) -> usize {
    match &a.value {
        crate::vdom::AttrValue::Str(s) | crate::vdom::AttrValue::Trusted(s) => str_bytes(s),
        crate::vdom::AttrValue::Bool(_) => 0,
    }
}

/// The measured size of `s`: its retained tree, its ring, its shared values, the reactive
/// nodes its page created (`nodes`, counted when it mounted), and the floor.
pub(crate) fn session_bytes(s: &Session, nodes: usize) -> usize {
    SESSION_FLOOR
        + match s.view.footprint() {
            Some(fp) => frozen_bytes(&fp),
            None => tree_bytes(s.view.root()),
        }
        + block(s.ring_capacity())
        + s.scope.shared_values() * SHARED_VALUE_BYTES
        + nodes * NODE_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::session::tests::session;

    #[test]
    fn a_bare_session_costs_the_floor_and_its_tree() {
        let s = session();
        let n = session_bytes(&s, 0);
        assert!(n >= SESSION_FLOOR);
        assert!(n < SESSION_FLOOR + 512, "{n}");
        assert_eq!(session_bytes(&s, 10), n + 10 * NODE_BYTES);
    }

    #[test]
    fn owned_text_counts_and_borrowed_text_does_not() {
        let owned = VNode::Text("x".repeat(1000).into());
        let borrowed = VNode::Text(Str::from("static text"));
        assert!(tree_bytes(&owned) >= 1000);
        assert_eq!(tree_bytes(&borrowed), 0);
    }
}
