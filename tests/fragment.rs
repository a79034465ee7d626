//! Components without a wrapper element: a component whose output is not exactly one
//! element is a range (`<!--h:N-->…<!--/h-->`, `PROTOCOL.md` "Ranges"). Checked through
//! real HTML: the first paint parses (html5ever) to the tree's shape with no element
//! added, and the frames of every edit, applied by the client's rules over that parse
//! (`test-support/src/dom.rs`), give the parse of a fresh render. Also writes and checks
//! `tests/vectors/fragment.json`, which `client/test/fragment.test.mjs` replays in Chromium.
//!
//! `VANGO_WRITE_VECTORS=1 cargo test --test fragment` rewrites the vectors file.

use vango::component::Tree;
use vango::prelude::*;
use vango::vdom::Patch;

use vango_test_support::dom::{apply, canon};
use vango_test_support::frag_spec::{plain_html, Ctx, Gen, Run, F};
use vango_test_support::html5::{parse_body_fragment as parse, show, PNode};
use vango_test_support::json::Json;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/fragment.json");

/// `nodes` without comments and `data-hid`s: what the page shows.
fn bare(nodes: &[PNode]) -> Vec<PNode> {
    nodes
        .iter()
        .filter_map(|n| match n {
            PNode::Comment(_) => None,
            PNode::Element {
                tag,
                ns,
                attrs,
                children,
            } => Some(PNode::Element {
                tag: tag.clone(),
                ns: ns.clone(),
                attrs: attrs
                    .iter()
                    .filter(|(k, _)| k != "data-hid")
                    .cloned()
                    .collect(),
                children: bare(children),
            }),
            other => Some(other.clone()),
        })
        .collect()
}

/// Texts that touch are one DOM text after a parse: merged, as the parse of the plain
/// HTML has them.
fn merged(nodes: Vec<PNode>) -> Vec<PNode> {
    let mut out: Vec<PNode> = Vec::new();
    for n in nodes {
        match (out.last_mut(), n) {
            (Some(PNode::Text(a)), PNode::Text(b)) => a.push_str(&b),
            (
                _,
                PNode::Element {
                    tag,
                    ns,
                    attrs,
                    children,
                },
            ) => out.push(PNode::Element {
                tag,
                ns,
                attrs,
                children: merged(children),
            }),
            (_, n) => out.push(n),
        }
    }
    out
}

/// The first paint of `spec` parses to the tree's own shape: no element added, nothing
/// moved by the parser.
fn check_shape(run: &Run, spec: &[F], ctx: &str) {
    let got = show(&merged(bare(&parse(&run.html()))));
    let want = show(&parse(&plain_html(spec)));
    assert_eq!(got, want, "{ctx}: first paint\n{}", run.html());
}

/// Applies `patches` to `dom` and checks it against the parse of the tree's fresh render.
fn check_patched(dom: &mut Vec<PNode>, patches: &[Patch], run: &Run, ctx: &str) {
    for p in patches {
        if let Err(e) = apply(dom, p) {
            panic!("{ctx}: {e} applying {p:?}\n{}\n{patches:?}", show(dom));
        }
    }
    let mut want = parse(&run.html());
    canon(dom);
    canon(&mut want);
    assert_eq!(show(dom), show(&want), "{ctx}: {patches:?}");
}

/// Runs `specs` in order: the first is mounted, each next one patched in.
fn walk(specs: &[Vec<F>], ctx: &str) -> Vec<(Vec<Patch>, Vec<u8>)> {
    let mut run = Run::new(specs[0].clone());
    check_shape(&run, &specs[0], ctx);
    let mut dom = parse(&run.html());
    let mut steps = Vec::new();
    for (i, next) in specs.iter().enumerate().skip(1) {
        let (patches, frame) = run.step(next.clone());
        let ctx = format!("{ctx} step {i}");
        check_shape(&run, next, &ctx);
        check_patched(&mut dom, &patches, &run, &ctx);
        steps.push((patches, frame));
    }
    steps
}

use F::{Comp, El, Text};

fn e(tag: &'static str, ch: Vec<F>) -> F {
    El(tag, None, ch)
}
fn comp(live: bool, out: Vec<F>) -> F {
    Comp(live as u8, None, out)
}
fn kcomp(key: u64, out: Vec<F>) -> F {
    Comp(1, Some(key), out)
}
fn opt(t: &'static str) -> F {
    e("option", vec![Text(t)])
}
fn table(rows: Vec<F>) -> F {
    e("table", vec![e("tbody", rows)])
}
fn tr(t: &'static str) -> F {
    e("tr", vec![e("td", vec![Text(t)])])
}

