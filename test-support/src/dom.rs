//! The browser client's patch application replayed over an html5ever DOM, with the DOM
//! API's own rules (attribute names lower-cased on HTML elements, HTML parsed in the
//! namespace of the parent it goes into): the oracle for "a patched page equals the first
//! paint of the same tree". Touches vango's `Patch` type and `html5` only.
//!
//! Written from the DOM and HTML specs and `client/src/dom.js`, not from vango's
//! normalisation code, so that it can disagree with it.

use vango::vdom::Patch;

use crate::html5::{parse_template_fragment, PNode};

/// The `data-hid` of an element node.
pub fn hid_of(n: &PNode) -> Option<u32> {
    match n {
        PNode::Element { attrs, .. } => attrs
            .iter()
            .find(|(k, _)| k == "data-hid")
            .and_then(|(_, v)| v.parse().ok()),
        _ => None,
    }
}

/// The hid of a range's start comment (`<!--h:N-->`).
pub fn range_of(n: &PNode) -> Option<u32> {
    match n {
        PNode::Comment(c) => c.strip_prefix("h:").and_then(|h| h.parse().ok()),
        _ => None,
    }
}

/// Whether `n` is a range's end comment (`<!--/h-->`).
fn is_range_end(n: &PNode) -> bool {
    matches!(n, PNode::Comment(c) if c == "/h")
}

/// Where element or range `hid` is: its sibling list, its index there, and its parent
/// element's `(namespace, tag)` (`("html", "body")` at the top).
fn locate<'a>(
    nodes: &'a mut Vec<PNode>,
    hid: u32,
    parent: (&str, &str),
) -> Option<(&'a mut Vec<PNode>, usize, (String, String))> {
    if let Some(i) = nodes
        .iter()
        .position(|n| hid_of(n) == Some(hid) || range_of(n) == Some(hid))
    {
        return Some((nodes, i, (parent.0.to_string(), parent.1.to_string())));
    }
    nodes.iter_mut().find_map(|n| match n {
        PNode::Element {
            tag, ns, children, ..
        } => {
            let (t, s) = (tag.clone(), ns.clone());
            locate(children, hid, (&s, &t))
        }
        _ => None,
    })
}

fn element(dom: &mut Vec<PNode>, hid: u32) -> Result<&mut PNode, String> {
    match locate(dom, hid, ("html", "body")) {
        Some((list, i, _)) if hid_of(&list[i]).is_some() => Ok(&mut list[i]),
        Some(_) => Err(format!("{hid} is a range, not an element")),
        None => Err(format!("no element {hid}")),
    }
}

/// The index of the end comment of the range that starts at `list[start]`.
fn range_end(list: &[PNode], start: usize) -> Result<usize, String> {
    let mut depth = 0usize;
    for (k, n) in list.iter().enumerate().skip(start + 1) {
        if range_of(n).is_some() {
            depth += 1;
        } else if is_range_end(n) {
            if depth == 0 {
                return Ok(k);
            }
            depth -= 1;
        }
    }
    Err("range without its end comment".into())
}

/// The children of a parent (element or range), as the client sees them: the list
/// holding them, the span `lo..hi` of that list they take, and the `(namespace, tag)`
/// inserted HTML is parsed for.
struct Kids<'a> {
    list: &'a mut Vec<PNode>,
    lo: usize,
    hi: usize,
    ns: String,
    tag: String,
}

impl Kids<'_> {
    /// The logical children: `(first, last)` node indices, a range being one child.
    fn groups(&self) -> Result<Vec<(usize, usize)>, String> {
        let mut out = Vec::new();
        let mut k = self.lo;
        while k < self.hi {
            let e = if range_of(&self.list[k]).is_some() {
                range_end(self.list, k)?
            } else {
                k
            };
            out.push((k, e));
            k = e + 1;
        }
        Ok(out)
    }

    fn get(&self, index: u32) -> Result<(usize, usize), String> {
        self.groups()?
            .get(index as usize)
            .copied()
            .ok_or(format!("no child {index}"))
    }

    /// The node index a child inserted at logical `index` goes to.
    fn slot(&self, index: u32) -> Result<usize, String> {
        let g = self.groups()?;
        match g.get(index as usize) {
            Some(&(a, _)) => Ok(a),
            None if index as usize == g.len() => Ok(self.hi),
            None => Err(format!("no child {index}")),
        }
    }
}

