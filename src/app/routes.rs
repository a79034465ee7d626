//! The app's page table: route patterns to page mounts, the not-found page, and the one
//! function both the first paint and a live session mount a URL through.
//!
//! Touches the router (matching), the live layer's session store and request value, and
//! the component tree (the default not-found page).

use std::borrow::Cow;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;

use crate::component::{catch, ErrorInfo, Render, Tree};
use crate::live::form::{Form, FormReply};
use crate::live::request::{split_fragment, Submission};
use crate::live::{ErrorFn, PageRequest, SessionStore, View};
use crate::router::{Method, Miss, Query, Router};

/// Mounts one page as a fresh view; the request is already in the session's store.
pub(crate) type PageFn = Arc<dyn Fn() -> Box<dyn View> + Send + Sync>;

/// Answers one submitted form; runs in the request's session scope (cookie session).
pub(crate) type FormFn = Arc<dyn Fn(&Form) -> FormReply + Send + Sync>;

/// A component page: the root component's setup provides the session's store as context,
/// so shared values resolve to this session's everywhere below (a first paint outside any
/// session gets a throwaway store).
pub(crate) fn component_page<R: Render>(setup: impl Fn() -> R + Send + Sync + 'static) -> PageFn {
    Arc::new(move || mount_component(&setup))
}

/// The error page of [`App::error_page`](super::App::error_page): mounted like a
/// component page, its setup given the panic.
pub(crate) fn error_page<R: Render>(
    setup: impl Fn(ErrorInfo) -> R + Send + Sync + 'static,
) -> Arc<ErrorFn> {
    Arc::new(move |err| mount_component(|| setup(err)))
}

/// Mounts the root component of a page (see [`component_page`]).
fn mount_component<R: Render>(setup: impl FnOnce() -> R) -> Box<dyn View> {
    Box::new(Tree::mount(|| {
        let store = SessionStore::current().unwrap_or_default();
        store.provide();
        let mut render = setup();
        // Holds the store: a first paint's own store lives as long as its tree.
        move || {
            let _ = &store;
            render.render()
        }
    }))
}

/// The page an app without [`App::not_found`](super::App::not_found) answers a miss with.
fn default_not_found() -> PageFn {
    component_page(|| {
        || {
            crate::view::elements::main_((
                crate::view::elements::h1("Not Found"),
                crate::view::elements::p("There is no page at this address."),
            ))
        }
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
}

impl<'a> Target<'a> {
    /// `url` split into path, query and fragment.
    pub fn get(url: &'a str, headers: Vec<(String, String)>, peer: Option<SocketAddr>) -> Self {
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
        }
    }
}

/// Every page of the app, matched by route pattern. Built once; shared by every core.
pub(crate) struct Routes {
    router: Router<PageFn>,
    forms: Router<FormFn>,
    not_found: PageFn,
    error: Option<Arc<ErrorFn>>,
}

impl Routes {
    /// The table of `pages` (GET, hence HEAD, each); panics on a route conflict, naming
    /// both routes (the table is built at startup).
    pub fn new(
        pages: Vec<(Cow<'static, str>, PageFn)>,
        forms: Vec<(Cow<'static, str>, FormFn)>,
        not_found: Option<PageFn>,
        error: Option<Arc<ErrorFn>>,
    ) -> Routes {
        let mut router = Router::new();
        for (pattern, page) in pages {
            if let Err(e) = router.insert(Method::Get, &pattern, page) {
                panic!("{e}");
            }
        }
        let mut form_router = Router::new();
        for (pattern, form) in forms {
            if let Err(e) = form_router.insert(Method::Post, &pattern, form) {
                panic!("{e}");
            }
        }
        Routes {
            router,
            forms: form_router,
            not_found: not_found.unwrap_or_else(default_not_found),
            error,
        }
    }

    /// The app's error page, if it has one.
    pub fn error_page(&self) -> Option<&Arc<ErrorFn>> {
        self.error.as_ref()
    }

    /// The form handler for a POST to `path`, and the route's parameters.
    pub fn form(&self, path: &str) -> Option<(FormFn, Vec<(String, String)>)> {
        let hit = self.forms.at(Method::Post, path).ok()?;
        let params = hit
            .params
            .iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        Some((hit.value.clone(), params))
    }

    /// Mounts the page for `t` in the current session scope, with its request in the
    /// session's store: the page and 200, or the not-found page and 404 (no route, or a
    /// typed parameter the page rejected), or the error page and 500 when the page's setup
    /// or first render panicked and the app has one (without one the panic goes on).
    /// Other misses (405, 400, 414) come back as such.
    pub fn mount(&self, t: Target<'_>) -> Result<(Box<dyn View>, u16), Miss> {
        let store = SessionStore::current().unwrap_or_default();
        let request = |params| {
            Rc::new(
                PageRequest::new(t.path, t.query)
                    .with_fragment(t.fragment)
                    .with_params(params)
                    .with_headers(t.headers.clone())
                    .with_peer(t.peer)
                    .with_submission(t.submission.clone()),
            )
        };
        let hit = match self.router.at(t.method, t.path) {
            Ok(hit) => hit,
            Err(Miss::NotFound) => {
                store.set_request(request(Vec::new()));
                return Ok(((self.not_found)(), 404));
            }
            Err(miss) => return Err(miss),
        };
        Query::parse(t.query).map_err(Miss::BadEncoding)?;
        let params = hit
            .params
            .iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let req = request(params);
        store.set_request(req.clone());
        let view = match &self.error {
            None => (hit.value)(),
            // The same request, the error page and 500: in the first paint, a new session
            // and a live navigation alike.
            Some(error) => match catch(|| (hit.value)()) {
                Ok(view) => view,
                Err(err) => {
                    log::error!("page {} panicked: {err}; showing the error page", t.path);
                    return Ok((error(err), 500));
                }
            },
        };
        if !req.param_rejected() {
            return Ok((view, 200));
        }
        drop(view);
        store.set_request(request(Vec::new()));
        Ok(((self.not_found)(), 404))
    }

    /// Mounts the page for `t` ahead of its navigation (a link prefetch): `None` without
    /// mounting anything when no route matches, `None` too when the page answers anything
    /// but 200 (a rejected parameter, the error page).
    pub fn prepare(&self, t: Target<'_>) -> Option<Box<dyn View>> {
        self.router.at(t.method, t.path).ok()?;
        match self.mount(t) {
            Ok((view, 200)) => Some(view),
            _ => None,
        }
    }

    /// Like [`mount`](Self::mount), answering every miss with the not-found page (a live
    /// session has no status line to put a 400 on).
    pub fn mount_or_not_found(&self, t: Target<'_>) -> Box<dyn View> {
        let (path, query, fragment) = (t.path, t.query, t.fragment);
        let (headers, peer) = (t.headers.clone(), t.peer);
        match self.mount(t) {
            Ok((view, _)) => view,
            Err(_) => {
                let store = SessionStore::current().unwrap_or_default();
                let req = PageRequest::new(path, query)
                    .with_fragment(fragment)
                    .with_headers(headers);
                store.set_request(Rc::new(req.with_peer(peer)));
                (self.not_found)()
            }
        }
    }
}
