//! The patch op writers: the only code that lays out an op's bytes (op code, then body),
//! shared by [`PatchEncoder`](crate::protocol::PatchEncoder) and [`Op::encode`].
//!
//! Touches `vdom::patch` (owned patches, prop values), the op codes of
//! [`server`](crate::protocol::server) and the codec; no I/O. Subtrees are written as
//! their HTML: the encoder renders a `VNode` first, an owned op already holds the string.

use crate::protocol::codec::put_str;
use crate::protocol::server::{op, Op};
use crate::protocol::varint::put_u32;
use crate::vdom::patch::{OwnedProp, Patch, PropValue};

#[inline]
fn put_hid(out: &mut Vec<u8>, code: u8, hid: u32) {
    out.push(code);
    put_u32(out, hid);
}

#[inline]
fn put_child(out: &mut Vec<u8>, code: u8, parent: u32, index: u32) {
    out.push(code);
    put_u32(out, parent);
    put_u32(out, index);
}

/// SetText.
#[inline]
pub(crate) fn set_text(out: &mut Vec<u8>, parent: u32, index: u32, text: &str) {
    put_child(out, op::SET_TEXT, parent, index);
    put_str(out, text);
}

/// SetAttr.
#[inline]
pub(crate) fn set_attr(out: &mut Vec<u8>, hid: u32, name: &str, value: &str) {
    put_hid(out, op::SET_ATTR, hid);
    put_str(out, name);
    put_str(out, value);
}

/// RemoveAttr.
#[inline]
pub(crate) fn remove_attr(out: &mut Vec<u8>, hid: u32, name: &str) {
    put_hid(out, op::REMOVE_ATTR, hid);
    put_str(out, name);
}

/// SetPropStr or SetPropBool.
#[inline]
pub(crate) fn set_prop(out: &mut Vec<u8>, hid: u32, name: &str, value: PropValue<'_>) {
    match value {
        PropValue::Str(s) => {
            put_hid(out, op::SET_PROP_STR, hid);
            put_str(out, name);
            put_str(out, s);
        }
        PropValue::Bool(b) => {
            put_hid(out, op::SET_PROP_BOOL, hid);
            put_str(out, name);
            out.push(b as u8);
        }
    }
}

/// InsertChild, the subtree as its HTML.
#[inline]
pub(crate) fn insert_child(out: &mut Vec<u8>, parent: u32, index: u32, html: &str) {
    put_child(out, op::INSERT_CHILD, parent, index);
    put_str(out, html);
}

/// RemoveChild.
#[inline]
pub(crate) fn remove_child(out: &mut Vec<u8>, parent: u32, index: u32) {
    put_child(out, op::REMOVE_CHILD, parent, index);
}

/// MoveChild.
#[inline]
pub(crate) fn move_child(out: &mut Vec<u8>, parent: u32, from: u32, to: u32) {
    put_child(out, op::MOVE_CHILD, parent, from);
    put_u32(out, to);
}

/// ReplaceChild, the subtree as its HTML.
#[inline]
pub(crate) fn replace_child(out: &mut Vec<u8>, parent: u32, index: u32, html: &str) {
    put_child(out, op::REPLACE_CHILD, parent, index);
    put_str(out, html);
}

/// ReplaceNode, the subtree as its HTML.
#[inline]
pub(crate) fn replace_node(out: &mut Vec<u8>, hid: u32, html: &str) {
    put_hid(out, op::REPLACE_NODE, hid);
    put_str(out, html);
}

/// SetInnerHtml.
#[inline]
pub(crate) fn set_inner_html(out: &mut Vec<u8>, hid: u32, html: &str) {
    put_hid(out, op::SET_INNER_HTML, hid);
    put_str(out, html);
}

/// ClearChildren.
#[inline]
pub(crate) fn clear_children(out: &mut Vec<u8>, parent: u32) {
    put_hid(out, op::CLEAR_CHILDREN, parent);
}

/// PushUrl.
pub(crate) fn push_url(out: &mut Vec<u8>, replace: bool, url: &str) {
    out.extend_from_slice(&[op::PUSH_URL, replace as u8]);
    put_str(out, url);
}

/// HookEvent.
pub(crate) fn hook_event(out: &mut Vec<u8>, hid: u32, name: &str, payload: &str) {
    put_hid(out, op::HOOK_EVENT, hid);
    put_str(out, name);
    put_str(out, payload);
}

/// Focus.
pub(crate) fn focus(out: &mut Vec<u8>, hid: u32) {
    put_hid(out, op::FOCUS, hid);
}

/// SetTitle.
pub(crate) fn set_title(out: &mut Vec<u8>, title: &str) {
    out.push(op::SET_TITLE);
    put_str(out, title);
}

/// CookieTicket.
pub(crate) fn cookie_ticket(out: &mut Vec<u8>, ticket: &str) {
    out.push(op::COOKIE_TICKET);
    put_str(out, ticket);
}

/// LoadScript.
pub(crate) fn load_script(out: &mut Vec<u8>, url: &str) {
    out.push(op::LOAD_SCRIPT);
    put_str(out, url);
}

impl Op {
    /// Appends the op's bytes (op code and body) to `out`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::Op;
    /// let mut out = Vec::new();
    /// Op::Focus(300).encode(&mut out);
    /// assert_eq!(out, [0x22, 0xac, 0x02]);
    /// ```
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Op::Patch(p) => match p {
                Patch::SetText {
                    parent,
                    index,
                    text,
                } => set_text(out, *parent, *index, text),
                Patch::SetAttr { hid, name, value } => set_attr(out, *hid, name, value),
                Patch::RemoveAttr { hid, name } => remove_attr(out, *hid, name),
                Patch::SetProp { hid, name, value } => {
                    let value = match value {
                        OwnedProp::Str(s) => PropValue::Str(s),
                        OwnedProp::Bool(b) => PropValue::Bool(*b),
                    };
                    set_prop(out, *hid, name, value)
                }
                Patch::InsertChild {
                    parent,
                    index,
                    html,
                } => insert_child(out, *parent, *index, html),
                Patch::RemoveChild { parent, index } => remove_child(out, *parent, *index),
                Patch::MoveChild { parent, from, to } => move_child(out, *parent, *from, *to),
                Patch::ReplaceChild {
                    parent,
                    index,
                    html,
                } => replace_child(out, *parent, *index, html),
                Patch::ReplaceNode { hid, html } => replace_node(out, *hid, html),
                Patch::SetInnerHtml { hid, html } => set_inner_html(out, *hid, html),
                Patch::ClearChildren { parent } => clear_children(out, *parent),
            },
            Op::PushUrl { replace, url } => push_url(out, *replace, url),
            Op::HookEvent { hid, name, payload } => hook_event(out, *hid, name, payload),
            Op::Focus(hid) => focus(out, *hid),
            Op::SetTitle(title) => set_title(out, title),
            Op::CookieTicket(ticket) => cookie_ticket(out, ticket),
            Op::LoadScript(url) => load_script(out, url),
        }
    }
}
