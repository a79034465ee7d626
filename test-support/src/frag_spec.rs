//! Generated trees of fragment components for the range tests: a [`F`] spec (plain data)
//! whose components render any number of nodes (so their outputs are ranges) in the
//! places a wrapper element could not stand (`<p>`, `<ul>`, `<tbody>`, `<tr>`,
//! `<select>`, SVG), keyed lists of them, a seeded generator of edits, and [`Run`], a
//! mounted [`Tree`] driven through those edits that records each step's patches and frame.
//! Touches vango's public component, render and protocol API.

use vango::vdom::Str;

use vango::component::Tree;
use vango::prelude::{
    component, component_keyed, component_live, component_live_keyed, signal, Signal,
};
use vango::protocol::PatchEncoder;
use vango::render::to_html;
use vango::vdom::{Element, Key, Patch, VNode};

/// A node of a fragment tree.
#[derive(Clone, PartialEq, Debug)]
pub enum F {
    /// A text.
    Text(&'static str),
    /// An element: tag, key, children.
    El(&'static str, Option<u64>, Vec<F>),
    /// A component rendering a list of nodes: `0` a [`component`] (a change of what it
    /// renders remounts it), `1` a [`component_live`] (kept; re-renders and is diffed);
    /// its key; what it renders.
    Comp(u8, Option<u64>, Vec<F>),
}

fn plain(p: Vec<F>) -> impl FnMut() -> VNode {
    move || nodes_of(&p)
}

fn live(p: Signal<Vec<F>>) -> impl FnMut() -> VNode {
    move || nodes_of(&p.get())
}

/// The nodes of `list` as one fragment.
pub fn nodes_of(list: &[F]) -> VNode {
    VNode::Fragment(list.iter().map(build).collect())
}

/// The fresh `VNode` of `f`.
pub fn build(f: &F) -> VNode {
    match f {
        F::Text(t) => VNode::Text(Str::from(*t)),
        F::El(tag, key, ch) => {
            let mut e = Element::new(tag);
            e.key = key.map(|k| Box::new(Key::Int(k)));
            let mut kids = Vec::new();
            for c in ch {
                VNode::push_normalized(&mut kids, build(c));
            }
            e.children = kids.into();
            VNode::Element(Box::new(e))
        }
        F::Comp(0, None, p) => component(plain, p.clone()),
        F::Comp(0, Some(k), p) => component_keyed(*k, plain, p.clone()),
        F::Comp(_, None, p) => component_live(live, p.clone()),
        F::Comp(_, Some(k), p) => component_live_keyed(*k, live, p.clone()),
    }
}

/// The HTML of `list` as if components added nothing (no markers, no hids): what the
/// parser must read the first paint as, up to the range comments.
pub fn plain_html(list: &[F]) -> String {
    let mut s = String::new();
    for f in list {
        match f {
            F::Text(t) => s.push_str(t),
            F::El(tag, _, ch) => s.push_str(&format!("<{tag}>{}</{tag}>", plain_html(ch))),
            F::Comp(_, _, ch) => s.push_str(&plain_html(ch)),
        }
    }
    s
}

/// Where children are generated: which tags, and whether texts may stand there.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ctx {
    /// Flow content (`<main>`, `<div>`, `<li>`, `<td>`).
    Flow,
    /// Phrasing content (`<p>`, `<span>`).
    Phrase,
    /// `<ul>`: `<li>` only.
    List,
    /// `<tbody>`: `<tr>` only.
    Body,
    /// `<tr>`: `<td>` only.
    Row,
    /// `<select>`: `<option>` only.
    Select,
    /// `<option>`: text only.
    OptText,
    /// SVG: `<g>`, `<circle>`, text.
    Svg,
}

const TEXTS: &[&str] = &["x", "y", "hello", "z z", "7"];

/// A seeded generator of fragment trees and edits.
pub struct Gen {
    /// Its random source.
    pub rng: fastrand::Rng,
    next_key: u64,
}

impl Gen {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Gen {
        Gen {
            rng: fastrand::Rng::with_seed(seed),
            next_key: 1,
        }
    }

    fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }

    fn text(&mut self) -> F {
        F::Text(TEXTS[self.rng.usize(0..TEXTS.len())])
    }

    /// An element that may stand in `ctx`, with its children.
    fn el(&mut self, ctx: Ctx, depth: u32, key: Option<u64>) -> F {
        let (tag, inner) = match ctx {
            Ctx::Flow => match self.rng.u8(0..7) {
                0 => ("p", Ctx::Phrase),
                1 => ("ul", Ctx::List),
                2 => {
                    let body = F::El("tbody", None, self.list(Ctx::Body, depth + 1));
                    return F::El("table", key, vec![body]);
                }
                3 => ("select", Ctx::Select),
                4 => ("svg", Ctx::Svg),
                5 => ("span", Ctx::Phrase),
                _ => ("div", Ctx::Flow),
            },
            Ctx::Phrase => (["span", "b"][self.rng.usize(0..2)], Ctx::Phrase),
            Ctx::List => ("li", Ctx::Flow),
            Ctx::Body => ("tr", Ctx::Row),
            Ctx::Row => ("td", Ctx::Flow),
            Ctx::Select => ("option", Ctx::OptText),
            Ctx::OptText => unreachable!("no elements in an option"),
            Ctx::Svg => (["g", "circle"][self.rng.usize(0..2)], Ctx::Svg),
        };
        F::El(tag, key, self.list(inner, depth + 1))
    }

