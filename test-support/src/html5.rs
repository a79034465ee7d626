//! The SSR oracle: a minimal `TreeSink` for html5ever and a plain owned DOM to compare with.
//!
//! html5ever publishes no supported DOM (its `markup5ever_rcdom` is "unofficial" and would
//! be a second dependency), so this crate carries this ~200-line `Rc` tree. It implements
//! every tree-builder hook the parser needs for correct trees (text merging, insertion
//! before siblings, reparenting, templates); only quirks mode and form association are
//! ignored.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{local_name, ns, Attribute, ExpandedName, QualName};

/// A parsed node, owned and comparable.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PNode {
    /// An element: namespace-free local name, attributes (qualified names, such as
    /// `xlink:href`) in source order, children.
    Element {
        tag: String,
        /// `"html"`, `"svg"`, `"math"` or another namespace URL.
        ns: String,
        attrs: Vec<(String, String)>,
        children: Vec<PNode>,
    },
    /// A text node.
    Text(String),
    /// A comment (never expected from the renderer).
    Comment(String),
    /// A doctype.
    Doctype(String),
}

/// Parses `html` as the content of a `<body>` and returns the top-level nodes.
pub fn parse_body_fragment(html: &str) -> Vec<PNode> {
    parse_fragment_in(html, local_name!("body"))
}

/// Parses `html` as the client's `<template>` does (`template.innerHTML = html`): table
/// rows, cells and options stand at the top as they are.
pub fn parse_template_fragment(html: &str) -> Vec<PNode> {
    parse_fragment_in(html, local_name!("template"))
}

