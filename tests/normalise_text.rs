//! Characters the HTML parser changes get the same treatment on both paths: NUL becomes
//! U+FFFD in texts, attribute values and property values; in raw-text elements (`<style>`,
//! `<script>`, ...) CR and CR LF become LF and end tags are defused, in patches exactly as
//! on the first paint. Checked against the text html5ever parses from the first paint.

use vango::protocol::{decode_server, DecodeError};
use vango::vdom::patch::OwnedProp;
use vango::vdom::Patch;
use vango_test_support::diff_spec::Spec;
use vango_test_support::dom::hid_of;
use vango_test_support::html5::{parse_body_fragment, PNode};
use vango_test_support::norm_spec::{el, text, Case};

fn main(child: Spec) -> Spec {
    el("main", &[], vec![child])
}

/// The first child text of element `hid` in the parse of `html`.
fn parsed_text(html: &str, hid: u32) -> String {
    fn find(nodes: &[PNode], hid: u32) -> Option<String> {
        nodes.iter().find_map(|n| match n {
            PNode::Element { children, .. } if hid_of(n) == Some(hid) => {
                children.iter().find_map(|c| match c {
                    PNode::Text(t) => Some(t.clone()),
                    _ => None,
                })
            }
            PNode::Element { children, .. } => find(children, hid),
            _ => None,
        })
    }
    find(&parse_body_fragment(html), hid).unwrap_or_default()
}

/// The attribute `name` of element `hid` in the parse of `html`.
fn parsed_attr(html: &str, hid: u32, name: &str) -> Option<String> {
    fn find(nodes: &[PNode], hid: u32, name: &str) -> Option<Option<String>> {
        nodes.iter().find_map(|n| match n {
            PNode::Element {
                attrs, children, ..
            } => {
                if hid_of(n) == Some(hid) {
                    Some(
                        attrs
                            .iter()
                            .find(|(k, _)| k == name)
                            .map(|(_, v)| v.clone()),
                    )
                } else {
                    find(children, hid, name)
                }
            }
            _ => None,
        })
    }
    find(&parse_body_fragment(html), hid, name).flatten()
}

const TEXTS: &[&str] = &[
    "a\0b",
    "\0",
    "\0\0x\0",
    "a\r\nb\rc\n",
    "\r",
    "</style>x</STYLE",
    "</script><!--<script>",
    "plain",
];

/// SetText sends the text the first paint's parse holds, in every kind of parent.
#[test]
fn set_text_sends_what_the_first_paint_holds() {
    for tag in ["p", "textarea", "title", "style", "script", "xmp", "iframe"] {
        for &t in TEXTS {
            let c = Case::of(
                &main(el(tag, &[], vec![text("old")])),
                &main(el(tag, &[], vec![text(t)])),
            );
            let want = parsed_text(&c.fresh, 2);
            assert_eq!(
                c.patches,
                [Patch::SetText {
                    parent: 2,
                    index: 0,
                    text: want.clone()
                }],
                "<{tag}> {t:?} (first paint {})",
                c.fresh
            );
        }
    }
}

/// A text inserted into a raw-text element (sent as HTML) parses to what the first paint
/// holds.
#[test]
fn inserted_text_in_raw_text_elements_matches_the_first_paint() {
    for tag in ["style", "script"] {
        for &t in TEXTS {
            let c = Case::of(
                &main(el(tag, &[], vec![])),
                &main(el(tag, &[], vec![text(t)])),
            );
            let [Patch::InsertChild { html, .. }] = &c.patches[..] else {
                panic!("{:?}", c.patches)
            };
            assert_eq!(
                parse_body_fragment(html),
                [PNode::Text(parsed_text(&c.fresh, 2))],
                "<{tag}> {t:?}"
            );
        }
    }
}

/// SetAttr values: NUL becomes U+FFFD; CR survives (the first paint writes `&#13;`).
#[test]
fn set_attr_values_match_the_first_paint() {
    for v in ["a\0b", "\0", "a\r\nb\r", "x"] {
        let c = Case::of(
            &main(el("div", &[("title", "old")], vec![])),
            &main(el("div", &[("title", v)], vec![])),
        );
        let want = parsed_attr(&c.fresh, 2, "title").expect("title");
        assert_eq!(
            c.patches,
            [Patch::SetAttr {
                hid: 2,
                name: "title".into(),
                value: want
            }],
            "{v:?}"
        );
    }
}

/// Property values (an input's `value`): NUL becomes U+FFFD as in the attribute the first
/// paint writes.
#[test]
fn set_prop_values_match_the_first_paint() {
    let c = Case::of(
        &main(el("input", &[("value", "a")], vec![])),
        &main(el("input", &[("value", "a\0b")], vec![])),
    );
    assert_eq!(
        parsed_attr(&c.fresh, 2, "value").as_deref(),
        Some("a\u{FFFD}b")
    );
    assert_eq!(
        c.patches,
        [Patch::SetProp {
            hid: 2,
            name: "value".into(),
            value: OwnedProp::Str("a\u{FFFD}b".into())
        }]
    );
}

/// No raw NUL ever travels in a string on the wire.
#[test]
fn frames_carry_no_nul_in_strings() {
    let c = Case::of(
        &main(el("p", &[("title", "t")], vec![text("x")])),
        &main(el("p", &[("title", "\0")], vec![text("\0")])),
    );
    assert!(c.frame_has("\u{FFFD}"));
    for p in &c.patches {
        assert!(!format!("{p:?}").contains("\\0"), "{p:?}");
    }
}

/// A decoder never makes up a lone surrogate: CESU-8 and overlong forms are refused (the
/// shared vectors hold the same bytes for the JavaScript decoder).
#[test]
fn decoder_refuses_surrogates_and_overlong_nul() {
    for bytes in [
        &[0x82, 1, 1, 1, 1, 1, 0, 3, 0xed, 0xa0, 0x80][..],
        &[0x82, 1, 1, 1, 2, 1, 1, 0x61, 2, 0xc0, 0x80][..],
    ] {
        assert_eq!(
            decode_server(bytes).map(|_| ()),
            Err(DecodeError::BadUtf8),
            "{bytes:x?}"
        );
    }
}
