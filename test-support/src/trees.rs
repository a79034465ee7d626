//! Test support: random VNode trees with hostile strings, and the DOM they should parse to.
//!
//! The generator keeps to content models the HTML parser does not rearrange (no `<p>` in a
//! `<p>`, `<li>` only in `<ul>`, no `<a>` in an `<a>`, ...) so that the intended tree is
//! the parsed tree. The model (`expect`) is written from the HTML spec and the rules
//! documented on `vango::render`, independently of the renderer's code.

use std::rc::Rc;
use vango::vdom::Str;

use vango::vdom::{Attr, AttrValue, Children, Element, Listener, Modifiers, RawHtml, VNode};

use crate::html5::PNode;

/// Strings that have broken HTML writers.
pub const HOSTILE: &[&str] = &[
    "</script>",
    "</SCRIPT >",
    "</script",
    "<script>",
    "<!--<script>",
    "</style>",
    "</StYlE",
    "</textarea>",
    "</title>",
    "</pre>",
    "\"'<>&",
    "<!--",
    "-->",
    "--!>",
    "]]>",
    "<![CDATA[x]]>",
    "<b>bold</b>",
    "<img src=x onerror=alert(1)>",
    "\0",
    "a\0b",
    "\r",
    "\r\n",
    "\n\r",
    "\n",
    "\n\nx",
    "\r\r\n\n",
    "&amp;",
    "&lt;",
    "&#0;",
    "&#x26;",
    "&notit;",
    "&",
    "é",
    "😀",
    "👩‍👩‍👧",
    "\u{FFFD}",
    "\u{85}",
    "\u{7}",
    "\u{1b}",
    "\u{7f}",
    "\u{b}",
    "\u{c}",
    "\t",
    " ",
    "\u{200b}",
    "\u{feff}",
    "\u{FDD0}",
    "\u{10FFFF}",
    "x",
    "hello world",
    "`${x}`",
    "\\",
];

/// A random string mixing hostile pieces and random code points; may be empty.
pub fn hostile_text(rng: &mut fastrand::Rng) -> String {
    let mut s = String::new();
    for _ in 0..rng.usize(0..4) {
        match rng.u8(0..10) {
            0..=5 => s.push_str(HOSTILE[rng.usize(..HOSTILE.len())]),
            6 => s.push(rng.alphanumeric()),
            7 => s.push(rng.char('\0'..'\u{100}')),
            8 => s.push(rng.char(..)),
            _ => s.push('\n'),
        }
    }
    s
}

fn text(rng: &mut fastrand::Rng) -> VNode {
    VNode::Text(Str::from(hostile_text(rng)))
}

/// Trusted HTML snippets with the nodes they parse to (as body content).
pub fn raw_snippets() -> Vec<(&'static str, Vec<PNode>)> {
    let em = PNode::Element {
        tag: "em".into(),
        ns: "html".into(),
        attrs: vec![("class".into(), "r".into())],
        children: vec![PNode::Text("raw & <".into())],
    };
    vec![
        ("<em class=r>raw &amp; &lt;</em>", vec![em]),
        ("&amp;&#13;", vec![PNode::Text("&\r".into())]),
        ("", vec![]),
    ]
}

const ATTR_NAMES: &[&str] = &[
    "class",
    "id",
    "title",
    "data-x",
    "data-user-name",
    "aria-label",
    "lang",
    "placeholder",
    "data-hid",
    "data-on",
];
const BOOL_NAMES: &[&str] = &["hidden", "disabled", "autofocus"];
const SVG_ATTRS: &[&str] = &["class", "fill", "viewBox", "data-k"];
const MATH_ATTRS: &[&str] = &["class", "data-k"];

