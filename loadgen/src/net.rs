//! Client sockets the way a browser opens them: bound to a chosen 127.0.0.x source address,
//! a page GET over HTTP/1.1, then the WebSocket upgrade with an Origin header.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};

use async_tungstenite::tungstenite::client::IntoClientRequest;
use async_tungstenite::tungstenite::handshake::derive_accept_key;
use async_tungstenite::tungstenite::http::HeaderValue;
use async_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use async_tungstenite::WebSocketStream;
use futures_lite::StreamExt;
use futures_lite::{AsyncReadExt, AsyncWriteExt};
use smol::Async;
use vango::protocol::{decode_server, ClientFrame, HelloStatus, ServerFrame};

use async_tungstenite::tungstenite::Message;

/// A cookie (`name=value`) every page GET and WebSocket upgrade sends, as one browser's
/// tabs do (the `todo` workload).
pub static COOKIE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Whether upgrades carry the headers Chromium sends with its own (`--browser-headers`):
/// a server keeps a page's request headers for the session's life, so what a session
/// costs depends on them.
pub static BROWSER_HEADERS: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Chromium 131's headers on a WebSocket upgrade from a page without cookies, besides
/// Host, Connection, Upgrade, Origin and the Sec-WebSocket key and version.
const CHROMIUM: [(&str, &str); 6] = [
    ("Pragma", "no-cache"),
    ("Cache-Control", "no-cache"),
    (
        "User-Agent",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
         Chrome/131.0.0.0 Safari/537.36",
    ),
    ("Accept-Encoding", "gzip, deflate, br, zstd"),
    ("Accept-Language", "en-US,en;q=0.9"),
    (
        "Sec-WebSocket-Extensions",
        "permessage-deflate; client_max_window_bits",
    ),
];

/// [`CHROMIUM`]'s headers when `--browser-headers` was given, else none.
fn browser_headers() -> &'static [(&'static str, &'static str)] {
    if BROWSER_HEADERS.load(std::sync::atomic::Ordering::Relaxed) {
        &CHROMIUM
    } else {
        &[]
    }
}

/// One cookie per session, by session index, when every session is a browser of its own
/// (the `todo-toggle` workload); takes precedence over [`COOKIE`].
pub static COOKIES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

/// The cookie session `idx` sends: its own, else the shared one.
pub fn cookie_for(idx: usize) -> Option<&'static str> {
    COOKIES
        .get()
        .and_then(|c| c.get(idx))
        .or(COOKIE.get())
        .map(String::as_str)
}

/// A client WebSocket over smol.
pub type Ws = WebSocketStream<Async<TcpStream>>;

/// Opens a TCP connection to `server` from source address `127.0.0.{src}` (any port).
/// Spreading sources past ~28,000 connections avoids running out of ephemeral ports.
pub fn connect_from(src: u8, server: SocketAddr) -> io::Result<Async<TcpStream>> {
    use rustix::net::{bind, connect, socket, AddressFamily, SocketType};
    let fd = socket(AddressFamily::INET, SocketType::STREAM, None)?;
    let local = SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, src.max(1)), 0);
    bind(&fd, &SocketAddr::V4(local))?;
    connect(&fd, &server)?;
    let stream = TcpStream::from(fd);
    stream.set_nodelay(true)?;
    Async::new(stream)
}

/// What a page GET yields: the tokens the client script reads.
pub struct PageInfo {
    /// The CSRF token from `#vango-boot`.
    pub csrf: String,
    /// The render hash from `#vango-boot`.
    pub hash: u32,
    /// The full HTML body.
    pub html: String,
}

fn attr_after<'a>(html: &'a str, marker: &str) -> Option<&'a str> {
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(&html[start..start + end])
}

/// GETs `path` on a fresh connection and extracts the page tokens. The connection is closed.
pub async fn get_page(src: u8, server: SocketAddr, path: &str) -> io::Result<PageInfo> {
    get_page_as(src, server, path, COOKIE.get().map(String::as_str)).await
}

