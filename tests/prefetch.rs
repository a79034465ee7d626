//! Link prefetch (event 0xF2): the session mounts the hovered route off-screen and the
//! navigation that follows adopts it (its setup ran once, its data is already there);
//! bounded: one prepared route, expiry, a least gap between mounts, nothing for a URL
//! without a page; the current page's request and title stay its own meanwhile.

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::time::Duration;

use vango::live::SessionConfig;
use vango::prelude::*;
use vango::protocol::{decode_client, ClientFrame, PREFETCH_CODE};
use vango::testing::{LiveTest, Outcome};
use vango::App;

fn app(setups: &'static AtomicU32, misses: &'static AtomicU32, ttl: Duration) -> App {
    App::new()
        .sessions(SessionConfig {
            prefetch_ttl: ttl,
            ..SessionConfig::default()
        })
        .page("/", || {
            set_title("Home");
            move || {
                let path = use_request().path().to_owned();
                div((
                    p(format!("at {path}")).id("here"),
                    link("/todos/7", "Todo 7"),
                ))
            }
        })
        .page("/other", || || p("other"))
        .page("/todos/:id", move || {
            setups.fetch_add(1, Relaxed);
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
                    h1(format!("Todo {id}")),
                    p(data.view(|| "loading".to_owned(), |d| d.clone(), |e| e.to_owned()))
                        .id("data"),
                ))
            }
        })
        .not_found(move || {
            misses.fetch_add(1, Relaxed);
            || p("no such page")
        })
}

#[test]
fn a_navigation_after_a_prefetch_adopts_the_prepared_route() {
    static SETUPS: AtomicU32 = AtomicU32::new(0);
    static MISSES: AtomicU32 = AtomicU32::new(0);
    let t = LiveTest::mount(&app(&SETUPS, &MISSES, Duration::from_secs(5)), "/");
    assert_eq!(t.prefetch("/todos/7"), Outcome::Accepted);
    assert_eq!(SETUPS.load(Relaxed), 1, "mounted off-screen");
    // Nothing visible changed, and the page's own request and title are its own.
    assert!(t
        .frames()
        .iter()
        .all(|f| !matches!(f, vango::protocol::ServerFrame::Patches { .. })));
    assert_eq!((t.title(), t.path()), ("Home".into(), "/".into()));
    // The prepared route's data loads meanwhile.
    t.run_for(Duration::from_millis(60));
    t.find("a").click();
    assert_eq!(
        SETUPS.load(Relaxed),
        1,
        "the navigation adopted the prepared mount"
    );
    assert_eq!(t.path(), "/todos/7");
    assert_eq!(t.title(), "Todo 7");
    assert_eq!(t.find("h1").text(), "Todo 7");
    assert_eq!(
        t.find("#data").text(),
        "details of 7",
        "its data arrived before the click"
    );
    // It was used once: the next navigation there mounts again.
    t.navigate("/");
    t.navigate("/todos/7");
    assert_eq!(SETUPS.load(Relaxed), 2);
}

#[test]
fn prefetch_is_bounded() {
    static SETUPS: AtomicU32 = AtomicU32::new(0);
    static MISSES: AtomicU32 = AtomicU32::new(0);
    let t = LiveTest::mount(&app(&SETUPS, &MISSES, Duration::from_millis(150)), "/");
    // A URL without a page mounts nothing (not even the not-found page), nor does a
    // foreign URL or the current page.
    let misses = MISSES.load(Relaxed);
    for url in [
        "/nowhere",
        "https://example.com/todos/1",
        "//evil/todos/1",
        "/",
    ] {
        assert_eq!(t.prefetch(url), Outcome::Accepted, "{url}");
    }
    assert_eq!(MISSES.load(Relaxed), misses);
    // The same URL again: one mount.
    t.prefetch("/todos/1");
    t.prefetch("/todos/1");
    assert_eq!(SETUPS.load(Relaxed), 1);
    // Another one right away is ignored (the least gap between mounts).
    t.prefetch("/todos/2");
    assert_eq!(SETUPS.load(Relaxed), 1);
    // Navigating elsewhere drops the prepared route.
    t.navigate("/other");
    t.navigate("/todos/1");
    assert_eq!(SETUPS.load(Relaxed), 2);
    // A prepared route expires.
    t.navigate("/");
    std::thread::sleep(Duration::from_millis(120));
    t.prefetch("/todos/3");
    assert_eq!(SETUPS.load(Relaxed), 3);
    std::thread::sleep(Duration::from_millis(200));
    t.navigate("/todos/3");
    assert_eq!(SETUPS.load(Relaxed), 4, "expired: mounted again");
    assert_eq!(t.find("h1").text(), "Todo 3");
}

#[test]
fn prefetch_off_with_a_zero_ttl() {
    static SETUPS: AtomicU32 = AtomicU32::new(0);
    static MISSES: AtomicU32 = AtomicU32::new(0);
    let t = LiveTest::mount(&app(&SETUPS, &MISSES, Duration::ZERO), "/");
    t.prefetch("/todos/1");
    assert_eq!(SETUPS.load(Relaxed), 0);
}

#[test]
fn the_prefetch_event_decodes_from_the_wire() {
    let mut bytes = vec![0x02, 0x05, 0x00, PREFETCH_CODE, 8];
    bytes.extend_from_slice(b"/todos/7");
    match decode_client(&bytes) {
        Ok(ClientFrame::Event { seq: 5, event }) => {
            assert_eq!((event.hid, event.name), (0, "prefetch"));
            assert_eq!(event.data, EventData::Navigate("/todos/7".into()));
        }
        other => panic!("{other:?}"),
    }
}
