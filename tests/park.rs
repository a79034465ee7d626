//! Parked connections over real sockets: a session whose view hibernated gives up its
//! connection task and WebSocket stream (`vango_parked_connections` counts it) and still
//! answers its next click, a ping (then parks again at once), a push from another
//! session's write, the idle timeout and a shutdown; a frame cut in two across the
//! hibernation is read whole; the parked socket stays counted in `vango_connections`
//! until it closes; and many parked sockets share their core's lot, each woken alone.

use std::io::Write;
use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use vango::live::SessionConfig;
use vango::prelude::*;
use vango::protocol::{ClientFrame, ServerFrame};
use vango::server::{Limits, RunningServer};
use vango_test_support::client::{page, set_texts, Client, PageInfo};
use vango_test_support::pages::{counter, global_counter};
use vango_test_support::raw::{metric_sum, read_ws_frame, ws_frame};

const PARKED: &str = "vango_parked_connections";

/// Waits (≤ 5 s) until the metric `name` reads `want`; false if it never does.
fn reaches(addr: SocketAddr, name: &str, want: u64) -> bool {
    let end = Instant::now() + Duration::from_secs(5);
    while Instant::now() < end {
        if metric_sum(addr, name) == want {
            return true;
        }
        thread::sleep(Duration::from_millis(10));
    }
    false
}

fn server<R: Render>(
    setup: impl Fn() -> R + Send + Sync + 'static,
    hibernate_after: Duration,
    limits: Limits,
) -> vango::server::RunningServer {
    vango::App::new()
        .page("/", setup)
        .workers(1)
        .limits(limits)
        .sessions(SessionConfig {
            hibernate_after,
            ..SessionConfig::default()
        })
        .spawn("127.0.0.1:0")
        .unwrap()
}

/// A one-core counter server hibernating after `after`, its page, and a client whose
/// session has parked.
fn parked_counter(after: Duration, limits: Limits) -> (RunningServer, PageInfo, Client) {
    let srv = server(counter, after, limits);
    let addr = srv.local_addr();
    let p = page(addr);
    let c = Client::open(addr, &p);
    assert!(reaches(addr, PARKED, 1), "the idle session parked");
    (srv, p, c)
}

fn count(f: &ServerFrame) -> Vec<String> {
    set_texts(f, None)
}

#[test]
fn an_asleep_session_parks_and_answers_its_next_clicks() {
    let (srv, p, mut c) = parked_counter(Duration::from_millis(50), Limits::default());
    let addr = srv.local_addr();
    let inc = p.hid("inc");
    // Parked, the socket still counts (this scrape's own connection is the other one).
    assert_eq!(metric_sum(addr, "vango_connections"), 2);
    for n in 1..=4 {
        assert_eq!(count(&c.click(n, inc)), [format!("Count: {n}")]);
        assert!(reaches(addr, PARKED, 1), "parked again after click {n}");
    }
    // Two sessions park side by side and each answers for itself.
    let mut d = Client::open(addr, &p);
    assert!(reaches(addr, PARKED, 2));
    assert_eq!(count(&d.click(1, inc)), ["Count: 1"]);
    assert_eq!(count(&c.click(5, inc)), ["Count: 5"]);
}

#[test]
fn a_ping_is_answered_and_the_socket_parks_again_without_waiting() {
    // Hibernation after 1 s: a socket back in the park well before that was parked by
    // the ping's answer, not by another hibernation.
    let (srv, p, mut c) = parked_counter(Duration::from_secs(1), Limits::default());
    let addr = srv.local_addr();
    for nonce in 1..=3 {
        let sent = Instant::now();
        c.send(ClientFrame::Ping(nonce));
        assert_eq!(c.recv(), Some(ServerFrame::Pong(nonce)));
        assert!(reaches(addr, PARKED, 1));
        assert!(
            sent.elapsed() < Duration::from_millis(900),
            "parked again only after {:?}",
            sent.elapsed()
        );
    }
    // And the view it parked with still answers.
    assert_eq!(count(&c.click(1, p.hid("inc"))), ["Count: 1"]);
}

