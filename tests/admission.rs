//! Admission over real sockets: one client address may hold only so many connections
//! (429 beyond, while `/healthz` still answers) and so many sessions (close code 6), and a
//! new session that would not fit the memory budget is refused with close code 12 while
//! every session held is attached, then admitted once one detaches (it is evicted).

use std::io::Write;
use std::net::TcpStream;

use vango::live::SessionConfig;
use vango::protocol::{close, ClientFrame, ServerFrame};
use vango::server::Limits;
use vango_test_support::client::{page, Client, PageInfo};
use vango_test_support::pages::{hello_new, list};
use vango_test_support::raw::{connect, metric_sum, read_response, start};

fn get(s: &mut TcpStream, path: &str) -> u16 {
    let req = format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n");
    s.write_all(req.as_bytes()).unwrap();
    read_response(s, &mut Vec::new(), false)
        .expect("an answer")
        .status
}

#[test]
fn an_address_past_its_connections_gets_429_and_healthz_still_answers() {
    let srv = start(
        2,
        Limits {
            max_connections_per_peer: 4,
            ..Default::default()
        },
    );
    let addr = srv.local_addr();
    let mut held: Vec<TcpStream> = (0..4).map(|_| connect(addr)).collect();
    // The four are open (one answered request each proves the server counted them).
    for s in &mut held {
        assert_eq!(get(s, "/healthz"), 200);
    }
    let mut over = connect(addr);
    assert_eq!(get(&mut over, "/metrics"), 429);
    let mut over = connect(addr);
    assert_eq!(
        get(&mut over, "/healthz"),
        200,
        "health checks still answer"
    );
    drop(held.pop());
    // The closed one is counted back once the server saw it go.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let mut again = connect(addr);
        let status = get(&mut again, "/nothing-here");
        if status != 429 {
            assert_eq!(status, 404);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never counted back");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn refused_with(c: Option<Client>, p: &PageInfo, addr: std::net::SocketAddr) -> u8 {
    assert!(c.is_none(), "admitted");
    let mut c = Client::connect(addr);
    c.send(ClientFrame::Hello {
        version: vango::protocol::VERSION,
        csrf: p.csrf.clone(),
        session: String::new(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: p.hash,
        path: "/".into(),
    });
    match c.recv() {
        Some(ServerFrame::Close { code, .. }) => code,
        other => panic!("expected a Close frame, got {other:?}"),
    }
}

#[test]
fn an_address_past_its_sessions_is_refused_with_code_6() {
    let srv = vango::App::new()
        .page("/", list)
        .workers(2)
        .sessions(SessionConfig {
            max_sessions_per_peer: 3,
            ..Default::default()
        })
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let p = page(addr);
    let mut held: Vec<Client> = (0..3).map(|_| hello_new(addr, &p).unwrap()).collect();
    // A dropped socket leaves its session counted (detached, waiting for a resume).
    drop(held.pop());
    assert_eq!(refused_with(hello_new(addr, &p), &p, addr), close::CAPACITY);
    assert_eq!(metric_sum(addr, "vango_peer_refusals_total"), 2);
    // A tab that closes frees its session, and its place.
    held[0].close();
    let mut c = held.remove(0);
    assert!(c.recv().is_none(), "closed");
    assert!(hello_new(addr, &p).is_some());
}

#[test]
fn a_session_past_the_budget_is_refused_until_one_detaches() {
    let srv = vango::App::new()
        .page("/", list)
        .workers(1)
        .sessions(SessionConfig {
            // Less than one list session (≈60 KiB measured): the first one fits only
            // because nothing was measured before it.
            max_memory: Some(40 * 1024),
            ..Default::default()
        })
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let p = page(addr);
    let mut first = hello_new(addr, &p).expect("the first session");
    assert_eq!(refused_with(hello_new(addr, &p), &p, addr), close::MEMORY);
    assert_eq!(metric_sum(addr, "vango_memory_refusals_total"), 2);
    // The attached session was not touched: it still answers.
    let b0 = p.hid("b0");
    assert!(matches!(first.click(1, b0), ServerFrame::Patches { .. }));
    // Once it detaches, a newcomer evicts it.
    drop(first);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let second = loop {
        if let Some(c) = hello_new(addr, &p) {
            break c;
        }
        assert!(std::time::Instant::now() < deadline, "never admitted");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(!second.id.is_empty());
    assert_eq!(metric_sum(addr, "vango_pressure_evictions_total"), 1);
    assert!(metric_sum(addr, "vango_session_bytes") < 2 * 64 * 1024);
}

/// The budget is the process's, but a core evicts only its own sessions: a core that has
/// to refuse asks the others to make room, so a retry is admitted whichever core it lands
/// on (the kernel picks one per connection).
#[test]
fn a_refusal_on_one_core_makes_room_on_the_other() {
    let srv = vango::App::new()
        .page("/", list)
        .workers(2)
        .sessions(SessionConfig {
            max_memory: Some(40 * 1024),
            ..Default::default()
        })
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let p = page(addr);
    let mut held = hello_new(addr, &p).expect("the first session");
    let mut cores = std::collections::HashSet::new();
    for round in 0..8 {
        cores.insert(held.core());
        drop(held);
        // The server sees the socket go (the session detaches) before the next Hello.
        std::thread::sleep(std::time::Duration::from_millis(100));
        let mut refusals = 0;
        held = loop {
            if let Some(c) = hello_new(addr, &p) {
                break c;
            }
            refusals += 1;
            assert!(refusals <= 1, "round {round}: refused twice in a row");
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
    }
    println!("sessions landed on cores {cores:?}");
}

/// A session that grows while attached is charged its growth (measured again every 64
/// frames), not only what it held when it mounted.
#[test]
fn an_attached_session_is_charged_as_it_grows() {
    use vango::prelude::*;
    fn growing() -> impl Render {
        let items = signal(Vec::<String>::new());
        move || {
            div((
                button("more").attr("id", "more").on_click(move |_| {
                    items.update(|v| v.extend((0..20).map(|i| format!("item {i}"))))
                }),
                ul(items.get().into_iter().map(li).collect::<Vec<_>>()),
            ))
        }
    }
    let srv = vango::App::new()
        .page("/", growing)
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let p = page(addr);
    let mut c = hello_new(addr, &p).unwrap();
    let before = metric_sum(addr, "vango_session_bytes");
    let more = p.hid("more");
    for seq in 1..=64 {
        assert!(matches!(c.click(seq, more), ServerFrame::Patches { .. }));
    }
    let after = metric_sum(addr, "vango_session_bytes");
    // 1,280 list items: well over 64 KiB of retained tree.
    assert!(
        after > before + 64 * 1024,
        "charged {before} B, then {after} B after 64 frames"
    );
}
