//! `Selector`: the supported subset matched against a page through `LiveTest::count`
//! (type, `*`, `#id`, `.class`, `[attr]`, `[attr=value]` bare and quoted, compounds,
//! descendant and child combinators, lists), and a clear error for everything else.

use vango::prelude::*;
use vango::testing::{LiveTest, Selector};

fn page() -> LiveTest {
    LiveTest::component(|| {
        || {
            main_((
                nav((
                    a("home").attr("href", "/").class("nav current"),
                    a("todos").attr("href", "/todos").class("nav"),
                ))
                .id("top"),
                section((
                    ul((
                        li("one").attr("data-id", "1").class("done"),
                        li(span("two")).attr("data-id", "2"),
                        li(ul(li("nested").attr("data-id", "3"))),
                    )),
                    p("x").attr("data-empty", ""),
                )),
            ))
        }
    })
}

#[test]
fn the_subset_matches_as_css_does() {
    let t = page();
    let cases: &[(&str, usize)] = &[
        ("li", 4),
        ("LI", 4),
        ("*", 13),
        ("#top", 1),
        ("nav#top > a", 2),
        (".nav", 2),
        ("a.nav.current", 1),
        (".current.nav", 1),
        ("a.missing", 0),
        ("[data-id]", 3),
        ("li[data-id]", 3),
        ("[data-id=2]", 1),
        ("[data-id=\"3\"]", 1),
        ("[data-id='1'].done", 1),
        ("[data-empty]", 1),
        ("[data-empty=\"\"]", 1),
        ("[href=\"/todos\"]", 1),
        ("section li", 4),
        ("section > ul > li", 3),
        ("main ul li", 4),
        ("ul > li > ul > li", 1),
        ("main > li", 0),
        ("li span", 1),
        ("nav a, li span", 3),
        ("  section   >   ul  ", 1),
    ];
    for (sel, n) in cases {
        assert_eq!(t.count(sel), *n, "{sel}");
    }
}

#[test]
fn everything_else_is_a_clear_error() {
    let cases: &[(&str, &str)] = &[
        ("li:first-child", "pseudo-classes"),
        ("a::before", "pseudo-classes"),
        ("h1 + p", "sibling combinator `+`"),
        ("h1 ~ p", "sibling combinator `~`"),
        ("[href^=\"/\"]", "operator `^=`"),
        ("[class~=nav]", "operator `~=`"),
        ("[data-id=\"1]", "unterminated"),
        ("[data-id", "expected `]` or `=`"),
        ("", "expected a selector"),
        ("li,", "expected a selector"),
        ("a >", "expected a selector"),
        ("#", "an id after `#`"),
        ("li.", "a class name after `.`"),
        ("a$b", "unexpected `$`"),
    ];
    for (sel, want) in cases {
        let err = Selector::parse(sel).expect_err(sel);
        let msg = err.to_string();
        assert!(msg.contains(want), "{sel:?}: {msg}");
        assert!(msg.contains("supported: tag"), "{msg}");
    }
}

#[test]
#[should_panic(expected = "pseudo-classes")]
fn a_test_using_an_unsupported_selector_fails_with_the_reason() {
    page().count("li:last-child");
}
