//! `LiveTest` on the examples' own apps and small pages: mounting (app, component; the
//! request builder is in `testing_live_request.rs`), reading the page (html, text, count, status, title,
//! first paint), live navigation (url, path, title follow it), frames, settle and run_for
//! (tasks, resources, blocking work), a session that ends, and how many tests run per second.

use std::time::{Duration, Instant};

use vango::prelude::*;
use vango::protocol::ServerFrame;
use vango::testing::{LiveTest, Outcome};
use vango::App;

#[path = "../examples/counter.rs"]
#[allow(dead_code)]
mod counter;
#[path = "../examples/routes.rs"]
#[allow(dead_code)]
mod routes;

#[test]
fn mount_reads_the_counter_example() {
    let t = LiveTest::mount(&counter::app(), "/");
    assert_eq!(t.status(), 200);
    assert_eq!(t.title(), "Counter");
    assert_eq!(t.text(), "Count: 0+−");
    assert_eq!(t.count("button"), 2);
    assert_eq!(t.count("div > h1"), 1);
    assert!(t.html().contains(">Count: 0</h1>"), "{}", t.html());
    assert!(t.first_paint().starts_with("<!DOCTYPE html>"));
    assert!(t.first_paint().contains("<title>Counter</title>"));
    assert!(t.frames().is_empty(), "nothing sent before an event");
    assert_eq!(t.find_with_text("button", "−").text(), "−");
}

#[test]
fn each_click_is_one_patches_frame() {
    let t = LiveTest::mount(&counter::app(), "/");
    let plus = t.find_with_text("button", "+");
    assert_eq!(plus.click(), Outcome::Accepted);
    assert_eq!(plus.click(), Outcome::Accepted);
    assert_eq!(t.find("h1").text(), "Count: 2");
    let frames = t.frames();
    assert_eq!(frames.len(), 2, "{frames:?}");
    assert!(frames
        .iter()
        .all(|f| matches!(f, ServerFrame::Patches { .. })));
}

#[test]
fn component_mounts_one_component_at_the_root() {
    let t = LiveTest::component(|| || p("alone").id("x"));
    assert_eq!(
        (t.status(), t.path(), t.text()),
        (200, "/".into(), "alone".into())
    );
    assert_eq!(t.find("#x").text(), "alone");
}

#[test]
fn live_navigation_is_followed_by_url_path_title_and_html() {
    let t = LiveTest::mount(&routes::app(), "/");
    assert_eq!((t.title(), t.path()), ("Home".into(), "/".into()));
    // A link click navigates over the session, as the client does.
    assert_eq!(t.find("#nav a[href=\"/todos\"]").click(), Outcome::Accepted);
    assert_eq!((t.title(), t.url()), ("Todos".into(), "/todos".into()));
    assert_eq!(t.find("h1").text(), "Todos (all)");
    assert_eq!(t.count("main li"), 3);
    // A handler's set_query changes the query in place.
    t.find_with_text("main button", "Open only").click();
    assert_eq!(t.url(), "/todos?filter=open");
    assert_eq!(t.path(), "/todos");
    assert_eq!(t.find("h1").text(), "Todos (open)");
    assert_eq!(t.count("main li"), 1);
    // Back/forward and typed URLs are navigations too.
    assert_eq!(t.navigate("/todos/2"), Outcome::Accepted);
    assert_eq!(
        (t.title(), t.find("main p").text()),
        ("Todo 2".into(), "Mount pages through it".into())
    );
    t.navigate("/nowhere");
    assert_eq!(t.title(), "Not found");
    // The frames: one per navigation, each with the new URL.
    let pushes = t
        .frames()
        .iter()
        .filter(|f| format!("{f:?}").contains("PushUrl"))
        .count();
    assert_eq!(pushes, 4);
}

#[test]
fn status_is_404_for_a_url_without_a_page() {
    let t = LiveTest::mount(&routes::app(), "/no/such/page");
    assert_eq!(t.status(), 404);
    assert_eq!(t.title(), "Not found");
    assert_eq!(t.find("h1").text(), "Not found");
}

