//! Components: a setup that runs once per mount and a render closure re-run when dirty.

use std::cell::Ref;

use crate::vdom::node::VNode;

/// A component in a tree: not yet mounted (setup pending) or mounted (instance alive).
pub struct ComponentNode {
    _private: (),
}

impl ComponentNode {
    /// The component's current rendered output, once mounted.
    pub fn rendered(&self) -> Option<Ref<'_, VNode>> {
        None
    }
}
