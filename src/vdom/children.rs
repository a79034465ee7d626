//! Child-list diffing: by position for unkeyed children, by key (prefix/suffix peel, LIS,
//! simulated positions) for keyed ones. See the invariants in [`crate::vdom::diff`].
//!
//! Touches only `vdom` internals, plus one thread-local pool of scratch buffers for the
//! keyed middle section (bounded: a few sets, none kept above 65,536 children).

use std::cell::RefCell;
use std::mem;

use crate::vdom::diff::{diff_node, diff_text, dispose, key_of, mount, take, Lists, Mount};
use crate::vdom::keymap::KeyIndex;
use crate::vdom::lis::lis_in;
use crate::vdom::node::VNode;
use crate::vdom::patch::PatchSink;

const NONE: u32 = u32::MAX;

pub(crate) fn is_raw(n: &VNode) -> bool {
    matches!(n, VNode::Raw(_))
}

/// Diffs the children of element `parent`. `lists` is what [`Lists::scan`] found in
/// `old` and `new`.
pub(crate) fn diff_children(
    parent: u32,
    old: &mut Vec<VNode>,
    new: Vec<VNode>,
    lists: Lists,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    if old.is_empty() && new.is_empty() {
        return;
    }
    let mixed = |keyed: usize, len: usize| keyed != 0 && keyed != len;
    if mixed(lists.old_keyed, old.len()) || mixed(lists.new_keyed, new.len()) {
        cx.warn("siblings mix keyed and unkeyed children: diffed by position");
    }
    let all_keyed = |keyed: usize, len: usize| len != 0 && keyed == len;
    if all_keyed(lists.old_keyed, old.len()) && all_keyed(lists.new_keyed, new.len()) {
        diff_keyed(parent, old, new, cx, sink);
    } else if old.len() == new.len() {
        // The common case: same length, by position, nothing to insert or remove.
        for (k, (o, n)) in old.iter_mut().zip(new).enumerate() {
            match (o, n) {
                (VNode::Text(o), VNode::Text(n)) => diff_text(parent, k as u32, o, n, sink),
                (o, n) => diff_node(parent, k as u32, o, n, cx, sink),
            }
        }
    } else {
        let len = old.len();
        unkeyed_range(parent, old, 0, len, new, cx, sink);
    }
}

/// Diffs `old[s..oe]` against `new` by position.
fn unkeyed_range(
    parent: u32,
    old: &mut Vec<VNode>,
    s: usize,
    oe: usize,
    new: Vec<VNode>,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    let m = oe - s;
    let n = new.len();
    let mut it = new.into_iter();
    for k in 0..m.min(n) {
        if let Some(nn) = it.next() {
            diff_node(parent, (s + k) as u32, &mut old[s + k], nn, cx, sink);
        }
    }
    if m > n {
        for r in (s + n..oe).rev() {
            sink.remove_child(parent, r as u32);
            dispose(&old[r]);
        }
        old.drain(s + n..oe);
    } else if n > m {
        let mut at = oe;
        let rest: Vec<VNode> = it
            .map(|mut nn| {
                mount(&mut nn, cx);
                sink.insert_child(parent, at as u32, &nn);
                at += 1;
                nn
            })
            .collect();
        old.splice(oe..oe, rest);
    }
}

