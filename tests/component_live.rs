//! Live components: a change of props keeps the instance and its state, sets the props
//! signal, and re-renders only that component; equal props re-render nothing. Checked
//! through a Tree, the patches it emits and the model DOM.

use std::cell::{Cell, RefCell};

use vango::component::tree::Tree;
use vango::prelude::*;
use vango::reactive::live_nodes;
use vango::vdom::Patch;
use vango_test_support::model::{Model, ModelSink};

thread_local! {
    static SETUPS: Cell<u32> = const { Cell::new(0) };
    static RENDERS: Cell<u32> = const { Cell::new(0) };
    /// Each mounted row's local `open` signal, by label at mount time.
    static OPEN: RefCell<Vec<(String, Signal<bool>)>> = const { RefCell::new(Vec::new()) };
}

fn count(c: &'static std::thread::LocalKey<Cell<u32>>) -> u32 {
    c.with(Cell::get)
}

/// A row with local state (`open`) that its props (the label) must not reset.
fn row(label: Signal<String>) -> impl Render {
    SETUPS.with(|s| s.set(s.get() + 1));
    let open = signal(false);
    OPEN.with(|o| o.borrow_mut().push((label.get_untracked(), open)));
    move || {
        RENDERS.with(|r| r.set(r.get() + 1));
        li((
            span(label.get()),
            span(if open.get() { "open" } else { "closed" }),
        ))
    }
}

fn open_of(label: &str) -> Signal<bool> {
    OPEN.with(|o| o.borrow().iter().find(|(l, _)| l == label).unwrap().1)
}

/// Re-renders, checks the patches against the model DOM (patched old == new), and returns
/// them.
fn step(tree: &mut Tree) -> Vec<Patch> {
    let mut sinks = (ModelSink::new(tree.root()), Vec::<Patch>::new());
    tree.rerender(&mut sinks);
    let (model, patches) = sinks;
    assert_eq!(model.error, None);
    assert_eq!(
        model.model,
        Model::of(tree.root()),
        "patched model == result"
    );
    patches
}

/// The tree's HTML without hydration ids.
fn html(tree: &Tree) -> String {
    let mut h = vango::render::to_html(tree.root());
    while let Some(at) = h.find(" data-hid=\"") {
        let end = at + 11 + h[at + 11..].find('"').unwrap() + 1;
        h.replace_range(at..end, "");
    }
    h
}

#[test]
fn changed_props_keep_the_instance_and_its_state() {
    let label = signal(String::from("a"));
    let mut tree = Tree::mount(move || move || ul(component_live(row, label.get())));
    assert_eq!((count(&SETUPS), count(&RENDERS)), (1, 1));
    open_of("a").set(true);
    step(&mut tree);
    assert!(html(&tree).contains("<span>a</span><span>open</span>"));
    label.set("b".into());
    let patches = step(&mut tree);
    assert_eq!(count(&SETUPS), 1, "not remounted");
    assert!(
        html(&tree).contains("<span>b</span><span>open</span>"),
        "{}",
        html(&tree)
    );
    assert!(
        matches!(patches.as_slice(), [Patch::SetText { text, .. }] if text == "b"),
        "one text edit, no replace: {patches:?}"
    );
}

#[test]
fn equal_props_re_render_nothing() {
    let (label, other) = (signal(String::from("x")), signal(0));
    let mut tree = Tree::mount(move || {
        move || {
            div((
                p(other.get().to_string()),
                ul(component_live(row, label.get())),
            ))
        }
    });
    let renders = count(&RENDERS);
    other.set(1); // the parent re-renders with the same props for the row
    let patches = step(&mut tree);
    assert_eq!(patches.len(), 1, "{patches:?}");
    assert_eq!(count(&RENDERS), renders, "the row did not re-render");
    label.set("x".into()); // equal value: no change
    assert!(step(&mut tree).is_empty());
    assert_eq!(count(&RENDERS), renders);
}

#[test]
fn keyed_live_rows_move_keep_state_and_update_in_place() {
    let rows = signal(vec![(1u32, "one"), (2, "two"), (3, "three")]);
    let mut tree = Tree::mount(move || {
        move || {
            ul(rows
                .get()
                .into_iter()
                .map(|(k, l)| component_live_keyed(k, row, l.to_string()))
                .collect::<Vec<_>>())
        }
    });
    open_of("two").set(true);
    step(&mut tree);
    let setups = count(&SETUPS);
    // Reverse, and relabel key 2: moves plus one text edit, no remount.
    rows.set(vec![(3, "three"), (2, "deux"), (1, "one")]);
    let patches = step(&mut tree);
    assert_eq!(count(&SETUPS), setups, "no row remounted");
    let moves = patches
        .iter()
        .filter(|p| matches!(p, Patch::MoveChild { .. }))
        .count();
    let texts = patches
        .iter()
        .filter(|p| matches!(p, Patch::SetText { .. }))
        .count();
    assert_eq!((moves, texts, patches.len()), (2, 1, 3), "{patches:?}");
    let h = html(&tree);
    let (three, deux, one) = (
        h.find("three").unwrap(),
        h.find("<span>deux</span><span>open</span>").expect(&h),
        h.find("one").unwrap(),
    );
    assert!(three < deux && deux < one, "{h}");
    // A removed row's state goes with it.
    let live = live_nodes();
    rows.set(vec![(3, "three"), (1, "one")]);
    step(&mut tree);
    assert!(
        live_nodes() < live,
        "the removed row's signals were disposed"
    );
}
