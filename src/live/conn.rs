//! A session's WebSocket: Hello (new, resume, or hand-off to the owning core), then the
//! loop that waits for the next input (a frame, a ring of the bell, idleness), hands it
//! to a synchronous step (`step`), and sends the reply.
//!
//! Runs in the connection's task on the session's core; borrows the session only inside
//! steps, never across an await.

use std::cell::RefCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::Poll;
use std::time::{Duration, Instant};

use async_io::Timer;
use async_tungstenite::tungstenite::{Bytes, Message};
use futures_lite::{future, FutureExt as _, StreamExt as _};

use super::bell;
use super::cookie::cookie_in;
use super::csrf::TokenError;
use super::host::LiveCore;
use super::id::SessionId;
use super::limits::{ms_at, now_ms};
use super::session::Session;
use super::start::{server_frame, start_new};
use super::step::{catch_up, on_dirty, on_frame, Reply};
use super::upload::{connection_lost, on_upload_frame};
use crate::protocol::upload::UPLOAD;
use crate::protocol::{close, decode_client, server::frame, ClientFrame, HelloStatus, ServerFrame};
use crate::server::core::Core;
use crate::server::websocket::{
    close_protocol_error, close_with, next_incoming, Incoming, WebSocket,
};
use crate::server::ConnInfo;

/// The Hello fields a resume needs (owned: they may travel to another core).
struct Resume {
    id: SessionId,
    last_patch_seq: u64,
    /// The token was signed with this app's key (its age does not matter for a resume).
    signed: bool,
}

async fn send(ws: &mut WebSocket, frame: Bytes) -> bool {
    ws.send(Message::Binary(frame)).await.is_ok()
}

#[allow(
    clippy::manual_async_fn,
    reason = "avoids rust-lang/rust#62958 argument copies"
)]
/// Runs one upgraded connection on `live`'s core: reads Hello and serves the session it
/// names (new, resumed, or handed to the core that owns it).
///
/// # Examples
///
/// Re-exported as `vango::live::serve_connection`. `App` calls it for every accepted
/// `/_vango/live` upgrade; a custom transport hands it each upgraded socket. It needs a
/// running server's core, so this is compiled, not run:
///
/// ```no_run
/// use std::rc::Rc;
/// use vango::live::{serve_connection, LiveCore};
/// use vango::server::{websocket::WebSocket, ConnInfo};
/// /// A custom transport's upgrade handler: the session's whole life is this future.
/// async fn on_upgrade(ws: WebSocket, live: Rc<LiveCore>, info: ConnInfo) {
///     serve_connection(ws, live, info).await;
/// }
/// ```
pub fn run(mut ws: WebSocket, live: Rc<LiveCore>, info: ConnInfo) -> impl Future<Output = ()> {
    // Boxed: the upgrade's facts are needed only by the greeting.
    let info = Box::new(info);
    async move {
        // Boxed: the greeting's state is freed once the session is attached, so the
        // long-lived connection future holds only the event loop.
        match Box::pin(hello(&mut ws, &live, info)).await {
            Attach::Serve(sess, gen) => serve(&mut ws, &live, sess, gen).await,
            Attach::HandOff(resume) => hand_off(ws, &live, resume),
            Attach::Done => {}
        }
    }
}

/// How the Hello phase ended.
enum Attach {
    /// Serve this session here (generation attached).
    Serve(Rc<RefCell<Session>>, u32),
    /// The session lives on another core.
    HandOff(Resume),
    /// Refused or closed (already answered).
    Done,
}

/// Reads and checks Hello; starts or resumes the session when it lives on this core.
/// The cookie session id the upgrade carries (`""`: none or not valid), which the page's
/// CSRF token must be bound to.
fn session_id_of(live: &LiveCore, info: &ConnInfo) -> String {
    let headers = info.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    live.app.cookies.id_of(cookie_in(headers))
}

