//! The app's page table: route patterns to pages, the layouts and middleware covering each
//! path, the not-found page, and the one function both the first paint and a live session
//! mount a URL through (middleware first, then the page inside its layouts).
//!
//! Touches the router (matching), the live layer's session store and request value, and
//! the component tree (through `layout`).

use std::borrow::Cow;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;

use super::layout::{covers, ErrorSetup, LayoutFn, Nested, Plan, SetupFn};
use super::middleware::{resolve, MiddlewareFn};
use crate::component::{catch, ErrorInfo, Render};
use crate::live::form::{Form, FormReply};
use crate::live::request::{split_fragment, Submission};
use crate::live::{set_title, ErrorFn, PageRequest, Ready, SessionStore, View};
use crate::router::{Method, Miss, Params, Query, Router};

/// Mounts one page as a fresh view; the request is already in the session's store.
pub(crate) type PageFn = Arc<dyn Fn() -> Box<dyn View> + Send + Sync>;

/// Answers one submitted form; runs in the request's session scope (cookie session).
pub(crate) type FormFn = Arc<dyn Fn(&Form) -> FormReply + Send + Sync>;

/// A page: a component setup (mounted inside the layouts covering its path), or a custom
/// view (mounted alone).
#[derive(Clone)]
pub(crate) enum Page {
    /// A component page.
    Setup(SetupFn),
    /// A view that is not a component tree.
    View(PageFn),
}

/// A component setup, boxed.
pub(crate) fn setup_fn<R: Render>(setup: impl Fn() -> R + Send + Sync + 'static) -> SetupFn {
    Arc::new(move || Box::new(setup()))
}

/// The setup of [`App::error_page`](super::App::error_page), boxed.
pub(crate) fn error_page<R: Render>(
    setup: impl Fn(ErrorInfo) -> R + Send + Sync + 'static,
) -> ErrorSetup {
    Arc::new(move |err| Box::new(setup(err)))
}

/// Mounts the error page for a panic as a fresh view, inside the layouts covering the
/// failed request's path; when those panic too (a layout may be what failed), inside
/// fewer of them, outermost kept longest, and at last alone.
fn error_view(
    setup: ErrorSetup,
    layouts: Vec<(String, LayoutFn)>,
    not_found: SetupFn,
) -> Arc<ErrorFn> {
    Arc::new(move |err| {
        let path = (SessionStore::current().and_then(|s| s.request()))
            .map(|r| r.path().to_owned())
            .unwrap_or_default();
        let covering: Vec<(usize, LayoutFn)> = (layouts.iter().enumerate())
            .filter(|(_, (p, _))| covers(p, &path))
            .map(|(i, (_, l))| (i, l.clone()))
            .collect();
        let plan = |k: usize| {
            // The page's setup crosses threads in type only: it is called here, on this one.
            let setup = setup.clone();
            let (message, location) = (err.message().to_owned(), err.location().map(str::to_owned));
            Plan {
                layouts: covering[..k].to_vec(),
                page: Arc::new(move || setup(ErrorInfo::new(message.clone(), location.clone()))),
                not_found: not_found.clone(),
                error: None,
            }
        };
        for k in (1..=covering.len()).rev() {
            match catch(|| Nested::mount(plan(k))) {
                Ok(view) => return Box::new(view),
                Err(e) => log::error!("the error page for {path} panicked inside its layouts: {e}"),
            }
        }
        Box::new(Nested::mount(plan(0)))
    })
}

/// The page an app without [`App::not_found`](super::App::not_found) answers a miss with.
fn default_not_found() -> SetupFn {
    setup_fn(|| {
        || {
            crate::view::elements::main_((
                crate::view::elements::h1("Not Found"),
                crate::view::elements::p("There is no page at this address."),
            ))
        }
    })
}

/// The page a middleware's [`Next::Status`](super::Next::Status) shows (inside the layouts).
fn status_page(code: u16) -> SetupFn {
    setup_fn(move || {
        let reason = crate::server::http::reason(code);
        set_title(format!("{code} {reason}"));
        move || crate::view::elements::main_(crate::view::elements::h1(format!("{code} {reason}")))
    })
}

/// The request a URL is mounted for, before matching.
pub(crate) struct Target<'a> {
    /// The method (`GET` for a live session).
    pub method: Method,
    /// The path, as sent (percent-encoded).
    pub path: &'a str,
    /// The raw query (after `?`), or `""`.
    pub query: &'a str,
    /// The fragment (after `#`), or `""`: only a live session's URL has one.
    pub fragment: &'a str,
    /// The request's (or the WebSocket upgrade's) headers.
    pub headers: Vec<(String, String)>,
    /// The peer.
    pub peer: Option<SocketAddr>,
    /// A refused form submission the page re-renders with.
    pub submission: Option<Rc<Submission>>,
    /// Mount where a middleware redirects (a live session) instead of answering the
    /// redirect (HTTP).
    pub follow: bool,
}

