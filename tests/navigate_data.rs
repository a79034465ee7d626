//! A live navigation waits for the new page's data as the first paint does: over a real
//! socket, the frame of a navigation (a link, a handler's `navigate`, a query patch; a
//! fresh page or one swapped into a shared layout) is held while the page's first fetches
//! run, up to the SSR budget, and goes with the data; past the budget it goes with the
//! loading state and the data follows; an event (or a resync) that arrives meanwhile is
//! answered after it. `LiveTest::navigate` sees the same.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use vango::prelude::*;
use vango::protocol::{decode_server, ClientFrame, HelloStatus, Op, ServerFrame};
use vango::testing::LiveTest;
use vango::vdom::Patch;
use vango::App;
use vango_test_support::raw::*;

/// A page whose resource takes `ms` to load, shown in `#data`.
fn data_page(name: &'static str, ms: u64) -> impl Render {
    let data = resource(
        || (),
        move |_| async move {
            async_io::Timer::after(Duration::from_millis(ms)).await;
            Ok::<_, String>(format!("data {name}"))
        },
    );
    move || p(data.view(|| "Loading".to_owned(), |d| d.clone(), |e| e.to_owned())).id("data")
}

/// A page whose resource loads the query's `n` (10 ms).
fn query_page() -> impl Render {
    let data = resource(
        || use_request().query().get("n").unwrap_or("1").to_owned(),
        |n| async move {
            async_io::Timer::after(Duration::from_millis(10)).await;
            Ok::<_, String>(format!("data {n}"))
        },
    );
    move || {
        div((
            p(data.view(|| "Loading".to_owned(), |d| d.clone(), |e| e.to_owned())).id("data"),
            button("next")
                .id("next")
                .on_click(|_| patch_query("n", Some("2"), false)),
        ))
    }
}

/// The pages, with or without a layout around them all (a navigation between them then
/// swaps only the layout's outlet; its `#n` counter stays mounted).
fn app(layout: bool, budget_ms: u64) -> App {
    let app = App::new()
        .ssr_budget(Duration::from_millis(budget_ms))
        .page("/", || {
            move || {
                div((
                    p("home"),
                    button("go").id("go").on_click(|_| navigate("/fast")),
                ))
            }
        })
        .page("/fast", || data_page("fast", 10))
        .page("/slow", || data_page("slow", 2_000))
        .page("/q", query_page);
    if !layout {
        return app;
    }
    app.layout("/", |outlet: Outlet| {
        let n = signal(0u32);
        move || {
            div((
                button(n.get().to_string())
                    .id("n")
                    .on_click(move |_| n.update(|n| *n += 1)),
                main_(outlet.clone()),
            ))
        }
    })
}

struct Client {
    s: TcpStream,
    p: Vec<u8>,
    seq: u64,
    html: String,
}

