//! The core's lot of parked sockets: one epoll set (`polling`) holds every parked socket of
//! the core and is itself registered once in the core's reactor; one task waits on it, on
//! one place at the bell, and on one timer set to the earliest idle deadline among them.
//!
//! Why: a parked socket kept in a task of its own held a reactor source (216 bytes in
//! async-io), a timer and a task (≈ 300 bytes together) for nothing but a wake-up; here
//! it is one entry (its socket, connection count, session and deadline). Holds the file's
//! one `unsafe` block: registering a socket in the set, which must be deleted before the
//! socket closes.
//!
//! Touches the session only through `step::on_dirty` and `serve::detach`, on its core; a
//! socket leaves the lot through the `Revive` function `park` hands it.

#![allow(unsafe_code)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::net::TcpStream;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::task::Poll;
use std::time::{Duration, Instant};

use async_io::{Async, Timer};
use polling::{Event, Events, Poller};

use super::bell;
use super::host::LiveCore;
use super::serve::detach;
use super::session::Session;
use super::step::{on_dirty, Reply};
use crate::server::lease::ConnGuard;

/// A parked socket and what its session needs back when it wakes.
pub(super) struct Parked {
    pub(super) socket: TcpStream,
    /// Counts the connection against the core's and its address's caps while it lives.
    pub(super) lease: Option<ConnGuard>,
    pub(super) sess: Rc<RefCell<Session>>,
    pub(super) gen: u32,
    /// When the connection goes idle unless a frame arrives first.
    pub(super) idle_at: Instant,
}

/// The core's parked sockets (see the module docs).
pub(crate) struct Lot {
    poller: Async<Poller>,
    entries: RefCell<Vec<Option<Parked>>>,
    free: RefCell<Vec<usize>>,
    /// Entries taken since the end of `entries` was last cut back (`take`).
    taken: Cell<usize>,
    events: RefCell<Events>,
    /// The lot's one place at the bell, for all its sessions.
    slot: bell::Slot,
    /// When the timer is set to look for idle entries (the earliest deadline, or a little
    /// after it: `expire`).
    next_due: Cell<Option<Instant>>,
    timer: RefCell<Timer>,
}

/// Hands a socket the lot let go to a new connection task (`park::revive`), with the
/// reply a ring produced for its session.
pub(super) type Revive = fn(Parked, &Rc<LiveCore>, Option<Box<Reply>>);

thread_local! {
    /// This core's lot, made with the first park.
    static LOT: std::cell::OnceCell<Option<Rc<Lot>>> = const { std::cell::OnceCell::new() };
}

/// This core's lot, made (and its task started, with `revive`) on first use; `None` when
/// the set could not be made (no file descriptor left): sessions then keep their tasks.
pub(super) fn lot(live: &Rc<LiveCore>, revive: Revive) -> Option<Rc<Lot>> {
    LOT.with(|cell| {
        cell.get_or_init(|| {
            let lot = Rc::new(Lot::new().ok()?);
            live.core.spawn(run(lot.clone(), live.clone(), revive));
            Some(lot)
        })
        .clone()
    })
}

/// What woke the lot's task.
enum Woke {
    Bell,
    Readable,
    Due,
}

impl Lot {
    /// A new, empty lot; its task starts with [`run`].
    pub(super) fn new() -> std::io::Result<Lot> {
        Ok(Lot {
            poller: Async::new(Poller::new()?)?,
            entries: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
            taken: Cell::new(0),
            events: RefCell::new(Events::new()),
            slot: bell::Slot::new(),
            next_due: Cell::new(None),
            timer: RefCell::new(Timer::never()),
        })
    }

    /// Parks `p` until its socket turns readable, the bell rings with something for its
    /// session, its idle deadline passes or the server stops; hands it back when the
    /// socket cannot join the set.
    pub(super) fn add(&self, p: Parked) -> Result<(), Parked> {
        let mut entries = self.entries.borrow_mut();
        let key = self.free.borrow_mut().pop().unwrap_or_else(|| {
            entries.push(None);
            entries.len() - 1
        });
        // SAFETY: `polling` requires a registered socket to be deleted from the set
        // before it closes. The socket moves into `entries[key]` right below and leaves
        // only through `take`, which deletes it first; those still here when the lot
        // drops are deleted in `Drop`. On failure nothing was registered.
        let added = unsafe { self.poller.get_ref().add(&p.socket, Event::readable(key)) };
        if added.is_err() {
            self.free.borrow_mut().push(key);
            return Err(p);
        }
        if self.next_due.get().is_none_or(|d| p.idle_at < d) {
            self.next_due.set(Some(p.idle_at));
            // Keeps the lot task's waker: the new deadline wakes it.
            self.timer.borrow_mut().set_at(p.idle_at);
        }
        entries[key] = Some(p);
        Ok(())
    }

