//! The tree walker: writes a `VNode` tree as HTML into any [`Out`] sink.
//!
//! Touches `vdom::node` (read only) and `render::{out, escape}`. One generic walk serves
//! strings, streams and the render hash.

use super::escape::{self, RawKind};
use super::out::Out;
use crate::vdom::node::{Attr, AttrValue, Element, Listener, VNode};

/// The namespace the parser will put an element in; it decides how text is tokenized.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Ns {
    Html,
    Svg,
    MathMl,
}

/// Whether `tag` is a void element (no end tag, no children).
pub(crate) fn is_void(tag: &str) -> bool {
    matches!(
        tag,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// How an element's children are written, by tag and namespace.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Content {
    /// Ordinary elements: children as markup, text escaped.
    Normal,
    /// `<textarea>`, `<title>`: text only, references work.
    Escapable,
    /// `<script>`, `<style>`, ...: text only, references do not work.
    Raw(RawKind),
}

fn content_of(tag: &'static str, ns: Ns) -> Content {
    if ns != Ns::Html {
        // Foreign elements (an SVG <style> or <script>, <title>) are tokenized as markup.
        return Content::Normal;
    }
    match tag {
        "script" => Content::Raw(RawKind::Script),
        "style" => Content::Raw(RawKind::Style),
        "xmp" | "iframe" | "noembed" | "noframes" => Content::Raw(RawKind::Other(tag)),
        "textarea" | "title" => Content::Escapable,
        _ => Content::Normal,
    }
}

/// The namespace of `tag`'s children, given the namespace `tag` itself is in.
fn child_ns(tag: &str, ns: Ns) -> Ns {
    match ns {
        Ns::Html => match tag {
            "svg" => Ns::Svg,
            "math" => Ns::MathMl,
            _ => Ns::Html,
        },
        // HTML integration points: their children are parsed as HTML again.
        Ns::Svg => match tag {
            "foreignObject" | "foreignobject" | "desc" | "title" => Ns::Html,
            _ => Ns::Svg,
        },
        Ns::MathMl => match tag {
            "mi" | "mo" | "mn" | "ms" | "mtext" => Ns::Html,
            _ => Ns::MathMl,
        },
    }
}

/// Writes `n`, whose parent's children are in namespace `ns`.
pub(crate) fn node<O: Out>(o: &mut O, n: &VNode, ns: Ns) {
    match n {
        VNode::Empty => {}
        VNode::Text(t) => escape::text(o, t),
        VNode::Element(e) => element(o, e, ns),
        VNode::Fragment(children) => {
            for c in children {
                node(o, c, ns);
            }
        }
        VNode::Component(c) => {
            if let Some(r) = c.rendered() {
                node(o, &r, ns);
            }
        }
        VNode::Raw(r) => o.put(r.as_str()),
    }
}

fn element<O: Out>(o: &mut O, e: &Element, ns: Ns) {
    o.put("<");
    o.put(e.tag);
    if e.hid != 0 {
        o.put(" data-hid=\"");
        o.put_u32(e.hid);
        o.put("\"");
    }
    if !e.listeners.is_empty() {
        o.put(" data-on=\"");
        data_on(o, &e.listeners);
        o.put("\"");
    }
    attrs(o, e);
    o.put(">");

    if is_void(e.tag) {
        debug_assert!(e.children.is_empty(), "void <{}> has children", e.tag);
        return;
    }

    let inner = child_ns(e.tag, ns);
    match content_of(e.tag, ns) {
        Content::Normal => {
            // The parser drops one newline right after these start tags.
            if ns == Ns::Html
                && matches!(e.tag, "pre" | "listing")
                && first_text_starts_with_lf(&e.children) == Some(true)
            {
                o.put("\n");
            }
            for c in &e.children {
                node(o, c, inner);
            }
        }
        Content::Escapable => {
            if e.tag == "textarea" && first_text_starts_with_lf(&e.children) == Some(true) {
                o.put("\n");
            }
            for c in &e.children {
                escapable_child(o, c);
            }
        }
        Content::Raw(kind) => raw_children(o, &e.children, kind),
    }

    o.put("</");
    o.put(e.tag);
    o.put(">");
}

/// Writes the attributes: stored order, first position of a name, last value of it.
fn attrs<O: Out>(o: &mut O, e: &Element) {
    let list = &e.attrs;
    for (i, a) in list.iter().enumerate() {
        if list[..i].iter().any(|p| p.name == a.name) {
            continue; // a duplicate: written at the first occurrence
        }
        if (e.hid != 0 && a.name == "data-hid") || (!e.listeners.is_empty() && a.name == "data-on")
        {
            continue; // reserved markers: ours win
        }
        if !escape::is_valid_attr_name(&a.name) {
            debug_assert!(false, "invalid attribute name {:?}", a.name);
            continue;
        }
        let value = list[i + 1..]
            .iter()
            .rev()
            .find(|l| l.name == a.name)
            .map_or(&a.value, |l: &Attr| &l.value);
        match value {
            AttrValue::Bool(false) => {}
            AttrValue::Bool(true) => {
                o.put(" ");
                o.put(&a.name);
            }
            AttrValue::Str(v) => {
                o.put(" ");
                o.put(&a.name);
                o.put("=\"");
                escape::attr(o, v);
                o.put("\"");
            }
        }
    }
}

/// The `data-on` value: `click input.d300 submit.p` (flags in the order `p s c d t`).
pub(crate) fn data_on<O: Out>(o: &mut O, listeners: &[Listener]) {
    crate::vdom::marker::write_data_on(listeners, &mut |s| o.put(s));
}

/// Whether the first text the children produce starts with LF (`None`: no text first).
fn first_text_starts_with_lf(children: &[VNode]) -> Option<bool> {
    for c in children {
        match c {
            VNode::Empty => {}
            VNode::Text(t) if t.is_empty() => {}
            VNode::Text(t) => return Some(t.starts_with('\n')),
            VNode::Fragment(f) => {
                if let Some(r) = first_text_starts_with_lf(f) {
                    return Some(r);
                }
            }
            VNode::Component(c) => {
                if let Some(r) = c.rendered() {
                    if let Some(r) = first_text_starts_with_lf(std::slice::from_ref(&*r)) {
                        return Some(r);
                    }
                }
            }
            // Empty raw HTML writes nothing: what follows it comes first.
            VNode::Raw(r) if r.as_str().is_empty() => {}
            VNode::Raw(r) => return Some(r.as_str().starts_with('\n')),
            VNode::Element(_) => return Some(false),
        }
    }
    None
}

/// Writes a child of `<textarea>`/`<title>`: escaped text, trusted HTML verbatim; elements
/// are dropped (the parser would read their tags as text).
fn escapable_child<O: Out>(o: &mut O, n: &VNode) {
    match n {
        VNode::Empty => {}
        VNode::Text(t) => escape::text(o, t),
        VNode::Raw(r) => o.put(r.as_str()),
        VNode::Fragment(children) => {
            for c in children {
                escapable_child(o, c);
            }
        }
        VNode::Component(c) => {
            if let Some(r) = c.rendered() {
                escapable_child(o, &r);
            }
        }
        VNode::Element(e) => {
            debug_assert!(false, "<{}> inside <textarea> or <title>", e.tag);
        }
    }
}

/// Writes the children of a raw-text element. A sequence to defuse may be split across
/// adjacent text nodes (an unnormalized tree), so runs of text are joined first.
fn raw_children<O: Out>(o: &mut O, children: &[VNode], kind: RawKind) {
    if let [VNode::Text(t)] = children {
        escape::raw_text(o, t, kind);
        return;
    }
    let mut run = String::new();
    raw_collect(o, children, kind, &mut run);
    escape::raw_text(o, &run, kind);
}

fn raw_collect<O: Out>(o: &mut O, nodes: &[VNode], kind: RawKind, run: &mut String) {
    for c in nodes {
        match c {
            VNode::Empty => {}
            VNode::Text(t) => run.push_str(t),
            VNode::Raw(r) => {
                escape::raw_text(o, run, kind);
                run.clear();
                o.put(r.as_str());
            }
            VNode::Fragment(f) => raw_collect(o, f, kind, run),
            VNode::Component(c) => {
                if let Some(r) = c.rendered() {
                    raw_collect(o, std::slice::from_ref(&*r), kind, run);
                }
            }
            VNode::Element(e) => {
                debug_assert!(false, "<{}> inside a raw-text element", e.tag);
            }
        }
    }
}