fn parse_fragment_in(html: &str, context: html5ever::LocalName) -> Vec<PNode> {
    let sink = Sink::new();
    let ctx = QualName::new(None, ns!(html), context);
    // A string handed to the fragment parser (innerHTML) is not a decoded byte stream:
    // nothing strips a leading U+FEFF there.
    let opts = html5ever::ParseOpts {
        tokenizer: html5ever::tokenizer::TokenizerOpts {
            discard_bom: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let sink = html5ever::parse_fragment(sink, opts, ctx, vec![], false).one(html);
    // The fragment algorithm puts the parsed nodes under a synthetic <html> root.
    let doc = sink.document.clone();
    let kids = doc.children.borrow();
    assert_eq!(kids.len(), 1, "fragment parse: one root expected");
    let root = kids[0].clone();
    let out = root.children.borrow().iter().map(to_pnode).collect();
    out
}

/// Parses a whole document and returns the document's children.
pub fn parse_document(html: &str) -> Vec<PNode> {
    let sink = Sink::new();
    let sink = html5ever::parse_document(sink, Default::default()).one(html);
    let doc = sink.document.clone();
    let out = doc.children.borrow().iter().map(to_pnode).collect();
    out
}

fn to_pnode(h: &Handle) -> PNode {
    match &h.data {
        Data::Element { name, attrs, .. } => PNode::Element {
            tag: name.local.to_string(),
            ns: match &*name.ns {
                "http://www.w3.org/1999/xhtml" => "html".to_string(),
                "http://www.w3.org/2000/svg" => "svg".to_string(),
                "http://www.w3.org/1998/Math/MathML" => "math".to_string(),
                other => other.to_string(),
            },
            attrs: attrs
                .borrow()
                .iter()
                .map(|a| {
                    // The qualified name, as `getAttributeNames()` reports it.
                    let name = match &a.name.prefix {
                        Some(p) => format!("{p}:{}", a.name.local),
                        None => a.name.local.to_string(),
                    };
                    (name, a.value.to_string())
                })
                .collect(),
            children: h.children.borrow().iter().map(to_pnode).collect(),
        },
        Data::Text(t) => PNode::Text(t.borrow().clone()),
        Data::Comment(c) => PNode::Comment(c.clone()),
        Data::Doctype(d) => PNode::Doctype(d.clone()),
        Data::Document | Data::Pi => PNode::Comment("<unexpected node>".into()),
    }
}

type Handle = Rc<Node>;

struct Node {
    data: Data,
    parent: Cell<Option<Weak<Node>>>,
    children: RefCell<Vec<Handle>>,
}

enum Data {
    Document,
    Doctype(String),
    Text(RefCell<String>),
    Comment(String),
    Pi,
    Element {
        name: QualName,
        attrs: RefCell<Vec<Attribute>>,
        template: Option<Handle>,
    },
}

impl Node {
    fn new(data: Data) -> Handle {
        Rc::new(Node {
            data,
            parent: Cell::new(None),
            children: RefCell::new(Vec::new()),
        })
    }

    fn parent(&self) -> Option<Handle> {
        let w = self.parent.take();
        let p = w.as_ref().and_then(Weak::upgrade);
        self.parent.set(w);
        p
    }
}

fn detach(target: &Handle) {
    if let Some(p) = target.parent() {
        p.children.borrow_mut().retain(|c| !Rc::ptr_eq(c, target));
    }
    target.parent.set(None);
}

fn append_node(parent: &Handle, child: Handle) {
    detach(&child);
    child.parent.set(Some(Rc::downgrade(parent)));
    parent.children.borrow_mut().push(child);
}

fn append_text(parent: &Handle, text: &str) {
    if let Some(last) = parent.children.borrow().last() {
        if let Data::Text(t) = &last.data {
            t.borrow_mut().push_str(text);
            return;
        }
    }
    append_node(
        parent,
        Node::new(Data::Text(RefCell::new(text.to_string()))),
    );
}

struct Sink {
    document: Handle,
    errors: RefCell<Vec<Cow<'static, str>>>,
}

impl Sink {
    fn new() -> Self {
        Sink {
            document: Node::new(Data::Document),
            errors: RefCell::new(Vec::new()),
        }
    }
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = Self;
    type ElemName<'a> = ExpandedName<'a>;

    fn finish(self) -> Self {
        self
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.errors.borrow_mut().push(msg);
    }

    fn get_document(&self) -> Handle {
        self.document.clone()
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> ExpandedName<'a> {
        match &target.data {
            Data::Element { name, .. } => name.expanded(),
            _ => panic!("elem_name of a non-element"),
        }
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let template = flags.template.then(|| Node::new(Data::Document));
        Node::new(Data::Element {
            name,
            attrs: RefCell::new(attrs),
            template,
        })
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        Node::new(Data::Comment(text.to_string()))
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        Node::new(Data::Pi)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        match child {
            NodeOrText::AppendNode(n) => append_node(parent, n),
            NodeOrText::AppendText(t) => append_text(parent, &t),
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        if element.parent().is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        _public: StrTendril,
        _system: StrTendril,
    ) {
        append_node(&self.document, Node::new(Data::Doctype(name.to_string())));
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        match &target.data {
            Data::Element {
                template: Some(t), ..
            } => t.clone(),
            _ => panic!("not a template"),
        }
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        Rc::ptr_eq(x, y)
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let parent = sibling.parent().expect("sibling has a parent");
        let idx = parent
            .children
            .borrow()
            .iter()
            .position(|c| Rc::ptr_eq(c, sibling))
            .expect("sibling among its parent's children");
        match new_node {
            NodeOrText::AppendText(t) => {
                if idx > 0 {
                    if let Data::Text(prev) = &parent.children.borrow()[idx - 1].data {
                        prev.borrow_mut().push_str(&t);
                        return;
                    }
                }
                let n = Node::new(Data::Text(RefCell::new(t.to_string())));
                n.parent.set(Some(Rc::downgrade(&parent)));
                parent.children.borrow_mut().insert(idx, n);
            }
            NodeOrText::AppendNode(n) => {
                detach(&n);
                // Detaching may have shifted the sibling's index.
                let idx = parent
                    .children
                    .borrow()
                    .iter()
                    .position(|c| Rc::ptr_eq(c, sibling))
                    .expect("sibling still there");
                n.parent.set(Some(Rc::downgrade(&parent)));
                parent.children.borrow_mut().insert(idx, n);
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        if let Data::Element {
            attrs: existing, ..
        } = &target.data
        {
            let mut existing = existing.borrow_mut();
            for a in attrs {
                if !existing.iter().any(|e| e.name == a.name) {
                    existing.push(a);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        detach(target);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let kids = std::mem::take(&mut *node.children.borrow_mut());
        for k in kids {
            k.parent.set(Some(Rc::downgrade(new_parent)));
            new_parent.children.borrow_mut().push(k);
        }
    }
}

/// Serializes a `PNode` list compactly for failure messages.
pub fn show(nodes: &[PNode]) -> String {
    let mut s = String::new();
    for n in nodes {
        match n {
            PNode::Element {
                tag,
                ns,
                attrs,
                children,
            } => {
                s.push('<');
                if ns != "html" {
                    s.push_str(ns);
                    s.push(':');
                }
                s.push_str(tag);
                for (k, v) in attrs {
                    s.push_str(&format!(" {k}={v:?}"));
                }
                s.push('>');
                s.push_str(&show(children));
                s.push_str(&format!("</{tag}>"));
            }
            PNode::Text(t) => s.push_str(&format!("{t:?}")),
            PNode::Comment(c) => s.push_str(&format!("<!--{c:?}-->")),
            PNode::Doctype(d) => s.push_str(&format!("<!DOCTYPE {d}>")),
        }
    }
    s
}
