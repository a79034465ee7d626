//! Session resume over real sockets: the ring replays missed frames, a gap past the ring
//! gets one full render an in-order client accepts, and a resume lands on any core.

use vango::live::SessionConfig;
use vango::protocol::{ClientFrame, HelloStatus, Op, ServerFrame};
use vango::vdom::Patch;
use vango_test_support::client::{page, Client, PageInfo};
use vango_test_support::counter::{app, set_text};
use vango_test_support::raw::{metric_sum, roundtrip};
#[test]
fn resume_resends_missed_frames_from_the_ring() {
    let srv = app(1, SessionConfig::default());
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    let id = c.new_session(&csrf, hash);
    c.click(1, 3);
    c.click(2, 3);
    drop(c);
    // The client applied patch 1 only and sent events up to 2.
    let mut c = Client::connect(srv.local_addr());
    match c.hello(&csrf, &id, 1, 2, hash) {
        ServerFrame::ServerHello {
            status: HelloStatus::Resumed,
            last_event_seq: 2,
            session,
            ..
        } => {
            assert_eq!(session, id)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        set_text(&c.recv().unwrap()),
        Some((2, 2, "Count: 2".into()))
    );
    assert_eq!(set_text(&c.click(3, 3)), Some((3, 3, "Count: 3".into())));
}

#[test]
fn resume_beyond_the_ring_re_renders_the_root() {
    let srv = app(
        1,
        SessionConfig {
            ring_frames: 1,
            ..Default::default()
        },
    );
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    let id = c.new_session(&csrf, hash);
    for seq in 1..=3 {
        c.click(seq, 3);
    }
    drop(c);
    let mut c = Client::connect(srv.local_addr());
    assert!(matches!(
        c.hello(&csrf, &id, 0, 3, hash),
        ServerFrame::ServerHello {
            status: HelloStatus::Resumed,
            ..
        }
    ));
    // Numbered right after the last frame the client applied (0), not after the missed ones.
    match c.recv() {
        Some(ServerFrame::Patches {
            seq: 1,
            ack: 3,
            ops,
        }) => {
            assert!(
                matches!(&ops[..], [Op::Patch(Patch::ReplaceNode { hid: 1, html })] if html.contains("Count: 3"))
            );
        }
        other => panic!("{other:?}"),
    }
}

/// What `client/src/socket.js` does with one frame: applies Patches only in seq order and
/// answers a gap with Resync. Returns the count text it applied, if any.
fn in_order_client(c: &mut Client, pseq: &mut u64, resyncs: &mut u32) -> Option<String> {
    match c.recv().expect("a frame") {
        ServerFrame::Patches { seq, ops, .. } => {
            if seq != *pseq + 1 {
                if seq > *pseq {
                    *resyncs += 1;
                    c.send(ClientFrame::Resync {
                        last_patch_seq: *pseq,
                    });
                }
                return None;
            }
            *pseq = seq;
            ops.iter().find_map(|op| match op {
                Op::Patch(Patch::ReplaceNode { html, .. }) => {
                    let at = html.find("Count: ")?;
                    Some(html[at..].split('<').next()?.to_string())
                }
                Op::Patch(Patch::SetText { text, .. }) => Some(text.clone()),
                _ => None,
            })
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// A full render must be numbered right after the client's last applied frame: numbered
/// after the frames the client missed, the browser client (in-order only) would answer it
/// with Resync, which would bring another full render with a higher seq, forever.
#[test]
fn resync_past_the_ring_converges_for_an_in_order_client() {
    let srv = app(
        1,
        SessionConfig {
            ring_frames: 2,
            ..Default::default()
        },
    );
    let PageInfo { csrf, hash, .. } = page(srv.local_addr());
    let mut c = Client::connect(srv.local_addr());
    let id = c.new_session(&csrf, hash);
    assert_eq!(set_text(&c.click(1, 3)), Some((1, 1, "Count: 1".into())));
    // Frames 2..=6 are lost in flight: more than the ring's 2.
    for seq in 2..=6 {
        c.click(seq, 3);
    }
    drop(c);
    let mut c = Client::connect(srv.local_addr());
    assert!(matches!(
        c.hello(&csrf, &id, 1, 6, hash),
        ServerFrame::ServerHello {
            status: HelloStatus::Resumed,
            last_event_seq: 6,
            ..
        }
    ));
    let (mut pseq, mut resyncs) = (1, 0);
    let text = in_order_client(&mut c, &mut pseq, &mut resyncs);
    assert_eq!((text.as_deref(), pseq, resyncs), (Some("Count: 6"), 2, 0));
    // A stale Resync (the JS client sends one per gapped frame still in flight) gets the
    // same frame again, which the client skips: no new full render, no loop.
    c.send(ClientFrame::Resync { last_patch_seq: 1 });
    assert_eq!(in_order_client(&mut c, &mut pseq, &mut resyncs), None);
    assert_eq!((pseq, resyncs), (2, 0));
    assert_eq!(set_text(&c.click(7, 3)), Some((3, 7, "Count: 7".into())));
    // A Resync past the ring on a live connection converges the same way.
    for seq in 8..=10 {
        c.click(seq, 3);
    }
    c.send(ClientFrame::Resync { last_patch_seq: 3 });
    let (mut pseq, mut resyncs) = (3, 0);
    let text = in_order_client(&mut c, &mut pseq, &mut resyncs);
    assert_eq!((text.as_deref(), pseq, resyncs), (Some("Count: 10"), 4, 0));
    assert_eq!(set_text(&c.click(11, 3)), Some((5, 11, "Count: 11".into())));
}

#[test]
fn resume_lands_on_any_core_and_state_stays_put() {
    let srv = app(2, SessionConfig::default());
    let addr = srv.local_addr();
    let PageInfo { csrf, hash, .. } = page(addr);
    let mut c = Client::connect(addr);
    let id = c.new_session(&csrf, hash);
    let owner: usize = usize::from_str_radix(&id[..2], 16).unwrap();
    let mut seq = 0;
    for _ in 0..12 {
        drop(c);
        c = Client::connect(addr);
        match c.hello(&csrf, &id, seq, seq, hash) {
            ServerFrame::ServerHello {
                status: HelloStatus::Resumed,
                ..
            } => {}
            other => panic!("{other:?}"),
        }
        seq += 1;
        assert_eq!(
            set_text(&c.click(seq, 3)),
            Some((seq, seq, format!("Count: {seq}")))
        );
    }
    let raw = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let text = String::from_utf8(roundtrip(addr, raw.as_bytes()).unwrap().body).unwrap();
    let sessions_on = |core: usize| -> u64 {
        let key = format!("vango_sessions{{core=\"{core}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(key.as_str()))
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!((sessions_on(owner), sessions_on(1 - owner)), (1, 0));
    // 12 reconnects over 2 cores: all on the owner has probability 2^-12.
    assert!(metric_sum(addr, "vango_handoffs_total") >= 1, "{text}");
}
