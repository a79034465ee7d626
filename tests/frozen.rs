//! `vdom::frozen::Frozen`: packing a retained subtree and unpacking it gives back the
//! same nodes (hids, keys, namespaces, attributes, listeners with the very same handler,
//! owned and static strings), for random trees full of hostile strings, SVG and MathML.

use std::rc::Rc;

use vango::prelude::*;
use vango::vdom::diff::mount;
use vango::vdom::frozen::{Footprint, Frozen};
use vango::vdom::hid::HidAlloc;
use vango::vdom::{AttrValue, Element, Handler, Key, Listener, Modifiers, Str};
use vango_test_support::trees::random_body;

/// Every node of `n` in document order, as text that names each part the diff reads,
/// static strings marked apart from owned ones.
fn describe(n: &VNode, out: &mut Vec<String>, handlers: &mut Vec<Handler>) {
    fn s(x: &Str) -> String {
        match x.as_static() {
            Some(b) => format!("static {b:?}"),
            None => format!("owned {x:?} inline {}", x.is_inline()),
        }
    }
    match n {
        VNode::Empty => out.push("empty".into()),
        VNode::Text(t) => out.push(format!("text {}", s(t))),
        VNode::Raw(r) => out.push(format!("raw {:?}", r.as_str())),
        VNode::Component(_) => out.push("component".into()),
        VNode::Fragment(c) => {
            out.push(format!("fragment {}", c.len()));
            c.iter().for_each(|c| describe(c, out, handlers));
        }
        VNode::Element(e) => {
            let key = match e.key.as_deref() {
                None => "-".to_string(),
                Some(Key::Int(i)) => format!("int {i}"),
                Some(Key::Str(k)) => s(k),
            };
            out.push(format!(
                "<{} hid {} ns {:?} key {key} children {}>",
                e.tag,
                e.hid,
                e.parent_ns,
                e.children.len()
            ));
            for a in e.attrs.iter() {
                let v = match &a.value {
                    AttrValue::Bool(b) => format!("bool {b}"),
                    AttrValue::Str(v) => format!("str {}", s(v)),
                    AttrValue::Trusted(v) => format!("trusted {}", s(v)),
                };
                out.push(format!("  attr {} = {v}", s(&a.name)));
            }
            for l in e.listeners.iter() {
                out.push(format!("  on {} {:?}", l.event, l.modifiers));
                handlers.push(l.handler.clone());
            }
            e.children.iter().for_each(|c| describe(c, out, handlers));
        }
    }
}

fn round_trip(mut node: VNode) {
    let (mut before, mut hb) = (Vec::new(), Vec::new());
    describe(&node, &mut before, &mut hb);
    let html = vango::render::to_html(&node);
    let root = node.as_element().map_or(0, |e| e.hid);
    let mut fp = Footprint::default();
    let frozen = Frozen::freeze(&mut node, &mut fp);
    assert!(matches!(node, VNode::Empty));
    assert_eq!(fp.handlers, hb.len());
    assert_eq!(frozen.root_hid(), root, "read without unpacking");
    let back = frozen.thaw();
    let (mut after, mut ha) = (Vec::new(), Vec::new());
    describe(&back, &mut after, &mut ha);
    assert_eq!(before, after);
    assert_eq!(vango::render::to_html(&back), html);
    assert_eq!(ha.len(), hb.len());
    for (a, b) in ha.iter().zip(&hb) {
        assert!(Rc::ptr_eq(a, b), "the very same handler comes back");
    }
}

#[test]
fn random_trees_come_back_node_for_node() {
    let mut rng = fastrand::Rng::with_seed(14);
    for depth in 0..400u32 {
        let body = random_body(&mut rng, 1 + depth % 5);
        let mut root = Element::new("div");
        root.children = body.into();
        let mut node = VNode::Element(Box::new(root));
        mount(&mut node, &mut HidAlloc::new(1 + depth * 1000));
        round_trip(node);
    }
}

#[test]
fn keys_modifiers_and_namespaces_come_back() {
    static KEYS: &[&str] = &["Enter", "Escape"];
    let m = Modifiers {
        prevent_default: true,
        stop_propagation: true,
        debounce_ms: 300,
        throttle_ms: 65_535,
        coords: true,
        keys: KEYS,
    };
    let mut rows: Vec<El> = Vec::new();
    for i in 0..40u64 {
        let row = li(("static ", format!("owned {i}")))
            .attr("data-n", i.to_string())
            .attr("hidden", i % 2 == 0)
            .on_with("keydown", m, |_| {});
        rows.push(match i % 3 {
            0 => row.key(i * 1_000_000_007),
            1 => row.key(format!("k{i}")),
            _ => row.key("static-key"),
        });
    }
    let mut node: VNode = div((
        ul(rows),
        el("svg", el("circle", ()).attr("r", "4")),
        el("math", el("mi", "x")),
        raw_html(RawHtml::trusted("<b>raw</b>")),
    ))
    .into();
    mount(&mut node, &mut HidAlloc::new(u32::MAX - 500));
    round_trip(node);
}

