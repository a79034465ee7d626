//! Components: a setup that runs once per mount (in its own reactive owner) and a render
//! closure re-run, under an observer, when a signal it read changes.
//!
//! Touches `reactive` (props signals), the mounting machinery (`instance.rs`) and the
//! engine's `ComponentSlot`/`Mount` contracts, which it implements. Identity of a component is the type of its setup
//! function (every `fn` item has its own type), its key and, for [`component`], its props;
//! a [`component_live`] keeps its instance when its props change and receives them
//! through a signal.

use std::any::{Any, TypeId};
use std::cell::{Ref, RefMut};
use std::mem;
use std::rc::Rc;

use super::instance::{Instance, Render, TreeCx};
use crate::reactive::{signal, untrack, Signal};
use crate::vdom::node::{ComponentSlot, Footprint, Key, VNode};
use crate::vdom::walk::Mount;

/// A component node: `setup(props)` runs once when the node is mounted; the render
/// closure it returns produces the component's output.
///
/// When a parent re-renders, a component at the same place with the same setup function,
/// key and equal props keeps its instance (its state and its output) and is not
/// re-rendered; otherwise the old instance is disposed and the new one mounted.
///
/// # Examples
///
/// ```
/// use vango::component::component;
/// use vango::vdom::{Element, VNode};
/// fn greeting(name: &'static str) -> impl FnMut() -> VNode {
///     move || {
///         let mut p = Element::new("p");
///         p.children.push(VNode::Text(name.into()));
///         VNode::Element(Box::new(p))
///     }
/// }
/// let node = component(greeting, "world");
/// assert!(matches!(node, VNode::Component(_)));
/// ```
pub fn component<P, R, F>(setup: F, props: P) -> VNode
where
    F: Fn(P) -> R + Copy + 'static,
    P: Clone + PartialEq + 'static,
    R: Render,
{
    component_node(None, setup, props)
}

/// [`component`] with a key, for keyed lists of components.
///
/// # Examples
///
/// ```
/// use vango::component::Tree;
/// use vango::prelude::*;
/// fn row(name: &'static str) -> impl Render {
///     move || li(name)
/// }
/// let names = ["ann", "bob"];
/// let tree = Tree::mount(move || move || ul(nodes(names.map(|n| component_keyed(n, row, n)))));
/// assert!(vango::render::to_html(tree.root()).contains(">bob</li>"));
/// ```
pub fn component_keyed<P, R, F>(key: impl Into<Key>, setup: F, props: P) -> VNode
where
    F: Fn(P) -> R + Copy + 'static,
    P: Clone + PartialEq + 'static,
    R: Render,
{
    component_node(Some(key.into()), setup, props)
}

fn component_node<P, R, F>(key: Option<Key>, setup: F, props: P) -> VNode
where
    F: Fn(P) -> R + Copy + 'static,
    P: Clone + PartialEq + 'static,
    R: Render,
{
    VNode::Component(Box::new(ComponentNode {
        type_id: TypeId::of::<F>(),
        key,
        state: State::Pending(Box::new(PendingImpl { setup, props })),
    }) as Box<dyn ComponentSlot>)
}

/// A component whose props may change without a remount (LiveView's `update/2`, React's
/// re-render with new props): `setup` runs once per mount and receives the props as a
/// [`Signal`]. When the parent re-renders it at the same place (same setup function and
/// key) with props that differ, the instance and all state its setup created are kept,
/// the signal is set to the new props, and the component re-renders only if its render
/// read the props. Equal props change nothing.
///
/// Use [`component`] instead when a change of props should start over (its setup runs
/// again with the new props).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::component::Tree;
/// use vango::vdom::Patch;
///
/// fn row(label: Signal<String>) -> impl Render {
///     let open = signal(false); // survives label changes
///     move || li(format!("{} {}", label.get(), if open.get() { "▾" } else { "▸" }))
/// }
/// let label = signal(String::from("a"));
/// let mut tree = Tree::mount(move || move || ul(component_live(row, label.get())));
/// label.set("b".into());
/// tree.rerender(&mut Vec::<Patch>::new());
/// let html = vango::render::to_html(tree.root());
/// assert!(html.contains(">b ▸</li>"), "{html}");
/// ```
pub fn component_live<P, R, F>(setup: F, props: P) -> VNode
where
    F: Fn(Signal<P>) -> R + Copy + 'static,
    P: PartialEq + 'static,
    R: Render,
{
    live_node(None, setup, props)
}

