//! The closed set of DOM edits the diff emits, and the one sink trait they go through.
//!
//! Addressing: elements and ranges (a component's output that is not one element, see
//! [`crate::vdom::Element::range`]) are addressed by hydration id (`hid`); text nodes, which
//! have no id, by their parent's hid and their index among the parent's children, where a
//! range counts as one child. Indices
//! are those of the DOM *at the moment the patch is applied*: patches of one frame apply
//! in order. Subtrees to insert are passed as mounted [`VNode`]s (hids assigned); a sink
//! serializes them (the wire format uses the SSR HTML, see `PROTOCOL.md`). Names, values
//! and texts arrive as a first paint of the same tree puts them in the DOM (the diff
//! applies `vdom::normal` before any sink): a sink writes them as given.
//!
//! Touches nothing but `vdom::node`.

use crate::vdom::node::VNode;

/// Version of the patch operation set. Bump when an operation is added or changed.
///
/// # Examples
///
/// ```
/// use vango::vdom::patch::PATCH_SET_VERSION;
/// assert!(PATCH_SET_VERSION >= 1);
/// ```
pub const PATCH_SET_VERSION: u8 = 3;

/// Receives the edits of a diff, in application order.
///
/// # Examples
///
/// ```
/// use vango::vdom::{PatchSink, PropValue, VNode};
/// /// Counts the edits instead of applying them.
/// #[derive(Default)]
/// struct Count(usize);
/// impl PatchSink for Count {
///     fn set_text(&mut self, _: u32, _: u32, _: &str) { self.0 += 1 }
///     fn set_attr(&mut self, _: u32, _: &str, _: &str) { self.0 += 1 }
///     fn remove_attr(&mut self, _: u32, _: &str) { self.0 += 1 }
///     fn set_prop(&mut self, _: u32, _: &str, _: PropValue<'_>) { self.0 += 1 }
///     fn insert_child(&mut self, _: u32, _: u32, _: &VNode) { self.0 += 1 }
///     fn remove_child(&mut self, _: u32, _: u32) { self.0 += 1 }
///     fn move_child(&mut self, _: u32, _: u32, _: u32) { self.0 += 1 }
///     fn replace_child(&mut self, _: u32, _: u32, _: &VNode) { self.0 += 1 }
///     fn replace_node(&mut self, _: u32, _: &VNode) { self.0 += 1 }
///     fn set_inner_html(&mut self, _: u32, _: &str) { self.0 += 1 }
///     fn clear_children(&mut self, _: u32) { self.0 += 1 }
/// }
/// let mut c = Count::default();
/// c.set_text(1, 0, "hi");
/// c.remove_attr(1, "hidden");
/// assert_eq!(c.0, 2);
/// ```
pub trait PatchSink {
    /// Set the text of the text node at `index` among `parent`'s child nodes.
    fn set_text(&mut self, parent: u32, index: u32, text: &str);
    /// Set attribute `name` of element `hid` (an empty value for boolean attributes).
    fn set_attr(&mut self, hid: u32, name: &str, value: &str);
    /// Remove attribute `name` of element `hid`.
    fn remove_attr(&mut self, hid: u32, name: &str);
    /// Set a live property (`value`, `checked`, `selected`) of form control `hid`.
    fn set_prop(&mut self, hid: u32, name: &str, value: PropValue<'_>);
    /// Insert `node` as the child at `index` of `parent` (`index` == child count appends).
    fn insert_child(&mut self, parent: u32, index: u32, node: &VNode);
    /// Remove the child at `index` of `parent`.
    fn remove_child(&mut self, parent: u32, index: u32);
    /// Move the child at `from` of `parent` so that it ends up at index `to`
    /// (`to` counts positions after the node was taken out).
    fn move_child(&mut self, parent: u32, from: u32, to: u32);
    /// Replace the child at `index` of `parent` with `node`.
    fn replace_child(&mut self, parent: u32, index: u32, node: &VNode);
    /// Replace element `hid` with `node`.
    fn replace_node(&mut self, hid: u32, node: &VNode);
    /// Replace the children of element `hid` with trusted HTML.
    fn set_inner_html(&mut self, hid: u32, html: &str);
    /// Remove every child of element `parent` (never a range: a range's children are
    /// removed one by one). Sent for a list of two or more children that becomes empty.
    fn clear_children(&mut self, parent: u32);
}

/// A property value for [`PatchSink::set_prop`].
///
/// # Examples
///
/// ```
/// use vango::vdom::{OwnedProp, Patch, PatchSink, PropValue};
/// let mut rec: Vec<Patch> = Vec::new();
/// rec.set_prop(4, "checked", PropValue::Bool(true));
/// let value = OwnedProp::Bool(true);
/// assert_eq!(rec, [Patch::SetProp { hid: 4, name: "checked".into(), value }]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PropValue<'a> {
    /// A string property (`value`).
    Str(&'a str),
    /// A boolean property (`checked`, `selected`).
    Bool(bool),
}

/// An owned patch: what tests, oracles and the debug tools record. Subtrees are kept as
/// their SSR HTML (`Vec<Patch>` is a [`PatchSink`] in `render`, which owns HTML).
///
/// # Examples
///
/// ```
/// use vango::vdom::{Patch, PatchSink};
/// let mut rec: Vec<Patch> = Vec::new();
/// rec.set_attr(2, "class", "active");
/// assert_eq!(rec, [Patch::SetAttr { hid: 2, name: "class".into(), value: "active".into() }]);
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
#[allow(missing_docs)] // fields are documented on the PatchSink methods
pub enum Patch {
    /// See [`PatchSink::set_text`].
    SetText {
        parent: u32,
        index: u32,
        text: String,
    },
    /// See [`PatchSink::set_attr`].
    SetAttr {
        hid: u32,
        name: String,
        value: String,
    },
    /// See [`PatchSink::remove_attr`].
    RemoveAttr { hid: u32, name: String },
    /// See [`PatchSink::set_prop`]. `value` is `None` for a boolean `false`,
    /// `Some("")` for `true` when `is_bool`.
    SetProp {
        hid: u32,
        name: String,
        value: OwnedProp,
    },
    /// See [`PatchSink::insert_child`].
    InsertChild {
        parent: u32,
        index: u32,
        html: String,
    },
    /// See [`PatchSink::remove_child`].
    RemoveChild { parent: u32, index: u32 },
    /// See [`PatchSink::move_child`].
    MoveChild { parent: u32, from: u32, to: u32 },
    /// See [`PatchSink::replace_child`].
    ReplaceChild {
        parent: u32,
        index: u32,
        html: String,
    },
    /// See [`PatchSink::replace_node`].
    ReplaceNode { hid: u32, html: String },
    /// See [`PatchSink::set_inner_html`].
    SetInnerHtml { hid: u32, html: String },
    /// See [`PatchSink::clear_children`].
    ClearChildren { parent: u32 },
}

/// Owned form of [`PropValue`].
///
/// # Examples
///
/// ```
/// use vango::vdom::{OwnedProp, Patch, PatchSink, PropValue};
/// let mut rec: Vec<Patch> = Vec::new();
/// rec.set_prop(4, "value", PropValue::Str("typed"));
/// let Patch::SetProp { value, .. } = &rec[0] else { panic!() };
/// assert_eq!(value, &OwnedProp::Str("typed".into()));
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum OwnedProp {
    /// A string property.
    Str(String),
    /// A boolean property.
    Bool(bool),
}

/// Both sinks get every edit, in order: e.g. the wire encoder and a recorder, or a model
/// DOM and a list of [`Patch`]es in tests.
///
/// # Examples
///
/// ```
/// use vango::vdom::{Patch, PatchSink};
/// let mut both = (Vec::<Patch>::new(), Vec::<Patch>::new());
/// both.set_text(1, 0, "hi");
/// assert_eq!(both.0, both.1);
/// assert_eq!(both.0.len(), 1);
/// ```
impl<A: PatchSink, B: PatchSink> PatchSink for (A, B) {
    fn set_text(&mut self, parent: u32, index: u32, text: &str) {
        self.0.set_text(parent, index, text);
        self.1.set_text(parent, index, text);
    }
    fn set_attr(&mut self, hid: u32, name: &str, value: &str) {
        self.0.set_attr(hid, name, value);
        self.1.set_attr(hid, name, value);
    }
    fn remove_attr(&mut self, hid: u32, name: &str) {
        self.0.remove_attr(hid, name);
        self.1.remove_attr(hid, name);
    }
    fn set_prop(&mut self, hid: u32, name: &str, value: PropValue<'_>) {
        self.0.set_prop(hid, name, value);
        self.1.set_prop(hid, name, value);
    }
    fn insert_child(&mut self, parent: u32, index: u32, node: &VNode) {
        self.0.insert_child(parent, index, node);
        self.1.insert_child(parent, index, node);
    }
    fn remove_child(&mut self, parent: u32, index: u32) {
        self.0.remove_child(parent, index);
        self.1.remove_child(parent, index);
    }
    fn move_child(&mut self, parent: u32, from: u32, to: u32) {
        self.0.move_child(parent, from, to);
        self.1.move_child(parent, from, to);
    }
    fn replace_child(&mut self, parent: u32, index: u32, node: &VNode) {
        self.0.replace_child(parent, index, node);
        self.1.replace_child(parent, index, node);
    }
    fn replace_node(&mut self, hid: u32, node: &VNode) {
        self.0.replace_node(hid, node);
        self.1.replace_node(hid, node);
    }
    fn set_inner_html(&mut self, hid: u32, html: &str) {
        self.0.set_inner_html(hid, html);
        self.1.set_inner_html(hid, html);
    }
    fn clear_children(&mut self, parent: u32) {
        self.0.clear_children(parent);
        self.1.clear_children(parent);
    }
}
