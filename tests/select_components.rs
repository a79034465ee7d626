//! A component rendering options inside a `<select>` that re-renders on its own: the
//! browser keeps the old selectedness, a fresh render selects by the new options, so the
//! runtime restates the select's selection after such a re-render (and only then: a
//! component outside any select costs no patch more). Checked on the patches a `Tree`
//! sends for its re-renders.

use vango::component::Tree;
use vango::prelude::*;
use vango::vdom::patch::OwnedProp;
use vango::vdom::Patch;

/// The hid of the first element with tag `tag` below `node` (through components).
fn hid_of(node: &VNode, tag: &str) -> Option<u32> {
    match node {
        VNode::Element(e) if e.tag == tag => Some(e.hid),
        VNode::Element(e) => e.children.iter().find_map(|c| hid_of(c, tag)),
        VNode::Fragment(cs) => cs.iter().find_map(|c| hid_of(c, tag)),
        VNode::Component(c) => c.rendered().and_then(|o| hid_of(&o, tag)),
        _ => None,
    }
}

fn prop(hid: u32, name: &str, value: OwnedProp) -> Patch {
    Patch::SetProp {
        hid,
        name: name.into(),
        value,
    }
}

/// The patches that set selectedness (an option's `selected` attribute also sets the
/// property).
fn restates(patches: &[Patch]) -> Vec<&Patch> {
    patches
        .iter()
        .filter(|p| matches!(p, Patch::SetProp { name, .. } if name == "selected" || name == "selectedIndex"))
        .collect()
}

/// The selectedness patch that decides: the last one.
fn last_restate(patches: &[Patch]) -> Option<&Patch> {
    restates(patches).pop()
}

thread_local! {
    /// Which option the components below render: each test sets it before re-rendering.
    static CHOICE: Signal<u8> = signal(0);
}

fn choice() -> Signal<u8> {
    CHOICE.with(|c| *c)
}

/// 0: `<option>x</option>`; 1: `<option selected disabled>y</option>`; 2: `<option>w</option>`
/// (its value is its text).
fn opt(_: Signal<()>) -> impl Render {
    move || match choice().get() {
        0 => option("x"),
        1 => option("y").attr("selected", true).attr("disabled", true),
        _ => option("w"),
    }
}

/// A range of an option and a nested component.
fn pair(_: Signal<()>) -> impl Render {
    || fragment((option("a"), component_live(opt, ())))
}

/// The case the randomized test found: `select[value=x] > component_live > option`, the
/// option replaced by `<option selected disabled>`: a fresh render selects nothing.
#[test]
fn a_component_replacing_the_chosen_option_restates_the_select() {
    choice().set(0);
    let mut tree = Tree::mount(|| || div(select(component_live(opt, ())).value("x")));
    let select = hid_of(tree.root(), "select").unwrap();
    choice().set(1);
    let mut patches: Vec<Patch> = Vec::new();
    tree.rerender(&mut patches);
    assert_eq!(
        last_restate(&patches),
        Some(&prop(select, "selectedIndex", OwnedProp::Str("-1".into()))),
        "{patches:?}"
    );
    // Back to a matching option: it is chosen again.
    choice().set(0);
    patches.clear();
    tree.rerender(&mut patches);
    let chosen = hid_of(tree.root(), "option").unwrap();
    assert_eq!(
        last_restate(&patches),
        Some(&prop(chosen, "selected", OwnedProp::Bool(true))),
        "{patches:?}"
    );
}

/// Through an `<optgroup>` and a range (a component rendering an option and a component):
/// the inner component's re-render restates the select; the first option is chosen
/// when nothing matches and nothing is marked.
#[test]
fn nested_components_in_an_optgroup_restate_the_select() {
    choice().set(1);
    let mut tree = Tree::mount(|| {
        || {
            div(select(
                optgroup(component_live(pair, ())).attr("label", "g"),
            ))
        }
    });
    let first = hid_of(tree.root(), "option").unwrap();
    choice().set(2);
    let mut patches: Vec<Patch> = Vec::new();
    tree.rerender(&mut patches);
    assert_eq!(
        last_restate(&patches),
        Some(&prop(first, "selected", OwnedProp::Bool(true))),
        "{patches:?}"
    );
}

/// A component the diff mounts into an existing select later (a new child) is known to
/// be inside it too.
#[test]
fn a_component_inserted_into_a_select_restates_it() {
    choice().set(0);
    let shown = signal(false);
    let mut tree = Tree::mount(move || {
        move || {
            let opts = shown.get().then(|| component_live(opt, ()));
            div(select((option("z"), opts)).value("x"))
        }
    });
    let z = hid_of(tree.root(), "option").unwrap();
    shown.set(true);
    tree.rerender(&mut Vec::<Patch>::new());
    choice().set(1);
    let mut patches: Vec<Patch> = Vec::new();
    tree.rerender(&mut patches);
    // No option matches: a drop-down shows its first enabled option.
    assert_eq!(
        last_restate(&patches),
        Some(&prop(z, "selected", OwnedProp::Bool(true))),
        "{patches:?}"
    );
}

/// Outside a select the re-render sends only its own edits; inside one, a change that
/// leaves the selection as it was restates nothing.
#[test]
fn nothing_more_when_the_selection_is_not_concerned() {
    let n = signal(0);
    fn label(n: Signal<Signal<i32>>) -> impl Render {
        move || p(n.get().get().to_string())
    }
    let mut tree = Tree::mount(move || {
        move || {
            div((
                component_live(label, n),
                select((option("x"), component_live(label, n))).value("x"),
            ))
        }
    });
    n.set(1);
    let mut patches: Vec<Patch> = Vec::new();
    tree.rerender(&mut patches);
    assert_eq!(patches.len(), 2, "{patches:?}");
    assert!(restates(&patches).is_empty(), "{patches:?}");
}
