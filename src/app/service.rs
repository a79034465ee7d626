//! The app's per-core [`Service`]: page requests (routed, first paint by SSR), form posts,
//! cookie tickets, and session WebSockets (handed to the live layer).
//!
//! Glue only: touches the page table, the live layer, the renderer and the transport.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::forms::{self, Posted};
use super::routes::{PageMount, Routes, Target};
use crate::component::catch;
use crate::features::bus::Bus;
use crate::features::global;
use crate::live::cookie::{cookie_in, CookieSession};
use crate::live::node_cookie;
use crate::live::{render_unsent, LiveApp, LiveCore, PageRequest, SessionStore, View};
use crate::router::{Method, Miss};
use crate::server::websocket::origin_matches_host;
use crate::server::{Answer, ConnInfo, Request, Response, Service, WebSocket};

/// The app's per-core [`Service`]: page GETs and session WebSockets.
///
/// # Examples
///
/// ```
/// use vango::app::AppService;
/// use vango::server::Service;
/// // What `App::serve` runs on each core; nothing to build by hand.
/// fn runs_on_every_core<S: Service>() {}
/// runs_on_every_core::<AppService>();
/// ```
pub struct AppService {
    pub(super) live: Rc<LiveCore>,
    pub(super) routes: Arc<Routes>,
    pub(super) head: Arc<str>,
    pub(super) bus: Bus,
    pub(super) live_cores: Arc<AtomicUsize>,
    /// The node's cookie as a header line for the 101 (`""`: no node): a tab that failed
    /// over to this node is routed back here, where its session now lives.
    #[cfg(feature = "nodes")]
    pub(super) upgrade: Arc<str>,
}

/// Where the client redeems cookie tickets (PROTOCOL.md, "Cookie tickets").
pub(crate) const COOKIE_PATH: &str = "/_vango/cookie";

impl AppService {
    /// Answers a ticket POST: 204 with the cookie, 403 for a foreign `Origin` or a ticket
    /// that is not this browser's, 405 for another method, 413 for an oversized body.
    fn redeem(&self, req: &Request<'_>) -> Response {
        if req.method() != "POST" {
            return Response::error(405).header("Allow", "POST");
        }
        let trust = self.live.core.limits().trust_proxy;
        let scheme = req.scheme(trust);
        let host = req.header("host").unwrap_or(b"");
        // fetch() always sends Origin on a POST: without one, not our client.
        let same_site = req
            .header("origin")
            .is_some_and(|o| origin_matches_host(o, host, scheme));
        if !same_site {
            return Response::error(403);
        }
        if req.body().len() > 8 * 1024 {
            return Response::error(413);
        }
        let current = req
            .headers()
            .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
            .find_map(|(_, v)| {
                let v = std::str::from_utf8(v).ok()?;
                cookie_in([("cookie", v)])
            });
        let keys = &self.live.app.cookies;
        let redeemed = std::str::from_utf8(req.body())
            .ok()
            .and_then(|t| keys.redeem(t.trim(), current));
        match redeemed {
            Some(value) => Response::new(204)
                .header("Cache-Control", "no-store")
                .header("Set-Cookie", keys.header(&value, scheme == "https")),
            None => Response::error(403),
        }
    }
}

impl AppService {
    /// Runs the middleware covering a form POST's path before its handler: `None` to go
    /// on, else the answer (303 to where they redirect, or their status as a plain error).
    fn guard_post(
        &self,
        req: &Request<'_>,
        headers: &[(String, String)],
        store: &SessionStore,
        jar: &CookieSession,
    ) -> Option<Answer> {
        let mut t = Target::get(req.path(), headers.to_vec(), req.peer());
        t.method = Method::Post;
        let r = store.enter(|| self.routes.guard(&t, false, false))?;
        let (status, resp) = match (r.redirected, r.status) {
            (_, Some(code)) => (code, Response::error(code)),
            (true, None) => (303, Response::new(303).header("Location", r.url)),
            (false, None) => {
                // The handler answers next: its own status is not known here.
                PageMount::finish(r.after, 200);
                return None;
            }
        };
        let resp = set_cookie(with_headers(resp, r.headers), jar);
        PageMount::finish(r.after, status);
        Some(resp.into())
    }
}

