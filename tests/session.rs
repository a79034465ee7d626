//! Sessions over real sockets: SSR page, Hello, events → Patches, acks and rejects,
//! expiry, panics, limits, shutdown (resume is in `tests/session_resume.rs`).

use std::time::Duration;

use vango::live::SessionConfig;
use vango::protocol::{ClientFrame, HelloStatus, Op, ServerFrame};
use vango::vdom::Patch;
use vango_test_support::client::{page, Client, PageInfo};
use vango_test_support::counter::{app, counter_tree, set_text};
use vango_test_support::raw::{closed, metric_sum, roundtrip};

#[test]
fn page_is_server_rendered_with_boot_script() {
    let srv = app(1, SessionConfig::default());
    let PageInfo { csrf, hash, html } = page(srv.local_addr());
    assert!(html.contains("<h1 data-hid=\"2\">Count: 0</h1>"), "{html}");
    assert!(html.contains("<title>Counter</title>"));
    assert_eq!(csrf.len(), 44);
    assert_eq!(hash, vango::render::render_hash(&counter_tree(0)));
    let PageInfo { csrf: csrf2, .. } = page(srv.local_addr());
    assert_ne!(csrf, csrf2);
    let addr = srv.local_addr();
    let post = format!("POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\n\r\n");
    let r = roundtrip(addr, post.as_bytes()).unwrap();
    assert_eq!(r.status, 405);
}

#[test]
fn click_gets_one_patches_frame_then_acks_and_rejects() {
    let srv = app(2, SessionConfig::default());
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    let id = c.new_session(&csrf, hash);
    assert_eq!(id.len(), 34);
    assert_eq!(set_text(&c.click(1, 3)), Some((1, 1, "Count: 1".into())));
    assert_eq!(set_text(&c.click(2, 3)), Some((2, 2, "Count: 2".into())));
    // A resent event is not applied twice.
    assert_eq!(c.click(2, 3), ServerFrame::Ack(2));
    assert_eq!(c.click(3, 99), ServerFrame::Reject { seq: 3, code: 10 });
    c.send(ClientFrame::Ping(77));
    assert_eq!(c.recv(), Some(ServerFrame::Pong(77)));
    assert_eq!(set_text(&c.click(4, 3)), Some((3, 4, "Count: 3".into())));
    // Five Event frames (the Ping is not one); counted just after each answer is sent.
    let t = std::time::Instant::now();
    while metric_sum(srv.local_addr(), "vango_events_total") < 5
        && t.elapsed() < Duration::from_secs(2)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(metric_sum(srv.local_addr(), "vango_events_total"), 5);
    assert_eq!(metric_sum(srv.local_addr(), "vango_sessions"), 1);
}

#[test]
fn stale_render_hash_gets_a_full_render() {
    let srv = app(1, SessionConfig::default());
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    c.new_session(&csrf, hash.wrapping_add(1));
    match c.recv() {
        Some(ServerFrame::Patches { seq: 1, ops, .. }) => {
            assert!(
                matches!(&ops[..], [Op::Patch(Patch::ReplaceNode { hid: 1, html })] if html.contains("Count: 0"))
            );
        }
        other => panic!("expected a full render, got {other:?}"),
    }
}

