//! Client sockets the way a browser opens them: bound to a chosen 127.0.0.x source address,
//! a page GET over HTTP/1.1, then the WebSocket upgrade with an Origin header.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};

use async_tungstenite::tungstenite::client::IntoClientRequest;
use async_tungstenite::tungstenite::http::HeaderValue;
use async_tungstenite::tungstenite::protocol::WebSocketConfig;
use async_tungstenite::WebSocketStream;
use futures_lite::StreamExt;
use futures_lite::{AsyncReadExt, AsyncWriteExt};
use smol::Async;
use vango::protocol::{decode_server, ClientFrame, HelloStatus, ServerFrame};

use async_tungstenite::tungstenite::Message;

/// A cookie (`name=value`) every page GET and WebSocket upgrade sends, as one browser's
/// tabs do (the `todo` workload).
pub static COOKIE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

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
