//! A session's WebSocket: Hello (new, resume, or hand-off to the owning core), then the
//! event loop: decode → dispatch → rerender → one Patches frame (or an Ack) per event.
//!
//! Runs in the connection's task on the session's core; borrows the session only between
//! awaits, never across one.

use std::cell::RefCell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::rc::Rc;
use std::time::Instant;

use async_io::Timer;
use async_tungstenite::tungstenite::{Bytes, Error as WsError, Message};
use futures_lite::{future, FutureExt as _, StreamExt};

use super::registry::{self, Session};
use super::SessionId;
use crate::protocol::{
    close, decode_client, encode_seq, server::frame, ClientFrame, HelloStatus, ServerFrame,
};
use crate::server::app::AppShared;
use crate::server::core::Core;
use crate::server::websocket::{close_with, WebSocket};

/// What a core's sessions need: the core, and the app's pages and settings.
pub struct SessionCtx {
    pub(crate) core: Rc<Core>,
    pub(crate) app: std::sync::Arc<AppShared>,
}

thread_local! {
    static CTX: RefCell<Option<Rc<SessionCtx>>> = const { RefCell::new(None) };
}

/// Makes `ctx` this core's context (for sessions handed over from other cores).
pub(crate) fn set_current(ctx: Rc<SessionCtx>) {
    CTX.with(|c| *c.borrow_mut() = Some(ctx));
}

pub(crate) fn clear_current() {
    let ctx = CTX.with(|c| c.borrow_mut().take());
    drop(ctx);
}

fn current() -> Option<Rc<SessionCtx>> {
    CTX.with(|c| c.borrow().clone())
}

/// The Hello fields a resume needs (owned: they may travel to another core).
struct Resume {
    id: SessionId,
    last_patch_seq: u64,
}

fn server_frame(f: &ServerFrame) -> Bytes {
    let mut out = Vec::with_capacity(48);
    f.encode(&mut out);
    out.into()
}

async fn send(ws: &mut WebSocket, frame: Bytes) -> bool {
    ws.send(Message::Binary(frame)).await.is_ok()
}

/// Runs one upgraded connection: reads Hello and serves the session it names.
#[allow(
    clippy::manual_async_fn,
    reason = "avoids rust-lang/rust#62958 argument copies"
)]
pub(crate) fn run(mut ws: WebSocket, ctx: Rc<SessionCtx>) -> impl Future<Output = ()> {
    async move {
        let limit = ctx.core.limits().header_timeout;
        let first = future::or(async { ws.next().await }, async {
            Timer::after(limit).await;
            None
        })
        .await;
        let bytes = match first {
            Some(Ok(Message::Binary(b))) => b,
            Some(Ok(Message::Text(_))) => {
                return Box::pin(close_with(&mut ws, close::MALFORMED, "binary frames only")).await
            }
            _ => return,
        };
        let hello = match decode_client(&bytes) {
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
                    return Box::pin(close_with(
                        &mut ws,
                        close::VERSION,
                        "protocol version not supported",
                    ))
                    .await;
                }
                if !ctx.app.csrf.verify(&csrf) {
                    return Box::pin(close_with(&mut ws, close::FORBIDDEN, "bad CSRF token")).await;
                }
                (session, last_patch_seq, render_hash, path)
            }
            Ok(_) => {
                return Box::pin(close_with(&mut ws, close::MALFORMED, "expected Hello")).await
            }
            Err(e) => return Box::pin(close_with(&mut ws, e.close_code(), e.kind())).await,
        };
        drop(bytes);
        let (session, last_patch_seq, render_hash, path) = hello;
        if session.is_empty() {
            let Some((sess, gen)) = Box::pin(start_new(&mut ws, &ctx, render_hash, &path)).await
            else {
                return;
            };
            drop(path);
            return serve(ws, ctx, sess, gen).await;
        }
        let Some(id) = SessionId::parse(&session) else {
            return Box::pin(gone(&mut ws, &session)).await;
        };
        let resume = Resume { id, last_patch_seq };
        if id.core() == ctx.core.index() {
            return resume_here(ws, ctx, resume).await;
        }
        // The session lives on another core: hand the socket over; state never moves.
        let handed = ctx.core.send_to(
            id.core(),
            Box::new(move |core: &Rc<Core>| {
                if let Some(ctx) = current() {
                    core.spawn(async move {
                        let _ = AssertUnwindSafe(resume_here(ws, ctx, resume))
                            .catch_unwind()
                            .await;
                    });
                }
            }),
        );
        if handed {
            ctx.core
                .metrics()
                .handoffs
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        // `false`: no such core (the server restarted with fewer); the socket went with the
        // message and was dropped, so the client reconnects and starts a fresh session.
    }
}

