//! The keyed diff against a model DOM: random (old, new) pairs (the oracle), keyed
//! permutations yield moves only, raw HTML, form properties, listeners.

use std::borrow::Cow;
use std::rc::Rc;

use vango::vdom::component::{component, component_keyed};
use vango::vdom::diff::{diff, DiffCx};
use vango::vdom::hid::normalize;
use vango::vdom::model::{build, CountSink, Model, ModelSink, OpCounts};
use vango::vdom::{Attr, AttrValue, Element, Key, Listener, Modifiers, Patch, RawHtml, VNode};

#[derive(Clone, PartialEq, Debug)]
enum Spec {
    Text(String),
    Raw(String),
    El(El),
    /// A component: which setup fn (0 or 1), key, props (the subtree it renders).
    Comp(u8, Option<u64>, Box<Spec>),
}

#[derive(Clone, PartialEq, Debug)]
struct El {
    tag: &'static str,
    key: Option<u64>,
    attrs: Vec<(&'static str, Option<&'static str>)>, // None: Bool(true)
    listeners: Vec<(&'static str, u16)>,
    children: Vec<Spec>,
}

fn comp_a(p: Spec) -> impl FnMut() -> VNode {
    move || build_node(&p)
}
fn comp_b(p: Spec) -> impl FnMut() -> VNode {
    move || build_node(&p)
}

fn build_node(s: &Spec) -> VNode {
    match s {
        Spec::Text(t) => VNode::Text(Cow::Owned(t.clone())),
        Spec::Raw(h) => VNode::Raw(RawHtml::trusted(h.clone())),
        Spec::Comp(which, key, p) => {
            let p = (**p).clone();
            match (which, key) {
                (0, None) => component(comp_a, p),
                (0, Some(k)) => component_keyed(*k, comp_a, p),
                (_, None) => component(comp_b, p),
                (_, Some(k)) => component_keyed(*k, comp_b, p),
            }
        }
        Spec::El(e) => {
            let mut el = Element::new(e.tag);
            el.key = e.key.map(Key::Int);
            for (n, v) in &e.attrs {
                el.attrs.push(Attr {
                    name: Cow::Borrowed(n),
                    value: match v {
                        Some(v) => AttrValue::Str(Cow::Borrowed(v)),
                        None => AttrValue::Bool(true),
                    },
                });
            }
            for (ev, d) in &e.listeners {
                el.listeners.push(Listener {
                    event: ev,
                    modifiers: Modifiers {
                        debounce_ms: *d,
                        ..Modifiers::default()
                    },
                    handler: Rc::new(|_| {}),
                });
            }
            for c in &e.children {
                VNode::push_normalized(&mut el.children, build_node(c));
            }
            VNode::Element(Box::new(el))
        }
    }
}

const TAGS: &[&str] = &["div", "span", "p", "input", "option", "b"];
const ATTRS: &[&str] = &[
    "class", "id", "title", "value", "checked", "selected", "data-x",
];
const VALUES: &[&str] = &["a", "b", "", "c d"];
const EVENTS: &[&str] = &["click", "input", "keydown"];
const TEXTS: &[&str] = &["x", "y", "hello", "z z"];

struct Gen {
    rng: fastrand::Rng,
    next_key: u64,
    tags: &'static [&'static str],
}

