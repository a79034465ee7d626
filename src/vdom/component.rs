//! Components: a setup that runs once per mount and a render closure re-run when dirty.

/// A component in a tree: not yet mounted (setup pending) or mounted (instance alive).
pub struct ComponentNode {
    _private: (),
}
