//! The per-thread runtime: the arena in a `thread_local`, who is running, ownership and
//! disposal. Touches only `reactive`; no user code ever runs while the arena is borrowed.

use std::cell::{Cell, RefCell};

pub(crate) use super::arena::{Arena, Compute, Kind, NodeId, Owned, Site, State};

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
            super::arena::push_small(&mut s.owned, Owned::Cleanup(f));
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

/// Gives the memory of this thread's freed nodes back to the allocator (the free slots at
/// the end of the graph's slab, and the lists free slots keep for reuse). For after many
/// nodes were disposed at once; does nothing while an update is being flushed.
///
/// # Examples
///
/// ```
/// use vango::reactive::{live_nodes, release_free_nodes, signal, Owner};
/// let before = live_nodes();
/// let owner = Owner::new();
/// owner.with(|| (0..1000).for_each(|i| { signal(i); }));
/// owner.dispose();
/// release_free_nodes();
/// assert_eq!(live_nodes(), before);
/// let s = signal(7); // slots are handed out again
/// assert_eq!(s.get(), 7);
/// ```
pub fn release_free_nodes() {
    with_rt(|rt| {
        if let Ok(mut arena) = rt.arena.try_borrow_mut() {
            arena.release_free();
        }
    })
}
