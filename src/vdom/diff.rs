//! The keyed diff: turns a retained, mounted tree into a freshly rendered one, emitting
//! the DOM edits through a [`PatchSink`].
//!
//! # Invariants
//!
//! - **Input.** `old` is mounted: every element has a nonzero hid, every component is
//!   mounted. `new` is normalized (see [`crate::vdom::hid::normalize`]) with hids `0` and
//!   components not yet mounted. Every normalized child is exactly one DOM node (a range
//!   counts as one, see below), except a
//!   [`VNode::Raw`], which may parse to any number of nodes: raw HTML is therefore only
//!   patched in place when it is its parent's sole child ([`PatchSink::set_inner_html`]);
//!   a parent with raw HTML beside other children is replaced whole whenever a positional
//!   edit would be needed among them.
//! - **Ranges.** A component whose output is not exactly one element has a range as its
//!   root ([`crate::vdom::Element::range`]): an element-like node with a hid and children
//!   but no DOM element, written `<!--h:N-->…<!--/h-->`. The diff treats it as an element
//!   addressed by hid: its parent counts it as one child (wherever it is inserted, moved,
//!   removed or replaced, its whole run of nodes goes), its children are addressed by
//!   (range hid, index) like an element's, and a range and an element of the other kind
//!   replace each other by hid. A range is only a component's root, never in raw-text or
//!   escapable-text content: components there are refused (`walk::refuse_components`).
//! - **Output.** Afterwards `old` is structurally equal to `new`; matched elements keep
//!   their hids, new elements get fresh ones from the [`Mount`] context; kept
//!   components keep their instance; replaced or removed components are disposed.
//! - **Addressing.** Elements are addressed by hid, text nodes by (parent hid, index).
//!   Every index is the index in the DOM *at the moment that edit is applied*: edits are
//!   emitted in application order, and the keyed algorithm simulates the child list.
//! - **Keys.** A keyed permutation yields moves only (never remove + insert of one key);
//!   only children outside a longest increasing subsequence of old positions move. A
//!   node's keyed children none of which survives (two or more, all of an element's
//!   children) are emptied by one ClearChildren before the new ones are inserted.
//! - **Leftovers.** The diff frees nothing it replaces: what it does not keep (the
//!   render's nodes where old ones stay, the old attributes, listeners (their handlers
//!   alone when the events are the same), texts and subtrees the render's replace) is
//!   swapped into the `new` tree, which [`diff`] drops at its end and [`diff_in`] leaves
//!   to its caller. Only a keyed or unkeyed child list that changes length drops its
//!   removed nodes on the spot.
//! - **Cost.** Diffing an unchanged subtree allocates nothing, frees nothing and emits
//!   nothing. Keyed lists peel their common prefix and suffix first. A keyed middle section
//!   allocates nothing either once this thread's scratch buffers have grown (see
//!   `vdom::scratch`); its key index is a table, a sorted array or a
//!   SipHash map by the shape of the keys (`vdom::keymap`), which never changes the
//!   edits, only their cost.
//! - **Values.** Every name, value and text an edit carries is what the first paint of the
//!   new tree gives the DOM (`vdom::normal`, `vdom::names`): the diff knows where each
//!   node is (its namespace, its parent's kind of content) for that. A `<select>` whose
//!   selection may have changed gets it restated, and a controlled `<textarea>` is patched
//!   through its property only (`vdom::form`).

use std::borrow::Cow;
use std::mem;

use crate::vdom::attrs::{diff_attrs, rebind, same_attrs, same_listeners};
use crate::vdom::form;
use crate::vdom::keymap::KeyIndex;
use crate::vdom::lis::lis_in;
use crate::vdom::node::{Children, Element, Key, Str, VNode};
use crate::vdom::normal;
use crate::vdom::ns::{content_of, Content, Ns};
use crate::vdom::patch::PatchSink;
use crate::vdom::pool::recycle;
use crate::vdom::scratch::{Fenwick, Scratch, NONE};
use crate::vdom::walk::{
    dispose, key_of, raw_forces_replace, refuse_components, same_str, take, Lists,
};

pub use crate::vdom::attrs::{prop_kind, PropKind};
pub use crate::vdom::walk::{mount, mount_in, Mount};

/// Where the children of one parent are: their namespace and how the parent's content is
/// read (which decides what a text becomes). Kept as the parent's tag and namespace and
/// worked out only when a text is sent or a node mounted, which unchanged children never
/// need.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Place {
    /// The parent's tag (`""` above the root: normal content, the namespace unchanged).
    tag: &'static str,
    /// The parent's own namespace.
    own: Ns,
}

