//! Context an `App` page provides in its setup reaches its child components, as under
//! `Tree::mount`: in the first paint, the live session, a live navigation (to a fresh
//! page, into a shared layout's outlet, after a link prefetch), with or without layouts;
//! a layout's context reaches them too.

use std::time::Duration;

use vango::prelude::*;
use vango::testing::LiveTest;
use vango::App;

#[derive(Clone)]
struct Theme(&'static str);

#[derive(Clone)]
struct Shell(&'static str);

fn badge(_: ()) -> impl Render {
    let theme = use_context::<Theme>().map_or("none", |t| t.0);
    let shell = use_context::<Shell>().map_or("none", |s| s.0);
    move || span(format!("{theme}/{shell}")).id("badge")
}

fn themed(theme: &'static str) -> impl Render {
    provide_context(Theme(theme));
    || div((h1("page"), component(badge, ())))
}

fn app(layout: bool) -> App {
    let app = App::new()
        .page("/", || themed("dark"))
        .page("/in/a", || themed("blue"))
        .page("/in/b", || themed("green"));
    if !layout {
        return app;
    }
    app.layout("/in", |outlet: Outlet| {
        provide_context(Shell("shell"));
        move || main_(outlet.clone())
    })
}

#[test]
fn a_page_s_context_reaches_its_child_components() {
    let t = LiveTest::mount(&app(false), "/");
    assert!(
        t.first_paint().contains(">dark/none</span>"),
        "{}",
        t.first_paint()
    );
    assert_eq!(t.find("#badge").text(), "dark/none");
    t.navigate("/in/a");
    assert_eq!(t.find("#badge").text(), "blue/none");
}

#[test]
fn under_a_layout_the_page_s_and_the_layout_s_context_reach_them() {
    let t = LiveTest::mount(&app(true), "/in/a");
    assert!(
        t.first_paint().contains(">blue/shell</span>"),
        "{}",
        t.first_paint()
    );
    assert_eq!(t.find("#badge").text(), "blue/shell");
    // Swapped into the layout's outlet.
    t.navigate("/in/b");
    assert_eq!(t.find("#badge").text(), "green/shell");
    // Staged by a prefetch, then adopted.
    std::thread::sleep(Duration::from_millis(120));
    t.prefetch("/in/a");
    t.navigate("/in/a");
    assert_eq!(t.find("#badge").text(), "blue/shell");
    // A fresh view.
    t.navigate("/");
    assert_eq!(t.find("#badge").text(), "dark/none");
}

#[test]
fn without_a_wait_for_data_the_swapped_page_s_context_reaches_them_too() {
    let t = LiveTest::mount(&app(true).ssr_budget(Duration::ZERO), "/in/a");
    t.navigate("/in/b");
    assert_eq!(t.find("#badge").text(), "green/shell");
}
