//! The keyed diff against a model DOM: random (old, new) pairs (the oracle), keyed
//! permutations yield moves only, raw HTML, form properties, listeners.

use vango::component::TreeCx;
use vango::vdom::diff::diff;
use vango::vdom::Patch;
use vango_test_support::model::{CountSink, OpCounts};

use vango_test_support::diff_spec::*;

#[test]
fn oracle_random_pairs() {
    let base = std::env::var("VANGO_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0u64);
    let cases = if cfg!(debug_assertions) { 2000 } else { 20000 };
    for seed in base..base + cases {
        let (mut g, mut spec) = Gen::start(seed, TAGS);
        let mut cx = TreeCx::new(1);
        let mut tree = mounted(&spec, &mut cx);
        for round in 0..3 {
            let next = g.next_tree(&spec);
            step(
                &mut tree,
                &next,
                &mut cx,
                &format!("seed {seed} round {round} (VANGO_SEED={seed})"),
            );
            // Diffing against the same render again changes nothing.
            let c = step(
                &mut tree,
                &next,
                &mut cx,
                &format!("seed {seed} round {round} repeat"),
            );
            assert_eq!(c.total(), 0, "seed {seed}: identical render emitted {c:?}");
            spec = next;
        }
    }
}

fn rows(keys: &[u64]) -> Spec {
    root(
        keys.iter()
            .map(|&k| {
                Spec::El(El {
                    tag: "li",
                    key: Some(k),
                    attrs: vec![],
                    listeners: vec![],
                    children: vec![Spec::Text(format!("row {k}"))],
                })
            })
            .collect(),
    )
}

fn keyed_counts(old: &[u64], new: &[u64]) -> OpCounts {
    let mut cx = TreeCx::new(1);
    let mut tree = mounted(&rows(old), &mut cx);
    step(
        &mut tree,
        &rows(new),
        &mut cx,
        &format!("{old:?} -> {new:?}"),
    )
}

#[test]
fn keyed_permutations_move_only() {
    for seed in 0..300u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let n = rng.usize(0..60);
        let old: Vec<u64> = (0..n as u64).collect();
        let mut new = old.clone();
        rng.shuffle(&mut new);
        let c = keyed_counts(&old, &new);
        assert_eq!(c.total(), c.moves, "seed {seed}: {c:?}");
        // Never more moves than items outside a longest increasing run.
        assert!(
            c.moves as usize <= n.saturating_sub(1),
            "seed {seed}: {c:?}"
        );
    }
}

#[test]
fn swap_two_in_a_thousand_is_two_moves() {
    let old: Vec<u64> = (0..1000).collect();
    for (a, b) in [(1, 998), (0, 999), (10, 11), (500, 3)] {
        let mut new = old.clone();
        new.swap(a, b);
        let c = keyed_counts(&old, &new);
        assert!(c.moves <= 2 && c.total() == c.moves, "swap {a} {b}: {c:?}");
    }
}

#[test]
fn reverse_is_moves_only() {
    let old: Vec<u64> = (0..1000).collect();
    let new: Vec<u64> = old.iter().rev().copied().collect();
    let c = keyed_counts(&old, &new);
    assert_eq!(c.total(), c.moves);
    assert_eq!(c.moves, 999);
}

#[test]
fn keyed_insert_remove_counts() {
    let old: Vec<u64> = (0..100).collect();
    let mut new = old.clone();
    new.remove(40);
    new.insert(10, 1000);
    new.push(1001);
    let c = keyed_counts(&old, &new);
    assert_eq!((c.insert, c.remove, c.moves, c.total()), (2, 1, 0, 3));
}

#[test]
fn a_list_that_empties_is_one_clear_from_two_children() {
    for (n, want) in [
        (0, (0, 0, 0)),
        (1, (1, 0, 1)),
        (2, (0, 1, 1)),
        (1000, (0, 1, 1)),
    ] {
        let old: Vec<u64> = (0..n).collect();
        let c = keyed_counts(&old, &[]);
        assert_eq!((c.remove, c.clear, c.total()), want, "{n} rows: {c:?}");
    }
}

#[test]
fn unchanged_tree_emits_nothing() {
    let spec = rows(&(0..50).collect::<Vec<_>>());
    let mut cx = TreeCx::new(1);
    let mut tree = mounted(&spec, &mut cx);
    let mut sink = CountSink::default();
    diff(&mut tree, fresh(&spec), &mut cx, &mut sink);
    assert_eq!(sink.0.total(), 0);
}

