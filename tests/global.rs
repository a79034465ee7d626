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

fn set_text(f: &vango::protocol::ServerFrame) -> String {
    use vango::protocol::{Op, ServerFrame};
    match f {
        ServerFrame::Patches { ops, .. } => match &ops[..] {
            [Op::Patch(vango::vdom::Patch::SetText { text, .. })] => text.to_string(),
            other => panic!("{other:?}"),
        },
        other => panic!("expected Patches, got {other:?}"),
    }
}

/// The runtime wiring: a click on core A writes the global; the session on core B,
/// which only reads it, gets a Patches frame pushed; and back. Shutdown closes the bus.
#[test]
fn a_write_on_one_core_reaches_a_session_on_the_other() {
    use vango_test_support::client::{on_two_cores, page};
    let app = vango::App::new();
    let bus = app.bus().clone();
    let clicks = app.global(0u64);
    let limits = vango::server::Limits {
        shutdown_grace: Duration::from_secs(30),
        ..Default::default()
    };
    let srv = app
        .page("/", move || {
            vango_test_support::pages::global_counter(clicks)
        })
        .workers(2)
        .limits(limits)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let info = page(addr);
    let inc = info.hid("inc");
    let (mut a, mut b) = on_two_cores(addr, &info);
    assert_eq!(bus.subscribers(), 2, "each core subscribed before serving");
    for round in 1..=5u64 {
        let (writer, reader) = if round % 2 == 1 {
            (&mut a, &mut b)
        } else {
            (&mut b, &mut a)
        };
        writer.send_click(inc);
        assert_eq!(set_text(&writer.recv().unwrap()), round.to_string());
        assert_eq!(
            set_text(&reader.recv().unwrap()),
            round.to_string(),
            "pushed cross-core"
        );
    }
    assert_eq!(clicks.get_untracked(), 5);
    // The bus task must not hold a core past shutdown (the grace is 30 s).
    let started = Instant::now();
    srv.shutdown();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "shutdown waited"
    );
    assert!(bus.is_closed());
    assert_eq!(bus.subscribers(), 0);
}

/// Presence the way examples/realtime does it: a session adds itself to a global on mount
/// and removes itself in `on_cleanup`; when one session closes (on either core), the
/// other session is pushed the new count.
#[test]
fn unmount_cleanup_writes_reach_the_other_core() {
    use vango::prelude::*;
    use vango_test_support::client::{on_two_cores, page, Client};
    let app = vango::App::new();
    let here = app.global(0u32);
    let srv = app
        .page("/", move || {
            here.update(|n| *n += 1);
            on_cleanup(move || here.update(|n| *n -= 1));
            move || div(span(here.get().to_string()).id("here"))
        })
        .workers(2)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let info = page(addr);
    // The SSR page mounted and unmounted its own tree: nobody is here.
    assert_eq!(here.get_untracked(), 0);
    let (mut a, mut b) = on_two_cores(addr, &info);
    // `on_two_cores` may have opened extra sessions on a's core (they stay until the
    // resume window): skip the frames so far (full renders, counts) and count live ones.
    let drain = |s: &mut Client| while s.try_recv(300).is_some() {};
    drain(&mut a);
    drain(&mut b);
    let before = here.get_untracked();
    assert!(before >= 2, "{before}");
    b.close();
    assert_eq!(set_text(&a.recv().unwrap()), (before - 1).to_string());
    assert_eq!(here.get_untracked(), before - 1);
}
