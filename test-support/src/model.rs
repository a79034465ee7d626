//! A tiny model DOM for tests: built from a mounted tree, it applies patches the way the
//! browser client does, so diff output can be checked against a fresh build (the oracle).
//!
//! Touches only vango's public `vdom` and `render` API. Raw HTML is modelled as opaque
//! parts: `"a|b"` is two DOM nodes, `""` none, so that positional edits beside raw HTML are
//! caught when they go wrong. The selection of a `<select>` and the defaults of form
//! controls (a controlled textarea's text) are not modelled: the browser tests check them.

use std::collections::BTreeMap;
use std::fmt;

use vango::vdom::data_on_value;
use vango::vdom::diff::{prop_kind, PropKind};
use vango::vdom::names::attr_name;
use vango::vdom::node::{AttrValue, VNode};
use vango::vdom::normal::{attr_value, no_nul, text};
use vango::vdom::ns::{content_of, Content, Ns};
use vango::vdom::patch::{PatchSink, PropValue};

/// A model DOM node.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Node {
    /// A text node.
    Text(String),
    /// An element.
    Elem(Elem),
    /// One node of parsed raw HTML (opaque).
    RawPart(String),
}

/// A model element: attributes and live properties are kept apart, as in the DOM.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Elem {
    /// Tag name.
    pub tag: String,
    /// Its `data-hid` (0 when built without hids).
    pub hid: u32,
    /// Attributes, including the `data-on` marker.
    pub attrs: BTreeMap<String, String>,
    /// Live properties that differ from their default (`""` / `false`).
    pub props: BTreeMap<String, String>,
    /// Child nodes.
    pub children: Vec<Node>,
}

/// How many edits of each kind a sink received.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct OpCounts {
    /// set_text
    pub set_text: u32,
    /// set_attr
    pub set_attr: u32,
    /// remove_attr
    pub remove_attr: u32,
    /// set_prop
    pub set_prop: u32,
    /// insert_child
    pub insert: u32,
    /// remove_child
    pub remove: u32,
    /// move_child
    pub moves: u32,
    /// replace_child
    pub replace_child: u32,
    /// replace_node
    pub replace_node: u32,
    /// set_inner_html
    pub inner_html: u32,
    /// clear_children
    pub clear: u32,
}

impl OpCounts {
    /// Total number of edits.
    pub fn total(&self) -> u32 {
        self.set_text
            + self.set_attr
            + self.remove_attr
            + self.set_prop
            + self.insert
            + self.remove
            + self.moves
            + self.replace_child
            + self.replace_node
            + self.inner_html
            + self.clear
    }
}

/// Builds the model nodes `node` stands for (a fragment or raw HTML may be several), with
/// names, values and texts as a first paint puts them in the DOM (vango's `normal` and
/// `names` rules, which patches follow too), from the place `node` was mounted at.
pub fn build(node: &VNode, with_hids: bool) -> Vec<Node> {
    let mut out = Vec::new();
    let ns = match node {
        VNode::Element(e) => e.parent_ns,
        _ => Ns::Html,
    };
    build_into(node, with_hids, (ns, Content::Normal), &mut out);
    out
}

fn raw_parts(html: &str, out: &mut Vec<Node>) {
    out.extend(
        html.split('|')
            .filter(|p| !p.is_empty())
            .map(|p| Node::RawPart(p.into())),
    );
}

/// Where children are: their namespace and their parent's kind of content.
type Place = (Ns, Content);

fn build_into(node: &VNode, with_hids: bool, place: Place, out: &mut Vec<Node>) {
    match node {
        VNode::Empty => {}
        VNode::Text(t) => out.push(Node::Text(text(place.1, t).into_owned())),
        VNode::Raw(r) => raw_parts(r.as_str(), out),
        VNode::Fragment(f) => f.iter().for_each(|c| build_into(c, with_hids, place, out)),
        VNode::Component(c) => {
            if let Some(o) = c.rendered() {
                build_into(&o, with_hids, place, out);
            }
        }
        VNode::Element(e) => {
            let mut m = Elem {
                tag: e.tag.into(),
                hid: if with_hids { e.hid } else { 0 },
                ..Elem::default()
            };
            let own = place.0.of(e.tag);
            for a in &e.attrs {
                let Some(name) = attr_name(&a.name, own) else {
                    continue;
                };
                let (v, trusted) = match &a.value {
                    AttrValue::Str(s) => (Some(&**s), false),
                    AttrValue::Trusted(s) => (Some(&**s), true),
                    AttrValue::Bool(true) => (Some(""), false),
                    AttrValue::Bool(false) => (None, false),
                };
                let kind = if own == Ns::Html {
                    prop_kind(e.tag, &name)
                } else {
                    None
                };
                match kind {
                    Some(k) => {
                        m.props.remove(&*name);
                        let v = match k {
                            PropKind::Str => {
                                v.map(|v| no_nul(v).into_owned()).filter(|v| !v.is_empty())
                            }
                            PropKind::Bool => v.map(|_| "true".to_string()),
                        };
                        if let Some(v) = v {
                            m.props.insert(name.to_string(), v);
                        }
                    }
                    None => {
                        m.attrs.remove(&*name);
                        if let Some(v) = v {
                            let v = attr_value(e.tag, &name, v, trusted).into_owned();
                            m.attrs.insert(name.to_string(), v);
                        }
                    }
                }
            }
            if !e.listeners.is_empty() {
                let mut s = String::new();
                data_on_value(&e.listeners, &mut s);
                m.attrs.insert("data-on".into(), s);
            }
            let inner = (own.children(e.tag), content_of(e.tag, own));
            for c in &e.children {
                build_into(c, with_hids, inner, &mut m.children);
            }
            out.push(Node::Elem(m));
        }
    }
}