impl Service for AppService {
    fn respond(&self, req: &Request<'_>) -> Answer {
        if let Some(dev) = crate::server::dev_overlay::respond(req) {
            return dev;
        }
        if req.path() == COOKIE_PATH {
            return self.redeem(req).into();
        }
        let Ok(method) = req.method().parse::<Method>() else {
            return Response::error(501).into();
        };
        let headers: Vec<(String, String)> = req
            .headers()
            .map(|(n, v)| (n.to_owned(), String::from_utf8_lossy(v).into_owned()))
            .collect();
        let secure = req.scheme(self.live.core.limits().trust_proxy) == "https";
        let app = &self.live.app;
        let Some((store, jar)) = paint_store(app, &headers, secure) else {
            return Response::error(503).into();
        };
        let mut submission = None;
        if method == Method::Post {
            if let Some((handler, params)) = self.routes.form(req.path()) {
                if let Some(answer) = self.guard_post(req, &headers, &store, &jar) {
                    return answer;
                }
                let request = PageRequest::new(req.path(), req.query())
                    .with_params(params)
                    .with_headers(headers.clone())
                    .with_peer(req.peer());
                store.set_request(Rc::new(request));
                let cookie = cookie_in(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
                let posted = catch_unwind(AssertUnwindSafe(|| {
                    store.enter(|| forms::post(req, &app.cookies, cookie, &handler))
                }));
                match posted {
                    Ok(Posted::Refused(status)) => return Response::error(status).into(),
                    Ok(Posted::Redirect(url)) => {
                        return set_cookie(Response::new(303).header("Location", url), &jar).into()
                    }
                    Ok(Posted::Invalid(s)) => submission = Some(s),
                    Err(_) => return Response::error(500).into(),
                }
            }
        }
        let invalid = submission.is_some();
        let target = Target {
            method: if invalid { Method::Get } else { method },
            path: req.path(),
            query: req.query(),
            fragment: "",
            headers,
            peer: req.peer(),
            submission,
            follow: false,
        };
        paint(&self.routes, app, &self.head, store, jar, target)
    }

    fn websocket(&self, ws: WebSocket, info: ConnInfo) -> impl Future<Output = ()> {
        crate::live::serve_connection(ws, self.live.clone(), info)
    }

    #[cfg(feature = "nodes")]
    fn upgrade_headers(&self) -> &str {
        &self.upgrade
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

/// The first paint's own session store, with the browser's cookie session (from the
/// request's `Cookie` header; `secure`: the client connected over HTTPS) in it and the
/// boot script's token bound to that session. `None` when no token can be made.
fn paint_store(
    app: &LiveApp,
    headers: &[(String, String)],
    secure: bool,
) -> Option<(SessionStore, CookieSession)> {
    let cookie = cookie_in(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let jar = app.cookies.session(cookie, secure);
    let store = SessionStore::new();
    // The boot script's token is the forms' token too (bound to the cookie session).
    jar.set_form_token(app.csrf.token_for(&jar.id()).ok()?);
    store.set_cookie_session(jar.clone());
    Some((store, jar))
}

/// The first paint of the page for `target` (a GET; `secure`: the client connected over
/// HTTPS), as [`paint`] answers it.
pub(crate) fn first_paint(
    routes: &Routes,
    app: &Arc<LiveApp>,
    head: &Arc<str>,
    target: Target<'_>,
    secure: bool,
) -> Answer {
    match paint_store(app, &target.headers, secure) {
        Some((store, jar)) => paint(routes, app, head, store, jar, target),
        None => Response::error(503).into(),
    }
}

/// The first paint of the page for `target`, mounted in `store`: answered at once, or —
/// when its resources' first fetches are still running — once they finish or the app's
/// SSR budget runs out (then with their loading state), so that the connection awaits it
/// without blocking the core.
fn paint(
    routes: &Routes,
    app: &Arc<LiveApp>,
    head: &Arc<str>,
    store: SessionStore,
    jar: CookieSession,
    target: Target<'_>,
) -> Answer {
    let invalid = target.submission.is_some();
    let budget = app.ssr_budget;
    // For the log line of a render that panics after the wait.
    let target_path = (!budget.is_zero()).then(|| target.path.to_owned());
    let prefetch = (!budget.is_zero()).then(|| store.begin_prefetch());
    let mounted = catch_unwind(AssertUnwindSafe(|| {
        store.enter(|| routes.mount(target, None))
    }));
    store.end_prefetch();
    let m = match mounted {
        Ok(Ok(m)) => m,
        Ok(Err(Miss::MethodNotAllowed(allow))) => {
            return Response::error(405)
                .header("Allow", allow.to_string())
                .into();
        }
        Ok(Err(miss)) => return Response::error(miss.status()).into(),
        Err(_) => return Response::error(500).into(),
    };
    let (headers, after) = (m.headers, m.after);
    let (mut view, status) = match (m.view, m.redirect) {
        (Some(view), _) => (view, m.status),
        (None, to) => {
            // A middleware redirect (a live-only in-place mount cannot happen here).
            let to = to.unwrap_or_else(|| "/".into());
            let resp = with_headers(Response::new(303).header("Location", to), headers);
            PageMount::finish(after, 303);
            return set_cookie(resp, &jar).into();
        }
    };
    let status = if invalid && status == 200 {
        422
    } else {
        status
    };
    let Some(prefetch) = prefetch.filter(|p| p.is_pending()) else {
        let resp = with_headers(
            page(&store, &*view, status, invalid, app, head, &jar),
            headers,
        );
        PageMount::finish(after, resp.status());
        return resp.into();
    };
    let (app, head) = (app.clone(), head.clone());
    let error_page = routes.error_page().cloned();
    let path = target_path.unwrap_or_default();
    Answer::Later(Box::pin(async move {
        prefetch.settled(budget).await;
        let rendered = catch(|| store.enter(|| render_unsent(&mut *view)));
        let mut status = status;
        if let Err(err) = rendered {
            let Some(error_page) = error_page else {
                log::error!("page {path} panicked: {err}");
                PageMount::finish(after, 500);
                return Response::error(500);
            };
            log::error!("page {path} panicked: {err}; showing the error page");
            drop(view);
            match catch_unwind(AssertUnwindSafe(|| store.enter(|| error_page(err)))) {
                Ok(v) => (view, status) = (v, 500),
                Err(_) => {
                    PageMount::finish(after, 500);
                    return Response::error(500);
                }
            }
        }
        let resp = with_headers(
            page(&store, &*view, status, invalid, &app, &head, &jar),
            headers,
        );
        PageMount::finish(after, resp.status());
        resp
    }))
}

/// The HTML page of a mounted view, with the cookie session's `Set-Cookie` when the
/// setup wrote it. `invalid`: a refused submission's page, which stays static (a live
/// session would mount the page without the submission and replace the errors).
fn page(
    store: &SessionStore,
    view: &dyn View,
    status: u16,
    invalid: bool,
    app: &LiveApp,
    head: &str,
    jar: &CookieSession,
) -> Response {
    // Re-bound if the setup gave the browser its cookie session.
    let Some(csrf) = jar.form_token() else {
        return Response::error(503);
    };
    let title = store.title();
    let Some(nonce) = script_nonce() else {
        return Response::error(503);
    };
    // The page's hook scripts, deferred like the client and before it, so their hooks
    // are registered when it mounts the page.
    let mut head = head.to_owned();
    if crate::component::dev::enabled() {
        head.insert_str(0, crate::server::dev_overlay::HEAD);
    }
    for src in store.hook_scripts() {
        head.push_str("<script defer src=\"");
        crate::render::escape_attr(&src, &mut head);
        head.push_str("\"></script>");
    }
    head.push_str(crate::server::dev_reload::head_tag());
    let page = crate::render::Page {
        title: title.as_deref().unwrap_or(&app.title),
        head: &head,
        csrf: &csrf,
        client_src: if invalid { "" } else { "/_vango/client.js" },
        nonce: &nonce,
        ..Default::default()
    };
    let mut body = Vec::with_capacity(2048);
    let Ok(hash) = crate::render::write_page(&page, view.root(), &mut body) else {
        return Response::error(500);
    };
    if crate::component::dev::enabled() {
        crate::live::dev_session::remember_paint(hash, crate::render::to_html(view.root()));
    }
    let resp = Response::new(status)
        .nonce(&nonce)
        .header("Content-Type", "text/html; charset=utf-8")
        .header("Cache-Control", "no-store")
        .body(body);
    // The proxy routes the tab's reconnects on it (`App::node`, the `nodes` feature).
    let resp = match app.node() {
        "" => resp,
        node => resp.header("Set-Cookie", node_cookie(node)),
    };
    set_cookie(resp, jar)
}

/// `resp` with the headers middleware added (each replaces the page's own of its name).
fn with_headers(resp: Response, headers: Vec<(&'static str, String)>) -> Response {
    headers
        .into_iter()
        .fold(resp, |r, (n, v)| r.set_header(n, v))
}

/// `resp` with the cookie session's `Set-Cookie` when the request wrote it.
fn set_cookie(resp: Response, jar: &CookieSession) -> Response {
    match jar.set_cookie_header() {
        Some(h) => resp.header("Set-Cookie", h),
        None => resp,
    }
}

/// A fresh CSP nonce for one page: 128 random bits from the OS, hex (`None` if the OS
/// source fails, which the caller answers with 503 rather than a guessable nonce).
fn script_nonce() -> Option<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).ok()?;
    Some(b.iter().map(|x| format!("{x:02x}")).collect())
}
