//! Integration tests for `Selector`: answers follow the source, only the readers of the
//! keys whose answer changed re-run (against a from-scratch model, seeded random steps),
//! readers inside component-like observers, disposal, and the bound on the nodes it keeps.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use vango::reactive::{
    batch, effect, live_nodes, memo, selector, signal, Effect, Observer, Owner, Selector, Signal,
};

/// An effect reading `sel.is(&key)`, counting its runs and recording its last answer.
struct Reader {
    owner: Owner,
    runs: Rc<Cell<u32>>,
    seen: Rc<Cell<bool>>,
}

fn reader(sel: Selector<u32>, key: u32) -> Reader {
    let owner = Owner::new();
    let runs = Rc::new(Cell::new(0));
    let seen = Rc::new(Cell::new(false));
    let (r, s) = (runs.clone(), seen.clone());
    owner.with(|| {
        effect(move || {
            s.set(sel.is(&key));
            r.set(r.get() + 1);
        })
    });
    Reader { owner, runs, seen }
}

#[test]
fn answers_follow_the_source_and_only_two_readers_rerun() {
    let selected = signal(3u32);
    let sel = selector(move || selected.get());
    let readers: Vec<Reader> = (0..200).map(|k| reader(sel, k)).collect();
    assert!(readers
        .iter()
        .enumerate()
        .all(|(k, r)| r.seen.get() == (k == 3)));
    for next in [150u32, 7, 7, 199, 3] {
        let before: Vec<u32> = readers.iter().map(|r| r.runs.get()).collect();
        let prev = sel_current(&readers);
        selected.set(next);
        for (k, r) in readers.iter().enumerate() {
            let k = k as u32;
            assert_eq!(r.seen.get(), k == next, "key {k} after selecting {next}");
            let changed = prev != next && (k == prev || k == next);
            assert_eq!(
                r.runs.get() - before[k as usize],
                changed as u32,
                "key {k}: runs after selecting {next} (was {prev})"
            );
        }
    }
}

fn sel_current(readers: &[Reader]) -> u32 {
    readers.iter().position(|r| r.seen.get()).unwrap() as u32
}

#[test]
fn a_source_that_settles_on_the_same_value_wakes_nobody() {
    let selected = signal(1u32);
    let sel = selector(move || selected.get());
    let readers: Vec<Reader> = (0..10).map(|k| reader(sel, k)).collect();
    batch(|| {
        selected.set(5);
        selected.set(1);
    });
    selected.set(1);
    assert!(readers.iter().all(|r| r.runs.get() == 1));
}

#[test]
fn two_readers_of_one_key_share_it_and_survive_each_other() {
    let selected = signal(0u32);
    let sel = selector(move || selected.get());
    let a = reader(sel, 4);
    let b = reader(sel, 4);
    a.owner.dispose();
    selected.set(4);
    assert!(
        b.seen.get(),
        "the other reader of key 4 still hears about it"
    );
    assert_eq!(b.runs.get(), 2);
}

#[test]
fn reads_inside_an_observer_mark_it_stale_only_when_its_answer_changes() {
    let selected = signal(1u32);
    let sel = selector(move || selected.get());
    let stale: Vec<Rc<Cell<bool>>> = (0..5).map(|_| Rc::new(Cell::new(false))).collect();
    let obs: Vec<Observer> = stale
        .iter()
        .map(|s| {
            let s = s.clone();
            Observer::new(move || s.set(true))
        })
        .collect();
    for (k, o) in obs.iter().enumerate() {
        assert_eq!(o.track(|| sel.is(&(k as u32))), k == 1);
    }
    selected.set(2);
    let marked: Vec<bool> = stale.iter().map(|s| s.get()).collect();
    assert_eq!(marked, [false, true, true, false, false]);
}

#[test]
fn memos_can_read_it() {
    let selected = signal(0u32);
    let sel = selector(move || selected.get());
    let class = memo(move || if sel.is(&9) { "danger" } else { "" });
    assert_eq!(class.get(), "");
    selected.set(9);
    assert_eq!(class.get(), "danger");
    selected.set(8);
    assert_eq!(class.get(), "");
}

