//! Per-thread pools of element boxes, key boxes, one-listener lists and short child
//! lists, refilled from the leftovers of a diff and drawn on by the builder.
//!
//! Touches only `vdom`'s node types. Why: a re-render builds about as many elements as
//! the diff then frees from the render it did not keep (a 50-row list: 200 elements and
//! 200 child lists per click). glibc's per-thread cache holds only 7 freed chunks of a
//! size, so most of those frees and the next render's allocations took its slow paths,
//! and the one allocation of 1 KiB or more that a render makes (a list of 50 rows) merged
//! every freed chunk on the way (`malloc_consolidate`). Reusing them here skips the
//! allocator for them. Each pool is bounded (a burst of 10,000 removed rows returns most
//! of them to the allocator), and everything in it is empty: an element as
//! [`Element::new`] makes it, a list with no items, a listener list holding a placeholder.

use std::cell::RefCell;
use std::mem;
use std::rc::Rc;

use crate::vdom::event::{Event, Handled};
use crate::vdom::node::{Element, Handler, Key, Listener, Modifiers, VNode};
use crate::vdom::ns::Ns;
use crate::vdom::tight::TightVec;

/// Element boxes kept per thread: 96 bytes each, ≈ 96 KiB at most.
const MAX_ELEMENTS: usize = 1024;
/// Key boxes kept per thread: 32 bytes each.
const MAX_KEYS: usize = 1024;
/// One-listener lists kept per thread: a 56-byte `Listener` each.
const MAX_LISTENERS: usize = 1024;
/// Child lists kept per capacity class and thread.
const MAX_LISTS: usize = 512;
/// Child lists of up to this many items are kept (classes 1..=4: 32 to 128 bytes).
const LIST_CLASSES: usize = 4;

// The boxes themselves are what is kept: `Vec<Element>` would free them and box anew.
#[allow(clippy::vec_box)]
struct Pools {
    elements: Vec<Box<Element>>,
    keys: Vec<Box<Key>>,
    /// One-listener lists, holding a placeholder that owns nothing but `noop`.
    listeners: Vec<Box<[Listener]>>,
    /// The placeholder's handler, shared (made on first use).
    noop: Option<Handler>,
    lists: [Vec<Vec<VNode>>; LIST_CLASSES],
}

thread_local! {
    static POOLS: RefCell<Pools> = const {
        RefCell::new(Pools {
            elements: Vec::new(),
            keys: Vec::new(),
            listeners: Vec::new(),
            noop: None,
            lists: [Vec::new(), Vec::new(), Vec::new(), Vec::new()],
        })
    };
}

/// What `pop` takes from this thread's pools; `None` when they are empty there or already
/// borrowed (a drop inside [`recycle`] that builds nodes: those come from the allocator).
#[inline]
fn take<T>(pop: impl FnOnce(&mut Pools) -> Option<T>) -> Option<T> {
    POOLS.with(|p| p.try_borrow_mut().ok().and_then(|mut p| pop(&mut p)))
}

/// A boxed [`Element::new`]`(tag)`, from the pool when it has one.
#[inline]
pub(crate) fn element(tag: &'static str) -> Box<Element> {
    match take(|p| p.elements.pop()) {
        Some(mut e) => {
            e.tag = tag;
            e
        }
        None => Box::new(Element::new(tag)),
    }
}

/// `key` in a box, from the pool when it has one.
#[inline]
pub(crate) fn key(key: Key) -> Box<Key> {
    match take(|p| p.keys.pop()) {
        Some(mut b) => {
            *b = key;
            b
        }
        None => Box::new(key),
    }
}

/// A list holding just `listener`, in a pooled box when there is one.
#[inline]
pub(crate) fn listener(listener: Listener) -> TightVec<Listener> {
    match take(|p| p.listeners.pop()) {
        Some(mut b) => {
            b[0] = listener;
            TightVec::from_box(b)
        }
        None => TightVec::from([listener]),
    }
}

/// An empty child list with room for exactly `n` nodes, from the pool when it has one.
#[inline]
pub(crate) fn list(n: usize) -> Vec<VNode> {
    (1..=LIST_CLASSES)
        .contains(&n)
        .then(|| take(|p| p.lists[n - 1].pop()))
        .flatten()
        .unwrap_or_else(|| Vec::with_capacity(n))
}

/// Keeps an emptied child list (of the capacities the pool holds) for the next render.
#[inline]
pub(crate) fn give_back(list: Vec<VNode>) {
    debug_assert!(list.is_empty());
    POOLS.with(|p| match p.try_borrow_mut() {
        Ok(mut p) => p.recycle_list(list),
        Err(_) => drop(list),
    });
}

/// Drops `node`, keeping its element boxes, keys, one-listener lists and short child
/// lists for the next render.
///
/// What is not an element or a fragment is dropped as usual (a component slot included:
/// a leftover slot was never mounted, or its instance lives on in the kept tree).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// // What a diff leaves over goes back to the pools; the next render reuses it.
/// vango::vdom::pool::recycle(ul((li("a"), li("b"))).into_node());
/// let again = ul((li("a"), li("b"))).into_node();
/// assert_eq!(vango::render::to_html(&again), "<ul><li>a</li><li>b</li></ul>");
/// ```
pub fn recycle(node: VNode) {
    POOLS.with(|p| match p.try_borrow_mut() {
        Ok(mut p) => p.recycle(node),
        // A drop below this one built or recycled nodes itself: plain drop here.
        Err(_) => drop(node),
    });
}

