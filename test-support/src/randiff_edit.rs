//! Randomized differential test edits: what turns tree A into tree B, applied by uid.
//!
//! Edits that turn tree A of a randomized differential case into tree B (texts,
//! attributes, listeners, inserts, removes, moves, replacements), addressed by uid so that
//! they still mean the same after the shrinker removed other nodes. Touches only the model
//! in [`crate::randiff`] and the generator in [`crate::randiff_gen`].

use std::fmt::Write;

use crate::randiff::{fragments, Kind, Node};
use crate::randiff_gen::{ctx_of, listens, Ctx, Gen};

/// One edit of a model tree.
#[derive(Clone, PartialEq, Debug)]
pub enum Edit {
    Text {
        uid: u32,
        text: String,
    },
    /// Sets (`Some`) or removes an attribute.
    Attr {
        uid: u32,
        name: &'static str,
        value: Option<String>,
    },
    /// Sets or removes the click listener.
    On {
        uid: u32,
        id: Option<u32>,
    },
    /// Inserts `node` at `index` (clamped) among the children of element `parent`.
    Insert {
        parent: u32,
        index: usize,
        node: Node,
    },
    Remove {
        uid: u32,
    },
    /// Moves the child at `from` of element `parent` to `to`.
    Move {
        parent: u32,
        from: usize,
        to: usize,
    },
    Replace {
        uid: u32,
        node: Node,
    },
}

impl Edit {
    /// Writes the edit on one line.
    pub fn describe(&self, out: &mut String) {
        let _ = match self {
            Edit::Text { uid, text } => writeln!(out, "text #{uid} = {text:?}"),
            Edit::Attr { uid, name, value } => match value {
                Some(v) => writeln!(out, "attr #{uid} {name} = {v:?}"),
                None => writeln!(out, "attr #{uid} remove {name}"),
            },
            Edit::On { uid, id } => writeln!(out, "listener #{uid} = {id:?}"),
            Edit::Insert {
                parent,
                index,
                node,
            } => {
                let _ = writeln!(out, "insert into #{parent} at {index}:");
                crate::randiff::describe(std::slice::from_ref(node), 2, out);
                Ok(())
            }
            Edit::Remove { uid } => writeln!(out, "remove #{uid}"),
            Edit::Move { parent, from, to } => writeln!(out, "move in #{parent}: {from} -> {to}"),
            Edit::Replace { uid, node } => {
                let _ = writeln!(out, "replace #{uid} with:");
                crate::randiff::describe(std::slice::from_ref(node), 2, out);
                Ok(())
            }
        };
    }

    /// The nodes the edit brings in (inserted or replacing).
    pub fn payload(&self) -> Option<&Node> {
        match self {
            Edit::Insert { node, .. } | Edit::Replace { node, .. } => Some(node),
            _ => None,
        }
    }

    /// [`Edit::payload`], mutably.
    pub fn payload_mut(&mut self) -> Option<&mut Node> {
        match self {
            Edit::Insert { node, .. } | Edit::Replace { node, .. } => Some(node),
            _ => None,
        }
    }
}

/// Where a node is: the context of its parent and whether it is a component's only root.
struct Entry {
    uid: u32,
    ctx: Ctx,
    comp_root: bool,
}

fn entries(nodes: &[Node], ctx: Ctx, comp_root: bool, out: &mut Vec<Entry>) {
    for n in nodes {
        out.push(Entry {
            uid: n.uid,
            ctx,
            comp_root,
        });
        match &n.kind {
            Kind::El { tag, children, .. } => entries(children, ctx_of(tag), false, out),
            Kind::Comp { children, .. } => entries(children, ctx, !fragments(), out),
            Kind::Text(_) | Kind::Raw(_) => {}
        }
    }
}

/// The node `uid`.
pub fn find(nodes: &[Node], uid: u32) -> Option<&Node> {
    nodes.iter().find_map(|n| {
        if n.uid == uid {
            return Some(n);
        }
        match &n.kind {
            Kind::El { children, .. } | Kind::Comp { children, .. } => find(children, uid),
            Kind::Text(_) | Kind::Raw(_) => None,
        }
    })
}

