//! The per-core "something may be dirty" bell: wakes every attached session on this core so
//! it re-renders state changed outside its own events (timers, global signals, tasks).
//!
//! Also the parked sockets' idle deadlines: the core's sweeper wakes the slots whose
//! deadline passed (`wake_due`), so a parked socket needs no timer of its own.
//!
//! Thread-local and `!Send`; one slot per attached session, so waiting never grows memory.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::task::{Poll, Waker};
use std::time::Instant;

struct Bell {
    rung: Cell<u64>,
    slots: RefCell<Vec<Option<Waker>>>,
    /// Per slot: the deadline its parked session waits for, in milliseconds after
    /// `epoch`, plus one (0: none). Eight bytes a slot instead of a reactor timer each
    /// (≈ 60 bytes in async-io's table and ≈ 56 in the waiting future).
    due: RefCell<Vec<u64>>,
    /// How many entries of `due` are set: [`wake_due`] skips the walk at 0.
    dues: Cell<usize>,
    free: RefCell<Vec<usize>>,
    epoch: Instant,
}

thread_local! {
    static BELL: Bell = Bell {
        rung: Cell::new(0),
        slots: RefCell::default(),
        due: RefCell::default(),
        dues: Cell::new(0),
        free: RefCell::default(),
        epoch: Instant::now(),
    };
}

/// `at` as a `due` entry (never 0).
fn due_of(b: &Bell, at: Instant) -> u64 {
    let ms = at.saturating_duration_since(b.epoch).as_millis();
    u64::try_from(ms).unwrap_or(u64::MAX - 1) + 1
}

/// Wakes the session waiting on each slot whose deadline ([`Slot::set_due`]) is not after
/// `now`, and clears those deadlines; returns how many it woke. The core's sweeper calls
/// it on each tick.
pub(crate) fn wake_due(now: Instant) -> usize {
    BELL.with(|b| {
        if b.dues.get() == 0 {
            return 0;
        }
        let now = due_of(b, now);
        let (mut woken, mut cleared) = (Vec::new(), 0);
        {
            let mut due = b.due.borrow_mut();
            let mut slots = b.slots.borrow_mut();
            for (i, d) in due.iter_mut().enumerate() {
                if *d != 0 && *d <= now {
                    *d = 0;
                    cleared += 1;
                    woken.extend(slots[i].take());
                }
            }
        }
        b.dues.set(b.dues.get() - cleared);
        let n = woken.len();
        for w in woken {
            w.wake();
        }
        n
    })
}

/// Wakes every session attached on this core to check whether its view is dirty and, if so,
/// push a Patches frame. Call it on the core (from a handler, an effect, a task spawned
/// with [`Core::spawn`](crate::server::Core::spawn)) after changing state that sessions
/// render; calling it when nothing changed costs one dirty check per session.
///
/// # Examples
///
/// ```
/// vango::live::notify_dirty(); // no sessions on this thread: nothing happens
/// ```
pub fn notify_dirty() {
    BELL.with(|b| {
        b.rung.set(b.rung.get() + 1);
        let wakers: Vec<Waker> = b
            .slots
            .borrow_mut()
            .iter_mut()
            .filter_map(Option::take)
            .collect();
        for w in wakers {
            w.wake();
        }
    });
}

/// A session's place at the bell; freed on drop.
pub(crate) struct Slot {
    index: usize,
    seen: Cell<u64>,
}

impl Slot {
    pub(crate) fn new() -> Slot {
        BELL.with(|b| {
            let index = match b.free.borrow_mut().pop() {
                Some(i) => i,
                None => {
                    let mut slots = b.slots.borrow_mut();
                    slots.push(None);
                    b.due.borrow_mut().push(0);
                    slots.len() - 1
                }
            };
            Slot {
                index,
                seen: Cell::new(b.rung.get()),
            }
        })
    }

