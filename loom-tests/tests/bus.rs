//! Loom models of the bus core: no lost update, monotonic versions, no deadlock or dangling
//! subscriber, bounded memory under a burst.
//!
//! Run: `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=/work/target-loom cargo test -p vango-loom-tests --release`
#![cfg(loom)]

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use loom::sync::Arc;
use loom::thread;
use vango_loom_tests::bus_core::{BusCore, CoreSub, Wake};

/// A value whose live instances are counted, to check that only the latest one is kept.
struct Val {
    n: u64,
    live: Arc<AtomicUsize>,
}

impl Drop for Val {
    fn drop(&mut self) {
        self.live.fetch_sub(1, SeqCst);
    }
}

type V = Arc<Val>;

fn val(n: u64, live: &Arc<AtomicUsize>) -> V {
    live.fetch_add(1, SeqCst);
    Arc::new(Val {
        n,
        live: live.clone(),
    })
}

/// Models the runtime's capacity-1 flume channel: `try_send` on a full channel is dropped.
#[derive(Default)]
struct Token {
    full: AtomicBool,
    wakes: AtomicUsize,
}

struct TokenWake(Arc<Token>);

impl Wake for TokenWake {
    fn wake(&self) {
        self.0.wakes.fetch_add(1, SeqCst);
        // An RMW like flume's `try_send` (and a plain store here would also hit loom bug
        // tokio-rs/loom#254: a store may land inside a concurrent RMW).
        self.0.full.swap(true, SeqCst);
    }
}

/// One core: its subscription, its mirror of slot 0 and the versions it applied, in order.
struct Core {
    sub: CoreSub<V>,
    token: Arc<Token>,
    mirror: Option<V>,
    seen: Vec<u64>,
    drains: usize,
}

impl Core {
    fn new(bus: &BusCore<V>) -> Core {
        let token = Arc::new(Token::default());
        let sub = bus
            .subscribe(Box::new(TokenWake(token.clone())))
            .expect("bus open");
        // The runtime preloads the channel so the first drain happens without a write.
        token.full.store(true, SeqCst);
        Core {
            sub,
            token,
            mirror: None,
            seen: Vec::new(),
            drains: 0,
        }
    }

    /// What the core loop does when it wakes: take the token, then drain.
    fn poll(&mut self, bus: &BusCore<V>) {
        if self.token.full.swap(false, SeqCst) {
            self.drain(bus);
        }
    }

    fn drain(&mut self, bus: &BusCore<V>) {
        self.drains += 1;
        let (mirror, seen) = (&mut self.mirror, &mut self.seen);
        self.sub.drain(bus, |id, version, v| {
            assert_eq!(id, 0);
            *mirror = Some(v.clone());
            seen.push(version);
        });
        assert!(
            self.seen.windows(2).all(|w| w[0] < w[1]),
            "versions went backwards: {:?}",
            self.seen
        );
    }

    /// After all writers are done: either this core is up to date, or a wake-up is due.
    fn assert_no_lost_wakeup(&self, bus_version: u64) {
        assert!(
            self.sub.applied(0) == bus_version || self.token.full.load(SeqCst),
            "core is stale (applied {} < {}) and will never be woken; applied {:?} in {} drains, {} wakes, pending {}",
            self.sub.applied(0),
            bus_version,
            self.seen,
            self.drains,
            self.token.wakes.load(SeqCst),
            self.sub.cell().is_pending(),
        );
    }
}

fn builder(bound: usize) -> loom::model::Builder {
    let mut b = loom::model::Builder::new();
    b.preemption_bound = Some(bound);
    b
}

/// (1)+(2): two writers, two cores draining concurrently. Afterwards each core either
/// holds the latest value or has a wake-up pending, and a final drain converges.
#[test]
fn last_write_reaches_every_core() {
    builder(3).check(|| {
        let live = Arc::new(AtomicUsize::new(0));
        let bus = Arc::new(BusCore::<V>::new());
        let slot = bus.register(val(0, &live));
        let mut a = Core::new(&bus);
        let mut b = Core::new(&bus);

        let writers: Vec<_> = [1, 2]
            .into_iter()
            .map(|n| {
                let (bus, slot, live) = (bus.clone(), slot.clone(), live.clone());
                thread::spawn(move || {
                    bus.write(&slot, val(n, &live));
                })
            })
            .collect();
        let core_b = {
            let bus = bus.clone();
            thread::spawn(move || {
                b.poll(&bus);
                b.poll(&bus);
                b
            })
        };
        a.poll(&bus);
        for w in writers {
            w.join().unwrap();
        }
        let mut b = core_b.join().unwrap();

        let (version, latest) = slot.read();
        assert_eq!(version, 3);
        for core in [&mut a, &mut b] {
            core.assert_no_lost_wakeup(version);
            core.poll(&bus);
            assert_eq!(core.sub.applied(0), version);
            assert_eq!(core.mirror.as_ref().unwrap().n, latest.n);
            // One wake-up per drain cycle at most, however many writes.
            assert!(core.token.wakes.load(SeqCst) <= core.drains);
        }
        drop((a, b, latest));
        drop(slot);
        drop(bus);
        assert_eq!(live.load(SeqCst), 0, "a value leaked");
    });
}

