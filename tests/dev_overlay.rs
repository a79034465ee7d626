//! The dev channel over real sockets: in dev mode a page loads the dev scripts before the
//! client, the scripts are served, and a session's channel answers its events from a given
//! number on with its latest state; with dev mode off none of it exists (404, no script).
//! A task's panic is reported on its own session's channel, with the path of the component
//! that spawned it, even when another session on the same core steps first. Dev mode is a
//! process-wide switch: the tests take turns (`DEV`). With `wait=1` the channel is a long
//! poll: held until a panic is published (then answered with it), released when the
//! session's tab closes, answered empty when its wait ends.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use vango::component::dev;
use vango::prelude::*;
use vango::server::dev_overlay::{publish_event, publish_state};
use vango_test_support::client::{page, Client};
use vango_test_support::raw::{connect, read_response, roundtrip, Resp};

/// Held by each test while it switches dev mode.
static DEV: Mutex<()> = Mutex::new(());

fn get(addr: SocketAddr, path: &str) -> Resp {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

fn body(r: &Resp) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

#[test]
fn dev_channel_exists_only_in_dev_mode() {
    let _dev = DEV.lock().unwrap_or_else(|e| e.into_inner());
    if !cfg!(debug_assertions) {
        return; // dev mode cannot be switched on in release: the e2e test covers that build
    }
    let server = vango::App::new()
        .page("/", || || div("hi"))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = server.local_addr();

    dev::set_enabled(true);
    let page = body(&get(addr, "/"));
    let overlay = page
        .find("/_vango/dev/overlay.js")
        .expect("the overlay script");
    let panel = page.find("/_vango/dev/panel.js").expect("the panel script");
    let client = page.find("/_vango/client.js").expect("the client");
    assert!(
        overlay < panel && panel < client,
        "dev scripts run before the client"
    );
    for p in ["/_vango/dev/overlay.js", "/_vango/dev/panel.js"] {
        let r = get(addr, p);
        assert_eq!(r.status, 200, "{p}");
        assert!(r
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript"));
    }
    publish_event("k1", r#"{"type":"error","message":"a"}"#.into());
    publish_event("k1", r#"{"type":"error","message":"b"}"#.into());
    publish_state("k1", r#"{"components":[],"signals":[]}"#.into());
    let all = body(&get(addr, "/_vango/dev/session/k1?since=0"));
    assert_eq!(
        all,
        r#"{"next":2,"sv":1,"events":[{"type":"error","message":"a"},{"type":"error","message":"b"}],"state":{"components":[],"signals":[]}}"#
    );
    let rest = body(&get(addr, "/_vango/dev/session/k1?since=1"));
    assert!(
        rest.starts_with(r#"{"next":2,"sv":1,"events":[{"type":"error","message":"b"}]"#),
        "{rest}"
    );
    let none = body(&get(addr, "/_vango/dev/session/unknown?since=0"));
    assert_eq!(none, r#"{"next":0,"sv":0,"events":[],"state":null}"#);
    // A bad `since` reads from the start; it never fails.
    assert_eq!(get(addr, "/_vango/dev/session/k1?since=zz").status, 200);
    // Events are bounded per channel: the oldest go first.
    for i in 0..100 {
        publish_event("k2", format!("{{\"n\":{i}}}"));
    }
    let k2 = body(&get(addr, "/_vango/dev/session/k2?since=0"));
    assert!(
        k2.starts_with("{\"next\":100,\"sv\":0,\"events\":[{\"n\":36}"),
        "{k2}"
    );

    dev::set_enabled(false);
    let page = body(&get(addr, "/"));
    assert!(
        !page.contains("/_vango/dev/"),
        "no dev script outside dev mode"
    );
    for p in [
        "/_vango/dev/overlay.js",
        "/_vango/dev/panel.js",
        "/_vango/dev/session/k1",
    ] {
        assert_eq!(get(addr, p).status, 404, "{p}");
    }
    server.shutdown();
}

fn task_bomb(_: ()) -> impl Render {
    || {
        button("boom").id("boom").on_click(|_| {
            spawn_task(async { panic!("the task exploded") });
        })
    }
}

/// The error events on channel `key` (the dev channel's answer, as text).
fn errors_of(addr: SocketAddr, key: &str) -> String {
    body(&get(addr, &format!("/_vango/dev/session/{key}?since=0")))
}

#[test]
fn a_task_panic_goes_to_its_own_session_with_the_spawning_components_path() {
    let _dev = DEV.lock().unwrap_or_else(|e| e.into_inner());
    if !cfg!(debug_assertions) {
        return;
    }
    dev::set_enabled(true);
    let server = vango::App::new()
        .page("/", || {
            || {
                div((
                    component(task_bomb, ()),
                    button("other").id("other").on_click(|_| {}),
                ))
            }
        })
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = server.local_addr();
    let p = page(addr);
    let mut a = Client::open(addr, &p);
    let mut b = Client::open(addr, &p);
    assert_eq!(a.core(), b.core(), "one core");

    a.send_click(p.hid("boom"));
    // The task runs after A's step; then B steps on the same core before A does again.
    std::thread::sleep(Duration::from_millis(200));
    b.send_click(p.hid("other"));
    let _ = b.try_recv(500);

    let deadline = Instant::now() + Duration::from_secs(5);
    let mine = loop {
        let mine = errors_of(addr, &a.id);
        if mine.contains("the task exploded") || Instant::now() > deadline {
            break mine;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(mine.contains("the task exploded"), "A's channel: {mine}");
    assert!(mine.contains(r#""kind":"task""#), "{mine}");
    let path = mine
        .split(r#""path":""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default();
    assert!(
        path.ends_with("task_bomb"),
        "the spawning component: {mine}"
    );
    assert!(
        mine.contains(r#""fatal":false"#),
        "the session goes on: {mine}"
    );
    let theirs = errors_of(addr, &b.id);
    assert!(!theirs.contains("exploded"), "B's channel: {theirs}");
    assert!(
        theirs.contains(r#""state":{"#),
        "B stepped and published its state: {theirs}"
    );

    dev::set_enabled(false);
    server.shutdown();
}

/// A number field of a channel answer (`"next":3`).
fn field(body: &str, name: &str) -> u64 {
    body.split(&format!("\"{name}\":"))
        .nth(1)
        .and_then(|r| r.split([',', '}']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{name} in {body}"))
}

/// Sends a long poll of channel `key` for what is newer than its answer now; returns the
/// socket, its request not answered yet (checked for `pending`).
fn hold(addr: SocketAddr, key: &str, pending: Duration) -> std::net::TcpStream {
    use std::io::Write;
    let now = errors_of(addr, key);
    let (next, sv) = (field(&now, "next"), field(&now, "sv"));
    let mut s = connect(addr);
    let path = format!("/_vango/dev/session/{key}?since={next}&sv={sv}&wait=1");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    s.set_read_timeout(Some(pending)).unwrap();
    let mut buf = Vec::new();
    assert!(
        read_response(&mut s, &mut buf, false).is_none() && buf.is_empty(),
        "held, not answered"
    );
    s
}

/// The held request's answer (within `within`).
fn answer(s: &mut std::net::TcpStream, within: Duration) -> String {
    s.set_read_timeout(Some(within)).unwrap();
    let r = read_response(s, &mut Vec::new(), false).expect("an answer");
    assert_eq!(r.status, 200);
    body(&r)
}

#[test]
fn the_dev_channel_is_a_long_poll_answered_by_a_panic_a_closed_tab_or_its_timeout() {
    let _dev = DEV.lock().unwrap_or_else(|e| e.into_inner());
    if !cfg!(debug_assertions) {
        return;
    }
    dev::set_enabled(true);
    let app = || {
        vango::App::new().page("/", || {
            || {
                div((
                    component(task_bomb, ()),
                    button("other").id("other").on_click(|_| {}),
                ))
            }
        })
    };
    // The wait (25 s, within the header timeout) outlasts every read below.
    let server = app().workers(1).spawn("127.0.0.1:0").unwrap();
    let addr = server.local_addr();
    let p = page(addr);
    let mut a = Client::open(addr, &p);
    // Its first step's state is published: a poll from here waits for news.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !errors_of(addr, &a.id).contains(r#""state":{"#) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }

    let mut held = hold(addr, &a.id, Duration::from_millis(300));
    a.send_click(p.hid("boom"));
    let news = answer(&mut held, Duration::from_secs(5));
    assert!(news.contains("the task exploded"), "{news}");

    // The tab closes: its held poll is answered, with nothing new.
    let mut held = hold(addr, &a.id, Duration::from_millis(300));
    a.close();
    let released = answer(&mut held, Duration::from_secs(3));
    assert!(released.contains(r#""events":[]"#), "{released}");
    server.shutdown();

    // Nothing happens: the wait ends (at 0.8 × the header timeout) with an empty list.
    let short = app()
        .limits(vango::server::Limits {
            header_timeout: Duration::from_millis(1500),
            ..Default::default()
        })
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = short.local_addr();
    let p = page(addr);
    let b = Client::open(addr, &p);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !errors_of(addr, &b.id).contains(r#""state":{"#) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut held = hold(addr, &b.id, Duration::from_millis(300));
    let idle = answer(&mut held, Duration::from_secs(5));
    assert!(idle.contains(r#""events":[]"#), "{idle}");
    assert_eq!(field(&idle, "next"), field(&errors_of(addr, &b.id), "next"));

    dev::set_enabled(false);
    short.shutdown();
}
