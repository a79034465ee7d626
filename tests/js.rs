//! `Js` client commands: the `data-js` value is JSON the client can read for any selector,
//! class or value (random strings, controls and quotes included), bindings accumulate in
//! order, and commands that could run script are refused.

use vango::prelude::*;
use vango::view::js::Js;
use vango_test_support::json::{parse, Json};

fn s(v: &str) -> Json {
    Json::Str(v.to_owned())
}

fn data_js(e: El) -> Json {
    let node: VNode = e.into();
    let el = node.as_element().expect("an element");
    parse(el.attr("data-js").expect("data-js")).expect("valid JSON")
}

fn random_string(rng: &mut fastrand::Rng) -> String {
    let alphabet = [
        'a', '"', '\\', '\n', '\u{1}', '\u{7f}', 'é', '😀', ' ', ']', '[', ',', ':', '{',
    ];
    (0..rng.usize(0..12))
        .map(|_| alphabet[rng.usize(..alphabet.len())])
        .collect()
}

#[test]
fn any_strings_round_trip_through_the_json() {
    let seed = fastrand::u64(..);
    let mut rng = fastrand::Rng::with_seed(seed);
    for _ in 0..500 {
        let (sel, class, name) = (
            random_string(&mut rng),
            random_string(&mut rng),
            random_string(&mut rng),
        );
        let e = div(())
            .js("click", Js::new().toggle_class(&sel, &class))
            .js(
                "keydown:Escape",
                Js::new().hide(&sel).push_event(&name, &class),
            );
        let want = Json::Arr(vec![
            Json::Arr(vec![
                s("click"),
                Json::Arr(vec![Json::Arr(vec![s("tc"), s(&sel), s(&class)])]),
            ]),
            Json::Arr(vec![
                s("keydown:Escape"),
                Json::Arr(vec![
                    Json::Arr(vec![s("hi"), s(&sel)]),
                    Json::Arr(vec![s("pu"), s(""), s(&name), s(&class)]),
                ]),
            ]),
        ]);
        assert_eq!(data_js(e), want, "seed {seed}: {sel:?} {class:?} {name:?}");
    }
}

#[test]
fn bindings_for_the_same_event_accumulate_in_order() {
    let e = button("b")
        .js("click", Js::new().show("#a"))
        .js("click", Js::new().hide("#b"));
    let j = data_js(e);
    let Json::Arr(bindings) = j else { panic!() };
    assert_eq!(bindings.len(), 2);
    assert_eq!(
        bindings[1],
        Json::Arr(vec![
            s("click"),
            Json::Arr(vec![Json::Arr(vec![s("hi"), s("#b")])])
        ])
    );
}

#[test]
fn commands_that_could_run_script_are_refused() {
    for (name, value) in [
        ("onclick", "alert(1)"),
        ("ONmouseover", "x"),
        ("srcdoc", "<script>alert(1)</script>"),
        ("href", " JaVa\tScRiPt:alert(1)"),
        ("src", "data:text/html,<script>alert(1)</script>"),
        ("srcset", "a.png 1x, javascript:alert(1) 2x"),
        ("data-hid", "9"),
        ("data-on", "click"),
        ("data-js", "[]"),
        ("bad name", "x"),
    ] {
        assert!(
            Js::new().set_attr("a", name, value).is_empty(),
            "{name}={value}"
        );
    }
    assert!(Js::new().remove_attr("", "data-on").is_empty());
    // What is left is allowed.
    assert!(!Js::new().set_attr("a", "href", "/next").is_empty());
    assert!(!Js::new()
        .set_attr("img", "src", "data:image/png;base64,AA==")
        .is_empty());
    assert!(!Js::new()
        .set_attr("p", "title", "javascript:alert(1)")
        .is_empty());
}

#[test]
fn the_first_paint_writes_the_bindings_escaped() {
    let e = || p("x").js("click", Js::new().toggle("#m"));
    let html = vango::render::to_html(&e().into());
    assert!(
        html.contains(r##"data-js="[[&quot;click&quot;,[[&quot;to&quot;,&quot;#m&quot;]]]]""##),
        "{html}"
    );
}