fn random_attrs(rng: &mut fastrand::Rng, names: &[&'static str]) -> Vec<Attr> {
    let mut v = Vec::new();
    for _ in 0..rng.usize(0..4) {
        let value = if names == ATTR_NAMES && rng.u8(0..5) == 0 {
            let name = BOOL_NAMES[rng.usize(..BOOL_NAMES.len())];
            v.push(Attr {
                name: Str::from(name),
                value: AttrValue::Bool(rng.bool()),
            });
            continue;
        } else {
            AttrValue::Str(Str::from(hostile_text(rng)))
        };
        v.push(Attr {
            name: Str::from(names[rng.usize(..names.len())]),
            value,
        });
    }
    v
}

fn random_listeners(rng: &mut fastrand::Rng) -> Vec<Listener> {
    const EV: &[&str] = &[
        "click",
        "input",
        "submit",
        "keydown",
        "pointermove",
        "change",
    ];
    (0..rng.usize(0..3))
        .map(|_| Listener {
            event: EV[rng.usize(..EV.len())],
            modifiers: Modifiers {
                prevent_default: rng.bool(),
                stop_propagation: rng.bool(),
                coords: rng.bool(),
                debounce_ms: if rng.bool() { rng.u16(..) } else { 0 },
                throttle_ms: if rng.bool() { rng.u16(..) } else { 0 },
                keys: [&[][..], &["Enter"], &["Enter", "Escape", "a"]][rng.usize(0..3)],
            },
            handler: Rc::new(|_: &_| Ok(())),
        })
        .collect()
}

/// What may appear at a point of the tree.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Flow,
    Phrasing,
    Svg,
    Math,
}

#[derive(Clone, Copy)]
struct Gen {
    ctx: Ctx,
    depth: u32,
    in_a: bool,
    in_button: bool,
}

fn el(rng: &mut fastrand::Rng, tag: &'static str, names: &[&'static str]) -> Element {
    let mut e = Element::new(tag);
    e.hid = match rng.u8(0..4) {
        0 => 0,
        1 => u32::MAX,
        _ => rng.u32(1..100_000),
    };
    e.attrs = random_attrs(rng, names).into();
    e.listeners = random_listeners(rng).into();
    e
}

fn texts(rng: &mut fastrand::Rng, max: usize) -> Children {
    let v = (0..rng.usize(0..=max)).map(|_| text(rng)).collect();
    kids(rng, v)
}

/// `v` as an element's children, a single child in either form a tree may hold it: inline,
/// or in a list (as a keyed diff leaves it).
fn kids(rng: &mut fastrand::Rng, v: Vec<VNode>) -> Children {
    if v.len() == 1 && rng.bool() {
        let mut c = Children::from(Vec::with_capacity(1));
        c.vec_mut().extend(v);
        c
    } else {
        v.into()
    }
}

/// A random list of children for context `g`, sometimes wrapped in fragments and empties.
fn children(rng: &mut fastrand::Rng, g: Gen) -> Children {
    let v = children_vec(rng, g);
    kids(rng, v)
}

fn children_vec(rng: &mut fastrand::Rng, g: Gen) -> Vec<VNode> {
    let n = if g.depth == 0 {
        rng.usize(0..2)
    } else {
        rng.usize(0..5)
    };
    let mut v = Vec::new();
    for _ in 0..n {
        let c = child(rng, g);
        match rng.u8(0..12) {
            0 => v.push(VNode::Fragment(vec![c, VNode::Empty])),
            1 => {
                v.push(VNode::Empty);
                v.push(c);
            }
            _ => v.push(c),
        }
    }
    v
}

