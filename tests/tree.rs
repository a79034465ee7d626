//! The per-session Tree: event dispatch, dirty tracking, re-render patches (checked
//! against the model DOM), component keep/remount, disposal.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use vango::component::component;
use vango::component::tree::{DispatchError, Tree};
use vango::prelude::*;
use vango::reactive::{live_nodes, signal, Signal};
use vango::vdom::{Element, Patch};
use vango_test_support::model::{Model, ModelSink};

thread_local! {
    static RENDERS: Cell<u32> = const { Cell::new(0) };
    static SETUPS: Cell<u32> = const { Cell::new(0) };
}

fn click(hid: u32) -> Event {
    Event {
        hid,
        name: "click",
        data: EventData::None,
    }
}

fn find_hid(node: &VNode, pred: &dyn Fn(&Element) -> bool) -> Option<u32> {
    match node {
        VNode::Element(e) if pred(e) => Some(e.hid),
        VNode::Element(e) => e.children.iter().find_map(|c| find_hid(c, pred)),
        VNode::Component(c) => c.rendered().and_then(|o| find_hid(&o, pred)),
        _ => None,
    }
}

fn by_id(tree: &Tree, id: &str) -> u32 {
    find_hid(tree.root(), &|e| e.attr("id") == Some(id)).unwrap_or_else(|| panic!("no #{id}"))
}

/// Re-renders through a model sink and checks the patched model equals the new tree.
fn rerender_checked(tree: &mut Tree) -> ModelSink {
    let mut sink = ModelSink::new(tree.root());
    tree.rerender(&mut sink);
    assert_eq!(sink.error, None);
    assert_eq!(sink.model, Model::of(tree.root()));
    sink
}

fn counter(initial: i32) -> impl FnMut() -> VNode {
    SETUPS.with(|s| s.set(s.get() + 1));
    let count = signal(initial);
    move || {
        RENDERS.with(|r| r.set(r.get() + 1));
        div((
            h1(format!("Count: {}", count.get())),
            button("+")
                .id("inc")
                .on_click(move |_| count.update(|n| *n += 1)),
        ))
        .into()
    }
}

#[test]
fn counter_click_is_one_set_text() {
    let mut tree = Tree::mount(|| counter(5));
    assert_eq!(tree.root_hid(), 1);
    let inc = by_id(&tree, "inc");
    assert!(!tree.is_dirty());
    tree.dispatch(&click(inc)).unwrap().unwrap();
    assert!(tree.is_dirty());
    let mut patches: Vec<Patch> = Vec::new();
    tree.rerender(&mut patches);
    assert_eq!(
        patches,
        [Patch::SetText {
            parent: 2,
            index: 0,
            text: "Count: 6".into()
        }]
    );
    assert!(!tree.is_dirty());
    for _ in 0..3 {
        tree.dispatch(&click(inc)).unwrap().unwrap();
    }
    let sink = rerender_checked(&mut tree);
    assert_eq!((sink.counts.set_text, sink.counts.total()), (1, 1));
}

/// Each click records the value its handler captured when it was rendered, then bumps it.
fn captures(seen: std::rc::Rc<Cell<i32>>) -> impl FnMut() -> VNode {
    let count = signal(0);
    move || {
        let now = count.get();
        let seen = seen.clone();
        // Two listeners, so that the diff's handler swap covers more than the first.
        button(format!("{now}"))
            .id("b")
            .on("focus", |_| {})
            .on_click(move |_| {
                seen.set(now);
                count.set(now + 1);
            })
            .into()
    }
}

#[test]
fn a_rerender_with_the_same_events_still_takes_the_new_handlers() {
    let seen = std::rc::Rc::new(Cell::new(-1));
    let s = seen.clone();
    let mut tree = Tree::mount(move || captures(s.clone()));
    let b = by_id(&tree, "b");
    for want in 0..4 {
        tree.dispatch(&click(b)).unwrap().unwrap();
        // A kept old handler would report the value of the first render again.
        assert_eq!(seen.get(), want, "the handler of render {want}");
        let sink = rerender_checked(&mut tree);
        assert_eq!(
            sink.counts.total(),
            1,
            "one text, no rebinding of the same events"
        );
    }
}

