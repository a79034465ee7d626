//! js-framework-benchmark ops on the server, in one thread: the click's dispatch, the
//! re-render and the diff of `examples/jsfb.rs` itself (rows as live components, a memo
//! per row for the selection), edits counted (no socket, no encoding).
//!
//! Run: `cargo bench --bench jsfb_ops -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, Criterion};
use vango::component::tree::Tree;
use vango::prelude::*;
use vango_test_support::model::CountSink;

#[path = "../examples/jsfb.rs"]
#[allow(dead_code)]
mod example;

/// The hids of the elements with tag `tag` (and `id`, if given), through components'
/// outputs, in document order.
fn find(n: &VNode, tag: &str, id: Option<&str>, out: &mut Vec<u32>) {
    match n {
        VNode::Element(e) => {
            if e.tag == tag && id.is_none_or(|id| e.attr("id") == Some(id)) {
                out.push(e.hid);
            }
            for c in &e.children {
                find(c, tag, id, out);
            }
        }
        VNode::Component(c) => {
            if let Some(o) = c.rendered() {
                find(&o, tag, id, out);
            }
        }
        _ => {}
    }
}

fn click(tree: &mut Tree, hid: u32) -> CountSink {
    let ev = Event {
        hid,
        name: "click",
        data: EventData::None,
    };
    tree.dispatch(&ev).expect("a handler").expect("accepted");
    let mut sink = CountSink::default();
    tree.rerender(&mut sink);
    sink
}

fn button(tree: &Tree, id: &str) -> u32 {
    let mut v = Vec::new();
    find(tree.root(), "button", Some(id), &mut v);
    v[0]
}

fn benches(c: &mut Criterion) {
    let mut tree = Tree::mount(example::jsfb);
    let run = button(&tree, "run");
    click(&mut tree, run);
    let mut links = Vec::new();
    find(tree.root(), "a", None, &mut links);
    // Each row holds two links (the label, the remove icon): the labels are the even ones.
    assert_eq!(links.len(), 2_000);
    let labels: Vec<u32> = links.iter().step_by(2).copied().collect();
    // Select row 2 first, so that each timed click moves the selection (two rows change).
    click(&mut tree, labels[1]);
    let mut i = 0;
    c.bench_function("jsfb_select_1k_rows", |b| {
        b.iter(|| {
            i = (i + 1) % 2;
            let sink = click(&mut tree, labels[1 + i]);
            assert_eq!(
                sink.0.set_attr + sink.0.remove_attr,
                2,
                "two rows change class"
            );
        })
    });
    let swap = button(&tree, "swaprows");
    c.bench_function("jsfb_swap_1k_rows", |b| {
        b.iter(|| {
            let sink = click(&mut tree, swap);
            assert_eq!(sink.0.moves, 2, "two rows move");
        })
    });
    let update = button(&tree, "update");
    c.bench_function("jsfb_update_every_10th_1k_rows", |b| {
        b.iter(|| {
            let sink = click(&mut tree, update);
            assert_eq!(sink.0.set_text, 100, "every 10th label changes");
        })
    });
}

criterion_group!(jsfb, benches);
criterion_main!(jsfb);
