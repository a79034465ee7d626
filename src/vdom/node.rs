//! The virtual DOM node types: what render closures build and what the diff retains.
//!
//! Touches only the event types and `vdom::ns`: no reactivity, no I/O. Components are
//! opaque here ([`ComponentSlot`]). Static strings stay `&'static str` (a static [`Str`])
//! so that tag names, attribute names, literal text and classes are never copied per
//! session.

use std::any::Any;
use std::cell::{Ref, RefMut};
use std::fmt;
use std::rc::Rc;

use crate::vdom::event::{Event, Handled};
use crate::vdom::ns::Ns;
use crate::vdom::one_vec::OneVec;
use crate::vdom::tight::TightVec;

pub use crate::vdom::text::Str;

/// A node of the virtual DOM.
///
/// Invariants the rest of the crate relies on (established by [`crate::vdom::hid::normalize`]
/// before a tree is retained):
/// - an element's `children` hold no `Fragment` and no `Empty` (fragments are flattened);
/// - no two `Text` children are adjacent and no `Text` is empty, so that every `Text`
///   child is exactly one DOM text node after the browser parses the SSR output;
/// - the root of a component's output is an `Element`: the one element it rendered, or a
///   range ([`Element::range`]) holding whatever else it rendered.
///
/// # Examples
///
/// ```
/// use vango::vdom::{Element, VNode};
/// let mut p = Element::new("p");
/// p.children.push(VNode::Text("Hello".into()));
/// let node = VNode::Element(Box::new(p));
/// assert_eq!(vango::render::to_html(&node), "<p>Hello</p>");
/// ```
pub enum VNode {
    /// Renders nothing (the false branch of a conditional).
    Empty,
    /// A text node. Escaped when rendered.
    Text(Str),
    /// An element with attributes, listeners and children.
    Element(Box<Element>),
    /// A list of nodes without a wrapper element; flattened into the parent.
    Fragment(Vec<VNode>),
    /// A component: a setup that runs once per mount and a render that re-runs when a
    /// signal it read changes. The engine sees it only through [`ComponentSlot`]; the
    /// component runtime (`crate::component`) implements it.
    Component(Box<dyn ComponentSlot>),
    /// Trusted HTML written verbatim. Build it only with [`RawHtml::trusted`]: never from
    /// user data.
    Raw(RawHtml),
}

/// HTML that is written to the page without escaping.
///
/// The constructor's name is deliberately loud: passing user data here is an XSS hole.
///
/// # Examples
///
/// ```
/// use vango::vdom::{RawHtml, VNode};
/// let icon = VNode::Raw(RawHtml::trusted("<svg><circle r=\"4\"/></svg>"));
/// assert_eq!(vango::render::to_html(&icon), "<svg><circle r=\"4\"/></svg>");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RawHtml(pub(crate) Str);

impl RawHtml {
    /// Wraps HTML that the application trusts (never user input).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{RawHtml, VNode};
    /// let html = RawHtml::trusted("<b>bold</b>");
    /// assert_eq!(vango::render::to_html(&VNode::Raw(html)), "<b>bold</b>");
    /// ```
    pub fn trusted(html: impl Into<Str>) -> Self {
        RawHtml(html.into())
    }

    /// The HTML text.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::RawHtml;
    /// assert_eq!(RawHtml::trusted("<hr>").as_str(), "<hr>");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The child nodes of an element: a single child is held inline in the element, more in a
/// `Vec` (see [`OneVec`]).
///
/// # Examples
///
/// ```
/// use vango::vdom::{Children, VNode};
/// let mut c = Children::new();
/// c.push(VNode::Text("only".into()));
/// assert!(c.is_inline() && c.len() == 1);
/// ```
pub type Children = OneVec<VNode>;

/// An HTML element.
///
/// # Examples
///
/// ```
/// use vango::vdom::{Element, VNode};
/// let mut ul = Element::new("ul");
/// ul.children.push(VNode::Element(Box::new(Element::new("li"))));
/// assert_eq!(vango::render::to_html(&VNode::Element(Box::new(ul))), "<ul><li></li></ul>");
/// ```
pub struct Element {
    /// Tag name, lower case.
    pub tag: &'static str,
    /// Hydration id: the address patches use. `0` until the tree is mounted.
    pub hid: u32,
    /// Identity among keyed siblings. Boxed: most elements have none, and one word instead
    /// of three keeps `Element` in a 112-byte heap chunk (keyed rows pay a 32-byte box).
    pub key: Option<Box<Key>>,
    /// Attributes in the order given; a later duplicate replaces an earlier one.
    pub attrs: TightVec<Attr>,
    /// Server-side event handlers.
    pub listeners: TightVec<Listener>,
    /// Child nodes (a single one held inline).
    pub children: Children,
    /// The namespace of the place the element is in (its parent's children's namespace;
    /// [`Ns::of`] with the tag gives its own). Set when it is mounted; SSR of a subtree
    /// (an inserted node travels as HTML) starts from it. `Html` until then.
    pub parent_ns: Ns,
}

/// The tag of a range: a component's output that is not exactly one element (text,
/// several nodes, none). A range has a hid and children like an element but no tag of
/// its own in the DOM: it is written as the comments `<!--h:N-->` … `<!--/h-->` around
/// its children (`PROTOCOL.md`, "Ranges"), so it may stand wherever its children may.
/// `#` cannot start a tag name, so no element is mistaken for one.
///
/// # Examples
///
/// ```
/// use vango::vdom::{node::RANGE, Element};
/// assert_eq!(Element::range(Vec::new()).tag, RANGE);
/// ```
pub const RANGE: &str = "#range";

impl Element {
    /// A range holding `children` (see [`RANGE`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{Element, VNode};
    /// let r = Element::range(vec![VNode::Text("a".into())]);
    /// assert!(r.is_range());
    /// assert!(!Element::new("p").is_range());
    /// ```
    pub fn range(children: Vec<VNode>) -> Self {
        let mut e = Element::new(RANGE);
        e.children = children.into();
        e
    }