    /// Sets (or with `None` clears) the deadline at which [`wake_due`] wakes whoever waits
    /// on this slot's [`rung`](Self::rung) (without a ring: the waiter checks the time).
    pub(crate) fn set_due(&self, at: Option<Instant>) {
        BELL.with(|b| {
            let new = at.map_or(0, |at| due_of(b, at));
            let old = std::mem::replace(&mut b.due.borrow_mut()[self.index], new);
            b.dues
                .set(b.dues.get() + usize::from(new != 0) - usize::from(old != 0));
        });
    }

    /// Whether the bell rang since this slot last saw it; marks the ring seen.
    pub(crate) fn take_missed_ring(&self) -> bool {
        BELL.with(|b| self.seen.replace(b.rung.get()) != b.rung.get())
    }

    /// Resolves when the bell rings after the last time this slot saw it.
    pub(crate) fn rung(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(move |cx| {
            BELL.with(|b| {
                let now = b.rung.get();
                if now != self.seen.get() {
                    self.seen.set(now);
                    return Poll::Ready(());
                }
                let mut slots = b.slots.borrow_mut();
                match &mut slots[self.index] {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    slot => *slot = Some(cx.waker().clone()),
                }
                Poll::Pending
            })
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        // `try_with`: a slot dropped during thread teardown must not panic.
        let _ = BELL.try_with(|b| {
            b.slots.borrow_mut()[self.index] = None;
            if std::mem::take(&mut b.due.borrow_mut()[self.index]) != 0 {
                b.dues.set(b.dues.get() - 1);
            }
            b.free.borrow_mut().push(self.index);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_lite::future;

    #[test]
    fn ring_wakes_each_slot_once_and_slots_are_reused() {
        let a = Slot::new();
        let b = Slot::new();
        assert!(future::block_on(future::poll_once(a.rung())).is_none());
        notify_dirty();
        assert!(future::block_on(future::poll_once(a.rung())).is_some());
        assert!(future::block_on(future::poll_once(a.rung())).is_none());
        assert!(future::block_on(future::poll_once(b.rung())).is_some());
        let ia = a.index;
        drop(a);
        let c = Slot::new();
        assert_eq!(c.index, ia);
        // Re-polling without a ring never grows the table.
        for _ in 0..100 {
            assert!(future::block_on(future::poll_once(c.rung())).is_none());
        }
        BELL.with(|bell| assert_eq!(bell.slots.borrow().len(), 2));
    }

    #[test]
    fn due_slots_are_woken_once_their_deadline_passes_and_not_before() {
        use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
        use std::sync::Arc;
        use std::time::Duration;
        struct Count(AtomicUsize);
        impl std::task::Wake for Count {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Relaxed);
            }
        }
        let t0 = Instant::now();
        let (a, b, c) = (Slot::new(), Slot::new(), Slot::new());
        let counts: Vec<Arc<Count>> = (0..3)
            .map(|_| Arc::new(Count(AtomicUsize::new(0))))
            .collect();
        for (s, n) in [&a, &b, &c].into_iter().zip(&counts) {
            let waker = Waker::from(n.clone());
            let mut cx = std::task::Context::from_waker(&waker);
            assert!(std::pin::pin!(s.rung()).poll(&mut cx).is_pending());
        }
        a.set_due(Some(t0 + Duration::from_secs(10)));
        b.set_due(Some(t0 + Duration::from_secs(20)));
        c.set_due(Some(t0 + Duration::from_secs(5)));
        c.set_due(None); // cleared: never woken by a deadline
        assert_eq!(wake_due(t0 + Duration::from_secs(9)), 0);
        assert_eq!(wake_due(t0 + Duration::from_secs(10)), 1);
        let woke = |i: usize| counts[i].0.load(Relaxed);
        assert_eq!((woke(0), woke(1), woke(2)), (1, 0, 0));
        // A deadline wakes once; a dropped slot's deadline goes with it.
        assert_eq!(wake_due(t0 + Duration::from_secs(11)), 0);
        drop(b);
        assert_eq!(wake_due(t0 + Duration::from_secs(60)), 0);
        assert_eq!((woke(0), woke(1), woke(2)), (1, 0, 0));
        BELL.with(|bell| assert_eq!(bell.dues.get(), 0));
    }
}
