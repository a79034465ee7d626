//! Tests of the element builder `El`: element functions, children normalization,
//! attributes and listeners.

use std::borrow::Cow;
use std::cell::Cell;
use std::rc::Rc;

use vango::prelude::*;
use vango::vdom::event::EVENTS;
use vango::vdom::{AttrValue, Element};

#[path = "builders/lists.rs"]
mod lists;

fn attrs(e: &Element) -> Vec<(String, Option<String>)> {
    e.attrs
        .iter()
        .map(|a| {
            let v = match &a.value {
                AttrValue::Str(s) => Some(s.to_string()),
                AttrValue::Trusted(s) => Some(format!("trusted:{s}")),
                AttrValue::Bool(b) => b.then(String::new),
            };
            (a.name.to_string(), v)
        })
        .collect()
}

fn pair(n: &str, v: &str) -> (String, Option<String>) {
    (n.to_string(), Some(v.to_string()))
}

/// A compact description of a child list: texts as `"t:..."`, elements as their tag.
fn shape(children: &[VNode]) -> Vec<String> {
    children
        .iter()
        .map(|c| match c {
            VNode::Text(t) => format!("t:{t}"),
            VNode::Element(e) => e.tag.to_string(),
            VNode::Raw(r) => format!("raw:{}", r.as_str()),
            VNode::Empty => "EMPTY".into(),
            VNode::Fragment(_) => "FRAGMENT".into(),
            VNode::Component(_) => "component".into(),
        })
        .collect()
}

#[test]
fn counter_tree_has_the_exact_structure() {
    let x = 5;
    let node: VNode = div((
        h1("Title"),
        button("+").on_click(|_| {}).prevent_default(),
        p(format!("x = {x}")),
    ))
    .id("app")
    .into();
    let e = node.as_element().unwrap();
    assert_eq!(e.tag, "div");
    assert_eq!(attrs(e), vec![pair("id", "app")]);
    assert_eq!(shape(&e.children), ["h1", "button", "p"]);
    let b = e.children[1].as_element().unwrap();
    assert_eq!(b.listeners.len(), 1);
    assert_eq!(b.listeners[0].event, "click");
    assert!(b.listeners[0].modifiers.prevent_default);
    assert_eq!(shape(&b.children), ["t:+"]);
    let p = e.children[2].as_element().unwrap();
    assert_eq!(shape(&p.children), ["t:x = 5"]);
}

#[test]
fn attributes_keep_order_and_a_later_duplicate_replaces_in_place() {
    let e = div(())
        .id("a")
        .class("x")
        .title("t")
        .id("b")
        .attr("class", "y");
    assert_eq!(
        attrs(&e),
        vec![pair("id", "b"), pair("class", "y"), pair("title", "t")]
    );
    let e = e.remove_attr("id").attr_opt("lang", None::<&str>);
    assert_eq!(attrs(&e), vec![pair("class", "y"), pair("title", "t")]);
}

#[test]
fn classes_join_the_true_ones_and_append() {
    let e = li(()).classes([("a", true), ("b", false), ("c", true)]);
    assert_eq!(e.get_attr("class"), Some("a c"));
    let e = li(())
        .class("item")
        .classes([("active", true)])
        .add_class("x");
    assert_eq!(e.get_attr("class"), Some("item active x"));
    let e = li(()).classes([("a", false)]);
    assert_eq!(e.get_attr("class"), None);
    // `class` replaces what was accumulated before it.
    let e = li(()).add_class("a").class("b");
    assert_eq!(e.get_attr("class"), Some("b"));
    // Owned and borrowed class names mix.
    let name = String::from("dyn");
    let e = li(()).classes([(Cow::Borrowed("s"), true), (Cow::Owned(name), true)]);
    assert_eq!(e.get_attr("class"), Some("s dyn"));
}

