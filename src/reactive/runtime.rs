//! The per-thread arena behind every handle: slots with generations, the owner tree, disposal.
//! Touches only `reactive`; no user code ever runs while the arena is borrowed.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Index + generation of a slot in this thread's arena: what every handle carries.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) struct NodeId {
    pub(crate) idx: u32,
    pub(crate) gen: u32,
}

/// Colour of a node in the push-pull algorithm (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum State {
    Clean,
    Check,
    Dirty,
}

/// A memo or effect body, type-erased so the arena can run it.
pub(crate) trait Compute {
    /// Runs the body; `true` if the value changed (effects always say `true`).
    fn run(&self) -> bool;
    /// The cached value (`RefCell<Option<T>>` for memos, `()` for effects).
    fn value(&self) -> &dyn Any;
}

pub(crate) enum Kind {
    Free,
    Owner,
    /// `Rc<RefCell<T>>`: the value lives outside the arena so user code can borrow it freely.
    Signal(Rc<dyn Any>),
    Memo(Rc<dyn Compute>),
    Effect(Rc<dyn Compute>),
    Observer(Rc<dyn Fn()>),
}

impl Kind {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Kind::Free => "disposed node",
            Kind::Owner => "owner",
            Kind::Signal(_) => "signal",
            Kind::Memo(_) => "memo",
            Kind::Effect(_) => "effect",
            Kind::Observer(_) => "observer",
        }
    }
}

/// What an owner owns, in creation order, so disposal can unwind it in reverse.
pub(crate) enum Owned {
    Node(NodeId),
    Cleanup(Box<dyn FnOnce()>),
}

/// Context values of one owner, by type.
pub(crate) type Context = Vec<(std::any::TypeId, Rc<dyn Any>)>;

/// The creation site of a node, kept in debug builds only.
#[cfg(debug_assertions)]
pub(crate) type Site = &'static std::panic::Location<'static>;
/// The creation site of a node: nothing in release builds.
#[cfg(not(debug_assertions))]
pub(crate) type Site = ();

pub(crate) struct Slot {
    gen: u32,
    pub(crate) kind: Kind,
    pub(crate) state: State,
    pub(crate) queued: bool,
    pub(crate) computing: bool,
    /// Observer only: `on_dirty` was called since the last `track`.
    pub(crate) notified: bool,
    /// Tracking cursor: sources `[..cursor]` were read by the current run.
    pub(crate) cursor: u32,
    pub(crate) sources: Vec<NodeId>,
    pub(crate) subs: Vec<NodeId>,
    pub(crate) parent: Option<NodeId>,
    pub(crate) owned: Vec<Owned>,
    /// Children disposed on their own whose ids still sit in `owned`.
    pub(crate) dead: u32,
    /// Values provided with `provide_context` (rare, so boxed: one word per node).
    pub(crate) context: Option<Box<Context>>,
    #[cfg_attr(not(debug_assertions), allow(dead_code))]
    pub(crate) site: Site,
}

/// Slab of nodes plus the flush queue; borrowed only for short, user-code-free sections.
pub(crate) struct Arena {
    pub(crate) slots: Vec<Slot>,
    free: Vec<u32>,
    live: usize,
    pub(crate) pending: Vec<NodeId>,
    pub(crate) spare: Vec<NodeId>,
    pub(crate) stack: Vec<NodeId>,
}

/// A freed slot keeps its vectors' capacity for the next node unless they grew large.
const KEEP_CAPACITY: usize = 16;

impl Arena {
    const fn new() -> Self {
        Arena {
            slots: Vec::new(),
            free: Vec::new(),
            live: 0,
            pending: Vec::new(),
            spare: Vec::new(),
            stack: Vec::new(),
        }
    }

    #[inline]
    pub(crate) fn get(&self, id: NodeId) -> Option<&Slot> {
        self.slots
            .get(id.idx as usize)
            .filter(|s| s.gen == id.gen && !matches!(s.kind, Kind::Free))
    }

    #[inline]
    pub(crate) fn get_mut(&mut self, id: NodeId) -> Option<&mut Slot> {
        self.slots
            .get_mut(id.idx as usize)
            .filter(|s| s.gen == id.gen && !matches!(s.kind, Kind::Free))
    }

    pub(crate) fn live(&self) -> usize {
        self.live
    }

