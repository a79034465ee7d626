//! Nested layouts (`App::layout`): a layout keeps its state (signals, setup run once)
//! while live navigation swaps only its outlet's child, and starts over when the user
//! leaves it; the first paint renders the same nesting as the live mount; the not-found
//! page renders inside the root layout; over a real socket the HTML nests the same way.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

use vango::prelude::*;
use vango::protocol::{Op, ServerFrame};
use vango::testing::LiveTest;
use vango::vdom::Patch;
use vango::App;
use vango_test_support::raw::*;

/// `/` wraps everything (a counter, a nav); `/todos` wraps its two routes (a counter of
/// its own); each layout counts its setups in `setups`.
fn app(setups: Arc<[AtomicUsize; 2]>) -> App {
    let (root, todos) = (setups.clone(), setups);
    App::new()
        .layout("/", move |outlet: Outlet| {
            root[0].fetch_add(1, SeqCst);
            let n = signal(0);
            move || {
                div((
                    button(format!("root {}", n.get()))
                        .id("root")
                        .on_click(move |_| n.update(|n| *n += 1)),
                    p(format!("at {}", use_request().path())).id("at"),
                    main_(outlet.clone()),
                ))
                .id("shell")
            }
        })
        .layout("/todos", move |outlet: Outlet| {
            todos[1].fetch_add(1, SeqCst);
            let n = signal(0);
            move || {
                section((
                    button(format!("todos {}", n.get()))
                        .id("todos")
                        .on_click(move |_| n.update(|n| *n += 1)),
                    outlet.clone(),
                ))
            }
        })
        .page("/", || {
            set_title("Home");
            || h1("Home")
        })
        .page("/about", || || h1("About"))
        .page("/todos", || || h1("List"))
        .page("/todos/:id", || {
            let id: u32 = use_request().param("id").unwrap_or_default();
            set_title(format!("Todo {id}"));
            move || h1(format!("Todo {id}"))
        })
        .not_found(|| || h1("Nothing here"))
}

fn counters() -> Arc<[AtomicUsize; 2]> {
    Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)])
}

#[test]
fn a_layout_keeps_its_state_across_live_navigation_and_resets_outside_it() {
    let setups = counters();
    let t = LiveTest::mount(&app(setups.clone()), "/todos");
    let before = setups[1].load(SeqCst);
    t.find("#todos").click();
    t.find("#todos").click();
    t.find("#root").click();
    t.navigate("/todos/1");
    assert_eq!(t.find("h1").text(), "Todo 1");
    assert_eq!(
        t.find("#todos").text(),
        "todos 2",
        "kept across /todos -> /todos/1"
    );
    t.navigate("/todos/2");
    assert_eq!(t.find("h1").text(), "Todo 2");
    assert_eq!(t.title(), "Todo 2");
    assert_eq!(t.find("#todos").text(), "todos 2");
    assert_eq!(
        t.find("#at").text(),
        "at /todos/2",
        "a layout reading the request follows"
    );
    assert_eq!(
        setups[1].load(SeqCst),
        before,
        "the layout's setup did not run again"
    );
    // Only the outlet's child was swapped: no ReplaceNode of the page's root.
    let last = t.frames().pop().expect("a frame");
    let ServerFrame::Patches { ops, .. } = last else {
        panic!("a Patches frame: {last:?}")
    };
    assert!(ops.iter().any(|op| matches!(op, Op::PushUrl { .. })));
    assert!(
        !ops.iter()
            .any(|op| matches!(op, Op::Patch(Patch::ReplaceNode { hid: 1, .. }))),
        "{ops:?}"
    );

    // Out of /todos: its layout unmounts; the root layout stays.
    t.navigate("/about");
    assert_eq!(t.find("h1").text(), "About");
    assert_eq!(t.count("#todos"), 0);
    assert_eq!(t.find("#root").text(), "root 1");
    t.navigate("/todos");
    assert_eq!(t.find("#todos").text(), "todos 0", "a fresh /todos layout");
    assert_eq!(
        t.find("#root").text(),
        "root 1",
        "the root layout kept its count"
    );
    assert_eq!(setups[1].load(SeqCst), before + 1);
}

#[test]
fn first_paint_and_live_mount_render_the_same_nesting() {
    let t = LiveTest::mount(&app(counters()), "/todos/7");
    assert_eq!(t.status(), 200);
    assert_eq!(t.title(), "Todo 7");
    let live = t.html();
    assert!(
        live.contains("<main") && live.contains("<section") && live.contains("Todo 7"),
        "{live}"
    );
    assert!(
        t.first_paint().contains(&live),
        "first paint:\n{}\nlive:\n{live}",
        t.first_paint()
    );
    assert_eq!(t.find("div#shell > main section h1").text(), "Todo 7");
}

