//! A session's synchronous steps: one client frame (or a ring of the bell) in, the
//! [`Reply`] out. Each step runs inside the session's [`SessionScope`](super::scope).
//!
//! No I/O and no await: the session is borrowed only inside these functions.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;

use async_tungstenite::tungstenite::Bytes;

use super::command;
use super::hook_script;
use super::host::LiveCore;
use super::navigate;
use super::prepare;
use super::request::{is_local_url, split_fragment, Navigation};
use super::session::Session;
use crate::protocol::{close, decode_client, encode_seq, server::frame, ClientFrame, ServerFrame};
use crate::vdom::{Event, EventData, Reject};

/// What to send back for one input.
pub(crate) enum Reply {
    /// Nothing.
    None,
    /// One frame (Patches, Ack, Reject or Pong).
    One(Bytes),
    /// Several frames, in order.
    Frames(Vec<Bytes>),
    /// A Close frame with this code, then the connection ends; the session waits for a
    /// resume.
    Close(u8, &'static str),
    /// The client broke the WebSocket protocol: a 1002 close; the session waits for a
    /// resume.
    ProtocolError,
    /// An Error frame (the session is over; the client reloads), then a close.
    Fatal(u8, &'static str),
    /// The tab said goodbye: close the connection, the session is already gone.
    End,
}

/// How one event's dispatch ended.
enum Applied {
    /// The handler accepted it; the frame it rendered, if anything changed.
    Accepted(Option<Bytes>),
    /// Refused (Reject `code`): no handler matched (10) or the handler rejected it (11);
    /// what the handler changed anyway still renders in `then`.
    Refused { code: u8, then: Option<Bytes> },
}

/// The frames a client that applied `applied` needs: the ring's, or one full render.
///
/// The full render is numbered `applied + 1` (the ring restarts there): a client applies
/// Patches strictly in seq order and answers a gap with Resync, so a full render numbered
/// after the frames it missed would be refused, and each Resync would bring another one.
pub(crate) fn catch_up(s: &mut Session, applied: u64, live: &LiveCore) -> Vec<Bytes> {
    if navigate::is_held(s) {
        // The held frame goes into the ring first: a full render would replace a root
        // the client does not have yet.
        let scope = s.scope.clone();
        if catch_unwind(AssertUnwindSafe(|| {
            scope.enter(|| navigate::release(s, live))
        }))
        .is_err()
        {
            log::error!(
                "core={} session={} a held navigation's render panicked",
                live.core.index(),
                s.id
            );
        }
    }
    if let Some(frames) = s.frames_after(applied) {
        return frames;
    }
    s.restart_seq_at(applied);
    s.full_render(&mut live.encoder.borrow_mut(), &live.app.config)
        .into_iter()
        .collect()
}

/// After the bell: re-renders if the view is dirty, acknowledging nothing new.
pub(crate) fn on_dirty(live: &LiveCore, sess: &Rc<RefCell<Session>>, gen: u32) -> Reply {
    let mut s = sess.borrow_mut();
    if s.generation != gen {
        return Reply::None;
    }
    // A held navigation waits for its data; what else changed goes with it.
    if s.held.as_ref().is_some_and(|h| !h.due()) {
        return Reply::None;
    }
    if s.prepared.is_some() {
        let scope = s.scope.clone();
        scope.enter(|| prepare::expire(&mut s.prepared));
    }
    // A task may have asked to navigate, or sent the browser a command.
    let nav = s.scope.store().take_navigation();
    let store = s.scope.store();
    if nav.is_none()
        && !navigate::is_held(&s)
        && !s.view.is_dirty()
        && !store.has_commands()
        && !s.cookie_written()
        && !store.has_new_scripts()
    {
        return Reply::None;
    }
    let ack = s.last_event;
    let scope = s.scope.clone();
    match catch_unwind(AssertUnwindSafe(|| {
        scope.enter(|| {
            let held = navigate::release(&mut s, live);
            let more = match nav {
                Some(nav) => {
                    s.scope.store().take_commands();
                    navigate::apply(&mut s, live, ack, nav)
                }
                None => render(&mut s, live, ack),
            };
            (held, more)
        })
    })) {
        Ok((Some(a), Some(b))) => Reply::Frames(vec![a, b]),
        Ok((Some(f), None) | (None, Some(f))) => Reply::One(f),
        Ok((None, None)) => Reply::None,
        Err(payload) => ended(s, live, &*payload, "a render panicked", "render panicked"),
    }
}

/// Handles one client frame.
pub(crate) fn on_frame(
    bytes: &[u8],
    live: &LiveCore,
    sess: &Rc<RefCell<Session>>,
    gen: u32,
) -> Reply {
    let frame = match decode_client(bytes) {
        Ok(f) => f,
        Err(e) => return Reply::Close(e.close_code(), e.kind()),
    };
    let mut s = sess.borrow_mut();
    if s.generation != gen {
        return Reply::Close(close::NORMAL, "session resumed elsewhere");
    }
    match frame {
        ClientFrame::Event { seq, event } if navigate::is_held(&s) => {
            // A held navigation's frame goes first: the event is for the page it shows.
            let scope = s.scope.clone();
            match catch_unwind(AssertUnwindSafe(|| {
                scope.enter(|| navigate::release(&mut s, live))
            })) {
                Ok(held) => then(held, on_event(s, live, seq, &event)),
                Err(payload) => ended(
                    s,
                    live,
                    &*payload,
                    "a navigation's render panicked",
                    "render panicked",
                ),
            }
        }
        ClientFrame::Event { seq, event } => on_event(s, live, seq, &event),
        ClientFrame::Ping(n) => Reply::One(seq_frame(frame::PONG, n)),
        ClientFrame::Pong(_) => Reply::None,
        ClientFrame::Resync { last_patch_seq } => {
            Reply::Frames(catch_up(&mut s, last_patch_seq, live))
        }
        ClientFrame::Close { .. } => {
            // The tab is going away for good: free the session now.
            let id = s.id;
            drop(s);
            live.registry.remove(&id, live.core.metrics());
            Reply::End
        }
        ClientFrame::Hello { .. } => Reply::Close(close::MALFORMED, "second Hello"),
    }
}

/// One event: dispatch it to its handler, re-render, and answer with the frame (or an Ack
/// when nothing changed, a Reject when it was refused).
fn on_event(
    mut s: std::cell::RefMut<'_, Session>,
    live: &LiveCore,
    seq: u64,
    event: &Event,
) -> Reply {
    if seq <= s.last_event {
        // Already applied (a resend after reconnect): acknowledge again.
        return Reply::One(seq_frame(frame::ACK, s.last_event));
    }
    if !s.rate.take(&live.app.config) {
        return Reply::Close(close::RATE_LIMIT, "event rate limit exceeded");
    }
    let scope = s.scope.clone();
    let applied = catch_unwind(AssertUnwindSafe(|| {
        scope.enter(|| {
            // A link click or back/forward: the document's navigation, not a handler's.
            if let (0, EventData::Navigate(url)) = (event.hid, &event.data) {
                s.last_event = seq;
                if event.name == "prefetch" {
                    navigate::prefetch(&mut s, live, url);
                    return Applied::Accepted(None);
                }
                // The client sends its location with the fragment (`#/active`).
                let (target, fragment) = split_fragment(url);
                let bad = |b: u8| b < 0x20 || b == 0x7f;
                if !is_local_url(target) || fragment.len() > 2048 || fragment.bytes().any(bad) {
                    return Applied::Refused {
                        code: close::UNKNOWN_TARGET,
                        then: None,
                    };
                }
                let current = scope.store().request().unwrap_or_default();
                // Only the fragment changed (a `#…` link, back/forward between such
                // entries): the page stays mounted and reads the new one.
                let in_page = target == current.url()
                    && (url.contains('#') || !current.fragment().is_empty());
                let nav = if in_page {
                    Navigation::Fragment(fragment.to_owned())
                } else {
                    Navigation::To {
                        url: url.clone(),
                        replace: false,
                    }
                };
                return Applied::Accepted(navigate::apply(&mut s, live, seq, nav));
            }
            let dispatched = s.view.dispatch(event);
            s.last_event = seq;
            match dispatched {
                Err(_) => Applied::Refused {
                    code: close::UNKNOWN_TARGET,
                    then: None,
                },
                Ok(Err(Reject)) => {
                    // A refused event navigates nowhere.
                    scope.store().take_navigation();
                    Applied::Refused {
                        code: close::REJECTED,
                        then: render(&mut s, live, seq),
                    }
                }
                Ok(Ok(())) => match scope.store().take_navigation() {
                    Some(nav) => {
                        scope.store().take_commands();
                        Applied::Accepted(navigate::apply(&mut s, live, seq, nav))
                    }
                    None => Applied::Accepted(render(&mut s, live, seq)),
                },
            }
        })
    }));
    match applied {
        Ok(Applied::Accepted(Some(f))) => Reply::One(f),
        // A navigation holding its frame for the page's data: the frame acknowledges it.
        Ok(Applied::Accepted(None)) if navigate::is_held(&s) => Reply::None,
        Ok(Applied::Accepted(None)) => Reply::One(seq_frame(frame::ACK, seq)),
        Ok(Applied::Refused { code, then }) => {
            let mut out = Vec::with_capacity(4);
            ServerFrame::Reject { seq, code }.encode(&mut out);
            match then {
                Some(f) => Reply::Frames(vec![out.into(), f]),
                None => Reply::One(out.into()),
            }
        }
        Err(payload) => ended(
            s,
            live,
            &*payload,
            &format!("event {} on hid {} panicked", event.name, event.hid),
            "handler or render panicked",
        ),
    }
}

/// Re-renders the dirty components into the next Patches frame (acknowledging `ack`), if
/// anything changed, followed by the browser commands the step queued
/// ([`focus`](super::command::focus), [`push_hook`](super::command::push_hook)): after the
/// patches, so they can name an element the patches create.
pub(crate) fn render(s: &mut Session, live: &LiveCore, ack: u64) -> Option<Bytes> {
    let commands = s.scope.store().take_commands();
    if !s.view.is_dirty()
        && commands.is_empty()
        && !s.cookie_written()
        && !s.scope.store().has_new_scripts()
    {
        return None;
    }
    let mut enc = live.encoder.borrow_mut();
    let s_store = &s.scope.store().clone();
    s.next_frame(&mut enc, ack, &live.app.config, |v, enc| {
        hook_script::emit(s_store, enc);
        if v.is_dirty() {
            v.rerender(enc);
        }
        command::emit(commands, v.root(), enc);
    })
}

/// `first` (a held navigation's frame), then `reply`.
fn then(first: Option<Bytes>, reply: Reply) -> Reply {
    let Some(first) = first else {
        return reply;
    };
    match reply {
        Reply::None => Reply::One(first),
        Reply::One(f) => Reply::Frames(vec![first, f]),
        Reply::Frames(mut fs) => {
            fs.insert(0, first);
            Reply::Frames(fs)
        }
        // The frame is in the ring: a resume sends it.
        other => other,
    }
}

/// A handler or render panicked outside any error boundary: the view may be half-updated,
/// the session is over (`what` goes to the log, `reason` to the client's close frame).
fn ended(
    s: std::cell::RefMut<'_, Session>,
    live: &LiveCore,
    payload: &(dyn std::any::Any + Send),
    what: &str,
    reason: &'static str,
) -> Reply {
    crate::component::dev_tree::report_fatal(payload);
    super::dev_session::ended(&s);
    let id = s.id;
    drop(s);
    live.registry.remove(&id, live.core.metrics());
    live.core.metrics().panics.fetch_add(1, Relaxed);
    log::error!(
        "core={} session={id} {what}; the session ended",
        live.core.index()
    );
    Reply::Fatal(close::PANIC, reason)
}

fn seq_frame(kind: u8, seq: u64) -> Bytes {
    let mut out = Vec::with_capacity(11);
    encode_seq(&mut out, kind, seq);
    out.into()
}
