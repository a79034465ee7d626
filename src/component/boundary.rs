//! A mounted error boundary's state (what it renders, whether it failed, how to schedule
//! its re-render) and how a panic finds the boundary that takes it.
//!
//! Touches the reactive owner tree's context (descendants find their nearest boundary
//! there); the instance that mounts a boundary gives it its scheduler.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::error::ErrorInfo;
use crate::reactive::use_context;
use crate::vdom::node::VNode;

pub(crate) type Child = Rc<dyn Fn() -> VNode>;
pub(crate) type Fallback = Rc<dyn Fn(ErrorInfo) -> VNode>;

/// A mounted boundary's state, shared by its render closure, its instance (as props) and,
/// through the owner tree's context, everything mounted below it.
pub(crate) struct Boundary {
    pub(crate) child: RefCell<Child>,
    pub(crate) fallback: RefCell<Fallback>,
    pub(crate) error: RefCell<Option<ErrorInfo>>,
    /// Failed after its output was mounted: the next re-render replaces that output whole
    /// (a panic may have left it half-diffed).
    reset: Cell<bool>,
    /// Marks its instance dirty and queues it (set when it is mounted).
    scheduler: RefCell<Option<Box<dyn Fn()>>>,
    /// The next boundary out, for panics this one cannot take (its fallback's).
    outer: RefCell<Option<Rc<Boundary>>>,
}

/// The context value a boundary provides under its owner.
#[derive(Clone)]
pub(crate) struct Within(pub(crate) Rc<Boundary>);

impl Boundary {
    /// A boundary not mounted yet.
    pub(crate) fn new(child: Child, fallback: Fallback) -> Boundary {
        Boundary {
            child: RefCell::new(child),
            fallback: RefCell::new(fallback),
            error: RefCell::new(None),
            reset: Cell::new(false),
            scheduler: RefCell::new(None),
            outer: RefCell::new(None),
        }
    }

    /// Whether it shows its fallback.
    pub(crate) fn failed(&self) -> bool {
        self.error.borrow().is_some()
    }

    /// Wires a freshly mounted boundary to its instance's scheduler and the next boundary
    /// out.
    pub(crate) fn attach(&self, scheduler: Box<dyn Fn()>, outer: Option<Rc<Self>>) {
        *self.scheduler.borrow_mut() = Some(scheduler);
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
        super::dev_capture::report(err.message(), err.location(), false);
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
    pub(crate) fn schedule(&self) {
        if let Some(s) = &*self.scheduler.borrow() {
            s();
        }
    }
}

/// The boundary that would take a panic raised now, under the current owner (a handler's
/// or a setup's): for tasks, which outlive the call that spawned them.
pub(crate) fn current_catcher() -> Option<Rc<Boundary>> {
    use_context::<Within>().and_then(|w| w.0.catcher())
}
