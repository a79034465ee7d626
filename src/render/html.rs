//! The tree walker: writes a `VNode` tree as HTML into any [`Out`] sink.
//!
//! Touches `vdom` (read only: nodes, and the rules of `vdom::{ns, names, normal, form}` that
//! patches follow too) and `render::{out, escape}`. One generic walk serves strings,
//! streams and the render hash.

use std::ptr;

use super::escape;
use super::out::Out;
use crate::vdom::form;
use crate::vdom::names::{attr_name, same_attr_name};
use crate::vdom::node::{Attr, AttrValue, Element, Listener, VNode};
use crate::vdom::normal;
use crate::vdom::ns::{content_of, Content, Ns, RawKind};

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

/// Where the writer is: the namespace of the current children and, inside a controlled
/// `<select>`, the option to mark `selected` (null: none).
#[derive(Clone, Copy)]
pub(crate) struct Cx {
    ns: Ns,
    choice: Option<*const Element>,
}

/// Writes a subtree: from the place its root was mounted at (an inserted `<circle>` is
/// written as SVG, a text for a raw-text parent as it is).
pub(crate) fn root<O: Out>(o: &mut O, n: &VNode) {
    let ns = match n {
        VNode::Element(e) => e.parent_ns,
        VNode::Component(c) => c
            .rendered()
            .and_then(|r| r.as_element().map(|e| e.parent_ns))
            .unwrap_or_default(),
        _ => Ns::Html,
    };
    node(o, n, Cx { ns, choice: None });
}

/// Writes `n`, whose parent's children are at `cx`.
pub(crate) fn node<O: Out>(o: &mut O, n: &VNode, cx: Cx) {
    match n {
        VNode::Empty => {}
        VNode::Text(t) => escape::text(o, t),
        VNode::Element(e) => element(o, e, cx),
        VNode::Fragment(children) => {
            for c in children {
                node(o, c, cx);
            }
        }
        VNode::Component(c) => {
            if let Some(r) = c.rendered() {
                node(o, &r, cx);
            }
        }
        VNode::Raw(r) => o.put(r.as_str()),
    }
}

fn element<O: Out>(o: &mut O, e: &Element, cx: Cx) {
    if e.is_range() {
        // Its children stand where it stands: same namespace, same select.
        o.put("<!--h:");
        o.put_u32(e.hid);
        o.put("-->");
        for c in &e.children {
            node(o, c, cx);
        }
        o.put("<!--/h-->");
        return;
    }
    let own = cx.ns.of(e.tag);
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
    attrs(o, e, own, cx);
    o.put(">");

    if is_void(e.tag) {
        debug_assert!(e.children.is_empty(), "void <{}> has children", e.tag);
        return;
    }

    let inner = Cx {
        ns: own.children(e.tag),
        choice: match (own, e.tag) {
            (Ns::Html, "select") => form::controlled_option(e),
            _ => cx.choice,
        },
    };
    match content_of(e.tag, own) {
        Content::Normal => {
            // The parser drops one newline right after these start tags.
            if own == Ns::Html
                && matches!(e.tag, "pre" | "listing")
                && first_text_starts_with_lf(&e.children) == Some(true)
            {
                o.put("\n");
            }
            for c in &e.children {
                node(o, c, inner);
            }
        }
        Content::Escapable => match (e.tag, form::controlled_value(e)) {
            // A controlled textarea shows its value (the children are not written).
            ("textarea", Some(v)) => {
                if v.starts_with('\n') {
                    o.put("\n");
                }
                escape::text(o, &v);
            }
            _ => {
                if e.tag == "textarea" && first_text_starts_with_lf(&e.children) == Some(true) {
                    o.put("\n");
                }
                for c in &e.children {
                    escapable_child(o, c);
                }
            }
        },
        Content::Raw(kind) => raw_children(o, &e.children, kind),
    }

    o.put("</");
    o.put(e.tag);
    o.put(">");
}

/// Writes the attributes: stored order, first position of a name, last value of it; names
/// and values as `vdom::names` and `vdom::normal` decide (as patches send them). A
/// controlled `<select>`/`<textarea>` shows its value otherwise than by an attribute, and
/// an option of a controlled select is `selected` when it is the chosen one.
fn attrs<O: Out>(o: &mut O, e: &Element, own: Ns, cx: Cx) {
    // Inside a controlled select: whether this option is the chosen one.
    let chosen = match cx.choice {
        Some(c) if own == Ns::Html && e.tag == "option" => Some(ptr::eq(c, e)),
        _ => None,
    };
    if !e.attrs.is_empty() {
        let skip_value = own == Ns::Html && matches!(e.tag, "select" | "textarea");
        listed_attrs(o, e, own, skip_value, chosen.is_some());
    }
    if chosen == Some(true) {
        o.put(" selected");
    }
}

#[inline(always)]
fn listed_attrs<O: Out>(o: &mut O, e: &Element, own: Ns, skip_value: bool, skip_selected: bool) {
    let list = &e.attrs;
    for (i, a) in list.iter().enumerate() {
        if list[..i].iter().any(|p| same_attr_name(&p.name, &a.name)) {
            continue; // a duplicate: written at the first occurrence
        }
        let Some(name) = attr_name(&a.name, own) else {
            continue; // refused (invalid or reserved)
        };
        if (skip_value && name == "value") || (skip_selected && name == "selected") {
            continue;
        }
        let value = list[i + 1..]
            .iter()
            .rev()
            .find(|l| same_attr_name(&l.name, &a.name))
            .map_or(&a.value, |l: &Attr| &l.value);
        let (v, trusted) = match value {
            AttrValue::Bool(false) => continue,
            AttrValue::Bool(true) => {
                o.put(" ");
                o.put(&name);
                continue;
            }
            AttrValue::Str(v) => (v, false),
            AttrValue::Trusted(v) => (v, true),
        };
        o.put(" ");
        o.put(&name);
        o.put("=\"");
        // The escaper replaces NUL (as `normal::attr_value` would).
        escape::attr(o, &normal::checked_value(e.tag, &name, v, trusted));
        o.put("\"");
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
