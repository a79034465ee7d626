//! What a match returns: the route found, or why none was (with the HTTP status); data.

use std::fmt;

use super::{EncodingError, Methods, Params};

/// The route a path matched: its value, the captured parameters and its pattern.
///
/// # Examples
///
/// ```
/// use vango::router::{Method, Router};
///
/// let r = Router::new().route(Method::Get, "/todos/:id", 7);
/// let m = r.at(Method::Get, "/todos/3").unwrap();
/// assert_eq!((*m.value, m.pattern, m.params.get("id")), (7, "/todos/:id", Some("3")));
/// ```
#[derive(Debug)]
pub struct Matched<'r, 'p, T> {
    /// The route's value.
    pub value: &'r T,
    /// The captured parameters, borrowing the path.
    pub params: Params<'r, 'p>,
    /// The route's pattern, e.g. for logs and metrics.
    pub pattern: &'r str,
}

/// Why a path matched no route, each with the HTTP status the app answers.
///
/// # Examples
///
/// ```
/// use vango::router::{Method, Miss, PathLimits, Router};
///
/// let r = Router::<()>::with_limits(PathLimits { max_path_len: 16, max_segments: 3 });
/// assert_eq!(r.at(Method::Get, "/a").unwrap_err(), Miss::NotFound);
/// assert_eq!(r.at(Method::Get, "/a/b/c/d").unwrap_err().status(), 414);
/// assert_eq!(r.at(Method::Get, &"/a".repeat(9)).unwrap_err().status(), 414);
/// assert_eq!(r.at(Method::Get, "/%zz").unwrap_err().status(), 400);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Miss {
    /// No route matches the path (404). Also for a path that does not start with `/`.
    NotFound,
    /// Routes match the path, none with this method (405; the set is the `Allow` header).
    MethodNotAllowed(Methods),
    /// The path is longer than [`PathLimits::max_path_len`](super::PathLimits::max_path_len) (414).
    PathTooLong {
        /// The path's length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The path has more segments than
    /// [`PathLimits::max_segments`](super::PathLimits::max_segments) (414).
    TooManySegments {
        /// The path's segment count.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The path has a malformed `%` escape or decodes to non-UTF-8 (400).
    BadEncoding(EncodingError),
}

impl Miss {
    /// The HTTP status to answer with: 404, 405, 414 or 400.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Miss, Router};
    /// let r = Router::new().route(Method::Post, "/login", ());
    /// assert_eq!(r.at(Method::Get, "/login").unwrap_err().status(), 405);
    /// assert_eq!(r.at(Method::Get, "/nowhere").unwrap_err().status(), 404);
    /// assert_eq!(Miss::NotFound.status(), 404);
    /// ```
    pub fn status(&self) -> u16 {
        match self {
            Miss::NotFound => 404,
            Miss::MethodNotAllowed(_) => 405,
            Miss::PathTooLong { .. } | Miss::TooManySegments { .. } => 414,
            Miss::BadEncoding(_) => 400,
        }
    }
}

impl fmt::Display for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Miss::NotFound => f.write_str("no route matches the path"),
            Miss::MethodNotAllowed(m) => write!(f, "method not allowed (allowed: {m})"),
            Miss::PathTooLong { len, max } => write!(f, "path of {len} bytes (most {max})"),
            Miss::TooManySegments { count, max } => {
                write!(f, "path of {count} segments (most {max})")
            }
            Miss::BadEncoding(e) => write!(f, "bad path encoding: {e}"),
        }
    }
}

impl std::error::Error for Miss {}
