//! `App` pages by route pattern over real sockets: raw HTTP in, status and body out (200,
//! the custom 404 page, 405 with `Allow`, 400, 414, a rejected typed parameter), and the
//! live session mounting the same routes from its Hello.

use std::io::Write;
use std::net::SocketAddr;
use vango_test_support::client::{attr, recv_frame};

use vango::prelude::*;
use vango::protocol::{ClientFrame, HelloStatus, Op, ServerFrame};
use vango::server::RunningServer;
use vango::vdom::Patch;
use vango::App;
use vango_test_support::raw::*;

fn app() -> App {
    App::new()
        .page("/", || || p("home"))
        .page("/todos", || || h1("todos"))
        .page("/todos/:id", || {
            let id: u64 = use_request().param("id").unwrap_or_default();
            move || h1(format!("todo {id}"))
        })
        .page("/docs/*path", || {
            let path = use_request().param_str("path").unwrap_or("").to_owned();
            move || h1(format!("doc {path}"))
        })
}

fn start(app: App) -> (RunningServer, SocketAddr) {
    let srv = app.workers(1).spawn("127.0.0.1:0").unwrap();
    let addr = srv.local_addr();
    (srv, addr)
}

fn get(addr: SocketAddr, method: &str, target: &str) -> Resp {
    let raw = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    roundtrip(addr, raw.as_bytes()).expect("an answer")
}

fn body(r: &Resp) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

#[test]
fn patterns_match_and_misses_have_their_status() {
    let (_srv, addr) = start(app());
    for (target, want) in [
        ("/", "<p data-hid=\"1\">home</p>"),
        ("/todos", ">todos</h1>"),
        ("/todos/42", ">todo 42</h1>"),
        ("/todos/42?tab=x", ">todo 42</h1>"),
        ("/docs/a/b%20c", ">doc a/b c</h1>"),
    ] {
        let r = get(addr, "GET", target);
        assert_eq!(r.status, 200, "{target}");
        assert!(body(&r).contains(want), "{target}: {}", body(&r));
    }
    let head = roundtrip(
        addr,
        format!("HEAD /todos/7 HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(head.map(|r| r.status), Some(200));

    // No route, a typed parameter the page rejects: the default 404 page, never a 500.
    for target in ["/nope", "/todos/seven", "/todos/7/", "/docs"] {
        let r = get(addr, "GET", target);
        assert_eq!(r.status, 404, "{target}");
        assert!(body(&r).contains("Not Found"), "{target}: {}", body(&r));
        assert!(body(&r).contains("vango-boot"), "rendered as a page");
    }
    let r = get(addr, "POST", "/todos/7");
    assert_eq!((r.status, r.header("allow")), (405, Some("GET, HEAD")));
    assert_eq!(get(addr, "GET", "/todos/%FF").status, 400);
    assert_eq!(get(addr, "GET", "/todos/%zz").status, 400);
    assert_eq!(get(addr, "GET", "/todos/1?q=%G0").status, 400);
    let long = format!("/docs/{}", "a".repeat(3000));
    assert_eq!(get(addr, "GET", &long).status, 414);
    let deep = "/x".repeat(40);
    assert_eq!(get(addr, "GET", &deep).status, 414);
    assert_eq!(get(addr, "BREW", "/").status, 501);
}

#[test]
fn custom_not_found_page() {
    let (_srv, addr) = start(app().not_found(|| {
        let path = use_request().path().to_owned();
        move || h1(format!("lost at {path}"))
    }));
    let r = get(addr, "GET", "/where?x=1");
    assert_eq!(r.status, 404);
    assert!(body(&r).contains(">lost at /where</h1>"), "{}", body(&r));
    let r = get(addr, "GET", "/todos/-1");
    assert_eq!(r.status, 404);
    assert!(body(&r).contains(">lost at /todos/-1</h1>"), "{}", body(&r));
}

#[test]
fn exact_pages_keep_working_and_replace() {
    let (_srv, addr) = start(
        App::new()
            .page("/", || || p("first"))
            .page("/", || || p("second")),
    );
    let r = get(addr, "GET", "/");
    assert_eq!(r.status, 200);
    assert!(body(&r).contains("second") && !body(&r).contains("first"));
}

#[test]
#[should_panic(expected = "/todos/:name")]
fn conflicting_patterns_fail_at_startup() {
    let _ = App::new()
        .page("/todos/:id", || || p("a"))
        .page("/todos/:name", || || p("b"))
        .spawn("127.0.0.1:0");
}

#[test]
#[should_panic]
fn malformed_pattern_fails_at_once() {
    let _ = App::new().page("/todos/", || || p("a"));
}

/// A live session for `url` with a render hash of 0, so the server sends its full render.
fn live_render(addr: SocketAddr, csrf: &str, url: &str) -> String {
    let mut s = connect(addr);
    s.write_all(&ws_request(&addr.to_string(), None)).unwrap();
    let mut p = Vec::new();
    assert_eq!(read_response(&mut s, &mut p, false).unwrap().status, 101);
    let mut out = Vec::new();
    ClientFrame::Hello {
        version: vango::protocol::VERSION,
        csrf: csrf.into(),
        session: String::new(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: 0,
        path: url.into(),
    }
    .encode(&mut out);
    s.write_all(&ws_frame(0x2, &out)).unwrap();
    assert!(matches!(
        recv_frame(&mut s, &mut p),
        ServerFrame::ServerHello {
            status: HelloStatus::New,
            ..
        }
    ));
    match recv_frame(&mut s, &mut p) {
        ServerFrame::Patches { ops, .. } => match &ops[..] {
            [Op::Patch(Patch::ReplaceNode { html, .. })] => html.to_string(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn live_sessions_mount_through_the_router() {
    let (_srv, addr) = start(app().not_found(|| {
        let path = use_request().path().to_owned();
        move || h1(format!("lost at {path}"))
    }));
    let csrf = attr(&body(&get(addr, "GET", "/")), "data-csrf");
    assert!(live_render(addr, &csrf, "/todos/9?tab=a").contains(">todo 9</h1>"));
    assert!(live_render(addr, &csrf, "/docs/x/y").contains(">doc x/y</h1>"));
    assert!(live_render(addr, &csrf, "/nowhere").contains(">lost at /nowhere</h1>"));
    assert!(live_render(addr, &csrf, "/todos/x").contains(">lost at /todos/x</h1>"));
    assert!(live_render(addr, &csrf, "/todos/%FF").contains(">lost at /todos/%FF</h1>"));
}
