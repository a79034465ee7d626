//! Hook scripts over real sockets: the standard hooks' scripts are served (ETag, gzip); a
//! page's `use_hook_script` puts them in its first paint's `<head>` before the client; a
//! live navigation (or a handler) sends a LoadScript op for each the browser lacks, once;
//! the decoders of what the standard hooks send refuse bad payloads.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};

use vango::prelude::*;
use vango::protocol::{decode_server, ClientFrame, HelloStatus, Op, ServerFrame};
use vango::server::HOOK_SCRIPTS;
use vango::vdom::Patch;
use vango::view::hooks::{parse_order, parse_point};
use vango::App;
use vango_test_support::raw::*;

fn app() -> App {
    App::new()
        .page("/", || {
            move || {
                div((
                    button("go").on_click(|_| navigate("/board")),
                    button("late").on_click(|_| use_hook_script("/late.js")),
                ))
            }
        })
        .page("/board", || {
            use_hook_script(StandardHook::Sortable);
            use_hook_script(StandardHook::Tooltip);
            use_hook_script("/mine.js");
            use_hook_script("https://elsewhere.example/x.js");
            use_hook_script("//elsewhere.example/x.js");
            use_hook_script(StandardHook::Sortable);
            let n = signal(0);
            move || {
                div((
                    ul(li("a")).sortable(|_| ()),
                    button("+").on_click(move |_| n.inc()),
                    p(n.get().to_string()),
                ))
            }
        })
}

fn start() -> SocketAddr {
    let srv = app().workers(1).spawn("127.0.0.1:0").unwrap();
    let addr = srv.local_addr();
    std::mem::forget(srv); // lives for the test process
    addr
}

fn get(addr: SocketAddr, path: &str, extra: &str) -> Resp {
    roundtrip(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}\r\n").as_bytes(),
    )
    .unwrap()
}

const BOARD_SCRIPTS: [&str; 3] = [
    "/_vango/hooks/sortable.js",
    "/_vango/hooks/tooltip.js",
    "/mine.js",
];

struct Client {
    s: TcpStream,
    p: Vec<u8>,
    seq: u64,
}

impl Client {
    fn open(addr: SocketAddr, url: &str) -> Client {
        let html = String::from_utf8(get(addr, url, "").body).unwrap();
        let attr = |name: &str| {
            let start = html.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            html[start..start + html[start..].find('"').unwrap()].to_string()
        };
        let mut c = Client {
            s: connect(addr),
            p: Vec::new(),
            seq: 0,
        };
        c.s.write_all(&ws_request(&addr.to_string(), None)).unwrap();
        assert_eq!(
            read_response(&mut c.s, &mut c.p, false).unwrap().status,
            101
        );
        let mut out = Vec::new();
        ClientFrame::Hello {
            version: vango::protocol::VERSION,
            csrf: attr("data-csrf"),
            session: String::new(),
            last_patch_seq: 0,
            last_event_seq: 0,
            render_hash: attr("data-hash").parse().unwrap(),
            path: url.into(),
        }
        .encode(&mut out);
        c.s.write_all(&ws_frame(0x2, &out)).unwrap();
        assert!(matches!(
            c.recv(),
            ServerFrame::ServerHello {
                status: HelloStatus::New,
                ..
            }
        ));
        c
    }

    fn recv(&mut self) -> ServerFrame {
        let (op, payload) = read_ws_frame(&mut self.s, &mut self.p).expect("a frame");
        assert_eq!(op, 0x2);
        decode_server(&payload).unwrap()
    }

    fn event(&mut self, hid: u32, name: &'static str, data: EventData) -> Vec<Op> {
        self.seq += 1;
        let mut out = Vec::new();
        ClientFrame::Event {
            seq: self.seq,
            event: Event { hid, name, data },
        }
        .encode(&mut out);
        self.s.write_all(&ws_frame(0x2, &out)).unwrap();
        match self.recv() {
            ServerFrame::Patches { ops, .. } => ops,
            ServerFrame::Ack { .. } => Vec::new(),
            other => panic!("{other:?}"),
        }
    }

    fn go(&mut self, url: &str) -> Vec<Op> {
        self.event(0, "navigate", EventData::Navigate(url.into()))
    }
}

