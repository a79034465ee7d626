//! The application entry point: pages by path, first paint by SSR, sessions over the
//! WebSocket, all on the thread-per-core server.
//!
//! The top layer, glue only: page GETs go to `render::write_page`, upgrades to the live
//! layer's [`LiveCore`], which mounts pages through the function built here.

use std::borrow::Cow;
use std::future::Future;
use std::io;
use std::net::ToSocketAddrs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::component::{Render, Tree};
use crate::features::bus::Bus;
use crate::features::global::{self, GlobalSignal};
use crate::live::{
    notify_dirty, Csrf, IntoView, LiveApp, LiveCore, SessionConfig, SessionStore, View,
};
use crate::server::{
    ConnInfo, Core, Limits, Request, Response, RunningServer, Server, Service, StaticAsset,
    StaticDir, WebSocket,
};

type PageFn = Arc<dyn Fn() -> Box<dyn View> + Send + Sync>;
type Pages = Arc<Vec<(Cow<'static, str>, PageFn)>>;

/// The page at exactly `path`, if there is one.
fn page_at<'a>(pages: &'a Pages, path: &str) -> Option<&'a PageFn> {
    pages.iter().find(|(p, _)| p == path).map(|(_, f)| f)
}

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
    pages: Vec<(Cow<'static, str>, PageFn)>,
    title: String,
    workers: Option<usize>,
    limits: Limits,
    config: SessionConfig,
    assets: Vec<StaticAsset>,
    dirs: Vec<StaticDir>,
    bus: Bus,
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
            title: String::new(),
            workers: None,
            limits: Limits::default(),
            config: SessionConfig::default(),
            assets: Vec::new(),
            dirs: Vec::new(),
            bus: Bus::new(),
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

    /// Serves the component whose setup is `setup` at `path` (exact match, query ignored):
    /// each page load and each new session mounts it in a fresh [`Tree`].
    ///
    /// The root component's setup provides the session's
    /// [`SessionStore`] as context, so [`SharedSignal`](crate::live::SharedSignal)s
    /// resolve to this session's values everywhere below (an SSR page load gets a
    /// throwaway store).
    pub fn page<R: Render>(
        self,
        path: impl Into<Cow<'static, str>>,
        setup: impl Fn() -> R + Send + Sync + 'static,
    ) -> Self {
        self.page_view(path, move || {
            Tree::mount(|| {
                let store = SessionStore::current().unwrap_or_default();
                store.provide();
                let mut render = setup();
                // Holds the store: an SSR page's own store lives as long as its tree.
                move || {
                    let _ = &store;
                    render.render()
                }
            })
        })
    }

    /// Serves the view built by `mount` at `path`: for views that are not a component tree
    /// (tests, custom front ends).
    pub fn page_view<V: IntoView>(
        mut self,
        path: impl Into<Cow<'static, str>>,
        mount: impl Fn() -> V + Send + Sync + 'static,
    ) -> Self {
        let path = path.into();
        self.pages.retain(|(p, _)| *p != path);
        self.pages
            .push((path, Arc::new(move || mount().into_view())));
        self
    }

    /// The document title of every page.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
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

    fn server(
        self,
    ) -> Server<AppService, impl Fn(&Rc<Core>) -> AppService + Send + Sync + 'static> {
        let pages: Pages = Arc::new(self.pages);
        let mount_pages = pages.clone();
        let live = Arc::new(LiveApp {
            config: self.config,
            csrf: Csrf::default(),
            mount: Box::new(move |path| page_at(&mount_pages, path).map(|f| f())),
        });
        let title: Arc<str> = self.title.into();
        let bus = self.bus;
        let live_cores = Arc::new(AtomicUsize::new(0));
        let mut server = Server::new(move |core: &Rc<Core>| {
            let live = LiveCore::start(core, live.clone());
            live_cores.fetch_add(1, Ordering::AcqRel);
            // Remote writes land in this core's mirrors; ringing the bell makes each
            // session check (O(1)) whether one of its components read a changed global.
            if let Ok(waiter) = global::attach_core(&bus) {
                let stop = core.stopped();
                core.spawn(futures_lite::future::or(
                    global::drive_core_then(waiter, notify_dirty),
                    stop,
                ));
            }
            AppService {
                live,
                pages: pages.clone(),
                title: title.clone(),
                bus: bus.clone(),
                live_cores: live_cores.clone(),
            }
        })
        .limits(self.limits);
        if let Some(n) = self.workers {
            server = server.workers(n);
        }
        for a in self.assets {
            server = server.asset(a);
        }
        for d in self.dirs {
            server = server.static_dir(d);
        }
        server
    }

    /// Starts the app and returns at once (tests, embedding).
    pub fn spawn(self, addr: impl ToSocketAddrs) -> io::Result<RunningServer> {
        self.server().spawn(addr)
    }

    /// Runs the app until SIGTERM/SIGINT, then shuts down gracefully. Under systemd it
    /// uses the socket a `.socket` unit passes instead of binding `addr`, and reports
    /// readiness, watchdog pings and stopping ([`Server::spawn`]).
    ///
    /// Installs the built-in logger ([`logging::init`](crate::server::logging::init))
    /// unless the application installed one.
    pub fn serve(self, addr: impl ToSocketAddrs) -> io::Result<()> {
        crate::server::logging::init();
        let workers = self.workers;
        let result = self.server().serve(addr);
        match &result {
            Ok(()) => log::info!("stopped"),
            Err(e) => log::error!("serve failed: {e} (workers: {workers:?})"),
        }
        result
    }

    /// Like [`App::serve`], configured the way a systemd unit does it: the address from
    /// `VANGO_ADDR` (default `127.0.0.1:8080`) and, when set, the worker count from
    /// `VANGO_WORKERS`, and the hosts it answers for from `VANGO_ALLOWED_HOSTS` (comma
    /// separated; default: the address clients connect to, and `localhost`). A malformed
    /// `VANGO_WORKERS` is an error, not a silent default.
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
        if let Ok(hosts) = std::env::var("VANGO_ALLOWED_HOSTS") {
            self.limits.allowed_hosts = crate::server::hosts::AllowedHosts::parse(&hosts);
        }
        self.serve(addr)
    }
}

