//! `Vec<Patch>` as a [`PatchSink`]: records a diff's edits with inserted subtrees kept as
//! their SSR HTML (what tests, oracles and debug tools compare).
//!
//! Touches `vdom` (the patch types) and this layer's HTML writer.

use crate::vdom::node::VNode;
use crate::vdom::patch::{OwnedProp, Patch, PatchSink, PropValue};

impl PatchSink for Vec<Patch> {
    fn set_text(&mut self, parent: u32, index: u32, text: &str) {
        self.push(Patch::SetText {
            parent,
            index,
            text: text.to_owned(),
        });
    }
    fn set_attr(&mut self, hid: u32, name: &str, value: &str) {
        self.push(Patch::SetAttr {
            hid,
            name: name.to_owned(),
            value: value.to_owned(),
        });
    }
    fn remove_attr(&mut self, hid: u32, name: &str) {
        self.push(Patch::RemoveAttr {
            hid,
            name: name.to_owned(),
        });
    }
    fn set_prop(&mut self, hid: u32, name: &str, value: PropValue<'_>) {
        let value = match value {
            PropValue::Str(s) => OwnedProp::Str(s.to_owned()),
            PropValue::Bool(b) => OwnedProp::Bool(b),
        };
        self.push(Patch::SetProp {
            hid,
            name: name.to_owned(),
            value,
        });
    }
    fn insert_child(&mut self, parent: u32, index: u32, node: &VNode) {
        let html = super::to_html(node);
        self.push(Patch::InsertChild {
            parent,
            index,
            html,
        });
    }
    fn remove_child(&mut self, parent: u32, index: u32) {
        self.push(Patch::RemoveChild { parent, index });
    }
    fn move_child(&mut self, parent: u32, from: u32, to: u32) {
        self.push(Patch::MoveChild { parent, from, to });
    }
    fn replace_child(&mut self, parent: u32, index: u32, node: &VNode) {
        let html = super::to_html(node);
        self.push(Patch::ReplaceChild {
            parent,
            index,
            html,
        });
    }
    fn replace_node(&mut self, hid: u32, node: &VNode) {
        let html = super::to_html(node);
        self.push(Patch::ReplaceNode { hid, html });
    }
    fn set_inner_html(&mut self, hid: u32, html: &str) {
        self.push(Patch::SetInnerHtml {
            hid,
            html: html.to_owned(),
        });
    }
    fn clear_children(&mut self, parent: u32) {
        self.push(Patch::ClearChildren { parent });
    }
}
