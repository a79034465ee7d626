//! Presence across nodes against a real `redis-server` (ports 27390–27392): two nodes
//! (two buses, two bridges) see each other's joins, leaves and moves; a node that stops
//! heartbeating is dropped, a restarted one does not bring its old entries back, and
//! presence survives Redis down. Needs `redis-server` on PATH; `tests/all.sh` installs it.
#![cfg(feature = "redis")]

use std::time::{Duration, Instant};

use vango::features::bus::Bus;
use vango::features::global::GlobalSignal;
use vango::features::redis::{RedisBridge, Track};
use vango_test_support::redis_server::RedisServer as Redis;

/// Waits up to 10 s for `ok` (a correctness bound, not a timing assertion).
fn wait(mut ok: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(10);
    while !ok() {
        assert!(Instant::now() < end, "condition not reached in 10 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

type Cursor = (String, i32);

fn enc_cursor(c: &Cursor) -> Vec<u8> {
    let mut b = c.1.to_le_bytes().to_vec();
    b.extend_from_slice(c.0.as_bytes());
    b
}

fn dec_cursor(b: &[u8]) -> Option<Cursor> {
    let x = i32::from_le_bytes(b.get(..4)?.try_into().ok()?);
    Some((String::from_utf8(b[4..].to_vec()).ok()?, x))
}

/// One node: its bus, its local and merged presence lists and cursors, its bridge.
struct Node {
    _bus: Bus,
    here: GlobalSignal<Vec<String>>,
    all: GlobalSignal<Vec<String>>,
    moves: GlobalSignal<Vec<Cursor>>,
    cursors: GlobalSignal<Vec<Cursor>>,
    bridge: RedisBridge,
}

fn node(port: u16, name: &str, heartbeat: Duration, here: &[&str]) -> Node {
    let bus = Bus::new();
    let local = here.iter().map(|s| s.to_string()).collect();
    let (here, all) = (
        GlobalSignal::new(&bus, local),
        GlobalSignal::new(&bus, vec![]),
    );
    let (moves, cursors) = (
        GlobalSignal::new(&bus, vec![]),
        GlobalSignal::new(&bus, vec![]),
    );
    let bridge = RedisBridge::builder(&format!("redis://127.0.0.1:{port}/"), name)
        .unwrap()
        .timeout(Duration::from_millis(300))
        .max_value(256)
        .heartbeat(heartbeat)
        .presence("who", here, all)
        .unwrap()
        .presence_with(
            "cursors",
            moves,
            cursors,
            enc_cursor,
            dec_cursor,
            Track::Moves,
        )
        .unwrap()
        .start(&bus)
        .unwrap();
    Node {
        _bus: bus,
        here,
        all,
        moves,
        cursors,
        bridge,
    }
}

fn names(n: &Node) -> Vec<String> {
    n.all.get_untracked()
}

#[test]
fn joins_leaves_and_moves_cross_nodes() {
    let _r = Redis::start(27390);
    let hb = Duration::from_secs(1);
    let a = node(27390, "a", hb, &[]);
    let b = node(27390, "b", hb, &["bo"]);
    wait(|| names(&a) == ["bo"]);
    a.here.update(|v| v.push("ann".into()));
    wait(|| names(&a).contains(&"ann".to_string())); // at once here, Redis or not
                                                     // Merged by node name, the same order everywhere.
    wait(|| names(&b) == ["ann", "bo"] && names(&a) == ["ann", "bo"]);
    // A third node starting later has everyone as soon as `start` returns.
    let c = node(27390, "c", hb, &["cy"]);
    assert_eq!(names(&c), ["ann", "bo", "cy"]);
    wait(|| names(&a).len() == 3 && names(&b).len() == 3);
    // A leave.
    b.here.update(|v| v.retain(|n| n != "bo"));
    wait(|| names(&a) == ["ann", "cy"] && names(&c) == ["ann", "cy"]);
    // Moves: many, coalesced; the last one wins everywhere.
    for x in 0..200 {
        a.moves.set(vec![("ann".into(), x)]);
    }
    wait(|| b.cursors.get_untracked() == [("ann".to_string(), 199)]);
    wait(|| c.cursors.get_untracked() == [("ann".to_string(), 199)]);
    // Oversized: refused with a logged error, the earlier entries stay shared.
    let refused = a.bridge.stats().refused();
    a.here.set(vec!["x".repeat(300)]);
    wait(|| a.bridge.stats().refused() == refused + 1);
    assert_eq!(names(&a), ["x".repeat(300), "cy".into()]);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(names(&c), ["ann", "cy"]);
    // Bad input on the channel: ignored and counted, never applied.
    let mut raw = redis::Client::open("redis://127.0.0.1:27390/")
        .unwrap()
        .get_connection()
        .unwrap();
    let ignored = c.bridge.stats().ignored();
    let mut big = b"VP1 who z 1 1 s\n".to_vec();
    big.extend_from_slice(&[0; 300]);
    for payload in [
        &b"garbage"[..],
        b"VP1 who z 1 1 s\n\x09\x00\x00\x00ab",
        b"VP1 who z 1 1 s\n\x02\x00\x00\x00\xff\xfe",
        &big,
    ] {
        let _: i64 = redis::cmd("PUBLISH")
            .arg("vango:presence")
            .arg(payload)
            .query(&mut raw)
            .unwrap();
    }
    wait(|| c.bridge.stats().ignored() == ignored + 4);
    assert_eq!(names(&c), ["ann", "cy"]);
}

#[test]
fn a_killed_node_is_dropped_and_a_restart_does_not_resurrect() {
    let _r = Redis::start(27391);
    let hb = Duration::from_millis(250);
    let a = node(27391, "a", hb, &["ann"]);
    let b = node(27391, "b", hb, &["bo"]);
    wait(|| names(&b) == ["ann", "bo"]);
    // Heartbeats keep a live node's entries well past the TTL (0.75 s).
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(names(&b), ["ann", "bo"]);
    // Killed: no cleanup, its heartbeats stop; b drops its entries (bound: TTL + hb/4).
    drop(a);
    wait(|| names(&b) == ["bo"]);
    // Back with nobody here: the old entries do not come back, on either node.
    let a = node(27391, "a", hb, &[]);
    assert_eq!(names(&a), ["bo"]);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(names(&b), ["bo"]);

    // A restart within the TTL (5 s heartbeat: 15 s, longer than `wait`'s bound) replaces
    // the dead run's entries at once rather than after the TTL.
    drop(a);
    let slow = Duration::from_secs(5);
    let a = node(27391, "a", slow, &["ann"]);
    let b2 = node(27391, "b2", slow, &[]);
    wait(|| names(&b2) == ["ann", "bo"]);
    drop(a);
    let a = node(27391, "a", slow, &["al"]);
    wait(|| names(&b2) == ["al", "bo"]);
    let _ = (a, b);
}

#[test]
fn presence_survives_redis_down() {
    let hb = Duration::from_millis(250);
    let a = node(27392, "a", hb, &[]);
    let b = node(27392, "b", hb, &[]);
    assert!(!a.bridge.stats().connected());
    a.here.update(|v| v.push("ann".into()));
    wait(|| names(&a) == ["ann"]);
    let r = Redis::start(27392);
    wait(|| names(&b) == ["ann"]);
    drop(r);
    b.here.update(|v| v.push("bo".into()));
    wait(|| names(&b).contains(&"bo".to_string()));
    let _r = Redis::start(27392);
    wait(|| names(&a) == ["ann", "bo"] && names(&b) == ["ann", "bo"]);
}
