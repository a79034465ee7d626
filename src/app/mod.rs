//! The application entry point: pages by route pattern, first paint by SSR, sessions over
//! the WebSocket, all on the thread-per-core server.
//!
//! The top layer, glue only: the builder here; the page table and the one mount path in
//! `routes`; nested layouts in `layout`; middleware in `middleware`; the per-core
//! HTTP/WebSocket service in `service`.

mod build;
mod forms;
mod layout;
pub mod middleware;
mod routes;
mod service;

use std::borrow::Cow;
use std::io;
use std::net::ToSocketAddrs;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::component::Render;
use crate::features::bus::Bus;
use crate::features::global::GlobalSignal;
use crate::live::form::{Form, FormReply};
use crate::live::{IntoView, SessionConfig};
use crate::router::{Method, Router};
use crate::server::{Limits, RunningServer, SecretKey, StaticAsset, StaticDir};

pub use layout::Outlet;
use layout::{LayoutFn, SetupFn};
use middleware::MiddlewareFn;
pub use middleware::{Middleware, Next};
use routes::{setup_fn, Page};
pub(crate) use routes::{FormFn, Target};
pub(crate) use service::first_paint;
pub use service::AppService;

/// A Vango application: pages, settings, and the server that runs them.
///
/// # Examples
///
/// ```no_run
/// use vango::prelude::*;
///
/// fn counter(initial: i32) -> impl FnMut() -> VNode {
///     let count = signal(initial);
///     move || {
///         div((
///             h1(format!("Count: {}", count.get())),
///             button("+").on_click(move |_| count.update(|n| *n += 1)),
///         ))
///         .into()
///     }
/// }
///
/// vango::App::new().page("/", || counter(0)).workers(2).serve("127.0.0.1:8080")?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct App {
    pages: Vec<(Cow<'static, str>, Page)>,
    forms: Vec<(Cow<'static, str>, FormFn)>,
    not_found: Option<SetupFn>,
    layouts: Vec<(String, LayoutFn)>,
    middleware: Vec<(String, MiddlewareFn)>,
    title: String,
    head: String,
    workers: Option<usize>,
    pub(crate) limits: Limits,
    pub(crate) config: SessionConfig,
    assets: Vec<StaticAsset>,
    dirs: Vec<StaticDir>,
    bus: Bus,
    secret: Secret,
    ssr_budget: Duration,
}

/// The default [`App::ssr_budget`].
///
/// # Examples
///
/// ```
/// assert_eq!(vango::app::DEFAULT_SSR_BUDGET.as_millis(), 50);
/// ```
pub const DEFAULT_SSR_BUDGET: Duration = Duration::from_millis(50);

/// Where the app's secret key comes from.
enum Secret {
    /// `VANGO_SECRET_KEY`, else the key file in the state directory.
    Default,
    /// `VANGO_SECRET_KEY`, else this key file.
    File(PathBuf),
    /// This key.
    Key(SecretKey),
}

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}

impl App {
    /// An app with no pages, default limits and one worker per core.
    pub fn new() -> Self {
        App {
            pages: Vec::new(),
            forms: Vec::new(),
            not_found: None,
            layouts: Vec::new(),
            middleware: Vec::new(),
            title: String::new(),
            head: String::new(),
            workers: None,
            limits: Limits::default(),
            config: SessionConfig::default(),
            assets: Vec::new(),
            dirs: Vec::new(),
            bus: Bus::new(),
            secret: Secret::Default,
            ssr_budget: DEFAULT_SSR_BUDGET,
        }
    }

    /// The app's cross-core bus: every worker core subscribes to it when the app starts
    /// and unsubscribes at shutdown, after which the bus is shut down.
    pub fn bus(&self) -> &Bus {
        &self.bus
    }

