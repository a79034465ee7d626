//! The fixture of the browser test `client/test/normalise.test.mjs`: for each case, the
//! first paint of an old tree, the Patches frame the server sends to turn it into a new
//! tree, and the first paint of that new tree. Chromium loads the first paint, applies the
//! frame with the real client, and compares the live DOM with a fresh load of the new
//! first paint (and checks that no script ran on either).
//!
//! `VANGO_WRITE_VECTORS=1 cargo test --test normalise_vectors` rewrites
//! `tests/vectors/normalise.json`; without it the test fails when the file is stale.

use vango_test_support::diff_spec::Spec;
use vango_test_support::json::Json;
use vango_test_support::norm_spec::{el, keyed, text, Case, Gen};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/normalise.json");

fn main(children: Vec<Spec>) -> Spec {
    el("main", &[], children)
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

fn options(order: &[u64], selected: Option<u64>) -> Vec<Spec> {
    order
        .iter()
        .map(|&k| {
            let t: &'static str = ["", "a", "b", "c", "d"][k as usize];
            let o = keyed(k, "option", &[("value", t)], vec![text(t)]);
            if selected == Some(k) {
                with_bool(o, "selected")
            } else {
                o
            }
        })
        .collect()
}

/// `(name, old, new, selectors to click after loading)`. A script that runs reports to
/// the test page with `parent.__ran.push(…)` or `top.postMessage(…)`.
fn cases() -> Vec<(String, Spec, Spec, Vec<&'static str>)> {
    let sink = ("target", "sink");
    let mut v: Vec<(&str, Spec, Spec, Vec<&'static str>)> = vec![
        (
            "link_href",
            main(vec![el(
                "a",
                &[("href", "javascript:parent.__ran.push('first-a')"), sink],
                vec![text("first")],
            )]),
            main(vec![el(
                "a",
                &[
                    ("href", " JaVa\tScRiPt:parent.__ran.push('patched-a')"),
                    sink,
                ],
                vec![text("patched")],
            )]),
            vec!["a"],
        ),
        (
            "iframe_src_first_paint_and_set_attr",
            main(vec![el(
                "iframe",
                &[("src", "javascript:parent.__ran.push('first-iframe')")],
                vec![],
            )]),
            main(vec![el(
                "iframe",
                &[("src", "\u{1}javascript:parent.__ran.push('patched-iframe')")],
                vec![],
            )]),
            vec![],
        ),
        (
            "iframe_inserted",
            main(vec![text("x")]),
            main(vec![el(
                "iframe",
                &[("src", "java\nscript:parent.__ran.push('inserted-iframe')")],
                vec![],
            )]),
            vec![],
        ),
        (
            "iframe_data_html",
            main(vec![el("iframe", &[("src", "about:blank")], vec![])]),
            main(vec![el(
                "iframe",
                &[(
                    "src",
                    "data:text/html,<script>top.postMessage('data-iframe','*')</script>",
                )],
                vec![],
            )]),
            vec![],
        ),
        (
            "object_svg_data",
            main(vec![el("object", &[("data", "about:blank")], vec![])]),
            main(vec![el(
                "object",
                &[(
                    "data",
                    "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' \
                     onload='top.postMessage(\"object-svg\",\"*\")'/>",
                )],
                vec![],
            )]),
            vec![],
        ),
        (
            "form_action_and_formaction",
            main(vec![el(
                "form",
                &[
                    ("action", "javascript:parent.__ran.push('first-form')"),
                    sink,
                ],
                vec![el("button", &[], vec![text("go")])],
            )]),
            main(vec![el(
                "form",
                &[("action", "/ok"), sink],
                vec![el(
                    "button",
                    &[("formaction", "JAVASCRIPT:parent.__ran.push('formaction')")],
                    vec![text("go")],
                )],
            )]),
            vec!["button"],
        ),
        (
            "srcset_and_svg_links",
            main(vec![
                el("img", &[("srcset", "a.png 1x")], vec![]),
                el(
                    "svg",
                    &[],
                    vec![el("a", &[("href", "/ok"), sink], vec![text("svg link")])],
                ),
            ]),
            main(vec![
                el("img", &[("srcset", "a.png 1x, javascript:x 2x")], vec![]),
                el(
                    "svg",
                    &[],
                    vec![el(
                        "a",
                        &[("href", "javascript:parent.__ran.push('svg-a')"), sink],
                        vec![text("svg link")],
                    )],
                ),
            ]),
            vec!["a"],
        ),
        (
            "data_mixed_html",
            main(vec![el("div", &[("data-Mixed", "1")], vec![])]),
            main(vec![el("div", &[("data-mixed", "2")], vec![])]),
            vec![],
        ),
        (
            "data_mixed_svg",
            main(vec![
                el("svg", &[("data-Mixed", "1")], vec![]),
                el("svg", &[("data-mixed", "1")], vec![]),
            ]),
            main(vec![
                el("svg", &[("data-mixed", "2")], vec![]),
                el("svg", &[("data-Mixed", "2")], vec![]),
            ]),
            vec![],
        ),
        (
            "svg_viewbox_case",
            main(vec![el("svg", &[("viewbox", "0 0 1 1")], vec![])]),
            main(vec![el("svg", &[("VIEWBOX", "0 0 2 2")], vec![])]),
            vec![],
        ),
        (
            "invalid_and_reserved_names",
            main(vec![el("div", &[("id", "a")], vec![])]),
            main(vec![el(
                "div",
                &[
                    ("bad name", "1"),
                    ("x=y", "2"),
                    ("id", "b"),
                    ("data-hid", "99"),
                ],
                vec![],
            )]),
            vec![],
        ),
        (
            "mathml_insert",
            main(vec![el("math", &[("definitionurl", "a")], vec![])]),
            main(vec![el(
                "math",
                &[("definitionURL", "b")],
                vec![el("mi", &[("definitionURL", "c")], vec![text("x")])],
            )]),
            vec![],
        ),
        (
            "svg_and_foreign_object_inserts",
            main(vec![el(
                "svg",
                &[],
                vec![el("foreignObject", &[], vec![]), el("g", &[], vec![])],
            )]),
            main(vec![el(
                "svg",
                &[],
                vec![
                    el(
                        "foreignObject",
                        &[],
                        vec![el("div", &[("viewBox", "h")], vec![text("html")])],
                    ),
                    el(
                        "g",
                        &[],
                        vec![
                            el("style", &[], vec![text("a>b{}")]),
                            el("rect", &[("viewbox", "s")], vec![]),
                        ],
                    ),
                ],
            )]),
            vec![],
        ),
        (
            "nul_in_text_and_attribute",
            main(vec![el("p", &[("title", "a")], vec![text("a")])]),
            main(vec![el("p", &[("title", "a\0b")], vec![text("x\0y")])]),
            vec![],
        ),
        (
            "raw_text_cr_and_end_tags",
            main(vec![
                el("style", &[], vec![text("b{}")]),
                el("script", &[("type", "text/plain")], vec![text("x")]),
                el("style", &[], vec![]),
            ]),
            main(vec![
                el("style", &[], vec![text("b{}\r\n/*</style>*/\r")]),
                el(
                    "script",
                    &[("type", "text/plain")],
                    vec![text("a</script><!--\0")],
                ),
                el("style", &[], vec![text("i{}</STYLE>")]),
            ]),
            vec![],
        ),
        (
            "select_move_first_option",
            main(vec![el("select", &[], options(&[1, 2, 3], None))]),
            main(vec![el("select", &[], options(&[3, 1, 2], None))]),
            vec![],
        ),
        (
            "select_move_marked_option",
            main(vec![el("select", &[], options(&[1, 2, 3], Some(2)))]),
            main(vec![el("select", &[], options(&[3, 2, 1], Some(2)))]),
            vec![],
        ),
        (
            "select_insert_in_front",
            main(vec![el("select", &[], options(&[1, 2], None))]),
            main(vec![el("select", &[], options(&[4, 1, 2], None))]),
            vec![],
        ),
        (
            "select_list_box",
            main(vec![el(
                "select",
                &[("size", "3")],
                options(&[1, 2], Some(1)),
            )]),
            main(vec![el("select", &[("size", "3")], options(&[2, 1], None))]),
            vec![],
        ),
        (
            "select_value",
            main(vec![
                el("select", &[("value", "a")], options(&[1, 2, 3], Some(2))),
                el("select", &[("value", "b")], options(&[1, 2, 3], None)),
            ]),
            main(vec![
                el("select", &[("value", "c")], options(&[1, 2, 3], Some(2))),
                el("select", &[("value", "zz")], options(&[3, 2, 1], None)),
            ]),
            vec![],
        ),
        (
            "select_multiple_value",
            main(vec![with_bool(
                el("select", &[("value", "a")], options(&[1, 2, 3], Some(3))),
                "multiple",
            )]),
            main(vec![with_bool(
                el("select", &[("value", "b")], options(&[1, 2, 3], Some(3))),
                "multiple",
            )]),
            vec![],
        ),
        (
            "textarea_value",
            main(vec![
                el("textarea", &[("value", "hi")], vec![text("kids")]),
                el("textarea", &[], vec![text("plain")]),
            ]),
            main(vec![
                el("textarea", &[("value", "yo\r\n")], vec![text("other")]),
                el(
                    "textarea",
                    &[("value", "now controlled")],
                    vec![text("plain")],
                ),
            ]),
            vec![],
        ),
        (
            // Without `value` a checkbox or a radio reports "on", a text field "".
            "input_value_removed",
            main(vec![
                el("input", &[("type", "checkbox"), ("value", "x")], vec![]),
                el("input", &[("type", "radio"), ("value", "y")], vec![]),
                el("input", &[("type", "text"), ("value", "z")], vec![]),
            ]),
            main(vec![
                el("input", &[("type", "checkbox")], vec![]),
                el("input", &[("type", "radio")], vec![]),
                el("input", &[("type", "text")], vec![]),
            ]),
            vec![],
        ),
    ];
    let mut out: Vec<(String, Spec, Spec, Vec<&'static str>)> = v
        .drain(..)
        .map(|(n, a, b, c)| (n.to_string(), a, b, c))
        .collect();
    // Random hostile trees (fixed seeds: the file is committed).
    for seed in 1..=24u64 {
        let (mut g, spec) = Gen::start(seed);
        let next = g.next_tree(&spec);
        out.push((format!("random_{seed}"), spec, next, vec![]));
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn generate() -> String {
    let cases = cases()
        .into_iter()
        .map(|(name, old, new, click)| {
            let c = Case::of(&old, &new);
            Json::Obj(vec![
                ("name".into(), Json::Str(name)),
                ("first".into(), Json::Str(c.first)),
                ("frame".into(), Json::Str(hex(&c.frame))),
                ("fresh".into(), Json::Str(c.fresh)),
                (
                    "click".into(),
                    Json::Arr(click.into_iter().map(|s| Json::Str(s.into())).collect()),
                ),
            ])
        })
        .collect::<Vec<_>>();
    let mut s = String::from("{\"cases\":[\n");
    for (i, c) in cases.iter().enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        c.write(&mut s);
    }
    s.push_str("\n]}\n");
    s
}

#[test]
fn fixture_file_is_current() {
    let want = generate();
    if std::env::var_os("VANGO_WRITE_VECTORS").is_some() {
        std::fs::write(PATH, &want).unwrap();
    }
    let have = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        have == want,
        "stale tests/vectors/normalise.json: rerun with VANGO_WRITE_VECTORS=1"
    );
}
