//! The app's 404 and 500 pages render through its layouts: a page whose setup or render
//! panics shows the error page (status 500) inside the layouts covering its path, in the
//! first paint over a real socket and on a live navigation (the shared layouts keep their
//! state, the session goes on); a layout that panics gives way to fewer layouts.

use vango::prelude::*;
use vango::testing::LiveTest;
use vango::App;
use vango_test_support::raw::*;

/// `/` wraps everything (a counter), `/deep` wraps its routes; `/deep/setup` panics in its
/// setup, `/deep/render` in its render; `/bad` is under a layout that panics.
fn app() -> App {
    App::new()
        .layout("/", |outlet: Outlet| {
            let n = signal(0);
            move || {
                div((
                    button(format!("root {}", n.get()))
                        .id("root")
                        .on_click(move |_| n.update(|n| *n += 1)),
                    main_(outlet.clone()),
                ))
                .id("shell")
            }
        })
        .layout("/deep", |outlet: Outlet| {
            move || section(outlet.clone()).id("deep")
        })
        .layout("/bad", |_: Outlet| -> fn() -> VNode {
            panic!("layout down")
        })
        .page("/", || || h1("Home"))
        .page("/deep", || || h1("Deep"))
        .page("/deep/setup", || -> fn() -> VNode { panic!("setup down") })
        .page("/deep/render", || || -> VNode { panic!("render down") })
        .page("/bad/page", || || h1("never"))
        .error_page(|err| {
            set_title("Oops");
            let path = use_request().path().to_owned();
            move || h1(format!("Oops at {path}: {}", err.message())).id("oops")
        })
}

fn get(a: std::net::SocketAddr, path: &str) -> (u16, String) {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\n\r\n");
    let r = roundtrip(a, raw.as_bytes()).expect("an answer");
    (r.status, String::from_utf8_lossy(&r.body).into_owned())
}

#[test]
fn over_a_socket_the_500_page_renders_inside_the_layouts() {
    let srv = app().workers(1).spawn("127.0.0.1:0").unwrap();
    let a = srv.local_addr();
    for (path, why) in [
        ("/deep/setup", "setup down"),
        ("/deep/render", "render down"),
    ] {
        let (status, html) = get(a, path);
        assert_eq!(status, 500, "{path}");
        let (shell, deep, oops) = (
            html.find("id=\"shell\"").expect("the root layout"),
            html.find("id=\"deep\"").expect("the /deep layout"),
            html.find(&format!("Oops at {path}: {why}</h1>"))
                .expect("the error page"),
        );
        assert!(shell < deep && deep < oops, "{html}");
        assert!(html.contains("<title>Oops</title>"), "{html}");
    }
    // The layout itself panicked: the error page inside the layouts that do mount.
    let (status, html) = get(a, "/bad/page");
    assert_eq!(status, 500);
    assert!(html.contains("id=\"shell\""), "{html}");
    assert!(
        html.contains("Oops at /bad/page: layout down</h1>"),
        "{html}"
    );
    let (status, html) = get(a, "/nowhere");
    assert_eq!(status, 404);
    assert!(html.contains("id=\"shell\""), "{html}");
    assert_eq!(get(a, "/deep").0, 200);
    srv.shutdown();
}

#[test]
fn live_navigation_to_a_panicking_page_shows_the_500_page_inside_the_layouts() {
    let t = LiveTest::mount(&app(), "/");
    t.find("#root").click();
    for (path, why) in [
        ("/deep/setup", "setup down"),
        ("/deep/render", "render down"),
    ] {
        t.navigate(path);
        assert_eq!(t.ended(), None, "the session goes on");
        assert_eq!(
            t.find("div#shell > main section#deep #oops").text(),
            format!("Oops at {path}: {why}")
        );
        assert_eq!(
            t.find("#root").text(),
            "root 1",
            "the root layout kept its state"
        );
        // Within the same layouts: the next page replaces the error page.
        t.navigate("/deep");
        assert_eq!(t.find("section#deep h1").text(), "Deep");
        t.navigate("/");
    }
    t.navigate("/bad/page");
    assert_eq!(t.ended(), None);
    assert_eq!(
        t.find("div#shell > main #oops").text(),
        "Oops at /bad/page: layout down"
    );
    assert_eq!(t.find("#root").text(), "root 1");
    t.find("#root").click();
    assert_eq!(t.find("#root").text(), "root 2", "the page still answers");
    // A new session's first mount: the same nesting and status.
    let t = LiveTest::mount(&app(), "/deep/setup");
    assert_eq!(t.status(), 500);
    assert_eq!(
        t.find("div#shell section#deep #oops").text(),
        "Oops at /deep/setup: setup down"
    );
}