fn child(rng: &mut fastrand::Rng, g: Gen) -> VNode {
    let deeper = Gen {
        depth: g.depth.saturating_sub(1),
        ..g
    };
    let pick = rng.u8(0..100);
    if pick < 30 || g.depth == 0 && pick < 60 {
        return text(rng);
    }
    match g.ctx {
        Ctx::Svg => {
            let tag = ["g", "circle", "text", "style", "title", "foreignObject"][rng.usize(..6)];
            let mut e = el(rng, tag, SVG_ATTRS);
            e.children = match tag {
                "title" | "style" => texts(rng, 2),
                "foreignObject" => children(
                    rng,
                    Gen {
                        ctx: Ctx::Flow,
                        ..deeper
                    },
                ),
                _ => children(rng, deeper),
            };
            VNode::Element(Box::new(e))
        }
        Ctx::Math => {
            let tag = ["mrow", "mi", "mo"][rng.usize(..3)];
            let mut e = el(rng, tag, MATH_ATTRS);
            e.children = if tag == "mrow" {
                children(rng, deeper)
            } else {
                children(
                    rng,
                    Gen {
                        ctx: Ctx::Phrasing,
                        ..deeper
                    },
                )
            };
            VNode::Element(Box::new(e))
        }
        Ctx::Flow | Ctx::Phrasing => {
            if pick < 35 {
                let snippets = raw_snippets();
                let (html, _) = snippets[rng.usize(..snippets.len())];
                return VNode::Raw(RawHtml::trusted(html));
            }
            let mut tags: Vec<&'static str> = vec![
                "span", "b", "i", "br", "img", "input", "wbr", "textarea", "select", "svg", "math",
                "script", "style", "embed", "source", "track", "area",
            ];
            if !g.in_a {
                tags.push("a");
            }
            if !g.in_button {
                tags.push("button");
            }
            if g.ctx == Ctx::Flow {
                tags.extend([
                    "div", "section", "p", "ul", "pre", "hr", "title", "link", "meta",
                ]);
            }
            let tag = tags[rng.usize(..tags.len())];
            let mut e = el(rng, tag, ATTR_NAMES);
            let phr = Gen {
                ctx: Ctx::Phrasing,
                ..deeper
            };
            e.children = match tag {
                "br" | "img" | "input" | "wbr" | "hr" | "link" | "meta" | "embed" | "source"
                | "track" | "area" => Children::new(),
                "textarea" | "title" | "script" | "style" => texts(rng, 3),
                "select" => (0..rng.usize(0..3))
                    .map(|_| {
                        let mut o = el(rng, "option", ATTR_NAMES);
                        o.children = texts(rng, 2);
                        VNode::Element(Box::new(o))
                    })
                    .collect(),
                "ul" => (0..rng.usize(0..3))
                    .map(|_| {
                        let mut li = el(rng, "li", ATTR_NAMES);
                        li.children = children(
                            rng,
                            Gen {
                                ctx: Ctx::Flow,
                                ..deeper
                            },
                        );
                        VNode::Element(Box::new(li))
                    })
                    .collect(),
                "div" | "section" => children(rng, deeper),
                "a" => children(rng, Gen { in_a: true, ..phr }),
                "button" => children(
                    rng,
                    Gen {
                        in_button: true,
                        ..phr
                    },
                ),
                "svg" => children(
                    rng,
                    Gen {
                        ctx: Ctx::Svg,
                        ..deeper
                    },
                ),
                "math" => children(
                    rng,
                    Gen {
                        ctx: Ctx::Math,
                        ..deeper
                    },
                ),
                _ => children(rng, phr), // span b i p pre
            };
            VNode::Element(Box::new(e))
        }
    }
}

/// A random forest of body content.
pub fn random_body(rng: &mut fastrand::Rng, depth: u32) -> Vec<VNode> {
    children_vec(
        rng,
        Gen {
            ctx: Ctx::Flow,
            depth,
            in_a: false,
            in_button: false,
        },
    )
}

// ---------------------------------------------------------------------------------------
// The model: the DOM a spec parser must build from the renderer's output.

