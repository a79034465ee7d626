//! The app's page table as the builder fills it: pages, the not-found and error pages, layouts,
//! middleware and forms, each by route pattern or prefix.
//!
//! Touches only the builder's fields and the boxed types of `routes`, `layout` and
//! `middleware`.

use std::borrow::Cow;
use std::sync::Arc;

use super::layout::{self, LayoutFn, Outlet};
use super::middleware::{Middleware, Next};
use super::routes::{setup_fn, Page};
use super::App;
use crate::component::{ErrorInfo, Render};
use crate::live::form::{Form, FormReply};
use crate::live::IntoView;
use crate::router::{Method, Router};

impl App {
    /// Serves the component whose setup is `setup` at the route `pattern`: an exact path
    /// (`/todos`), `:name` for one segment (`/todos/:id`) or `*name` for the rest of the
    /// path (`/docs/*path`); see [`router`](crate::router) for the rules. Each page load and
    /// each new session mounts it in a fresh tree; the setup reads the request (route
    /// parameters, query, headers, cookies) with [`use_request`](crate::live::use_request).
    /// A parameter the page parses with [`param`](crate::live::PageRequest::param) and that
    /// does not parse answers the not-found page, status 404.
    ///
    /// Registering a pattern again replaces its page.
    ///
    /// # Panics
    ///
    /// On a malformed pattern; on two patterns of one shape (`/a/:x`, `/a/:y`) when the
    /// app starts.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vango::prelude::*;
    ///
    /// vango::App::new()
    ///     .page("/", || || p("home"))
    ///     .page("/todos/:id", || {
    ///         let id: u64 = use_request().param("id").unwrap_or_default();
    ///         move || h1(format!("Todo {id}"))
    ///     })
    ///     .serve("127.0.0.1:8080")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn page<R: Render>(
        self,
        pattern: impl Into<Cow<'static, str>>,
        setup: impl Fn() -> R + Send + Sync + 'static,
    ) -> Self {
        self.add_page(pattern.into(), Page::Setup(setup_fn(setup)))
    }

    /// Serves the view built by `mount` at the route `pattern`: for views that are not a
    /// component tree (tests, custom front ends).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::Tree;
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// // Any `IntoView`: here a component tree mounted by hand.
    /// let app = vango::App::new().page_view("/about", || Tree::mount(|| || h1("About")));
    /// assert_eq!(LiveTest::mount(&app, "/about").find("h1").text(), "About");
    /// ```
    #[track_caller]
    pub fn page_view<V: IntoView>(
        self,
        pattern: impl Into<Cow<'static, str>>,
        mount: impl Fn() -> V + Send + Sync + 'static,
    ) -> Self {
        self.add_page(
            pattern.into(),
            Page::View(Arc::new(move || mount().into_view())),
        )
    }

    /// The page a URL without a route (or with a parameter its page rejects) shows, with
    /// status 404, in the first paint and in live sessions alike. Default: a plain "Not
    /// Found" page.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vango::prelude::*;
    ///
    /// vango::App::new()
    ///     .page("/", || || p("home"))
    ///     .not_found(|| {
    ///         let path = use_request().path().to_owned();
    ///         move || h1(format!("Nothing at {path}"))
    ///     })
    ///     .serve("127.0.0.1:8080")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn not_found<R: Render>(mut self, setup: impl Fn() -> R + Send + Sync + 'static) -> Self {
        self.not_found = Some(setup_fn(setup));
        self
    }

    /// The page shown, status 500, when a page's setup or render panics as it mounts: in
    /// the first paint, a new live session and a live navigation (the session goes on).
    /// Its setup gets the panic (logged once, with its location) and the failed page's
    /// request. Without it: a bare 500, and a live session ends (close code 8). A panic
    /// below an [`error_boundary`](crate::component::error_boundary) shows its fallback.
    ///
    /// It renders inside the [layouts](Self::layout) covering the failed path, like the
    /// not-found page: each layout's outlet is an error boundary showing it, so on a live
    /// navigation the layouts above the panic keep their state, and a later panic in the
    /// page (a handler, a task) shows it there too instead of ending the session. When a
    /// layout itself panics, the error page renders inside the layouts above it.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .page("/", || -> fn() -> VNode { panic!("database is down") })
    ///     .error_page(|err| {
    ///         let path = use_request().path().to_owned();
    ///         move || h1(format!("Sorry: {path} failed ({})", err.message()))
    ///     });
    /// let t = LiveTest::mount(&app, "/");
    /// assert_eq!(t.status(), 500);
    /// assert_eq!(t.text(), "Sorry: / failed (database is down)");
    /// ```
    pub fn error_page<R: Render>(
        mut self,
        setup: impl Fn(ErrorInfo) -> R + Send + Sync + 'static,
    ) -> Self {
        self.error_page = Some(super::routes::error_page(setup));
        self
    }

    /// The route patterns of the app's pages, in registration order (a pattern registered
    /// again keeps its latest place): to compare two ways of building one table, or to
    /// list the routes at startup.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let app = vango::App::new().page("/", || || p("home")).page("/todos/:id", || || p("todo"));
    /// assert_eq!(app.page_patterns(), ["/", "/todos/:id"]);
    /// ```
    pub fn page_patterns(&self) -> Vec<&str> {
        self.pages.iter().map(|(p, _)| p.as_ref()).collect()
    }

    /// Wraps every component page whose path is under `prefix` (`/` wraps them all,
    /// `/todos` wraps `/todos` and `/todos/:id`; a `:name` segment matches any one) in the
    /// component `setup` returns; `setup` gets the [`Outlet`] to place where the child
    /// route shows. Layouts nest by prefix, outermost first: `/todos`'s layout is the child
    /// of `/`'s. The not-found page (and a middleware's status page) renders inside the
    /// layouts covering its path; [`page_view`](Self::page_view) pages have none.
    ///
    /// A layout's setup runs once per mount. While the user navigates live between routes
    /// under it, it stays mounted — its signals, and what the user typed in its inputs,
    /// are kept — and only its outlet's child is swapped; a navigation to a route outside
    /// it unmounts it. The first paint renders the same nesting as the live session.
    ///
    /// Registering a prefix again replaces its layout.
    ///
    /// # Panics
    ///
    /// When `prefix` does not start with `/` or holds `*`, `?` or `#`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .layout("/", |outlet: Outlet| {
    ///         let clicks = signal(0);
    ///         move || div((
    ///             button(format!("{} clicks", clicks.get()))
    ///                 .id("count")
    ///                 .on_click(move |_| clicks.update(|n| *n += 1)),
    ///             main_(outlet.clone()),
    ///         ))
    ///     })
    ///     .page("/", || || h1("Home"))
    ///     .page("/about", || || h1("About"));
    /// let t = LiveTest::mount(&app, "/");
    /// t.find("#count").click();
    /// t.navigate("/about");
    /// assert_eq!(t.find("h1").text(), "About");
    /// assert_eq!(t.find("#count").text(), "1 clicks", "the layout kept its state");
    /// ```
    #[track_caller]
    pub fn layout<R: Render>(
        mut self,
        prefix: impl Into<Cow<'static, str>>,
        setup: impl Fn(Outlet) -> R + Send + Sync + 'static,
    ) -> Self {
        let prefix = layout::normalize_prefix(&prefix.into(), "layout");
        let setup: LayoutFn = Arc::new(move |o| Box::new(setup(o)));
        self.layouts.retain(|(p, _)| *p != prefix);
        self.layouts.push((prefix, setup));
        self
    }

    /// Runs `f` before any page under `prefix` mounts (`/` for all; `:name` matches any
    /// one segment): on the first paint's HTTP request and on every live navigation
    /// alike, in the order the middleware were added. `f` sees the request ([`Middleware`]:
    /// path, route parameters, query, headers, cookies, the signed cookie session) and
    /// returns [`Next::Continue`], [`Next::Redirect`] (303 over HTTP; over the socket the
    /// target mounts live and replaces the URL) or [`Next::Status`]. It may add headers to
    /// the HTTP answer and hook the end of the request ([`Middleware::after`], to time it).
    /// Forms submitted to a path under `prefix` (a POST, or over the socket) pass the same
    /// middleware before their handler.
    ///
    /// Redirects are followed on the server: the HTTP answer's `Location` is where they
    /// end. More than [`MAX_REDIRECTS`](crate::app::middleware::MAX_REDIRECTS) hops, or a URL seen
    /// twice (`/a` → `/b` → `/a`), is a loop: answered 500, with one `log::error!` line
    /// naming the hops.
    ///
    /// # Panics
    ///
    /// When `prefix` does not start with `/` or holds `*`, `?` or `#`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::app::Next;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .middleware("/admin", |m| {
    ///         let started = std::time::Instant::now();
    ///         m.after(move |status| log::info!("admin {status} in {:?}", started.elapsed()));
    ///         if m.cookie_session().get_str("user").is_some() {
    ///             m.header("Cache-Control", "private");
    ///             Next::Continue
    ///         } else {
    ///             Next::redirect("/login")
    ///         }
    ///     })
    ///     .page("/admin", || || h1("Admin"))
    ///     .page("/login", || || h1("Sign in"));
    /// let t = LiveTest::mount(&app, "/admin");
    /// assert_eq!(t.status(), 303);
    /// assert_eq!(t.find("h1").text(), "Sign in", "the live session followed it");
    /// ```
    #[track_caller]
    pub fn middleware(
        mut self,
        prefix: impl Into<Cow<'static, str>>,
        f: impl Fn(&mut Middleware<'_>) -> Next + Send + Sync + 'static,
    ) -> Self {
        let prefix = layout::normalize_prefix(&prefix.into(), "middleware");
        self.middleware.push((prefix, Arc::new(f)));
        self
    }

    #[track_caller]
    fn add_page(mut self, pattern: Cow<'static, str>, page: Page) -> Self {
        if let Err(e) = Router::new().try_route(Method::Get, &pattern, ()) {
            panic!("{e}");
        }
        self.pages.retain(|(p, _)| *p != pattern);
        self.pages.push((pattern, page));
        self
    }

    /// Answers `<form method="post">` submissions to the route `pattern` (see
    /// [`post_form`](crate::live::form::post_form)) over plain HTTP, so forms work
    /// without JavaScript. The body must be `application/x-www-form-urlencoded`, at most
    /// 64 KiB (413), with a `Content-Length` (411), and carry the CSRF token bound to the
    /// browser's cookie session (403). The handler reads the fields and may read and write
    /// [`use_cookie_session`](crate::live::use_cookie_session); a
    /// [`FormReply::redirect`] answers 303 to a GET (post/redirect/get, with the cookie
    /// set), a refusal ([`Form::invalid`]) re-renders the page at the same URL with the
    /// errors ([`use_submission`](crate::live::form::use_submission)), status 422.
    ///
    /// # Panics
    ///
    /// On a malformed pattern; on two form patterns of one shape when the app starts.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vango::prelude::*;
    /// use vango::live::form::{post_form, use_submission, FormReply};
    ///
    /// vango::App::new()
    ///     .page("/", || {
    ///         let error = use_submission().and_then(|s| s.error("name").map(str::to_owned));
    ///         let name = use_cookie_session().get_str("name").unwrap_or_default();
    ///         move || div((
    ///             p(format!("Hello {name}")),
    ///             post_form("/", (input().attr("name", "name"), button("Save"))),
    ///             error.clone().map(p),
    ///         ))
    ///     })
    ///     .form("/", |f| match f.get("name") {
    ///         Some(n) if !n.is_empty() => {
    ///             let _ = use_cookie_session().set("name", n);
    ///             FormReply::redirect("/")
    ///         }
    ///         _ => f.invalid([("name", "required")]),
    ///     })
    ///     .serve("127.0.0.1:8080")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[track_caller]
    pub fn form(
        mut self,
        pattern: impl Into<Cow<'static, str>>,
        handler: impl Fn(&Form) -> FormReply + Send + Sync + 'static,
    ) -> Self {
        let pattern = pattern.into();
        if let Err(e) = Router::new().try_route(Method::Post, &pattern, ()) {
            panic!("{e}");
        }
        self.forms.retain(|(p, _)| *p != pattern);
        self.forms.push((pattern, Arc::new(handler)));
        self
    }
}