impl Client {
    fn open(addr: SocketAddr, url: &str) -> Client {
        let page = roundtrip(
            addr,
            format!("GET {url} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
        );
        let html = String::from_utf8(page.unwrap().body).unwrap();
        let mut c = Client {
            s: connect(addr),
            p: Vec::new(),
            seq: 0,
            html,
        };
        c.s.write_all(&ws_request(&addr.to_string(), None)).unwrap();
        assert_eq!(
            read_response(&mut c.s, &mut c.p, false).unwrap().status,
            101
        );
        c.send(ClientFrame::Hello {
            version: vango::protocol::VERSION,
            csrf: c.attr("data-csrf", 0),
            session: String::new(),
            last_patch_seq: 0,
            last_event_seq: 0,
            render_hash: c.attr("data-hash", 0).parse().unwrap(),
            path: url.into(),
        });
        assert!(matches!(
            c.recv(),
            Some(ServerFrame::ServerHello {
                status: HelloStatus::New,
                ..
            })
        ));
        c
    }

    /// The first attribute `name` in the first paint from byte `from` on.
    fn attr(&self, name: &str, from: usize) -> String {
        let html = &self.html[from..];
        let start = html.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        html[start..start + html[start..].find('"').unwrap()].to_string()
    }

    /// The hid of the first paint's element with `id`.
    fn hid(&self, id: &str) -> u32 {
        let at = self.html.find(&format!("id=\"{id}\"")).expect(id);
        let open = self.html[..at].rfind('<').unwrap();
        self.attr("data-hid", open).parse().unwrap()
    }

    fn send(&mut self, f: ClientFrame) {
        let mut out = Vec::new();
        f.encode(&mut out);
        self.s.write_all(&ws_frame(0x2, &out)).unwrap();
    }

    /// The next frame within `ms` (5 s by default).
    fn recv_within(&mut self, ms: u64) -> Option<ServerFrame> {
        self.s
            .set_read_timeout(Some(Duration::from_millis(ms)))
            .unwrap();
        let (op, payload) = read_ws_frame(&mut self.s, &mut self.p)?;
        assert_eq!(op, 0x2);
        Some(decode_server(&payload).unwrap())
    }

    fn recv(&mut self) -> Option<ServerFrame> {
        self.recv_within(5_000)
    }

    /// Sends an event; returns its seq.
    fn event(&mut self, hid: u32, name: &'static str, data: EventData) -> u64 {
        self.seq += 1;
        self.send(ClientFrame::Event {
            seq: self.seq,
            event: Event { hid, name, data },
        });
        self.seq
    }

    fn go(&mut self, url: &str) -> u64 {
        self.event(0, "navigate", EventData::Navigate(url.into()))
    }

    fn click(&mut self, id: &str) -> u64 {
        let hid = self.hid(id);
        self.event(hid, "click", EventData::None)
    }
}

fn start(layout: bool, budget_ms: u64) -> SocketAddr {
    let srv = app(layout, budget_ms)
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    std::mem::forget(srv); // lives for the test process
    addr
}

/// The HTML and texts a frame's ops put in the page, in order.
fn shown(f: &ServerFrame) -> String {
    let ServerFrame::Patches { ops, .. } = f else {
        panic!("not a Patches frame: {f:?}");
    };
    let mut out = String::new();
    for op in ops {
        match op {
            Op::Patch(Patch::ReplaceNode { html, .. } | Patch::InsertChild { html, .. }) => {
                out.push_str(html);
            }
            Op::Patch(Patch::SetText { text, .. }) => out.push_str(text),
            _ => {}
        }
    }
    out
}

fn acked(f: &ServerFrame) -> u64 {
    match f {
        ServerFrame::Patches { ack, .. } => *ack,
        other => panic!("not a Patches frame: {other:?}"),
    }
}

fn pushed(f: &ServerFrame) -> Option<String> {
    let ServerFrame::Patches { ops, .. } = f else {
        return None;
    };
    ops.iter().find_map(|op| match op {
        Op::PushUrl { url, .. } => Some(url.clone()),
        _ => None,
    })
}

#[test]
fn a_link_to_a_fresh_page_sends_its_data_in_the_first_frame() {
    let mut c = Client::open(start(false, 1_000), "/");
    let seq = c.go("/fast");
    let f = c.recv().expect("the navigation's frame");
    assert_eq!((acked(&f), pushed(&f).as_deref()), (seq, Some("/fast")));
    let html = shown(&f);
    assert!(html.contains(">data fast</p>"), "{f:?}");
    assert!(!html.contains("Loading"), "{f:?}");
    assert!(c.recv_within(200).is_none(), "one frame");
}

#[test]
fn a_handler_navigation_into_a_shared_layout_sends_the_data_in_the_first_frame() {
    let mut c = Client::open(start(true, 1_000), "/");
    let seq = c.click("go");
    let f = c.recv().expect("the navigation's frame");
    assert_eq!((acked(&f), pushed(&f).as_deref()), (seq, Some("/fast")));
    let html = shown(&f);
    // Only the outlet was swapped: the layout's button is not in the frame.
    assert!(!html.contains("<button"), "{f:?}");
    assert!(html.contains(">data fast</p>"), "{f:?}");
    assert!(!html.contains("Loading"), "{f:?}");
    assert!(c.recv_within(200).is_none(), "one frame");
}

#[test]
fn a_query_patch_that_refetches_sends_the_new_data_in_its_frame() {
    let mut c = Client::open(start(false, 1_000), "/q");
    assert!(c.html.contains(">data 1</p>"), "{}", c.html);
    let seq = c.click("next");
    let f = c.recv().expect("the patch's frame");
    assert_eq!((acked(&f), pushed(&f).as_deref()), (seq, Some("/q?n=2")));
    assert_eq!(shown(&f), "data 2", "{f:?}");
}

#[test]
fn past_the_budget_the_loading_state_goes_at_the_budget_and_the_data_follows() {
    let budget = Duration::from_millis(150);
    let mut c = Client::open(start(false, 150), "/");
    let sent = Instant::now();
    c.go("/slow");
    let f = c.recv().expect("the navigation's frame");
    // Held for the budget (a lower bound: a busy machine only makes it later).
    assert!(sent.elapsed() >= budget, "{:?}", sent.elapsed());
    assert!(shown(&f).contains(">Loading</p>"), "{f:?}");
    let f = c.recv().expect("the data");
    assert_eq!(shown(&f), "data slow");
}

#[test]
fn an_event_during_the_hold_is_answered_after_the_held_frame() {
    let mut c = Client::open(start(true, 1_500), "/");
    let nav = c.go("/slow");
    assert!(
        c.recv_within(200).is_none(),
        "the frame waits for the page's data"
    );
    // The layout's counter stays mounted across the navigation.
    let click = c.click("n");
    let f = c.recv().expect("the held frame");
    assert_eq!((acked(&f), pushed(&f).as_deref()), (nav, Some("/slow")));
    assert!(shown(&f).contains(">Loading</p>"), "{f:?}");
    let f = c.recv().expect("the click's answer");
    assert_eq!((acked(&f), shown(&f).as_str()), (click, "1"));
    let f = c.recv().expect("the data");
    assert_eq!(shown(&f), "data slow");
}

#[test]
fn live_test_navigate_waits_for_the_data_too() {
    for layout in [false, true] {
        let t = LiveTest::mount(&app(layout, 1_000), "/");
        t.navigate("/fast");
        assert_eq!(t.find("#data").text(), "data fast", "layout: {layout}");
        let frames = t.frames();
        assert_eq!(frames.len(), 1, "{frames:?}");
        assert!(!shown(&frames[0]).contains("Loading"), "{frames:?}");
    }
}

#[test]
fn a_click_right_after_a_prefetch_waits_for_the_fetches_the_prefetch_started() {
    for layout in [false, true] {
        let mut c = Client::open(start(layout, 1_000), "/");
        // The pointer passed over the link just before the click: the route is prepared,
        // its fetch still running.
        c.event(0, "prefetch", EventData::Navigate("/fast".into()));
        assert!(matches!(c.recv(), Some(ServerFrame::Ack(_))));
        let seq = c.go("/fast");
        let f = c.recv().expect("the navigation's frame");
        assert_eq!(acked(&f), seq);
        let html = shown(&f);
        assert!(html.contains(">data fast</p>"), "layout {layout}: {f:?}");
        assert!(!html.contains("Loading"), "layout {layout}: {f:?}");
    }
}

#[test]
fn a_resync_during_the_hold_gets_the_held_frame_from_the_ring() {
    let mut c = Client::open(start(false, 1_500), "/");
    let nav = c.go("/slow");
    assert!(c.recv_within(200).is_none(), "held");
    c.send(ClientFrame::Resync { last_patch_seq: 0 });
    let f = c.recv().expect("the held frame");
    assert_eq!((acked(&f), pushed(&f).as_deref()), (nav, Some("/slow")));
    assert!(shown(&f).contains(">Loading</p>"), "{f:?}");
    let f = c.recv().expect("the data");
    assert_eq!(shown(&f), "data slow");
}