    /// Takes entry `key` out of the lot (deleting its socket from the set).
    fn take(&self, key: usize) -> Option<Parked> {
        let mut entries = self.entries.borrow_mut();
        let p = entries.get_mut(key)?.take()?;
        let _ = self.poller.get_ref().delete(&p.socket);
        let mut free = self.free.borrow_mut();
        free.push(key);
        // After a crowd of parked sockets has left, their room goes back: once a quarter
        // of the entries were taken since the last look, the free ones at the end are cut
        // off (each look costs O(entries), so a take costs O(1) amortized).
        let taken = self.taken.get() + 1;
        if taken * 4 < entries.len().max(256) {
            self.taken.set(taken);
            return Some(p);
        }
        self.taken.set(0);
        while entries.last().is_some_and(Option::is_none) {
            entries.pop();
        }
        let len = entries.len();
        free.retain(|&k| k < len);
        if entries.capacity() > 2 * len + 64 {
            entries.shrink_to(len + len / 2);
            let keep = free.len() + free.len() / 2;
            free.shrink_to(keep);
        }
        Some(p)
    }

    /// Entry `key`'s session, if the entry is in use (cloned out, so that no borrow is
    /// held while the session's code runs). Keys run from 0 to [`keys`](Self::keys).
    fn session(&self, key: usize) -> Option<(Rc<RefCell<Session>>, u32)> {
        let entries = self.entries.borrow();
        let p = entries.get(key)?.as_ref()?;
        Some((p.sess.clone(), p.gen))
    }

    /// One past the highest key in use.
    fn keys(&self) -> usize {
        self.entries.borrow().len()
    }

    /// The keys of the sockets the set reports ready.
    fn ready(&self) -> Vec<usize> {
        let mut events = self.events.borrow_mut();
        events.clear();
        let _ = self
            .poller
            .get_ref()
            .wait(&mut events, Some(Duration::ZERO));
        events.iter().map(|e| e.key).collect()
    }

    /// Detaches the entries whose idle deadline passed and sets the timer for the next.
    /// Each look walks every entry, so the next one is at least an eighth of the idle
    /// timeout away (10 ms to 1 s): deadlines spread over time are detached in batches,
    /// not with a walk of the whole lot each.
    fn expire(&self, live: &LiveCore, now: Instant) {
        for key in 0..self.keys() {
            let due = self
                .entries
                .borrow()
                .get(key)
                .is_some_and(|e| e.as_ref().is_some_and(|p| p.idle_at <= now));
            if let Some(p) = due.then(|| self.take(key)).flatten() {
                live.core.metrics().parked.fetch_sub(1, Relaxed);
                detach(live, &p.sess, p.gen);
            }
        }
        let next = self
            .entries
            .borrow()
            .iter()
            .flatten()
            .map(|p| p.idle_at)
            .min();
        let tick = (live.core.limits().ws_idle_timeout / 8)
            .clamp(Duration::from_millis(10), Duration::from_secs(1));
        let next = next.map(|at| at.max(now + tick));
        self.next_due.set(next);
        if let Some(at) = next {
            self.timer.borrow_mut().set_at(at);
        }
    }
}

impl Drop for Lot {
    fn drop(&mut self) {
        // Keeps `add`'s promise: no socket closes while still in the set.
        for p in self.entries.get_mut().iter().flatten() {
            let _ = self.poller.get_ref().delete(&p.socket);
        }
    }
}