#[test]
fn a_parked_session_gets_what_another_session_changed() {
    let app = vango::App::new();
    let clicks = app.global(0u64);
    let srv = app
        .page("/", move || global_counter(clicks))
        .workers(1)
        .sessions(SessionConfig {
            hibernate_after: Duration::from_millis(50),
            ..SessionConfig::default()
        })
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let p = page(addr);
    let inc = p.hid("inc");
    let mut a = Client::open(addr, &p);
    let mut b = Client::open(addr, &p);
    for round in 1..=3u64 {
        assert!(reaches(addr, PARKED, 2), "both parked before round {round}");
        a.send_click(inc);
        assert_eq!(count(&a.recv().unwrap()), [round.to_string()]);
        assert_eq!(count(&b.recv().unwrap()), [round.to_string()], "pushed");
    }
    assert!(reaches(addr, PARKED, 2), "both parked again");
}

#[test]
fn a_frame_cut_across_the_hibernation_is_read_whole() {
    let (srv, p, mut c) = parked_counter(Duration::from_millis(50), Limits::default());
    let addr = srv.local_addr();
    let inc = p.hid("inc");
    assert_eq!(count(&c.click(1, inc)), ["Count: 1"]);
    assert!(reaches(addr, PARKED, 1));
    let mut payload = Vec::new();
    ClientFrame::Event {
        seq: 2,
        event: vango::vdom::Event {
            hid: inc,
            name: "click",
            data: vango::vdom::EventData::None,
        },
    }
    .encode(&mut payload);
    let frame = ws_frame(0x2, &payload);
    // The first half wakes the socket; the session hibernates again meanwhile, but its
    // codec holds half a frame, so it must not park.
    c.s.write_all(&frame[..5]).unwrap();
    thread::sleep(Duration::from_millis(300));
    assert_eq!(metric_sum(addr, PARKED), 0, "parked with half a frame read");
    c.s.write_all(&frame[5..]).unwrap();
    assert_eq!(count(&c.recv().unwrap()), ["Count: 2"]);
    assert!(reaches(addr, PARKED, 1));
}

#[test]
fn a_parked_socket_closes_at_the_idle_timeout_and_is_uncounted() {
    let limits = Limits {
        ws_idle_timeout: Duration::from_millis(600),
        ..Limits::default()
    };
    let (srv, _, mut c) = parked_counter(Duration::from_millis(50), limits);
    let addr = srv.local_addr();
    assert_eq!(metric_sum(addr, "vango_connections"), 2);
    // Nothing more is sent: the idle timeout ends the connection (EOF, no frame).
    assert_eq!(c.try_recv(3000), None);
    assert!(reaches(addr, PARKED, 0));
    assert!(
        reaches(addr, "vango_connections", 1),
        "the parked socket's count went with it"
    );
}

#[test]
fn many_parked_sockets_share_one_lot_and_each_wakes_alone() {
    let srv = server(counter, Duration::from_millis(50), Limits::default());
    let addr = srv.local_addr();
    let p = page(addr);
    let inc = p.hid("inc");
    let mut clients: Vec<Client> = (0..30).map(|_| Client::open(addr, &p)).collect();
    assert!(reaches(addr, PARKED, 30), "all 30 parked");
    for i in [0, 17, 29] {
        assert_eq!(count(&clients[i].click(1, inc)), ["Count: 1"], "client {i}");
        // Only the clicked one left the lot.
        assert!(
            metric_sum(addr, PARKED) >= 29,
            "others woke with client {i}"
        );
        assert!(reaches(addr, PARKED, 30), "parked again after client {i}");
    }
    // Closed sockets turn readable (their end): they leave the lot and are uncounted.
    clients.truncate(20);
    assert!(
        reaches(addr, PARKED, 20),
        "the 10 closed sockets left the lot"
    );
    // New sessions take the freed places; old and new still answer for themselves.
    clients.extend((0..10).map(|_| Client::open(addr, &p)));
    assert!(reaches(addr, PARKED, 30));
    assert_eq!(count(&clients[25].click(1, inc)), ["Count: 1"]);
    assert_eq!(count(&clients[17].click(2, inc)), ["Count: 2"]);
}

#[test]
fn a_shutdown_closes_parked_sockets_with_its_code() {
    let (srv, _, mut c) = parked_counter(Duration::from_millis(50), Limits::default());
    let joiner = thread::spawn(move || srv.shutdown());
    c.s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut pending = Vec::new();
    let mut code = None;
    while let Some((op, payload)) = read_ws_frame(&mut c.s, &mut pending) {
        if op == 0x8 {
            code = Some(u16::from_be_bytes([payload[0], payload[1]]));
            let _ = c.s.write_all(&ws_frame(0x8, &payload[..2]));
            break;
        }
    }
    assert_eq!(code, Some(4009), "closed with the shutdown code");
    joiner.join().unwrap();
}
