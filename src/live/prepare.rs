//! Link prefetch: the client's prefetch event (the pointer is over a live link, or a
//! touch started on one) mounts that route off-screen in the session's scope, so that the
//! navigation that usually follows adopts the mounted tree instead of mounting it then
//! (its setup ran, its resources' fetches started). For a route under layouts the
//! current page has mounted, the app stages just the page inside the current view
//! ([`Ready::InPlace`]) and the navigation's in-place mount swaps it into the outlet.
//!
//! Bounded: one prepared route per session, dropped after
//! [`SessionConfig::prefetch_ttl`](super::SessionConfig::prefetch_ttl) (or at the next
//! navigation); at most one mount per [`MIN_GAP`] while one is kept; a URL without a
//! page, the current page's URL and the already prepared URL cost a route lookup at most.
//! This file is the kept route (a session's slot for it); `navigate.rs` mounts it.
//! Touches nothing but that slot.

use std::any::Any;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::request::PageRequest;
use super::view::View;

/// The least time between two prefetch mounts of one session (others are ignored).
pub(crate) const MIN_GAP: Duration = Duration::from_millis(100);

/// What an app's [`PrepareFn`](super::PrepareFn) prepared for a link prefetch.
///
/// # Examples
///
/// ```
/// use vango::component::Tree;
/// use vango::live::{Ready, View};
/// use vango::prelude::*;
/// let ready = Ready::View(Box::new(Tree::mount(|| || p("about"))));
/// let Ready::View(view) = ready else { unreachable!() };
/// assert_eq!(vango::render::to_html(view.root()), r#"<p data-hid="1">about</p>"#);
/// ```
pub enum Ready {
    /// A fresh view the navigation adopts whole (the target shares no layout with the
    /// current page).
    View(Box<dyn View>),
    /// The target's page, staged inside the current view (its shared layouts stay
    /// mounted): the navigation's own mount adopts it. Dropping the ticket drops the
    /// staged page if it was not adopted.
    InPlace(Box<dyn Any>),
}

/// A route mounted ahead of its navigation.
pub(crate) struct Prepared {
    pub(crate) url: String,
    pub(crate) ready: Ready,
    pub(crate) request: Option<Rc<PageRequest>>,
    pub(crate) title: Option<String>,
    /// When it was mounted, and when it expires.
    pub(crate) at: Instant,
    pub(crate) until: Instant,
}

/// What a navigation to a prepared route adopts: the mounted view (or the ticket of a page
/// staged in the current view), its request and title.
pub(crate) struct Adopted {
    pub ready: Ready,
    pub request: Option<Rc<PageRequest>>,
    pub title: Option<String>,
}

/// Drops the prepared route in `slot` (a session's) once it has expired.
pub(crate) fn expire(slot: &mut Option<Box<Prepared>>) {
    if slot.as_ref().is_some_and(|p| Instant::now() >= p.until) {
        *slot = None;
    }
}

/// Takes the prepared route: the mounted view when it was prepared for `url` and has not
/// expired; any other is dropped.
pub(crate) fn take(slot: &mut Option<Box<Prepared>>, url: &str) -> Option<Adopted> {
    expire(slot);
    let p = slot.take()?;
    if p.url != url {
        return None;
    }
    Some(Adopted {
        ready: p.ready,
        request: p.request,
        title: p.title,
    })
}
