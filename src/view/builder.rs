//! `El`, the chaining element builder every element function returns.
//!
//! Touches only `vdom::node` and `IntoChildren`. Attribute and listener methods live in
//! `attrs.rs`, `typed_attrs.rs` and `on.rs` as further `impl El` blocks.

use std::fmt;
use std::ops::{Deref, DerefMut};

use crate::vdom::node::{Element, Key, VNode};
use crate::vdom::pool;
use crate::view::nodes::IntoChildren;

/// An element under construction: chain attribute, event and child methods, then use it
/// wherever a child or a [`VNode`] is expected.
///
/// `El` is a thin wrapper around the boxed [`Element`] that ends up inside
/// [`VNode::Element`], so converting it is free. Its children are always normalized (see
/// [`VNode::push_normalized`]): no fragments, no empty nodes, no adjacent texts.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let count = signal(0);
/// let x = 5;
/// let node: VNode = div((
///     h1("Title"),
///     button("+").on_click(move |_| count.update(|n| *n += 1)),
///     p(format!("x = {x}")),
/// ))
/// .id("main")
/// .class("card")
/// .into();
/// let e = node.as_element().unwrap();
/// assert_eq!(e.tag, "div");
/// assert_eq!(e.attr("class"), Some("card"));
/// assert_eq!(e.children.len(), 3);
/// ```
#[must_use = "an element builder does nothing until it is placed in a tree"]
pub struct El(pub(crate) Box<Element>);

impl El {
    /// A new element with tag `tag` and no attributes, listeners or children.
    ///
    /// `tag` must be a lower-case tag name (custom elements contain a hyphen).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::El;
    ///
    /// // For tags without a function of their own (custom elements).
    /// let e = El::new("my-widget").attr("level", 2).child("hi");
    /// assert_eq!(vango::render::to_html(&e.into_node()), r#"<my-widget level="2">hi</my-widget>"#);
    /// ```
    pub fn new(tag: &'static str) -> Self {
        El(pool::element(tag))
    }

    /// Appends `children` (anything [`IntoChildren`]) after the existing children.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let mut list = ul(li("first"));
    /// for i in 2..=3 {
    ///     list = list.child(li(format!("item {i}")));
    /// }
    /// assert_eq!(list.element().children.len(), 3);
    /// ```
    pub fn child(mut self, children: impl IntoChildren) -> Self {
        let mut children = children;
        if self.0.children.is_empty() && self.0.children.capacity() == 0 {
            // An only child (a text, an element) is held inline: no list at all.
            if children.count_hint() == 1 {
                match children.single() {
                    Ok(VNode::Empty) => return self,
                    Ok(node) => {
                        self.0.children.push(node);
                        return self;
                    }
                    Err(c) => children = c,
                }
            }
        }
        let list = self.0.children.vec_mut();
        // The first call sizes the list exactly: retained trees are per-session memory.
        if list.is_empty() {
            let n = children.count_hint();
            if list.capacity() == 0 {
                *list = pool::list(n);
            } else {
                list.reserve_exact(n);
            }
        }
        children.push_children(list);
        self
    }

    /// Same as [`El::child`]; reads better with a tuple or a list.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = El::new("nav").children((link("/", "Home"), link("/about", "About")));
    /// assert_eq!(e.element().children.len(), 2);
    /// ```
    pub fn children(self, children: impl IntoChildren) -> Self {
        self.child(children)
    }

    /// Sets the key that identifies this element among its keyed siblings.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let row = li("milk").key(7u64);
    /// assert_eq!(row.element().key.as_deref(), Some(&Key::Int(7)));
    /// ```
    pub fn key(mut self, key: impl Into<Key>) -> Self {
        self.0.key = Some(pool::key(key.into()));
        self
    }

