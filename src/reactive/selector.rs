//! `Selector<K>`: "is this key the selected one?", waking only the readers of the keys
//! whose answer changed. Touches only the runtime (through signals, an effect and an
//! owner).
//!
//! A memo per row (`memo(move || selected.get() == id)`) re-runs every row's memo when the
//! selection moves: O(rows) per click. A selector keeps one node per key that is being
//! read and, when the source changes from `a` to `b`, notifies the nodes of `a` and `b`
//! only: O(1) per click, whatever the number of rows.
//!
//! # Memory
//!
//! A key's node is made on its first tracked [`Selector::is`] and kept while something
//! subscribes to it. Nodes nobody reads any more are freed in a sweep that runs when the
//! number of keys has doubled since the last sweep, so a list whose rows come and go
//! (ids that only grow) holds at most about twice the keys its readers use, at O(1)
//! amortized cost per new key.

use std::collections::HashMap;
use std::hash::Hash;

use super::effect::effect;
use super::error::ReactiveError;
use super::owner::Owner;
use super::runtime::with_rt;
use super::signal::{signal, Signal};

/// Keys below this many are never swept (a sweep walks every key).
const SWEEP_FLOOR: usize = 32;

/// The selector's state: the source's current value and one node per key being read.
struct Keys<K> {
    /// Owns this state, the driver effect and the keys' nodes.
    owner: Owner,
    current: Option<K>,
    nodes: HashMap<K, Signal<()>>,
    /// Sweep when `nodes` grows past this.
    sweep_at: usize,
}

/// A derived "is `key` the current value?" for many keys at once, where only the readers
/// of the old and the new key re-run when the value changes.
///
/// Made with [`selector`]. `Copy`, 8 bytes (release builds) and `!Send`, like [`Signal`];
/// owned by the owner current when it was made, and disposed with it.
///
/// # Examples
///
/// ```
/// use vango::reactive::{effect, selector, signal};
/// let selected = signal(1u32);
/// let is_selected = selector(move || selected.get());
/// let runs = signal(0);
/// for id in 0..100u32 {
///     effect(move || {
///         is_selected.is(&id);
///         runs.update_untracked(|r| *r += 1);
///     });
/// }
/// runs.set(0);
/// selected.set(7);
/// assert_eq!(runs.get(), 2, "rows 1 and 7 re-ran, the other 98 did not");
/// assert!(is_selected.is(&7) && !is_selected.is(&1));
/// ```
pub struct Selector<K: 'static> {
    keys: Signal<Keys<K>>,
}

impl<K> Clone for Selector<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Selector<K> {}
impl<K> PartialEq for Selector<K> {
    fn eq(&self, other: &Self) -> bool {
        self.keys == other.keys
    }
}
impl<K> Eq for Selector<K> {}
impl<K> std::fmt::Debug for Selector<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Selector({:?})", self.keys)
    }
}