/// [`get_page`] with `cookie` (or none).
pub async fn get_page_as(
    src: u8,
    server: SocketAddr,
    path: &str,
    cookie: Option<&str>,
) -> io::Result<PageInfo> {
    let mut s = connect_from(src, server)?;
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    let req = format!("GET {path} HTTP/1.1\r\nHost: {server}\r\n{cookie}Connection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::with_capacity(8192);
    s.read_to_end(&mut buf).await?;
    let text = String::from_utf8_lossy(&buf);
    if !text.starts_with("HTTP/1.1 200") {
        return Err(io::Error::other(format!(
            "page GET: {}",
            text.lines().next().unwrap_or("")
        )));
    }
    let body = text.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
    let csrf = attr_after(body, "data-csrf=\"").unwrap_or("").to_owned();
    let hash = attr_after(body, "data-hash=\"")
        .and_then(|h| h.parse().ok())
        .unwrap_or(0);
    Ok(PageInfo {
        csrf,
        hash,
        html: body.to_owned(),
    })
}

/// Opens the WebSocket at `/_vango/ws` with the same small buffers the server uses.
pub async fn open_ws(src: u8, server: SocketAddr) -> io::Result<Ws> {
    open_ws_as(src, server, COOKIE.get().map(String::as_str)).await
}

/// [`open_ws`] with `cookie` (or none).
pub async fn open_ws_as(src: u8, server: SocketAddr, cookie: Option<&str>) -> io::Result<Ws> {
    let stream = connect_from(src, server)?;
    let mut req = format!("ws://{server}/_vango/ws")
        .into_client_request()
        .map_err(io::Error::other)?;
    req.headers_mut().insert(
        "Origin",
        HeaderValue::from_str(&format!("http://{server}")).map_err(io::Error::other)?,
    );
    for (name, value) in browser_headers() {
        req.headers_mut()
            .insert(*name, HeaderValue::from_static(value));
    }
    if let Some(c) = cookie {
        req.headers_mut().insert(
            "Cookie",
            HeaderValue::from_str(c).map_err(io::Error::other)?,
        );
    }
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0)
        .max_message_size(Some(16 << 20));
    let (ws, _resp) = async_tungstenite::client_async_with_config(req, stream, Some(config))
        .await
        .map_err(io::Error::other)?;
    Ok(ws)
}

/// [`open_ws`] the way the reconnect storm opens it: the upgrade request is one formatted
/// write and the 101 one read, without the `http` request and response values, header
/// maps and URI parsing of tungstenite's client handshake (a few µs of the client's CPU
/// per reconnect, and the storm's client is one of the two processes on the cores). The
/// same bytes reach the server and the same checks hold: status 101 and the accept value
/// derived from this connection's key.
pub async fn open_ws_lean(src: u8, server: SocketAddr) -> io::Result<Ws> {
    let mut stream = connect_from(src, server)?;
    let key = ws_key();
    let req = upgrade_request(server, &key, COOKIE.get().map(String::as_str));
    stream.write_all(req.as_bytes()).await?;
    // The server says nothing after its 101 until the client's Hello: the head is all
    // there is to read, and a byte past it is a protocol error.
    let mut head = [0u8; 512];
    let mut len = 0;
    let end = loop {
        let n = stream.read(&mut head[len..]).await?;
        if n == 0 {
            return Err(io::Error::other("closed during the upgrade"));
        }
        len += n;
        if let Some(i) = head[..len].windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if len == head.len() {
            return Err(io::Error::other("101 head too long"));
        }
    };
    check_switching(&head[..len], end, &key)?;
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0)
        .max_message_size(Some(16 << 20));
    Ok(WebSocketStream::from_raw_socket(stream, Role::Client, Some(config)).await)
}

/// A fresh `Sec-WebSocket-Key`: 16 random bytes in base64 (24 characters).
fn ws_key() -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bits = fastrand::u128(..);
    // 16 bytes = 128 bits = 21 six-bit digits and 2 bits, padded "==".
    let mut key: String = (0..21)
        .map(|i| B64[((bits >> (122 - 6 * i)) & 63) as usize] as char)
        .collect();
    key.push(B64[((bits & 3) << 4) as usize] as char);
    key.push_str("==");
    key
}

/// The browser's upgrade request for `/_vango/ws`, with an Origin header.
fn upgrade_request(server: SocketAddr, key: &str, cookie: Option<&str>) -> String {
    let mut extra = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    for (name, value) in browser_headers() {
        extra.push_str(&format!("{name}: {value}\r\n"));
    }
    format!(
        "GET /_vango/ws HTTP/1.1\r\nHost: {server}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\nOrigin: http://{server}\r\n{extra}\r\n"
    )
}

