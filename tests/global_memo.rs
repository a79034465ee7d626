//! `GlobalMemo`: per-core memos of globals, driven by the bus, across real core threads.

use std::sync::mpsc;
use std::sync::OnceLock;
use std::thread;

use vango::features::bus::Bus;
use vango::features::global::{attach_core, detach_core, drain_core, GlobalSignal};
use vango::features::global_memo::GlobalMemo;
use vango::reactive::{effect, signal, Owner};

enum Cmd {
    Drain,
    Set(u64),
    Stop,
}

/// What a core reports after each command: the memo's value and how often its effect ran.
type Report = (u64, usize);

/// A core thread with an effect reading `memo`, obeying commands in lock-step.
fn core(bus: Bus, memo: GlobalMemo<u64>, global: GlobalSignal<u64>) -> CoreThread {
    let (tx, rx) = mpsc::channel::<Cmd>();
    let (rtx, rrx) = mpsc::channel::<Report>();
    let join = thread::spawn(move || {
        let _waiter = attach_core(&bus).unwrap();
        let runs = signal(0usize);
        effect(move || {
            memo.get();
            runs.update_untracked(|r| *r += 1);
        });
        rtx.send((memo.get(), runs.get())).unwrap();
        for cmd in rx {
            match cmd {
                Cmd::Drain => {
                    drain_core();
                }
                Cmd::Set(v) => global.set(v),
                Cmd::Stop => break,
            }
            rtx.send((memo.get(), runs.get())).unwrap();
        }
        detach_core();
    });
    CoreThread { tx, rrx, join }
}

struct CoreThread {
    tx: mpsc::Sender<Cmd>,
    rrx: mpsc::Receiver<Report>,
    join: thread::JoinHandle<()>,
}

impl CoreThread {
    fn ask(&self, cmd: Cmd) -> Report {
        self.tx.send(cmd).unwrap();
        self.rrx.recv().unwrap()
    }
}

static TENS: OnceLock<GlobalSignal<u64>> = OnceLock::new();

/// Random writes, from the test thread and from either core; after every drain both cores'
/// memos equal `value / 10`, and each core's effect ran exactly once per change of that
/// derived value (never for writes that leave it unchanged).
#[test]
fn memo_follows_writes_on_every_core_and_skips_unchanged() {
    let seed = fastrand::u64(..);
    println!("seed {seed}");
    let mut rng = fastrand::Rng::with_seed(seed);
    let bus = Bus::new();
    let global = *TENS.get_or_init(|| GlobalSignal::new(&bus, 0));
    let tens = GlobalMemo::new(|| TENS.get().unwrap().get() / 10);
    let cores = [
        core(bus.clone(), tens, global),
        core(bus.clone(), tens, global),
    ];
    for c in &cores {
        assert_eq!(c.rrx.recv().unwrap(), (0, 1));
    }
    let (mut derived, mut changes) = (0u64, 1usize);
    for step in 0..300 {
        // Small steps so that most writes leave the derived value unchanged.
        let value = (global.get_untracked() + rng.u64(0..8)).saturating_sub(rng.u64(0..4));
        match rng.usize(0..3) {
            2 => global.set(value),
            writer => {
                // A core reads its own write at once, before any drain.
                let (seen, _) = cores[writer].ask(Cmd::Set(value));
                assert_eq!(seen, value / 10, "seed {seed} step {step}");
            }
        }
        if value / 10 != derived {
            derived = value / 10;
            changes += 1;
        }
        for (i, c) in cores.iter().enumerate() {
            let report = c.ask(Cmd::Drain);
            assert_eq!(
                report,
                (derived, changes),
                "seed {seed} step {step} core {i}"
            );
        }
    }
    assert!(
        changes > 5,
        "seed {seed}: the test barely exercised changes"
    );
    for c in cores {
        c.tx.send(Cmd::Stop).unwrap();
        c.join.join().unwrap();
    }
}

static NAME: OnceLock<GlobalSignal<String>> = OnceLock::new();

/// A memo first read inside a component (an owner) is not disposed with it.
#[test]
fn memo_outlives_the_component_that_first_read_it() {
    let bus = Bus::new();
    let name = *NAME.get_or_init(|| GlobalSignal::new(&bus, String::from("ann")));
    let len = GlobalMemo::new(|| NAME.get().unwrap().with(String::len));
    attach_core(&bus).unwrap();
    let component = Owner::new();
    let in_component = component.with(|| {
        let seen = signal(0);
        effect(move || seen.set(len.get()));
        seen
    });
    assert_eq!(in_component.get(), 3);
    component.dispose();
    name.set(String::from("bob and carol"));
    let runs = signal(Vec::new());
    effect(move || {
        let n = len.get();
        runs.update_untracked(|r| r.push(n));
    });
    name.set(String::from("dave"));
    name.set(String::from("erin")); // same length: no run
    assert_eq!(runs.get(), [13, 4]);
    detach_core();
}

static PLAIN: OnceLock<GlobalSignal<i32>> = OnceLock::new();

/// On a thread that is not attached, a read runs the function on the latest bus value.
#[test]
fn unattached_thread_computes_directly() {
    let bus = Bus::new();
    let plain = *PLAIN.get_or_init(|| GlobalSignal::new(&bus, 2));
    let square = GlobalMemo::new(|| {
        let v = PLAIN.get().unwrap().get();
        v * v
    });
    thread::spawn(move || {
        assert_eq!(square.get(), 4);
        plain.set(-3);
        assert_eq!(square.with(|v| *v + 1), 10);
    })
    .join()
    .unwrap();
}

#[test]
fn handle_is_copy_send_sync() {
    fn assert_send_sync<T: Copy + Send + Sync>() {}
    assert_send_sync::<GlobalMemo<String>>();
    let a = GlobalMemo::new(|| 1u8);
    let b = GlobalMemo::new(|| 1u8);
    assert_ne!(
        format!("{a:?}"),
        format!("{b:?}"),
        "each memo has its own id"
    );
}
