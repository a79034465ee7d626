//! Form controls whose live state a first paint expresses differently from a patch:
//! - moving the `<option>`s of a `<select>`: the browser keeps the selected option, a
//!   fresh render selects per the `selected` attributes (or the first option), so the diff
//!   restates the selection after the options change;
//! - a controlled `<select value>` / `<textarea value>`: the value wins, as for `<input>`;
//!   the first paint marks the matching option `selected` / writes the value as the text,
//!   and patches set the property.

use vango::vdom::patch::OwnedProp;
use vango::vdom::Patch;
use vango_test_support::diff_spec::{El, Spec};
use vango_test_support::norm_spec::{el, keyed, text, Case};

fn main(child: Spec) -> Spec {
    el("main", &[], vec![child])
}

fn prop_bool(hid: u32, name: &str, v: bool) -> Patch {
    Patch::SetProp {
        hid,
        name: name.into(),
        value: OwnedProp::Bool(v),
    }
}

fn prop_str(hid: u32, name: &str, v: &str) -> Patch {
    Patch::SetProp {
        hid,
        name: name.into(),
        value: OwnedProp::Str(v.into()),
    }
}

fn with_bool(s: Spec, name: &'static str) -> Spec {
    match s {
        Spec::El(mut e) => {
            e.attrs.push((name, None));
            Spec::El(e)
        }
        other => other,
    }
}

/// `<select>` with keyed options `(key, text)`; `sel`: the key with `selected`.
fn select(attrs: &[(&'static str, &'static str)], opts: &[(u64, &str)], sel: Option<u64>) -> Spec {
    el(
        "select",
        attrs,
        opts.iter()
            .map(|&(k, t)| {
                let o = keyed(k, "option", &[], vec![text(t)]);
                if sel == Some(k) {
                    with_bool(o, "selected")
                } else {
                    o
                }
            })
            .collect(),
    )
}

/// The case in the issue: nothing marked, the first option is selected; after moving `c`
/// to the front a fresh render selects `c`, the browser would keep `a`.
#[test]
fn moving_options_restates_the_first_option() {
    let abc = [(1, "a"), (2, "b"), (3, "c")];
    let c = Case::of(
        &main(select(&[], &abc, None)),
        &main(select(&[], &[(3, "c"), (1, "a"), (2, "b")], None)),
    );
    assert_eq!(
        c.patches,
        [
            Patch::MoveChild {
                parent: 2,
                from: 2,
                to: 0
            },
            prop_bool(5, "selected", true)
        ]
    );
    // The same render again: nothing to restate.
    let c = Case::of(
        &main(select(&[], &abc, None)),
        &main(select(&[], &abc, None)),
    );
    assert_eq!(c.patches, []);
}

/// With a `selected` option the move restates that option.
#[test]
fn moving_options_restates_the_marked_option() {
    let c = Case::of(
        &main(select(&[], &[(1, "a"), (2, "b"), (3, "c")], Some(2))),
        &main(select(&[], &[(3, "c"), (2, "b"), (1, "a")], Some(2))),
    );
    assert_eq!(c.patches.last(), Some(&prop_bool(4, "selected", true)));
    // Inserting an option in front of an unmarked list selects the new first option.
    let c = Case::of(
        &main(select(&[], &[(1, "a"), (2, "b")], None)),
        &main(select(&[], &[(9, "z"), (1, "a"), (2, "b")], None)),
    );
    assert!(
        matches!(c.patches[0], Patch::InsertChild { .. }),
        "{:?}",
        c.patches
    );
    assert_eq!(c.patches.last(), Some(&prop_bool(5, "selected", true)));
}

/// A list box (`size` > 1) selects nothing by default: the restatement clears it.
#[test]
fn list_boxes_restate_no_selection() {
    let c = Case::of(
        &main(select(&[("size", "3")], &[(1, "a"), (2, "b")], Some(1))),
        &main(select(&[("size", "3")], &[(2, "b"), (1, "a")], None)),
    );
    assert_eq!(c.patches.last(), Some(&prop_str(2, "selectedIndex", "-1")));
}