#[test]
fn bad_csrf_is_refused() {
    let srv = app(1, SessionConfig::default());
    let mut c = Client::connect(srv.local_addr());
    let PageInfo { hash, .. } = page(srv.local_addr());
    match c.hello("0123456789abcdef0123456789abcdef", "", 0, 0, hash) {
        ServerFrame::Close { code: 4, .. } => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_and_expired_sessions_are_gone() {
    let srv = app(
        1,
        SessionConfig {
            resume_window: Duration::from_millis(200),
            ..Default::default()
        },
    );
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    let bogus = format!("00{}", "ab".repeat(16));
    assert!(matches!(
        c.hello(&csrf, &bogus, 0, 0, hash),
        ServerFrame::ServerHello {
            status: HelloStatus::Gone,
            ..
        }
    ));
    let mut c = Client::connect(srv.local_addr());
    let id = c.new_session(&csrf, hash);
    drop(c);
    std::thread::sleep(Duration::from_millis(600));
    let mut c = Client::connect(srv.local_addr());
    assert!(matches!(
        c.hello(&csrf, &id, 0, 0, hash),
        ServerFrame::ServerHello {
            status: HelloStatus::Gone,
            ..
        }
    ));
    assert_eq!(metric_sum(srv.local_addr(), "vango_evictions_total"), 1);
    assert_eq!(metric_sum(srv.local_addr(), "vango_sessions"), 0);
}

#[test]
fn panicking_handler_ends_the_session_not_the_server() {
    let srv = app(1, SessionConfig::default());
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    c.new_session(&csrf, hash);
    assert!(matches!(c.click(1, 4), ServerFrame::Error { code: 8, .. }));
    assert_eq!(metric_sum(srv.local_addr(), "vango_sessions"), 0);
    let mut c = Client::connect(srv.local_addr());
    c.new_session(&csrf, hash);
    assert_eq!(set_text(&c.click(1, 3)), Some((1, 1, "Count: 1".into())));
}

#[test]
fn client_close_frees_the_session_at_once() {
    let srv = app(1, SessionConfig::default());
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    c.new_session(&csrf, hash);
    assert_eq!(metric_sum(srv.local_addr(), "vango_sessions"), 1);
    c.send(ClientFrame::Close {
        code: 0,
        reason: "bye".into(),
    });
    assert!(closed(&mut c.s));
    assert_eq!(metric_sum(srv.local_addr(), "vango_sessions"), 0);
}

#[test]
fn state_changed_by_a_task_is_pushed_after_notify_dirty() {
    let srv = app(2, SessionConfig::default());
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    c.new_session(&csrf, hash);
    // The event itself changes nothing: an Ack; the task's change arrives as seq 1.
    assert_eq!(c.click(1, 5), ServerFrame::Ack(1));
    assert_eq!(
        set_text(&c.recv().unwrap()),
        Some((1, 1, "Count: 100".into()))
    );
    assert_eq!(set_text(&c.click(2, 3)), Some((2, 2, "Count: 101".into())));
}

#[test]
fn event_flood_is_closed_with_the_rate_limit_code() {
    let srv = app(
        1,
        SessionConfig {
            max_events_per_sec: 5,
            event_burst: 4,
            ..Default::default()
        },
    );
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    c.new_session(&csrf, hash);
    let mut patches = 0;
    let mut closed_with = None;
    for seq in 1..=50 {
        match c.click(seq, 3) {
            ServerFrame::Patches { .. } => patches += 1,
            ServerFrame::Close { code, .. } => {
                closed_with = Some(code);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(closed_with, Some(5), "a flood ends with close code 5");
    assert!(
        (4..=6).contains(&patches),
        "the burst of 4 (plus refill) is served, then the limit: {patches}"
    );
}

#[test]
fn at_capacity_the_longest_detached_session_is_evicted_first() {
    let srv = app(
        1,
        SessionConfig {
            max_sessions_per_core: 1,
            ..Default::default()
        },
    );
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    // A live session fills the core: a second one is refused with code 6.
    let mut a = Client::connect(srv.local_addr());
    let id_a = a.new_session(&csrf, hash);
    let mut b = Client::connect(srv.local_addr());
    b.send(ClientFrame::Hello {
        version: vango::protocol::VERSION,
        csrf: csrf.clone(),
        session: String::new(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: hash,
        path: "/".into(),
    });
    assert!(matches!(
        b.recv(),
        Some(ServerFrame::Close { code: 6, .. }) | None
    ));
    // Once A's tab is gone (detached, resumable), a new session evicts it instead.
    drop(a);
    std::thread::sleep(Duration::from_millis(200));
    let mut c = Client::connect(srv.local_addr());
    c.new_session(&csrf, hash);
    assert_eq!(metric_sum(srv.local_addr(), "vango_evictions_total"), 1);
    let mut again = Client::connect(srv.local_addr());
    assert!(matches!(
        again.hello(&csrf, &id_a, 0, 0, hash),
        ServerFrame::ServerHello {
            status: HelloStatus::Gone,
            ..
        }
    ));
}

#[test]
fn a_busy_but_legal_session_is_not_rate_limited() {
    let srv = app(1, SessionConfig::default());
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    c.new_session(&csrf, hash);
    // The default burst (200) covers 150 back-to-back clicks.
    for seq in 1..=150 {
        assert!(
            matches!(c.click(seq, 3), ServerFrame::Patches { .. }),
            "click {seq} was refused"
        );
    }
}

#[test]
fn shutdown_closes_attached_sessions_with_code_9() {
    let srv = app(2, SessionConfig::default());
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut clients: Vec<Client> = (0..4)
        .map(|_| {
            let mut c = Client::connect(srv.local_addr());
            c.new_session(&csrf, hash);
            c
        })
        .collect();
    assert_eq!(
        set_text(&clients[0].click(1, 3)),
        Some((1, 1, "Count: 1".into()))
    );
    srv.shutdown_handle().shutdown();
    for c in &mut clients {
        // Sessions hold no stop listener: the bell must wake each one to say goodbye.
        assert!(
            matches!(c.recv(), Some(ServerFrame::Close { code: 9, .. })),
            "no shutdown Close frame"
        );
    }
}
