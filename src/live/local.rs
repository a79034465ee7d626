//! A session driven in-process, without a socket: the same mount (with the SSR budget's
//! wait), the same steps (`step`: one encoded Event frame in, frames out) and the same
//! re-render after the bell, for the component test API (`crate::testing`).
//!
//! Touches the session, its steps and the core's live state; no I/O.

use std::cell::RefCell;
use std::rc::Rc;

use async_tungstenite::tungstenite::Bytes;

use super::host::LiveCore;
use super::id::SessionId;
use super::scope::{SessionScope, SessionStore};
use super::session::Session;
use super::start::mount_settled;
use super::step::{on_dirty, on_frame, Reply};
use super::view::View;
use crate::protocol::client::encode_event;
use crate::server::ConnInfo;
use crate::vdom::Event;

/// One session with no socket: what a connection loop would send comes back as frames.
pub(crate) struct LocalSession {
    live: Rc<LiveCore>,
    sess: Rc<RefCell<Session>>,
    seq: u64,
}

/// The session ended (a panic, or a close the client would have seen): why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ended(pub String);

impl LocalSession {
    /// Mounts `url` as a new connected session, as a Hello would (waiting for its
    /// resources up to the SSR budget). `Err` when the page's setup panicked.
    pub(crate) async fn start(
        live: Rc<LiveCore>,
        url: &str,
        info: &ConnInfo,
    ) -> Result<LocalSession, Ended> {
        let store = SessionStore::new();
        store.mark_connected();
        // The request's cookie session, as a live session reads it from the upgrade.
        let token = live.app.csrf.token().unwrap_or_default();
        store.set_cookie_session_lazy(live.app.cookies.clone(), token, false);
        let scope = SessionScope::new(store);
        let (view, _) = mount_settled(&live, &scope, url, info)
            .await
            .ok_or_else(|| Ended("page setup panicked".into()))?;
        let id = SessionId::generate(live.core.index())
            .map_err(|_| Ended("no randomness for a session id".into()))?;
        let session = Session::new(id, view, scope, &live.app.config);
        Ok(LocalSession {
            sess: Rc::new(RefCell::new(session)),
            live,
            seq: 0,
        })
    }

    /// Sends `event` as the client would (the next sequence number) and returns the frames
    /// the session answers with.
    pub(crate) fn event(&mut self, event: &Event) -> Result<Vec<Bytes>, Ended> {
        self.seq += 1;
        let mut bytes = Vec::with_capacity(16);
        encode_event(&mut bytes, self.seq, event);
        frames(on_frame(&bytes, &self.live, &self.sess, 0))
    }

    /// What the session sends after the bell: a frame if a task changed what it shows or
    /// asked to navigate.
    pub(crate) fn dirty(&mut self) -> Result<Vec<Bytes>, Ended> {
        frames(on_dirty(&self.live, &self.sess, 0))
    }

    /// Whether a navigation's frame waits for the new page's data.
    pub(crate) fn is_held(&self) -> bool {
        super::navigate::is_held(&self.sess.borrow())
    }

    /// Runs `f` on the mounted view.
    pub(crate) fn with_view<R>(&self, f: impl FnOnce(&dyn View) -> R) -> R {
        f(&*self.sess.borrow().view)
    }

    /// The session's store (its request, title).
    pub(crate) fn store(&self) -> SessionStore {
        self.sess.borrow().scope.store().clone()
    }
}

fn frames(reply: Reply) -> Result<Vec<Bytes>, Ended> {
    match reply {
        Reply::None => Ok(Vec::new()),
        Reply::One(f) => Ok(vec![f]),
        Reply::Frames(fs) => Ok(fs),
        Reply::Close(code, why) | Reply::Fatal(code, why) => {
            Err(Ended(format!("{why} (close code {code})")))
        }
        Reply::ProtocolError => Err(Ended("WebSocket protocol error".into())),
        Reply::End => Err(Ended("the session was closed".into())),
    }
}
