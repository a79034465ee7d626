//! JS islands on the server side: the first paint writes the container and its props and
//! nothing inside; a re-render of the island's parent or a props change never addresses
//! a node inside the island (a props change is one attribute update of the container);
//! the island's pushed events reach its handler. Through `LiveTest` (the session's real
//! steps and encoder).

use vango::prelude::*;
use vango::protocol::{Op, ServerFrame};
use vango::testing::{LiveTest, Outcome};
use vango::vdom::Patch;

/// A parent that re-renders on `other` (a sibling text) and on `n` (the island's props).
fn page() -> impl Render {
    let n = signal(1u32);
    let other = signal(0u32);
    let picked = signal(String::new());
    move || {
        div((
            span(other.get().to_string()).id("other"),
            button("o")
                .id("bump")
                .on_click(move |_| other.update(|o| *o += 1)),
            button("n")
                .id("props")
                .on_click(move |_| n.update(|v| *v += 1)),
            island("Chart", format!("{{\"n\":{},\"s\":\"<a&'\"}}", n.get()))
                .id("chart")
                .class("c")
                .on_event("pick", move |e| picked.set(e.value().to_owned())),
            span(picked.get()).id("picked"),
        ))
    }
}

/// The island's hid, read from the page's markers.
fn island_hid(t: &LiveTest) -> u32 {
    let html = t.html();
    let at = html
        .find("id=\"chart\"")
        .expect("the island is on the page");
    let tag = &html[html[..at].rfind('<').unwrap()..];
    let tag = &tag[..tag.find('>').unwrap()];
    let hid = &tag[tag.find("data-hid=\"").expect(tag) + 10..];
    hid[..hid.find('"').unwrap()].parse().unwrap()
}

fn ops(t: &LiveTest) -> Vec<Op> {
    t.frames()
        .into_iter()
        .flat_map(|f| match f {
            ServerFrame::Patches { ops, .. } => ops,
            _ => Vec::new(),
        })
        .collect()
}

/// The element (or parent) an op addresses.
fn addressed(op: &Op) -> Option<u32> {
    match op {
        Op::Patch(p) => Some(match p {
            Patch::SetText { parent, .. }
            | Patch::InsertChild { parent, .. }
            | Patch::RemoveChild { parent, .. }
            | Patch::MoveChild { parent, .. }
            | Patch::ReplaceChild { parent, .. }
            | Patch::ClearChildren { parent } => *parent,
            Patch::SetAttr { hid, .. }
            | Patch::RemoveAttr { hid, .. }
            | Patch::SetProp { hid, .. }
            | Patch::ReplaceNode { hid, .. }
            | Patch::SetInnerHtml { hid, .. } => *hid,
        }),
        Op::HookEvent { hid, .. } | Op::Focus(hid) => Some(*hid),
        _ => None,
    }
}

#[test]
fn first_paint_writes_the_container_and_props_only() {
    let t = LiveTest::component(page);
    let html = t.first_paint();
    let at = html.find("data-hook=\"Chart\"").expect(html);
    let tag = &html[html[..at].rfind('<').unwrap()..];
    let tag = &tag[..tag.find("</div>").unwrap() + 6];
    assert!(
        tag.contains("data-props=\"{&quot;n&quot;:1,&quot;s&quot;:&quot;&lt;a&amp;'&quot;}\""),
        "{tag}"
    );
    assert!(
        tag.contains("data-on=\"hook\""),
        "its events are handled: {tag}"
    );
    assert!(tag.ends_with("></div>"), "no children: {tag}");
    assert_eq!(t.find("#chart").attr("class").as_deref(), Some("c"));
}

#[test]
fn a_parent_rerender_leaves_the_island_alone() {
    let t = LiveTest::component(page);
    let hid = island_hid(&t);
    assert_eq!(t.find("#bump").click(), Outcome::Accepted);
    assert_eq!(t.find("#other").text(), "1");
    let ops = ops(&t);
    assert!(!ops.is_empty(), "the parent re-rendered");
    for op in &ops {
        assert_ne!(addressed(op), Some(hid), "{op:?} touches the island");
    }
    assert_eq!(island_hid(&t), hid, "same element");
}

#[test]
fn a_props_change_is_one_attribute_update_of_the_container() {
    let t = LiveTest::component(page);
    let hid = island_hid(&t);
    assert_eq!(t.find("#props").click(), Outcome::Accepted);
    let ops = ops(&t);
    assert_eq!(
        ops,
        [Op::Patch(Patch::SetAttr {
            hid,
            name: "data-props".into(),
            value: "{\"n\":2,\"s\":\"<a&'\"}".into(),
        })]
    );
    assert_eq!(island_hid(&t), hid);
}

#[test]
fn pushed_events_reach_the_island_handler() {
    let t = LiveTest::component(page);
    assert_eq!(
        t.find("#chart").hook_event("pick", "{\"i\":3}"),
        Outcome::Accepted
    );
    assert_eq!(t.find("#picked").text(), "{\"i\":3}");
    // A name the island has no handler for is accepted and does nothing.
    assert_eq!(t.find("#chart").hook_event("zoom", "1"), Outcome::Accepted);
    assert_eq!(t.find("#picked").text(), "{\"i\":3}");
}

#[test]
fn empty_props_are_null_and_own_attributes_stay_the_islands() {
    let node: VNode = island("Map", "").into();
    let e = node.as_element().unwrap();
    assert_eq!(e.attr("data-props"), Some("null"));
    assert_eq!(e.attr("data-hook"), Some("Map"));
    assert!(e.children.is_empty());
}

#[test]
#[cfg_attr(debug_assertions, should_panic(expected = "belongs to the island"))]
fn setting_the_islands_own_attributes_is_refused() {
    let node: VNode = island("Map", "1").attr("data-props", "2").into();
    assert_eq!(node.as_element().unwrap().attr("data-props"), Some("1"));
}
