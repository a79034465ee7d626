//! Parked connections: an idle session whose view is asleep gives up its connection's task
//! and WebSocket stream; its socket waits in a small task of its own until a byte arrives,
//! the bell rings with something to send, the idle timeout passes or the server stops,
//! and then gets a stream and a session loop again (`revive`).
//!
//! Why: an idle session's connection task (≈ 0.8 KiB: the stream, the loop's state) and
//! the codec's heap parts were a third of an idle counter session's memory. Parked, the
//! socket, its place at the bell and its deadline (kept at the bell: the sweeper wakes it,
//! no timer of its own) are all that is left. Only a socket at rest parks
//! ([`Upgraded::at_rest`]: the codec holds no part of a frame or message), so a fresh
//! stream over it reads on exactly where the old one stopped.
//!
//! Touches the session only through `step::on_dirty` and `serve::detach`, on its core.

use std::future::Future;
use std::net::TcpStream;
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::task::Poll;
use std::time::Instant;

use async_io::Async;
use async_tungstenite::tungstenite::protocol::Role;
use async_tungstenite::WebSocketStream;

use super::host::LiveCore;
use super::serve::{answer, detach, serve, Carry, Exit, Parking};
use super::step::{on_dirty, Reply};
use crate::server::lease::ConnGuard;
use crate::server::websocket::{ws_config, Upgraded, WebSocket};

/// Parks the socket of session `p`, whose loop returned it asleep and at rest.
pub(super) fn park(ws: WebSocket, live: Rc<LiveCore>, p: Parking) {
    let (io, rest, lease) = ws.into_inner().into_lease();
    debug_assert!(rest.is_empty(), "parked with bytes read ahead");
    live.core.metrics().parked.fetch_add(1, Relaxed);
    let core = live.core.clone();
    core.spawn(wait(io, lease, live, p));
}

/// What ended a park.
enum Woke {
    /// The socket became readable (data, its end, or an error: the stream finds out).
    Read,
    /// The bell rang.
    Bell,
    /// Nothing arrived until the idle deadline.
    Idle,
}

/// The parked socket's task: waits without a stream, answers rings that change nothing
/// in place, and hands the socket to a new connection task ([`revive`]) when it must.
#[allow(
    clippy::manual_async_fn,
    reason = "avoids rust-lang/rust#62958 argument copies"
)]
fn wait(
    io: Async<TcpStream>,
    lease: Option<ConnGuard>,
    live: Rc<LiveCore>,
    p: Parking,
) -> impl Future<Output = ()> {
    async move {
        // No timer: the sweeper wakes the slot once the deadline passes (`bell::wake_due`).
        p.slot.set_due(Some(p.idle_at));
        let first = loop {
            let woke = std::future::poll_fn(|cx| {
                if pin!(p.slot.rung()).poll(cx).is_ready() {
                    return Poll::Ready(Woke::Bell);
                }
                if io.poll_readable(cx).is_ready() {
                    return Poll::Ready(Woke::Read);
                }
                if Instant::now() >= p.idle_at {
                    return Poll::Ready(Woke::Idle);
                }
                Poll::Pending
            })
            .await;
            match woke {
                Woke::Read => break None,
                // The revived loop sees the stop and closes with its code.
                Woke::Bell if live.core.is_stopping() => break None,
                // Most rings are for other sessions: checked here, without a stream.
                Woke::Bell => match on_dirty(&live, &p.sess, p.gen) {
                    Reply::None => continue,
                    reply => break Some(Box::new(reply)),
                },
                Woke::Idle => {
                    live.core.metrics().parked.fetch_sub(1, Relaxed);
                    detach(&live, &p.sess, p.gen);
                    return;
                }
            }
        };
        live.core.metrics().parked.fetch_sub(1, Relaxed);
        p.slot.set_due(None);
        let core = live.core.clone();
        core.spawn(revive(io, lease, live, p, first));
    }
}

/// A parked socket's new connection task: a fresh stream over it, the reply a ring
/// produced (if one did), then the session loop, parking again when it returns asleep.
#[allow(
    clippy::manual_async_fn,
    reason = "avoids rust-lang/rust#62958 argument copies"
)]
fn revive(
    io: Async<TcpStream>,
    lease: Option<ConnGuard>,
    live: Rc<LiveCore>,
    p: Parking,
    first: Option<Box<Reply>>,
) -> impl Future<Output = ()> {
    async move {
        let config = Some(ws_config(live.core.limits()));
        let mut ws = WebSocketStream::from_raw_socket(
            Upgraded::leased(io, Vec::new(), lease),
            Role::Server,
            config,
        )
        .await;
        let Parking {
            sess,
            gen,
            slot,
            idle_at,
        } = p;
        if let Some(reply) = first {
            if !Box::pin(answer(&mut ws, &live, &sess, gen, *reply, Instant::now())).await {
                return;
            }
        }
        if let Exit::Park(p) = serve(&mut ws, &live, sess, gen, Carry { slot, idle_at }).await {
            park(ws, live, p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ret_size<A, B, C, D, F>(_: impl Fn(A, B, C, D) -> F) -> usize {
        std::mem::size_of::<F>()
    }

    /// The parked task is what an idle session's socket costs instead of a connection
    /// task (≈ 0.8 KiB, see `conn`); it holds no timer (the deadline waits at the bell).
    #[test]
    fn the_parked_future_is_small() {
        let wait = ret_size(wait);
        println!("parked future: {wait} bytes");
        assert!(wait <= 160, "parked future grew to {wait} bytes");
    }
}
