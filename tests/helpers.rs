//! Tests of the node helpers: text, fragment, raw HTML, conditionals, lists, key checks.

use std::cell::Cell;

use vango::prelude::*;
use vango::view::{check_keys, find_duplicate_key};

fn texts(n: &VNode) -> Vec<String> {
    match n {
        VNode::Fragment(c) => c.iter().flat_map(texts).collect(),
        VNode::Text(t) => vec![t.to_string()],
        VNode::Element(e) => vec![format!("<{}>", e.tag)],
        VNode::Empty => vec!["EMPTY".into()],
        VNode::Raw(r) => vec![format!("raw:{}", r.as_str())],
        VNode::Component(_) => vec!["component".into()],
    }
}

#[test]
fn text_keeps_literals_borrowed_and_drops_empty() {
    assert!(matches!(text("hi"), VNode::Text(t) if t.is_static() && t == "hi"));
    assert!(matches!(
        text(String::from("x")),
        VNode::Text(t) if !t.is_static() && t == "x"
    ));
    assert!(matches!(text(""), VNode::Empty));
    assert!(matches!(text_of(42), VNode::Text(t) if t == "42"));
}

#[test]
fn fragment_is_normalized() {
    let f = fragment(("a", (), fragment(("b", em("x"), "")), "c", None::<El>));
    assert_eq!(texts(&f), ["ab", "<em>", "c"]);
    if let VNode::Fragment(c) = &f {
        assert_eq!(c.len(), 3);
    } else {
        panic!("not a fragment: {f:?}");
    }
    // Flattened into the parent, merging with neighbouring text.
    let e = p(("x", f, "y"));
    assert_eq!(e.children.len(), 3);
    assert!(matches!(&e.children[0], VNode::Text(t) if t == "xab"));
    assert!(matches!(&e.children[2], VNode::Text(t) if t == "cy"));
}

#[test]
fn raw_html_is_kept_verbatim() {
    let n = raw_html(RawHtml::trusted("<b>&</b>"));
    assert_eq!(texts(&n), ["raw:<b>&</b>"]);
}

#[test]
fn when_runs_its_closure_only_if_needed() {
    let calls = Cell::new(0);
    let build = || {
        calls.set(calls.get() + 1);
        p("yes")
    };
    assert!(matches!(when(false, build), VNode::Empty));
    assert_eq!(calls.get(), 0);
    assert_eq!(texts(&when(true, build)), ["<p>"]);
    assert_eq!(calls.get(), 1);
    assert!(matches!(unless(true, build), VNode::Empty));
    assert_eq!(calls.get(), 1);
    assert_eq!(texts(&unless(false, build)), ["<p>"]);
    assert_eq!(calls.get(), 2);
}

#[test]
fn if_else_runs_only_the_chosen_branch() {
    let (a, b) = (Cell::new(0), Cell::new(0));
    let n = if_else(
        true,
        || {
            a.set(a.get() + 1);
            "then"
        },
        || {
            b.set(b.get() + 1);
            span("else")
        },
    );
    assert_eq!(texts(&n), ["then"]);
    assert_eq!((a.get(), b.get()), (1, 0));
    let n = if_else(false, || "then", || span("else"));
    assert_eq!(texts(&n), ["<span>"]);
}

#[test]
fn show_is_the_eager_when() {
    assert_eq!(texts(&show(true, ("a", "b"))), ["ab"]);
    assert!(matches!(show(false, "a"), VNode::Empty));
}

#[test]
fn each_builds_one_node_per_item() {
    let n = each(["a", "b", "c"], li);
    assert_eq!(texts(&n), ["<li>", "<li>", "<li>"]);
    // Texts from consecutive items merge: the fragment is normalized too.
    let n = each(1..=3, |i| i);
    assert_eq!(texts(&n), ["123"]);
    let n = each(Vec::<u8>::new(), |i| i);
    assert!(matches!(n, VNode::Fragment(c) if c.is_empty()));
}

#[test]
fn keyed_sets_a_key_on_every_element() {
    struct Row {
        id: u64,
        label: String,
    }
    let rows: Vec<Row> = (0..5)
        .map(|i| Row {
            id: i * 10,
            label: format!("row {i}"),
        })
        .collect();
    let list = ul(keyed(rows, |r| r.id, |r| li(r.label).class("row")));
    assert_eq!(list.children.len(), 5);
    for (i, c) in list.children.iter().enumerate() {
        let e = c.as_element().unwrap();
        assert_eq!(e.key.as_deref(), Some(&Key::Int(i as u64 * 10)));
        assert_eq!(e.attr("class"), Some("row"));
    }
    assert_eq!(find_duplicate_key(&list.children), None);
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "positions 1 and 3")]
fn keyed_with_duplicate_keys_panics_in_debug() {
    let _ = keyed([1, 2, 3, 2], |k| *k as u64, li);
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "duplicate key Some(Str(\"a\")) among siblings at positions 0 and 2")]
fn check_keys_names_the_key_and_both_positions() {
    let kids: Vec<VNode> = vec![
        li(()).key("a").into(),
        li(()).key("b").into(),
        li(()).key("a").into(),
    ];
    check_keys(&kids);
}

/// Reference: the first later index j that repeats a key seen at i < j.
fn naive_duplicate(keys: &[Option<u64>]) -> Option<(usize, usize)> {
    for j in 0..keys.len() {
        for i in 0..j {
            if keys[j].is_some() && keys[i] == keys[j] {
                return Some((i, j));
            }
        }
    }
    None
}

#[test]
fn find_duplicate_key_agrees_with_a_naive_scan() {
    for seed in 0..500u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let len = rng.usize(0..80); // crosses the 32-child threshold of the fast path
        let range = rng.u64(1..200);
        let keys: Vec<Option<u64>> = (0..len)
            .map(|_| rng.bool().then(|| rng.u64(0..range)))
            .collect();
        let kids: Vec<VNode> = keys
            .iter()
            .map(|k| match k {
                Some(k) => li(()).key(*k).into(),
                None if rng.bool() => li(()).into(),
                None => text("t"),
            })
            .collect();
        assert_eq!(
            find_duplicate_key(&kids),
            naive_duplicate(&keys),
            "seed {seed}"
        );
        if naive_duplicate(&keys).is_none() {
            check_keys(&kids);
        }
    }
}
