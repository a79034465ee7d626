//! Protocol micro-benches: one click event encoded/decoded, a 100-SetText Patches frame
//! built by `PatchEncoder` (gap header) against a scratch-buffer-and-assemble variant.
//!
//! `cargo bench --bench protocol -- --warm-up-time 1 --measurement-time 2`
//!
//! On a shared, overloaded machine wall-clock medians overstate the cost; with
//! `VANGO_BENCH_ONCPU=1` the same loops are timed by the thread's on-CPU time
//! (`/proc/thread-self/schedstat`), which excludes time spent preempted.

use criterion::{criterion_group, Criterion};
use std::hint::black_box;
use vango::protocol::varint::{put_u32, put_u64};
use vango::protocol::{decode_client, decode_server, encode_event, put_str, PatchEncoder};
use vango::vdom::{Event, EventData, PatchSink};

const TEXTS: [&str; 4] = ["Count: 1", "Count: 22", "Count: 333", "Count: 4444"];

fn click(c: &mut Criterion) {
    let event = Event {
        hid: 42,
        name: "click",
        data: EventData::None,
    };
    let mut buf = Vec::with_capacity(16);
    c.bench_function("encode click event", |b| {
        b.iter(|| {
            buf.clear();
            encode_event(&mut buf, black_box(1234), black_box(&event));
            black_box(buf.len())
        })
    });
    let mut bytes = Vec::new();
    encode_event(&mut bytes, 1234, &event);
    c.bench_function("decode click event", |b| {
        b.iter(|| black_box(decode_client(black_box(&bytes))))
    });
}

/// The alternative to the gap header: ops into a scratch buffer, then header + copy.
struct ScratchEncoder {
    ops: Vec<u8>,
    frame: Vec<u8>,
    count: u32,
}

impl ScratchEncoder {
    fn set_text(&mut self, parent: u32, index: u32, text: &str) {
        self.count += 1;
        self.ops.push(0x01);
        put_u32(&mut self.ops, parent);
        put_u32(&mut self.ops, index);
        put_str(&mut self.ops, text);
    }
    fn finish(&mut self, seq: u64, ack: u64) -> &[u8] {
        self.frame.clear();
        self.frame.push(0x82);
        put_u64(&mut self.frame, seq);
        put_u64(&mut self.frame, ack);
        put_u32(&mut self.frame, self.count);
        self.frame.extend_from_slice(&self.ops);
        &self.frame
    }
}

fn patches(c: &mut Criterion) {
    let mut enc = PatchEncoder::new();
    c.bench_function("encode 100 SetText (PatchEncoder, gap header)", |b| {
        b.iter(|| {
            enc.begin(black_box(300), black_box(300));
            for i in 0..100u32 {
                enc.set_text(black_box(200 + i), 0, TEXTS[i as usize & 3]);
            }
            black_box(enc.finish().len())
        })
    });
    let mut scratch = ScratchEncoder {
        ops: Vec::new(),
        frame: Vec::new(),
        count: 0,
    };
    c.bench_function("encode 100 SetText (scratch + assemble)", |b| {
        b.iter(|| {
            scratch.ops.clear();
            scratch.count = 0;
            for i in 0..100u32 {
                scratch.set_text(black_box(200 + i), 0, TEXTS[i as usize & 3]);
            }
            black_box(scratch.finish(black_box(300), black_box(300)).len())
        })
    });
    enc.begin(300, 300);
    for i in 0..100u32 {
        enc.set_text(200 + i, 0, TEXTS[i as usize & 3]);
    }
    let frame = enc.finish().to_vec();
    c.bench_function("decode 100 SetText frame", |b| {
        b.iter(|| black_box(decode_server(black_box(&frame))))
    });
}

criterion_group!(benches, click, patches);

/// Nanoseconds this thread has spent on a CPU.
fn on_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Median over 7 rounds of the on-CPU time per call of `f`.
fn on_cpu(name: &str, iters: u64, mut f: impl FnMut()) {
    let mut rounds = Vec::new();
    for _ in 0..7 {
        let t0 = on_cpu_ns().expect("/proc/thread-self/schedstat");
        for _ in 0..iters {
            f();
        }
        let t1 = on_cpu_ns().unwrap();
        rounds.push((t1 - t0) as f64 / iters as f64);
    }
    rounds.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{name:<48} on-CPU median {:>10.1} ns  (min {:.1})",
        rounds[3], rounds[0]
    );
}

fn on_cpu_all() {
    let event = Event {
        hid: 42,
        name: "click",
        data: EventData::None,
    };
    let mut buf = Vec::with_capacity(16);
    on_cpu("encode click event", 2_000_000, || {
        buf.clear();
        encode_event(&mut buf, black_box(1234), black_box(&event));
        black_box(buf.len());
    });
    let bytes = buf.clone();
    on_cpu("decode click event", 2_000_000, || {
        black_box(decode_client(black_box(&bytes)).is_ok());
    });
    let mut enc = PatchEncoder::new();
    on_cpu(
        "encode 100 SetText (PatchEncoder, gap header)",
        20_000,
        || {
            enc.begin(black_box(300), black_box(300));
            for i in 0..100u32 {
                enc.set_text(black_box(200 + i), 0, TEXTS[i as usize & 3]);
            }
            black_box(enc.finish().len());
        },
    );
    let mut scratch = ScratchEncoder {
        ops: Vec::new(),
        frame: Vec::new(),
        count: 0,
    };
    on_cpu("encode 100 SetText (scratch + assemble)", 20_000, || {
        scratch.ops.clear();
        scratch.count = 0;
        for i in 0..100u32 {
            scratch.set_text(black_box(200 + i), 0, TEXTS[i as usize & 3]);
        }
        black_box(scratch.finish(black_box(300), black_box(300)).len());
    });
    let frame = enc.finish().to_vec();
    on_cpu("decode 100 SetText frame", 5_000, || {
        black_box(decode_server(black_box(&frame)).is_ok());
    });
}

fn main() {
    if std::env::var_os("VANGO_BENCH_ONCPU").is_some() {
        on_cpu_all();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
