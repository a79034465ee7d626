//! File-based routes and hand-registered routes are one table: the same patterns in the
//! app, and the same status and page over a real socket for every URL tried.

use std::net::SocketAddr;

use vango::server::RunningServer;
use vango::App;
use vango_build_demo::{by_hand, generated};
use vango_test_support::raw::{roundtrip, Resp};

fn sorted(app: &App) -> Vec<String> {
    let mut v: Vec<String> = app.page_patterns().into_iter().map(String::from).collect();
    v.sort();
    v
}

#[test]
fn both_ways_register_the_same_patterns() {
    let files = generated::routes(App::new());
    let hand = by_hand(App::new());
    assert_eq!(sorted(&files), sorted(&hand));
    assert_eq!(
        sorted(&files),
        ["/", "/about", "/docs/*path", "/todos", "/todos/:id"]
    );
    // The generator's order is fixed (folder by folder, by name).
    assert_eq!(
        files.page_patterns(),
        ["/", "/about", "/docs/*path", "/todos", "/todos/:id"]
    );
}

fn start(app: App) -> (RunningServer, SocketAddr) {
    let srv = app.workers(1).spawn("127.0.0.1:0").unwrap();
    let addr = srv.local_addr();
    (srv, addr)
}

fn get(addr: SocketAddr, target: &str) -> Resp {
    let raw = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

/// The whole page but its CSRF token and CSP nonce, which differ between any two requests.
fn page_of(r: &Resp) -> String {
    let mut body = String::from_utf8_lossy(&r.body).into_owned();
    for attr in ["data-csrf=\"", "nonce=\""] {
        let mut from = 0;
        while let Some(i) = body[from..].find(attr) {
            let at = from + i + attr.len();
            let end = at + body[at..].find('"').expect("a closing quote");
            body.replace_range(at..end, "");
            from = at;
        }
    }
    body
}

#[test]
fn both_ways_serve_the_same_pages() {
    let (_files, files) = start(generated::routes(App::new()));
    let (_hand, hand) = start(by_hand(App::new()));
    for (target, status, text) in [
        ("/", 200, ">Home</h1>"),
        ("/about", 200, "Pages from files."),
        ("/todos", 200, ">Todos</h2>"),
        ("/todos/42", 200, ">Todo 42</h1>"),
        ("/docs/a/b%20c", 200, ">Doc a/b c</h1>"),
        ("/todos/seven", 404, "Not Found"),
        ("/nope", 404, "Not Found"),
    ] {
        let (a, b) = (get(files, target), get(hand, target));
        assert_eq!((a.status, b.status), (status, status), "{target}");
        let (pa, pb) = (page_of(&a), page_of(&b));
        assert!(pa.contains(text), "{target}: {pa}");
        assert_eq!(pa, pb, "{target}");
        // Every page, the 404s too, inside the root layout from `src/routes/_layout.rs`.
        assert!(pa.contains(r#"id="nav"><a"#), "{target}: {pa}");
    }
}