fn loader(ms: u64) -> impl Render {
    let data = resource(
        || (),
        move |_| async move {
            async_io::Timer::after(Duration::from_millis(ms)).await;
            // Blocking work, off the core.
            let n = vango::live::unblock(|| (1..=10u32).sum::<u32>()).await;
            Ok::<_, String>(n)
        },
    );
    move || {
        p(data.view(
            || "loading".to_owned(),
            |n| format!("sum {n}"),
            |e| e.to_owned(),
        ))
        .id("d")
    }
}

#[test]
fn settle_runs_resources_and_blocking_work_until_done() {
    let app = App::new()
        .ssr_budget(Duration::ZERO)
        .page("/", || loader(20));
    let t = LiveTest::mount(&app, "/");
    assert!(t.first_paint().contains(">loading<"));
    assert_eq!(t.text(), "loading", "nothing runs until the test lets it");
    t.settle();
    assert_eq!(t.text(), "sum 55");
    assert_eq!(t.frames().len(), 1, "{:?}", t.frames());
}

#[test]
fn the_ssr_budget_applies_to_the_first_paint_and_the_session() {
    let app = App::new()
        .ssr_budget(Duration::from_secs(2))
        .page("/", || loader(5));
    let t = LiveTest::mount(&app, "/");
    assert!(t.first_paint().contains(">sum 55<"), "{}", t.first_paint());
    assert_eq!(t.text(), "sum 55");
    t.settle();
    assert!(t.frames().is_empty(), "no flash: {:?}", t.frames());
}

fn clock() -> impl Render {
    let ticks = signal(0u32);
    spawn_task(async move {
        loop {
            async_io::Timer::after(Duration::from_millis(10)).await;
            ticks.update(|n| *n += 1);
        }
    });
    move || p(ticks.get().to_string())
}

#[test]
fn run_for_lets_time_pass() {
    let t = LiveTest::component(clock);
    assert_eq!(t.text(), "0");
    t.run_for(Duration::from_millis(100));
    let n: u32 = t.text().parse().unwrap();
    assert!((3..=11).contains(&n), "{n} ticks in 100 ms");
}

#[test]
#[should_panic(expected = "tasks still running")]
fn settle_refuses_a_task_that_never_ends() {
    let t = LiveTest::component(clock);
    t.settle_timeout(Duration::from_millis(50)).settle();
}

#[test]
fn a_panicking_handler_ends_the_session_and_a_panicking_task_does_not() {
    let t = LiveTest::component(|| {
        move || {
            div((
                button("boom")
                    .id("boom")
                    .on_click(|_| -> () { panic!("handler boom") }),
                button("task").id("task").on_click(|_| {
                    spawn_task(async { panic!("task boom") });
                }),
            ))
        }
    });
    t.find("#task").click();
    t.settle();
    assert_eq!((t.task_panics(), t.ended()), (1, None));
    t.find("#boom").click();
    assert!(t.ended().unwrap().contains("panicked"), "{:?}", t.ended());
}

#[test]
#[should_panic(expected = "the session has ended")]
fn events_after_the_end_are_refused_clearly() {
    let t = LiveTest::component(|| move || button("boom").on_click(|_| -> () { panic!("boom") }));
    t.find("button").click();
    t.find("button").click();
}

/// Mounts the counter and clicks it, as a typical test does; reports tests per second.
#[test]
fn tests_per_second() {
    let app = counter::app();
    let n = 200;
    let started = Instant::now();
    for _ in 0..n {
        let t = LiveTest::mount(&app, "/");
        t.find_with_text("button", "+").click();
        assert_eq!(t.find("h1").text(), "Count: 1");
    }
    let per_sec = n as f64 / started.elapsed().as_secs_f64();
    println!("LiveTest: {per_sec:.0} tests/s (mount + click + assert, counter example)");
    assert!(per_sec > 20.0, "{per_sec:.0} tests/s");
}
