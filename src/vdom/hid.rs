//! Hydration-id allocation and tree normalization (flatten fragments, merge texts).
//!
//! Touches only `vdom::node`. Nothing here allocates when the tree is already normalized.

use std::mem;

use crate::vdom::node::{Children, Element, VNode};

/// Hands out hydration ids for one tree: `1, 2, 3, …`, never `0`.
///
/// # Examples
///
/// ```
/// use vango::vdom::hid::HidAlloc;
/// let mut ids = HidAlloc::new(1);
/// assert_eq!(ids.next_hid(), 1);
/// assert_eq!(ids.next_hid(), 2);
/// ```
#[derive(Clone, Debug)]
pub struct HidAlloc {
    next: u32,
}

impl HidAlloc {
    /// An allocator whose first id is `first` (`0` is skipped).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::hid::HidAlloc;
    /// assert_eq!(HidAlloc::new(10).next_hid(), 10);
    /// assert_eq!(HidAlloc::new(0).next_hid(), 1, "0 is never handed out");
    /// ```
    pub fn new(first: u32) -> Self {
        HidAlloc { next: first.max(1) }
    }

    /// The next free id. Wraps to 1 after `u32::MAX` (a session never gets there).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::hid::HidAlloc;
    /// let mut ids = HidAlloc::new(u32::MAX);
    /// assert_eq!(ids.next_hid(), u32::MAX);
    /// assert_eq!(ids.next_hid(), 1);
    /// ```
    pub fn next_hid(&mut self) -> u32 {
        let id = self.next;
        self.next = self.next.checked_add(1).unwrap_or(1);
        id
    }

    /// The id the next call to [`HidAlloc::next_hid`] returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::hid::HidAlloc;
    /// let mut ids = HidAlloc::new(5);
    /// assert_eq!(ids.peek(), 5);
    /// ids.next_hid();
    /// assert_eq!(ids.peek(), 6);
    /// ```
    pub fn peek(&self) -> u32 {
        self.next
    }
}

impl Default for HidAlloc {
    fn default() -> Self {
        HidAlloc::new(1)
    }
}

/// Brings `node` (and every element below it, not into components) into the normalized
/// form [`VNode`] documents: fragments flattened, `Empty` and empty texts dropped,
/// adjacent texts merged. A top-level `Fragment`/`Empty` is left as it is.
///
/// # Examples
///
/// ```
/// use vango::vdom::{hid::normalize, Element, VNode};
/// let mut e = Element::new("p");
/// e.children = vec![VNode::Text("a".into()), VNode::Fragment(vec![VNode::Text("b".into())])].into();
/// let mut n = VNode::Element(Box::new(e));
/// normalize(&mut n);
/// assert_eq!(n.as_element().unwrap().children.len(), 1);
/// ```
pub fn normalize(node: &mut VNode) {
    if let VNode::Element(e) = node {
        normalize_children(&mut e.children);
    }
}

fn normalize_children(children: &mut Children) {
    if needs_normalizing(children) {
        let mut v = Vec::new();
        for c in mem::take(children) {
            VNode::push_normalized(&mut v, c);
        }
        *children = v.into();
    }
    for c in children.iter_mut() {
        if let VNode::Element(e) = c {
            normalize_children(&mut e.children);
        }
    }
}

fn needs_normalizing(children: &[VNode]) -> bool {
    let mut prev_text = false;
    for c in children {
        match c {
            VNode::Empty | VNode::Fragment(_) => return true,
            VNode::Text(t) => {
                if t.is_empty() || prev_text {
                    return true;
                }
                prev_text = true;
            }
            _ => prev_text = false,
        }
    }
    false
}

/// Normalizes a render output into a single root: an `Element` (or a fragment of exactly
/// one element) stays as it is, with no marker and no cost; anything else (text, several
/// nodes, nothing, a component, raw HTML) becomes a range ([`Element::range`]), which is
/// addressable by one hid like an element and adds no element to the page.
///
/// # Examples
///
/// ```
/// use vango::vdom::{hid::normalize_root, Element, VNode};
/// let one = normalize_root(VNode::Element(Box::new(Element::new("li"))));
/// assert_eq!(one.as_element().unwrap().tag, "li");
/// let text = normalize_root(VNode::Text("x".into()));
/// assert!(text.as_element().unwrap().is_range());
/// ```
pub fn normalize_root(node: VNode) -> VNode {
    let mut node = match node {
        VNode::Element(_) => node,
        VNode::Fragment(ref f) if f.len() == 1 && matches!(f[0], VNode::Element(_)) => {
            let VNode::Fragment(mut f) = node else {
                unreachable!()
            };
            f.pop().unwrap_or(VNode::Empty)
        }
        other => {
            let mut children = Vec::new();
            VNode::push_normalized(&mut children, other);
            VNode::Element(Box::new(Element::range(children)))
        }
    };
    normalize(&mut node);
    node
}
