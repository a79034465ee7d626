//! The state a [`LiveTest`](super::LiveTest) and its [`Element`](super::Element) handles
//! share: the in-process session, the frames it sent, whether it ended; and how one event
//! goes through it.
//!
//! Touches the live layer's in-process session, the harness's core, the snapshot and the
//! wire decoder (to read the frames the session sent).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::Bytes;

use super::harness::Harness;
use super::snapshot::{snapshot, El};
use crate::live::local::{Ended, LocalSession};
use crate::live::LiveCore;
use crate::protocol::{decode_server, ServerFrame};
use crate::vdom::{Event, EventData};

/// What the server made of an event.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::testing::{LiveTest, Outcome};
///
/// let t = LiveTest::component(|| {
///     move || button("no").on_click(|_| reject())
/// });
/// assert_eq!(t.find("button").click(), Outcome::Rejected);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The handler accepted it.
    Accepted,
    /// The handler refused it ([`reject`](crate::vdom::reject)): the browser would revert
    /// its optimistic update.
    Rejected,
}

/// What a test and its element handles share.
pub(crate) struct Inner {
    /// Dropped first: the page unmounts (its tasks cancelled) while the core still exists.
    pub session: RefCell<LocalSession>,
    pub ended: RefCell<Option<String>>,
    pub frames: RefCell<Vec<ServerFrame>>,
    pub live: Rc<LiveCore>,
    pub harness: Harness,
    pub status: u16,
    pub first_paint: String,
    pub settle_timeout: Cell<Duration>,
}

impl Inner {
    pub(crate) fn with_root<R>(&self, f: impl FnOnce(&crate::vdom::VNode) -> R) -> R {
        self.session.borrow().with_view(|v| f(v.root()))
    }

    pub(crate) fn snapshot(&self) -> El {
        self.with_root(snapshot)
    }

    /// Sends `event` through the session's step and records what it answered.
    pub(crate) fn event(&self, event: &Event) -> Outcome {
        self.check_live();
        let sent = self
            .harness
            .enter(|| self.session.borrow_mut().event(event));
        let mut frames = self.record(sent);
        frames.extend(self.release_held());
        if frames
            .iter()
            .any(|f| matches!(f, ServerFrame::Reject { .. }))
        {
            Outcome::Rejected
        } else {
            Outcome::Accepted
        }
    }

    /// Runs the session's tasks while a navigation's frame waits for the new page's data
    /// (up to the SSR budget, in real time, as a mount waits), and records the frames sent
    /// meanwhile.
    fn release_held(&self) -> Vec<ServerFrame> {
        let mut frames = Vec::new();
        if !self.session.borrow().is_held() {
            return frames;
        }
        // The session's own timer ends the wait at the budget; this only bounds a stuck one.
        let deadline = Instant::now() + self.live.app.ssr_budget + Duration::from_secs(5);
        loop {
            self.harness.run_ready();
            let sent = self.harness.enter(|| self.session.borrow_mut().dirty());
            frames.extend(self.record(sent));
            if !self.session.borrow().is_held() || !self.harness.wait_until(deadline) {
                return frames;
            }
        }
    }

    /// A live navigation to `url`, as a link click or the back button sends it.
    pub(crate) fn navigate(&self, url: &str) -> Outcome {
        self.event(&Event {
            hid: 0,
            name: "navigate",
            data: EventData::Navigate(url.to_owned()),
        })
    }

    /// A link prefetch of `url`, as the client sends it when the pointer is over a link.
    pub(crate) fn prefetch(&self, url: &str) -> Outcome {
        self.event(&Event {
            hid: 0,
            name: "prefetch",
            data: EventData::Navigate(url.to_owned()),
        })
    }

    /// Renders what tasks changed (or carries out the navigation they asked for).
    pub(crate) fn pump(&self) {
        if self.ended.borrow().is_some() {
            return;
        }
        let sent = self.harness.enter(|| self.session.borrow_mut().dirty());
        self.record(sent);
    }

    fn record(&self, sent: Result<Vec<Bytes>, Ended>) -> Vec<ServerFrame> {
        match sent {
            Ok(frames) => {
                let decoded: Vec<ServerFrame> = frames
                    .iter()
                    .map(|f| decode_server(f).expect("the session sent a malformed frame"))
                    .collect();
                self.frames.borrow_mut().extend(decoded.iter().cloned());
                decoded
            }
            Err(e) => {
                *self.ended.borrow_mut() = Some(e.0);
                Vec::new()
            }
        }
    }

    fn check_live(&self) {
        if let Some(why) = &*self.ended.borrow() {
            panic!("the session has ended: {why}");
        }
    }

    /// Whether the session ended (a handler or render panicked), and why.
    pub(crate) fn ended(&self) -> Option<String> {
        self.ended.borrow().clone()
    }
}
