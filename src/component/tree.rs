//! The per-session component tree: mounts the root, routes events to handlers by hid,
//! re-renders dirty components (parents first) and diffs them into patches.
//!
//! Touches `reactive` (batch), the mounting machinery and the engine. `!Send`: one tree
//! lives on the core that owns its session.

use std::any::Any;
use std::cell::{Cell, OnceCell};
use std::fmt;
use std::rc::Rc;

mod sleep;

use super::dev_capture::in_phase;
use super::error::catch;
use super::hid_index::{self, HidIndex};
use super::instance::{Instance, Render, TreeCx};
use super::node::ComponentNode;
use crate::reactive::batch;
use crate::vdom::attrs::{prop_kind, PropKind};
use crate::vdom::event::{Event, EventData, Handled};
use crate::vdom::form::{restate, selection_digest};
use crate::vdom::frozen::{Footprint, Frozen};
use crate::vdom::node::{AttrValue, Element, Handler, VNode};
use crate::vdom::patch::PatchSink;
use crate::vdom::walk::dispose;

/// Re-render rounds per [`Tree::rerender`] before giving up on a render that keeps
/// dirtying itself (it stays dirty for the next call).
const MAX_ROUNDS: u32 = 100;

/// Why an event could not be delivered.
///
/// # Examples
///
/// ```
/// use vango::component::{DispatchError, Tree};
/// use vango::prelude::*;
/// let mut tree = Tree::mount(|| || p("static"));
/// let ev = Event { hid: 9, name: "click", data: EventData::None };
/// assert_eq!(tree.dispatch(&ev), Err(DispatchError::UnknownHid(9)));
/// let ev = Event { hid: 1, name: "click", data: EventData::None };
/// assert_eq!(tree.dispatch(&ev), Err(DispatchError::NoListener { hid: 1, event: "click" }));
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum DispatchError {
    /// No element with this hid is mounted (it may have been removed meanwhile).
    UnknownHid(u32),
    /// The element exists but has no listener for the event.
    NoListener {
        /// The element.
        hid: u32,
        /// The event name.
        event: &'static str,
    },
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DispatchError::UnknownHid(h) => write!(f, "no element with hid {h}"),
            DispatchError::NoListener { hid, event } => {
                write!(f, "element {hid} has no {event} listener")
            }
        }
    }
}

impl std::error::Error for DispatchError {}

/// One session's mounted component tree.
///
/// The root is the render output of the setup given to [`Tree::mount`]: the element it
/// rendered, or a range ([`Element::range`](crate::vdom::Element::range)) when it rendered
/// anything else (text, several nodes, a component). Hids start at 1 (the root).
///
/// # Examples
///
/// ```
/// use vango::reactive::signal;
/// use vango::component::Tree;
/// use vango::vdom::{Element, Event, EventData, Listener, Modifiers, Patch, VNode};
/// use std::rc::Rc;
///
/// let mut tree = Tree::mount(|| {
///     let count = signal(0);
///     move || {
///         let mut b = Element::new("button");
///         b.listeners.push(Listener {
///             event: "click",
///             modifiers: Modifiers::default(),
///             handler: Rc::new(move |_| Ok(count.update(|n| *n += 1))),
///         });
///         b.children.push(VNode::Text(count.get().to_string().into()));
///         VNode::Element(Box::new(b))
///     }
/// });
/// let outcome = tree.dispatch(&Event { hid: 1, name: "click", data: EventData::None });
/// assert_eq!(outcome, Ok(Ok(())), "delivered, and the handler accepted it");
/// let mut patches: Vec<Patch> = Vec::new();
/// tree.rerender(&mut patches);
/// assert_eq!(patches, [Patch::SetText { parent: 1, index: 0, text: "1".into() }]);
/// ```
pub struct Tree {
    /// The mounted root; unset while the tree hibernates (then `asleep` holds it packed).
    root: OnceCell<VNode>,
    /// The root packed by [`hibernate`](Self::hibernate), with what the packed tree
    /// holds (the components' packed outputs too).
    asleep: Cell<Option<Box<(Frozen, Footprint)>>>,
    inst: Rc<Instance>,
    cx: TreeCx,
    /// Paths to the elements with listeners, once a walk to a handler met more than
    /// [`hid_index::MIN_NODES`] nodes (see [`HidIndex`]).
    index: Option<Box<HidIndex>>,
    /// Packed without handlers and not re-rendered whole since: listeners hold stand-ins.
    stale: Cell<bool>,
    /// The re-render that brought the handlers back for an event changed the output (a
    /// render that reads more than signals): the root goes out whole with the next edits.
    resend: bool,
}

