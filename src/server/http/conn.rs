//! One connection's life: read, parse every buffered request, answer in order, flush,
//! repeat (keep-alive, pipelining); timeouts; upgrade to a WebSocket.
//!
//! Runs inside the connection's task on its accepting core; touches only its own socket.

use std::future::Future;
use std::io;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use async_io::{Async, Timer};
use async_tungstenite::tungstenite::protocol::Role;
use async_tungstenite::WebSocketStream;
use futures_lite::{future, AsyncReadExt, AsyncWriteExt};

use super::request::{parse, Parsed, Request};
use super::response::{Answer, Response};
use crate::server::core::Core;
use crate::server::hosts::{self, AllowedHosts};
use crate::server::lease::ConnGuard;
use crate::server::websocket::{self, ConnInfo, Service, Upgraded, WS_PATH};
use crate::server::{Limits, MAX_HEADERS_CAP};

/// What the connection does after answering everything buffered.
enum Step {
    /// Read more bytes.
    Read,
    /// Flush and close.
    Close,
    /// Flush the 101 and hand the socket to the WebSocket layer, with the upgrade
    /// request's headers (already bounded by the head limits).
    Upgrade(Vec<(String, String)>),
    /// Flush, await the service's answer (at most the header timeout), write it, then go on.
    Wait(Box<Waiting>),
}

/// An answer the service gives later, with what writing it needs from its request.
struct Waiting {
    answer: std::pin::Pin<Box<dyn Future<Output = Response>>>,
    head_only: bool,
    keep_alive: bool,
}

/// Stop parsing more pipelined requests once this much output waits (flush first).
const OUT_HIGH_WATER: usize = 64 * 1024;
/// Read granularity; the buffer grows only as far as the limits allow.
const READ_CHUNK: usize = 1024;
/// How long a connection accepted past the core's cap may take to send its request.
const SHED_TIMEOUT: Duration = Duration::from_secs(1);

/// Serves one accepted connection until it closes or upgrades. A `shed` connection was
/// accepted past a cap (the core's: 503, its address's: 429): it gets one answer,
/// `/healthz` or that status, and a short wait.
///
/// A plain fn returning `async move`: an `async fn` would keep a second copy of each
/// argument in the future (rust-lang/rust#62958), and this future is per-connection memory.
#[allow(
    clippy::manual_async_fn,
    reason = "avoids rust-lang/rust#62958 argument copies"
)]
pub(crate) fn serve<S: Service>(
    mut stream: Async<TcpStream>,
    peer: SocketAddr,
    core: Rc<Core>,
    svc: Rc<S>,
    shed: Option<u16>,
    lease: Option<ConnGuard>,
) -> impl Future<Output = ()> {
    async move {
        let mut buf = Vec::new();
        // The HTTP phase is a sub-future: its state overlaps the WebSocket phase's.
        let Some(headers) = http_phase(&mut stream, &mut buf, peer, &core, &*svc, shed).await
        else {
            return;
        };
        core.metrics().upgrades.fetch_add(1, Relaxed);
        let config = Some(websocket::ws_config(core.limits()));
        // One expression: a named `ws` local would keep a second 328-byte slot.
        svc.websocket(
            WebSocketStream::from_raw_socket(
                Upgraded::leased(stream, buf, lease),
                Role::Server,
                config,
            )
            .await,
            ConnInfo { peer, headers },
        )
        .await;
    }
}

