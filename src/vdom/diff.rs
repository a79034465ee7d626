//! The keyed diff: turns a retained, mounted tree into a freshly rendered one, emitting
//! the DOM edits through a [`PatchSink`].
//!
//! # Invariants
//!
//! - **Input.** `old` is mounted: every element has a nonzero hid, every component is
//!   mounted. `new` is normalized (see [`crate::vdom::hid::normalize`]) with hids `0` and
//!   components not yet mounted. Every normalized child is exactly one DOM node, except a
//!   [`VNode::Raw`], which may parse to any number of nodes: raw HTML is therefore only
//!   patched in place when it is its parent's sole child ([`PatchSink::set_inner_html`]);
//!   a parent with raw HTML beside other children is replaced whole whenever a positional
//!   edit would be needed among them.
//! - **Output.** Afterwards `old` is structurally equal to `new`; matched elements keep
//!   their hids, new elements get fresh ones from the [`Mount`] context; kept
//!   components keep their instance; replaced or removed components are disposed.
//! - **Addressing.** Elements are addressed by hid, text nodes by (parent hid, index).
//!   Every index is the index in the DOM *at the moment that edit is applied*: edits are
//!   emitted in application order, and the keyed algorithm simulates the child list.
//! - **Keys.** A keyed permutation yields moves only (never remove + insert of one key);
//!   only children outside a longest increasing subsequence of old positions move.
//! - **Cost.** Diffing an unchanged subtree allocates nothing and emits nothing (it
//!   frees the consumed new nodes, which is now most of its cost). A keyed middle
//!   section allocates nothing either once this thread's scratch buffers have grown
//!   (see `vdom::children`); its key index is a table, a sorted array or a
//!   SipHash map by the shape of the keys (`vdom::keymap`), which never changes the
//!   edits, only their cost.

use std::mem;

use crate::vdom::children::{diff_children, is_raw};
use crate::vdom::hid::HidAlloc;
use crate::vdom::node::{Attr, AttrValue, ComponentSlot, Element, Key, Listener, Str, VNode};
use crate::vdom::patch::{PatchSink, PropValue};

/// What the diff needs from the tree it edits: fresh hids for new elements, a way to
/// mount fresh components (the component runtime runs their setup), and a place to
/// report suspicious input. The component layer's `TreeCx` is the real one; a bare
/// [`HidAlloc`] serves trees without components (tests, static pages).
pub trait Mount {
    /// A fresh hid for a new element.
    fn next_hid(&mut self) -> u32;
    /// Mounts a fresh component: runs its setup and first render and mounts its output.
    fn mount_component(&mut self, c: &mut dyn ComponentSlot);
    /// Notes suspicious input (mixed keyed/unkeyed siblings, duplicate keys).
    fn warn(&mut self, what: &str) {
        if cfg!(debug_assertions) {
            eprintln!("vango diff: {what}");
        }
    }
}

/// Hids only: components stay unmounted (they render nothing).
impl Mount for HidAlloc {
    fn next_hid(&mut self) -> u32 {
        HidAlloc::next_hid(self)
    }
    fn mount_component(&mut self, _: &mut dyn ComponentSlot) {}
}

/// Mounts a fresh subtree: assigns hids to its elements and mounts its components
/// (runs their setup and first render). `node` should be normalized.
///
/// # Examples
///
/// ```
/// use vango::vdom::{diff::mount, hid::HidAlloc, Element, VNode};
/// let mut n = VNode::Element(Box::new(Element::new("p")));
/// let mut hids = HidAlloc::new(5);
/// mount(&mut n, &mut hids);
/// assert_eq!(n.as_element().unwrap().hid, 5);
/// ```
pub fn mount(node: &mut VNode, cx: &mut impl Mount) {
    match node {
        VNode::Element(e) => {
            e.hid = cx.next_hid();
            for c in &mut e.children {
                mount(c, cx);
            }
        }
        VNode::Component(c) => cx.mount_component(&mut **c),
        VNode::Fragment(f) => {
            for c in f {
                mount(c, cx);
            }
        }
        VNode::Text(_) | VNode::Raw(_) | VNode::Empty => {}
    }
}

