//! WebSocket upgrade at `/_vango/ws`: handshake checks, the 101 answer, the small-buffer
//! `async-tungstenite` stream, protocol close helpers, and the [`Service`] hook.
//!
//! May touch the socket handed over by `http::conn`; knows nothing about sessions.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::rc::Rc;

use async_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use async_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use async_tungstenite::tungstenite::{Bytes, Error as WsError, Message};
use async_tungstenite::WebSocketStream;
use futures_lite::{future, StreamExt};

use super::core::Core;
use super::http::{Answer, Request, Response};
use super::linger::{await_close_reply, drain, Linger, LINGER};
pub use super::upgraded::Upgraded;
use super::Limits;
use crate::protocol::{close, ServerFrame};

/// The path of the WebSocket endpoint.
///
/// # Examples
///
/// ```
/// use vango::server::websocket::WS_PATH;
/// // The client opens `ws://HOST/_vango/ws`; the server upgrades only there.
/// assert_eq!(WS_PATH, "/_vango/ws");
/// ```
pub const WS_PATH: &str = "/_vango/ws";

/// What the framework plugs into the server: page requests and upgraded WebSockets.
///
/// One instance per core (built by the factory given to [`Server::new`](super::Server::new)),
/// so it may hold `Rc`/`RefCell` state. Built-in routes (`/healthz`, `/metrics`, assets,
/// `/_vango/ws`) are answered before [`handle`](Service::handle) is asked.
///
/// # Examples
///
/// ```
/// use std::future::Future;
/// use vango::server::{ConnInfo, Request, Response, Service, WebSocket};
/// struct Hello;
/// impl Service for Hello {
///     fn handle(&self, req: &Request<'_>) -> Response {
///         Response::new(200).body(format!("hello {}", req.path()).into_bytes())
///     }
///     fn websocket(&self, ws: WebSocket, _info: ConnInfo) -> impl Future<Output = ()> {
///         async move { drop(ws) }
///     }
/// }
/// // Run it with `Server::new(|_core| Hello).serve(addr)`; here, one request by hand:
/// let raw = b"GET /you HTTP/1.1\r\nHost: x\r\n\r\n";
/// # use vango::server::http::{parse_request, Parsed};
/// # let mut h = [httparse::EMPTY_HEADER; 8];
/// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
/// assert_eq!(Hello.handle(&req).body_bytes(), b"hello /you");
/// ```
pub trait Service: 'static {
    /// Answers a request no built-in route took (pages, forms). Default: 404.
    fn handle(&self, req: &Request<'_>) -> Response {
        let _ = req;
        Response::error(404)
    }

    /// Answers a request no built-in route took, now or later (a page that waits for its
    /// data): the connection awaits a later answer before it reads on. Default: the
    /// [`handle`](Service::handle) response, now.
    fn respond(&self, req: &Request<'_>) -> Answer {
        Answer::Now(self.handle(req))
    }

    /// Runs an upgraded WebSocket until it ends. The future lives in the connection's task.
    fn websocket(&self, ws: WebSocket, info: ConnInfo) -> impl Future<Output = ()>;

    /// Header lines the 101 answer carries besides the handshake's own, each ending in
    /// `\r\n` (a routing cookie naming the node that took the socket). Default: none.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{ConnInfo, Service, WebSocket};
    ///
    /// struct Node;
    /// impl Service for Node {
    ///     async fn websocket(&self, _ws: WebSocket, _info: ConnInfo) {}
    ///     fn upgrade_headers(&self) -> &str {
    ///         "Set-Cookie: vango_node=a; Path=/; SameSite=Lax; HttpOnly\r\n"
    ///     }
    /// }
    /// assert!(Node.upgrade_headers().ends_with("\r\n"));
    /// ```
    fn upgrade_headers(&self) -> &str {
        ""
    }

    /// Called on the core's thread after its executor stopped: drop per-core state here
    /// (before thread-local destructors run). Default: nothing.
    fn stopped(&self) {}
}

/// Facts about an upgraded connection.
///
/// # Examples
///
/// ```
/// use vango::server::ConnInfo;
/// let info = ConnInfo {
///     peer: "192.0.2.7:50000".parse().unwrap(),
///     headers: vec![("cookie".into(), "theme=dark".into())],
/// };
/// let cookie = info.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("cookie"));
/// assert_eq!(cookie.map(|(_, v)| v.as_str()), Some("theme=dark"));
/// ```
#[derive(Clone, Debug)]
pub struct ConnInfo {
    /// The peer's address.
    pub peer: SocketAddr,
    /// The upgrade request's headers (bounded by the head limits), e.g. for cookies.
    pub headers: Vec<(String, String)>,
}

