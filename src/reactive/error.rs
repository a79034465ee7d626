//! Errors for handles used after disposal, with creation/use sites in debug builds.
//! Touches nothing else.

use std::fmt;

/// A source-code position (file:line:column), known in debug builds only.
///
/// Release builds keep handles small and print `unknown`.
///
/// # Examples
///
/// ```
/// use vango::reactive::{signal, Owner, ReactiveError};
/// let owner = Owner::new();
/// let s = owner.with(|| signal(0));
/// owner.dispose();
/// let Err(ReactiveError::Disposed { created, .. }) = s.try_get() else { panic!() };
/// // Debug builds name the line of `signal(0)`; release builds say "unknown".
/// assert_eq!(created.line().is_some(), cfg!(debug_assertions));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Location {
    inner: Option<&'static std::panic::Location<'static>>,
}

impl Location {
    /// The caller's position in debug builds, `unknown` in release builds.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::Location;
    /// #[track_caller]
    /// fn site() -> Location {
    ///     Location::caller()
    /// }
    /// let here = site();
    /// assert_eq!(here.line().is_some(), cfg!(debug_assertions));
    /// ```
    #[cfg_attr(debug_assertions, track_caller)]
    #[inline]
    pub fn caller() -> Location {
        #[cfg(debug_assertions)]
        {
            Location {
                inner: Some(std::panic::Location::caller()),
            }
        }
        #[cfg(not(debug_assertions))]
        {
            Location::UNKNOWN
        }
    }

    /// A position that was not recorded.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::Location;
    /// assert_eq!(Location::UNKNOWN.to_string(), "unknown");
    /// assert_eq!(Location::UNKNOWN.file(), None);
    /// ```
    pub const UNKNOWN: Location = Location { inner: None };

    #[cfg_attr(not(debug_assertions), allow(dead_code))]
    pub(crate) fn from_std(l: &'static std::panic::Location<'static>) -> Location {
        Location { inner: Some(l) }
    }

    /// The source file, if known.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::Location;
    /// let here = Location::caller();
    /// if cfg!(debug_assertions) {
    ///     assert!(here.file().is_some_and(|f| f.ends_with(".rs")));
    /// }
    /// ```
    pub fn file(&self) -> Option<&'static str> {
        self.inner.map(|l| l.file())
    }

    /// The line, if known.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::reactive::Location;
    /// let (a, b) = (Location::caller(), Location::caller());
    /// if cfg!(debug_assertions) {
    ///     assert_eq!(a.line(), b.line(), "one line, two columns");
    ///     assert_ne!(a, b);
    /// }
    /// ```
    pub fn line(&self) -> Option<u32> {
        self.inner.map(|l| l.line())
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner {
            Some(l) => write!(f, "{}:{}:{}", l.file(), l.line(), l.column()),
            None => f.write_str("unknown"),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a reactive operation failed.
///
/// # Examples
///
/// ```
/// use vango::reactive::{memo, Owner, ReactiveError};
/// let owner = Owner::new();
/// let doubled = owner.with(|| memo(|| 2 * 21));
/// assert_eq!(doubled.try_get(), Ok(42));
/// owner.dispose();
/// assert!(matches!(doubled.try_get(), Err(ReactiveError::Disposed { .. })));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum ReactiveError {
    /// The handle's node was disposed (its owner was disposed, or `dispose()` was called).
    Disposed {
        /// Where the handle was created.
        created: Location,
        /// Where it was used after disposal.
        used: Location,
    },
}

impl fmt::Display for ReactiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReactiveError::Disposed { created, used } => write!(
                f,
                "reactive value used after it was disposed (created at {created}, used at \
                 {used}): it died with the owner it was created under (a component that \
                 unmounted); create it in an owner that lives as long as its readers (a \
                 parent, the page's setup), or read it with `try_get`/`try_with`"
            ),
        }
    }
}

impl std::error::Error for ReactiveError {}
