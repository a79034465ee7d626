//! Form controls whose live state a first paint and a patch express differently, and the
//! rules that make them agree. The controlled value wins, as for `<input>`:
//!
//! - `<select value=v>`: the first paint marks the first option whose value is `v` (and
//!   only it) `selected`; patches set the property. Without a match the select shows what
//!   it shows without a value (its first enabled option, or nothing in a list box).
//! - `<textarea value=v>`: the first paint writes `v` as the text (the children are not
//!   written); patches set the property.
//! - The browser keeps an option's selectedness when options move, are inserted or
//!   removed, while a fresh render selects by the `selected` attributes or position: after
//!   anything that decides the selection changed, the diff restates it (`restate`).
//!
//! Touches `vdom::{node, names, normal, patch}`.

use std::borrow::Cow;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::vdom::names::same_attr_name;
use crate::vdom::node::{AttrValue, Element, VNode};
use crate::vdom::normal::no_nul;
use crate::vdom::patch::{PatchSink, PropValue};

/// The effective value of attribute `name` (names equal up to ASCII case are one, the last
/// wins; `false` is absent).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::vdom::form::attr_of;
/// let e = input().attr("VALUE", "a").attr("value", "b").into_element();
/// assert_eq!(attr_of(&e, "value"), Some("b"), "names equal up to case are one; the last wins");
/// ```
pub fn attr_of<'a>(e: &'a Element, name: &str) -> Option<&'a str> {
    e.attrs
        .iter()
        .rev()
        .find(|a| same_attr_name(&a.name, name))
        .and_then(|a| match &a.value {
            AttrValue::Str(s) | AttrValue::Trusted(s) => Some(&**s),
            AttrValue::Bool(true) => Some(""),
            AttrValue::Bool(false) => None,
        })
}

/// The controlled value of a `<select>` or `<textarea>` (HTML): its `value` attribute, as
/// the DOM would hold it.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::vdom::form::controlled_value;
/// assert_eq!(controlled_value(&textarea(()).value("hi")).as_deref(), Some("hi"));
/// assert_eq!(controlled_value(&textarea(())), None);
/// ```
pub fn controlled_value(e: &Element) -> Option<Cow<'_, str>> {
    attr_of(e, "value").map(no_nul)
}

/// One option of a select, as far as the selection goes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Opt {
    hid: u32,
    /// Has a `selected` attribute.
    marked: bool,
    disabled: bool,
    /// Its value equals the select's controlled value.
    matches: bool,
}

/// Everything that decides which options of a `<select>` a fresh render selects.
#[derive(Clone, PartialEq, Eq, Debug)]
struct Selection<'a> {
    multiple: bool,
    list_box: bool,
    value: Option<Cow<'a, str>>,
    opts: Vec<Opt>,
}

/// Calls `f` with the select's flags, its controlled value and each of its options.
fn scan<'a>(select: &'a Element, mut f: impl FnMut(Opt)) -> (bool, bool, Option<Cow<'a, str>>) {
    let value = controlled_value(select);
    let multiple = attr_of(select, "multiple").is_some();
    let size = attr_of(select, "size").and_then(parse_size).unwrap_or(0);
    each_option(&select.children, false, &mut |o, group_disabled| {
        f(Opt {
            hid: o.hid,
            marked: attr_of(o, "selected").is_some(),
            disabled: group_disabled || attr_of(o, "disabled").is_some(),
            matches: value.as_deref().is_some_and(|v| option_value_is(o, v)),
        })
    });
    (multiple, multiple || size > 1, value)
}

impl<'a> Selection<'a> {
    fn of(select: &'a Element) -> Selection<'a> {
        let mut opts = Vec::new();
        let (multiple, list_box, value) = scan(select, |o| opts.push(o));
        Selection {
            multiple,
            list_box,
            value,
            opts,
        }
    }

    /// The option a single select shows after a fresh render: the controlled value's
    /// first match; else the last `selected` one (without a controlled value); else, in a
    /// drop-down, the first enabled one.
    fn chosen(&self) -> Option<&Opt> {
        let by_value = match self.value {
            Some(_) => self.opts.iter().find(|o| o.matches),
            None => self.opts.iter().rev().find(|o| o.marked),
        };
        by_value.or_else(|| {
            (!self.list_box)
                .then(|| self.opts.iter().find(|o| !o.disabled))
                .flatten()
        })
    }
}

/// A digest of what decides a `<select>`'s selection (see [`restate`]), taken without
/// allocating: an unchanged select costs no allocation in the diff.
pub(crate) fn selection_digest(select: &Element) -> u64 {
    let mut h = DefaultHasher::new();
    let (multiple, list_box, value) = scan(select, |o| o.hash(&mut h));
    (multiple, list_box, value).hash(&mut h);
    h.finish()
}

/// The "rules for parsing non-negative integers" of HTML, enough for `size`.
fn parse_size(s: &str) -> Option<u32> {
    let s = s.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let s = s.strip_prefix('+').unwrap_or(s);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    s[..digits].parse().ok()
}

/// Calls `f` with every option of a select's `children` in tree order (through
/// `<optgroup>`s, other wrappers and components), and whether a disabled `<optgroup>`
/// holds it. Raw HTML is not looked into.
fn each_option(children: &[VNode], group_disabled: bool, f: &mut impl FnMut(&Element, bool)) {
    for c in children {
        match c {
            VNode::Element(e) if e.tag == "option" => f(e, group_disabled),
            VNode::Element(e) if e.tag == "select" || e.tag == "datalist" => {}
            VNode::Element(e) => {
                let disabled =
                    group_disabled || (e.tag == "optgroup" && attr_of(e, "disabled").is_some());
                each_option(&e.children, disabled, f);
            }
            VNode::Component(c) => {
                if let Some(r) = c.rendered() {
                    each_option(std::slice::from_ref(&*r), group_disabled, f);
                }
            }
            VNode::Fragment(f2) => each_option(f2, group_disabled, f),
            _ => {}
        }
    }
}

/// An option's value: its `value` attribute, else its text with ASCII whitespace stripped
/// and collapsed (as the DOM's `option.value`).
fn option_value(o: &Element) -> Cow<'_, str> {
    if let Some(v) = attr_of(o, "value") {
        return no_nul(v);
    }
    let mut text = String::new();
    collect_text(&o.children, &mut text);
    let collapsed = text
        .split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Cow::Owned(no_nul(&collapsed).into_owned())
}

