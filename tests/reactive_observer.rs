//! Integration tests for `Observer`: tracking scopes that report staleness via `on_dirty`.

use std::cell::Cell;
use std::rc::Rc;

use vango::reactive::{batch, memo, signal, Observer, Owner};

fn counting_observer() -> (Observer, Rc<Cell<u32>>) {
    let n = Rc::new(Cell::new(0));
    let n2 = n.clone();
    (Observer::new(move || n2.set(n2.get() + 1)), n)
}

#[test]
fn on_dirty_fires_once_until_next_track() {
    let s = signal(0);
    let (obs, dirty) = counting_observer();
    assert_eq!(obs.track(|| s.get() + 1), 1);
    assert!(!obs.is_dirty());
    s.set(1);
    assert_eq!(dirty.get(), 1);
    assert!(obs.is_dirty());
    s.set(2);
    s.set(3);
    assert_eq!(dirty.get(), 1, "at most once until the next track");
    obs.track(|| s.get());
    assert!(!obs.is_dirty());
    s.set(4);
    assert_eq!(dirty.get(), 2);
}

#[test]
fn track_replaces_previous_subscriptions() {
    let a = signal(0);
    let b = signal(0);
    let (obs, dirty) = counting_observer();
    obs.track(|| a.get());
    obs.track(|| b.get());
    a.set(1);
    assert_eq!(dirty.get(), 0, "a was not read by the last track");
    b.set(1);
    assert_eq!(dirty.get(), 1);
}

#[test]
fn memo_equality_is_respected() {
    let n = signal(2);
    let even = memo(move || n.get() % 2 == 0);
    let (obs, dirty) = counting_observer();
    obs.track(|| even.get());
    n.set(4);
    n.set(6);
    assert_eq!(dirty.get(), 0);
    n.set(7);
    assert_eq!(dirty.get(), 1);
}

#[test]
fn batched_writes_report_once_at_the_end() {
    let a = signal(0);
    let b = signal(0);
    let (obs, dirty) = counting_observer();
    obs.track(|| a.get() + b.get());
    batch(|| {
        a.set(1);
        b.set(1);
        assert_eq!(dirty.get(), 0);
    });
    assert_eq!(dirty.get(), 1);
}

#[test]
fn nodes_created_while_tracking_belong_to_the_owner() {
    let owner = Owner::new();
    let (obs, s) = owner.with(|| {
        let obs = Observer::new(|| {});
        let s = obs.track(|| signal(5));
        obs.track(|| ());
        (obs, s)
    });
    assert_eq!(
        s.get(),
        5,
        "re-tracking does not dispose what track created"
    );
    owner.dispose();
    assert!(s.is_disposed() && obs.is_disposed());
}

#[test]
fn untracked_reads_and_disposal() {
    let s = signal(0);
    let (obs, dirty) = counting_observer();
    obs.track(|| s.get_untracked());
    s.set(1);
    assert_eq!(dirty.get(), 0);
    obs.track(|| s.get());
    obs.dispose();
    s.set(2);
    assert_eq!(dirty.get(), 0);
    assert!(obs.try_track(|| ()).is_err());
}

#[test]
fn write_during_track_to_something_already_read_marks_stale() {
    let s = signal(0);
    let (obs, dirty) = counting_observer();
    obs.track(|| {
        s.get();
        s.set(1); // the render saw 0, the value is now 1: stale
    });
    assert_eq!(dirty.get(), 1);
}

#[test]
fn component_style_rerender_loop() {
    // The component system's pattern: on_dirty schedules, the scheduler re-tracks.
    let count = signal(0);
    let label = memo(move || format!("Count: {}", count.get()));
    let stale = Rc::new(Cell::new(false));
    let st = stale.clone();
    let obs = Observer::new(move || st.set(true));
    let mut html = obs.track(|| label.get());
    for i in 1..=10 {
        count.set(i);
        assert!(stale.replace(false));
        html = obs.track(|| label.get());
    }
    assert_eq!(html, "Count: 10");
}