impl Gen {
    fn attrs(&mut self) -> Vec<(&'static str, Option<&'static str>)> {
        (0..self.rng.usize(0..4))
            .map(|_| {
                let v = if self.rng.u8(0..5) == 0 {
                    None
                } else {
                    Some(VALUES[self.rng.usize(0..VALUES.len())])
                };
                (ATTRS[self.rng.usize(0..ATTRS.len())], v)
            })
            .collect()
    }
    fn listeners(&mut self) -> Vec<(&'static str, u16)> {
        (0..self.rng.usize(0..3))
            .map(|_| {
                (
                    EVENTS[self.rng.usize(0..EVENTS.len())],
                    [0, 0, 300][self.rng.usize(0..3)],
                )
            })
            .collect()
    }
    fn text(&mut self) -> Spec {
        Spec::Text(TEXTS[self.rng.usize(0..TEXTS.len())].into())
    }
    fn raw(&mut self) -> Spec {
        Spec::Raw(["", "<i>r</i>", "a|b", "a|b|c"][self.rng.usize(0..4)].into())
    }
    fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }
    fn el(&mut self, depth: u32, key: Option<u64>) -> El {
        let mut e = El {
            tag: self.tags[self.rng.usize(0..self.tags.len())],
            key,
            attrs: self.attrs(),
            listeners: self.listeners(),
            children: Vec::new(),
        };
        if depth < 3 {
            e.children = match self.rng.u8(0..10) {
                0..=2 => (0..self.rng.usize(0..8))
                    .map(|_| self.keyed_item(depth + 1))
                    .collect(),
                3 => vec![self.raw()],
                _ => (0..self.rng.usize(0..5))
                    .map(|_| self.any(depth + 1))
                    .collect(),
            };
        }
        e
    }
    fn keyed_item(&mut self, depth: u32) -> Spec {
        let k = self.key();
        if self.rng.u8(0..6) == 0 {
            let p = Spec::El(self.el(depth + 1, None));
            Spec::Comp(self.rng.u8(0..2), Some(k), Box::new(p))
        } else {
            Spec::El(self.el(depth, Some(k)))
        }
    }
    fn any(&mut self, depth: u32) -> Spec {
        match self.rng.u8(0..20) {
            0..=6 => self.text(),
            7 => self.raw(),
            8 => {
                let p = if self.rng.bool() {
                    Spec::El(self.el(depth + 1, None))
                } else {
                    self.text()
                };
                Spec::Comp(self.rng.u8(0..2), None, Box::new(p))
            }
            _ => Spec::El(self.el(depth, None)),
        }
    }

    fn mutate(&mut self, s: &Spec, depth: u32) -> Spec {
        match s {
            Spec::Text(_) if self.rng.u8(0..3) == 0 => self.text(),
            Spec::Raw(_) if self.rng.u8(0..3) == 0 => self.raw(),
            Spec::Comp(w, k, p) => match self.rng.u8(0..6) {
                0 => Spec::Comp(1 - w, *k, p.clone()),
                1 | 2 => Spec::Comp(*w, *k, Box::new(self.mutate(p, depth + 1))),
                _ => s.clone(),
            },
            Spec::El(e) => {
                if self.rng.u8(0..15) == 0 {
                    return self.any(depth);
                }
                let mut e = e.clone();
                if self.rng.u8(0..10) == 0 {
                    e.tag = self.tags[self.rng.usize(0..self.tags.len())];
                }
                if self.rng.u8(0..3) == 0 {
                    e.attrs = self.attrs();
                }
                if self.rng.u8(0..4) == 0 {
                    e.listeners = self.listeners();
                }
                let keyed = !e.children.is_empty()
                    && e.children.iter().all(|c| {
                        matches!(
                            c,
                            Spec::El(El { key: Some(_), .. }) | Spec::Comp(_, Some(_), _)
                        )
                    });
                let mut ch: Vec<Spec> = e
                    .children
                    .iter()
                    .map(|c| {
                        if self.rng.u8(0..3) == 0 {
                            self.mutate(c, depth + 1)
                        } else {
                            c.clone()
                        }
                    })
                    .collect();
                if keyed || self.rng.u8(0..8) == 0 {
                    // keyed-style edits: permute, delete, insert
                    match self.rng.u8(0..6) {
                        0 => self.rng.shuffle(&mut ch),
                        1 if ch.len() >= 2 => {
                            let (a, b) = (self.rng.usize(0..ch.len()), self.rng.usize(0..ch.len()));
                            ch.swap(a, b);
                        }
                        2 => ch.reverse(),
                        _ => {}
                    }
                    for _ in 0..self.rng.usize(0..3) {
                        if !ch.is_empty() && self.rng.bool() {
                            let at = self.rng.usize(0..ch.len());
                            ch.remove(at);
                        }
                    }
                    for _ in 0..self.rng.usize(0..3) {
                        let at = self.rng.usize(0..=ch.len());
                        let item = if keyed {
                            self.keyed_item(depth + 1)
                        } else {
                            self.any(depth + 1)
                        };
                        ch.insert(at, item);
                    }
                    if keyed && ch.len() >= 2 && self.rng.u8(0..30) == 0 {
                        // duplicate key (a user bug the diff must survive)
                        let k = match &ch[0] {
                            Spec::El(x) => x.key,
                            Spec::Comp(_, k, _) => *k,
                            _ => None,
                        };
                        if let Spec::El(x) = &mut ch[1] {
                            x.key = k;
                        }
                    }
                    if keyed && !ch.is_empty() && self.rng.u8(0..30) == 0 {
                        let at = self.rng.usize(0..ch.len());
                        ch[at] = self.text(); // mixed keyed/unkeyed
                    }
                } else if self.rng.u8(0..4) == 0 && !ch.is_empty() {
                    let at = self.rng.usize(0..ch.len());
                    ch.remove(at);
                } else if self.rng.u8(0..4) == 0 {
                    let at = self.rng.usize(0..=ch.len());
                    ch.insert(at, self.any(depth + 1));
                }
                e.children = ch;
                Spec::El(e)
            }
            _ => s.clone(),
        }
    }
}

