//! Middleware: functions that run before a page mounts — on the first paint's HTTP request
//! and on every live navigation alike — and let it mount, redirect, or answer a status;
//! redirects are followed here, a bounded number of hops, so a loop is caught.
//!
//! Touches the live layer's request value and cookie session only.

use std::rc::Rc;
use std::sync::Arc;

use crate::live::cookie::CookieSession;
use crate::live::{use_cookie_session, PageRequest};

/// A middleware, boxed.
pub(crate) type MiddlewareFn = Arc<dyn Fn(&mut Middleware<'_>) -> Next + Send + Sync>;

/// The most redirects one request follows through middleware before it is a loop.
///
/// # Examples
///
/// ```
/// use vango::app::Next;
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// // Two middleware sending each other's paths back and forth: a loop, answered 500
/// // after this many redirects.
/// assert_eq!(vango::app::middleware::MAX_REDIRECTS, 8);
/// let app = vango::App::new()
///     .middleware("/a", |_| Next::redirect("/b"))
///     .middleware("/b", |_| Next::redirect("/a"))
///     .page("/a", || || p("a"))
///     .page("/b", || || p("b"));
/// assert_eq!(LiveTest::mount(&app, "/a").status(), 500);
/// ```
pub const MAX_REDIRECTS: usize = 8;

/// What a middleware decided (see [`App::middleware`](crate::App::middleware)).
///
/// # Examples
///
/// ```
/// use vango::app::Next;
/// assert_eq!(Next::redirect("/login"), Next::Redirect("/login".into()));
/// assert_ne!(Next::Continue, Next::Status(403));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Go on: the next middleware, then the page.
    Continue,
    /// Go to this local path (and query) instead: a 303 over HTTP, a live navigation
    /// (a history replace) over the socket. Another site's URL is refused (500).
    Redirect(String),
    /// Answer this status (400–599) with a plain page inside the path's layouts
    /// (404: the app's not-found page); live, that page mounts in place.
    Status(u16),
}

impl Next {
    /// [`Next::Redirect`] to `to`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::app::Next;
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .middleware("/old", |_| Next::redirect("/new"))
    ///     .page("/old", || || p("old"))
    ///     .page("/new", || || p("new"));
    /// let t = LiveTest::mount(&app, "/old");
    /// assert_eq!((t.path(), t.text()), ("/new".to_string(), "new".to_string()));
    /// ```
    pub fn redirect(to: impl Into<String>) -> Next {
        Next::Redirect(to.into())
    }
}

/// What a middleware sees of the request, and what it may add to the answer.
///
/// Runs in the request's session scope: [`use_cookie_session`] (or
/// [`cookie_session`](Self::cookie_session)) is the browser's signed cookie session, the
/// same over HTTP and over the socket.
///
/// # Examples
///
/// ```
/// use vango::app::Next;
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
///
/// let app = vango::App::new()
///     .middleware("/", |m| {
///         // Everything a guard needs: the request, its cookies, the signed session.
///         if m.path().starts_with("/internal") && m.request().header("x-internal").is_none() {
///             return Next::Status(404);
///         }
///         Next::Continue
///     })
///     .page("/internal/stats", || || p("stats"));
/// assert_eq!(LiveTest::mount(&app, "/internal/stats").status(), 404);
/// let inside = LiveTest::request("/internal/stats").header("X-Internal", "1").mount(&app);
/// assert_eq!(inside.text(), "stats");
/// ```
pub struct Middleware<'a> {
    request: &'a PageRequest,
    live: bool,
    headers: &'a mut Vec<(&'static str, String)>,
    after: &'a mut Vec<Box<dyn FnOnce(u16)>>,
}

