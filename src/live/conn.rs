//! A session's WebSocket until its session loop runs: Hello (new, resume, or hand-off to
//! the owning core), the greeting, then the loop (`serve`) and, when it returns an asleep
//! session, the park (`park`).
//!
//! Runs in the connection's task on the session's core.

use std::cell::RefCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;

use async_io::Timer;
use futures_lite::{future, FutureExt as _};

use super::cookie::cookie_in;
use super::csrf::TokenError;
use super::host::LiveCore;
use super::id::SessionId;
use super::park::park;
use super::serve::{detach, fatal, send, serve, Carry, Exit};
use super::session::Session;
use super::start::{server_frame, start_new};
use super::step::{catch_up, on_dirty, Reply};
use crate::protocol::{close, decode_client, ClientFrame, HelloStatus, ServerFrame};
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
            Attach::Serve(sess, gen) => {
                if let Exit::Park(p) = serve(&mut ws, &live, sess, gen, Carry::new(&live)).await {
                    park(ws, live, p);
                }
            }
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

/// The cookie session id the upgrade carries (`""`: none or not valid), which the page's
/// CSRF token must be bound to.
fn session_id_of(live: &LiveCore, info: &ConnInfo) -> String {
    let headers = info.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    live.app.cookies.id_of(cookie_in(headers))
}

/// Reads and checks Hello; starts or resumes the session when it lives on this core.
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
            if let Exit::Park(p) = serve(&mut ws, &live, sess, gen, Carry::new(&live)).await {
                park(ws, live, p);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ret_size<A, B, C, F>(_: impl Fn(A, B, C) -> F) -> usize {
        std::mem::size_of::<F>()
    }

    /// The connection's future (with the session loop in it) lives in the connection's
    /// task while the session is awake.
    #[test]
    fn the_connection_future_is_small() {
        let run = ret_size(run);
        println!("session run future: {run} bytes");
        // With the socket's connection count (40 bytes, held by the accepting task before
        // sockets could park) and its frame counter (16) in the stream.
        assert!(run <= 696, "run future grew to {run} bytes");
    }
}
