//! Driving a mounted component tree in-process, as the benches and heap tests do: the hids
//! of elements by tag (through components' outputs), and a click that re-renders and
//! counts the edits. Touches vango's component `Tree` only.

use vango::component::tree::Tree;
use vango::prelude::*;

use crate::model::{CountSink, OpCounts};

/// The hids of the elements with tag `tag` (and attribute `id` equal to `id`, if given)
/// below `n`, through components' rendered outputs, in document order.
pub fn hids(n: &VNode, tag: &str, id: Option<&str>) -> Vec<u32> {
    let mut out = Vec::new();
    find(n, tag, id, &mut out);
    out
}

fn find(n: &VNode, tag: &str, id: Option<&str>, out: &mut Vec<u32>) {
    match n {
        VNode::Element(e) => {
            if e.tag == tag && id.is_none_or(|id| e.attr("id") == Some(id)) {
                out.push(e.hid);
            }
            for c in &e.children {
                find(c, tag, id, out);
            }
        }
        VNode::Component(c) => {
            if let Some(o) = c.rendered() {
                find(&o, tag, id, out);
            }
        }
        _ => {}
    }
}

/// Dispatches a click at element `hid` (panicking if nothing handles it or the handler
/// rejects it), re-renders what it dirtied, and returns the edits the diff sent.
pub fn click(tree: &mut Tree, hid: u32) -> OpCounts {
    let ev = Event {
        hid,
        name: "click",
        data: EventData::None,
    };
    tree.dispatch(&ev)
        .expect("a click handler")
        .expect("accepted");
    let mut sink = CountSink::default();
    tree.rerender(&mut sink);
    sink.0
}
