//! Event routing in large trees, where the Tree finds handlers through its cached hid
//! paths: events still reach the right handler after keyed moves, removals and
//! re-insertions, and a removed element's hid stays unknown.

use std::cell::RefCell;

use vango::component::tree::{DispatchError, Tree};
use vango::prelude::*;
use vango::reactive::{signal, Signal};
use vango::vdom::Element;
use vango_test_support::model::CountSink;

thread_local! {
    static LOG: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
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

fn hid_of(tree: &Tree, id: &str) -> Option<u32> {
    find_hid(tree.root(), &|e| e.attr("id") == Some(id))
}

/// Clicks `#b{k}` and returns the row the handler that ran belongs to.
fn click_row(tree: &mut Tree, k: u32) -> u32 {
    let hid = hid_of(tree, &format!("b{k}")).unwrap_or_else(|| panic!("no row {k}"));
    LOG.with(|l| l.borrow_mut().clear());
    assert_eq!(tree.dispatch(&click(hid)), Ok(Ok(())));
    let log = LOG.with(|l| l.borrow().clone());
    assert_eq!(log.len(), 1, "one handler ran");
    log[0]
}

/// 600 keyed rows of 4 nodes each (over the size from which paths are cached).
fn list(rows: &RefCell<Option<Signal<Vec<u32>>>>) -> Tree {
    Tree::mount(|| {
        let items = signal((0..600).collect::<Vec<u32>>());
        *rows.borrow_mut() = Some(items);
        move || {
            ul(items
                .get()
                .iter()
                .map(|&k| {
                    li((
                        span(k.to_string()),
                        button("x")
                            .id(format!("b{k}"))
                            .on_click(move |_| LOG.with(|l| l.borrow_mut().push(k))),
                    ))
                    .key(k)
                })
                .collect::<Vec<_>>())
        }
    })
}

#[test]
fn clicks_reach_their_row_after_moves_removals_and_reinserts() {
    let rows = RefCell::new(None);
    let mut tree = list(&rows);
    let items = rows.borrow().unwrap();
    let mut sink = CountSink::default();
    for k in [5, 599, 0, 5] {
        assert_eq!(click_row(&mut tree, k), k);
    }
    items.update(|v| v.reverse());
    tree.rerender(&mut sink);
    for k in [5, 599, 0, 300] {
        assert_eq!(click_row(&mut tree, k), k, "after reversing");
    }
    let gone = hid_of(&tree, "b7").unwrap();
    items.update(|v| v.retain(|&k| k != 7));
    tree.rerender(&mut sink);
    assert_eq!(
        tree.dispatch(&click(gone)),
        Err(DispatchError::UnknownHid(gone))
    );
    for k in [6, 8, 5] {
        assert_eq!(click_row(&mut tree, k), k, "after a removal");
    }
    items.update(|v| v.insert(0, 7));
    tree.rerender(&mut sink);
    let back = hid_of(&tree, "b7").unwrap();
    assert_ne!(back, gone, "a reinserted row is a new element");
    assert_eq!(click_row(&mut tree, 7), 7);
    assert_eq!(
        tree.dispatch(&click(gone)),
        Err(DispatchError::UnknownHid(gone))
    );
    items.update(|v| v.rotate_left(100));
    tree.rerender(&mut sink);
    for k in [7, 0, 599, 250] {
        assert_eq!(click_row(&mut tree, k), k, "after a rotation");
    }
}

fn row(k: u32) -> impl FnMut() -> VNode {
    let n = signal(0u32);
    move || {
        li((
            span(format!("{k}:{}", n.get())).id(format!("s{k}")),
            button("+").id(format!("b{k}")).on_click(move |_| {
                LOG.with(|l| l.borrow_mut().push(k));
                n.update(|n| *n += 1)
            }),
        ))
        .into()
    }
}

fn text_of(tree: &Tree, id: &str) -> String {
    fn find(node: &VNode, id: &str) -> Option<String> {
        match node {
            VNode::Element(e) if e.attr("id") == Some(id) => match e.children.first() {
                Some(VNode::Text(t)) => Some(t.to_string()),
                _ => None,
            },
            VNode::Element(e) => e.children.iter().find_map(|c| find(c, id)),
            VNode::Component(c) => c.rendered().and_then(|o| find(&o, id)),
            _ => None,
        }
    }
    find(tree.root(), id).unwrap_or_default()
}

#[test]
fn row_components_run_handlers_in_their_own_instance_after_moves() {
    let order = RefCell::new(None);
    let mut tree = Tree::mount(|| {
        let items = signal((0..400).collect::<Vec<u32>>());
        *order.borrow_mut() = Some(items);
        move || {
            ul(items
                .get()
                .iter()
                .map(|&k| vango::component::component_keyed(k, row, k))
                .collect::<Vec<_>>())
        }
    });
    let items = order.borrow().unwrap();
    let mut sink = CountSink::default();
    for k in [3, 3, 399] {
        assert_eq!(click_row(&mut tree, k), k);
        tree.rerender(&mut sink);
    }
    assert_eq!(text_of(&tree, "s3"), "3:2");
    items.update(|v| v.reverse());
    tree.rerender(&mut sink);
    assert_eq!(click_row(&mut tree, 3), 3);
    assert_eq!(click_row(&mut tree, 0), 0);
    tree.rerender(&mut sink);
    assert_eq!(text_of(&tree, "s3"), "3:3");
    assert_eq!(text_of(&tree, "s0"), "0:1");
    assert_eq!(text_of(&tree, "s399"), "399:1");
}
