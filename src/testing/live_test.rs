//! [`LiveTest`]: one page mounted in-process as the server would (first paint, then a
//! connected session), driven by events and its tasks, read back as HTML; and
//! [`LiveRequest`], the request it is mounted for.
//!
//! Touches the app's page table and first paint, the live layer's in-process session,
//! the renderer and the wire decoder (to read the frames the session sent).

use std::cell::{Cell, RefCell};
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::element::Element;
use super::harness::{Harness, SETTLE_TIMEOUT};
use super::page::{Inner, Outcome};
use super::select::Selector;
use crate::app::App;
use crate::app::{first_paint, Target};
use crate::component::Render;
use crate::live::local::LocalSession;
use crate::live::LiveCore;
use crate::protocol::ServerFrame;
use crate::router::Method;
use crate::server::{Answer, ConnInfo, SecretKey};

/// A page mounted in-process, like Phoenix's `LiveViewTest`: the first paint is rendered
/// (status, title, HTML, with the [SSR budget](crate::App::ssr_budget)'s wait), then the
/// page is mounted again as a connected session, which the test drives with events on
/// [elements](Element) found by CSS selector. No socket, no browser: each event runs the
/// session's real step (the same encoded frame a browser sends) and tasks run on a core of
/// the test's own, only when the test lets them ([`settle`](Self::settle),
/// [`run_for`](Self::run_for)), so what a test sees is deterministic. Only mounting waits
/// on its own: for resources, up to the app's SSR budget, in real time (an app built with
/// `ssr_budget(Duration::ZERO)` mounts at once, showing loading states).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// let t = LiveTest::component(|| {
///     let n = signal(0);
///     move || button(format!("clicked {}", n.get())).on_click(move |_| n.update(|n| *n += 1))
/// });
/// t.find("button").click();
/// assert_eq!(t.text(), "clicked 1");
/// assert_eq!(t.frames().len(), 1, "one Patches frame");
/// ```
pub struct LiveTest {
    inner: Rc<Inner>,
}

/// The request a [`LiveTest`] mounts its page for: a URL, headers and cookies.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// let app = vango::App::new().page("/hello", || {
///     let who = use_request().cookie("name").unwrap_or("stranger").to_owned();
///     move || p(format!("hello {who}"))
/// });
/// let t = LiveTest::request("/hello").cookie("name", "Ada").mount(&app);
/// assert_eq!(t.text(), "hello Ada");
/// ```
#[derive(Clone, Debug)]
pub struct LiveRequest {
    url: String,
    headers: Vec<(String, String)>,
    cookies: Vec<(String, String)>,
}

