//! Sessions over real sockets: SSR page, Hello, events → Patches, acks and rejects,
//! resume from the ring or by full render, hand-off across cores, expiry, panics.

mod support;

use std::cell::Cell;
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::rc::Rc;
use std::time::Duration;

use support::*;
use vango::protocol::{decode_server, ClientFrame, HelloStatus, Op, ServerFrame};
use vango::server::session::{notify_dirty, DispatchFailed, IntoView, SessionConfig, View};
use vango::server::{App, Core, RunningServer};
use vango::vdom::{Element, Event, EventData, Listener, Patch, PatchSink, VNode};

/// A hand-built counter: `<div 1><h1 2>Count: n</h1><button 3>+</button><button 4>boom</button></div>`.
struct Counter {
    n: Rc<Cell<i32>>,
    root: VNode,
    dirty: Rc<Cell<bool>>,
}

fn el(tag: &'static str, hid: u32, children: Vec<VNode>, click: bool) -> VNode {
    let mut e = Element::new(tag);
    e.hid = hid;
    e.children = children;
    if click {
        e.listeners.push(Listener {
            event: "click",
            modifiers: Default::default(),
            handler: Rc::new(|_: &Event| {}),
        });
    }
    VNode::Element(Box::new(e))
}

fn counter_tree(n: i32) -> VNode {
    el(
        "div",
        1,
        vec![
            el(
                "h1",
                2,
                vec![VNode::Text(format!("Count: {n}").into())],
                false,
            ),
            el("button", 3, vec![VNode::Text("+".into())], true),
            el("button", 4, vec![VNode::Text("boom".into())], true),
        ],
        false,
    )
}

impl Counter {
    fn new(n: i32) -> Self {
        Counter {
            n: Rc::new(Cell::new(n)),
            root: counter_tree(n),
            dirty: Rc::new(Cell::new(false)),
        }
    }
}

impl View for Counter {
    fn root(&self) -> &VNode {
        &self.root
    }
    fn root_hid(&self) -> u32 {
        1
    }
    fn dispatch(&mut self, event: &Event) -> Result<(), DispatchFailed> {
        match (event.hid, event.name) {
            (3, "click") => {
                self.n.set(self.n.get() + 1);
                self.dirty.set(true);
                Ok(())
            }
            // Changes state later, from a task on the core, then rings the bell.
            (5, "click") => {
                let (n, dirty) = (self.n.clone(), self.dirty.clone());
                Core::current().unwrap().spawn(async move {
                    async_io::Timer::after(Duration::from_millis(30)).await;
                    n.set(n.get() + 100);
                    dirty.set(true);
                    notify_dirty();
                });
                Ok(())
            }
            (4, "click") => panic!("boom"),
            _ => Err(DispatchFailed),
        }
    }
    fn is_dirty(&self) -> bool {
        self.dirty.get()
    }
    fn rerender(&mut self, sink: &mut vango::protocol::PatchEncoder) {
        self.root = counter_tree(self.n.get());
        sink.set_text(2, 0, &format!("Count: {}", self.n.get()));
        self.dirty.set(false);
    }
}

impl IntoView for Counter {
    fn into_view(self) -> Box<dyn View> {
        Box::new(self)
    }
}

fn app(workers: usize, config: SessionConfig) -> RunningServer {
    App::new()
        .title("Counter")
        .page_view("/", || Counter::new(0))
        .workers(workers)
        .sessions(config)
        .spawn("127.0.0.1:0")
        .unwrap()
}

