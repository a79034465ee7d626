//! `Observer`: a tracking scope that reports "stale" instead of re-running itself.
//! Touches only the runtime.

use std::marker::PhantomData;
use std::rc::Rc;

use super::error::{Location, ReactiveError};
use super::handle::{site, Raw};
use super::owner::Owner;
use super::runtime::{with_rt, Kind, Restore, State};

/// A tracking scope for code that re-runs on its own schedule (a component's render):
/// [`track`](Observer::track) records what a closure read, and `on_dirty` is called at
/// flush time, at most once until the next `track`, when one of those values has really
/// changed (memo equality respected, glitch-free). `Copy`, `!Send`; owned by the owner
/// current at creation.
///
/// Nodes created inside `track` belong to the current [`Owner`](super::Owner), not to
/// the observer: re-tracking does not dispose them.
///
/// # Examples
///
/// ```
/// use vango::reactive::{signal, Observer};
/// let stale = signal(false);
/// let count = signal(0);
/// let render = Observer::new(move || stale.set(true));
/// let html = render.track(|| format!("<b>{}</b>", count.get()));
/// assert_eq!(html, "<b>0</b>");
/// count.set(1);
/// assert!(stale.get());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Observer {
    raw: Raw,
    _t: PhantomData<*const ()>,
}

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Observer({:?})", self.raw)
    }
}

impl Observer {
    /// Makes `owner`'s own node observe too, with `on_dirty`: one reactive node where a
    /// component needs two, the owner of what its setup created and the observer of what
    /// its render reads. That is sound because an observer never re-runs and never
    /// disposes what it owns; `owner` keeps working as the owner, and disposing either
    /// handle disposes the node. A disposed `owner` gives a disposed observer.
    pub(crate) fn over(owner: Owner, on_dirty: impl Fn() + 'static) -> Observer {
        let raw = owner.raw();
        with_rt(|rt| {
            let mut a = rt.arena.borrow_mut();
            if let Some(s) = a.get_mut(raw.id) {
                if matches!(s.kind, Kind::Owner) {
                    s.kind = Kind::Observer(Rc::new(on_dirty));
                    s.state = State::Clean;
                }
            }
        });
        Observer {
            raw,
            _t: PhantomData,
        }
    }

    /// A new observer owned by the current owner; it tracks nothing until `track`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{cell::Cell, rc::Rc};
    /// use vango::reactive::{signal, Observer};
    /// let calls = Rc::new(Cell::new(0));
    /// let c = calls.clone();
    /// let obs = Observer::new(move || c.set(c.get() + 1));
    /// let name = signal("ada");
    /// obs.track(|| name.get());
    /// name.set("bob");
    /// name.set("cy"); // still dirty: on_dirty is not called again before the next track
    /// assert_eq!(calls.get(), 1);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn new(on_dirty: impl Fn() + 'static) -> Observer {
        let site = site();
        let f: Rc<dyn Fn()> = Rc::new(on_dirty);
        let id = with_rt(|rt| rt.alloc(Kind::Observer(f), State::Clean, site));
        Observer {
            raw: Raw::new(id, site),
            _t: PhantomData,
        }
    }

    /// Runs `f`, subscribing to exactly what it read (previous subscriptions are dropped).
    /// Panics if the observer was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{signal, Observer};
    /// let (a, b) = (signal(1), signal(2));
    /// let obs = Observer::new(|| {});
    /// assert_eq!(obs.track(|| a.get()), 1);
    /// assert_eq!(obs.track(|| b.get()), 2); // now subscribed to `b` only
    /// a.set(10);
    /// assert!(!obs.is_dirty());
    /// b.set(20);
    /// assert!(obs.is_dirty());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn track<R>(&self, f: impl FnOnce() -> R) -> R {
        match self.try_track(f) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`track`](Self::track), but an error (and `f` not run) after disposal.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{signal, Observer};
    /// let n = signal(1);
    /// let obs = Observer::new(|| {});
    /// assert_eq!(obs.try_track(|| n.get()), Ok(1));
    /// obs.dispose();
    /// assert!(obs.try_track(|| n.get()).is_err());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn try_track<R>(&self, f: impl FnOnce() -> R) -> Result<R, ReactiveError> {
        let used = Location::caller();
        let id = self.raw.id;
        with_rt(|rt| {
            {
                let mut a = rt.arena.borrow_mut();
                let Some(s) = a.get_mut(id) else {
                    return Err(self.raw.disposed(used));
                };
                s.state = State::Clean;
                s.notified = false;
                s.computing = true;
                a.begin_tracking(id);
            }
            let _end = EndTracking { id };
            let _g = Restore::set(&rt.observer, Some(id));
            Ok(f())
        })
    }

    /// Whether something read by the last `track` changed since (`on_dirty` was called).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{memo, signal, Observer};
    /// let n = signal(2);
    /// let even = memo(move || n.get() % 2 == 0);
    /// let obs = Observer::new(|| {});
    /// obs.track(|| even.get());
    /// n.set(4); // the memo's value did not change
    /// assert!(!obs.is_dirty());
    /// n.set(5);
    /// assert!(obs.is_dirty());
    /// ```
    pub fn is_dirty(&self) -> bool {
        with_rt(|rt| {
            rt.arena
                .borrow()
                .get(self.raw.id)
                .is_some_and(|s| s.notified)
        })
    }

    /// Unsubscribes and frees the observer; a no-op if it is already disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{signal, Observer};
    /// let n = signal(0);
    /// let obs = Observer::new(|| panic!("not after dispose"));
    /// obs.track(|| n.get());
    /// obs.dispose();
    /// n.set(1); // no one is told
    /// assert!(obs.is_disposed());
    /// ```
    pub fn dispose(self) {
        with_rt(|rt| rt.dispose(self.raw.id))
    }

    /// Whether the observer was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{Observer, Owner};
    /// let owner = Owner::new();
    /// let obs = owner.with(|| Observer::new(|| {}));
    /// assert!(!obs.is_disposed());
    /// owner.dispose(); // the owner takes its observers along
    /// assert!(obs.is_disposed());
    /// ```
    pub fn is_disposed(&self) -> bool {
        !with_rt(|rt| rt.is_alive(self.raw.id))
    }
}

struct EndTracking {
    id: super::runtime::NodeId,
}

impl Drop for EndTracking {
    fn drop(&mut self) {
        with_rt(|rt| {
            let mut a = rt.arena.borrow_mut();
            a.end_tracking(self.id);
            if let Some(s) = a.get_mut(self.id) {
                s.computing = false;
            }
        });
    }
}