/// The lot's task: revives a socket that turned readable, answers rings for the parked
/// sessions (most change nothing, and are answered without a stream), detaches those idle
/// past their deadline, and at shutdown revives every one so that it closes with its code.
async fn run(lot: Rc<Lot>, live: Rc<LiveCore>, revive: Revive) {
    loop {
        let woke = std::future::poll_fn(|cx| {
            if pin!(lot.slot.rung()).poll(cx).is_ready() {
                return Poll::Ready(Woke::Bell);
            }
            if lot.poller.poll_readable(cx).is_ready() {
                return Poll::Ready(Woke::Readable);
            }
            if Pin::new(&mut *lot.timer.borrow_mut()).poll(cx).is_ready() {
                return Poll::Ready(Woke::Due);
            }
            Poll::Pending
        })
        .await;
        match woke {
            Woke::Readable => {
                for key in lot.ready() {
                    if let Some(p) = lot.take(key) {
                        revive(p, &live, None);
                    }
                }
            }
            Woke::Bell if live.core.is_stopping() => {
                // The revived loops see the stop and close with its code.
                for key in 0..lot.keys() {
                    if let Some(p) = lot.take(key) {
                        revive(p, &live, None);
                    }
                }
                return;
            }
            Woke::Bell => {
                // Without a list of the entries: a ring costs no allocation however many
                // sockets are parked.
                for key in 0..lot.keys() {
                    let Some((sess, gen)) = lot.session(key) else {
                        continue;
                    };
                    match on_dirty(&live, &sess, gen) {
                        Reply::None => {}
                        reply => {
                            if let Some(p) = lot.take(key) {
                                revive(p, &live, Some(Box::new(reply)));
                            }
                        }
                    }
                }
            }
            Woke::Due => lot.expire(&live, Instant::now()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` connected socket pairs: the server ends, nonblocking, and the client ends.
    fn pairs(n: usize) -> Vec<(TcpStream, TcpStream)> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        (0..n)
            .map(|_| {
                let client = TcpStream::connect(addr).unwrap();
                let (server, _) = listener.accept().unwrap();
                server.set_nonblocking(true).unwrap();
                (server, client)
            })
            .collect()
    }

    fn parked(socket: TcpStream) -> Parked {
        Parked {
            socket,
            lease: None,
            sess: Rc::new(RefCell::new(
                crate::live::session::tests::session_with_tree(),
            )),
            gen: 0,
            idle_at: Instant::now() + Duration::from_secs(60),
        }
    }

    /// The keys `ready` reports within a second.
    fn ready_within(lot: &Lot) -> Vec<usize> {
        let end = Instant::now() + Duration::from_secs(1);
        loop {
            let keys = lot.ready();
            if !keys.is_empty() || Instant::now() > end {
                return keys;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_readable_socket_is_reported_by_its_key_and_a_crowd_leaves_its_room_behind() {
        use std::io::Write;
        let lot = Lot::new().unwrap();
        let mut clients = Vec::new();
        for (server, client) in pairs(400) {
            assert!(lot.add(parked(server)).is_ok());
            clients.push(client);
        }
        assert!(lot.ready().is_empty(), "nothing was sent");
        clients[123].write_all(b"x").unwrap();
        assert_eq!(ready_within(&lot), [123]);
        // Oneshot: reported once, until it leaves the lot.
        clients[7].write_all(b"x").unwrap();
        assert_eq!(ready_within(&lot), [7]);
        let p = lot.take(123).unwrap();
        assert!(lot.take(123).is_none(), "taken once");
        drop(p);
        // All but the first leave: the entries' room is cut back to what is left.
        for key in (1..400).rev() {
            let _ = lot.take(key);
        }
        assert!(lot.keys() < 64, "{} entries kept", lot.keys());
        assert!(lot.entries.borrow().capacity() < 400);
        // The places are reused, and the one left still answers by its key.
        let (server, mut client) = pairs(1).pop().unwrap();
        lot.add(parked(server)).ok().unwrap();
        assert!(lot.keys() < 64);
        client.write_all(b"y").unwrap();
        let keys = ready_within(&lot);
        assert_eq!(keys.len(), 1);
        assert!(lot.take(keys[0]).is_some());
        assert!(lot.take(0).is_some(), "the first entry stayed");
    }

    /// What a parked socket costs instead of a reactor source and a task.
    #[test]
    fn an_entry_is_small() {
        let size = std::mem::size_of::<Option<Parked>>();
        println!("parked entry: {size} bytes");
        assert!(size <= 96, "a parked entry grew to {size} bytes");
    }
}
