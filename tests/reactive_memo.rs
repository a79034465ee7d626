//! Integration tests for `Memo`: laziness, caching, equality filtering, diamonds, chains,
//! and a seeded property test of random signal/memo graphs against a from-scratch model.

use std::cell::Cell;
use std::rc::Rc;

use vango::reactive::{batch, effect, memo, signal, Memo, Signal};

fn counted<T: PartialEq + 'static>(f: impl Fn() -> T + 'static) -> (Memo<T>, Rc<Cell<u32>>) {
    let n = Rc::new(Cell::new(0));
    let n2 = n.clone();
    let m = memo(move || {
        n2.set(n2.get() + 1);
        f()
    });
    (m, n)
}

#[test]
fn lazy_and_cached() {
    let s = signal(2);
    let (m, runs) = counted(move || s.get() * 10);
    assert_eq!(runs.get(), 0, "not computed before the first read");
    assert_eq!(m.get(), 20);
    assert_eq!(m.get(), 20);
    assert_eq!(m.get_untracked(), 20);
    assert_eq!(runs.get(), 1, "read twice without change: computed once");
    s.set(3);
    assert_eq!(runs.get(), 1, "still lazy after a change with no reader");
    assert_eq!(m.get(), 30);
    assert_eq!(runs.get(), 2);
}

#[test]
fn recomputes_only_when_a_dependency_changed() {
    let a = signal(1);
    let b = signal(1);
    let (m, runs) = counted(move || a.get());
    m.get();
    b.set(5);
    m.get();
    assert_eq!(runs.get(), 1, "unrelated signal must not recompute");
    a.set(2);
    m.get();
    assert_eq!(runs.get(), 2);
}

#[test]
fn unchanged_result_does_not_wake_subscribers() {
    let n = signal(1);
    let parity = memo(move || n.get() % 2);
    let (downstream, down_runs) = counted(move || parity.get() + 100);
    let effect_runs = signal(0);
    effect(move || {
        parity.get();
        effect_runs.update_untracked(|r| *r += 1);
    });
    downstream.get();
    n.set(3); // parity still 1
    n.set(5);
    assert_eq!(effect_runs.get(), 1);
    downstream.get();
    assert_eq!(down_runs.get(), 1);
    n.set(4);
    assert_eq!(effect_runs.get(), 2);
    assert_eq!(downstream.get(), 100);
    assert_eq!(down_runs.get(), 2);
}

#[test]
fn diamond_effect_runs_once_and_sees_consistent_values() {
    let a = signal(1);
    let b = memo(move || a.get() + 1);
    let c = memo(move || a.get() * 2);
    let d = memo(move || (b.get(), c.get()));
    let seen = signal(Vec::new());
    effect(move || {
        let (x, y) = d.get();
        seen.update_untracked(|s| s.push((x, y)));
    });
    for v in 2..6 {
        a.set(v);
    }
    let expect: Vec<_> = (1..6).map(|v| (v + 1, v * 2)).collect();
    assert_eq!(seen.get(), expect, "one run per change, never half-updated");
}

#[test]
fn diamond_reading_sources_directly_is_glitch_free() {
    // The effect reads both branches itself (no joining memo).
    let a = signal(0);
    let b = memo(move || a.get() + 1);
    let c = memo(move || a.get() + 2);
    let bad = signal(0);
    let runs = signal(0);
    effect(move || {
        if c.get() - b.get() != 1 {
            bad.update_untracked(|n| *n += 1);
        }
        runs.update_untracked(|n| *n += 1);
    });
    for v in 1..50 {
        a.set(v);
    }
    assert_eq!(bad.get(), 0);
    assert_eq!(runs.get(), 50);
}

#[test]
fn chain_of_100_memos() {
    let src = signal(0u64);
    let mut last: Memo<u64> = memo(move || src.get());
    for _ in 0..99 {
        let prev = last;
        last = memo(move || prev.get() + 1);
    }
    assert_eq!(last.get(), 99);
    src.set(10);
    assert_eq!(last.get(), 109);
}