    /// One child for `ctx`, unkeyed.
    fn any(&mut self, ctx: Ctx, depth: u32) -> F {
        let texts = !matches!(ctx, Ctx::List | Ctx::Body | Ctx::Row | Ctx::Select);
        match self.rng.u8(0..10) {
            _ if ctx == Ctx::OptText => self.text(),
            0..=2 if texts => self.text(),
            3..=5 if depth < 5 => {
                let out = self.output(ctx, depth);
                F::Comp(self.rng.u8(0..2), None, out)
            }
            _ if depth >= 5 && texts => self.text(),
            _ => self.el(ctx, depth, None),
        }
    }

    /// What a component in `ctx` renders: none, one or several nodes.
    fn output(&mut self, ctx: Ctx, depth: u32) -> Vec<F> {
        (0..self.rng.usize(0..4))
            .map(|_| self.any(ctx, depth + 1))
            .collect()
    }

    /// A keyed child for `ctx`: a keyed component (its output a range or an element) or a
    /// keyed element.
    fn keyed_item(&mut self, ctx: Ctx, depth: u32) -> F {
        let k = self.key();
        if ctx == Ctx::OptText || self.rng.u8(0..3) == 0 {
            return match ctx {
                Ctx::OptText => self.text(),
                _ => self.el(ctx, depth, Some(k)),
            };
        }
        let out = self.output(ctx, depth);
        F::Comp(self.rng.u8(0..2), Some(k), out)
    }

    /// A child list for `ctx`: keyed a third of the time.
    pub fn list(&mut self, ctx: Ctx, depth: u32) -> Vec<F> {
        let n = if depth > 4 { 0 } else { self.rng.usize(0..4) };
        if ctx != Ctx::OptText && self.rng.u8(0..3) == 0 {
            (0..n).map(|_| self.keyed_item(ctx, depth)).collect()
        } else {
            (0..n).map(|_| self.any(ctx, depth)).collect()
        }
    }

    /// A random edit of the child list `list` in `ctx`.
    pub fn mutate_list(&mut self, list: &[F], ctx: Ctx, depth: u32) -> Vec<F> {
        let keyed = !list.is_empty()
            && list
                .iter()
                .all(|c| matches!(c, F::El(_, Some(_), _) | F::Comp(_, Some(_), _)));
        let mut ch: Vec<F> = list
            .iter()
            .map(|c| {
                if self.rng.u8(0..3) == 0 {
                    self.mutate(c, ctx, depth + 1)
                } else {
                    c.clone()
                }
            })
            .collect();
        match self.rng.u8(0..6) {
            0 => self.rng.shuffle(&mut ch),
            1 => ch.reverse(),
            _ => {}
        }
        if !ch.is_empty() && self.rng.bool() {
            let at = self.rng.usize(0..ch.len());
            ch.remove(at);
        }
        if self.rng.bool() && depth < 5 {
            let at = self.rng.usize(0..=ch.len());
            let item = if keyed {
                self.keyed_item(ctx, depth)
            } else {
                self.any(ctx, depth)
            };
            ch.insert(at, item);
        }
        ch
    }

    fn mutate(&mut self, f: &F, ctx: Ctx, depth: u32) -> F {
        match f {
            F::Text(_) => self.text(),
            F::Comp(w, k, out) => match self.rng.u8(0..6) {
                0 => F::Comp(1 - w, *k, out.clone()),
                1..=3 => F::Comp(*w, *k, self.mutate_list(out, ctx, depth + 1)),
                _ => f.clone(),
            },
            F::El("table", k, ch) => match &ch[..] {
                [F::El("tbody", None, rows)] => {
                    let rows = self.mutate_list(rows, Ctx::Body, depth + 2);
                    F::El("table", *k, vec![F::El("tbody", None, rows)])
                }
                _ => f.clone(),
            },
            F::El(tag, k, ch) => {
                if self.rng.u8(0..12) == 0 {
                    return self.el(ctx, depth, *k);
                }
                let inner = match *tag {
                    "p" | "span" | "b" => Ctx::Phrase,
                    "ul" => Ctx::List,
                    "tr" => Ctx::Row,
                    "select" => Ctx::Select,
                    "option" => Ctx::OptText,
                    "svg" | "g" | "circle" => Ctx::Svg,
                    _ => Ctx::Flow,
                };
                F::El(tag, *k, self.mutate_list(ch, inner, depth + 1))
            }
        }
    }
}

/// A mounted tree whose root renders a signal's list of nodes (so the root itself is a
/// range unless the list is exactly one element).
pub struct Run {
    /// The tree.
    pub tree: Tree,
    spec: Signal<Vec<F>>,
    seq: u64,
}

impl Run {
    /// Mounts `spec`.
    pub fn new(spec: Vec<F>) -> Run {
        let s = signal(spec);
        let tree = Tree::mount(move || move || nodes_of(&s.get()));
        Run {
            tree,
            spec: s,
            seq: 0,
        }
    }

    /// The SSR of the current tree.
    pub fn html(&self) -> String {
        to_html(self.tree.root())
    }

    /// Renders `next` and returns the edits, as patches and as one Patches frame (seqs
    /// counting from 1).
    pub fn step(&mut self, next: Vec<F>) -> (Vec<Patch>, Vec<u8>) {
        self.spec.set(next);
        self.seq += 1;
        let mut sink = (Vec::<Patch>::new(), PatchEncoder::new());
        sink.1.begin(self.seq, 0);
        self.tree.rerender(&mut sink);
        let frame = sink.1.finish().to_vec();
        (sink.0, frame)
    }
}
