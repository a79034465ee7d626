//! A session's synchronous steps: one client frame (or a bell ring) in, the reply out.
//!
//! No I/O and no await: the session is borrowed only inside these functions.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use async_tungstenite::tungstenite::Bytes;

use super::registry::{self, Session};
use super::socket::SessionCtx;
use crate::protocol::{close, decode_client, encode_seq, server::frame, ClientFrame, ServerFrame};

/// What to send back for one client frame.
pub(crate) enum Reply {
    None,
    Frames(Vec<Bytes>),
    One(Bytes),
    Close(u8, &'static str),
    /// An Error frame (the session is over; the client reloads), then a close.
    Fatal(u8, &'static str),
    End,
}

/// The frames a client that applied `applied` needs: the ring's, or one full render.
///
/// The full render is numbered `applied + 1` (the ring restarts there): a client applies
/// Patches strictly in seq order and answers a gap with Resync, so a full render numbered
/// after the frames it missed would be refused, and each Resync would bring another one.
pub(crate) fn catch_up(s: &mut Session, applied: u64, ctx: &SessionCtx) -> Vec<Bytes> {
    if let Some(frames) = s.frames_after(applied) {
        return frames;
    }
    s.restart_seq_at(applied);
    s.full_render(&ctx.app.config).into_iter().collect()
}

/// After the bell: re-renders if the view is dirty, acknowledging nothing new.
pub(crate) fn on_dirty(ctx: &SessionCtx, sess: &Rc<RefCell<Session>>, gen: u32) -> Reply {
    let mut s = sess.borrow_mut();
    if s.generation != gen || !s.view.is_dirty() {
        return Reply::None;
    }
    let ack = s.last_event;
    let config = &ctx.app.config;
    let store = s.store.clone();
    match catch_unwind(AssertUnwindSafe(|| {
        store.enter(|| s.next_frame(ack, config, |v, enc| v.rerender(enc)))
    })) {
        Ok(Some(f)) => Reply::One(f),
        Ok(None) => Reply::None,
        Err(_) => {
            let id = s.id;
            drop(s);
            registry::remove(&id, ctx.core.metrics());
            Reply::Fatal(close::PANIC, "render panicked")
        }
    }
}

/// Handles one client frame synchronously (no await while the session is borrowed).
pub(crate) fn on_frame(
    bytes: &[u8],
    ctx: &SessionCtx,
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
        ClientFrame::Event { seq, event } => {
            if seq <= s.last_event {
                // Already applied (a resend after reconnect): acknowledge again.
                return Reply::One(seq_frame(frame::ACK, s.last_event));
            }
            let config = &ctx.app.config;
            if !s.rate.take(config) {
                return Reply::Close(close::RATE_LIMIT, "event rate limit exceeded");
            }
            let store = s.store.clone();
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                store.enter(|| {
                    REJECTED.set(false);
                    let applied = s.view.dispatch(&event);
                    let rejected = REJECTED.replace(false);
                    s.last_event = seq;
                    let mut render = || match s.view.is_dirty() {
                        true => s.next_frame(seq, config, |v, enc| v.rerender(enc)),
                        false => None,
                    };
                    match applied {
                        Err(_) => Err((close::UNKNOWN_TARGET, None)),
                        Ok(()) if rejected => Err((close::REJECTED, render())),
                        Ok(()) => Ok(render()),
                    }
                })
            }));
            match outcome {
                Ok(Ok(Some(f))) => Reply::One(f),
                Ok(Ok(None)) => Reply::One(seq_frame(frame::ACK, seq)),
                Ok(Err((code, then))) => {
                    let mut out = Vec::with_capacity(4);
                    ServerFrame::Reject { seq, code }.encode(&mut out);
                    match then {
                        // What the handler changed before rejecting still renders.
                        Some(f) => Reply::Frames(vec![out.into(), f]),
                        None => Reply::One(out.into()),
                    }
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

thread_local! {
    /// Set by [`reject`] during a dispatch; read and cleared right after it.
    static REJECTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Refuses the event being handled: called from an event handler, it makes the session
/// answer that event with a Reject frame (code 11) instead of an Ack, so the client
/// reverts the optimistic update it applied (`data-opt-*`). The event still counts as
/// handled (a resend is not run again). Decide before mutating: whatever the handler
/// changed anyway is still rendered, in a Patches frame right after the Reject.
/// Outside an event handler it does nothing.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// let stock = signal(0u32);
/// let buy = button("Buy").optimistic_text("Bought!").on_click(move |_| {
///     if stock.get() == 0 {
///         return reject(); // sold out: the button's text reverts
///     }
///     stock.update(|n| *n -= 1);
/// });
/// # let _ = buy;
/// ```
pub fn reject() {
    REJECTED.set(true);
}

fn seq_frame(kind: u8, seq: u64) -> Bytes {
    let mut out = Vec::with_capacity(11);
    encode_seq(&mut out, kind, seq);
    out.into()
}
