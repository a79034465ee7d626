//! The first render's wait for data: while a page mounts with a budget, each resource's
//! first fetch holds a [`Pending`] on the session store's [`Prefetch`], and the first paint
//! (or a new live session's first render) awaits [`Prefetch::settled`] up to the budget.
//!
//! Touches nothing but its own counters and a waker; the store holds it, the resource takes
//! holds, the app and the connection loop await it.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

use async_io::Timer;

/// Fetches still running for a page that is being mounted with a budget.
#[derive(Default)]
pub(crate) struct Prefetch {
    pending: Cell<u32>,
    waker: RefCell<Option<Waker>>,
}

impl Prefetch {
    /// Counts one more running fetch until the returned hold is dropped (the fetch ended
    /// or was cancelled).
    pub(crate) fn hold(self: &Rc<Self>) -> Pending {
        self.pending.set(self.pending.get() + 1);
        Pending(self.clone())
    }

    /// Whether a fetch is still running.
    pub(crate) fn is_pending(&self) -> bool {
        self.pending.get() > 0
    }

    /// Resolves when no fetch is running, or after `budget`; `true` when they all ended.
    pub(crate) fn settled(self: Rc<Self>, budget: Duration) -> impl Future<Output = bool> {
        let done = std::future::poll_fn(move |cx| {
            if !self.is_pending() {
                return Poll::Ready(true);
            }
            *self.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        });
        futures_lite::future::or(done, async move {
            Timer::after(budget).await;
            false
        })
    }
}

/// One running fetch of a [`Prefetch`]; dropping it ends the count.
pub(crate) struct Pending(Rc<Prefetch>);

impl Drop for Pending {
    fn drop(&mut self) {
        let p = &self.0;
        p.pending.set(p.pending.get().saturating_sub(1));
        if p.pending.get() == 0 {
            if let Some(w) = p.waker.borrow_mut().take() {
                w.wake();
            }
        }
    }
}