/// Checks a 101 head (`end` bytes of `got`) for connection key `key`: status 101, the
/// accept value derived from the key, and no bytes after the head.
fn check_switching(got: &[u8], end: usize, key: &str) -> io::Result<()> {
    let head = std::str::from_utf8(&got[..end]).map_err(io::Error::other)?;
    if !head.starts_with("HTTP/1.1 101 ") {
        let first = head.lines().next().unwrap_or("");
        return Err(io::Error::other(format!("upgrade answered {first}")));
    }
    let accept = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("sec-websocket-accept")
            .then(|| value.trim())
    });
    if accept != Some(derive_accept_key(key.as_bytes()).as_str()) {
        return Err(io::Error::other(format!("wrong accept value {accept:?}")));
    }
    if got.len() > end {
        return Err(io::Error::other("bytes after the 101 before the Hello"));
    }
    Ok(())
}

/// Closes `ws` abruptly: SO_LINGER 0 makes the kernel send a RST, no WebSocket close frame
/// and no FIN handshake (a tab whose network vanished, or a crash).
pub fn cut(ws: Ws) {
    let _ = rustix::net::sockopt::set_socket_linger(
        ws.get_ref().get_ref(),
        Some(std::time::Duration::ZERO),
    );
    drop(ws);
}

/// The hids of elements whose `data-on` includes `click`, in document order.
pub fn clickable_hids(html: &str) -> Vec<u32> {
    clickable_hids_of(html, None)
}

/// [`clickable_hids`] of the elements whose `class` is `class` (all when `None`).
pub fn clickable_hids_of(html: &str, class: Option<&str>) -> Vec<u32> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if let (Some(hid), Some(on)) = (
            attr_after(tag, "data-hid=\""),
            attr_after(tag, "data-on=\""),
        ) {
            let class_ok = class.is_none_or(|c| attr_after(tag, "class=\"") == Some(c));
            if class_ok && on.split(' ').any(|e| e.split('.').next() == Some("click")) {
                if let Ok(h) = hid.parse() {
                    out.push(h);
                }
            }
        }
    }
    out
}

/// A session opened the way a browser opens it.
pub struct Opened {
    /// The socket, after ServerHello.
    pub ws: Ws,
    /// The server-rendered page.
    pub html: String,
    /// The session id from ServerHello (its first two hex digits name the owning core).
    pub session: String,
    /// The page's CSRF token (a reconnect's Hello sends it again).
    pub csrf: String,
    /// The page's render hash.
    pub hash: u32,
}

/// Page GET (CSRF token, render hash), WebSocket, Hello; succeeds on ServerHello(New).
pub async fn open_session(src: u8, server: SocketAddr) -> Result<Opened, String> {
    open_session_as(src, server, COOKIE.get().map(String::as_str)).await
}