    fn alloc(&mut self, kind: Kind, state: State, parent: Option<NodeId>, site: Site) -> NodeId {
        let parent = parent.filter(|p| self.get(*p).is_some());
        let id = if let Some(idx) = self.free.pop() {
            let s = &mut self.slots[idx as usize];
            s.kind = kind;
            s.state = state;
            s.queued = false;
            s.computing = false;
            s.notified = false;
            s.cursor = 0;
            s.parent = parent;
            s.dead = 0;
            s.context = None;
            s.site = site;
            NodeId { idx, gen: s.gen }
        } else {
            let idx = u32::try_from(self.slots.len()).expect("reactive arena full (2^32 nodes)");
            self.slots.push(Slot {
                gen: 0,
                kind,
                state,
                queued: false,
                computing: false,
                notified: false,
                cursor: 0,
                sources: Vec::new(),
                subs: Vec::new(),
                parent,
                owned: Vec::new(),
                dead: 0,
                context: None,
                site,
            });
            NodeId { idx, gen: 0 }
        };
        self.live += 1;
        if let Some(p) = parent {
            self.slots[p.idx as usize].owned.push(Owned::Node(id));
        }
        id
    }

    /// Adds `src` to the sources of the running observer `obs` (see the tracking cursor).
    pub(crate) fn subscribe(&mut self, obs: NodeId, src: NodeId) {
        if obs == src {
            return;
        }
        let Some(o) = self.get_mut(obs) else { return };
        let c = o.cursor as usize;
        if o.sources.get(c) == Some(&src) {
            // Steady state: the same reads in the same order cost nothing.
            o.cursor += 1;
            return;
        }
        if o.sources[..c.min(o.sources.len())].contains(&src) {
            return;
        }
        o.cursor += 1;
        if let Some(p) = o
            .sources
            .get(c + 1..)
            .and_then(|r| r.iter().position(|s| *s == src))
        {
            o.sources.swap(c, c + 1 + p);
            return;
        }
        o.sources.push(src);
        let last = o.sources.len() - 1;
        o.sources.swap(c, last);
        if let Some(s) = self.get_mut(src) {
            s.subs.push(obs);
        }
    }

    /// Starts a tracked run of `id`: it will re-collect its sources from scratch.
    pub(crate) fn begin_tracking(&mut self, id: NodeId) {
        if let Some(s) = self.get_mut(id) {
            s.cursor = 0;
        }
    }

    /// Ends a tracked run: sources not read this time are unsubscribed.
    pub(crate) fn end_tracking(&mut self, id: NodeId) {
        loop {
            let Some(s) = self.get_mut(id) else { return };
            if s.sources.len() <= s.cursor as usize {
                return;
            }
            let src = s.sources.pop().expect("non-empty");
            self.unsubscribe(src, id);
        }
    }

    fn unsubscribe(&mut self, src: NodeId, obs: NodeId) {
        if let Some(s) = self.get_mut(src) {
            if let Some(p) = s.subs.iter().position(|x| *x == obs) {
                s.subs.remove(p);
            }
        }
    }

    /// Marks `id` (a subscriber of `from`) at least `level` and propagates `Check` below
    /// memos that were clean.
    pub(crate) fn mark(&mut self, from: NodeId, id: NodeId, level: State) {
        if !self.mark_one(from, id, level) {
            return;
        }
        let mut stack = std::mem::take(&mut self.stack);
        stack.push(id);
        while let Some(m) = stack.pop() {
            let mut i = 0;
            while let Some(&sub) = self.slots[m.idx as usize].subs.get(i) {
                if self.mark_one(m, sub, State::Check) {
                    stack.push(sub);
                }
                i += 1;
            }
        }
        self.stack = stack;
    }

    /// Marks one node; `true` if it is a memo that just left `Clean` (so its subscribers
    /// must be told to check).
    fn mark_one(&mut self, from: NodeId, id: NodeId, level: State) -> bool {
        let Some(slot) = self
            .slots
            .get_mut(id.idx as usize)
            .filter(|s| s.gen == id.gen && !matches!(s.kind, Kind::Free))
        else {
            return false;
        };
        if slot.state >= level {
            return false;
        }
        if slot.computing
            && !slot.sources[..(slot.cursor as usize).min(slot.sources.len())].contains(&from)
        {
            // Running now and has not read `from` yet in this run: if it does, it will
            // see the new value, so there is nothing stale to re-run.
            return false;
        }
        let was_clean = slot.state == State::Clean;
        slot.state = level;
        match slot.kind {
            Kind::Effect(_) | Kind::Observer(_) => {
                if !slot.queued {
                    slot.queued = true;
                    self.pending.push(id);
                }
                false
            }
            Kind::Memo(_) => was_clean,
            _ => false,
        }
    }

