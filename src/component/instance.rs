//! The mounting machinery: the [`Render`] contract, a mounted component (its owner,
//! observer, render closure and retained output; re-render and dispose), the queue dirty
//! instances go to, and [`TreeCx`], the per-tree context the diff mounts through.
//!
//! Touches `reactive` (owners, observers) and the engine's diff.

use std::any::Any;
use std::cell::{Cell, Ref, RefCell, RefMut};
use std::mem;
use std::rc::{Rc, Weak};

use super::boundary::{Boundary, Within};
use super::dev_capture::DevInfo;
use super::error::catch;
use crate::reactive::{provide_context, untrack, use_context, Observer, Owner};
use crate::vdom::diff::diff;
use crate::vdom::frozen::{Footprint, Frozen};
use crate::vdom::hid::{normalize_root, HidAlloc};
use crate::vdom::node::VNode;
use crate::vdom::patch::PatchSink;
use crate::vdom::walk::{dispose, mount};

/// What a component's setup returns: the render closure, re-run when a signal it read
/// changes. Any `FnMut() -> impl Into<VNode>` is one.
///
/// # Examples
///
/// ```
/// use vango::component::{Render, Tree};
/// use vango::prelude::*;
/// /// A hand-written render: any `FnMut() -> impl Into<VNode>` is one too.
/// struct Clock(u32);
/// impl Render for Clock {
///     fn render(&mut self) -> VNode {
///         self.0 += 1;
///         p(format!("tick {}", self.0)).into()
///     }
/// }
/// let tree = Tree::mount(|| Clock(0));
/// assert_eq!(vango::render::to_html(tree.root()), "<p data-hid=\"1\">tick 1</p>");
/// ```
pub trait Render: 'static {
    /// Builds the component's current view.
    fn render(&mut self) -> VNode;
}

impl<F: FnMut() -> V + 'static, V: Into<VNode>> Render for F {
    fn render(&mut self) -> VNode {
        self().into()
    }
}

/// One component tree's context: what every mount and re-render in that tree shares.
///
/// # Examples
///
/// ```
/// use vango::component::TreeCx;
/// use vango::vdom::{diff::mount, Element, VNode};
/// let mut cx = TreeCx::new(1);
/// let mut n = VNode::Element(Box::new(Element::new("p")));
/// mount(&mut n, &mut cx);
/// assert_eq!((n.as_element().unwrap().hid, cx.next_hid()), (1, 2));
/// ```
pub struct TreeCx {
    pub(crate) hids: HidAlloc,
    pub(crate) queue: DirtyQueue,
    /// Depth of the component whose output is being mounted or diffed (parents re-render
    /// before children).
    pub(crate) depth: u32,
    pub(crate) warnings: u32,
    /// Hid of the `<select>` whose options are being mounted or diffed (0: none).
    pub(crate) select: u32,
}

impl TreeCx {
    /// A context whose first fresh hid is `first_hid`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::TreeCx;
    /// assert_eq!(TreeCx::new(100).next_hid(), 100);
    /// ```
    pub fn new(first_hid: u32) -> Self {
        TreeCx {
            hids: HidAlloc::new(first_hid),
            queue: DirtyQueue::default(),
            depth: 0,
            warnings: 0,
            select: 0,
        }
    }

    /// The hid the next new element will get.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::TreeCx;
    /// use vango::vdom::{diff::mount, Element, VNode};
    /// let mut cx = TreeCx::new(1);
    /// let mut n = VNode::Element(Box::new(Element::new("div")));
    /// mount(&mut n, &mut cx);
    /// assert_eq!(cx.next_hid(), 2);
    /// ```
    pub fn next_hid(&self) -> u32 {
        self.hids.peek()
    }

    /// How many times the diff met mixed keyed/unkeyed siblings or duplicate keys.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::TreeCx;
    /// use vango::prelude::*;
    /// use vango::vdom::diff::mount;
    /// let mut cx = TreeCx::new(1);
    /// fn note(_: ()) -> impl Render {
    ///     || text("x")
    /// }
    /// // A component inside a raw-text element is refused (it renders nothing).
    /// let mut n: VNode = textarea(component(note, ())).into();
    /// mount(&mut n, &mut cx);
    /// assert_eq!(cx.warnings(), 1);
    /// ```
    pub fn warnings(&self) -> u32 {
        self.warnings
    }
}

