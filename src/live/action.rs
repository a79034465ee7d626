//! [`Action`]: an async mutation (a form submit, a button) with pending / result signals,
//! the inputs in flight (to render an optimistic update until the run ends, reverted when
//! it fails) and a concurrency policy: run the latest and cancel older runs, queue them, or
//! drop new ones while one is pending.
//!
//! Touches the reactive graph and the transport's `Core` (runs are tasks on the session's
//! core; the action owns them, so they end with the component that created it).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::task::spawn_handle;
use crate::reactive::{on_cleanup, signal, Signal};

/// What to do with a dispatch while a run is pending.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// let t = LiveTest::component(|| {
///     let paid = signal(0);
///     let pay = action(Policy::DropWhilePending, move |_: ()| async move {
///         paid.inc();
///         Ok::<_, String>(())
///     });
///     move || button(paid.get().to_string()).on_click({
///         let pay = pay.clone();
///         move |_| {
///             pay.dispatch(());
///         }
///     })
/// });
/// t.find("button").click();
/// t.find("button").click(); // dropped: the first payment is still pending
/// t.settle();
/// assert_eq!(t.text(), "1");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Policy {
    /// Cancel the pending run and start the new one (search boxes, autosave).
    #[default]
    Latest,
    /// Run after the pending ones, in order (each submit counts).
    Queue,
    /// Ignore the new dispatch (double clicks on "Pay").
    DropWhilePending,
}

type Run<T> = Pin<Box<dyn Future<Output = Result<T, String>>>>;

struct Inner<I, T: 'static> {
    policy: Policy,
    run: Box<dyn Fn(I) -> Run<T>>,
    /// The running run's input first (while pending), then the queued ones.
    inputs: Signal<VecDeque<I>>,
    task: RefCell<Option<async_executor::Task<()>>>,
    pending: Signal<bool>,
    result: Signal<Option<Result<T, String>>>,
}

/// An async mutation. Cheap to clone (an `Rc`); `!Send`.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// fn form() -> impl Render {
///     let save = action(Policy::DropWhilePending, |title: String| async move {
///         if title.is_empty() { Err("a title is required") } else { Ok(title.len()) }
///     });
///     let save2 = save.clone();
///     move || {
///         div((
///             button("Save").on_click({
///                 let save = save2.clone();
///                 move |_| {
///                     save.dispatch("groceries".to_string());
///                 }
///             }),
///             when(save.pending(), || span("saving…")),
///             save.result().map(|r| match r {
///                 Ok(n) => p(format!("saved {n} bytes")),
///                 Err(e) => p(e),
///             }),
///         ))
///     }
/// }
/// let _ = vango::component::Tree::mount(form);
/// ```
pub struct Action<I: 'static, T: 'static>(Rc<Inner<I, T>>);

impl<I, T> Clone for Action<I, T> {
    fn clone(&self) -> Self {
        Action(self.0.clone())
    }
}

/// An [`Action`] running `f` with `policy`. Runs are tasks tied to the current owner (the
/// component): when it is disposed, the running one is cancelled and the queue dropped.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// let t = LiveTest::component(|| {
///     let save = action(Policy::Queue, |n: u32| async move { Ok::<_, String>(n * 2) });
///     move || {
///         let s = save.clone();
///         div((
///             button("save").on_click(move |_| {
///                 s.dispatch(21);
///             }),
///             p(format!("{:?}", save.result())),
///         ))
///     }
/// });
/// t.find("button").click();
/// t.settle();
/// assert_eq!(t.find("p").text(), "Some(Ok(42))");
/// ```
pub fn action<I, T, E, F, Fut>(policy: Policy, f: F) -> Action<I, T>
where
    I: Clone + 'static,
    T: Clone + 'static,
    E: Display,
    F: Fn(I) -> Fut + 'static,
    Fut: Future<Output = Result<T, E>> + 'static,
{
    let inner = Rc::new(Inner {
        policy,
        run: Box::new(move |i| {
            let fut = f(i);
            Box::pin(async move { fut.await.map_err(|e| e.to_string()) }) as Run<T>
        }),
        inputs: signal(VecDeque::new()),
        task: RefCell::new(None),
        pending: signal(false),
        result: signal(None),
    });
    let weak = Rc::downgrade(&inner);
    on_cleanup(move || {
        if let Some(inner) = weak.upgrade() {
            drop(inner.task.borrow_mut().take());
        }
    });
    Action(inner)
}