/// The `data-on` value, from PROTOCOL.md: `event[.flags]`, flags `p s c dN tN`.
pub fn model_data_on(ls: &[Listener]) -> String {
    ls.iter()
        .map(|l| {
            let m = l.modifiers;
            let mut f = String::new();
            if m.prevent_default {
                f += "p";
            }
            if m.stop_propagation {
                f += "s";
            }
            if m.coords {
                f += "c";
            }
            if m.debounce_ms > 0 {
                f += &format!("d{}", m.debounce_ms);
            }
            if m.throttle_ms > 0 {
                f += &format!("t{}", m.throttle_ms);
            }
            if !m.keys.is_empty() {
                f += &format!(":{}", m.keys.join(","));
            }
            if f.is_empty() {
                l.event.to_string()
            } else {
                format!("{}.{}", l.event, f)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn nul_fix(s: &str) -> String {
    s.replace('\0', "\u{FFFD}")
}

/// Raw-text content as documented: NUL → U+FFFD, CR LF / CR → LF, and the `<` of the
/// dangerous sequences replaced.
fn model_raw(s: &str, tag: &str) -> String {
    let s = nul_fix(s).replace("\r\n", "\n").replace('\r', "\n");
    let lower = s.to_ascii_lowercase();
    let mut out = String::new();
    for (i, ch) in s.char_indices() {
        if ch == '<' {
            let rest = &lower[i..];
            if tag == "script"
                && (rest.starts_with("</script")
                    || rest.starts_with("<script")
                    || rest.starts_with("<!--"))
            {
                out.push_str("\\x3C");
                continue;
            }
            if tag == "style" && rest.starts_with("</style") {
                out.push_str("\\3C");
                continue;
            }
        }
        out.push(ch);
    }
    out
}

fn push(out: &mut Vec<PNode>, n: PNode) {
    if let PNode::Text(t) = &n {
        if t.is_empty() {
            return;
        }
        if let Some(PNode::Text(prev)) = out.last_mut() {
            prev.push_str(t);
            return;
        }
    }
    out.push(n);
}

fn concat_text(nodes: &[VNode], out: &mut String) {
    for n in nodes {
        match n {
            VNode::Text(t) => out.push_str(t),
            VNode::Fragment(f) => concat_text(f, out),
            _ => {}
        }
    }
}

fn model_attrs(e: &Element) -> Vec<(String, String)> {
    let mut v = Vec::new();
    if e.hid != 0 {
        v.push(("data-hid".to_string(), e.hid.to_string()));
    }
    if !e.listeners.is_empty() {
        v.push(("data-on".to_string(), model_data_on(&e.listeners)));
    }
    let mut seen: Vec<&str> = Vec::new();
    for a in &e.attrs {
        if seen.contains(&&*a.name) {
            continue;
        }
        seen.push(&a.name);
        // The markers belong to the framework: an application's attribute of either name
        // is never written.
        if a.name == "data-hid" || a.name == "data-on" {
            continue;
        }
        let last = e.attrs.iter().rev().find(|l| l.name == a.name).unwrap();
        match &last.value {
            AttrValue::Bool(false) => {}
            AttrValue::Bool(true) => v.push((a.name.to_string(), String::new())),
            AttrValue::Str(s) | AttrValue::Trusted(s) => v.push((a.name.to_string(), nul_fix(s))),
        }
    }
    v
}

/// The nodes `nodes` must parse to, as children of an element in namespace `ns`.
pub fn expect(nodes: &[VNode], ns: &str) -> Vec<PNode> {
    let mut out = Vec::new();
    expect_into(nodes, ns, &mut out);
    out
}

fn expect_into(nodes: &[VNode], ns: &str, out: &mut Vec<PNode>) {
    for n in nodes {
        match n {
            VNode::Empty | VNode::Component(_) => {}
            VNode::Text(t) => push(out, PNode::Text(nul_fix(t))),
            VNode::Fragment(f) => expect_into(f, ns, out),
            VNode::Raw(r) => {
                let snippets = raw_snippets();
                let (_, parsed) = snippets
                    .iter()
                    .find(|(h, _)| *h == r.as_str())
                    .expect("known snippet");
                for p in parsed.clone() {
                    push(out, p);
                }
            }
            VNode::Element(e) => {
                let my_ns = match (ns, e.tag) {
                    ("html", "svg") => "svg",
                    ("html", "math") => "math",
                    (other, _) => other,
                };
                let child_ns = match (my_ns, e.tag) {
                    ("svg", "foreignObject" | "title" | "desc") => "html",
                    ("math", "mi" | "mo" | "mn" | "ms" | "mtext") => "html",
                    (other, _) => other,
                };
                let children = if my_ns == "html" && matches!(e.tag, "script" | "style") {
                    let mut s = String::new();
                    concat_text(&e.children, &mut s);
                    let mut v = Vec::new();
                    push(&mut v, PNode::Text(model_raw(&s, e.tag)));
                    v
                } else {
                    expect(&e.children, child_ns)
                };
                out.push(PNode::Element {
                    tag: e.tag.to_string(),
                    ns: my_ns.to_string(),
                    attrs: model_attrs(e),
                    children,
                });
            }
        }
    }
}
