//! Push-pull propagation: notify (push colours), update-if-necessary (pull), the flush loop,
//! batch and untrack. Touches only the runtime in `runtime.rs`.

use std::rc::Rc;

use super::runtime::{with_rt, Kind, NodeId, Restore, Runtime, State};

/// Flush rounds after which an effect cycle is declared and the flush panics.
///
/// # Examples
///
/// ```
/// use vango::reactive::{effect, signal, MAX_FLUSH_ROUNDS};
/// // An effect that writes what it reads re-runs until it settles: here 10 rounds.
/// let n = signal(0u32);
/// effect(move || {
///     let v = n.get();
///     if v < 10 {
///         n.set(v + 1);
///     }
/// });
/// assert_eq!(n.get(), 10);
/// assert!(10 < MAX_FLUSH_ROUNDS, "one that never settles panics at the limit");
/// ```
pub const MAX_FLUSH_ROUNDS: u32 = 1000;

enum Work {
    Run(Rc<dyn super::runtime::Compute>, bool),
    Dirty(Rc<dyn Fn()>),
}

impl Runtime {
    /// A source changed: colour its subscribers and flush unless a batch/flush is open.
    #[inline]
    pub(crate) fn notify(&self, id: NodeId) {
        self.arena.borrow_mut().mark_subs(id, State::Dirty);
        self.maybe_flush();
    }

    #[inline]
    pub(crate) fn maybe_flush(&self) {
        if self.batch.get() == 0 && !self.flushing.get() {
            self.flush();
        }
    }

    /// Brings `id` up to date: a `Check` node asks its memo sources (in read order) to
    /// update and becomes `Dirty` only if one really changed; a `Dirty` node re-runs
    /// (memo, effect) or reports (observer).
    pub(crate) fn update_if_necessary(&self, id: NodeId) {
        let state = match self.arena.borrow().get(id) {
            Some(s) if s.computing && matches!(s.kind, Kind::Memo(_)) => {
                panic!(
                    "memo cycle: {} reads itself while computing",
                    self.describe(id)
                );
            }
            Some(s) => s.state,
            None => return,
        };
        if state == State::Clean {
            return;
        }
        if state == State::Check {
            let mut i = 0;
            loop {
                let src = {
                    let a = self.arena.borrow();
                    let Some(s) = a.get(id) else { return };
                    if s.state != State::Check {
                        break;
                    }
                    match s.sources.get(i) {
                        Some(&src)
                            if matches!(a.get(src).map(|x| &x.kind), Some(Kind::Memo(_))) =>
                        {
                            src
                        }
                        Some(_) => {
                            i += 1;
                            continue;
                        }
                        None => break,
                    }
                };
                self.update_if_necessary(src);
                i += 1;
            }
        }
        self.run_if_dirty(id);
    }

    /// Re-runs (memo, effect) or reports (observer) `id` if it is Dirty; a node still
    /// Check here had only unchanged sources and becomes Clean.
    fn run_if_dirty(&self, id: NodeId) {
        let work = {
            let mut a = self.arena.borrow_mut();
            let Some(s) = a.get_mut(id) else { return };
            match s.state {
                State::Clean => return,
                State::Check => {
                    s.state = State::Clean;
                    return;
                }
                State::Dirty => match &s.kind {
                    Kind::Memo(c) => Work::Run(c.clone(), true),
                    Kind::Effect(c) => Work::Run(c.clone(), false),
                    // Stays Dirty, so it is not queued again until the next `track`.
                    Kind::Observer(_) if s.notified => return,
                    Kind::Observer(f) => {
                        s.notified = true;
                        Work::Dirty(f.clone())
                    }
                    _ => {
                        s.state = State::Clean;
                        return;
                    }
                },
            }
        };
        match work {
            Work::Run(c, is_memo) => {
                let changed = self.run_computation(id, &*c);
                if is_memo && changed {
                    self.arena.borrow_mut().mark_subs(id, State::Dirty);
                }
            }
            Work::Dirty(f) => f(),
        }
    }

    /// Runs a memo/effect body with itself as observer and owner; returns "changed".
    pub(crate) fn run_computation(&self, id: NodeId, c: &dyn super::runtime::Compute) -> bool {
        let owns = {
            let mut a = self.arena.borrow_mut();
            let Some(s) = a.get_mut(id) else { return false };
            // Computing with an empty cursor: writes from the cleanups below or from the
            // body itself only re-queue it for what it has already read.
            s.state = State::Clean;
            s.computing = true;
            s.cursor = 0;
            !s.owned.is_empty()
        };
        let guard = RunGuard { rt: self, id };
        if owns {
            self.dispose_owned(id);
        }
        let _obs = Restore::set(&self.observer, Some(id));
        let _own = Restore::set(&self.owner, Some(id));
        let changed = c.run();
        drop(guard);
        changed
    }

