//! The application entry point: pages by path, first paint by SSR, sessions over the
//! WebSocket, all on the thread-per-core server.
//!
//! Glue only: routes page GETs to `render::write_page` and upgrades to `session::socket`.

use std::borrow::Cow;
use std::future::Future;
use std::io;
use std::net::ToSocketAddrs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::Arc;

use super::session::socket::{self, SessionCtx};
use super::session::{registry, Csrf, IntoView, SessionConfig, View};
use super::{
    ConnInfo, Core, Limits, Request, Response, RunningServer, Server, Service, StaticAsset,
    WebSocket,
};
use crate::vdom::component::Render;
use crate::vdom::tree::Tree;

type PageFn = Arc<dyn Fn() -> Box<dyn View> + Send + Sync>;

/// What every core shares about the app (read-only).
pub struct AppShared {
    pages: Vec<(Cow<'static, str>, PageFn)>,
    title: String,
    pub(crate) csrf: Csrf,
    pub(crate) config: SessionConfig,
}

impl AppShared {
    /// Mounts the page at `path`, if there is one.
    pub(crate) fn mount(&self, path: &str) -> Option<Box<dyn View>> {
        self.pages.iter().find(|(p, _)| p == path).map(|(_, f)| f())
    }
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
/// vango::server::App::new().page("/", || counter(0)).workers(2).serve("127.0.0.1:8080")?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct App {
    pages: Vec<(Cow<'static, str>, PageFn)>,
    title: String,
    workers: Option<usize>,
    limits: Limits,
    config: SessionConfig,
    assets: Vec<StaticAsset>,
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
        }
    }

    /// Serves the component whose setup is `setup` at `path` (exact match, query ignored):
    /// each page load and each new session mounts it in a fresh [`Tree`].
    pub fn page<R: Render>(
        self,
        path: impl Into<Cow<'static, str>>,
        setup: impl Fn() -> R + Send + Sync + 'static,
    ) -> Self {
        self.page_view(path, move || Tree::mount(&setup))
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

    fn server(
        self,
    ) -> Server<AppService, impl Fn(&Rc<Core>) -> AppService + Send + Sync + 'static> {
        let window = self.config.resume_window;
        let shared = Arc::new(AppShared {
            pages: self.pages,
            title: self.title,
            csrf: Csrf::default(),
            config: self.config,
        });
        let mut server = Server::new(move |core: &Rc<Core>| {
            let ctx = Rc::new(SessionCtx {
                core: core.clone(),
                app: shared.clone(),
            });
            socket::set_current(ctx.clone());
            core.spawn(registry::sweeper(core.clone(), window));
            AppService { ctx }
        })
        .limits(self.limits);
        if let Some(n) = self.workers {
            server = server.workers(n);
        }
        for a in self.assets {
            server = server.asset(a);
        }
        server
    }

    /// Starts the app and returns at once (tests, embedding).
    pub fn spawn(self, addr: impl ToSocketAddrs) -> io::Result<RunningServer> {
        self.server().spawn(addr)
    }

    /// Runs the app until SIGTERM/SIGINT, then shuts down gracefully.
    pub fn serve(self, addr: impl ToSocketAddrs) -> io::Result<()> {
        self.server().serve(addr)
    }

    /// Like [`App::serve`], configured the way a systemd unit does it: the address from
    /// `VANGO_ADDR` (default `127.0.0.1:8080`) and, when set, the worker count from
    /// `VANGO_WORKERS`. A malformed `VANGO_WORKERS` is an error, not a silent default.
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
        self.serve(addr)
    }
}

/// The app's per-core [`Service`]: page GETs and session WebSockets.
pub struct AppService {
    ctx: Rc<SessionCtx>,
}

impl Service for AppService {
    fn handle(&self, req: &Request<'_>) -> Response {
        let app = &self.ctx.app;
        let Some((_, mount)) = app.pages.iter().find(|(p, _)| p == req.path()) else {
            return Response::error(404);
        };
        if !req.is_get_or_head() {
            return Response::error(405).header("Allow", "GET, HEAD");
        }
        let Ok(view) = catch_unwind(AssertUnwindSafe(|| mount())) else {
            return Response::error(500);
        };
        let Ok(csrf) = app.csrf.token() else {
            return Response::error(503);
        };
        let page = crate::render::Page {
            title: &app.title,
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
        socket::run(ws, self.ctx.clone())
    }

    fn stopped(&self) {
        // Views may hold reactive state in other thread-locals: drop them while those live.
        registry::clear(self.ctx.core.metrics());
        socket::clear_current();
    }
}
