//! Turning an [`App`] into what runs: the page table and the live layer's settings
//! (`live_app`, shared by the server and the test API) and the per-core server.
//!
//! Touches the app's builder fields, the live layer's `LiveApp` and the transport.

use std::io;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::forms;
use super::routes::{PageMount, Routes, Table, Target};
use super::{App, AppService, Secret};
use crate::features::global;
use crate::live::cookie::CookieKeys;
use crate::live::{notify_dirty, Csrf, LiveApp, LiveCore, Mounted, SessionStore};
use crate::server::{ConnInfo, Core, SecretKey, Server};

impl App {
    /// Names this process's node when several serve one app behind a proxy (Redis
    /// scale-out): the name goes into every session id and into a `vango_node` cookie on
    /// every page and WebSocket upgrade, so that the proxy sends a tab's reconnect to the node holding its
    /// session (README, "Scale-out"). A resume that reaches another node (its own is
    /// down) is mounted afresh there at the same URL. Default: the `VANGO_NODE`
    /// environment variable, else none (one node: ids and pages as without it). The
    /// name must be 1 to 16 characters of `a-z`, `0-9` and `-`
    /// ([`valid_node`](crate::live::valid_node)): serving fails otherwise.
    ///
    /// Only with the `nodes` feature (which `redis` turns on): a single-node build carries
    /// none of this.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Read, Write};
    /// use vango::prelude::*;
    ///
    /// let server = vango::App::new()
    ///     .node("a")
    ///     .workers(1)
    ///     .secret_key(vango::server::SecretKey::from_bytes([3; 32]))
    ///     .page("/", || || h1("up"))
    ///     .spawn("127.0.0.1:0")?;
    /// let addr = server.local_addr();
    /// let mut s = std::net::TcpStream::connect(addr)?;
    /// write!(s, "GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")?;
    /// let mut page = String::new();
    /// s.read_to_string(&mut page)?;
    /// assert!(page.contains("Set-Cookie: vango_node=a; Path=/; SameSite=Lax; HttpOnly\r\n"));
    /// server.shutdown();
    ///
    /// assert!(vango::App::new().node("Bad Name").spawn("127.0.0.1:0").is_err());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(feature = "nodes")]
    pub fn node(mut self, name: impl Into<String>) -> Self {
        self.node = Some(name.into());
        self
    }

    /// The page table and what the live layer runs on (how a session mounts a URL), with
    /// the CSRF and cookie keys derived from `key`.
    pub(crate) fn live_app(&self, key: &SecretKey) -> (Arc<Routes>, Arc<LiveApp>) {
        let csrf = Csrf::new(key, self.config.csrf_max_age);
        let cookies =
            Arc::new(CookieKeys::new(key, self.config.cookie_max_age).with_csrf(csrf.clone()));
        let routes = Arc::new(Routes::new(Table {
            pages: self.pages.clone(),
            forms: self.forms.clone(),
            not_found: self.not_found.clone(),
            error: self.error_page.clone(),
            layouts: self.layouts.clone(),
            middleware: self.middleware.clone(),
        }));
        let submit = forms::live_submit(routes.clone());
        let mount_routes = routes.clone();
        let prepare_routes = routes.clone();
        let budget = Arc::new(crate::live::budget::Budget::resolve(self.config.max_memory));
        let live = Arc::new(LiveApp {
            csrf,
            cookies,
            config: self.config.clone(),
            mount: Box::new(move |current, url, info| {
                // The form handlers, for forms submitted over the socket.
                if let Some(store) = SessionStore::current() {
                    if store.submit().is_none() {
                        store.set_submit(submit.clone());
                    }
                }
                let mut target = Target::get(url, page_headers(info), Some(info.peer));
                target.submission = SessionStore::current().and_then(|s| s.take_refused());
                target.follow = true;
                let m = mount_routes.mount_or_not_found(target, current);
                let (after, status) = (m.after, m.status);
                Mounted {
                    view: m.view,
                    redirected: m.redirect,
                    done: (!after.is_empty())
                        .then(|| Box::new(move || PageMount::finish(after, status)) as _),
                }
            }),
            title: self.title.clone(),
            budget,
            clients: Arc::default(),
            ssr_budget: self.ssr_budget,
            #[cfg(feature = "nodes")]
            node: self.node.clone().unwrap_or_default(),
            error_page: routes.error_page().cloned(),
            prepare: Box::new(move |current, url, info| {
                let target = Target::get(url, page_headers(info), Some(info.peer));
                prepare_routes.prepare(target, current)
            }),
        });
        (routes, live)
    }

    /// The server every core runs this app on, with the secret key loaded and the
    /// environment's proxy setting applied.
    pub(super) fn server(
        #[cfg_attr(not(feature = "nodes"), allow(unused_mut))] mut self,
    ) -> io::Result<Server<AppService, impl Fn(&Rc<Core>) -> AppService + Send + Sync + 'static>>
    {
        #[cfg(feature = "nodes")]
        {
            use crate::live::{valid_node, MAX_NODE_LEN};
            if self.node.is_none() {
                self.node = std::env::var("VANGO_NODE").ok();
            }
            if let Some(node) = self.node.as_deref().filter(|n| !valid_node(n)) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("node name `{node}`: 1 to {MAX_NODE_LEN} characters of a-z, 0-9 and -"),
                ));
            }
        }
        let key = match &self.secret {
            Secret::Key(key) => key.clone(),
            Secret::File(path) => SecretKey::resolve(Some(path))?,
            Secret::Default => SecretKey::resolve(None)?,
        };
        let mut limits = self.limits.clone();
        if std::env::var("VANGO_TRUST_PROXY").is_ok_and(|v| v.trim() == "1") {
            limits.trust_proxy = true;
        }
        let (routes, live) = self.live_app(&key);
        let head: Arc<str> = self.head.into();
        let bus = self.bus;
        let live_cores = Arc::new(AtomicUsize::new(0));
        #[cfg(feature = "nodes")]
        let upgrade: Arc<str> = match live.node() {
            "" => "".into(),
            node => format!("Set-Cookie: {}\r\n", crate::live::node_cookie(node)).into(),
        };
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
                routes: routes.clone(),
                head: head.clone(),
                bus: bus.clone(),
                live_cores: live_cores.clone(),
                #[cfg(feature = "nodes")]
                upgrade: upgrade.clone(),
            }
        })
        .limits(limits);
        if let Some(n) = self.workers {
            server = server.workers(n);
        }
        for a in self.assets {
            server = server.asset(a);
        }
        for d in self.dirs {
            server = server.static_dir(d);
        }
        Ok(server)
    }
}

/// The headers a page sees in a live session: the upgrade's, less the handshake's own,
/// which say nothing about the page.
fn page_headers(info: &ConnInfo) -> Vec<(String, String)> {
    info.headers
        .iter()
        .filter(|(n, _)| {
            let n = n.as_bytes();
            let ws = n
                .get(..14)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"sec-websocket-"));
            !(ws || n.eq_ignore_ascii_case(b"upgrade") || n.eq_ignore_ascii_case(b"connection"))
        })
        .cloned()
        .collect()
}
