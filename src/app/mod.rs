//! The application entry point: pages by route pattern, first paint by SSR, sessions over
//! the WebSocket, all on the thread-per-core server.
//!
//! The top layer, glue only: the builder here; the page table and the one mount path in
//! `routes` (filled by the builder methods of `pages`); nested layouts in `layout`;
//! middleware in `middleware`; the per-core HTTP/WebSocket service in `service`.

mod build;
mod forms;
mod layout;
pub mod middleware;
mod pages;
mod routes;
mod service;

use std::borrow::Cow;
use std::io;
use std::net::ToSocketAddrs;
use std::path::PathBuf;
use std::time::Duration;

use crate::features::bus::Bus;
use crate::features::global::GlobalSignal;
use crate::live::SessionConfig;
use crate::server::{Limits, RunningServer, SecretKey, StaticAsset, StaticDir};

pub use layout::Outlet;
use layout::{ErrorSetup, LayoutFn, SetupFn};
use middleware::MiddlewareFn;
pub use middleware::{Middleware, Next};
use routes::Page;
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
    error_page: Option<ErrorSetup>,
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
    #[cfg(feature = "nodes")]
    node: Option<String>,
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new().page("/", || || h1("Hello"));
    /// assert_eq!(app.page_patterns(), ["/"]);
    /// assert_eq!(LiveTest::mount(&app, "/").find("h1").text(), "Hello");
    /// ```
    pub fn new() -> Self {
        App {
            pages: Vec::new(),
            forms: Vec::new(),
            not_found: None,
            error_page: None,
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
            #[cfg(feature = "nodes")]
            node: None,
        }
    }

    /// The app's cross-core bus: every worker core subscribes to it when the app starts
    /// and unsubscribes at shutdown, after which the bus is shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::features::persist::FileStore;
    /// use vango::prelude::*;
    ///
    /// let dir = std::env::temp_dir().join(format!("vango-app-bus-doc-{}", std::process::id()));
    /// let app = vango::App::new();
    /// // A persisted global lives on the app's bus, like `app.global(..)`.
    /// let hits = GlobalSignal::persisted(app.bus(), Arc::new(FileStore::open(&dir)?), "hits", 0u64)?;
    /// hits.update(|n| *n += 1);
    /// assert_eq!(hits.get_untracked(), 1);
    /// # hits.flush()?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .title("Acme")
    ///     .page("/", || || p("home"))
    ///     .page("/cart", || {
    ///         set_title("Cart · Acme"); // a page's own title wins
    ///         || p("cart")
    ///     });
    /// assert_eq!(LiveTest::mount(&app, "/").title(), "Acme");
    /// assert_eq!(LiveTest::mount(&app, "/cart").title(), "Cart · Acme");
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .head(r#"<meta name="description" content="A shop">"#)
    ///     .page("/", || || p("home"));
    /// assert!(LiveTest::mount(&app, "/").first_paint().contains(r#"<meta name="description" content="A shop">"#));
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// // One core is plenty for tests and small boards.
    /// let server = vango::App::new()
    ///     .workers(1)
    ///     .secret_key(vango::server::SecretKey::from_bytes([1; 32]))
    ///     .page("/", || || p("hi"))
    ///     .spawn("127.0.0.1:0")?;
    /// server.shutdown();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = Some(n);
        self
    }

    /// Server limits.
    ///
    /// # Panics
    ///
    /// When [`Limits::max_headers`] is not from 1 to [`MAX_HEADERS_CAP`](crate::server::MAX_HEADERS_CAP).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Limits;
    ///
    /// let app = vango::App::new().limits(Limits {
    ///     max_connections_per_peer: 10_000, // behind a reverse proxy, every client is the proxy
    ///     ..Limits::default()
    /// });
    /// # let _ = app;
    /// ```
    pub fn limits(mut self, limits: Limits) -> Self {
        limits.assert_servable();
        self.limits = limits;
        self
    }

    /// Session settings (resume window, ring size, capacity).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::live::SessionConfig;
    ///
    /// let app = vango::App::new().sessions(SessionConfig {
    ///     resume_window: Duration::from_secs(120), // a closed laptop lid comes back to its state
    ///     max_sessions_per_core: 5_000,
    ///     ..SessionConfig::default()
    /// });
    /// # let _ = app;
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticAsset;
    ///
    /// // Bytes compiled into the binary (`include_bytes!("../static/logo.svg")` in an app).
    /// const LOGO: &[u8] = b"<svg xmlns='http://www.w3.org/2000/svg'/>";
    /// let app = vango::App::new().asset(StaticAsset::new("/logo.svg", "image/svg+xml", LOGO, None));
    /// # let _ = app;
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use vango::prelude::*;
    ///
    /// let server = vango::App::new()
    ///     .workers(1)
    ///     .secret_key(vango::server::SecretKey::from_bytes([2; 32]))
    ///     .page("/", || || h1("up"))
    ///     .spawn("127.0.0.1:0")?; // port 0: any free port
    /// let addr = server.local_addr();
    /// let mut s = std::net::TcpStream::connect(addr)?;
    /// write!(s, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")?;
    /// let mut answer = String::new();
    /// s.read_to_string(&mut answer)?;
    /// assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    /// server.shutdown();
    /// # Ok::<(), std::io::Error>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// fn main() -> std::io::Result<()> {
    ///     vango::App::new()
    ///         .page("/", || || h1("Hello"))
    ///         .serve("127.0.0.1:8080") // until SIGTERM or Ctrl-C
    /// }
    /// # let _ = main; // a doctest must not serve forever
    /// ```
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
    /// the cgroup's `memory.max`, else half of RAM), and how long an idle session waits
    /// before it hibernates from `VANGO_HIBERNATE_AFTER` (`15s`, `500ms`, `0` for never;
    /// [`SessionConfig::hibernate_after`](crate::live::SessionConfig::hibernate_after)).
    /// A malformed `VANGO_WORKERS`, `VANGO_MEMORY_BUDGET` or `VANGO_HIBERNATE_AFTER` is an
    /// error, not a silent default.
    /// When socket-activated (`systemd/vango.socket`), `VANGO_ADDR` is not used: every core
    /// accepts from the socket systemd holds, so restarts refuse no connection.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// fn main() -> std::io::Result<()> {
    ///     // VANGO_ADDR=0.0.0.0:3000 VANGO_WORKERS=2 ./app
    ///     vango::App::new().page("/", || || h1("Hello")).serve_env()
    /// }
    /// # let _ = main;
    /// ```
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
        if let Ok(t) = std::env::var("VANGO_HIBERNATE_AFTER") {
            self.config.hibernate_after =
                crate::live::limits::parse_duration(&t).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("VANGO_HIBERNATE_AFTER={t:?} is not a duration (like 15s)"),
                    )
                })?;
        }
        if let Ok(hosts) = std::env::var("VANGO_ALLOWED_HOSTS") {
            self.limits.allowed_hosts = crate::server::hosts::AllowedHosts::parse(&hosts);
        }
        self.serve(addr)
    }
}
