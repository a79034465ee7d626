//! Live navigation: mounts another route in place (same socket, same session store: a new
//! tree, the one a link prefetch mounted, or — when the app keeps the current view, its
//! shared layouts — the re-rendered parts) or changes the query or fragment of the current
//! one, as one Patches frame (the full render or the re-rendered parts, a `SetTitle`, a
//! `PushUrl`), sent at once or — while the new page's first fetches run, up to the SSR
//! budget — held in the session (`hold.rs`) until they end.
//!
//! Also link prefetch: mounting a route off-screen into the session's slot for it
//! (`prepare.rs`) for the navigation that may follow.
//!
//! A synchronous part of a step: runs inside the session's scope; touches the session,
//! its store, the core's encoder and the app's mount and prepare functions; spawns a timer
//! on the core for a held frame's budget.

use std::rc::Rc;
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::Bytes;

use super::hold::{Held, NavFrame};
use super::hook_script;
use super::host::LiveCore;
use super::prefetch::Prefetch;
use super::prepare::{self, Ready};
use super::request::{conn_info, is_local_url, Navigation};
use super::session::Session;
use super::view::render_unsent;
use crate::component::catch;
use crate::vdom::PatchSink;

/// Carries out `nav` for session `s` and returns the frame (acknowledging `ack`), or
/// `None` when nothing changed or — with an SSR budget, while the new page's (or the new
/// query's) first fetches run — when the frame is held in the session for their data
/// (`hold.rs`; [`is_held`] tells).
pub(crate) fn apply(s: &mut Session, live: &LiveCore, ack: u64, nav: Navigation) -> Option<Bytes> {
    let store = s.scope.store().clone();
    let old = store.request().unwrap_or_default();
    let budget = live.app.ssr_budget;
    // Counts the first fetches of what mounts (or refetches) from here on.
    let mut pending = (!budget.is_zero()).then(|| store.begin_prefetch());
    let frame = match nav {
        Navigation::To { url, replace } => {
            let requested = url.clone();
            // A page staged in the current view: its ticket drops (dropping the page if the
            // mount did not adopt it) once the mount is done.
            let mut staged = None;
            let mut adopted = prepare::take(&mut s.prepared, &url);
            // Fetches a prefetch started and that still run: this navigation waits for them.
            if let Some(p) = adopted.as_mut().and_then(|a| a.pending.take()) {
                if p.is_pending() && pending.is_some() {
                    pending = Some(p);
                }
            }
            let (view, redirected, done) = match adopted {
                // Mounted by a prefetch: its request and title, and what changed since.
                Some(prepare::Adopted {
                    ready: Ready::View(view),
                    request,
                    title,
                    ..
                }) => {
                    if let Some(r) = request {
                        store.set_request(r);
                    }
                    store.restore_title(title);
                    (Some(view), None, None)
                }
                adopted => {
                    if let Some(prepare::Adopted {
                        ready: Ready::InPlace(ticket),
                        ..
                    }) = adopted
                    {
                        staged = Some(ticket);
                    }
                    let m = (live.app.mount)(Some(&mut *s.view), &url, &conn_info(Some(&old)));
                    (m.view, m.redirected, m.done)
                }
            };
            let url = redirected.unwrap_or(url);
            // A redirect lands where the browser never asked to be: no history entry for it.
            let replace = replace || url != requested;
            let old_hid = s.view.root_hid();
            let fresh = view.is_some();
            if let Some(view) = view {
                // The old page unmounts now (its cleanups run), after the new one mounted.
                drop(std::mem::replace(&mut s.view, view));
            }
            NavFrame {
                ack,
                replace: fresh.then_some(old_hid),
                title: true,
                push: Some((replace, url)),
                done,
                staged,
            }
        }
        Navigation::Fragment(fragment) => {
            if old.fragment() != fragment {
                store.update_request(Rc::new((*old).clone().with_fragment(fragment)));
            }
            NavFrame::rerender(ack, None)
        }
        Navigation::Query { query, replace } => {
            let new = Rc::new(old.with_query(query));
            // The browser keeps showing the fragment it has.
            let url = match new.fragment() {
                "" => new.url(),
                f => format!("{}#{f}", new.url()),
            };
            store.update_request(new);
            NavFrame::rerender(ack, Some((replace, url)))
        }
    };
    store.end_prefetch();
    send_or_hold(s, live, frame, pending, budget)
}

