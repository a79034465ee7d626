//! Ranges in a live session over a real socket: a page whose root and keyed list items are
//! components without a wrapper element. The first paint is scraped from the page, each
//! click's Patches frame is applied by the client's rules (`test-support/src/dom.rs`), and
//! the result must equal a fresh render of the same state, up to hid numbers.

use vango::component::Tree;
use vango::prelude::*;
use vango::protocol::{Op, ServerFrame};
use vango::App;
use vango_test_support::client::{page, Client};
use vango_test_support::dom::{apply, canon};
use vango_test_support::html5::{parse_body_fragment as parse, show, PNode};

fn item(n: u32) -> impl Render {
    move || fragment((format!("item {n}"), b("!")))
}

/// The keyed items after `clicks` clicks: each click moves the first to the end, drops
/// the new first and adds a fresh one.
fn items(clicks: u32) -> Vec<u32> {
    let mut v = vec![1, 2, 3];
    for _ in 0..clicks {
        v.rotate_left(1);
        let m = v.iter().max().unwrap() + 1;
        v.remove(0);
        v.push(m);
    }
    v
}

/// The page: a root range (text, a button, a list of range items), from `start` clicks.
fn view(start: u32) -> impl FnMut() -> VNode {
    let clicks = signal(start);
    move || {
        let n = clicks.get();
        fragment((
            format!("clicks {n}"),
            button("go")
                .attr("id", "go")
                .on_click(move |_| clicks.update(|c| *c += 1)),
            div(each(items(n), |k| component_keyed(k, item, k))),
            if n % 2 == 1 {
                fragment(("odd", i("!")))
            } else {
                VNode::Empty
            },
        ))
    }
}

/// Hid numbers out: `data-hid` attributes dropped, range comments reduced to `h:`.
fn unnumbered(nodes: &[PNode]) -> Vec<PNode> {
    nodes
        .iter()
        .map(|n| match n {
            PNode::Comment(c) if c.starts_with("h:") => PNode::Comment("h:".into()),
            PNode::Element {
                tag,
                ns,
                attrs,
                children,
            } => PNode::Element {
                tag: tag.clone(),
                ns: ns.clone(),
                attrs: attrs
                    .iter()
                    .filter(|(k, _)| k != "data-hid")
                    .cloned()
                    .collect(),
                children: unnumbered(children),
            },
            other => other.clone(),
        })
        .collect()
}

fn body(html: &str) -> &str {
    let at = html.find("<body>").unwrap() + 6;
    &html[at..at + html[at..].find("<script defer").unwrap()]
}

#[test]
fn clicks_patch_a_range_root_and_keyed_range_items() {
    let srv = App::new()
        .page("/", || view(0))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let info = page(srv.local_addr());
    let root = body(&info.html);
    assert!(root.starts_with("<!--h:1-->clicks 0<button"), "{root}");
    let go = info.hid("go");
    let mut dom = parse(root);
    let mut c = Client::connect(srv.local_addr());
    c.new_session(&info.csrf, info.hash);
    for n in 1..=6u32 {
        let ops = match c.click(n as u64, go) {
            ServerFrame::Patches { ops, .. } => ops,
            other => panic!("click {n}: {other:?}"),
        };
        for op in &ops {
            if let Op::Patch(p) = op {
                apply(&mut dom, p).unwrap_or_else(|e| panic!("click {n}: {e} applying {p:?}"));
            }
        }
        let fresh = Tree::mount(|| view(n));
        let mut want = unnumbered(&parse(&vango::render::to_html(fresh.root())));
        let mut got = unnumbered(&dom);
        canon(&mut want);
        canon(&mut got);
        assert_eq!(show(&got), show(&want), "click {n}: {ops:?}");
    }
}
