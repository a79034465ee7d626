//! Async work tied to a component: [`spawn_task`] runs a future on the session's core and
//! cancels it when the component that spawned it unmounts (or its session ends); what the
//! task writes renders like a handler's writes. [`unblock`] runs blocking code (a SQLite
//! query, file I/O, a CPU-heavy computation) on a bounded thread pool and awaits it.
//!
//! Touches the transport's `Core` (its executor), the reactive owner and batch, the
//! session's scope and the core's bell.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::task::{Context, Poll};

use super::bell::notify_dirty;
use super::scope::{SessionScope, SessionStore};
use crate::component::dev_capture::TaskOrigin;
use crate::component::dev_tree::report_task_panic;
use crate::component::{catch, current_catcher, Boundary};
use crate::reactive::{batch, on_cleanup, Owner};
use crate::server::core::Core;

/// Runs `fut` on this core, tied to the current component: it is cancelled (dropped at its
/// next await) when the owner that was current at the call is disposed — the component
/// unmounts, or the session ends. Call it from a component's setup, a handler (handlers
/// run under their component's owner) or an effect.
///
/// Each poll of the task runs inside the session's scope (so shared signals resolve to
/// its session) and inside [`batch`]; afterwards the core's bell rings, so the session
/// re-renders what the task changed and sends it as one Patches frame, as if a handler
/// had set it. A panic in the task ends that task only: it is logged and counted in the
/// core's `panics` metric, and the session keeps working; inside an
/// [`error_boundary`](crate::component::error_boundary) the boundary shows its fallback.
///
/// Returns `false` when nothing was started: outside a server core, in the static first
/// paint of a page (its tree is thrown away at once: use [`connected`](super::connected)
/// to tell), or when the core is stopping.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use vango::prelude::*;
///
/// fn clock() -> impl Render {
///     let ticks = signal(0u32);
///     // Outside a server (this doctest) nothing starts; in a live session it ticks.
///     let started = spawn_task(async move {
///         loop {
///             async_io::Timer::after(Duration::from_secs(1)).await;
///             ticks.update(|n| *n += 1);
///         }
///     });
///     assert!(!started);
///     move || p(format!("{} s", ticks.get()))
/// }
/// let _ = vango::component::Tree::mount(clock);
/// ```
pub fn spawn_task(fut: impl Future<Output = ()> + 'static) -> bool {
    let Some(handle) = spawn_handle(fut) else {
        return false;
    };
    if Owner::current().is_some() {
        // Dropping the handle cancels the task.
        on_cleanup(move || drop(handle));
    } else {
        handle.detach();
    }
    true
}

/// Starts `fut` like [`spawn_task`] does (session scope, batch, contained panics, the
/// bell) and hands back its handle instead of tying it to the current owner: dropping the
/// handle cancels the task. `None` where [`spawn_task`] would return `false`.
pub(crate) fn spawn_handle(
    fut: impl Future<Output = ()> + 'static,
) -> Option<async_executor::Task<()>> {
    spawn_on_core(fut, false)
}

/// Starts a resource's fetch like [`spawn_task`]; while the page mounts with an SSR budget
/// the fetch is counted (its first render waits for it), and it runs in the static first
/// paint too: that is the one kind of task a first paint starts.
pub(crate) fn spawn_fetch(fut: impl Future<Output = ()> + 'static) -> bool {
    let hold = SessionStore::current()
        .and_then(|s| s.prefetch())
        .map(|p| p.hold());
    let first_paint = hold.is_some();
    let fut = async move {
        // Dropped when the fetch ends or is cancelled: the count goes down either way.
        let _hold = hold;
        fut.await
    };
    let Some(handle) = spawn_on_core(fut, first_paint) else {
        return false;
    };
    if Owner::current().is_some() {
        on_cleanup(move || drop(handle));
    } else {
        handle.detach();
    }
    true
}

fn spawn_on_core(
    fut: impl Future<Output = ()> + 'static,
    first_paint: bool,
) -> Option<async_executor::Task<()>> {
    let core = Core::current()?;
    let scope = SessionScope::current();
    let unconnected = scope.as_ref().is_some_and(|s| !s.store().is_connected());
    if core.is_stopping() || (unconnected && !first_paint) {
        return None;
    }
    let origin = TaskOrigin::here(scope.as_ref().map_or(0, |s| s.store().key()));
    core.spawn_task(Tied {
        fut: Box::pin(fut),
        scope,
        origin,
        core: core.clone(),
        catcher: current_catcher(),
    })
}

/// Runs blocking `f` on a bounded pool of threads (smol-rs's `blocking` pool: grows on
/// demand up to a limit, shrinks when idle) and resolves to its result, so the core's
/// executor — every other session on this core — keeps running meanwhile. Await it in a
/// [`spawn_task`] or any future on the core.
///
/// # Examples
///
/// ```
/// let sum = futures_lite::future::block_on(vango::live::unblock(|| (1..=10u64).sum::<u64>()));
/// assert_eq!(sum, 55);
/// ```
pub fn unblock<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> impl Future<Output = T> {
    blocking::unblock(f)
}

/// A spawned task with its session: polled in the session's scope, in a batch, with
/// panics contained.
struct Tied {
    fut: Pin<Box<dyn Future<Output = ()>>>,
    scope: Option<SessionScope>,
    /// The spawning component and session, for its panics' reports.
    origin: TaskOrigin,
    core: Rc<Core>,
    /// The error boundary around the component that spawned it.
    catcher: Option<Rc<Boundary>>,
}

impl Future for Tied {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let fut = &mut this.fut;
        let origin = &this.origin;
        let caught = this.catcher.is_some();
        let mut step = move || {
            let poll = || origin.enter(|| batch(|| fut.as_mut().poll(cx)));
            if caught {
                catch(poll).map_err(Ok)
            } else {
                // Reported here, while the panic's place (noted by the hook) is fresh.
                catch_unwind(AssertUnwindSafe(poll)).map_err(|p| Err(report_task_panic(&*p)))
            }
        };
        let polled = match &this.scope {
            Some(scope) => scope.enter(step),
            None => step(),
        };
        let boundary = this.catcher.as_ref().and_then(|b| b.catcher());
        let handled = match (&polled, boundary) {
            (Err(Ok(err)), Some(b)) => {
                b.fail(err.clone());
                true
            }
            _ => false,
        };
        // What the poll wrote is rendered by the sessions that read it (O(1) check each).
        notify_dirty();
        match polled {
            Ok(p) => p,
            Err(err) => {
                this.core.metrics().panics.fetch_add(1, Relaxed);
                // A boundary's catch was logged there, with its location; this line names
                // the component that spawned the task (in dev mode, where paths are kept).
                let message = match &err {
                    Ok(info) => info.message(),
                    Err(message) => message.as_str(),
                };
                let path = this.origin.path();
                let by = if path.is_empty() {
                    String::new()
                } else {
                    format!(" (spawned by component {path})")
                };
                if handled {
                    if !path.is_empty() {
                        log::error!(
                            "core={} the panic above was in a task spawned by component {path}",
                            this.core.index()
                        );
                    }
                } else {
                    log::error!(
                        "core={} a task{by} panicked: {message}; it ended, its session goes on",
                        this.core.index()
                    );
                }
                // Its session's dev channel shows it now, not the next session to step here.
                super::dev_session::after_task(this.origin.session());
                Poll::Ready(())
            }
        }
    }
}