/// `<select value=…>`: the first paint marks the matching option (and only it); a new
/// value is set as the property and the matching option restated.
#[test]
fn controlled_select_value_wins_on_both_paths() {
    let opts = |v: &'static str| {
        el(
            "select",
            &[("value", v)],
            vec![
                keyed(1, "option", &[("value", "a")], vec![text("A")]),
                with_bool(
                    keyed(2, "option", &[("value", "b")], vec![text("B")]),
                    "selected",
                ),
                keyed(3, "option", &[("value", "c")], vec![text("C")]),
            ],
        )
    };
    let c = Case::of(&main(opts("a")), &main(opts("c")));
    assert_eq!(
        c.first,
        "<main data-hid=\"1\"><select data-hid=\"2\">\
         <option data-hid=\"3\" value=\"a\" selected>A</option>\
         <option data-hid=\"4\" value=\"b\">B</option>\
         <option data-hid=\"5\" value=\"c\">C</option></select></main>"
    );
    assert_eq!(
        c.patches,
        [prop_str(2, "value", "c"), prop_bool(5, "selected", true)]
    );
    assert!(c.fresh.contains("value=\"c\" selected>C"), "{}", c.fresh);
    // No option matches: as a fresh render, the first option.
    let c = Case::of(&main(opts("a")), &main(opts("zz")));
    assert_eq!(
        c.patches,
        [prop_str(2, "value", "zz"), prop_bool(3, "selected", true)]
    );
    assert!(!c.fresh.contains(" selected"), "{}", c.fresh);
}

/// An option without a `value` attribute is matched by its text, whitespace collapsed.
#[test]
fn controlled_select_matches_option_text() {
    let s = el(
        "select",
        &[("value", "two words")],
        vec![
            el("option", &[], vec![text("one")]),
            el("option", &[], vec![text("  two \n words ")]),
        ],
    );
    let c = Case::of(&main(s.clone()), &main(s));
    assert!(
        c.first.contains("<option data-hid=\"4\" selected>"),
        "{}",
        c.first
    );
}

/// `<select multiple value=…>` selects only the first match, as the property would.
#[test]
fn controlled_multiple_select() {
    let s = |v: &'static str| {
        let mut s = el(
            "select",
            &[("value", v)],
            vec![
                with_bool(keyed(1, "option", &[], vec![text("a")]), "selected"),
                keyed(2, "option", &[], vec![text("b")]),
                with_bool(keyed(3, "option", &[], vec![text("c")]), "selected"),
            ],
        );
        if let Spec::El(El { attrs, .. }) = &mut s {
            attrs.push(("multiple", None));
        }
        s
    };
    let c = Case::of(&main(s("b")), &main(s("c")));
    assert_eq!(c.first.matches(" selected").count(), 1, "{}", c.first);
    assert!(c.first.contains(">b</option>"), "{}", c.first);
    assert!(c.first.contains("data-hid=\"4\" selected>b"), "{}", c.first);
    assert_eq!(c.patches[0], prop_str(2, "value", "c"));
}

/// Moving the options of a controlled `<select multiple>` restates each option: its
/// `value` already reads as the controlled value when any option with that value is
/// selected, so setting it would change nothing in the browser.
#[test]
fn controlled_multiple_select_restates_each_option() {
    let s = |order: [u64; 3]| {
        let opts = order
            .iter()
            .map(|&k| keyed(k, "option", &[], vec![text(if k == 3 { "w" } else { "v" })]))
            .collect();
        let mut s = el("select", &[("value", "v")], opts);
        if let Spec::El(El { attrs, .. }) = &mut s {
            attrs.push(("multiple", None));
        }
        s
    };
    let c = Case::of(&main(s([1, 2, 3])), &main(s([2, 1, 3])));
    // Options 1, 2, 3 have hids 3, 4, 5; after the move the first match is option 2.
    for p in [
        prop_bool(4, "selected", true),
        prop_bool(3, "selected", false),
        prop_bool(5, "selected", false),
    ] {
        assert!(c.patches.contains(&p), "{p:?} in {:?}", c.patches);
    }
}

/// `<textarea value=…>`: the value is the first paint's text (the children are not
/// shown), and patches set the property only.
#[test]
fn controlled_textarea_value_wins_on_both_paths() {
    let ta = |v: &'static str, kid: &str| el("textarea", &[("value", v)], vec![text(kid)]);
    let c = Case::of(&main(ta("hi", "kids")), &main(ta("yo", "other")));
    assert_eq!(
        c.first,
        "<main data-hid=\"1\"><textarea data-hid=\"2\">hi</textarea></main>"
    );
    assert_eq!(c.patches, [prop_str(2, "value", "yo")]);
    assert_eq!(
        c.fresh,
        "<main data-hid=\"1\"><textarea data-hid=\"2\">yo</textarea></main>"
    );
    // A leading newline survives the parser's dropping of one.
    let c = Case::of(&main(ta("\nx<", "")), &main(ta("\nx<", "")));
    assert_eq!(
        c.first,
        "<main data-hid=\"1\"><textarea data-hid=\"2\">\n\nx&lt;</textarea></main>"
    );
    // Gaining or losing the value switches what the text is: the textarea is re-rendered.
    let c = Case::of(
        &main(el("textarea", &[], vec![text("kids")])),
        &main(ta("v", "kids")),
    );
    assert_eq!(
        c.patches,
        [Patch::ReplaceNode {
            hid: 2,
            html: "<textarea data-hid=\"3\">v</textarea>".into()
        }]
    );
}
