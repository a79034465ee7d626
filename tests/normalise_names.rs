//! Attribute names from data: an invalid or reserved name is refused on both paths (never
//! sent to the client, whose `setAttribute` would throw); names on HTML elements are
//! lower-cased, names on SVG and MathML elements take the case the HTML parser gives them
//! (`viewBox`, `definitionURL`), so first paint and patches name the same attribute.

use vango::component::TreeCx;
use vango::protocol::PatchEncoder;
use vango::vdom::diff::diff;
use vango::vdom::Patch;
use vango_test_support::diff_spec::{fresh, mounted, Spec};
use vango_test_support::norm_spec::{el, Case};

fn main(child: Spec) -> Spec {
    el("main", &[], vec![child])
}

fn set(hid: u32, name: &str, value: &str) -> Patch {
    Patch::SetAttr {
        hid,
        name: name.into(),
        value: value.into(),
    }
}

/// The case in the issue: the frame set `data-mixed`, then removed `data-Mixed`, which the
/// DOM lower-cases too, so the attribute ended up gone.
#[test]
fn html_names_are_lower_cased_on_both_paths() {
    let c = Case::of(
        &main(el("div", &[("data-Mixed", "1")], vec![])),
        &main(el("div", &[("data-mixed", "2")], vec![])),
    );
    assert!(
        c.first.contains(r#"<div data-hid="2" data-mixed="1">"#),
        "{}",
        c.first
    );
    assert_eq!(c.patches, [set(2, "data-mixed", "2")]);
    assert!(c.fresh.contains(r#"data-mixed="2""#), "{}", c.fresh);

    let c = Case::of(
        &main(el("div", &[("data-mixed", "1")], vec![])),
        &main(el("div", &[("DATA-MIXED", "2"), ("Title", "t")], vec![])),
    );
    assert_eq!(c.patches, [set(2, "data-mixed", "2"), set(2, "title", "t")]);
    assert!(
        c.fresh.contains(r#"data-mixed="2" title="t""#),
        "{}",
        c.fresh
    );
}

/// On SVG the parser lower-cases `data-Mixed` too (only its camelCase table survives), so
/// the same change is one SetAttr of the lower-case name; `viewBox` keeps its case.
#[test]
fn svg_names_take_the_parsers_case() {
    for (a, b) in [("data-Mixed", "data-mixed"), ("data-mixed", "data-Mixed")] {
        let c = Case::of(
            &main(el("svg", &[(a, "1")], vec![])),
            &main(el("svg", &[(b, "2")], vec![])),
        );
        assert!(c.first.contains(r#"data-mixed="1""#), "{}", c.first);
        assert_eq!(c.patches, [set(2, "data-mixed", "2")], "{a} -> {b}");
    }
    let c = Case::of(
        &main(el("svg", &[("viewbox", "0 0 1 1")], vec![])),
        &main(el("svg", &[("VIEWBOX", "0 0 2 2")], vec![])),
    );
    assert!(c.first.contains(r#"viewBox="0 0 1 1""#), "{}", c.first);
    assert_eq!(c.patches, [set(2, "viewBox", "0 0 2 2")]);
    // On an HTML element the same name is lower case (the DOM would lower-case it).
    let c = Case::of(
        &main(el("div", &[("viewBox", "1")], vec![])),
        &main(el("div", &[("viewBox", "2")], vec![])),
    );
    assert_eq!(c.patches, [set(2, "viewbox", "2")]);
    // Inside <foreignObject> elements are HTML again.
    let c = Case::of(
        &main(el(
            "svg",
            &[],
            vec![el(
                "foreignObject",
                &[],
                vec![el("div", &[("viewBox", "1")], vec![])],
            )],
        )),
        &main(el(
            "svg",
            &[],
            vec![el(
                "foreignObject",
                &[],
                vec![el("div", &[("viewBox", "2")], vec![])],
            )],
        )),
    );
    assert_eq!(c.patches, [set(4, "viewbox", "2")]);
}

/// MathML keeps `definitionURL`; SVG names are lower case there (the parser's tables are
/// per namespace).
#[test]
fn mathml_names_take_the_parsers_case() {
    let c = Case::of(
        &main(el(
            "math",
            &[("definitionurl", "a"), ("viewBox", "v")],
            vec![],
        )),
        &main(el(
            "math",
            &[("DEFINITIONURL", "b"), ("viewBox", "w")],
            vec![],
        )),
    );
    assert!(
        c.first.contains(r#"definitionURL="a" viewbox="v""#),
        "{}",
        c.first
    );
    assert_eq!(
        c.patches,
        [set(2, "definitionURL", "b"), set(2, "viewbox", "w")]
    );
    let c = Case::of(
        &main(el("svg", &[("definitionURL", "a")], vec![])),
        &main(el("svg", &[("definitionURL", "b")], vec![])),
    );
    assert_eq!(c.patches, [set(2, "definitionurl", "b")]);
}

const INVALID: &[&str] = &["bad name", "x=y", "a/b", "a>b", "", "a\0b", "a\tb", "\"q\""];

/// An invalid name is never sent in a patch: the client's `setAttribute` would throw and
/// reload the tab. (Diffed without rendering: the old renderer asserted on such names.)
#[test]
fn invalid_names_are_never_sent() {
    for &bad in INVALID {
        let mut cx = TreeCx::new(1);
        let mut tree = mounted(&main(el("div", &[("id", "i")], vec![])), &mut cx);
        let mut sink = (Vec::<Patch>::new(), PatchEncoder::new());
        sink.1.begin(1, 0);
        diff(
            &mut tree,
            fresh(&main(el("div", &[(bad, "2"), ("id", "j")], vec![]))),
            &mut cx,
            &mut sink,
        );
        assert_eq!(sink.0, [set(2, "id", "j")], "{bad:?}");
        let frame = sink.1.finish();
        assert!(
            !frame.windows(bad.len().max(1)).any(|w| w == bad.as_bytes()),
            "{bad:?}"
        );
    }
}

/// The first paint drops an invalid name (and renders the rest) instead of failing.
#[test]
fn invalid_names_are_dropped_on_first_paint() {
    for &bad in INVALID {
        let c = Case::of(
            &main(el("div", &[(bad, "1"), ("id", "i")], vec![])),
            &main(el("div", &[(bad, "2"), ("id", "j")], vec![])),
        );
        assert_eq!(
            c.first,
            r#"<main data-hid="1"><div data-hid="2" id="i"></div></main>"#
        );
        assert_eq!(c.patches, [set(2, "id", "j")], "{bad:?}");
    }
}

/// `data-hid` and `data-on` belong to the framework (the client indexes and binds by them):
/// a user attribute of either name, in any case, is refused on both paths.
#[test]
fn reserved_names_are_refused_on_both_paths() {
    for name in ["data-hid", "DATA-HID", "data-on", "Data-On"] {
        let c = Case::of(
            &main(el("div", &[(name, "9")], vec![])),
            &main(el("div", &[(name, "10")], vec![])),
        );
        assert_eq!(
            c.first, r#"<main data-hid="1"><div data-hid="2"></div></main>"#,
            "{name}"
        );
        assert_eq!(c.patches, [], "{name}");
    }
}

/// Names equal up to case are one attribute: the last value wins, at the first position.
#[test]
fn names_equal_up_to_case_are_one_attribute() {
    let c = Case::of(
        &main(el("div", &[("class", "a"), ("id", "i")], vec![])),
        &main(el(
            "div",
            &[("class", "a"), ("id", "i"), ("CLASS", "b")],
            vec![],
        )),
    );
    assert!(c.first.contains(r#"class="a" id="i""#), "{}", c.first);
    assert_eq!(c.patches, [set(2, "class", "b")]);
    assert!(
        c.fresh.contains(r#"<div data-hid="2" class="b" id="i">"#),
        "{}",
        c.fresh
    );
    // And removing one spelling while the other stays removes nothing.
    let c = Case::of(
        &main(el("div", &[("Class", "b"), ("class", "b")], vec![])),
        &main(el("div", &[("class", "b")], vec![])),
    );
    assert_eq!(c.patches, []);
}