    /// Marks every subscriber of `id` at least `level`.
    pub(crate) fn mark_subs(&mut self, id: NodeId, level: State) {
        let mut i = 0;
        while let Some(&sub) = self.get(id).and_then(|s| s.subs.get(i)) {
            self.mark(id, sub, level);
            i += 1;
        }
    }

    /// Unlinks and frees a node whose owned list is already empty; returns its payload
    /// so the caller drops it after releasing the borrow (drops may run user code).
    #[allow(clippy::type_complexity)]
    fn free(&mut self, id: NodeId) -> Option<(Kind, Vec<Owned>, Option<Box<Context>>)> {
        let slot = self.get_mut(id)?;
        let kind = std::mem::replace(&mut slot.kind, Kind::Free);
        let owned = std::mem::take(&mut slot.owned);
        let parent = slot.parent.take();
        let context = slot.context.take();
        slot.queued = false;
        slot.state = State::Clean;
        let sources = std::mem::take(&mut slot.sources);
        let subs = std::mem::take(&mut slot.subs);
        for &src in &sources {
            self.unsubscribe(src, id);
        }
        for &sub in &subs {
            if let Some(s) = self.get_mut(sub) {
                if let Some(p) = s.sources.iter().position(|x| *x == id) {
                    s.sources.remove(p);
                    if (p as u32) < s.cursor {
                        s.cursor -= 1;
                    }
                }
            }
        }
        let slot = &mut self.slots[id.idx as usize];
        slot.sources = recycle(sources);
        slot.subs = recycle(subs);
        self.live -= 1;
        if slot.gen < u32::MAX {
            // A slot whose generation would wrap is retired rather than risk an ABA hit.
            slot.gen += 1;
            self.free.push(id.idx);
        }
        if let Some(p) = parent {
            self.child_gone(p);
        }
        Some((kind, owned, context))
    }

    /// Counts a child that left `p.owned` stale and compacts the list when half is stale.
    fn child_gone(&mut self, p: NodeId) {
        let Some(ps) = self.get_mut(p) else { return };
        ps.dead += 1;
        if ps.dead < 32 || (ps.dead as usize) * 2 < ps.owned.len() {
            return;
        }
        ps.dead = 0;
        let mut owned = std::mem::take(&mut ps.owned);
        owned.retain(|o| match o {
            Owned::Node(n) => self.get(*n).is_some_and(|s| s.parent == Some(p)),
            Owned::Cleanup(_) => true,
        });
        self.slots[p.idx as usize].owned = owned;
    }
}

fn recycle(mut v: Vec<NodeId>) -> Vec<NodeId> {
    v.clear();
    if v.capacity() > KEEP_CAPACITY {
        Vec::new()
    } else {
        v
    }
}

/// The thread's reactive runtime: the arena plus the "who is running" context.
pub(crate) struct Runtime {
    pub(crate) arena: RefCell<Arena>,
    /// The node whose reads are being tracked (`None` under `untrack`).
    pub(crate) observer: Cell<Option<NodeId>>,
    /// The node that owns whatever is created now.
    pub(crate) owner: Cell<Option<NodeId>>,
    pub(crate) batch: Cell<u32>,
    pub(crate) flushing: Cell<bool>,
}

thread_local! {
    static RT: Runtime = const {
        Runtime {
            arena: RefCell::new(Arena::new()),
            observer: Cell::new(None),
            owner: Cell::new(None),
            batch: Cell::new(0),
            flushing: Cell::new(false),
        }
    };
}

/// Runs `f` with this thread's runtime.
#[inline]
pub(crate) fn with_rt<R>(f: impl FnOnce(&Runtime) -> R) -> R {
    RT.with(f)
}

/// Restores a `Cell` on scope exit, including unwinding.
pub(crate) struct Restore<'a, T: Copy> {
    cell: &'a Cell<T>,
    prev: T,
}

