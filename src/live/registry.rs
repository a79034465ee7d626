//! Each core's sessions: a map from id to `Rc<RefCell<Session>>`, eviction of the longest
//! detached at the cap, and the sweeper that expires detached sessions.
//!
//! Owned by the core's [`LiveCore`](super::host::LiveCore); never crosses threads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use async_io::Timer;
use futures_lite::future;

use super::id::SessionId;
use super::session::Session;
use crate::server::core::Core;
use crate::server::metrics::CoreMetrics;

/// One core's live sessions.
#[derive(Default)]
pub(crate) struct Registry {
    map: RefCell<HashMap<[u64; 2], Rc<RefCell<Session>>>>,
}

impl Registry {
    /// Adds a session.
    pub(crate) fn insert(&self, session: Session, metrics: &CoreMetrics) -> Rc<RefCell<Session>> {
        let key = session.id.key();
        let rc = Rc::new(RefCell::new(session));
        self.map.borrow_mut().insert(key, rc.clone());
        metrics.sessions.fetch_add(1, Relaxed);
        rc
    }

    /// The session `id`, if alive.
    pub(crate) fn get(&self, id: &SessionId) -> Option<Rc<RefCell<Session>>> {
        self.map.borrow().get(&id.key()).cloned()
    }

    /// Removes session `id`; `true` if it was there.
    pub(crate) fn remove(&self, id: &SessionId, metrics: &CoreMetrics) -> bool {
        let gone = self.map.borrow_mut().remove(&id.key());
        if gone.is_some() {
            metrics.sessions.fetch_sub(1, Relaxed);
        }
        // Dropped outside the map's borrow: the view's destructor may run user code.
        let found = gone.is_some();
        drop(gone);
        found
    }

    /// Drops every session (at shutdown).
    pub(crate) fn clear(&self, metrics: &CoreMetrics) {
        let all: Vec<_> = self.map.borrow_mut().drain().map(|(_, s)| s).collect();
        metrics.sessions.fetch_sub(all.len() as u64, Relaxed);
        drop(all);
    }

    /// Live sessions on this core.
    pub(crate) fn count(&self) -> usize {
        self.map.borrow().len()
    }

    /// Evicts the session that has been detached the longest, to make room for a new one;
    /// `false` when every session has a live connection.
    pub(crate) fn evict_lru_detached(&self, metrics: &CoreMetrics) -> bool {
        let victim = {
            let mut m = self.map.borrow_mut();
            let key = m
                .iter()
                .filter_map(|(k, s)| s.try_borrow().ok()?.detached_at.map(|t| (t, *k)))
                .min()
                .map(|(_, k)| k);
            key.and_then(|k| m.remove(&k))
        };
        let Some(victim) = victim else {
            return false;
        };
        metrics.sessions.fetch_sub(1, Relaxed);
        metrics.evictions.fetch_add(1, Relaxed);
        // Dropped outside the map's borrow: the view's destructor may run user code.
        drop(victim);
        true
    }

    /// Evicts sessions detached for longer than `window`; returns how many.
    pub(crate) fn sweep(&self, now: Instant, window: Duration, metrics: &CoreMetrics) -> usize {
        // Collect first, drop after: a view's destructor may run user code that touches us.
        let expired: Vec<Rc<RefCell<Session>>> = {
            let mut m = self.map.borrow_mut();
            let keys: Vec<[u64; 2]> = m
                .iter()
                .filter(|(_, s)| {
                    s.try_borrow().is_ok_and(|s| {
                        s.detached_at
                            .is_some_and(|t| now.duration_since(t) >= window)
                    })
                })
                .map(|(k, _)| *k)
                .collect();
            keys.iter().filter_map(|k| m.remove(k)).collect()
        };
        let n = expired.len();
        metrics.sessions.fetch_sub(n as u64, Relaxed);
        metrics.evictions.fetch_add(n as u64, Relaxed);
        drop(expired);
        n
    }
}

/// Runs on each core until shutdown: expires detached sessions every quarter window; at
/// shutdown rings the bell so attached sessions see the stop and close (code 9).
pub(crate) async fn sweeper(core: Rc<Core>, registry: Rc<Registry>, window: Duration) {
    let period = (window / 4).max(Duration::from_millis(50));
    let mut stop = std::pin::pin!(core.stopped());
    loop {
        let tick = async {
            Timer::after(period).await;
            true
        };
        let stopped = async {
            (&mut stop).await;
            false
        };
        if !future::or(tick, stopped).await {
            // Sessions keep no stop listener of their own: the bell wakes them to close.
            super::bell::notify_dirty();
            return;
        }
        registry.sweep(Instant::now(), window, core.metrics());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::session::tests::session;

    #[test]
    fn sweep_evicts_only_long_detached() {
        let m = CoreMetrics::default();
        let r = Registry::default();
        let a = r.insert(session(), &m);
        let b = r.insert(session(), &m);
        let now = Instant::now();
        a.borrow_mut().detached_at = Some(now - Duration::from_secs(61));
        b.borrow_mut().detached_at = Some(now - Duration::from_secs(10));
        assert_eq!(r.sweep(now, Duration::from_secs(60), &m), 1);
        assert!(r.get(&a.borrow().id).is_none());
        assert!(r.get(&b.borrow().id).is_some());
        assert_eq!(
            (m.sessions.load(Relaxed), m.evictions.load(Relaxed)),
            (1, 1)
        );
        assert!(r.remove(&b.borrow().id, &m));
        assert_eq!(r.count(), 0);
    }

    #[test]
    fn lru_eviction_takes_the_longest_detached_and_spares_attached() {
        let m = CoreMetrics::default();
        let now = Instant::now();
        let r = Registry::default();
        let attached = r.insert(session(), &m);
        let recent = r.insert(session(), &m);
        let oldest = r.insert(session(), &m);
        recent.borrow_mut().detached_at = Some(now - Duration::from_secs(5));
        oldest.borrow_mut().detached_at = Some(now - Duration::from_secs(50));
        assert!(r.evict_lru_detached(&m));
        assert!(r.get(&oldest.borrow().id).is_none());
        assert!(r.evict_lru_detached(&m));
        assert!(r.get(&recent.borrow().id).is_none());
        assert!(
            !r.evict_lru_detached(&m),
            "an attached session is never evicted"
        );
        assert!(r.get(&attached.borrow().id).is_some());
        assert_eq!(m.evictions.load(Relaxed), 2);
        assert!(r.remove(&attached.borrow().id, &m));
    }
}