/// An upgraded WebSocket over the connection's socket.
///
/// # Examples
///
/// ```
/// use async_tungstenite::tungstenite::Message;
/// use vango::server::websocket::{next_incoming, Incoming};
/// # use std::net::{TcpListener, TcpStream};
/// # use async_io::Async;
/// # use async_tungstenite::{tungstenite::protocol::Role, WebSocketStream};
/// # use vango::server::websocket::Upgraded;
/// # async_io::block_on(async {
/// # let l = TcpListener::bind("127.0.0.1:0").unwrap();
/// # let client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
/// # let (server, _) = l.accept().unwrap();
/// # let up = Upgraded::new(Async::new(server).unwrap(), Vec::new());
/// # let mut ws = WebSocketStream::from_raw_socket(up, Role::Server, None).await;
/// # let mut peer = WebSocketStream::from_raw_socket(Async::new(client).unwrap(), Role::Client, None).await;
/// let ws: &mut vango::server::WebSocket = &mut ws;
/// peer.send(Message::Binary(vec![7, 1].into())).await.unwrap();
/// assert!(matches!(next_incoming(ws).await, Incoming::Binary(b) if b[..] == [7, 1]));
/// # });
/// ```
pub type WebSocket = WebSocketStream<Upgraded>;

/// The small-buffer configuration: no read buffer up front (tungstenite's default 128 KiB
/// would cost 133 KiB per idle socket; its buffer grows to the frames it holds, and
/// [`Upgraded`] reads ahead for it), no write buffering, messages and frames bounded by
/// `limits.max_ws_message`.
///
/// # Examples
///
/// ```
/// use vango::server::{websocket::ws_config, Limits};
/// let limits = Limits::default();
/// let config = ws_config(&limits);
/// assert_eq!(config.max_message_size, Some(limits.max_ws_message));
/// assert_eq!(config.read_buffer_size, 0);
/// ```
pub fn ws_config(limits: &Limits) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(0)
        .write_buffer_size(0)
        .max_message_size(Some(limits.max_ws_message))
        .max_frame_size(Some(limits.max_ws_message))
}

/// Validates an upgrade request; `Ok` carries the `Sec-WebSocket-Accept` value,
/// `Err` the status to refuse with (400 bad handshake, 403 foreign Origin, 405 not GET,
/// 426 wrong version). The Origin must name this server with the scheme the client used
/// ([`Request::scheme`]; `trust_proxy` as in [`Limits`]).
///
/// # Examples
///
/// ```
/// use vango::server::websocket::check_handshake;
/// let raw = b"GET /_vango/ws HTTP/1.1\r\nHost: a.example\r\nUpgrade: websocket\r\n\
/// Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
/// Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://a.example\r\n\r\n";
/// # use vango::server::http::{parse_request, Parsed};
/// # let mut h = [httparse::EMPTY_HEADER; 8];
/// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
/// // The accept value of RFC 6455's example key.
/// assert_eq!(check_handshake(&req, false).as_deref(), Ok("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
/// ```
pub fn check_handshake(req: &Request<'_>, trust_proxy: bool) -> Result<String, u16> {
    if req.method() != "GET" {
        return Err(405);
    }
    if req.version() < 1
        || !req.header_has_token("upgrade", "websocket")
        || !req.header_has_token("connection", "upgrade")
    {
        return Err(400);
    }
    if req.header("sec-websocket-version") != Some(b"13") {
        return Err(426);
    }
    let key = match req.header("sec-websocket-key") {
        Some(k) if k.trim_ascii().len() == 24 => k.trim_ascii(),
        _ => return Err(400),
    };
    if let Some(origin) = req.header("origin") {
        let host = req.header("host").unwrap_or(b"");
        if !origin_matches_host(origin, host, req.scheme(trust_proxy)) {
            return Err(403);
        }
    }
    Ok(async_tungstenite::tungstenite::handshake::derive_accept_key(key))
}

