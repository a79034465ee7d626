//! WebSocket upgrade over raw sockets: handshake checks, echo, Origin, protocol closes, limits.

use std::io::Write;
use vango::server::hosts::AllowedHosts;

use vango::server::Limits;
use vango_test_support::raw::*;

/// Upgrades and returns the stream plus any bytes read past the 101.
fn upgrade(addr: std::net::SocketAddr, extra: &[u8]) -> (std::net::TcpStream, Vec<u8>) {
    let mut s = connect(addr);
    let mut raw = ws_request(&addr.to_string(), Some(&format!("http://{addr}")));
    raw.extend_from_slice(extra);
    s.write_all(&raw).unwrap();
    let mut p = Vec::new();
    let r = read_response(&mut s, &mut p, false).expect("101");
    assert_eq!(r.status, 101);
    // RFC 6455 section 1.3's sample key and answer.
    assert_eq!(
        r.header("sec-websocket-accept"),
        Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    );
    assert!(r
        .header("upgrade")
        .unwrap()
        .eq_ignore_ascii_case("websocket"));
    (s, p)
}

#[test]
fn echo_binary_messages() {
    let srv = start(2, Limits::default());
    let (mut s, mut p) = upgrade(srv.local_addr(), &[]);
    for len in [0usize, 1, 125, 126, 5000, 64 * 1024 - 1] {
        let payload: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        s.write_all(&ws_frame(0x2, &payload)).unwrap();
        let (op, got) = read_ws_frame(&mut s, &mut p).expect("echo");
        assert_eq!((op, got.len()), (0x2, len));
        assert_eq!(got, payload);
    }
}

#[test]
fn frame_in_same_write_as_handshake_is_not_lost() {
    let srv = start(1, Limits::default());
    let mut extra = ws_frame(0x2, b"early");
    extra.extend(ws_frame(0x2, b"bird"));
    let (mut s, mut p) = upgrade(srv.local_addr(), &extra);
    assert_eq!(
        read_ws_frame(&mut s, &mut p),
        Some((0x2, b"early".to_vec()))
    );
    assert_eq!(read_ws_frame(&mut s, &mut p), Some((0x2, b"bird".to_vec())));
}

#[test]
fn origin_must_match_host() {
    let srv = start(1, Limits::default());
    let addr = srv.local_addr();
    let cases = [
        (Some("http://evil.example".to_string()), 403),
        (Some("null".to_string()), 403),
        (Some(format!("https://{addr}.evil")), 403),
        (Some(format!("http://{addr}")), 101),
        (None, 101),
    ];
    for (origin, status) in cases {
        let r = roundtrip(addr, &ws_request(&addr.to_string(), origin.as_deref())).unwrap();
        assert_eq!(r.status, status, "origin {origin:?}");
    }
    // A host the server does not answer for is refused even when Origin matches it: a
    // page on evil.example rebound to this address (DNS rebinding) sends exactly that.
    let rebound = format!("evil.example:{}", addr.port());
    let r = roundtrip(
        addr,
        &ws_request(&rebound, Some(&format!("http://{rebound}"))),
    )
    .unwrap();
    assert_eq!(r.status, 403, "rebound upgrade");
    // A listed public name, with the scheme's default port left out by the browser.
    let named = start(
        1,
        Limits {
            allowed_hosts: AllowedHosts::list(["example.com"]),
            ..Default::default()
        },
    );
    let r = roundtrip(
        named.local_addr(),
        &ws_request("example.com", Some("http://example.com:80")),
    )
    .unwrap();
    assert_eq!(r.status, 101);
}