fn el(
    tag: &'static str,
    attrs: Vec<(&'static str, Option<&'static str>)>,
    children: Vec<Spec>,
) -> Spec {
    Spec::El(El {
        tag,
        key: None,
        attrs,
        listeners: vec![],
        children,
    })
}

fn patches(old: &Spec, new: &Spec) -> Vec<Patch> {
    let mut cx = TreeCx::new(1);
    let mut tree = mounted(old, &mut cx);
    step(
        &mut mounted(old, &mut TreeCx::new(1)),
        new,
        &mut TreeCx::new(100),
        "patches",
    );
    let mut sink: Vec<Patch> = Vec::new();
    diff(&mut tree, fresh(new), &mut cx, &mut sink);
    sink
}

#[test]
fn form_values_are_properties() {
    let old = el(
        "form",
        vec![],
        vec![el(
            "input",
            vec![("value", Some("a")), ("class", Some("x"))],
            vec![],
        )],
    );
    let new = el(
        "form",
        vec![],
        vec![el(
            "input",
            vec![("value", Some("b")), ("class", Some("y"))],
            vec![],
        )],
    );
    let p = patches(&old, &new);
    assert!(
        p.contains(&Patch::SetProp {
            hid: 2,
            name: "value".into(),
            value: vango::vdom::patch::OwnedProp::Str("b".into())
        }),
        "{p:?}"
    );
    assert!(
        p.contains(&Patch::SetAttr {
            hid: 2,
            name: "class".into(),
            value: "y".into()
        }),
        "{p:?}"
    );
    let old = el(
        "div",
        vec![],
        vec![el("input", vec![("checked", None)], vec![])],
    );
    let new = el("div", vec![], vec![el("input", vec![], vec![])]);
    assert_eq!(
        patches(&old, &new),
        [Patch::SetProp {
            hid: 2,
            name: "checked".into(),
            value: vango::vdom::patch::OwnedProp::Bool(false)
        }]
    );
}

#[test]
fn listener_changes_patch_the_data_on_marker() {
    let mk = |l: Vec<(&'static str, u16)>| {
        Spec::El(El {
            tag: "button",
            key: None,
            attrs: vec![],
            listeners: l,
            children: vec![],
        })
    };
    assert_eq!(
        patches(
            &mk(vec![("click", 0)]),
            &mk(vec![("click", 0), ("input", 300)])
        ),
        [Patch::SetAttr {
            hid: 1,
            name: "data-on".into(),
            value: "click input.d300".into()
        }]
    );
    assert_eq!(
        patches(&mk(vec![("click", 0)]), &mk(vec![])),
        [Patch::RemoveAttr {
            hid: 1,
            name: "data-on".into()
        }]
    );
    assert!(patches(&mk(vec![("click", 0)]), &mk(vec![("click", 0)])).is_empty());
}

#[test]
fn raw_html_sole_child_uses_inner_html() {
    let old = el("div", vec![], vec![Spec::Raw("a|b".into())]);
    let new = el("div", vec![], vec![Spec::Raw("c".into())]);
    assert_eq!(
        patches(&old, &new),
        [Patch::SetInnerHtml {
            hid: 1,
            html: "c".into()
        }]
    );
    // Raw beside other children: a positional change replaces the parent.
    let old = el(
        "main",
        vec![],
        vec![el(
            "div",
            vec![],
            vec![Spec::Raw("a|b".into()), Spec::Text("t".into())],
        )],
    );
    let new = el(
        "main",
        vec![],
        vec![el(
            "div",
            vec![],
            vec![Spec::Raw("a|b".into()), Spec::Text("u".into())],
        )],
    );
    let p = patches(&old, &new);
    assert!(
        matches!(&p[..], [Patch::ReplaceNode { hid: 2, .. }]),
        "{p:?}"
    );
}

#[test]
fn text_and_element_swaps_replace() {
    let old = el(
        "div",
        vec![],
        vec![Spec::Text("a".into()), el("b", vec![], vec![])],
    );
    let new = el(
        "div",
        vec![],
        vec![el("i", vec![], vec![]), Spec::Text("c".into())],
    );
    let p = patches(&old, &new);
    assert!(
        matches!(
            &p[..],
            [
                Patch::ReplaceChild {
                    parent: 1,
                    index: 0,
                    ..
                },
                Patch::ReplaceNode { hid: 2, .. }
            ]
        ),
        "{p:?}"
    );
}

#[test]
fn duplicate_keys_are_reported_and_survived() {
    let mut cx = TreeCx::new(1);
    let mut tree = mounted(&rows(&[1, 2, 3, 4]), &mut cx);
    step(&mut tree, &rows(&[4, 2, 2, 1]), &mut cx, "dups");
    assert!(cx.warnings() >= 1);
}
