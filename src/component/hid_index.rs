//! Where each element with listeners is in a large retained tree: a cache from hid to the
//! path of child positions that leads to it, so that an event finds its handler without
//! walking the whole tree.
//!
//! Only a hint: [`Tree::dispatch`](super::Tree::dispatch) follows the path and checks that
//! the element it reaches has the event's hid (hids are never reused in a session), and
//! walks the tree when it does not. So a render that moved, removed or inserted elements
//! needs no bookkeeping here; the first event after it that misses rebuilds the cache.
//! Touches nothing but the retained tree it is given, read-only.

use std::collections::HashMap;

use crate::vdom::node::VNode;

/// A tree with fewer elements than this is walked: the walk is cheap there, and the cache
/// would cost memory in every session.
pub(crate) const MIN_NODES: usize = 1024;

/// The path of child positions to every element with listeners. A step is an index in an
/// element's children, or 0 for a component's rendered output.
#[derive(Default)]
pub(crate) struct HidIndex {
    /// hid → (start, end) in `steps`.
    at: HashMap<u32, (u32, u32)>,
    steps: Vec<u32>,
}

impl HidIndex {
    /// Indexes every element with listeners below `root` (through components' outputs).
    pub(crate) fn build(root: &VNode) -> HidIndex {
        let mut ix = HidIndex::default();
        let mut path = Vec::new();
        ix.add(root, &mut path);
        ix.at.shrink_to_fit();
        ix.steps.shrink_to_fit();
        ix
    }

    fn add(&mut self, node: &VNode, path: &mut Vec<u32>) {
        match node {
            VNode::Element(e) => {
                if !e.listeners.is_empty() {
                    let start = self.steps.len() as u32;
                    self.steps.extend_from_slice(path);
                    self.at.insert(e.hid, (start, self.steps.len() as u32));
                }
                for (i, c) in e.children.iter().enumerate() {
                    path.push(i as u32);
                    self.add(c, path);
                    path.pop();
                }
            }
            VNode::Component(c) => {
                if let Some(out) = c.rendered() {
                    path.push(0);
                    self.add(&out, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// The path to element `hid` as it was when the index was built.
    pub(crate) fn path(&self, hid: u32) -> Option<&[u32]> {
        let &(s, e) = self.at.get(&hid)?;
        self.steps.get(s as usize..e as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vdom::node::{Element, Listener, Modifiers};
    use std::rc::Rc;

    fn el(hid: u32, listen: bool, children: Vec<VNode>) -> VNode {
        let mut e = Element::new("div");
        e.hid = hid;
        e.children = children.into();
        if listen {
            e.listeners.push(Listener {
                event: "click",
                modifiers: Modifiers::default(),
                handler: Rc::new(|_| Ok(())),
            });
        }
        VNode::Element(Box::new(e))
    }

    #[test]
    fn paths_lead_to_elements_with_listeners_only() {
        let root = el(
            1,
            false,
            vec![
                VNode::Text("t".into()),
                el(2, true, vec![el(3, true, vec![])]),
            ],
        );
        let ix = HidIndex::build(&root);
        assert_eq!(ix.path(2), Some(&[1][..]));
        assert_eq!(ix.path(3), Some(&[1, 0][..]));
        assert_eq!(ix.path(1), None, "no listeners, not indexed");
        assert_eq!(ix.path(9), None);
    }
}