/// GETs the page and returns (csrf, hash, html).
fn page(addr: SocketAddr) -> (String, u32, String) {
    let r = roundtrip(addr, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    assert_eq!(r.status, 200);
    let html = String::from_utf8(r.body).unwrap();
    let attr = |name: &str| {
        let start = html.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        html[start..start + html[start..].find('"').unwrap()].to_string()
    };
    (attr("data-csrf"), attr("data-hash").parse().unwrap(), html)
}

struct Client {
    s: TcpStream,
    p: Vec<u8>,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let mut s = connect(addr);
        s.write_all(&ws_request(
            &addr.to_string(),
            Some(&format!("http://{addr}")),
        ))
        .unwrap();
        let mut p = Vec::new();
        assert_eq!(read_response(&mut s, &mut p, false).unwrap().status, 101);
        Client { s, p }
    }
    fn send(&mut self, f: ClientFrame) {
        let mut out = Vec::new();
        f.encode(&mut out);
        self.s.write_all(&ws_frame(0x2, &out)).unwrap();
    }
    fn recv(&mut self) -> Option<ServerFrame> {
        loop {
            let (op, payload) = read_ws_frame(&mut self.s, &mut self.p)?;
            match op {
                0x2 => return Some(decode_server(&payload).expect("valid server frame")),
                0x8 => return None,
                _ => {}
            }
        }
    }
    fn hello(
        &mut self,
        csrf: &str,
        session: &str,
        last_patch: u64,
        last_event: u64,
        hash: u32,
    ) -> ServerFrame {
        self.send(ClientFrame::Hello {
            version: 1,
            csrf: csrf.into(),
            session: session.into(),
            last_patch_seq: last_patch,
            last_event_seq: last_event,
            render_hash: hash,
            path: "/".into(),
        });
        self.recv().expect("ServerHello")
    }
    fn click(&mut self, seq: u64, hid: u32) -> ServerFrame {
        self.send(ClientFrame::Event {
            seq,
            event: Event {
                hid,
                name: "click",
                data: EventData::None,
            },
        });
        self.recv().expect("answer")
    }
}

fn set_text(frame: &ServerFrame) -> Option<(u64, u64, String)> {
    match frame {
        ServerFrame::Patches { seq, ack, ops } => match ops.as_slice() {
            [Op::Patch(Patch::SetText {
                parent: 2,
                index: 0,
                text,
            })] => Some((*seq, *ack, text.clone())),
            _ => None,
        },
        _ => None,
    }
}

