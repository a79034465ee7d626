//! A minimal session client for `App` tests: fetches the page (CSRF token, render hash,
//! hids by element id), says Hello, sends clicks and reads decoded server frames.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use vango::protocol::{decode_server, ClientFrame, HelloStatus, ServerFrame};
use vango::vdom::{Event, EventData};

use super::{connect, read_response, read_ws_frame, roundtrip, ws_frame, ws_request};

/// The SSR page of `path`.
pub struct PageInfo {
    pub html: String,
    pub csrf: String,
    pub hash: u32,
}

fn attr(html: &str, name: &str) -> String {
    let start = html.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// GETs `/`.
pub fn page(addr: SocketAddr) -> PageInfo {
    let r = roundtrip(addr, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
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

/// One connected session.
pub struct Live {
    pub s: TcpStream,
    pending: Vec<u8>,
    pub id: String,
    seq: u64,
}

impl Live {
    /// Opens a new session with the page's token and hash.
    pub fn open(addr: SocketAddr, page: &PageInfo) -> Live {
        let mut s = connect(addr);
        s.write_all(&ws_request(&addr.to_string(), None)).unwrap();
        let mut pending = Vec::new();
        assert_eq!(
            read_response(&mut s, &mut pending, false).unwrap().status,
            101
        );
        let mut out = Vec::new();
        ClientFrame::Hello {
            version: 1,
            csrf: page.csrf.clone(),
            session: String::new(),
            last_patch_seq: 0,
            last_event_seq: 0,
            render_hash: page.hash,
            path: "/".into(),
        }
        .encode(&mut out);
        s.write_all(&ws_frame(0x2, &out)).unwrap();
        let mut live = Live {
            s,
            pending,
            id: String::new(),
            seq: 0,
        };
        match live.recv() {
            ServerFrame::ServerHello {
                status: HelloStatus::New,
                session,
                ..
            } => live.id = session,
            other => panic!("{other:?}"),
        }
        live
    }

    /// The index of the core that owns this session (the id's first two hex digits).
    pub fn core(&self) -> usize {
        usize::from_str_radix(&self.id[..2], 16).unwrap()
    }

    /// Sends a click on `hid`; returns its event seq.
    pub fn click(&mut self, hid: u32) -> u64 {
        self.seq += 1;
        let mut out = Vec::new();
        ClientFrame::Event {
            seq: self.seq,
            event: Event {
                hid,
                name: "click",
                data: EventData::None,
            },
        }
        .encode(&mut out);
        self.s.write_all(&ws_frame(0x2, &out)).unwrap();
        self.seq
    }

    /// Sends Close (the tab is going away): the server frees the session at once.
    pub fn close(&mut self) {
        let mut out = Vec::new();
        ClientFrame::Close {
            code: 0,
            reason: String::new(),
        }
        .encode(&mut out);
        self.s.write_all(&ws_frame(0x2, &out)).unwrap();
    }

    /// The next server frame (panics after 5 s).
    pub fn recv(&mut self) -> ServerFrame {
        self.s
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let (op, payload) = read_ws_frame(&mut self.s, &mut self.pending).expect("a frame");
        assert_eq!(op, 0x2);
        decode_server(&payload).unwrap()
    }

    /// The next server frame if one arrives within `ms`.
    pub fn try_recv(&mut self, ms: u64) -> Option<ServerFrame> {
        self.s
            .set_read_timeout(Some(Duration::from_millis(ms)))
            .unwrap();
        let (op, payload) = read_ws_frame(&mut self.s, &mut self.pending)?;
        assert_eq!(op, 0x2);
        Some(decode_server(&payload).unwrap())
    }
}

/// Opens sessions until one lives on each of cores 0 and 1 (bounded); the others close.
pub fn on_two_cores(addr: SocketAddr, page: &PageInfo) -> (Live, Live) {
    let first = Live::open(addr, page);
    for _ in 0..64 {
        let other = Live::open(addr, page);
        if other.core() != first.core() {
            return (first, other);
        }
    }
    panic!("64 sessions all landed on core {}", first.core());
}
