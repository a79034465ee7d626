//! The event loop of an attached session: waits for the next input (a frame, a ring of
//! the bell, idleness), hands it to a synchronous step (`step`), sends the reply, and
//! returns the session when its view is asleep and its socket at rest (`park`).
//!
//! Runs in the connection's task on the session's core; borrows the session only inside
//! steps, never across an await.

use std::cell::RefCell;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::Poll;
use std::time::{Duration, Instant};

use async_io::Timer;
use async_tungstenite::tungstenite::{Bytes, Message};
use futures_lite::StreamExt as _;

use super::bell;
use super::host::LiveCore;
use super::limits::{ms_at, now_ms};
use super::session::Session;
use super::start::server_frame;
use super::step::{on_dirty, on_frame, Reply};
use super::upload::{connection_lost, on_upload_frame};
use crate::protocol::upload::UPLOAD;
use crate::protocol::{close, server::frame, ServerFrame};
use crate::server::websocket::{close_protocol_error, close_with, Incoming, WebSocket};

/// Sends one binary frame; `false` when the socket is gone.
pub(super) async fn send(ws: &mut WebSocket, frame: Bytes) -> bool {
    ws.send(Message::Binary(frame)).await.is_ok()
}

/// What the session loop keeps across a park: its place at the bell (a ring while parked
/// is not lost) and when the connection goes idle (a push does not move it).
pub(super) struct Carry {
    /// The session's place at the bell.
    pub(super) slot: bell::Slot,
    /// When the session goes idle unless a frame arrives first.
    pub(super) idle_at: Instant,
}

impl Carry {
    /// A fresh connection's: a new place at the bell, idle after the idle timeout.
    pub(super) fn new(live: &LiveCore) -> Carry {
        Carry {
            // No per-session stop listener (one allocation and a future slot per
            // session): the sweeper rings the bell when shutdown begins.
            slot: bell::Slot::new(),
            idle_at: Instant::now() + live.core.limits().ws_idle_timeout,
        }
    }
}

/// A session whose loop returned to park its socket.
pub(super) struct Parking {
    pub(super) sess: Rc<RefCell<Session>>,
    pub(super) gen: u32,
    pub(super) slot: bell::Slot,
    pub(super) idle_at: Instant,
}

/// How the session loop ended.
pub(super) enum Exit {
    /// The connection is over (closed, idle, replaced, or failed to send).
    Done,
    /// The view is asleep and the socket at rest: park it ([`super::park`]).
    Park(Parking),
}

/// Whether the session may park its socket now: its view is asleep, the codec holds
/// nothing of the client's, and the server is not stopping.
fn may_park(ws: &WebSocket, live: &LiveCore, sess: &Rc<RefCell<Session>>) -> bool {
    !live.core.is_stopping()
        && ws.get_ref().at_rest()
        && sess
            .try_borrow()
            .is_ok_and(|s| s.view.footprint().is_some())
}

pub(super) fn detach(live: &LiveCore, sess: &Rc<RefCell<Session>>, gen: u32) {
    if let Ok(s) = sess.try_borrow() {
        super::dev_session::detached(&s);
    }
    if sess.try_borrow().is_ok_and(|s| s.generation == gen) {
        connection_lost(sess);
    }
    live.registry.detach(sess, gen, live.core.metrics());
}

/// What woke the session loop.
enum Input {
    /// A WebSocket message.
    Msg(Incoming),
    /// The bell rang: state may have changed outside this session's events.
    Dirty,
    /// Nothing arrived for the idle timeout.
    Idle,
    /// Nothing arrived for `hibernate_after`: time to pack the view.
    Sleep,
    /// The server is shutting down.
    Stop,
}

