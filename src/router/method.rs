//! HTTP methods and method sets for route tables; pure values, touches nothing else.

use std::fmt;
use std::ops::BitOr;
use std::str::FromStr;

/// An HTTP request method (RFC 9110 §9).
///
/// Parsed from the request line's method token, which is case-sensitive.
///
/// # Examples
///
/// ```
/// use vango::router::Method;
///
/// let m: Method = "POST".parse().unwrap();
/// assert_eq!(m, Method::Post);
/// assert_eq!(m.as_str(), "POST");
/// assert!("post".parse::<Method>().is_err());
/// // Two methods make a set.
/// assert_eq!((Method::Get | Method::Post).to_string(), "GET, POST");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`.
    Get,
    /// `HEAD`: a route that accepts `GET` accepts it too.
    Head,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
    /// `PATCH`.
    Patch,
    /// `OPTIONS`.
    Options,
    /// `CONNECT`.
    Connect,
    /// `TRACE`.
    Trace,
}

const ALL: [Method; 9] = [
    Method::Get,
    Method::Head,
    Method::Post,
    Method::Put,
    Method::Delete,
    Method::Patch,
    Method::Options,
    Method::Connect,
    Method::Trace,
];

impl Method {
    /// The method token, e.g. `"GET"`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Method;
    /// assert_eq!(Method::Delete.as_str(), "DELETE");
    /// assert_eq!(Method::Options.to_string(), Method::Options.as_str());
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Options => "OPTIONS",
            Method::Connect => "CONNECT",
            Method::Trace => "TRACE",
        }
    }

    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A method token the router does not know (the app answers 501 Not Implemented).
///
/// # Examples
///
/// ```
/// use vango::router::{Method, UnknownMethod};
///
/// assert_eq!("BREW".parse::<Method>(), Err(UnknownMethod));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownMethod;

impl fmt::Display for UnknownMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown HTTP method")
    }
}

impl std::error::Error for UnknownMethod {}

impl FromStr for Method {
    type Err = UnknownMethod;

    fn from_str(s: &str) -> Result<Self, UnknownMethod> {
        ALL.into_iter()
            .find(|m| m.as_str() == s)
            .ok_or(UnknownMethod)
    }
}

/// A set of methods: what a route accepts, or what a path allows (the `Allow` header).
///
/// Displays as an `Allow` header value, methods in a fixed order.
///
/// # Examples
///
/// ```
/// use vango::router::{Method, Methods};
///
/// let set = Method::Get | Method::Delete;
/// assert!(set.contains(Method::Delete) && !set.contains(Method::Post));
/// assert_eq!(set.to_string(), "GET, DELETE");
/// assert_eq!(set.iter().collect::<Vec<_>>(), [Method::Get, Method::Delete]);
/// assert!(Methods::NONE.is_empty());
/// assert_eq!(Methods::from(Method::Put), Methods::NONE | Method::Put);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Methods(u16);

impl Methods {
    /// No method.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Methods};
    /// assert!(Methods::NONE.is_empty());
    /// assert_eq!(Methods::NONE | Method::Get, Methods::from(Method::Get));
    /// ```
    pub const NONE: Methods = Methods(0);
    /// Every [`Method`].
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Methods};
    /// assert!(Methods::ALL.contains(Method::Trace));
    /// assert_eq!(Methods::ALL.iter().count(), 9);
    /// ```
    pub const ALL: Methods = Methods((1 << ALL.len()) - 1);

    /// Whether `m` is in the set.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Method;
    /// let set = Method::Get | Method::Post;
    /// assert!(set.contains(Method::Post));
    /// assert!(!set.contains(Method::Put));
    /// ```
    pub const fn contains(self, m: Method) -> bool {
        self.0 & m.bit() != 0
    }

    /// Whether the set is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::{Method, Methods};
    /// assert!(Methods::NONE.is_empty());
    /// assert!(!Methods::from(Method::Get).is_empty());
    /// ```
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the two sets share a method.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Method;
    /// let read = Method::Get | Method::Head;
    /// assert!(read.intersects(Method::Head | Method::Post));
    /// assert!(!read.intersects(Method::Put | Method::Delete));
    /// ```
    pub const fn intersects(self, other: Methods) -> bool {
        self.0 & other.0 != 0
    }

    /// The methods in the set, in declaration order of [`Method`].
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Method;
    /// let set = Method::Post | Method::Get;
    /// assert_eq!(set.iter().collect::<Vec<_>>(), [Method::Get, Method::Post]);
    /// ```
    pub fn iter(self) -> impl Iterator<Item = Method> {
        ALL.into_iter().filter(move |m| self.contains(*m))
    }

    /// The set with `HEAD` added when it has `GET`: what a path allows.
    pub(crate) const fn with_implied_head(self) -> Methods {
        if self.contains(Method::Get) {
            Methods(self.0 | Method::Head.bit())
        } else {
            self
        }
    }
}

impl From<Method> for Methods {
    fn from(m: Method) -> Self {
        Methods(m.bit())
    }
}

impl BitOr for Methods {
    type Output = Methods;
    fn bitor(self, rhs: Methods) -> Methods {
        Methods(self.0 | rhs.0)
    }
}

impl BitOr<Method> for Methods {
    type Output = Methods;
    fn bitor(self, rhs: Method) -> Methods {
        Methods(self.0 | rhs.bit())
    }
}

impl BitOr for Method {
    type Output = Methods;
    fn bitor(self, rhs: Method) -> Methods {
        Methods(self.bit() | rhs.bit())
    }
}

impl fmt::Display for Methods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(m.as_str())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Methods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Methods({self})")
    }
}
