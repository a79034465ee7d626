//! A link prefetch leaves the current page alone: mounting the hovered route off-screen
//! (fresh, or staged under the current layouts) swaps the store's request and back without
//! telling the current page, so a layout that reads the request does not re-render for
//! it; the navigation that follows re-renders it once.

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::time::Duration;

use vango::prelude::*;
use vango::testing::LiveTest;
use vango::App;

fn app(renders: &'static AtomicU32) -> App {
    App::new()
        .layout("/in", move |outlet: Outlet| {
            move || {
                renders.fetch_add(1, Relaxed);
                let path = use_request().path().to_owned();
                div((p(path).id("path"), main_(outlet.clone())))
            }
        })
        .page("/in/a", || || h1("A"))
        .page("/in/b", || || h1("B"))
        .page("/out", || || h1("Out"))
}

#[test]
fn a_prefetch_does_not_re_render_a_layout_that_reads_the_request() {
    static RENDERS: AtomicU32 = AtomicU32::new(0);
    let t = LiveTest::mount(&app(&RENDERS), "/in/a");
    let before = RENDERS.load(Relaxed);
    // Staged in the current layout, then a fresh mount elsewhere (after the least gap).
    // (`run_for`: the bell rings; `settle` would wait for the prepared route's expiry.)
    t.prefetch("/in/b");
    t.run_for(Duration::from_millis(120));
    t.prefetch("/out");
    t.run_for(Duration::from_millis(20));
    assert_eq!(
        RENDERS.load(Relaxed),
        before,
        "the prefetches re-rendered the layout"
    );
    assert_eq!(t.find("#path").text(), "/in/a");
    t.navigate("/in/b");
    assert_eq!(
        RENDERS.load(Relaxed),
        before + 1,
        "the navigation renders it once"
    );
    assert_eq!(
        (t.find("#path").text(), t.find("h1").text()),
        ("/in/b".into(), "B".into())
    );
}