impl<'a> Target<'a> {
    /// `url` split into path, query and fragment.
    pub(crate) fn get(
        url: &'a str,
        headers: Vec<(String, String)>,
        peer: Option<SocketAddr>,
    ) -> Self {
        let (url, fragment) = split_fragment(url);
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        Target {
            method: Method::Get,
            path,
            query,
            fragment,
            headers,
            peer,
            submission: None,
            follow: false,
        }
    }
}

/// What mounting a target came to.
pub(crate) struct PageMount {
    /// The fresh view; `None` for a redirect answered over HTTP, or when the current view
    /// was updated in place (its shared layouts stay; re-render it).
    pub view: Option<Box<dyn View>>,
    /// The status (a live in-place mount does not know a rejected parameter's 404 yet).
    pub status: u16,
    /// Where a middleware redirected (answered over HTTP; followed live).
    pub redirect: Option<String>,
    /// Headers middleware added for the HTTP answer.
    pub headers: Vec<(&'static str, String)>,
    /// Middleware's hooks, run with the status once the answer is built.
    pub after: Vec<Box<dyn FnOnce(u16)>>,
}

impl PageMount {
    /// Runs the middleware's `after` hooks with `status`.
    pub(crate) fn finish(after: Vec<Box<dyn FnOnce(u16)>>, status: u16) {
        for f in after {
            f(status);
        }
    }
}

/// Every page of the app, matched by route pattern. Built once; shared by every core.
pub(crate) struct Routes {
    router: Router<Page>,
    forms: Router<FormFn>,
    not_found: SetupFn,
    /// The error page as a fresh view (inside the layouts covering the failed path).
    error: Option<Arc<ErrorFn>>,
    /// The error page's setup, shown in an outlet whose child panicked.
    error_setup: Option<ErrorSetup>,
    /// Outermost first.
    layouts: Vec<(String, LayoutFn)>,
    /// In registration order.
    middleware: Vec<(String, MiddlewareFn)>,
}

/// What [`Routes::new`] is built from.
pub(crate) struct Table {
    pub pages: Vec<(Cow<'static, str>, Page)>,
    pub forms: Vec<(Cow<'static, str>, FormFn)>,
    pub not_found: Option<SetupFn>,
    pub error: Option<ErrorSetup>,
    pub layouts: Vec<(String, LayoutFn)>,
    pub middleware: Vec<(String, MiddlewareFn)>,
}

impl Routes {
    /// The table of `pages` (GET, hence HEAD, each); panics on a route conflict, naming
    /// both routes (the table is built at startup).
    pub(crate) fn new(t: Table) -> Routes {
        let mut router = Router::new();
        for (pattern, page) in t.pages {
            if let Err(e) = router.insert(Method::Get, &pattern, page) {
                panic!("{e}");
            }
        }
        let mut form_router = Router::new();
        for (pattern, form) in t.forms {
            if let Err(e) = form_router.insert(Method::Post, &pattern, form) {
                panic!("{e}");
            }
        }
        let mut layouts = t.layouts;
        layouts.sort_by_key(|(p, _)| super::layout::depth(p));
        let not_found = t.not_found.unwrap_or_else(default_not_found);
        Routes {
            router,
            forms: form_router,
            error: (t.error.clone()).map(|e| error_view(e, layouts.clone(), not_found.clone())),
            error_setup: t.error,
            not_found,
            layouts,
            middleware: t.middleware,
        }
    }

    /// The app's error page, if it has one.
    pub(crate) fn error_page(&self) -> Option<&Arc<ErrorFn>> {
        self.error.as_ref()
    }

    /// The form handler for a POST to `path`, and the route's parameters.
    pub(crate) fn form(&self, path: &str) -> Option<(FormFn, Vec<(String, String)>)> {
        let hit = self.forms.at(Method::Post, path).ok()?;
        Some((hit.value.clone(), owned(&hit.params)))
    }

    /// The layouts covering `path`, outermost first.
    fn layouts_for(&self, path: &str) -> Vec<(usize, LayoutFn)> {
        (self.layouts.iter().enumerate())
            .filter(|(_, (p, _))| covers(p, path))
            .map(|(i, (_, l))| (i, l.clone()))
            .collect()
    }

    /// The request of `url` as `t`'s client sends it, with its GET route's parameters.
    fn request(&self, t: &Target<'_>, url: &str) -> Rc<PageRequest> {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let params = match self.router.at(Method::Get, path) {
            Ok(hit) => owned(&hit.params),
            Err(_) => Vec::new(),
        };
        Rc::new(
            PageRequest::new(path, query)
                .with_fragment(t.fragment)
                .with_params(params)
                .with_headers(t.headers.clone())
                .with_peer(t.peer)
                .with_submission(t.submission.clone()),
        )
    }

    /// Runs the middleware covering `t`'s path (see [`resolve`]); `None` without any.
    /// Each hop's request is the store's while its middleware run, so [`use_request`]
    /// and the cookie session read it; `keep_request`: a live form submit's, which must
    /// leave the mounted page's request in place.
    ///
    /// [`use_request`]: crate::live::use_request
    pub(crate) fn guard(
        &self,
        t: &Target<'_>,
        live: bool,
        keep_request: bool,
    ) -> Option<super::middleware::Resolved> {
        if self.middleware.is_empty() {
            return None;
        }
        let store = SessionStore::current().unwrap_or_default();
        let url = if t.query.is_empty() {
            t.path.to_owned()
        } else {
            format!("{}?{}", t.path, t.query)
        };
        let request = |url: &str| {
            let r = self.request(t, url);
            if !keep_request {
                store.set_request(r.clone());
            }
            r
        };
        let applies = |url: &str| {
            let path = url.split_once('?').map_or(url, |(p, _)| p);
            (self.middleware.iter())
                .filter(|(p, _)| covers(p, path))
                .map(|(_, m)| m.clone())
                .collect()
        };
        Some(resolve(&url, live, &request, &applies))
    }

    /// Mounts the page for `t` in the current session scope, with its request in the
    /// session's store: middleware first (a redirect is answered, or followed when
    /// `t.follow`), then the page and 200 inside its layouts, or the not-found page and 404
    /// (no route, or a typed parameter the page rejected). Other misses (405, 400, 414)
    /// come back as such. With `current` (a live session's page), a page sharing layouts
    /// with it is mounted in place: `view` is `None` and the caller re-renders `current`.
    pub(crate) fn mount(
        &self,
        t: Target<'_>,
        current: Option<&mut dyn View>,
    ) -> Result<PageMount, Miss> {
        match self.router.at(t.method, t.path) {
            Ok(_) => {
                Query::parse(t.query).map_err(Miss::BadEncoding)?;
            }
            Err(Miss::NotFound) => {}
            Err(miss) => return Err(miss),
        }
        let mut out = PageMount {
            view: None,
            status: 200,
            redirect: None,
            headers: Vec::new(),
            after: Vec::new(),
        };
        let mut answered = None;
        let mut url = None;
        if let Some(r) = self.guard(&t, t.follow, false) {
            (out.headers, out.after) = (r.headers, r.after);
            if r.redirected {
                if !t.follow {
                    out.status = 303;
                    out.redirect = Some(r.url);
                    return Ok(out);
                }
                out.redirect = Some(r.url.clone());
                url = Some(r.url);
            }
            answered = r.status;
        }
        let (path, query, method) = match &url {
            Some(u) => {
                let (p, q) = u.split_once('?').unwrap_or((u, ""));
                (p, q, Method::Get)
            }
            None => (t.path, t.query, t.method),
        };
        let hit = match answered {
            Some(_) => None,
            None => self
                .router
                .at(method, path)
                .ok()
                .filter(|_| Query::parse(query).is_ok()),
        };
        let store = SessionStore::current().unwrap_or_default();
        let full = match query {
            "" => path.to_owned(),
            q => format!("{path}?{q}"),
        };
        let mut request = self.request(&t, &full);
        let page = match (answered, hit) {
            (Some(404), _) | (None, None) => {
                out.status = 404;
                request = Rc::new(PageRequest::clone(&request).with_params(Vec::new()));
                Page::Setup(self.not_found.clone())
            }
            (Some(code), _) => {
                out.status = code;
                Page::Setup(status_page(code))
            }
            (None, Some(hit)) => hit.value.clone(),
        };
        store.set_request(request);
        match &self.error {
            None => self.place(page, path, current, &mut out),
            // The same request, the error page and 500: in the first paint, a new session
            // and a live navigation alike (a fresh view replaces a half-swapped one).
            Some(error) => {
                if let Err(err) = catch(|| self.place(page, path, current, &mut out)) {
                    log::error!("page {path} panicked: {err}; showing the error page");
                    out.status = 500;
                    out.view = Some(error(err));
                }
            }
        }
        Ok(out)
    }

    /// Mounts `page` (its request already in the store) into `out`: a view of its own, or
    /// inside its layouts, in place in `current` when it shares them.
    fn place(&self, page: Page, path: &str, current: Option<&mut dyn View>, out: &mut PageMount) {
        let setup = match page {
            Page::View(mount) => {
                out.view = Some(mount());
                return;
            }
            Page::Setup(setup) => setup,
        };
        let mut plan = Plan {
            layouts: self.layouts_for(path),
            page: setup,
            not_found: self.not_found.clone(),
            error: self.error_setup.clone(),
        };
        let nested = current
            .and_then(|v| v.as_any_mut())
            .and_then(|a| a.downcast_mut::<Nested>());
        if let Some(nested) = nested {
            match nested.swap(plan) {
                Ok(()) => return,
                Err(p) => plan = p,
            }
        }
        let nested = Nested::mount(plan);
        if nested.is_failed() {
            out.status = 500;
        } else if nested.is_not_found() {
            out.status = 404;
        }
        out.view = Some(Box::new(nested));
    }

    /// Mounts the page for `t` ahead of its navigation (a link prefetch): `None` without
    /// mounting anything when no route matches, `None` too when the page answers anything
    /// but 200 (a rejected parameter, a middleware's redirect or status, the error page).
    ///
    /// A page under layouts that `current` has mounted is staged in `current` (its setup
    /// runs under the deepest layout, which stays) for the navigation's in-place mount to
    /// adopt; not when a middleware covers it (the navigation runs the middleware first)
    /// or when only some of its layouts are mounted (the new ones mount at the navigation).
    /// A page sharing no layout with `current` is mounted whole, as its navigation would.
    pub(crate) fn prepare(&self, t: Target<'_>, current: &mut dyn View) -> Option<Ready> {
        let hit = self.router.at(t.method, t.path).ok()?;
        let layouts = self.layouts_for(t.path);
        let nested = (current.as_any_mut()).and_then(|a| a.downcast_mut::<Nested>());
        let shared = match (&hit.value, &nested) {
            (Page::Setup(_), Some(n)) if !layouts.is_empty() => n.shared(&layouts),
            _ => 0,
        };
        if shared == 0 {
            return match self.mount(t, None) {
                Ok(PageMount {
                    view: Some(view),
                    status: 200,
                    redirect: None,
                    ..
                }) => Some(Ready::View(view)),
                _ => None,
            };
        }
        let covered = (self.middleware.iter()).any(|(p, _)| covers(p, t.path));
        if shared < layouts.len() || covered {
            return None;
        }
        Query::parse(t.query).ok()?;
        let (Page::Setup(page), Some(nested)) = (hit.value.clone(), nested) else {
            return None;
        };
        let full = match t.query {
            "" => t.path.to_owned(),
            q => format!("{}?{q}", t.path),
        };
        let request = self.request(&t, &full);
        let url = request.url();
        SessionStore::current()?.set_request(request);
        nested.stage(&layouts, &page, url).map(Ready::InPlace)
    }

    /// Like [`mount`](Self::mount), answering every miss with the not-found page (a live
    /// session has no status line to put a 400 on).
    pub(crate) fn mount_or_not_found(
        &self,
        t: Target<'_>,
        current: Option<&mut dyn View>,
    ) -> PageMount {
        let (path, query, fragment) = (t.path, t.query, t.fragment);
        let (headers, peer) = (t.headers.clone(), t.peer);
        // A miss is known before anything mounts: `current` is still untouched then.
        let miss = match self.router.at(t.method, t.path) {
            Ok(_) => Query::parse(t.query).is_err(),
            Err(Miss::NotFound) => false,
            Err(_) => true,
        };
        if !miss {
            if let Ok(m) = self.mount(t, current) {
                return m;
            }
        }
        let store = SessionStore::current().unwrap_or_default();
        let req = PageRequest::new(path, query)
            .with_fragment(fragment)
            .with_headers(headers);
        store.set_request(Rc::new(req.with_peer(peer)));
        let nested = Nested::mount(Plan {
            layouts: self.layouts_for(path),
            page: self.not_found.clone(),
            not_found: self.not_found.clone(),
            error: self.error_setup.clone(),
        });
        PageMount {
            view: Some(Box::new(nested)),
            status: 404,
            redirect: None,
            headers: Vec::new(),
            after: Vec::new(),
        }
    }
}

/// Borrowed route parameters, owned.
fn owned(params: &Params<'_, '_>) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}
