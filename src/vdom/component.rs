//! Components: a setup that runs once per mount (in its own reactive owner) and a render
//! closure re-run, under an observer, when a signal it read changes.
//!
//! Touches `reactive` (owners, observers) and the diff (a component's output is mounted
//! and diffed like any subtree). Identity of a component is the type of its setup
//! function (every `fn` item has its own type), its key and, for [`component`], its props;
//! a [`component_live`] keeps its instance when its props change and receives them
//! through a signal.

use std::any::{Any, TypeId};
use std::cell::{Cell, Ref, RefCell};
use std::mem;
use std::rc::{Rc, Weak};

use crate::reactive::{signal, untrack, Observer, Owner, Signal};
use crate::vdom::diff::{diff, dispose, DiffCx};
use crate::vdom::hid::normalize_root;
use crate::vdom::node::{Key, VNode};
use crate::vdom::patch::PatchSink;

/// What a component's setup returns: the render closure, re-run when a signal it read
/// changes. Any `FnMut() -> impl Into<VNode>` is one.
pub trait Render: 'static {
    /// Builds the component's current view.
    fn render(&mut self) -> VNode;
}

impl<F: FnMut() -> V + 'static, V: Into<VNode>> Render for F {
    fn render(&mut self) -> VNode {
        self().into()
    }
}

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
/// use vango::vdom::{component::component, Element, VNode};
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
    }))
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
/// use vango::vdom::model::CountSink;
/// use vango::vdom::tree::Tree;
///
/// fn row(label: Signal<String>) -> impl Render {
///     let open = signal(false); // survives label changes
///     move || li(format!("{} {}", label.get(), if open.get() { "▾" } else { "▸" }))
/// }
/// let label = signal(String::from("a"));
/// let mut tree = Tree::mount(move || move || ul(component_live(row, label.get())));
/// label.set("b".into());
/// tree.rerender(&mut CountSink::default());
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
    }))
}

/// A component in a tree: not yet mounted (setup pending) or mounted (instance alive).
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

trait Pending {
    /// Whether a mounted instance whose props are `mounted` may be kept for this node.
    fn keeps(&self, mounted: &dyn Any) -> bool;
    /// Hands these props to the kept instance (live components only).
    fn update(self: Box<Self>, _mounted: &dyn Any) {}
    fn start(self: Box<Self>) -> (Box<dyn Render>, Box<dyn Any>);
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
    fn start(self: Box<Self>) -> (Box<dyn Render>, Box<dyn Any>) {
        // Runs under the instance's owner: the signal is disposed with the instance.
        let props = signal(self.props);
        let r = (self.setup)(props);
        (Box::new(r), Box::new(props))
    }
}

impl ComponentNode {
    /// The component's current rendered output, once mounted.
    pub fn rendered(&self) -> Option<Ref<'_, VNode>> {
        match &self.state {
            State::Mounted(i) => i.output.try_borrow().ok(),
            _ => None,
        }
    }

    /// Its key among keyed siblings.
    pub fn key(&self) -> Option<&Key> {
        self.key.as_ref()
    }

    /// Whether the setup has run.
    pub fn is_mounted(&self) -> bool {
        matches!(self.state, State::Mounted(_))
    }

    pub(crate) fn instance(&self) -> Option<&Rc<Instance>> {
        match &self.state {
            State::Mounted(i) => Some(i),
            _ => None,
        }
    }

    /// Whether the fresh node `new` may keep this mounted instance.
    pub(crate) fn same_as(&self, new: &ComponentNode) -> bool {
        self.type_id == new.type_id
            && self.key == new.key
            && match (&self.state, &new.state) {
                (State::Mounted(i), State::Pending(p)) => p.keeps(&*i.props),
                _ => false,
            }
    }

    /// Keeps this instance for `new` (which [`same_as`](Self::same_as) accepted): a live
    /// component gets `new`'s props, and re-renders later if its render read them.
    pub(crate) fn keep_for(&self, new: ComponentNode) {
        if let (State::Mounted(i), State::Pending(p)) = (&self.state, new.state) {
            p.update(&*i.props);
        }
    }

    /// The hid of the root element of the output (0 when not mounted).
    pub(crate) fn root_hid(&self) -> u32 {
        self.rendered()
            .and_then(|o| o.as_element().map(|e| e.hid))
            .unwrap_or(0)
    }

    /// Runs the setup and first render, and mounts the output.
    pub(crate) fn mount(&mut self, cx: &mut DiffCx) {
        if let State::Pending(p) = mem::replace(&mut self.state, State::Gone) {
            self.state = State::Mounted(Instance::mount(|| p.start(), cx));
        }
    }

    pub(crate) fn dispose(&self) {
        if let State::Mounted(i) = &self.state {
            i.dispose();
        }
    }
}