/// `true` when `Origin` (`scheme://host[:port]`) names the same authority as `Host`, with
/// `scheme` (`"http"` or `"https"`, what the client used): a page served over plain HTTP
/// (a network attacker's injection) must not open the HTTPS site's sessions. A request
/// without `Origin` is not from a browser page and cannot be cross-site.
///
/// # Examples
///
/// ```
/// use vango::server::websocket::origin_matches_host;
/// assert!(origin_matches_host(b"https://a.example", b"a.example:443", "https"));
/// assert!(!origin_matches_host(b"http://a.example", b"a.example", "https"));
/// assert!(!origin_matches_host(b"https://a.example", b"a.example", "http"));
/// ```
pub fn origin_matches_host(origin: &[u8], host: &[u8], scheme: &str) -> bool {
    let Ok(origin) = std::str::from_utf8(origin) else {
        return false;
    };
    let Ok(host) = std::str::from_utf8(host) else {
        return false;
    };
    let Some((scheme_of, authority)) = origin.trim().split_once("://") else {
        return false;
    };
    if !scheme_of.eq_ignore_ascii_case(scheme) {
        return false;
    }
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return false,
    };
    let norm = |a: &str| -> String {
        let a = a.trim().to_ascii_lowercase();
        match a.strip_suffix(default_port) {
            Some(s) => s.to_owned(),
            None => a,
        }
    };
    !authority.is_empty() && !authority.contains('/') && norm(authority) == norm(host)
}