fn root(children: Vec<Spec>) -> Spec {
    Spec::El(El {
        tag: "main",
        key: None,
        attrs: vec![],
        listeners: vec![],
        children,
    })
}

fn fresh(spec: &Spec) -> VNode {
    let mut n = build_node(spec);
    normalize(&mut n);
    n
}

fn mounted(spec: &Spec, cx: &mut DiffCx) -> VNode {
    let mut n = fresh(spec);
    cx.mount(&mut n);
    n
}

fn hids_ok(n: &VNode, seen: &mut std::collections::HashSet<u32>) -> bool {
    match n {
        VNode::Element(e) => {
            e.hid != 0 && seen.insert(e.hid) && e.children.iter().all(|c| hids_ok(c, seen))
        }
        VNode::Component(c) => c.rendered().is_some_and(|o| hids_ok(&o, seen)),
        _ => true,
    }
}

/// Diffs `tree` to `next` through a model sink and checks the oracle.
fn step(tree: &mut VNode, next: &Spec, cx: &mut DiffCx, ctx: &str) -> OpCounts {
    let mut sink = ModelSink::new(tree);
    diff(tree, fresh(next), cx, &mut sink);
    assert_eq!(sink.error, None, "{ctx}: bad edit");
    assert_eq!(
        sink.model,
        Model::of(tree),
        "{ctx}: patched model differs from the result tree"
    );
    let mut cx2 = DiffCx::new(1);
    let expect = mounted(next, &mut cx2);
    assert_eq!(
        build(tree, false),
        build(&expect, false),
        "{ctx}: result differs from new"
    );
    assert!(
        hids_ok(tree, &mut Default::default()),
        "{ctx}: hids missing or duplicated"
    );
    sink.counts
}