#[test]
fn style_props_accumulate_into_one_attribute() {
    let e = div(()).style_prop("color", "red").style_prop("margin", "0");
    assert_eq!(e.get_attr("style"), Some("color: red; margin: 0"));
    let e = div(())
        .style("top: 0")
        .style_prop("left", format!("{}px", 3));
    assert_eq!(e.get_attr("style"), Some("top: 0; left: 3px"));
    let e = div(()).style("top: 0;").style_prop("left", "1px");
    assert_eq!(e.get_attr("style"), Some("top: 0; left: 1px"));
    assert_eq!(e.attrs.len(), 1);
}

#[test]
fn data_aria_optimistic_and_hook_attributes() {
    let e = button(())
        .data("id", 42)
        .aria("expanded", true)
        .aria("label", "Close")
        .aria_hidden(false)
        .optimistic_class("pending")
        .optimistic_text("Saving…")
        .optimistic_attr("disabled", "")
        .hook("Chart");
    assert_eq!(
        attrs(&e),
        vec![
            pair("data-id", "42"),
            pair("aria-expanded", "true"),
            pair("aria-label", "Close"),
            pair("aria-hidden", "false"),
            pair("data-opt-class", "pending"),
            pair("data-opt-text", "Saving…"),
            pair("data-opt-attr", "disabled="),
            pair("data-hook", "Chart"),
        ]
    );
}

#[test]
fn boolean_attributes_are_present_or_absent() {
    let e = input().disabled(true).checked(false).required(true);
    assert_eq!(e.get_attr("disabled"), Some(""));
    assert_eq!(e.get_attr("checked"), None);
    assert!(matches!(e.attrs[1].value, AttrValue::Bool(false)));
    let e = e.disabled(false);
    assert_eq!(e.get_attr("disabled"), None);
    assert_eq!(e.attrs.len(), 3);
}

#[test]
fn numbers_are_accepted_where_natural() {
    let e = input()
        .type_("number")
        .min(0)
        .max(10.5)
        .step("any")
        .maxlength(3usize)
        .value(7)
        .tabindex(-1);
    assert_eq!(e.get_attr("type"), Some("number"));
    assert_eq!(e.get_attr("min"), Some("0"));
    assert_eq!(e.get_attr("max"), Some("10.5"));
    assert_eq!(e.get_attr("step"), Some("any"));
    assert_eq!(e.get_attr("maxlength"), Some("3"));
    assert_eq!(e.get_attr("value"), Some("7"));
    assert_eq!(e.get_attr("tabindex"), Some("-1"));
}

#[test]
fn static_strings_stay_borrowed() {
    let e = p("literal").class("c").href("/x").attr("data-x", "y");
    assert!(matches!(&e.children[0], VNode::Text(t) if t.is_static()));
    for a in &e.attrs {
        assert!(a.name.is_static(), "{:?}", a.name);
        assert!(
            matches!(&a.value, AttrValue::Str(v) if v.is_static()),
            "{a:?}"
        );
    }
    let e = li(()).classes([("only", true)]);
    assert!(matches!(&e.attrs[0].value, AttrValue::Str(v) if v.is_static()));
    let n = text("t");
    assert!(matches!(n, VNode::Text(t) if t.is_static()));
    // Computed names are made at run time (and short ones held inline).
    let e = div(()).data("k", "v");
    assert!(!e.attrs[0].name.is_static() && e.attrs[0].name.is_inline());
    assert!(matches!(&e.attrs[0].value, AttrValue::Str(v) if v.is_static()));
}

#[test]
fn scalar_children_render_with_to_string() {
    let e = div((1u8, ' ', -2i64, ' ', 1.5f64, ' ', true, ' ', 'z'));
    assert_eq!(shape(&e.children), ["t:1 -2 1.5 true z"]);
    let e = div(String::new());
    assert!(e.children.is_empty());
}

