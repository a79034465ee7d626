//! Link prefetch: the client's prefetch event (the pointer is over a live link, or a
//! touch started on one) mounts that route off-screen in the session's scope, so that the
//! navigation that usually follows adopts the mounted tree instead of mounting it then
//! (its setup ran, its resources' fetches started).
//!
//! Bounded: one prepared route per session, dropped after
//! [`SessionConfig::prefetch_ttl`](super::SessionConfig::prefetch_ttl) (or at the next
//! navigation); at most one mount per [`MIN_GAP`] while one is kept; a URL without a
//! page, the current page's URL and the already prepared URL cost a route lookup at most.
//! A synchronous part of a step: touches the session, its store and the app's prepare
//! function.

use std::rc::Rc;
use std::time::{Duration, Instant};

use super::host::LiveCore;
use super::navigate::conn_info;
use super::request::{is_local_url, PageRequest};
use super::session::Session;
use super::view::View;
use crate::component::catch;

/// The least time between two prefetch mounts of one session (others are ignored).
pub(crate) const MIN_GAP: Duration = Duration::from_millis(100);

/// A route mounted ahead of its navigation.
pub(crate) struct Prepared {
    url: String,
    view: Box<dyn View>,
    request: Option<Rc<PageRequest>>,
    title: Option<String>,
    /// When it expires.
    /// When it was mounted, and when it expires.
    at: Instant,
    until: Instant,
}

/// What a navigation to a prepared route adopts: the mounted view, its request and title.
pub(crate) struct Adopted {
    pub view: Box<dyn View>,
    pub request: Option<Rc<PageRequest>>,
    pub title: Option<String>,
}

/// Prepares the route at `url` for session `s`, if it is worth it (see the module docs).
pub(crate) fn prefetch(s: &mut Session, live: &LiveCore, url: &str) {
    expire(s);
    let ttl = live.app.config.prefetch_ttl;
    if ttl.is_zero() || !is_local_url(url) || s.prepared.as_ref().is_some_and(|p| p.url == url) {
        return;
    }
    let store = s.scope.store().clone();
    let current = store.request();
    if current.as_ref().is_some_and(|r| r.url() == url) {
        return;
    }
    // The gap since the kept route's mount: with none kept, the last one was adopted by
    // a navigation (which mounts anyway) or expired.
    let now = Instant::now();
    if s.prepared.as_ref().is_some_and(|p| now < p.at + MIN_GAP) {
        return;
    }
    let info = conn_info(current.as_deref());
    let title = store.title();
    // The mount writes the store's request and title: the current page's come back after.
    let mounted = catch(|| (live.app.prepare)(url, &info));
    let (request, new_title) = (store.request(), store.title());
    if let Some(r) = current {
        store.set_request(r);
    }
    store.restore_title(title);
    // A setup that navigates or sends commands is not prepared: the navigation runs it.
    let side_effects = store.take_navigation().is_some() | !store.take_commands().is_empty();
    let view = match mounted {
        Ok(Some(view)) if !side_effects => view,
        Ok(_) => return,
        Err(err) => {
            log::warn!("prefetch of {url}: the page panicked ({err}); not prepared");
            return;
        }
    };
    // The old one unmounts here, inside the step's scope.
    s.prepared = Some(Box::new(Prepared {
        url: url.to_owned(),
        view,
        request,
        title: new_title,
        at: now,
        until: now + ttl,
    }));
    // Wakes the session when the prepared route has expired (`expire` drops it then).
    let core = live.core.clone();
    core.spawn(async move {
        async_io::Timer::after(ttl + Duration::from_millis(10)).await;
        super::bell::notify_dirty();
    });
}

/// Drops the prepared route once it has expired.
pub(crate) fn expire(s: &mut Session) {
    if s.prepared
        .as_ref()
        .is_some_and(|p| Instant::now() >= p.until)
    {
        s.prepared = None;
    }
}

/// Takes the prepared route: the mounted view when it was prepared for `url` and has not
/// expired; any other is dropped.
pub(crate) fn take(s: &mut Session, url: &str) -> Option<Adopted> {
    expire(s);
    let p = s.prepared.take()?;
    if p.url != url {
        return None;
    }
    Some(Adopted {
        view: p.view,
        request: p.request,
        title: p.title,
    })
}
