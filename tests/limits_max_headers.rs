//! `Limits::max_headers`: the cap (64) is served exactly over a real socket, and a value
//! outside 1..=64 panics where the limits are set instead of being silently lowered.

use vango::server::{websocket::Echo, Limits, Server, MAX_HEADERS_CAP};
use vango_test_support::raw::roundtrip;

fn with_headers(addr: std::net::SocketAddr, n: usize) -> u16 {
    let mut raw = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for i in 2..n {
        raw.push_str(&format!("X-H{i}: v\r\n"));
    }
    raw.push_str("\r\n");
    roundtrip(addr, raw.as_bytes()).unwrap().status
}

#[test]
fn the_cap_is_served_exactly() {
    let limits = Limits {
        max_headers: MAX_HEADERS_CAP,
        ..Limits::default()
    };
    let srv = Server::new(Echo::new)
        .limits(limits)
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    assert_eq!(with_headers(srv.local_addr(), MAX_HEADERS_CAP), 200);
    assert_eq!(with_headers(srv.local_addr(), MAX_HEADERS_CAP + 1), 431);
    srv.shutdown();
}

#[test]
#[should_panic(expected = "Limits::max_headers is 65, but must be from 1 to MAX_HEADERS_CAP (64)")]
fn above_the_cap_panics_on_the_server() {
    let limits = Limits {
        max_headers: MAX_HEADERS_CAP + 1,
        ..Limits::default()
    };
    let _ = Server::new(Echo::new).limits(limits);
}

#[test]
#[should_panic(expected = "Limits::max_headers is 0")]
fn zero_panics_on_the_app() {
    let _ = vango::App::new().limits(Limits {
        max_headers: 0,
        ..Limits::default()
    });
}