/// [`open_session`] with `cookie` (or none).
pub async fn open_session_as(
    src: u8,
    server: SocketAddr,
    cookie: Option<&str>,
) -> Result<Opened, String> {
    let page = get_page_as(src, server, "/", cookie)
        .await
        .map_err(|e| format!("GET: {e}"))?;
    let mut ws = open_ws_as(src, server, cookie)
        .await
        .map_err(|e| format!("ws: {e}"))?;
    let mut hello = Vec::new();
    ClientFrame::Hello {
        version: vango::protocol::VERSION,
        csrf: page.csrf.clone(),
        session: String::new(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: page.hash,
        path: "/".into(),
    }
    .encode(&mut hello);
    ws.send(Message::binary(hello))
        .await
        .map_err(|e| format!("hello: {e}"))?;
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => match decode_server(&b) {
                Ok(ServerFrame::ServerHello {
                    status: HelloStatus::New,
                    session,
                    ..
                }) => {
                    return Ok(Opened {
                        ws,
                        html: page.html,
                        session,
                        csrf: page.csrf,
                        hash: page.hash,
                    })
                }
                Ok(other) => return Err(format!("expected ServerHello, got {other:?}")),
                Err(e) => return Err(format!("decode: {e}")),
            },
            Some(Ok(_)) => {}
            other => return Err(format!("hello answer: {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;

    use vango::server::http::{parse_request, Parsed};
    use vango::server::websocket::check_handshake;
    use vango::server::Request;

    use super::*;

    type Answer = Box<dyn for<'a, 'r> FnOnce(&'r Request<'a>, &mut TcpStream) + Send>;

    /// A one-connection server on a real socket: reads the upgrade head, lets `answer` write
    /// what it likes for the parsed request, and returns the head it got.
    fn serve_once(answer: Answer) -> (SocketAddr, std::thread::JoinHandle<Vec<u8>>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let t = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            let mut got = Vec::new();
            let mut chunk = [0u8; 256];
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = s.read(&mut chunk).unwrap();
                assert!(n > 0, "closed before the head ended");
                got.extend_from_slice(&chunk[..n]);
            }
            let mut h = [httparse::EMPTY_HEADER; 16];
            let Ok(Parsed::Complete(req, _)) = parse_request(&got, &mut h, &Default::default())
            else {
                panic!(
                    "not a complete request: {:?}",
                    String::from_utf8_lossy(&got)
                );
            };
            answer(&req, &mut s);
            // Hold the socket until the client is done with it.
            let _ = s.read(&mut chunk);
            got
        });
        (addr, t)
    }

    fn switching(accept: &str, extra: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: {accept}\r\n\r\n"
        )
        .into_bytes();
        out.extend_from_slice(extra);
        out
    }

    #[test]
    fn lean_upgrade_passes_the_servers_own_handshake_check_and_carries_frames() {
        let (addr, t) = serve_once(Box::new(|req, s| {
            let accept = check_handshake(req, false).expect("the server's check");
            s.write_all(&switching(&accept, &[])).unwrap();
            // An unmasked server frame: binary [7, 1].
            let mut buf = [0u8; 64];
            let n = s.read(&mut buf).unwrap();
            // The client's frame is masked (RFC 6455: 0x80 bit of the length byte).
            assert_eq!(
                (buf[0], buf[1] & 0x80, buf[1] & 0x7f),
                (0x82, 0x80, 3),
                "{n}"
            );
            s.write_all(&[0x82, 2, 7, 1]).unwrap();
        }));
        let got = smol::block_on(async {
            let mut ws = open_ws_lean(1, addr).await.unwrap();
            ws.send(Message::binary(vec![1, 2, 3])).await.unwrap();
            match ws.next().await {
                Some(Ok(Message::Binary(b))) => b.to_vec(),
                other => panic!("{other:?}"),
            }
        });
        assert_eq!(got, [7, 1]);
        let head = String::from_utf8(t.join().unwrap()).unwrap();
        assert!(
            head.contains(&format!("Origin: http://{addr}\r\n")),
            "{head}"
        );
    }

    #[test]
    fn lean_upgrade_refuses_a_wrong_accept_a_refusal_and_early_bytes() {
        let wrong: Answer = Box::new(|_, s| {
            s.write_all(&switching("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", &[]))
                .unwrap();
        });
        let refused: Answer = Box::new(|_, s| {
            s.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
        });
        let early: Answer = Box::new(|req, s| {
            let accept = check_handshake(req, false).unwrap();
            s.write_all(&switching(&accept, &[0x82, 0])).unwrap();
        });
        for (answer, want) in [
            (wrong, "wrong accept"),
            (refused, "answered HTTP/1.1 403"),
            (early, "bytes after the 101"),
        ] {
            let (addr, t) = serve_once(answer);
            let err = smol::block_on(open_ws_lean(1, addr))
                .map(|_| ())
                .unwrap_err();
            assert!(err.to_string().contains(want), "{err} (want {want})");
            t.join().unwrap();
        }
    }

    #[test]
    fn keys_are_16_random_bytes_in_base64() {
        let keys: Vec<String> = (0..200).map(|_| ws_key()).collect();
        for k in &keys {
            assert_eq!(k.len(), 24, "{k}");
            assert!(k.ends_with("=="), "{k}");
            // The last digit before the padding carries 2 bits: its low 4 bits are zero.
            let last = k.as_bytes()[21];
            let v = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                .iter()
                .position(|&c| c == last)
                .unwrap();
            assert_eq!(v & 15, 0, "{k}");
        }
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len());
    }
}