/// Diffs the mounted tree `old` against the fresh render `new`, sends the edits to
/// `sink`, and leaves the new tree (with hids) in `old`.
///
/// The root of `old` must be addressable by hid (an element or a component); a root text
/// has no parent to address it through, so it is swapped without an edit.
///
/// # Examples
///
/// ```
/// use vango::vdom::{diff::{diff, mount}, hid::HidAlloc, Element, Patch, VNode};
/// fn p(text: &'static str) -> VNode {
///     let mut e = Element::new("p");
///     e.children.push(VNode::Text(text.into()));
///     VNode::Element(Box::new(e))
/// }
/// let mut cx = HidAlloc::new(1);
/// let mut tree = p("a");
/// mount(&mut tree, &mut cx);
/// let mut sink: Vec<Patch> = Vec::new();
/// diff(&mut tree, p("b"), &mut cx, &mut sink);
/// assert_eq!(sink, [Patch::SetText { parent: 1, index: 0, text: "b".into() }]);
/// ```
pub fn diff(old: &mut VNode, new: VNode, cx: &mut impl Mount, sink: &mut impl PatchSink) {
    if !matches!(old, VNode::Element(_) | VNode::Component(_)) {
        cx.warn("diff root is not an element: replaced without an edit");
        let mut new = new;
        mount(&mut new, cx);
        dispose(old);
        *old = new;
        return;
    }
    diff_node(0, 0, old, new, cx, sink);
}

/// Diffs one node at child position `index` of element `parent`.
pub(crate) fn diff_node(
    parent: u32,
    index: u32,
    old: &mut VNode,
    new: VNode,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    match (&mut *old, new) {
        (VNode::Element(o), VNode::Element(n)) if same_str(o.tag, n.tag) && o.key == n.key => {
            let lists = Lists::scan(&o.children, &n.children);
            if lists.raw && raw_forces_replace(&o.children, &n.children) {
                replace(parent, index, old, VNode::Element(n), cx, sink);
            } else {
                diff_element(o, n, lists, cx, sink);
            }
        }
        (VNode::Text(o), VNode::Text(n)) => diff_text(parent, index, o, n, sink),
        (VNode::Component(o), VNode::Component(n)) if o.same_as(&*n) => o.keep_for(n),
        (VNode::Raw(o), VNode::Raw(n)) if *o == n => {}
        (_, new) => replace(parent, index, old, new, cx, sink),
    }
}

/// Diffs two text nodes; also called from the child loop so that a text child costs no
/// [`diff_node`] call.
#[inline(always)]
pub(crate) fn diff_text(parent: u32, index: u32, o: &mut Str, n: Str, sink: &mut impl PatchSink) {
    if !same_str(o, &n) {
        sink.set_text(parent, index, &n);
        *o = n;
    }
}

/// String equality with a pointer shortcut: tags, attribute names and literal texts are
/// usually the same `&'static str` on both sides.
#[inline]
pub(crate) fn same_str(a: &str, b: &str) -> bool {
    a.len() == b.len() && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a == b)
}

/// What one pass over an old and a new child list found: whether either holds raw HTML,
/// and how many children of each side are keyed. Computed once per element pair so
/// that the raw check and the keyed/unkeyed choice need no further passes.
#[derive(Clone, Copy)]
pub(crate) struct Lists {
    pub(crate) raw: bool,
    pub(crate) old_keyed: usize,
    pub(crate) new_keyed: usize,
}

impl Lists {
    #[inline]
    fn scan(old: &[VNode], new: &[VNode]) -> Lists {
        let (r1, old_keyed) = scan_list(old);
        let (r2, new_keyed) = scan_list(new);
        Lists {
            raw: r1 | r2,
            old_keyed,
            new_keyed,
        }
    }
}

