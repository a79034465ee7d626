//! `GlobalSignal`: per-core mirrors driven by the bus, across real core threads.

use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use vango::features::bus::Bus;
use vango::features::global::{attach_core, detach_core, drain_core, is_attached, GlobalSignal};
use vango::reactive::{effect, signal};

/// Two core threads, each with an effect reading the global; writers on other threads.
/// Each core's effect sees increasing values and ends on the last one written.
#[test]
fn every_core_mirror_follows_writes() {
    let bus = Bus::new();
    let counter = GlobalSignal::new(&bus, 0u64);
    let progress: Arc<Vec<AtomicU64>> = Arc::new((0..2).map(|_| AtomicU64::new(0)).collect());
    // Writers start once both cores have read the initial value.
    let ready = Arc::new(Barrier::new(3));
    let cores: Vec<_> = (0..2)
        .map(|c| {
            let (bus, progress, ready) = (bus.clone(), progress.clone(), ready.clone());
            thread::spawn(move || {
                let waiter = attach_core(&bus).unwrap();
                let seen = signal(Vec::new());
                effect(move || {
                    let n = counter.get();
                    seen.update_untracked(|s| s.push(n));
                    progress[c].store(n, SeqCst);
                });
                ready.wait();
                while waiter.wait_blocking() {
                    drain_core();
                }
                drain_core();
                let seen = seen.get();
                detach_core();
                seen
            })
        })
        .collect();
    ready.wait();
    let writers: Vec<_> = (0..3)
        .map(|_| {
            thread::spawn(move || {
                for _ in 0..1_000 {
                    counter.update(|n| *n += 1);
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    for p in progress.iter() {
        while p.load(SeqCst) != 3_000 {
            assert!(Instant::now() < deadline, "a core never saw the last write");
            thread::sleep(Duration::from_millis(1));
        }
    }
    bus.shutdown();
    for c in cores {
        let seen = c.join().unwrap();
        assert_eq!(seen.first(), Some(&0));
        assert_eq!(seen.last(), Some(&3_000));
        assert!(
            seen.windows(2).all(|w| w[0] < w[1]),
            "went backwards or repeated"
        );
        assert!(seen.len() <= 3_001);
    }
}

#[test]
fn local_write_is_read_back_at_once_and_remote_after_drain() {
    let bus = Bus::new();
    let name = GlobalSignal::new(&bus, String::from("a"));
    attach_core(&bus).unwrap();
    assert!(is_attached());
    let renders = signal(0);
    effect(move || {
        name.with(|n| n.len());
        renders.update_untracked(|r| *r += 1);
    });
    name.set("bb".into());
    assert_eq!(name.get(), "bb");
    assert_eq!(renders.get(), 2);

    // Another thread writes: nothing changes here until this core drains.
    let remote = name;
    thread::spawn(move || remote.set("ccc".into()))
        .join()
        .unwrap();
    assert_eq!(name.get(), "bb");
    assert_eq!(drain_core(), 1);
    assert_eq!(name.get(), "ccc");
    assert_eq!(renders.get(), 3);
    assert_eq!(drain_core(), 0, "already applied");
    assert_eq!(renders.get(), 3);
    detach_core();
    assert!(!is_attached());
    assert_eq!(name.get(), "ccc", "unattached threads read the bus");
}

#[test]
fn global_of_another_bus_reads_through() {
    let (a, b) = (Bus::new(), Bus::new());
    let on_a = GlobalSignal::new(&a, 1);
    let on_b = GlobalSignal::new(&b, 2);
    attach_core(&a).unwrap();
    assert!(on_a.signal().is_some());
    assert!(on_b.signal().is_none());
    on_b.set(3);
    assert_eq!(on_b.get(), 3);
    detach_core();
}