async fn hello(ws: &mut WebSocket, live: &LiveCore, info: Box<ConnInfo>) -> Attach {
    let limit = live.core.limits().header_timeout;
    let first = future::or(async { Some(next_incoming(ws).await) }, async {
        Timer::after(limit).await;
        None
    })
    .await;
    let bytes = match first {
        Some(Incoming::Binary(b)) => b,
        Some(Incoming::Text) => {
            close_with(ws, close::MALFORMED, "binary frames only").await;
            return Attach::Done;
        }
        Some(Incoming::TooLarge) => {
            close_with(ws, close::TOO_LARGE, "frame too large").await;
            return Attach::Done;
        }
        Some(Incoming::ProtocolError) => {
            close_protocol_error(ws).await;
            return Attach::Done;
        }
        Some(Incoming::Closed | Incoming::Control) | None => return Attach::Done,
    };
    let (token, session, last_patch_seq, render_hash, path, csrf) = match decode_client(&bytes) {
        Ok(ClientFrame::Hello {
            version,
            csrf,
            session,
            last_patch_seq,
            render_hash,
            path,
            ..
        }) => {
            if version < crate::protocol::VERSION {
                // An Error frame, not a bare Close: a tab still running the client of an
                // older deploy reloads on it (every client version does) and comes back
                // with the current bundle, where a Close would only have it retry the
                // same Hello with backoff for as long as the tab stays open.
                fatal(ws, close::VERSION, "protocol version not supported").await;
                return Attach::Done;
            }
            (
                live.app.csrf.check_for(&csrf, &session_id_of(live, &info)),
                session,
                last_patch_seq,
                render_hash,
                path,
                csrf,
            )
        }
        Ok(_) => {
            close_with(ws, close::MALFORMED, "expected Hello").await;
            return Attach::Done;
        }
        Err(e) => {
            close_with(ws, e.close_code(), e.kind()).await;
            return Attach::Done;
        }
    };
    drop(bytes);
    if session.is_empty() {
        // A new session mounts a page in the user's name: only with a fresh token.
        if let Err(e) = token {
            close_with(ws, close::FORBIDDEN, e.reason()).await;
            return Attach::Done;
        }
        let Some((sess, greeting)) = start_new(ws, live, render_hash, &path, &info, csrf).await
        else {
            return Attach::Done;
        };
        for frame in greeting {
            if !send(ws, frame).await {
                detach(live, &sess, 0);
                return Attach::Done;
            }
        }
        return Attach::Serve(sess, 0);
    }
    // A resume: the session decides first (PROTOCOL.md, "Hello and the CSRF token"). An id
    // naming no session here is Gone whatever the token, so that a tab stranded by a
    // restart starts over instead of being refused.
    // An id naming another node (the proxy sent the resume elsewhere: its node is down)
    // is Gone here, and the tab is mounted afresh on this node.
    let Some(id) = live.app.parse_id(&session) else {
        gone(ws, &session).await;
        return Attach::Done;
    };
    if id.core() >= live.core.cores() {
        // Its core is not running (the server restarted with fewer): answered here.
        gone(ws, &session).await;
        return Attach::Done;
    }
    // The page may predate the browser's cookie session (a live write gave it one since):
    // its token, bound to no session, still names this key.
    let unbound = live.app.csrf.check_for(&csrf, "");
    let signed = [token, unbound]
        .iter()
        .any(|t| !matches!(t, Err(TokenError::Malformed | TokenError::Forged)));
    let resume = Resume {
        id,
        last_patch_seq,
        signed,
    };
    if id.core() != live.core.index() {
        return Attach::HandOff(resume);
    }
    match resume_greet(ws, live, resume).await {
        Some((sess, gen)) => Attach::Serve(sess, gen),
        None => Attach::Done,
    }
}

/// Sends the socket to the core that owns the session; state never moves.
fn hand_off(ws: WebSocket, live: &LiveCore, resume: Resume) {
    let handed = live.core.send_to(
        resume.id.core(),
        Box::new(move |core: &Rc<Core>| {
            if let Some(live) = LiveCore::of(core) {
                core.spawn(async move {
                    let _ = AssertUnwindSafe(resume_here(ws, live, resume))
                        .catch_unwind()
                        .await;
                });
            }
        }),
    );
    // `false` only when the owning core is shutting down (its inbox is gone; `hello`
    // answered Gone for a core that does not exist): the socket went with the message and
    // is dropped, and the client reconnects.
    if handed {
        live.core
            .metrics()
            .handoffs
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

async fn gone(ws: &mut WebSocket, session: &str) {
    let f = server_frame(&ServerFrame::ServerHello {
        version: crate::protocol::VERSION,
        status: HelloStatus::Gone,
        session: session.to_owned(),
        last_event_seq: 0,
    });
    if send(ws, f).await {
        let _ = ws.close(None).await;
    }
}

/// Resumes a handed-over session on this (its owning) core, then serves it.
#[allow(
    clippy::manual_async_fn,
    reason = "avoids rust-lang/rust#62958 argument copies"
)]
fn resume_here(mut ws: WebSocket, live: Rc<LiveCore>, r: Resume) -> impl Future<Output = ()> {
    async move {
        if let Some((sess, gen)) = Box::pin(resume_greet(&mut ws, &live, r)).await {
            serve(&mut ws, &live, sess, gen).await;
        }
    }
}

/// Attaches to session `r.id` (which lives on this core): greets, then resends what the
/// client missed (or re-renders the root). `None` when the session is gone or the send fails.
async fn resume_greet(
    ws: &mut WebSocket,
    live: &LiveCore,
    r: Resume,
) -> Option<(Rc<RefCell<Session>>, u32)> {
    let Some(sess) = live.registry.get(&r.id) else {
        gone(ws, &live.app.id_text(r.id)).await;
        return None;
    };
    if !r.signed {
        close_with(ws, close::FORBIDDEN, "bad CSRF token").await;
        return None;
    }
    let (gen, frames) = {
        let mut s = sess.borrow_mut();
        s.generation = s.generation.wrapping_add(1);
        s.detached_at = None;
        let hello = server_frame(&ServerFrame::ServerHello {
            version: crate::protocol::VERSION,
            status: HelloStatus::Resumed,
            session: live.app.id_text(r.id),
            last_event_seq: s.last_event,
        });
        let mut frames = vec![hello];
        frames.extend(catch_up(&mut s, r.last_patch_seq, live));
        (s.generation, frames)
    };
    // What changed while it was away (an upload that broke off) renders now, not at the
    // next event.
    let frames = match on_dirty(live, &sess, gen) {
        Reply::One(f) => frames.into_iter().chain(Some(f)).collect(),
        _ => frames,
    };
    for f in frames {
        if !send(ws, f).await {
            detach(live, &sess, gen);
            return None;
        }
    }
    Some((sess, gen))
}

