//! What the live layer runs on: [`LiveApp`], what the application hands it (settings, the
//! CSRF key, how to mount a page), and [`LiveCore`], one core's live state (its sessions,
//! its patch encoder), attached to the transport's [`Core`].
//!
//! Touches the transport's `Core` and nothing above this layer.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use super::budget::Budget;
use super::cookie::CookieKeys;
use super::csrf::Csrf;
use super::id::SessionId;
use super::registry::{self, Registry};
use super::view::View;
use super::SessionConfig;
use crate::component::ErrorInfo;
use crate::protocol::PatchEncoder;
use crate::server::core::Core;
use crate::server::peers::PeerTable;
use crate::server::ConnInfo;

/// Mounts the page for a URL (path and query: from the Hello, or a live navigation's) for
/// a session whose WebSocket upgrade is described by the [`ConnInfo`]. Runs inside the
/// session's scope; a URL without a page mounts the app's not-found page. With the
/// session's current view (a navigation), the app may update that view in place instead
/// of mounting a fresh one (see [`Mounted::view`]).
///
/// # Examples
///
/// ```
/// use vango::component::Tree;
/// use vango::live::{MountFn, Mounted};
/// use vango::prelude::*;
/// use vango::server::ConnInfo;
/// let mount: Box<MountFn> = Box::new(|_current, url, _info| {
///     let url = url.to_owned();
///     Mounted::view(Box::new(Tree::mount(move || move || p(url.clone()))))
/// });
/// let info = ConnInfo { peer: "127.0.0.1:40000".parse().unwrap(), headers: vec![] };
/// let m = mount(None, "/hello?x=1", &info);
/// assert_eq!(vango::render::to_html(m.view.unwrap().root()), r#"<p data-hid="1">/hello?x=1</p>"#);
/// ```
pub type MountFn = dyn Fn(Option<&mut dyn View>, &str, &ConnInfo) -> Mounted + Send + Sync;

/// What a [`MountFn`] came to.
///
/// # Examples
///
/// ```
/// use vango::component::Tree;
/// use vango::live::Mounted;
/// use vango::prelude::*;
/// // A middleware sent the browser elsewhere: the page mounted is the login page's.
/// let m = Mounted {
///     view: Some(Box::new(Tree::mount(|| || p("sign in")))),
///     redirected: Some("/login".into()),
///     done: None,
/// };
/// assert_eq!(m.redirected.as_deref(), Some("/login"));
/// ```
pub struct Mounted {
    /// The fresh view; `None` when the current view was updated in place (the caller
    /// re-renders it). Always `Some` without a current view.
    pub view: Option<Box<dyn View>>,
    /// The URL the page is for when the app mounted another than the one asked (a
    /// middleware redirect): the browser's URL is replaced with it.
    pub redirected: Option<String>,
    /// Runs once the mount's first frame is built (the app's `after` hooks).
    pub done: Option<Box<dyn FnOnce()>>,
}

impl Mounted {
    /// A fresh `view`, nothing else.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::Tree;
    /// use vango::live::Mounted;
    /// use vango::prelude::*;
    /// let m = Mounted::view(Box::new(Tree::mount(|| || p("home"))));
    /// assert!(m.view.is_some() && m.redirected.is_none() && m.done.is_none());
    /// ```
    pub fn view(view: Box<dyn View>) -> Mounted {
        Mounted {
            view: Some(view),
            redirected: None,
            done: None,
        }
    }
}

/// Mounts the page for a URL off-screen for a link prefetch, given the session's current
/// view (whose layouts it may stage the page in): `None`, without mounting anything, when
/// no route matches; `None` too when the page answers anything but 200.
///
/// # Examples
///
/// ```
/// use vango::component::Tree;
/// use vango::live::{PrepareFn, Ready};
/// use vango::prelude::*;
/// use vango::server::ConnInfo;
/// // Prepares only `/about`; any other URL has no route.
/// let prepare: Box<PrepareFn> = Box::new(|_current, url, _info| {
///     (url == "/about").then(|| Ready::View(Box::new(Tree::mount(|| || p("about")))))
/// });
/// let mut current = Tree::mount(|| || p("home"));
/// let info = ConnInfo { peer: "127.0.0.1:40000".parse().unwrap(), headers: vec![] };
/// assert!(prepare(&mut current, "/about", &info).is_some());
/// assert!(prepare(&mut current, "/nowhere", &info).is_none());
/// ```
pub type PrepareFn =
    dyn Fn(&mut dyn View, &str, &ConnInfo) -> Option<super::prepare::Ready> + Send + Sync;

