//! Component identity: same setup fn + key + equal props keeps the instance; anything
//! else disposes it and mounts a new one. Checked through a Tree and the model DOM.

use std::cell::Cell;

use vango::component::tree::Tree;
use vango::component::{component, component_keyed};
use vango::prelude::*;
use vango::reactive::{live_nodes, on_cleanup, signal, Signal};
use vango_test_support::model::{Model, ModelSink, OpCounts};

thread_local! {
    static SETUPS: Cell<u32> = const { Cell::new(0) };
    static CLEANUPS: Cell<u32> = const { Cell::new(0) };
}

fn setups() -> u32 {
    SETUPS.with(Cell::get)
}

fn badge(n: u32) -> impl FnMut() -> VNode {
    SETUPS.with(|s| s.set(s.get() + 1));
    on_cleanup(|| CLEANUPS.with(|c| c.set(c.get() + 1)));
    move || span(n.to_string()).into()
}

fn other_badge(n: u32) -> impl FnMut() -> VNode {
    SETUPS.with(|s| s.set(s.get() + 1));
    move || span(n.to_string()).into()
}

/// What the parent renders, as a function of its state.
#[derive(Clone, Copy)]
enum View {
    Badge(u32),
    Other(u32),
    Keyed(u32, u32),
    List(&'static [u32]),
}

fn view(v: View) -> VNode {
    match v {
        View::Badge(n) => div(component(badge, n)).into(),
        View::Other(n) => div(component(other_badge, n)).into(),
        View::Keyed(k, n) => div(component_keyed(k, badge, n)).into(),
        View::List(ks) => ul(ks
            .iter()
            .map(|&k| component_keyed(k, badge, k))
            .collect::<Vec<_>>())
        .into(),
    }
}

struct Harness {
    tree: Tree,
    state: Signal<u8>,
}

fn harness(views: &'static [View]) -> Harness {
    let slot: Cell<Option<Signal<u8>>> = Cell::new(None);
    let tree = Tree::mount(|| {
        let s = signal(0u8);
        slot.set(Some(s));
        move || view(views[s.get() as usize])
    });
    Harness {
        tree,
        state: slot.get().unwrap(),
    }
}

impl Harness {
    fn go(&mut self, i: u8) -> OpCounts {
        self.state.set(i);
        let mut sink = ModelSink::new(self.tree.root());
        self.tree.rerender(&mut sink);
        assert_eq!(sink.error, None);
        assert_eq!(sink.model, Model::of(self.tree.root()));
        sink.counts
    }
}

#[test]
fn equal_props_keep_the_instance() {
    static V: &[View] = &[View::Badge(1), View::Badge(1)];
    let mut h = harness(V);
    let before = setups();
    let c = h.go(1);
    assert_eq!((setups() - before, c.total()), (0, 0));
}

#[test]
fn changed_props_remount_and_clean_up() {
    static V: &[View] = &[View::Badge(1), View::Badge(2)];
    let mut h = harness(V);
    let (s0, c0) = (setups(), CLEANUPS.with(Cell::get));
    let c = h.go(1);
    assert_eq!(setups() - s0, 1);
    assert_eq!(
        CLEANUPS.with(Cell::get) - c0,
        1,
        "the old instance's owner was disposed"
    );
    assert_eq!((c.replace_node, c.total()), (1, 1));
}

#[test]
fn another_setup_fn_is_another_component() {
    static V: &[View] = &[View::Badge(1), View::Other(1)];
    let mut h = harness(V);
    let s0 = setups();
    let c = h.go(1);
    assert_eq!(setups() - s0, 1);
    assert_eq!(c.replace_node, 1);
}

#[test]
fn a_new_key_remounts() {
    static V: &[View] = &[View::Keyed(1, 5), View::Keyed(2, 5), View::Keyed(2, 5)];
    let mut h = harness(V);
    let s0 = setups();
    h.go(1);
    assert_eq!(setups() - s0, 1);
    h.go(2);
    assert_eq!(setups() - s0, 1);
}

#[test]
fn keyed_components_move_without_remounting() {
    static V: &[View] = &[
        View::List(&[1, 2, 3, 4, 5]),
        View::List(&[5, 4, 3, 2, 1]),
        View::List(&[4, 5, 9, 3]),
    ];
    let mut h = harness(V);
    let s0 = setups();
    let c = h.go(1);
    assert_eq!(setups() - s0, 0);
    assert_eq!(c.total(), c.moves);
    let c = h.go(2);
    assert_eq!(setups() - s0, 1, "only key 9 is new");
    assert_eq!((c.insert, c.remove), (1, 2));
}

#[test]
fn rendered_gives_the_output() {
    static V: &[View] = &[View::Badge(42)];
    let h = harness(V);
    let root = h.tree.root().as_element().unwrap();
    let VNode::Component(c) = &root.children[0] else {
        panic!("not a component")
    };
    let out = c.rendered().unwrap();
    let e = out.as_element().unwrap();
    assert_eq!(e.tag, "span");
    assert!(e.hid > root.hid);
}

fn pair(_: ()) -> impl FnMut() -> VNode {
    || (b("a"), i("b")).into_nodes_for_test()
}

trait IntoNodesForTest {
    fn into_nodes_for_test(self) -> VNode;
}
impl<A: IntoChildren, B: IntoChildren> IntoNodesForTest for (A, B) {
    fn into_nodes_for_test(self) -> VNode {
        fragment(self)
    }
}

#[test]
fn a_fragment_output_is_a_range() {
    let tree = Tree::mount(|| || div(component(pair, ())));
    let root = tree.root().as_element().unwrap();
    let VNode::Component(c) = &root.children[0] else {
        panic!("not a component")
    };
    let out = c.rendered().unwrap();
    let e = out.as_element().unwrap();
    assert!(e.is_range());
    assert_eq!(e.children.len(), 2);
    let html = vango::render::to_html(tree.root());
    assert_eq!(
        html,
        format!("<div data-hid=\"1\"><!--h:{}--><b data-hid=\"{}\">a</b><i data-hid=\"{}\">b</i><!--/h--></div>", e.hid, e.hid + 1, e.hid + 2)
    );
}

#[test]
fn dropping_the_tree_returns_all_component_state() {
    let start = live_nodes();
    {
        static V: &[View] = &[View::List(&[1, 2, 3]), View::List(&[3, 4])];
        let mut h = harness(V);
        h.go(1);
        assert!(live_nodes() > start);
    }
    assert_eq!(live_nodes(), start);
}

#[test]
fn a_component_costs_one_reactive_node_and_still_re_renders() {
    // Its setup's owner is also the observer of its renders (`Observer::over`).
    let before = live_nodes();
    let empty = Tree::mount(|| || div(()));
    let base = live_nodes() - before;
    let ten = Tree::mount(|| || div((0..10).map(|_| component(pair, ())).collect::<Vec<_>>()));
    assert_eq!(
        live_nodes() - before - base,
        base + 10,
        "one node per component"
    );
    drop((empty, ten));
    assert_eq!(live_nodes(), before);

    // The merged node still observes: a signal the render reads re-renders it.
    let n = signal(1u32);
    let mut tree = Tree::mount(move || {
        move || {
            div(component(
                move |_: ()| move || text(n.get().to_string()),
                (),
            ))
        }
    });
    let html = |t: &Tree| vango::render::to_html(t.root());
    assert!(html(&tree).contains(">1<"), "{}", html(&tree));
    n.set(2);
    let mut sink = ModelSink::new(tree.root());
    tree.rerender(&mut sink);
    assert!(html(&tree).contains(">2<"), "{}", html(&tree));
}
