//! A hand-built counter view and a raw WebSocket client speaking the protocol, shared by
//! the session tests (`tests/session.rs`, `tests/session_resume.rs`).

use std::cell::Cell;
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::rc::Rc;

use std::time::Duration;
use vango::protocol::{decode_server, ClientFrame, HelloStatus, Op, ServerFrame};

use vango::component::DispatchError;
use vango::live::{notify_dirty, DispatchFailed, IntoView, SessionConfig, View};
use vango::server::{Core, RunningServer};
use vango::vdom::{Element, Event, EventData, Listener, Patch, PatchSink, VNode};
use vango::App;

use super::*;

/// A hand-built counter: `<div 1><h1 2>Count: n</h1><button 3>+</button><button 4>boom</button></div>`.
pub struct Counter {
    pub n: Rc<Cell<i32>>,
    pub root: VNode,
    pub dirty: Rc<Cell<bool>>,
}

pub fn el(tag: &'static str, hid: u32, children: Vec<VNode>, click: bool) -> VNode {
    let mut e = Element::new(tag);
    e.hid = hid;
    e.children = children;
    if click {
        e.listeners.push(Listener {
            event: "click",
            modifiers: Default::default(),
            handler: Rc::new(|_: &Event| Ok(())),
        });
    }
    VNode::Element(Box::new(e))
}

pub fn counter_tree(n: i32) -> VNode {
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
    pub fn new(n: i32) -> Self {
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
    fn dispatch(&mut self, event: &Event) -> Result<vango::vdom::Handled, DispatchFailed> {
        match (event.hid, event.name) {
            (3, "click") => {
                self.n.set(self.n.get() + 1);
                self.dirty.set(true);
                Ok(Ok(()))
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
                Ok(Ok(()))
            }
            (4, "click") => panic!("boom"),
            _ => Err(DispatchFailed(DispatchError::UnknownHid(event.hid))),
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

pub fn app(workers: usize, config: SessionConfig) -> RunningServer {
    App::new()
        .title("Counter")
        .page_view("/", || Counter::new(0))
        .workers(workers)
        .sessions(config)
        .spawn("127.0.0.1:0")
        .unwrap()
}

/// GETs the page and returns (csrf, hash, html).
pub fn page(addr: SocketAddr) -> (String, u32, String) {
    let r = roundtrip(addr, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    assert_eq!(r.status, 200);
    let html = String::from_utf8(r.body).unwrap();
    let attr = |name: &str| {
        let start = html.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        html[start..start + html[start..].find('"').unwrap()].to_string()
    };
    (attr("data-csrf"), attr("data-hash").parse().unwrap(), html)
}

pub struct Client {
    pub s: TcpStream,
    pub p: Vec<u8>,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
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
    pub fn send(&mut self, f: ClientFrame) {
        let mut out = Vec::new();
        f.encode(&mut out);
        self.s.write_all(&ws_frame(0x2, &out)).unwrap();
    }
    pub fn recv(&mut self) -> Option<ServerFrame> {
        loop {
            let (op, payload) = read_ws_frame(&mut self.s, &mut self.p)?;
            match op {
                0x2 => return Some(decode_server(&payload).expect("valid server frame")),
                0x8 => return None,
                _ => {}
            }
        }
    }
    pub fn hello(
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
    pub fn click(&mut self, seq: u64, hid: u32) -> ServerFrame {
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

pub fn set_text(frame: &ServerFrame) -> Option<(u64, u64, String)> {
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

pub fn new_session(c: &mut Client, csrf: &str, hash: u32) -> String {
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