impl Middleware<'_> {
    /// The request: path, route parameters (of the route the path matches, none for a
    /// path without one), query, headers, cookies, peer.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::app::Next;
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .middleware("/beta", |m| match m.request().cookie("beta") {
    ///         Some("1") => Next::Continue,
    ///         _ => Next::redirect("/"),
    ///     })
    ///     .page("/", || || p("home"))
    ///     .page("/beta", || || p("beta"));
    /// assert_eq!(LiveTest::request("/beta").cookie("beta", "1").mount(&app).text(), "beta");
    /// ```
    pub fn request(&self) -> &PageRequest {
        self.request
    }

    /// The request's path (percent-encoded, without the query).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::app::Next;
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// // Moved pages: `/blog/...` now lives at `/posts/...`.
    /// let app = vango::App::new()
    ///     .middleware("/blog", |m| match m.path().strip_prefix("/blog/") {
    ///         Some(rest) => Next::redirect(format!("/posts/{rest}")),
    ///         None => Next::Continue,
    ///     })
    ///     .page("/blog/:slug", || || p("old"))
    ///     .page("/posts/:slug", || || p("new"));
    /// assert_eq!(LiveTest::mount(&app, "/blog/hello").path(), "/posts/hello");
    /// ```
    pub fn path(&self) -> &str {
        self.request.path()
    }

    /// Whether this is a live navigation over the socket (no HTTP answer to add headers to).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::app::Next;
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .middleware("/", |m| {
    ///         if !m.is_live() {
    ///             m.header("Cache-Control", "no-store"); // only an HTTP answer has headers
    ///         }
    ///         Next::Continue
    ///     })
    ///     .page("/", || || p("home"));
    /// assert_eq!(LiveTest::mount(&app, "/").status(), 200);
    /// ```
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// The browser's signed cookie session.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::app::Next;
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .middleware("/account", |m| match m.cookie_session().get_str("user") {
    ///         Some(_) => Next::Continue,
    ///         None => Next::redirect("/login"),
    ///     })
    ///     .page("/login", || || p("login"))
    ///     .page("/account", || || p("account"));
    /// assert_eq!(LiveTest::mount(&app, "/account").path(), "/login");
    /// ```
    pub fn cookie_session(&self) -> CookieSession {
        use_cookie_session()
    }

    /// Adds a header to the HTTP answer (the page, the redirect or the status page);
    /// ignored on a live navigation. A value with a control character (a header
    /// injection) is dropped with a warning.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::app::Next;
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .middleware("/", |m| {
    ///         m.header("X-Robots-Tag", "noindex");
    ///         Next::Continue
    ///     })
    ///     .page("/", || || p("home"));
    /// assert_eq!(LiveTest::mount(&app, "/").text(), "home");
    /// ```
    pub fn header(&mut self, name: &'static str, value: impl Into<String>) {
        let value = value.into();
        let bad = |s: &str| s.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f);
        if bad(name) || bad(&value) || name.is_empty() {
            log::warn!("middleware header {name:?} dropped: control characters");
            return;
        }
        if !self.live {
            self.headers.push((name, value));
        }
    }

    /// Runs `f` with the answer's status once the page is answered (over HTTP, after it is
    /// rendered; live, after the navigation's patches are built): to time the request.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Instant;
    /// use vango::app::Next;
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let app = vango::App::new()
    ///     .middleware("/", |m| {
    ///         let (path, start) = (m.path().to_owned(), Instant::now());
    ///         m.after(move |status| log::info!("{path} {status} in {:?}", start.elapsed()));
    ///         Next::Continue
    ///     })
    ///     .page("/", || || p("home"));
    /// assert_eq!(LiveTest::mount(&app, "/").status(), 200);
    /// ```
    pub fn after(&mut self, f: impl FnOnce(u16) + 'static) {
        self.after.push(Box::new(f));
    }
}

/// Where a request ends after every middleware ran (redirects followed).
pub(crate) struct Resolved {
    /// The URL that mounts: the one asked for, or where the redirects led.
    pub url: String,
    /// Whether a middleware redirected.
    pub redirected: bool,
    /// A status a middleware answered (or 500 for a loop or a bad redirect).
    pub status: Option<u16>,
    /// Headers for the HTTP answer.
    pub headers: Vec<(&'static str, String)>,
    /// Run with the final status.
    pub after: Vec<Box<dyn FnOnce(u16)>>,
}

/// Runs the middleware covering each URL, starting at `url`, following redirects.
/// `request(url)` builds the request of a URL (its route's parameters); `applies(url)`
/// lists the middleware whose prefix covers its path, in registration order. More than
/// [`MAX_REDIRECTS`] hops, or a URL seen twice, is a loop: one `log::error!` line, 500.
pub(crate) fn resolve(
    url: &str,
    live: bool,
    request: &dyn Fn(&str) -> Rc<PageRequest>,
    applies: &dyn Fn(&str) -> Vec<MiddlewareFn>,
) -> Resolved {
    let mut out = Resolved {
        url: url.to_owned(),
        redirected: false,
        status: None,
        headers: Vec::new(),
        after: Vec::new(),
    };
    let mut seen: Vec<String> = vec![url.to_owned()];
    'hops: loop {
        let chain = applies(&out.url);
        if chain.is_empty() {
            return out;
        }
        let req = request(&out.url);
        for mw in chain {
            let mut m = Middleware {
                request: &req,
                live,
                headers: &mut out.headers,
                after: &mut out.after,
            };
            match mw(&mut m) {
                Next::Continue => {}
                Next::Status(code) if (400..=599).contains(&code) => {
                    out.status = Some(code);
                    return out;
                }
                Next::Status(code) => {
                    log::error!(
                        "middleware for {} answered status {code}, not an error status (400-599): answered 500",
                        out.url
                    );
                    out.status = Some(500);
                    return out;
                }
                Next::Redirect(to) if !crate::live::request::is_local_url(&to) => {
                    log::error!(
                        "middleware for {} redirected off-site to {to:?}: answered 500",
                        out.url
                    );
                    out.status = Some(500);
                    return out;
                }
                Next::Redirect(to) => {
                    let looped = seen.contains(&to);
                    seen.push(to.clone());
                    if looped || seen.len() > MAX_REDIRECTS + 1 {
                        log::error!(
                            "middleware redirect loop: {}: answered 500",
                            seen.join(" -> ")
                        );
                        out.url = url.to_owned();
                        out.redirected = false;
                        out.status = Some(500);
                        return out;
                    }
                    out.url = to;
                    out.redirected = true;
                    continue 'hops;
                }
            }
        }
        return out;
    }
}
