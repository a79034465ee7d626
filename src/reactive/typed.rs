//! Typed conveniences on common signal types (`inc`, `toggle`, `push`, `insert`, ...).
//! Inherent impls on concrete `Signal<T>`; touches nothing but `Signal`'s public API.

use std::collections::HashMap;
use std::hash::Hash;

use super::signal::Signal;

mod sealed {
    /// Closes `Counter` to the integer types implemented here: a
    /// private module's public trait, nameable by no other crate.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::Counter;
    /// fn one<T: Counter>() -> T {
    ///     T::ONE
    /// }
    /// assert_eq!((one::<u32>(), one::<usize>()), (1, 1));
    /// ```
    pub trait Sealed {}
}

/// Integer types with [`Signal::inc`], [`Signal::dec`] and [`Signal::add`]: `i32`, `i64`,
/// `u32`, `u64`, `usize`. Sealed; one generic impl keeps `signal(0).inc()` inferring `i32`.
///
/// # Examples
///
/// ```
/// use vango::reactive::signal;
/// let count = signal(0u64); // any of i32, i64, u32, u64, usize
/// count.inc();
/// count.add(u64::MAX); // saturates instead of overflowing
/// assert_eq!(count.get(), u64::MAX);
/// ```
pub trait Counter: sealed::Sealed + Copy + 'static {
    /// `self + n`, saturating.
    fn saturating_plus(self, n: Self) -> Self;
    /// `self - n`, saturating.
    fn saturating_minus(self, n: Self) -> Self;
    /// The value one.
    const ONE: Self;
}

macro_rules! counters {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl Counter for $t {
            fn saturating_plus(self, n: Self) -> Self {
                self.saturating_add(n)
            }
            fn saturating_minus(self, n: Self) -> Self {
                self.saturating_sub(n)
            }
            const ONE: Self = 1;
        }
    )*};
}

counters!(i32, i64, u32, u64, usize);

impl<T: Counter> Signal<T> {
    /// Adds one (saturating) and notifies.
    ///
    /// # Examples
    ///
    /// ```
    /// let n = vango::reactive::signal(0);
    /// n.inc();
    /// n.add(10);
    /// n.dec();
    /// assert_eq!(n.get(), 10);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn inc(&self) {
        self.update(|n| *n = n.saturating_plus(T::ONE));
    }

    /// Subtracts one (saturating) and notifies.
    ///
    /// # Examples
    ///
    /// ```
    /// let n = vango::reactive::signal(0u32);
    /// n.dec(); // saturating: stays at 0
    /// assert_eq!(n.get(), 0);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn dec(&self) {
        self.update(|n| *n = n.saturating_minus(T::ONE));
    }

    /// Adds `n` (saturating) and notifies.
    ///
    /// # Examples
    ///
    /// ```
    /// let score = vango::reactive::signal(10);
    /// score.add(-3);
    /// assert_eq!(score.get(), 7);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn add(&self, n: T) {
        self.update(|v| *v = v.saturating_plus(n));
    }
}

impl Signal<bool> {
    /// Flips the value and notifies.
    ///
    /// # Examples
    ///
    /// ```
    /// let open = vango::reactive::signal(false);
    /// open.toggle();
    /// assert!(open.get());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn toggle(&self) {
        self.update(|b| *b = !*b);
    }
}