#[test]
fn memo_cut_off_stops_a_chain() {
    let src = signal(1);
    let clamp = memo(move || src.get().min(10));
    let (end, runs) = counted(move || clamp.get() * 2);
    assert_eq!(end.get(), 2);
    src.set(20);
    assert_eq!(end.get(), 20);
    src.set(30); // clamp unchanged at 10
    assert_eq!(end.get(), 20);
    assert_eq!(runs.get(), 2);
}

#[test]
fn conditional_dependencies_are_dropped() {
    let flag = signal(true);
    let a = signal(1);
    let b = signal(100);
    let (m, runs) = counted(move || if flag.get() { a.get() } else { b.get() });
    assert_eq!(m.get(), 1);
    flag.set(false);
    assert_eq!(m.get(), 100);
    a.set(2); // no longer a dependency
    assert_eq!(m.get(), 100);
    assert_eq!(runs.get(), 2);
    b.set(200);
    assert_eq!(m.get(), 200);
    assert_eq!(runs.get(), 3);
}

#[test]
fn memo_reading_itself_panics_with_a_cycle_message() {
    let slot: Rc<Cell<Option<Memo<i32>>>> = Rc::new(Cell::new(None));
    let s2 = slot.clone();
    let m = memo(move || s2.get().map_or(0, |m| m.get()) + 1);
    slot.set(Some(m));
    let err = std::panic::catch_unwind(|| m.get()).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("memo cycle"), "{msg}");
}

#[test]
fn disposed_memo_errors() {
    let s = signal(1);
    let m = memo(move || s.get());
    m.get();
    m.dispose();
    assert!(m.is_disposed());
    assert!(m.try_get().is_err());
    s.set(2); // must not touch the freed memo
    assert!(m.try_with(|v| *v).is_err());
}

#[test]
fn memo_over_disposed_signal_keeps_last_value() {
    let s = signal(7);
    let m = memo(move || s.try_get().unwrap_or(-1));
    assert_eq!(m.get(), 7);
    s.dispose();
    assert_eq!(m.get(), 7, "nothing it read changed, so the cache stands");
}

/// Random layered graphs: signals, then memos over random earlier nodes (sum/xor/min of
/// inputs, mod 7 to make equal results common). After random batched writes every memo
/// must equal a from-scratch evaluation, and each of a few effects (reading one to three
/// random memos) must have run exactly once per change of what it reads.
#[test]
fn property_random_graphs_match_model() {
    let base = fastrand::u64(..);
    for case in 0..60u64 {
        let seed = base.wrapping_add(case);
        let mut rng = fastrand::Rng::with_seed(seed);
        run_case(&mut rng, seed);
    }
}

#[derive(Clone, Copy)]
enum Node {
    Sig(Signal<i64>),
    Memo(Memo<i64>),
}

impl Node {
    fn get(self) -> i64 {
        match self {
            Node::Sig(s) => s.get(),
            Node::Memo(m) => m.get(),
        }
    }
}

fn eval(op: u8, xs: &[i64]) -> i64 {
    let r = match op {
        0 => xs.iter().sum::<i64>(),
        1 => xs.iter().fold(0, |a, x| a ^ x),
        _ => *xs.iter().min().unwrap_or(&0),
    };
    r.rem_euclid(7)
}

/// What an effect saw on each run, and the node indices it reads.
type EffectLog = Signal<Vec<Vec<i64>>>;

