//! Run with: cargo run --example randiff
//!
//! The server of the randomized differential test (`client/test/randiff.test.mjs`): case
//! `(seed, i)` of `vango_test_support::randiff` as live pages.
//!
//! - `/t/{seed}/{i}/a`: tree A, live; the button `#go` switches it to tree B.
//! - `/t/{seed}/{i}/b`: a fresh first paint of tree B.
//! - `/c/{seed}/{i}/{removed}/{dropped}/a` and `.../b`: the same for a shrunk case.
//! - `/info/{seed}/{i}/{removed}/{dropped}`: the case in words (`#info`) and the one-step
//!   reductions the shrinker proposes (`#cands`, one path suffix a line).
//!
//! `#st` shows `clicks:listener` as the tree's listeners report.

use vango::prelude::*;
use vango_test_support::randiff::{case, view, Case};
use vango_test_support::randiff_shrink::{candidates, Shrink};

/// The case the route names, after its shrink (an unreadable path is the empty shrink).
fn requested() -> (Case, Shrink) {
    let req = use_request();
    let seed: u64 = req.param("seed").unwrap_or_default();
    let i: u32 = req.param("i").unwrap_or_default();
    let s = Shrink::parse(
        req.param_str("rm").unwrap_or("-"),
        req.param_str("drop").unwrap_or("-"),
    )
    .unwrap_or_default();
    (case(seed, i), s)
}

fn tree() -> impl Render {
    let (base, s) = requested();
    let c = s.apply(&base);
    let (a, b) = (c.a.clone(), c.b());
    let show_b = signal(use_request().param_str("ab") == Some("b"));
    let st = signal((0u32, 0u32));
    move || {
        let (n, id) = st.get();
        div((
            button("go").id("go").on("click", move |_| {
                show_b.set(true);
                st.set((1, 0));
            }),
            span(format!("{n}:{id}")).id("st"),
            div(view(if show_b.get() { &b } else { &a }, st)).id("t"),
        ))
    }
}

fn info() -> impl Render {
    let (base, s) = requested();
    let text = s.apply(&base).describe();
    let cands: Vec<String> = candidates(&base, &s).iter().map(Shrink::path).collect();
    move || {
        div((
            pre(text.clone()).id("info"),
            pre(cands.join("\n")).id("cands"),
        ))
    }
}

fn main() -> std::io::Result<()> {
    vango::App::new()
        .title("Randiff")
        .page("/t/:seed/:i/:ab", tree)
        .page("/c/:seed/:i/:rm/:drop/:ab", tree)
        .page("/info/:seed/:i/:rm/:drop", info)
        .serve_env()
}
