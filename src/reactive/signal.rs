//! `Signal<T>`: a writable value in the thread's graph; reads subscribe, writes notify.
//! Touches only the runtime.

use std::any::Any;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use super::error::{Location, ReactiveError};
use super::handle::{site, Marker, Raw};
use super::runtime::{with_rt, Kind, State};

/// A writable reactive value owned by this thread's graph.
///
/// `Copy` and 8 bytes (release builds): capture it in as many closures as you like. It is
/// `!Send`: a signal belongs to the thread that created it. Reading it inside an effect,
/// memo or [`Observer::track`](super::Observer::track) subscribes that reader; every write
/// notifies the subscribers (memos then filter out unchanged values).
///
/// # Examples
///
/// ```
/// use vango::reactive::signal;
/// let count = signal(0);
/// count.set(2);
/// count.update(|n| *n += 1);
/// assert_eq!(count.get(), 3);
/// ```
pub struct Signal<T> {
    raw: Raw,
    _t: Marker<T>,
}

impl<T> Clone for Signal<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Signal<T> {}
impl<T> PartialEq for Signal<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw.id == other.raw.id
    }
}
impl<T> Eq for Signal<T> {}
impl<T> std::hash::Hash for Signal<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.raw.id.hash(state)
    }
}
impl<T> std::fmt::Debug for Signal<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signal({:?})", self.raw)
    }
}

/// Creates a signal owned by the current [`Owner`](super::Owner) (if any).
///
/// # Examples
///
/// ```
/// let name = vango::reactive::signal(String::from("Ada"));
/// assert_eq!(name.with(|s| s.len()), 3);
/// ```
#[cfg_attr(debug_assertions, track_caller)]
pub fn signal<T: 'static>(value: T) -> Signal<T> {
    let site = site();
    let cell: Rc<dyn Any> = Rc::new(RefCell::new(value));
    let id = with_rt(|rt| rt.alloc(Kind::Signal(cell), State::Clean, site));
    Signal {
        raw: Raw::new(id, site),
        _t: PhantomData,
    }
}