/// [`component_live`] with a key, for keyed lists of components.
///
/// # Examples
///
/// ```
/// use vango::component::Tree;
/// use vango::prelude::*;
/// fn row(label: Signal<String>) -> impl Render {
///     move || li(label.get())
/// }
/// let tree = Tree::mount(|| {
///     || ul(nodes((1..=2u64).map(|id| component_live_keyed(id, row, format!("row {id}")))))
/// });
/// assert!(vango::render::to_html(tree.root()).contains(">row 2</li>"));
/// ```
pub fn component_live_keyed<P, R, F>(key: impl Into<Key>, setup: F, props: P) -> VNode
where
    F: Fn(Signal<P>) -> R + Copy + 'static,
    P: PartialEq + 'static,
    R: Render,
{
    live_node(Some(key.into()), setup, props)
}

fn live_node<P, R, F>(key: Option<Key>, setup: F, props: P) -> VNode
where
    F: Fn(Signal<P>) -> R + Copy + 'static,
    P: PartialEq + 'static,
    R: Render,
{
    VNode::Component(Box::new(ComponentNode {
        type_id: TypeId::of::<F>(),
        key,
        state: State::Pending(Box::new(PendingLive { setup, props })),
    }) as Box<dyn ComponentSlot>)
}

/// A component node of identity `type_id` and `key` whose setup is `pending`.
pub(crate) fn pending_node(type_id: TypeId, key: Option<Key>, pending: Box<dyn Pending>) -> VNode {
    VNode::Component(Box::new(ComponentNode {
        type_id,
        key,
        state: State::Pending(pending),
    }) as Box<dyn ComponentSlot>)
}

/// A component in a tree: not yet mounted (setup pending) or mounted (instance alive).
///
/// # Examples
///
/// ```
/// use vango::component::{component, ComponentNode};
/// use vango::prelude::*;
/// fn note(_: ()) -> impl Render {
///     || p("x")
/// }
/// let VNode::Component(slot) = component(note, ()) else { panic!() };
/// assert!(slot.as_any().downcast_ref::<ComponentNode>().is_some());
/// assert!(!slot.is_mounted(), "mounted only when its tree mounts it");
/// ```
pub struct ComponentNode {
    type_id: TypeId,
    key: Option<Key>,
    state: State,
}

enum State {
    Pending(Box<dyn Pending>),
    Mounted(Rc<Instance>),
    Gone,
}

pub(crate) trait Pending {
    /// Whether a mounted instance whose props are `mounted` may be kept for this node.
    fn keeps(&self, mounted: &dyn Any) -> bool;
    /// Hands these props to the kept instance (live components only).
    fn update(self: Box<Self>, _mounted: &dyn Any) {}
    fn start(self: Box<Self>) -> (Box<dyn Render>, Box<dyn Any>);
    /// The component's name in dev-mode paths (its setup function's last path segment).
    fn name(&self) -> &'static str {
        "component"
    }
}

/// The last segment of a setup function's type name (`app::counter` → `counter`).
fn short_name<F>() -> &'static str {
    let full = std::any::type_name::<F>();
    full.rsplit("::").next().unwrap_or(full)
}

struct PendingImpl<P, F> {
    setup: F,
    props: P,
}

impl<P, R, F> Pending for PendingImpl<P, F>
where
    F: Fn(P) -> R + 'static,
    P: Clone + PartialEq + 'static,
    R: Render,
{
    fn keeps(&self, mounted: &dyn Any) -> bool {
        mounted
            .downcast_ref::<P>()
            .is_some_and(|p| *p == self.props)
    }
    fn name(&self) -> &'static str {
        short_name::<F>()
    }
    fn start(self: Box<Self>) -> (Box<dyn Render>, Box<dyn Any>) {
        let r = (self.setup)(self.props.clone());
        (Box::new(r), Box::new(self.props))
    }
}