/// Frees everything this thread's pools hold: at most 1,024 elements, 1,024 keys, 1,024
/// one-listener lists and 512 child lists of each of 1 to 4 nodes, ≈ 450 KiB of heap with
/// glibc's chunk sizes and the pools' own vectors. For tests that count a tree's own
/// bytes, and for a thread that is done rendering.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// vango::vdom::pool::recycle(ul(li("a")).into_node());
/// assert!(vango::vdom::pool::held() > 0);
/// vango::vdom::pool::trim();
/// assert_eq!(vango::vdom::pool::held(), 0);
/// ```
pub fn trim() {
    POOLS.with(|p| {
        if let Ok(mut p) = p.try_borrow_mut() {
            p.elements = Vec::new();
            p.keys = Vec::new();
            p.listeners = Vec::new();
            p.noop = None;
            p.lists = Default::default();
        }
    });
}

/// How many boxes and lists this thread's pools hold.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// vango::vdom::pool::trim();
/// // A `ul` with two `li`s: three element boxes and one two-node list (an only child,
/// // each `li`'s text, is held inline: no list).
/// vango::vdom::pool::recycle(ul((li("a"), li("b"))).into_node());
/// assert_eq!(vango::vdom::pool::held(), 4);
/// ```
pub fn held() -> usize {
    POOLS.with(|p| {
        p.try_borrow().map_or(0, |p| {
            p.elements.len()
                + p.keys.len()
                + p.listeners.len()
                + p.lists.iter().map(Vec::len).sum::<usize>()
        })
    })
}

impl Pools {
    fn noop(&mut self) -> &Handler {
        self.noop
            .get_or_insert_with(|| Rc::new(|_: &Event| -> Handled { Ok(()) }))
    }

    fn recycle(&mut self, node: VNode) {
        match node {
            VNode::Element(e) => self.recycle_element(e),
            VNode::Fragment(list) => self.recycle_list(list),
            other => drop(other),
        }
    }

    fn recycle_list(&mut self, mut list: Vec<VNode>) {
        for c in list.drain(..) {
            self.recycle(c);
        }
        let cap = list.capacity();
        if (1..=LIST_CLASSES).contains(&cap) && self.lists[cap - 1].len() < MAX_LISTS {
            self.lists[cap - 1].push(list);
        }
    }

    fn recycle_element(&mut self, mut e: Box<Element>) {
        if self.elements.len() >= MAX_ELEMENTS {
            // Full (a burst of removed rows): a plain drop frees the subtree faster than
            // taking it apart for pools with no room.
            return drop(e);
        }
        match mem::take(&mut e.children).split() {
            (Some(one), _) => self.recycle(one),
            (None, list) => self.recycle_list(list),
        }
        if let Some(mut k) = e.key.take() {
            if self.keys.len() < MAX_KEYS {
                // A string key's text is freed now, not when the box is next used.
                *k = Key::Int(0);
                self.keys.push(k);
            }
        }
        let listeners = mem::take(&mut e.listeners);
        if listeners.len() == 1 && self.listeners.len() < MAX_LISTENERS {
            let mut b = listeners.into_box();
            // The handler (the closure and what it captured) is freed now.
            b[0] = Listener {
                event: "",
                modifiers: Modifiers::default(),
                handler: self.noop().clone(),
            };
            self.listeners.push(b);
        }
        // Dropped, not pooled: attribute lists come in many lengths. Field by field, not
        // `*e = Element::new(..)` (≈ 55 more instructions an element): a field added to
        // `Element` must be reset here too (`a_pooled_element_is_as_new`).
        e.attrs = TightVec::new();
        e.hid = 0;
        e.parent_ns = Ns::Html;
        self.elements.push(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pooled_element_is_as_new() {
        let mut e = element("li");
        e.hid = 7;
        e.parent_ns = Ns::Svg;
        e.key = Some(Box::new(3u32.into()));
        e.children.push(VNode::Text("x".into()));
        recycle(VNode::Element(e));
        let again = element("p");
        assert_eq!(again.tag, "p");
        assert_eq!(again.hid, 0);
        assert_eq!(again.parent_ns, Ns::Html);
        assert!(again.key.is_none() && again.attrs.is_empty() && again.listeners.is_empty());
        assert!(again.children.is_empty());
    }

    #[test]
    fn a_pooled_list_is_empty_with_its_capacity() {
        let v = vec![VNode::Text("a".into()), VNode::Text("b".into())];
        recycle(VNode::Fragment(v));
        let w = list(2);
        assert!(w.is_empty());
        assert_eq!(w.capacity(), 2);
        // Other sizes are made fresh.
        assert_eq!(list(7).capacity(), 7);
    }
}