impl<T: 'static> Signal<T> {
    /// The value cell, subscribing the running observer when `track`.
    #[inline]
    fn cell(&self, track: bool) -> Option<Rc<dyn Any>> {
        with_rt(|rt| {
            let mut a = rt.arena.borrow_mut();
            let v = match &a.get(self.raw.id)?.kind {
                Kind::Signal(v) => v.clone(),
                _ => return None,
            };
            if track {
                rt.track(&mut a, self.raw.id);
            }
            Some(v)
        })
    }

    #[inline]
    fn read<R>(
        &self,
        track: bool,
        used: Location,
        f: impl FnOnce(&T) -> R,
    ) -> Result<R, ReactiveError> {
        let v = self.cell(track).ok_or_else(|| self.raw.disposed(used))?;
        let cell = v
            .downcast_ref::<RefCell<T>>()
            .expect("signal holds its own type");
        let b = cell
            .try_borrow()
            .unwrap_or_else(|_| panic!("signal read inside its own update closure (at {used})"));
        Ok(f(&b))
    }

    #[inline]
    fn write<R>(
        &self,
        notify: bool,
        used: Location,
        f: impl FnOnce(&mut T) -> R,
    ) -> Result<R, ReactiveError> {
        with_rt(|rt| {
            let v = match &rt.arena.borrow().get(self.raw.id).map(|s| &s.kind) {
                Some(Kind::Signal(v)) => v.clone(),
                _ => return Err(self.raw.disposed(used)),
            };
            let r = {
                let cell = v
                    .downcast_ref::<RefCell<T>>()
                    .expect("signal holds its own type");
                let mut b = cell.try_borrow_mut().unwrap_or_else(|_| {
                    panic!("signal written while it is being read or updated (at {used})")
                });
                f(&mut b)
            };
            drop(v);
            if notify {
                rt.notify(self.raw.id);
            }
            Ok(r)
        })
    }

    /// Tracked read of a clone of the value. Panics if the signal was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{memo, signal};
    /// let n = signal(2);
    /// let double = memo(move || n.get() * 2); // `get` subscribes the memo
    /// n.set(5);
    /// assert_eq!(double.get(), 10);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn get(&self) -> T
    where
        T: Clone,
    {
        match self.read(true, Location::caller(), T::clone) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// Tracked read by reference. Panics if the signal was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::signal;
    /// let names = signal(vec!["ada".to_string(), "grace".to_string()]);
    /// // No clone of the vector: read it in place.
    /// assert_eq!(names.with(|v| v.len()), 2);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        match self.read(true, Location::caller(), f) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// Read of a clone of the value that does not subscribe the running observer.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{memo, signal};
    /// let (a, b) = (signal(1), signal(10));
    /// let sum = memo(move || a.get() + b.get_untracked());
    /// assert_eq!(sum.get(), 11);
    /// b.set(20); // not a dependency: the memo keeps its value
    /// assert_eq!(sum.get(), 11);
    /// a.set(2);
    /// assert_eq!(sum.get(), 22);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn get_untracked(&self) -> T
    where
        T: Clone,
    {
        match self.read(false, Location::caller(), T::clone) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// Read by reference that does not subscribe the running observer.
    ///
    /// # Examples
    ///
    /// ```
    /// let log = vango::reactive::signal(vec!["started"]);
    /// assert_eq!(log.with_untracked(|l| l[0]), "started");
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        match self.read(false, Location::caller(), f) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// Replaces the value and notifies subscribers (always, even if equal).
    ///
    /// # Examples
    ///
    /// ```
    /// let name = vango::reactive::signal(String::from("ada"));
    /// name.set("grace".into());
    /// assert_eq!(name.get(), "grace");
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn set(&self, value: T) {
        if let Err(e) = self.write(true, Location::caller(), |v| *v = value) {
            panic!("{e}")
        }
    }

    /// Mutates the value in place and notifies subscribers.
    ///
    /// # Examples
    ///
    /// ```
    /// let todos = vango::reactive::signal(vec!["milk"]);
    /// todos.update(|v| v.push("eggs"));
    /// assert_eq!(todos.get(), ["milk", "eggs"]);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn update(&self, f: impl FnOnce(&mut T)) {
        if let Err(e) = self.write(true, Location::caller(), f) {
            panic!("{e}")
        }
    }

    /// Mutates the value in place, returns `f`'s result and notifies subscribers.
    ///
    /// # Examples
    ///
    /// ```
    /// let queue = vango::reactive::signal(vec![1, 2, 3]);
    /// let first = queue.update_with(|q| q.remove(0));
    /// assert_eq!((first, queue.get()), (1, vec![2, 3]));
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn update_with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        match self.write(true, Location::caller(), f) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// Replaces the value without notifying anyone.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{effect, signal};
    /// let n = signal(0);
    /// let runs = signal(0);
    /// effect(move || { n.get(); runs.update_untracked(|r| *r += 1); });
    /// n.set_untracked(5); // no one hears it
    /// assert_eq!((n.get(), runs.get()), (5, 1));
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn set_untracked(&self, value: T) {
        if let Err(e) = self.write(false, Location::caller(), |v| *v = value) {
            panic!("{e}")
        }
    }

    /// Mutates the value without notifying anyone.
    ///
    /// # Examples
    ///
    /// ```
    /// let cache = vango::reactive::signal(Vec::<u32>::new());
    /// cache.update_untracked(|c| c.push(1)); // bookkeeping no render needs to see
    /// assert_eq!(cache.get(), [1]);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn update_untracked(&self, f: impl FnOnce(&mut T)) {
        if let Err(e) = self.write(false, Location::caller(), f) {
            panic!("{e}")
        }
    }

    /// Notifies subscribers as if the value had been written.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{effect, signal};
    /// let n = signal(0);
    /// let runs = signal(0);
    /// effect(move || { n.get(); runs.update_untracked(|r| *r += 1); });
    /// n.update_untracked(|v| *v = 3);
    /// n.notify(); // now tell them
    /// assert_eq!(runs.get(), 2);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn notify(&self) {
        if let Err(e) = self.write(true, Location::caller(), |_| ()) {
            panic!("{e}")
        }
    }

    /// Like [`get`](Self::get), but an error instead of a panic after disposal.
    ///
    /// # Examples
    ///
    /// ```
    /// let s = vango::reactive::signal(1);
    /// s.dispose();
    /// assert!(s.try_get().is_err());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn try_get(&self) -> Result<T, ReactiveError>
    where
        T: Clone,
    {
        self.read(true, Location::caller(), T::clone)
    }

    /// Like [`with`](Self::with), but an error instead of a panic after disposal.
    ///
    /// # Examples
    ///
    /// ```
    /// let s = vango::reactive::signal(vec![1, 2]);
    /// assert_eq!(s.try_with(|v| v.len()), Ok(2));
    /// s.dispose();
    /// assert!(s.try_with(|v| v.len()).is_err());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn try_with<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R, ReactiveError> {
        self.read(true, Location::caller(), f)
    }

    /// Like [`set`](Self::set), but an error instead of a panic after disposal.
    ///
    /// # Examples
    ///
    /// ```
    /// let s = vango::reactive::signal(1);
    /// assert!(s.try_set(2).is_ok());
    /// s.dispose();
    /// assert!(s.try_set(3).is_err(), "no panic after disposal");
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn try_set(&self, value: T) -> Result<(), ReactiveError> {
        self.write(true, Location::caller(), |v| *v = value)
    }

    /// Like [`update`](Self::update), but an error instead of a panic after disposal.
    ///
    /// # Examples
    ///
    /// ```
    /// let s = vango::reactive::signal(1);
    /// assert_eq!(s.try_update(|v| { *v += 1; *v }), Ok(2));
    /// s.dispose();
    /// assert!(s.try_update(|v| *v += 1).is_err());
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn try_update<R>(&self, f: impl FnOnce(&mut T) -> R) -> Result<R, ReactiveError> {
        self.write(true, Location::caller(), f)
    }

    /// `with_untracked` with an error instead of a panic after disposal.
    pub(crate) fn try_with_untracked<R>(
        &self,
        f: impl FnOnce(&T) -> R,
    ) -> Result<R, ReactiveError> {
        self.read(false, Location::caller(), f)
    }

    /// `update_untracked` with an error instead of a panic after disposal.
    pub(crate) fn try_update_untracked<R>(
        &self,
        f: impl FnOnce(&mut T) -> R,
    ) -> Result<R, ReactiveError> {
        self.write(false, Location::caller(), f)
    }

    /// Whether some reader is subscribed to the signal now.
    pub(crate) fn subscribed(&self) -> bool {
        with_rt(|rt| {
            rt.arena
                .borrow()
                .get(self.raw.id)
                .is_some_and(|s| !s.subs.is_empty())
        })
    }

    /// Frees the signal now (its owner would otherwise do it); later use is an error.
    ///
    /// # Examples
    ///
    /// ```
    /// let s = vango::reactive::signal(1);
    /// s.dispose();
    /// assert!(s.is_disposed());
    /// ```
    pub fn dispose(self) {
        with_rt(|rt| rt.dispose(self.raw.id))
    }

    /// Whether the signal was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{signal, Owner};
    /// let owner = Owner::new();
    /// let s = owner.with(|| signal(0));
    /// assert!(!s.is_disposed());
    /// owner.dispose(); // a component unmounting frees its signals
    /// assert!(s.is_disposed());
    /// ```
    pub fn is_disposed(&self) -> bool {
        !with_rt(|rt| rt.is_alive(self.raw.id))
    }
}