impl Place {
    /// The place of the children of element `tag` whose own namespace is `own`.
    #[inline]
    fn inside(tag: &'static str, own: Ns) -> Place {
        Place { tag, own }
    }

    /// The namespace of the children.
    #[inline]
    fn ns(self) -> Ns {
        self.own.children(self.tag)
    }

    /// How the parent's content is read.
    #[inline]
    fn content(self) -> Content {
        content_of(self.tag, self.own)
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
    let mut new = new;
    diff_in(old, &mut new, cx, sink);
    recycle(new);
}

/// [`diff`] that leaves the leftovers in `new` instead of freeing them: the parts of the
/// render that were not kept and the old nodes they replaced (removed nodes too, except
/// where a keyed list changed length). The caller drops `new` when it suits it, such as
/// after the edits are sent; freeing them is most of the cost of an unchanged subtree.
///
/// # Examples
///
/// ```
/// use vango::vdom::{diff::{diff_in, mount}, hid::HidAlloc, Element, Patch, VNode};
/// fn p(text: &'static str) -> VNode {
///     let mut e = Element::new("p");
///     e.children.push(VNode::Text(text.into()));
///     VNode::Element(Box::new(e))
/// }
/// let mut cx = HidAlloc::new(1);
/// let mut tree = p("a");
/// mount(&mut tree, &mut cx);
/// let mut sink: Vec<Patch> = Vec::new();
/// let mut new = p("b");
/// diff_in(&mut tree, &mut new, &mut cx, &mut sink);
/// assert_eq!(sink, [Patch::SetText { parent: 1, index: 0, text: "b".into() }]);
/// drop(new); // the leftovers: here the old text "a"
/// ```
pub fn diff_in(old: &mut VNode, new: &mut VNode, cx: &mut impl Mount, sink: &mut impl PatchSink) {
    let ns = match &*old {
        VNode::Element(e) => e.parent_ns,
        VNode::Component(c) => c
            .rendered()
            .and_then(|o| o.as_element().map(|e| e.parent_ns))
            .unwrap_or_default(),
        _ => {
            cx.warn("diff root is not an element: replaced without an edit");
            mount(new, cx);
            dispose(old);
            mem::swap(old, new);
            return;
        }
    };
    let place = Place { tag: "", own: ns };
    diff_node(0, 0, old, new, place, cx, sink);
}

/// Diffs one node at child position `index` of element `parent`, whose children are at
/// `place`.
pub(crate) fn diff_node(
    parent: u32,
    index: u32,
    old: &mut VNode,
    new: &mut VNode,
    place: Place,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    match (&mut *old, &mut *new) {
        (VNode::Element(o), VNode::Element(n)) if same_str(o.tag, n.tag) && o.key == n.key => {
            let mut lists = Lists::scan(&o.children, &n.children);
            if lists.new_comp && content_of(o.tag, o.parent_ns.of(o.tag)) != Content::Normal {
                refuse_components(&mut n.children, cx);
                lists = Lists::scan(&o.children, &n.children);
            }
            if !((lists.raw && raw_forces_replace(&o.children, &n.children))
                || textarea_switches(o, n))
            {
                return diff_element(o, n, lists, cx, sink);
            }
        }
        (VNode::Text(o), VNode::Text(n)) => return diff_text(parent, index, o, n, place, sink),
        (VNode::Component(o), VNode::Component(n)) if o.same_as(&**n) => {
            if let VNode::Component(n) = take(new) {
                o.keep_for(n);
            }
            return;
        }
        (VNode::Raw(o), VNode::Raw(n)) if o == n => return,
        _ => {}
    }
    replace(parent, index, old, new, place, cx, sink);
}

/// Diffs two text nodes; also called from the child loop so that a text child costs no
/// [`diff_node`] call. The text sent is what the first paint would put in the DOM.
#[inline(always)]
pub(crate) fn diff_text(
    parent: u32,
    index: u32,
    o: &mut Str,
    n: &mut Str,
    place: Place,
    sink: &mut impl PatchSink,
) {
    if !o.same(n) {
        sink.set_text(parent, index, &normal::text(place.content(), n));
        mem::swap(o, n);
    }
}

/// Whether a `<textarea>` gains or loses its controlled value: what its text is changes
/// meaning (the value or the children), so it is rendered again.
#[inline]
fn textarea_switches(o: &Element, n: &Element) -> bool {
    o.tag == "textarea"
        && o.parent_ns.of(o.tag) == Ns::Html
        && form::attr_of(o, "value").is_some() != form::attr_of(n, "value").is_some()
}

/// The stand-in a sink should serialize for `node` at `place`, when `node` itself would
/// not do: a text in a raw-text element is sent as the text the first paint holds there
/// (the client parses inserted HTML as ordinary content, where it would mean otherwise).
fn stand_in(node: &VNode, place: Place) -> Option<VNode> {
    match (node, place.content()) {
        (VNode::Text(t), c @ Content::Raw(_)) => match normal::text(c, t) {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(VNode::Text(Str::from(s))),
        },
        _ => None,
    }
}

/// Inserts the mounted `node` as child `at` of `parent`.
#[inline]
fn insert(parent: u32, at: u32, node: &VNode, place: Place, sink: &mut impl PatchSink) {
    let tmp = stand_in(node, place);
    sink.insert_child(parent, at, tmp.as_ref().unwrap_or(node));
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
    new: &mut VNode,
    place: Place,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    mount_in(new, place.ns(), cx);
    let tmp = stand_in(new, place);
    let out = tmp.as_ref().unwrap_or(new);
    match old {
        VNode::Element(e) => sink.replace_node(e.hid, out),
        VNode::Component(c) => sink.replace_node(c.root_hid(), out),
        _ => sink.replace_child(parent, index, out),
    }
    dispose(old);
    mem::swap(old, new);
}

/// Diffs two elements of one tag and key. What the old element gives up (attributes,
/// listeners, children) is swapped into `n`, the leftovers, instead of being freed here.
#[inline]
fn diff_element(
    o: &mut Element,
    n: &mut Element,
    lists: Lists,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    let hid = o.hid;
    let own = o.parent_ns.of(o.tag);
    // A select's selection depends on its options and attributes: compared around the
    // diff (select elements only).
    let selection = (o.tag == "select" && own == Ns::Html).then(|| form::selection_digest(o));
    // Equal lists (the common case) keep the old one: no per-name lookups, no move.
    if !same_attrs(&o.attrs, &n.attrs) {
        diff_attrs(hid, o.tag, own, &o.attrs, &n.attrs, sink);
        mem::swap(&mut o.attrs, &mut n.attrs);
    }
    if !(o.listeners.is_empty() && n.listeners.is_empty()) {
        if same_listeners(&o.listeners, &n.listeners) {
            // The handlers are new closures even when the events are the same. Only they
            // move: the old list stays beside its element (a session's tree keeps its
            // place in memory), and the render's list, just made, goes back to the pool.
            for (a, b) in o.listeners.iter_mut().zip(n.listeners.iter_mut()) {
                mem::swap(&mut a.handler, &mut b.handler);
            }
        } else {
            rebind(hid, &n.listeners, sink);
            mem::swap(&mut o.listeners, &mut n.listeners);
        }
    }
    if o.tag == "textarea" && own == Ns::Html && form::attr_of(o, "value").is_some() {
        // A controlled textarea shows its value, not its children (patched as the
        // property, with the attributes): they are kept unmounted, never shown.
        o.children.iter().for_each(dispose);
        mem::swap(&mut o.children, &mut n.children);
        return;
    }
    if lists.raw {
        if let ([VNode::Raw(a)], [VNode::Raw(b)]) = (&o.children[..], &n.children[..]) {
            if a != b {
                sink.set_inner_html(hid, b.as_str());
            }
            mem::swap(&mut o.children, &mut n.children);
            return;
        }
    }
    let place = Place::inside(o.tag, own);
    // Components mounted among the options learn which select they are in.
    let selection = selection.map(|before| (before, cx.enter_select(hid)));
    if n.children.is_empty() && o.children.len() > 1 && !o.is_range() {
        // One op for a list that empties (a range's children are not all of a node's).
        sink.clear_children(hid);
        mem::take(&mut o.children)
            .into_iter()
            .rev()
            .for_each(|c| dispose(&c));
    } else {
        let whole = !o.is_range();
        diff_children(
            hid,
            &mut o.children,
            &mut n.children,
            (lists, whole),
            place,
            cx,
            sink,
        );
    }
    if let Some((before, outer)) = selection {
        cx.enter_select(outer);
        form::restate(hid, before, o, sink);
    }
}

/// Diffs the children of element `parent`, which are at `place`. `lists` is what
/// [`Lists::scan`] found in `old` and `new`, `whole` whether they are all of a DOM node's
/// children (not a range's); `new` keeps the leftovers.
pub(crate) fn diff_children(
    parent: u32,
    old: &mut Children,
    new: &mut [VNode],
    (lists, whole): (Lists, bool),
    place: Place,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    if old.is_empty() && new.is_empty() {
        return;
    }
    let mixed = |keyed: usize, len: usize| keyed != 0 && keyed != len;
    if mixed(lists.old_keyed, old.len()) || mixed(lists.new_keyed, new.len()) {
        cx.warn("siblings mix keyed and unkeyed children: diffed by position");
    }
    let all_keyed = |keyed: usize, len: usize| len != 0 && keyed == len;
    if all_keyed(lists.old_keyed, old.len()) && all_keyed(lists.new_keyed, new.len()) {
        diff_keyed(parent, old, new, whole, place, cx, sink);
    } else if old.len() == new.len() {
        // The common case: same length, by position, nothing to insert or remove.
        for (k, (o, n)) in old.iter_mut().zip(new).enumerate() {
            match (o, n) {
                (VNode::Text(o), VNode::Text(n)) => diff_text(parent, k as u32, o, n, place, sink),
                (o, n) => diff_node(parent, k as u32, o, n, place, cx, sink),
            }
        }
    } else {
        let len = old.len();
        unkeyed_range(parent, old, 0, len, new, place, cx, sink);
    }
}

/// Diffs `old[s..oe]` against `new` by position.
#[allow(clippy::too_many_arguments)]
fn unkeyed_range(
    parent: u32,
    old: &mut Children,
    s: usize,
    oe: usize,
    new: &mut [VNode],
    place: Place,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    let m = oe - s;
    let n = new.len();
    for (k, nn) in new.iter_mut().enumerate().take(m) {
        diff_node(parent, (s + k) as u32, &mut old[s + k], nn, place, cx, sink);
    }
    if m > n {
        for r in (s + n..oe).rev() {
            sink.remove_child(parent, r as u32);
            dispose(&old[r]);
        }
        old.vec_mut().drain(s + n..oe);
    } else if n > m {
        let mut at = oe;
        let rest = new[m..].iter_mut().map(|nn| {
            mount_in(nn, place.ns(), cx);
            insert(parent, at as u32, nn, place, sink);
            at += 1;
            take(nn)
        });
        old.vec_mut().splice(oe..oe, rest);
    }
}

fn diff_keyed(
    parent: u32,
    old: &mut Children,
    new: &mut [VNode],
    whole: bool,
    place: Place,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    // The common prefix and suffix first: an edit in a few rows never indexes the rest.
    let mut s = 0;
    while s < old.len() && s < new.len() && key_of(&new[s]) == key_of(&old[s]) {
        diff_node(parent, s as u32, &mut old[s], &mut new[s], place, cx, sink);
        s += 1;
    }
    let (mut oe, mut ne) = (old.len(), new.len());
    while oe > s && ne > s && key_of(&new[ne - 1]) == key_of(&old[oe - 1]) {
        // Only hid-addressed edits happen below keyed children, so the index is not used.
        let (o, n) = (&mut old[oe - 1], &mut new[ne - 1]);
        diff_node(parent, (oe - 1) as u32, o, n, place, cx, sink);
        oe -= 1;
        ne -= 1;
    }
    let m = oe - s;
    let n = ne - s;
    if m == 0 && n == 0 {
        return;
    }
    let mid = &mut new[s..ne];
    if m == 0 {
        let mut at = s;
        let ins = mid.iter_mut().map(|nn| {
            mount_in(nn, place.ns(), cx);
            sink.insert_child(parent, at as u32, nn);
            at += 1;
            take(nn)
        });
        old.vec_mut().splice(s..s, ins);
        return;
    }
    if n == 0 {
        for r in (s..oe).rev() {
            sink.remove_child(parent, r as u32);
            dispose(&old[r]);
        }
        old.vec_mut().drain(s..oe);
        return;
    }
    let mut sc = Scratch::take();
    // src[j]: old position (relative to s) of new middle item j, or NONE.
    let src = &mut sc.src;
    src.clear();
    src.resize(n, NONE);
    let mut survivors = 0usize;
    let dup = match KeyIndex::build(mid, &mut sc.slots) {
        Err(()) => true,
        Ok(map) => {
            let mut dup = false;
            for r in 0..m {
                let j = key_of(&old[s + r]).and_then(|k| map.get(k));
                if let Some(j) = j {
                    if src[j as usize] != NONE {
                        dup = true;
                        break;
                    }
                    src[j as usize] = r as u32;
                    survivors += 1;
                }
            }
            dup
        }
    };
    if dup {
        sc.give_back();
        cx.warn(&duplicate_key_message(mid));
        unkeyed_range(parent, old, s, oe, mid, place, cx, sink);
        return;
    }
    if survivors == 0 && whole && m == old.len() && m > 1 {
        // Not one row kept (a replace): one op empties the node, and the new rows go in
        // as one run of inserts, which the client parses at once.
        sc.give_back();
        sink.clear_children(parent);
        old.vec_mut().drain(..).rev().for_each(|c| dispose(&c));
        let mut at = 0;
        old.vec_mut().extend(mid.iter_mut().map(|nn| {
            mount_in(nn, place.ns(), cx);
            sink.insert_child(parent, at, nn);
            at += 1;
            take(nn)
        }));
        return;
    }
    // Removals, right to left, so each index is still the original one.
    if survivors < m {
        let kept = &mut sc.kept;
        kept.clear();
        kept.resize(m, false);
        for &r in src.iter() {
            if r != NONE {
                kept[r as usize] = true;
            }
        }
        for r in (0..m).rev() {
            if !kept[r] {
                sink.remove_child(parent, (s + r) as u32);
                dispose(&old[s + r]);
            }
        }
    }
    // Survivors that stay put: a longest increasing run of old positions in new order.
    let seq = &mut sc.seq;
    seq.clear();
    seq.extend(src.iter().copied().filter(|&r| r != NONE));
    let stay = &mut sc.stay;
    if seq.windows(2).all(|w| w[0] < w[1]) {
        stay.clear();
        stay.resize(seq.len(), true);
    } else {
        lis_in(seq, stay, &mut sc.tails, &mut sc.prev);
    }
    // Walk the new middle right to left, placing each item before the one after it.
    // `present` counts survivors still at their old place (by old position); `placed`
    // counts items moved or inserted before the stay-put survivor at old position g
    // (g = m: before the suffix). Processing right to left, placements only go to
    // groups >= the current anchor group, so an insertion index is `s + present[..g]`.
    let mut present = Fenwick::new(&mut sc.present, m);
    for &r in seq.iter() {
        present.add(r as usize, 1);
    }
    let mut placed = Fenwick::new(&mut sc.placed, m + 1);
    let mut anchor = m;
    let mut si = seq.len();
    for j in (0..n).rev() {
        let r = src[j];
        if r == NONE {
            let at = s + present.prefix(anchor);
            mount_in(&mut mid[j], place.ns(), cx);
            sink.insert_child(parent, at as u32, &mid[j]);
            placed.add(anchor, 1);
            continue;
        }
        si -= 1;
        let r = r as usize;
        if stay[si] {
            anchor = r;
        } else {
            let from = s + present.prefix(r) + placed.prefix(r);
            present.add(r, -1);
            let to = s + present.prefix(anchor);
            sink.move_child(parent, from as u32, to as u32);
            placed.add(anchor, 1);
        }
        // Diff in the old slot, then swap the result into the new order: `old[s + r]`
        // holds the consumed new node's leftovers afterwards.
        diff_node(parent, 0, &mut old[s + r], &mut mid[j], place, cx, sink);
        mem::swap(&mut mid[j], &mut old[s + r]);
    }
    sc.give_back();
    if n == m {
        // Same length: swap the new order in wholesale; what is left in `old[s..oe]`
        // (leftovers and removed nodes) goes to the caller with `new`.
        old[s..oe].swap_with_slice(mid);
    } else {
        old.vec_mut().splice(s..oe, mid.iter_mut().map(take));
    }
}

/// The warning for siblings that share a key, naming the first repeated key and the fix.
fn duplicate_key_message(new: &[VNode]) -> String {
    let mut seen = std::collections::HashSet::new();
    let key = new.iter().filter_map(key_of).find(|k| !seen.insert(*k));
    let key = match key {
        Some(Key::Int(n)) => n.to_string(),
        Some(Key::Str(s)) => format!("{:?}", &**s),
        None => "(among the old rows)".to_owned(),
    };
    format!(
        "duplicate key {key} among the siblings of a keyed list: diffed by position instead \
         (rows may swap their state); give every row a unique key, such as its id"
    )
}
