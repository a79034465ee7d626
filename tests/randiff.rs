//! Checks of the randomized differential test's cases, without a browser.
//!
//! The cases (`vango_test_support::randiff*`) are reproducible,
//! well formed (unique uids, keys all-or-none and unique among siblings, components with
//! one element), kept to content the HTML parser leaves in place, and shrinkable to
//! nothing. The browser half is `client/test/randiff.test.mjs`.

use std::collections::HashSet;

use vango::component::Tree;
use vango::prelude::*;
use vango::render::to_html;
use vango_test_support::html5::{parse_body_fragment, PNode};
use vango_test_support::randiff::{case, fragments, view, walk, Kind, Node};
use vango_test_support::randiff_shrink::{candidates, Shrink};

const CASES: u32 = 300;

fn check_siblings(nodes: &[Node], in_comp: bool) {
    let keys: Vec<_> = nodes.iter().filter_map(|n| n.key).collect();
    assert!(
        keys.is_empty() || keys.len() == nodes.len(),
        "keys all or none"
    );
    assert_eq!(
        keys.iter().collect::<HashSet<_>>().len(),
        keys.len(),
        "unique keys"
    );
    if in_comp && !fragments() {
        assert!(matches!(
            nodes,
            [Node {
                kind: Kind::El { .. },
                key: None,
                ..
            }]
        ));
    }
    for n in nodes {
        match &n.kind {
            Kind::El { children, .. } => check_siblings(children, false),
            Kind::Comp { children, .. } => check_siblings(children, true),
            Kind::Text(_) | Kind::Raw(_) => {}
        }
    }
}

#[test]
fn cases_are_reproducible_and_well_formed() {
    for i in 0..CASES {
        let c = case(11, i);
        assert_eq!(c, case(11, i));
        check_siblings(&c.a, false);
        check_siblings(&c.b(), false);
        // Uids are unique across A and everything the edits bring in.
        let mut all = Vec::new();
        walk(&c.a, &mut all);
        for p in c.edits.iter().filter_map(|e| e.payload()) {
            walk(std::slice::from_ref(p), &mut all);
        }
        let mut seen = HashSet::new();
        for n in all {
            assert!(seen.insert(n.uid), "case {i}: uid {} twice", n.uid);
        }
    }
}

/// The elements of a model tree as tags, components inlined, texts left out.
fn shape(nodes: &[Node]) -> String {
    fn go(nodes: &[Node], out: &mut String) {
        for n in nodes {
            match &n.kind {
                Kind::El { tag, children, .. } => {
                    out.push_str(&format!("<{tag}>"));
                    go(children, out);
                    out.push_str("</>");
                }
                Kind::Comp { children, .. } => go(children, out),
                Kind::Raw(h) => out.push_str(&parsed_shape(&parse_body_fragment(h))),
                Kind::Text(_) => {}
            }
        }
    }
    let mut s = String::new();
    go(nodes, &mut s);
    s
}

fn parsed_shape(nodes: &[PNode]) -> String {
    fn go(nodes: &[PNode], out: &mut String) {
        for n in nodes {
            if let PNode::Element { tag, children, .. } = n {
                out.push_str(&format!("<{tag}>"));
                go(children, out);
                out.push_str("</>");
            }
        }
    }
    let mut s = String::new();
    go(nodes, &mut s);
    s
}

/// The first paint of A and of B parses to the model's elements, in place: the generator
/// keeps to content the HTML parser does not move (the test compares with fresh parses).
#[test]
fn first_paints_parse_to_the_model() {
    for i in 0..CASES {
        let c = case(12, i);
        for t in [c.a.clone(), c.b()] {
            let tree = Tree::mount({
                let t = t.clone();
                move || {
                    let st = signal((0u32, 0u32));
                    move || div(view(&t, st))
                }
            });
            let html = to_html(tree.root());
            let PNode::Element { children, .. } = &parse_body_fragment(&html)[0] else {
                panic!("case {i}: no root element in {html}");
            };
            assert_eq!(parsed_shape(children), shape(&t), "case {i}: {html}");
        }
    }
}

/// Taking the first candidate again and again ends with nothing left to reduce, each step
/// changing the case.
#[test]
fn shrinking_reaches_the_empty_case() {
    for i in 0..50 {
        let base = case(13, i);
        let mut s = Shrink::default();
        let mut steps = 0;
        while let Some(next) = candidates(&base, &s).into_iter().next() {
            assert_ne!(next.apply(&base), s.apply(&base));
            s = next;
            steps += 1;
            assert!(steps < 1000, "case {i}: shrinking does not end");
        }
        let end = s.apply(&base);
        assert!(
            end.a.is_empty() && end.edits.is_empty(),
            "case {i}: {end:?}"
        );
        let path = s.path();
        let (rm, drop) = path.split_once('/').unwrap();
        assert_eq!(Shrink::parse(rm, drop), Some(s));
    }
}