/// Makes a [`Selector`] over `source`, which is run now and again (as an effect) whenever
/// what it read changes.
///
/// # Examples
///
/// ```
/// use vango::reactive::{selector, signal};
/// let selected = signal(String::from("home"));
/// let tab = selector(move || selected.get());
/// assert!(tab.is(&"home".to_string()));
/// selected.set("about".into());
/// assert!(tab.is(&"about".to_string()));
/// ```
#[cfg_attr(debug_assertions, track_caller)]
pub fn selector<K>(source: impl Fn() -> K + 'static) -> Selector<K>
where
    K: Eq + Hash + Clone + 'static,
{
    let owner = Owner::new();
    let keys = owner.with(|| {
        signal(Keys {
            owner,
            current: None,
            nodes: HashMap::new(),
            sweep_at: SWEEP_FLOOR,
        })
    });
    owner.with(|| {
        effect(move || {
            let new = source();
            // The nodes to wake are taken out of the state first and woken after, so the
            // state is not borrowed while the write notifies.
            let wake = keys.try_update_untracked(|s| {
                if s.current.as_ref() == Some(&new) {
                    return [None, None];
                }
                let off = s.current.as_ref().and_then(|k| s.nodes.get(k).copied());
                let on = s.nodes.get(&new).copied();
                s.current = Some(new);
                [off, on]
            });
            for n in wake.into_iter().flatten().flatten() {
                let _ = n.try_update(|_| ());
            }
        });
    });
    Selector { keys }
}

impl<K: Eq + Hash + Clone + 'static> Selector<K> {
    /// Whether `key` is the source's current value. Tracked: a reader (effect, memo,
    /// component render) re-runs only when the answer for this `key` changes. Panics if the
    /// selector was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{memo, selector, signal};
    /// let selected = signal(2);
    /// let sel = selector(move || selected.get());
    /// let row_3 = memo(move || if sel.is(&3) { "danger" } else { "" });
    /// assert_eq!(row_3.get(), "");
    /// selected.set(3);
    /// assert_eq!(row_3.get(), "danger");
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn is(&self, key: &K) -> bool {
        match self.try_is(key) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`is`](Self::is), but an error after disposal.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{selector, signal, Owner};
    /// let selected = signal(1);
    /// let owner = Owner::new();
    /// let sel = owner.with(|| selector(move || selected.get()));
    /// assert_eq!(sel.try_is(&1), Ok(true));
    /// owner.dispose();
    /// assert!(sel.try_is(&1).is_err());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn try_is(&self, key: &K) -> Result<bool, ReactiveError> {
        // The state is read untracked: only a key's node wakes readers.
        let (selected, node) = self.keys.try_with_untracked(|s| {
            let node = s.nodes.get(key).copied();
            (s.current.as_ref() == Some(key), node)
        })?;
        if !with_rt(|rt| rt.observer.get().is_some()) {
            // Nobody to wake later: no node for this key.
            return Ok(selected);
        }
        // A key's node leaves the map when it is freed (the sweep does both), so one in the
        // map is alive while the selector is.
        let node = match node {
            Some(n) => n,
            None => self.node_for(key)?,
        };
        node.try_with(|_| ())?;
        Ok(selected)
    }

    /// Frees the selector and every key's node; later use is an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{selector, signal};
    /// let sel = selector(move || 1);
    /// sel.dispose();
    /// assert!(sel.is_disposed());
    /// ```
    pub fn dispose(self) {
        if let Ok(owner) = self.keys.try_with_untracked(|s| s.owner) {
            owner.dispose()
        }
    }

    /// Whether the selector was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{selector, Owner};
    /// let owner = Owner::new();
    /// let sel = owner.with(|| selector(|| 0u8));
    /// assert!(!sel.is_disposed());
    /// owner.dispose();
    /// assert!(sel.is_disposed());
    /// ```
    pub fn is_disposed(&self) -> bool {
        self.keys.is_disposed()
    }

    /// A new node for `key` (owned by the selector, not by the reader: two readers of one
    /// key share it), sweeping unread nodes first when the keys have doubled.
    fn node_for(&self, key: &K) -> Result<Signal<()>, ReactiveError> {
        let owner = self.keys.try_update_untracked(|s| {
            if s.nodes.len() >= s.sweep_at {
                // Freeing a key's node runs no user code (it owns nothing, has no cleanup).
                s.nodes.retain(|_, n| {
                    let read = n.subscribed();
                    if !read {
                        n.dispose();
                    }
                    read
                });
                s.sweep_at = (s.nodes.len() * 2).max(SWEEP_FLOOR);
            }
            s.owner
        })?;
        let node = owner.try_with(|| signal(()))?;
        self.keys.update_untracked(|s| {
            s.nodes.insert(key.clone(), node);
        });
        Ok(node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reactive::Observer;

    #[test]
    fn readers_subscribe_to_their_key_only_not_to_the_state() {
        let selected = signal(1u32);
        let sel = selector(move || selected.get());
        let readers: Vec<Observer> = (0..3).map(|_| Observer::new(|| {})).collect();
        for (k, o) in readers.iter().enumerate() {
            o.track(|| sel.is(&(k as u32)));
        }
        // Every reader in the state's subscribers would be woken by nothing, and disposing
        // each would scan that list: O(readers²) to clear a list.
        assert!(!sel.keys.subscribed());
        let nodes: Vec<Signal<()>> = sel
            .keys
            .with_untracked(|s| (0..3).map(|k| s.nodes[&k]).collect());
        assert!(nodes.iter().all(|n| n.subscribed()));
    }
}
