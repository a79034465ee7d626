//! The request a page was mounted for (path, route parameters, query, headers, cookies,
//! peer), owned and read-only, reachable from setup, render and handlers through the
//! session's store (`live::use_request`).
//!
//! Data only: the app builds it (from the HTTP request or the Hello and the WebSocket
//! upgrade); touches only the router's pure types and the transport's `ConnInfo`.

mod pairs;
mod read;
mod url;

use std::cell::Cell;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;
use std::str::FromStr;

use crate::router::{ParamError, Query};
use crate::server::ConnInfo;
use pairs::Pairs;
use url::Url;

/// The request a page was mounted for: the same values in the first paint (from the HTTP
/// request) and in the live session (path and query from the Hello, headers, cookies and
/// peer from the WebSocket upgrade).
///
/// # Examples
///
/// ```
/// use vango::live::PageRequest;
///
/// let req = PageRequest::new("/todos/7", "tab=notes%20x")
///     .with_params(vec![("id".into(), "7".into())])
///     .with_headers(vec![("cookie".into(), "theme=dark; lang=en".into())]);
/// assert_eq!(req.param::<u64>("id"), Ok(7));
/// assert_eq!(req.query().get("tab"), Some("notes x"));
/// assert_eq!(req.header("Cookie"), Some("theme=dark; lang=en"));
/// assert_eq!(req.cookie("lang"), Some("en"));
/// assert!(!req.param_rejected());
/// assert!(req.param::<u8>("nope").is_err());
/// assert!(req.param_rejected(), "the app answers the 404 page");
/// ```
#[derive(Clone, Default)]
pub struct PageRequest {
    // Exact-size boxes and packed lists: a live session keeps its page's request while open.
    url: Url,
    params: Pairs,
    headers: Pairs,
    /// Ranges of `headers`' text: name start and end, value start and end.
    cookies: Box<[[u32; 4]]>,
    peer: Option<SocketAddr>,
    rejected: Cell<bool>,
    submission: Option<Rc<Submission>>,
}

impl fmt::Debug for PageRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageRequest")
            .field("path", &self.url.path())
            .field("query", &self.url.query())
            .field("fragment", &self.url.fragment())
            .field("params", &self.params)
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

impl PageRequest {
    /// A request for `path` (not decoded) and the raw `query` (the part after `?`).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/search", "q=tea&page=2");
    /// assert_eq!((req.path(), req.raw_query()), ("/search", "q=tea&page=2"));
    /// assert_eq!(req.url(), "/search?q=tea&page=2");
    /// ```
    pub fn new(path: impl Into<String>, query: impl Into<String>) -> PageRequest {
        PageRequest {
            url: Url::new(&path.into(), &query.into(), ""),
            ..PageRequest::default()
        }
    }

    /// With the route's captured parameters (decoded).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/users/7", "").with_params(vec![("id".into(), "7".into())]);
    /// assert_eq!(req.param::<u32>("id"), Ok(7));
    /// ```
    pub fn with_params(mut self, params: Vec<(String, String)>) -> PageRequest {
        self.params = Pairs::new(&params);
        self
    }

    /// With the request's headers (names compared case-insensitively); the cookies are
    /// parsed from its `Cookie` headers.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/", "").with_headers(vec![
    ///     ("Accept-Language".into(), "fr".into()),
    ///     ("Cookie".into(), "theme=dark; lang=fr".into()),
    /// ]);
    /// assert_eq!(req.header("accept-language"), Some("fr"));
    /// assert_eq!(req.cookie("theme"), Some("dark"));
    /// ```
    pub fn with_headers(mut self, headers: Vec<(String, String)>) -> PageRequest {
        self.headers = Pairs::new(&headers);
        self.cookies = self.headers.cookie_ranges();
        self
    }

    /// The same request with another raw `query` (the route and its parameters stay).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let req = PageRequest::new("/todos", "filter=all");
    /// assert_eq!(req.with_query("filter=done").url(), "/todos?filter=done");
    /// ```
    pub fn with_query(&self, query: impl Into<String>) -> PageRequest {
        PageRequest {
            url: Url::new(self.url.path(), &query.into(), self.url.fragment()),
            rejected: Cell::new(false),
            ..self.clone()
        }
    }

    /// With the URL's `fragment` (the part after `#`, without it, as the browser has it).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// assert_eq!(PageRequest::new("/", "").with_fragment("/active").fragment(), "/active");
    /// ```
    pub fn with_fragment(mut self, fragment: impl Into<String>) -> PageRequest {
        self.url = Url::new(self.url.path(), self.url.query(), &fragment.into());
        self
    }

    /// With a form submission its handler refused (the page re-renders with its errors).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use vango::live::request::Submission;
    /// use vango::live::PageRequest;
    ///
    /// let refused = Submission::new(vec![("name".into(), "".into())], vec![("name".into(), "required".into())]);
    /// let req = PageRequest::new("/sign", "").with_submission(Some(Rc::new(refused)));
    /// assert_eq!(req.submission().unwrap().error("name"), Some("required"));
    /// ```
    pub fn with_submission(mut self, submission: Option<Rc<Submission>>) -> PageRequest {
        self.submission = submission;
        self
    }

