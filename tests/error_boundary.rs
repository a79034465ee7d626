//! Error boundaries and the error page: a panic below an `error_boundary` (a render, a
//! setup, a handler, a task) shows its fallback and the session goes on, logged once with
//! its location; without a boundary the session ends as before; `App::error_page` answers
//! a page whose setup panics with status 500 and its own body, over a real socket, and on
//! live navigation.

use std::io::Write;
use std::sync::Mutex;

use vango::prelude::*;
use vango::testing::{LiveTest, Outcome};
use vango::App;
use vango_test_support::raw::{connect, read_response};

/// Every log record of this test binary, as `LEVEL message`.
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, r: &log::Record<'_>) {
        if let Ok(mut v) = self.0.lock() {
            v.push(format!("{} {}", r.level(), r.args()));
        }
    }
    fn flush(&self) {}
}

static LOGS: Capture = Capture(Mutex::new(Vec::new()));

/// The error lines logged so far that contain `needle`.
fn errors_with(needle: &str) -> Vec<String> {
    let _ = log::set_logger(&LOGS);
    log::set_max_level(log::LevelFilter::Trace);
    let v = LOGS.0.lock().unwrap();
    v.iter()
        .filter(|l| l.starts_with("ERROR") && l.contains(needle))
        .cloned()
        .collect()
}

fn fallback(err: ErrorInfo) -> El {
    p(format!("fallback: {}", err.message())).class("fallback")
}

/// Panics in its render once `n` reaches 2.
fn fragile(n: Signal<u32>) -> impl Render {
    move || {
        let v = n.get();
        if v >= 2 {
            panic!("fragile render at {v}");
        }
        p(format!("fragile {v}")).class("fragile")
    }
}

/// A counter beside a boundary around `fragile`, which reads the same count.
fn render_page() -> impl Render {
    let n = signal(0u32);
    move || {
        div((
            button(format!("count {}", n.get()))
                .id("plus")
                .on_click(move |_| n.update(|v| *v += 1)),
            error_boundary(move || component(fragile, n), fallback),
        ))
    }
}

#[test]
fn a_render_that_panics_inside_a_boundary_shows_the_fallback_and_the_page_goes_on() {
    errors_with("");
    let t = LiveTest::component(render_page);
    assert_eq!(t.find(".fragile").text(), "fragile 0");
    t.find("#plus").click();
    assert_eq!(t.find(".fragile").text(), "fragile 1");
    // The child's own re-render panics: the boundary replaces it with the fallback.
    assert_eq!(t.find("#plus").click(), Outcome::Accepted);
    assert_eq!(t.ended(), None);
    assert_eq!(t.count(".fragile"), 0);
    assert_eq!(t.find(".fallback").text(), "fallback: fragile render at 2");
    // The sibling still answers clicks.
    t.find("#plus").click();
    assert_eq!(t.find("#plus").text(), "count 3");
    assert_eq!(t.ended(), None);
    let logged = errors_with("fragile render at 2");
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert!(
        logged[0].contains("tests/error_boundary.rs:"),
        "the location: {logged:?}"
    );
}

fn broken_setup(_: ()) -> impl Render {
    let rows: Vec<u32> = Vec::new();
    let first = rows[0];
    move || p(first.to_string())
}

#[test]
fn a_setup_that_panics_inside_a_boundary_shows_the_fallback_in_the_first_paint() {
    let t = LiveTest::component(|| {
        let n = signal(0u32);
        move || {
            div((
                error_boundary(|| div(component(broken_setup, ())), fallback),
                button(format!("count {}", n.get()))
                    .id("plus")
                    .on_click(move |_| n.update(|v| *v += 1)),
            ))
        }
    });
    assert_eq!(t.status(), 200);
    assert!(
        t.first_paint().contains("fallback: index out of bounds"),
        "{}",
        t.first_paint()
    );
    t.find("#plus").click();
    assert_eq!(t.find("#plus").text(), "count 1");
    assert_eq!(t.ended(), None);
}

fn boom_button(_: ()) -> impl Render {
    let clicks = signal(0u32);
    move || {
        button(format!("boom {}", clicks.get()))
            .id("boom")
            .on_click(move |_| -> () {
                clicks.update(|c| *c += 1);
                panic!("handler boom {}", clicks.get_untracked());
            })
    }
}

#[test]
fn a_handler_that_panics_inside_a_boundary_shows_the_fallback_and_the_session_stays() {
    let t = LiveTest::component(|| {
        let n = signal(0u32);
        move || {
            div((
                error_boundary(|| section(component(boom_button, ())), fallback),
                button(format!("count {}", n.get()))
                    .id("plus")
                    .on_click(move |_| n.update(|v| *v += 1)),
            ))
        }
    });
    assert_eq!(t.find("#boom").click(), Outcome::Accepted);
    assert_eq!(t.ended(), None);
    assert_eq!(t.count("#boom"), 0);
    assert_eq!(t.find(".fallback").text(), "fallback: handler boom 1");
    t.find("#plus").click();
    t.find("#plus").click();
    assert_eq!(t.find("#plus").text(), "count 2");
    assert_eq!(t.ended(), None);
}

fn task_button(_: ()) -> impl Render {
    move || {
        button("start").id("start").on_click(|_| {
            spawn_task(async { panic!("task boom") });
        })
    }
}