    /// Whether this is a range rather than a DOM element.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Element;
    /// assert!(Element::range(Vec::new()).is_range());
    /// ```
    #[inline]
    pub fn is_range(&self) -> bool {
        self.tag == RANGE
    }

    /// A new element with no attributes, listeners or children.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Element;
    /// let e = Element::new("section");
    /// assert_eq!((e.tag, e.hid, e.children.len()), ("section", 0, 0));
    /// ```
    pub fn new(tag: &'static str) -> Self {
        Element {
            tag,
            hid: 0,
            parent_ns: Ns::Html,
            key: None,
            attrs: TightVec::new(),
            listeners: TightVec::new(),
            children: Children::new(),
        }
    }

    /// The value of attribute `name`, if set to a string or to `true` (then `""`).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let e = input().attr("type", "checkbox").attr("checked", true).into_element();
    /// assert_eq!(e.attr("type"), Some("checkbox"));
    /// assert_eq!(e.attr("checked"), Some(""));
    /// assert_eq!(e.attr("name"), None);
    /// ```
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .rev()
            .find(|a| a.name == name)
            .and_then(|a| a.value.as_str())
    }
}

/// One attribute.
///
/// # Examples
///
/// ```
/// use vango::vdom::{Attr, AttrValue, Element};
/// let mut e = Element::new("a");
/// e.attrs.push(Attr { name: "href".into(), value: AttrValue::Str("/home".into()) });
/// assert_eq!(e.attr("href"), Some("/home"));
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Attr {
    /// Attribute name (`class`, `aria-label`, `data-id`, ...).
    pub name: Str,
    /// Its value.
    pub value: AttrValue,
}

/// An attribute value.
///
/// # Examples
///
/// ```
/// use vango::vdom::{Attr, AttrValue, Element, VNode};
/// let mut e = Element::new("button");
/// e.attrs.push(Attr { name: "disabled".into(), value: AttrValue::Bool(true) });
/// assert_eq!(vango::render::to_html(&VNode::Element(Box::new(e))), "<button disabled></button>");
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AttrValue {
    /// A string value. In a URL-valued attribute (`href`, `src`, `action`, `srcset`, ...) a
    /// URL that would run script (`javascript:`, `vbscript:`, `data:` other than a non-SVG
    /// image) is written as `about:invalid#zvangoz` instead, on the first paint and in
    /// patches (see `vdom::normal`).
    Str(Str),
    /// A boolean attribute: present without a value when `true`, absent when `false`.
    Bool(bool),
    /// A string value written as given even where it is a script URL.
    ///
    /// **Dangerous**: a `javascript:` link or frame source from user data is an XSS hole.
    /// Only for values the application wrote itself (see
    /// [`El::trusted_attr`](crate::view::El::trusted_attr)).
    Trusted(Str),
}

impl AttrValue {
    /// The string the attribute holds: `""` for `Bool(true)`, `None` when absent.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::AttrValue;
    /// assert_eq!(AttrValue::Bool(true).as_str(), Some(""));
    /// assert_eq!(AttrValue::Bool(false).as_str(), None);
    /// assert_eq!(AttrValue::Trusted("x".into()).as_str(), Some("x"));
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttrValue::Str(s) | AttrValue::Trusted(s) => Some(s),
            AttrValue::Bool(true) => Some(""),
            AttrValue::Bool(false) => None,
        }
    }
}

/// A key that identifies a child among its keyed siblings.
///
/// # Examples
///
/// ```
/// use vango::vdom::Key;
/// assert_eq!(Key::from(7u64), Key::Int(7));
/// assert_eq!(Key::from("row-a"), Key::Str("row-a".into()));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Key {
    /// An integer key (database ids).
    Int(u64),
    /// A string key.
    Str(Str),
}

