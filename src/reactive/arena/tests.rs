//! Unit tests for the arena: slot reuse, generations, subscriptions, marking.

use super::*;

fn site() -> Site {
    #[cfg(debug_assertions)]
    {
        std::panic::Location::caller()
    }
}

fn arena() -> Arena {
    Arena::new()
}

#[test]
fn freed_slots_are_reused_with_a_new_generation() {
    let mut a = arena();
    let x = a.alloc(Kind::Owner, State::Clean, None, site());
    assert!(a.get(x).is_some());
    assert!(a.free(x).is_some());
    assert!(a.get(x).is_none());
    assert!(a.free(x).is_none(), "double free is a no-op");
    let y = a.alloc(Kind::Owner, State::Clean, None, site());
    assert_eq!(y.idx, x.idx);
    assert_ne!(y.gen, x.gen);
    assert!(a.get(x).is_none());
    assert_eq!(a.live(), 1);
}

#[test]
fn a_slot_whose_generation_would_wrap_is_retired() {
    let mut a = arena();
    let x = a.alloc(Kind::Owner, State::Clean, None, site());
    a.slots[x.idx as usize].gen = u32::MAX - 1;
    let x = NodeId {
        idx: x.idx,
        gen: u32::MAX - 1,
    };
    a.free(x);
    let y = a.alloc(Kind::Owner, State::Clean, None, site());
    assert_ne!(y.idx, x.idx);
    assert!(a.get(x).is_none());
}

#[test]
fn subscribe_keeps_read_order_and_dedupes() {
    let mut a = arena();
    let obs = a.alloc(Kind::Owner, State::Clean, None, site());
    let s: Vec<NodeId> = (0..4)
        .map(|_| a.alloc(Kind::Owner, State::Clean, None, site()))
        .collect();
    a.begin_tracking(obs);
    for &x in &[s[0], s[1], s[0], s[2]] {
        a.subscribe(obs, x);
    }
    a.end_tracking(obs);
    assert_eq!(a.get(obs).unwrap().sources, vec![s[0], s[1], s[2]]);
    // Next run reads a different set in a different order.
    a.begin_tracking(obs);
    for &x in &[s[2], s[3], s[0]] {
        a.subscribe(obs, x);
    }
    a.end_tracking(obs);
    assert_eq!(a.get(obs).unwrap().sources, vec![s[2], s[3], s[0]]);
    for (k, &x) in s.iter().enumerate() {
        let subs = &a.get(x).unwrap().subs;
        let expect = usize::from(k != 1);
        assert_eq!(subs.len(), expect, "source {k}: {subs:?}");
    }
}

#[test]
fn subscribe_property_matches_set_semantics() {
    let seed = fastrand::u64(..);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut a = arena();
    let obs = a.alloc(Kind::Owner, State::Clean, None, site());
    let s: Vec<NodeId> = (0..8)
        .map(|_| a.alloc(Kind::Owner, State::Clean, None, site()))
        .collect();
    for _ in 0..200 {
        let reads: Vec<NodeId> = (0..rng.usize(0..10)).map(|_| s[rng.usize(..8)]).collect();
        a.begin_tracking(obs);
        for &r in &reads {
            a.subscribe(obs, r);
        }
        a.end_tracking(obs);
        let mut expect: Vec<NodeId> = Vec::new();
        for r in reads {
            if !expect.contains(&r) {
                expect.push(r);
            }
        }
        assert_eq!(a.get(obs).unwrap().sources, expect, "seed {seed}");
        for &x in &s {
            let n = a.get(x).unwrap().subs.iter().filter(|o| **o == obs).count();
            assert_eq!(n, usize::from(expect.contains(&x)), "seed {seed}");
        }
    }
}

#[test]
fn children_disposed_one_by_one_do_not_accumulate_in_the_parent() {
    let mut a = arena();
    let p = a.alloc(Kind::Owner, State::Clean, None, site());
    for _ in 0..10_000 {
        let c = a.alloc(Kind::Owner, State::Clean, Some(p), site());
        a.free(c);
    }
    assert!(a.get(p).unwrap().owned.len() < 100);
    assert_eq!(a.live(), 1);
}

#[test]
fn marking_propagates_check_below_memos_and_queues_effects_once() {
    struct Nop;
    impl Compute for Nop {
        fn run(&self) -> bool {
            true
        }
        fn value(&self) -> &dyn Any {
            &()
        }
    }
    let mut a = arena();
    let sig = a.alloc(Kind::Owner, State::Clean, None, site());
    let m = a.alloc(Kind::Memo(Rc::new(Nop)), State::Clean, None, site());
    let e = a.alloc(Kind::Effect(Rc::new(Nop)), State::Clean, None, site());
    for (obs, src) in [(m, sig), (e, m), (e, sig)] {
        a.begin_tracking(obs);
        a.subscribe(obs, src);
    }
    a.mark_subs(sig, State::Dirty);
    assert_eq!(a.get(m).unwrap().state, State::Dirty);
    assert_eq!(a.get(e).unwrap().state, State::Dirty);
    assert_eq!(a.pending, vec![e]);
}

#[test]
fn slot_stays_small() {
    // Per-session memory matters (ARCHITECTURE.md, budgets): a node costs one slot plus its payload.
    // 128 bytes; debug builds add the creation site's reference.
    let size = std::mem::size_of::<Slot>();
    let bound = if cfg!(debug_assertions) { 136 } else { 128 };
    assert!(size <= bound, "Slot grew to {size} bytes");
    assert_eq!(std::mem::size_of::<NodeId>(), 8);
}

#[test]
fn released_slots_go_and_no_old_id_names_a_new_node() {
    let mut a = arena();
    let keep = a.alloc(Kind::Owner, State::Clean, None, site());
    let gone: Vec<NodeId> = (0..100)
        .map(|_| a.alloc(Kind::Owner, State::Clean, None, site()))
        .collect();
    for &id in &gone {
        a.free(id);
    }
    a.release_free();
    assert_eq!(a.slots.len(), 1, "the free tail is cut off");
    assert!(a.free.is_empty());
    assert!(a.slots.capacity() < 100);
    let fresh = a.alloc(Kind::Owner, State::Clean, None, site());
    assert_eq!(fresh.idx, gone[0].idx);
    assert!(a.get(gone[0]).is_none(), "an old id misses the new node");
    assert!(a.get(fresh).is_some() && a.get(keep).is_some());
}

/// Node lists hold what they hold: one child, one source, one subscriber cost one entry.
#[test]
fn node_lists_grow_one_two_four_then_double() {
    let mut a = arena();
    let parent = a.alloc(Kind::Owner, State::Clean, None, site());
    let mut caps = Vec::new();
    for _ in 0..9 {
        a.alloc(Kind::Owner, State::Clean, Some(parent), site());
        caps.push(a.get(parent).unwrap().owned.capacity());
    }
    assert_eq!(caps[..4], [1, 2, 4, 4]);
    assert!(caps[4] >= 8 && caps[8] >= 9, "{caps:?}");
    let (obs, src) = (
        a.alloc(Kind::Owner, State::Clean, None, site()),
        a.alloc(Kind::Owner, State::Clean, None, site()),
    );
    a.subscribe(obs, src);
    assert_eq!(a.get(obs).unwrap().sources.capacity(), 1);
    assert_eq!(a.get(src).unwrap().subs.capacity(), 1);
}