/// The model of one document: a root node that patches apply to.
#[derive(Clone, PartialEq, Eq)]
pub struct Model {
    /// The root (the element the tree is mounted as).
    pub root: Vec<Node>,
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.root.fmt(f)
    }
}

fn find(nodes: &mut [Node], hid: u32) -> Option<&mut Elem> {
    for n in nodes {
        if let Node::Elem(e) = n {
            if e.hid == hid {
                return Some(e);
            }
            if let Some(f) = find(&mut e.children, hid) {
                return Some(f);
            }
        }
    }
    None
}

/// The list holding element `hid` and its index there.
fn find_parent_list(nodes: &mut Vec<Node>, hid: u32) -> Option<(&mut Vec<Node>, usize)> {
    let at = nodes
        .iter()
        .position(|n| matches!(n, Node::Elem(e) if e.hid == hid));
    if let Some(i) = at {
        return Some((nodes, i));
    }
    for n in nodes.iter_mut() {
        if let Node::Elem(e) = n {
            if let Some(r) = find_parent_list(&mut e.children, hid) {
                return Some(r);
            }
        }
    }
    None
}

impl Model {
    /// The model of a mounted tree.
    pub fn of(node: &VNode) -> Model {
        Model {
            root: build(node, true),
        }
    }

    fn elem(&mut self, hid: u32) -> Result<&mut Elem, String> {
        find(&mut self.root, hid).ok_or_else(|| format!("no element with hid {hid}"))
    }

    fn children(
        &mut self,
        parent: u32,
        index: u32,
        inclusive: bool,
    ) -> Result<&mut Vec<Node>, String> {
        let e = self.elem(parent)?;
        let len = e.children.len();
        let ok = if inclusive {
            (index as usize) <= len
        } else {
            (index as usize) < len
        };
        if !ok {
            return Err(format!(
                "index {index} out of range ({len} children) in hid {parent}"
            ));
        }
        Ok(&mut e.children)
    }
}

/// A patch sink that applies every edit to a [`Model`] at once and counts edits. The
/// first failing edit (bad hid, bad index, text where there is none) is kept in `error`.
#[derive(Debug)]
pub struct ModelSink {
    /// The model being patched.
    pub model: Model,
    /// Edit counts.
    pub counts: OpCounts,
    /// The first edit that could not be applied.
    pub error: Option<String>,
}

impl ModelSink {
    /// A sink patching the model of `node`.
    pub fn new(node: &VNode) -> ModelSink {
        ModelSink {
            model: Model::of(node),
            counts: OpCounts::default(),
            error: None,
        }
    }

    fn apply(&mut self, what: &str, r: Result<(), String>) {
        if let Err(e) = r {
            if self.error.is_none() {
                self.error = Some(format!("{what}: {e}"));
            }
        }
    }
}