/// The Origin's scheme must be the one the client used: plain `http` directly; behind a
/// trusted proxy, `https` when it says `X-Forwarded-Proto: https`. An untrusted header
/// changes nothing.
#[test]
fn origin_scheme_must_match_the_connection() {
    let upgrade_with = |addr: std::net::SocketAddr, origin: &str, proto: Option<&str>| {
        let mut raw = ws_request(&addr.to_string(), Some(origin));
        if let Some(p) = proto {
            raw.truncate(raw.len() - 2);
            raw.extend_from_slice(format!("X-Forwarded-Proto: {p}\r\n\r\n").as_bytes());
        }
        roundtrip(addr, &raw).unwrap().status
    };
    let direct = start(1, Limits::default());
    let a = direct.local_addr();
    assert_eq!(upgrade_with(a, &format!("https://{a}"), None), 403);
    assert_eq!(
        upgrade_with(a, &format!("https://{a}"), Some("https")),
        403,
        "untrusted"
    );
    assert_eq!(
        upgrade_with(a, &format!("http://{a}"), Some("https")),
        101,
        "untrusted"
    );
    let proxied = start(
        1,
        Limits {
            trust_proxy: true,
            ..Default::default()
        },
    );
    let a = proxied.local_addr();
    assert_eq!(upgrade_with(a, &format!("https://{a}"), Some("https")), 101);
    assert_eq!(upgrade_with(a, &format!("http://{a}"), Some("https")), 403);
    assert_eq!(upgrade_with(a, &format!("https://{a}"), None), 403);
    assert_eq!(upgrade_with(a, &format!("http://{a}"), Some("http")), 101);
}

/// An app with one page on one core, under the default host policy.
fn one_page_app() -> vango::server::RunningServer {
    vango::App::new()
        .page("/", || || vango::prelude::p("x"))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap()
}

#[test]
fn a_rebound_host_gets_421_and_healthz_answers_any_host() {
    let srv = one_page_app();
    let addr = srv.local_addr();
    let get = |host: &str, path: &str| {
        let raw = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n");
        roundtrip(addr, raw.as_bytes()).unwrap().status
    };
    let port = addr.port();
    assert_eq!(get(&addr.to_string(), "/"), 200);
    assert_eq!(get(&format!("localhost:{port}"), "/"), 200);
    assert_eq!(get(&format!("evil.example:{port}"), "/"), 421);
    assert_eq!(
        get(&format!("127.0.0.1:{}", port + 1), "/"),
        421,
        "another port"
    );
    assert_eq!(get(&format!("evil.example:{port}"), "/healthz"), 200);
    // /metrics answers loopback peers (every peer here is one).
    assert_eq!(get(&addr.to_string(), "/metrics"), 200);
    let no_host = roundtrip(addr, b"GET / HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(no_host.status, 400, "HTTP/1.1 requires Host");
}

#[test]
fn bad_handshakes_are_refused() {
    let srv = start(1, Limits::default());
    let addr = srv.local_addr();
    let good = String::from_utf8(ws_request("t", None)).unwrap();
    let cases = [
        (
            good.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""),
            400,
        ),
        (
            good.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"),
            426,
        ),
        (good.replace("Upgrade: websocket", "Upgrade: h2c"), 400),
        (
            good.replace("Connection: Upgrade", "Connection: keep-alive"),
            400,
        ),
        (good.replace("GET ", "POST "), 405),
    ];
    for (raw, status) in cases {
        let r = roundtrip(addr, raw.as_bytes()).unwrap();
        assert_eq!(r.status, status, "{raw:?}");
    }
}

/// Reads frames until a close frame; returns the protocol Close frame seen and the close code.
fn read_until_close(
    s: &mut std::net::TcpStream,
    p: &mut Vec<u8>,
) -> (Option<Vec<u8>>, Option<u16>) {
    let mut proto = None;
    while let Some((op, payload)) = read_ws_frame(s, p) {
        match op {
            0x2 if payload.first() == Some(&0x87) => proto = Some(payload),
            0x8 => {
                return (
                    proto,
                    payload.get(..2).map(|c| u16::from_be_bytes([c[0], c[1]])),
                )
            }
            _ => {}
        }
    }
    (proto, None)
}

