//! Named signals for the dev panel: [`Signal::debug_name`] registers a signal whose value
//! the panel shows (through `Debug`); the live layer takes the new names after each step.
//! Off (nothing registered, nothing kept) unless the dev layer switched it on.
//!
//! Touches only its own thread-local and the signal's untracked read.

use std::cell::RefCell;
use std::fmt::Debug;
use std::sync::atomic::{AtomicBool, Ordering};

use super::flush::untrack;
use super::signal::Signal;

/// Reads a named signal's current value as `Debug` text (`None` once it is disposed).
///
/// # Examples
///
/// ```
/// use vango::reactive::{dev_names, signal};
/// dev_names::set_on(true);
/// let s = signal(vec![1, 2]).debug_name("items");
/// let (name, read): (String, dev_names::Reader) = dev_names::take_new().remove(0);
/// s.update(|v| v.push(3));
/// assert_eq!((name.as_str(), read()), ("items", Some("[1, 2, 3]".to_owned())));
/// # dev_names::set_on(false);
/// ```
pub type Reader = Box<dyn Fn() -> Option<String>>;

static ON: AtomicBool = AtomicBool::new(false);

/// The bound on names registered and not taken yet.
const MAX_NEW: usize = 256;

thread_local! {
    static NEW: RefCell<Vec<(String, Reader)>> = const { RefCell::new(Vec::new()) };
}

/// Turns the registry on or off (the dev layer does, in dev mode only).
///
/// # Examples
///
/// ```
/// use vango::reactive::{dev_names, signal};
/// dev_names::set_on(true);
/// let n = signal(3).debug_name("n");
/// let named = dev_names::take_new();
/// assert_eq!((named[0].0.as_str(), (named[0].1)()), ("n", Some("3".to_owned())));
/// n.set(4);
/// assert_eq!((named[0].1)(), Some("4".to_owned()));
/// dev_names::set_on(false);
/// ```
pub fn set_on(on: bool) {
    ON.store(on, Ordering::Relaxed);
}

/// The signals named on this thread since the last call, in order.
///
/// # Examples
///
/// ```
/// use vango::reactive::{dev_names, signal};
/// dev_names::set_on(true);
/// let _a = signal(1).debug_name("a");
/// let _b = signal(2).debug_name("b");
/// let names: Vec<String> = dev_names::take_new().into_iter().map(|(n, _)| n).collect();
/// assert_eq!(names, ["a", "b"]);
/// assert!(dev_names::take_new().is_empty(), "taken once");
/// # dev_names::set_on(false);
/// ```
pub fn take_new() -> Vec<(String, Reader)> {
    NEW.with(|n| std::mem::take(&mut *n.borrow_mut()))
}

impl<T: Debug + 'static> Signal<T> {
    /// Names this signal for the dev panel, which then lists it with its current value
    /// (`{:?}`). Costs nothing outside dev mode.
    ///
    /// # Examples
    ///
    /// ```
    /// let count = vango::reactive::signal(0).debug_name("count");
    /// count.set(1);
    /// assert_eq!(count.get(), 1);
    /// ```
    pub fn debug_name(self, name: &str) -> Self {
        if ON.load(Ordering::Relaxed) {
            let reader: Reader =
                Box::new(move || untrack(|| self.try_with(|v| format!("{v:?}")).ok()));
            NEW.with(|n| {
                let mut n = n.borrow_mut();
                if n.len() < MAX_NEW {
                    n.push((name.to_owned(), reader));
                }
            });
        }
        self
    }
}
