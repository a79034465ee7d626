//! Session-only APIs called where no live session runs: the `try_` variants that return
//! the error ([`OutsideSession`]) where the plain APIs panic with it (for code that may legitimately run
//! outside a session: a component rendered by a unit test, a helper shared with a CLI).
//!
//! Touches the session scope (to find the current store) and its misuse error.

use std::rc::Rc;

use super::cookie::CookieSession;
use super::misuse::OutsideSession;
use super::request::PageRequest;
use super::scope::{self, store_for, SessionStore};

/// Like [`navigate`](super::navigate), but outside a live session it returns the error
/// instead of panicking.
///
/// # Examples
///
/// ```
/// use vango::live::{try_navigate, SessionStore};
/// assert!(SessionStore::new().enter(|| try_navigate("/a")).is_ok());
/// assert!(try_navigate("/a").is_err(), "outside any session");
/// ```
#[track_caller]
pub fn try_navigate(url: impl Into<String>) -> Result<(), OutsideSession> {
    let store = store_for("navigate")?;
    scope::ask_to(&store, url.into(), false);
    Ok(())
}

/// Like [`navigate_replace`](super::navigate_replace), returning the error outside a
/// live session.
///
/// # Examples
///
/// ```
/// assert!(vango::live::try_navigate_replace("/a").is_err(), "outside any session");
/// ```
#[track_caller]
pub fn try_navigate_replace(url: impl Into<String>) -> Result<(), OutsideSession> {
    let store = store_for("navigate_replace")?;
    scope::ask_to(&store, url.into(), true);
    Ok(())
}

/// Like [`set_query`](super::set_query), returning the error outside a live session.
///
/// # Examples
///
/// ```
/// assert!(vango::live::try_set_query([("page", "2")]).is_err(), "outside any session");
/// ```
#[track_caller]
pub fn try_set_query<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), OutsideSession> {
    let store = store_for("set_query")?;
    scope::ask_query(&store, pairs);
    Ok(())
}

/// Like [`patch_query`](super::patch_query), returning the error outside a live session.
///
/// # Examples
///
/// ```
/// assert!(vango::live::try_patch_query("page", Some("2"), false).is_err());
/// ```
#[track_caller]
pub fn try_patch_query(
    key: &str,
    value: Option<&str>,
    replace: bool,
) -> Result<(), OutsideSession> {
    let store = store_for("patch_query")?;
    scope::patch_query_in(&store, key, value, replace);
    Ok(())
}

/// Like [`use_request`](super::use_request), returning the error outside a live session
/// (where the plain call panics).
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use vango::live::{try_use_request, PageRequest, SessionStore};
/// let store = SessionStore::new();
/// store.set_request(Rc::new(PageRequest::new("/a", "")));
/// assert_eq!(store.enter(|| try_use_request().unwrap().path().to_owned()), "/a");
/// assert!(try_use_request().is_err(), "outside any session");
/// ```
#[track_caller]
pub fn try_use_request() -> Result<Rc<PageRequest>, OutsideSession> {
    let store = store_for("use_request")?;
    Ok(scope::request_of(&store))
}

/// Like [`use_cookie_session`](super::use_cookie_session), returning the error outside a
/// live session (where the plain call panics).
///
/// # Examples
///
/// ```
/// assert!(vango::live::try_use_cookie_session().is_err(), "outside any session");
/// ```
#[track_caller]
pub fn try_use_cookie_session() -> Result<CookieSession, OutsideSession> {
    let store = store_for("use_cookie_session")?;
    Ok(store
        .cookie_session()
        .unwrap_or_else(CookieSession::detached))
}

/// The request for code that reads it whether or not a session runs (an empty one
/// outside), without the misuse check: the crate's own builders and lenient readers.
pub(crate) fn request_or_default() -> Rc<PageRequest> {
    SessionStore::current()
        .map(|s| scope::request_of(&s))
        .unwrap_or_default()
}
