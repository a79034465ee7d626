//! [`Resource`]: a value loaded asynchronously from a source, with loading / ready / error
//! states; refetch, stale time, initial data; a slow old fetch never overwrites a newer one.
//!
//! Touches the reactive graph (an effect tracks the source) and the task spawner: fetches
//! run as tasks of the component that created the resource, and a page mounted with an SSR
//! budget waits for their first results.

use std::cell::Cell;
use std::fmt::Display;
use std::future::Future;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::task::spawn_fetch;
use crate::reactive::{effect, signal, untrack, Signal};
use crate::vdom::VNode;
use crate::view::IntoChildren;

/// Where a [`Resource`] stands.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// let t = LiveTest::component(|| {
///     let n = resource(|| (), |_| async { Ok::<_, String>(3) });
///     move || match n.get() {
///         Loaded::Loading => p("…"),
///         Loaded::Ready(v) => p(format!("{v} items")),
///         Loaded::Failed(e) => p(e),
///     }
/// });
/// assert_eq!(t.text(), "3 items");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Loaded<T> {
    /// A fetch is running (or none could start: outside a server core, or a first paint
    /// past its SSR budget).
    Loading,
    /// The latest fetch's value.
    Ready(T),
    /// The latest fetch failed with this message.
    Failed(String),
}

/// Options of [`resource_with`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use vango::live::{resource_with, ResourceOptions};
/// use vango::prelude::*;
///
/// let options = ResourceOptions {
///     initial: Some(vec!["cached".to_string()]), // shown at once, no first fetch
///     stale_time: Duration::from_secs(30),       // refetch() within 30 s does nothing
///     keep_previous: true,                       // no loading flash on refetch
/// };
/// let tree = vango::component::Tree::mount(move || {
///     let list = resource_with(options.clone(), || (), |_| async { Ok::<_, String>(vec![]) });
///     move || ul(list.with(|l| match l {
///         Loaded::Ready(v) => v.iter().map(|s| li(s.clone())).collect::<Vec<_>>(),
///         _ => vec![],
///     }))
/// });
/// assert!(vango::render::to_html(tree.root()).contains("cached"));
/// ```
#[derive(Clone, Debug)]
pub struct ResourceOptions<T> {
    /// A value to start `Ready` with (no first fetch, no loading flash): data the page
    /// already has.
    pub initial: Option<T>,
    /// How long a value stays fresh: [`Resource::refetch`] within it does nothing.
    pub stale_time: Duration,
    /// Keep showing the last value while a later fetch runs (stale-while-revalidate):
    /// the state stays `Ready` (or `Failed`) until the new result lands, and
    /// [`Resource::is_loading`] says a fetch is running. A list that refetches after each
    /// write then neither flashes its loading state nor rebuilds its rows. Default: off
    /// (every fetch shows `Loading`).
    pub keep_previous: bool,
}

impl<T> Default for ResourceOptions<T> {
    fn default() -> Self {
        ResourceOptions {
            initial: None,
            stale_time: Duration::ZERO,
            keep_previous: false,
        }
    }
}

/// A value loaded asynchronously from a source signal. A `Copy` handle: capture it in
/// render closures and handlers.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// let t = LiveTest::component(|| {
///     let page = signal(1u32);
///     let rows = resource(move || page.get(), |p| unblock(move || Ok::<_, String>(format!("page {p}"))));
///     move || div((
///         rows.view(|| p("…"), |r| p(r.clone()), |e| p(e.to_owned())),
///         button("next").on_click(move |_| page.inc()),
///     ))
/// });
/// t.find("button").click();
/// t.settle();
/// assert_eq!(t.find("p").text(), "page 2");
/// ```
pub struct Resource<T: 'static> {
    state: Signal<Loaded<T>>,
    /// Whether a fetch is running (with `keep_previous`, also while the state is `Ready`).
    pending: Signal<bool>,
    trigger: Signal<u64>,
    fresh_until: Signal<Option<Instant>>,
}