/// The app's per-core [`Service`]: page GETs and session WebSockets.
pub struct AppService {
    live: Rc<LiveCore>,
    pages: Pages,
    title: Arc<str>,
    bus: Bus,
    live_cores: Arc<AtomicUsize>,
}

impl Service for AppService {
    fn handle(&self, req: &Request<'_>) -> Response {
        let Some(mount) = page_at(&self.pages, req.path()) else {
            return Response::error(404);
        };
        if !req.is_get_or_head() {
            return Response::error(405).header("Allow", "GET, HEAD");
        }
        let Ok(view) = catch_unwind(AssertUnwindSafe(|| mount())) else {
            return Response::error(500);
        };
        let Ok(csrf) = self.live.app.csrf.token() else {
            return Response::error(503);
        };
        let page = crate::render::Page {
            title: &self.title,
            csrf: &csrf,
            ..Default::default()
        };
        let mut body = Vec::with_capacity(2048);
        if crate::render::write_page(&page, view.root(), &mut body).is_err() {
            return Response::error(500);
        }
        Response::html(body).header("Cache-Control", "no-store")
    }

    fn websocket(&self, ws: WebSocket, _info: ConnInfo) -> impl Future<Output = ()> {
        crate::live::serve_connection(ws, self.live.clone())
    }

    fn stopped(&self) {
        // Views may hold reactive state in other thread-locals: drop them while those live.
        // Unmounting may write globals (presence lists): while the mirrors still exist.
        self.live.stop();
        global::detach_core();
        // The last core out saves persisted globals (a SIGTERM loses no write made before
        // it) and closes the bus, so nothing waits on it any more.
        if self.live_cores.fetch_sub(1, Ordering::AcqRel) == 1 {
            if let Err(e) = global::flush_persisted() {
                log::error!("saving persisted globals at shutdown: {e}");
            }
            self.bus.shutdown();
        }
    }
}
