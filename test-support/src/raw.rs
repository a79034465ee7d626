//! Raw socket I/O for the server tests: a test service, a tiny HTTP response reader and a
//! WebSocket frame codec, independent of the server's code. Touches only sockets and
//! vango's public `server` API.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::rc::Rc;
use std::time::Duration;
use vango::server::hosts::AllowedHosts;

use vango::server::websocket::Echo;
use vango::server::{
    ConnInfo, Core, Limits, Request, Response, RunningServer, Server, Service, WebSocket,
};

/// Pages at `/` (GET), echoes bodies at `/echo` (POST), panics at `/panic`; WebSocket echo.
pub struct TestService {
    echo: Echo,
}

impl Service for TestService {
    fn handle(&self, req: &Request<'_>) -> Response {
        match (req.method(), req.path()) {
            ("GET" | "HEAD", "/") => Response::html(b"<p>hello</p>".to_vec()),
            ("POST", "/echo") => Response::new(200).body(req.body().to_vec()),
            (_, "/") | (_, "/echo") => Response::error(405),
            _ => Response::error(404),
        }
    }

    fn websocket(&self, ws: WebSocket, info: ConnInfo) -> impl std::future::Future<Output = ()> {
        self.echo.websocket(ws, info)
    }
}

/// Starts the test service. The raw tests write `Host: t`: with the default host policy
/// the server answers that name too (besides `127.0.0.1` and `localhost`).
pub fn start(workers: usize, mut limits: Limits) -> RunningServer {
    if limits.allowed_hosts == AllowedHosts::Default {
        limits.allowed_hosts = AllowedHosts::list(["t", "127.0.0.1", "localhost"]);
    }
    Server::new(|core: &Rc<Core>| TestService {
        echo: Echo::new(core),
    })
    .workers(workers)
    .limits(limits)
    .spawn("127.0.0.1:0")
    .expect("server starts")
}

pub fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

/// One parsed response: status, headers (lower-case names), body.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one response from `s`, using `pending` as the carry-over buffer between calls.
/// `head_only`: the request was HEAD (no body follows). `None` on EOF before a full head.
pub fn read_response(s: &mut TcpStream, pending: &mut Vec<u8>, head_only: bool) -> Option<Resp> {
    loop {
        let mut hs = [httparse::EMPTY_HEADER; 32];
        let mut r = httparse::Response::new(&mut hs);
        if let Ok(httparse::Status::Complete(n)) = r.parse(pending) {
            let status = r.code.unwrap();
            let headers: Vec<(String, String)> = r
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_ascii_lowercase(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect();
            let len: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .map_or(0, |(_, v)| v.parse().unwrap());
            let body_len = if head_only || status == 304 || status == 101 {
                0
            } else {
                len
            };
            while pending.len() < n + body_len {
                if !fill(s, pending) {
                    return None;
                }
            }
            let body = pending[n..n + body_len].to_vec();
            pending.drain(..n + body_len);
            return Some(Resp {
                status,
                headers,
                body,
            });
        }
        if !fill(s, pending) {
            return None;
        }
    }
}

fn fill(s: &mut TcpStream, pending: &mut Vec<u8>) -> bool {
    let mut b = [0u8; 4096];
    match s.read(&mut b) {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            pending.extend_from_slice(&b[..n]);
            true
        }
    }
}

/// `true` if the server closes the connection (EOF or reset) within the read timeout.
pub fn closed(s: &mut TcpStream) -> bool {
    let mut b = [0u8; 1024];
    loop {
        match s.read(&mut b) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) => {
                return !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                );
            }
        }
    }
}

/// Sends `raw`, then reads one response.
pub fn roundtrip(addr: SocketAddr, raw: &[u8]) -> Option<Resp> {
    let mut s = connect(addr);
    s.write_all(raw).unwrap();
    read_response(&mut s, &mut Vec::new(), raw.starts_with(b"HEAD"))
}

/// A client frame (masked, FIN set).
pub fn ws_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x80 | opcode];
    let len = payload.len();
    if len < 126 {
        f.push(0x80 | len as u8);
    } else if len < 65536 {
        f.push(0x80 | 126);
        f.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        f.push(0x80 | 127);
        f.extend_from_slice(&(len as u64).to_be_bytes());
    }
    let mask = [0x12, 0x34, 0x56, 0x78];
    f.extend_from_slice(&mask);
    f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    f
}

/// Reads one server frame (unmasked): `(opcode, payload)`; `None` on EOF.
pub fn read_ws_frame(s: &mut TcpStream, pending: &mut Vec<u8>) -> Option<(u8, Vec<u8>)> {
    loop {
        if pending.len() >= 2 {
            let op = pending[0] & 0x0f;
            let l = (pending[1] & 0x7f) as usize;
            let (hl, len) = match l {
                126 if pending.len() >= 4 => {
                    (4, u16::from_be_bytes([pending[2], pending[3]]) as usize)
                }
                127 if pending.len() >= 10 => (
                    10,
                    u64::from_be_bytes(pending[2..10].try_into().unwrap()) as usize,
                ),
                126 | 127 => (usize::MAX, 0),
                n => (2, n),
            };
            if hl != usize::MAX && pending.len() >= hl + len {
                let payload = pending[hl..hl + len].to_vec();
                pending.drain(..hl + len);
                return Some((op, payload));
            }
        }
        if !fill(s, pending) {
            return None;
        }
    }
}

pub const WS_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

pub fn ws_request(host: &str, origin: Option<&str>) -> Vec<u8> {
    let mut r = format!(
        "GET /_vango/ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {WS_KEY}\r\nSec-WebSocket-Version: 13\r\n"
    );
    if let Some(o) = origin {
        r.push_str(&format!("Origin: {o}\r\n"));
    }
    r.push_str("\r\n");
    r.into_bytes()
}

/// Fetches `/metrics` and returns the sum over cores of the series `name{core=...}`.
pub fn metric_sum(addr: SocketAddr, name: &str) -> u64 {
    let raw = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let resp = roundtrip(addr, raw.as_bytes()).expect("metrics answer");
    let text = String::from_utf8(resp.body).unwrap();
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum()
}