/// Mounts the page at `path` as a new session on this core and greets the client.
async fn start_new(
    ws: &mut WebSocket,
    ctx: &SessionCtx,
    client_hash: u32,
    path: &str,
) -> Option<(Rc<RefCell<Session>>, u32)> {
    let core = &ctx.core;
    if registry::count() >= ctx.app.config.max_sessions_per_core || core.is_stopping() {
        close_with(ws, close::CAPACITY, "server at capacity").await;
        return None;
    }
    let path_only = path.split_once('?').map_or(path, |(p, _)| p);
    let Some(view) = catch_unwind(AssertUnwindSafe(|| ctx.app.mount(path_only)))
        .ok()
        .flatten()
    else {
        close_with(ws, close::UNKNOWN_TARGET, "no page at this path").await;
        return None;
    };
    let Ok(id) = SessionId::generate(core.index()) else {
        close_with(ws, close::CAPACITY, "no randomness for a session id").await;
        return None;
    };
    let mut session = Session::new(id, view);
    let hash = crate::render::render_hash(session.view.root());
    let repaint = (hash != client_hash)
        .then(|| session.full_render(&ctx.app.config))
        .flatten();
    let sess = registry::insert(session, core.metrics());
    let hello = server_frame(&ServerFrame::ServerHello {
        version: crate::protocol::VERSION,
        status: HelloStatus::New,
        session: id.to_string(),
        last_event_seq: 0,
    });
    let ok = send(ws, hello).await
        && match repaint {
            Some(f) => send(ws, f).await,
            None => true,
        };
    if !ok {
        sess.borrow_mut().detached_at = Some(Instant::now());
        return None;
    }
    Some((sess, 0))
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

/// Resumes session `r.id` on this (its owning) core: greets, resends what the client
/// missed (or re-renders the root), then serves.
#[allow(
    clippy::manual_async_fn,
    reason = "avoids rust-lang/rust#62958 argument copies"
)]
fn resume_here(mut ws: WebSocket, ctx: Rc<SessionCtx>, r: Resume) -> impl Future<Output = ()> {
    async move {
        let Some(sess) = registry::get(&r.id) else {
            return Box::pin(gone(&mut ws, &r.id.to_string())).await;
        };
        let (gen, frames) = {
            let mut s = sess.borrow_mut();
            s.generation = s.generation.wrapping_add(1);
            s.detached_at = None;
            let hello = server_frame(&ServerFrame::ServerHello {
                version: crate::protocol::VERSION,
                status: HelloStatus::Resumed,
                session: r.id.to_string(),
                last_event_seq: s.last_event,
            });
            let mut frames = vec![hello];
            frames.extend(catch_up(&mut s, r.last_patch_seq, &ctx));
            (s.generation, frames)
        };
        for f in frames {
            if !send(&mut ws, f).await {
                return detach(&sess, gen);
            }
        }
        serve(ws, ctx, sess, gen).await
    }
}

/// The frames a client that applied `applied` needs: the ring's, or one full render.
fn catch_up(s: &mut Session, applied: u64, ctx: &SessionCtx) -> Vec<Bytes> {
    if let Some(frames) = s.frames_after(applied).map(|f| f.cloned().collect()) {
        return frames;
    }
    s.full_render(&ctx.app.config).into_iter().collect()
}

fn detach(sess: &Rc<RefCell<Session>>, gen: u32) {
    let mut s = sess.borrow_mut();
    if s.generation == gen {
        s.detached_at = Some(Instant::now());
    }
}

enum Input {
    Msg(Option<Result<Message, WsError>>),
    Stop,
    Idle,
}