fn kids(dom: &mut Vec<PNode>, hid: u32) -> Result<Kids<'_>, String> {
    let (list, i, (pns, ptag)) =
        locate(dom, hid, ("html", "body")).ok_or(format!("no element {hid}"))?;
    if range_of(&list[i]).is_some() {
        let hi = range_end(list, i)?;
        return Ok(Kids {
            list,
            lo: i + 1,
            hi,
            ns: pns,
            tag: ptag,
        });
    }
    match &mut list[i] {
        PNode::Element {
            ns, tag, children, ..
        } => Ok(Kids {
            lo: 0,
            hi: children.len(),
            ns: ns.clone(),
            tag: tag.clone(),
            list: children,
        }),
        _ => unreachable!("located by hid"),
    }
}

/// Parses `html` the way the client does for children of a `(ns, tag)` parent: inside an
/// `<svg>` or `<math>` wrapper when the parent is a foreign element whose children are not
/// HTML (not an HTML integration point), as `<template>` content (where a `<tr>` or an
/// `<option>` stays what it is).
pub fn parse_in(html: &str, ns: &str, tag: &str) -> Vec<PNode> {
    let html_children = matches!(
        (ns, tag),
        ("svg", "foreignObject" | "desc" | "title") | ("math", "mi" | "mo" | "mn" | "ms" | "mtext")
    );
    let wrap = match ns {
        "svg" | "math" if !html_children => ns,
        _ => return parse_template_fragment(html),
    };
    let mut top = parse_template_fragment(&format!("<{wrap}>{html}</{wrap}>"));
    match top.pop() {
        Some(PNode::Element { children, .. }) if top.is_empty() => children,
        other => panic!("wrapper did not parse to one element: {other:?}"),
    }
}

/// Whether `setAttribute` accepts `name` (DOM: a valid attribute local name, the relaxed
/// rule Chromium ships): non-empty, no ASCII whitespace, NUL, `/`, `>` or `=`.
pub fn dom_accepts_name(name: &str) -> bool {
    !name.is_empty()
        && !name.chars().any(|c| {
            matches!(
                c,
                '\t' | '\n' | '\u{c}' | '\r' | ' ' | '\0' | '/' | '>' | '='
            )
        })
}

fn attrs_of(n: &mut PNode) -> (&str, &mut Vec<(String, String)>) {
    match n {
        PNode::Element { ns, attrs, .. } => (ns, attrs),
        _ => unreachable!("hids are on elements"),
    }
}

/// The name `setAttribute`/`removeAttribute` use on an element of namespace `ns`.
fn dom_name(ns: &str, name: &str) -> String {
    if ns == "html" {
        name.to_ascii_lowercase()
    } else {
        name.to_string()
    }
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what.to_string())
    }
}