fn detach(live: &LiveCore, sess: &Rc<RefCell<Session>>, gen: u32) {
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
fn serve<'a>(
    ws: &'a mut WebSocket,
    live: &'a LiveCore,
    sess: Rc<RefCell<Session>>,
    gen: u32,
) -> impl Future<Output = ()> + 'a {
    // Borrows the socket: the caller's future holds the one WebSocketStream.
    async move {
        // When the session goes idle unless a frame arrives first.
        let mut idle_at = Instant::now() + live.core.limits().ws_idle_timeout;
        // When the view hibernates unless an input arrives first (`NEVER`: asleep or off).
        // (`hibernate_after` is read where needed: a local would live in this future.)
        let mut sleep_at = sleep_deadline(live, Instant::now());
        // One timer for the connection, re-armed lazily: no timer traffic per event.
        let mut timer = Timer::at(earliest(sleep_at, idle_at));
        // No per-session stop listener (one allocation and a future slot per session):
        // the sweeper rings the bell when shutdown begins, and the flag is checked here.
        let slot = bell::Slot::new();
        if crate::component::dev::enabled() {
            super::dev_session::after_step(&sess.borrow());
        }
        loop {
            let input = if live.core.is_stopping() {
                Input::Stop
            } else {
                next_input(&slot, ws, &mut timer, idle_at, sleep_at).await
            };
            let started = Instant::now();
            let reply = match input {
                Input::Stop => Reply::Close(close::SHUTDOWN, "server shutting down"),
                Input::Msg(Incoming::Binary(bytes)) if bytes.first() == Some(&UPLOAD) => {
                    idle_at = started + live.core.limits().ws_idle_timeout;
                    // Awaited before the next read: one chunk in memory per session.
                    Box::pin(on_upload_frame(bytes, live, &sess, gen)).await
                }
                Input::Msg(Incoming::Binary(bytes)) => {
                    idle_at = started + live.core.limits().ws_idle_timeout;
                    on_frame(&bytes, live, &sess, gen)
                }
                Input::Dirty if live.core.is_stopping() => continue,
                Input::Dirty => on_dirty(live, &sess, gen),
                Input::Msg(Incoming::Text) => Reply::Close(close::MALFORMED, "binary frames only"),
                Input::Msg(Incoming::TooLarge) => Reply::Close(close::TOO_LARGE, "frame too large"),
                Input::Msg(Incoming::ProtocolError) => Reply::ProtocolError,
                Input::Msg(Incoming::Closed) | Input::Idle => return detach(live, &sess, gen),
                Input::Sleep => {
                    sleep_at = NEVER;
                    if let Ok(mut s) = sess.try_borrow_mut() {
                        s.view.hibernate();
                        live.registry.measure(&mut s, live.core.metrics());
                    }
                    continue;
                }
                Input::Msg(Incoming::Control) => continue,
            };
            // The view was used: it hibernates `hibernate_after` from now.
            let was_asleep = sleep_at == NEVER;
            sleep_at = sleep_deadline(live, started);
            if was_asleep {
                // Deadlines only move later while the timer is armed; this one may be
                // earlier than what it waits for.
                timer.set_at(earliest(sleep_at, idle_at));
            }
            if crate::component::dev::enabled() {
                super::dev_session::after_step(&sess.borrow());
            }
            if matches!(reply, Reply::None) {
                continue;
            }
            if !Box::pin(answer(ws, live, &sess, gen, reply, started)).await {
                return;
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
async fn answer(
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
async fn fatal(ws: &mut WebSocket, code: u8, why: &'static str) {
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

    fn ret_size<A, B, C, F>(_: impl Fn(A, B, C) -> F) -> usize {
        std::mem::size_of::<F>()
    }

    /// The session loop lives in the connection's task for the session's whole life.
    #[test]
    fn session_futures_are_small() {
        let run = ret_size(run);
        fn ret_size4<A, B, C, D, F>(_: impl Fn(A, B, C, D) -> F) -> usize {
            std::mem::size_of::<F>()
        }
        let serve = ret_size4(serve);
        println!("session run future: {run} bytes; serve loop: {serve} bytes");
        // The runtime's spawn wrapper doubles whatever this is.
        assert!(run <= 640, "run future grew to {run} bytes");
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
