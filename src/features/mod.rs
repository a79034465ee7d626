//! App-level features built on the core: the cross-core bus, global and per-session
//! shared state, persistence.
//!
//! Touches only its own submodules; the reactive graph is used through `crate::reactive`.

pub mod bus;
mod bus_core;
pub mod global;
pub mod global_memo;
pub mod persist;
pub mod shared;
mod sync;
