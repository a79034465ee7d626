//! Live navigation over a raw client: `navigate` from a handler and the client's navigate
//! event (link click, back/forward) mount the route in place as one frame (ReplaceNode of
//! the root, SetTitle, PushUrl); `set_query` re-renders with the new query without a
//! remount; a missing route renders the 404 page; a foreign URL is rejected; the session
//! store survives.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};

use vango::live::SharedSignal;
use vango::prelude::*;
use vango::protocol::{decode_server, ClientFrame, HelloStatus, Op, ServerFrame};
use vango::vdom::Patch;
use vango::App;
use vango_test_support::raw::*;

static CLICKS: SharedSignal<u32> = SharedSignal::new(|| 0);

fn app() -> App {
    App::new()
        .page("/", || {
            set_title("Home");
            move || {
                div((
                    button("go").on_click(|_| {
                        CLICKS.update(|n| *n += 1);
                        navigate("/todos/3?x=1")
                    }),
                    button("replace").on_click(|_| navigate_replace("/todos")),
                    button("later").on_click(|_| {
                        spawn_task(async { navigate("/todos/8") });
                    }),
                ))
            }
        })
        .page("/todos", || {
            let mounts = signal(0u32);
            mounts.update(|n| *n += 1);
            move || {
                let filter = use_request()
                    .query()
                    .get("filter")
                    .unwrap_or("all")
                    .to_owned();
                div((
                    p(format!("filter {filter} mounts {}", mounts.get())),
                    button("done").on_click(|_| set_query([("filter", "done & co")])),
                    button("page").on_click(|_| patch_query("page", Some("2"), true)),
                ))
            }
        })
        .page("/list", || {
            let (filter, page) = (url_state("filter"), url_state("page"));
            move || {
                div((
                    p(format!("{} {}", filter.get_or("all"), page.get_or("1"))),
                    button("both").on_click(move |_| {
                        filter.set("a b");
                        page.set("3");
                    }),
                    button("clear").on_click(move |_| filter.clear()),
                ))
            }
        })
        .page("/todos/:id", || {
            let id: u32 = use_request().param("id").unwrap_or_default();
            set_title(format!("Todo {id}"));
            move || h1(format!("todo {id} clicks {}", CLICKS.get()))
        })
}

struct Client {
    s: TcpStream,
    p: Vec<u8>,
    seq: u64,
}