#[test]
fn an_untracked_read_makes_no_node() {
    let selected = signal(0u32);
    let sel = selector(move || selected.get());
    let before = live_nodes();
    for k in 0..1000u32 {
        assert_eq!(sel.is(&k), k == 0);
    }
    assert_eq!(live_nodes(), before);
}

#[test]
fn keys_of_readers_that_are_gone_are_freed() {
    // Rows come and go with ids that only grow (create 1,000, clear, create 1,000 ...):
    // the nodes kept stay within a small multiple of the keys being read.
    let selected = signal(0u32);
    let sel = selector(move || selected.get());
    let base = live_nodes();
    let mut peak = 0;
    for round in 0..20u32 {
        let rows: Vec<Reader> = (0..100).map(|i| reader(sel, round * 100 + i)).collect();
        peak = peak.max(live_nodes() - base);
        selected.set(round * 100 + 5);
        assert!(rows[5].seen.get());
        for r in rows {
            r.owner.dispose();
        }
    }
    // 100 readers, each an owner and an effect, and their keys' nodes: with nothing
    // freed, the 2,000 keys alone would be 2,000 nodes.
    assert!(peak <= 200 + 2 * 100 + 2 * 32, "peak {peak} nodes");
}

#[test]
fn disposing_its_owner_disposes_it() {
    let selected = signal(1u32);
    let owner = Owner::new();
    let sel = owner.with(|| selector(move || selected.get()));
    let seen = Rc::new(Cell::new(0));
    let s2 = seen.clone();
    let e: Effect = effect(move || {
        if sel.try_is(&1).is_ok() {
            s2.set(s2.get() + 1);
        }
    });
    let before = live_nodes();
    owner.dispose();
    assert!(sel.is_disposed());
    assert!(sel.try_is(&1).is_err());
    assert!(live_nodes() < before, "the selector's nodes were freed");
    selected.set(2); // no panic: the driver is gone with its owner
    e.dispose();
}

/// The model: after each step, every live reader's answer is `key == current`, and a
/// reader ran exactly when its answer changed (or it was just made).
#[test]
fn random_steps_against_a_model() {
    for seed in 0..40u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let owner = Owner::new();
        owner.with(|| run_model(&mut rng));
        owner.dispose();
    }
}

fn run_model(rng: &mut fastrand::Rng) {
    let selected: Signal<u32> = signal(0);
    let sel = selector(move || selected.get());
    let mut current = 0u32;
    let live: RefCell<Vec<(u32, Reader, u32)>> = RefCell::new(Vec::new());
    for _ in 0..300 {
        match rng.u8(0..10) {
            0..=3 => {
                let next = rng.u32(0..24);
                let before: Vec<u32> = live.borrow().iter().map(|(_, r, _)| r.runs.get()).collect();
                selected.set(next);
                for ((k, r, _), b) in live.borrow().iter().zip(before) {
                    let flipped = current != next && (*k == current || *k == next);
                    assert_eq!(
                        r.runs.get() - b,
                        flipped as u32,
                        "key {k}: {current} -> {next}"
                    );
                }
                current = next;
            }
            4..=6 => {
                let k = rng.u32(0..24);
                let r = reader(sel, k);
                live.borrow_mut().push((k, r, 0));
            }
            _ => {
                let n = live.borrow().len();
                if n > 0 {
                    let (_, r, _) = live.borrow_mut().swap_remove(rng.usize(0..n));
                    r.owner.dispose();
                }
            }
        }
        for (k, r, _) in live.borrow().iter() {
            assert_eq!(r.seen.get(), *k == current, "key {k}, current {current}");
        }
    }
}

#[test]
fn the_handle_is_as_small_as_a_signal() {
    let sel = selector(|| 0u32);
    let same = sel;
    assert_eq!(sel, same);
    assert_ne!(sel, selector(|| 0u32));
    assert_eq!(
        std::mem::size_of::<Selector<u64>>(),
        std::mem::size_of::<Signal<u64>>()
    );
}
