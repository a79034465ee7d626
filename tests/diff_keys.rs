//! The keyed diff across key shapes (dense, offset, sparse and full-range integers,
//! strings, integers and strings side by side, duplicates) against the model DOM: each
//! shape takes a different key index inside the diff, so each is checked on its own.

use vango::vdom::Str;

use vango::component::TreeCx;
use vango::vdom::diff::{diff, mount};
use vango::vdom::hid::normalize;
use vango::vdom::{Attr, AttrValue, Element, Key, VNode};
use vango_test_support::model::{build, Model, ModelSink, OpCounts};

fn seed_base() -> u64 {
    std::env::var("VANGO_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// One row: `<li key=k class=..>text<b>k</b></li>`; `version` changes text and class.
fn row(k: &Key, version: u8) -> VNode {
    let mut e = Element::new("li");
    e.key = Some(Box::new(k.clone()));
    if version % 2 == 1 {
        e.attrs.push(Attr {
            name: Str::from("class"),
            value: AttrValue::Str(Str::from(format!("v{version}"))),
        });
    }
    e.children
        .push(VNode::Text(Str::from(format!("{k:?}/{}", version / 2))));
    let mut b = Element::new("b");
    b.children.push(VNode::Text(Str::from("x")));
    e.children.push(VNode::Element(Box::new(b)));
    VNode::Element(Box::new(e))
}

fn list(rows: &[(Key, u8)]) -> VNode {
    let mut ul = Element::new("ul");
    ul.children = rows.iter().map(|(k, v)| row(k, *v)).collect();
    let mut n = VNode::Element(Box::new(ul));
    normalize(&mut n);
    n
}

/// Diffs `tree` to `next` through a model sink and checks the model, the result and the
/// hids; returns the edit counts.
fn step(tree: &mut VNode, next: &[(Key, u8)], cx: &mut TreeCx, ctx: &str) -> OpCounts {
    let mut sink = ModelSink::new(tree);
    diff(tree, list(next), cx, &mut sink);
    assert_eq!(sink.error, None, "{ctx}: bad edit");
    assert_eq!(
        sink.model,
        Model::of(tree),
        "{ctx}: model differs from tree"
    );
    assert_eq!(
        build(tree, false),
        build(&list(next), false),
        "{ctx}: result differs from new"
    );
    sink.counts
}

/// A key generator for one shape.
fn key_for(shape: u8, rng: &mut fastrand::Rng, n: usize) -> Key {
    let n = n as u64 + 1;
    match shape {
        0 => Key::Int(rng.u64(0..n * 2)),
        1 => Key::Int((1 << 40) + rng.u64(0..n * 5)),
        2 => Key::Int(rng.u64(0..1 << 48)),
        3 => Key::Int([0, 1, u64::MAX, u64::MAX - 1, rng.u64(..)][rng.usize(0..5)]),
        4 => Key::Str(format!("k{}", rng.u64(0..n * 3)).into()),
        _ => {
            if rng.bool() {
                Key::Int(rng.u64(0..n * 2))
            } else {
                // "5" as a string and 5 as an integer are different keys.
                Key::Str(format!("{}", rng.u64(0..n * 2)).into())
            }
        }
    }
}

fn fresh_keys(shape: u8, rng: &mut fastrand::Rng, n: usize, avoid: &[(Key, u8)]) -> Vec<Key> {
    let mut keys: Vec<Key> = Vec::with_capacity(n);
    let mut tries = 0;
    while keys.len() < n && tries < n * 50 + 50 {
        tries += 1;
        let k = key_for(shape, rng, n);
        if !keys.contains(&k) && !avoid.iter().any(|(a, _)| *a == k) {
            keys.push(k);
        }
    }
    keys
}

#[test]
fn key_shapes_match_the_model() {
    let base = seed_base();
    let cases = if cfg!(debug_assertions) { 600 } else { 6000 };
    for seed in base..base + cases {
        let mut rng = fastrand::Rng::with_seed(seed);
        let shape = rng.u8(0..6);
        let n = [rng.usize(0..8), rng.usize(0..40), rng.usize(0..300)][rng.usize(0..3)];
        let mut cur: Vec<(Key, u8)> = fresh_keys(shape, &mut rng, n, &[])
            .into_iter()
            .map(|k| (k, 0))
            .collect();
        let mut cx = TreeCx::new(1);
        let mut tree = list(&cur);
        mount(&mut tree, &mut cx);
        for round in 0..3 {
            let ctx = format!("seed {seed} round {round} shape {shape} (VANGO_SEED={seed})");
            let mut next = cur.clone();
            // Remove some, shuffle a window, add fresh keys, touch some contents.
            let removals = rng.usize(0..=next.len().min(5));
            for _ in 0..removals {
                next.remove(rng.usize(0..next.len()));
            }
            if next.len() > 1 {
                let a = rng.usize(0..next.len());
                let b = rng.usize(a..next.len());
                rng.shuffle(&mut next[a..=b]);
            }
            let adds = rng.usize(0..4);
            for k in fresh_keys(shape, &mut rng, adds, &next) {
                let at = rng.usize(0..=next.len());
                next.insert(at, (k, 0));
            }
            for _ in 0..rng.usize(0..3) {
                if !next.is_empty() {
                    let i = rng.usize(0..next.len());
                    next[i].1 = next[i].1.wrapping_add(1) % 4;
                }
            }
            if next.len() >= 2 && rng.u8(0..10) == 0 {
                let from = rng.usize(0..next.len());
                let to = rng.usize(0..next.len());
                next[to] = next[from].clone();
            }
            let warnings = cx.warnings();
            let c = step(&mut tree, &next, &mut cx, &ctx);
            let has_dup =
                |l: &[(Key, u8)]| (0..l.len()).any(|i| l[..i].iter().any(|x| x.0 == l[i].0));
            if !has_dup(&cur) && !has_dup(&next) {
                assert_eq!(cx.warnings(), warnings, "{ctx}: warned without duplicates");
                // Kept keys never come back as remove + insert.
                let kept = next
                    .iter()
                    .filter(|x| cur.iter().any(|y| y.0 == x.0))
                    .count();
                let gone = cur.len() - kept;
                let new = next.len() - kept;
                // A list of two or more that keeps no key (it empties, or every row is
                // replaced) is emptied by one ClearChildren.
                let cleared = kept == 0 && gone > 1;
                assert_eq!(c.clear, u32::from(cleared), "{ctx}: {c:?}");
                let removed = if cleared {
                    gone * c.clear as usize
                } else {
                    c.remove as usize
                };
                assert!(
                    removed == gone && c.insert as usize == new && (c.remove == 0 || !cleared),
                    "{ctx}: {c:?}, {gone} gone, {new} new"
                );
                assert!(c.replace_node == 0, "{ctx}: {c:?}");
            }
            let again = step(&mut tree, &next, &mut cx, &format!("{ctx} repeat"));
            assert_eq!(
                again.total(),
                0,
                "{ctx}: identical render emitted {again:?}"
            );
            cur = next;
        }
    }
}

/// Sparse and string keys take the same number of moves as dense ones for the same
/// permutation: the index representation changes nothing in the output.
#[test]
fn permutation_moves_do_not_depend_on_key_shape() {
    let base = seed_base();
    for seed in base..base + 200 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let n = rng.usize(0..120);
        let mut perm: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut perm);
        let mut counts = Vec::new();
        for shape in 0..5u8 {
            let keys = fresh_keys(shape, &mut rng, n, &[]);
            if keys.len() < n {
                continue;
            }
            let old: Vec<(Key, u8)> = keys.iter().map(|k| (k.clone(), 0)).collect();
            let new: Vec<(Key, u8)> = perm.iter().map(|&i| old[i].clone()).collect();
            let mut cx = TreeCx::new(1);
            let mut tree = list(&old);
            mount(&mut tree, &mut cx);
            let c = step(
                &mut tree,
                &new,
                &mut cx,
                &format!("seed {seed} shape {shape}"),
            );
            assert_eq!(c.total(), c.moves, "seed {seed} shape {shape}: {c:?}");
            counts.push(c.moves);
        }
        assert!(
            counts.windows(2).all(|w| w[0] == w[1]),
            "seed {seed}: moves differ by key shape: {counts:?}"
        );
    }
}

