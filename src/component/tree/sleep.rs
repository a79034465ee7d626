//! A tree's hibernation: packing the retained tree while the session is idle, and waking
//! it (every component renders again, which brings back the handlers packing dropped).
//!
//! Touches the tree's own fields, the mounting machinery and `vdom::frozen`.

use std::rc::Rc;

use super::Tree;
use crate::component::instance::{DirtyQueue, Instance};
use crate::component::node::ComponentNode;
use crate::vdom::frozen::{Footprint, Frozen};
use crate::vdom::node::VNode;
use crate::vdom::patch::{PatchSink, PropValue};

impl Tree {
    /// Packs the retained tree, the components' outputs with it, into one byte string each
    /// ([`Frozen`]) while the session is idle: a 50-row list keeps ≈ 48 KiB of nodes
    /// that no one reads until the next event. Whatever reads the tree next
    /// ([`root`](Self::root), [`dispatch`](Self::dispatch), [`rerender`](Self::rerender),
    /// a component's [`rendered`](crate::vdom::ComponentSlot::rendered)) unpacks it first,
    /// exactly as it was (hids, keys, texts, components), but for the handlers: they are
    /// dropped with what their closures hold ([`Frozen::freeze_bare`]), and every component
    /// renders again before the next event looks one up or the next re-render diffs. A
    /// render that reads only signals renders the same nodes, so that sends nothing; one
    /// that reads more (a clock, a counter of its own) may render something else, and then
    /// the root goes out whole with the next edits. Packing a packed tree does nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::Tree;
    /// use vango::prelude::*;
    /// use vango::vdom::Patch;
    /// let mut tree = Tree::mount(|| {
    ///     let n = signal(0);
    ///     move || button(n.get().to_string()).on_click(move |_| n.update(|n| *n += 1))
    /// });
    /// let before = vango::render::to_html(tree.root());
    /// tree.hibernate();
    /// assert!(tree.is_asleep());
    /// assert_eq!(tree.root_hid(), 1, "read without unpacking");
    /// let click = Event { hid: 1, name: "click", data: EventData::None };
    /// assert_eq!(tree.dispatch(&click), Ok(Ok(())), "a re-render made its handler again");
    /// assert!(!tree.is_asleep());
    /// let mut patches: Vec<Patch> = Vec::new();
    /// tree.rerender(&mut patches);
    /// assert_eq!(patches, [Patch::SetText { parent: 1, index: 0, text: "1".into() }]);
    /// assert_ne!(vango::render::to_html(tree.root()), before);
    /// ```
    pub fn hibernate(&mut self) {
        let Some(mut root) = self.root.take() else {
            return;
        };
        let mut fp = Footprint::default();
        let frozen = Frozen::freeze_bare(&mut root, &mut fp);
        self.asleep.set(Some(Box::new((frozen, fp))));
        self.stale.set(true);
        // Rebuilt by the first event that walks far after waking.
        self.index = None;
    }

    /// Whether the tree is packed ([`hibernate`](Self::hibernate)) and not read since.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::Tree;
    /// use vango::prelude::*;
    /// let mut tree = Tree::mount(|| || p("idle"));
    /// tree.hibernate();
    /// assert!(tree.is_asleep());
    /// let _ = tree.root();
    /// assert!(!tree.is_asleep());
    /// ```
    pub fn is_asleep(&self) -> bool {
        self.root.get().is_none()
    }

    /// What the packed tree holds, while it is asleep.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::component::Tree;
    /// use vango::prelude::*;
    /// let mut tree = Tree::mount(|| || ul((li("a"), li(button("x").on_click(|_| {})))));
    /// assert_eq!(tree.footprint(), None);
    /// tree.hibernate();
    /// let fp = tree.footprint().unwrap();
    /// assert_eq!(fp.handlers, 0, "dropped while asleep: a re-render makes them again");
    /// assert!(fp.bytes > 0);
    /// ```
    pub fn footprint(&self) -> Option<Footprint> {
        if self.root.get().is_some() {
            return None;
        }
        let packed = self.asleep.take();
        let fp = packed.as_ref().map(|p| p.1);
        self.asleep.set(packed);
        fp
    }

    /// Unpacks the whole tree and queues every component for a re-render: the diff then
    /// moves fresh handlers in place of the stand-ins [`Frozen::freeze_bare`] left.
    pub(super) fn wake_all(&self) {
        self.stale.set(false);
        queue(&self.inst, &self.cx.queue);
        queue_below(self.root(), &self.cx.queue);
    }

    /// Unpacks the root (its components unpack their outputs as they are reached).
    pub(super) fn thaw(&self) -> VNode {
        self.asleep
            .take()
            .map_or(VNode::Empty, |packed| packed.0.thaw())
    }
}

/// Marks `i` dirty and queues it (once).
fn queue(i: &Rc<Instance>, q: &DirtyQueue) {
    if !i.disposed.get() && !i.dirty.replace(true) {
        q.0.borrow_mut().push(Rc::downgrade(i));
    }
}

/// Queues every component below `node`, unpacking their outputs.
fn queue_below(node: &VNode, q: &DirtyQueue) {
    match node {
        VNode::Element(e) => e.children.iter().for_each(|c| queue_below(c, q)),
        VNode::Fragment(cs) => cs.iter().for_each(|c| queue_below(c, q)),
        VNode::Component(c) => {
            if let Some(i) = c
                .as_any()
                .downcast_ref::<ComponentNode>()
                .and_then(ComponentNode::instance)
            {
                queue(i, q);
            }
            if let Some(out) = c.rendered() {
                queue_below(&out, q);
            }
        }
        _ => {}
    }
}

/// A sink that only notes whether any edit came.
pub(super) struct Edited(pub(super) bool);

impl PatchSink for Edited {
    fn set_text(&mut self, _: u32, _: u32, _: &str) {
        self.0 = true;
    }
    fn set_attr(&mut self, _: u32, _: &str, _: &str) {
        self.0 = true;
    }
    fn remove_attr(&mut self, _: u32, _: &str) {
        self.0 = true;
    }
    fn set_prop(&mut self, _: u32, _: &str, _: PropValue<'_>) {
        self.0 = true;
    }
    fn insert_child(&mut self, _: u32, _: u32, _: &VNode) {
        self.0 = true;
    }
    fn remove_child(&mut self, _: u32, _: u32) {
        self.0 = true;
    }
    fn move_child(&mut self, _: u32, _: u32, _: u32) {
        self.0 = true;
    }
    fn replace_child(&mut self, _: u32, _: u32, _: &VNode) {
        self.0 = true;
    }
    fn replace_node(&mut self, _: u32, _: &VNode) {
        self.0 = true;
    }
    fn set_inner_html(&mut self, _: u32, _: &str) {
        self.0 = true;
    }
    fn clear_children(&mut self, _: u32) {
        self.0 = true;
    }
}