/// Mounts the app's error page for a panic (in the current session scope, whose request
/// is the failed page's).
///
/// # Examples
///
/// ```
/// use vango::component::{ErrorInfo, Tree};
/// use vango::live::ErrorFn;
/// use vango::prelude::*;
/// let error_page: Box<ErrorFn> = Box::new(|e: ErrorInfo| {
///     let msg = e.message().to_owned();
///     Box::new(Tree::mount(move || move || p(format!("Sorry: {msg}"))))
/// });
/// let view = error_page(ErrorInfo::new("db down", None));
/// assert_eq!(vango::render::to_html(view.root()), r#"<p data-hid="1">Sorry: db down</p>"#);
/// ```
pub type ErrorFn = dyn Fn(ErrorInfo) -> Box<dyn View> + Send + Sync;

/// What the application gives the live layer; shared read-only by every core.
///
/// # Examples
///
/// What `App` builds from its pages when it starts; a custom front end builds its own:
///
/// ```
/// use std::{sync::Arc, time::Duration};
/// use vango::component::Tree;
/// use vango::live::{budget::Budget, cookie::CookieKeys, Csrf, LiveApp, Mounted, SessionConfig};
/// use vango::prelude::*;
/// use vango::server::SecretKey;
/// let key = SecretKey::from_bytes([9; 32]);
/// let config = SessionConfig::default();
/// let app = LiveApp {
///     csrf: Csrf::new(&key, config.csrf_max_age),
///     cookies: Arc::new(CookieKeys::new(&key, config.cookie_max_age)),
///     mount: Box::new(|_, _, _| Mounted::view(Box::new(Tree::mount(|| || p("hi"))))),
///     title: "My app".into(),
///     budget: Arc::new(Budget::new(64 << 20)),
///     clients: Arc::default(),
///     ssr_budget: Duration::from_millis(50),
///     error_page: None,
///     prepare: Box::new(|_, _, _| None),
///     config,
/// };
/// assert_eq!(app.budget.limit(), 64 << 20);
/// ```
pub struct LiveApp {
    /// Session settings.
    pub config: SessionConfig,
    /// Signs and checks CSRF tokens (under the app's secret key).
    pub csrf: Csrf,
    /// Signs and checks cookie sessions; CSRF tokens are bound to their ids.
    pub cookies: Arc<CookieKeys>,
    /// How a new session mounts its page.
    pub mount: Box<MountFn>,
    /// The document title of pages that set none (a navigation to one sends it).
    pub title: String,
    /// The memory budget every core's sessions share.
    pub budget: Arc<Budget>,
    /// Live sessions per client address, over all cores.
    pub clients: Arc<PeerTable>,
    /// How long a page's first render waits for its resources' first fetches (the first
    /// paint, and a new session's first render, so it matches the first paint).
    pub ssr_budget: Duration,
    /// The app's error page ([`App::error_page`](crate::App::error_page)), shown instead
    /// of ending a new session whose first render panicked.
    pub error_page: Option<Arc<ErrorFn>>,
    /// How a link prefetch mounts a route ahead of its navigation.
    pub prepare: Box<PrepareFn>,
    /// This process's node name (`App::node`, with the `nodes` feature), named in its
    /// session ids; `""`: none (a single node). Read it through `node()`.
    #[cfg(feature = "nodes")]
    pub node: String,
}

impl LiveApp {
    /// The node name as the code paths see it: always `""` without the `nodes` feature,
    /// a constant the compiler folds, so a single-node build carries no node code.
    #[inline]
    pub(crate) fn node(&self) -> &str {
        #[cfg(feature = "nodes")]
        return &self.node;
        #[cfg(not(feature = "nodes"))]
        ""
    }

    /// A session id's text form on this node (the bare id when there is no node).
    #[inline]
    pub(crate) fn id_text(&self, id: SessionId) -> String {
        match self.node() {
            "" => id.to_string(),
            node => id.to_text(node),
        }
    }

    /// The session a client's id text names here: `None` when it is malformed or names
    /// another node (the proxy sent the resume elsewhere because its node is down).
    #[inline]
    pub(crate) fn parse_id(&self, text: &str) -> Option<SessionId> {
        match self.node() {
            "" => SessionId::parse(text),
            node => SessionId::parse_text(text)
                .filter(|(n, _)| *n == node)
                .map(|(_, id)| id),
        }
    }
}

