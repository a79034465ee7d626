//! The error a session-only API (navigation, URL state, the request, the cookie session,
//! browser commands) answers with where no live session runs: it names the API, the
//! caller's location and the fix; the plain APIs panic with its text.
//!
//! Touches nothing: the scope (`scope.rs`) makes it, `outside.rs` returns it.

use std::fmt;
use std::panic::Location;

/// A session-only API (navigation, URL state, the request, the cookie session, browser
/// commands) was called where no live session runs: outside a page's setup, a component,
/// an event handler or a task of a session. Its text names the API, where it was called
/// and the fix.
///
/// # Examples
///
/// ```
/// use vango::live::try_navigate;
/// let err = try_navigate("/todos").unwrap_err();
/// assert_eq!(err.api(), "navigate");
/// assert!(err.to_string().contains("outside a live session"));
/// assert!(err.location().file().ends_with(".rs"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutsideSession {
    api: &'static str,
    at: &'static Location<'static>,
}

impl OutsideSession {
    /// The error for `api` called at `at`.
    pub(crate) fn new(api: &'static str, at: &'static Location<'static>) -> OutsideSession {
        OutsideSession { api, at }
    }

    /// The API that was called (`"navigate"`, `"use_request"`, …).
    ///
    /// # Examples
    ///
    /// ```
    /// let err = vango::live::try_use_request().unwrap_err();
    /// assert_eq!(err.api(), "use_request");
    /// ```
    pub fn api(&self) -> &'static str {
        self.api
    }

    /// Where it was called.
    ///
    /// # Examples
    ///
    /// ```
    /// let line = line!() + 1;
    /// let err = vango::live::try_set_query([("a", "1")]).unwrap_err();
    /// assert_eq!(err.location().line(), line);
    /// ```
    pub fn location(&self) -> &'static Location<'static> {
        self.at
    }
}

impl fmt::Display for OutsideSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` was called outside a live session, at {}: call it from a page's setup, \
             a component, or an event handler of a live session (or use `try_{}` where \
             running outside one is expected)",
            self.api,
            self.at,
            self.api.trim_start_matches("UrlState::")
        )
    }
}

impl std::error::Error for OutsideSession {}

/// Panics with `err`'s text (the plain API's answer to being called outside a session).
#[cold]
#[track_caller]
pub(crate) fn fail(err: OutsideSession) -> ! {
    panic!("{err}")
}