    /// A [`GlobalSignal`] on this app's bus: one value shared by every session on every
    /// core. Create globals before [`serve`](Self::serve)/[`spawn`](Self::spawn) and
    /// capture them (they are `Copy`) in page setups; a component that reads one
    /// re-renders, and its session sends patches, whenever any core writes it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vango::prelude::*;
    /// let app = vango::App::new();
    /// let clicks = app.global(0u64);
    /// app.page("/", move || {
    ///     move || button(format!("{} clicks, all tabs", clicks.get()))
    ///         .on_click(move |_| clicks.update(|n| *n += 1))
    /// })
    /// .serve("127.0.0.1:8080")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn global<T: Clone + Send + Sync + 'static>(&self, initial: T) -> GlobalSignal<T> {
        GlobalSignal::new(&self.bus, initial)
    }

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
    /// end. More than [`MAX_REDIRECTS`](middleware::MAX_REDIRECTS) hops, or a URL seen
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

    /// Trusts the reverse proxy in front of the app to say how the client connected:
    /// `X-Forwarded-Proto: https` then makes the session cookie `Secure` and the WebSocket
    /// Origin check expect `https://`. Also on when `VANGO_TRUST_PROXY=1`. Off by default:
    /// without a proxy, anyone can send that header.
    ///
    /// # Examples
    ///
    /// ```
    /// let srv = vango::App::new().trust_proxy(true).spawn("127.0.0.1:0")?;
    /// srv.shutdown();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn trust_proxy(mut self, on: bool) -> Self {
        self.limits.trust_proxy = on;
        self
    }

    /// The document title of every page without its own ([`set_title`](crate::live::set_title)).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Adds a stylesheet to every page's `<head>` (`href` is escaped).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vango::prelude::*;
    /// vango::App::new()
    ///     .stylesheet("/static/app.css")
    ///     .page("/", || || p("styled"))
    ///     .serve("127.0.0.1:8080")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stylesheet(mut self, href: &str) -> Self {
        self.head.push_str("<link rel=\"stylesheet\" href=\"");
        crate::render::escape_attr(href, &mut self.head);
        self.head.push_str("\">");
        self
    }

    /// Adds trusted HTML (meta tags, preloads) to every page's `<head>`, verbatim.
    pub fn head(mut self, html: &str) -> Self {
        self.head.push_str(html);
        self
    }

    /// How long the first paint of a page waits for its [resources](crate::live::Resource)'
    /// first fetches (default [`DEFAULT_SSR_BUDGET`], 50 ms): those that finish in time are
    /// in the HTML, the others show their loading state and their results stream in over
    /// the live session. A new live session's first render waits for its own fetches as
    /// long, so it shows what the first paint showed instead of flashing back to loading.
    /// The wait is an await: other connections on the core go on meanwhile. `ZERO`: no
    /// wait, no fetch in the first paint.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new().ssr_budget(Duration::from_millis(200)).page("/", || {
    ///     let r = resource(|| (), |_| async {
    ///         async_io::Timer::after(Duration::from_millis(5)).await;
    ///         Ok::<_, String>("data")
    ///     });
    ///     move || p(r.view(|| "loading", |d| *d, |e| e.to_owned()))
    /// });
    /// assert!(LiveTest::mount(&app, "/").first_paint().contains(">data</p>"));
    /// ```
    pub fn ssr_budget(mut self, budget: Duration) -> Self {
        self.ssr_budget = budget;
        self
    }

    /// The number of worker threads (default: available cores).
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = Some(n);
        self
    }

    /// Server limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Session settings (resume window, ring size, capacity).
    pub fn sessions(mut self, config: SessionConfig) -> Self {
        self.config = config;
        self
    }

    /// Signs CSRF tokens (and, later, cookies) with `key`, ignoring `VANGO_SECRET_KEY` and
    /// the key file: for keys the application loads from its own secret store.
    ///
    /// Without it, the key is `VANGO_SECRET_KEY` (64 hex digits or base64 of 32 bytes) when
    /// set, else the key file (see [`secret_key_file`](Self::secret_key_file)). Every
    /// instance and every restart of an app must use the same key, or open tabs are
    /// refused their CSRF tokens and must fetch new ones.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::SecretKey;
    /// let key = SecretKey::generate()?; // in production: the same key on every start
    /// let srv = vango::App::new().secret_key(key).spawn("127.0.0.1:0")?;
    /// srv.shutdown();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn secret_key(mut self, key: SecretKey) -> Self {
        self.secret = Secret::Key(key);
        self
    }

    /// Keeps the secret key in the file at `path` instead of `secret.key` in the state
    /// directory ([`state_dir`](crate::server::secret::state_dir): `VANGO_STATE_DIR`,
    /// systemd's `STATE_DIRECTORY`, `$XDG_STATE_HOME/vango`, `~/.local/state/vango`).
    /// `VANGO_SECRET_KEY`, when set, still wins.
    ///
    /// The file is created with 32 random bytes and mode 0600 on first start (atomically,
    /// so instances starting together share one key). Starting fails with a message saying
    /// what to do when the file has other permissions or another size.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::fs::PermissionsExt;
    /// let dir = std::env::temp_dir().join(format!("vango-app-key-{}", std::process::id()));
    /// # if std::env::var_os("VANGO_SECRET_KEY").is_some() { return Ok(()); }
    /// let srv = vango::App::new().secret_key_file(dir.join("key")).spawn("127.0.0.1:0")?;
    /// srv.shutdown();
    /// let meta = std::fs::metadata(dir.join("key"))?;
    /// assert_eq!((meta.len(), meta.permissions().mode() & 0o777), (32, 0o600));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn secret_key_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.secret = Secret::File(path.into());
        self
    }

    /// Adds an embedded asset.
    pub fn asset(mut self, asset: StaticAsset) -> Self {
        self.assets.push(asset);
        self
    }

    /// Serves a folder under a URL prefix (stylesheets, images): see [`StaticDir`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vango::prelude::*;
    /// vango::App::new()
    ///     .static_dir(vango::server::StaticDir::new("/assets/", "public")?)
    ///     .page("/", || || p("hi"))
    ///     .serve("127.0.0.1:8080")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn static_dir(mut self, dir: StaticDir) -> Self {
        self.dirs.push(dir);
        self
    }

    /// The app's head HTML (stylesheets, meta tags).
    pub(crate) fn head_html(&self) -> &str {
        &self.head
    }

    /// Starts the app and returns at once (tests, embedding). Fails when the address
    /// cannot be bound or the secret key cannot be loaded.
    pub fn spawn(self, addr: impl ToSocketAddrs) -> io::Result<RunningServer> {
        self.server()?.spawn(addr)
    }

    /// Runs the app until SIGTERM/SIGINT, then shuts down gracefully. Under systemd it
    /// uses the socket a `.socket` unit passes instead of binding `addr`, and reports
    /// readiness, watchdog pings and stopping ([`Server::spawn`](crate::server::Server::spawn)). Fails when the address
    /// cannot be bound or the secret key cannot be loaded.
    ///
    /// Installs the built-in logger ([`logging::init`](crate::server::logging::init))
    /// unless the application installed one.
    pub fn serve(self, addr: impl ToSocketAddrs) -> io::Result<()> {
        crate::server::logging::init();
        let workers = self.workers;
        let result = self.server().and_then(|server| server.serve(addr));
        match &result {
            Ok(()) => log::info!("stopped"),
            Err(e) => log::error!("serve failed: {e} (workers: {workers:?})"),
        }
        result
    }

    /// Like [`App::serve`], configured the way a systemd unit does it: the address from
    /// `VANGO_ADDR` (default `127.0.0.1:8080`) and, when set, the worker count from
    /// `VANGO_WORKERS`, and the hosts it answers for from `VANGO_ALLOWED_HOSTS` (comma
    /// separated; default: the address clients connect to, and `localhost`), and the
    /// sessions' memory budget from `VANGO_MEMORY_BUDGET` (`512M`, `2G`; default half of
    /// the cgroup's `memory.max`, else half of RAM). A malformed `VANGO_WORKERS` or
    /// `VANGO_MEMORY_BUDGET` is an error, not a silent default.
    /// When socket-activated (`systemd/vango.socket`), `VANGO_ADDR` is not used: every core
    /// accepts from the socket systemd holds, so restarts refuse no connection.
    pub fn serve_env(mut self) -> io::Result<()> {
        let addr = std::env::var("VANGO_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
        if let Ok(w) = std::env::var("VANGO_WORKERS") {
            let n: usize = w.trim().parse().map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("VANGO_WORKERS={w:?} is not a number"),
                )
            })?;
            self = self.workers(n.max(1));
        }
        if let Ok(b) = std::env::var("VANGO_MEMORY_BUDGET") {
            let bytes = crate::live::budget::parse_bytes(&b).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("VANGO_MEMORY_BUDGET={b:?} is not a byte count (like 512M)"),
                )
            })?;
            self.config.max_memory = Some(bytes);
        }
        if let Ok(hosts) = std::env::var("VANGO_ALLOWED_HOSTS") {
            self.limits.allowed_hosts = crate::server::hosts::AllowedHosts::parse(&hosts);
        }
        self.serve(addr)
    }
}