/// Keep-alive request loop. Returns the upgrade request's headers when the connection
/// upgrades to a WebSocket (the 101 is written; `buf` holds the bytes read past the head),
/// `None` when it closed.
async fn http_phase<S: Service>(
    stream: &mut Async<TcpStream>,
    buf: &mut Vec<u8>,
    peer: SocketAddr,
    core: &Core,
    svc: &S,
    shed: Option<u16>,
) -> Option<Vec<(String, String)>> {
    let limits = core.limits();
    let header_timeout = if shed.is_some() {
        limits.header_timeout.min(SHED_TIMEOUT)
    } else {
        limits.header_timeout
    };
    let mut out: Vec<u8> = Vec::new();
    let mut started: Option<Instant> = None;
    let mut stop = pin!(core.stopped());
    loop {
        let mut step = process(buf, &mut out, stream.get_ref(), peer, core, svc, shed);
        if let Step::Wait(w) = step {
            // The answers before it go out first: they need not wait for this one.
            if !out.is_empty() {
                if write_timed(stream, &out, header_timeout).await.is_err() {
                    return None;
                }
                out.clear();
            }
            let Waiting {
                answer,
                head_only,
                keep_alive,
            } = *w;
            // Bounded like a request: a service's answer that never comes is a 503.
            let limit = async {
                Timer::after(limits.header_timeout).await;
                Response::error(503)
            };
            let resp = future::or(answer, limit).await;
            step = finish(resp, &mut out, core, head_only, keep_alive, shed);
            if matches!(step, Step::Read) && !buf.is_empty() {
                // Pipelined requests behind it: answer them before reading more.
                continue;
            }
        }
        if !out.is_empty() {
            if write_timed(stream, &out, header_timeout).await.is_err() {
                return None;
            }
            out.clear();
            if out.capacity() > 16 * 1024 {
                out = Vec::new();
            }
        }
        match step {
            Step::Read => {}
            Step::Close => {
                linger_close(stream, buf).await;
                return None;
            }
            Step::Upgrade(headers) => return Some(headers),
            Step::Wait(_) => unreachable!("awaited above"),
        }
        let idle = buf.is_empty();
        let deadline = if idle {
            started = None;
            if buf.capacity() > 2 * READ_CHUNK {
                *buf = Vec::new();
            }
            if core.is_stopping() {
                return None;
            }
            Instant::now()
                + if shed.is_some() {
                    header_timeout
                } else {
                    limits.idle_timeout
                }
        } else {
            *started.get_or_insert_with(Instant::now) + header_timeout
        };
        let len = buf.len();
        if buf.capacity() - len < READ_CHUNK / 2 {
            buf.reserve(READ_CHUNK.max(len));
        }
        buf.resize(buf.capacity(), 0);
        let read = async { Some(stream.read(&mut buf[len..]).await) };
        let timeout = async {
            Timer::at(deadline).await;
            None
        };
        let stopped = async {
            if idle {
                (&mut stop).await;
            } else {
                future::pending::<()>().await;
            }
            None
        };
        match future::or(read, future::or(timeout, stopped)).await {
            Some(Ok(n)) if n > 0 => buf.truncate(len + n),
            // EOF, error, timeout (slowloris or idle) or shutdown while idle: close.
            _ => return None,
        }
    }
}

/// Writes `out` entirely, or fails after `limit` (a client that never reads).
async fn write_timed(stream: &mut Async<TcpStream>, out: &[u8], limit: Duration) -> io::Result<()> {
    let write = async { stream.write_all(out).await };
    let timeout = async {
        Timer::after(limit).await;
        Err(io::ErrorKind::TimedOut.into())
    };
    future::or(write, timeout).await
}

/// Closes after an answer: half-close, then drain briefly so unread request bytes do not
/// turn the close into a reset that destroys the answer before the client reads it.
async fn linger_close(stream: &mut Async<TcpStream>, scratch: &mut Vec<u8>) {
    let _ = stream.get_ref().shutdown(Shutdown::Write);
    // Reuse the read buffer: a stack array here would sit in every connection's future.
    scratch.clear();
    scratch.resize(512, 0);
    let drain = async {
        let mut total = 0usize;
        while total < 256 * 1024 {
            match stream.read(scratch).await {
                Ok(n) if n > 0 => total += n,
                _ => break,
            }
        }
    };
    future::or(drain, async {
        Timer::after(Duration::from_millis(500)).await;
    })
    .await;
}