impl<T: 'static> Signal<Vec<T>> {
    /// Appends `v` and notifies.
    ///
    /// # Examples
    ///
    /// ```
    /// let items = vango::reactive::signal(vec![1]);
    /// items.push(2);
    /// assert_eq!(items.pop(), Some(2));
    /// assert_eq!(items.len(), 1);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn push(&self, v: T) {
        self.update(|vec| vec.push(v));
    }

    /// Removes the last element; notifies only if there was one.
    ///
    /// # Examples
    ///
    /// ```
    /// let stack = vango::reactive::signal(vec![1, 2]);
    /// assert_eq!(stack.pop(), Some(2));
    /// assert_eq!(stack.pop(), Some(1));
    /// assert_eq!(stack.pop(), None);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn pop(&self) -> Option<T> {
        if self.with_untracked(Vec::is_empty) {
            return None;
        }
        self.update_with(Vec::pop)
    }

    /// Removes the element at `i` (shifting the rest); `None` and no notification if
    /// `i` is out of range.
    ///
    /// # Examples
    ///
    /// ```
    /// let rows = vango::reactive::signal(vec!["a", "b", "c"]);
    /// assert_eq!(rows.remove(1), Some("b"));
    /// assert_eq!(rows.remove(9), None);
    /// assert_eq!(rows.get(), ["a", "c"]);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn remove(&self, i: usize) -> Option<T> {
        if i >= self.with_untracked(Vec::len) {
            return None;
        }
        Some(self.update_with(|v| v.remove(i)))
    }

    /// Empties the vector; notifies only if it was not empty.
    ///
    /// # Examples
    ///
    /// ```
    /// let rows = vango::reactive::signal(vec![1, 2, 3]);
    /// rows.clear();
    /// assert!(rows.is_empty());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn clear(&self) {
        if !self.with_untracked(Vec::is_empty) {
            self.update(Vec::clear);
        }
    }

    /// Tracked length.
    ///
    /// # Examples
    ///
    /// ```
    /// let rows = vango::reactive::signal(vec![1, 2, 3]);
    /// assert_eq!(rows.len(), 3);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn len(&self) -> usize {
        self.with(Vec::len)
    }

    /// Tracked emptiness.
    ///
    /// # Examples
    ///
    /// ```
    /// let rows = vango::reactive::signal(Vec::<u8>::new());
    /// assert!(rows.is_empty());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn is_empty(&self) -> bool {
        self.with(Vec::is_empty)
    }
}

impl<K: Eq + Hash + 'static, V: 'static> Signal<HashMap<K, V>> {
    /// Inserts `k → v`, returns the previous value, notifies.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let m = vango::reactive::signal(HashMap::new());
    /// m.insert("a", 1);
    /// assert_eq!(m.remove(&"a"), Some(1));
    /// assert!(m.is_empty());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn insert(&self, k: K, v: V) -> Option<V> {
        self.update_with(|m| m.insert(k, v))
    }

    /// Removes `k`; notifies only if it was present.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let m = vango::reactive::signal(HashMap::from([("a", 1)]));
    /// assert_eq!(m.remove(&"a"), Some(1));
    /// assert_eq!(m.remove(&"a"), None);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn remove(&self, k: &K) -> Option<V> {
        if !self.with_untracked(|m| m.contains_key(k)) {
            return None;
        }
        self.update_with(|m| m.remove(k))
    }

    /// Tracked membership test.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let m = vango::reactive::signal(HashMap::from([("a", 1)]));
    /// assert!(m.contains_key(&"a"));
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn contains_key(&self, k: &K) -> bool {
        self.with(|m| m.contains_key(k))
    }

    /// Tracked number of entries.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let m = vango::reactive::signal(HashMap::from([("a", 1), ("b", 2)]));
    /// assert_eq!(m.len(), 2);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn len(&self) -> usize {
        self.with(HashMap::len)
    }

    /// Tracked emptiness.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let m = vango::reactive::signal(HashMap::<u32, u32>::new());
    /// assert!(m.is_empty());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn is_empty(&self) -> bool {
        self.with(HashMap::is_empty)
    }
}

impl Signal<String> {
    /// Appends `s` and notifies.
    ///
    /// # Examples
    ///
    /// ```
    /// let log = vango::reactive::signal(String::from("a"));
    /// log.push_str("bc");
    /// assert_eq!(log.get(), "abc");
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn push_str(&self, s: &str) {
        self.update(|v| v.push_str(s));
    }
}
