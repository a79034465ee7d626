//! The request in page setup, render and handlers (`use_request`): a page renders every
//! field, and the live session's full render equals the HTTP first paint's root, the live
//! values coming from the Hello (path, query) and the WebSocket upgrade (headers, cookies,
//! peer). Raw sockets only.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};

use vango::prelude::*;
use vango::protocol::{decode_server, ClientFrame, HelloStatus, Op, ServerFrame};
use vango::vdom::Patch;
use vango::App;
use vango_test_support::raw::*;

fn describe() -> String {
    let r = use_request();
    let params: Vec<String> = r.params().map(|(k, v)| format!("{k}={v}")).collect();
    let query: Vec<String> = r.query().iter().map(|(k, v)| format!("{k}={v}")).collect();
    let cookies: Vec<String> = r.cookies().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "path={} params=[{}] id={:?} query=[{}] ua={:?} lang={:?} cookies=[{}] theme={:?} peer={:?} ws={:?}",
        r.path(),
        params.join(","),
        r.param::<u32>("id").ok(),
        query.join(","),
        r.header("user-agent"),
        r.header("ACCEPT-LANGUAGE"),
        cookies.join(","),
        r.cookie("theme"),
        r.peer().map(|p| p.ip()),
        r.header("sec-websocket-key"),
    )
}

fn app() -> App {
    App::new().page("/users/:id/files/*rest", || {
        let at_setup = describe();
        let clicked = signal(String::new());
        move || {
            div((
                p(at_setup.clone()),
                p(describe()),
                button("who").on_click(move |_| clicked.set(use_request().url())),
                p(clicked.get()),
            ))
        }
    })
}

const URL: &str = "/users/7/files/a/b%20c?tab=x%26y&tab=2&q=r+s";
const EXTRA: &str = "User-Agent: raw-test/1\r\nAccept-Language: fr\r\nCookie: theme=dark; sid=\"abc\"\r\nCookie: lang=en\r\n";

fn attr(html: &str, name: &str) -> String {
    let start = html.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

fn recv(s: &mut TcpStream, p: &mut Vec<u8>) -> ServerFrame {
    let (op, payload) = read_ws_frame(s, p).expect("a frame");
    assert_eq!(op, 0x2);
    decode_server(&payload).unwrap()
}

fn send(s: &mut TcpStream, f: ClientFrame) {
    let mut out = Vec::new();
    f.encode(&mut out);
    s.write_all(&ws_frame(0x2, &out)).unwrap();
}

/// Opens a session for `URL` whose upgrade carries `EXTRA`; returns the socket, its read
/// buffer and the full render (the Hello's render hash is 0, so the server sends one).
fn live(addr: SocketAddr, csrf: &str) -> (TcpStream, Vec<u8>, String) {
    let mut s = connect(addr);
    let upgrade = String::from_utf8(ws_request(&addr.to_string(), None)).unwrap();
    let upgrade = upgrade.replacen("\r\n\r\n", &format!("\r\n{EXTRA}\r\n"), 1);
    s.write_all(upgrade.as_bytes()).unwrap();
    let mut p = Vec::new();
    assert_eq!(read_response(&mut s, &mut p, false).unwrap().status, 101);
    send(
        &mut s,
        ClientFrame::Hello {
            version: vango::protocol::VERSION,
            csrf: csrf.into(),
            session: String::new(),
            last_patch_seq: 0,
            last_event_seq: 0,
            render_hash: 0,
            path: URL.into(),
        },
    );
    assert!(matches!(
        recv(&mut s, &mut p),
        ServerFrame::ServerHello {
            status: HelloStatus::New,
            ..
        }
    ));
    let html = match recv(&mut s, &mut p) {
        ServerFrame::Patches { ops, .. } => match &ops[..] {
            [Op::Patch(Patch::ReplaceNode { html, .. })] => html.to_string(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    (s, p, html)
}

#[test]
fn first_paint_and_live_session_see_the_same_request() {
    let srv = app().workers(1).spawn("127.0.0.1:0").unwrap();
    let addr = srv.local_addr();
    let raw = format!("GET {URL} HTTP/1.1\r\nHost: {addr}\r\n{EXTRA}Connection: close\r\n\r\n");
    let page = roundtrip(addr, raw.as_bytes()).unwrap();
    assert_eq!(page.status, 200);
    let page = String::from_utf8(page.body).unwrap();
    let want = "path=/users/7/files/a/b%20c params=[id=7,rest=a/b c] id=Some(7) \
                query=[tab=x&amp;y,tab=2,q=r s] ua=Some(\"raw-test/1\") \
                lang=Some(\"fr\") cookies=[theme=dark,sid=abc,lang=en] \
                theme=Some(\"dark\") peer=Some(127.0.0.1) ws=None";
    assert_eq!(page.matches(want).count(), 2, "setup and render: {page}");

    let (mut s, mut p, live_root) = live(addr, &attr(&page, "data-csrf"));
    assert!(live_root.contains(want), "{live_root}");
    assert!(
        page.contains(&live_root),
        "live {live_root}\nfirst paint {page}"
    );

    // Handlers reach it too.
    let at = live_root.find("<button").unwrap();
    let hid: u32 = attr(&live_root[at..], "data-hid").parse().unwrap();
    send(
        &mut s,
        ClientFrame::Event {
            seq: 1,
            event: Event {
                hid,
                name: "click",
                data: EventData::None,
            },
        },
    );
    match recv(&mut s, &mut p) {
        ServerFrame::Patches { ops, .. } => assert!(
            format!("{ops:?}").contains(&URL.replace('&', "&amp;")),
            "{ops:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_session_without_cookies_sees_none() {
    let srv = app().workers(1).spawn("127.0.0.1:0").unwrap();
    let addr = srv.local_addr();
    let page = roundtrip(
        addr,
        format!("GET {URL} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let page = String::from_utf8(page.body).unwrap();
    assert!(
        page.contains("ua=None lang=None cookies=[] theme=None"),
        "{page}"
    );
}
