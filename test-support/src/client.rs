//! The raw protocol client for session tests: scrapes the SSR page (CSRF token, render hash,
//! hids by element id), upgrades a socket, says Hello, sends events, reads decoded frames.
//! Touches sockets (through `raw`) and vango's public `protocol` types.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use vango::protocol::{decode_server, ClientFrame, HelloStatus, ServerFrame};
use vango::vdom::{Event, EventData};

use crate::raw::{connect, read_response, read_ws_frame, roundtrip, ws_frame, ws_request};

/// The SSR page at `/`: what a browser needs to open a session.
pub struct PageInfo {
    /// The whole HTML document.
    pub html: String,
    /// The page's CSRF token (`data-csrf`).
    pub csrf: String,
    /// The render hash of the first paint (`data-hash`).
    pub hash: u32,
}

/// The value of the first attribute `name` in `html` (page scraping for tests).
pub fn attr(html: &str, name: &str) -> String {
    let start = html.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// GETs `/` (it must answer 200).
pub fn page(addr: SocketAddr) -> PageInfo {
    let get = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let r = roundtrip(addr, get.as_bytes()).expect("a page");
    assert_eq!(r.status, 200, "GET /");
    let html = String::from_utf8(r.body).unwrap();
    PageInfo {
        csrf: attr(&html, "data-csrf"),
        hash: attr(&html, "data-hash").parse().unwrap(),
        html,
    }
}

impl PageInfo {
    /// The hid of the element whose `id` attribute is `id`.
    pub fn hid(&self, id: &str) -> u32 {
        let at = self.html.find(&format!("id=\"{id}\"")).expect(id);
        let open = self.html[..at].rfind('<').unwrap();
        attr(&self.html[open..], "data-hid").parse().unwrap()
    }
}

/// One upgraded WebSocket speaking the protocol.
pub struct Client {
    /// The socket (tests shut it down or drop it to simulate a lost tab).
    pub s: TcpStream,
    pending: Vec<u8>,
    /// The session id once a Hello was answered `New` (empty before).
    pub id: String,
    seq: u64,
}

impl Client {
    /// Upgrades a socket to `/_vango/ws` (same-origin, as a browser would); no Hello yet.
    pub fn connect(addr: SocketAddr) -> Client {
        let mut s = connect(addr);
        s.write_all(&ws_request(
            &addr.to_string(),
            Some(&format!("http://{addr}")),
        ))
        .unwrap();
        let mut pending = Vec::new();
        let status = read_response(&mut s, &mut pending, false).expect("an upgrade answer");
        assert_eq!(status.status, 101, "upgrade");
        Client {
            s,
            pending,
            id: String::new(),
            seq: 0,
        }
    }

    /// Upgrades and opens a new session with the page's token and hash.
    pub fn open(addr: SocketAddr, page: &PageInfo) -> Client {
        let mut c = Client::connect(addr);
        c.new_session(&page.csrf, page.hash);
        c
    }

    /// Encodes and sends one frame.
    pub fn send(&mut self, f: ClientFrame) {
        let mut out = Vec::new();
        f.encode(&mut out);
        self.s.write_all(&ws_frame(0x2, &out)).unwrap();
    }

    /// The next protocol frame (within 5 s); `None` on a WebSocket Close, EOF or timeout.
    pub fn recv(&mut self) -> Option<ServerFrame> {
        self.recv_within(Duration::from_secs(5))
    }

    /// The next protocol frame if one arrives within `ms`.
    pub fn try_recv(&mut self, ms: u64) -> Option<ServerFrame> {
        self.recv_within(Duration::from_millis(ms))
    }

    fn recv_within(&mut self, timeout: Duration) -> Option<ServerFrame> {
        self.s.set_read_timeout(Some(timeout)).unwrap();
        loop {
            let (op, payload) = read_ws_frame(&mut self.s, &mut self.pending)?;
            match op {
                0x2 => return Some(decode_server(&payload).expect("valid server frame")),
                0x8 => return None,
                _ => {}
            }
        }
    }

    /// Sends Hello and returns the answer (a `ServerHello`, or whatever else came).
    pub fn hello(
        &mut self,
        csrf: &str,
        session: &str,
        last_patch: u64,
        last_event: u64,
        hash: u32,
    ) -> ServerFrame {
        self.send(ClientFrame::Hello {
            version: vango::protocol::VERSION,
            csrf: csrf.into(),
            session: session.into(),
            last_patch_seq: last_patch,
            last_event_seq: last_event,
            render_hash: hash,
            path: "/".into(),
        });
        self.recv().expect("ServerHello")
    }

    /// Says Hello for a new session; it must be answered `New`. Returns (and keeps) its id.
    pub fn new_session(&mut self, csrf: &str, hash: u32) -> String {
        match self.hello(csrf, "", 0, 0, hash) {
            ServerFrame::ServerHello {
                version: vango::protocol::VERSION,
                status: HelloStatus::New,
                session,
                last_event_seq: 0,
            } => {
                self.id = session.clone();
                session
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    /// The index of the core that owns this session (the id's first two hex digits).
    pub fn core(&self) -> usize {
        usize::from_str_radix(&self.id[..2], 16).unwrap()
    }

    /// Sends a click on `hid` with event seq `seq`; returns the next frame (the answer).
    pub fn click(&mut self, seq: u64, hid: u32) -> ServerFrame {
        self.send_click_seq(seq, hid);
        self.recv().expect("answer")
    }

    /// Sends a click on `hid` with the next seq of this client's own count; returns that seq.
    /// Does not wait: the answer is read with [`Client::recv`].
    pub fn send_click(&mut self, hid: u32) -> u64 {
        self.seq += 1;
        self.send_click_seq(self.seq, hid);
        self.seq
    }

    fn send_click_seq(&mut self, seq: u64, hid: u32) {
        self.send(ClientFrame::Event {
            seq,
            event: Event {
                hid,
                name: "click",
                data: EventData::None,
            },
        });
    }

    /// Sends Close (the tab is going away): the server frees the session at once.
    pub fn close(&mut self) {
        self.send(ClientFrame::Close {
            code: 0,
            reason: String::new(),
        });
    }
}

/// Opens sessions until one lives on each of cores 0 and 1 (bounded). The others' sockets
/// are dropped; their sessions stay, detached, until the resume window ends.
pub fn on_two_cores(addr: SocketAddr, page: &PageInfo) -> (Client, Client) {
    let first = Client::open(addr, page);
    for _ in 0..64 {
        let other = Client::open(addr, page);
        if other.core() != first.core() {
            return (first, other);
        }
    }
    panic!("64 sessions all landed on core {}", first.core());
}

/// The texts a frame sets (its SetText ops, in order), in element `parent` only when given;
/// empty for anything but a Patches frame.
pub fn set_texts(f: &ServerFrame, parent: Option<u32>) -> Vec<String> {
    match f {
        ServerFrame::Patches { ops, .. } => ops
            .iter()
            .filter_map(|op| match op {
                vango::protocol::Op::Patch(vango::vdom::Patch::SetText {
                    parent: p, text, ..
                }) if parent.is_none_or(|want| want == *p) => Some(text.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads one binary WebSocket frame from a raw socket and decodes it as a server frame.
pub fn recv_frame(s: &mut TcpStream, pending: &mut Vec<u8>) -> ServerFrame {
    let (op, payload) = read_ws_frame(s, pending).expect("a frame");
    assert_eq!(op, 0x2, "a binary frame");
    decode_server(&payload).unwrap()
}
