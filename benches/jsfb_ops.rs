//! js-framework-benchmark ops on the server, in one thread: the click's dispatch, the
//! re-render and the diff of `examples/jsfb.rs` itself (rows as live components, one
//! `Selector` for the selection), edits counted (no socket, no encoding).
//!
//! Run: `cargo bench --bench jsfb_ops -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, Criterion};
use vango::component::tree::Tree;
use vango_test_support::clicks::{click, hids};

#[path = "../examples/jsfb.rs"]
#[allow(dead_code)]
mod example;

fn button(tree: &Tree, id: &str) -> u32 {
    hids(tree.root(), "button", Some(id))[0]
}

/// Clicks button `id`, which makes `n` rows, and selects row 2 so that each timed select
/// moves the selection (two rows change); returns the rows' label links.
fn rows(tree: &mut Tree, id: &str, n: usize) -> Vec<u32> {
    let b = button(tree, id);
    click(tree, b);
    let links = hids(tree.root(), "a", None);
    // Each row holds two links (the label, the remove icon): the labels are the even ones.
    assert_eq!(links.len(), 2 * n);
    let labels: Vec<u32> = links.iter().step_by(2).copied().collect();
    click(tree, labels[1]);
    labels
}

/// Selects row 2 and row 3 in turn.
fn select(c: &mut Criterion, name: &str, tree: &mut Tree, labels: &[u32]) {
    let mut i = 0;
    c.bench_function(name, |b| {
        b.iter(|| {
            i = (i + 1) % 2;
            let sink = click(tree, labels[1 + i]);
            assert_eq!(sink.set_attr + sink.remove_attr, 2, "two rows change class");
        })
    });
}

fn benches(c: &mut Criterion) {
    let mut tree = Tree::mount(example::jsfb);
    let labels = rows(&mut tree, "run", 1_000);
    select(c, "jsfb_select_1k_rows", &mut tree, &labels);
    // Row 2 selected again, so that each click below moves the selection.
    click(&mut tree, labels[1]);
    let mut i = 0;
    // The same click on a hibernated session (`Tree::hibernate` untimed before each): the
    // unpacking and the re-render of all 1,000 row components that brings back their
    // handlers are the price of the first click after 15 s idle.
    c.bench_function("jsfb_wake_select_1k_rows", |b| {
        b.iter_custom(|iters| {
            let mut spent = std::time::Duration::ZERO;
            for _ in 0..iters {
                tree.hibernate();
                i = (i + 1) % 2;
                let t = std::time::Instant::now();
                let sink = click(&mut tree, labels[1 + i]);
                spent += t.elapsed();
                assert_eq!(sink.set_attr + sink.remove_attr, 2, "two rows change class");
            }
            spent
        })
    });
    let swap = button(&tree, "swaprows");
    c.bench_function("jsfb_swap_1k_rows", |b| {
        b.iter(|| {
            let sink = click(&mut tree, swap);
            assert_eq!(sink.moves, 2, "two rows move");
        })
    });
    let update = button(&tree, "update");
    c.bench_function("jsfb_update_every_10th_1k_rows", |b| {
        b.iter(|| {
            let sink = click(&mut tree, update);
            assert_eq!(sink.set_text, 100, "every 10th label changes");
        })
    });
    // Replacing 1,000 rows by 1,000 new ones: 1,000 row components disposed, 1,000 set
    // up, rendered and mounted (edits counted; their HTML is not written).
    let run = button(&tree, "run");
    c.bench_function("jsfb_replace_1k_rows", |b| {
        b.iter(|| {
            let sink = click(&mut tree, run);
            assert_eq!(sink.insert, 1000, "a new row each");
        })
    });
    // Selecting among 10,000 rows: with a selector, the same two rows' work as among 1,000.
    let labels = rows(&mut tree, "runlots", 10_000);
    select(c, "jsfb_select_10k_rows", &mut tree, &labels);
}

criterion_group!(jsfb, benches);
criterion_main!(jsfb);