/// The event loop of an attached session.
///
/// Only the wait for the next input is awaited here; answering is one boxed future per
/// input. This future lives as long as the session (and the runtime's spawn wrapper keeps
/// a second copy), so every local live across an await here costs memory per idle session.
#[allow(
    clippy::manual_async_fn,
    reason = "avoids rust-lang/rust#62958 argument copies"
)]
pub(super) fn serve<'a>(
    ws: &'a mut WebSocket,
    live: &'a LiveCore,
    sess: Rc<RefCell<Session>>,
    gen: u32,
    mut carry: Carry,
) -> impl Future<Output = Exit> + 'a {
    // Borrows the socket: the caller's future holds the one WebSocketStream.
    async move {
        // When the view hibernates unless an input arrives first (`NEVER`: asleep or off).
        // (`hibernate_after` is read where needed: a local would live in this future.)
        let mut sleep_at = sleep_deadline(live, Instant::now());
        // One timer for the connection, re-armed lazily: no timer traffic per event.
        let mut timer = Timer::at(earliest(sleep_at, carry.idle_at));
        // Whether the last input was handled (not a WebSocket control frame, whose
        // automatic answer may still wait in the codec): then an asleep view parks.
        let mut handled = false;
        if crate::component::dev::enabled() {
            super::dev_session::after_step(&sess.borrow());
        }
        loop {
            if handled && may_park(ws, live, &sess) {
                return Exit::Park(Parking {
                    sess,
                    gen,
                    slot: carry.slot,
                    idle_at: carry.idle_at,
                });
            }
            handled = true;
            let input = if live.core.is_stopping() {
                Input::Stop
            } else {
                next_input(&carry.slot, ws, &mut timer, carry.idle_at, sleep_at).await
            };
            let started = Instant::now();
            let reply = match input {
                Input::Stop => Reply::Close(close::SHUTDOWN, "server shutting down"),
                Input::Msg(Incoming::Binary(bytes)) if bytes.first() == Some(&UPLOAD) => {
                    carry.idle_at = started + live.core.limits().ws_idle_timeout;
                    // Awaited before the next read: one chunk in memory per session.
                    Box::pin(on_upload_frame(bytes, live, &sess, gen)).await
                }
                Input::Msg(Incoming::Binary(bytes)) => {
                    carry.idle_at = started + live.core.limits().ws_idle_timeout;
                    on_frame(&bytes, live, &sess, gen)
                }
                Input::Dirty if live.core.is_stopping() => continue,
                Input::Dirty => on_dirty(live, &sess, gen),
                Input::Msg(Incoming::Text) => Reply::Close(close::MALFORMED, "binary frames only"),
                Input::Msg(Incoming::TooLarge) => Reply::Close(close::TOO_LARGE, "frame too large"),
                Input::Msg(Incoming::ProtocolError) => Reply::ProtocolError,
                Input::Msg(Incoming::Closed) | Input::Idle => {
                    detach(live, &sess, gen);
                    return Exit::Done;
                }
                Input::Sleep => {
                    sleep_at = NEVER;
                    if let Ok(mut s) = sess.try_borrow_mut() {
                        s.view.hibernate();
                        live.registry.measure(&mut s, live.core.metrics());
                    }
                    continue;
                }
                Input::Msg(Incoming::Control) => {
                    handled = false;
                    continue;
                }
            };
            // The view was used: it hibernates `hibernate_after` from now.
            let was_asleep = sleep_at == NEVER;
            sleep_at = sleep_deadline(live, started);
            if was_asleep {
                // Deadlines only move later while the timer is armed; this one may be
                // earlier than what it waits for.
                timer.set_at(earliest(sleep_at, carry.idle_at));
            }
            if crate::component::dev::enabled() {
                super::dev_session::after_step(&sess.borrow());
            }
            if matches!(reply, Reply::None) {
                continue;
            }
            if !Box::pin(answer(ws, live, &sess, gen, reply, started)).await {
                return Exit::Done;
            }
        }
    }
}

/// Waits for the next input. The bell first: a session woken only because it is dirty
/// re-renders without a read syscall on its socket (a GlobalSignal write wakes thousands
/// of sessions at once); then the socket; then `Idle` once `idle_at` has passed (the one
/// timer fires at an older deadline and is re-armed to this one).
///
/// One poll function over borrowed state rather than nested `or` futures: it holds only
/// references and two values, and it is what every idle session's task waits in.
fn next_input<'s>(
    slot: &'s bell::Slot,
    ws: &'s mut WebSocket,
    timer: &'s mut Timer,
    idle_at: Instant,
    sleep_at: u32,
) -> impl Future<Output = Input> + 's {
    std::future::poll_fn(move |cx| {
        if pin!(slot.rung()).poll(cx).is_ready() {
            return Poll::Ready(Input::Dirty);
        }
        if let Poll::Ready(next) = ws.poll_next(cx) {
            return Poll::Ready(Input::Msg(Incoming::classify(next)));
        }
        while Pin::new(&mut *timer).poll(cx).is_ready() {
            let now = Instant::now();
            if now >= idle_at {
                return Poll::Ready(Input::Idle);
            }
            if passed(sleep_at) {
                // Armed again for the idle timeout: a fired timer never fires again.
                timer.set_at(idle_at);
                return Poll::Ready(Input::Sleep);
            }
            timer.set_at(earliest(sleep_at, idle_at));
        }
        Poll::Pending
    })
}

/// No hibernation deadline: the view is asleep, or hibernation is off.
const NEVER: u32 = u32::MAX;