impl Default for TreeCx {
    fn default() -> Self {
        TreeCx::new(1)
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
    output: RefCell<VNode>,
    /// The output packed while the session hibernates (`output` is empty then), with
    /// what it holds (its own and its components').
    asleep: Cell<Option<Box<(Frozen, Footprint)>>>,
    pub(crate) depth: u32,
    /// Hid of the `<select>` its output lies in (through optgroups, other elements and
    /// ranges), 0 for none: its options decide that select's selection, restated after
    /// the component re-renders on its own.
    pub(crate) select: u32,
    pub(crate) dirty: Cell<bool>,
    pub(crate) disposed: Cell<bool>,
    owner: Owner,
    observer: Cell<Option<Observer>>,
    /// The nearest [error boundary](super::error_boundary) around it, if any.
    within: Option<Rc<Boundary>>,
    /// Its own state, when it is an error boundary.
    own: Option<Rc<Boundary>>,
    /// Its path and render count in dev mode (empty in release).
    pub(crate) dev: DevInfo,
}

impl Instance {
    /// Runs `start` (the setup) under a new owner, renders, and mounts the output.
    pub(crate) fn mount(
        name: &'static str,
        start: impl FnOnce() -> (Box<dyn Render>, Box<dyn Any>),
        cx: &mut TreeCx,
    ) -> Rc<Instance> {
        let owner = Owner::new();
        let within = owner.with(use_context::<Within>).map(|w| w.0);
        let dev = DevInfo::new(name);
        let (render, props) = dev.enter(false, || owner.with(|| untrack(start)));
        let own = props.downcast_ref::<Rc<Boundary>>().cloned();
        if let Some(b) = &own {
            owner.with(|| provide_context(Within(b.clone())));
        }
        let inst = Rc::new(Instance {
            props,
            render: RefCell::new(Some(render)),
            output: RefCell::new(VNode::Empty),
            asleep: Cell::new(None),
            depth: cx.depth,
            select: cx.select,
            dirty: Cell::new(false),
            disposed: Cell::new(false),
            owner,
            observer: Cell::new(None),
            within,
            own,
            dev,
        });
        if let Some(b) = &inst.own {
            let (weak, queue) = (Rc::downgrade(&inst), cx.queue.clone());
            let scheduler = move || {
                if let Some(i) = weak.upgrade() {
                    if !i.disposed.get() && !i.dirty.replace(true) {
                        queue.0.borrow_mut().push(weak.clone());
                    }
                }
            };
            b.attach(Box::new(scheduler), inst.within.clone());
        }
        let weak = Rc::downgrade(&inst);
        let queue = cx.queue.clone();
        // The owner's node observes the renders too: one reactive node per component.
        let observer = Observer::over(owner, move || {
            if let Some(i) = weak.upgrade() {
                if !i.disposed.get() && !i.dirty.replace(true) {
                    queue.0.borrow_mut().push(weak.clone());
                }
            }
        });
        inst.observer.set(Some(observer));
        let mut out = inst
            .render_fresh()
            .unwrap_or_else(|| normalize_root(VNode::Empty));
        let (depth, select) = (cx.depth, cx.select);
        cx.depth = inst.depth + 1;
        match &inst.own {
            None => {
                let _ = inst
                    .dev
                    .enter(false, || owner.try_with(|| mount(&mut out, cx)));
            }
            Some(b) => {
                // A component below that panics in its setup or first render: the boundary
                // drops what was mounted and shows its fallback instead.
                let mounted = catch(|| {
                    inst.dev
                        .enter(false, || owner.try_with(|| mount(&mut out, cx)))
                });
                if let Err(err) = mounted {
                    (cx.depth, cx.select) = (inst.depth + 1, select);
                    dispose(&out);
                    b.record(err);
                    out = inst
                        .render_fresh()
                        .unwrap_or_else(|| normalize_root(VNode::Empty));
                    let _ = inst
                        .dev
                        .enter(false, || owner.try_with(|| mount(&mut out, cx)));
                }
            }
        }
        cx.depth = depth;
        *inst.output.borrow_mut() = out;
        inst
    }

    /// The error boundary that takes a panic raised in this component (its render, its
    /// handlers): itself when it is one that has not failed yet, else the nearest one out.
    pub(crate) fn catcher(&self) -> Option<Rc<Boundary>> {
        match &self.own {
            Some(b) if !b.failed() => Some(b.clone()),
            _ => self.within.as_ref().and_then(Boundary::catcher),
        }
    }

    /// The owner of everything its setup created; handlers of its elements run under it.
    pub(crate) fn owner(&self) -> Owner {
        self.owner
    }

    /// The props it was mounted with (`P` for [`component`](super::component), a
    /// `Signal<P>` for [`component_live`](super::component_live)).
    pub(crate) fn props(&self) -> &dyn Any {
        &*self.props
    }