fn loads(ops: &[Op]) -> Vec<&str> {
    ops.iter()
        .filter_map(|o| match o {
            Op::LoadScript(u) => Some(u.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn standard_hook_scripts_are_served_with_etag_and_gzip() {
    let addr = start();
    assert_eq!(HOOK_SCRIPTS.len(), StandardHook::ALL.len());
    for (h, (path, js, gz)) in StandardHook::ALL.iter().zip(HOOK_SCRIPTS) {
        assert_eq!(h.src(), path);
        let r = get(addr, h.src(), "");
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("content-type").unwrap().contains("javascript"));
        assert_eq!(r.body, js);
        assert!(
            String::from_utf8_lossy(js).contains(&format!(".{}=", h.name())),
            "{path} registers {}",
            h.name()
        );
        let etag = r.header("etag").unwrap().to_owned();
        assert_eq!(
            get(addr, path, &format!("If-None-Match: {etag}\r\n")).status,
            304
        );
        let z = get(addr, path, "Accept-Encoding: gzip\r\n");
        assert_eq!(z.header("content-encoding"), Some("gzip"));
        assert_eq!(z.body, gz);
    }
}

#[test]
fn the_first_paint_has_the_page_hook_scripts_in_head_before_the_client() {
    let addr = start();
    let html = String::from_utf8(get(addr, "/board", "").body).unwrap();
    // Every script carries the page's CSP nonce (tests/csp.rs): compared without it.
    let nonce = html.split("<script nonce=\"").nth(1).expect("a nonce")[..32].to_owned();
    let html = html.replace(&format!("<script nonce=\"{nonce}\" "), "<script ");
    let head = &html[..html.find("</head>").unwrap()];
    let tags: String = BOARD_SCRIPTS
        .iter()
        .map(|s| format!("<script defer src=\"{s}\"></script>"))
        .collect();
    assert!(head.ends_with(&tags), "{head}");
    assert!(!html.contains("elsewhere"), "non-local URLs are ignored");
    assert!(html.find(&tags).unwrap() < html.find("/_vango/client.js").unwrap());
    let home = String::from_utf8(get(addr, "/", "").body).unwrap();
    assert!(!home.contains("/_vango/hooks/"), "{home}");
}

#[test]
fn a_live_navigation_loads_the_scripts_the_browser_lacks_once() {
    let addr = start();
    let mut c = Client::open(addr, "/");
    // Hids: div 1, buttons 2, 3.
    let ops = c.event(2, "click", EventData::None);
    assert_eq!(loads(&ops), BOARD_SCRIPTS, "{ops:?}");
    // LoadScript ops come first, then the navigation's own.
    assert!(
        matches!(
            &ops[3..],
            [
                Op::Patch(Patch::ReplaceNode { .. }),
                Op::SetTitle(_),
                Op::PushUrl { .. }
            ]
        ),
        "{ops:?}"
    );
    let ops = c.go("/");
    assert_eq!(loads(&ops), Vec::<&str>::new());
    let ops = c.go("/board");
    assert_eq!(loads(&ops), Vec::<&str>::new(), "loaded once per page");
    // A handler asking for a script: the next frame loads it.
    c.go("/");
    let ops = c.event(3, "click", EventData::None);
    assert_eq!(loads(&ops), ["/late.js"], "{ops:?}");
}

#[test]
fn a_session_mounted_on_a_page_does_not_reload_its_first_paint_scripts() {
    let addr = start();
    let mut c = Client::open(addr, "/board");
    // Hids: div 1, ul 2, li 3, button 4.
    let ops = c.event(4, "click", EventData::None);
    assert!(!ops.is_empty());
    assert_eq!(loads(&ops), Vec::<&str>::new(), "{ops:?}");
}

#[test]
fn bad_hook_payloads_decode_to_none() {
    for bad in [
        "",
        "[",
        "[\"a\"",
        "[\"a\",]",
        "[\"a\" \"b\"]",
        "[\"a\"] x",
        "[1]",
        "[\"\\x\"]",
        "[\"\\u12\"]",
        "[\"\\ud800\"]",
        "[\"a\u{1}\"]",
        "{}",
    ] {
        assert_eq!(parse_order(bad), None, "{bad:?}");
    }
    let many = format!("[{}]", vec!["\"a\""; 10_001].join(","));
    assert_eq!(parse_order(&many), None, "bounded");
    assert_eq!(parse_order(" [ ] "), Some(vec![]));
    assert_eq!(
        parse_order("[\"\\u00e9\\n\", \"é\"]"),
        Some(vec!["é\n".into(), "é".into()])
    );
    for bad in [
        "",
        "{}",
        "{\"x\":1}",
        "{\"x\":1,\"y\":2,\"z\":3}",
        "{\"x\":1.5,\"y\":2}",
        "{\"x\":99999999999,\"y\":0}",
    ] {
        assert_eq!(parse_point(bad), None, "{bad:?}");
    }
    assert_eq!(parse_point("{ \"y\" : 2 , \"x\" : -1 }"), Some((-1, 2)));
}
