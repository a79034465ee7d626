//! The page shell: exact bytes, escaping of its fields, the render hash in the boot script,
//! and the document a spec parser builds from it.

use vango_test_support::html5;

use std::io::{self, Write};
use vango::vdom::Str;

use html5::{parse_document, PNode};
use vango::render::{render_hash, to_html, write_page, Page};
use vango::vdom::{Element, VNode};

fn root() -> VNode {
    let mut main = Element::new("main");
    main.hid = 1;
    let mut h1 = Element::new("h1");
    h1.hid = 2;
    h1.children = vec![VNode::Text(Str::from("Count: 0"))].into();
    main.children = vec![VNode::Element(Box::new(h1))].into();
    VNode::Element(Box::new(main))
}

fn page_string(page: &Page<'_>, root: &VNode) -> (String, u32) {
    let mut out = Vec::new();
    let h = write_page(page, root, &mut out).unwrap();
    (String::from_utf8(out).unwrap(), h)
}

#[test]
fn exact_shell() {
    let r = root();
    let page = Page {
        title: "Counter",
        head: r#"<link rel="stylesheet" href="/app.css">"#,
        csrf: "tok123",
        render_hash: Some(77),
        ..Default::default()
    };
    let (html, h) = page_string(&page, &r);
    assert_eq!(h, 77);
    assert_eq!(
        html,
        concat!(
            r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">"#,
            r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#,
            r#"<title>Counter</title><link rel="stylesheet" href="/app.css"></head><body>"#,
            r#"<main data-hid="1"><h1 data-hid="2">Count: 0</h1></main>"#,
            r#"<script defer src="/_vango/client.js" id="vango-boot" data-csrf="tok123" "#,
            r#"data-hash="77"></script></body></html>"#
        )
    );
}

#[test]
fn hash_is_computed_while_streaming() {
    let r = root();
    let (html, h) = page_string(&Page::default(), &r);
    assert_eq!(h, render_hash(&r));
    assert!(html.contains(&format!("{}<script", to_html(&r))));
    assert!(html.contains(&format!(" data-hash=\"{h}\"></script>")));
    // Same bytes as passing the hash in.
    let given = Page {
        render_hash: Some(h),
        ..Default::default()
    };
    assert_eq!(page_string(&given, &r).0, html);
}

#[test]
fn fields_are_escaped_and_empty_lang_is_omitted() {
    let r = VNode::Empty;
    let page = Page {
        title: "</title><script>alert(1)</script>",
        lang: "",
        csrf: "a\"b<c>&",
        client_src: "/x.js?a=1&b=\"2\"",
        ..Default::default()
    };
    let (html, _) = page_string(&page, &r);
    assert!(html.starts_with("<!DOCTYPE html><html><head>"));
    assert!(html.contains("<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
    assert!(html.contains(r#"src="/x.js?a=1&amp;b=&quot;2&quot;""#));
    assert!(html.contains(r#"data-csrf="a&quot;b&lt;c&gt;&amp;""#));
}

fn find<'a>(nodes: &'a [PNode], tag: &str) -> Option<&'a PNode> {
    for n in nodes {
        if let PNode::Element {
            tag: t, children, ..
        } = n
        {
            if t == tag {
                return Some(n);
            }
            if let Some(f) = find(children, tag) {
                return Some(f);
            }
        }
    }
    None
}

fn children(n: &PNode) -> &[PNode] {
    match n {
        PNode::Element { children, .. } => children,
        _ => &[],
    }
}

fn attrs(n: &PNode) -> Vec<(&str, &str)> {
    match n {
        PNode::Element { attrs, .. } => attrs.iter().map(|(k, v)| (&**k, &**v)).collect(),
        _ => vec![],
    }
}

#[test]
fn parses_as_the_intended_document() {
    let r = root();
    let page = Page {
        title: "A & B",
        lang: "de",
        csrf: "c\"s&rf",
        ..Default::default()
    };
    let (html, h) = page_string(&page, &r);
    let doc = parse_document(&html);
    assert_eq!(doc[0], PNode::Doctype("html".into()));
    let root_el = &doc[1];
    assert_eq!(attrs(root_el), vec![("lang", "de")]);
    let head = find(&doc, "head").unwrap();
    let title = find(children(head), "title").unwrap();
    assert_eq!(children(title), &[PNode::Text("A & B".into())]);
    assert_eq!(
        attrs(find(children(head), "meta").unwrap()),
        vec![("charset", "utf-8")]
    );

    let body = find(&doc, "body").unwrap();
    let kids = children(body);
    assert_eq!(kids.len(), 2, "{kids:?}");
    // The app root is the body's first child, exactly as rendered.
    let expect_root = html5::parse_body_fragment(&to_html(&r));
    assert_eq!(kids[0], expect_root[0]);
    assert_eq!(
        attrs(&kids[1]),
        vec![
            ("defer", ""),
            ("src", "/_vango/client.js"),
            ("id", "vango-boot"),
            ("data-csrf", "c\"s&rf"),
            ("data-hash", &*h.to_string()),
        ]
    );
}

struct FailAfter(usize);

impl Write for FailAfter {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if self.0 == 0 {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "gone"));
        }
        self.0 -= 1;
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn write_errors_propagate() {
    let mut ul = Element::new("ul");
    for _ in 0..2000 {
        ul.children.push(VNode::Text(Str::from("0123456789")));
    }
    let r = VNode::Element(Box::new(ul));
    for n in 0..3 {
        let e = write_page(&Page::default(), &r, &mut FailAfter(n)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
    }
}