fn find_mut(nodes: &mut [Node], uid: u32) -> Option<&mut Node> {
    nodes.iter_mut().find_map(|n| {
        if n.uid == uid {
            return Some(n);
        }
        match &mut n.kind {
            Kind::El { children, .. } | Kind::Comp { children, .. } => find_mut(children, uid),
            Kind::Text(_) | Kind::Raw(_) => None,
        }
    })
}

/// The sibling list holding `uid` and its index there.
fn slot_mut(nodes: &mut Vec<Node>, uid: u32) -> Option<(&mut Vec<Node>, usize)> {
    if let Some(i) = nodes.iter().position(|n| n.uid == uid) {
        return Some((nodes, i));
    }
    nodes.iter_mut().find_map(|n| match &mut n.kind {
        Kind::El { children, .. } | Kind::Comp { children, .. } => slot_mut(children, uid),
        Kind::Text(_) | Kind::Raw(_) => None,
    })
}

/// Removes node `uid` wherever it is; a component left without output goes too, unless
/// components may render nothing.
pub fn remove(nodes: &mut Vec<Node>, uid: u32) {
    if let Some((list, i)) = slot_mut(nodes, uid) {
        list.remove(i);
    }
    if !fragments() {
        drop_empty_comps(nodes);
    }
}

fn drop_empty_comps(nodes: &mut Vec<Node>) {
    nodes.retain(|n| !matches!(&n.kind, Kind::Comp { children, .. } if children.is_empty()));
    for n in nodes {
        if let Kind::El { children, .. } | Kind::Comp { children, .. } = &mut n.kind {
            drop_empty_comps(children);
        }
    }
}

/// Applies `edit` to `nodes`; an edit whose target is gone or whose indices are out of
/// range does nothing.
///
/// # Examples
///
/// ```
/// use vango_test_support::randiff::{Edit, Kind, Node};
/// use vango_test_support::randiff_edit::apply;
/// let mut t = vec![Node { uid: 1, key: None, kind: Kind::Text("x".into()) }];
/// apply(&mut t, &Edit::Remove { uid: 9 });
/// assert_eq!(t.len(), 1);
/// apply(&mut t, &Edit::Remove { uid: 1 });
/// assert!(t.is_empty());
/// ```
pub fn apply(nodes: &mut Vec<Node>, edit: &Edit) {
    match edit {
        Edit::Text { uid, text } => {
            if let Some(Node {
                kind: Kind::Text(t) | Kind::Raw(t),
                ..
            }) = find_mut(nodes, *uid)
            {
                t.clone_from(text);
            }
        }
        Edit::Attr { uid, name, value } => {
            if let Some(Node {
                kind: Kind::El { attrs, .. },
                ..
            }) = find_mut(nodes, *uid)
            {
                attrs.retain(|(k, _)| k != name);
                if let Some(v) = value {
                    attrs.push((name, v.clone()));
                }
            }
        }
        Edit::On { uid, id } => {
            if let Some(Node {
                kind: Kind::El { on, .. },
                ..
            }) = find_mut(nodes, *uid)
            {
                *on = *id;
            }
        }
        Edit::Insert {
            parent,
            index,
            node,
        } => {
            if let Some(Node {
                kind: Kind::El { children, .. },
                ..
            }) = find_mut(nodes, *parent)
            {
                children.insert((*index).min(children.len()), node.clone());
            }
        }
        Edit::Remove { uid } => remove(nodes, *uid),
        Edit::Move { parent, from, to } => {
            if let Some(Node {
                kind: Kind::El { children, .. },
                ..
            }) = find_mut(nodes, *parent)
            {
                if *from < children.len() && *to < children.len() {
                    let n = children.remove(*from);
                    children.insert(*to, n);
                }
            }
        }
        Edit::Replace { uid, node } => {
            if let Some((list, i)) = slot_mut(nodes, *uid) {
                list[i] = node.clone();
            }
        }
    }
}