impl From<u64> for Key {
    fn from(v: u64) -> Self {
        Key::Int(v)
    }
}
impl From<u32> for Key {
    fn from(v: u32) -> Self {
        Key::Int(v as u64)
    }
}
impl From<usize> for Key {
    fn from(v: usize) -> Self {
        Key::Int(v as u64)
    }
}
impl From<i32> for Key {
    fn from(v: i32) -> Self {
        Key::Int(v as u64)
    }
}
impl From<i64> for Key {
    fn from(v: i64) -> Self {
        Key::Int(v as u64)
    }
}
impl From<&'static str> for Key {
    fn from(v: &'static str) -> Self {
        Key::Str(Str::from_static(v))
    }
}
impl From<String> for Key {
    fn from(v: String) -> Self {
        Key::Str(Str::from(v))
    }
}

/// A server-side handler: runs on the session's core when the client reports the event;
/// its [`Handled`] outcome decides between an Ack and a Reject.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use vango::vdom::{Event, EventData, Handler};
/// let handler: Handler = Rc::new(|e: &Event| {
///     assert_eq!(e.name, "click");
///     Ok(())
/// });
/// assert_eq!(handler(&Event { hid: 1, name: "click", data: EventData::None }), Ok(()));
/// ```
pub type Handler = Rc<dyn Fn(&Event) -> Handled>;

/// A component as the engine sees it: an opaque node with an identity (to decide whether a
/// fresh render may keep the mounted instance), a rendered output, and a lifetime.
///
/// The diff mounts fresh slots through [`Mount::mount_component`](crate::vdom::diff::Mount),
/// keeps or replaces mounted ones, and disposes removed ones; SSR writes their output.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::component::Tree;
/// fn badge(n: u32) -> impl Render {
///     move || span(n.to_string())
/// }
/// let tree = Tree::mount(|| || div(component(badge, 3)));
/// let VNode::Element(root) = tree.root() else { panic!() };
/// let VNode::Component(slot) = &root.children[0] else { panic!() };
/// assert!(slot.is_mounted());
/// assert_eq!(slot.root_hid(), 2);
/// ```
pub trait ComponentSlot: Any {
    /// Its key among keyed siblings.
    fn key(&self) -> Option<&Key>;
    /// Whether the setup has run.
    fn is_mounted(&self) -> bool;
    /// The current rendered output, once mounted.
    fn rendered(&self) -> Option<Ref<'_, VNode>>;
    /// The current rendered output for an in-place edit (recording a typed value).
    fn rendered_mut(&self) -> Option<RefMut<'_, VNode>>;
    /// Whether the fresh (unmounted) slot `new` may keep this mounted instance.
    fn same_as(&self, new: &dyn ComponentSlot) -> bool;
    /// Keeps this instance for `new` (which [`same_as`](Self::same_as) accepted).
    fn keep_for(&self, new: Box<dyn ComponentSlot>);
    /// Disposes the instance (and everything below it). Idempotent.
    fn dispose(&self);
    /// For the runtime's downcasts.
    fn as_any(&self) -> &dyn Any;
    /// For the runtime's downcasts.
    fn as_any_mut(&mut self) -> &mut dyn Any;
    /// For the runtime's downcasts.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;

    /// Packs the output while the session is idle
    /// ([`Frozen::freeze_bare`](crate::vdom::frozen::Frozen::freeze_bare): without its
    /// handlers, for a tree that re-renders every component on waking), unless it is
    /// packed already, and adds what the packed output holds to `fp`;
    /// [`rendered`](Self::rendered) unpacks it. By default the output stays as it is.
    fn hibernate(&self, fp: &mut Footprint) {
        let _ = fp;
    }

    /// The hid of the root of the output, an element or a range (0 when not mounted).
    fn root_hid(&self) -> u32 {
        self.rendered()
            .and_then(|o| o.as_element().map(|e| e.hid))
            .unwrap_or(0)
    }
}

/// What packed trees hold, summed over a tree and the components inside it (each packs
/// its own output): for the session's memory accounting.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::vdom::frozen::{Footprint, Frozen};
/// let mut node: VNode = ul((li("a"), li("b"))).into();
/// let mut fp = Footprint::default();
/// let frozen = Frozen::freeze(&mut node, &mut fp);
/// assert!(fp.bytes > 0 && fp.handlers == 0);
/// assert_eq!(vango::render::to_html(&frozen.thaw()), "<ul><li>a</li><li>b</li></ul>");
/// ```
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Footprint {
    /// Bytes of packed nodes and held lists.
    pub bytes: usize,
    /// Heap blocks those take.
    pub blocks: usize,
    /// Handlers held (each an `Rc` of its closure, not counted in `bytes`).
    pub handlers: usize,
    /// Components held (their instances, not counted in `bytes`).
    pub components: usize,
}