#[test]
fn containers_of_children() {
    let some: Option<El> = Some(b("b"));
    let none: Option<El> = None;
    let e = div((
        some,
        none,
        vec!["x", "y"],
        [i("i1"), i("i2")],
        nodes((0..2).map(span)),
        Box::new(em("boxed")),
        RawHtml::trusted("<hr>"),
        (),
    ));
    assert_eq!(
        shape(&e.children),
        ["b", "t:xy", "i", "i", "span", "span", "em", "raw:<hr>"]
    );
}

#[test]
fn tuples_of_sixteen_children() {
    let e = div((
        "a",
        "b",
        "c",
        "d",
        "e",
        "f",
        "g",
        "h",
        "i",
        "j",
        "k",
        "l",
        "m",
        "n",
        "o",
        hr(),
    ));
    assert_eq!(shape(&e.children), ["t:abcdefghijklmno", "hr"]);
}

#[test]
fn child_appends_after_existing_children() {
    let e = p("Hello").child(", ").children((b("you"), "!"));
    assert_eq!(shape(&e.children), ["t:Hello, ", "b", "t:!"]);
}

#[test]
fn void_elements_have_no_children() {
    for (f, tag) in lists::element_fns() {
        let e = f();
        assert_eq!(e.tag, tag);
        assert!(e.children.is_empty());
        assert_eq!(
            vango::view::elements::is_void(tag),
            vango::view::elements::VOID_TAGS.contains(&tag)
        );
    }
    assert!(vango::view::elements::is_void("br"));
    assert!(!vango::view::elements::is_void("div"));
}

#[test]
fn there_is_a_function_for_every_html_element() {
    let fns = lists::element_fns();
    assert!(fns.len() >= 95, "only {} element functions", fns.len());
    let mut tags: Vec<&str> = fns.iter().map(|(_, t)| *t).collect();
    let n = tags.len();
    tags.sort_unstable();
    tags.dedup();
    assert_eq!(tags.len(), n, "two functions build the same tag");
    let declared =
        vango::view::elements::CONTAINER_TAGS.len() + vango::view::elements::VOID_TAGS.len();
    assert_eq!(declared, n);
    assert_eq!(main_(()).tag, "main");
    assert_eq!(el("x-foo", "t").tag, "x-foo");
}

#[test]
fn every_typed_attribute_method_sets_its_attribute() {
    let methods = lists::attr_methods();
    assert!(
        methods.len() >= 80,
        "only {} attribute methods",
        methods.len()
    );
    for (f, name, value) in methods {
        let e = f(div(()));
        assert_eq!(e.attrs.len(), 1, "{name}");
        assert_eq!(e.attrs[0].name, name);
        assert!(e.attrs[0].name.is_static(), "{name}");
        match value {
            Some(v) => assert_eq!(e.attrs[0].value, AttrValue::Str(Str::from(v)), "{name}"),
            None => assert_eq!(e.attrs[0].value, AttrValue::Bool(true), "{name}"),
        }
    }
}

#[test]
fn every_event_has_a_method_and_on_accepts_it() {
    let methods = lists::event_methods();
    assert_eq!(methods.len(), EVENTS.len());
    for ((f, name), (table_name, _)) in methods.into_iter().zip(EVENTS) {
        assert_eq!(name, *table_name);
        let e = f(div(()));
        assert_eq!(e.listeners.len(), 1);
        assert_eq!(e.listeners[0].event, name);
        let e = div(()).on(table_name, |_| {});
        assert_eq!(e.listeners[0].event, *table_name);
    }
}