/// (1) for read-modify-write: concurrent `update`s never lose an increment, and a core
/// draining meanwhile sees strictly increasing versions.
#[test]
fn concurrent_updates_are_not_lost() {
    builder(3).check(|| {
        let live = Arc::new(AtomicUsize::new(0));
        let bus = Arc::new(BusCore::<V>::new());
        let slot = bus.register(val(0, &live));
        let mut core = Core::new(&bus);

        let writers: Vec<_> = (0..2)
            .map(|_| {
                let (bus, slot, live) = (bus.clone(), slot.clone(), live.clone());
                thread::spawn(move || {
                    bus.update(&slot, |v| val(v.n + 1, &live));
                })
            })
            .collect();
        core.poll(&bus);
        for w in writers {
            w.join().unwrap();
        }
        let (version, latest) = slot.read();
        assert_eq!(latest.n, 2, "an update was lost");
        assert_eq!(version, 3);
        core.assert_no_lost_wakeup(version);
        core.poll(&bus);
        assert_eq!(core.mirror.as_ref().unwrap().n, 2);
    });
}

/// (3): subscribe, unsubscribe and shutdown racing with writes: no deadlock (loom reports
/// one), no subscriber left behind, and a core that subscribed in time sees the shutdown.
#[test]
fn subscribe_unsubscribe_shutdown_race_writes() {
    builder(3).check(|| {
        let live = Arc::new(AtomicUsize::new(0));
        let bus = Arc::new(BusCore::<V>::new());
        let slot = bus.register(val(0, &live));
        let mut stay = Core::new(&bus);

        let writer = {
            let (bus, slot, live) = (bus.clone(), slot.clone(), live.clone());
            thread::spawn(move || {
                bus.write(&slot, val(1, &live));
                bus.write(&slot, val(2, &live));
            })
        };
        let churn = {
            let bus = bus.clone();
            thread::spawn(move || {
                let token = Arc::new(Token::default());
                let Ok(mut sub) = bus.subscribe(Box::new(TokenWake(token.clone()))) else {
                    assert!(bus.is_closed());
                    return;
                };
                sub.drain(&bus, |_, _, _| {});
                bus.unsubscribe(&sub);
                // Nothing else holds the core: it is not dangling in the bus.
                assert_eq!(Arc::strong_count(sub.cell()), 1);
            })
        };
        stay.poll(&bus);
        bus.shutdown();
        assert!(
            stay.token.full.load(SeqCst),
            "shutdown must wake every core"
        );
        writer.join().unwrap();
        churn.join().unwrap();

        assert_eq!(bus.subscribers(), 0);
        assert!(bus
            .subscribe(Box::new(TokenWake(Arc::new(Token::default()))))
            .is_err());
        // Writes after shutdown still land; a final drain still converges.
        stay.poll(&bus);
        assert_eq!(stay.mirror.as_ref().unwrap().n, slot.read().1.n);
    });
}

/// (3) without shutdown: a core leaving while writes happen leaves the other one
/// subscribed and converging.
#[test]
fn unsubscribe_during_writes_keeps_others() {
    builder(3).check(|| {
        let live = Arc::new(AtomicUsize::new(0));
        let bus = Arc::new(BusCore::<V>::new());
        let slot = bus.register(val(0, &live));
        let mut stay = Core::new(&bus);
        let mut leave = Core::new(&bus);

        let writer = {
            let (bus, slot, live) = (bus.clone(), slot.clone(), live.clone());
            thread::spawn(move || {
                bus.write(&slot, val(1, &live));
                bus.write(&slot, val(2, &live));
            })
        };
        let leaver = {
            let bus = bus.clone();
            thread::spawn(move || {
                leave.poll(&bus);
                bus.unsubscribe(&leave.sub);
                assert_eq!(Arc::strong_count(leave.sub.cell()), 1);
            })
        };
        stay.poll(&bus);
        writer.join().unwrap();
        leaver.join().unwrap();
        assert_eq!(bus.subscribers(), 1);
        stay.assert_no_lost_wakeup(3);
        stay.poll(&bus);
        assert_eq!(stay.mirror.as_ref().unwrap().n, 2);
    });
}

/// (4): a burst of writes while a core drains: at most one wake-up per drain (the channel
/// never holds more than one), and only the latest value (plus what a core or the writer
/// holds at that instant) stays alive, independent of the burst length.
#[test]
fn burst_is_coalesced_and_memory_bounded() {
    const BURST: u64 = 4;
    builder(3).check(|| {
        let live = Arc::new(AtomicUsize::new(0));
        let bus = Arc::new(BusCore::<V>::new());
        let slot = bus.register(val(0, &live));
        let mut core = Core::new(&bus);

        let writer = {
            let (bus, slot, live) = (bus.clone(), slot.clone(), live.clone());
            thread::spawn(move || {
                for n in 1..=BURST {
                    bus.write(&slot, val(n, &live));
                    // slot + core mirror + the one being dropped by the writer.
                    assert!(live.load(SeqCst) <= 3);
                }
            })
        };
        core.poll(&bus);
        assert!(
            live.load(SeqCst) <= 4,
            "slot, mirror, writer's new and old value"
        );
        writer.join().unwrap();

        assert!(
            core.token.wakes.load(SeqCst) <= core.drains,
            "{} wake-ups for {} drains: notifications queued",
            core.token.wakes.load(SeqCst),
            core.drains
        );
        core.assert_no_lost_wakeup(BURST + 1);
        core.poll(&bus);
        assert_eq!(core.mirror.as_ref().unwrap().n, BURST);
        // Only the latest value remains, shared by the slot and the mirror.
        assert_eq!(live.load(SeqCst), 1);
    });
}