/// Parses and answers every complete request in `buf`, appending answers to `out` in order.
/// Consumed bytes leave `buf`; on `Step::Upgrade` what is left in `buf` belongs to the
/// WebSocket. Synchronous, so the header array never lives in the connection's future.
fn process<S: Service>(
    buf: &mut Vec<u8>,
    out: &mut Vec<u8>,
    sock: &TcpStream,
    peer: SocketAddr,
    core: &Core,
    svc: &S,
    shed: Option<u16>,
) -> Step {
    let limits = core.limits();
    let mut consumed = 0;
    let step = loop {
        if consumed == buf.len() || out.len() >= OUT_HIGH_WATER {
            break Step::Read;
        }
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS_CAP];
        let n = limits.max_headers.clamp(1, MAX_HEADERS_CAP);
        let (req, used) = match parse(&buf[consumed..], &mut headers[..n], limits) {
            Ok(Parsed::Complete(req, used)) => (req.with_peer(peer), used),
            Ok(Parsed::Partial(_)) => break Step::Read,
            Err(e) => {
                core.metrics().reject(e.status());
                let mut msg = e.to_string().into_bytes();
                msg.push(b'\n');
                Response::new(e.status())
                    .header("Content-Type", "text/plain; charset=utf-8")
                    .body(msg)
                    .write_to(out, false, true);
                break Step::Close;
            }
        };
        core.metrics()
            .requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        consumed += used;
        if let Some(status) = shed.filter(|_| req.path() != "/healthz") {
            // A cap is reached: answer fast so the client retries elsewhere or later.
            core.metrics().reject(status);
            Response::error(status).header("Retry-After", "1").write_to(
                out,
                req.method() == "HEAD",
                true,
            );
            break Step::Close;
        }
        if req.path() != "/healthz" && !host_allowed(&req, sock, limits) {
            let status = if req.path() == WS_PATH { 403 } else { 421 };
            core.metrics().reject(status);
            Response::error(status).write_to(out, false, true);
            break Step::Close;
        }
        if req.path() == "/metrics" && !metrics_allowed(sock, limits) {
            core.metrics().reject(404);
            Response::error(404).write_to(out, req.method() == "HEAD", !req.keep_alive());
            if !req.keep_alive() {
                break Step::Close;
            }
            continue;
        }
        if req.path() == WS_PATH {
            match websocket::check_handshake(&req, limits.trust_proxy) {
                Ok(accept) if !core.is_stopping() => {
                    websocket::write_switching(out, &accept, svc.upgrade_headers());
                    let headers = req
                        .headers()
                        .map(|(n, v)| (n.to_owned(), String::from_utf8_lossy(v).into_owned()))
                        .collect();
                    break Step::Upgrade(headers);
                }
                Ok(_) => {
                    Response::error(503).write_to(out, false, true);
                    break Step::Close;
                }
                Err(status) => {
                    core.metrics().reject(status);
                    let mut r = Response::error(status);
                    if status == 426 {
                        r = r.header("Sec-WebSocket-Version", "13");
                    }
                    r.write_to(out, false, true);
                    break Step::Close;
                }
            }
        }
        let head_only = req.method() == "HEAD";
        match route(&req, core, svc) {
            Answer::Now(resp) => {
                if let Step::Close = finish(resp, out, core, head_only, req.keep_alive(), shed) {
                    break Step::Close;
                }
            }
            Answer::Later(answer) => {
                break Step::Wait(Box::new(Waiting {
                    answer,
                    head_only,
                    keep_alive: req.keep_alive(),
                }))
            }
        }
    };
    buf.drain(..consumed);
    step
}

/// Writes a service's response to `out`: `Close` when the connection ends after it.
fn finish(
    resp: Response,
    out: &mut Vec<u8>,
    core: &Core,
    head_only: bool,
    keep_alive: bool,
    shed: Option<u16>,
) -> Step {
    let resp = resp.secure(&core.limits().security_headers);
    if resp.status() >= 400 {
        core.metrics().reject(resp.status());
    }
    let close = !keep_alive || resp.wants_close() || core.is_stopping() || shed.is_some();
    resp.write_to(out, head_only, close);
    if close {
        Step::Close
    } else {
        Step::Read
    }
}