/// Appends the 101 answer for `accept` to `out`, with the service's `extra` header lines
/// ([`Service::upgrade_headers`]).
///
/// # Examples
///
/// ```
/// use vango::server::websocket::write_switching;
/// let mut out = Vec::new();
/// write_switching(&mut out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "Set-Cookie: vango_node=a\r\n");
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
/// assert!(text.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
/// assert!(text.ends_with("Set-Cookie: vango_node=a\r\n\r\n"));
/// ```
pub fn write_switching(out: &mut Vec<u8>, accept: &str, extra: &str) {
    out.extend_from_slice(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ",
    );
    out.extend_from_slice(accept.as_bytes());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// The WebSocket close code that carries protocol close `code` (`PROTOCOL.md`, "Close
/// and error codes"): [`close::WS_BASE`]` + code`.
///
/// # Examples
///
/// ```
/// use vango::protocol::close;
/// use vango::server::websocket::ws_close_code;
/// assert_eq!(ws_close_code(close::RATE_LIMIT), 4005);
/// assert_eq!(ws_close_code(close::NORMAL), close::WS_BASE);
/// ```
pub fn ws_close_code(code: u8) -> u16 {
    close::WS_BASE + u16::from(code)
}

/// Longest close reason sent, in bytes: a WebSocket close frame's payload is at most 125
/// bytes, 2 of them the code.
const MAX_CLOSE_REASON: usize = 120;

/// A received WebSocket message as the protocol sees it: classified here once for every
/// reader (the Hello, the session loop, the echo floor).
///
/// # Examples
///
/// ```
/// use async_tungstenite::tungstenite::Message;
/// use vango::server::websocket::Incoming;
/// let text = Incoming::classify(Some(Ok(Message::Text("hi".into()))));
/// assert!(matches!(text, Incoming::Text), "the protocol is binary");
/// ```
#[derive(Debug)]
pub enum Incoming {
    /// A binary message: one protocol frame.
    Binary(Bytes),
    /// A text message: refused, the protocol is binary ([`close::MALFORMED`]).
    Text,
    /// A message or frame over [`Limits::max_ws_message`] ([`close::TOO_LARGE`]).
    TooLarge,
    /// The peer broke the WebSocket protocol (reserved bits or opcodes, an unmasked
    /// frame, an oversized control frame, invalid UTF-8 in a close reason): answered with
    /// [`close_protocol_error`].
    ProtocolError,
    /// The peer closed, the connection failed, or the stream ended.
    Closed,
    /// Ping, pong or a raw frame: nothing for the protocol (the stream answers pings).
    Control,
}

impl Incoming {
    /// Classifies what the stream yielded.
    ///
    /// # Examples
    ///
    /// ```
    /// use async_tungstenite::tungstenite::Message;
    /// use vango::server::websocket::Incoming;
    /// assert!(matches!(Incoming::classify(None), Incoming::Closed));
    /// let ping = Some(Ok(Message::Ping(Vec::new().into())));
    /// assert!(matches!(Incoming::classify(ping), Incoming::Control));
    /// ```
    pub fn classify(next: Option<Result<Message, WsError>>) -> Incoming {
        match next {
            Some(Ok(Message::Binary(b))) => Incoming::Binary(b),
            Some(Ok(Message::Text(_))) => Incoming::Text,
            Some(Ok(Message::Close(_))) | None => Incoming::Closed,
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => Incoming::Control,
            Some(Err(WsError::Capacity(_))) => Incoming::TooLarge,
            Some(Err(WsError::Protocol(_) | WsError::Utf8(_))) => Incoming::ProtocolError,
            Some(Err(_)) => Incoming::Closed,
        }
    }
}

/// The next message of `ws`, classified.
///
/// # Examples
///
/// ```
/// use async_tungstenite::tungstenite::Message;
/// use vango::server::websocket::{next_incoming, Incoming};
/// # use std::net::{TcpListener, TcpStream};
/// # use async_io::Async;
/// # use async_tungstenite::{tungstenite::protocol::Role, WebSocketStream};
/// # use vango::server::websocket::Upgraded;
/// # async_io::block_on(async {
/// # let l = TcpListener::bind("127.0.0.1:0").unwrap();
/// # let client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
/// # let (server, _) = l.accept().unwrap();
/// # let up = Upgraded::new(Async::new(server).unwrap(), Vec::new());
/// # let mut ws = WebSocketStream::from_raw_socket(up, Role::Server, None).await;
/// # let mut peer = WebSocketStream::from_raw_socket(Async::new(client).unwrap(), Role::Client, None).await;
/// peer.send(Message::Text("not a frame".into())).await.unwrap();
/// peer.send(Message::Binary(vec![1].into())).await.unwrap();
/// assert!(matches!(next_incoming(&mut ws).await, Incoming::Text));
/// assert!(matches!(next_incoming(&mut ws).await, Incoming::Binary(_)));
/// # });
/// ```
pub async fn next_incoming(ws: &mut WebSocket) -> Incoming {
    Incoming::classify(ws.next().await)
}

/// Ends `ws` with protocol close `code` (one of [`close`]): a `Close` frame (code,
/// reason) then a WebSocket close with [`ws_close_code`], then reads what the peer still
/// sends until its Close reply, within 256 KiB and 500 ms (a peer that answers is let go
/// at once; unread input would make the kernel reset the connection and destroy the
/// close frame). Errors are ignored: the peer may be gone.
///
/// # Examples
///
/// ```
/// use async_tungstenite::tungstenite::Message;
/// use futures_lite::{future, StreamExt};
/// use vango::{protocol::close, server::websocket::close_with};
/// # use std::net::{TcpListener, TcpStream};
/// # use async_io::Async;
/// # use async_tungstenite::{tungstenite::protocol::Role, WebSocketStream};
/// # use vango::server::websocket::Upgraded;
/// # async_io::block_on(async {
/// # let l = TcpListener::bind("127.0.0.1:0").unwrap();
/// # let client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
/// # let (server, _) = l.accept().unwrap();
/// # let up = Upgraded::new(Async::new(server).unwrap(), Vec::new());
/// # let mut ws = WebSocketStream::from_raw_socket(up, Role::Server, None).await;
/// # let mut peer = WebSocketStream::from_raw_socket(Async::new(client).unwrap(), Role::Client, None).await;
/// let (_, got) = future::zip(close_with(&mut ws, close::SHUTDOWN, "restarting"), async move {
///     let mut got = Vec::new();
///     while let Some(Ok(m)) = peer.next().await {
///         let end = m.is_close();
///         got.push(m);
///         if end {
///             break; // and hang up: the server's drain sees the end of the stream
///         }
///     }
///     got
/// })
/// .await;
/// // The protocol's Close frame, then the WebSocket close with 4000 + code.
/// assert!(matches!(&got[..], [Message::Binary(_), Message::Close(Some(f))] if u16::from(f.code) == 4009));
/// # });
/// ```
pub async fn close_with(ws: &mut WebSocket, code: u8, reason: &str) {
    close_with_linger(ws, code, reason, LINGER).await;
}

/// [`close_with`] with the bounds of the wait for the peer's Close reply.
pub(crate) async fn close_with_linger(ws: &mut WebSocket, code: u8, reason: &str, bounds: Linger) {
    let reason = &reason[..floor_char_boundary(reason, MAX_CLOSE_REASON)];
    let mut frame = Vec::with_capacity(3 + reason.len());
    ServerFrame::Close {
        code,
        reason: reason.to_owned(),
    }
    .encode(&mut frame);
    let _ = ws.send(Message::Binary(frame.into())).await;
    let close = CloseFrame {
        code: CloseCode::from(ws_close_code(code)),
        reason: reason.to_owned().into(),
    };
    let _ = ws.close(Some(close)).await;
    await_close_reply(ws, bounds).await;
}

/// Ends `ws` after the peer broke the WebSocket protocol: a close frame with 1002
/// (protocol error), written straight to the socket since the stream refuses to send
/// after an error, then the same bounded wait as [`close_with`], reading raw frames.
///
/// # Examples
///
/// ```
/// use async_tungstenite::tungstenite::Message;
/// use futures_lite::{future, StreamExt};
/// use vango::server::websocket::close_protocol_error;
/// # use std::net::{TcpListener, TcpStream};
/// # use async_io::Async;
/// # use async_tungstenite::{tungstenite::protocol::Role, WebSocketStream};
/// # use vango::server::websocket::Upgraded;
/// # async_io::block_on(async {
/// # let l = TcpListener::bind("127.0.0.1:0").unwrap();
/// # let client = TcpStream::connect(l.local_addr().unwrap()).unwrap();
/// # let (server, _) = l.accept().unwrap();
/// # let up = Upgraded::new(Async::new(server).unwrap(), Vec::new());
/// # let mut ws = WebSocketStream::from_raw_socket(up, Role::Server, None).await;
/// # let mut peer = WebSocketStream::from_raw_socket(Async::new(client).unwrap(), Role::Client, None).await;
/// let (_, first) = future::zip(close_protocol_error(&mut ws), async move {
///     peer.next().await // then hang up, ending the server's drain
/// })
/// .await;
/// assert!(matches!(first, Some(Ok(Message::Close(Some(f)))) if u16::from(f.code) == 1002));
/// # });
/// ```
pub async fn close_protocol_error(ws: &mut WebSocket) {
    close_protocol_error_linger(ws, LINGER).await;
}

/// [`close_protocol_error`] with the bounds of the wait for the peer's Close reply.
pub(crate) async fn close_protocol_error_linger(ws: &mut WebSocket, bounds: Linger) {
    use futures_lite::AsyncWriteExt;
    // FIN + Close, 2 bytes of payload: 1002, unmasked (server frames are never masked).
    let frame = [0x88, 0x02, 0x03, 0xEA];
    let until = std::time::Instant::now() + bounds.time;
    let io = ws.get_mut();
    if io.write_all(&frame).await.is_ok() && io.flush().await.is_ok() {
        // The stream's buffer may hold bytes past the broken frame, so the raw bytes need
        // not start at a header: the scan gives up on the first one no client would send.
        drain(io, bounds.bytes, until, true).await;
    }
}

/// The largest index `<= max` that is a char boundary of `s`.
fn floor_char_boundary(s: &str, max: usize) -> usize {
    let mut i = max.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A service that echoes every binary message: the benchmark floor (`examples/echo.rs`).
///
/// # Examples
///
/// ```no_run
/// use vango::server::{websocket::Echo, Server};
/// Server::new(Echo::new).serve("127.0.0.1:8080")?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Echo {
    core: Rc<Core>,
}

impl Echo {
    /// The echo service of `core`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{websocket::Echo, Server};
    /// // `Echo::new` is the factory: one echo service per core.
    /// let running = Server::new(Echo::new).workers(1).spawn("127.0.0.1:0")?;
    /// running.shutdown();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(core: &Rc<Core>) -> Self {
        Echo { core: core.clone() }
    }
}