/// When a view used at `at` hibernates, in milliseconds of this thread's clock
/// ([`ms_at`]; 4 bytes in the session's future where an `Option<Instant>` takes 16).
fn sleep_deadline(live: &LiveCore, at: Instant) -> u32 {
    // Sooner under memory pressure (`Budget::hibernate_after`).
    let after = (live.registry.budget()).hibernate_after(live.app.config.hibernate_after);
    if after.is_zero() {
        return NEVER;
    }
    // At most 24 days ahead, so that the wrapping comparison in `passed` holds.
    let ms = after.as_millis().min(u128::from(u32::MAX / 2)) as u32;
    match ms_at(at).wrapping_add(ms) {
        NEVER => NEVER - 1,
        t => t,
    }
}

/// Whether deadline `t` (of [`sleep_deadline`]) has passed.
fn passed(t: u32) -> bool {
    t != NEVER && now_ms().wrapping_sub(t) < 1 << 31
}

/// The earlier of deadline `sleep` (of [`sleep_deadline`]) and `idle_at`.
fn earliest(sleep: u32, idle_at: Instant) -> Instant {
    if sleep == NEVER {
        return idle_at;
    }
    let left = sleep.wrapping_sub(now_ms());
    if left >= 1 << 31 {
        return Instant::now();
    }
    (Instant::now() + Duration::from_millis(left.into())).min(idle_at)
}

/// Sends one input's reply; `false` when the connection is over. A frame sent counts as
/// one event in the metrics (events, bell re-renders; not acks of pings).
///
/// Boxed once per reply by the session loop, so the rare endings are boxed on their own:
/// with them inline this future was over 1 KiB, a size glibc serves from its large bins
/// after consolidating the fast bins, once per fanned-out patch.
pub(super) async fn answer(
    ws: &mut WebSocket,
    live: &LiveCore,
    sess: &Rc<RefCell<Session>>,
    gen: u32,
    reply: Reply,
    started: Instant,
) -> bool {
    match reply {
        Reply::None => {}
        Reply::One(f) => {
            // Only Patches, Ack and Reject frames answer an event or a ring of the bell.
            let counts = matches!(
                f.first(),
                Some(&frame::PATCHES | &frame::ACK | &frame::REJECT)
            );
            let n = f.len();
            // Here, not in the session loop: a borrow of the reply there would grow the
            // session's future (this one is boxed per reply).
            (live.registry).measure_now_and_then(sess, n, live.core.metrics());
            if !send(ws, f).await {
                detach(live, sess, gen);
                return false;
            }
            if counts {
                live.core.metrics().observe_event(started.elapsed(), n);
            }
        }
        Reply::Frames(fs) => {
            for f in fs {
                if !send(ws, f).await {
                    detach(live, sess, gen);
                    return false;
                }
            }
        }
        Reply::Close(code, why) => {
            detach(live, sess, gen);
            Box::pin(close_with(ws, code, why)).await;
            return false;
        }
        Reply::ProtocolError => {
            detach(live, sess, gen);
            Box::pin(close_protocol_error(ws)).await;
            return false;
        }
        Reply::Fatal(code, why) => {
            Box::pin(fatal(ws, code, why)).await;
            return false;
        }
        Reply::End => {
            // The tab said it is going away: its dev channel's held polls end now.
            if let Ok(s) = sess.try_borrow() {
                super::dev_session::detached(&s);
            }
            let _ = Box::pin(ws.close(None)).await;
            return false;
        }
    }
    true
}

/// Sends an Error frame (the session is over; the client reloads), then closes.
pub(super) async fn fatal(ws: &mut WebSocket, code: u8, why: &'static str) {
    let f = server_frame(&ServerFrame::Error {
        code,
        message: why.to_owned(),
    });
    if send(ws, f).await {
        Box::pin(close_with(ws, code, why)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The session loop lives in the connection's task while the session is awake.
    #[test]
    fn the_session_loop_is_small() {
        fn ret_size5<A, B, C, D, E, F>(_: impl Fn(A, B, C, D, E) -> F) -> usize {
            std::mem::size_of::<F>()
        }
        let serve = ret_size5(serve);
        println!("serve loop: {serve} bytes");
        assert!(serve <= 232, "serve loop grew to {serve} bytes");
    }

    /// `answer` is boxed once per reply (every fanned-out patch): it must stay in glibc's
    /// small bins (a request of 1 KiB or more consolidates the fast bins first).
    #[test]
    fn the_boxed_reply_future_is_small() {
        fn ret_size6<A, B, C, D, E, G, F>(_: impl Fn(A, B, C, D, E, G) -> F) -> usize {
            std::mem::size_of::<F>()
        }
        let answer = ret_size6(answer);
        println!("answer future: {answer} bytes");
        assert!(answer <= 512, "answer future grew to {answer} bytes");
    }
}
