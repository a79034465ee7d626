//! The attribute half of an element's diff: attributes (live properties of form controls
//! included) and the `data-on` listener marker. Names and values are written as
//! `vdom::names` and `vdom::normal` decide, the same as on the first paint.
//!
//! Touches `vdom::{node, names, normal, ns}`, the patch sink and the marker encoder.

use crate::vdom::names::{attr_name, same_attr_name};
use crate::vdom::node::{Attr, AttrValue, Listener};
use crate::vdom::normal::{attr_value, no_nul};
use crate::vdom::ns::Ns;
use crate::vdom::patch::{PatchSink, PropValue};
use crate::vdom::walk::same_str;

/// Patches the `data-on` marker of element `hid` to announce `listeners`.
#[cold]
#[inline(never)]
pub(crate) fn rebind(hid: u32, listeners: &[Listener], sink: &mut impl PatchSink) {
    if listeners.is_empty() {
        sink.remove_attr(hid, "data-on");
    } else {
        let mut marker = String::new();
        crate::vdom::marker::data_on_value(listeners, &mut marker);
        sink.set_attr(hid, "data-on", &marker);
    }
}

/// Whether two attribute lists are equal entry by entry (then nothing needs patching).
#[inline]
pub(crate) fn same_attrs(a: &[Attr], b: &[Attr]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.name.same(&y.name)
                && match (&x.value, &y.value) {
                    (AttrValue::Str(p), AttrValue::Str(q))
                    | (AttrValue::Trusted(p), AttrValue::Trusted(q)) => p.same(q),
                    (AttrValue::Bool(p), AttrValue::Bool(q)) => p == q,
                    _ => false,
                }
        })
}

/// How a form control's attribute maps to a live DOM property.
///
/// # Examples
///
/// ```
/// use vango::vdom::attrs::{prop_kind, PropKind};
/// assert_eq!(prop_kind("textarea", "value"), Some(PropKind::Str));
/// assert_eq!(prop_kind("option", "selected"), Some(PropKind::Bool));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PropKind {
    /// A string property (`value` of input, textarea, select); default `""`.
    Str,
    /// A boolean property (`checked` of input, `selected` of option); default `false`.
    Bool,
}

/// Whether attribute `name` of a `tag` element is patched as a live property: the user
/// may have changed it, so the attribute (the default value) would not show. HTML elements
/// only; `name` as `vdom::names::attr_name` spells it (lower case).
///
/// # Examples
///
/// ```
/// use vango::vdom::attrs::{prop_kind, PropKind};
/// assert_eq!(prop_kind("input", "checked"), Some(PropKind::Bool));
/// // Only the value of a form control is live state; a div's is a plain attribute.
/// assert_eq!(prop_kind("div", "value"), None);
/// ```
pub fn prop_kind(tag: &str, name: &str) -> Option<PropKind> {
    match (tag, name) {
        ("input" | "textarea" | "select", "value") => Some(PropKind::Str),
        ("input", "checked") | ("option", "selected") => Some(PropKind::Bool),
        _ => None,
    }
}

/// The effective value of attribute `name` (names equal up to ASCII case are one, a later
/// duplicate wins; `false` is absent). Outer `None`: no attribute of that name at all.
fn lookup<'a>(attrs: &'a [Attr], name: &str) -> Option<Option<(&'a str, bool)>> {
    attrs
        .iter()
        .rev()
        .find(|a| same_attr_name(&a.name, name))
        .map(|a| value_of(&a.value))
}

/// The string and whether it is trusted.
fn value_of(v: &AttrValue) -> Option<(&str, bool)> {
    match v {
        AttrValue::Str(s) => Some((s, false)),
        AttrValue::Trusted(s) => Some((s, true)),
        AttrValue::Bool(true) => Some(("", false)),
        AttrValue::Bool(false) => None,
    }
}

#[inline(never)]
pub(crate) fn diff_attrs(
    hid: u32,
    tag: &str,
    own: Ns,
    old: &[Attr],
    new: &[Attr],
    sink: &mut impl PatchSink,
) {
    let prop = |name: &str| {
        if own == Ns::Html {
            prop_kind(tag, name)
        } else {
            None
        }
    };
    for (i, a) in new.iter().enumerate() {
        if new[i + 1..]
            .iter()
            .any(|b| same_attr_name(&b.name, &a.name))
        {
            continue; // a later duplicate wins
        }
        let nv = value_of(&a.value);
        let ov = lookup(old, &a.name).flatten();
        if nv == ov {
            continue;
        }
        let Some(name) = attr_name(&a.name, own) else {
            continue; // refused: never written, never sent
        };
        match prop(&name) {
            Some(PropKind::Str) if nv.is_none() && tag == "input" => sink.remove_attr(hid, &name),
            Some(PropKind::Str) => {
                let v = no_nul(nv.map_or("", |v| v.0));
                sink.set_prop(hid, &name, PropValue::Str(&v));
            }
            Some(PropKind::Bool) => {
                if nv.is_some() != ov.is_some() {
                    sink.set_prop(hid, &name, PropValue::Bool(nv.is_some()));
                }
            }
            None => match nv {
                Some((v, trusted)) => {
                    sink.set_attr(hid, &name, &attr_value(tag, &name, v, trusted))
                }
                None => sink.remove_attr(hid, &name),
            },
        }
    }
    for (i, a) in old.iter().enumerate() {
        if old[i + 1..]
            .iter()
            .any(|b| same_attr_name(&b.name, &a.name))
            || lookup(new, &a.name).is_some()
        {
            continue;
        }
        if value_of(&a.value).is_none() {
            continue; // was absent already
        }
        let Some(name) = attr_name(&a.name, own) else {
            continue;
        };
        match prop(&name) {
            // An input without `value` shows its type's default ("on" for a checkbox or a
            // radio, "" otherwise), which a property of "" would not: the client removes
            // the attribute and clears the property of the other types.
            Some(PropKind::Str) if tag == "input" => sink.remove_attr(hid, &name),
            Some(PropKind::Str) => sink.set_prop(hid, &name, PropValue::Str("")),
            Some(PropKind::Bool) => sink.set_prop(hid, &name, PropValue::Bool(false)),
            None => sink.remove_attr(hid, &name),
        }
    }
}

pub(crate) fn same_listeners(a: &[Listener], b: &[Listener]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| same_str(x.event, y.event) && x.modifiers == y.modifiers)
}
