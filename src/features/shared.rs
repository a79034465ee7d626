//! [`SharedSignal<T>`] and [`SharedMemo<T>`]: state scoped to one session and shared by
//! all of that session's components, declared once as a `static`.
//!
//! Touches this thread's reactive graph only. Each session owns a [`SessionStore`] (the
//! server creates it when the session mounts and keeps it in the session, so it outlives
//! any one page's component tree); the store lazily creates one signal or memo per shared
//! declaration, under its own root owner, and disposes them when the session ends.
//!
//! A shared value finds its session's store in this order:
//! 1. reactive context: the store is provided to the page's root component (so setup,
//!    render closures, effects and memos of every component below find it), and to the
//!    store's own owner (so a [`SharedMemo`] computing finds its session's signals);
//! 2. the store the server entered for the running step ([`SessionStore::enter`]): page
//!    mount, event handlers and re-renders of that session.
//!
//! Outside both (a plain thread, a task not entered), [`SharedSignal::signal`] panics with
//! a clear message and [`SharedSignal::try_signal`] returns `None`: there is no session
//! whose value it could mean, and falling back to a common value would leak one tab's
//! state into another.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::reactive::{memo, provide_context, signal, untrack, use_context, Memo, Owner, Signal};

/// Ids of shared declarations, from 1 (0: not yet assigned), process-wide.
static NEXT_ID: AtomicUsize = AtomicUsize::new(1);

thread_local! {
    static CURRENT: RefCell<Option<SessionStore>> = const { RefCell::new(None) };
}

struct Store {
    /// Owns the session's shared values; created with the first one, so a session that
    /// uses none costs no reactive node.
    owner: Cell<Option<Owner>>,
    values: RefCell<Vec<Option<Box<dyn Any>>>>,
    /// Set by the server for a session with a WebSocket; a page load's throwaway store
    /// (the static first paint) stays `false`.
    connected: Cell<bool>,
}

impl Store {
    fn owner(self: &Rc<Self>) -> Owner {
        if let Some(o) = self.owner.get() {
            return o;
        }
        let o = Owner::new_root();
        // A memo computing under this owner finds its own session's store.
        o.with(|| provide_context(StoreRef(Rc::downgrade(self))));
        self.owner.set(Some(o));
        o
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Disposes every shared signal and memo of the session (their cleanups run).
        if let Some(o) = self.owner.take() {
            o.dispose();
        }
    }
}

/// The context value: weak, so a store never keeps itself alive through its own owner.
#[derive(Clone)]
struct StoreRef(Weak<Store>);

/// One session's shared values. Cheap to clone (an `Rc`); `!Send`.
///
/// The server creates one per session; create your own to use shared values outside a
/// server (tests, a custom [`View`](crate::server::session::View)).
///
/// # Examples
///
/// ```
/// use vango::features::shared::{SessionStore, SharedSignal};
/// static THEME: SharedSignal<&str> = SharedSignal::new(|| "light");
/// let (a, b) = (SessionStore::new(), SessionStore::new());
/// a.enter(|| THEME.set("dark"));
/// assert_eq!(a.enter(|| THEME.get()), "dark");
/// assert_eq!(b.enter(|| THEME.get()), "light"); // another session
/// ```
#[derive(Clone)]
pub struct SessionStore(Rc<Store>);

impl fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.values.borrow().iter().flatten().count();
        f.debug_struct("SessionStore").field("values", &n).finish()
    }
}

impl Default for SessionStore {
    fn default() -> Self {
        Self::new()
    }
}

impl SessionStore {
    /// An empty store (its root owner is created with its first value).
    pub fn new() -> SessionStore {
        SessionStore(Rc::new(Store {
            owner: Cell::new(None),
            values: RefCell::new(Vec::new()),
            connected: Cell::new(false),
        }))
    }

    /// Marks this store as a connected session's (the server does it before mounting the
    /// page for a WebSocket), which [`connected`] reports.
    pub fn mark_connected(&self) {
        self.0.connected.set(true);
    }

    /// Whether [`mark_connected`](Self::mark_connected) was called.
    pub fn is_connected(&self) -> bool {
        self.0.connected.get()
    }

