//! One list-workload event on the server, in one thread: dispatch a click on a row's
//! button, re-render the 50-row list, diff it, count the edits (no socket, no encoding).
//! The component is `examples/list.rs` itself. Also: routing one click to its handler in a
//! 10,000-row list (≈40,000 nodes), without the re-render.
//!
//! Run: `cargo bench --bench list_event -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, Criterion};
use vango::component::tree::Tree;
use vango::prelude::*;
use vango_test_support::model::CountSink;

// The example itself, so the bench measures exactly the component the load runs use.
#[path = "../examples/list.rs"]
#[allow(dead_code)]
mod example;

use example::list;

/// The hids of the row buttons, in order.
fn buttons(n: &VNode, out: &mut Vec<u32>) {
    if let VNode::Element(e) = n {
        if e.tag == "button" {
            out.push(e.hid);
        }
        for c in &e.children {
            buttons(c, out);
        }
    }
}

fn benches(c: &mut Criterion) {
    let mut tree = Tree::mount(list);
    let mut hids = Vec::new();
    buttons(tree.root(), &mut hids);
    assert_eq!(hids.len(), 50);
    let mut i = 0;
    c.bench_function("list_50_rows_click_rerender_diff", |b| {
        b.iter(|| {
            let ev = Event {
                hid: hids[i % hids.len()],
                name: "click",
                data: EventData::None,
            };
            i += 1;
            tree.dispatch(&ev).expect("a row button").expect("accepted");
            let mut sink = CountSink::default();
            tree.rerender(&mut sink);
            assert_eq!(sink.0.set_text, 1, "one row's text changes");
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
    let mut hids = Vec::new();
    buttons(tree.root(), &mut hids);
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

criterion_group!(list_benches, benches, dispatch_10k);
criterion_main!(list_benches);