fn run_case(rng: &mut fastrand::Rng, seed: u64) {
    let n_sig = rng.usize(1..5);
    let n_memo = rng.usize(1..12);
    let mut vals: Vec<i64> = (0..n_sig).map(|_| rng.i64(0..10)).collect();
    let mut nodes: Vec<Node> = vals.iter().map(|v| Node::Sig(signal(*v))).collect();
    let mut specs: Vec<(u8, Vec<usize>)> = Vec::new();
    let mut effects: Vec<(EffectLog, Vec<usize>)> = Vec::new();
    for _ in 0..n_memo {
        let k = rng.usize(1..=3.min(nodes.len()));
        let inputs: Vec<usize> = (0..k).map(|_| rng.usize(..nodes.len())).collect();
        let op = rng.u8(0..3);
        let ins: Vec<Node> = inputs.iter().map(|&i| nodes[i]).collect();
        let m = memo(move || {
            let xs: Vec<i64> = ins.iter().map(|n| n.get()).collect();
            eval(op, &xs)
        });
        specs.push((op, inputs));
        nodes.push(Node::Memo(m));
    }
    // Effects are created after all memos and read random memos in random order, so a
    // memo is often first pulled by an effect that is already running.
    for _ in 0..rng.usize(1..6) {
        let reads: Vec<usize> = (0..rng.usize(1..4))
            .map(|_| rng.usize(n_sig..nodes.len()))
            .collect();
        let read_nodes: Vec<Node> = reads.iter().map(|&i| nodes[i]).collect();
        let log = signal(Vec::new());
        effect(move || {
            let v: Vec<i64> = read_nodes.iter().map(|n| n.get()).collect();
            log.update_untracked(|l| l.push(v));
        });
        effects.push((log, reads));
    }
    // One observer over random memos: reports staleness exactly when what it read changed.
    let obs_reads: Vec<usize> = (0..rng.usize(1..4))
        .map(|_| rng.usize(n_sig..nodes.len()))
        .collect();
    let obs_nodes: Vec<Node> = obs_reads.iter().map(|&i| nodes[i]).collect();
    let dirty = Rc::new(Cell::new(0u32));
    let d = dirty.clone();
    let obs = vango::reactive::Observer::new(move || d.set(d.get() + 1));
    let track = move || obs.track(|| obs_nodes.iter().map(|n| n.get()).collect::<Vec<i64>>());
    track();
    let model = |vals: &[i64]| -> Vec<i64> {
        let mut all = vals.to_vec();
        for (op, ins) in &specs {
            let xs: Vec<i64> = ins.iter().map(|&i| all[i]).collect();
            all.push(eval(*op, &xs));
        }
        all
    };
    let pick =
        |all: &[i64], reads: &[usize]| -> Vec<i64> { reads.iter().map(|&i| all[i]).collect() };
    let mut expected_logs: Vec<Vec<Vec<i64>>> = {
        let all = model(&vals);
        effects.iter().map(|(_, r)| vec![pick(&all, r)]).collect()
    };
    for _step in 0..20 {
        let writes: Vec<(usize, i64)> = (0..rng.usize(1..4))
            .map(|_| (rng.usize(..n_sig), rng.i64(0..10)))
            .collect();
        let prev = model(&vals);
        batch(|| {
            for &(i, v) in &writes {
                if let Node::Sig(s) = nodes[i] {
                    s.set(v);
                }
            }
        });
        for &(i, v) in &writes {
            vals[i] = v;
        }
        let now = model(&vals);
        for (k, (_, r)) in effects.iter().enumerate() {
            if pick(&now, r) != pick(&prev, r) {
                expected_logs[k].push(pick(&now, r));
            }
        }
        let obs_changed = pick(&now, &obs_reads) != pick(&prev, &obs_reads);
        assert_eq!(
            dirty.replace(0),
            u32::from(obs_changed),
            "seed {seed}: observer"
        );
        assert_eq!(
            track(),
            pick(&now, &obs_reads),
            "seed {seed}: observer read"
        );
        for (k, (log, _)) in effects.iter().enumerate() {
            assert_eq!(log.get(), expected_logs[k], "seed {seed}: effect log {k}");
        }
        for (i, n) in nodes.iter().enumerate() {
            assert_eq!(n.get(), now[i], "seed {seed}: node {i}");
        }
    }
}
