//! The URL's fragment reaches a live page: the Hello's URL carries it into the first live
//! render (the first paint has none, as over HTTP), a navigation that changes only the
//! fragment updates `use_request().fragment()` without a remount (and without a pushed
//! URL: the browser is there already), and a fragment with control bytes is refused.

use vango::prelude::*;
use vango::protocol::{Op, ServerFrame};
use vango::testing::{LiveTest, Outcome};
use vango::App;

fn app() -> App {
    App::new()
        .page("/", || {
            let mounts = signal(0u32);
            mounts.update(|n| *n += 1);
            move || {
                p(format!(
                    "route [{}] mounts {}",
                    use_request().fragment(),
                    mounts.get()
                ))
                .id("out")
            }
        })
        .page("/other", || || p("other").id("out"))
}

fn out(t: &LiveTest) -> String {
    t.find("#out").text()
}

/// The URLs the frames sent so far pushed.
fn pushed(t: &LiveTest) -> Vec<String> {
    t.frames()
        .into_iter()
        .filter_map(|f| match f {
            ServerFrame::Patches { ops, .. } => Some(ops),
            _ => None,
        })
        .flatten()
        .filter_map(|op| match op {
            Op::PushUrl { url, .. } => Some(url),
            _ => None,
        })
        .collect()
}

#[test]
fn the_live_session_starts_with_the_browsers_fragment() {
    let t = LiveTest::mount(&app(), "/#/active");
    assert!(
        t.first_paint().contains("route [] mounts 1"),
        "{}",
        t.first_paint()
    );
    assert_eq!(out(&t), "route [/active] mounts 1");
}

#[test]
fn a_fragment_change_rerenders_in_place() {
    let t = LiveTest::mount(&app(), "/");
    assert_eq!(out(&t), "route [] mounts 1");
    assert_eq!(t.navigate("/#/completed"), Outcome::Accepted);
    assert_eq!(out(&t), "route [/completed] mounts 1");
    // Back to the entry without a fragment: still no remount.
    t.navigate("/");
    assert_eq!(out(&t), "route [] mounts 1");
    assert!(pushed(&t).is_empty(), "{:?}", pushed(&t));
    // Another route with a fragment mounts it and pushes the URL with the fragment.
    t.navigate("/other#x");
    assert_eq!(out(&t), "other");
    assert_eq!(pushed(&t), ["/other#x"]);
    t.navigate("/#/active");
    assert_eq!(out(&t), "route [/active] mounts 1");
}

#[test]
fn a_fragment_with_control_bytes_is_refused() {
    let t = LiveTest::mount(&app(), "/");
    assert_eq!(t.navigate("/#a\u{1}b"), Outcome::Rejected);
    assert_eq!(out(&t), "route [] mounts 1");
}