impl<I: Clone + 'static, T: Clone + 'static> Action<I, T> {
    /// Starts a run with `input`, as the policy says. Returns whether it was accepted (a
    /// dispatch dropped while pending, or one outside a live session, returns `false`).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// // Outside a live session nothing can run: `dispatch` says so.
    /// vango::reactive::Owner::new().with(|| {
    ///     let a = action(Policy::Latest, |_: ()| async { Ok::<_, String>(()) });
    ///     assert!(!a.dispatch(()));
    /// });
    /// ```
    pub fn dispatch(&self, input: I) -> bool {
        let inner = &self.0;
        if inner.pending.get_untracked() {
            match inner.policy {
                Policy::DropWhilePending => return false,
                Policy::Queue => {
                    inner.inputs.update(|q| q.push_back(input));
                    return true;
                }
                Policy::Latest => {}
            }
        }
        start(inner, input, false)
    }

    /// Whether a run is pending (a tracked read).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let a = action(Policy::Latest, |_: ()| unblock(|| Ok::<_, String>(())));
    ///     move || {
    ///         let go = a.clone();
    ///         button(if a.pending() { "saving…" } else { "save" }).on_click(move |_| {
    ///             go.dispatch(());
    ///         })
    ///     }
    /// });
    /// t.find("button").click();
    /// assert_eq!(t.text(), "saving…");
    /// t.settle();
    /// assert_eq!(t.text(), "save");
    /// ```
    pub fn pending(&self) -> bool {
        self.0.pending.get()
    }

    /// The last finished run's result (a tracked read): `None` before the first one.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let a = action(Policy::Latest, |_: ()| async { Err::<(), _>("the disk is full") });
    ///     move || {
    ///         let go = a.clone();
    ///         div((
    ///             button("save").on_click(move |_| {
    ///                 go.dispatch(());
    ///             }),
    ///             a.result().and_then(|r| r.err()).map(|e| p(e).class("error")),
    ///         ))
    ///     }
    /// });
    /// t.find("button").click();
    /// t.settle();
    /// assert_eq!(t.find(".error").text(), "the disk is full");
    /// ```
    pub fn result(&self) -> Option<Result<T, String>> {
        self.0.result.get()
    }

    /// How many dispatches wait behind the pending run ([`Policy::Queue`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let a = action(Policy::Queue, |_: u8| unblock(|| Ok::<_, String>(())));
    ///     let waiting = signal(0);
    ///     move || {
    ///         let go = a.clone();
    ///         button(format!("{} waiting", waiting.get())).on_click(move |_| {
    ///             go.dispatch(1);
    ///             waiting.set(go.queued()); // an untracked read: store what to show
    ///         })
    ///     }
    /// });
    /// t.find("button").click();
    /// t.find("button").click();
    /// t.find("button").click();
    /// assert_eq!(t.text(), "2 waiting");
    /// ```
    pub fn queued(&self) -> usize {
        let running = usize::from(self.0.pending.get_untracked());
        self.0
            .inputs
            .with_untracked(|q| q.len().saturating_sub(running))
    }

