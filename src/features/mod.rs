//! Cross-core global state: the bus, [`GlobalSignal`](global::GlobalSignal),
//! [`GlobalMemo`](global_memo::GlobalMemo), persistence.
//!
//! Touches only its own submodules; the reactive graph is used through `crate::reactive`.

pub mod bus;
mod bus_core;
pub mod global;
pub mod global_memo;
pub mod persist;
#[cfg(feature = "redis")]
pub mod redis;
mod sync;
