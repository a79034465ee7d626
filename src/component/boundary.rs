//! Error boundaries: [`error_boundary`] renders its child until something below it panics
//! (a render, a setup, a handler, a task), then its fallback, and the session goes on.
//!
//! Touches the mounting machinery (an instance's dirty flag and the tree's dirty queue) and
//! the reactive owner tree's context (descendants find their nearest boundary there).

use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use super::error::{catch, ErrorInfo};
use super::instance::{DirtyQueue, Instance, Render};
use super::node::{pending_node, Pending};
use crate::reactive::use_context;
use crate::vdom::node::VNode;

type Child = Rc<dyn Fn() -> VNode>;
type Fallback = Rc<dyn Fn(ErrorInfo) -> VNode>;

/// Renders `child` and, once anything below it panics, `fallback` with what panicked,
/// instead of ending the session: a panic in the child's render, in the setup or render of
/// a component below, in a handler of an element below, or in a task one of those
/// components spawned. The session keeps working (everything outside the boundary still
/// responds); the panic is logged once (`log::error!`, with its message and `file:line`).
/// The fallback stays until the boundary is unmounted (navigate away, or a parent stops
/// rendering it).
///
/// Without a boundary around it, a panic ends the session as before (close code 8). A
/// panic in the fallback goes to the next boundary out.
///
/// The boundary is a component: its identity is the type of `child` and `fallback`, so
/// re-rendering the parent keeps it (and its state, failed or not) and re-renders the child
/// with the new closures.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// fn broken(_: ()) -> impl Render {
///     let rows: Vec<u32> = Vec::new();
///     move || p(rows[3].to_string()) // panics
/// }
/// let t = LiveTest::component(|| || div((
///     error_boundary(|| component(broken, ()), |err| p(format!("failed: {}", err.message()))),
///     p("still here"),
/// )));
/// assert!(t.text().contains("failed: index out of bounds"));
/// assert!(t.text().contains("still here"));
/// ```
pub fn error_boundary<C, V, F, W>(child: C, fallback: F) -> VNode
where
    C: Fn() -> V + 'static,
    V: Into<VNode>,
    F: Fn(ErrorInfo) -> W + 'static,
    W: Into<VNode>,
{
    pending_node(
        TypeId::of::<(C, F)>(),
        None,
        Box::new(PendingBoundary {
            child: Rc::new(move || child().into()),
            fallback: Rc::new(move |e| fallback(e).into()),
        }),
    )
}

/// A mounted boundary's state, shared by its render closure, its instance (as props) and,
/// through the owner tree's context, everything mounted below it.
pub(crate) struct Boundary {
    child: RefCell<Child>,
    fallback: RefCell<Fallback>,
    error: RefCell<Option<ErrorInfo>>,
    /// Failed after its output was mounted: the next re-render replaces that output whole
    /// (a panic may have left it half-diffed).
    reset: Cell<bool>,
    inst: RefCell<Weak<Instance>>,
    queue: RefCell<Option<DirtyQueue>>,
    /// The next boundary out, for panics this one cannot take (its fallback's).
    outer: RefCell<Option<Rc<Boundary>>>,
}

/// The context value a boundary provides under its owner.
#[derive(Clone)]
pub(crate) struct Within(pub(crate) Rc<Boundary>);

impl Boundary {
    /// Whether it shows its fallback.
    pub(crate) fn failed(&self) -> bool {
        self.error.borrow().is_some()
    }

    /// Wires a freshly mounted boundary to its instance, the tree's queue and the next
    /// boundary out.
    pub(crate) fn attach(&self, inst: &Rc<Instance>, queue: &DirtyQueue, outer: Option<Rc<Self>>) {
        *self.inst.borrow_mut() = Rc::downgrade(inst);
        *self.queue.borrow_mut() = Some(queue.clone());
        *self.outer.borrow_mut() = outer;
    }

    /// The boundary that takes a panic raised here: this one, or the nearest one out that
    /// has not failed yet.
    pub(crate) fn catcher(self: &Rc<Self>) -> Option<Rc<Boundary>> {
        let mut b = self.clone();
        while b.failed() {
            let outer = b.outer.borrow().clone()?;
            b = outer;
        }
        Some(b)
    }

    /// Records the panic (logged once) without scheduling anything: the caller renders.
    pub(crate) fn record(&self, err: ErrorInfo) {
        log::error!("a component panicked: {err}; its error boundary shows the fallback");
        *self.error.borrow_mut() = Some(err);
    }

    /// Records the panic and schedules the boundary's re-render, which replaces its whole
    /// output with the fallback.
    pub(crate) fn fail(&self, err: ErrorInfo) {
        self.record(err);
        self.reset.set(true);
        self.schedule();
    }

    /// Whether the next re-render must replace the output whole; clears it.
    pub(crate) fn take_reset(&self) -> bool {
        self.reset.replace(false)
    }

    /// Marks the instance dirty and queues it.
    fn schedule(&self) {
        let Some(i) = self.inst.borrow().upgrade() else {
            return;
        };
        if i.disposed.get() || i.dirty.replace(true) {
            return;
        }
        if let Some(q) = &*self.queue.borrow() {
            q.0.borrow_mut().push(Rc::downgrade(&i));
        }
    }
}

/// The boundary that would take a panic raised now, under the current owner (a handler's
/// or a setup's): for tasks, which outlive the call that spawned them.
pub(crate) fn current_catcher() -> Option<Rc<Boundary>> {
    use_context::<Within>().and_then(|w| w.0.catcher())
}

/// The boundary's render closure.
struct BoundaryRender(Rc<Boundary>);

impl Render for BoundaryRender {
    fn render(&mut self) -> VNode {
        let b = &self.0;
        let failed = b.error.borrow().clone();
        let fallback = b.fallback.borrow().clone();
        if let Some(err) = failed {
            return fallback(err);
        }
        let child = b.child.borrow().clone();
        match catch(|| child()) {
            Ok(v) => v,
            Err(err) => {
                b.record(err.clone());
                fallback(err)
            }
        }
    }
}

struct PendingBoundary {
    child: Child,
    fallback: Fallback,
}

impl Pending for PendingBoundary {
    fn keeps(&self, mounted: &dyn Any) -> bool {
        mounted.is::<Rc<Boundary>>()
    }

    /// New closures (they may capture new values): re-render with them.
    fn update(self: Box<Self>, mounted: &dyn Any) {
        if let Some(b) = mounted.downcast_ref::<Rc<Boundary>>() {
            *b.child.borrow_mut() = self.child;
            *b.fallback.borrow_mut() = self.fallback;
            b.schedule();
        }
    }

    fn start(self: Box<Self>) -> (Box<dyn Render>, Box<dyn Any>) {
        let b = Rc::new(Boundary {
            child: RefCell::new(self.child),
            fallback: RefCell::new(self.fallback),
            error: RefCell::new(None),
            reset: Cell::new(false),
            inst: RefCell::new(Weak::new()),
            queue: RefCell::new(None),
            outer: RefCell::new(None),
        });
        (Box::new(BoundaryRender(b.clone())), Box::new(b))
    }
}
