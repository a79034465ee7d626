//! URL-valued attributes refuse script-capable URLs after the browser's own clean-up, on
//! the first paint and in SetAttr patches alike: the value becomes `about:invalid#zvangoz`.

use vango::protocol::Op;
use vango::vdom::Patch;
use vango_test_support::diff_spec::Spec;
use vango_test_support::norm_spec::{el, text, Case};

const REFUSED: &str = "about:invalid#zvangoz";

/// Script-capable URLs, in the spellings the URL parser accepts.
const HOSTILE: &[&str] = &[
    "javascript:alert(1)",
    " JaVa\tScRiPt:alert(1)",
    "\u{1}javascript:alert(1)",
    // (The browser would get U+FFFD for the NUL, harmless; refused anyway, as a C0.)
    "\u{0}javascript:alert(1)",
    "java\nscript:alert(1)",
    "\r\njavascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    " DATA:TEXT/HTML,x",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "data:IMAGE/SVG+XML;base64,PHN2Zz4=",
    "data:,alert(1)",
    "data:application/xhtml+xml,x",
];

/// URLs that must pass unchanged.
const HARMLESS: &[&str] = &[
    "https://example.com/?a=1&b=2",
    "/path#frag",
    "relative/javascript:x",
    "?q=javascript:x",
    "#javascript:x",
    "mailto:a@example.com",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:image/gif,GIF89a",
    "javascript",
    "\u{FFFD}javascript:x",
];

/// `(tag, attribute)` pairs whose value is a URL.
const URL_ATTRS: &[(&str, &str)] = &[
    ("a", "href"),
    ("iframe", "src"),
    ("img", "src"),
    ("form", "action"),
    ("button", "formaction"),
    ("video", "poster"),
    ("blockquote", "cite"),
    ("table", "background"),
    ("object", "data"),
    ("embed", "src"),
    ("html", "manifest"),
    ("a", "HREF"),
];

fn main(child: Spec) -> Spec {
    el("main", &[], vec![child])
}

/// The value the first paint writes for `attr` on `tag` (as the HTML has it, unescaped
/// enough for these values).
fn first_paint(tag: &'static str, attr: &'static str, value: &'static str) -> String {
    Case::of(&main(el(tag, &[(attr, value)], vec![])), &main(text("x"))).first
}

#[test]
fn first_paint_refuses_script_urls() {
    for &(tag, attr) in URL_ATTRS {
        for &v in HOSTILE {
            let html = first_paint(tag, attr, v);
            assert!(
                html.contains(&format!("=\"{REFUSED}\"")),
                "<{tag} {attr}={v:?}> written as {html}"
            );
            assert!(
                !html.to_ascii_lowercase().contains("script:")
                    && !html.to_ascii_lowercase().contains("data:"),
                "{html}"
            );
        }
    }
}

#[test]
fn first_paint_keeps_harmless_urls() {
    for &(tag, attr) in URL_ATTRS {
        for &v in HARMLESS {
            let html = first_paint(tag, attr, v);
            assert!(
                !html.contains(REFUSED),
                "<{tag} {attr}={v:?}> refused: {html}"
            );
        }
    }
}

/// A SetAttr that would set a script URL sets the refusal instead, in the recorded
/// patches and in the bytes on the wire.
#[test]
fn set_attr_patches_refuse_script_urls() {
    for &(tag, attr) in URL_ATTRS {
        for &v in HOSTILE {
            let c = Case::of(
                &main(el(tag, &[(attr, "/safe")], vec![])),
                &main(el(tag, &[(attr, v)], vec![])),
            );
            let name = attr.to_ascii_lowercase();
            assert_eq!(
                c.patches,
                [Patch::SetAttr {
                    hid: 2,
                    name: name.clone(),
                    value: REFUSED.into()
                }],
                "<{tag} {attr}={v:?}>"
            );
            assert_eq!(
                c.ops(),
                [Op::Patch(c.patches[0].clone())],
                "<{tag} {attr}={v:?}>"
            );
            assert!(!c.frame_has("script:") && !c.frame_has("data:"));
            assert!(c.fresh.contains(REFUSED), "{}", c.fresh);
        }
    }
}

/// Inserted subtrees travel as first-paint HTML: refused there too.
#[test]
fn inserted_subtrees_refuse_script_urls() {
    let c = Case::of(
        &main(text("x")),
        &main(el("iframe", &[("src", "javascript:parent.ran=1")], vec![])),
    );
    assert!(!c.frame_has("javascript"), "{:?}", c.ops());
    assert!(c.frame_has(REFUSED));
}

