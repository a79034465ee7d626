//! The `Copy` core of every handle: arena id, generation and (debug builds) creation site.
//! Touches only `runtime` and `error`.

use super::error::{Location, ReactiveError};
use super::runtime::{NodeId, Site};

/// Id + creation site; 8 bytes in release builds.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Raw {
    pub(crate) id: NodeId,
    pub(crate) site: Site,
}

impl Raw {
    pub(crate) fn new(id: NodeId, site: Site) -> Raw {
        Raw { id, site }
    }

    /// Where the handle was created (`unknown` in release builds).
    pub(crate) fn created(&self) -> Location {
        #[cfg(debug_assertions)]
        {
            Location::from_std(self.site)
        }
        #[cfg(not(debug_assertions))]
        {
            Location::UNKNOWN
        }
    }

    pub(crate) fn disposed(&self, used: Location) -> ReactiveError {
        ReactiveError::Disposed {
            created: self.created(),
            used,
        }
    }
}

/// The caller's site, to store in a new node (nothing in release builds).
#[cfg_attr(debug_assertions, track_caller)]
#[inline]
pub(crate) fn site() -> Site {
    #[cfg(debug_assertions)]
    {
        std::panic::Location::caller()
    }
}

impl std::fmt::Debug for Raw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}v{}", self.id.idx, self.id.gen)
    }
}

/// Variance/auto-trait marker for typed handles: covariant in `T`, never `Send`/`Sync`
/// (`*const ()`), and independent of whether `T` itself is `Send`.
pub(crate) type Marker<T> = std::marker::PhantomData<(fn() -> T, *const ())>;
