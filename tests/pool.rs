//! `vdom::pool`: a re-render builds its elements, keys and short child lists from what the
//! previous diff left over, and the pools stay bounded. Counted by a global allocator in
//! this test binary only, by allocation size.
//!
//! The one `unsafe` here is the `GlobalAlloc` impl (an unsafe trait); the library itself
//! stays `forbid(unsafe_code)`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::mem::size_of;

use vango::prelude::*;
use vango::vdom::diff::{diff, mount};
use vango::vdom::hid::HidAlloc;
use vango::vdom::pool::recycle;
use vango::vdom::{Element, Key, Listener, Patch};

/// Counts this thread's allocations of one size, so that tests running in parallel on
/// other threads do not disturb the count.
struct Counting;

thread_local! {
    static SIZE: Cell<usize> = const { Cell::new(0) };
    static HITS: Cell<usize> = const { Cell::new(0) };
}

fn note(layout: Layout) {
    let _ = SIZE.try_with(|s| {
        if s.get() == layout.size() {
            let _ = HITS.try_with(|n| n.set(n.get() + 1));
        }
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// counters are const-initialised thread-local `Cell`s without destructor, which do not
// allocate (and `try_with` tolerates thread teardown).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(Layout::from_size_align(new_size, layout.align()).expect("a valid layout"));
        // SAFETY: `ptr` and `layout` come from this allocator, which is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` and `layout` come from this allocator, which is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// How many allocations of `size` bytes `f` made on this thread.
fn allocations_of<T>(size: usize, f: impl FnOnce() -> T) -> (usize, T) {
    SIZE.with(|s| s.set(size));
    let before = HITS.with(Cell::get);
    let out = f();
    let n = HITS.with(Cell::get) - before;
    SIZE.with(|s| s.set(0));
    (n, out)
}

/// `n` keyed rows of (span + text, button + text): 3 elements, 1 key box, a one-listener
/// list, and child lists of 2, 1 and 1 nodes per row.
fn rows(n: u32, clicked: u32) -> VNode {
    ul((0..n)
        .map(|k| {
            let label = if k == clicked { "clicked" } else { "row" };
            li((span(label), button("+1").on_click(|_| {}))).key(k)
        })
        .collect::<Vec<_>>())
    .into()
}

#[test]
fn a_rerender_builds_from_the_last_diffs_leftovers() {
    let mut cx = HidAlloc::new(1);
    let mut tree = rows(50, 0);
    mount(&mut tree, &mut cx);
    let mut sink: Vec<Patch> = Vec::new();
    // The first re-render fills the pools from the render the diff does not keep.
    diff(&mut tree, rows(50, 1), &mut cx, &mut sink);
    for clicked in 2..6 {
        let (elements, new) = allocations_of(size_of::<Element>(), || rows(50, clicked));
        assert_eq!(
            elements, 0,
            "render {clicked}: element boxes came from the allocator"
        );
        let (keys, new) = allocations_of(size_of::<Key>(), || {
            recycle(new);
            rows(50, clicked)
        });
        assert_eq!(
            keys, 0,
            "render {clicked}: key boxes came from the allocator"
        );
        let (lists, new) = allocations_of(size_of::<VNode>(), || {
            recycle(new);
            rows(50, clicked)
        });
        assert_eq!(
            lists, 0,
            "render {clicked}: one-node child lists came from the allocator"
        );
        let (listeners, new) = allocations_of(size_of::<Listener>(), || {
            recycle(new);
            rows(50, clicked)
        });
        assert_eq!(
            listeners, 0,
            "render {clicked}: listener lists came from the allocator"
        );
        sink.clear();
        diff(&mut tree, new, &mut cx, &mut sink);
        // The diff still sees a fresh render: two texts change, nothing else.
        assert_eq!(sink.len(), 2, "render {clicked}: {sink:?}");
    }
}

#[test]
fn the_pools_are_bounded_and_the_rest_is_freed() {
    // 10,000 rows' leftovers: the pool keeps at most ≈1,000 element boxes of the 30,000.
    recycle(rows(10_000, 0));
    let (fresh, tree) = allocations_of(size_of::<Element>(), || rows(10_000, 0));
    assert!(
        (28_000..30_000).contains(&fresh),
        "{fresh} of 30,000 element boxes were new: the pool kept too many or too few"
    );
    assert_eq!(
        vango::render::to_html(&tree).matches("<li>").count(),
        10_000
    );
}

#[test]
fn pooled_parts_render_as_fresh_ones() {
    let fresh = vango::render::to_html(&rows(20, 3));
    recycle(rows(20, 7));
    let reused = rows(20, 3);
    assert_eq!(vango::render::to_html(&reused), fresh);
}
