//! Criterion benches for the per-thread reactive graph: write→effect, memo chains, owner churn.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use vango::reactive::{batch, effect, memo, signal, Memo, Observer, Owner};

fn signal_set_effect(c: &mut Criterion) {
    let s = signal(0u64);
    let sink = signal(0u64);
    effect(move || sink.set_untracked(s.get()));
    let mut i = 0u64;
    c.bench_function("signal_set_one_effect", |b| {
        b.iter(|| {
            i += 1;
            s.set(black_box(i));
        })
    });
    assert_eq!(sink.get_untracked(), i);

    let r = signal(0u64);
    c.bench_function("signal_get_untracked", |b| {
        b.iter(|| black_box(r.get_untracked()))
    });

    let t = signal(0u64);
    let obs = Observer::new(|| {});
    c.bench_function("observer_track_one_read_then_set", |b| {
        b.iter(|| {
            obs.track(|| black_box(t.get()));
            t.set(1);
        })
    });
}

fn memo_chain(c: &mut Criterion) {
    let src = signal(0u64);
    let mut last: Memo<u64> = memo(move || src.get());
    for _ in 0..99 {
        let prev = last;
        last = memo(move || prev.get() + 1);
    }
    let mut i = 0u64;
    c.bench_function("memo_chain_100_set_then_read", |b| {
        b.iter(|| {
            i += 1;
            src.set(i);
            black_box(last.get())
        })
    });
    assert_eq!(last.get(), i + 99);

    // Same chain with an effect at the end: the flush pulls all 100 memos.
    let src2 = signal(0u64);
    let mut last2: Memo<u64> = memo(move || src2.get());
    for _ in 0..99 {
        let prev = last2;
        last2 = memo(move || prev.get() + 1);
    }
    let out = signal(0u64);
    effect(move || out.set_untracked(last2.get()));
    c.bench_function("memo_chain_100_effect_at_end", |b| {
        b.iter(|| {
            i += 1;
            src2.set(black_box(i));
        })
    });
}

fn owner_churn(c: &mut Criterion) {
    let parent = Owner::new();
    c.bench_function("owner_create_dispose_3_signals_effect", |b| {
        b.iter(|| {
            let o = parent.with(Owner::new);
            o.with(|| {
                let a = signal(1u32);
                let bb = signal(2u32);
                let cc = signal(3u32);
                effect(move || {
                    black_box(a.get() + bb.get() + cc.get());
                });
            });
            o.dispose();
        })
    });

    let xs: [_; 10] = std::array::from_fn(|k| signal(k as i32));
    let sum = signal(0);
    effect(move || sum.set_untracked(xs.iter().map(|s| s.get()).sum::<i32>()));
    let mut i = 0;
    c.bench_function("batch_10_writes_one_effect", |b| {
        b.iter(|| {
            i += 1;
            batch(|| xs.iter().for_each(|s| s.set(i)))
        })
    });
}

criterion_group!(benches, signal_set_effect, memo_chain, owner_churn);
criterion_main!(benches);