/// The queue of components whose render read a signal that changed since.
#[derive(Clone, Default)]
pub(crate) struct DirtyQueue(pub(crate) Rc<RefCell<Vec<Weak<Instance>>>>);

impl DirtyQueue {
    pub(crate) fn take(&self) -> Vec<Weak<Instance>> {
        mem::take(&mut *self.0.borrow_mut())
    }
}

/// A mounted component.
pub(crate) struct Instance {
    props: Box<dyn Any>,
    render: RefCell<Option<Box<dyn Render>>>,
    pub(crate) output: RefCell<VNode>,
    pub(crate) depth: u32,
    pub(crate) dirty: Cell<bool>,
    pub(crate) disposed: Cell<bool>,
    owner: Owner,
    observer: Cell<Option<Observer>>,
}

impl Instance {
    /// Runs `start` (the setup) under a new owner, renders, and mounts the output.
    pub(crate) fn mount(
        start: impl FnOnce() -> (Box<dyn Render>, Box<dyn Any>),
        cx: &mut DiffCx,
    ) -> Rc<Instance> {
        let owner = Owner::new();
        let (render, props) = owner.with(|| untrack(start));
        let inst = Rc::new(Instance {
            props,
            render: RefCell::new(Some(render)),
            output: RefCell::new(VNode::Empty),
            depth: cx.depth,
            dirty: Cell::new(false),
            disposed: Cell::new(false),
            owner,
            observer: Cell::new(None),
        });
        let weak = Rc::downgrade(&inst);
        let queue = cx.queue.clone();
        let observer = owner.with(|| {
            Observer::new(move || {
                if let Some(i) = weak.upgrade() {
                    if !i.disposed.get() && !i.dirty.replace(true) {
                        queue.0.borrow_mut().push(weak.clone());
                    }
                }
            })
        });
        inst.observer.set(Some(observer));
        let mut out = inst
            .render_fresh()
            .unwrap_or_else(|| normalize_root(VNode::Empty));
        let depth = cx.depth;
        cx.depth = inst.depth + 1;
        let _ = owner.try_with(|| cx.mount(&mut out));
        cx.depth = depth;
        *inst.output.borrow_mut() = out;
        inst
    }

    /// Runs the render closure (tracked) and normalizes its output to one root element.
    pub(crate) fn render_fresh(&self) -> Option<VNode> {
        self.dirty.set(false);
        let obs = self.observer.get()?;
        let mut r = self.render.try_borrow_mut().ok()?;
        let r = r.as_mut()?;
        // A disposed owner or observer (torn down from outside) renders nothing new.
        match self.owner.try_with(|| obs.try_track(|| r.render())) {
            Ok(Ok(v)) => Some(normalize_root(v)),
            _ => None,
        }
    }

    /// Re-renders into `output` (the instance's own, or the tree root's) and diffs.
    pub(crate) fn rerender_into(
        &self,
        output: &mut VNode,
        cx: &mut DiffCx,
        sink: &mut impl PatchSink,
    ) {
        if self.disposed.get() {
            return;
        }
        let Some(new) = self.render_fresh() else {
            return;
        };
        let depth = cx.depth;
        cx.depth = self.depth + 1;
        let _ = self.owner.try_with(|| diff(output, new, cx, sink));
        cx.depth = depth;
    }

    /// Re-renders this (non-root) component and diffs its output.
    pub(crate) fn rerender(&self, cx: &mut DiffCx, sink: &mut impl PatchSink) {
        if self.disposed.get() {
            return;
        }
        let Ok(mut out) = self.output.try_borrow_mut() else {
            return;
        };
        self.rerender_into(&mut out, cx, sink);
    }

    /// Disposes nested components, the observer and the owner, and drops the render
    /// closure and output. Idempotent.
    pub(crate) fn dispose(&self) {
        if self.disposed.replace(true) {
            return;
        }
        if let Ok(mut out) = self.output.try_borrow_mut() {
            dispose(&out);
            *out = VNode::Empty;
        }
        if let Some(o) = self.observer.take() {
            o.dispose();
        }
        self.owner.dispose();
        if let Ok(mut r) = self.render.try_borrow_mut() {
            *r = None;
        }
    }
}