#[test]
fn modifiers_apply_to_the_most_recent_listener() {
    let e = input()
        .on_input(|_| {})
        .debounce(300)
        .on_keydown(|_| {})
        .prevent_default()
        .stop_propagation()
        .on_mousemove(|_| {})
        .throttle(50)
        .with_coords();
    let m: Vec<(&str, Modifiers)> = e.listeners.iter().map(|l| (l.event, l.modifiers)).collect();
    assert_eq!(
        m,
        vec![
            (
                "input",
                Modifiers {
                    debounce_ms: 300,
                    ..Default::default()
                }
            ),
            (
                "keydown",
                Modifiers {
                    prevent_default: true,
                    stop_propagation: true,
                    ..Default::default()
                }
            ),
            (
                "mousemove",
                Modifiers {
                    throttle_ms: 50,
                    coords: true,
                    ..Default::default()
                }
            ),
        ]
    );
    let mods = Modifiers {
        prevent_default: true,
        ..Default::default()
    };
    let e = form(()).on_with("submit", mods, |_| {});
    assert_eq!(e.listeners[0].modifiers, mods);
}

#[test]
fn a_later_listener_for_the_same_event_replaces_the_earlier() {
    let hits = Rc::new(Cell::new(0));
    let h = hits.clone();
    let e = button(())
        .on_click(|_| -> () { panic!("replaced handler ran") })
        .prevent_default()
        .on_focus(|_| {})
        .on_click(move |_| h.set(h.get() + 10));
    assert_eq!(e.listeners.len(), 2);
    assert_eq!(e.listeners[1].event, "click");
    assert!(!e.listeners[1].modifiers.prevent_default);
    let ev = Event {
        hid: 3,
        name: "click",
        data: EventData::None,
    };
    assert_eq!((e.listeners[1].handler)(&ev), Ok(()));
    assert_eq!(hits.get(), 10);
    let e = e.off("click");
    assert_eq!(e.listeners.len(), 1);
}

#[test]
fn handlers_see_the_event() {
    let seen = Rc::new(Cell::new(false));
    let s = seen.clone();
    let e = input().on_input(move |ev| s.set(ev.value() == "hi"));
    let ev = Event {
        hid: 1,
        name: "input",
        data: EventData::Input {
            value: "hi".into(),
            checked: false,
        },
    };
    assert_eq!((e.listeners[0].handler)(&ev), Ok(()));
    assert!(seen.get());
}

#[test]
fn keys_of_every_kind() {
    assert_eq!(li(()).key(3u64).key.as_deref(), Some(&Key::Int(3)));
    assert_eq!(
        li(()).key("a").key.as_deref(),
        Some(&Key::Str(Str::from("a")))
    );
    assert_eq!(
        li(()).key(String::from("b")).key.as_deref(),
        Some(&Key::Str("b".into()))
    );
    assert_eq!(li(()).key.clone(), None);
}

// ---- property test: normalization ----

/// A randomly generated child, together with what it must contribute.
fn random_child(rng: &mut fastrand::Rng, depth: u32, tokens: &mut Vec<String>) -> VNode {
    match rng.u8(0..10) {
        0 => VNode::Empty,
        1 | 2 => {
            let s = ["", "a", "bc", "d e", "ü"][rng.usize(0..5)];
            tokens.push(format!("t:{s}"));
            if rng.bool() {
                text(s)
            } else {
                VNode::Text(Str::from(s.to_string()))
            }
        }
        3 | 4 if depth < 3 => {
            let n = rng.usize(0..5);
            VNode::Fragment(
                (0..n)
                    .map(|_| random_child(rng, depth + 1, tokens))
                    .collect(),
            )
        }
        5 if depth < 3 => {
            let n = rng.usize(0..4);
            fragment(nodes(
                (0..n)
                    .map(|_| random_child(rng, depth + 1, tokens))
                    .collect::<Vec<_>>(),
            ))
        }
        6 => {
            tokens.push("raw:<b>".into());
            raw_html(RawHtml::trusted("<b>"))
        }
        _ => {
            let mut inner = Vec::new();
            let n = rng.usize(0..4);
            let kids: Vec<VNode> = (0..n)
                .map(|_| random_child(rng, depth + 1, &mut inner))
                .collect();
            tokens.push("span".into());
            span(kids).into()
        }
    }
}

