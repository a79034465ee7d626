//! The measured session size (`live::size`) against what sessions really cost: open a few
//! hundred sessions over real sockets and compare the RSS they add with what the server
//! accounts for them (`vango_session_bytes`). The estimate must stay within a factor of 2
//! of the RSS, for the list page (≈50 KiB a session) and the counter (a few KiB); for the
//! list again with its sessions hibernated (`SessionConfig::hibernate_after`), within a
//! factor of 2 of the heap they hold (≈ 6 KiB): their RSS (≈ 14 KiB) is mostly pages that
//! the burst's awake trees filled and that a few live blocks of later sessions now pin,
//! which the allocator reuses for the next sessions but cannot give back.
//!
//! One test in this file: RSS is per process, so nothing else may run beside it.

use std::thread;
use std::time::Duration;

use vango::prelude::Render;
use vango_test_support::client::page;
use vango_test_support::pages::{counter, heap_in_use, hello_new, list, rss};
use vango_test_support::raw::metric_sum;

/// (RSS, heap in use, accounted bytes), each per session, over `n` sessions held open.
fn measure<R: Render>(
    setup: fn() -> R,
    n: usize,
    hibernate_after: Duration,
) -> (usize, usize, usize) {
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
    let heap_before = heap_in_use();
    let accounted_before = metric_sum(addr, "vango_session_bytes");
    let held: Vec<_> = (0..n).filter_map(|_| hello_new(addr, &p)).collect();
    assert_eq!(held.len(), n);
    thread::sleep(Duration::from_millis(100).max(hibernate_after * 4));
    // What the sessions freed when they hibernated goes back as the sweeper would give it.
    vango::server::trim::release_to_os();
    let after = rss();
    let heap = heap_in_use().saturating_sub(heap_before);
    let accounted = metric_sum(addr, "vango_session_bytes") - accounted_before;
    drop(held);
    drop(srv);
    ((after - before) / n, heap / n, accounted as usize / n)
}

#[test]
fn the_measured_size_tracks_rss() {
    let off = Duration::ZERO;
    let (list_rss, list_heap, list_est) = measure(list, 400, off);
    let (counter_rss, counter_heap, counter_est) = measure(counter, 1000, off);
    let (asleep_rss, asleep_heap, asleep_est) = measure(list, 400, Duration::from_millis(50));
    let kib = |b: usize| b as f64 / 1024.0;
    println!(
        "per session, RSS / heap in use / measured: list {:.1} / {:.1} / {:.1} KiB, \
         counter {:.1} / {:.1} / {:.1} KiB, hibernated list {:.1} / {:.1} / {:.1} KiB",
        kib(list_rss),
        kib(list_heap),
        kib(list_est),
        kib(counter_rss),
        kib(counter_heap),
        kib(counter_est),
        kib(asleep_rss),
        kib(asleep_heap),
        kib(asleep_est)
    );
    for (name, real, est) in [
        ("list (RSS)", list_rss, list_est),
        ("counter (RSS)", counter_rss, counter_est),
        ("hibernated list (heap in use)", asleep_heap, asleep_est),
    ] {
        assert!(
            est * 2 >= real && est <= real * 2,
            "{name}: measured {est} B a session, really {real} B"
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
