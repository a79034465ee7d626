//! Bus micro-benches: cost of a `set` with 2 subscribed cores, drain cost, and write→drain
//! latency between two threads (ping-pong, reported as a round trip).

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use vango::features::bus::Bus;
use vango::features::global::{attach_core, drain_core, GlobalSignal};
use vango::reactive::effect;

fn set_cost(c: &mut Criterion) {
    let bus = Bus::new();
    let slot = bus.slot(0u64);
    let mut cores = [bus.subscribe().unwrap(), bus.subscribe().unwrap()];
    let mut i = 0u64;
    // Cores not draining: every set after the first finds them pending (the burst case).
    c.bench_function("bus/set, 2 cores pending", |b| {
        b.iter(|| {
            i += 1;
            black_box(slot.set(i))
        })
    });
    // Cores drain after each set: every set wakes both (flag flip + channel send).
    c.bench_function("bus/set + drain on 2 cores", |b| {
        b.iter(|| {
            i += 1;
            slot.set(i);
            for core in &mut cores {
                core.drain(|c| {
                    black_box(c.get::<u64>());
                });
            }
        })
    });
    c.bench_function("bus/get u64", |b| b.iter(|| black_box(slot.get())));
}

fn global_drain(c: &mut Criterion) {
    let bus = Bus::new();
    let g = GlobalSignal::new(&bus, 0u64);
    attach_core(&bus).unwrap();
    effect(move || {
        black_box(g.get());
    });
    let other = g.slot().clone();
    let mut i = 0;
    // A write from "another core" (the slot handle does not touch this core's mirror),
    // then this core's drain: mirror signal set + one effect re-run.
    c.bench_function("global/remote set + drain_core, 1 effect", |b| {
        b.iter(|| {
            i += 1;
            other.set(i);
            black_box(drain_core())
        })
    });
}

fn latency(c: &mut Criterion) {
    let bus = Bus::new();
    let ping = bus.slot(0u64);
    let pong = bus.slot(0u64);
    let (ping_id, pong_id) = (ping.id(), pong.id());
    let mut mine = bus.subscribe().unwrap();
    let mut theirs = bus.subscribe().unwrap();
    let echo = {
        let pong = pong.clone();
        thread::spawn(move || {
            while theirs.wait_blocking() {
                let mut got = None;
                theirs.drain(|c| {
                    if c.slot == ping_id {
                        got = c.get::<u64>().copied();
                    }
                });
                if let Some(v) = got {
                    pong.set(v);
                }
            }
        })
    };
    let mut n = 0u64;
    c.bench_function("bus/write→drain round trip, 2 threads", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                n += 1;
                ping.set(n);
                let mut back = 0;
                while back != n {
                    mine.wait_blocking();
                    mine.drain(|c| {
                        if c.slot == pong_id {
                            back = *c.get::<u64>().unwrap();
                        }
                    });
                }
            }
            start.elapsed()
        })
    });
    bus.shutdown();
    echo.join().unwrap();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = set_cost, global_drain, latency
}
criterion_main!(benches);