/// Whether the request's `Host` is one this server answers for (a missing `Host` is not:
/// HTTP/1.1 requires it, and a browser always sends it).
fn host_allowed(req: &Request<'_>, sock: &TcpStream, limits: &Limits) -> bool {
    if limits.allowed_hosts == AllowedHosts::Any {
        return true;
    }
    let Some(host) = req.header("host") else {
        return false;
    };
    match sock.local_addr() {
        Ok(local) => limits.allowed_hosts.allows(host, local),
        Err(_) => false,
    }
}

fn metrics_allowed(sock: &TcpStream, limits: &Limits) -> bool {
    sock.peer_addr()
        .is_ok_and(|peer| hosts::metrics_allowed(peer, limits.public_metrics))
}

/// Built-in routes first, then the service.
fn route<S: Service>(req: &Request<'_>, core: &Core, svc: &S) -> Answer {
    if let Some(answer) = crate::server::dev_reload::route(req, core) {
        return answer;
    }
    let path = req.path();
    let builtin =
        path == "/healthz" || path == "/metrics" || core.assets().iter().any(|a| a.path() == path);
    if builtin && !req.is_get_or_head() {
        return Response::error(405).header("Allow", "GET, HEAD").into();
    }
    let resp = match path {
        "/healthz" => Response::new(200)
            .header("Content-Type", "text/plain; charset=utf-8")
            .header("Cache-Control", "no-store")
            .body_static(b"ok"),
        "/metrics" => {
            let mut text = String::with_capacity(4096);
            crate::server::metrics::render(core.all_metrics(), &mut text);
            Response::new(200)
                .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .header("Cache-Control", "no-store")
                .body(text.into_bytes())
        }
        _ => match core.assets().iter().find(|a| a.path() == path) {
            Some(asset) => asset.respond(req),
            None => match core
                .static_dirs()
                .iter()
                .find(|d| path.starts_with(d.prefix()))
            {
                Some(_) if !req.is_get_or_head() => {
                    Response::error(405).header("Allow", "GET, HEAD")
                }
                Some(dir) => dir.respond(req).unwrap_or_else(|| Response::error(404)),
                None => return svc.respond(req),
            },
        },
    };
    Answer::Now(resp)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::server::core::Shared;
    use crate::server::metrics::CoreMetrics;
    use crate::server::websocket::Echo;

    /// Memory per connection is the budget (≤ 5 KiB per idle session, see ARCHITECTURE.md): the
    /// whole connection task, WebSocket phase included, must stay small.
    #[test]
    fn connection_future_is_small() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let stream = Async::new(client).unwrap();
        let (tx, _rx) = flume::unbounded();
        let shared = Arc::new(Shared {
            limits: Default::default(),
            metrics: vec![CoreMetrics::default()].into(),
            peers: vec![tx].into(),
            assets: Vec::new(),
            dirs: Vec::new(),
            clients: Arc::default(),
        });
        let ex = Rc::new(async_executor::LocalExecutor::new());
        let core = Rc::new(Core::new(0, Rc::downgrade(&ex), shared));
        let svc = Rc::new(Echo::new(&core));
        let fut = serve(
            stream,
            listener.local_addr().unwrap(),
            core,
            svc,
            None,
            None,
        );
        let size = std::mem::size_of_val(&fut);
        println!("connection future (echo service): {size} bytes");
        fn ret_size<A, B, F>(_: impl Fn(A, B) -> F) -> usize {
            std::mem::size_of::<F>()
        }
        let echo = ret_size(crate::server::websocket::echo_for_size);
        let ws = std::mem::size_of::<crate::server::WebSocket>();
        println!("  of which the echo loop: {echo} bytes (its WebSocketStream: {ws} bytes)");
        assert!(size <= 1024, "connection future grew to {size} bytes");
    }
}
