//! What the list example's retained tree holds on the heap, counted by a global allocator
//! in this test binary only: live blocks and glibc chunk bytes by size class after the
//! page is mounted and after clicks re-render it (issue 14: a 50-row list session's
//! memory). Run with `--nocapture` to see the table.
//!
//! The one `unsafe` here is the `GlobalAlloc` impl (an unsafe trait); the library itself
//! stays `forbid(unsafe_code)`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use vango::component::tree::Tree;
use vango::prelude::*;
use vango_test_support::clicks::{click, hids};

#[path = "../examples/list.rs"]
#[allow(dead_code)]
mod example;

/// Size classes of 16 bytes (glibc chunks), the last one for everything larger.
const CLASSES: usize = 64;

/// Counts the current thread's live heap blocks by glibc chunk size, so that other
/// threads of the test harness do not disturb the counts.
struct Counting;

thread_local! {
    static LIVE: [Cell<isize>; CLASSES] = const { [const { Cell::new(0) }; CLASSES] };
    static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
}

/// glibc's chunk for a request of `size` bytes: 8 bytes of header, 16-byte granules,
/// 32 bytes at least.
fn chunk(size: usize) -> usize {
    (size + 8).next_multiple_of(16).max(32)
}

fn track(size: usize, sign: isize) {
    let c = chunk(size);
    let _ = LIVE.try_with(|l| {
        let i = (c / 16).min(CLASSES - 1);
        l[i].set(l[i].get() + sign);
    });
    let _ = LIVE_BYTES.try_with(|b| b.set(b.get() + sign * c as isize));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// counters are const-initialised thread-local `Cell`s without destructor, which do not
// allocate (and `try_with` tolerates thread teardown).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        track(layout.size(), 1);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        track(layout.size(), 1);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        track(layout.size(), -1);
        track(new_size, 1);
        // SAFETY: `ptr` and `layout` come from this allocator, which is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        track(layout.size(), -1);
        // SAFETY: `ptr` and `layout` come from this allocator, which is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// (live chunk bytes, live blocks per size class) on this thread.
fn snapshot() -> (isize, [isize; CLASSES]) {
    let mut by = [0; CLASSES];
    LIVE.with(|l| {
        for (b, c) in by.iter_mut().zip(l) {
            *b = c.get();
        }
    });
    (LIVE_BYTES.with(Cell::get), by)
}

/// What was allocated and is still live between two snapshots, with a table by size.
fn held(before: &(isize, [isize; CLASSES]), after: &(isize, [isize; CLASSES])) -> isize {
    let mut table = String::new();
    for i in 0..CLASSES {
        let n = after.1[i] - before.1[i];
        if n != 0 {
            table += &format!(" {}B×{n}", i * 16);
        }
    }
    println!("  live chunks by size:{table}");
    after.0 - before.0
}

#[test]
fn a_mounted_list_holds_little_per_row() {
    println!(
        "size_of: VNode {}, Element {}, Attr {}, Listener {}, Key {}, Option<Key> {}",
        size_of::<VNode>(),
        size_of::<vango::vdom::Element>(),
        size_of::<vango::vdom::Attr>(),
        size_of::<vango::vdom::Listener>(),
        size_of::<vango::vdom::Key>(),
        size_of::<Option<vango::vdom::Key>>(),
    );
    // Warm up the thread-locals the runtime creates once per thread.
    drop(Tree::mount(example::list));

    let before = snapshot();
    let mut tree = Tree::mount(example::list);
    let mounted = snapshot();
    println!("after mount:");
    let at_mount = held(&before, &mounted);

    let hids = hids(tree.root(), "button", None);
    assert_eq!(hids.len(), 50);
    for (i, &hid) in hids.iter().enumerate().take(7) {
        assert_eq!(
            click(&mut tree, hid).set_text,
            1,
            "click {i} changes one row's text"
        );
    }
    // The diff's leftovers wait in this thread's pools for the next render: shared by
    // every session on the core, not this tree's.
    vango::vdom::pool::trim();
    let clicked = snapshot();
    println!("after 7 clicks:");
    let after_clicks = held(&before, &clicked);
    println!(
        "list page, 50 rows: {at_mount} B after mount, {after_clicks} B after clicks ({} B a row)",
        after_clicks / 50
    );
    // Issue 14 asks for ≈120 B a row (a 10 KiB session); this bound keeps what has been
    // won: 976 B a row while the row's two short texts were heap blocks of their own,
    // 896 B with them inline in the nodes (`vdom::Str`), 812 B with each element's only
    // child inline in the element (`vdom::Children`) instead of a one-node list.
    assert!(
        after_clicks <= 50 * 840,
        "the 50-row list retains {after_clicks} B ({} B a row)",
        after_clicks / 50
    );
    drop(tree);
    vango::vdom::pool::trim();
    let freed = snapshot();
    assert!(
        freed.0 - before.0 < 1024,
        "dropping the tree frees it: {} B left",
        freed.0 - before.0
    );
}