/// What to send back for one client frame.
enum Reply {
    None,
    Frames(Vec<Bytes>),
    One(Bytes),
    Close(u8, &'static str),
    /// An Error frame (the session is over; the client reloads), then a close.
    Fatal(u8, &'static str),
    End,
}

/// The event loop of an attached session.
#[allow(
    clippy::manual_async_fn,
    reason = "avoids rust-lang/rust#62958 argument copies"
)]
fn serve(
    mut ws: WebSocket,
    ctx: Rc<SessionCtx>,
    sess: Rc<RefCell<Session>>,
    gen: u32,
) -> impl Future<Output = ()> {
    async move {
        let idle = ctx.core.limits().ws_idle_timeout;
        let mut last_seen = Instant::now();
        // One timer for the connection, re-armed lazily: no timer traffic per event.
        let mut timer = Timer::at(last_seen + idle);
        let mut stop = pin!(ctx.core.stopped());
        loop {
            let input = future::or(async { Input::Msg(ws.next().await) }, async {
                future::or(
                    async {
                        (&mut stop).await;
                        Input::Stop
                    },
                    async {
                        loop {
                            (&mut timer).await;
                            if last_seen.elapsed() >= idle {
                                return Input::Idle;
                            }
                            timer.set_at(last_seen + idle);
                        }
                    },
                )
                .await
            })
            .await;
            let bytes = match input {
                Input::Msg(Some(Ok(Message::Binary(b)))) => b,
                Input::Msg(Some(Ok(Message::Text(_)))) => {
                    detach(&sess, gen);
                    return Box::pin(close_with(&mut ws, close::MALFORMED, "binary frames only"))
                        .await;
                }
                Input::Msg(Some(Ok(Message::Close(_)))) | Input::Msg(None) | Input::Idle => {
                    return detach(&sess, gen);
                }
                Input::Msg(Some(Err(WsError::Capacity(_)))) => {
                    detach(&sess, gen);
                    return Box::pin(close_with(&mut ws, close::TOO_LARGE, "frame too large"))
                        .await;
                }
                Input::Msg(Some(Err(_))) => return detach(&sess, gen),
                Input::Msg(Some(Ok(_))) => continue,
                Input::Stop => {
                    detach(&sess, gen);
                    return Box::pin(close_with(&mut ws, close::SHUTDOWN, "server shutting down"))
                        .await;
                }
            };
            let started = Instant::now();
            last_seen = started;
            let reply = on_frame(&bytes, &ctx, &sess, gen);
            drop(bytes);
            let sent_bytes = match reply {
                Reply::None => 0,
                Reply::One(f) => {
                    let n = f.len();
                    if !send(&mut ws, f).await {
                        return detach(&sess, gen);
                    }
                    n
                }
                Reply::Frames(fs) => {
                    for f in fs {
                        if !send(&mut ws, f).await {
                            return detach(&sess, gen);
                        }
                    }
                    0
                }
                Reply::Close(code, why) => {
                    detach(&sess, gen);
                    return Box::pin(close_with(&mut ws, code, why)).await;
                }
                Reply::Fatal(code, why) => {
                    let f = server_frame(&ServerFrame::Error {
                        code,
                        message: why.to_owned(),
                    });
                    if send(&mut ws, f).await {
                        Box::pin(close_with(&mut ws, code, why)).await;
                    }
                    return;
                }
                Reply::End => {
                    let _ = ws.close(None).await;
                    return;
                }
            };
            if sent_bytes > 0 {
                ctx.core
                    .metrics()
                    .observe_event(started.elapsed(), sent_bytes);
            }
        }
    }
}

/// Handles one client frame synchronously (no await while the session is borrowed).
fn on_frame(bytes: &[u8], ctx: &SessionCtx, sess: &Rc<RefCell<Session>>, gen: u32) -> Reply {
    let frame = match decode_client(bytes) {
        Ok(f) => f,
        Err(e) => return Reply::Close(e.close_code(), e.kind()),
    };
    let mut s = sess.borrow_mut();
    if s.generation != gen {
        return Reply::Close(close::NORMAL, "session resumed elsewhere");
    }
    match frame {
        ClientFrame::Event { seq, event } => {
            if seq <= s.last_event {
                // Already applied (a resend after reconnect): acknowledge again.
                return Reply::One(seq_frame(frame::ACK, s.last_event));
            }
            let config = &ctx.app.config;
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let applied = s.view.dispatch(&event);
                s.last_event = seq;
                match applied {
                    Err(_) => Err(seq),
                    Ok(()) if s.view.is_dirty() => {
                        Ok(s.next_frame(seq, config, |v, enc| v.rerender(enc)))
                    }
                    Ok(()) => Ok(None),
                }
            }));
            match outcome {
                Ok(Ok(Some(f))) => Reply::One(f),
                Ok(Ok(None)) => Reply::One(seq_frame(frame::ACK, seq)),
                Ok(Err(seq)) => {
                    let mut out = Vec::with_capacity(4);
                    ServerFrame::Reject {
                        seq,
                        code: close::UNKNOWN_TARGET,
                    }
                    .encode(&mut out);
                    Reply::One(out.into())
                }
                Err(_) => {
                    // The view may be half-updated: the session is over.
                    let id = s.id;
                    drop(s);
                    registry::remove(&id, ctx.core.metrics());
                    ctx.core
                        .metrics()
                        .panics
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Reply::Fatal(close::PANIC, "handler or render panicked")
                }
            }
        }
        ClientFrame::Ping(n) => Reply::One(seq_frame(frame::PONG, n)),
        ClientFrame::Pong(_) => Reply::None,
        ClientFrame::Resync { last_patch_seq } => {
            Reply::Frames(catch_up(&mut s, last_patch_seq, ctx))
        }
        ClientFrame::Close { .. } => {
            // The tab is going away for good: free the session now.
            let id = s.id;
            drop(s);
            registry::remove(&id, ctx.core.metrics());
            Reply::End
        }
        ClientFrame::Hello { .. } => Reply::Close(close::MALFORMED, "second Hello"),
    }
}

fn seq_frame(kind: u8, seq: u64) -> Bytes {
    let mut out = Vec::with_capacity(11);
    encode_seq(&mut out, kind, seq);
    out.into()
}
