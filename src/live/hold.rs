//! A navigation's Patches frame, built now or held in the session while the new page's
//! first fetches run (up to the app's SSR budget), so that a live navigation shows its data
//! in one frame as the first paint does, instead of a loading state then the data.
//!
//! Synchronous: a held frame is sent by a later step (the bell's `on_dirty` once the
//! fetches settled or the budget's timer rang; before any other client frame, which must
//! see the new page). Touches the session (its view, frame numbering and held slot), its
//! store and the core's encoder; spawns one timer on the core.

use std::any::Any;
use std::rc::Rc;
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::Bytes;

use super::hook_script;
use super::host::LiveCore;
use super::prefetch::Prefetch;
use super::session::Session;
use super::view::render_unsent;
use crate::vdom::PatchSink;

/// What one navigation's frame carries besides the re-rendered view.
pub(crate) struct NavFrame {
    /// The event the frame acknowledges.
    pub ack: u64,
    /// A fresh view: the old root's hid its root replaces (else the view re-renders in
    /// place).
    pub replace: Option<u32>,
    /// A page navigation: the page's title (or the app's) goes with it.
    pub title: bool,
    /// The URL the browser shows, and whether it replaces the history entry.
    pub push: Option<(bool, String)>,
    /// The app's hooks to run once the frame is built.
    pub done: Option<Box<dyn FnOnce()>>,
    /// A prefetch's ticket for a page staged in the current view, dropped after the frame.
    pub staged: Option<Box<dyn Any>>,
}

impl NavFrame {
    /// The frame of a navigation that keeps the page (a new query or fragment): the
    /// re-rendered parts, and the URL when the browser's changes.
    pub(crate) fn rerender(ack: u64, push: Option<(bool, String)>) -> NavFrame {
        NavFrame {
            ack,
            replace: None,
            title: false,
            push,
            done: None,
            staged: None,
        }
    }
}

/// A navigation's frame held for its data.
pub(crate) struct Held {
    frame: NavFrame,
    pending: Rc<Prefetch>,
    until: Instant,
}

impl Held {
    /// Whether the frame should go now: its fetches ended or the budget ran out.
    pub(crate) fn due(&self) -> bool {
        !self.pending.is_pending() || Instant::now() >= self.until
    }
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
