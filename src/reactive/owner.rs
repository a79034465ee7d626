//! `Owner`: the scope tree that owns nodes and cleanups and frees them on dispose.
//! Touches only the runtime.

use std::marker::PhantomData;

use super::arena::Context;
use super::error::{Location, ReactiveError};
use super::handle::{site, Raw};
use super::runtime::{with_rt, Kind, Restore};

/// A scope that owns every signal, memo, effect, observer, child owner and cleanup created
/// while it is current. Disposing it disposes all of them, deepest and newest first, and
/// returns their arena slots for reuse. `Copy`, `!Send`.
///
/// Effects and memos are owners too, for what their body creates; inside one,
/// [`Owner::current`] returns it.
///
/// # Examples
///
/// ```
/// use vango::reactive::{effect, signal, Owner};
/// let hits = signal(0);
/// let source = signal(0);
/// let component = Owner::new();
/// component.with(|| { effect(move || { source.get(); hits.update_untracked(|h| *h += 1); }); });
/// component.dispose();
/// source.set(1); // the effect is gone
/// assert_eq!(hits.get(), 1);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Owner {
    raw: Raw,
    _t: PhantomData<*const ()>,
}

impl std::fmt::Debug for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Owner({:?})", self.raw)
    }
}

impl Default for Owner {
    #[cfg_attr(debug_assertions, track_caller)]
    fn default() -> Self {
        Owner::new()
    }
}

/// The context values an owner provided itself, as [`Owner::own_context`] saw them.
pub(crate) struct OwnContext(Option<Box<Context>>);

impl Owner {
    /// The node's handle, for the runtime's own types (`Observer::over`).
    pub(crate) fn raw(&self) -> Raw {
        self.raw
    }