/// Hand-written transitions: `(name, trees in order)`.
fn cases() -> Vec<(&'static str, Vec<Vec<F>>)> {
    vec![
        (
            "text_component_in_p",
            vec![
                vec![e("p", vec![comp(false, vec![Text("x")]), Text("a")])],
                vec![e("p", vec![comp(false, vec![Text("y")]), Text("a")])],
                vec![e(
                    "p",
                    vec![
                        comp(true, vec![Text("x"), e("b", vec![Text("b")])]),
                        Text("a"),
                    ],
                )],
                vec![e(
                    "p",
                    vec![
                        comp(true, vec![e("b", vec![Text("c")]), Text("d")]),
                        Text("a"),
                    ],
                )],
                vec![e("p", vec![comp(true, vec![]), Text("a")])],
            ],
        ),
        (
            "list_items_from_components",
            vec![
                vec![e(
                    "ul",
                    vec![comp(
                        true,
                        vec![e("li", vec![Text("a")]), e("li", vec![Text("b")])],
                    )],
                )],
                vec![e(
                    "ul",
                    vec![
                        comp(true, vec![e("li", vec![Text("b")])]),
                        comp(
                            false,
                            vec![e("li", vec![Text("c")]), e("li", vec![Text("d")])],
                        ),
                    ],
                )],
                vec![e(
                    "ul",
                    vec![comp(
                        false,
                        vec![e("li", vec![Text("c")]), e("li", vec![Text("d")])],
                    )],
                )],
            ],
        ),
        (
            "table_rows_from_components",
            vec![
                vec![table(vec![comp(true, vec![tr("1"), tr("2")]), tr("3")])],
                vec![table(vec![
                    comp(true, vec![tr("2"), tr("1"), tr("0")]),
                    tr("3"),
                ])],
                vec![table(vec![comp(true, vec![]), tr("3")])],
                vec![table(vec![comp(true, vec![tr("9")]), tr("3")])],
            ],
        ),
        (
            "options_from_components",
            vec![
                vec![e(
                    "select",
                    vec![comp(true, vec![opt("a"), opt("b")]), opt("c")],
                )],
                vec![e(
                    "select",
                    vec![comp(true, vec![opt("a"), opt("b"), opt("e")]), opt("c")],
                )],
            ],
        ),
        (
            "svg_shapes_from_components",
            vec![
                vec![e(
                    "svg",
                    vec![comp(true, vec![e("circle", vec![]), e("g", vec![])])],
                )],
                vec![e(
                    "svg",
                    vec![comp(
                        true,
                        vec![e("g", vec![e("circle", vec![])]), Text("t")],
                    )],
                )],
            ],
        ),
        (
            "keyed_components_with_range_outputs",
            vec![
                vec![e(
                    "div",
                    vec![
                        kcomp(1, vec![Text("a"), e("b", vec![Text("1")])]),
                        kcomp(2, vec![]),
                        kcomp(3, vec![e("i", vec![Text("3")])]),
                        kcomp(4, vec![Text("d"), Text("e")]),
                    ],
                )],
                vec![e(
                    "div",
                    vec![
                        kcomp(4, vec![Text("d"), Text("e")]),
                        kcomp(3, vec![e("i", vec![Text("3")])]),
                        kcomp(5, vec![Text("new"), e("b", vec![])]),
                        kcomp(1, vec![Text("a"), e("b", vec![Text("1")])]),
                    ],
                )],
                vec![e(
                    "div",
                    vec![
                        kcomp(1, vec![Text("a")]),
                        kcomp(5, vec![e("b", vec![]), Text("new")]),
                    ],
                )],
            ],
        ),
        (
            "element_and_range_outputs_replace_each_other",
            vec![
                vec![e(
                    "div",
                    vec![
                        Text("a"),
                        comp(true, vec![e("b", vec![Text("1")])]),
                        Text("z"),
                    ],
                )],
                vec![e(
                    "div",
                    vec![Text("a"), comp(true, vec![Text("1"), Text("2")]), Text("z")],
                )],
                vec![e(
                    "div",
                    vec![Text("a"), comp(true, vec![e("i", vec![])]), Text("z")],
                )],
                vec![e("div", vec![Text("a"), comp(true, vec![]), Text("z")])],
            ],
        ),
        (
            "nested_ranges",
            vec![
                vec![e(
                    "p",
                    vec![comp(
                        true,
                        vec![Text("a"), comp(true, vec![Text("b"), Text("c")]), Text("d")],
                    )],
                )],
                vec![e(
                    "p",
                    vec![comp(
                        true,
                        vec![comp(true, vec![Text("c")]), Text("d"), comp(false, vec![])],
                    )],
                )],
                vec![e(
                    "p",
                    vec![comp(
                        true,
                        vec![Text("d"), comp(true, vec![Text("c"), e("b", vec![])])],
                    )],
                )],
            ],
        ),
        (
            "textarea_text_follows_children",
            vec![
                vec![e("textarea", vec![Text("a")])],
                vec![e("textarea", vec![Text("b")])],
                vec![e("textarea", vec![])],
                vec![e("textarea", vec![Text("c")])],
            ],
        ),
        (
            "root_is_a_range",
            vec![
                vec![Text("top"), e("p", vec![Text("a")])],
                vec![
                    e("p", vec![Text("a")]),
                    Text("top"),
                    comp(true, vec![Text("c")]),
                ],
                vec![e("p", vec![Text("b")])],
                vec![],
                vec![Text("back")],
            ],
        ),
        (
            // An element's list empties in one ClearChildren (a range in it included); a
            // range's own list (table_rows_from_components) empties by RemoveChild ops.
            "list_with_a_range_empties_at_once",
            vec![
                vec![e(
                    "ul",
                    vec![
                        e("li", vec![Text("a")]),
                        comp(
                            true,
                            vec![e("li", vec![Text("b")]), e("li", vec![Text("c")])],
                        ),
                        e("li", vec![Text("d")]),
                    ],
                )],
                vec![e("ul", vec![])],
                vec![e(
                    "ul",
                    vec![e("li", vec![Text("e")]), e("li", vec![Text("f")])],
                )],
                vec![e("ul", vec![])],
            ],
        ),
    ]
}