    /// Runs `f` with this store as the current session's (restored afterwards, also on
    /// unwinding). The server wraps a session's mount, handlers and re-renders in it.
    pub fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Restore(Option<SessionStore>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let prev = self.0.take();
                let _ = CURRENT.try_with(|c| *c.borrow_mut() = prev);
            }
        }
        let prev = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        let _restore = Restore(prev);
        f()
    }

    /// Makes this store the one found through reactive context below the current owner
    /// (the server does it in each page's root component setup).
    pub fn provide(&self) {
        provide_context(StoreRef(Rc::downgrade(&self.0)));
    }

    /// The store of the session running here: from reactive context, else the entered one.
    pub fn current() -> Option<SessionStore> {
        use_context::<StoreRef>()
            .and_then(|r| r.0.upgrade())
            .map(SessionStore)
            .or_else(|| CURRENT.with(|c| c.borrow().clone()))
    }

    /// Whether `self` and `other` are the same session's store.
    pub fn ptr_eq(&self, other: &SessionStore) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// The value for declaration `id`, created by `make` under the store's owner on first use.
    fn get_or_make<V: Copy + 'static>(&self, id: usize, make: impl FnOnce() -> V) -> V {
        if let Some(v) = self.lookup::<V>(id) {
            return v;
        }
        // Created outside the borrow: `make` may read other shared values of this store.
        let v = self.0.owner().with(|| untrack(make));
        let mut values = self.0.values.borrow_mut();
        if values.len() <= id {
            values.resize_with(id + 1, || None);
        }
        match &values[id] {
            // `make` itself created it (a recursive read): keep the first.
            Some(b) => *b.downcast_ref::<V>().expect("one type per shared id"),
            None => {
                values[id] = Some(Box::new(v));
                v
            }
        }
    }

    fn lookup<V: Copy + 'static>(&self, id: usize) -> Option<V> {
        let values = self.0.values.borrow();
        values.get(id)?.as_ref()?.downcast_ref::<V>().copied()
    }
}

fn assign(id: &AtomicUsize) -> usize {
    let cur = id.load(Ordering::Relaxed);
    if cur != 0 {
        return cur;
    }
    let fresh = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    match id.compare_exchange(0, fresh, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => fresh,
        Err(won) => won,
    }
}

#[track_caller]
fn no_session(what: &str) -> ! {
    panic!(
        "{what} used outside a session: read it in a component, handler or effect of a \
         page, or inside SessionStore::enter"
    )
}

/// A signal with one value per session, shared by every component of that session.
/// Declare it as a `static` (never a `const`: each `const` use would be a new
/// declaration); the first read in a session creates that session's signal from `init`.
///
/// Reads are tracked like a [`Signal`]'s. Two tabs are two sessions: they never see each
/// other's value (use a [`GlobalSignal`](crate::features::global::GlobalSignal) for that).
///
/// # Examples
///
/// ```
/// use vango::features::shared::{SessionStore, SharedSignal};
/// static CART: SharedSignal<Vec<&str>> = SharedSignal::new(Vec::new);
/// let session = SessionStore::new();
/// session.enter(|| {
///     CART.update(|c| c.push("tea")); // e.g. in one component's handler
///     assert_eq!(CART.get(), ["tea"]); // e.g. in another component's render
/// });
/// ```
pub struct SharedSignal<T: 'static> {
    id: AtomicUsize,
    init: fn() -> T,
}

impl<T: 'static> fmt::Debug for SharedSignal<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedSignal")
            .field("id", &self.id.load(Ordering::Relaxed))
            .finish()
    }
}

impl<T: 'static> SharedSignal<T> {
    /// A declaration whose per-session value starts as `init()`.
    pub const fn new(init: fn() -> T) -> SharedSignal<T> {
        SharedSignal {
            id: AtomicUsize::new(0),
            init,
        }
    }

    /// This session's signal, or `None` outside a session.
    pub fn try_signal(&'static self) -> Option<Signal<T>> {
        let store = SessionStore::current()?;
        let init = self.init;
        Some(store.get_or_make(assign(&self.id), move || signal(init())))
    }

    /// This session's signal (capture it in closures like any [`Signal`]).
    ///
    /// # Panics
    ///
    /// Outside a session (see the module docs).
    #[track_caller]
    pub fn signal(&'static self) -> Signal<T> {
        self.try_signal()
            .unwrap_or_else(|| no_session("SharedSignal"))
    }

    /// Runs `f` on this session's value; a tracked read.
    #[track_caller]
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        self.signal().with(f)
    }

    /// Replaces this session's value.
    #[track_caller]
    pub fn set(&'static self, value: T) {
        self.signal().set(value)
    }

    /// Modifies this session's value in place.
    #[track_caller]
    pub fn update(&'static self, f: impl FnOnce(&mut T)) {
        self.signal().update(f)
    }
}

