//! The per-core "something may be dirty" bell: wakes every attached session on this core so
//! it re-renders state changed outside its own events (timers, global signals, tasks).
//!
//! Thread-local and `!Send`; one slot per attached session, so waiting never grows memory.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::task::{Poll, Waker};

#[derive(Default)]
struct Bell {
    rung: Cell<u64>,
    slots: RefCell<Vec<Option<Waker>>>,
    free: RefCell<Vec<usize>>,
}

thread_local! {
    static BELL: Bell = Bell::default();
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
                    slots.len() - 1
                }
            };
            Slot {
                index,
                seen: Cell::new(b.rung.get()),
            }
        })
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
}
