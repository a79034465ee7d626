//! Link prefetch for pages under a layout: the page's setup runs ahead (under the mounted
//! layout, whose context it sees) while the current page stays, and the navigation swaps
//! the prepared page into the layout's outlet — the layout keeps its state, the setup
//! does not run again, its data is already there. A prepared page not navigated to is
//! dropped (its cleanups run); pages whose new layouts are not mounted yet, or that a
//! middleware covers, are not staged.

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::time::Duration;

use vango::app::Next;
use vango::prelude::*;
use vango::protocol::ServerFrame;
use vango::testing::{LiveTest, Outcome};
use vango::App;

#[derive(Clone, Copy)]
struct Theme(&'static str);

fn app(setups: &'static AtomicU32, cleanups: &'static AtomicU32) -> App {
    App::new()
        .layout("/", |outlet: Outlet| {
            provide_context(Theme("dark"));
            let n = signal(0);
            move || {
                div((
                    button(format!("root {}", n.get()))
                        .id("root")
                        .on_click(move |_| n.update(|n| *n += 1)),
                    link("/todos/7", "Todo 7"),
                    main_(outlet.clone()),
                ))
            }
        })
        .layout("/deep", |outlet: Outlet| move || section(outlet.clone()))
        .middleware("/guarded", |_| Next::Continue)
        .page("/", || {
            set_title("Home");
            || h1("Home")
        })
        .page("/deep", move || {
            setups.fetch_add(1, Relaxed);
            || h1("Deep")
        })
        .page("/guarded", move || {
            setups.fetch_add(1, Relaxed);
            || h1("Guarded")
        })
        .page("/todos/:id", move || {
            setups.fetch_add(1, Relaxed);
            on_cleanup(|| {
                cleanups.fetch_add(1, Relaxed);
            });
            let theme = use_context::<Theme>().map_or("none", |t| t.0);
            let id: u32 = use_request().param("id").unwrap_or_default();
            set_title(format!("Todo {id}"));
            let data = resource(
                move || id,
                |id| async move {
                    async_io::Timer::after(Duration::from_millis(20)).await;
                    Ok::<_, String>(format!("details of {id}"))
                },
            );
            move || {
                div((
                    h1(format!("Todo {id} ({theme})")),
                    p(data.view(|| "loading".to_owned(), |d| d.clone(), |e| e.to_owned()))
                        .id("data"),
                ))
            }
        })
}

#[test]
fn a_page_under_a_layout_is_prepared_and_swapped_into_the_outlet() {
    static SETUPS: AtomicU32 = AtomicU32::new(0);
    static CLEANUPS: AtomicU32 = AtomicU32::new(0);
    let t = LiveTest::mount(&app(&SETUPS, &CLEANUPS), "/");
    t.find("#root").click();
    let frames = t.frames().len();
    assert_eq!(t.prefetch("/todos/7"), Outcome::Accepted);
    assert_eq!(SETUPS.load(Relaxed), 1, "its setup ran ahead");
    assert_eq!((t.title(), t.path()), ("Home".into(), "/".into()));
    t.run_for(Duration::from_millis(60));
    let patched = t.frames()[frames..]
        .iter()
        .any(|f| matches!(f, ServerFrame::Patches { ops, .. } if !ops.is_empty()));
    assert!(!patched, "nothing visible changed meanwhile");
    assert_eq!(t.find("h1").text(), "Home");

    t.find("a").click();
    assert_eq!(
        SETUPS.load(Relaxed),
        1,
        "the navigation adopted the prepared page"
    );
    assert_eq!(t.path(), "/todos/7");
    assert_eq!(t.title(), "Todo 7");
    assert_eq!(
        t.find("main h1").text(),
        "Todo 7 (dark)",
        "it saw the layout's context"
    );
    assert_eq!(
        t.find("#data").text(),
        "details of 7",
        "its data arrived before the click"
    );
    assert_eq!(
        t.find("#root").text(),
        "root 1",
        "the layout kept its state"
    );
    assert_eq!(CLEANUPS.load(Relaxed), 0);
    t.navigate("/");
    assert_eq!(
        CLEANUPS.load(Relaxed),
        1,
        "unmounting the adopted page disposes its setup"
    );

    // Prepared but not taken: dropped at the next navigation, its cleanups run.
    t.prefetch("/todos/8");
    assert_eq!(SETUPS.load(Relaxed), 2);
    t.navigate("/deep");
    assert_eq!(CLEANUPS.load(Relaxed), 2);
    assert_eq!(t.find("main section h1").text(), "Deep");
    assert_eq!(t.find("#root").text(), "root 1");
}

#[test]
fn pages_with_unmounted_layouts_or_middleware_are_not_staged() {
    static SETUPS: AtomicU32 = AtomicU32::new(0);
    static CLEANUPS: AtomicU32 = AtomicU32::new(0);
    let t = LiveTest::mount(&app(&SETUPS, &CLEANUPS), "/");
    t.prefetch("/deep");
    assert_eq!(
        SETUPS.load(Relaxed),
        0,
        "its /deep layout is not mounted yet"
    );
    std::thread::sleep(Duration::from_millis(120));
    t.prefetch("/guarded");
    assert_eq!(
        SETUPS.load(Relaxed),
        0,
        "a middleware runs first at the navigation"
    );
    t.navigate("/guarded");
    assert_eq!(t.find("main h1").text(), "Guarded");
    assert_eq!(SETUPS.load(Relaxed), 1);
}