/// A live component's pending node; a mounted one keeps its props in a `Signal<P>`.
struct PendingLive<P, F> {
    setup: F,
    props: P,
}

impl<P, R, F> Pending for PendingLive<P, F>
where
    F: Fn(Signal<P>) -> R + 'static,
    P: PartialEq + 'static,
    R: Render,
{
    fn keeps(&self, mounted: &dyn Any) -> bool {
        mounted.is::<Signal<P>>()
    }
    fn update(self: Box<Self>, mounted: &dyn Any) {
        if let Some(props) = mounted.downcast_ref::<Signal<P>>() {
            // Equal props: no write, so nothing that read them re-runs.
            if untrack(|| props.try_with(|p| *p != self.props)) == Ok(true) {
                let _ = props.try_set(self.props);
            }
        }
    }
    fn name(&self) -> &'static str {
        short_name::<F>()
    }
    fn start(self: Box<Self>) -> (Box<dyn Render>, Box<dyn Any>) {
        // Runs under the instance's owner: the signal is disposed with the instance.
        let props = signal(self.props);
        let r = (self.setup)(props);
        (Box::new(r), Box::new(props))
    }
}

impl ComponentNode {
    pub(crate) fn instance(&self) -> Option<&Rc<Instance>> {
        match &self.state {
            State::Mounted(i) => Some(i),
            _ => None,
        }
    }

    /// Runs the setup and first render, and mounts the output.
    pub(crate) fn mount(&mut self, cx: &mut TreeCx) {
        if let State::Pending(p) = mem::replace(&mut self.state, State::Gone) {
            // The name is for dev-mode paths only: release builds skip finding the setup
            // function's last path segment (a string search) at every mount.
            let name = if cfg!(debug_assertions) { p.name() } else { "" };
            self.state = State::Mounted(Instance::mount(name, || p.start(), cx));
        }
    }
}

impl ComponentSlot for ComponentNode {
    fn key(&self) -> Option<&Key> {
        self.key.as_ref()
    }

    fn is_mounted(&self) -> bool {
        matches!(self.state, State::Mounted(_))
    }

    fn rendered(&self) -> Option<Ref<'_, VNode>> {
        self.instance()?.output()
    }

    fn rendered_mut(&self) -> Option<RefMut<'_, VNode>> {
        self.instance()?.output_mut()
    }

    fn hibernate(&self, fp: &mut Footprint) {
        if let Some(i) = self.instance() {
            i.hibernate(fp);
        }
    }

    fn same_as(&self, new: &dyn ComponentSlot) -> bool {
        let Some(new) = new.as_any().downcast_ref::<ComponentNode>() else {
            return false;
        };
        self.type_id == new.type_id
            && self.key == new.key
            && match (&self.state, &new.state) {
                (State::Mounted(i), State::Pending(p)) => p.keeps(i.props()),
                _ => false,
            }
    }

    /// A live component gets `new`'s props, and re-renders later if its render read them.
    fn keep_for(&self, new: Box<dyn ComponentSlot>) {
        let Ok(new) = new.into_any().downcast::<ComponentNode>() else {
            return;
        };
        if let (State::Mounted(i), State::Pending(p)) = (&self.state, new.state) {
            p.update(i.props());
        }
    }

    fn dispose(&self) {
        if let State::Mounted(i) = &self.state {
            i.dispose();
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// Mounting a fresh component runs its setup: only the runtime can, so the engine asks.
impl Mount for TreeCx {
    #[inline]
    fn next_hid(&mut self) -> u32 {
        self.hids.next_hid()
    }

    fn mount_component(&mut self, c: &mut dyn ComponentSlot) {
        if let Some(c) = c.as_any_mut().downcast_mut::<ComponentNode>() {
            c.mount(self);
        }
    }

    fn warn(&mut self, what: &str) {
        self.warnings += 1;
        if super::dev::enabled() {
            log::warn!("diff: {what}");
        } else {
            log::debug!("diff: {what}");
        }
    }

    #[inline]
    fn enter_select(&mut self, select: u32) -> u32 {
        mem::replace(&mut self.select, select)
    }
}
