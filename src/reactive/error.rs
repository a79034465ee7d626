//! Errors for handles used after disposal, with creation/use sites in debug builds.
//! Touches nothing else.

use std::fmt;

/// A source-code position (file:line:column), known in debug builds only.
///
/// Release builds keep handles small and print `unknown`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Location {
    inner: Option<&'static std::panic::Location<'static>>,
}

impl Location {
    /// The caller's position in debug builds, `unknown` in release builds.
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
    pub const UNKNOWN: Location = Location { inner: None };

    #[cfg_attr(not(debug_assertions), allow(dead_code))]
    pub(crate) fn from_std(l: &'static std::panic::Location<'static>) -> Location {
        Location { inner: Some(l) }
    }

    /// The source file, if known.
    pub fn file(&self) -> Option<&'static str> {
        self.inner.map(|l| l.file())
    }

    /// The line, if known.
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
