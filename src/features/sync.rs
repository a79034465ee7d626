//! std/loom facade for the bus concurrency core: the only synchronisation types `bus_core` may use.
//!
//! `loom-tests/` includes this file and `bus_core.rs` by path and builds them with
//! `--cfg loom`, so the same source is model-checked without making loom a dependency of
//! `vango`. (Building `vango` itself with `--cfg loom` is not supported.)

#[cfg(loom)]
pub use loom::sync::{
    atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    Arc, Mutex, MutexGuard,
};
#[cfg(not(loom))]
pub use std::sync::{
    atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    Arc, Mutex, MutexGuard,
};

/// Locks `m`, ignoring poisoning: every critical section in the bus core leaves its data
/// consistent before anything that could panic runs, so a poisoned lock holds valid data.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