/// Applies one patch as the client would (a range, `<!--h:N-->…<!--/h-->`, is addressed
/// by its hid and counts as one child of its parent, as in `PROTOCOL.md`, "Ranges"); an `Err` is where the client would throw (and
/// reload the tab). Properties are not modelled (the browser tests check them).
pub fn apply(dom: &mut Vec<PNode>, p: &Patch) -> Result<(), String> {
    match p {
        Patch::SetText {
            parent,
            index,
            text,
        } => {
            let k = kids(dom, *parent)?;
            let (a, b) = k.get(*index)?;
            match &mut k.list[a] {
                PNode::Text(t) if a == b => *t = text.clone(),
                other => return Err(format!("set_text on {other:?}")),
            }
        }
        Patch::SetAttr { hid, name, value } => {
            check(
                dom_accepts_name(name),
                "setAttribute: InvalidCharacterError",
            )?;
            let (ns, a) = attrs_of(element(dom, *hid)?);
            let name = dom_name(ns, name);
            match a.iter_mut().find(|(k, _)| *k == name) {
                Some(slot) => slot.1 = value.clone(),
                None => a.push((name, value.clone())),
            }
        }
        Patch::RemoveAttr { hid, name } => {
            let (ns, a) = attrs_of(element(dom, *hid)?);
            let name = dom_name(ns, name);
            if let Some(i) = a.iter().position(|(k, _)| *k == name) {
                a.remove(i);
            }
        }
        Patch::SetProp { hid, .. } => {
            element(dom, *hid)?;
        }
        Patch::InsertChild {
            parent,
            index,
            html,
        } => {
            let k = kids(dom, *parent)?;
            let at = k.slot(*index)?;
            let nodes = parse_in(html, &k.ns, &k.tag);
            k.list.splice(at..at, nodes);
        }
        Patch::RemoveChild { parent, index } => {
            let k = kids(dom, *parent)?;
            let (a, b) = k.get(*index)?;
            k.list.drain(a..=b);
        }
        Patch::MoveChild { parent, from, to } => {
            let mut k = kids(dom, *parent)?;
            let (a, b) = k.get(*from)?;
            let taken: Vec<PNode> = k.list.drain(a..=b).collect();
            k.hi -= taken.len();
            let at = k.slot(*to)?;
            k.list.splice(at..at, taken);
        }
        Patch::ReplaceChild {
            parent,
            index,
            html,
        } => {
            let k = kids(dom, *parent)?;
            let (a, b) = k.get(*index)?;
            let nodes = parse_in(html, &k.ns, &k.tag);
            k.list.splice(a..=b, nodes);
        }
        Patch::ReplaceNode { hid, html } => {
            let (list, i, (ns, tag)) =
                locate(dom, *hid, ("html", "body")).ok_or(format!("no element {hid}"))?;
            let end = if range_of(&list[i]).is_some() {
                range_end(list, i)?
            } else {
                i
            };
            list.splice(i..=end, parse_in(html, &ns, &tag));
        }
        Patch::SetInnerHtml { hid, html } => {
            let k = kids(dom, *hid)?;
            let nodes = parse_in(html, &k.ns, &k.tag);
            k.list.splice(k.lo..k.hi, nodes);
        }
        Patch::ClearChildren { parent } => {
            // As the client: element parents only.
            let k = kids(dom, *parent)?;
            if k.lo != 0 {
                return Err(format!("ClearChildren on range {parent}"));
            }
            k.list.clear();
        }
    }
    Ok(())
}

/// Sorts attributes (their order means nothing in the DOM), recursively.
pub fn canon(nodes: &mut [PNode]) {
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

/// Whether the browser would run script for `url` in a navigation or a frame: after the
/// URL parser's clean-up (C0 controls and spaces trimmed, tabs and newlines removed) the
/// scheme, matched without case, is `javascript` or `vbscript`, or `data` with a type
/// other than a non-SVG image.
pub fn runs_script(url: &str) -> bool {
    let t: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some((scheme, rest)) = t.split_once(':') else {
        return false;
    };
    let mut cs = scheme.chars();
    let valid = cs.next().is_some_and(|c| c.is_ascii_alphabetic())
        && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid {
        return false;
    }
    match scheme.to_ascii_lowercase().as_str() {
        "javascript" | "vbscript" => true,
        "data" => {
            let mime = rest.split([',', ';']).next().unwrap_or("");
            let mime = mime.trim_matches(|c: char| c.is_ascii_whitespace());
            let mime = mime.to_ascii_lowercase();
            !mime.starts_with("image/") || mime.contains("svg")
        }
        _ => false,
    }
}

/// Attribute values of `dom` (names as the DOM has them) that hold a script-running URL in
/// a URL-valued attribute; a list-valued one (`srcset`, `ping`) counts if any of its
/// pieces does.
pub fn script_urls(dom: &[PNode]) -> Vec<String> {
    let mut out = Vec::new();
    for n in dom {
        if let PNode::Element {
            tag,
            attrs,
            children,
            ..
        } = n
        {
            for (k, v) in attrs {
                let k = k.to_ascii_lowercase();
                let url = matches!(
                    k.as_str(),
                    "href"
                        | "src"
                        | "action"
                        | "formaction"
                        | "poster"
                        | "cite"
                        | "background"
                        | "xlink:href"
                        | "manifest"
                ) || (k == "data" && tag == "object");
                let list = matches!(k.as_str(), "srcset" | "imagesrcset" | "ping");
                let bad = (url && runs_script(v))
                    || (list
                        && v.split(|c: char| c.is_ascii_whitespace() || c == ',')
                            .any(runs_script));
                if bad {
                    out.push(format!("<{tag} {k}={v:?}>"));
                }
            }
            out.extend(script_urls(children));
        }
    }
    out
}
