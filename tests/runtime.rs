//! The thread-per-core runtime: worker counts, SO_REUSEPORT spread, cross-core messages,
//! graceful shutdown (idle closes, WebSockets get close code 9, bounded grace).

use std::io::Write;
use std::net::TcpStream;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use vango::server::{websocket::Echo, Core, Limits, Server};
use vango_test_support::raw::*;

#[test]
fn one_worker_serves() {
    let srv = start(1, Limits::default());
    let raw = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    assert_eq!(roundtrip(srv.local_addr(), raw).unwrap().status, 200);
    assert_eq!(metric_sum(srv.local_addr(), "vango_connections_total"), 2);
}

#[test]
fn reuseport_spreads_connections_over_cores() {
    let srv = start(3, Limits::default());
    let addr = srv.local_addr();
    let conns: Vec<TcpStream> = (0..60).map(|_| connect(addr)).collect();
    std::thread::sleep(Duration::from_millis(100));
    let raw = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let text = String::from_utf8(roundtrip(addr, raw.as_bytes()).unwrap().body).unwrap();
    let busy_cores = text
        .lines()
        .filter(|l| l.starts_with("vango_connections_total{"))
        .filter(|l| l.rsplit(' ').next().unwrap() != "0")
        .count();
    // 60 connections all hashed to one of 3 cores has probability 3^-59.
    assert!(busy_cores >= 2, "{text}");
    drop(conns);
}

#[test]
fn cross_core_messages_run_on_the_target_core() {
    let seen = Arc::new(AtomicUsize::new(0));
    let seen2 = seen.clone();
    let srv = Server::new(move |core: &Rc<Core>| {
        if core.index() == 0 {
            let seen = seen2.clone();
            assert!(core.send_to(
                1,
                Box::new(move |c: &Rc<Core>| seen.store(100 + c.index(), Ordering::SeqCst))
            ));
            assert!(!core.send_to(7, Box::new(|_: &Rc<Core>| ())));
        }
        Echo::new(core)
    })
    .workers(2)
    .spawn("127.0.0.1:0")
    .unwrap();
    let t = Instant::now();
    while seen.load(Ordering::SeqCst) == 0 && t.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(seen.load(Ordering::SeqCst), 101);
    srv.shutdown();
}

#[test]
fn graceful_shutdown_closes_idle_and_websockets() {
    let srv = start(2, Limits::default());
    let addr = srv.local_addr();
    let mut idle = connect(addr);
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    assert_eq!(
        read_response(&mut idle, &mut Vec::new(), false)
            .unwrap()
            .status,
        200
    );
    let mut ws = connect(addr);
    ws.write_all(&ws_request(&addr.to_string(), None)).unwrap();
    let mut p = Vec::new();
    assert_eq!(read_response(&mut ws, &mut p, false).unwrap().status, 101);

    let t = Instant::now();
    let handle = srv.shutdown_handle();
    let joiner = std::thread::spawn(move || srv.shutdown());
    assert!(closed(&mut idle));
    let mut code = None;
    let mut proto = None;
    while let Some((op, payload)) = read_ws_frame(&mut ws, &mut p) {
        if op == 0x2 {
            proto = payload.get(1).copied();
        }
        if op == 0x8 {
            code = Some(u16::from_be_bytes([payload[0], payload[1]]));
            // Answer the close so the server's close handshake completes.
            let _ = ws.write_all(&ws_frame(0x8, &payload[..2]));
            break;
        }
    }
    assert_eq!((proto, code), (Some(9), Some(4009)));
    joiner.join().unwrap();
    assert!(handle.is_shutdown());
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "took {:?}",
        t.elapsed()
    );
    assert!(
        TcpStream::connect(addr).is_err(),
        "no listener after shutdown"
    );
}

#[test]
fn shutdown_waits_at_most_the_grace() {
    let limits = Limits {
        shutdown_grace: Duration::from_millis(300),
        header_timeout: Duration::from_secs(30),
        ..Limits::default()
    };
    let srv = start(1, limits);
    // A request in flight (head half sent) keeps its connection past the stop signal.
    let mut s = connect(srv.local_addr());
    s.write_all(b"GET / HTTP/1.1\r\nHost").unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let t = Instant::now();
    srv.shutdown();
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(2),
        "took {took:?}"
    );
    assert!(closed(&mut s));
}

#[test]
fn in_flight_request_finishes_during_grace() {
    let limits = Limits {
        shutdown_grace: Duration::from_secs(3),
        ..Limits::default()
    };
    let srv = start(1, limits);
    let mut s = connect(srv.local_addr());
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nab")
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let handle = srv.shutdown_handle();
    let joiner = std::thread::spawn(move || srv.join());
    handle.shutdown();
    std::thread::sleep(Duration::from_millis(100));
    s.write_all(b"cd").unwrap();
    let r = read_response(&mut s, &mut Vec::new(), false).unwrap();
    assert_eq!((r.status, r.body.as_slice()), (200, &b"abcd"[..]));
    assert_eq!(r.header("connection"), Some("close"));
    joiner.join().unwrap();
}

#[test]
fn a_full_core_still_answers_healthz_and_sheds_the_rest() {
    let limits = Limits {
        max_connections_per_core: 2,
        ..Limits::default()
    };
    let srv = start(1, limits);
    let addr = srv.local_addr();
    // Two keep-alive connections fill the core.
    let held: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut s = connect(addr);
            s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
            let r = read_response(&mut s, &mut Vec::new(), false).unwrap();
            assert_eq!(r.status, 200);
            s
        })
        .collect();
    let health = roundtrip(addr, b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_eq!(health.expect("/healthz answers at the cap").status, 200);
    let page = roundtrip(addr, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    assert_eq!((page.status, page.header("retry-after")), (503, Some("1")));
    drop(held);
}