    /// The value of attribute `name` (`""` for a set boolean attribute), as
    /// [`Element::attr`] (named differently because [`El::attr`] is the setter).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = a("docs").attr("href", "/docs").attr("download", true);
    /// assert_eq!((e.get_attr("href"), e.get_attr("download"), e.get_attr("rel")), (Some("/docs"), Some(""), None));
    /// ```
    pub fn get_attr(&self, name: &str) -> Option<&str> {
        self.0.attr(name)
    }

    /// The element built so far.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = button("Go").on_click(|_| {});
    /// assert_eq!((e.element().tag, e.element().listeners.len()), ("button", 1));
    /// ```
    pub fn element(&self) -> &Element {
        &self.0
    }

    /// Unwraps the built element (lists trimmed, see [`El::into_boxed`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let element = p("hi").class("x").into_element();
    /// assert_eq!(element.attr("class"), Some("x"));
    /// ```
    pub fn into_element(self) -> Element {
        *self.finish()
    }

    /// Unwraps the built element, still boxed (as [`VNode::Element`] holds it), with its
    /// attribute, listener and child lists trimmed to their length: a retained tree
    /// lives as long as its session, so it should not carry growth slack.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::vdom::VNode;
    ///
    /// let node = VNode::Element(p("hi").into_boxed());
    /// assert_eq!(vango::render::to_html(&node), "<p>hi</p>");
    /// ```
    pub fn into_boxed(self) -> Box<Element> {
        self.finish()
    }

    /// This element as a node (lists trimmed, see [`El::into_boxed`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// // `if` arms of different shapes unify as nodes.
    /// let done = true;
    /// let node = if done { p("done").into_node() } else { text("pending") };
    /// assert_eq!(vango::render::to_html(&node), "<p>done</p>");
    /// ```
    pub fn into_node(self) -> VNode {
        VNode::Element(self.finish())
    }

    /// Trims the element's lists; every way out of `El` goes through here.
    pub(crate) fn finish(mut self) -> Box<Element> {
        // Attributes and listeners are `TightVec`s: exact already.
        let e = &mut *self.0;
        if let Some(list) = e.children.inline() {
            // One child: held inline; its list goes back to the pool.
            pool::give_back(list);
        } else if e.children.len() < e.children.capacity() {
            e.children.vec_mut().shrink_to_fit();
        }
        self.0
    }
}

impl Deref for El {
    type Target = Element;
    fn deref(&self) -> &Element {
        &self.0
    }
}

impl DerefMut for El {
    fn deref_mut(&mut self) -> &mut Element {
        &mut self.0
    }
}

impl From<El> for VNode {
    fn from(el: El) -> VNode {
        VNode::Element(el.finish())
    }
}

impl From<Element> for El {
    fn from(e: Element) -> El {
        El(Box::new(e))
    }
}

impl From<Box<Element>> for El {
    fn from(e: Box<Element>) -> El {
        El(e)
    }
}

impl fmt::Debug for El {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Reuse VNode's Debug without cloning: listeners are not Clone-cheap to show.
        f.debug_struct("El")
            .field("tag", &self.0.tag)
            .field("key", &self.0.key)
            .field("attrs", &self.0.attrs)
            .field("listeners", &self.0.listeners)
            .field("children", &self.0.children)
            .finish()
    }
}

/// A custom element (or any tag without its own function) with `children`.
///
/// `tag` must be lower case; custom element names contain a hyphen.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let e = el("my-widget", "hi").attr("mode", "compact");
/// assert_eq!(e.tag, "my-widget");
/// ```
pub fn el(tag: &'static str, children: impl IntoChildren) -> El {
    debug_assert!(
        !tag.is_empty() && !tag.bytes().any(|b| b.is_ascii_uppercase()),
        "tag names are lower case: {tag:?}"
    );
    El::new(tag).child(children)
}

/// An element is one child.
impl IntoChildren for El {
    fn push_children(self, out: &mut Vec<VNode>) {
        out.push(VNode::Element(self.finish()));
    }
    fn into_node(self) -> VNode {
        VNode::Element(self.finish())
    }
    fn single(self) -> Result<VNode, Self> {
        Ok(self.into_node())
    }
}
