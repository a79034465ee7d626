//! Dev mode, reading the component runtime: the mounted components with their render
//! counts, and a panic that ended the session reported from its payload.
//!
//! Touches the component nodes (to walk the tree), the panic payload's text and the dev
//! capture (`dev_capture.rs`).

use super::dev_capture::report;
use super::error::message_of;
use super::node::ComponentNode;
use crate::vdom::node::VNode;

/// Records a panic that ended the session (its payload), for the overlay. Dev mode only.
///
/// # Examples
///
/// ```
/// // Off (the default): nothing is recorded.
/// vango::component::dev_tree::report_fatal(&"boom");
/// assert!(vango::component::dev_capture::take_errors().is_empty());
/// ```
pub fn report_fatal(payload: &(dyn std::any::Any + Send)) {
    report(&message_of(payload), None, true);
}

/// Records a panic that ended a task (its payload; the session goes on) for the overlay,
/// and returns its message for the log line. Recorded in dev mode only.
pub(crate) fn report_task_panic(payload: &(dyn std::any::Any + Send)) -> String {
    let message = message_of(payload);
    report(&message, None, false);
    message
}

/// The components mounted under `root`, depth first: `(path, renders)`. Empty unless dev
/// mode was on when they mounted.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::component::Tree;
/// let tree = Tree::mount(|| || div("x"));
/// assert!(vango::component::dev_tree::components(tree.root()).is_empty());
/// ```
pub fn components(root: &VNode) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    walk(root, &mut out);
    out
}

fn walk(node: &VNode, out: &mut Vec<(String, u32)>) {
    match node {
        VNode::Element(e) => e.children.iter().for_each(|c| walk(c, out)),
        VNode::Fragment(cs) => cs.iter().for_each(|c| walk(c, out)),
        VNode::Component(slot) => {
            let Some(n) = slot.as_any().downcast_ref::<ComponentNode>() else {
                return;
            };
            let Some(i) = n.instance() else { return };
            if let Some(s) = i.dev.snapshot() {
                out.push(s);
            }
            if let Some(o) = i.output() {
                walk(&o, out);
            }
        }
        _ => {}
    }
}