#[test]
fn text_message_closes_with_code_2() {
    let srv = start(1, Limits::default());
    let (mut s, mut p) = upgrade(srv.local_addr(), &[]);
    s.write_all(&ws_frame(0x1, b"hello")).unwrap();
    let (proto, code) = read_until_close(&mut s, &mut p);
    assert_eq!(proto.as_ref().map(|f| f[1]), Some(2));
    assert_eq!(code, Some(4002));
}

#[test]
fn oversized_message_closes() {
    let srv = start(1, Limits::default());
    let (mut s, mut p) = upgrade(srv.local_addr(), &[]);
    let _ = s.write_all(&ws_frame(0x2, &vec![7u8; 64 * 1024 + 1]));
    let (proto, code) = read_until_close(&mut s, &mut p);
    assert_eq!(proto.as_ref().map(|f| f[1]), Some(3));
    assert_eq!(code, Some(4003));
    assert!(closed(&mut s));
}

#[test]
fn ping_is_answered_with_pong() {
    let srv = start(1, Limits::default());
    let (mut s, mut p) = upgrade(srv.local_addr(), &[]);
    s.write_all(&ws_frame(0x9, b"np")).unwrap();
    s.write_all(&ws_frame(0x2, b"x")).unwrap();
    assert_eq!(read_ws_frame(&mut s, &mut p), Some((0xA, b"np".to_vec())));
    assert_eq!(read_ws_frame(&mut s, &mut p), Some((0x2, b"x".to_vec())));
}

#[test]
fn upgrades_are_counted() {
    let srv = start(2, Limits::default());
    let (_s, _) = upgrade(srv.local_addr(), &[]);
    let (_t, _) = upgrade(srv.local_addr(), &[]);
    // The counter may be bumped just after the 101 goes out: wait for it, boundedly.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let mut n = metric_sum(srv.local_addr(), "vango_upgrades_total");
    while n < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
        n = metric_sum(srv.local_addr(), "vango_upgrades_total");
    }
    assert_eq!(n, 2);
}

/// A random client byte stream after the upgrade: frames with random opcodes, flags,
/// masks and lengths (some above the limit), fragments, and raw garbage.
fn random_ws_bytes(rng: &mut fastrand::Rng, max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.usize(1..6) {
        match rng.u8(0..6) {
            0 => {
                let n = rng.usize(0..40);
                out.extend(std::iter::repeat_with(|| rng.u8(..)).take(n));
            }
            1 => {
                // A header claiming a huge payload that never comes.
                out.extend([0x82, 0x80 | 127]);
                out.extend(rng.u64(..).to_be_bytes());
                out.extend([1, 2, 3, 4]);
            }
            2 => {
                // Fragments: first without FIN, then continuations.
                let mut f = ws_frame(0x2, &vec![rng.u8(..); rng.usize(0..300)]);
                f[0] &= 0x7f;
                out.extend(f);
                out.extend(ws_frame(0x0, &vec![rng.u8(..); rng.usize(0..max + 10)]));
            }
            3 => {
                let mut f = ws_frame(rng.u8(0..16), &vec![rng.u8(..); rng.usize(0..200)]);
                f[0] ^= rng.u8(0..8) << 4; // reserved bits
                if rng.bool() {
                    f[1] &= 0x7f; // unmasked
                }
                out.extend(f);
            }
            _ => out.extend(ws_frame(0x2, &vec![rng.u8(..); rng.usize(0..max + 10)])),
        }
    }
    if rng.bool() && !out.is_empty() {
        out.truncate(rng.usize(..out.len()));
    }
    out
}