/// Whether option `o`'s value is `v`; without allocating when the value is an attribute
/// or a single text without NUL.
fn option_value_is(o: &Element, v: &str) -> bool {
    match (attr_of(o, "value"), &o.children[..]) {
        (Some(a), _) if !a.as_bytes().contains(&0) => a == v,
        (None, [VNode::Text(t)]) if !t.as_bytes().contains(&0) => {
            let mut words = t
                .split(|c: char| c.is_ascii_whitespace())
                .filter(|w| !w.is_empty());
            let mut rest = v;
            let mut first = true;
            loop {
                match words.next() {
                    None => return rest.is_empty(),
                    Some(w) => {
                        if !first {
                            match rest.strip_prefix(' ') {
                                Some(r) => rest = r,
                                None => return false,
                            }
                        }
                        first = false;
                        match rest.strip_prefix(w) {
                            Some(r) => rest = r,
                            None => return false,
                        }
                    }
                }
            }
        }
        _ => *option_value(o) == *v,
    }
}

fn collect_text(nodes: &[VNode], out: &mut String) {
    for n in nodes {
        match n {
            VNode::Text(t) => out.push_str(t),
            VNode::Element(e) if e.tag != "script" => collect_text(&e.children, out),
            VNode::Fragment(f) => collect_text(f, out),
            VNode::Component(c) => {
                if let Some(r) = c.rendered() {
                    collect_text(std::slice::from_ref(&*r), out);
                }
            }
            _ => {}
        }
    }
}

/// The option of a controlled `<select>` the first paint marks `selected`: `None` when the
/// select is not controlled (options are written as given), null when no option matches
/// (none is marked). Identified by address: the writer compares each option it writes
/// with it.
pub(crate) fn controlled_option(select: &Element) -> Option<*const Element> {
    let value = controlled_value(select)?;
    let mut found: *const Element = std::ptr::null();
    each_option(&select.children, false, &mut |o, _| {
        if found.is_null() && *option_value(o) == *value {
            found = o;
        }
    });
    Some(found)
}

/// After a diff of `select` (hid `hid`) changed what decides its selection (its digest
/// before the diff was `before`), tells the browser what a fresh render would select: the
/// chosen option of a single select (or `selectedIndex = -1` for none); each option's
/// selectedness in a multiple select (only the first match of a controlled value, else
/// the options marked `selected`).
pub(crate) fn restate(hid: u32, before: u64, select: &Element, sink: &mut impl PatchSink) {
    if selection_digest(select) == before {
        return;
    }
    let after = Selection::of(select);
    if !after.multiple {
        match after.chosen() {
            Some(o) => sink.set_prop(o.hid, "selected", PropValue::Bool(true)),
            None => sink.set_prop(hid, "selectedIndex", PropValue::Str("-1")),
        }
    } else if after.value.is_some() {
        // Each option, not the select's `value`: a client skips a property that already
        // reads as the new one, and a multiple select's `value` is only its first
        // selected option's.
        let first = after.opts.iter().position(|o| o.matches);
        for (i, o) in after.opts.iter().enumerate() {
            sink.set_prop(o.hid, "selected", PropValue::Bool(Some(i) == first));
        }
    } else {
        for o in &after.opts {
            sink.set_prop(o.hid, "selected", PropValue::Bool(o.marked));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_values_match_without_allocating() {
        let opt = |value: Option<&'static str>, text: &'static str| {
            let mut o = Element::new("option");
            if let Some(v) = value {
                o.attrs.push(crate::vdom::Attr {
                    name: "value".into(),
                    value: AttrValue::Str(v.into()),
                });
            }
            o.children.push(VNode::Text(text.into()));
            o
        };
        for (o, v, want) in [
            (opt(None, "  two \n words "), "two words", true),
            (opt(None, "two words"), "two  words", false),
            (opt(None, "two"), "two words", false),
            (opt(None, "   "), "", true),
            (opt(Some("x"), "y"), "x", true),
            (opt(Some("a\0"), "y"), "a\u{FFFD}", true),
            (opt(None, "a\0 b"), "a\u{FFFD} b", true),
        ] {
            assert_eq!(option_value_is(&o, v), want, "{v:?}");
            assert_eq!(*option_value(&o) == *v, want, "{v:?}");
        }
    }

    #[test]
    fn sizes() {
        for (s, n) in [("3", Some(3)), (" +4px", Some(4)), ("x", None), ("", None)] {
            assert_eq!(parse_size(s), n, "{s:?}");
        }
    }
}