impl Tree {
    /// Runs `setup` under a new reactive owner, renders under an observer, normalizes,
    /// assigns hids from 1 and mounts every component below.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::Tree;
    /// use vango::prelude::*;
    /// let tree = Tree::mount(|| {
    ///     let name = signal("Ada");
    ///     move || h1(format!("Hi {}", name.get()))
    /// });
    /// assert_eq!(vango::render::to_html(tree.root()), "<h1 data-hid=\"1\">Hi Ada</h1>");
    /// ```
    pub fn mount<R: Render>(setup: impl FnOnce() -> R) -> Tree {
        let mut cx = TreeCx::new(1);
        let inst = Instance::mount(
            "app",
            || {
                let r: Box<dyn Render> = Box::new(setup());
                let props: Box<dyn Any> = Box::new(());
                (r, props)
            },
            &mut cx,
        );
        let root = OnceCell::from(inst.take_output());
        Tree {
            root,
            asleep: Cell::new(None),
            inst,
            cx,
            index: None,
            stale: Cell::new(false),
            resend: false,
        }
    }

    /// The mounted root, an element or a range (components inside hold their own outputs; see
    /// [`ComponentSlot::rendered`](crate::vdom::ComponentSlot::rendered)).
    /// A hibernated tree ([`hibernate`](Self::hibernate)) is unpacked first.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::Tree;
    /// use vango::prelude::*;
    /// let tree = Tree::mount(|| || text("just text"));
    /// assert!(tree.root().as_element().unwrap().is_range(), "text is wrapped in a range");
    /// ```
    pub fn root(&self) -> &VNode {
        self.root.get_or_init(|| self.thaw())
    }

    /// The root's hid (an element's or a range's).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::Tree;
    /// use vango::prelude::*;
    /// assert_eq!(Tree::mount(|| || div(())).root_hid(), 1);
    /// ```
    pub fn root_hid(&self) -> u32 {
        if let Some(root) = self.root.get() {
            return root.as_element().map_or(0, |e| e.hid);
        }
        let packed = self.asleep.take();
        let hid = packed.as_ref().map_or(0, |p| p.0.root_hid());
        self.asleep.set(packed);
        hid
    }

    /// Runs the handler for `ev.name` of element `ev.hid` inside [`batch`] and returns
    /// what it came to (accepted, or rejected by the handler).
    ///
    /// For events that report a form control's state (`input`, `change`, `blur`, key
    /// events) on a controlled control (one rendered with a
    /// `value` or `checked` attribute) the reported value is first recorded in the
    /// retained tree, so the next diff compares the new render with what the user sees,
    /// not with the stale render: no patch when the server accepts the typed value, a
    /// property patch when it changes it.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::Tree;
    /// use vango::prelude::*;
    /// let mut tree = Tree::mount(|| {
    ///     let n = signal(0);
    ///     move || button(n.get().to_string()).on_click(move |_| n.update(|n| *n += 1))
    /// });
    /// let click = Event { hid: 1, name: "click", data: EventData::None };
    /// assert_eq!(tree.dispatch(&click), Ok(Ok(())));
    /// assert!(tree.is_dirty());
    /// ```
    pub fn dispatch(&mut self, ev: &Event) -> Result<Handled, DispatchError> {
        if self.stale.get() {
            // The handlers were dropped by `hibernate`: every component renders again
            // (nothing to send when renders read only signals) before one is looked up.
            let mut edited = sleep::Edited(false);
            self.rerender(&mut edited);
            self.resend |= edited.0;
        }
        let (handler, inst) = match self.lookup(ev) {
            Found::Handler(h, inst) => (h, inst),
            Found::NoListener => {
                return Err(DispatchError::NoListener {
                    hid: ev.hid,
                    event: ev.name,
                })
            }
            Found::No => return Err(DispatchError::UnknownHid(ev.hid)),
        };
        // Under the owner of the component the element belongs to: what the handler
        // creates (signals, effects, tasks) lives and dies with that component.
        let owner = inst.owner();
        let run = || {
            let call = || batch(|| owner.try_with(|| handler(ev)).unwrap_or(Ok(())));
            inst.dev.enter(false, || in_phase("handler", call))
        };
        match inst.catcher() {
            None => Ok(run()),
            // Inside an error boundary a panic shows its fallback: the event counts as
            // handled (what the handler wrote before it panicked renders too).
            Some(b) => Ok(catch(run).unwrap_or_else(|err| {
                b.fail(err);
                Ok(())
            })),
        }
    }

