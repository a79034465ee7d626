//! Generated trees for the "first paint == patched page" property tests: diff specs
//! ([`crate::diff_spec::Spec`]) full of values the HTML parser or the browser would change
//! or run (attribute names in mixed case or invalid, script URLs, NUL, CR, end tags in
//! raw text), in HTML, SVG and MathML, with keyed lists to move; and [`Case`], one
//! hand-written old → new pair seen from both sides (first paints and the wire frame).
//! Touches `diff_spec` and vango's public render, diff and protocol API.
//!
//! Trees keep to content models the parser does not rearrange, so that the parse of a
//! tree's HTML has the tree's shape.

use vango::component::TreeCx;
use vango::protocol::{decode_server, Op, PatchEncoder, ServerFrame};
use vango::render::to_html;
use vango::vdom::diff::diff;
use vango::vdom::Patch;

use crate::diff_spec::{fresh, mounted, El, Spec};

/// Where an element is generated, which decides its tags, names and children.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ctx {
    Flow,
    Svg,
    Math,
}

/// Attribute names on HTML elements: case variants, URL-valued names, invalid and
/// reserved names.
pub const HTML_NAMES: &[&str] = &[
    "class",
    "CLASS",
    "data-Mixed",
    "data-mixed",
    "title",
    "href",
    "HREF",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "cite",
    "background",
    "ping",
    "viewBox",
    "bad name",
    "x=y",
    "a/b",
    "data-hid",
    "DATA-ON",
];
/// Attribute names on SVG elements.
pub const SVG_NAMES: &[&str] = &[
    "viewBox",
    "viewbox",
    "VIEWBOX",
    "data-Mixed",
    "data-mixed",
    "href",
    "xlink:href",
    "XLINK:HREF",
    "fill",
    "definitionURL",
    "bad name",
];
/// Attribute names on MathML elements.
pub const MATH_NAMES: &[&str] = &[
    "definitionURL",
    "definitionurl",
    "viewBox",
    "data-Mixed",
    "data-mixed",
    "href",
    "class",
];
/// Attribute values: plain ones, script-capable URLs in the spellings the URL parser
/// accepts, harmless URLs, and characters the HTML parser changes.
pub const VALUES: &[&str] = &[
    "x",
    "y",
    "",
    "javascript:alert(1)",
    " JaVa\tScRiPt:alert(1)",
    "\u{1}javascript:alert(1)",
    "java\nscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "data:image/png;base64,AAAA",
    "https://example.com/?a=1&b=2",
    "/relative#frag",
    "x.png 1x, javascript:alert(1) 2x",
    "a\0b",
    "\0",
    "a\r\nb\rc",
];
/// Texts: NUL, CR, end tags and comment openers.
pub const TEXTS: &[&str] = &[
    "x",
    "a\0b",
    "\0",
    "a\r\nb",
    "\r",
    "</style>",
    "</script><!--",
    "<b>",
    "a & b",
    "\u{FFFD}",
    "\n\nlead",
];

/// A seeded generator of trees and edits.
pub struct Gen {
    /// The generator's randomness.
    pub rng: fastrand::Rng,
    next_key: u64,
}

fn pick<T: Copy>(rng: &mut fastrand::Rng, xs: &[T]) -> T {
    xs[rng.usize(..xs.len())]
}

impl Gen {
    /// A generator seeded with `seed` and its first tree (rooted in a `<main>`).
    pub fn start(seed: u64) -> (Gen, Spec) {
        let mut g = Gen {
            rng: fastrand::Rng::with_seed(seed),
            next_key: 0,
        };
        let kids = g.children(Ctx::Flow, 2);
        (g, main(kids))
    }

    fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }

    fn text(&mut self) -> Spec {
        Spec::Text(pick(&mut self.rng, TEXTS).into())
    }

    fn attrs(&mut self, ctx: Ctx) -> Vec<(&'static str, Option<&'static str>)> {
        let names = match ctx {
            Ctx::Flow => HTML_NAMES,
            Ctx::Svg => SVG_NAMES,
            Ctx::Math => MATH_NAMES,
        };
        (0..self.rng.usize(0..4))
            .map(|_| {
                let v = if self.rng.u8(0..6) == 0 {
                    None
                } else {
                    Some(pick(&mut self.rng, VALUES))
                };
                (pick(&mut self.rng, names), v)
            })
            .collect()
    }

    fn el(&mut self, tag: &'static str, ctx: Ctx, key: Option<u64>) -> El {
        El {
            tag,
            key,
            attrs: self.attrs(ctx),
            listeners: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Children for an element in `ctx`: keyed a third of the time.
    fn children(&mut self, ctx: Ctx, depth: u32) -> Vec<Spec> {
        let n = self.rng.usize(0..if depth == 0 { 2 } else { 5 });
        if self.rng.u8(0..3) == 0 {
            (0..n)
                .map(|_| {
                    let k = self.key();
                    self.element(ctx, depth, Some(k))
                })
                .collect()
        } else {
            (0..n)
                .map(|_| {
                    if depth == 0 || self.rng.u8(0..3) == 0 {
                        self.text()
                    } else {
                        self.element(ctx, depth, None)
                    }
                })
                .collect()
        }
    }

    fn element(&mut self, ctx: Ctx, depth: u32, key: Option<u64>) -> Spec {
        let d = depth.saturating_sub(1);
        let tag = match ctx {
            Ctx::Flow => pick(
                &mut self.rng,
                &[
                    "div", "span", "section", "a", "pre", "textarea", "style", "script", "svg",
                    "math", "select", "img", "iframe",
                ],
            ),
            Ctx::Svg => pick(
                &mut self.rng,
                &["g", "circle", "text", "a", "style", "foreignObject"],
            ),
            Ctx::Math => pick(&mut self.rng, &["mrow", "mi", "mo"]),
        };
        let mut e = self.el(tag, ctx, key);
        e.children = match (ctx, tag) {
            (_, "textarea" | "style" | "script" | "iframe" | "a" | "mi" | "mo" | "text") => {
                (0..self.rng.usize(0..2)).map(|_| self.text()).collect()
            }
            (Ctx::Flow, "img") => Vec::new(),
            (Ctx::Flow, "select") => (0..self.rng.usize(0..4))
                .map(|_| {
                    let k = self.key();
                    let mut o = self.el("option", Ctx::Flow, Some(k));
                    o.children = vec![self.text()];
                    Spec::El(o)
                })
                .collect(),
            (Ctx::Flow, "svg") | (Ctx::Svg, "g") => self.children(Ctx::Svg, d),
            (Ctx::Flow, "math") | (Ctx::Math, "mrow") => self.children(Ctx::Math, d),
            (Ctx::Svg, "foreignObject") => {
                let mut div = self.el("div", Ctx::Flow, None);
                div.children = self.children(Ctx::Flow, d);
                vec![Spec::El(div)]
            }
            (Ctx::Svg, "circle") => Vec::new(),
            _ => self.children(ctx, d),
        };
        Spec::El(e)
    }

    /// A random edit of `spec` (a tree from [`Gen::start`]): attribute values, texts and
    /// names change, keyed lists are permuted, shrunk and grown.
    pub fn next_tree(&mut self, spec: &Spec) -> Spec {
        self.mutate(spec, Ctx::Flow, 3)
    }

    fn mutate(&mut self, s: &Spec, ctx: Ctx, depth: u32) -> Spec {
        match s {
            Spec::Text(_) if self.rng.u8(0..3) == 0 => self.text(),
            Spec::El(e) => {
                let mut e = e.clone();
                let own = match (ctx, e.tag) {
                    (Ctx::Flow, "svg") => Ctx::Svg,
                    (Ctx::Flow, "math") => Ctx::Math,
                    _ => ctx,
                };
                if e.tag != "main" && self.rng.u8(0..3) == 0 {
                    e.attrs = self.attrs(own);
                } else if !e.attrs.is_empty() && self.rng.u8(0..3) == 0 {
                    let i = self.rng.usize(..e.attrs.len());
                    e.attrs[i].1 = Some(pick(&mut self.rng, VALUES));
                }
                let inner = match (own, e.tag) {
                    (Ctx::Svg, "foreignObject") => Ctx::Flow,
                    (c, _) => c,
                };
                let mut ch: Vec<Spec> = e
                    .children
                    .iter()
                    .map(|c| {
                        if self.rng.u8(0..2) == 0 {
                            self.mutate(c, inner, depth.saturating_sub(1))
                        } else {
                            c.clone()
                        }
                    })
                    .collect();
                let keyed = !ch.is_empty()
                    && ch
                        .iter()
                        .all(|c| matches!(c, Spec::El(El { key: Some(_), .. })));
                if keyed {
                    match self.rng.u8(0..4) {
                        0 => self.rng.shuffle(&mut ch),
                        1 => ch.reverse(),
                        2 if ch.len() > 1 => {
                            let at = self.rng.usize(..ch.len());
                            ch.remove(at);
                        }
                        _ => {
                            let at = self.rng.usize(..=ch.len());
                            let k = self.key();
                            let item = if e.tag == "select" {
                                let mut o = self.el("option", Ctx::Flow, Some(k));
                                o.children = vec![self.text()];
                                Spec::El(o)
                            } else {
                                self.element(inner, depth.saturating_sub(1), Some(k))
                            };
                            ch.insert(at, item);
                        }
                    }
                }
                e.children = ch;
                Spec::El(e)
            }
            _ => s.clone(),
        }
    }
}

/// The root every generated tree hangs from.
pub fn main(children: Vec<Spec>) -> Spec {
    Spec::El(El {
        tag: "main",
        key: None,
        attrs: Vec::new(),
        listeners: Vec::new(),
        children,
    })
}

/// One hand-written case: the first paint of `old`, the diff to `new` (as recorded
/// patches and as the wire frame the encoder writes), and the first paint of the result.
#[derive(Clone, Debug)]
pub struct Case {
    /// SSR of the old tree (with hids).
    pub first: String,
    /// The diff's edits.
    pub patches: Vec<Patch>,
    /// The same edits as one Patches frame (seq 1, ack 0), as the server sends it.
    pub frame: Vec<u8>,
    /// SSR of the new tree, with the hids the diff gave it.
    pub fresh: String,
}

impl Case {
    /// Mounts `old`, renders it, diffs it to `new` through a recorder and the wire
    /// encoder at once, and renders the result.
    pub fn of(old: &Spec, new: &Spec) -> Case {
        let mut cx = TreeCx::new(1);
        let mut tree = mounted(old, &mut cx);
        let first = to_html(&tree);
        let mut sink = (Vec::<Patch>::new(), PatchEncoder::new());
        sink.1.begin(1, 0);
        diff(&mut tree, fresh(new), &mut cx, &mut sink);
        let frame = sink.1.finish().to_vec();
        Case {
            first,
            patches: sink.0,
            frame,
            fresh: to_html(&tree),
        }
    }

    /// The frame's ops as the decoder reads them back.
    pub fn ops(&self) -> Vec<Op> {
        match decode_server(&self.frame) {
            Ok(ServerFrame::Patches { ops, .. }) => ops,
            other => panic!("not a Patches frame: {other:?}"),
        }
    }

    /// Whether `needle` occurs in the frame's bytes.
    pub fn frame_has(&self, needle: &str) -> bool {
        self.frame
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }
}

/// An element spec with string attributes.
pub fn el(tag: &'static str, attrs: &[(&'static str, &'static str)], children: Vec<Spec>) -> Spec {
    Spec::El(El {
        tag,
        key: None,
        attrs: attrs.iter().map(|&(n, v)| (n, Some(v))).collect(),
        listeners: Vec::new(),
        children,
    })
}

/// [`el`] with a key.
pub fn keyed(
    key: u64,
    tag: &'static str,
    attrs: &[(&'static str, &'static str)],
    children: Vec<Spec>,
) -> Spec {
    match el(tag, attrs, children) {
        Spec::El(mut e) => {
            e.key = Some(key);
            Spec::El(e)
        }
        _ => unreachable!(),
    }
}

/// A text spec.
pub fn text(s: &str) -> Spec {
    Spec::Text(s.into())
}
