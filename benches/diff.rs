//! Criterion benches of the keyed diff: unchanged trees, one text change, keyed rows
//! (swap two, reverse, shuffle, remove one, append 1,000; dense, sparse and string
//! keys), into a counting no-op sink.
//!
//! Tree construction and mounting are set-up, outside the timing. Each `NAME` times
//! `diff`, which also frees what the render leaves over; `NAME_diff_only` times `diff_in`
//! alone, the leftovers dropped outside the timing (what `diff` adds over it is about
//! `drop_fresh_1000_nodes` / `drop_fresh_1000_rows`).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use vango::component::TreeCx;
use vango::prelude::*;
use vango::vdom::diff::{diff, diff_in, mount};
use vango_test_support::model::CountSink;

/// 1,000 nodes: 250 × (li, text, span, text).
fn page(changed: Option<usize>) -> VNode {
    let items: Vec<El> = (0..250)
        .map(|i| {
            let label = if changed == Some(i) {
                "changed".to_string()
            } else {
                format!("item {i}")
            };
            li((text(label), span("x").class("tag")))
        })
        .collect();
    ul(items).class("list").into()
}

fn rows(keys: &[u32]) -> VNode {
    let items: Vec<El> = keys
        .iter()
        .map(|&k| tr((td(k.to_string()), td(span("label")))).key(k))
        .collect();
    tbody(items).into()
}

/// Rows keyed by `key(k)` instead of `k` (sparse integers, strings).
fn rows_by(keys: &[u32], key: impl Fn(u32) -> Key) -> VNode {
    let items: Vec<El> = keys
        .iter()
        .map(|&k| tr((td(k.to_string()), td(span("label")))).key(key(k)))
        .collect();
    tbody(items).into()
}

fn mounted(n: VNode, cx: &mut TreeCx) -> VNode {
    let mut n = n;
    mount(&mut n, cx);
    n
}

fn bench_pair(c: &mut Criterion, name: &str, old: impl Fn() -> VNode, new: impl Fn() -> VNode) {
    // One run outside the timing to report the edit counts.
    let mut cx = TreeCx::new(1);
    let mut tree = mounted(old(), &mut cx);
    let mut sink = CountSink::default();
    diff(&mut tree, new(), &mut cx, &mut sink);
    eprintln!("{name}: {:?}", sink.0);
    let setup = || {
        let mut cx = TreeCx::new(1);
        let tree = mounted(old(), &mut cx);
        (cx, tree, new())
    };
    c.bench_function(name, |b| {
        b.iter_batched(
            setup,
            |(mut cx, mut tree, new)| {
                let mut sink = CountSink::default();
                diff(&mut tree, new, &mut cx, &mut sink);
                (tree, sink.0.total())
            },
            BatchSize::PerIteration,
        )
    });
    // The returned trees (the patched one and the leftovers) are dropped untimed.
    c.bench_function(&format!("{name}_diff_only"), |b| {
        b.iter_batched(
            setup,
            |(mut cx, mut tree, mut new)| {
                let mut sink = CountSink::default();
                diff_in(&mut tree, &mut new, &mut cx, &mut sink);
                (tree, new, sink.0.total())
            },
            BatchSize::PerIteration,
        )
    });
}

fn benches(c: &mut Criterion) {
    // Baseline: what dropping a fresh 1,000-node render costs (the diff consumes it).
    c.bench_function("drop_fresh_1000_nodes", |b| {
        b.iter_batched(|| page(None), drop, BatchSize::PerIteration)
    });
    let base: Vec<u32> = (0..1000).collect();
    c.bench_function("drop_fresh_1000_rows", |b| {
        b.iter_batched(|| rows(&base), drop, BatchSize::PerIteration)
    });
    bench_pair(c, "identical_1000_nodes", || page(None), || page(None));
    bench_pair(
        c,
        "one_text_change_1000_nodes",
        || page(None),
        || page(Some(125)),
    );
    let mut swapped = base.clone();
    swapped.swap(1, 998);
    let reversed: Vec<u32> = base.iter().rev().copied().collect();
    let mut shuffled = base.clone();
    fastrand::Rng::with_seed(7).shuffle(&mut shuffled);
    let mut removed = base.clone();
    removed.remove(500);
    let appended: Vec<u32> = (0..2000).collect();
    bench_pair(c, "keyed_1000_identical", || rows(&base), || rows(&base));
    bench_pair(c, "keyed_1000_swap_two", || rows(&base), || rows(&swapped));
    bench_pair(c, "keyed_1000_reverse", || rows(&base), || rows(&reversed));
    bench_pair(c, "keyed_1000_shuffle", || rows(&base), || rows(&shuffled));
    bench_pair(
        c,
        "keyed_1000_remove_one",
        || rows(&base),
        || rows(&removed),
    );
    // The same swap with keys that cannot index a table: spread-out integers, strings.
    let sparse = |k: u32| Key::Int(u64::from(k) * 1_000_003);
    let string = |k: u32| Key::from(format!("row-{k}"));
    bench_pair(
        c,
        "keyed_1000_swap_two_sparse_keys",
        || rows_by(&base, sparse),
        || rows_by(&swapped, sparse),
    );
    bench_pair(
        c,
        "keyed_1000_swap_two_string_keys",
        || rows_by(&base, string),
        || rows_by(&swapped, string),
    );
    bench_pair(
        c,
        "keyed_1000_append_1000",
        || rows(&base),
        || rows(&appended),
    );
}

criterion_group!(diff_benches, benches);
criterion_main!(diff_benches);