#[test]
fn oracle_random_pairs() {
    let base = std::env::var("VANGO_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0u64);
    let cases = if cfg!(debug_assertions) { 2000 } else { 20000 };
    for seed in base..base + cases {
        let mut g = Gen {
            rng: fastrand::Rng::with_seed(seed),
            next_key: 0,
            tags: TAGS,
        };
        let n = g.rng.usize(0..6);
        let mut spec = root((0..n).map(|_| g.any(1)).collect());
        if g.rng.bool() {
            spec = root((0..g.rng.usize(0..10)).map(|_| g.keyed_item(1)).collect());
        }
        let mut cx = DiffCx::new(1);
        let mut tree = mounted(&spec, &mut cx);
        for round in 0..3 {
            let next = g.mutate(&spec, 0);
            let next = if matches!(next, Spec::El(_)) {
                next
            } else {
                root(vec![next])
            };
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
    let mut cx = DiffCx::new(1);
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
fn unchanged_tree_emits_nothing() {
    let spec = rows(&(0..50).collect::<Vec<_>>());
    let mut cx = DiffCx::new(1);
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
    let mut cx = DiffCx::new(1);
    let mut tree = mounted(old, &mut cx);
    step(
        &mut mounted(old, &mut DiffCx::new(1)),
        new,
        &mut DiffCx::new(100),
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
    let mut cx = DiffCx::new(1);
    let mut tree = mounted(&rows(&[1, 2, 3, 4]), &mut cx);
    step(&mut tree, &rows(&[4, 2, 2, 1]), &mut cx, "dups");
    assert!(cx.warnings() >= 1);
}

#[path = "support/html5.rs"]
#[allow(clippy::all)]
mod html5;

use html5::{parse_body_fragment as parse, show, PNode};

/// Tags whose HTML parses back to the same tree in any nesting (no `p`, voids, options).
const HTML_TAGS: &[&str] = &["div", "span", "b", "em", "section"];

fn hid_of(n: &PNode) -> Option<u32> {
    match n {
        PNode::Element { attrs, .. } => attrs
            .iter()
            .find(|(k, _)| k == "data-hid")
            .and_then(|(_, v)| v.parse().ok()),
        _ => None,
    }
}

fn find_list(nodes: &mut Vec<PNode>, hid: u32) -> Option<(&mut Vec<PNode>, usize)> {
    if let Some(i) = nodes.iter().position(|n| hid_of(n) == Some(hid)) {
        return Some((nodes, i));
    }
    nodes.iter_mut().find_map(|n| match n {
        PNode::Element { children, .. } => find_list(children, hid),
        _ => None,
    })
}

fn kids(dom: &mut Vec<PNode>, hid: u32) -> Result<&mut Vec<PNode>, String> {
    match find_list(dom, hid) {
        Some((list, i)) => match &mut list[i] {
            PNode::Element { children, .. } => Ok(children),
            _ => unreachable!(),
        },
        None => Err(format!("no element {hid}")),
    }
}

fn attrs_of(dom: &mut Vec<PNode>, hid: u32) -> Result<&mut Vec<(String, String)>, String> {
    match find_list(dom, hid) {
        Some((list, i)) => match &mut list[i] {
            PNode::Element { attrs, .. } => Ok(attrs),
            _ => unreachable!(),
        },
        None => Err(format!("no element {hid}")),
    }
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what.to_string())
    }
}

/// Applies one wire patch the way the client does (HTML parsed as a fragment).
fn apply(dom: &mut Vec<PNode>, p: &Patch) -> Result<(), String> {
    match p {
        Patch::SetText {
            parent,
            index,
            text,
        } => {
            let k = kids(dom, *parent)?;
            match k.get_mut(*index as usize) {
                Some(PNode::Text(t)) => *t = text.clone(),
                other => return Err(format!("set_text on {other:?}")),
            }
        }
        Patch::SetAttr { hid, name, value } => {
            let a = attrs_of(dom, *hid)?;
            match a.iter_mut().find(|(k, _)| k == name) {
                Some(slot) => slot.1 = value.clone(),
                None => a.push((name.clone(), value.clone())),
            }
        }
        Patch::RemoveAttr { hid, name } => attrs_of(dom, *hid)?.retain(|(k, _)| k != name),
        Patch::SetProp { .. } => return Err("no properties expected here".into()),
        Patch::InsertChild {
            parent,
            index,
            html,
        } => {
            let k = kids(dom, *parent)?;
            check(*index as usize <= k.len(), "insert index")?;
            let i = *index as usize;
            k.splice(i..i, parse(html));
        }
        Patch::RemoveChild { parent, index } => {
            let k = kids(dom, *parent)?;
            check((*index as usize) < k.len(), "remove index")?;
            k.remove(*index as usize);
        }
        Patch::MoveChild { parent, from, to } => {
            let k = kids(dom, *parent)?;
            check((*from as usize) < k.len(), "move from")?;
            let n = k.remove(*from as usize);
            check(*to as usize <= k.len(), "move to")?;
            k.insert(*to as usize, n);
        }
        Patch::ReplaceChild {
            parent,
            index,
            html,
        } => {
            let k = kids(dom, *parent)?;
            check((*index as usize) < k.len(), "replace index")?;
            let i = *index as usize;
            k.splice(i..=i, parse(html));
        }
        Patch::ReplaceNode { hid, html } => {
            let (list, i) = find_list(dom, *hid).ok_or(format!("no element {hid}"))?;
            list.splice(i..=i, parse(html));
        }
        Patch::SetInnerHtml { hid, html } => *kids(dom, *hid)? = parse(html),
    }
    Ok(())
}

/// Attribute order is not meaningful in the DOM; sort it on both sides.
fn canon(nodes: &mut [PNode]) {
    for n in nodes {
        if let PNode::Element {
            attrs, children, ..
        } = n
        {
            attrs.sort();
            canon(children);
        }
    }
}

#[test]
fn oracle_through_ssr_html() {
    let cases = if cfg!(debug_assertions) { 800 } else { 10000 };
    for seed in 0..cases {
        let mut g = Gen {
            rng: fastrand::Rng::with_seed(seed),
            next_key: 0,
            tags: HTML_TAGS,
        };
        let n = g.rng.usize(0..6);
        let mut spec = root((0..n).map(|_| g.any(1)).collect());
        if g.rng.bool() {
            spec = root((0..g.rng.usize(0..10)).map(|_| g.keyed_item(1)).collect());
        }
        let mut cx = DiffCx::new(1);
        let mut tree = mounted(&spec, &mut cx);
        let mut dom = parse(&vango::render::to_html(&tree));
        for round in 0..3 {
            let next = g.mutate(&spec, 0);
            let next = if matches!(next, Spec::El(_)) {
                next
            } else {
                root(vec![next])
            };
            let mut patches: Vec<Patch> = Vec::new();
            diff(&mut tree, fresh(&next), &mut cx, &mut patches);
            for p in &patches {
                if let Err(e) = apply(&mut dom, p) {
                    panic!(
                        "seed {seed} round {round}: {e} applying {p:?}\n{}",
                        show(&dom)
                    );
                }
            }
            let mut want = parse(&vango::render::to_html(&tree));
            canon(&mut dom);
            canon(&mut want);
            assert_eq!(
                show(&dom),
                show(&want),
                "seed {seed} round {round}: {patches:?}"
            );
            spec = next;
        }
    }
}