#[inline(always)]
fn scan_list(list: &[VNode]) -> (bool, usize) {
    let mut raw = false;
    let mut keyed = 0;
    for n in list {
        match n {
            VNode::Element(e) => keyed += e.key.is_some() as usize,
            VNode::Component(c) => keyed += c.key().is_some() as usize,
            VNode::Raw(_) => raw = true,
            _ => {}
        }
    }
    (raw, keyed)
}

/// Replaces `old` by `new` (mounted here): by hid when `old` is an element or a
/// component, by position otherwise. Kept out of line so that the hot path of
/// [`diff_node`] stays small.
#[cold]
#[inline(never)]
fn replace(
    parent: u32,
    index: u32,
    old: &mut VNode,
    mut new: VNode,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    mount(&mut new, cx);
    match old {
        VNode::Element(e) => sink.replace_node(e.hid, &new),
        VNode::Component(c) => sink.replace_node(c.root_hid(), &new),
        _ => sink.replace_child(parent, index, &new),
    }
    dispose(old);
    *old = new;
}

/// Releases what a removed subtree holds: disposes every component instance in it.
pub(crate) fn dispose(node: &VNode) {
    match node {
        VNode::Element(e) => {
            for c in &e.children {
                dispose(c);
            }
        }
        VNode::Component(c) => c.dispose(),
        VNode::Fragment(f) => {
            for c in f {
                dispose(c);
            }
        }
        VNode::Text(_) | VNode::Raw(_) | VNode::Empty => {}
    }
}

/// Whether a child list with raw HTML must be replaced with its parent: raw HTML may be
/// several DOM nodes, so positional edits beside it are impossible. Editing in place is
/// fine when raw is the sole child on both sides, or when the lists line up so that no
/// positional edit is needed (same length, equal texts and raws, elements and components
/// anywhere, since they are replaced by hid).
fn raw_forces_replace(old: &[VNode], new: &[VNode]) -> bool {
    let raw_in = |l: &[VNode]| l.iter().any(is_raw);
    if !raw_in(old) && !raw_in(new) {
        return false;
    }
    if old.len() == 1 && new.len() == 1 && is_raw(&old[0]) && is_raw(&new[0]) {
        return false;
    }
    if old.len() != new.len() {
        return true;
    }
    !old.iter().zip(new).all(|pair| match pair {
        (VNode::Text(a), VNode::Text(b)) => a == b,
        (VNode::Raw(a), VNode::Raw(b)) => a == b,
        (VNode::Element(_) | VNode::Component(_), VNode::Element(_) | VNode::Component(_)) => true,
        _ => false,
    })
}

// `n` stays boxed so that its fields move straight out of the box, not via a copy of the
// whole element into the argument.
#[allow(clippy::boxed_local)]
#[inline]
fn diff_element(
    o: &mut Element,
    n: Box<Element>,
    lists: Lists,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    let hid = o.hid;
    let Element {
        attrs,
        listeners,
        children,
        ..
    } = *n;
    // Equal lists (the common case) keep the old one: no per-name lookups, no move.
    if !same_attrs(&o.attrs, &attrs) {
        diff_attrs(hid, o.tag, &o.attrs, &attrs, sink);
        o.attrs = attrs;
    }
    if o.listeners.is_empty() && listeners.capacity() == 0 {
        // Nothing to free: skips an out-of-line drop per element.
        mem::forget(listeners);
    } else {
        if !same_listeners(&o.listeners, &listeners) {
            rebind(hid, &listeners, sink);
        }
        // The handlers are new closures even when the events are the same.
        o.listeners = listeners;
    }
    if lists.raw {
        if let ([VNode::Raw(a)], [VNode::Raw(b)]) = (&o.children[..], &children[..]) {
            if a != b {
                sink.set_inner_html(hid, b.as_str());
            }
            o.children = children;
            return;
        }
    }
    diff_children(hid, &mut o.children, children, lists, cx, sink);
}

/// Patches the `data-on` marker of element `hid` to announce `listeners`.
#[cold]
#[inline(never)]
fn rebind(hid: u32, listeners: &[Listener], sink: &mut impl PatchSink) {
    if listeners.is_empty() {
        sink.remove_attr(hid, "data-on");
    } else {
        let mut marker = String::new();
        crate::vdom::marker::data_on_value(listeners, &mut marker);
        sink.set_attr(hid, "data-on", &marker);
    }
}