    /// How many times this tree met suspicious input: mixed keyed/unkeyed siblings,
    /// duplicate keys, a component inside a raw-text element (refused: it renders nothing).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::component::Tree;
    /// fn note(_: ()) -> impl Render { || text("x") }
    /// let tree = Tree::mount(|| || textarea(component(note, ())));
    /// assert_eq!(tree.warnings(), 1);
    /// assert_eq!(vango::render::to_html(tree.root()), "<textarea data-hid=\"1\"></textarea>");
    /// ```
    pub fn warnings(&self) -> u32 {
        self.cx.warnings()
    }

    /// Whether some component read a signal that changed since its last render.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::Tree;
    /// use vango::prelude::*;
    /// use vango::vdom::Patch;
    /// let n = signal(0);
    /// let mut tree = Tree::mount(move || move || p(n.get().to_string()));
    /// assert!(!tree.is_dirty());
    /// n.set(1);
    /// assert!(tree.is_dirty());
    /// tree.rerender(&mut Vec::<Patch>::new());
    /// assert!(!tree.is_dirty());
    /// ```
    pub fn is_dirty(&self) -> bool {
        self.resend
            || self
                .cx
                .queue
                .0
                .borrow()
                .iter()
                .any(|w| w.upgrade().is_some_and(|i| !i.disposed.get()))
    }

    /// Re-renders the dirty components, parents before children (a child its parent
    /// disposed is skipped; one its parent kept still re-renders), diffing each against
    /// its retained output and sending the edits to `sink`. A component whose output lies
    /// in a `<select>` then has that select's selection restated when its new options
    /// decide it otherwise (the browser keeps the old selectedness); others cost nothing
    /// more.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::Tree;
    /// use vango::prelude::*;
    /// use vango::vdom::Patch;
    /// let title = signal("Draft");
    /// let mut tree = Tree::mount(move || move || h1("").class(title.get()));
    /// title.set("Published");
    /// let mut patches: Vec<Patch> = Vec::new();
    /// tree.rerender(&mut patches);
    /// let (name, value) = ("class".into(), "Published".into());
    /// assert_eq!(patches, [Patch::SetAttr { hid: 1, name, value }]);
    /// ```
    pub fn rerender(&mut self, sink: &mut impl PatchSink) {
        if self.resend {
            self.resend = false;
            sink.replace_node(self.root_hid(), self.root());
        }
        if self.stale.get() {
            self.wake_all();
        }
        for _ in 0..MAX_ROUNDS {
            let queued = self.cx.queue.take();
            if queued.is_empty() {
                return;
            }
            // The whole tree wakes, not only the dirty components' outputs.
            self.root();
            let mut dirty: Vec<Rc<Instance>> = queued
                .iter()
                .filter_map(|w| w.upgrade())
                .filter(|i| !i.disposed.get())
                .collect();
            dirty.sort_by_key(|i| i.depth);
            for i in dirty {
                if i.disposed.get() || !i.dirty.get() {
                    continue;
                }
                match i.catcher() {
                    None => self.rerender_one(&i, sink),
                    Some(b) => {
                        let (depth, select) = (self.cx.depth, self.cx.select);
                        if let Err(err) = catch(|| self.rerender_one(&i, sink)) {
                            (self.cx.depth, self.cx.select) = (depth, select);
                            // The boundary re-renders in the next round, with its fallback.
                            b.fail(err);
                        }
                    }
                }
            }
        }
    }
}

impl Tree {
    /// The handler for `ev`: along the cached path when it still leads to `ev.hid`, else by
    /// walking the tree (then the cache is rebuilt if the walk was long and found it).
    fn lookup(&mut self, ev: &Event) -> Found {
        if let Some(path) = self.index.as_ref().and_then(|ix| ix.path(ev.hid)) {
            self.root();
            let Some(root) = self.root.get_mut() else {
                return Found::No;
            };
            match follow(root, path, ev, &self.inst) {
                Found::No => {}
                found => return found,
            }
        }
        let mut visited = 0;
        self.root();
        let Some(root) = self.root.get_mut() else {
            return Found::No;
        };
        let found = find_handler(root, ev, &self.inst, &mut visited);
        // Only a found handler rebuilds (the index holds elements with listeners): a client
        // sending unknown or listener-less hids costs one walk each, as before the index.
        if visited >= hid_index::MIN_NODES && matches!(found, Found::Handler(..)) {
            self.index = Some(Box::new(HidIndex::build(self.root())));
        }
        found
    }

    fn rerender_one(&mut self, i: &Rc<Instance>, sink: &mut impl PatchSink) {
        if Rc::ptr_eq(i, &self.inst) {
            self.root();
            let Some(root) = self.root.get_mut() else {
                return;
            };
            i.rerender_into(root, &mut self.cx, sink);
        } else if i.select == 0 {
            i.rerender(&mut self.cx, sink);
        } else {
            self.rerender_in_select(i, sink);
        }
    }
}