#[test]
fn the_not_found_page_renders_inside_the_root_layout() {
    let t = LiveTest::mount(&app(counters()), "/nowhere");
    assert_eq!(t.status(), 404);
    assert_eq!(t.find("div#shell > main h1").text(), "Nothing here");
    // Live, in place: the root layout's state survives the miss.
    let t = LiveTest::mount(&app(counters()), "/");
    t.find("#root").click();
    t.navigate("/no/such/page");
    assert_eq!(t.find("div#shell > main h1").text(), "Nothing here");
    assert_eq!(t.find("#root").text(), "root 1");
    // A parameter the page rejects: 404, inside the layouts covering the path.
    let t = LiveTest::mount(&app(counters()), "/todos/x");
    assert_eq!(t.status(), 404);
    assert_eq!(t.find("main section h1").text(), "Nothing here");
    t.find("#todos").click();
    t.navigate("/todos/y");
    assert_eq!(t.find("main section h1").text(), "Nothing here");
    t.navigate("/todos/3");
    assert_eq!(t.find("main section h1").text(), "Todo 3");
    assert_eq!(t.find("#todos").text(), "todos 1");
}

#[test]
fn over_a_socket_the_html_nests_layouts_and_their_pages() {
    let srv = app(counters()).workers(1).spawn("127.0.0.1:0").unwrap();
    let a = srv.local_addr();
    let get = |path: &str| {
        let raw = format!("GET {path} HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\n\r\n");
        roundtrip(a, raw.as_bytes()).expect("an answer")
    };
    let r = get("/todos/5");
    assert_eq!(r.status, 200);
    let html = String::from_utf8_lossy(&r.body).into_owned();
    let (root, section, page) = (
        html.find("id=\"root\"").expect("root layout"),
        html.find("<section").expect("todos layout"),
        html.find("Todo 5</h1>").expect("the page"),
    );
    assert!(root < section && section < page, "{html}");
    let r = get("/about");
    let html = String::from_utf8_lossy(&r.body).into_owned();
    assert!(
        html.contains("id=\"root\"") && !html.contains("<section"),
        "{html}"
    );
    let r = get("/missing");
    assert_eq!(r.status, 404);
    assert!(String::from_utf8_lossy(&r.body).contains("id=\"root\""));
    srv.shutdown();
}

#[test]
#[should_panic(expected = "must start with '/'")]
fn a_malformed_prefix_panics_at_registration() {
    let _ = App::new().layout("todos", |o: Outlet| move || div(o.clone()));
}

/// Set by the rejecting page's setup, cleared by its cleanup.
static PAGE_ALIVE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[derive(Clone)]
struct Theme(&'static str);

/// A page that makes a node, a cleanup and a context value before it reads its parameter;
/// its not-found page shows whether the page's cleanup ran and which theme it sees.
fn rejecting_app(with_layout: bool) -> App {
    use vango::reactive::{on_cleanup, provide_context, use_context};
    let app = App::new()
        .page("/n/:id", || {
            PAGE_ALIVE.store(true, SeqCst);
            on_cleanup(|| PAGE_ALIVE.store(false, SeqCst));
            let made = signal(1u32);
            provide_context(Theme("the page's"));
            let id: u32 = use_request().param("id").unwrap_or_default();
            move || p(format!("n {} {id}", made.get()))
        })
        .not_found(|| {
            let alive = PAGE_ALIVE.load(SeqCst);
            let theme = use_context::<Theme>().map_or("none", |t| t.0);
            move || h1(format!("missing; page alive {alive}; theme {theme}"))
        });
    if with_layout {
        app.layout("/", |outlet: Outlet| {
            move || div(outlet.clone()).id("shell")
        })
    } else {
        app
    }
}

#[test]
fn a_rejected_page_leaves_nothing_behind_with_or_without_layouts() {
    // Without layouts the page's setup runs under the tree root's own owner (no owner
    // of its own): a rejection must still dispose what it made and drop what it provided.
    for with_layout in [false, true] {
        let t = LiveTest::mount(&rejecting_app(with_layout), "/n/x");
        assert_eq!(t.status(), 404, "layout: {with_layout}");
        assert_eq!(
            t.find("h1").text(),
            "missing; page alive false; theme none",
            "layout: {with_layout}"
        );
        let t = LiveTest::mount(&rejecting_app(with_layout), "/n/3");
        assert_eq!(t.find("p").text(), "n 1 3", "layout: {with_layout}");
        assert!(
            PAGE_ALIVE.load(SeqCst),
            "a page that rendered keeps what it made"
        );
    }
}
