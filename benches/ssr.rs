//! Server-side rendering of a 1,000-node page: string, stream, hash and full page shell.
//!
//! Run: `cargo bench --bench ssr -- --warm-up-time 1 --measurement-time 2`.
//!
//! Each case is measured twice: wall time (criterion's default) and this thread's CPU time
//! (from `/proc/thread-self/schedstat`), which stays meaningful when the machine is shared
//! and the wall clock counts time spent waiting for a core.

use std::hint::black_box;
use std::rc::Rc;
use vango::vdom::Str;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use std::time::Duration;
use vango::render::{render_hash, to_html, write_html, write_page, Page};
use vango::vdom::{Attr, AttrValue, Element, Listener, Modifiers, VNode};

fn class(v: &'static str) -> Attr {
    Attr {
        name: Str::from("class"),
        value: AttrValue::Str(Str::from(v)),
    }
}

/// A todo-list page: 199 rows of `<li><span>text</span><button>x</button></li>` plus a
/// header: exactly 1,000 nodes (elements and text), every element with a hid.
fn page_tree() -> (VNode, usize) {
    let mut hid = 0u32;
    let mut next = || {
        hid += 1;
        hid
    };
    let mut nodes = 0usize;
    let mut main = Element::new("main");
    main.hid = next();
    main.attrs.push(class("app"));
    let mut h1 = Element::new("h1");
    h1.hid = next();
    h1.children.push(VNode::Text(Str::from("Todos & notes")));
    nodes += 3;
    let mut ul = Element::new("ul");
    ul.hid = next();
    nodes += 1;
    for i in 0..199 {
        let mut li = Element::new("li");
        li.hid = next();
        li.attrs
            .push(class(if i % 3 == 0 { "row done" } else { "row" }));
        let mut span = Element::new("span");
        span.hid = next();
        span.children.push(VNode::Text(Str::from(format!(
            "Item #{i}: buy <milk> & \"bread\""
        ))));
        let mut button = Element::new("button");
        button.hid = next();
        button.attrs.push(class("del"));
        button.listeners.push(Listener {
            event: "click",
            modifiers: Modifiers {
                prevent_default: true,
                ..Default::default()
            },
            handler: Rc::new(|_: &_| Ok(())),
        });
        button.children.push(VNode::Text(Str::from("×")));
        li.children.push(VNode::Element(Box::new(span)));
        li.children.push(VNode::Element(Box::new(button)));
        ul.children.push(VNode::Element(Box::new(li)));
        nodes += 5;
    }
    let mut footer = Element::new("footer");
    footer.hid = next();
    nodes += 1;
    main.children.push(VNode::Element(Box::new(h1)));
    main.children.push(VNode::Element(Box::new(ul)));
    main.children.push(VNode::Element(Box::new(footer)));
    (VNode::Element(Box::new(main)), nodes)
}

/// CPU time of the measuring thread, in nanoseconds (Linux; `std` has no thread CPU clock
/// and the crate takes no `libc` dependency for a bench).
struct CpuTime;

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat (Linux) is needed for CPU-time benches")
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = Duration;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> Duration {
        Duration::from_nanos(thread_cpu_ns().saturating_sub(start))
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        // Values are nanoseconds, as for wall time.
        WallTime.formatter()
    }
}

fn bench<M: Measurement>(c: &mut Criterion<M>, group: &str, cpu: bool) {
    let (root, nodes) = page_tree();
    assert_eq!(nodes, 1000);
    let bytes = to_html(&root).len() as u64;
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(bytes));
    if cpu {
        // schedstat is only as fresh as the last tick or context switch: few, long samples.
        g.sample_size(10).sampling_mode(SamplingMode::Flat);
    }
    g.bench_function("to_html", |b| b.iter(|| to_html(black_box(&root))));
    let mut buf = Vec::with_capacity(64 * 1024);
    g.bench_function("write_html", |b| {
        b.iter(|| {
            buf.clear();
            write_html(black_box(&root), &mut buf).unwrap();
        })
    });
    g.bench_function("render_hash", |b| b.iter(|| render_hash(black_box(&root))));
    let page = Page {
        title: "Todos",
        csrf: "0123456789abcdef0123456789abcdef",
        ..Default::default()
    };
    g.bench_function("write_page", |b| {
        b.iter(|| {
            buf.clear();
            write_page(&page, black_box(&root), &mut buf).unwrap()
        })
    });
    g.finish();
}

fn wall(c: &mut Criterion) {
    bench(c, "ssr_1000_nodes", false);
}

fn cpu(c: &mut Criterion<CpuTime>) {
    bench(c, "ssr_1000_nodes_cpu", true);
}

criterion_group!(wall_benches, wall);
criterion_group! {
    name = cpu_benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = cpu
}
criterion_main!(wall_benches, cpu_benches);
