//! The Redis bridge against a real `redis-server` (ports 27379–27383): two nodes (two
//! buses, two bridges) see each other's writes, and survive Redis down at start and mid-run.
//! Needs `redis-server` on PATH; `tests/all.sh` installs it.
#![cfg(feature = "redis")]

use std::time::{Duration, Instant};

use vango::features::{bus::Bus, global::GlobalSignal, redis::RedisBridge};
use vango_test_support::redis_server::RedisServer as Redis;

/// Waits up to 10 s for `ok` (a correctness bound, not a timing assertion).
fn wait(mut ok: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(10);
    while !ok() {
        assert!(Instant::now() < end, "condition not reached in 10 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn node(
    port: u16,
    name: &str,
    initial: u64,
) -> (Bus, GlobalSignal<u64>, GlobalSignal<String>, RedisBridge) {
    let bus = Bus::new();
    let n = GlobalSignal::new(&bus, initial);
    let s = GlobalSignal::new(&bus, String::new());
    let b = RedisBridge::builder(&Redis::url(port), name)
        .unwrap()
        .timeout(Duration::from_millis(300))
        .max_value(64)
        .share("n", n)
        .unwrap()
        .share("s", s)
        .unwrap()
        .start(&bus)
        .unwrap();
    (bus, n, s, b)
}

#[test]
fn writes_cross_nodes_and_converge() {
    let _r = Redis::start(27379);
    let (_ba, na, sa, a) = node(27379, "a", 0);
    assert!(a.stats().connected());
    let (_bb, nb, sb, b) = node(27379, "b", 0);
    na.set(5);
    wait(|| nb.get_untracked() == 5);
    nb.update(|n| *n += 1);
    wait(|| na.get_untracked() == 6);
    sb.set("hello".into());
    wait(|| sa.get_untracked() == "hello");
    // Racing writes: both nodes end on the same value.
    for i in 0..200 {
        na.set(1000 + i);
        nb.set(2000 + i);
    }
    wait(|| na.get_untracked() == nb.get_untracked() && a.stats().published() > 3);
    // Oversized: refused, stays local.
    let refused = a.stats().refused();
    sa.set("x".repeat(100));
    wait(|| a.stats().refused() == refused + 1);
    assert_eq!(sb.get_untracked(), "hello");
    // A third node starting later loads the current value before it serves.
    let (_bc, nc, _sc, _c) = node(27379, "c", 0);
    assert_eq!(nc.get_untracked(), na.get_untracked());
    let _ = b;
}

#[test]
fn incompatible_and_malformed_messages_are_ignored() {
    let _r = Redis::start(27380);
    let (_ba, na, _sa, a) = node(27380, "a", 7);
    let client = redis::Client::open(Redis::url(27380)).unwrap();
    let mut c = client.get_connection().unwrap();
    for payload in [&b"VG9 n 99 z\n\x01"[..], b"garbage", b"VG1 n 99 z\n\x01"] {
        let _: i64 = redis::cmd("PUBLISH")
            .arg("vango:globals")
            .arg(payload)
            .query(&mut c)
            .unwrap();
    }
    wait(|| a.stats().ignored() == 3);
    assert_eq!(na.get_untracked(), 7);
}

#[test]
fn redis_down_at_start_then_back() {
    let (_ba, na, _sa, a) = node(27381, "a", 0);
    assert!(!a.stats().connected(), "no redis yet: single-node mode");
    na.set(41);
    assert_eq!(na.get_untracked(), 41, "local writes work without Redis");
    let _r = Redis::start(27381);
    wait(|| a.stats().connected());
    let (_bb, nb, _sb, _b) = node(27381, "b", 0);
    assert_eq!(
        nb.get_untracked(),
        41,
        "the write made while Redis was down reached Redis"
    );
}

#[test]
fn redis_restarted_mid_run_nodes_converge() {
    let r = Redis::start(27382);
    let (_ba, na, _sa, a) = node(27382, "a", 0);
    let (_bb, nb, _sb, b) = node(27382, "b", 0);
    na.set(10);
    wait(|| nb.get_untracked() == 10);
    drop(r);
    wait(|| !a.stats().connected() && !b.stats().connected());
    na.set(11); // acknowledged locally during the outage
    assert_eq!(nb.get_untracked(), 10);
    let _r = Redis::start(27382);
    wait(|| nb.get_untracked() == 11);
    nb.set(12);
    wait(|| na.get_untracked() == 12);
}
