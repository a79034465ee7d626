//! Parked connections: an idle session whose view is asleep gives up its connection's task,
//! its WebSocket stream and its reactor source; its bare socket waits in the core's lot
//! (`lot`) until a byte arrives, the bell rings with something to send, the idle timeout
//! passes or the server stops, and then gets a stream and a session loop again
//! ([`revive`]).
//!
//! Why: an idle session's connection task (≈ 0.8 KiB: the stream, the loop's state), the
//! codec's heap parts and the socket's reactor source were half of an idle counter
//! session's memory. Only a socket at rest parks ([`Upgraded::at_rest`]: the codec holds
//! no part of a frame or message), so a fresh stream over it reads on exactly where the
//! old one stopped.
//!
//! Touches the session only through `step::on_dirty` and `serve::detach`, on its core.

use std::future::Future;
use std::net::TcpStream;
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use async_io::Async;
use async_tungstenite::tungstenite::protocol::Role;
use async_tungstenite::WebSocketStream;

use super::bell;
use super::host::LiveCore;
use super::lot::{lot, Parked};
use super::serve::{answer, detach, serve, Carry, Exit, Parking};
use super::step::{on_dirty, Reply};
use crate::server::lease::ConnGuard;
use crate::server::websocket::{ws_config, Upgraded, WebSocket};

/// Parks the socket of session `p`, whose loop returned it asleep and at rest.
pub(super) fn park(ws: WebSocket, live: Rc<LiveCore>, p: Parking) {
    let (io, rest, lease) = ws.into_inner().into_lease();
    debug_assert!(rest.is_empty(), "parked with bytes read ahead");
    // The lot hears only the rings after the socket joins it: one this session has not
    // seen yet is answered now.
    if p.slot.take_missed_ring() {
        match on_dirty(&live, &p.sess, p.gen) {
            Reply::None => {}
            reply => return respawn(io, lease, live, p, Some(Box::new(reply))),
        }
    }
    let Some(lot) = lot(&live, revive) else {
        return respawn(io, lease, live, p, None);
    };
    let socket = match io.into_inner() {
        Ok(socket) => socket,
        // Not deregistered from the reactor: the connection is lost, the session waits
        // for a resume as after any lost connection.
        Err(_) => return detach(&live, &p.sess, p.gen),
    };
    let parked = Parked {
        socket,
        lease,
        sess: p.sess,
        gen: p.gen,
        idle_at: p.idle_at,
    };
    match lot.add(parked) {
        Ok(()) => {
            live.core.metrics().parked.fetch_add(1, Relaxed);
        }
        // The set refused it: the session keeps a connection task of its own.
        Err(p) => revive_parked(p, &live, None, false),
    }
}

/// Hands a socket the lot let go back to a new connection task: a fresh stream, the reply
/// a ring produced (if one did), then the session loop.
pub(super) fn revive(p: Parked, live: &Rc<LiveCore>, first: Option<Box<Reply>>) {
    revive_parked(p, live, first, true);
}

fn revive_parked(p: Parked, live: &Rc<LiveCore>, first: Option<Box<Reply>>, counted: bool) {
    if counted {
        live.core.metrics().parked.fetch_sub(1, Relaxed);
    }
    // A new place at the bell, taken now: every ring from here on is this session's.
    let slot = bell::Slot::new();
    let Parked {
        socket,
        lease,
        sess,
        gen,
        idle_at,
    } = p;
    let p = Parking {
        sess,
        gen,
        slot,
        idle_at,
    };
    match Async::new(socket) {
        Ok(io) => respawn(io, lease, live.clone(), p, first),
        Err(_) => detach(live, &p.sess, p.gen),
    }
}

fn respawn(
    io: Async<TcpStream>,
    lease: Option<ConnGuard>,
    live: Rc<LiveCore>,
    p: Parking,
    first: Option<Box<Reply>>,
) {
    let core = live.core.clone();
    core.spawn(revived(io, lease, live, p, first));
}

/// A parked socket's new connection task: a fresh stream over it, the reply a ring
/// produced (if one did), then the session loop, parking again when it returns asleep.
#[allow(
    clippy::manual_async_fn,
    reason = "avoids rust-lang/rust#62958 argument copies"
)]
fn revived(
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