    /// How many inputs of the running and queued runs satisfy `f` (a tracked read): what
    /// a render uses to show an optimistic update until its run ends. A run that fails
    /// leaves this count, and the render reverts in the same patch that brings the
    /// [`result`](Self::result)'s error; a run that succeeds leaves it too, so it should
    /// update the state the view reads before it returns.
    ///
    /// Pair it with the element's client-side optimistic attribute
    /// ([`El::optimistic_class`](crate::view::El::optimistic_class) and its siblings): the
    /// browser shows the change at once, the client undoes its guess when the server
    /// answers the click, and that answer already renders the same change from this
    /// count, so nothing flickers; on an error the server's re-render takes it back.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// fn row(done: Signal<bool>) -> impl Render {
    ///     let toggle = action(Policy::Queue, move |to: bool| async move {
    ///         if to { Err("the database is read-only") } else { done.set(to); Ok(()) }
    ///     });
    ///     move || {
    ///         // Each pending toggle flips the shown state once more.
    ///         let shown = done.get() ^ (toggle.pending_count(|_| true) % 2 == 1);
    ///         let t = toggle.clone();
    ///         button(if shown { "Undo" } else { "Done" })
    ///             .class(if shown { "done" } else { "active" })
    ///             .optimistic_class("done active")
    ///             .on_click(move |_| {
    ///                 t.dispatch(!shown);
    ///             })
    ///     }
    /// }
    /// let _ = vango::component::Tree::mount(|| row(signal(false)));
    /// ```
    pub fn pending_count(&self, f: impl Fn(&I) -> bool) -> usize {
        self.0.inputs.with(|q| q.iter().filter(|i| f(i)).count())
    }

    /// Whether an input of the running or queued runs satisfies `f` (a tracked read); see
    /// [`pending_count`](Self::pending_count).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let delete = action(Policy::Queue, |_id: u32| unblock(|| Ok::<_, String>(())));
    ///     move || {
    ///         let d = delete.clone();
    ///         ul((1..=2u32).map(|id| {
    ///             let d = d.clone();
    ///             li(format!("row {id}"))
    ///                 .class(if delete.pending_with(|i| *i == id) { "deleting" } else { "row" })
    ///                 .on_click(move |_| {
    ///                     d.dispatch(id);
    ///                 })
    ///         }).collect::<Vec<_>>())
    ///     }
    /// });
    /// t.find_with_text("li", "row 2").click();
    /// assert_eq!(t.count("li.deleting"), 1);
    /// ```
    pub fn pending_with(&self, f: impl Fn(&I) -> bool) -> bool {
        self.pending_count(f) > 0
    }
}

/// Starts a run now, replacing (cancelling) the task of any pending one. `queued`: the
/// input is already first in `inputs` (the next queued run); otherwise it becomes the only
/// one (nothing is queued when a run starts anew: [`Policy::Latest`] never queues).
fn start<I: Clone + 'static, T: Clone + 'static>(
    inner: &Rc<Inner<I, T>>,
    input: I,
    queued: bool,
) -> bool {
    let fut = (inner.run)(input.clone());
    let weak = Rc::downgrade(inner);
    let task = spawn_handle(async move {
        let result = fut.await;
        let Some(inner) = weak.upgrade() else {
            return;
        };
        // In one step: the result, and this run's input gone, so a render showing it
        // optimistically reverts with the error (or follows the data on success).
        inner.result.set(Some(result));
        let next = inner.inputs.update_with(|q| {
            q.pop_front();
            q.front().cloned()
        });
        match next {
            Some(i) => {
                // The next queued run takes this task's place; this one ends here.
                let _ = start(&inner, i, true);
            }
            None => {
                inner.pending.set(false);
                // Detach ourselves: dropping our own handle from inside would cancel us.
                if let Some(t) = inner.task.borrow_mut().take() {
                    t.detach();
                }
            }
        }
    });
    let Some(task) = task else {
        return false;
    };
    if !queued {
        inner.inputs.update(|q| {
            q.clear();
            q.push_back(input);
        });
    }
    inner.pending.set(true);
    let old = inner.task.borrow_mut().replace(task);
    if let Some(old) = old {
        // A finished run's handle was detached already; a pending one is cancelled here
        // (Latest), or is the run that queued this one and is about to end (Queue).
        if inner.policy == Policy::Latest {
            drop(old);
        } else {
            old.detach();
        }
    }
    true
}