impl<T: Clone + 'static> SharedSignal<T> {
    /// A clone of this session's value; a tracked read.
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.signal().get()
    }

    /// A clone of this session's value, untracked.
    #[track_caller]
    pub fn get_untracked(&'static self) -> T {
        self.signal().get_untracked()
    }
}

/// A memo with one value per session, derived from shared (and global) signals by
/// `compute`; declared as a `static` like [`SharedSignal`]. Computed lazily, once per
/// change, however many components of the session read it.
///
/// # Examples
///
/// ```
/// use vango::features::shared::{SessionStore, SharedMemo, SharedSignal};
/// static ITEMS: SharedSignal<Vec<u32>> = SharedSignal::new(Vec::new);
/// static TOTAL: SharedMemo<u32> = SharedMemo::new(|| ITEMS.with(|v| v.iter().sum()));
/// SessionStore::new().enter(|| {
///     ITEMS.update(|v| v.extend([2, 3]));
///     assert_eq!(TOTAL.get(), 5);
/// });
/// ```
pub struct SharedMemo<T: 'static> {
    id: AtomicUsize,
    compute: fn() -> T,
}

impl<T: 'static> fmt::Debug for SharedMemo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedMemo")
            .field("id", &self.id.load(Ordering::Relaxed))
            .finish()
    }
}

impl<T: PartialEq + 'static> SharedMemo<T> {
    /// A declaration whose per-session value is `compute()`, kept up to date.
    pub const fn new(compute: fn() -> T) -> SharedMemo<T> {
        SharedMemo {
            id: AtomicUsize::new(0),
            compute,
        }
    }

    /// This session's memo, or `None` outside a session.
    pub fn try_memo(&'static self) -> Option<Memo<T>> {
        let store = SessionStore::current()?;
        let compute = self.compute;
        Some(store.get_or_make(assign(&self.id), move || memo(compute)))
    }

    /// This session's memo.
    ///
    /// # Panics
    ///
    /// Outside a session (see the module docs).
    #[track_caller]
    pub fn memo(&'static self) -> Memo<T> {
        self.try_memo().unwrap_or_else(|| no_session("SharedMemo"))
    }

    /// Runs `f` on this session's value; a tracked read.
    #[track_caller]
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        self.memo().with(f)
    }
}

impl<T: Clone + PartialEq + 'static> SharedMemo<T> {
    /// A clone of this session's value; a tracked read.
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.memo().get()
    }
}

/// Whether the running code belongs to a connected session (its WebSocket is open and
/// events will come) rather than to the static first paint of a page load, which mounts
/// the page once to render HTML and drops it right away.
///
/// Like LiveView's `connected?`: put side effects that should happen once per live tab
/// (joining a presence list, starting a timer, subscribing to something costly) behind
/// it, so the first paint does not do them too. Outside any session it is `false`.
///
/// # Examples
///
/// ```
/// use vango::features::shared::{connected, SessionStore};
/// let first_paint = SessionStore::new();
/// assert!(!first_paint.enter(connected));
/// let live = SessionStore::new();
/// live.mark_connected();
/// assert!(live.enter(connected));
/// assert!(!connected(), "outside any session");
/// ```
pub fn connected() -> bool {
    SessionStore::current().is_some_and(|s| s.is_connected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reactive::effect;

    static N: SharedSignal<u32> = SharedSignal::new(|| 7);
    static DOUBLE: SharedMemo<u32> = SharedMemo::new(|| N.get() * 2);

    #[test]
    fn outside_a_session_there_is_no_value() {
        assert!(N.try_signal().is_none());
        assert!(DOUBLE.try_memo().is_none());
    }

    #[test]
    fn context_wins_over_the_entered_store() {
        let (a, b) = (SessionStore::new(), SessionStore::new());
        let owner = Owner::new_root();
        owner.with(|| a.provide());
        // An effect of session a runs while session b is entered (a flush caused by b).
        let seen = signal(Vec::new());
        owner.with(|| {
            effect(move || {
                let v = N.get();
                seen.update_untracked(|s| s.push(v));
            })
        });
        b.enter(|| N.set(1));
        a.enter(|| N.set(2));
        assert_eq!(seen.get(), [7, 2]);
        assert_eq!(b.enter(|| DOUBLE.get()), 2);
        assert_eq!(a.enter(|| DOUBLE.get()), 4);
        owner.dispose();
    }

    #[test]
    fn dropping_the_store_disposes_its_values() {
        let s = SessionStore::new();
        let sig = s.enter(|| N.signal());
        assert!(!sig.is_disposed());
        drop(s);
        assert!(sig.is_disposed());
        assert!(CURRENT.with(|c| c.borrow().is_none()));
    }
}
