//! HTTP/1.1 over real sockets: raw bytes in, raw bytes out (keep-alive, pipelining, limits,
//! timeouts, assets, and a mutation property test that the server never panics).

use std::io::Write;
use std::net::Shutdown;
use std::time::{Duration, Instant};

use vango::server::Limits;
use vango_test_support::raw::*;

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n").into_bytes()
}

#[test]
fn healthz_and_keep_alive() {
    let srv = start(2, Limits::default());
    let mut s = connect(srv.local_addr());
    let mut pending = Vec::new();
    for _ in 0..3 {
        s.write_all(&get("/healthz")).unwrap();
        let r = read_response(&mut s, &mut pending, false).expect("answer on the same connection");
        assert_eq!((r.status, r.body.as_slice()), (200, &b"ok"[..]));
        assert_eq!(r.header("connection"), None);
    }
}

#[test]
fn pipelined_requests_answered_in_order() {
    let srv = start(1, Limits::default());
    let mut s = connect(srv.local_addr());
    let mut raw = get("/");
    raw.extend(get("/healthz"));
    raw.extend(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
    raw.extend(get("/nope"));
    s.write_all(&raw).unwrap();
    let mut p = Vec::new();
    let a = read_response(&mut s, &mut p, false).unwrap();
    let b = read_response(&mut s, &mut p, false).unwrap();
    let c = read_response(&mut s, &mut p, false).unwrap();
    let d = read_response(&mut s, &mut p, false).unwrap();
    assert_eq!((a.status, a.body.as_slice()), (200, &b"<p>hello</p>"[..]));
    assert_eq!((b.status, b.body.as_slice()), (200, &b"ok"[..]));
    assert_eq!((c.status, c.body.as_slice()), (200, &b"hello"[..]));
    assert_eq!(d.status, 404);
}

#[test]
fn body_split_across_writes() {
    let srv = start(1, Limits::default());
    let mut s = connect(srv.local_addr());
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-")
        .unwrap();
    std::thread::sleep(Duration::from_millis(30));
    s.write_all(b"Length: 6\r\n\r\nab").unwrap();
    std::thread::sleep(Duration::from_millis(30));
    s.write_all(b"cdef").unwrap();
    let r = read_response(&mut s, &mut Vec::new(), false).unwrap();
    assert_eq!((r.status, r.body.as_slice()), (200, &b"abcdef"[..]));
}

#[test]
fn head_sends_headers_only() {
    let srv = start(1, Limits::default());
    let mut s = connect(srv.local_addr());
    s.write_all(b"HEAD /_vango/client.js HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    s.write_all(&get("/healthz")).unwrap();
    let mut p = Vec::new();
    let h = read_response(&mut s, &mut p, true).unwrap();
    assert_eq!(h.status, 200);
    assert_eq!(
        h.header("content-length").unwrap(),
        vango::server::assets::CLIENT_JS.len().to_string()
    );
    // The next bytes are the next response, so no body was sent for HEAD.
    let next = read_response(&mut s, &mut p, false).unwrap();
    assert_eq!((next.status, next.body.as_slice()), (200, &b"ok"[..]));
}

#[test]
fn etag_and_if_none_match() {
    let srv = start(1, Limits::default());
    let r = roundtrip(srv.local_addr(), &get("/_vango/client.js")).unwrap();
    assert_eq!(r.body, vango::server::assets::CLIENT_JS);
    let etag = r.header("etag").unwrap().to_owned();
    let raw = format!(
        "GET /_vango/client.js HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"x\", {etag}\r\n\r\n"
    );
    let r = roundtrip(srv.local_addr(), raw.as_bytes()).unwrap();
    assert_eq!((r.status, r.body.len()), (304, 0));
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    let raw = "GET /_vango/client.js HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"other\"\r\n\r\n";
    assert_eq!(
        roundtrip(srv.local_addr(), raw.as_bytes()).unwrap().status,
        200
    );
}

#[test]
fn gzip_variant_when_accepted() {
    let srv = start(1, Limits::default());
    let raw = "GET /_vango/client.js HTTP/1.1\r\nHost: t\r\nAccept-Encoding: br, gzip\r\n\r\n";
    let r = roundtrip(srv.local_addr(), raw.as_bytes()).unwrap();
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(r.header("vary"), Some("Accept-Encoding"));
    assert_eq!(r.body, vango::server::assets::CLIENT_JS_GZ);
    assert_eq!(&r.body[..2], &[0x1f, 0x8b]);
    let plain = roundtrip(srv.local_addr(), &get("/_vango/client.js")).unwrap();
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.header("vary"), Some("Accept-Encoding"));
    assert_ne!(plain.header("etag"), r.header("etag"));
}

/// Sends `raw`, expects `status`, and (when `closes`) that the server then closes.
fn expect_status(raw: &[u8], status: u16, closes: bool) {
    let srv = start(1, Limits::default());
    let mut s = connect(srv.local_addr());
    let _ = s.write_all(raw);
    let r = read_response(&mut s, &mut Vec::new(), false).unwrap_or_else(|| {
        panic!(
            "no answer to {:?}",
            String::from_utf8_lossy(&raw[..raw.len().min(80)])
        )
    });
    assert_eq!(
        r.status,
        status,
        "for {:?}",
        String::from_utf8_lossy(&raw[..raw.len().min(80)])
    );
    if closes {
        assert_eq!(r.header("connection"), Some("close"));
        assert!(closed(&mut s), "connection should close after {status}");
    }
}

#[test]
fn limit_statuses() {
    expect_status(b"GET / HTTP/1.1\r\n\r\n", 400, true); // no Host
    expect_status(
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        411,
        true,
    );
    expect_status(
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
        501,
        true,
    );
    expect_status(
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 70000\r\n\r\n",
        413,
        true,
    );
    let mut long = b"GET /".to_vec();
    long.extend(std::iter::repeat_n(b'a', 9000));
    long.extend(b" HTTP/1.1\r\nHost: t\r\n\r\n");
    expect_status(&long, 414, true);
    let mut big = b"GET / HTTP/1.1\r\nHost: t\r\n".to_vec();
    for i in 0..40 {
        big.extend(format!("X-{i}: {}\r\n", "v".repeat(500)).as_bytes());
    }
    big.extend(b"\r\n");
    expect_status(&big, 431, true);
    let mut many = b"GET / HTTP/1.1\r\nHost: t\r\n".to_vec();
    for i in 0..60 {
        many.extend(format!("X-{i}: v\r\n").as_bytes());
    }
    many.extend(b"\r\n");
    expect_status(&many, 431, true);
    expect_status(b"DELETE /healthz HTTP/1.1\r\nHost: t\r\n\r\n", 405, false);
    expect_status(b"GET /missing HTTP/1.1\r\nHost: t\r\n\r\n", 404, false);
}

#[test]
fn transfer_encoding_with_content_length_refused_and_closed() {
    let raw = b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n\
                0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    let srv = start(1, Limits::default());
    let mut s = connect(srv.local_addr());
    s.write_all(raw).unwrap();
    let mut p = Vec::new();
    let r = read_response(&mut s, &mut p, false).unwrap();
    assert_eq!(r.status, 400);
    // The smuggled second request must not be answered.
    assert!(read_response(&mut s, &mut p, false).is_none());
}

#[test]
fn garbage_gets_400_and_close() {
    expect_status(
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n",
        400,
        true,
    );
    expect_status(b"GET / HTTP/9.9\r\nHost: t\r\n\r\n", 400, true);
}

#[test]
fn connection_close_and_http10() {
    let srv = start(1, Limits::default());
    let mut s = connect(srv.local_addr());
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .unwrap();
    let r = read_response(&mut s, &mut Vec::new(), false).unwrap();
    assert_eq!(r.header("connection"), Some("close"));
    assert!(closed(&mut s));
    let mut s = connect(srv.local_addr());
    s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").unwrap();
    assert_eq!(
        read_response(&mut s, &mut Vec::new(), false)
            .unwrap()
            .status,
        200
    );
    assert!(closed(&mut s));
}

#[test]
fn slowloris_head_timeout_closes() {
    let limits = Limits {
        header_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let srv = start(1, limits);
    let mut s = connect(srv.local_addr());
    let t = Instant::now();
    // Trickle bytes: each byte arrives before the timeout, the whole head never does.
    for b in b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: aaaaaaaa" {
        if s.write_all(&[*b]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(40));
        if t.elapsed() > Duration::from_secs(1) {
            break;
        }
    }
    assert!(closed(&mut s));
    let took = t.elapsed();
    assert!(took < Duration::from_millis(1500), "closed after {took:?}");
}

#[test]
fn idle_keep_alive_timeout_closes() {
    let limits = Limits {
        idle_timeout: Duration::from_millis(200),
        ..Limits::default()
    };
    let srv = start(1, limits);
    let mut s = connect(srv.local_addr());
    s.write_all(&get("/healthz")).unwrap();
    assert_eq!(
        read_response(&mut s, &mut Vec::new(), false)
            .unwrap()
            .status,
        200
    );
    let t = Instant::now();
    assert!(closed(&mut s));
    assert!(t.elapsed() >= Duration::from_millis(150) && t.elapsed() < Duration::from_secs(2));
}

#[test]
fn metrics_count_rejections() {
    let srv = start(2, Limits::default());
    let before = metric_sum(srv.local_addr(), "vango_requests_total");
    let _ = roundtrip(
        srv.local_addr(),
        b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 999999\r\n\r\n",
    );
    let text = {
        let raw = format!(
            "GET /metrics HTTP/1.1\r\nHost: {}\r\n\r\n",
            srv.local_addr()
        );
        String::from_utf8(roundtrip(srv.local_addr(), raw.as_bytes()).unwrap().body).unwrap()
    };
    let rejected_413: u64 = text
        .lines()
        .filter(|l| l.starts_with("vango_rejected_requests_total{") && l.contains("status=\"413\""))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(rejected_413, 1);
    assert!(metric_sum(srv.local_addr(), "vango_requests_total") > before);
}

/// Builds a random but plausible request, then mutates it.
fn mutated_request(rng: &mut fastrand::Rng) -> Vec<u8> {
    let methods = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "G\u{0}T", "",
    ];
    let paths = [
        "/",
        "/healthz",
        "/metrics",
        "/_vango/client.js",
        "/echo",
        "/_vango/ws",
        "*",
        "http://x/",
    ];
    let mut r = format!(
        "{} {} HTTP/1.{}\r\n",
        methods[rng.usize(..methods.len())],
        paths[rng.usize(..paths.len())],
        rng.u8(0..3)
    )
    .into_bytes();
    let names = [
        "Host",
        "Content-Length",
        "Transfer-Encoding",
        "Connection",
        "Upgrade",
        "Accept-Encoding",
        "If-None-Match",
        "Origin",
        "Sec-WebSocket-Key",
        "Sec-WebSocket-Version",
        "X",
    ];
    let values = [
        "t",
        "5",
        "chunked",
        "close",
        "keep-alive",
        "websocket",
        "upgrade",
        "gzip",
        "*",
        "13",
        "-1",
        "99999999999999999999",
        "",
        "dGhlIHNhbXBsZSBub25jZQ==",
    ];
    for _ in 0..rng.usize(0..8) {
        r.extend(
            format!(
                "{}: {}\r\n",
                names[rng.usize(..names.len())],
                values[rng.usize(..values.len())]
            )
            .as_bytes(),
        );
    }
    r.extend(b"\r\n");
    let tail = rng.usize(0..8);
    r.extend(std::iter::repeat_with(|| rng.u8(..)).take(tail));
    for _ in 0..rng.usize(0..4) {
        if r.is_empty() {
            break;
        }
        let i = rng.usize(..r.len());
        match rng.u8(0..5) {
            0 => r[i] = rng.u8(..),
            1 => r.insert(i, rng.u8(..)),
            2 => {
                r.remove(i);
            }
            3 => r.truncate(i),
            _ => {
                let chunk = r[i..].to_vec();
                r.extend(chunk);
            }
        }
    }
    r
}

