//! Integration tests for `Signal`: reads, writes, notification, disposal errors, typed helpers.

use std::collections::HashMap;

use vango::reactive::{effect, signal, Owner, ReactiveError, Signal};

fn counter_effect<T: Clone + 'static>(s: Signal<T>) -> Signal<usize> {
    let runs = signal(0usize);
    effect(move || {
        s.with(|_| ());
        runs.update_untracked(|n| *n += 1);
    });
    runs
}

#[test]
fn get_set_update_roundtrip() {
    let s = signal(String::from("a"));
    assert_eq!(s.get(), "a");
    s.set("b".into());
    assert_eq!(s.get_untracked(), "b");
    s.update(|v| v.push('c'));
    assert_eq!(s.with(|v| v.clone()), "bc");
    assert_eq!(s.with_untracked(String::len), 2);
}

#[test]
fn every_set_notifies_even_when_equal() {
    let s = signal(1);
    let runs = counter_effect(s);
    assert_eq!(runs.get(), 1);
    s.set(1);
    s.set(1);
    assert_eq!(runs.get(), 3);
    s.update(|_| {});
    assert_eq!(runs.get(), 4);
}

#[test]
fn untracked_writes_do_not_notify_and_untracked_reads_do_not_subscribe() {
    let s = signal(1);
    let runs = counter_effect(s);
    s.set_untracked(5);
    s.update_untracked(|v| *v += 1);
    assert_eq!(runs.get(), 1);
    assert_eq!(s.get(), 6);
    s.notify();
    assert_eq!(runs.get(), 2);

    let other = signal(0);
    let runs2 = signal(0);
    effect(move || {
        other.get_untracked();
        runs2.update_untracked(|n| *n += 1);
    });
    other.set(1);
    assert_eq!(runs2.get(), 1);
}

#[test]
fn handles_are_small_copy_and_compare_by_identity() {
    let a = signal(1u8);
    let b = a;
    let c = signal(1u8);
    assert_eq!(a, b);
    assert_ne!(a, c);
    #[cfg(not(debug_assertions))]
    assert_eq!(std::mem::size_of::<Signal<String>>(), 8);
    assert!(std::mem::size_of::<Signal<String>>() <= 16);
}

#[test]
fn disposed_signal_gives_typed_error_naming_both_sites() {
    let s = signal(3);
    s.dispose();
    assert!(s.is_disposed());
    let err = s.try_get().unwrap_err();
    let ReactiveError::Disposed { created, used } = err else {
        panic!("unexpected {err:?}")
    };
    let msg = err.to_string();
    assert!(msg.contains("disposed"), "{msg}");
    if cfg!(debug_assertions) {
        assert_eq!(created.file(), Some(file!()));
        assert_eq!(used.file(), Some(file!()));
        assert_ne!(created.line(), used.line());
        assert!(msg.contains(file!()), "{msg}");
    }
    assert!(s.try_set(1).is_err());
    assert!(s.try_update(|v| *v += 1).is_err());
    assert!(s.try_with(|v| *v).is_err());
}

#[test]
fn plain_get_on_disposed_signal_panics_with_the_message() {
    let s = signal(3);
    s.dispose();
    let err = std::panic::catch_unwind(|| s.get()).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("used after it was disposed"), "{msg}");
    let err = std::panic::catch_unwind(|| s.set(4)).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("used after it was disposed"), "{msg}");
}

#[test]
fn stale_handle_does_not_reach_a_reused_slot() {
    let old = signal(1);
    old.dispose();
    // The freed slot is reused by the next node, with a new generation.
    let new = signal(2);
    assert!(old.try_get().is_err());
    assert_eq!(new.get(), 2);
    assert!(old.try_set(9).is_err());
    assert_eq!(new.get(), 2);
}

#[test]
fn signal_of_non_clone_type_works_by_reference() {
    struct NoClone(u32);
    let s = signal(NoClone(4));
    assert_eq!(s.with(|v| v.0), 4);
    s.update(|v| v.0 += 1);
    assert_eq!(s.with(|v| v.0), 5);
}

#[test]
fn integer_helpers_saturate_and_notify() {
    let n = signal(0);
    let runs = counter_effect(n);
    n.inc();
    n.inc();
    n.dec();
    n.add(40);
    assert_eq!(n.get(), 41);
    assert_eq!(runs.get(), 5);
    let u = signal(0u32);
    u.dec();
    assert_eq!(u.get(), 0);
    let m = signal(i64::MAX);
    m.inc();
    assert_eq!(m.get(), i64::MAX);
    let z = signal(5usize);
    z.add(5);
    assert_eq!(z.get(), 10);
    let w = signal(1u64);
    w.add(2);
    assert_eq!(w.get(), 3);
}

#[test]
fn bool_toggle() {
    let b = signal(false);
    let runs = counter_effect(b);
    b.toggle();
    assert!(b.get());
    b.toggle();
    assert!(!b.get());
    assert_eq!(runs.get(), 3);
}

#[test]
fn vec_helpers_notify_only_on_change() {
    let v = signal(Vec::<u8>::new());
    let runs = counter_effect(v);
    assert!(v.is_empty());
    assert_eq!(v.pop(), None);
    v.clear();
    assert_eq!(v.remove(0), None);
    assert_eq!(runs.get(), 1, "no-op helpers must not notify");
    v.push(1);
    v.push(2);
    v.push(3);
    assert_eq!(v.len(), 3);
    assert_eq!(v.remove(1), Some(2));
    assert_eq!(v.pop(), Some(3));
    assert_eq!(v.get(), vec![1]);
    v.clear();
    assert!(v.is_empty());
    assert_eq!(runs.get(), 7);
}

#[test]
fn vec_len_is_tracked() {
    let v = signal(vec![1, 2]);
    let seen = signal(Vec::new());
    effect(move || {
        let n = v.len();
        seen.update_untracked(|s| s.push(n));
    });
    v.push(3);
    assert_eq!(seen.get(), vec![2, 3]);
}

#[test]
fn hashmap_helpers() {
    let m = signal(HashMap::new());
    let runs = counter_effect(m);
    assert_eq!(m.remove(&"x"), None);
    assert_eq!(runs.get(), 1);
    assert_eq!(m.insert("x", 1), None);
    assert_eq!(m.insert("x", 2), Some(1));
    assert!(m.contains_key(&"x"));
    assert_eq!(m.len(), 1);
    assert_eq!(m.remove(&"x"), Some(2));
    assert!(m.is_empty());
    assert_eq!(runs.get(), 4);
}

#[test]
fn string_push_str() {
    let s = signal(String::new());
    s.push_str("ab");
    s.push_str("c");
    assert_eq!(s.get(), "abc");
}

#[test]
fn signals_belong_to_their_thread() {
    let s = signal(1);
    let h = std::thread::spawn(|| {
        // A fresh thread has its own, empty graph.
        let t = signal(10);
        t.set(11);
        t.get()
    });
    assert_eq!(h.join().unwrap(), 11);
    assert_eq!(s.get(), 1);
}

#[test]
fn owner_disposal_frees_its_signals() {
    let owner = Owner::new();
    let s = owner.with(|| signal(1));
    owner.dispose();
    assert!(s.is_disposed());
}
