//! Tree walks and shapes the diff relies on: mounting a fresh subtree through a [`Mount`]
//! context, disposing a removed one, keys, and what one scan of two child lists finds.
//!
//! Touches only `vdom::{node, hid, ns}`.

use std::mem;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::vdom::hid::HidAlloc;
use crate::vdom::node::{Children, ComponentSlot, Key, VNode};
use crate::vdom::ns::{content_of, Content, Ns};

/// What the diff needs from the tree it edits: fresh hids for new elements, a way to
/// mount fresh components (the component runtime runs their setup), and a place to
/// report suspicious input. The component layer's `TreeCx` is the real one; a bare
/// [`HidAlloc`] serves trees without components (tests, static pages).
///
/// # Examples
///
/// ```
/// use vango::vdom::{diff::mount, hid::HidAlloc, Element, VNode};
/// let mut tree = VNode::Element(Box::new(Element::new("div")));
/// let mut ids = HidAlloc::new(1); // a Mount for trees without components
/// mount(&mut tree, &mut ids);
/// assert_eq!(tree.as_element().unwrap().hid, 1);
/// ```
pub trait Mount {
    /// A fresh hid for a new element.
    fn next_hid(&mut self) -> u32;
    /// Mounts a fresh component: runs its setup and first render and mounts its output.
    fn mount_component(&mut self, c: &mut dyn ComponentSlot);
    /// Notes suspicious input (mixed keyed/unkeyed siblings, duplicate keys).
    fn warn(&mut self, what: &str) {
        log::debug!("diff: {what}");
    }
    /// Notes that what is mounted from now on lies inside the HTML `<select>` with hid
    /// `select` (0: outside any) and returns the previous one. Mounting and diffing call it
    /// around a select's children, so that a context can tell which select the options of
    /// a component it mounts there belong to.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{diff::mount, ComponentSlot, Element, Mount, VNode};
    /// struct Seen(u32, Vec<u32>);
    /// impl Mount for Seen {
    ///     fn next_hid(&mut self) -> u32 {
    ///         self.0 += 1;
    ///         self.0
    ///     }
    ///     fn mount_component(&mut self, _: &mut dyn ComponentSlot) {}
    ///     fn enter_select(&mut self, select: u32) -> u32 {
    ///         self.1.push(select);
    ///         0
    ///     }
    /// }
    /// let mut s = Element::new("select");
    /// s.children.push(VNode::Element(Box::new(Element::new("option"))));
    /// let mut seen = Seen(0, Vec::new());
    /// mount(&mut VNode::Element(Box::new(s)), &mut seen);
    /// assert_eq!(seen.1, [1, 0], "into select 1's children, then back outside");
    /// ```
    fn enter_select(&mut self, select: u32) -> u32 {
        let _ = select;
        0
    }
}

/// Hids only: components stay unmounted (they render nothing).
impl Mount for HidAlloc {
    fn next_hid(&mut self) -> u32 {
        HidAlloc::next_hid(self)
    }
    fn mount_component(&mut self, _: &mut dyn ComponentSlot) {}
}

/// Mounts a fresh subtree at the top of a page (HTML): assigns hids to its elements and
/// mounts its components (runs their setup and first render). `node` should be
/// normalized. See [`mount_in`] for a subtree placed elsewhere.
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
    mount_in(node, Ns::Html, cx);
}

/// [`mount`] for a subtree whose parent's children are in namespace `ns`: every element
/// also records the namespace of its place (`Element::parent_ns`), which decides how its
/// attribute names are spelled and, when it is sent as HTML, how it is written.
///
/// # Examples
///
/// ```
/// use vango::vdom::{diff::mount_in, hid::HidAlloc, Element, Ns, VNode};
/// let mut g = Element::new("g");
/// g.children.push(VNode::Element(Box::new(Element::new("circle"))));
/// let mut n = VNode::Element(Box::new(g));
/// mount_in(&mut n, Ns::Svg, &mut HidAlloc::new(1));
/// let g = n.as_element().unwrap();
/// assert_eq!(g.parent_ns, Ns::Svg);
/// assert_eq!(g.children[0].as_element().unwrap().parent_ns, Ns::Svg);
/// ```
pub fn mount_in(node: &mut VNode, ns: Ns, cx: &mut impl Mount) {
    match node {
        VNode::Element(e) => {
            e.hid = cx.next_hid();
            e.parent_ns = ns;
            let own = ns.of(e.tag);
            if has_component(&e.children) && content_of(e.tag, own) != Content::Normal {
                refuse_components(&mut e.children, cx);
            }
            let inner = own.children(e.tag);
            let outer = (e.tag == "select" && own == Ns::Html).then(|| cx.enter_select(e.hid));
            for c in &mut e.children {
                mount_in(c, inner, cx);
            }
            if let Some(outer) = outer {
                cx.enter_select(outer);
            }
        }
        VNode::Component(c) => {
            cx.mount_component(&mut **c);
            // The runtime mounts a component's output as page content (HTML).
            if ns != Ns::Html {
                if let Some(mut out) = c.rendered_mut() {
                    place(&mut out, ns);
                }
            }
        }
        VNode::Fragment(f) => {
            for c in f {
                mount_in(c, ns, cx);
            }
        }
        VNode::Text(_) | VNode::Raw(_) | VNode::Empty => {}
    }
}

