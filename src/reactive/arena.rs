//! The slab of graph nodes: ids with generations, subscriptions, colour marking, freeing.
//! Pure data structure: touches nothing else and never runs user code.

use std::any::Any;
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
    /// The owner, or [`NO_PARENT`]: a bare id, not an `Option` (whose tag would make every
    /// slot 8 bytes larger); read it with [`parent`](Self::parent).
    parent: NodeId,
    pub(crate) owned: Vec<Owned>,
    /// Children disposed on their own whose ids still sit in `owned`.
    pub(crate) dead: u32,
    /// Values provided with `provide_context` (rare, so boxed: one word per node).
    pub(crate) context: Option<Box<Context>>,
    #[cfg_attr(not(debug_assertions), allow(dead_code))]
    pub(crate) site: Site,
}

/// The parent of a root node: an index the slab never reaches (it would need 2^32 slots).
const NO_PARENT: NodeId = NodeId {
    idx: u32::MAX,
    gen: u32::MAX,
};

impl Slot {
    /// The node's owner, if it has one.
    #[inline]
    pub(crate) fn parent(&self) -> Option<NodeId> {
        (self.parent != NO_PARENT).then_some(self.parent)
    }
}

/// Slab of nodes plus the flush queue; borrowed only for short, user-code-free sections.
pub(crate) struct Arena {
    pub(crate) slots: Vec<Slot>,
    free: Vec<u32>,
    live: usize,
    pub(crate) pending: Vec<NodeId>,
    pub(crate) stack: Vec<NodeId>,
    /// The generation a slot appended at the end starts at: above every generation of a
    /// slot [`release_free`](Self::release_free) cut off, so no old id names the new node.
    fresh_gen: u32,
}

/// A freed slot keeps its vectors' capacity for the next node unless they grew large.
const KEEP_CAPACITY: usize = 16;

/// Pushes onto one of a node's lists, growing it 1, 2, 4, then as `Vec` does: most nodes
/// keep one or two sources, subscribers and owned children for life, and a first
/// allocation of the usual four would hold two to four times that in every session.
#[inline]
pub(crate) fn push_small<T>(list: &mut Vec<T>, item: T) {
    if list.len() == list.capacity() && list.capacity() < 4 {
        list.reserve_exact(list.capacity().max(1));
    }
    list.push(item);
}

impl Arena {
    pub(crate) const fn new() -> Self {
        Arena {
            slots: Vec::new(),
            free: Vec::new(),
            live: 0,
            pending: Vec::new(),
            stack: Vec::new(),
            fresh_gen: 0,
        }
    }

    /// Gives the memory of free slots back to the allocator: cuts off the free slots at
    /// the end of the slab and drops the lists free slots keep for reuse. For after many
    /// nodes were freed at once (sessions expired); a no-op during a flush.
    pub(crate) fn release_free(&mut self) {
        if !self.pending.is_empty() || !self.stack.is_empty() {
            return;
        }
        while let Some(last) = self.slots.last() {
            if !matches!(last.kind, Kind::Free) {
                break;
            }
            self.fresh_gen = self.fresh_gen.max(last.gen);
            self.slots.pop();
        }
        let len = self.slots.len() as u32;
        self.free.retain(|&i| i < len);
        for &i in &self.free {
            let s = &mut self.slots[i as usize];
            s.sources = Vec::new();
            s.subs = Vec::new();
            s.owned = Vec::new();
        }
        self.slots.shrink_to_fit();
        self.free.shrink_to_fit();
    }

    /// The live slot `id` names; `None` once it was freed (its generation moved on).
    #[inline]
    pub(crate) fn get(&self, id: NodeId) -> Option<&Slot> {
        self.slots.get(id.idx as usize).filter(|s| s.gen == id.gen)
    }

    #[inline]
    pub(crate) fn get_mut(&mut self, id: NodeId) -> Option<&mut Slot> {
        self.slots
            .get_mut(id.idx as usize)
            .filter(|s| s.gen == id.gen)
    }

    pub(crate) fn live(&self) -> usize {
        self.live
    }

    pub(crate) fn alloc(
        &mut self,
        kind: Kind,
        state: State,
        parent: Option<NodeId>,
        site: Site,
    ) -> NodeId {
        let parent = parent.filter(|p| self.get(*p).is_some());
        let id = if let Some(idx) = self.free.pop() {
            let s = &mut self.slots[idx as usize];
            s.kind = kind;
            s.state = state;
            s.queued = false;
            s.computing = false;
            s.notified = false;
            s.cursor = 0;
            s.parent = parent.unwrap_or(NO_PARENT);
            s.dead = 0;
            s.context = None;
            s.site = site;
            NodeId { idx, gen: s.gen }
        } else {
            let idx = u32::try_from(self.slots.len()).expect("reactive arena full (2^32 nodes)");
            self.slots.push(Slot {
                gen: self.fresh_gen,
                kind,
                state,
                queued: false,
                computing: false,
                notified: false,
                cursor: 0,
                sources: Vec::new(),
                subs: Vec::new(),
                parent: parent.unwrap_or(NO_PARENT),
                owned: Vec::new(),
                dead: 0,
                context: None,
                site,
            });
            NodeId {
                idx,
                gen: self.fresh_gen,
            }
        };
        self.live += 1;
        if let Some(p) = parent {
            push_small(&mut self.slots[p.idx as usize].owned, Owned::Node(id));
        }
        id
    }

