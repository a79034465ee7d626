//! One list-workload event on the server, in one thread: dispatch a click on a row's
//! button, re-render the 50-row list, diff it, count the edits (no socket, no encoding).
//! The component is `examples/list.rs` itself. Also: routing one click to its handler in a
//! 10,000-row list (≈40,000 nodes), without the re-render; and the same list click on a
//! hibernated tree (unpacking first), and packing the 50 rows alone; and the click on
//! 1,000 lists in turn (the trees out of cache, as in a busy server).
//!
//! Run: `cargo bench --bench list_event -- --warm-up-time 1 --measurement-time 3`.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use vango::component::tree::Tree;
use vango::prelude::*;
use vango_test_support::clicks::{click, hids};

// The example itself, so the bench measures exactly the component the load runs use.
#[path = "../examples/list.rs"]
#[allow(dead_code)]
mod example;

use example::list;

fn benches(c: &mut Criterion) {
    let mut tree = Tree::mount(list);
    let hids = hids(tree.root(), "button", None);
    assert_eq!(hids.len(), 50);
    let mut i = 0;
    c.bench_function("list_50_rows_click_rerender_diff", |b| {
        b.iter(|| {
            let edits = click(&mut tree, hids[i % hids.len()]);
            i += 1;
            assert_eq!(edits.set_text, 1, "one row's text changes");
        })
    });
    // Set-up outside the timing: `iter_custom` times only the part after it.
    c.bench_function("list_50_rows_wake_click_rerender_diff", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                tree.hibernate();
                let t = Instant::now();
                let edits = click(&mut tree, hids[i % hids.len()]);
                spent += t.elapsed();
                i += 1;
                assert_eq!(edits.set_text, 1, "one row's text changes");
            }
            spent
        })
    });
    c.bench_function("list_50_rows_hibernate", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let _ = tree.root();
                let t = Instant::now();
                tree.hibernate();
                spent += t.elapsed();
            }
            spent
        })
    });
}

/// 10,000 keyed rows (`li` > `span` + text, `button` + text), each button a do-nothing
/// click handler: the cost of finding a handler by hid in a large retained tree.
fn dispatch_10k(c: &mut Criterion) {
    let mut tree = Tree::mount(|| {
        || {
            ul((0..10_000u32)
                .map(|k| li((span(k.to_string()), button("x").on_click(|_| {}))).key(k))
                .collect::<Vec<_>>())
        }
    });
    let hids = hids(tree.root(), "button", None);
    assert_eq!(hids.len(), 10_000);
    let mut i = 0;
    c.bench_function("dispatch_click_10k_rows", |b| {
        b.iter(|| {
            // Strided over the rows, so that no row is favoured by its place in the walk.
            i = (i + 7_919) % hids.len();
            let ev = Event {
                hid: hids[i],
                name: "click",
                data: EventData::None,
            };
            tree.dispatch(&ev).expect("a row button").expect("accepted");
        })
    });
}

/// The same click, but on 1,000 mounted lists in turn, as a server with 1,000 busy sessions
/// on one core sees it: each event finds its session's tree out of the CPU caches.
fn many_sessions(c: &mut Criterion) {
    let mut trees: Vec<(Tree, Vec<u32>)> = (0..1000)
        .map(|_| {
            let tree = Tree::mount(list);
            let hids = hids(tree.root(), "button", None);
            (tree, hids)
        })
        .collect();
    let mut i = 0usize;
    c.bench_function("list_50_rows_click_1000_sessions", |b| {
        b.iter(|| {
            let (tree, hids) = &mut trees[i % 1000];
            let edits = click(tree, hids[(i / 1000 * 7 + i) % hids.len()]);
            i += 1;
            assert_eq!(edits.set_text, 1, "one row's text changes");
        })
    });
}

criterion_group!(list_benches, benches, dispatch_10k, many_sessions);
criterion_main!(list_benches);