    /// Runs queued effects and observers round after round until nothing is queued.
    pub(crate) fn flush(&self) {
        self.flushing.set(true);
        let _guard = FlushGuard { rt: self };
        // `on_dirty` callbacks must not subscribe whoever happened to write.
        let _obs = Restore::set(&self.observer, None);
        // `pending` is consumed in place; a round ends where the queue ended when it began.
        let mut rounds = 0u32;
        let mut next = 0usize;
        let mut round_end = 0usize;
        loop {
            let id = {
                let mut a = self.arena.borrow_mut();
                if next == round_end {
                    if next == a.pending.len() {
                        a.pending.clear();
                        break;
                    }
                    rounds += 1;
                    round_end = a.pending.len();
                    if rounds > MAX_FLUSH_ROUNDS {
                        let (first, others) = (a.pending[next], round_end - next - 1);
                        drop(a);
                        let first = self.describe(first);
                        panic!(
                            "effect loop: {first} (and {others} other queued effect(s)/observer(s)) \
                             did not settle after {MAX_FLUSH_ROUNDS} rounds; an effect probably \
                             writes a signal that it (indirectly) reads"
                        );
                    }
                }
                let id = a.pending[next];
                next += 1;
                match a.get_mut(id) {
                    // Dirty effects and observers skip the source checks entirely.
                    Some(s) if s.state == State::Dirty => {
                        s.queued = false;
                        drop(a);
                        self.run_if_dirty(id);
                        continue;
                    }
                    Some(s) if s.state != State::Clean => {
                        s.queued = false;
                        id
                    }
                    Some(s) => {
                        s.queued = false;
                        continue;
                    }
                    None => continue,
                }
            };
            self.update_if_necessary(id);
        }
    }
}

/// Ends a computation's tracked run even when its body panics.
struct RunGuard<'a> {
    rt: &'a Runtime,
    id: NodeId,
}

impl Drop for RunGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        let mut a = self.rt.arena.borrow_mut();
        let Some(s) = a.get_mut(self.id) else { return };
        s.computing = false;
        if matches!(s.kind, Kind::Memo(_)) && std::thread::panicking() {
            // The cached value was not replaced: compute again on the next read.
            s.state = State::Dirty;
        }
        if s.sources.len() > s.cursor as usize {
            a.end_tracking(self.id);
        }
    }
}

/// Leaves the runtime usable after a panic inside a flush.
struct FlushGuard<'a> {
    rt: &'a Runtime,
}

impl Drop for FlushGuard<'_> {
    fn drop(&mut self) {
        self.rt.flushing.set(false);
        if !std::thread::panicking() {
            return;
        }
        let Ok(mut a) = self.rt.arena.try_borrow_mut() else {
            return;
        };
        a.pending.clear();
        for s in a.slots.iter_mut() {
            s.queued = false;
            if matches!(s.kind, Kind::Effect(_) | Kind::Observer(_)) {
                // Clean again so the next change re-queues them.
                s.state = State::Clean;
                s.notified = false;
            }
        }
    }
}

/// Runs `f` with every signal write deferred: effects and observers see the final state
/// once, when the outermost batch ends.
///
/// # Examples
///
/// ```
/// use vango::reactive::{batch, effect, signal};
/// let (a, b) = (signal(1), signal(2));
/// let runs = signal(0);
/// effect(move || { a.get(); b.get(); runs.update_untracked(|n| *n += 1); });
/// batch(|| { a.set(10); b.set(20); });
/// assert_eq!(runs.get_untracked(), 2); // once at creation, once for the batch
/// ```
pub fn batch<R>(f: impl FnOnce() -> R) -> R {
    with_rt(|rt| {
        let r = {
            rt.batch.set(rt.batch.get() + 1);
            let _g = BatchGuard { rt };
            f()
        };
        rt.maybe_flush();
        r
    })
}

struct BatchGuard<'a> {
    rt: &'a Runtime,
}

impl Drop for BatchGuard<'_> {
    fn drop(&mut self) {
        self.rt.batch.set(self.rt.batch.get() - 1);
    }
}

/// Runs `f` without subscribing the current effect/memo/observer to what `f` reads.
///
/// # Examples
///
/// ```
/// use vango::reactive::{effect, signal, untrack};
/// let (a, b) = (signal(1), signal(1));
/// let runs = signal(0);
/// effect(move || { a.get(); untrack(|| b.get()); runs.update_untracked(|n| *n += 1); });
/// b.set(2); // not tracked
/// assert_eq!(runs.get_untracked(), 1);
/// a.set(2);
/// assert_eq!(runs.get_untracked(), 2);
/// ```
pub fn untrack<R>(f: impl FnOnce() -> R) -> R {
    with_rt(|rt| {
        let _g = Restore::set(&rt.observer, None);
        f()
    })
}

/// Runs `f` with writes deferred like [`batch`], used when an effect is created so its
/// first run's writes flush after it returns.
pub(crate) fn deferred<R>(rt: &Runtime, f: impl FnOnce() -> R) -> R {
    let r = {
        rt.batch.set(rt.batch.get() + 1);
        let _g = BatchGuard { rt };
        f()
    };
    rt.maybe_flush();
    r
}