    /// Adds `src` to the sources of the running observer `obs` (see the tracking cursor).
    #[inline]
    pub(crate) fn subscribe(&mut self, obs: NodeId, src: NodeId) {
        if let Some(o) = self.get_mut(obs) {
            if o.sources.get(o.cursor as usize) == Some(&src) {
                // Steady state: the same reads in the same order cost nothing.
                o.cursor += 1;
                return;
            }
        }
        self.subscribe_slow(obs, src);
    }

    #[cold]
    #[inline(never)]
    fn subscribe_slow(&mut self, obs: NodeId, src: NodeId) {
        if obs == src {
            return;
        }
        let Some(o) = self.get_mut(obs) else { return };
        let c = o.cursor as usize;
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
        push_small(&mut o.sources, src);
        let last = o.sources.len() - 1;
        o.sources.swap(c, last);
        if let Some(s) = self.get_mut(src) {
            push_small(&mut s.subs, obs);
        }
    }

    /// Starts a tracked run of `id`: it will re-collect its sources from scratch.
    pub(crate) fn begin_tracking(&mut self, id: NodeId) {
        if let Some(s) = self.get_mut(id) {
            s.cursor = 0;
        }
    }

    /// Ends a tracked run: sources not read this time are unsubscribed.
    #[inline]
    pub(crate) fn end_tracking(&mut self, id: NodeId) {
        if self
            .get(id)
            .is_none_or(|s| s.sources.len() <= s.cursor as usize)
        {
            return;
        }
        self.end_tracking_slow(id);
    }

    #[cold]
    #[inline(never)]
    fn end_tracking_slow(&mut self, id: NodeId) {
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
            if let Some(p) = s.subs.iter().rposition(|x| *x == obs) {
                s.subs.remove(p);
            }
        }
    }

    /// Marks `id` (a subscriber of `from`) at least `level` and propagates `Check` below
    /// memos that were clean.
    #[inline]
    pub(crate) fn mark(&mut self, from: NodeId, id: NodeId, level: State) {
        if self.mark_one(from, id, level) {
            self.propagate_check(id);
        }
    }

    /// `memo` just left Clean: everything below it must check.
    #[inline(never)]
    fn propagate_check(&mut self, memo: NodeId) {
        let mut stack = std::mem::take(&mut self.stack);
        stack.push(memo);
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
    #[inline]
    fn mark_one(&mut self, from: NodeId, id: NodeId, level: State) -> bool {
        let Some(slot) = self
            .slots
            .get_mut(id.idx as usize)
            .filter(|s| s.gen == id.gen)
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
    #[inline]
    pub(crate) fn mark_subs(&mut self, id: NodeId, level: State) {
        let Some(s) = self.get_mut(id) else { return };
        if s.subs.is_empty() {
            return;
        }
        // Marking never edits `id`'s own subscriber list, so borrow it out and back.
        let subs = std::mem::take(&mut s.subs);
        for &sub in &subs {
            self.mark(id, sub, level);
        }
        self.slots[id.idx as usize].subs = subs;
    }

    /// Unlinks and frees a node whose owned list is already empty; returns its payload
    /// so the caller drops it after releasing the borrow (drops may run user code).
    #[allow(clippy::type_complexity)]
    pub(crate) fn free(&mut self, id: NodeId) -> Option<(Kind, Vec<Owned>, Option<Box<Context>>)> {
        let slot = self.get_mut(id)?;
        let kind = std::mem::replace(&mut slot.kind, Kind::Free);
        let owned = std::mem::take(&mut slot.owned);
        let parent = std::mem::replace(&mut slot.parent, NO_PARENT);
        let parent = (parent != NO_PARENT).then_some(parent);
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
        // Freeing bumps the generation, so no outstanding id matches a free slot. A slot
        // whose generation would wrap is retired at `u32::MAX` (never handed out again)
        // rather than risk an ABA hit.
        slot.gen = slot.gen.saturating_add(1);
        if slot.gen < u32::MAX {
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
            Owned::Node(n) => self.get(*n).is_some_and(|s| s.parent == p),
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

#[cfg(test)]
mod tests;