/// The same bytes the `ws_frames` fuzz target feeds, over a real socket: the server answers
/// or closes, never panics, and keeps serving.
#[test]
fn property_random_frames_after_upgrade_never_panic() {
    let limits = Limits {
        max_ws_message: 1024,
        ..Limits::default()
    };
    let srv = start(2, limits);
    let seed = vango_test_support::seed_from_env();
    let mut rng = fastrand::Rng::with_seed(seed);
    for case in 0..150 {
        let (mut s, mut p) = upgrade(srv.local_addr(), &[]);
        s.set_read_timeout(Some(std::time::Duration::from_secs(3)))
            .unwrap();
        let _ = s.write_all(&random_ws_bytes(&mut rng, 1024));
        let _ = s.shutdown(std::net::Shutdown::Write);
        while let Some((op, payload)) = read_ws_frame(&mut s, &mut p) {
            assert!(
                matches!(op, 0x2 | 0x8 | 0x9 | 0xA),
                "seed {seed} case {case}: server sent opcode {op:#x}"
            );
            assert!(payload.len() <= 1024, "seed {seed} case {case}");
        }
    }
    assert_eq!(
        metric_sum(srv.local_addr(), "vango_panics_total"),
        0,
        "seed {seed}"
    );
    let (mut s, mut p) = upgrade(srv.local_addr(), &[]);
    s.write_all(&ws_frame(0x2, b"still here")).unwrap();
    assert_eq!(
        read_ws_frame(&mut s, &mut p),
        Some((0x2, b"still here".to_vec())),
        "seed {seed}"
    );
}

#[test]
fn pages_carry_security_headers_and_every_response_nosniff() {
    let srv = one_page_app();
    let addr = srv.local_addr();
    let get = |path: &str| {
        let raw = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        roundtrip(addr, raw.as_bytes()).unwrap()
    };
    let page = get("/");
    let csp = page.header("content-security-policy").expect("a CSP");
    for part in [
        "'strict-dynamic' 'self'",
        "frame-ancestors 'self'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert_eq!(page.header("x-frame-options"), Some("SAMEORIGIN"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    let js = get("/_vango/client.js");
    assert_eq!(js.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(js.header("content-security-policy"), None, "pages only");
}

/// Every WebSocket protocol error gets a close frame with 1002 before TCP ends.
#[test]
fn protocol_errors_close_with_1002() {
    let srv = start(1, Limits::default());
    let addr = srv.local_addr();
    let mut rsv = ws_frame(0x2, b"x");
    rsv[0] |= 0x40; // RSV1 without an extension
    let mut reserved = ws_frame(0x2, b"x");
    reserved[0] = 0x80 | 0x3; // reserved data opcode
    let mut unmasked = ws_frame(0x2, b"x");
    unmasked[1] &= 0x7f; // a client frame must be masked
    unmasked.drain(2..6);
    let big_ping = ws_frame(0x9, &[0u8; 126]); // control frames carry at most 125 bytes
    let bad_utf8_close = ws_frame(0x8, &[0x03, 0xe8, 0xff, 0xfe]);
    let cases = [
        ("RSV1", rsv),
        ("reserved opcode", reserved),
        ("unmasked", unmasked),
        ("oversized ping", big_ping),
        ("bad UTF-8 close reason", bad_utf8_close),
    ];
    for (what, frame) in cases {
        let (mut s, mut p) = upgrade(addr, &[]);
        s.write_all(&frame).unwrap();
        let (_, code) = read_until_close(&mut s, &mut p);
        assert_eq!(code, Some(1002), "{what}");
    }
}

/// A client flooding events past the rate limit gets the code-5 Close frame, not a reset
/// that destroys it: the server drains what is unread before closing.
#[test]
fn a_rate_limited_flood_receives_its_close_frame() {
    use vango::prelude::*;
    use vango::protocol::ServerFrame;
    use vango_test_support::client::{page, Client};
    let srv = vango::App::new()
        .page("/", || {
            let n = signal(0u32);
            move || {
                button(n.get().to_string())
                    .id("b")
                    .on_click(move |_| n.update(|v| *v += 1))
            }
        })
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let info = page(srv.local_addr());
    let mut c = Client::open(srv.local_addr(), &info);
    // Past the default burst (200) without reading a single answer.
    for _ in 0..600 {
        c.send_click(info.hid("b"));
    }
    let mut saw = None;
    while let Some(f) = c.try_recv(2000) {
        if let ServerFrame::Close { code, .. } = f {
            saw = Some(code);
            break;
        }
    }
    assert_eq!(saw, Some(vango::protocol::close::RATE_LIMIT));
}