/// A listener: the DOM event it answers, what the client does locally, and the handler.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use vango::vdom::{Element, Listener, Modifiers};
/// let mut b = Element::new("button");
/// b.listeners.push(Listener {
///     event: "click",
///     modifiers: Modifiers::default(),
///     handler: Rc::new(|_| Ok(())),
/// });
/// assert!(format!("{:?}", b.listeners[0]).starts_with("Listener(click"));
/// ```
#[derive(Clone)]
pub struct Listener {
    /// DOM event name, one of [`crate::vdom::event::EVENTS`].
    pub event: &'static str,
    /// What the client does before sending (prevent default, debounce, ...).
    pub modifiers: Modifiers,
    /// The server-side handler.
    pub handler: Handler,
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Listener({}{:?})", self.event, self.modifiers)
    }
}

/// Client-side behaviour of a listener. Rendered into the `data-on` marker attribute.
///
/// # Examples
///
/// ```
/// use vango::vdom::Modifiers;
/// let debounced = Modifiers { debounce_ms: 300, ..Modifiers::default() };
/// assert!(!debounced.prevent_default);
/// assert_eq!(debounced.debounce_ms, 300);
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Modifiers {
    /// Call `preventDefault()` in the browser.
    pub prevent_default: bool,
    /// Call `stopPropagation()` in the browser.
    pub stop_propagation: bool,
    /// Send only after this many milliseconds without another event (0 = off).
    pub debounce_ms: u16,
    /// Send at most once per this many milliseconds (0 = off).
    pub throttle_ms: u16,
    /// Pointer events: send coordinates, button and modifier keys (off keeps a click
    /// at 5 bytes on the wire).
    pub coords: bool,
    /// Key events: send only for these `KeyboardEvent.key` values (empty = every key);
    /// the browser checks, so other keys cost nothing. A key may not contain a space or
    /// a comma (the marker's separators).
    pub keys: &'static [&'static str],
}

impl fmt::Debug for VNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VNode::Empty => f.write_str("Empty"),
            VNode::Text(t) => write!(f, "Text({t:?})"),
            VNode::Element(e) => f
                .debug_struct("Element")
                .field("tag", &e.tag)
                .field("hid", &e.hid)
                .field("key", &e.key)
                .field("attrs", &e.attrs)
                .field("listeners", &e.listeners)
                .field("children", &e.children)
                .finish(),
            VNode::Fragment(c) => f.debug_tuple("Fragment").field(c).finish(),
            VNode::Component(_) => f.write_str("Component"),
            VNode::Raw(r) => write!(f, "Raw({:?})", r.as_str()),
        }
    }
}

impl VNode {
    /// Appends `node` to `children` keeping the normalized form: fragments are flattened,
    /// `Empty` and empty text are dropped, and adjacent text nodes are merged into one.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::VNode;
    /// let mut children = Vec::new();
    /// VNode::push_normalized(&mut children, VNode::Text("a".into()));
    /// VNode::push_normalized(&mut children, VNode::Empty);
    /// VNode::push_normalized(&mut children, VNode::Fragment(vec![VNode::Text("b".into())]));
    /// assert!(matches!(&children[..], [VNode::Text(t)] if t == "ab"));
    /// ```
    pub fn push_normalized(children: &mut Vec<VNode>, node: VNode) {
        match node {
            VNode::Empty => {}
            VNode::Fragment(nodes) => {
                for n in nodes {
                    VNode::push_normalized(children, n);
                }
            }
            VNode::Text(t) if t.is_empty() => {}
            VNode::Text(t) => {
                if let Some(VNode::Text(prev)) = children.last_mut() {
                    prev.push_str(&t);
                } else {
                    children.push(VNode::Text(t));
                }
            }
            other => children.push(other),
        }
    }

    /// The element inside, if this is an element.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{Element, VNode};
    /// let p = VNode::Element(Box::new(Element::new("p")));
    /// assert_eq!(p.as_element().map(|e| e.tag), Some("p"));
    /// assert!(VNode::Text("p".into()).as_element().is_none());
    /// ```
    pub fn as_element(&self) -> Option<&Element> {
        match self {
            VNode::Element(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Retained trees are per-session memory: the namespace field fits in padding, and
    /// the child list holds one child inline in a node's 32 bytes (its tag's spare values
    /// tell a list from a child), so 96 bytes is a 112-byte glibc chunk (a one-child list
    /// of its own took a 48-byte one).
    #[test]
    fn element_size() {
        assert_eq!(std::mem::size_of::<Children>(), 32);
        assert_eq!(std::mem::size_of::<Element>(), 96);
    }
}
