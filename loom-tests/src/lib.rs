//! Loom models of the cross-core GlobalSignal bus (see tests/): builds vango's bus core source.
//!
//! The bus core and its std/loom facade are included by path, so the very code that ships
//! in `vango` is what loom checks, and `vango` needs no loom dependency. Run with
//! `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=/work/target-loom cargo test -p vango-loom-tests --release`.

/// The std/loom synchronisation facade (`src/features/sync.rs`).
#[path = "../../src/features/sync.rs"]
pub mod sync;

/// The bus concurrency core (`src/features/bus_core.rs`).
#[path = "../../src/features/bus_core.rs"]
pub mod bus_core;
