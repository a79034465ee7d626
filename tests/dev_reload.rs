//! Dev-mode hot reload over real sockets: with dev mode off the page has no reload script and
//! `/_vango/dev/*` is 404; with it on the script is served (and put in the page head with
//! the CSP nonce), and the events long poll answers once a static file changes.
//!
//! Dev mode is one switch per process, so everything runs in one test, in order.

use std::time::Duration;

use vango::component::dev;
use vango::server::StaticDir;
use vango::App;
use vango_test_support::raw::{roundtrip, Resp};

fn get(addr: std::net::SocketAddr, method: &str, target: &str) -> Resp {
    let raw = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\n\r\n");
    roundtrip(addr, raw.as_bytes()).expect("a response")
}

/// The `"v":"..."` field of an events answer.
fn version(body: &[u8]) -> u64 {
    let s = std::str::from_utf8(body).unwrap();
    let v = s.split("\"v\":\"").nth(1).expect("a version");
    v[..v.find('"').unwrap()].parse().unwrap()
}

#[test]
fn dev_routes_exist_only_in_dev_mode_and_the_poll_answers_a_file_change() {
    let dir = std::env::temp_dir().join(format!("vango-devreload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("css")).unwrap();
    std::fs::write(dir.join("css/app.css"), "p { color: teal }").unwrap();
    let srv = App::new()
        .static_dir(StaticDir::new("/assets/", &dir).unwrap())
        .page("/", || || vango::prelude::p("x"))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();

    dev::set_enabled(false);
    let page = get(addr, "GET", "/");
    assert_eq!(page.status, 200);
    assert!(!String::from_utf8_lossy(&page.body).contains("/_vango/dev/"));
    assert_eq!(get(addr, "GET", "/_vango/dev/reload.js").status, 404);
    assert_eq!(get(addr, "GET", "/_vango/dev/events?since=0").status, 404);
    let css = get(addr, "GET", "/assets/css/app.css");
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=0, must-revalidate")
    );

    dev::set_enabled(true);
    if !cfg!(debug_assertions) {
        // Release builds: the switch is ignored, the routes never exist.
        assert_eq!(get(addr, "GET", "/_vango/dev/reload.js").status, 404);
        return;
    }
    let page = String::from_utf8(get(addr, "GET", "/").body).unwrap();
    assert!(
        page.contains("<script nonce=\"") && page.contains("defer src=\"/_vango/dev/reload.js\""),
        "the head loads the reload script with the page's nonce: {page}"
    );
    let js = get(addr, "GET", "/_vango/dev/reload.js");
    assert_eq!(js.status, 200);
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(String::from_utf8_lossy(&js.body).contains("/_vango/dev/events"));
    assert_eq!(get(addr, "POST", "/_vango/dev/reload.js").status, 405);
    assert_eq!(get(addr, "GET", "/_vango/dev/events?since=x").status, 400);
    let css = get(addr, "GET", "/assets/css/app.css");
    assert_eq!(css.header("cache-control"), Some("no-cache"));

    // Without `since`: the current version at once, nothing changed.
    let now = get(addr, "GET", "/_vango/dev/events");
    assert_eq!(now.status, 200);
    assert!(String::from_utf8_lossy(&now.body).contains("\"changed\":[]"));
    let v = version(&now.body);
    assert!(v > 0);

    // With it: the answer waits for the edit (only then is there a file to name).
    let edit = std::thread::spawn({
        let dir = dir.clone();
        move || {
            std::thread::sleep(Duration::from_millis(400));
            std::fs::write(dir.join("css/app.css"), "p { color: red }").unwrap();
        }
    });
    let changed = get(addr, "GET", &format!("/_vango/dev/events?since={v}"));
    edit.join().unwrap();
    assert_eq!(changed.status, 200);
    let body = String::from_utf8(changed.body).unwrap();
    assert!(
        body.contains("\"changed\":[\"/assets/css/app.css\"]"),
        "{body}"
    );
    assert!(version(body.as_bytes()) > v);

    // Nothing changes: answered before the connection's header timeout ends the wait
    // with a 503, with the same version and nothing named.
    let short = App::new()
        .static_dir(StaticDir::new("/assets/", &dir).unwrap())
        .page("/", || || vango::prelude::p("x"))
        .limits(vango::server::Limits {
            header_timeout: Duration::from_millis(600),
            ..Default::default()
        })
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let v = version(&get(short.local_addr(), "GET", "/_vango/dev/events").body);
    let idle = get(
        short.local_addr(),
        "GET",
        &format!("/_vango/dev/events?since={v}"),
    );
    assert_eq!(idle.status, 200);
    assert_eq!(version(&idle.body), v);
    assert!(String::from_utf8_lossy(&idle.body).contains("\"changed\":[]"));

    dev::set_enabled(false);
    drop((srv, short));
    std::fs::remove_dir_all(&dir).unwrap();
}