#[test]
fn dispatch_errors_are_typed() {
    let mut tree = Tree::mount(|| counter(0));
    assert_eq!(
        tree.dispatch(&click(999)),
        Err(DispatchError::UnknownHid(999))
    );
    let ev = Event {
        hid: 1,
        name: "keydown",
        data: EventData::None,
    };
    assert_eq!(
        tree.dispatch(&ev),
        Err(DispatchError::NoListener {
            hid: 1,
            event: "keydown"
        })
    );
}

fn labelled(p: (&'static str, i32)) -> impl FnMut() -> VNode {
    SETUPS.with(|s| s.set(s.get() + 1));
    let own = signal(0);
    move || {
        RENDERS.with(|r| r.set(r.get() + 1));
        span(format!("{}={}/{}", p.0, p.1, own.get()))
            .id(p.0)
            .on_click(move |_| own.update(|n| *n += 1))
            .into()
    }
}

#[test]
fn only_dirty_components_rerender_and_equal_props_keep_the_instance() {
    let parent_sig: Cell<Option<Signal<i32>>> = Cell::new(None);
    let mut tree = Tree::mount(|| {
        let n = signal(0);
        parent_sig.set(Some(n));
        move || {
            let v = n.get();
            div((
                component(labelled, ("a", 1)),
                component(labelled, ("b", v)), // props change with the parent's state
                p(format!("parent {v}")),
            ))
        }
    });
    let n = parent_sig.get().unwrap();
    assert_eq!(SETUPS.with(Cell::get), 2);
    // A child's own state: only that child renders.
    RENDERS.with(|r| r.set(0));
    let a = by_id(&tree, "a");
    tree.dispatch(&click(a)).unwrap().unwrap();
    let sink = rerender_checked(&mut tree);
    assert_eq!(RENDERS.with(Cell::get), 1);
    assert_eq!(sink.counts.total(), 1);
    // The parent: it renders, `a` (equal props) is kept, `b` (new props) is remounted.
    RENDERS.with(|r| r.set(0));
    SETUPS.with(|s| s.set(0));
    n.set(7);
    let sink = rerender_checked(&mut tree);
    assert_eq!(SETUPS.with(Cell::get), 1, "only b remounts");
    assert_eq!(
        RENDERS.with(Cell::get),
        1,
        "b's first render; a is not re-rendered"
    );
    assert_eq!(sink.counts.replace_node, 1);
    assert!(tree.root().as_element().unwrap().children[0]
        .as_element()
        .is_none());
    // `a` kept its state: clicking again shows 2.
    tree.dispatch(&click(a)).unwrap().unwrap();
    let mut patches: Vec<Patch> = Vec::new();
    tree.rerender(&mut patches);
    assert_eq!(
        patches,
        [Patch::SetText {
            parent: a,
            index: 0,
            text: "a=1/2".into()
        }]
    );
}

fn row(id: u32) -> impl FnMut() -> VNode {
    let hits = signal(id);
    move || li(hits.get().to_string()).into()
}

#[test]
fn ten_thousand_components_are_disposed() {
    let start = live_nodes();
    {
        let show: Cell<Option<Signal<bool>>> = Cell::new(None);
        let mut tree = Tree::mount(|| {
            let on = signal(true);
            show.set(Some(on));
            move || {
                let items: Vec<VNode> = if on.get() {
                    (0..10_000u32)
                        .map(|i| vango::component::component_keyed(i, row, i))
                        .collect()
                } else {
                    Vec::new()
                };
                ul(items)
            }
        });
        let mid = live_nodes();
        assert!(mid >= start + 10_000, "{start} -> {mid}");
        show.get().unwrap().set(false);
        let mut sink = vango_test_support::model::CountSink::default();
        tree.rerender(&mut sink);
        // The emptied list goes in one op.
        assert_eq!((sink.0.remove, sink.0.clear), (0, 1));
        // Only the root's owner, observer and signal remain.
        assert!(live_nodes() < start + 10, "{start} -> {}", live_nodes());
        show.get().unwrap().set(true);
        tree.rerender(&mut sink);
        assert!(live_nodes() >= start + 10_000);
    }
    assert_eq!(live_nodes(), start, "dropping the tree returns everything");
}

#[test]
fn controlled_input_compares_with_what_the_user_typed() {
    let mut tree = Tree::mount(|| {
        let text = signal(String::new());
        move || {
            input()
                .id("in")
                .attr("value", text.get())
                .on_input(move |ev| {
                    let v = ev.value().to_string();
                    // The server upper-cases anything after 3 characters.
                    text.set(if v.len() > 3 { v.to_uppercase() } else { v })
                })
        }
    });
    let typed = |v: &str| Event {
        hid: 1,
        name: "input",
        data: EventData::Input {
            value: v.into(),
            checked: false,
        },
    };
    tree.dispatch(&typed("abc")).unwrap().unwrap();
    let mut patches: Vec<Patch> = Vec::new();
    tree.rerender(&mut patches);
    assert_eq!(patches, [], "accepted value: nothing to patch");
    tree.dispatch(&typed("abcd")).unwrap().unwrap();
    tree.rerender(&mut patches);
    assert_eq!(
        patches,
        [Patch::SetProp {
            hid: 1,
            name: "value".into(),
            value: vango::vdom::patch::OwnedProp::Str("ABCD".into())
        }]
    );
}

#[test]
fn non_element_render_is_a_range() {
    let tree = Tree::mount(|| || VNode::Text("hi".into()));
    let root = tree.root().as_element().unwrap();
    assert!(root.is_range());
    assert_eq!(root.hid, 1);
    assert_eq!(vango::render::to_html(tree.root()), "<!--h:1-->hi<!--/h-->");
    assert!(matches!(&root.children[..], [VNode::Text(t)] if t == "hi"));
}

#[test]
fn panics_in_handler_or_render_leave_a_droppable_tree() {
    let start = live_nodes();
    {
        let mut tree = Tree::mount(|| {
            let n = signal(0);
            move || {
                if n.get() == 2 {
                    panic!("render boom");
                }
                button(n.get().to_string()).on_click(move |_| {
                    n.update(|v| *v += 1);
                    if n.get() == 1 {
                        panic!("handler boom");
                    }
                })
            }
        });
        let r = catch_unwind(AssertUnwindSafe(|| tree.dispatch(&click(1))));
        assert!(r.is_err());
        let mut sink: Vec<Patch> = Vec::new();
        tree.rerender(&mut sink);
        tree.dispatch(&click(1)).unwrap().unwrap();
        let r = catch_unwind(AssertUnwindSafe(|| tree.rerender(&mut sink)));
        assert!(r.is_err());
        let _ = tree.is_dirty();
    }
    assert_eq!(live_nodes(), start);
}

/// A keyed todo list driven by random clicks; every re-render is checked on the model.
#[test]
fn random_clicks_on_a_keyed_list_match_the_model() {
    for seed in 0..40u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut tree = Tree::mount(|| {
            let items = signal((0..8u32).collect::<Vec<u32>>());
            let next = signal(100u32);
            move || {
                let list = items.get();
                div((
                    button("add").id("add").on_click(move |_| {
                        let k = next.get();
                        next.set(k + 1);
                        items.update(|v| v.insert((k as usize * 7) % (v.len() + 1), k));
                    }),
                    button("rev")
                        .id("rev")
                        .on_click(move |_| items.update(|v| v.reverse())),
                    button("rot").id("rot").on_click(move |_| {
                        items.update(|v| {
                            if !v.is_empty() {
                                v.rotate_left(1)
                            }
                        })
                    }),
                    ul(list
                        .iter()
                        .map(|&k| {
                            li((
                                span(k.to_string()),
                                button("x")
                                    .id(format!("x{k}"))
                                    .on_click(move |_| items.update(|v| v.retain(|&i| i != k))),
                            ))
                            .key(k)
                        })
                        .collect::<Vec<_>>()),
                ))
            }
        });
        for step in 0..30 {
            let target = match rng.u8(0..4) {
                0 => "add".to_string(),
                1 => "rev".to_string(),
                2 => "rot".to_string(),
                _ => {
                    let ids: Vec<String> = (0..200).map(|k| format!("x{k}")).collect();
                    let present: Vec<&String> = ids
                        .iter()
                        .filter(|id| find_hid(tree.root(), &|e| e.attr("id") == Some(id)).is_some())
                        .collect();
                    match present.is_empty() {
                        true => "add".into(),
                        false => present[rng.usize(0..present.len())].clone(),
                    }
                }
            };
            let hid = by_id(&tree, &target);
            tree.dispatch(&click(hid)).unwrap().unwrap();
            let mut sink = ModelSink::new(tree.root());
            tree.rerender(&mut sink);
            assert_eq!(sink.error, None, "seed {seed} step {step}");
            assert_eq!(
                sink.model,
                Model::of(tree.root()),
                "seed {seed} step {step}"
            );
        }
    }
}
