//! Integration tests for `Owner`: the scope tree, disposal order, slot reuse, leak checks.

use std::cell::RefCell;
use std::rc::Rc;

use vango::reactive::{
    effect, live_nodes, memo, on_cleanup, signal, Observer, Owner, ReactiveError,
};

type Log = Rc<RefCell<Vec<String>>>;

fn push(l: &Log, s: &str) -> impl FnOnce() + 'static {
    let l = l.clone();
    let s = s.to_string();
    move || l.borrow_mut().push(s)
}

#[test]
fn current_owner_is_scoped() {
    assert!(Owner::current().is_none());
    let o = Owner::new();
    o.with(|| {
        assert_eq!(Owner::current(), Some(o));
        let child = Owner::new();
        child.with(|| assert_eq!(Owner::current(), Some(child)));
        assert_eq!(Owner::current(), Some(o));
    });
    assert!(Owner::current().is_none());
    o.dispose();
}

#[test]
fn dispose_runs_cleanups_in_reverse_creation_order_across_the_tree() {
    let l: Log = Rc::new(RefCell::new(Vec::new()));
    let root = Owner::new();
    root.with(|| {
        on_cleanup(push(&l, "root 1"));
        let child = Owner::new();
        child.with(|| {
            on_cleanup(push(&l, "child 1"));
            effect({
                let l = l.clone();
                move || on_cleanup(push(&l, "child effect"))
            });
            on_cleanup(push(&l, "child 2"));
        });
        on_cleanup(push(&l, "root 2"));
    });
    root.dispose();
    assert_eq!(
        *l.borrow(),
        ["root 2", "child 2", "child effect", "child 1", "root 1"]
    );
    assert!(root.is_disposed());
    root.dispose(); // idempotent
}

#[test]
fn disposed_owner_stops_effects_and_frees_nodes() {
    let before = live_nodes();
    let outside = signal(0);
    let runs = signal(0);
    let owner = Owner::new();
    let (s, m) = owner.with(|| {
        let s = signal(1);
        let m = memo(move || s.get() + outside.get());
        effect(move || {
            m.get();
            runs.update_untracked(|n| *n += 1);
        });
        (s, m)
    });
    assert_eq!(live_nodes(), before + 2 + 4);
    owner.dispose();
    assert_eq!(live_nodes(), before + 2);
    outside.set(5);
    assert_eq!(runs.get(), 1);
    assert!(matches!(s.try_get(), Err(ReactiveError::Disposed { .. })));
    assert!(m.try_get().is_err());
    assert!(owner.try_with(|| ()).is_err());
}

#[test]
fn dispose_children_keeps_the_owner() {
    let owner = Owner::new();
    let s = owner.with(|| signal(1));
    owner.dispose_children();
    assert!(s.is_disposed());
    assert!(!owner.is_disposed());
    let t = owner.with(|| signal(2));
    assert_eq!(t.get(), 2);
    owner.dispose();
    assert!(t.is_disposed());
}

#[test]
fn new_root_ignores_the_current_owner() {
    let parent = Owner::new();
    let root = parent.with(Owner::new_root);
    let child = parent.with(Owner::new);
    parent.dispose();
    assert!(child.is_disposed());
    assert!(!root.is_disposed());
    root.dispose();
}

#[test]
fn with_on_a_disposed_owner_panics_naming_the_sites() {
    let o = Owner::new();
    o.dispose();
    let err = std::panic::catch_unwind(|| o.with(|| ())).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("disposed"), "{msg}");
    if cfg!(debug_assertions) {
        assert!(msg.contains(file!()), "{msg}");
    }
}

fn mount_component(i: usize, shared: vango::reactive::Signal<usize>) -> (Owner, Observer) {
    let owner = Owner::new();
    let obs = owner.with(|| {
        let a = signal(i);
        let b = signal(String::from("x"));
        let c = signal(vec![i]);
        let m = memo(move || a.get() + shared.get() + c.len() + b.with(String::len));
        effect(move || {
            m.get();
        });
        on_cleanup(move || {
            let _ = a.try_get();
        });
        let obs = Observer::new(|| {});
        obs.track(|| m.get());
        obs
    });
    (owner, obs)
}

#[test]
fn ten_thousand_components_mount_and_dispose_without_leaks() {
    let shared = signal(0usize);
    let start = live_nodes();
    let root = Owner::new();
    let mut comps = Vec::new();
    root.with(|| {
        for i in 0..10_000 {
            comps.push(mount_component(i, shared));
        }
    });
    assert_eq!(live_nodes(), start + 1 + 10_000 * 7);
    shared.set(1); // everything reacts once
                   // Dispose half individually, in an interleaved order, then the root.
    for (k, (owner, _)) in comps.iter().enumerate() {
        if k % 2 == 1 {
            owner.dispose();
        }
    }
    assert_eq!(live_nodes(), start + 1 + 5_000 * 7);
    shared.set(2);
    root.dispose();
    assert_eq!(live_nodes(), start);
    shared.set(3); // nothing left subscribed
    for (owner, obs) in &comps {
        assert!(owner.is_disposed() && obs.is_disposed());
    }
    // Slots are reused: mounting again does not grow past the first peak's count.
    let root = Owner::new();
    root.with(|| {
        for i in 0..10_000 {
            mount_component(i, shared);
        }
    });
    assert_eq!(live_nodes(), start + 1 + 10_000 * 7);
    root.dispose();
    assert_eq!(live_nodes(), start);
}

#[test]
fn property_random_owner_trees_dispose_completely() {
    let base = fastrand::u64(..);
    for case in 0..40u64 {
        let seed = base.wrapping_add(case);
        let mut rng = fastrand::Rng::with_seed(seed);
        let start = live_nodes();
        let root = Owner::new();
        let mut owners = vec![root];
        let cleaned = Rc::new(RefCell::new(0usize));
        let mut cleanups = 0;
        for _ in 0..rng.usize(1..200) {
            let o = owners[rng.usize(..owners.len())];
            if o.is_disposed() {
                continue;
            }
            o.with(|| match rng.u8(0..5) {
                0 => owners.push(Owner::new()),
                1 => {
                    signal(1);
                }
                2 => {
                    let c = cleaned.clone();
                    on_cleanup(move || *c.borrow_mut() += 1);
                    cleanups += 1;
                }
                3 => {
                    let s = signal(0);
                    effect(move || {
                        s.get();
                    });
                }
                _ => {
                    if owners.len() > 1 && rng.bool() {
                        let victim = owners[rng.usize(1..owners.len())];
                        if !victim.is_disposed() {
                            victim.dispose();
                        }
                    }
                }
            });
        }
        root.dispose();
        assert_eq!(live_nodes(), start, "seed {seed}");
        assert!(*cleaned.borrow() <= cleanups, "seed {seed}");
        assert!(owners.iter().all(Owner::is_disposed), "seed {seed}");
    }
}
