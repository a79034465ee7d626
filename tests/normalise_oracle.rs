//! The rule "first paint == patched page", as a property: random trees full of values the
//! HTML parser or the browser would change or run (mixed-case and invalid attribute names,
//! script URLs, NUL, CR, end tags in raw text; HTML, SVG and MathML) are rendered and
//! parsed by html5ever, the diff's patches are applied the way the client applies them
//! (`test-support/src/dom.rs`), and the result must equal the parse of the new tree's
//! first paint. Neither DOM may hold a script URL in a URL-valued attribute.

use vango::component::TreeCx;
use vango::render::to_html;
use vango::vdom::diff::diff;
use vango::vdom::Patch;
use vango_test_support::diff_spec::{fresh, mounted};
use vango_test_support::dom::{apply, canon, script_urls};
use vango_test_support::html5::{parse_body_fragment as parse, show};
use vango_test_support::norm_spec::Gen;
use vango_test_support::seed_from_env;

#[test]
fn patched_page_equals_first_paint_for_hostile_trees() {
    let base = seed_from_env();
    let cases = if cfg!(debug_assertions) { 1500 } else { 15000 };
    for case in 0..cases {
        let seed = base.wrapping_add(case);
        let (mut g, mut spec) = Gen::start(seed);
        let mut cx = TreeCx::new(1);
        let mut tree = mounted(&spec, &mut cx);
        let first = to_html(&tree);
        let mut dom = parse(&first);
        let bad = script_urls(&dom);
        assert!(
            bad.is_empty(),
            "SEED={seed}: first paint runs {bad:?}\n{first}"
        );
        for round in 0..3 {
            let next = g.next_tree(&spec);
            let mut patches: Vec<Patch> = Vec::new();
            diff(&mut tree, fresh(&next), &mut cx, &mut patches);
            for p in &patches {
                if let Err(e) = apply(&mut dom, p) {
                    panic!(
                        "SEED={seed} round {round}: the client would throw ({e}) at {p:?}\n{}",
                        show(&dom)
                    );
                }
            }
            let html = to_html(&tree);
            let mut want = parse(&html);
            canon(&mut dom);
            canon(&mut want);
            assert_eq!(
                show(&dom),
                show(&want),
                "SEED={seed} round {round}: patched page differs from a first paint\n\
                 patches: {patches:?}\nfirst paint: {html}"
            );
            let bad = script_urls(&dom);
            assert!(bad.is_empty(), "SEED={seed}: patched page runs {bad:?}");
            spec = next;
        }
    }
}
