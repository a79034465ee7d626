//! One list-workload event on the server, in one thread: dispatch a click on a row's
//! button, re-render the 50-row list, diff it, count the edits (no socket, no encoding).
//! The component is `examples/list.rs` itself.
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

criterion_group!(list_benches, benches);
criterion_main!(list_benches);
