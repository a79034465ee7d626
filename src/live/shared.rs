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

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::scope::SessionStore;
use crate::reactive::{memo, signal, Memo, Signal};

/// Ids of shared declarations, from 1 (0: not yet assigned), process-wide.
static NEXT_ID: AtomicUsize = AtomicUsize::new(1);

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
/// use vango::live::{SessionStore, SharedSignal};
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionStore, SharedSignal};
    ///
    /// static THEME: SharedSignal<&str> = SharedSignal::new(|| "light");
    /// SessionStore::new().enter(|| assert_eq!(THEME.get(), "light"));
    /// ```
    pub const fn new(init: fn() -> T) -> SharedSignal<T> {
        SharedSignal {
            id: AtomicUsize::new(0),
            init,
        }
    }

    /// This session's signal, or `None` outside a session.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SharedSignal;
    ///
    /// static NAME: SharedSignal<String> = SharedSignal::new(String::new);
    /// assert!(NAME.try_signal().is_none(), "no session on this thread");
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionStore, SharedSignal};
    ///
    /// static COUNT: SharedSignal<u32> = SharedSignal::new(|| 0);
    /// SessionStore::new().enter(|| {
    ///     let count = COUNT.signal(); // a plain `Copy` signal, for closures
    ///     count.inc();
    ///     assert_eq!(COUNT.get(), 1);
    /// });
    /// ```
    #[track_caller]
    pub fn signal(&'static self) -> Signal<T> {
        self.try_signal()
            .unwrap_or_else(|| no_session("SharedSignal"))
    }

    /// Runs `f` on this session's value; a tracked read.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionStore, SharedSignal};
    ///
    /// static CART: SharedSignal<Vec<&str>> = SharedSignal::new(|| vec!["tea"]);
    /// SessionStore::new().enter(|| assert_eq!(CART.with(Vec::len), 1));
    /// ```
    #[track_caller]
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        self.signal().with(f)
    }

    /// Replaces this session's value.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionStore, SharedSignal};
    ///
    /// static USER: SharedSignal<Option<String>> = SharedSignal::new(|| None);
    /// let (a, b) = (SessionStore::new(), SessionStore::new());
    /// a.enter(|| USER.set(Some("ada".into())));
    /// b.enter(|| assert_eq!(USER.get(), None, "another session, another value"));
    /// ```
    #[track_caller]
    pub fn set(&'static self, value: T) {
        self.signal().set(value)
    }

    /// Modifies this session's value in place.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionStore, SharedSignal};
    ///
    /// static SEEN: SharedSignal<Vec<u32>> = SharedSignal::new(Vec::new);
    /// SessionStore::new().enter(|| {
    ///     SEEN.update(|v| v.push(7));
    ///     assert_eq!(SEEN.get(), [7]);
    /// });
    /// ```
    #[track_caller]
    pub fn update(&'static self, f: impl FnOnce(&mut T)) {
        self.signal().update(f)
    }
}

impl<T: Clone + 'static> SharedSignal<T> {
    /// A clone of this session's value; a tracked read.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionStore, SharedSignal};
    ///
    /// static STEP: SharedSignal<u8> = SharedSignal::new(|| 1);
    /// SessionStore::new().enter(|| assert_eq!(STEP.get(), 1));
    /// ```
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.signal().get()
    }

    /// A clone of this session's value, untracked.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionStore, SharedSignal};
    ///
    /// static STEP: SharedSignal<u8> = SharedSignal::new(|| 1);
    /// SessionStore::new().enter(|| assert_eq!(STEP.get_untracked(), 1));
    /// ```
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
/// use vango::live::{SessionStore, SharedMemo, SharedSignal};
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionStore, SharedMemo, SharedSignal};
    ///
    /// static CART: SharedSignal<Vec<u32>> = SharedSignal::new(Vec::new);
    /// static TOTAL: SharedMemo<u32> = SharedMemo::new(|| CART.with(|c| c.iter().sum()));
    /// SessionStore::new().enter(|| {
    ///     CART.update(|c| c.extend([3, 4]));
    ///     assert_eq!(TOTAL.get(), 7);
    /// });
    /// ```
    pub const fn new(compute: fn() -> T) -> SharedMemo<T> {
        SharedMemo {
            id: AtomicUsize::new(0),
            compute,
        }
    }

    /// This session's memo, or `None` outside a session.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SharedMemo;
    ///
    /// static ANSWER: SharedMemo<u32> = SharedMemo::new(|| 42);
    /// assert!(ANSWER.try_memo().is_none(), "no session on this thread");
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionStore, SharedMemo};
    ///
    /// static ANSWER: SharedMemo<u32> = SharedMemo::new(|| 42);
    /// SessionStore::new().enter(|| assert_eq!(ANSWER.memo().get(), 42));
    /// ```
    #[track_caller]
    pub fn memo(&'static self) -> Memo<T> {
        self.try_memo().unwrap_or_else(|| no_session("SharedMemo"))
    }

    /// Runs `f` on this session's value; a tracked read.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionStore, SharedMemo};
    ///
    /// static WORDS: SharedMemo<Vec<&str>> = SharedMemo::new(|| vec!["a", "b"]);
    /// SessionStore::new().enter(|| assert_eq!(WORDS.with(Vec::len), 2));
    /// ```
    #[track_caller]
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        self.memo().with(f)
    }
}

impl<T: Clone + PartialEq + 'static> SharedMemo<T> {
    /// A clone of this session's value; a tracked read.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::{SessionStore, SharedMemo};
    ///
    /// static ANSWER: SharedMemo<u32> = SharedMemo::new(|| 42);
    /// SessionStore::new().enter(|| assert_eq!(ANSWER.get(), 42));
    /// ```
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.memo().get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reactive::{effect, Owner};

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
        assert!(crate::live::SessionScope::current().is_none());
    }
}