#[test]
fn a_component_in_a_paragraph_adds_no_element() {
    // The case of the issue: `p > [component → text "x"], text "a"`.
    let run = Run::new(vec![e("p", vec![comp(false, vec![Text("x")]), Text("a")])]);
    assert_eq!(run.html(), "<p data-hid=\"1\"><!--h:2-->x<!--/h-->a</p>");
}

#[test]
fn hand_written_transitions_patch_to_the_fresh_render() {
    for (name, specs) in cases() {
        walk(&specs, name);
    }
}

#[test]
fn random_fragment_trees_patch_to_the_fresh_render() {
    let cases = if cfg!(debug_assertions) { 300 } else { 3000 };
    let base = vango_test_support::seed_from_env();
    for i in 0..cases {
        let seed = base.wrapping_add(i);
        let mut g = Gen::new(seed);
        let mut specs = vec![g.list(Ctx::Flow, 0)];
        for _ in 0..4 {
            let next = g.mutate_list(specs.last().unwrap(), Ctx::Flow, 0);
            specs.push(next);
        }
        walk(
            &specs,
            &format!("seed {seed} (SEED={base}, case {i}): {specs:?}"),
        );
    }
}

/// `<div><tag>x{component}y</tag></div>`, the component there when `with`.
fn holder(tag: &'static str, with: bool) -> VNode {
    fn note(_: ()) -> impl Render {
        || fragment(("a", b("b")))
    }
    let mut t = vango::vdom::Element::new(tag);
    t.children.push(VNode::Text("x".into()));
    if with {
        t.children.push(component(note, ()));
    }
    t.children.push(VNode::Text("y".into()));
    let mut d = vango::vdom::Element::new("div");
    d.children.push(VNode::Element(Box::new(t)));
    VNode::Element(Box::new(d))
}

#[test]
fn components_in_raw_text_elements_are_refused() {
    for tag in [
        "textarea", "title", "script", "style", "xmp", "iframe", "noembed", "noframes",
    ] {
        let on = signal(false);
        let mut tree = Tree::mount(move || move || holder(tag, on.get()));
        assert_eq!(tree.warnings(), 0, "{tag}");
        on.set(true);
        let mut patches: Vec<Patch> = Vec::new();
        tree.rerender(&mut patches);
        assert_eq!(tree.warnings(), 1, "{tag}: counted");
        let html = vango::render::to_html(tree.root());
        assert!(
            !html.contains("<!--") && !html.contains("<b"),
            "{tag}: {html}"
        );
        assert!(html.contains(">xy</"), "{tag}: {html}");
        assert_eq!(patches, [], "{tag}: nothing changes in the page");
        let fresh = Tree::mount(move || move || holder(tag, true));
        assert_eq!(fresh.warnings(), 1, "{tag}: refused on mount too");
        assert_eq!(vango::render::to_html(fresh.root()), html, "{tag}");
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The hand-written cases as browser vectors: the first paint, each step's frame and
/// the fresh render after it.
#[test]
fn vectors_file_is_current() {
    let mut out = Vec::new();
    for (name, specs) in cases() {
        let mut run = Run::new(specs[0].clone());
        let first = run.html();
        let mut steps = Vec::new();
        for next in &specs[1..] {
            let (_, frame) = run.step(next.clone());
            steps.push(Json::Obj(vec![
                ("frame".into(), Json::Str(hex(&frame))),
                ("fresh".into(), Json::Str(run.html())),
            ]));
        }
        out.push(Json::Obj(vec![
            ("name".into(), Json::Str(name.into())),
            ("first".into(), Json::Str(first)),
            ("steps".into(), Json::Arr(steps)),
        ]));
    }
    let mut want = String::new();
    Json::Obj(vec![("cases".into(), Json::Arr(out))]).write(&mut want);
    want.push('\n');
    if std::env::var_os("VANGO_WRITE_VECTORS").is_some() {
        std::fs::write(PATH, &want).unwrap();
    }
    let have = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        have == want,
        "stale tests/vectors/fragment.json: rerun with VANGO_WRITE_VECTORS=1"
    );
}
