//! The dev channel over real sockets: in dev mode a page loads the dev scripts before the
//! client, the scripts are served, and a session's channel answers its events from a given
//! number on with its latest state; with dev mode off none of it exists (404, no script).
//! One test: dev mode is a process-wide switch.

use std::net::SocketAddr;

use vango::component::dev;
use vango::prelude::*;
use vango::server::dev_overlay::{publish_event, publish_state};
use vango_test_support::raw::{roundtrip, Resp};

fn get(addr: SocketAddr, path: &str) -> Resp {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

fn body(r: &Resp) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

#[test]
fn dev_channel_exists_only_in_dev_mode() {
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
        r#"{"next":2,"events":[{"type":"error","message":"a"},{"type":"error","message":"b"}],"state":{"components":[],"signals":[]}}"#
    );
    let rest = body(&get(addr, "/_vango/dev/session/k1?since=1"));
    assert!(
        rest.starts_with(r#"{"next":2,"events":[{"type":"error","message":"b"}]"#),
        "{rest}"
    );
    let none = body(&get(addr, "/_vango/dev/session/unknown?since=0"));
    assert_eq!(none, r#"{"next":0,"events":[],"state":null}"#);
    // A bad `since` reads from the start; it never fails.
    assert_eq!(get(addr, "/_vango/dev/session/k1?since=zz").status, 200);
    // Events are bounded per channel: the oldest go first.
    for i in 0..100 {
        publish_event("k2", format!("{{\"n\":{i}}}"));
    }
    let k2 = body(&get(addr, "/_vango/dev/session/k2?since=0"));
    assert!(
        k2.starts_with("{\"next\":100,\"events\":[{\"n\":36}"),
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