fn diff_keyed(
    parent: u32,
    old: &mut Vec<VNode>,
    new: Vec<VNode>,
    cx: &mut impl Mount,
    sink: &mut impl PatchSink,
) {
    let mut it = new.into_iter();
    let mut s = 0;
    while s < old.len() {
        match it.as_slice().first() {
            Some(n) if key_of(n) == key_of(&old[s]) => {
                if let Some(n) = it.next() {
                    diff_node(parent, s as u32, &mut old[s], n, cx, sink);
                }
                s += 1;
            }
            _ => break,
        }
    }
    let mut oe = old.len();
    while oe > s {
        match it.as_slice().last() {
            Some(n) if key_of(n) == key_of(&old[oe - 1]) => {
                if let Some(n) = it.next_back() {
                    // Only hid-addressed edits happen below keyed children, so the
                    // index is not used.
                    diff_node(parent, (oe - 1) as u32, &mut old[oe - 1], n, cx, sink);
                }
                oe -= 1;
            }
            _ => break,
        }
    }
    let m = oe - s;
    let n = it.len();
    if m == 0 && n == 0 {
        return;
    }
    if m == 0 {
        let mut at = s;
        let mid: Vec<VNode> = it
            .map(|mut nn| {
                mount(&mut nn, cx);
                sink.insert_child(parent, at as u32, &nn);
                at += 1;
                nn
            })
            .collect();
        old.splice(s..s, mid);
        return;
    }
    if n == 0 {
        for r in (s..oe).rev() {
            sink.remove_child(parent, r as u32);
            dispose(&old[r]);
        }
        old.drain(s..oe);
        return;
    }
    let mut mid: Vec<VNode> = it.collect();
    let mut sc = Scratch::take();
    // src[j]: old position (relative to s) of new middle item j, or NONE.
    let src = &mut sc.src;
    src.clear();
    src.resize(n, NONE);
    let mut survivors = 0usize;
    let dup = match KeyIndex::build(&mid, &mut sc.slots) {
        Err(()) => true,
        Ok(map) => {
            let mut dup = false;
            for r in 0..m {
                let j = key_of(&old[s + r]).and_then(|k| map.get(k));
                if let Some(j) = j {
                    if src[j as usize] != NONE {
                        dup = true;
                        break;
                    }
                    src[j as usize] = r as u32;
                    survivors += 1;
                }
            }
            dup
        }
    };
    if dup {
        sc.give_back();
        cx.warn("duplicate keys among siblings: diffed by position");
        unkeyed_range(parent, old, s, oe, mid, cx, sink);
        return;
    }
    // Removals, right to left, so each index is still the original one.
    if survivors < m {
        let kept = &mut sc.kept;
        kept.clear();
        kept.resize(m, false);
        for &r in src.iter() {
            if r != NONE {
                kept[r as usize] = true;
            }
        }
        for r in (0..m).rev() {
            if !kept[r] {
                sink.remove_child(parent, (s + r) as u32);
                dispose(&old[s + r]);
            }
        }
    }
    // Survivors that stay put: a longest increasing run of old positions in new order.
    let seq = &mut sc.seq;
    seq.clear();
    seq.extend(src.iter().copied().filter(|&r| r != NONE));
    let stay = &mut sc.stay;
    if seq.windows(2).all(|w| w[0] < w[1]) {
        stay.clear();
        stay.resize(seq.len(), true);
    } else {
        lis_in(seq, stay, &mut sc.tails, &mut sc.prev);
    }
    // Walk the new middle right to left, placing each item before the one after it.
    // `present` counts survivors still at their old place (by old position); `placed`
    // counts items moved or inserted before the stay-put survivor at old position g
    // (g = m: before the suffix). Processing right to left, placements only go to
    // groups >= the current anchor group, so an insertion index is `s + present[..g]`.
    let mut present = Fenwick::new(&mut sc.present, m);
    for &r in seq.iter() {
        present.add(r as usize, 1);
    }
    let mut placed = Fenwick::new(&mut sc.placed, m + 1);
    let mut anchor = m;
    let mut si = seq.len();
    for j in (0..n).rev() {
        let r = src[j];
        if r == NONE {
            let at = s + present.prefix(anchor);
            mount(&mut mid[j], cx);
            sink.insert_child(parent, at as u32, &mid[j]);
            placed.add(anchor, 1);
            continue;
        }
        si -= 1;
        let r = r as usize;
        if stay[si] {
            anchor = r;
        } else {
            let from = s + present.prefix(r) + placed.prefix(r);
            present.add(r, -1);
            let to = s + present.prefix(anchor);
            sink.move_child(parent, from as u32, to as u32);
            placed.add(anchor, 1);
        }
        // Diff in the old slot, then swap the result into the new order: `mid[j]`
        // holds the consumed new node's leftover `Empty` afterwards.
        let nn = take(&mut mid[j]);
        diff_node(parent, 0, &mut old[s + r], nn, cx, sink);
        mem::swap(&mut mid[j], &mut old[s + r]);
    }
    sc.give_back();
    if n == m {
        // Same length: swap the new order in wholesale (what is left in `old[s..oe]`,
        // `Empty`s and removed nodes, is dropped with `mid`).
        old[s..oe].swap_with_slice(&mut mid);
    } else {
        old.splice(s..oe, mid);
    }
}

/// The buffers of the keyed middle, kept per thread so that diffs reuse them instead of
/// allocating (and freeing) a set per keyed list. A nested keyed list (below a row of
/// the outer one) takes its own set from the pool while the outer one holds its set.
#[derive(Default)]
struct Scratch {
    src: Vec<u32>,
    kept: Vec<bool>,
    seq: Vec<u32>,
    stay: Vec<bool>,
    tails: Vec<u32>,
    prev: Vec<u32>,
    present: Vec<i32>,
    placed: Vec<i32>,
    slots: Vec<u32>,
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
    fn take() -> Scratch {
        SCRATCH
            .try_with(|p| p.borrow_mut().pop())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    fn give_back(self) {
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
struct Fenwick<'a> {
    t: &'a mut Vec<i32>,
}

impl<'a> Fenwick<'a> {
    fn new(t: &'a mut Vec<i32>, n: usize) -> Self {
        t.clear();
        t.resize(n + 1, 0);
        Fenwick { t }
    }

    fn add(&mut self, i: usize, d: i32) {
        let mut i = i + 1;
        while i < self.t.len() {
            self.t[i] += d;
            i += i & i.wrapping_neg();
        }
    }

    /// Sum of entries `0..i`.
    fn prefix(&self, i: usize) -> usize {
        let mut i = i;
        let mut s = 0;
        while i > 0 {
            s += self.t[i];
            i -= i & i.wrapping_neg();
        }
        s as usize
    }
}
