//! App-level features built on the core: the cross-core bus and persistence.
//!
//! Touches only its own submodules; the reactive graph is used through `crate::reactive`.

pub mod bus;
mod bus_core;
pub mod global;
pub mod persist;
mod sync;