#[test]
fn a_listener_keeps_its_handler_and_what_it_captured() {
    let hits = Rc::new(std::cell::Cell::new(0));
    let h = hits.clone();
    let mut node: VNode = button("+").on_click(move |_| h.set(h.get() + 1)).into();
    let frozen = Frozen::freeze(&mut node, &mut Footprint::default());
    assert_eq!(Rc::strong_count(&hits), 2, "the handler lives on, packed");
    let back = frozen.thaw();
    let l: &Listener = &back.as_element().unwrap().listeners[0];
    let ev = Event {
        hid: 0,
        name: "click",
        data: EventData::None,
    };
    assert_eq!((l.handler)(&ev), Ok(()));
    assert_eq!(hits.get(), 1);
    drop(back);
    assert_eq!(Rc::strong_count(&hits), 1, "and dies with the tree");
}

#[test]
fn a_packed_list_is_a_fraction_of_the_retained_one() {
    let rows = || -> VNode {
        ul((0..50)
            .map(|i| {
                li((
                    span(format!("Row {i}")),
                    span(format!(" clicked {} times ", 0)),
                    button("+1").on_click(|_| {}),
                ))
                .key(i)
            })
            .collect::<Vec<_>>())
        .into()
    };
    let mut node = rows();
    mount(&mut node, &mut HidAlloc::new(1));
    let retained = vango::live::size::tree_bytes(&node);
    let mut fp = Footprint::default();
    let _frozen = Frozen::freeze(&mut node, &mut fp);
    let packed = vango::live::size::frozen_bytes(&fp);
    println!(
        "50 rows: {retained} B retained, {packed} B packed ({} B of bytes)",
        fp.bytes
    );
    assert!(packed * 4 < retained, "{packed} vs {retained}");
    // Without the handlers, and with the rows' repeated shape compressed away: the
    // bytes are a small part of what the plain packing needs (≈ 55 bytes a row).
    let mut node = rows();
    mount(&mut node, &mut HidAlloc::new(1));
    let mut bare = Footprint::default();
    let _frozen = Frozen::freeze_bare(&mut node, &mut bare);
    println!("bare: {} B of bytes", bare.bytes);
    assert_eq!(bare.handlers, 0);
    assert!(bare.bytes * 2 < 50 * 55, "{} B for 50 rows", bare.bytes);
}

#[test]
fn a_kept_packing_leaves_components_whole_and_a_bare_one_packs_them_bare() {
    fn counter(n: Signal<u32>) -> impl Render {
        move || button(n.get().to_string()).on_click(move |_| n.update(|v| *v += 1))
    }
    let click = Event {
        hid: 0,
        name: "click",
        data: EventData::None,
    };
    // The component's button: its listener's handler, through the thawed slot's output.
    let handler = |node: &VNode| -> Handler {
        let VNode::Component(c) = &node.as_element().unwrap().children[0] else {
            panic!("a component slot");
        };
        let out = c.rendered().expect("mounted");
        let b = out.as_element().unwrap();
        b.listeners[0].handler.clone()
    };
    for bare in [false, true] {
        let n = signal(0u32);
        let mut node: VNode = div(component(counter, n)).into();
        mount(&mut node, &mut vango::component::TreeCx::new(1));
        let mut fp = Footprint::default();
        let frozen = if bare {
            Frozen::freeze_bare(&mut node, &mut fp)
        } else {
            Frozen::freeze(&mut node, &mut fp)
        };
        assert_eq!(fp.components, 1);
        let back = frozen.thaw();
        let outcome = handler(&back)(&click);
        if bare {
            assert_eq!(
                outcome,
                Err(Reject),
                "a stand-in, until the tree re-renders"
            );
            assert_eq!(n.get_untracked(), 0);
        } else {
            assert_eq!(outcome, Ok(()), "the component's own handler");
            assert_eq!(n.get_untracked(), 1);
        }
        vango::vdom::walk::dispose(&back);
    }
}
