//! A navigation's Patches frame, built now or held in the session while the new page's
//! first fetches run (up to the app's SSR budget), so that a live navigation shows its data
//! in one frame as the first paint does, instead of a loading state then the data.
//!
//! This file is what a session keeps (its slot for the held frame); `navigate.rs` builds,
//! holds and sends the frame, a later step sends a held one (the bell's `on_dirty` once
//! the fetches settled or the budget's timer rang; before any other client frame, which
//! must see the new page). Touches nothing but that slot and the fetches' count.

use std::any::Any;
use std::rc::Rc;
use std::time::Instant;

use super::prefetch::Prefetch;

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
    pub(crate) frame: NavFrame,
    pub(crate) pending: Rc<Prefetch>,
    pub(crate) until: Instant,
}

impl Held {
    /// Whether the frame should go now: its fetches ended or the budget ran out.
    pub(crate) fn due(&self) -> bool {
        !self.pending.is_pending() || Instant::now() >= self.until
    }
}