fn new_session(c: &mut Client, csrf: &str, hash: u32) -> String {
    match c.hello(csrf, "", 0, 0, hash) {
        ServerFrame::ServerHello {
            version: 1,
            status: HelloStatus::New,
            session,
            last_event_seq: 0,
        } => session,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn page_is_server_rendered_with_boot_script() {
    let srv = app(1, SessionConfig::default());
    let (csrf, hash, html) = page(srv.local_addr());
    assert!(html.contains("<h1 data-hid=\"2\">Count: 0</h1>"), "{html}");
    assert!(html.contains("<title>Counter</title>"));
    assert_eq!(csrf.len(), 32);
    assert_eq!(hash, vango::render::render_hash(&counter_tree(0)));
    let (csrf2, _, _) = page(srv.local_addr());
    assert_ne!(csrf, csrf2);
    let r = roundtrip(
        srv.local_addr(),
        b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
    )
    .unwrap();
    assert_eq!(r.status, 405);
}

#[test]
fn click_gets_one_patches_frame_then_acks_and_rejects() {
    let srv = app(2, SessionConfig::default());
    let (csrf, hash, _) = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    let id = new_session(&mut c, &csrf, hash);
    assert_eq!(id.len(), 34);
    assert_eq!(set_text(&c.click(1, 3)), Some((1, 1, "Count: 1".into())));
    assert_eq!(set_text(&c.click(2, 3)), Some((2, 2, "Count: 2".into())));
    // A resent event is not applied twice.
    assert_eq!(c.click(2, 3), ServerFrame::Ack(2));
    assert_eq!(c.click(3, 99), ServerFrame::Reject { seq: 3, code: 10 });
    c.send(ClientFrame::Ping(77));
    assert_eq!(c.recv(), Some(ServerFrame::Pong(77)));
    assert_eq!(set_text(&c.click(4, 3)), Some((3, 4, "Count: 3".into())));
    // Five Event frames (the Ping is not one); counted just after each answer is sent.
    let t = std::time::Instant::now();
    while metric_sum(srv.local_addr(), "vango_events_total") < 5
        && t.elapsed() < Duration::from_secs(2)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(metric_sum(srv.local_addr(), "vango_events_total"), 5);
    assert_eq!(metric_sum(srv.local_addr(), "vango_sessions"), 1);
}

#[test]
fn stale_render_hash_gets_a_full_render() {
    let srv = app(1, SessionConfig::default());
    let (csrf, hash, _) = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    new_session(&mut c, &csrf, hash.wrapping_add(1));
    match c.recv() {
        Some(ServerFrame::Patches { seq: 1, ops, .. }) => {
            assert!(
                matches!(&ops[..], [Op::Patch(Patch::ReplaceNode { hid: 1, html })] if html.contains("Count: 0"))
            );
        }
        other => panic!("expected a full render, got {other:?}"),
    }
}

#[test]
fn bad_csrf_is_refused() {
    let srv = app(1, SessionConfig::default());
    let mut c = Client::connect(srv.local_addr());
    let (_, hash, _) = page(srv.local_addr());
    match c.hello("0123456789abcdef0123456789abcdef", "", 0, 0, hash) {
        ServerFrame::Close { code: 4, .. } => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn resume_resends_missed_frames_from_the_ring() {
    let srv = app(1, SessionConfig::default());
    let (csrf, hash, _) = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    let id = new_session(&mut c, &csrf, hash);
    c.click(1, 3);
    c.click(2, 3);
    drop(c);
    // The client applied patch 1 only and sent events up to 2.
    let mut c = Client::connect(srv.local_addr());
    match c.hello(&csrf, &id, 1, 2, hash) {
        ServerFrame::ServerHello {
            status: HelloStatus::Resumed,
            last_event_seq: 2,
            session,
            ..
        } => {
            assert_eq!(session, id)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        set_text(&c.recv().unwrap()),
        Some((2, 2, "Count: 2".into()))
    );
    assert_eq!(set_text(&c.click(3, 3)), Some((3, 3, "Count: 3".into())));
}

#[test]
fn resume_beyond_the_ring_re_renders_the_root() {
    let srv = app(
        1,
        SessionConfig {
            ring_frames: 1,
            ..Default::default()
        },
    );
    let (csrf, hash, _) = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    let id = new_session(&mut c, &csrf, hash);
    for seq in 1..=3 {
        c.click(seq, 3);
    }
    drop(c);
    let mut c = Client::connect(srv.local_addr());
    assert!(matches!(
        c.hello(&csrf, &id, 0, 3, hash),
        ServerFrame::ServerHello {
            status: HelloStatus::Resumed,
            ..
        }
    ));
    // Numbered right after the last frame the client applied (0), not after the missed ones.
    match c.recv() {
        Some(ServerFrame::Patches {
            seq: 1,
            ack: 3,
            ops,
        }) => {
            assert!(
                matches!(&ops[..], [Op::Patch(Patch::ReplaceNode { hid: 1, html })] if html.contains("Count: 3"))
            );
        }
        other => panic!("{other:?}"),
    }
}

/// What `client/src/socket.js` does with one frame: applies Patches only in seq order and
/// answers a gap with Resync. Returns the count text it applied, if any.
fn in_order_client(c: &mut Client, pseq: &mut u64, resyncs: &mut u32) -> Option<String> {
    match c.recv().expect("a frame") {
        ServerFrame::Patches { seq, ops, .. } => {
            if seq != *pseq + 1 {
                if seq > *pseq {
                    *resyncs += 1;
                    c.send(ClientFrame::Resync {
                        last_patch_seq: *pseq,
                    });
                }
                return None;
            }
            *pseq = seq;
            ops.iter().find_map(|op| match op {
                Op::Patch(Patch::ReplaceNode { html, .. }) => {
                    let at = html.find("Count: ")?;
                    Some(html[at..].split('<').next()?.to_string())
                }
                Op::Patch(Patch::SetText { text, .. }) => Some(text.clone()),
                _ => None,
            })
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// Regression: a full render used to be numbered after the frames the client missed, so
/// the browser client (in-order only) answered it with Resync, which brought another full
/// render with a higher seq, and so on forever; the count never updated.
#[test]
fn resync_past_the_ring_converges_for_an_in_order_client() {
    let srv = app(
        1,
        SessionConfig {
            ring_frames: 2,
            ..Default::default()
        },
    );
    let (csrf, hash, _) = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    let id = new_session(&mut c, &csrf, hash);
    assert_eq!(set_text(&c.click(1, 3)), Some((1, 1, "Count: 1".into())));
    // Frames 2..=6 are lost in flight: more than the ring's 2.
    for seq in 2..=6 {
        c.click(seq, 3);
    }
    drop(c);
    let mut c = Client::connect(srv.local_addr());
    assert!(matches!(
        c.hello(&csrf, &id, 1, 6, hash),
        ServerFrame::ServerHello {
            status: HelloStatus::Resumed,
            last_event_seq: 6,
            ..
        }
    ));
    let (mut pseq, mut resyncs) = (1, 0);
    let text = in_order_client(&mut c, &mut pseq, &mut resyncs);
    assert_eq!((text.as_deref(), pseq, resyncs), (Some("Count: 6"), 2, 0));
    // A stale Resync (the JS client sends one per gapped frame still in flight) gets the
    // same frame again, which the client skips: no new full render, no loop.
    c.send(ClientFrame::Resync { last_patch_seq: 1 });
    assert_eq!(in_order_client(&mut c, &mut pseq, &mut resyncs), None);
    assert_eq!((pseq, resyncs), (2, 0));
    assert_eq!(set_text(&c.click(7, 3)), Some((3, 7, "Count: 7".into())));
    // A Resync past the ring on a live connection converges the same way.
    for seq in 8..=10 {
        c.click(seq, 3);
    }
    c.send(ClientFrame::Resync { last_patch_seq: 3 });
    let (mut pseq, mut resyncs) = (3, 0);
    let text = in_order_client(&mut c, &mut pseq, &mut resyncs);
    assert_eq!((text.as_deref(), pseq, resyncs), (Some("Count: 10"), 4, 0));
    assert_eq!(set_text(&c.click(11, 3)), Some((5, 11, "Count: 11".into())));
}

#[test]
fn resume_lands_on_any_core_and_state_stays_put() {
    let srv = app(2, SessionConfig::default());
    let addr = srv.local_addr();
    let (csrf, hash, _) = page(addr);
    let mut c = Client::connect(addr);
    let id = new_session(&mut c, &csrf, hash);
    let owner: usize = usize::from_str_radix(&id[..2], 16).unwrap();
    let mut seq = 0;
    for _ in 0..12 {
        drop(c);
        c = Client::connect(addr);
        match c.hello(&csrf, &id, seq, seq, hash) {
            ServerFrame::ServerHello {
                status: HelloStatus::Resumed,
                ..
            } => {}
            other => panic!("{other:?}"),
        }
        seq += 1;
        assert_eq!(
            set_text(&c.click(seq, 3)),
            Some((seq, seq, format!("Count: {seq}")))
        );
    }
    let raw = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let text = String::from_utf8(roundtrip(addr, raw.as_bytes()).unwrap().body).unwrap();
    let sessions_on = |core: usize| -> u64 {
        let key = format!("vango_sessions{{core=\"{core}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(key.as_str()))
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!((sessions_on(owner), sessions_on(1 - owner)), (1, 0));
    // 12 reconnects over 2 cores: all on the owner has probability 2^-12.
    assert!(metric_sum(addr, "vango_handoffs_total") >= 1, "{text}");
}

#[test]
fn unknown_and_expired_sessions_are_gone() {
    let srv = app(
        1,
        SessionConfig {
            resume_window: Duration::from_millis(200),
            ..Default::default()
        },
    );
    let (csrf, hash, _) = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    let bogus = format!("00{}", "ab".repeat(16));
    assert!(matches!(
        c.hello(&csrf, &bogus, 0, 0, hash),
        ServerFrame::ServerHello {
            status: HelloStatus::Gone,
            ..
        }
    ));
    let mut c = Client::connect(srv.local_addr());
    let id = new_session(&mut c, &csrf, hash);
    drop(c);
    std::thread::sleep(Duration::from_millis(600));
    let mut c = Client::connect(srv.local_addr());
    assert!(matches!(
        c.hello(&csrf, &id, 0, 0, hash),
        ServerFrame::ServerHello {
            status: HelloStatus::Gone,
            ..
        }
    ));
    assert_eq!(metric_sum(srv.local_addr(), "vango_evictions_total"), 1);
    assert_eq!(metric_sum(srv.local_addr(), "vango_sessions"), 0);
}

#[test]
fn panicking_handler_ends_the_session_not_the_server() {
    let srv = app(1, SessionConfig::default());
    let (csrf, hash, _) = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    new_session(&mut c, &csrf, hash);
    assert!(matches!(c.click(1, 4), ServerFrame::Error { code: 8, .. }));
    assert_eq!(metric_sum(srv.local_addr(), "vango_sessions"), 0);
    let mut c = Client::connect(srv.local_addr());
    new_session(&mut c, &csrf, hash);
    assert_eq!(set_text(&c.click(1, 3)), Some((1, 1, "Count: 1".into())));
}

#[test]
fn client_close_frees_the_session_at_once() {
    let srv = app(1, SessionConfig::default());
    let (csrf, hash, _) = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    new_session(&mut c, &csrf, hash);
    assert_eq!(metric_sum(srv.local_addr(), "vango_sessions"), 1);
    c.send(ClientFrame::Close {
        code: 0,
        reason: "bye".into(),
    });
    assert!(closed(&mut c.s));
    assert_eq!(metric_sum(srv.local_addr(), "vango_sessions"), 0);
}

#[test]
fn state_changed_by_a_task_is_pushed_after_notify_dirty() {
    let srv = app(2, SessionConfig::default());
    let (csrf, hash, _) = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    new_session(&mut c, &csrf, hash);
    // The event itself changes nothing: an Ack; the task's change arrives as seq 1.
    assert_eq!(c.click(1, 5), ServerFrame::Ack(1));
    assert_eq!(
        set_text(&c.recv().unwrap()),
        Some((1, 1, "Count: 100".into()))
    );
    assert_eq!(set_text(&c.click(2, 3)), Some((2, 2, "Count: 101".into())));
}

#[test]
fn event_flood_is_closed_with_the_rate_limit_code() {
    let srv = app(
        1,
        SessionConfig {
            max_events_per_sec: 5,
            event_burst: 4,
            ..Default::default()
        },
    );
    let (csrf, hash, _) = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    new_session(&mut c, &csrf, hash);
    let mut patches = 0;
    let mut closed_with = None;
    for seq in 1..=50 {
        match c.click(seq, 3) {
            ServerFrame::Patches { .. } => patches += 1,
            ServerFrame::Close { code, .. } => {
                closed_with = Some(code);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(closed_with, Some(5), "a flood ends with close code 5");
    assert!(
        (4..=6).contains(&patches),
        "the burst of 4 (plus refill) is served, then the limit: {patches}"
    );
}

#[test]
fn at_capacity_the_longest_detached_session_is_evicted_first() {
    let srv = app(
        1,
        SessionConfig {
            max_sessions_per_core: 1,
            ..Default::default()
        },
    );
    let (csrf, hash, _) = page(srv.local_addr());
    // A live session fills the core: a second one is refused with code 6.
    let mut a = Client::connect(srv.local_addr());
    let id_a = new_session(&mut a, &csrf, hash);
    let mut b = Client::connect(srv.local_addr());
    b.send(ClientFrame::Hello {
        version: 1,
        csrf: csrf.clone(),
        session: String::new(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: hash,
        path: "/".into(),
    });
    assert!(matches!(
        b.recv(),
        Some(ServerFrame::Close { code: 6, .. }) | None
    ));
    // Once A's tab is gone (detached, resumable), a new session evicts it instead.
    drop(a);
    std::thread::sleep(Duration::from_millis(200));
    let mut c = Client::connect(srv.local_addr());
    new_session(&mut c, &csrf, hash);
    assert_eq!(metric_sum(srv.local_addr(), "vango_evictions_total"), 1);
    let mut again = Client::connect(srv.local_addr());
    assert!(matches!(
        again.hello(&csrf, &id_a, 0, 0, hash),
        ServerFrame::ServerHello {
            status: HelloStatus::Gone,
            ..
        }
    ));
}

#[test]
fn a_busy_but_legal_session_is_not_rate_limited() {
    let srv = app(1, SessionConfig::default());
    let (csrf, hash, _) = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    new_session(&mut c, &csrf, hash);
    // The default burst (200) covers 150 back-to-back clicks.
    for seq in 1..=150 {
        assert!(
            matches!(c.click(seq, 3), ServerFrame::Patches { .. }),
            "click {seq} was refused"
        );
    }
}

#[test]
fn shutdown_closes_attached_sessions_with_code_9() {
    let srv = app(2, SessionConfig::default());
    let (csrf, hash, _) = page(srv.local_addr());
    let mut clients: Vec<Client> = (0..4)
        .map(|_| {
            let mut c = Client::connect(srv.local_addr());
            new_session(&mut c, &csrf, hash);
            c
        })
        .collect();
    assert_eq!(
        set_text(&clients[0].click(1, 3)),
        Some((1, 1, "Count: 1".into()))
    );
    srv.shutdown_handle().shutdown();
    for c in &mut clients {
        // Sessions hold no stop listener: the bell must wake each one to say goodbye.
        assert!(
            matches!(c.recv(), Some(ServerFrame::Close { code: 9, .. })),
            "no shutdown Close frame"
        );
    }
}