impl Client {
    fn open(addr: SocketAddr, url: &str) -> Client {
        let page = roundtrip(
            addr,
            format!("GET {url} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
        );
        let html = String::from_utf8(page.unwrap().body).unwrap();
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
        c.send(ClientFrame::Hello {
            version: vango::protocol::VERSION,
            csrf: attr("data-csrf"),
            session: String::new(),
            last_patch_seq: 0,
            last_event_seq: 0,
            render_hash: attr("data-hash").parse().unwrap(),
            path: url.into(),
        });
        assert!(matches!(
            c.recv(),
            ServerFrame::ServerHello {
                status: HelloStatus::New,
                ..
            }
        ));
        c
    }

    fn send(&mut self, f: ClientFrame) {
        let mut out = Vec::new();
        f.encode(&mut out);
        self.s.write_all(&ws_frame(0x2, &out)).unwrap();
    }

    fn recv(&mut self) -> ServerFrame {
        let (op, payload) = read_ws_frame(&mut self.s, &mut self.p).expect("a frame");
        assert_eq!(op, 0x2);
        decode_server(&payload).unwrap()
    }

    fn event(&mut self, hid: u32, name: &'static str, data: EventData) -> ServerFrame {
        self.seq += 1;
        self.send(ClientFrame::Event {
            seq: self.seq,
            event: Event { hid, name, data },
        });
        self.recv()
    }

    fn click(&mut self, hid: u32) -> Vec<Op> {
        match self.event(hid, "click", EventData::None) {
            ServerFrame::Patches { ops, .. } => ops,
            other => panic!("{other:?}"),
        }
    }

    fn go(&mut self, url: &str) -> ServerFrame {
        self.event(0, "navigate", EventData::Navigate(url.into()))
    }
}

fn start() -> SocketAddr {
    let srv = app().workers(1).spawn("127.0.0.1:0").unwrap();
    let addr = srv.local_addr();
    std::mem::forget(srv); // lives for the test process
    addr
}

#[test]
fn navigate_from_a_handler_mounts_the_route_in_one_frame() {
    let addr = start();
    let mut c = Client::open(addr, "/");
    // Hids: div 1, buttons 2 and 3.
    let ops = c.click(2);
    match &ops[..] {
        [Op::Patch(Patch::ReplaceNode { hid: 1, html }), Op::SetTitle(t), Op::PushUrl {
            replace: false,
            url,
        }] => {
            assert!(html.contains(">todo 3 clicks 1</h1>"), "{html}");
            assert_eq!((t.as_str(), url.as_str()), ("Todo 3", "/todos/3?x=1"));
        }
        other => panic!("{other:?}"),
    }
    // The client's navigate event (a link, back): the same, shared state kept.
    match c.go("/") {
        ServerFrame::Patches { ops, .. } => match &ops[..] {
            [Op::Patch(Patch::ReplaceNode { hid: 1, html }), Op::SetTitle(t), Op::PushUrl {
                replace: false,
                url,
            }] => {
                assert!(html.contains(">go</button>"), "{html}");
                assert_eq!((t.as_str(), url.as_str()), ("Home", "/"));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    let ops = c.click(2);
    assert!(
        matches!(&ops[0], Op::Patch(Patch::ReplaceNode { html, .. }) if html.contains("clicks 2")),
        "the session store survives navigation: {ops:?}"
    );
    c.go("/");
    let ops = c.click(3);
    assert!(
        matches!(&ops[..], [Op::Patch(Patch::ReplaceNode { .. }), Op::SetTitle(_), Op::PushUrl { replace: true, url }] if url == "/todos"),
        "{ops:?}"
    );
}

#[test]
fn missing_routes_render_the_404_page_and_foreign_urls_are_rejected() {
    let addr = start();
    let mut c = Client::open(addr, "/");
    match c.go("/nowhere?q=1") {
        ServerFrame::Patches { ops, .. } => match &ops[..] {
            [Op::Patch(Patch::ReplaceNode { html, .. }), Op::SetTitle(t), Op::PushUrl { url, .. }] =>
            {
                assert!(html.contains("Not Found"), "{html}");
                assert_eq!(url, "/nowhere?q=1");
                assert_eq!(t, "", "a page without a title gets the app's (none here)");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    for bad in [
        "https://evil.test/",
        "//evil.test/x",
        "/\\evil.test",
        "todos",
    ] {
        assert!(
            matches!(c.go(bad), ServerFrame::Reject { code: 10, .. }),
            "{bad}"
        );
    }
    assert!(matches!(c.go("/todos/5"), ServerFrame::Patches { .. }));
}

#[test]
fn set_query_rerenders_without_a_remount() {
    let addr = start();
    let mut c = Client::open(addr, "/todos?page=1");
    // Hids: div 1, p 2, buttons 3 and 4.
    let ops = c.click(3);
    match &ops[..] {
        [Op::Patch(Patch::SetText { text, .. }), Op::PushUrl {
            replace: false,
            url,
        }] => {
            assert_eq!(text, "filter done & co mounts 1");
            assert_eq!(url, "/todos?filter=done%20%26%20co");
        }
        other => panic!("{other:?}"),
    }
    let ops = c.click(4);
    assert!(
        matches!(&ops[..], [Op::PushUrl { replace: true, url }] if url == "/todos?filter=done%20%26%20co&page=2"),
        "{ops:?}"
    );
}

#[test]
fn url_state_lives_in_the_query_with_replace() {
    let addr = start();
    let first = roundtrip(
        addr,
        format!("GET /list?page=2&filter=x HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let first = String::from_utf8(first.body).unwrap();
    assert!(
        first.contains(">x 2</p>"),
        "the first paint reads it: {first}"
    );
    let mut c = Client::open(addr, "/list?page=2&keep=1");
    // Hids: div 1, p 2, buttons 3 and 4. Two writes in one handler build on each other.
    let ops = c.click(3);
    match &ops[..] {
        [Op::Patch(Patch::SetText { text, .. }), Op::PushUrl { replace: true, url }] => {
            assert_eq!(text, "a b 3");
            assert_eq!(url, "/list?page=3&keep=1&filter=a%20b");
        }
        other => panic!("{other:?}"),
    }
    let ops = c.click(4);
    assert!(
        matches!(&ops[..], [Op::Patch(Patch::SetText { text, .. }), Op::PushUrl { replace: true, url }]
            if text == "all 3" && url == "/list?page=3&keep=1"),
        "{ops:?}"
    );
}

#[test]
fn titles_and_head_entries_in_the_first_paint() {
    let srv = app()
        .title("App")
        .stylesheet("/s.css?a=1&b=\"")
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let get = |path: &str| {
        let r = roundtrip(
            srv.local_addr(),
            format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", srv.local_addr()).as_bytes(),
        );
        String::from_utf8(r.unwrap().body).unwrap()
    };
    let todo = get("/todos/4");
    assert!(todo.contains("<title>Todo 4</title>"), "{todo}");
    assert!(
        todo.contains(r#"<link rel="stylesheet" href="/s.css?a=1&amp;b=&quot;"></head>"#),
        "{todo}"
    );
    assert!(
        get("/list").contains("<title>App</title>"),
        "the app's title by default"
    );
}

#[test]
fn a_task_can_navigate() {
    let addr = start();
    let mut c = Client::open(addr, "/");
    // Hids: div 1, buttons 2, 3 and 4: the click is acknowledged, the task's navigation
    // follows as its own frame.
    assert!(matches!(
        c.event(4, "click", EventData::None),
        ServerFrame::Ack { .. }
    ));
    match c.recv() {
        ServerFrame::Patches { ops, .. } => assert!(
            matches!(&ops[..], [Op::Patch(Patch::ReplaceNode { html, .. }), Op::SetTitle(_), Op::PushUrl { replace: false, url }]
                if html.contains(">todo 8 ") && url == "/todos/8"),
            "{ops:?}"
        ),
        other => panic!("{other:?}"),
    }
}