    /// The refused form submission this page is re-rendered for, if any
    /// ([`use_submission`](crate::live::form::use_submission)).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// // A page mounted normally, not re-rendered for a refused form.
    /// assert!(PageRequest::new("/", "").submission().is_none());
    /// ```
    pub fn submission(&self) -> Option<Rc<Submission>> {
        self.submission.clone()
    }

    /// With the peer's address.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::PageRequest;
    ///
    /// let peer = "192.0.2.7:50000".parse().unwrap();
    /// assert_eq!(PageRequest::new("/", "").with_peer(Some(peer)).peer(), Some(peer));
    /// ```
    pub fn with_peer(mut self, peer: Option<SocketAddr>) -> PageRequest {
        self.peer = peer;
        self
    }
}

/// An owned string at its exact size.
/// A form submission its handler refused: the submitted fields (without the CSRF token)
/// and the errors, by field name, the page shows when it re-renders.
///
/// # Examples
///
/// ```
/// use vango::live::request::Submission;
/// let s = Submission::new(
///     vec![("name".into(), "".into()), ("note".into(), "hi".into())],
///     vec![("name".into(), "required".into())],
/// );
/// assert_eq!(s.value("note"), Some("hi"));
/// assert_eq!(s.error("name"), Some("required"));
/// assert_eq!(s.error("note"), None);
/// assert_eq!(s.errors().count(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Submission {
    fields: Vec<(String, String)>,
    errors: Vec<(String, String)>,
}

impl Submission {
    /// The submitted `fields` and the handler's `errors` (field name, message).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::request::Submission;
    ///
    /// let s = Submission::new(vec![("q".into(), "x".into())], vec![]);
    /// assert_eq!(s.errors().count(), 0);
    /// ```
    pub fn new(fields: Vec<(String, String)>, errors: Vec<(String, String)>) -> Submission {
        Submission { fields, errors }
    }

    /// The submitted value of `name` (the first one).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::request::Submission;
    ///
    /// let s = Submission::new(vec![("email".into(), "ada@".into())], vec![("email".into(), "invalid".into())]);
    /// // Put back what the user typed, next to the error.
    /// assert_eq!(s.value("email"), Some("ada@"));
    /// ```
    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The error for `name`, if the handler gave one.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::request::Submission;
    ///
    /// let s = Submission::new(vec![], vec![("title".into(), "too long".into())]);
    /// assert_eq!(s.error("title"), Some("too long"));
    /// assert_eq!(s.error("body"), None);
    /// ```
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn errors_slice(&self) -> &[(String, String)] {
        &self.errors
    }

    /// Every error, in the handler's order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::request::Submission;
    ///
    /// let s = Submission::new(vec![], vec![("a".into(), "x".into()), ("b".into(), "y".into())]);
    /// let all: Vec<_> = s.errors().collect();
    /// assert_eq!(all, [("a", "x"), ("b", "y")]);
    /// ```
    pub fn errors(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.errors.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// What a form handler decided, as a live session carries it out.
pub(crate) enum Submitted {
    /// Navigate here (a path on this site).
    Redirect(String),
    /// Re-mount the page with this refused submission.
    Invalid(Rc<Submission>),
}

/// Runs the app's form handler for `action` (a path) on `fields`; `None` when no form
/// answers there. Shared by every session of the app.
pub(crate) type SubmitFn = dyn Fn(&str, Vec<(String, String)>) -> Option<Submitted> + Send + Sync;

/// A navigation a handler asked for; the session carries it out after the handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Navigation {
    /// Mount the route of `url` (path and query) in place.
    To {
        /// Where to.
        url: String,
        /// Replace the history entry instead of pushing one.
        replace: bool,
    },
    /// Keep the route and the query, change the fragment to this (without `#`): the
    /// browser is already there (a `#…` link or back/forward), so nothing is pushed.
    Fragment(String),
    /// Keep the route, change the query to this raw string (without `?`).
    Query {
        /// The new raw query.
        query: String,
        /// Replace the history entry instead of pushing one.
        replace: bool,
    },
}

/// Whether `url` is a path (and query) on this site: starts with one `/`, no scheme, no
/// host, no control characters, at most 2 KiB. The only URLs navigation accepts.
pub(crate) fn is_local_url(url: &str) -> bool {
    url.len() <= 2048
        && url.starts_with('/')
        && !url.starts_with("//")
        && !url.starts_with("/\\")
        && !url.bytes().any(|b| b < 0x20 || b == 0x7f || b == b'#')
}

/// `url` split at its first `#` into the URL before it and the fragment after it (`""`
/// when there is none).
pub(crate) fn split_fragment(url: &str) -> (&str, &str) {
    url.split_once('#').unwrap_or((url, ""))
}

/// Appends `s` percent-encoded for a query component (unreserved bytes kept).
pub(crate) fn encode_component(s: &str, out: &mut String) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// The raw query string of `pairs`, each key and value encoded.
pub(crate) fn encode_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_component(k, &mut out);
        out.push('=');
        encode_component(v, &mut out);
    }
    out
}

/// The connection's facts for mounting another page in a session: those of the WebSocket
/// upgrade, kept in the current page's request.
pub(crate) fn conn_info(current: Option<&PageRequest>) -> ConnInfo {
    let unknown = SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0));
    match current {
        Some(r) => ConnInfo {
            peer: r.peer().unwrap_or(unknown),
            headers: r
                .headers()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect(),
        },
        None => ConnInfo {
            peer: unknown,
            headers: Vec::new(),
        },
    }
}