impl PatchSink for ModelSink {
    fn set_text(&mut self, parent: u32, index: u32, text: &str) {
        self.counts.set_text += 1;
        let r =
            self.model
                .children(parent, index, false)
                .and_then(|c| match &mut c[index as usize] {
                    Node::Text(t) => {
                        *t = text.into();
                        Ok(())
                    }
                    other => Err(format!("not a text node: {other:?}")),
                });
        self.apply("set_text", r);
    }
    fn set_attr(&mut self, hid: u32, name: &str, value: &str) {
        self.counts.set_attr += 1;
        let r = self.model.elem(hid).map(|e| {
            e.attrs.insert(name.into(), value.into());
        });
        self.apply("set_attr", r);
    }
    fn remove_attr(&mut self, hid: u32, name: &str) {
        self.counts.remove_attr += 1;
        let r = self.model.elem(hid).map(|e| {
            e.attrs.remove(name);
            // As the client does: an input without `value` has its type's default value.
            if e.tag == "input" && name == "value" {
                e.props.remove(name);
            }
        });
        self.apply("remove_attr", r);
    }
    fn set_prop(&mut self, hid: u32, name: &str, value: PropValue<'_>) {
        self.counts.set_prop += 1;
        let r = self.model.elem(hid).map(|e| {
            let v = match value {
                PropValue::Str(s) => Some(s.to_string()).filter(|s| !s.is_empty()),
                PropValue::Bool(b) => b.then(|| "true".to_string()),
            };
            match v {
                Some(v) => e.props.insert(name.into(), v),
                None => e.props.remove(name),
            };
        });
        self.apply("set_prop", r);
    }
    fn insert_child(&mut self, parent: u32, index: u32, node: &VNode) {
        self.counts.insert += 1;
        let nodes = build(node, true);
        let r = self.model.children(parent, index, true).map(|c| {
            c.splice(index as usize..index as usize, nodes);
        });
        self.apply("insert_child", r);
    }
    fn remove_child(&mut self, parent: u32, index: u32) {
        self.counts.remove += 1;
        let r = self.model.children(parent, index, false).map(|c| {
            c.remove(index as usize);
        });
        self.apply("remove_child", r);
    }
    fn move_child(&mut self, parent: u32, from: u32, to: u32) {
        self.counts.moves += 1;
        let r = self.model.children(parent, from, false).and_then(|c| {
            let n = c.remove(from as usize);
            if to as usize > c.len() {
                return Err(format!("move target {to} out of range ({})", c.len()));
            }
            c.insert(to as usize, n);
            Ok(())
        });
        self.apply("move_child", r);
    }
    fn replace_child(&mut self, parent: u32, index: u32, node: &VNode) {
        self.counts.replace_child += 1;
        let nodes = build(node, true);
        let r = self.model.children(parent, index, false).map(|c| {
            c.splice(index as usize..=index as usize, nodes);
        });
        self.apply("replace_child", r);
    }
    fn replace_node(&mut self, hid: u32, node: &VNode) {
        self.counts.replace_node += 1;
        let nodes = build(node, true);
        let r = find_parent_list(&mut self.model.root, hid)
            .map(|(list, i)| {
                list.splice(i..=i, nodes);
            })
            .ok_or_else(|| format!("no element with hid {hid}"));
        self.apply("replace_node", r);
    }
    fn set_inner_html(&mut self, hid: u32, html: &str) {
        self.counts.inner_html += 1;
        let r = self.model.elem(hid).map(|e| {
            e.children.clear();
            raw_parts(html, &mut e.children);
        });
        self.apply("set_inner_html", r);
    }
    fn clear_children(&mut self, parent: u32) {
        self.counts.clear += 1;
        let r = self.model.elem(parent).and_then(|e| {
            if e.tag == vango::vdom::node::RANGE {
                return Err(format!("clear_children on range {parent}"));
            }
            e.children.clear();
            Ok(())
        });
        self.apply("clear_children", r);
    }
}

/// A sink that only counts edits (benchmarks, op-count tests).
#[derive(Default, Debug)]
pub struct CountSink(pub OpCounts);

impl PatchSink for CountSink {
    fn set_text(&mut self, _: u32, _: u32, _: &str) {
        self.0.set_text += 1;
    }
    fn set_attr(&mut self, _: u32, _: &str, _: &str) {
        self.0.set_attr += 1;
    }
    fn remove_attr(&mut self, _: u32, _: &str) {
        self.0.remove_attr += 1;
    }
    fn set_prop(&mut self, _: u32, _: &str, _: PropValue<'_>) {
        self.0.set_prop += 1;
    }
    fn insert_child(&mut self, _: u32, _: u32, _: &VNode) {
        self.0.insert += 1;
    }
    fn remove_child(&mut self, _: u32, _: u32) {
        self.0.remove += 1;
    }
    fn move_child(&mut self, _: u32, _: u32, _: u32) {
        self.0.moves += 1;
    }
    fn replace_child(&mut self, _: u32, _: u32, _: &VNode) {
        self.0.replace_child += 1;
    }
    fn replace_node(&mut self, _: u32, _: &VNode) {
        self.0.replace_node += 1;
    }
    fn set_inner_html(&mut self, _: u32, _: &str) {
        self.0.inner_html += 1;
    }
    fn clear_children(&mut self, _: u32) {
        self.0.clear += 1;
    }
}
