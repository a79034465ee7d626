//! Server-side rendering: VNode trees to HTML, escaping, the page shell.

use crate::vdom::VNode;

/// Renders a mounted tree to an HTML string.
pub fn to_html(node: &VNode) -> String {
    let _ = node;
    String::new()
}
