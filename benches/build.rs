//! Builder benchmark: the cost of building a 1,000-node tree with the element builders.
//!
//! Run: `cargo bench --bench build -- --warm-up-time 1 --measurement-time 2`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use vango::prelude::*;

/// 100 keyed rows of 10 nodes each:
/// `li > (span > text, button > text, a > text, input, em > text)`.
fn table(labels: &[String]) -> VNode {
    ul(keyed(
        labels.iter().enumerate(),
        |(i, _)| *i,
        |(i, label)| {
            li((
                span(label.clone()),
                button("×").on_click(|_| {}).prevent_default(),
                a("edit").href("/edit").class("link"),
                input().type_("checkbox").checked(i % 2 == 0),
                em(i),
            ))
            .classes([("row", true), ("odd", i % 2 == 1)])
        },
    ))
    .id("rows")
    .into()
}

fn count(n: &VNode) -> usize {
    match n {
        VNode::Element(e) => 1 + e.children.iter().map(count).sum::<usize>(),
        VNode::Fragment(c) => c.iter().map(count).sum(),
        VNode::Empty => 0,
        _ => 1,
    }
}

fn build(c: &mut Criterion) {
    let labels: Vec<String> = (0..100).map(|i| format!("row number {i}")).collect();
    assert_eq!(count(&table(&labels)), 1001);
    c.bench_function("build_1000_nodes", |b| b.iter(|| table(black_box(&labels))));
    c.bench_function("build_static_100_rows", |b| {
        b.iter(|| -> VNode { ul(each(0..100, |_| li((span("label"), " ", strong("x"))))).into() })
    });
}

criterion_group!(benches, build);
criterion_main!(benches);
