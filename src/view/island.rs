//! JS islands: a region the page's own script renders and owns (a chart, a map, an
//! editor). The server writes only its container and its props; it never holds children
//! for it, so the diff never addresses a node inside.
//!
//! Touches only the builder and its attribute and hook-listener methods.
//!
//! In the page an island is `<div data-hook="Name" data-props="JSON">` with no children:
//! the client runs `window.Vango.islands[Name]` on it (`PROTOCOL.md`, "Islands"). A
//! props change is an attribute update of `data-props`, which the client hands to the
//! island's `updated`; the island's `ctx.push(name, payload)` reaches
//! [`Island::on_event`], and [`push_hook`](crate::live::push_hook) reaches its `ctx.on`.

use crate::vdom::event::{Event, IntoHandled};
use crate::vdom::node::{Key, Str, VNode};
use crate::view::attrs::IntoAttrValue;
use crate::view::builder::El;
use crate::view::nodes::IntoChildren;

/// The container of a JS island: built by [`island`], placed like any child.
///
/// It has no method that adds children: what is inside belongs to the island's script,
/// and the server keeps nothing there that a diff could touch.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// let chart: Island = island("Chart", "[3, 1, 2]").style("height: 200px");
/// let node: VNode = chart.into();
/// assert_eq!(node.as_element().unwrap().attr("data-props"), Some("[3, 1, 2]"));
/// ```
#[must_use = "an island does nothing until it is placed in a tree"]
pub struct Island(El);

/// A JS island named `name` (the key of `window.Vango.islands` the page's script
/// registered) with `props`, JSON text the script receives parsed (empty means `null`).
/// When a render gives other props, the client calls the island's `updated(el, props,
/// ctx)` (it may also be called with unchanged props, after another attribute of the
/// container changed); its children stay the script's.
///
/// The browser side, in a script the page loads before the client (a head script):
///
/// ```js
/// (window.Vango ||= {}).islands = { Chart: {
///   mounted(el, props, ctx) { /* build the DOM inside el; ctx.push('pick', 3) */ },
///   updated(el, props, ctx) { /* redraw with the new props */ },
///   destroyed(el, props, ctx) { /* free what mounted took */ },
/// } };
/// ```
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let points = signal(vec![1, 4, 2]);
/// let picked = signal(String::new());
/// let view = move || {
///     let json = format!("{{\"points\":{:?}}}", points.get());
///     island("Chart", json)
///         .id("chart")
///         .on_event("pick", move |e| picked.set(e.value().to_owned()))
/// };
/// let node: VNode = view().into();
/// let e = node.as_element().unwrap();
/// assert_eq!(e.attr("data-hook"), Some("Chart"));
/// assert_eq!(e.attr("data-props"), Some("{\"points\":[1, 4, 2]}"));
/// assert!(e.children.is_empty());
/// ```
pub fn island(name: impl Into<Str>, props: impl Into<Str>) -> Island {
    let props = props.into();
    let props = if props.is_empty() {
        Str::from_static("null")
    } else {
        props
    };
    Island(El::new("div").hook(name).attr("data-props", props))
}

impl Island {
    /// Sets the container's `id` (what [`push_hook`](crate::live::push_hook) addresses).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let node: VNode = island("Map", "").id("map").into();
    /// let e = node.as_element().unwrap();
    /// assert_eq!((e.attr("id"), e.attr("data-props")), (Some("map"), Some("null")));
    /// ```
    pub fn id(self, id: impl Into<Str>) -> Self {
        Island(self.0.id(id))
    }

    /// Sets the container's `class`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let node: VNode = island("Map", "{}").class("wide").into();
    /// assert_eq!(node.as_element().unwrap().attr("class"), Some("wide"));
    /// ```
    pub fn class(self, class: impl Into<Str>) -> Self {
        Island(self.0.class(class))
    }

    /// Sets the container's inline `style` (give it a size: the server renders it empty).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let node: VNode = island("Editor", "{}").style("min-height: 20em").into();
    /// assert_eq!(node.as_element().unwrap().attr("style"), Some("min-height: 20em"));
    /// ```
    pub fn style(self, css: impl Into<Str>) -> Self {
        Island(self.0.style(css))
    }

    /// Sets any other attribute of the container. `data-hook` and `data-props` are the
    /// island's own: setting them is refused (a debug build panics; a release build
    /// ignores it).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let node: VNode = island("Chart", "{}").attr("aria-label", "Sales").into();
    /// assert_eq!(node.as_element().unwrap().attr("aria-label"), Some("Sales"));
    /// ```
    pub fn attr(self, name: impl Into<Str>, value: impl IntoAttrValue) -> Self {
        let name = name.into();
        let own = name == "data-hook" || name == "data-props";
        debug_assert!(!own, "{name} belongs to the island");
        if own {
            return self;
        }
        Island(self.0.attr(name, value))
    }

    /// Identity among keyed siblings (see [`El::key`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let node: VNode = island("Chart", "{}").key(42u64).into();
    /// assert_eq!(node.as_element().unwrap().key.as_deref(), Some(&Key::Int(42)));
    /// ```
    pub fn key(self, key: impl Into<Key>) -> Self {
        Island(self.0.key(key))
    }

    /// Handles the events named `name` that the island's script pushes with
    /// `ctx.push(name, payload)`: [`Event::value`] is the payload (JSON text unless the
    /// script pushed a string). Several names may each have a handler.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let got = signal(String::new());
    /// let node: VNode = island("Map", "{}")
    ///     .on_event("moved", move |e| got.set(e.value().to_owned()))
    ///     .into();
    /// let ev = Event {
    ///     hid: 1,
    ///     name: "hook",
    ///     data: EventData::Hook { name: "moved".into(), payload: "[2,3]".into() },
    /// };
    /// (node.as_element().unwrap().listeners[0].handler)(&ev).unwrap();
    /// assert_eq!(got.get(), "[2,3]");
    /// ```
    pub fn on_event<R: IntoHandled>(
        self,
        name: &'static str,
        f: impl Fn(&Event) -> R + 'static,
    ) -> Self {
        Island(self.0.on_hook(name, f))
    }
}

impl From<Island> for VNode {
    fn from(i: Island) -> VNode {
        i.0.into()
    }
}

/// An island is one child.
impl IntoChildren for Island {
    fn push_children(self, out: &mut Vec<VNode>) {
        self.0.push_children(out);
    }
    fn into_node(self) -> VNode {
        self.0.into_node()
    }
}