/// Prepares the route at `url` for session `s` (a link prefetch), if it is worth it (see
/// `prepare.rs`).
pub(crate) fn prefetch(s: &mut Session, live: &LiveCore, url: &str) {
    prepare::expire(&mut s.prepared);
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
    if s.prepared
        .as_ref()
        .is_some_and(|p| now < p.at + prepare::MIN_GAP)
    {
        return;
    }
    let info = conn_info(current.as_deref());
    let title = store.title();
    // Its first fetches are counted, for the navigation that may adopt it while they run.
    let budget = live.app.ssr_budget;
    let pending = (!budget.is_zero()).then(|| store.begin_prefetch());
    // The mount writes the store's request and title: the current page's come back after,
    // and the current page, whose request does not change, re-renders nothing for either.
    let mounted = catch(|| store.quietly(|| (live.app.prepare)(&mut *s.view, url, &info)));
    store.end_prefetch();
    let (request, new_title) = (store.request(), store.title());
    if let Some(r) = current {
        store.quietly(|| store.set_request(r));
    }
    store.restore_title(title);
    // A setup that navigates or sends commands is not prepared: the navigation runs it.
    let side_effects = store.take_navigation().is_some() | !store.take_commands().is_empty();
    let ready = match mounted {
        Ok(Some(ready)) if !side_effects => ready,
        Ok(_) => return,
        Err(err) => {
            log::warn!("prefetch of {url}: the page panicked ({err}); not prepared");
            return;
        }
    };
    // The old one unmounts here, inside the step's scope.
    s.prepared = Some(Box::new(prepare::Prepared {
        url: url.to_owned(),
        ready,
        request,
        title: new_title,
        pending,
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

/// Sends `frame` now (`Some` frame, or `None` when nothing changed), or — when `pending`
/// still counts running fetches — holds it in `s` until they end or `budget` runs out (a
/// timer rings the bell then) and returns `None`; [`is_held`] tells the two apart.
pub(crate) fn send_or_hold(
    s: &mut Session,
    live: &LiveCore,
    frame: NavFrame,
    pending: Option<Rc<Prefetch>>,
    budget: Duration,
) -> Option<Bytes> {
    let Some(pending) = pending.filter(|p| p.is_pending()) else {
        return emit(s, live, frame);
    };
    s.held = Some(Box::new(Held {
        frame,
        pending,
        until: Instant::now() + budget,
    }));
    // The fetches' own tasks ring the bell when they end; this ring ends the wait.
    live.core.spawn(async move {
        async_io::Timer::after(budget + Duration::from_millis(1)).await;
        super::bell::notify_dirty();
    });
    None
}

/// Whether `s` holds a navigation's frame.
pub(crate) fn is_held(s: &Session) -> bool {
    s.held.is_some()
}

/// Builds and sends the held frame of `s`, if any (with the data that arrived, or the
/// loading state where it did not). Runs inside the session's scope; a render may panic.
pub(crate) fn release(s: &mut Session, live: &LiveCore) -> Option<Bytes> {
    let held = s.held.take()?;
    emit(s, live, held.frame)
}

/// Builds a navigation's frame: the hook scripts the page needs, the fresh root (rendered
/// again where data arrived; nothing of it was sent yet) or the dirty components'
/// patches, the title, the URL.
fn emit(s: &mut Session, live: &LiveCore, f: NavFrame) -> Option<Bytes> {
    let store = s.scope.store().clone();
    if f.replace.is_some() {
        render_unsent(&mut *s.view);
    }
    let frame = {
        let mut enc = live.encoder.borrow_mut();
        s.next_frame(&mut enc, f.ack, &live.app.config, |v, enc| {
            hook_script::emit(&store, enc);
            match f.replace {
                Some(old) => enc.replace_node(old, v.root()),
                // In place: shared layouts stay, the swapped outlet mounts the page.
                None if v.is_dirty() => v.rerender(enc),
                None => {}
            }
            if f.title {
                // The app's title for a page that sets none, as in its first paint.
                let title = store.title();
                enc.set_title(title.as_deref().unwrap_or(&live.app.title));
            }
            if let Some((replace, url)) = &f.push {
                enc.push_url(*replace, url);
            }
        })
    };
    if let Some(done) = f.done {
        done();
    }
    drop(f.staged);
    frame
}
