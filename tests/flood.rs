//! The dropped-session flood over real sockets (issue 13's probe): clients upgrade, say
//! Hello with the page's token and drop TCP as fast as they can, against the list page and
//! a small memory budget. The process's RSS stays bounded by the budget while the flood
//! runs, a session attached before it keeps working, and the RSS comes back after the
//! detached sessions expire.
//!
//! One test in this file: RSS is per process, so nothing else may run beside it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use vango::live::SessionConfig;
use vango::protocol::ServerFrame;
use vango_test_support::client::{page, Client, PageInfo};
use vango_test_support::pages::{hello_new, list, rss};
use vango_test_support::raw::metric_sum;

/// Opens a session and drops the socket once the server answered (or refused) its Hello.
/// `true` when the session was created.
fn drop_one(addr: SocketAddr, p: &PageInfo) -> bool {
    hello_new(addr, p).is_some()
}

const MIB: usize = 1 << 20;
const BUDGET: usize = 16 * MIB;

#[test]
fn a_drop_flood_stays_within_the_budget_and_memory_comes_back() {
    let srv = vango::App::new()
        .page("/", list)
        .workers(2)
        .sessions(SessionConfig {
            max_memory: Some(BUDGET),
            resume_window: Duration::from_secs(3),
            ..Default::default()
        })
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let p = page(addr);
    // Warm up: the allocator's arenas and the cores' buffers exist before the baseline.
    for _ in 0..50 {
        drop_one(addr, &p);
    }
    let mut live = Client::open(addr, &p);
    let button = p.hid("b0");
    assert!(matches!(live.click(1, button), ServerFrame::Patches { .. }));
    let deadline = Instant::now() + Duration::from_secs(6);
    while metric_sum(addr, "vango_sessions") > 1 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
    }
    vango::server::trim::release_to_os();
    let baseline = rss();

    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicUsize::new(baseline));
    let sampler = {
        let (stop, peak) = (stop.clone(), peak.clone());
        thread::spawn(move || {
            while !stop.load(Relaxed) {
                peak.fetch_max(rss(), Relaxed);
                thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let created = Arc::new(AtomicUsize::new(0));
    let flood_for = Duration::from_secs(4);
    let started = Instant::now();
    let flooders: Vec<_> = (0..4)
        .map(|_| {
            let (created, csrf, hash) = (created.clone(), p.csrf.clone(), p.hash);
            thread::spawn(move || {
                let p = PageInfo {
                    html: String::new(),
                    csrf,
                    hash,
                };
                while started.elapsed() < flood_for {
                    if drop_one(addr, &p) {
                        created.fetch_add(1, Relaxed);
                    }
                }
            })
        })
        .collect();
    for f in flooders {
        f.join().unwrap();
    }
    let created = created.load(Relaxed);
    let refused = metric_sum(addr, "vango_memory_refusals_total");
    let evicted = metric_sum(addr, "vango_pressure_evictions_total");
    // The session attached all along still answers.
    assert!(matches!(live.click(2, button), ServerFrame::Patches { .. }));
    let peak_rss = peak.load(Relaxed);

    // The flood is over: the detached sessions expire and the memory goes back.
    let deadline = Instant::now() + Duration::from_secs(5);
    while metric_sum(addr, "vango_sessions") > 1 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
    }
    // The sweeper trims at most once a second and on its tick: the memory comes back within
    // a few seconds of the last expiry, not at one instant after it.
    let bound = baseline + (baseline / 5).max(4 * MIB);
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut after = rss();
    while after > bound && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
        after = rss();
    }
    stop.store(true, Relaxed);
    sampler.join().unwrap();
    assert!(matches!(live.click(3, button), ServerFrame::Patches { .. }));
    let (b, pk, a) = (baseline / 1024, peak_rss / 1024, after / 1024);
    println!(
        "{created} sessions dropped ({refused} refused, {evicted} evicted early); \
         RSS KiB: baseline {b}, peak {pk}, after {a}"
    );
    assert!(created > 1000, "the flood made only {created} sessions");
    assert!(
        peak_rss <= baseline + 2 * BUDGET,
        "peak RSS {pk} KiB, baseline {b} KiB, budget {} KiB",
        BUDGET / 1024
    );
    assert!(
        after <= bound,
        "RSS 3 s after expiry {a} KiB, baseline {b} KiB"
    );
}