/// One core's live state. Created once per core when the app starts ([`LiveCore::start`])
/// and attached to the core, so a session handed over from another core finds it.
///
/// # Examples
///
/// `App` starts one per core; code running on a core (a page, a handler) finds it. Shown
/// with a real server, so not run here:
///
/// ```no_run
/// use vango::live::LiveCore;
/// use vango::prelude::*;
/// use vango::server::Core;
/// let app = vango::App::new().page("/admin", || {
///     let live = Core::current().and_then(|c| LiveCore::of(&c));
///     let n = live.map_or(0, |l| l.sessions());
///     move || p(format!("{n} live sessions on this core"))
/// });
/// app.serve("127.0.0.1:8080")?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct LiveCore {
    pub(crate) core: Rc<Core>,
    pub(crate) app: Arc<LiveApp>,
    pub(crate) registry: Rc<Registry>,
    /// One encoder per core, not per session: a frame is built and copied out in one
    /// synchronous step, so idle sessions keep no encoder buffer.
    pub(crate) encoder: RefCell<PatchEncoder>,
}

impl LiveCore {
    /// Starts the live layer on `core`: attaches the state and spawns the sweeper that
    /// expires detached sessions.
    ///
    /// # Examples
    ///
    /// `App::serve` and `App::spawn` call it on every core as the server starts; from then on
    /// [`LiveCore::of`] finds it there. Shown with a real server, so not run here:
    ///
    /// ```no_run
    /// use vango::live::LiveCore;
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// let app = vango::App::new().page("/", || {
    ///     let started = Core::current().is_some_and(|c| LiveCore::of(&c).is_some());
    ///     move || p(if started { "live" } else { "static" })
    /// });
    /// app.serve("127.0.0.1:8080")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn start(core: &Rc<Core>, app: Arc<LiveApp>) -> Rc<LiveCore> {
        let window = app.config.resume_window;
        let budget = app.budget.clone();
        core.metrics().memory_budget.store(
            app.budget.limit() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        let live = Rc::new(LiveCore {
            core: core.clone(),
            app,
            registry: Rc::new(Registry::new(budget)),
            encoder: RefCell::new(PatchEncoder::new()),
        });
        core.attach(live.clone());
        core.spawn(registry::sweeper(
            core.clone(),
            live.registry.clone(),
            window.max(Duration::from_millis(1)),
        ));
        live
    }

    /// Live state for `core` that is not attached and expires no sessions: for sessions
    /// driven in-process (the component test API).
    pub(crate) fn local(core: &Rc<Core>, app: Arc<LiveApp>) -> Rc<LiveCore> {
        let registry = Rc::new(Registry::new(app.budget.clone()));
        Rc::new(LiveCore {
            core: core.clone(),
            app,
            registry,
            encoder: RefCell::new(PatchEncoder::new()),
        })
    }

    /// The live state attached to `core`, if the live layer runs there.
    ///
    /// # Examples
    ///
    /// Outside a server there is no core at all; on a server's core (not run here):
    ///
    /// ```no_run
    /// use vango::live::LiveCore;
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// let app = vango::App::new().page("/", || {
    ///     let core = Core::current().expect("pages mount on a core");
    ///     let live = LiveCore::of(&core).expect("the app started the live layer here");
    ///     let n = live.sessions();
    ///     move || p(format!("core {}: {n} sessions", core.index()))
    /// });
    /// app.serve("127.0.0.1:8080")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn of(core: &Core) -> Option<Rc<LiveCore>> {
        core.attached::<LiveCore>()
    }

    /// Live sessions on this core.
    ///
    /// # Examples
    ///
    /// A per-core gauge, as a health page would show it (not run here: it needs a server):
    ///
    /// ```no_run
    /// use vango::live::LiveCore;
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// let app = vango::App::new().page("/health", || {
    ///     let n = Core::current().and_then(|c| LiveCore::of(&c)).map_or(0, |l| l.sessions());
    ///     move || p(format!("sessions: {n}"))
    /// });
    /// app.serve("127.0.0.1:8080")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn sessions(&self) -> usize {
        self.registry.count()
    }

    /// Drops every session of this core (at shutdown, while the thread's other state —
    /// global signal mirrors — still lives: unmounting may write to it).
    ///
    /// # Examples
    ///
    /// The app calls it on every core when it shuts down (SIGTERM, or stopping a spawned
    /// server), so every page's cleanups run (not run here: it needs a server):
    ///
    /// ```no_run
    /// let server = vango::App::new()
    ///     .page("/", || || vango::prelude::p("hi"))
    ///     .spawn("127.0.0.1:0")?;
    /// server.shutdown(); // each core stops its live layer, dropping its sessions
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stop(&self) {
        self.registry.clear(self.core.metrics());
    }
}