    /// Runs the render closure (tracked) and normalizes its output to one root (an element or a range).
    pub(crate) fn render_fresh(&self) -> Option<VNode> {
        self.dirty.set(false);
        let obs = self.observer.get()?;
        let mut r = self.render.try_borrow_mut().ok()?;
        let r = r.as_mut()?;
        // A disposed owner or observer (torn down from outside) renders nothing new.
        let rendered = self.dev.enter(true, || {
            self.owner.try_with(|| obs.try_track(|| r.render()))
        });
        match rendered {
            Ok(Ok(v)) => Some(normalize_root(v)),
            _ => None,
        }
    }

    /// Re-renders into `output` (the instance's own, or the tree root's) and diffs.
    pub(crate) fn rerender_into(
        &self,
        output: &mut VNode,
        cx: &mut TreeCx,
        sink: &mut impl PatchSink,
    ) {
        if self.disposed.get() {
            return;
        }
        if self.own.as_ref().is_some_and(|b| b.take_reset()) {
            return self.replace_into(output, cx, sink);
        }
        let Some(new) = self.render_fresh() else {
            return;
        };
        let depth = cx.depth;
        cx.depth = self.depth + 1;
        let select = mem::replace(&mut cx.select, self.select);
        let _ = self.dev.enter(false, || {
            self.owner.try_with(|| diff(output, new, cx, sink))
        });
        cx.depth = depth;
        cx.select = select;
    }

    /// Re-renders into `output` and replaces it whole (one ReplaceNode of its root): a
    /// boundary that failed after a panic that may have left its output half-diffed.
    fn replace_into(&self, output: &mut VNode, cx: &mut TreeCx, sink: &mut impl PatchSink) {
        let Some(mut new) = self.render_fresh() else {
            return;
        };
        let depth = cx.depth;
        cx.depth = self.depth + 1;
        let select = mem::replace(&mut cx.select, self.select);
        let _ = self
            .dev
            .enter(false, || self.owner.try_with(|| mount(&mut new, cx)));
        cx.depth = depth;
        cx.select = select;
        let hid = output.as_element().map_or(0, |e| e.hid);
        sink.replace_node(hid, &new);
        dispose(output);
        *output = new;
    }

    /// Re-renders this (non-root) component and diffs its output.
    pub(crate) fn rerender(&self, cx: &mut TreeCx, sink: &mut impl PatchSink) {
        if self.disposed.get() {
            return;
        }
        let Some(mut out) = self.output_mut() else {
            return;
        };
        self.rerender_into(&mut out, cx, sink);
    }

    /// The retained output, unpacked first if the session hibernated; `None` while it is
    /// borrowed mutably.
    pub(crate) fn output(&self) -> Option<Ref<'_, VNode>> {
        self.wake();
        self.output.try_borrow().ok()
    }

    /// The retained output to edit, unpacked first; `None` while it is borrowed.
    pub(crate) fn output_mut(&self) -> Option<RefMut<'_, VNode>> {
        self.wake();
        self.output.try_borrow_mut().ok()
    }

    /// Takes the output out (the tree root keeps its own).
    pub(crate) fn take_output(&self) -> VNode {
        self.output_mut()
            .map_or(VNode::Empty, |mut o| mem::replace(&mut *o, VNode::Empty))
    }

    /// Unpacks the output if it is packed (and nothing borrows it).
    fn wake(&self) {
        let Some(packed) = self.asleep.take() else {
            return;
        };
        match self.output.try_borrow_mut() {
            Ok(mut out) => *out = packed.0.thaw(),
            Err(_) => self.asleep.set(Some(packed)),
        }
    }

    /// Packs the output (see [`Frozen`]) unless it is packed already or borrowed, and
    /// adds what the packed output holds to `fp`.
    pub(crate) fn hibernate(&self, fp: &mut Footprint) {
        if self.disposed.get() {
            return;
        }
        if let Some(packed) = self.asleep.take() {
            add(fp, &packed.1);
            self.asleep.set(Some(packed));
            return;
        }
        let Ok(mut out) = self.output.try_borrow_mut() else {
            return;
        };
        let mut own = Footprint::default();
        // Without its handlers: the tree re-renders every component before an event
        // reaches one (`Tree::wake_all`).
        let frozen = Frozen::freeze_bare(&mut out, &mut own);
        add(fp, &own);
        self.asleep.set(Some(Box::new((frozen, own))));
    }

    /// Disposes nested components, the observer and the owner, and drops the render
    /// closure and output. Idempotent.
    pub(crate) fn dispose(&self) {
        if self.disposed.replace(true) {
            return;
        }
        if let Some(packed) = self.asleep.take() {
            packed.0.dispose();
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

/// Adds `b` to `a`.
pub(crate) fn add(a: &mut Footprint, b: &Footprint) {
    a.bytes += b.bytes;
    a.blocks += b.blocks;
    a.handlers += b.handlers;
    a.components += b.components;
}
