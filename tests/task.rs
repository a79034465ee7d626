//! `spawn_task` and `unblock` on a real server: a task's writes arrive as one Patches
//! frame, a task dies with its component and its session, a panicking task ends alone,
//! the static first paint starts none, and blocking work on the pool leaves the core free.

use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::time::{Duration, Instant};

use vango::prelude::*;
use vango::protocol::ServerFrame;
use vango::App;
use vango_test_support::client::{page, set_texts, Client};
use vango_test_support::raw::metric_sum;

/// The texts a frame sets (empty for an Ack).
fn texts(f: &ServerFrame) -> Vec<String> {
    set_texts(f, None)
}

fn later(ms: u64) -> async_io::Timer {
    async_io::Timer::after(Duration::from_millis(ms))
}

fn loader() -> impl Render {
    let (a, b) = (signal(0u32), signal(0u32));
    move || {
        div((
            span(format!("{}-{}", a.get(), b.get())).id("ab"),
            button("load").id("load").on_click(move |_| {
                spawn_task(async move {
                    later(50).await;
                    a.set(1);
                    b.set(2);
                });
            }),
        ))
    }
}

#[test]
fn a_tasks_writes_arrive_as_one_patch_frame() {
    let srv = App::new()
        .page("/", loader)
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let info = page(srv.local_addr());
    let mut c = Client::open(srv.local_addr(), &info);
    c.send_click(info.hid("load"));
    let ack = c.recv().unwrap();
    assert!(
        matches!(ack, ServerFrame::Ack { .. }),
        "nothing changed yet: {ack:?}"
    );
    let f = c.try_recv(2000).expect("the task's frame");
    assert_eq!(texts(&f), ["1-2"], "both writes, one re-render");
    assert!(c.try_recv(200).is_none(), "one frame only");
}

static TICKS: AtomicU32 = AtomicU32::new(0);

fn ticker(_: ()) -> impl Render {
    spawn_task(async {
        loop {
            later(10).await;
            TICKS.fetch_add(1, SeqCst);
        }
    });
    move || span("ticking")
}

fn toggler() -> impl Render {
    let show = signal(true);
    move || {
        div((
            when(show.get(), || component(ticker, ())),
            button("hide").id("hide").on_click(move |_| show.set(false)),
        ))
    }
}

/// Waits until `cond` holds (bounded), so the test does not depend on exact timing.
fn eventually(what: &str, cond: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(5);
    while !cond() {
        assert!(Instant::now() < until, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Sleeps, then asserts `TICKS` did not move meanwhile.
fn stays_still(what: &str) {
    let before = TICKS.load(SeqCst);
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(TICKS.load(SeqCst), before, "{what}");
}

#[test]
fn tasks_end_with_their_component_and_with_their_session() {
    let srv = App::new()
        .page("/", toggler)
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    // The static first paint mounts the page too, but starts no task.
    let info = page(addr);
    stays_still("the first paint started a task");
    // A live session does: the component's task ticks until the component unmounts.
    let mut c = Client::open(addr, &info);
    let start = TICKS.load(SeqCst);
    eventually("the task ticks", || TICKS.load(SeqCst) > start + 2);
    c.send_click(info.hid("hide"));
    c.recv().unwrap();
    stays_still("the task outlived its component");
    // A second session's task ends when the session does (the tab says goodbye).
    let mut d = Client::open(addr, &info);
    let start = TICKS.load(SeqCst);
    eventually("the second task ticks", || TICKS.load(SeqCst) > start + 2);
    d.close();
    stays_still("the task outlived its session");
}

fn fragile() -> impl Render {
    let n = signal(0u32);
    move || {
        div((
            span(n.get().to_string()).id("n"),
            button("boom").id("boom").on_click(move |_| {
                spawn_task(async {
                    later(10).await;
                    panic!("task failure (expected by the test)");
                });
            }),
            button("+")
                .id("inc")
                .on_click(move |_| n.update(|v| *v += 1)),
        ))
    }
}

#[test]
fn a_panicking_task_ends_alone_and_is_counted() {
    let srv = App::new()
        .page("/", fragile)
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let info = page(addr);
    let mut c = Client::open(addr, &info);
    let before = metric_sum(addr, "vango_panics_total");
    c.send_click(info.hid("boom"));
    c.recv().unwrap();
    eventually("the panic is counted", || {
        metric_sum(addr, "vango_panics_total") == before + 1
    });
    c.send_click(info.hid("inc"));
    assert_eq!(texts(&c.recv().unwrap()), ["1"], "the session goes on");
}

static SLOW_DONE: AtomicU32 = AtomicU32::new(0);

fn slow(blocking_on_core: bool) -> impl Render {
    let n = signal(0u32);
    move || {
        div((
            span(n.get().to_string()).id("n"),
            button("slow").id("slow").on_click(move |_| {
                let work = || {
                    std::thread::sleep(Duration::from_millis(200));
                    SLOW_DONE.fetch_add(1, SeqCst);
                };
                if blocking_on_core {
                    work();
                } else {
                    spawn_task(async move { unblock(work).await });
                }
            }),
            button("+")
                .id("inc")
                .on_click(move |_| n.update(|v| *v += 1)),
        ))
    }
}

/// While session A's handler waits on 200 ms of blocking work, session B on the same core
/// clicks; returns B's slowest round trip.
fn slowest_click_during_blocking_work(blocking_on_core: bool) -> Duration {
    let srv = App::new()
        .page("/", move || slow(blocking_on_core))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let info = page(addr);
    let mut a = Client::open(addr, &info);
    let mut b = Client::open(addr, &info);
    let done = SLOW_DONE.load(SeqCst);
    a.send_click(info.hid("slow"));
    std::thread::sleep(Duration::from_millis(20));
    let mut worst = Duration::ZERO;
    for _ in 0..5 {
        let t = Instant::now();
        b.send_click(info.hid("inc"));
        b.recv().unwrap();
        worst = worst.max(t.elapsed());
        std::thread::sleep(Duration::from_millis(10));
    }
    eventually("the slow work finished", || SLOW_DONE.load(SeqCst) > done);
    worst
}

#[test]
fn blocking_work_on_the_pool_does_not_delay_other_sessions() {
    let on_pool = slowest_click_during_blocking_work(false);
    assert!(
        on_pool < Duration::from_millis(120),
        "a click waited {on_pool:?} behind another session's blocking work"
    );
    // The same work on the core holds every session of that core: what the pool avoids.
    let on_core = slowest_click_during_blocking_work(true);
    assert!(
        on_core >= Duration::from_millis(120),
        "blocking on the core should delay the other session ({on_core:?})"
    );
}