impl<'a, T: Copy> Restore<'a, T> {
    pub(crate) fn set(cell: &'a Cell<T>, value: T) -> Self {
        Restore {
            prev: cell.replace(value),
            cell,
        }
    }
}

impl<T: Copy> Drop for Restore<'_, T> {
    fn drop(&mut self) {
        self.cell.set(self.prev);
    }
}

impl Runtime {
    /// Creates a node owned by the current owner.
    pub(crate) fn alloc(&self, kind: Kind, state: State, site: Site) -> NodeId {
        let parent = self.owner.get();
        self.arena.borrow_mut().alloc(kind, state, parent, site)
    }

    /// Creates a node with an explicit parent (`None` makes a root).
    pub(crate) fn alloc_in(&self, kind: Kind, parent: Option<NodeId>, site: Site) -> NodeId {
        self.arena
            .borrow_mut()
            .alloc(kind, State::Clean, parent, site)
    }

    pub(crate) fn is_alive(&self, id: NodeId) -> bool {
        self.arena.borrow().get(id).is_some()
    }

    /// Subscribes the running observer, if any, to `src`.
    #[inline]
    pub(crate) fn track(&self, arena: &mut Arena, src: NodeId) {
        if let Some(obs) = self.observer.get() {
            arena.subscribe(obs, src);
        }
    }

    /// Disposes what `id` owns (children in reverse creation order, cleanups interleaved).
    pub(crate) fn dispose_owned(&self, id: NodeId) {
        loop {
            let owned = {
                let mut a = self.arena.borrow_mut();
                let Some(s) = a.get_mut(id) else { return };
                s.dead = 0;
                if s.owned.is_empty() {
                    return;
                }
                std::mem::take(&mut s.owned)
            };
            self.unwind(owned);
        }
    }

    fn unwind(&self, owned: Vec<Owned>) {
        for item in owned.into_iter().rev() {
            match item {
                Owned::Node(child) => self.dispose(child),
                Owned::Cleanup(f) => f(),
            }
        }
    }

    /// Disposes `id` and everything it owns; a no-op if it is already gone.
    pub(crate) fn dispose(&self, id: NodeId) {
        if !self.is_alive(id) {
            return;
        }
        self.dispose_owned(id);
        let freed = self.arena.borrow_mut().free(id);
        if let Some((kind, owned, context)) = freed {
            // A cleanup may have registered more work on a node being disposed.
            self.unwind(owned);
            drop((kind, context));
        }
    }

    /// Registers `f` with the current owner; dropped unrun if there is none.
    pub(crate) fn on_cleanup(&self, f: Box<dyn FnOnce()>) {
        let Some(owner) = self.owner.get() else {
            return;
        };
        let mut a = self.arena.borrow_mut();
        if let Some(s) = a.get_mut(owner) {
            s.owned.push(Owned::Cleanup(f));
        }
    }

    /// The creation site of `id` (debug builds), for messages.
    #[cfg_attr(not(debug_assertions), allow(unused_variables))]
    pub(crate) fn describe(&self, id: NodeId) -> String {
        let a = self.arena.borrow();
        let Some(s) = a.get(id) else {
            return "a disposed node".to_string();
        };
        #[cfg(debug_assertions)]
        {
            format!("the {} created at {}", s.kind.name(), s.site)
        }
        #[cfg(not(debug_assertions))]
        {
            format!(
                "a {} (build in debug mode to see where it was created)",
                s.kind.name()
            )
        }
    }
}

/// Number of nodes (signals, memos, effects, observers, owners) alive in this thread's graph.
///
/// Meant for leak tests: mount and dispose something, the count must come back.
///
/// # Examples
///
/// ```
/// use vango::reactive::{live_nodes, signal, Owner};
/// let before = live_nodes();
/// let owner = Owner::new();
/// owner.with(|| { signal(1); });
/// assert_eq!(live_nodes(), before + 2);
/// owner.dispose();
/// assert_eq!(live_nodes(), before);
/// ```
pub fn live_nodes() -> usize {
    with_rt(|rt| rt.arena.borrow().live())
}

#[cfg(test)]
mod tests {
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
        a.slots[x.idx as usize].gen = u32::MAX;
        let x = NodeId {
            idx: x.idx,
            gen: u32::MAX,
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
}
