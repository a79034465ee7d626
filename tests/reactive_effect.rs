//! Integration tests for `effect`, `on_cleanup`, `batch`, `untrack` and the flush loop.

use std::cell::RefCell;
use std::rc::Rc;

use vango::reactive::{
    batch, effect, live_nodes, memo, on_cleanup, signal, untrack, Owner, MAX_FLUSH_ROUNDS,
};

type Log = Rc<RefCell<Vec<String>>>;

fn log() -> Log {
    Rc::new(RefCell::new(Vec::new()))
}

fn panic_message(err: Box<dyn std::any::Any + Send>) -> String {
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn runs_now_and_after_each_change() {
    let s = signal(1);
    let seen = log();
    let l = seen.clone();
    effect(move || l.borrow_mut().push(s.get().to_string()));
    assert_eq!(*seen.borrow(), ["1"]);
    s.set(2);
    s.set(3);
    assert_eq!(*seen.borrow(), ["1", "2", "3"]);
}

#[test]
fn batch_flushes_once_at_the_end_of_the_outermost_batch() {
    let a = signal(0);
    let b = signal(0);
    let seen = log();
    let l = seen.clone();
    effect(move || l.borrow_mut().push(format!("{}+{}", a.get(), b.get())));
    batch(|| {
        a.set(1);
        batch(|| b.set(2));
        assert_eq!(seen.borrow().len(), 1, "nothing runs inside a batch");
        a.set(3);
    });
    assert_eq!(*seen.borrow(), ["0+0", "3+2"]);
    assert_eq!(batch(|| 42), 42);
}

#[test]
fn effect_writing_another_signal_settles() {
    let a = signal(1);
    let doubled = signal(0);
    let seen = log();
    effect(move || doubled.set(a.get() * 2));
    let l = seen.clone();
    effect(move || l.borrow_mut().push(doubled.get().to_string()));
    a.set(5);
    assert_eq!(doubled.get(), 10);
    assert_eq!(*seen.borrow(), ["2", "10"]);
}

#[test]
fn effect_writing_then_reading_the_same_signal_does_not_loop() {
    let s = signal(0);
    let runs = signal(0);
    let trigger = signal(0);
    effect(move || {
        trigger.get();
        s.set(7); // written before it is read in this run
        s.get();
        runs.update_untracked(|r| *r += 1);
    });
    trigger.set(1);
    assert_eq!(runs.get(), 2);
}

#[test]
fn effect_that_settles_after_a_self_write() {
    let s = signal(50);
    effect(move || {
        if s.get() > 10 {
            s.set(10);
        }
    });
    assert_eq!(s.get(), 10);
    s.set(99);
    assert_eq!(s.get(), 10);
}

#[test]
fn endless_effect_cycle_panics_with_a_clear_message_and_runtime_recovers() {
    let s = signal(0u64);
    let e = std::panic::catch_unwind(|| {
        effect(move || {
            let v = s.get();
            s.set(v + 1);
        })
    });
    let msg = panic_message(e.unwrap_err());
    assert!(msg.contains("effect loop"), "{msg}");
    assert!(
        msg.contains(&format!("did not settle after {MAX_FLUSH_ROUNDS} rounds")),
        "{msg}"
    );
    if cfg!(debug_assertions) {
        assert!(
            msg.contains(file!()),
            "names the effect's creation site: {msg}"
        );
    }
    assert!(s.get_untracked() >= u64::from(MAX_FLUSH_ROUNDS));
    // The graph still works afterwards.
    let t = signal(0);
    let seen = log();
    let l = seen.clone();
    effect(move || l.borrow_mut().push(t.get().to_string()));
    t.set(1);
    assert_eq!(*seen.borrow(), ["0", "1"]);
}

#[test]
fn ping_pong_between_two_effects_is_caught() {
    let a = signal(0u32);
    let b = signal(0u32);
    effect(move || b.set(a.get() + 1));
    let e = std::panic::catch_unwind(|| effect(move || a.set(b.get() + 1)));
    assert!(panic_message(e.unwrap_err()).contains("effect loop"));
}

#[test]
fn cleanup_runs_before_next_run_and_at_dispose() {
    let s = signal(0);
    let seen = log();
    let l = seen.clone();
    let e = effect(move || {
        let v = s.get();
        l.borrow_mut().push(format!("run {v}"));
        let l2 = l.clone();
        on_cleanup(move || l2.borrow_mut().push(format!("clean {v}")));
    });
    s.set(1);
    e.dispose();
    assert!(e.is_disposed());
    s.set(2);
    assert_eq!(*seen.borrow(), ["run 0", "clean 0", "run 1", "clean 1"]);
    e.dispose(); // idempotent
}

#[test]
fn nodes_created_in_an_effect_are_freed_before_its_next_run() {
    let s = signal(0);
    let base = live_nodes();
    let e = effect(move || {
        s.get();
        let inner = signal(1);
        let m = memo(move || inner.get());
        m.get();
    });
    let after_first = live_nodes();
    assert_eq!(after_first, base + 3);
    for i in 0..100 {
        s.set(i);
    }
    assert_eq!(live_nodes(), after_first, "no growth across re-runs");
    e.dispose();
    assert_eq!(live_nodes(), base);
}

#[test]
fn nested_effect_is_disposed_when_parent_reruns() {
    let outer = signal(0);
    let inner = signal(0);
    let inner_runs = signal(0);
    effect(move || {
        outer.get();
        effect(move || {
            inner.get();
            inner_runs.update_untracked(|n| *n += 1);
        });
    });
    assert_eq!(inner_runs.get(), 1);
    outer.set(1); // old child disposed, new child runs once
    assert_eq!(inner_runs.get(), 2);
    inner.set(1); // only the live child reacts
    assert_eq!(inner_runs.get(), 3);
}

#[test]
fn untrack_inside_effect() {
    let a = signal(0);
    let b = signal(0);
    let runs = signal(0);
    effect(move || {
        a.get();
        untrack(|| b.get());
        runs.update_untracked(|n| *n += 1);
    });
    b.set(1);
    assert_eq!(runs.get(), 1);
    a.set(1);
    assert_eq!(runs.get(), 2);
}

#[test]
fn dependencies_follow_the_last_run() {
    let flag = signal(true);
    let a = signal(0);
    let b = signal(0);
    let runs = signal(0);
    effect(move || {
        if flag.get() {
            a.get();
        } else {
            b.get();
        }
        runs.update_untracked(|n| *n += 1);
    });
    flag.set(false);
    a.set(1);
    assert_eq!(runs.get(), 2, "a is no longer read");
    b.set(1);
    assert_eq!(runs.get(), 3);
}

#[test]
fn effect_disposing_itself_while_running() {
    let s = signal(0);
    let slot: Rc<RefCell<Option<vango::reactive::Effect>>> = Rc::new(RefCell::new(None));
    let sl = slot.clone();
    let runs = signal(0);
    let e = effect(move || {
        runs.update_untracked(|n| *n += 1);
        if s.get() == 1 {
            if let Some(e) = *sl.borrow() {
                e.dispose();
            }
        }
    });
    *slot.borrow_mut() = Some(e);
    s.set(1);
    assert!(e.is_disposed());
    s.set(2);
    assert_eq!(runs.get(), 2);
}

#[test]
fn panicking_effect_leaves_the_graph_usable() {
    let s = signal(0);
    let ok_runs = signal(0);
    effect(move || {
        s.get();
        ok_runs.update_untracked(|n| *n += 1);
    });
    let boom = effect(move || {
        if s.get() == 1 {
            panic!("boom");
        }
    });
    assert!(std::panic::catch_unwind(|| s.set(1)).is_err());
    s.set(2);
    assert_eq!(ok_runs.get(), 3);
    boom.dispose();
}

#[test]
fn cleanup_without_owner_is_dropped_not_run() {
    let ran = Rc::new(RefCell::new(false));
    let r = ran.clone();
    on_cleanup(move || *r.borrow_mut() = true);
    assert!(!*ran.borrow());
    assert!(Owner::current().is_none());
}

#[test]
fn effects_run_in_creation_order_for_one_signal() {
    let s = signal(0);
    let seen = log();
    for k in 0..5 {
        let l = seen.clone();
        effect(move || {
            s.get();
            l.borrow_mut().push(k.to_string());
        });
    }
    seen.borrow_mut().clear();
    s.set(1);
    assert_eq!(*seen.borrow(), ["0", "1", "2", "3", "4"]);
}
