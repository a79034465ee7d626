//! The [`error_boundary`] component: its node, its pending setup and its render closure
//! (the child, or the fallback once something below panicked).
//!
//! Touches the component node machinery and the boundary's state (`boundary.rs`).

use std::any::{Any, TypeId};
use std::rc::Rc;

use super::boundary::{Boundary, Child, Fallback};
use super::error::{catch, ErrorInfo};
use super::instance::Render;
use super::node::{pending_node, Pending};
use crate::vdom::node::VNode;

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

    fn name(&self) -> &'static str {
        "error_boundary"
    }

    fn start(self: Box<Self>) -> (Box<dyn Render>, Box<dyn Any>) {
        let b = Rc::new(Boundary::new(self.child, self.fallback));
        (Box::new(BoundaryRender(b.clone())), Box::new(b))
    }
}