#[test]
fn a_task_that_panics_inside_a_boundary_shows_the_fallback() {
    let t = LiveTest::component(|| {
        move || {
            div((
                error_boundary(|| component(task_button, ()), fallback),
                p("outside").id("outside"),
            ))
        }
    });
    t.find("#start").click();
    t.settle();
    assert_eq!(t.find(".fallback").text(), "fallback: task boom");
    assert_eq!((t.task_panics(), t.ended()), (1, None));
}

#[test]
fn a_panicking_fallback_goes_to_the_next_boundary_out() {
    let t = LiveTest::component(|| {
        move || {
            div(error_boundary(
                || {
                    error_boundary(
                        || component(boom_button, ()),
                        |_| -> VNode { panic!("fallback boom") },
                    )
                },
                fallback,
            ))
        }
    });
    t.find("#boom").click();
    assert_eq!(t.ended(), None);
    assert_eq!(t.find(".fallback").text(), "fallback: fallback boom");
}

#[test]
fn a_panic_outside_any_boundary_still_ends_the_session() {
    let t = LiveTest::component(|| {
        move || {
            div((
                error_boundary(|| p("calm"), fallback),
                component(boom_button, ()),
            ))
        }
    });
    t.find("#boom").click();
    assert!(
        t.ended().is_some_and(|why| why.contains("panicked")),
        "{:?}",
        t.ended()
    );
}

fn panicking_app(error_page: bool, why: &'static str) -> App {
    let app = App::new()
        .page("/", || move || div(link("/broken", "broken").id("go")))
        .page("/broken", move || -> fn() -> VNode { panic!("{why}") });
    if !error_page {
        return app;
    }
    app.error_page(|err| {
        let path = use_request().path().to_owned();
        move || h1(format!("Oops at {path}: {}", err.message())).id("oops")
    })
}

fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut s = connect(addr);
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let r = read_response(&mut s, &mut Vec::new(), false).expect("a response");
    (r.status, String::from_utf8_lossy(&r.body).into_owned())
}

#[test]
fn the_error_page_answers_a_panicking_setup_with_500_over_a_socket() {
    let srv = panicking_app(true, "the database is down")
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let (status, body) = get(srv.local_addr(), "/broken");
    assert_eq!(status, 500);
    assert!(
        body.contains(">Oops at /broken: the database is down</h1>"),
        "{body}"
    );
    assert!(body.contains("/_vango/client.js"), "a live page: {body}");
    assert_eq!(get(srv.local_addr(), "/").0, 200);
    srv.shutdown();
    let logged = errors_with("the database is down");
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert!(logged[0].contains("tests/error_boundary.rs:"), "{logged:?}");

    // Without one: the bare 500, as before.
    let srv = panicking_app(false, "the database is down")
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let (status, body) = get(srv.local_addr(), "/broken");
    assert_eq!(status, 500);
    assert!(!body.contains("Oops"), "{body}");
    srv.shutdown();
}

#[test]
fn live_navigation_to_a_panicking_page_shows_the_error_page_and_the_session_stays() {
    let t = LiveTest::mount(&panicking_app(true, "the disk is full"), "/");
    assert_eq!(t.find("#go").click(), Outcome::Accepted);
    assert_eq!(t.ended(), None);
    assert_eq!(t.path(), "/broken");
    assert_eq!(t.find("#oops").text(), "Oops at /broken: the disk is full");
    assert_eq!(t.navigate("/"), Outcome::Accepted);
    assert_eq!(t.count("#go"), 1);

    let t = LiveTest::mount(&panicking_app(false, "the disk is full"), "/");
    t.find("#go").click();
    assert!(t.ended().is_some());
}

/// Panics in its setup when mounted with 2.
fn panics_at_two(v: u32) -> impl Render {
    assert_ne!(v, 2, "setup at two");
    move || span(format!("v{v}"))
}

/// The patches a boundary's failure sends, applied by the client's rules over the parse of
/// the first paint, give the parse of a fresh render: for a child whose own render panics
/// and for one a re-render remounts with a panicking setup, with the boundary's output an
/// element or a range.
#[test]
fn the_fallback_patches_replay_to_the_fresh_render() {
    use vango::component::Tree;
    use vango::vdom::Patch;
    use vango_test_support::dom::{apply, canon};
    use vango_test_support::html5::{parse_body_fragment as parse, show};

    for (range, remount) in [(false, false), (true, false), (false, true), (true, true)] {
        let n = signal(0u32);
        let mut tree = Tree::mount(move || {
            move || {
                let child = move || -> VNode {
                    let c = if remount {
                        component(panics_at_two, n.get())
                    } else {
                        component(fragile, n)
                    };
                    if range {
                        fragment((b("head"), c))
                    } else {
                        section(c).into()
                    }
                };
                div((p("before"), error_boundary(child, fallback), p("after")))
            }
        });
        let mut dom = parse(&vango::render::to_html(tree.root()));
        for v in 1..=3 {
            n.set(v);
            let mut patches: Vec<Patch> = Vec::new();
            tree.rerender(&mut patches);
            for p in &patches {
                apply(&mut dom, p).unwrap_or_else(|e| panic!("{e} applying {p:?}"));
            }
            let mut want = parse(&vango::render::to_html(tree.root()));
            canon(&mut dom);
            canon(&mut want);
            let ctx = format!("range {range} remount {remount} at {v}: {patches:?}");
            assert_eq!(show(&dom), show(&want), "{ctx}");
            let html = vango::render::to_html(tree.root());
            assert_eq!(html.contains("fallback: "), v >= 2, "{ctx} {html}");
        }
    }
}