    /// A new owner, child of the current owner (a root if there is none).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::Owner;
    /// let page = Owner::new();
    /// let widget = page.with(Owner::new); // a child of `page`
    /// page.dispose();
    /// assert!(widget.is_disposed());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn new() -> Owner {
        let site = site();
        let id = with_rt(|rt| rt.alloc_in(Kind::Owner, rt.owner.get(), site));
        Owner {
            raw: Raw::new(id, site),
            _t: PhantomData,
        }
    }

    /// A new root owner, whatever is current (e.g. one per session).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::Owner;
    /// let page = Owner::new();
    /// let session = page.with(Owner::new_root); // not a child, though created inside
    /// page.dispose();
    /// assert!(!session.is_disposed());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn new_root() -> Owner {
        let site = site();
        let id = with_rt(|rt| rt.alloc_in(Kind::Owner, None, site));
        Owner {
            raw: Raw::new(id, site),
            _t: PhantomData,
        }
    }

    /// Runs `f` with this owner current. Panics if it was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{signal, Owner};
    /// let owner = Owner::new();
    /// let s = owner.with(|| signal(5));
    /// assert_eq!(owner.with(|| s.get() * 2), 10);
    /// owner.dispose();
    /// assert!(s.is_disposed());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        match self.try_with(f) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`with`](Self::with), but an error (and `f` not run) after disposal.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::Owner;
    /// let owner = Owner::new();
    /// assert_eq!(owner.try_with(|| 1), Ok(1));
    /// owner.dispose();
    /// assert!(owner.try_with(|| 1).is_err(), "no panic, and the closure did not run");
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn try_with<R>(&self, f: impl FnOnce() -> R) -> Result<R, ReactiveError> {
        let used = Location::caller();
        with_rt(|rt| {
            if !rt.is_alive(self.raw.id) {
                return Err(self.raw.disposed(used));
            }
            let _g = Restore::set(&rt.owner, Some(self.raw.id));
            Ok(f())
        })
    }

    /// Disposes everything this owner owns, then the owner itself: child owners, nodes
    /// and cleanups in reverse creation order. A no-op if it is already disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{on_cleanup, signal, Owner};
    /// let log = signal(Vec::new());
    /// let owner = Owner::new();
    /// owner.with(|| {
    ///     on_cleanup(move || log.update(|l| l.push("first")));
    ///     on_cleanup(move || log.update(|l| l.push("second")));
    /// });
    /// owner.dispose();
    /// assert_eq!(log.get(), ["second", "first"], "newest first");
    /// ```
    pub fn dispose(self) {
        with_rt(|rt| rt.dispose(self.raw.id))
    }

    /// Disposes everything this owner owns but keeps the owner usable (e.g. before a
    /// component's setup runs again).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{signal, Owner};
    /// let owner = Owner::new();
    /// let old = owner.with(|| signal(1));
    /// owner.dispose_children(); // e.g. before setup runs again
    /// let new = owner.with(|| signal(2));
    /// assert!(old.is_disposed() && !new.is_disposed());
    /// assert!(!owner.is_disposed());
    /// ```
    pub fn dispose_children(&self) {
        with_rt(|rt| rt.dispose_owned(self.raw.id))
    }

    /// Whether it owns nothing yet: no node, no cleanup (a component's owner before its
    /// setup runs). A disposed owner owns nothing.
    pub(crate) fn owns_nothing(&self) -> bool {
        with_rt(|rt| {
            rt.arena
                .borrow()
                .get(self.raw.id)
                .is_none_or(|s| s.owned.is_empty())
        })
    }

    /// The context values it provided itself, to put back with
    /// [`restore_context`](Self::restore_context) (the values are shared, not copied).
    pub(crate) fn own_context(&self) -> OwnContext {
        with_rt(|rt| {
            let a = rt.arena.borrow();
            OwnContext(a.get(self.raw.id).and_then(|s| s.context.clone()))
        })
    }

    /// Puts back the context values [`own_context`](Self::own_context) returned: what was
    /// provided since is dropped.
    pub(crate) fn restore_context(&self, ctx: OwnContext) {
        let replaced = with_rt(|rt| match rt.arena.borrow_mut().get_mut(self.raw.id) {
            Some(s) => std::mem::replace(&mut s.context, ctx.0),
            None => ctx.0,
        });
        // Dropped outside the arena's borrow: a value's drop may touch the runtime.
        drop(replaced);
    }

    /// Whether the owner was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::Owner;
    /// let owner = Owner::new();
    /// assert!(!owner.is_disposed());
    /// owner.dispose();
    /// assert!(owner.is_disposed());
    /// owner.dispose(); // a no-op the second time
    /// ```
    pub fn is_disposed(&self) -> bool {
        !with_rt(|rt| rt.is_alive(self.raw.id))
    }

    /// Provides under the current owner every context value this owner provided itself
    /// (not its ancestors'), replacing values of the same types: what a setup run under
    /// an owner of its own provided reaches the components mounted under the current one.
    pub(crate) fn share_context(&self) {
        with_rt(|rt| {
            let Some(to) = rt.owner.get() else { return };
            if to == self.raw.id {
                return;
            }
            let mut replaced = Vec::new();
            {
                let mut a = rt.arena.borrow_mut();
                let Some(from) = a.get(self.raw.id).and_then(|s| s.context.clone()) else {
                    return;
                };
                let Some(s) = a.get_mut(to) else { return };
                let ctx = s.context.get_or_insert_with(Default::default);
                for (t, v) in from.iter() {
                    match ctx.iter_mut().find(|(u, _)| u == t) {
                        Some((_, slot)) => replaced.push(std::mem::replace(slot, v.clone())),
                        None => ctx.push((*t, v.clone())),
                    }
                }
            }
            // Dropped outside the arena's borrow: a value's drop may touch the runtime.
            drop(replaced);
        })
    }

    /// The owner of whatever is created now, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::Owner;
    /// assert_eq!(Owner::current(), None);
    /// let owner = Owner::new();
    /// assert_eq!(owner.with(Owner::current), Some(owner));
    /// ```
    pub fn current() -> Option<Owner> {
        with_rt(|rt| {
            let id = rt.owner.get()?;
            let a = rt.arena.borrow();
            let s = a.get(id)?;
            Some(Owner {
                raw: Raw::new(id, s.site),
                _t: PhantomData,
            })
        })
    }
}
