//! Randomized differential test cases: model trees, their views and readable reports.
//!
//! A case is a model tree A and the edits that turn it into B; this file has
//! the view each renders to (elements, keyed lists, components, listeners that report to a
//! status signal) and a readable form for failure reports. Generation is in
//! [`crate::randiff_gen`], edits in [`crate::randiff_edit`], shrinking in
//! [`crate::randiff_shrink`]; `examples/randiff.rs` serves the cases and
//! `client/test/randiff.test.mjs` compares them in Chromium. Touches vango's view and
//! component API only.

use std::fmt::Write;

use vango::prelude::*;

pub use crate::randiff_edit::Edit;

/// Whether components may render something other than one element (several nodes, a
/// text, nothing): such outputs are comment ranges, which the HTML parser leaves in place
/// inside `<p>`, `<select>` or `<table>`. A constant so a run can be narrowed to
/// single-element components while chasing a bug elsewhere; `VANGO_RANDIFF_FRAGMENTS=1`
/// turns them on when it is off.
pub const FRAGMENT_COMPONENTS: bool = true;

/// [`FRAGMENT_COMPONENTS`], or `VANGO_RANDIFF_FRAGMENTS=1` in the environment.
///
/// # Examples
///
/// ```
/// use vango_test_support::randiff::{fragments, FRAGMENT_COMPONENTS};
/// if std::env::var_os("VANGO_RANDIFF_FRAGMENTS").is_none() {
///     assert_eq!(fragments(), FRAGMENT_COMPONENTS);
/// }
/// ```
pub fn fragments() -> bool {
    FRAGMENT_COMPONENTS || std::env::var("VANGO_RANDIFF_FRAGMENTS").is_ok_and(|v| v == "1")
}

/// One node of a model tree. `uid` names it across edits and shrinking (unique in a case).
#[derive(Clone, PartialEq, Debug)]
pub struct Node {
    pub uid: u32,
    /// Its key among its siblings (all siblings keyed or none).
    pub key: Option<u32>,
    pub kind: Kind,
}

/// What a model node is.
#[derive(Clone, PartialEq, Debug)]
pub enum Kind {
    Text(String),
    /// Trusted raw HTML (flow and phrasing content only).
    Raw(String),
    El {
        tag: &'static str,
        /// Distinct names; a boolean attribute is present with any value.
        attrs: Vec<(&'static str, String)>,
        /// A click listener: sets the status to this id (and `data-l` says which).
        on: Option<u32>,
        children: Vec<Node>,
    },
    /// A component rendering `children` (one element unless [`fragments`]); a live one
    /// keeps its instance when they change, the other one is mounted afresh.
    Comp {
        live: bool,
        children: Vec<Node>,
    },
}

/// The status the listeners write: (clicks so far, id of the last listener; 0 for `#go`).
pub type Status = Signal<(u32, u32)>;

/// A case: tree A and the edits that make B.
#[derive(Clone, PartialEq, Debug)]
pub struct Case {
    pub a: Vec<Node>,
    pub edits: Vec<Edit>,
}

impl Case {
    /// Tree B: A with the edits applied in order (edits that no longer apply are skipped).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango_test_support::randiff::{Case, Edit, Kind, Node};
    /// let a = vec![Node { uid: 1, key: None, kind: Kind::Text("x".into()) }];
    /// let case = Case { a, edits: vec![Edit::Text { uid: 1, text: "y".into() }] };
    /// assert_eq!(case.b()[0].kind, Kind::Text("y".into()));
    /// ```
    pub fn b(&self) -> Vec<Node> {
        let mut t = self.a.clone();
        for e in &self.edits {
            crate::randiff_edit::apply(&mut t, e);
        }
        t
    }

