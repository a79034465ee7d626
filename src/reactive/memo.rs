//! `Memo<T>`: a lazy, cached derived value that wakes its readers only when it changed.
//! Touches only the runtime.

use std::any::Any;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use super::error::{Location, ReactiveError};
use super::handle::{site, Marker, Raw};
use super::runtime::{with_rt, Compute, Kind, State};

/// A derived value: computed on first read, cached, recomputed only after one of the
/// values it read changed, and its readers are woken only if the result differs (`!=`).
///
/// `Copy` and `!Send`, like [`Signal`](super::Signal).
///
/// # Examples
///
/// ```
/// use vango::reactive::{memo, signal};
/// let n = signal(3);
/// let even = memo(move || n.get() % 2 == 0);
/// assert!(!even.get());
/// n.set(4);
/// assert!(even.get());
/// ```
pub struct Memo<T> {
    raw: Raw,
    _t: Marker<T>,
}

impl<T> Clone for Memo<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Memo<T> {}
impl<T> PartialEq for Memo<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw.id == other.raw.id
    }
}
impl<T> Eq for Memo<T> {}
impl<T> std::hash::Hash for Memo<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.raw.id.hash(state)
    }
}
impl<T> std::fmt::Debug for Memo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Memo({:?})", self.raw)
    }
}

struct MemoState<T, F> {
    f: F,
    value: RefCell<Option<T>>,
}

impl<T: PartialEq + 'static, F: Fn() -> T> Compute for MemoState<T, F> {
    fn run(&self) -> bool {
        let new = (self.f)();
        let mut v = self
            .value
            .try_borrow_mut()
            .expect("memo recomputed while its value is borrowed by its own `with` closure");
        if v.as_ref() == Some(&new) {
            false
        } else {
            *v = Some(new);
            true
        }
    }

    fn value(&self) -> &dyn Any {
        &self.value
    }
}

/// Creates a memo owned by the current [`Owner`](super::Owner). Nothing runs until the
/// first read.
///
/// Nodes created inside `f` are owned by the memo and disposed before each recompute.
///
/// # Examples
///
/// ```
/// use vango::reactive::{memo, signal};
/// let items = signal(vec![3, 1, 2]);
/// let sorted = memo(move || {
///     let mut v = items.get();
///     v.sort();
///     v
/// });
/// assert_eq!(sorted.get(), [1, 2, 3]);
/// items.update(|v| v.push(0));
/// assert_eq!(sorted.get(), [0, 1, 2, 3]);
/// ```
#[cfg_attr(debug_assertions, track_caller)]
pub fn memo<T: PartialEq + 'static>(f: impl Fn() -> T + 'static) -> Memo<T> {
    let site = site();
    let state: Rc<dyn Compute> = Rc::new(MemoState {
        f,
        value: RefCell::new(None),
    });
    let id = with_rt(|rt| rt.alloc(Kind::Memo(state), State::Dirty, site));
    Memo {
        raw: Raw::new(id, site),
        _t: PhantomData,
    }
}

impl<T: 'static> Memo<T> {
    fn read<R>(
        &self,
        track: bool,
        used: Location,
        f: impl FnOnce(&T) -> R,
    ) -> Result<R, ReactiveError> {
        let id = self.raw.id;
        let c = with_rt(|rt| {
            rt.update_if_necessary(id);
            let mut a = rt.arena.borrow_mut();
            let c = match &a.get(id)?.kind {
                Kind::Memo(c) => c.clone(),
                _ => return None,
            };
            if track {
                rt.track(&mut a, id);
            }
            Some(c)
        })
        .ok_or_else(|| self.raw.disposed(used))?;
        let cell = c
            .value()
            .downcast_ref::<RefCell<Option<T>>>()
            .expect("memo holds its own type");
        let b = cell.borrow();
        Ok(f(b.as_ref().expect("memo value computed before read")))
    }

    /// Tracked read of a clone of the value. Panics if the memo was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{memo, signal};
    /// let n = signal(3);
    /// let square = memo(move || n.get() * n.get());
    /// assert_eq!(square.get(), 9);
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

    /// Tracked read by reference. Panics if the memo was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{memo, signal};
    /// let words = signal("a b c".to_string());
    /// let split = memo(move || words.with(|w| w.split(' ').map(String::from).collect::<Vec<_>>()));
    /// assert_eq!(split.with(|v| v.len()), 3);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        match self.read(true, Location::caller(), f) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// Read of a clone that does not subscribe the running observer.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{memo, signal};
    /// let n = signal(1);
    /// let next = memo(move || n.get() + 1);
    /// assert_eq!(next.get_untracked(), 2);
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
    /// use vango::reactive::{memo, signal};
    /// let n = signal(vec![1, 2]);
    /// let total = memo(move || n.with(|v| v.iter().sum::<i32>()));
    /// assert_eq!(total.with_untracked(|t| *t), 3);
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        match self.read(false, Location::caller(), f) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`get`](Self::get), but an error instead of a panic after disposal.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{memo, signal};
    /// let n = signal(1);
    /// let m = memo(move || n.get());
    /// assert_eq!(m.try_get(), Ok(1));
    /// m.dispose();
    /// assert!(m.try_get().is_err());
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
    /// use vango::reactive::{memo, signal};
    /// let n = signal(2);
    /// let m = memo(move || n.get() * 10);
    /// assert_eq!(m.try_with(|v| *v), Ok(20));
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    pub fn try_with<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R, ReactiveError> {
        self.read(true, Location::caller(), f)
    }

    /// Frees the memo now; later use is an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{memo, signal};
    /// let n = signal(1);
    /// let m = memo(move || n.get());
    /// m.dispose();
    /// assert!(m.is_disposed());
    /// ```
    pub fn dispose(self) {
        with_rt(|rt| rt.dispose(self.raw.id))
    }

    /// Whether the memo was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{memo, signal, Owner};
    /// let owner = Owner::new();
    /// let m = owner.with(|| memo(|| 1));
    /// assert!(!m.is_disposed());
    /// owner.dispose();
    /// assert!(m.is_disposed());
    /// ```
    pub fn is_disposed(&self) -> bool {
        !with_rt(|rt| rt.is_alive(self.raw.id))
    }
}
