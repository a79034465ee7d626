//! Generated trees for the diff's property tests: a `Spec` (plain data, comparable,
//! printable) that builds fresh `VNode`s, a seeded generator of specs and edits, and `step`,
//! the oracle (patched model == model of the result == fresh render of the new spec).
//! Shared by `tests/diff.rs` and `tests/diff_ssr.rs`.

use std::rc::Rc;
use vango::vdom::Str;

use crate::model::{build, Model, ModelSink, OpCounts};
use vango::component::TreeCx;
use vango::component::{component, component_keyed};
use vango::vdom::diff::{diff, mount};
use vango::vdom::hid::normalize;
use vango::vdom::{Attr, AttrValue, Element, Key, Listener, Modifiers, RawHtml, VNode};

#[derive(Clone, PartialEq, Debug)]
pub enum Spec {
    Text(String),
    Raw(String),
    El(El),
    /// A component: which setup fn (0 or 1), key, props (the subtree it renders).
    Comp(u8, Option<u64>, Box<Spec>),
}

#[derive(Clone, PartialEq, Debug)]
pub struct El {
    pub tag: &'static str,
    pub key: Option<u64>,
    pub attrs: Vec<(&'static str, Option<&'static str>)>, // None: Bool(true)
    pub listeners: Vec<(&'static str, u16)>,
    pub children: Vec<Spec>,
}

pub fn comp_a(p: Spec) -> impl FnMut() -> VNode {
    move || build_node(&p)
}
pub fn comp_b(p: Spec) -> impl FnMut() -> VNode {
    move || build_node(&p)
}

pub fn build_node(s: &Spec) -> VNode {
    match s {
        Spec::Text(t) => VNode::Text(Str::from(t.clone())),
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
            el.key = e.key.map(|k| Box::new(Key::Int(k)));
            for (n, v) in &e.attrs {
                el.attrs.push(Attr {
                    name: Str::from(*n),
                    value: match v {
                        Some(v) => AttrValue::Str(Str::from(*v)),
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
                    handler: Rc::new(|_| Ok(())),
                });
            }
            let mut kids = Vec::new();
            for c in &e.children {
                VNode::push_normalized(&mut kids, build_node(c));
            }
            el.children = kids.into();
            VNode::Element(Box::new(el))
        }
    }
}

pub const TAGS: &[&str] = &["div", "span", "p", "input", "option", "b"];
pub const ATTRS: &[&str] = &[
    "class", "id", "title", "value", "checked", "selected", "data-x",
];
pub const VALUES: &[&str] = &["a", "b", "", "c d"];
pub const EVENTS: &[&str] = &["click", "input", "keydown"];
pub const TEXTS: &[&str] = &["x", "y", "hello", "z z"];

pub struct Gen {
    pub rng: fastrand::Rng,
    pub next_key: u64,
    pub tags: &'static [&'static str],
}

impl Gen {
    /// A generator seeded with `seed` that draws tags from `tags`, and its first random
    /// tree (half the time a keyed list under the root).
    /// A random edit of the tree `spec`, rooted in an element (a mutation that yields a
    /// text or component root is wrapped in `root`).
    pub fn next_tree(&mut self, spec: &Spec) -> Spec {
        match self.mutate(spec, 0) {
            next @ Spec::El(_) => next,
            other => root(vec![other]),
        }
    }

    pub fn start(seed: u64, tags: &'static [&'static str]) -> (Gen, Spec) {
        let mut g = Gen {
            rng: fastrand::Rng::with_seed(seed),
            next_key: 0,
            tags,
        };
        let n = g.rng.usize(0..6);
        let mut spec = root((0..n).map(|_| g.any(1)).collect());
        if g.rng.bool() {
            spec = root((0..g.rng.usize(0..10)).map(|_| g.keyed_item(1)).collect());
        }
        (g, spec)
    }

    pub fn attrs(&mut self) -> Vec<(&'static str, Option<&'static str>)> {
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
    pub fn listeners(&mut self) -> Vec<(&'static str, u16)> {
        (0..self.rng.usize(0..3))
            .map(|_| {
                (
                    EVENTS[self.rng.usize(0..EVENTS.len())],
                    [0, 0, 300][self.rng.usize(0..3)],
                )
            })
            .collect()
    }
    pub fn text(&mut self) -> Spec {
        Spec::Text(TEXTS[self.rng.usize(0..TEXTS.len())].into())
    }
    pub fn raw(&mut self) -> Spec {
        Spec::Raw(["", "<i>r</i>", "a|b", "a|b|c"][self.rng.usize(0..4)].into())
    }
    pub fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }
    pub fn el(&mut self, depth: u32, key: Option<u64>) -> El {
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
    pub fn keyed_item(&mut self, depth: u32) -> Spec {
        let k = self.key();
        if self.rng.u8(0..6) == 0 {
            let p = Spec::El(self.el(depth + 1, None));
            Spec::Comp(self.rng.u8(0..2), Some(k), Box::new(p))
        } else {
            Spec::El(self.el(depth, Some(k)))
        }
    }
    pub fn any(&mut self, depth: u32) -> Spec {
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

    pub fn mutate(&mut self, s: &Spec, depth: u32) -> Spec {
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

pub fn root(children: Vec<Spec>) -> Spec {
    Spec::El(El {
        tag: "main",
        key: None,
        attrs: vec![],
        listeners: vec![],
        children,
    })
}

pub fn fresh(spec: &Spec) -> VNode {
    let mut n = build_node(spec);
    normalize(&mut n);
    n
}

pub fn mounted(spec: &Spec, cx: &mut TreeCx) -> VNode {
    let mut n = fresh(spec);
    mount(&mut n, cx);
    n
}

pub fn hids_ok(n: &VNode, seen: &mut std::collections::HashSet<u32>) -> bool {
    match n {
        VNode::Element(e) => {
            e.hid != 0 && seen.insert(e.hid) && e.children.iter().all(|c| hids_ok(c, seen))
        }
        VNode::Component(c) => c.rendered().is_some_and(|o| hids_ok(&o, seen)),
        _ => true,
    }
}

/// Diffs `tree` to `next` through a model sink and checks the oracle.
pub fn step(tree: &mut VNode, next: &Spec, cx: &mut TreeCx, ctx: &str) -> OpCounts {
    let mut sink = ModelSink::new(tree);
    diff(tree, fresh(next), cx, &mut sink);
    assert_eq!(sink.error, None, "{ctx}: bad edit");
    assert_eq!(
        sink.model,
        Model::of(tree),
        "{ctx}: patched model differs from the result tree"
    );
    let mut cx2 = TreeCx::new(1);
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