/// The model: merge adjacent texts, drop empty ones.
fn model(tokens: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tokens {
        if let Some(s) = t.strip_prefix("t:") {
            if s.is_empty() {
                continue;
            }
            if let Some(prev) = out.last_mut().filter(|p| p.starts_with("t:")) {
                prev.push_str(s);
                continue;
            }
        }
        out.push(t.clone());
    }
    out
}

fn check_normalized(e: &Element, seed: u64) {
    let mut prev_text = false;
    for c in &e.children {
        match c {
            VNode::Empty | VNode::Fragment(_) => panic!("seed {seed}: {c:?} in children"),
            VNode::Text(t) => {
                assert!(!t.is_empty(), "seed {seed}: empty text");
                assert!(!prev_text, "seed {seed}: adjacent texts");
                prev_text = true;
            }
            VNode::Element(inner) => {
                prev_text = false;
                check_normalized(inner, seed);
            }
            _ => prev_text = false,
        }
    }
}

fn all_text(children: &[VNode]) -> String {
    children
        .iter()
        .filter_map(|c| match c {
            VNode::Text(t) => Some(&**t),
            _ => None,
        })
        .collect()
}

#[test]
fn random_children_are_always_normalized() {
    for seed in 0..2000u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut tokens = Vec::new();
        let n = rng.usize(0..8);
        let kids: Vec<VNode> = (0..n)
            .map(|_| random_child(&mut rng, 0, &mut tokens))
            .collect();
        // Build both through a Vec and through `child` one at a time: same result.
        let e = div(kids);
        check_normalized(&e, seed);
        assert_eq!(shape(&e.children), model(&tokens), "seed {seed}");
        let expected_text: String = tokens.iter().filter_map(|t| t.strip_prefix("t:")).collect();
        assert_eq!(all_text(&e.children), expected_text, "seed {seed}");

        let mut rng = fastrand::Rng::with_seed(seed);
        let mut again = Vec::new();
        let n = rng.usize(0..8);
        let mut e2 = div(());
        for _ in 0..n {
            e2 = e2.child(random_child(&mut rng, 0, &mut again));
        }
        check_normalized(&e2, seed);
        assert_eq!(shape(&e2.children), shape(&e.children), "seed {seed}");
    }
}

fn assert_no_slack(n: &VNode, seed: u64) {
    // Attributes and listeners are `TightVec`s, exact by construction. A single child is
    // held inline: no list at all.
    if let VNode::Element(e) = n {
        let one = e.children.len() == 1;
        assert_eq!(e.children.is_inline(), one, "seed {seed}: one child inline");
        assert_eq!(
            if one { 1 } else { e.children.len() },
            e.children.capacity().max(one as usize),
            "seed {seed}: children"
        );
        e.children.iter().for_each(|c| assert_no_slack(c, seed));
    }
}

#[test]
fn finished_elements_carry_no_growth_slack() {
    // Retained trees live as long as their session: every list is trimmed to its length.
    for seed in 0..300u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut tokens = Vec::new();
        let kids: Vec<VNode> = (0..rng.usize(0..6))
            .map(|_| random_child(&mut rng, 0, &mut tokens))
            .collect();
        let mut e = section(kids).child(("x", "y"));
        for i in 0..rng.usize(0..7) {
            e = e.attr(["a", "b", "c", "d"][i % 4], i);
        }
        for name in EVENTS.iter().take(rng.usize(0..6)).map(|(n, _)| *n) {
            e = e.on(name, |_| {});
        }
        let tree: VNode = div((e, p("t"), each(0..3, |i| li(i).class("c")))).into();
        assert_no_slack(&tree, seed);
    }
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "unknown DOM event \"clik\"")]
fn an_unknown_event_name_panics_in_debug() {
    let _ = div(()).on("clik", |_| {});
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "before any `.on_*` listener")]
fn a_modifier_without_a_listener_panics_in_debug() {
    let _ = div(()).prevent_default();
}