/// A list inside `ul`: the rows, or a range holding them when `in_range`.
fn list_in(rows: &[(Key, u8)], in_range: bool) -> VNode {
    if !in_range {
        return list(rows);
    }
    let range = Element::range(rows.iter().map(|(k, v)| row(k, *v)).collect());
    let mut ul = Element::new("ul");
    ul.children.push(VNode::Element(Box::new(range)));
    let mut n = VNode::Element(Box::new(ul));
    normalize(&mut n);
    n
}

#[test]
fn a_list_that_keeps_no_key_is_cleared_once_then_refilled_unless_it_is_a_range() {
    let keys = |from: u64, n: u64| {
        (from..from + n)
            .map(|k| (Key::Int(k), 0))
            .collect::<Vec<_>>()
    };
    // (old rows, new rows, in a range, expected clear / remove / insert counts)
    let one_kept = [keys(0, 1), keys(2000, 999)].concat();
    let cases = [
        (keys(0, 1000), keys(1000, 1000), false, (1, 0, 1000)),
        (keys(0, 1000), one_kept, false, (0, 999, 999)),
        (keys(0, 1), keys(1, 1), false, (0, 1, 1)),
        (keys(0, 1000), keys(1000, 1000), true, (0, 1000, 1000)),
    ];
    for (old, new, in_range, (clear, remove, insert)) in cases {
        let ctx = format!("{} → {} rows, range {in_range}", old.len(), new.len());
        let mut cx = TreeCx::new(1);
        let mut tree = list_in(&old, in_range);
        mount(&mut tree, &mut cx);
        let mut sink = ModelSink::new(&tree);
        diff(&mut tree, list_in(&new, in_range), &mut cx, &mut sink);
        assert_eq!(sink.error, None, "{ctx}: bad edit");
        assert_eq!(
            sink.model,
            Model::of(&tree),
            "{ctx}: model differs from tree"
        );
        assert_eq!(
            build(&tree, false),
            build(&list_in(&new, in_range), false),
            "{ctx}: result differs from new"
        );
        let c = sink.counts;
        assert_eq!(
            (c.clear, c.remove, c.insert, c.moves),
            (clear, remove, insert, 0),
            "{ctx}: {c:?}"
        );
    }
}