/// A random edit of `tree` (`None` when the drawn kind does not fit the drawn node).
pub fn random(g: &mut Gen<'_>, tree: &[Node]) -> Option<Edit> {
    let mut all = Vec::new();
    entries(tree, Ctx::Flow, false, &mut all);
    if all.is_empty() {
        return None;
    }
    // Keyed lists are where moves happen: a third of the edits move a keyed child.
    if g.rng.u8(0..3) == 0 {
        let lists: Vec<(u32, usize)> = all
            .iter()
            .filter_map(|e| match &find(tree, e.uid)?.kind {
                Kind::El { children, .. } if children.len() >= 2 && children[0].key.is_some() => {
                    Some((e.uid, children.len()))
                }
                _ => None,
            })
            .collect();
        if let Some(&(parent, n)) = g.rng.choice(&lists) {
            return Some(Edit::Move {
                parent,
                from: g.rng.usize(..n),
                to: g.rng.usize(..n),
            });
        }
    }
    let e = &all[g.rng.usize(..all.len())];
    let node = find(tree, e.uid)?;
    let draw = g.rng.u8(0..10);
    // Structural edits of a node: remove it, replace it by a fresh one that fits.
    if draw >= 8 {
        if e.comp_root || g.rng.bool() {
            // A component's root is replaced, never left out.
            let key = node.key;
            let fresh = if e.comp_root {
                let tags = fit_tags(e.ctx);
                let tag = *g.rng.choice(tags)?;
                g.element(tag, 1, None)
            } else {
                let mut n = g.node(e.ctx, 1, key)?;
                // The same key with other content: the diff must not reuse the old one.
                n.key = key;
                n
            };
            return Some(Edit::Replace {
                uid: e.uid,
                node: fresh,
            });
        }
        return Some(Edit::Remove { uid: e.uid });
    }
    match &node.kind {
        Kind::Text(_) => Some(Edit::Text {
            uid: e.uid,
            text: g.text().kind_text(),
        }),
        Kind::Raw(_) => Some(Edit::Text {
            uid: e.uid,
            text: g.raw().kind_text(),
        }),
        Kind::Comp { .. } => None,
        Kind::El {
            tag, children, on, ..
        } => match draw {
            0..=2 => {
                let (name, value) = g.attr_value(tag);
                Some(Edit::Attr {
                    uid: e.uid,
                    name,
                    value,
                })
            }
            3 if listens(tag) => Some(Edit::On {
                uid: e.uid,
                id: if on.is_some() && g.rng.bool() {
                    None
                } else {
                    Some(g.fresh())
                },
            }),
            4 | 5 if children.len() >= 2 => {
                let from = g.rng.usize(..children.len());
                let to = g.rng.usize(..children.len());
                Some(Edit::Move {
                    parent: e.uid,
                    from,
                    to,
                })
            }
            _ => {
                let ctx = ctx_of(tag);
                if ctx == Ctx::TextArea && !children.is_empty() {
                    return None;
                }
                let keyed = children.first().is_some_and(|c| c.key.is_some());
                let key = keyed.then(|| g.fresh());
                let fresh = g.node(ctx, 1, key)?;
                Some(Edit::Insert {
                    parent: e.uid,
                    index: g.rng.usize(..=children.len()),
                    node: fresh,
                })
            }
        },
    }
}

/// The element tags that fit `ctx` (a component's root is an element).
fn fit_tags(ctx: Ctx) -> &'static [&'static str] {
    match ctx {
        Ctx::Flow => &["div", "p", "span", "ul", "select", "input", "svg"],
        Ctx::Phrasing => &["span", "b", "input", "select"],
        Ctx::List => &["li"],
        Ctx::Select | Ctx::OptGroup => &["option"],
        Ctx::Table => &["tbody"],
        Ctx::Tbody => &["tr"],
        Ctx::Tr => &["td"],
        Ctx::Svg => &["g", "circle", "rect"],
        _ => &[],
    }
}

impl Node {
    /// The text of a text or raw node (empty for others).
    pub fn kind_text(self) -> String {
        match self.kind {
            Kind::Text(t) | Kind::Raw(t) => t,
            _ => String::new(),
        }
    }
}