/// Records `ns` as the place of a mounted subtree (and the namespaces below it).
fn place(node: &mut VNode, ns: Ns) {
    match node {
        VNode::Element(e) => {
            e.parent_ns = ns;
            let inner = ns.of(e.tag).children(e.tag);
            for c in &mut e.children {
                place(c, inner);
            }
        }
        VNode::Component(c) => {
            if let Some(mut out) = c.rendered_mut() {
                place(&mut out, ns);
            }
        }
        VNode::Fragment(f) => {
            for c in f {
                place(c, ns);
            }
        }
        VNode::Text(_) | VNode::Raw(_) | VNode::Empty => {}
    }
}

/// Whether `children` hold a component.
#[inline]
pub(crate) fn has_component(children: &[VNode]) -> bool {
    children.iter().any(|c| matches!(c, VNode::Component(_)))
}

/// Drops the components among the children of a raw-text or escapable-text element
/// (`textarea`, `title`, `script`, `style`, `xmp`, `iframe`, `noembed`, `noframes`): the
/// parser reads such content as text, so neither an element nor a range's comments could
/// stand there. The component renders nothing (its setup never runs); the refusal is
/// counted by [`Mount::warn`] and logged once per process.
#[cold]
pub(crate) fn refuse_components(children: &mut Children, cx: &mut impl Mount) {
    static LOGGED: AtomicBool = AtomicBool::new(false);
    if !LOGGED.swap(true, Ordering::Relaxed) {
        log::warn!("a component inside a raw-text element (textarea, title, script, style, ...) renders nothing");
    }
    cx.warn("component inside a raw-text element: refused");
    // Rebuilt so that the texts around a dropped component merge into one, as the DOM has them.
    let mut kept = Vec::new();
    for c in mem::take(children) {
        if !matches!(c, VNode::Component(_)) {
            VNode::push_normalized(&mut kept, c);
        }
    }
    *children = kept.into();
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
    /// Whether the new list holds a component (refused in raw-text elements).
    pub(crate) new_comp: bool,
    pub(crate) old_keyed: usize,
    pub(crate) new_keyed: usize,
}

impl Lists {
    #[inline]
    pub(crate) fn scan(old: &[VNode], new: &[VNode]) -> Lists {
        let (r1, old_keyed, _) = scan_list(old);
        let (r2, new_keyed, new_comp) = scan_list(new);
        Lists {
            raw: r1 | r2,
            new_comp,
            old_keyed,
            new_keyed,
        }
    }
}

#[inline(always)]
fn scan_list(list: &[VNode]) -> (bool, usize, bool) {
    let mut raw = false;
    let mut comp = false;
    let mut keyed = 0;
    for n in list {
        match n {
            VNode::Element(e) => keyed += e.key.is_some() as usize,
            VNode::Component(c) => {
                comp = true;
                keyed += c.key().is_some() as usize;
            }
            VNode::Raw(_) => raw = true,
            _ => {}
        }
    }
    (raw, keyed, comp)
}

/// Releases what a removed subtree holds: disposes every component instance in it.
///
/// # Examples
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// use vango::component::Tree;
/// use vango::prelude::*;
/// use vango::vdom::walk::dispose;
/// fn badge(gone: Rc<Cell<bool>>) -> impl Render {
///     on_cleanup(move || gone.set(true));
///     || span("new")
/// }
/// let gone = Rc::new(Cell::new(false));
/// let g = gone.clone();
/// let tree = Tree::mount(move || move || div(component(badge, g.clone())));
/// dispose(tree.root());
/// assert!(gone.get(), "the removed component's cleanups ran");
/// ```
pub fn dispose(node: &VNode) {
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
pub(crate) fn raw_forces_replace(old: &[VNode], new: &[VNode]) -> bool {
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

/// The hid of the first element (in document order, through mounted components' output)
/// whose `id` attribute is `id`: how a command naming an element by its DOM id reaches
/// the element's hid.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::vdom::{hid::HidAlloc, walk};
/// let mut page = div((p("x"), input().id("new-todo"))).into_node();
/// walk::mount(&mut page, &mut HidAlloc::default());
/// assert_eq!(walk::hid_of_id(&page, "new-todo"), Some(3));
/// assert_eq!(walk::hid_of_id(&page, "nope"), None);
/// ```
pub fn hid_of_id(node: &VNode, id: &str) -> Option<u32> {
    match node {
        VNode::Element(e) if e.attr("id") == Some(id) => Some(e.hid),
        VNode::Element(e) => e.children.iter().find_map(|c| hid_of_id(c, id)),
        VNode::Fragment(f) => f.iter().find_map(|c| hid_of_id(c, id)),
        VNode::Component(c) => c.rendered().and_then(|o| hid_of_id(&o, id)),
        VNode::Text(_) | VNode::Raw(_) | VNode::Empty => None,
    }
}

/// Whether `n` is raw HTML (which may parse to any number of DOM nodes).
#[inline]
pub(crate) fn is_raw(n: &VNode) -> bool {
    matches!(n, VNode::Raw(_))
}

/// The key of a keyed child (element or component).
pub(crate) fn key_of(n: &VNode) -> Option<&Key> {
    match n {
        VNode::Element(e) => e.key.as_deref(),
        VNode::Component(c) => c.key(),
        _ => None,
    }
}

pub(crate) fn take(v: &mut VNode) -> VNode {
    mem::replace(v, VNode::Empty)
}
