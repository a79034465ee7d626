//! Heap allocations per route match, counted by a global allocator in this test binary only.
//!
//! The one `unsafe` in the crate's tests: `GlobalAlloc` is an unsafe trait. The library
//! itself stays `forbid(unsafe_code)`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use vango::router::{Method, Router};

/// Counts allocations made by the current thread, so tests running in parallel on other
/// threads do not disturb the count.
struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// counter is a const-initialised thread-local `Cell` without destructor, which does not
// allocate (and `try_with` tolerates thread teardown).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
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

/// Allocations made by `f` on this thread.
fn allocations<R>(f: impl FnOnce() -> R) -> usize {
    let before = ALLOCS.with(Cell::get);
    black_box(f());
    ALLOCS.with(Cell::get) - before
}

fn table() -> Router<u32> {
    let mut r = Router::new();
    for (i, p) in [
        "/",
        "/about",
        "/todos",
        "/todos/new",
        "/todos/:id",
        "/todos/:id/edit",
        "/docs/*path",
    ]
    .into_iter()
    .enumerate()
    {
        r.insert(Method::Get, p, i as u32).unwrap();
    }
    for i in 0..40 {
        r.insert(
            Method::Get | Method::Post,
            &format!("/section{i}/:item"),
            100 + i,
        )
        .unwrap();
    }
    r
}

#[test]
fn the_counter_sees_allocations() {
    // Without this the zero counts below would prove nothing.
    assert_eq!(allocations(|| Box::new(black_box(1u64))), 1);
    assert!(allocations(|| vec![0u8; 64].len()) >= 1);
}

#[test]
fn a_static_match_does_not_allocate() {
    let r = table();
    for path in ["/", "/about", "/todos/new"] {
        let n = allocations(|| {
            let hit = r.at(Method::Get, black_box(path)).unwrap();
            assert!(hit.params.is_empty());
            *hit.value
        });
        assert_eq!(n, 0, "{path}");
    }
}

#[test]
fn parameter_and_catch_all_matches_and_misses_do_not_allocate() {
    let r = table();
    let cases: [(Method, &str); 8] = [
        (Method::Get, "/todos/42"),
        (Method::Get, "/todos/42/edit"),
        (Method::Post, "/section39/x"),
        (Method::Get, "/docs/guide/intro.html"),
        (Method::Head, "/todos/42"),
        (Method::Get, "/nope/nope"),
        (Method::Delete, "/todos/42"),
        (Method::Get, "/todos/%zz"),
    ];
    for (m, path) in cases {
        let n = allocations(|| match r.at(m, black_box(path)) {
            Ok(hit) => hit
                .params
                .get("id")
                .or(hit.params.get("path"))
                .map(str::len),
            Err(miss) => Some(miss.status() as usize),
        });
        assert_eq!(n, 0, "{m} {path}");
    }
}

#[test]
fn decoding_an_escaped_parameter_allocates_once() {
    let r = table();
    let n = allocations(|| {
        r.at(Method::Get, black_box("/docs/a%20b/c%2Fd"))
            .unwrap()
            .params
            .get("path")
            .map(str::len)
    });
    assert_eq!(n, 1);
}
