//! The app's per-core [`Service`]: page requests (routed, first paint by SSR) and session
//! WebSockets (handed to the live layer).
//!
//! Glue only: touches the page table, the live layer, the renderer and the transport.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::routes::{Routes, Target};
use crate::features::bus::Bus;
use crate::features::global;
use crate::live::{render_unsent, LiveApp, LiveCore, SessionStore, View};
use crate::router::{Method, Miss};
use crate::server::{Answer, ConnInfo, Request, Response, Service, WebSocket};

/// The app's per-core [`Service`]: page GETs and session WebSockets.
pub struct AppService {
    pub(super) live: Rc<LiveCore>,
    pub(super) routes: Arc<Routes>,
    pub(super) head: Arc<str>,
    pub(super) bus: Bus,
    pub(super) live_cores: Arc<AtomicUsize>,
}

impl Service for AppService {
    fn respond(&self, req: &Request<'_>) -> Answer {
        let Ok(method) = req.method().parse::<Method>() else {
            return Response::error(501).into();
        };
        let headers = req
            .headers()
            .map(|(n, v)| (n.to_owned(), String::from_utf8_lossy(v).into_owned()))
            .collect();
        let target = Target {
            method,
            path: req.path(),
            query: req.query(),
            headers,
            peer: req.peer(),
        };
        first_paint(&self.routes, &self.live.app, &self.head, target)
    }

    fn websocket(&self, ws: WebSocket, info: ConnInfo) -> impl Future<Output = ()> {
        crate::live::serve_connection(ws, self.live.clone(), info)
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

/// The first paint of the page for `target`: mounted in its own session store, answered at
/// once, or — when its resources' first fetches are still running — once they finish or
/// the app's SSR budget runs out (then with their loading state), so that the connection
/// awaits it without blocking the core.
pub(crate) fn first_paint(
    routes: &Routes,
    app: &Arc<LiveApp>,
    head: &Arc<str>,
    target: Target<'_>,
) -> Answer {
    // The first paint's own session store: the request lives there for the setup.
    let store = SessionStore::new();
    let budget = app.ssr_budget;
    let prefetch = (!budget.is_zero()).then(|| store.begin_prefetch());
    let mounted = catch_unwind(AssertUnwindSafe(|| store.enter(|| routes.mount(target))));
    store.end_prefetch();
    let (mut view, status) = match mounted {
        Ok(Ok(m)) => m,
        Ok(Err(Miss::MethodNotAllowed(allow))) => {
            return Response::error(405)
                .header("Allow", allow.to_string())
                .into();
        }
        Ok(Err(miss)) => return Response::error(miss.status()).into(),
        Err(_) => return Response::error(500).into(),
    };
    let Ok(csrf) = app.csrf.token() else {
        return Response::error(503).into();
    };
    let Some(prefetch) = prefetch.filter(|p| p.is_pending()) else {
        return page(&store, &*view, status, app, head, &csrf).into();
    };
    let (app, head) = (app.clone(), head.clone());
    Answer::Later(Box::pin(async move {
        prefetch.settled(budget).await;
        let rendered = catch_unwind(AssertUnwindSafe(|| {
            store.enter(|| render_unsent(&mut *view))
        }));
        if rendered.is_err() {
            return Response::error(500);
        }
        page(&store, &*view, status, &app, &head, &csrf)
    }))
}

/// The HTML page of a mounted view.
fn page(
    store: &SessionStore,
    view: &dyn View,
    status: u16,
    app: &LiveApp,
    head: &str,
    csrf: &str,
) -> Response {
    let title = store.title();
    let page = crate::render::Page {
        title: title.as_deref().unwrap_or(&app.title),
        head,
        csrf,
        ..Default::default()
    };
    let mut body = Vec::with_capacity(2048);
    if crate::render::write_page(&page, view.root(), &mut body).is_err() {
        return Response::error(500);
    }
    Response::new(status)
        .header("Content-Type", "text/html; charset=utf-8")
        .header("Cache-Control", "no-store")
        .body(body)
}
