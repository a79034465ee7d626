//! A read-only copy of a mounted tree as the browser would see it (components replaced by
//! their output, fragments flattened), for selectors and assertions.
//!
//! Touches `vdom` nodes (read only); copies attribute values as SSR writes them.

use crate::vdom::{Element, VNode};

/// One element of the snapshot.
#[derive(Clone, Debug)]
pub(crate) struct El {
    pub tag: &'static str,
    pub hid: u32,
    /// Attributes with a value (a `false` boolean attribute is absent), last one wins.
    pub attrs: Vec<(String, String)>,
    /// The DOM events it has server handlers for.
    pub listeners: Vec<&'static str>,
    pub children: Vec<Node>,
}

/// A node of the snapshot.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    El(El),
    Text(String),
}

impl El {
    /// The value of attribute `name` (ASCII case-insensitive).
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Its text content, as `textContent` gives it.
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        self.text_into(&mut out);
        out
    }

    fn text_into(&self, out: &mut String) {
        for c in &self.children {
            match c {
                Node::Text(t) => out.push_str(t),
                Node::El(e) => e.text_into(out),
            }
        }
    }

    /// Visits every element below (and including) this one in document order, with its
    /// ancestors (outermost first).
    pub(crate) fn walk<'a>(
        &'a self,
        ancestors: &mut Vec<&'a El>,
        f: &mut impl FnMut(&'a El, &[&'a El]),
    ) {
        f(self, ancestors);
        ancestors.push(self);
        for c in &self.children {
            if let Node::El(e) = c {
                e.walk(ancestors, f);
            }
        }
        ancestors.pop();
    }
}

/// The snapshot of `root` (a mounted view's root element).
pub(crate) fn snapshot(root: &VNode) -> El {
    let mut out = Vec::new();
    push(root, &mut out);
    match out.into_iter().next() {
        Some(Node::El(e)) => e,
        _ => El {
            tag: "body",
            hid: 0,
            attrs: Vec::new(),
            listeners: Vec::new(),
            children: Vec::new(),
        },
    }
}

fn push(node: &VNode, out: &mut Vec<Node>) {
    match node {
        VNode::Empty => {}
        VNode::Text(t) => out.push(Node::Text(t.to_string())),
        VNode::Raw(r) => out.push(Node::Text(r.as_str().to_owned())),
        VNode::Fragment(nodes) => nodes.iter().for_each(|n| push(n, out)),
        VNode::Component(c) => {
            if let Some(o) = c.rendered() {
                push(&o, out);
            }
        }
        VNode::Element(e) => out.push(Node::El(element(e))),
    }
}

fn element(e: &Element) -> El {
    let mut attrs: Vec<(String, String)> = Vec::new();
    for a in &e.attrs {
        let name = a.name.to_ascii_lowercase();
        attrs.retain(|(n, _)| *n != name);
        if let Some(v) = a.value.as_str() {
            attrs.push((name, v.to_owned()));
        }
    }
    let mut children = Vec::new();
    for c in &e.children {
        push(c, &mut children);
    }
    El {
        tag: e.tag,
        hid: e.hid,
        attrs,
        listeners: e.listeners.iter().map(|l| l.event).collect(),
        children,
    }
}
