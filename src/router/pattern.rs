//! Route patterns: parsing and validation at startup, and the typed build errors; pure.

use std::fmt;

use super::{Methods, PathLimits};

/// Most captures (parameters plus catch-all) one pattern may have: the matcher keeps them
/// in a fixed array, so a match never allocates for them.
///
/// # Examples
///
/// ```
/// use vango::router::{Method, PatternError, RouteError, Router, MAX_PARAMS};
///
/// let nine: String = (0..=MAX_PARAMS).map(|i| format!("/:p{i}")).collect();
/// let err = Router::new().try_route(Method::Get, &nine, ()).err().unwrap();
/// assert!(matches!(err, RouteError::Pattern { error: PatternError::TooManyParams, .. }));
/// ```
pub const MAX_PARAMS: usize = 8;

/// One segment of a parsed pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    /// Matches the raw path segment byte for byte.
    Static(Box<str>),
    /// `:name`: one non-empty segment.
    Param,
    /// `*name`: the non-empty rest of the path.
    CatchAll,
}

/// A parsed pattern: its segments and the names of its captures, in order.
#[derive(Debug)]
pub(crate) struct Pattern {
    pub(crate) segs: Vec<Seg>,
    pub(crate) names: Box<[Box<str>]>,
}

/// What is wrong with a pattern.
///
/// # Examples
///
/// ```
/// use vango::router::{Method, PatternError, RouteError, Router};
///
/// let err = Router::new().try_route(Method::Get, "/files/*path/edit", ()).err().unwrap();
/// assert!(matches!(err, RouteError::Pattern { error: PatternError::CatchAllNotLast, .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatternError {
    /// The pattern does not start with `/`.
    NoLeadingSlash,
    /// An empty segment: `//`, or a trailing `/` (only the root `/` ends in a slash).
    EmptySegment,
    /// `:` or `*` without a name.
    EmptyName,
    /// A capture name with a character outside `[A-Za-z0-9_]`.
    BadName(String),
    /// Two captures with one name.
    DuplicateName(String),
    /// A `*name` segment that is not the last.
    CatchAllNotLast,
    /// A static segment with a character that a client would percent-encode (or `%`
    /// itself): static segments are compared with the raw path, so they must be written
    /// as clients send them.
    BadChar(char),
    /// More than [`MAX_PARAMS`] captures.
    TooManyParams,
    /// Longer, or with more segments, than the router's [`PathLimits`]: no path could
    /// match it.
    ExceedsLimits,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::NoLeadingSlash => f.write_str("a pattern starts with `/`"),
            PatternError::EmptySegment => f.write_str(
                "empty segment (`//` or a trailing `/`; `/todos/` is answered by a redirect \
                 to `/todos`, see `Router::redirect_slash`)",
            ),
            PatternError::EmptyName => f.write_str("`:` or `*` needs a name after it"),
            PatternError::BadName(n) => {
                write!(f, "capture name `{n}` may only use A-Z, a-z, 0-9 and `_`")
            }
            PatternError::DuplicateName(n) => write!(f, "capture name `{n}` is used twice"),
            PatternError::CatchAllNotLast => f.write_str("a `*name` catch-all must come last"),
            PatternError::BadChar(c) => write!(
                f,
                "{c:?} in a static segment (write static segments as clients send them: \
                 unreserved characters, sub-delimiters, `:` and `@`)"
            ),
            PatternError::TooManyParams => write!(f, "more than {MAX_PARAMS} captures"),
            PatternError::ExceedsLimits => {
                f.write_str("longer than the router's path limits: no path could match it")
            }
        }
    }
}

impl std::error::Error for PatternError {}

/// Why a route could not be added. [`Router::route`](super::Router::route) panics with
/// this message at startup; [`Router::try_route`](super::Router::try_route) returns it.
///
/// Routes are shown as `"METHODS pattern"`, e.g. `"GET, POST /todos/:id"`.
///
/// # Examples
///
/// ```
/// use vango::router::{Method, RouteError, Router};
///
/// let err = Router::new()
///     .route(Method::Get, "/todos/:id", 1)
///     .try_route(Method::Get, "/todos/:name", 2)
///     .err()
///     .unwrap();
/// assert_eq!(
///     err,
///     RouteError::Conflict { route: "GET /todos/:name".into(), existing: "GET /todos/:id".into() }
/// );
/// assert!(err.to_string().contains("`GET /todos/:name` conflicts with `GET /todos/:id`"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteError {
    /// The pattern is malformed.
    Pattern {
        /// The route being added.
        route: String,
        /// What is wrong.
        error: PatternError,
    },
    /// An earlier route has the same shape (parameter and catch-all names don't count) and
    /// shares a method, so one of them could never match.
    Conflict {
        /// The route being added.
        route: String,
        /// The route already in the table.
        existing: String,
    },
    /// The route accepts no method.
    NoMethods {
        /// The route being added.
        route: String,
    },
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::Pattern { route, error } => write!(f, "bad route `{route}`: {error}"),
            RouteError::Conflict { route, existing } => write!(
                f,
                "route `{route}` conflicts with `{existing}`: same shape (parameter and \
                 catch-all names don't count) and a shared method; change one's path, or \
                 give them different methods"
            ),
            RouteError::NoMethods { route } => write!(f, "route `{route}` accepts no method"),
        }
    }
}

impl std::error::Error for RouteError {}

/// `"GET, POST /todos/:id"`.
pub(crate) fn show(methods: Methods, pattern: &str) -> String {
    if methods.is_empty() {
        format!("(no method) {pattern}")
    } else {
        format!("{methods} {pattern}")
    }
}

/// Parses and validates `pattern`.
pub(crate) fn parse(pattern: &str, limits: &PathLimits) -> Result<Pattern, PatternError> {
    let body = pattern
        .strip_prefix('/')
        .ok_or(PatternError::NoLeadingSlash)?;
    let mut segs = Vec::new();
    let mut names: Vec<Box<str>> = Vec::new();
    if !body.is_empty() {
        for s in body.split('/') {
            if segs.last() == Some(&Seg::CatchAll) {
                return Err(PatternError::CatchAllNotLast);
            }
            let seg = match s.as_bytes().first() {
                None => return Err(PatternError::EmptySegment),
                Some(b':') => Seg::Param,
                Some(b'*') => Seg::CatchAll,
                Some(_) => {
                    if let Some(c) = s.chars().find(|&c| !is_pchar(c)) {
                        return Err(PatternError::BadChar(c));
                    }
                    Seg::Static(s.into())
                }
            };
            if seg == Seg::Param || seg == Seg::CatchAll {
                let name = &s[1..];
                if name.is_empty() {
                    return Err(PatternError::EmptyName);
                }
                if !name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
                    return Err(PatternError::BadName(name.into()));
                }
                if names.iter().any(|n| **n == *name) {
                    return Err(PatternError::DuplicateName(name.into()));
                }
                if names.len() == MAX_PARAMS {
                    return Err(PatternError::TooManyParams);
                }
                names.push(name.into());
            }
            segs.push(seg);
        }
    }
    if pattern.len() > limits.max_path_len || segs.len() > limits.max_segments {
        return Err(PatternError::ExceedsLimits);
    }
    Ok(Pattern {
        segs,
        names: names.into(),
    })
}

/// RFC 3986 `pchar` without `%`: what appears unencoded in a path segment.
fn is_pchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c)
}