impl Service for Echo {
    fn websocket(&self, ws: WebSocket, _info: ConnInfo) -> impl Future<Output = ()> {
        echo(ws, self.core.stopped())
    }
}

#[cfg(test)]
pub(crate) fn echo_for_size(
    ws: WebSocket,
    stop: std::future::Ready<()>,
) -> impl Future<Output = ()> {
    echo(ws, stop)
}

// A plain fn returning `async move` (not an `async fn`): an `async fn` moves its arguments
// into fresh locals and keeps both copies in the future (rust-lang/rust#62958).
#[allow(
    clippy::manual_async_fn,
    reason = "avoids rust-lang/rust#62958 argument copies"
)]
fn echo(mut ws: WebSocket, stop: impl Future<Output = ()>) -> impl Future<Output = ()> {
    async move {
        let mut stop = pin!(stop);
        loop {
            let next = future::or(async { Some(ws.next().await) }, async {
                (&mut stop).await;
                None
            });
            let (code, why) = match next.await.map(Incoming::classify) {
                Some(Incoming::Binary(b)) => {
                    if ws.send(Message::Binary(b)).await.is_err() {
                        return;
                    }
                    continue;
                }
                Some(Incoming::Control) => continue,
                Some(Incoming::Closed) => return,
                Some(Incoming::ProtocolError) => {
                    Box::pin(close_protocol_error(&mut ws)).await;
                    return;
                }
                None => (close::SHUTDOWN, "server shutting down"),
                Some(Incoming::TooLarge) => (close::TOO_LARGE, "message too large"),
                Some(Incoming::Text) => (close::MALFORMED, "binary frames only"),
            };
            Box::pin(close_with(&mut ws, code, why)).await;
            return;
        }
    }
}