impl<T> Clone for Resource<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Resource<T> {}

/// Loads `fetch(source())` as a task, again whenever what `source` reads changes; see
/// [`resource_with`].
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// fn user_page() -> impl Render {
///     let id = signal(7u32);
///     let name = resource(move || id.get(), |id| async move {
///         Ok::<_, String>(format!("user {id}")) // a database query, via `unblock`
///     });
///     move || {
///         name.view(
///             || p("loading…"),
///             |n| p(n.clone()),
///             |e| p(format!("failed: {e}")),
///         )
///     }
/// }
/// // Outside a server core nothing is fetched: the page renders its loading state.
/// let tree = vango::component::Tree::mount(user_page);
/// assert!(vango::render::to_html(tree.root()).contains("loading…"));
/// ```
pub fn resource<S, T, E, F, Fut>(source: impl Fn() -> S + 'static, fetch: F) -> Resource<T>
where
    S: 'static,
    T: Clone + 'static,
    E: Display,
    F: Fn(S) -> Fut + 'static,
    Fut: Future<Output = Result<T, E>> + 'static,
{
    resource_with(ResourceOptions::default(), source, fetch)
}

/// [`resource`] with options (initial data, stale time).
///
/// Each change of the source (or a [`refetch`](Resource::refetch)) starts a fetch and
/// cancels the one still running, and a result is applied only if no newer fetch started
/// meanwhile: out-of-order results are discarded. The state goes to
/// [`Loaded::Loading`] while a fetch runs, unless
/// [`keep_previous`](ResourceOptions::keep_previous) keeps the last value showing.
///
/// The first fetch also runs in a page's static first paint, which waits for it up to the
/// app's [SSR budget](crate::App::ssr_budget): a fetch runs once for the first paint and
/// once for the live session, as a LiveView page mounts twice.
///
/// # Examples
///
/// ```
/// use vango::live::{resource_with, ResourceOptions};
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// let t = LiveTest::component(|| {
///     let v = signal(0u32);
///     let opts = ResourceOptions { keep_previous: true, ..Default::default() };
///     let r = resource_with(opts, move || v.get(), |n| async move { Ok::<_, String>(n * 10) });
///     move || div((
///         p(format!("{:?} loading={}", r.get(), r.is_loading())),
///         button("+").on_click(move |_| v.inc()),
///     ))
/// });
/// t.find("button").click();
/// // The old value stays while the new one loads.
/// assert_eq!(t.find("p").text(), "Ready(0) loading=true");
/// t.settle();
/// assert_eq!(t.find("p").text(), "Ready(10) loading=false");
/// ```
pub fn resource_with<S, T, E, F, Fut>(
    options: ResourceOptions<T>,
    source: impl Fn() -> S + 'static,
    fetch: F,
) -> Resource<T>
where
    S: 'static,
    T: Clone + 'static,
    E: Display,
    F: Fn(S) -> Fut + 'static,
    Fut: Future<Output = Result<T, E>> + 'static,
{
    let has_initial = options.initial.is_some();
    let state = signal(match options.initial {
        Some(v) => Loaded::Ready(v),
        None => Loaded::Loading,
    });
    let stale = options.stale_time;
    let keep = options.keep_previous;
    let busy = signal(!has_initial);
    let fresh_until = signal(has_initial.then(|| Instant::now() + stale));
    let trigger = signal(0u64);
    let generation = Rc::new(Cell::new(0u64));
    let fetch = Rc::new(fetch);
    let mut skip_first = has_initial;
    effect(move || {
        let s = source();
        trigger.get();
        if std::mem::take(&mut skip_first) {
            return;
        }
        let gen = generation.get() + 1;
        generation.set(gen);
        untrack(|| {
            busy.set(true);
            // The first fetch has nothing to keep showing.
            if !keep || state.with(|s| matches!(s, Loaded::Loading)) {
                state.set(Loaded::Loading);
            }
        });
        // Called here, once per change, untracked: only `source` decides when to refetch.
        let pending = untrack(|| fetch(s));
        let generation = generation.clone();
        // Runs under this effect: its next run (a newer source) cancels this fetch.
        spawn_fetch(async move {
            let result = pending.await;
            if generation.get() != gen {
                return;
            }
            state.set(match result {
                Ok(v) => Loaded::Ready(v),
                Err(e) => Loaded::Failed(e.to_string()),
            });
            busy.set(false);
            fresh_until.set(Some(Instant::now() + stale));
        });
    });
    Resource {
        state,
        pending: busy,
        trigger,
        fresh_until,
    }
}

impl<T: Clone + 'static> Resource<T> {
    /// The current state (a tracked read).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let r = resource(|| (), |_| async { Err::<u8, _>("offline") });
    ///     move || p(format!("{:?}", r.get()))
    /// });
    /// assert_eq!(t.text(), r#"Failed("offline")"#);
    /// ```
    pub fn get(&self) -> Loaded<T> {
        self.state.get()
    }

    /// Runs `f` on the current state (a tracked read).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let r = resource(|| (), |_| async { Ok::<_, String>(vec![1, 2, 3]) });
    ///     move || p(r.with(|l| match l {
    ///         Loaded::Ready(v) => v.len().to_string(),
    ///         _ => "-".into(),
    ///     }))
    /// });
    /// assert_eq!(t.text(), "3");
    /// ```
    pub fn with<R>(&self, f: impl FnOnce(&Loaded<T>) -> R) -> R {
        self.state.with(f)
    }

    /// Whether a fetch is running (a tracked read); with
    /// [`keep_previous`](ResourceOptions::keep_previous), also while the last value shows.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .ssr_budget(std::time::Duration::ZERO) // show the loading state
    ///     .page("/", || {
    ///         let r = resource(|| (), |_| unblock(|| Ok::<_, String>(1)));
    ///         move || p(if r.is_loading() { "spinner" } else { "loaded" })
    ///     });
    /// let t = LiveTest::mount(&app, "/");
    /// assert_eq!(t.text(), "spinner");
    /// t.settle();
    /// assert_eq!(t.text(), "loaded");
    /// ```
    pub fn is_loading(&self) -> bool {
        self.pending.get()
    }

    /// Fetches again for the current source, unless the value is still fresh (see
    /// [`ResourceOptions::stale_time`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// static FETCHES: AtomicU32 = AtomicU32::new(0);
    /// let t = LiveTest::component(|| {
    ///     let r = resource(|| (), |_| async { Ok::<_, String>(FETCHES.fetch_add(1, Ordering::Relaxed)) });
    ///     move || button("reload").on_click(move |_| r.refetch())
    /// });
    /// let before = FETCHES.load(Ordering::Relaxed);
    /// t.find("button").click();
    /// t.settle();
    /// assert_eq!(FETCHES.load(Ordering::Relaxed), before + 1);
    /// ```
    pub fn refetch(&self) {
        let fresh = self
            .fresh_until
            .get_untracked()
            .is_some_and(|t| Instant::now() < t);
        if !fresh {
            self.trigger.update(|n| *n += 1);
        }
    }

    /// Renders the state with one closure per case (each returns anything that can be
    /// children: text, an element, a tuple...).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let user = resource(|| (), |_| async { Ok::<_, String>("Ada".to_string()) });
    ///     move || user.view(|| p("Loading…"), |name| h1(name.clone()), |e| p(format!("Error: {e}")))
    /// });
    /// assert_eq!(t.find("h1").text(), "Ada");
    /// ```
    pub fn view<A: IntoChildren, B: IntoChildren, C: IntoChildren>(
        &self,
        loading: impl FnOnce() -> A,
        ready: impl FnOnce(&T) -> B,
        failed: impl FnOnce(&str) -> C,
    ) -> VNode {
        self.state.with(|s| match s {
            Loaded::Loading => loading().into_node(),
            Loaded::Ready(v) => ready(v).into_node(),
            Loaded::Failed(e) => failed(e).into_node(),
        })
    }
}
