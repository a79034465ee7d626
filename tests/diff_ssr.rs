//! The diff's oracle through real HTML: random trees are rendered by SSR and parsed by
//! html5ever, the diff's patches are applied to that parsed DOM, and the result must equal
//! the parse of the new tree's SSR output.

use vango::component::TreeCx;
use vango::vdom::diff::diff;
use vango::vdom::Patch;

use vango_test_support::diff_spec::*;
use vango_test_support::dom::{apply, canon};
use vango_test_support::html5::{parse_body_fragment as parse, show};

/// Tags whose HTML parses back to the same tree in any nesting (no `p`, voids, options).
const HTML_TAGS: &[&str] = &["div", "span", "b", "em", "section"];

#[test]
fn oracle_through_ssr_html() {
    let cases = if cfg!(debug_assertions) { 800 } else { 10000 };
    for seed in 0..cases {
        let (mut g, mut spec) = Gen::start(seed, HTML_TAGS);
        let mut cx = TreeCx::new(1);
        let mut tree = mounted(&spec, &mut cx);
        let mut dom = parse(&vango::render::to_html(&tree));
        for round in 0..3 {
            let next = g.next_tree(&spec);
            let mut patches: Vec<Patch> = Vec::new();
            diff(&mut tree, fresh(&next), &mut cx, &mut patches);
            for p in &patches {
                if let Err(e) = apply(&mut dom, p) {
                    panic!(
                        "seed {seed} round {round}: {e} applying {p:?}\n{}",
                        show(&dom)
                    );
                }
            }
            let mut want = parse(&vango::render::to_html(&tree));
            canon(&mut dom);
            canon(&mut want);
            assert_eq!(
                show(&dom),
                show(&want),
                "seed {seed} round {round}: {patches:?}"
            );
            spec = next;
        }
    }
}
