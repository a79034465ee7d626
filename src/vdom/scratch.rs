//! The keyed middle's scratch buffers, pooled per thread so that steady-state keyed diffs
//! allocate nothing (bounded: a few sets, none kept above 65,536 children), and the
//! Fenwick tree that simulates positions.
//!
//! Touches nothing but its own thread-local pool.

use std::cell::RefCell;

/// "No position": a slot of the keyed middle with no old counterpart.
pub(crate) const NONE: u32 = u32::MAX;

/// The buffers of the keyed middle, kept per thread so that diffs reuse them instead of
/// allocating (and freeing) a set per keyed list. A nested keyed list (below a row of
/// the outer one) takes its own set from the pool while the outer one holds its set.
#[derive(Default)]
pub(crate) struct Scratch {
    pub(crate) src: Vec<u32>,
    pub(crate) kept: Vec<bool>,
    pub(crate) seq: Vec<u32>,
    pub(crate) stay: Vec<bool>,
    pub(crate) tails: Vec<u32>,
    pub(crate) prev: Vec<u32>,
    pub(crate) present: Vec<i32>,
    pub(crate) placed: Vec<i32>,
    pub(crate) slots: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Vec<Scratch>> = const { RefCell::new(Vec::new()) };
}

/// Sets kept per thread: one per nesting level of keyed lists being diffed at once.
const POOL_MAX: usize = 8;
/// A set sized for more than this many children is freed after use, so that one huge
/// list does not pin memory for the life of the thread.
const RETAIN_MAX: usize = 1 << 16;

impl Scratch {
    pub(crate) fn take() -> Scratch {
        SCRATCH
            .try_with(|p| p.borrow_mut().pop())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    pub(crate) fn give_back(self) {
        let big = [
            self.src.capacity(),
            self.present.capacity(),
            self.slots.capacity(),
        ];
        if big.iter().all(|&c| c <= RETAIN_MAX) {
            let _ = SCRATCH.try_with(|p| {
                let mut p = p.borrow_mut();
                if p.len() < POOL_MAX {
                    p.push(self);
                }
            });
        }
    }
}

/// A Fenwick (binary indexed) tree of counts: O(log n) add and prefix sum.
pub(crate) struct Fenwick<'a> {
    t: &'a mut Vec<i32>,
}

impl<'a> Fenwick<'a> {
    pub(crate) fn new(t: &'a mut Vec<i32>, n: usize) -> Self {
        t.clear();
        t.resize(n + 1, 0);
        Fenwick { t }
    }

    pub(crate) fn add(&mut self, i: usize, d: i32) {
        let mut i = i + 1;
        while i < self.t.len() {
            self.t[i] += d;
            i += i & i.wrapping_neg();
        }
    }

    /// Sum of entries `0..i`.
    pub(crate) fn prefix(&self, i: usize) -> usize {
        let mut i = i;
        let mut s = 0;
        while i > 0 {
            s += self.t[i];
            i -= i & i.wrapping_neg();
        }
        s as usize
    }
}
