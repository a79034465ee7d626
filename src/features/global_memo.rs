//! [`GlobalMemo<T>`]: a value derived from [`GlobalSignal`](super::global::GlobalSignal)s
//! (and any other reactive state), computed lazily and separately on each core.
//!
//! Touches only `features::global`'s per-core state (where each core keeps its `Memo<T>`
//! per global memo, under the core's root owner) and this thread's reactive graph.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::global::core_memo;

/// Ids of global memos, unique in the process.
static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// A derived value usable from any core, like a [`GlobalSignal`](super::global::GlobalSignal):
/// `Copy + Send + Sync`, created once (before the core threads start) from a plain `fn`.
///
/// On a core attached with [`attach_core`](super::global::attach_core), the first read
/// creates this core's own [`Memo`](crate::reactive::Memo) (owned by the core, not by the
/// component that read it first); it recomputes when a global it read changes here, i.e.
/// after a local write or after this core's drain of a remote one, and notifies its
/// readers only when the derived value changed. On a thread that is not attached, each
/// read just runs the function.
///
/// The function should read globals of the bus this core is attached to: globals of
/// another bus read untracked here, so the memo would not follow them.
///
/// # Examples
///
/// ```
/// use std::sync::OnceLock;
/// use vango::features::{bus::Bus, global::{attach_core, GlobalSignal}, global_memo::GlobalMemo};
/// use vango::reactive::{effect, signal};
/// static COUNT: OnceLock<GlobalSignal<i32>> = OnceLock::new();
/// let bus = Bus::new();
/// let count = *COUNT.get_or_init(|| GlobalSignal::new(&bus, 1));
/// let is_even = GlobalMemo::new(|| COUNT.get().unwrap().get() % 2 == 0);
/// attach_core(&bus).unwrap();
/// let runs = signal(0);
/// effect(move || { is_even.get(); runs.update_untracked(|r| *r += 1); });
/// count.set(2); // odd -> even: the effect runs
/// count.set(4); // still even: it does not
/// assert_eq!((is_even.get(), runs.get()), (true, 2));
/// ```
pub struct GlobalMemo<T: 'static> {
    id: usize,
    f: fn() -> T,
}

impl<T> Clone for GlobalMemo<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for GlobalMemo<T> {}

impl<T> fmt::Debug for GlobalMemo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GlobalMemo").field(&self.id).finish()
    }
}

impl<T: PartialEq + Clone + 'static> GlobalMemo<T> {
    /// A global memo computing `f`. Cheap (takes an id); nothing runs until a read.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::OnceLock;
    /// use vango::features::{bus::Bus, global::GlobalSignal, global_memo::GlobalMemo};
    /// static PRICES: OnceLock<GlobalSignal<Vec<u32>>> = OnceLock::new();
    /// PRICES.get_or_init(|| GlobalSignal::new(&Bus::new(), vec![3, 4]));
    /// let total = GlobalMemo::new(|| PRICES.get().unwrap().with(|p| p.iter().sum::<u32>()));
    /// assert_eq!(total.get(), 7); // not attached: each read runs the function
    /// ```
    pub fn new(f: fn() -> T) -> GlobalMemo<T> {
        GlobalMemo {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            f,
        }
    }

    /// The value; a tracked read on an attached core.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::OnceLock;
    /// use vango::features::{bus::Bus, global::{attach_core, GlobalSignal}, global_memo::GlobalMemo};
    /// static NAME: OnceLock<GlobalSignal<String>> = OnceLock::new();
    /// let bus = Bus::new();
    /// let name = *NAME.get_or_init(|| GlobalSignal::new(&bus, "ada".into()));
    /// let shout = GlobalMemo::new(|| NAME.get().unwrap().get().to_uppercase());
    /// attach_core(&bus).unwrap();
    /// assert_eq!(shout.get(), "ADA");
    /// name.set("grace".into());
    /// assert_eq!(shout.get(), "GRACE");
    /// ```
    pub fn get(&self) -> T {
        self.with(T::clone)
    }

    /// Runs `g` on the value without cloning it on an attached core; tracked there.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::OnceLock;
    /// use vango::features::{bus::Bus, global::{attach_core, GlobalSignal}, global_memo::GlobalMemo};
    /// static ITEMS: OnceLock<GlobalSignal<Vec<u32>>> = OnceLock::new();
    /// let bus = Bus::new();
    /// ITEMS.get_or_init(|| GlobalSignal::new(&bus, vec![5, 1, 3]));
    /// let sorted = GlobalMemo::new(|| { let mut v = ITEMS.get().unwrap().get(); v.sort(); v });
    /// attach_core(&bus).unwrap();
    /// assert_eq!(sorted.with(|v| v[0]), 1); // no clone of the sorted vector
    /// ```
    pub fn with<R>(&self, g: impl FnOnce(&T) -> R) -> R {
        match core_memo(self.id, self.f) {
            Some(m) => m.with(g),
            None => g(&(self.f)()),
        }
    }
}
