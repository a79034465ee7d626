//! Routing: path patterns to values, matched per request; std only, no other crate layer.
//!
//! Imports nothing else from the crate, so any layer (the app first) may use it.
//!
//! # Patterns
//!
//! A pattern is `/` or `/`-separated segments after a leading `/`:
//!
//! - a static segment (`todos`) matches that raw path segment byte for byte (so it is
//!   written as clients send it: no `%`, no characters they would encode);
//! - `:name` matches one non-empty segment and captures it, percent-decoded;
//! - `*name`, only as the last segment, matches the non-empty rest of the path and
//!   captures it, decoded: `/docs/*path` matches `/docs/a/b` with `path = "a/b"`, but
//!   neither `/docs` nor `/docs/` (register `/docs` for those). A capture is never empty.
//!
//! Names use `[A-Za-z0-9_]` and are unique within a pattern; at most [`MAX_PARAMS`]
//! captures. Patterns never end in `/` (except the root `/` itself) nor have empty segments.
//!
//! # Matching
//!
//! Precedence, segment by segment from the left: a static segment wins over a parameter,
//! which wins over a catch-all. When the preferred branch fails further on, the search
//! backtracks and tries the next (with `/a/b/c` and `/a/:x/d`, the path `/a/b/d` matches
//! the second). Methods take part in the match: the result is the first route in that
//! order whose pattern matches the path *and* which accepts the method; a route that
//! accepts `GET` also accepts `HEAD` (a `HEAD` route of the same pattern is preferred).
//! When routes match the path but none accepts the method, the miss is
//! [`Miss::MethodNotAllowed`] with the union of their methods (plus `HEAD` when it has
//! `GET`), for the `Allow` header.
//!
//! Trailing slash: `/todos/` does not match `/todos` (nor `/todos/:id`, parameters being
//! non-empty); [`Router::redirect_slash`] names the URL to redirect such a path to.
//! Empty segments (`/a//b`) match only a catch-all.
//!
//! A fully static pattern is also kept in a hash table by whole path, tried first: when it
//! equals the path and accepts the method it is the answer anyway (it outranks every
//! other match), so static pages skip the walk.
//!
//! Before matching, a path is checked against its [`PathLimits`] (414 when over), must
//! start with `/` (else not found) and must percent-decode to UTF-8 (else 400): matching
//! never panics on any input.
//!
//! # Building
//!
//! Routes are added at startup. [`Router::route`] panics on a malformed pattern or on a
//! conflict (two routes of the same shape, names ignored, sharing a method: `/todos/:id`
//! and `/todos/:name`, a static route twice, two catch-alls at one place), naming both
//! routes; [`Router::try_route`] and [`Router::insert`] return the [`RouteError`].
//! Routes of one shape with disjoint methods coexist (`GET /todos/:id`, `POST /todos/:id`).
//!
//! Query strings are parsed separately by [`Query`].
//!
//! # Examples
//!
//! What an app does with it: build the table at startup, answer each request from the
//! match or the miss.
//!
//! ```
//! use vango::router::{Method, Miss, ParamError, Params, Query, Router};
//!
//! type Page = fn(&Params<'_, '_>) -> Result<String, ParamError>;
//! let home: Page = |_| Ok("home".into());
//! let todo: Page = |p| Ok(format!("todo {}", p.parse::<u64>("id")?));
//! let pages = Router::new()
//!     .route(Method::Get, "/", home)
//!     .route(Method::Get, "/todos/:id", todo);
//!
//! let answer = |method: &str, target: &str| -> (u16, String) {
//!     let (path, query) = target.split_once('?').unwrap_or((target, ""));
//!     let Ok(method) = method.parse::<Method>() else { return (501, String::new()) };
//!     let Ok(query) = Query::parse(query) else { return (400, String::new()) };
//!     match pages.at(method, path) {
//!         Ok(hit) => match (hit.value)(&hit.params) {
//!             Ok(body) => (200, format!("{body} {}", query.get("tab").unwrap_or("-"))),
//!             Err(_) => (404, String::new()), // a parameter that does not parse
//!         },
//!         Err(Miss::NotFound) => match pages.redirect_slash(method, path) {
//!             Some(to) => (308, to.to_string()),
//!             None => (404, String::new()),
//!         },
//!         Err(Miss::MethodNotAllowed(allow)) => (405, allow.to_string()),
//!         Err(miss) => (miss.status(), String::new()),
//!     }
//! };
//! assert_eq!(answer("GET", "/todos/7?tab=notes"), (200, "todo 7 notes".into()));
//! assert_eq!(answer("HEAD", "/"), (200, "home -".into()));
//! assert_eq!(answer("GET", "/todos/seven"), (404, String::new()));
//! assert_eq!(answer("GET", "/todos/7/"), (308, "/todos/7".into()));
//! assert_eq!(answer("POST", "/"), (405, "GET, HEAD".into()));
//! assert_eq!(answer("GET", "/todos/%FF"), (400, String::new()));
//! assert_eq!(answer("BREW", "/"), (501, String::new()));
//! ```

mod decode;
mod exact;
mod method;
mod outcome;
mod params;
mod pattern;
mod query;
mod tree;
mod uuid;

pub use decode::{percent_decode, EncodingError};
pub use method::{Method, Methods, UnknownMethod};
pub use outcome::{Matched, Miss};
pub use params::{ParamError, Params};
pub use pattern::{PatternError, RouteError, MAX_PARAMS};
pub use query::Query;
pub use tree::Router;
pub use uuid::{Uuid, UuidError};

/// Bounds on request paths, checked before matching (and on patterns, at startup).
///
/// # Examples
///
/// ```
/// use vango::router::{Method, Miss, PathLimits, Router};
///
/// let limits = PathLimits { max_segments: 2, ..PathLimits::default() };
/// assert_eq!(limits.max_path_len, 2048);
/// let r = Router::<()>::with_limits(limits);
/// assert_eq!(
///     r.at(Method::Get, "/a/b/c").unwrap_err(),
///     Miss::TooManySegments { count: 3, max: 2 }
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathLimits {
    /// Most bytes in a path (default 2 KiB).
    pub max_path_len: usize,
    /// Most segments in a path (default 32): `/` has none, `/a/b` and `/a/` have two.
    pub max_segments: usize,
}

impl Default for PathLimits {
    fn default() -> Self {
        PathLimits {
            max_path_len: 2048,
            max_segments: 32,
        }
    }
}