impl LiveRequest {
    /// Adds a request header (sent with the first paint and the session's upgrade).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new().page("/", || {
    ///     let agent = use_request().header("user-agent").unwrap_or("").to_owned();
    ///     move || p(agent.clone())
    /// });
    /// let t = LiveTest::request("/").header("User-Agent", "test-bot").mount(&app);
    /// assert_eq!(t.text(), "test-bot");
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a cookie: all of them go in one raw `Cookie` header, as a browser sends them.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new().page("/", || {
    ///     let theme = use_request().cookie("theme").unwrap_or("light").to_owned();
    ///     move || p(theme.clone())
    /// });
    /// assert_eq!(LiveTest::request("/").cookie("theme", "dark").mount(&app).text(), "dark");
    /// ```
    pub fn cookie(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.cookies.push((name.into(), value.into()));
        self
    }

    /// Mounts `app`'s page for this request.
    ///
    /// # Panics
    ///
    /// When the live session's page setup panics.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let app = vango::App::new().page("/", || {
    ///     let lang = use_request().header("accept-language").unwrap_or("en").to_owned();
    ///     move || p(lang.clone())
    /// });
    /// let t = LiveTest::request("/").header("Accept-Language", "fr").mount(&app);
    /// assert_eq!(t.text(), "fr");
    /// ```
    pub fn mount(self, app: &App) -> LiveTest {
        let mut headers = self.headers;
        if !self.cookies.is_empty() {
            let pairs: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            headers.push(("Cookie".into(), pairs.join("; ")));
        }
        let harness = Harness::new(app.limits.clone());
        let key = SecretKey::generate().expect("randomness for the test's secret key");
        let (routes, live_app) = app.live_app(&key);
        let live = LiveCore::local(&harness.core, live_app);
        let peer = SocketAddr::from(([127, 0, 0, 1], 0));
        let head: Arc<str> = app.head_html().into();
        // A browser keeps the fragment to itself over HTTP and says it in its Hello.
        let url = self.url.split('#').next().unwrap_or_default();
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let target = Target {
            method: Method::Get,
            path,
            query,
            fragment: "",
            headers: headers.clone(),
            peer: Some(peer),
            submission: None,
            follow: false,
        };
        let answer = harness.enter(|| first_paint(&routes, &live.app, &head, target, false));
        let response = match answer {
            Answer::Now(r) => r,
            Answer::Later(f) => harness.block_on(f),
        };
        let info = ConnInfo { peer, headers };
        let session = harness
            .block_on(LocalSession::start(live.clone(), &self.url, &info))
            .unwrap_or_else(|e| panic!("mounting {}: {}", self.url, e.0));
        LiveTest {
            inner: Rc::new(Inner {
                session: RefCell::new(session),
                ended: RefCell::new(None),
                frames: RefCell::new(Vec::new()),
                live,
                harness,
                status: response.status(),
                first_paint: String::from_utf8_lossy(response.body_bytes()).into_owned(),
                settle_timeout: Cell::new(SETTLE_TIMEOUT),
            }),
        }
    }
}

impl LiveTest {
    /// Mounts `app`'s page for `url` (a path and query, and a `#fragment` that, as in a
    /// browser, the first paint does not see and the live session does), with no headers.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .page("/", || || h1("Home"))
    ///     .page("/users/:id", || {
    ///         let id = use_request().param_str("id").unwrap_or("").to_owned();
    ///         move || h1(format!("User {id}"))
    ///     });
    /// assert_eq!(LiveTest::mount(&app, "/users/7").find("h1").text(), "User 7");
    /// ```
    pub fn mount(app: &App, url: &str) -> LiveTest {
        LiveTest::request(url).mount(app)
    }

    /// A request for `url` to add headers and cookies to, then [`mount`](LiveRequest::mount).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let app = vango::App::new().page("/", || {
    ///     let user = use_request().cookie("user").unwrap_or("guest").to_owned();
    ///     move || p(user.clone())
    /// });
    /// assert_eq!(LiveTest::request("/").cookie("user", "ada").mount(&app).text(), "ada");
    /// ```
    pub fn request(url: impl Into<String>) -> LiveRequest {
        LiveRequest {
            url: url.into(),
            headers: Vec::new(),
            cookies: Vec::new(),
        }
    }

    /// Mounts the component whose setup is `setup` as the page at `/` of an app of its own.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// fn badge() -> impl Render {
    ///     let n = signal(3);
    ///     move || span(format!("{} new", n.get())).on_click(move |_| n.set(0))
    /// }
    /// let t = LiveTest::component(badge);
    /// t.find("span").click();
    /// assert_eq!(t.text(), "0 new");
    /// ```
    pub fn component<R: Render>(setup: impl Fn() -> R + Send + Sync + 'static) -> LiveTest {
        LiveTest::mount(&App::new().page("/", setup), "/")
    }

    /// The page as the browser shows it now: its HTML (with the `data-hid` and `data-on`
    /// markers a first paint carries).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| || p("hi").class("x"));
    /// assert_eq!(t.html(), "<p data-hid=\"1\" class=\"x\">hi</p>");
    /// ```
    pub fn html(&self) -> String {
        self.inner.with_root(crate::render::to_html)
    }

    /// The page's text content.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| || div((h1("Title"), p("Body"))));
    /// assert_eq!(t.text(), "TitleBody");
    /// ```
    pub fn text(&self) -> String {
        self.inner.snapshot().text()
    }

    /// How many elements match `selector`.
    ///
    /// # Panics
    ///
    /// On a selector outside the [supported subset](super::Selector).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| || ul((li("a").class("done"), li("b"), li("c").class("done"))));
    /// assert_eq!(t.count("li"), 3);
    /// assert_eq!(t.count("li.done"), 2);
    /// assert_eq!(t.count("ol"), 0);
    /// ```
    pub fn count(&self, selector: &str) -> usize {
        let sel = parse(selector);
        let root = self.inner.snapshot();
        let mut n = 0;
        root.walk(&mut Vec::new(), &mut |el, anc| {
            n += sel.matches(el, anc) as usize
        });
        n
    }

    /// The element `selector` matches; each action on it finds it again (it may have been
    /// re-rendered), and must then match exactly one element.
    ///
    /// # Panics
    ///
    /// When the selector matches no element or several, or is outside the subset.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| || form((input().attr("name", "q"), button("Go").id("go"))));
    /// assert_eq!(t.find("#go").text(), "Go");
    /// assert_eq!(t.find("form > input[name=q]").attr("name").as_deref(), Some("q"));
    /// ```
    pub fn find(&self, selector: &str) -> Element {
        let el = Element::new(self.inner.clone(), selector, parse(selector), None);
        el.resolve();
        el
    }

    /// Like [`find`](Self::find), among the matches whose text content contains `text`
    /// (`find_with_text("button", "Save")`).
    ///
    /// # Panics
    ///
    /// When no match or several contain `text`, or the selector is outside the subset.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let saved = signal(false);
    ///     move || div((
    ///         button("Cancel"),
    ///         button(if saved.get() { "Saved" } else { "Save" }).on_click(move |_| saved.set(true)),
    ///     ))
    /// });
    /// t.find_with_text("button", "Save").click();
    /// assert_eq!(t.count("button"), 2);
    /// assert_eq!(t.find_with_text("button", "Saved").text(), "Saved");
    /// ```
    pub fn find_with_text(&self, selector: &str, text: &str) -> Element {
        let el = Element::new(self.inner.clone(), selector, parse(selector), Some(text));
        el.resolve();
        el
    }

    /// The first paint's HTTP status (404 for the not-found page).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new().page("/", || || p("home"));
    /// assert_eq!(LiveTest::mount(&app, "/").status(), 200);
    /// assert_eq!(LiveTest::mount(&app, "/missing").status(), 404);
    /// ```
    pub fn status(&self) -> u16 {
        self.inner.status
    }

    /// The whole first-paint document, as a browser without JavaScript gets it.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new().title("Shop").page("/", || || h1("Welcome"));
    /// let t = LiveTest::mount(&app, "/");
    /// assert!(t.first_paint().starts_with("<!DOCTYPE html>"));
    /// assert!(t.first_paint().contains("<title>Shop</title>"));
    /// ```
    pub fn first_paint(&self) -> &str {
        &self.inner.first_paint
    }

    /// The document title now (it follows live navigation).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .title("Shop")
    ///     .page("/", || || p("home"))
    ///     .page("/cart", || {
    ///         set_title("Cart");
    ///         || p("cart")
    ///     });
    /// let t = LiveTest::mount(&app, "/");
    /// assert_eq!(t.title(), "Shop");
    /// t.navigate("/cart");
    /// assert_eq!(t.title(), "Cart");
    /// ```
    pub fn title(&self) -> String {
        let title = self.inner.session.borrow().store().title();
        title.unwrap_or_else(|| self.inner.live.app.title.clone())
    }

    /// The URL (path and query) the session shows now: it follows live navigation and
    /// query changes.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let tab = url_state("tab");
    ///     move || button(tab.get_or("info")).on_click(move |_| tab.set("reviews"))
    /// });
    /// t.find("button").click();
    /// assert_eq!(t.url(), "/?tab=reviews");
    /// ```
    pub fn url(&self) -> String {
        let store = self.inner.session.borrow().store();
        store.request().map(|r| r.url()).unwrap_or_default()
    }

    /// The path of [`url`](Self::url).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .page("/", || || button("Go").on_click(|_| navigate("/next?x=1")))
    ///     .page("/next", || || p("next"));
    /// let t = LiveTest::mount(&app, "/");
    /// t.find("button").click();
    /// assert_eq!(t.path(), "/next");
    /// ```
    pub fn path(&self) -> String {
        let url = self.url();
        url.split_once('?')
            .map_or(url.clone(), |(p, _)| p.to_owned())
    }

    /// Every frame the session sent since it was mounted (Patches, Acks, Rejects), in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::protocol::ServerFrame;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let n = signal(0);
    ///     move || div((
    ///         button("same").id("same").on_click(move |_| n.set(0)),
    ///         button("+").id("inc").on_click(move |_| n.inc()),
    ///         p(n.get().to_string()),
    ///     ))
    /// });
    /// t.find("#same").click(); // renders the same page: only an Ack goes back
    /// t.find("#inc").click(); // one Patches frame
    /// let frames = t.frames();
    /// assert!(matches!(frames[0], ServerFrame::Ack(_)), "{frames:?}");
    /// assert!(matches!(frames[1], ServerFrame::Patches { .. }), "{frames:?}");
    /// ```
    pub fn frames(&self) -> Vec<ServerFrame> {
        self.inner.frames.borrow().clone()
    }

    /// Sets how long [`settle`](Self::settle) waits for tasks (default 5 s).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let done = signal(false);
    ///     spawn_task(async move { done.set(true) });
    ///     move || p(if done.get() { "done" } else { "working" })
    /// });
    /// t.settle_timeout(Duration::from_secs(1)).settle();
    /// assert_eq!(t.text(), "done");
    /// ```
    pub fn settle_timeout(&self, limit: Duration) -> &Self {
        self.inner.settle_timeout.set(limit);
        self
    }

    /// Runs the session's tasks (resource fetches, actions, spawned work) until every one
    /// has finished, rendering what they change as the session would; blocking work on
    /// the thread pool and timers are waited for.
    ///
    /// # Panics
    ///
    /// When tasks are still running after the settle timeout (a task that never ends, such
    /// as a clock: use [`run_for`](Self::run_for) for those pages).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let n = signal(0u64);
    ///     move || {
    ///         button(n.get().to_string()).on_click(move |_| {
    ///             spawn_task(async move {
    ///                 let v = unblock(|| 6 * 7).await;
    ///                 n.set(v);
    ///             });
    ///         })
    ///     }
    /// });
    /// t.find("button").click();
    /// assert_eq!(t.text(), "0", "the task has not run yet");
    /// t.settle();
    /// assert_eq!(t.text(), "42");
    /// ```
    pub fn settle(&self) -> &Self {
        let deadline = Instant::now() + self.inner.settle_timeout.get();
        loop {
            self.inner.harness.run_ready();
            self.inner.pump();
            if !self.inner.harness.busy() {
                return self;
            }
            if !self.inner.harness.wait_until(deadline) {
                panic!(
                    "settle: tasks still running after {:?} (a task that never ends? use run_for)",
                    self.inner.settle_timeout.get()
                );
            }
        }
    }

    /// Runs the session's tasks for `d` of real time (timers fire, results render).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let shown = signal("waiting");
    ///     if connected() {
    ///         spawn_task(async move {
    ///             async_io::Timer::after(Duration::from_millis(10)).await;
    ///             shown.set("done");
    ///         });
    ///     }
    ///     move || p(shown.get())
    /// });
    /// t.run_for(Duration::from_millis(100));
    /// assert_eq!(t.text(), "done");
    /// ```
    pub fn run_for(&self, d: Duration) -> &Self {
        let deadline = Instant::now() + d;
        loop {
            self.inner.harness.run_ready();
            self.inner.pump();
            if !self.inner.harness.wait_until(deadline) {
                self.inner.harness.run_ready();
                self.inner.pump();
                return self;
            }
        }
    }

    /// Navigates live to `url` (a local path and query), as a link click or the browser's
    /// back and forward buttons do: the route mounts in place, in the same session. A URL
    /// that differs from the current one only by its `#fragment` (a `#…` link) changes
    /// the request's [`fragment`](crate::live::PageRequest::fragment) without a remount.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .page("/", || || h1("Home"))
    ///     .page("/about", || || h1("About"));
    /// let t = LiveTest::mount(&app, "/");
    /// t.navigate("/about");
    /// assert_eq!((t.path(), t.find("h1").text()), ("/about".to_string(), "About".to_string()));
    /// ```
    pub fn navigate(&self, url: &str) -> Outcome {
        self.inner.navigate(url)
    }

    /// Sends a link prefetch of `url`, as the client does when the pointer moves over (or
    /// a touch starts on) a [`link`](crate::view::helpers::link): the session mounts that
    /// route off-screen, and a [`navigate`](Self::navigate) to it within a few seconds
    /// adopts that mount instead of mounting again. Nothing visible changes.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// static SETUPS: AtomicU32 = AtomicU32::new(0);
    /// let app = vango::App::new()
    ///     .page("/", || || link("/about", "About"))
    ///     .page("/about", || {
    ///         SETUPS.fetch_add(1, Relaxed);
    ///         || p("about")
    ///     });
    /// let t = LiveTest::mount(&app, "/");
    /// t.prefetch("/about");
    /// assert_eq!((SETUPS.load(Relaxed), t.text()), (1, "About".into()));
    /// t.navigate("/about");
    /// assert_eq!((SETUPS.load(Relaxed), t.text()), (1, "about".into()));
    /// ```
    pub fn prefetch(&self, url: &str) -> Outcome {
        self.inner.prefetch(url)
    }

    /// How many tasks of this test panicked (each ended alone; the session went on).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     move || button("boom").on_click(|_| {
    ///         spawn_task(async { panic!("a bug in a task") });
    ///     })
    /// });
    /// t.find("button").click();
    /// t.settle();
    /// assert_eq!(t.task_panics(), 1);
    /// assert_eq!(t.ended(), None, "a task's panic ends only that task");
    /// ```
    pub fn task_panics(&self) -> u64 {
        self.inner.harness.panics()
    }
}

fn parse(selector: &str) -> Selector {
    Selector::parse(selector).unwrap_or_else(|e| panic!("{e}"))
}

impl LiveTest {
    /// Why the session ended (a handler or render panicked: the browser would reload), or
    /// `None` while it runs.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     move || button("boom").on_click(|_| -> () { panic!("a bug in a handler") })
    /// });
    /// assert_eq!(t.ended(), None);
    /// let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| t.find("button").click()));
    /// assert!(t.ended().is_some(), "a handler's panic outside any error boundary ends the session");
    /// ```
    pub fn ended(&self) -> Option<String> {
        self.inner.ended()
    }
}