#[test]
fn property_mutated_heads_never_panic() {
    let limits = Limits {
        header_timeout: Duration::from_millis(200),
        ..Limits::default()
    };
    let srv = start(2, limits);
    let seed = vango_test_support::seed_from_env();
    let mut rng = fastrand::Rng::with_seed(seed);
    for case in 0..300 {
        let raw = mutated_request(&mut rng);
        let mut s = connect(srv.local_addr());
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        let _ = s.write_all(&raw);
        let _ = s.shutdown(Shutdown::Write);
        // Every answer is a well-formed response; the stream ends with a close.
        let mut p = Vec::new();
        while let Some(r) = read_response(&mut s, &mut p, raw.starts_with(b"HEAD")) {
            assert!(
                (100..600).contains(&r.status),
                "seed {seed} case {case}: status {}",
                r.status
            );
            if r.status == 101 {
                break;
            }
        }
        if !p.is_empty() && !raw.starts_with(b"HEAD") {
            let head = String::from_utf8_lossy(&p[..p.len().min(12)]).into_owned();
            assert!(
                head.starts_with("HTTP/1.1 ") || head.is_empty(),
                "seed {seed} case {case}: stray bytes {head:?}"
            );
        }
    }
    assert_eq!(
        metric_sum(srv.local_addr(), "vango_panics_total"),
        0,
        "seed {seed}"
    );
    assert_eq!(
        roundtrip(srv.local_addr(), &get("/healthz"))
            .unwrap()
            .status,
        200,
        "seed {seed}"
    );
}