    /// A readable report: A, the edits, B.
    pub fn describe(&self) -> String {
        let mut s = String::from("A:\n");
        describe(&self.a, 1, &mut s);
        s.push_str("edits:\n");
        for (i, e) in self.edits.iter().enumerate() {
            let _ = write!(s, "  {i}: ");
            e.describe(&mut s);
        }
        s.push_str("B:\n");
        describe(&self.b(), 1, &mut s);
        s
    }
}

/// The case of `(seed, index)`: a random tree and up to six edits.
///
/// # Examples
///
/// ```
/// use vango_test_support::randiff::case;
/// assert_eq!(case(7, 3), case(7, 3));
/// ```
pub fn case(seed: u64, index: u32) -> Case {
    let mut rng =
        fastrand::Rng::with_seed(seed ^ (u64::from(index) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut g = crate::randiff_gen::Gen::new(&mut rng);
    let a = g.tree();
    let n = g.rng.usize(1..=6);
    let mut b = a.clone();
    let mut edits = Vec::new();
    for _ in 0..n {
        if let Some(e) = crate::randiff_edit::random(&mut g, &b) {
            crate::randiff_edit::apply(&mut b, &e);
            edits.push(e);
        }
    }
    Case { a, edits }
}

/// The view of a model tree: each listener sets `st`.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango_test_support::randiff::{case, view};
/// let tree = vango::component::Tree::mount(|| {
///     let st = signal((0u32, 0u32));
///     move || div(view(&case(1, 0).a, st))
/// });
/// assert!(vango::render::to_html(tree.root()).starts_with("<div"));
/// ```
pub fn view(nodes: &[Node], st: Status) -> VNode {
    VNode::Fragment(nodes.iter().map(|n| node(n, st)).collect())
}

fn node(n: &Node, st: Status) -> VNode {
    match &n.kind {
        Kind::Text(t) => VNode::Text(t.clone().into()),
        Kind::Raw(h) => raw_html(RawHtml::trusted(h.clone())),
        Kind::El {
            tag,
            attrs,
            on,
            children,
        } => {
            let mut e = El::new(tag);
            for (k, v) in attrs {
                e = e.attr(*k, v.clone());
            }
            if let Some(id) = *on {
                // Stopped so that the innermost listener alone reports.
                let m = Modifiers {
                    stop_propagation: true,
                    ..Modifiers::default()
                };
                e = e
                    .attr("data-l", id.to_string())
                    .on_with("click", m, move |_| st.update(|s| *s = (s.0 + 1, id)));
            }
            if let Some(k) = n.key {
                e = e.key(k);
            }
            e.child(view(children, st)).into_node()
        }
        Kind::Comp { live, children } => {
            let props = (children.clone(), st);
            match (*live, n.key) {
                (false, None) => component(comp, props),
                (false, Some(k)) => component_keyed(k, comp, props),
                (true, None) => component_live(comp_live, props),
                (true, Some(k)) => component_live_keyed(k, comp_live, props),
            }
        }
    }
}

fn comp(p: (Vec<Node>, Status)) -> impl FnMut() -> VNode {
    move || view(&p.0, p.1)
}

fn comp_live(p: Signal<(Vec<Node>, Status)>) -> impl FnMut() -> VNode {
    move || p.with(|(c, st)| view(c, *st))
}

/// Writes `nodes` indented, one per line, with uids (`#n`), keys and listeners.
pub fn describe(nodes: &[Node], depth: usize, out: &mut String) {
    for n in nodes {
        let pad = "  ".repeat(depth);
        let key = n.key.map(|k| format!(" key={k}")).unwrap_or_default();
        match &n.kind {
            Kind::Text(t) => {
                let _ = writeln!(out, "{pad}{t:?} #{}", n.uid);
            }
            Kind::Raw(h) => {
                let _ = writeln!(out, "{pad}raw {h:?} #{}", n.uid);
            }
            Kind::El {
                tag,
                attrs,
                on,
                children,
            } => {
                let _ = write!(out, "{pad}<{tag} #{}{key}", n.uid);
                if let Some(id) = on {
                    let _ = write!(out, " on={id}");
                }
                for (k, v) in attrs {
                    let _ = write!(out, " {k}={v:?}");
                }
                out.push_str(">\n");
                describe(children, depth + 1, out);
            }
            Kind::Comp { live, children } => {
                let what = if *live { "component_live" } else { "component" };
                let _ = writeln!(out, "{pad}[{what} #{}{key}]", n.uid);
                describe(children, depth + 1, out);
            }
        }
    }
}

/// Every node of `nodes` in pre-order.
///
/// # Examples
///
/// ```
/// use vango_test_support::randiff::{case, walk};
/// let c = case(1, 0);
/// let mut all = Vec::new();
/// walk(&c.a, &mut all);
/// assert!(all.len() >= c.a.len());
/// ```
pub fn walk<'a>(nodes: &'a [Node], out: &mut Vec<&'a Node>) {
    for n in nodes {
        out.push(n);
        if let Kind::El { children, .. } | Kind::Comp { children, .. } = &n.kind {
            walk(children, out);
        }
    }
}
