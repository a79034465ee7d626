//! Captured route parameters, typed through `FromStr`; reads only the path it borrows.
//!
//! A fixed array of spans over the path, or over one decoded copy when the path had `%`
//! escapes.

use std::any::type_name;
use std::fmt;
use std::str::FromStr;

use super::decode::decode_into;
use super::pattern::MAX_PARAMS;

/// The parameters a route captured, by name, percent-decoded.
///
/// Values borrow the request path; only a path with `%` escapes in a captured value costs
/// one allocation (all decoded values share one buffer). A value that does not parse is
/// the app's 404, never a panic.
///
/// # Examples
///
/// ```
/// use vango::router::{Method, ParamError, Router, Uuid};
///
/// let r = Router::new()
///     .route(Method::Get, "/users/:id/files/*path", ())
///     .route(Method::Get, "/orders/:order", ());
/// let m = r.at(Method::Get, "/users/42/files/a/my%20doc.txt").unwrap();
/// assert_eq!(m.params.get("id"), Some("42"));
/// assert_eq!(m.params.get("path"), Some("a/my doc.txt"));
/// assert_eq!(m.params.parse::<u32>("id"), Ok(42));
/// assert!(matches!(m.params.parse::<u8>("path"), Err(ParamError::Invalid { .. })));
/// assert!(matches!(m.params.parse::<u8>("nope"), Err(ParamError::Missing { .. })));
/// assert_eq!(m.params.iter().collect::<Vec<_>>(), [("id", "42"), ("path", "a/my doc.txt")]);
///
/// let m = r.at(Method::Get, "/orders/67E55044-10B1-426F-9247-BB680E5FE0C8").unwrap();
/// let order: Uuid = m.params.parse("order").unwrap();
/// assert_eq!(order.to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
/// ```
#[derive(Clone)]
pub struct Params<'r, 'p> {
    names: &'r [Box<str>],
    path: &'p str,
    /// Decoded values, when the path had escapes; the spans then index this instead.
    decoded: Option<String>,
    spans: [(u32, u32); MAX_PARAMS],
}

impl<'r, 'p> Params<'r, 'p> {
    /// Captures `spans` (byte ranges of `path`) under `names`, decoding them if `escaped`
    /// (the path has a `%`). The caller has checked that the whole path decodes.
    pub(crate) fn new(
        names: &'r [Box<str>],
        path: &'p str,
        spans: [(u32, u32); MAX_PARAMS],
        escaped: bool,
    ) -> Self {
        let mut p = Params {
            names,
            path,
            decoded: None,
            spans,
        };
        let n = names.len().min(MAX_PARAMS);
        if escaped && p.spans[..n].iter().any(|&s| raw(path, s).contains('%')) {
            let mut buf =
                Vec::with_capacity(p.spans[..n].iter().map(|s| s.1 - s.0).sum::<u32>() as usize);
            for span in &mut p.spans[..n] {
                let start = buf.len() as u32;
                // Cannot fail: the whole path was checked first.
                let _ = decode_into(raw(path, *span).as_bytes(), 0, false, &mut buf);
                *span = (start, buf.len() as u32);
            }
            p.decoded = Some(String::from_utf8(buf).unwrap_or_default());
        }
        p
    }

    /// The decoded value of parameter `name`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Router};
    ///
    /// let r = Router::new().route(Method::Get, "/u/:name", ());
    /// assert_eq!(r.at(Method::Get, "/u/J%C3%BCrgen").unwrap().params.get("name"), Some("Jürgen"));
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        let i = self.names.iter().position(|n| **n == *name)?;
        Some(self.value(i))
    }

    /// Parameter `name` parsed as `T` (an integer, a [`Uuid`](super::Uuid), a `String`,
    /// anything `FromStr`).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Router};
    ///
    /// let r = Router::new().route(Method::Get, "/page/:n", ());
    /// let m = r.at(Method::Get, "/page/3").unwrap();
    /// assert_eq!(m.params.parse::<usize>("n"), Ok(3));
    /// ```
    pub fn parse<T: FromStr>(&self, name: &str) -> Result<T, ParamError> {
        let value = self.get(name).ok_or_else(|| ParamError::Missing {
            name: name.to_owned(),
        })?;
        value.parse().map_err(|_| ParamError::Invalid {
            name: name.to_owned(),
            value: value.to_owned(),
            ty: type_name::<T>(),
        })
    }

    /// `(name, decoded value)` pairs in pattern order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Router};
    ///
    /// let r = Router::new().route(Method::Get, "/:a/:b", ());
    /// let m = r.at(Method::Get, "/x/y").unwrap();
    /// assert_eq!(m.params.iter().collect::<Vec<_>>(), [("a", "x"), ("b", "y")]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.names
            .iter()
            .enumerate()
            .map(|(i, n)| (&**n, self.value(i)))
    }

    /// How many parameters the route captured.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Router};
    ///
    /// let r = Router::new().route(Method::Get, "/:a/:b", ());
    /// assert_eq!(r.at(Method::Get, "/x/y").unwrap().params.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the route captured nothing (a static route).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Router};
    ///
    /// let r = Router::new().route(Method::Get, "/about", ());
    /// assert!(r.at(Method::Get, "/about").unwrap().params.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn value(&self, i: usize) -> &str {
        let span = self.spans.get(i).copied().unwrap_or_default();
        match &self.decoded {
            Some(d) => raw(d, span),
            None => raw(self.path, span),
        }
    }
}

/// `s[a..b]`, or `""` should the span be off (it never is: spans come from the matcher).
fn raw(s: &str, (a, b): (u32, u32)) -> &str {
    s.get(a as usize..b as usize).unwrap_or("")
}

impl fmt::Debug for Params<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A parameter that is absent or does not parse: the app answers 404 Not Found (the URL
/// names no resource), never panics.
///
/// # Examples
///
/// ```
/// use vango::router::{Method, ParamError, Router};
///
/// let r = Router::new().route(Method::Get, "/todos/:id", ());
/// let m = r.at(Method::Get, "/todos/abc").unwrap();
/// let err = m.params.parse::<u64>("id").unwrap_err();
/// assert_eq!(
///     err,
///     ParamError::Invalid { name: "id".into(), value: "abc".into(), ty: "u64" }
/// );
/// assert_eq!(err.to_string(), "parameter `id` is not a valid u64: \"abc\"");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamError {
    /// The route has no parameter of this name (a bug in the app, still not a panic).
    Missing {
        /// The name asked for.
        name: String,
    },
    /// The value does not parse as the type asked for.
    Invalid {
        /// The parameter's name.
        name: String,
        /// Its decoded value.
        value: String,
        /// The type asked for, as `std::any::type_name` spells it.
        ty: &'static str,
    },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::Missing { name } => write!(f, "no parameter `{name}` in this route"),
            ParamError::Invalid { name, value, ty } => {
                write!(f, "parameter `{name}` is not a valid {ty}: {value:?}")
            }
        }
    }
}

impl std::error::Error for ParamError {}