impl Tree {
    /// Re-renders `i`, whose output lies in the `<select>` `i.select`, and restates that
    /// select's selection if the new options decide it otherwise: the browser keeps the
    /// old selectedness, a fresh render selects by the new options.
    fn rerender_in_select(&mut self, i: &Instance, sink: &mut impl PatchSink) {
        let hid = i.select;
        let before = find_element(self.root(), hid, &mut selection_digest);
        i.rerender(&mut self.cx, sink);
        if let Some(before) = before {
            find_element(self.root(), hid, &mut |e: &Element| {
                restate(hid, before, e, sink)
            });
        }
    }
}

/// Calls `f` with the element `hid` below `node` (through components' outputs).
fn find_element<R>(node: &VNode, hid: u32, f: &mut impl FnMut(&Element) -> R) -> Option<R> {
    match node {
        VNode::Element(e) if e.hid == hid => Some(f(e)),
        VNode::Element(e) => e.children.iter().find_map(|c| find_element(c, hid, f)),
        VNode::Fragment(cs) => cs.iter().find_map(|c| find_element(c, hid, f)),
        VNode::Component(c) => c.rendered().and_then(|out| find_element(&out, hid, f)),
        _ => None,
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        if let Some(packed) = self.asleep.take() {
            packed.0.dispose();
        }
        if let Some(root) = self.root.get() {
            dispose(root);
        }
        self.inst.dispose();
    }
}

enum Found {
    /// The handler, and the innermost component around the element.
    Handler(Handler, Rc<Instance>),
    NoListener,
    No,
}

/// The handler of `ev` on element `e` (whose hid is the event's).
fn hit(e: &mut Element, ev: &Event, inst: &Rc<Instance>) -> Found {
    let Some(l) = e.listeners.iter().rev().find(|l| l.event == ev.name) else {
        return Found::NoListener;
    };
    let h = l.handler.clone();
    match &ev.data {
        EventData::Input { value, checked } => record_input(e, value, Some(*checked)),
        // A key event reports the value its target shows too (Enter in a
        // field that no input event reported).
        EventData::Key { value, .. } => record_input(e, value, None),
        _ => {}
    }
    Found::Handler(h, inst.clone())
}

/// The innermost component instance of component node `c`, or `inst`.
fn instance_of(c: &dyn crate::vdom::node::ComponentSlot, inst: &Rc<Instance>) -> Rc<Instance> {
    c.as_any()
        .downcast_ref::<ComponentNode>()
        .and_then(ComponentNode::instance)
        .unwrap_or(inst)
        .clone()
}

/// Follows `path` (a [`HidIndex`] path) from `node`; [`Found::No`] unless it ends at the
/// element `ev.hid`.
fn follow(node: &mut VNode, path: &[u32], ev: &Event, inst: &Rc<Instance>) -> Found {
    match (node, path.split_first()) {
        (VNode::Element(e), None) if e.hid == ev.hid => hit(e, ev, inst),
        (VNode::Element(e), Some((&i, rest))) => match e.children.get_mut(i as usize) {
            Some(c) => follow(c, rest, ev, inst),
            None => Found::No,
        },
        (VNode::Component(c), Some((0, rest))) => {
            let inner = instance_of(&**c, inst);
            match c.rendered_mut() {
                Some(mut out) => follow(&mut out, rest, ev, &inner),
                None => Found::No,
            }
        }
        _ => Found::No,
    }
}

/// Walks the tree to the element `ev.hid`, counting the nodes it visits in `visited`.
fn find_handler(node: &mut VNode, ev: &Event, inst: &Rc<Instance>, visited: &mut usize) -> Found {
    *visited += 1;
    match node {
        VNode::Element(e) => {
            if e.hid == ev.hid {
                return hit(e, ev, inst);
            }
            for c in &mut e.children {
                match find_handler(c, ev, inst, visited) {
                    Found::No => {}
                    found => return found,
                }
            }
            Found::No
        }
        VNode::Component(c) => {
            let inner = instance_of(&**c, inst);
            match c.rendered_mut() {
                Some(mut out) => find_handler(&mut out, ev, &inner, visited),
                None => Found::No,
            }
        }
        _ => Found::No,
    }
}

fn record_input(e: &mut Element, value: &str, checked: Option<bool>) {
    for a in e.attrs.iter_mut() {
        let name = a.name.to_ascii_lowercase();
        match prop_kind(e.tag, &name) {
            Some(PropKind::Str) if name == "value" => {
                a.value = AttrValue::Str(crate::vdom::Str::copy_from(value));
            }
            Some(PropKind::Bool) if name == "checked" => {
                if let Some(c) = checked {
                    a.value = AttrValue::Bool(c);
                }
            }
            _ => {}
        }
    }
}