/// Whether two attribute lists are equal entry by entry (then nothing needs patching).
#[inline]
fn same_attrs(a: &[Attr], b: &[Attr]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            same_str(&x.name, &y.name)
                && match (&x.value, &y.value) {
                    (AttrValue::Str(p), AttrValue::Str(q)) => same_str(p, q),
                    (AttrValue::Bool(p), AttrValue::Bool(q)) => p == q,
                    _ => false,
                }
        })
}

/// How a form control's attribute maps to a live DOM property.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PropKind {
    /// A string property (`value` of input, textarea, select); default `""`.
    Str,
    /// A boolean property (`checked` of input, `selected` of option); default `false`.
    Bool,
}

/// Whether attribute `name` of a `tag` element is patched as a live property: the user
/// may have changed it, so the attribute (the default value) would not show.
pub fn prop_kind(tag: &str, name: &str) -> Option<PropKind> {
    match (tag, name) {
        ("input" | "textarea" | "select", "value") => Some(PropKind::Str),
        ("input", "checked") | ("option", "selected") => Some(PropKind::Bool),
        _ => None,
    }
}

/// The effective value of attribute `name` (a later duplicate wins; `false` is absent).
/// Outer `None`: no attribute of that name at all.
fn lookup<'a>(attrs: &'a [Attr], name: &str) -> Option<Option<&'a str>> {
    attrs
        .iter()
        .rev()
        .find(|a| a.name == name)
        .map(|a| value_of(&a.value))
}

fn value_of(v: &AttrValue) -> Option<&str> {
    match v {
        AttrValue::Str(s) => Some(s),
        AttrValue::Bool(true) => Some(""),
        AttrValue::Bool(false) => None,
    }
}

#[inline(never)]
fn diff_attrs(hid: u32, tag: &str, old: &[Attr], new: &[Attr], sink: &mut impl PatchSink) {
    for (i, a) in new.iter().enumerate() {
        if new[i + 1..].iter().any(|b| b.name == a.name) {
            continue; // a later duplicate wins
        }
        let nv = value_of(&a.value);
        let ov = lookup(old, &a.name).flatten();
        if nv == ov {
            continue;
        }
        match prop_kind(tag, &a.name) {
            Some(PropKind::Str) => sink.set_prop(hid, &a.name, PropValue::Str(nv.unwrap_or(""))),
            Some(PropKind::Bool) => {
                if nv.is_some() != ov.is_some() {
                    sink.set_prop(hid, &a.name, PropValue::Bool(nv.is_some()));
                }
            }
            None => match nv {
                Some(v) => sink.set_attr(hid, &a.name, v),
                None => sink.remove_attr(hid, &a.name),
            },
        }
    }
    for (i, a) in old.iter().enumerate() {
        if old[i + 1..].iter().any(|b| b.name == a.name) || lookup(new, &a.name).is_some() {
            continue;
        }
        if value_of(&a.value).is_none() {
            continue; // was absent already
        }
        match prop_kind(tag, &a.name) {
            Some(PropKind::Str) => sink.set_prop(hid, &a.name, PropValue::Str("")),
            Some(PropKind::Bool) => sink.set_prop(hid, &a.name, PropValue::Bool(false)),
            None => sink.remove_attr(hid, &a.name),
        }
    }
}

fn same_listeners(a: &[Listener], b: &[Listener]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| same_str(x.event, y.event) && x.modifiers == y.modifiers)
}

/// The key of a keyed child (element or component).
pub(crate) fn key_of(n: &VNode) -> Option<&Key> {
    match n {
        VNode::Element(e) => e.key.as_ref(),
        VNode::Component(c) => c.key(),
        _ => None,
    }
}

pub(crate) fn take(v: &mut VNode) -> VNode {
    mem::replace(v, VNode::Empty)
}
