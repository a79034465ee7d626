//! A connection's place in its core's and its address's open-connection counts
//! ([`ConnGuard`]), given back when the socket closes.
//!
//! Touches only the counters in the shared core state and the per-address table.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

use super::core::Shared;
use super::peers::PeerGuard;

/// Decrements the open-connection gauge (and its address's count) when the connection's
/// socket closes, however it closes: held by the connection's task, and past an upgrade by
/// the socket itself ([`Upgraded`](super::upgraded::Upgraded)), which an idle session may
/// park outside any task.
///
/// `Send`: the socket may move to the core that owns its session; the count stays with
/// the core that accepted it.
pub(crate) struct ConnGuard {
    shared: Arc<Shared>,
    core: usize,
    #[allow(dead_code, reason = "counts back on drop")]
    peer: Option<PeerGuard>,
}

impl ConnGuard {
    /// Holds a place counted (already) on core `core`, and the address's `peer` place.
    pub(crate) fn new(shared: Arc<Shared>, core: usize, peer: Option<PeerGuard>) -> ConnGuard {
        ConnGuard { shared, core, peer }
    }
}

impl std::fmt::Debug for ConnGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnGuard")
            .field("core", &self.core)
            .finish()
    }
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.shared.metrics[self.core]
            .connections
            .fetch_sub(1, Relaxed);
    }
}
