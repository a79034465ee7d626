//! `effect` and `on_cleanup`: side effects that re-run after what they read changed.
//! Touches only the runtime.

use std::any::Any;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use super::flush::deferred;
use super::handle::{site, Raw};
use super::runtime::{with_rt, Compute, Kind, State};

/// Handle to a running effect; `Copy`, `!Send`. Dropping it does nothing: the effect
/// lives until [`dispose`](Effect::dispose) or until its owner is disposed.
///
/// # Examples
///
/// ```
/// use vango::reactive::{effect, signal};
/// let n = signal(1);
/// let seen = signal(0);
/// let e = effect(move || seen.set(n.get()));
/// n.set(2);
/// assert_eq!(seen.get(), 2);
/// e.dispose();
/// n.set(3);
/// assert_eq!(seen.get(), 2, "a disposed effect no longer runs");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Effect {
    raw: Raw,
    _t: PhantomData<*const ()>,
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Effect({:?})", self.raw)
    }
}

struct EffectState<F> {
    f: RefCell<F>,
}

impl<F: FnMut()> Compute for EffectState<F> {
    fn run(&self) -> bool {
        let mut f = self
            .f
            .try_borrow_mut()
            .expect("effect re-entered while it was running");
        f();
        true
    }

    fn value(&self) -> &dyn Any {
        &()
    }
}

/// Runs `f` now, then again (at the end of the outermost write or [`batch`](super::batch))
/// every time something it read changed.
///
/// Writes done by `f` are fine; a cycle that never settles panics with "effect loop"
/// after [`MAX_FLUSH_ROUNDS`](super::MAX_FLUSH_ROUNDS). Nodes created inside `f` and
/// [`on_cleanup`] callbacks registered by it are disposed before the next run.
///
/// A panic inside `f` propagates out of the write (or `batch`) that triggered the flush;
/// the graph stays usable, and effects still queued in that flush wait for their next
/// change.
///
/// # Examples
///
/// ```
/// use vango::reactive::{effect, signal};
/// let n = signal(1);
/// let seen = signal(Vec::new());
/// effect(move || { let v = n.get(); seen.update_untracked(|s| s.push(v)); });
/// n.set(2);
/// assert_eq!(seen.get_untracked(), vec![1, 2]);
/// ```
#[cfg_attr(debug_assertions, track_caller)]
pub fn effect(f: impl FnMut() + 'static) -> Effect {
    let site = site();
    let state: Rc<dyn Compute> = Rc::new(EffectState { f: RefCell::new(f) });
    with_rt(|rt| {
        let id = rt.alloc(Kind::Effect(state.clone()), State::Dirty, site);
        deferred(rt, || rt.run_computation(id, &*state));
        Effect {
            raw: Raw::new(id, site),
            _t: PhantomData,
        }
    })
}

impl Effect {
    /// Stops the effect: runs its cleanups, disposes what it owns, unsubscribes it.
    /// A no-op if it is already disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::{effect, signal};
    /// let n = signal(0);
    /// let runs = signal(0);
    /// let e = effect(move || { n.get(); runs.update_untracked(|r| *r += 1); });
    /// e.dispose();
    /// n.set(1);
    /// assert_eq!(runs.get(), 1);
    /// ```
    pub fn dispose(self) {
        with_rt(|rt| rt.dispose(self.raw.id))
    }

    /// Whether the effect was disposed.
    ///
    /// # Examples
    ///
    /// ```
    /// let e = vango::reactive::effect(|| {});
    /// assert!(!e.is_disposed());
    /// e.dispose();
    /// assert!(e.is_disposed());
    /// ```
    pub fn is_disposed(&self) -> bool {
        !with_rt(|rt| rt.is_alive(self.raw.id))
    }
}

/// Registers `f` to run when the current scope ends: inside an effect (or memo), before
/// its next run and when it is disposed; otherwise when the current
/// [`Owner`](super::Owner) is disposed. Cleanups run in reverse creation order,
/// interleaved with the disposal of nodes created in the same scope. With no owner at
/// all, `f` is dropped without running.
///
/// # Examples
///
/// ```
/// use vango::reactive::{on_cleanup, signal, Owner};
/// let log = signal(Vec::new());
/// let owner = Owner::new();
/// owner.with(|| on_cleanup(move || log.update(|l| l.push("bye"))));
/// owner.dispose();
/// assert_eq!(log.get(), vec!["bye"]);
/// ```
pub fn on_cleanup(f: impl FnOnce() + 'static) {
    with_rt(|rt| rt.on_cleanup(Box::new(f)))
}