/// `srcset`, `ping`: every candidate is checked; one script URL refuses the whole value.
#[test]
fn list_valued_attributes_check_every_candidate() {
    for (attr, v) in [
        ("srcset", "a.png 1x, javascript:alert(1) 2x"),
        ("srcset", "a.png 1x,data:text/html,x 2x"),
        ("srcset", " \u{1}javascript:alert(1)"),
        ("ping", "/p javascript:alert(1)"),
    ] {
        let c = Case::of(&main(el("img", &[(attr, v)], vec![])), &main(text("x")));
        assert!(c.first.contains(REFUSED), "{attr}={v:?}: {}", c.first);
    }
    for (attr, v) in [
        ("srcset", "a.png 1x, b.png 2x"),
        ("srcset", "data:image/png;base64,AA 1x"),
        ("ping", "/a /b"),
    ] {
        let c = Case::of(&main(el("img", &[(attr, v)], vec![])), &main(text("x")));
        assert!(!c.first.contains(REFUSED), "{attr}={v:?}: {}", c.first);
    }
}

/// SVG links and animations: `href`, `xlink:href`, and the values an `<animate>` or
/// `<set>` would put into `href`.
#[test]
fn svg_links_and_animations_refuse_script_urls() {
    for (tag, attr) in [
        ("a", "href"),
        ("a", "xlink:href"),
        ("use", "href"),
        ("set", "to"),
        ("animate", "values"),
        ("animate", "from"),
    ] {
        let c = Case::of(
            &main(el(
                "svg",
                &[],
                vec![el(tag, &[(attr, "javascript:alert(1)")], vec![])],
            )),
            &main(text("x")),
        );
        assert!(c.first.contains(REFUSED), "<{tag} {attr}>: {}", c.first);
    }
    // Plain animation values stay.
    let c = Case::of(
        &main(el(
            "svg",
            &[],
            vec![el("animate", &[("values", "0;1;0")], vec![])],
        )),
        &main(text("x")),
    );
    assert!(c.first.contains("values=\"0;1;0\""), "{}", c.first);
}

/// `data` is a URL on `<object>` only; other attributes are not URLs.
#[test]
fn only_url_attributes_are_checked() {
    for (tag, attr) in [("div", "data"), ("div", "title"), ("a", "data-href")] {
        let c = Case::of(
            &main(el(tag, &[(attr, "javascript:alert(1)")], vec![])),
            &main(text("x")),
        );
        assert!(!c.first.contains(REFUSED), "<{tag} {attr}>: {}", c.first);
    }
}

/// The opt-out: `El::trusted_attr` (an `AttrValue::Trusted`) is written and patched as
/// given; switching between a trusted and an untrusted value of the same text is a change.
#[test]
fn trusted_values_are_written_as_given() {
    use vango::component::TreeCx;
    use vango::prelude::*;
    use vango::vdom::diff::{diff, mount};

    let page = |trusted: bool, href: &'static str| -> VNode {
        let link = a("x");
        main_(if trusted {
            link.trusted_attr("href", href)
        } else {
            link.attr("href", href)
        })
        .into()
    };
    let mut cx = TreeCx::new(1);
    let mut tree = page(true, "javascript:print()");
    mount(&mut tree, &mut cx);
    assert!(
        vango::render::to_html(&tree).contains(r#"href="javascript:print()""#),
        "{}",
        vango::render::to_html(&tree)
    );
    let mut p: Vec<Patch> = Vec::new();
    diff(
        &mut tree,
        page(false, "javascript:print()"),
        &mut cx,
        &mut p,
    );
    assert_eq!(
        p,
        [Patch::SetAttr {
            hid: 2,
            name: "href".into(),
            value: REFUSED.into()
        }]
    );
    let mut p: Vec<Patch> = Vec::new();
    diff(&mut tree, page(true, "javascript:go()"), &mut cx, &mut p);
    assert_eq!(
        p,
        [Patch::SetAttr {
            hid: 2,
            name: "href".into(),
            value: "javascript:go()".into()
        }]
    );
}

/// An optimistic update makes the client set an attribute: the same refusals hold.
#[test]
fn optimistic_attributes_refuse_script_urls_and_bad_names() {
    for (v, want) in [
        ("href=javascript:alert(1)", "href=about:invalid#zvangoz"),
        ("HREF= JaVa\tScRiPt:x", "HREF=about:invalid#zvangoz"),
        ("aria-busy=true", "aria-busy=true"),
        ("title=javascript:x", "title=javascript:x"),
        ("bad name=1", ""),
        ("data-hid=1", ""),
        ("no-equals", ""),
    ] {
        let c = Case::of(
            &main(el("a", &[("data-opt-attr", v)], vec![])),
            &main(text("x")),
        );
        let mut esc = String::new();
        vango::render::escape_attr(want, &mut esc);
        assert!(
            c.first.contains(&format!("data-opt-attr=\"{esc}\"")),
            "{v:?}: {}",
            c.first
        );
    }
}
