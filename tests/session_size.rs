//! The measured session size (`live::size`) against what sessions really cost: open a few
//! hundred sessions over real sockets and compare the RSS they add with what the server
//! accounts for them (`vango_session_bytes`). The estimate must stay within a factor of 2
//! of the RSS, for the list page (≈50 KiB a session), the counter (a few KiB), and the
//! list again with its sessions hibernated (`SessionConfig::hibernate_after`, ≈14 KiB).
//!
//! One test in this file: RSS is per process, so nothing else may run beside it.

use std::thread;
use std::time::Duration;

use vango::prelude::Render;
use vango_test_support::client::page;
use vango_test_support::pages::{counter, hello_new, list, rss};
use vango_test_support::raw::metric_sum;

/// (RSS per session, accounted bytes per session) over `n` sessions held open.
fn measure<R: Render>(setup: fn() -> R, n: usize, hibernate_after: Duration) -> (usize, usize) {
    let srv = vango::App::new()
        .page("/", setup)
        .workers(1)
        .sessions(vango::live::SessionConfig {
            hibernate_after,
            ..Default::default()
        })
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let p = page(addr);
    // Warm up: buffers and the allocator's arenas exist before the baseline.
    let warm: Vec<_> = (0..20).filter_map(|_| hello_new(addr, &p)).collect();
    drop(warm);
    thread::sleep(Duration::from_millis(100));
    vango::server::trim::release_to_os();
    let before = rss();
    let accounted_before = metric_sum(addr, "vango_session_bytes");
    let held: Vec<_> = (0..n).filter_map(|_| hello_new(addr, &p)).collect();
    assert_eq!(held.len(), n);
    thread::sleep(Duration::from_millis(100).max(hibernate_after * 4));
    // What the sessions freed when they hibernated goes back as the sweeper would give it.
    vango::server::trim::release_to_os();
    let after = rss();
    let accounted = metric_sum(addr, "vango_session_bytes") - accounted_before;
    drop(held);
    drop(srv);
    ((after - before) / n, accounted as usize / n)
}

#[test]
fn the_measured_size_tracks_rss() {
    let off = Duration::ZERO;
    let (list_rss, list_est) = measure(list, 400, off);
    let (counter_rss, counter_est) = measure(counter, 1000, off);
    let (asleep_rss, asleep_est) = measure(list, 400, Duration::from_millis(50));
    println!(
        "per session, RSS vs measured: list {} vs {} KiB, counter {:.1} vs {:.1} KiB, \
         hibernated list {:.1} vs {:.1} KiB",
        list_rss / 1024,
        list_est / 1024,
        counter_rss as f64 / 1024.0,
        counter_est as f64 / 1024.0,
        asleep_rss as f64 / 1024.0,
        asleep_est as f64 / 1024.0
    );
    for (name, rss, est) in [
        ("list", list_rss, list_est),
        ("counter", counter_rss, counter_est),
        ("hibernated list", asleep_rss, asleep_est),
    ] {
        assert!(
            est * 2 >= rss && est <= rss * 2,
            "{name}: measured {est} B a session, RSS {rss} B"
        );
    }
    assert!(
        list_est > 5 * counter_est,
        "a list session is measured far above a counter's"
    );
    assert!(
        asleep_rss * 2 < list_rss,
        "hibernated list sessions hold under half the memory: {asleep_rss} vs {list_rss} B"
    );
}
