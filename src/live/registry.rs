//! Each core's sessions: a map from id to `Rc<RefCell<Session>>`, the queue of detached
//! sessions in the order they detached (eviction oldest first, expiry), their memory
//! accounting against the process's [`Budget`], and the sweeper that expires them.
//!
//! Owned by the core's [`LiveCore`](super::host::LiveCore); never crosses threads.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_io::Timer;
use futures_lite::future;

use super::budget::Budget;
use super::id::SessionId;
use super::session::Session;
use super::size::{session_bytes, SESSION_FLOOR};
use crate::server::core::Core;
use crate::server::metrics::CoreMetrics;

/// Freed bytes since the last hand-back past which the core hands memory back to the OS
/// (once they are also half of what its sessions still hold, at most once a second).
const TRIM_AFTER: usize = 1 << 20;

/// Patches frames between two measurements of an attached session.
const MEASURE_EVERY: u64 = 64;

/// Frames at most this long never trigger a measurement on their own.
const MIN_BIG_FRAME: usize = 2048;

/// One core's live sessions.
pub(crate) struct Registry {
    map: RefCell<HashMap<[u64; 2], Rc<RefCell<Session>>>>,
    /// Sessions in the order they detached, with when. An entry is stale (skipped) when its
    /// session is gone or attached or detached again later: each detach pushes one, so the
    /// front is always the longest detached and eviction is O(1) amortised.
    detached: RefCell<VecDeque<(Instant, [u64; 2])>>,
    budget: Arc<Budget>,
    /// The last measured size of a new session here: what the next one is assumed to cost
    /// before it mounts.
    typical: Cell<usize>,
    /// Bytes live sessions gave back since the sweeper last looked (measured smaller:
    /// hibernated), counted with the expired sessions' towards trimming the heap.
    shrunk: Cell<usize>,
    /// Until when a pass over the sessions to pack them is not tried again: set when one
    /// packed nothing, so that a flood of newcomers at a full budget of sleeping sessions
    /// costs one walk of the map per [`PACK_RETRY`], not one per newcomer.
    no_pack_until: Cell<Option<Instant>>,
}

/// How long after a pass that packed nothing the next one waits.
const PACK_RETRY: Duration = Duration::from_millis(100);

impl Registry {
    /// An empty registry accounting against `budget`.
    pub(crate) fn new(budget: Arc<Budget>) -> Registry {
        Registry {
            map: RefCell::default(),
            detached: RefCell::default(),
            budget,
            typical: Cell::new(SESSION_FLOOR),
            shrunk: Cell::new(0),
            no_pack_until: Cell::new(None),
        }
    }

    /// The process budget this registry accounts against.
    pub(crate) fn budget(&self) -> &Budget {
        &self.budget
    }

    /// What a new session is assumed to cost before it mounts.
    pub(crate) fn typical_size(&self) -> usize {
        self.typical.get()
    }

    /// Adds a session, measured and charged.
    pub(crate) fn insert(
        &self,
        mut session: Session,
        metrics: &CoreMetrics,
    ) -> Rc<RefCell<Session>> {
        self.measure(&mut session, metrics);
        self.typical.set(session.charged as usize);
        let key = session.id.key();
        let rc = Rc::new(RefCell::new(session));
        self.map.borrow_mut().insert(key, rc.clone());
        metrics.sessions.fetch_add(1, Relaxed);
        rc
    }

    /// Measures `s` again and moves the difference into the budget.
    pub(crate) fn measure(&self, s: &mut Session, metrics: &CoreMetrics) {
        let now = session_bytes(s, s.nodes as usize).min(u32::MAX as usize);
        let was = s.charged as usize;
        s.charged = now as u32;
        if now >= was {
            self.budget.charge(now - was);
            metrics.session_bytes.fetch_add((now - was) as u64, Relaxed);
        } else {
            self.refund(was - now, metrics);
            self.shrunk.set(self.shrunk.get() + (was - now));
        }
    }

    fn refund(&self, bytes: usize, metrics: &CoreMetrics) {
        self.budget.refund(bytes);
        let _ = metrics
            .session_bytes
            .fetch_update(Relaxed, Relaxed, |b| Some(b.saturating_sub(bytes as u64)));
    }

    /// Measures an attached session again every [`MEASURE_EVERY`] Patches frames, so that
    /// one that grows while attached is charged its growth (a walk of the tree per 64
    /// frames, not per event), and after a frame of `frame_len` bytes that is large next
    /// to what the session is charged: a click that adds a thousand rows is charged at
    /// once, not 63 frames later (the walk costs about what building that frame did).
    pub(crate) fn measure_now_and_then(
        &self,
        sess: &Rc<RefCell<Session>>,
        frame_len: usize,
        metrics: &CoreMetrics,
    ) {
        if let Ok(mut s) = sess.try_borrow_mut() {
            let periodic = s.patch_seq % MEASURE_EVERY == 0 && s.patch_seq != 0;
            if periodic || frame_len > (s.charged as usize / 8).max(MIN_BIG_FRAME) {
                self.measure(&mut s, metrics);
            }
        }
    }

    /// Marks session `sess` detached now (if connection `gen` is still its own), measured
    /// again: what it holds is what it will keep holding while it waits.
    pub(crate) fn detach(&self, sess: &Rc<RefCell<Session>>, gen: u32, metrics: &CoreMetrics) {
        self.detach_at(sess, gen, Instant::now(), metrics);
    }

    /// [`detach`](Self::detach) at `now` (not earlier than any previous detach here).
    fn detach_at(
        &self,
        sess: &Rc<RefCell<Session>>,
        gen: u32,
        now: Instant,
        metrics: &CoreMetrics,
    ) {
        let Ok(mut s) = sess.try_borrow_mut() else {
            return;
        };
        if s.generation != gen {
            return;
        }
        s.detached_at = Some(now);
        self.measure(&mut s, metrics);
        self.detached.borrow_mut().push_back((now, s.id.key()));
    }

    /// The session `id`, if alive.
    pub(crate) fn get(&self, id: &SessionId) -> Option<Rc<RefCell<Session>>> {
        self.map.borrow().get(&id.key()).cloned()
    }

    /// Takes session `key` out of the map and refunds it; dropped by the caller, outside
    /// the map's borrow (a view's destructor may run user code that touches us).
    fn take(&self, key: &[u64; 2], metrics: &CoreMetrics) -> Option<Rc<RefCell<Session>>> {
        let gone = self.map.borrow_mut().remove(key)?;
        metrics.sessions.fetch_sub(1, Relaxed);
        let charged = gone.try_borrow().map_or(0, |s| s.charged as usize);
        self.refund(charged, metrics);
        Some(gone)
    }

    /// Removes session `id`; `true` if it was there.
    pub(crate) fn remove(&self, id: &SessionId, metrics: &CoreMetrics) -> bool {
        let gone = self.take(&id.key(), metrics);
        let found = gone.is_some();
        drop(gone);
        found
    }

    /// Drops every session (at shutdown).
    pub(crate) fn clear(&self, metrics: &CoreMetrics) {
        let keys: Vec<[u64; 2]> = self.map.borrow().keys().copied().collect();
        let all: Vec<_> = keys.iter().filter_map(|k| self.take(k, metrics)).collect();
        self.detached.borrow_mut().clear();
        drop(all);
    }

    /// Live sessions on this core.
    pub(crate) fn count(&self) -> usize {
        self.map.borrow().len()
    }

    /// The front of the detached queue if its session is still detached since then.
    fn pop_detached(&self, older_than: Option<Instant>) -> Option<Option<[u64; 2]>> {
        let mut q = self.detached.borrow_mut();
        let &(at, key) = q.front()?;
        if older_than.is_some_and(|t| at > t) {
            return None;
        }
        q.pop_front();
        let map = self.map.borrow();
        let live = map
            .get(&key)
            .is_some_and(|s| s.try_borrow().is_ok_and(|s| s.detached_at == Some(at)));
        Some(live.then_some(key))
    }

    /// Evicts the session that has been detached the longest, to make room for a new one;
    /// `false` when every session has a live connection.
    pub(crate) fn evict_lru_detached(&self, metrics: &CoreMetrics) -> bool {
        while let Some(entry) = self.pop_detached(None) {
            if let Some(victim) = entry.and_then(|k| self.take(&k, metrics)) {
                metrics.evictions.fetch_add(1, Relaxed);
                drop(victim);
                return true;
            }
        }
        false
    }

    /// Evicts detached sessions, oldest first, until `bytes` more fit the budget; when
    /// none is left, packs the attached ones that are awake (their data stays; their next
    /// event unpacks them). `false` when `bytes` still do not fit.
    pub(crate) fn make_room(&self, bytes: usize, metrics: &CoreMetrics) -> bool {
        // A page measured above the whole budget still gets a session when nothing else
        // is held, rather than never one.
        let bytes = bytes.min(self.budget.limit());
        while !self.budget.fits(bytes) {
            if !self.evict_lru_detached(metrics) {
                return self.pack_awake(metrics) && self.budget.fits(bytes);
            }
            metrics.pressure_evictions.fetch_add(1, Relaxed);
        }
        true
    }

    /// Packs every awake session on this core that no step is running (as an idle one
    /// packs itself after `hibernate_after`) and measures it again: all of them at once,
    /// so that a burst of newcomers pays one pass per budget's worth of awake sessions.
    /// Whether any was packed.
    fn pack_awake(&self, metrics: &CoreMetrics) -> bool {
        let now = Instant::now();
        if self.no_pack_until.get().is_some_and(|t| now < t) {
            return false;
        }
        let sessions: Vec<_> = self.map.borrow().values().cloned().collect();
        let mut packed = false;
        for s in sessions {
            let Ok(mut s) = s.try_borrow_mut() else {
                continue;
            };
            if s.view.footprint().is_none() {
                s.view.hibernate();
                if s.view.footprint().is_some() {
                    packed = true;
                    self.measure(&mut s, metrics);
                }
            }
        }
        self.no_pack_until.set((!packed).then(|| now + PACK_RETRY));
        packed
    }

    /// Evicts sessions detached for longer than `window`; returns how many and the bytes
    /// they were accounted for.
    pub(crate) fn sweep(
        &self,
        now: Instant,
        window: Duration,
        metrics: &CoreMetrics,
    ) -> (usize, usize) {
        let Some(cutoff) = now.checked_sub(window) else {
            return (0, 0);
        };
        let (mut n, mut bytes) = (0, 0);
        while let Some(entry) = self.pop_detached(Some(cutoff)) {
            if let Some(victim) = entry.and_then(|k| self.take(&k, metrics)) {
                bytes += victim.try_borrow().map_or(0, |s| s.charged as usize);
                n += 1;
                drop(victim);
            }
        }
        metrics.evictions.fetch_add(n as u64, Relaxed);
        // A burst's queue and table are not kept at their peak size for good.
        let mut q = self.detached.borrow_mut();
        let len = q.len();
        if q.capacity() > 4 * len + 64 {
            q.shrink_to(2 * len);
        }
        let mut map = self.map.borrow_mut();
        let len = map.len();
        if map.capacity() > 4 * len + 64 {
            map.shrink_to(2 * len);
        }
        (n, bytes)
    }
}

/// Runs on each core until shutdown: expires detached sessions (every quarter of the
/// resume window, which shrinks under memory pressure), hands memory back to the OS after
/// a large expiry; at shutdown rings the bell so attached sessions see the stop and close
/// (code 9).
pub(crate) async fn sweeper(core: Rc<Core>, registry: Rc<Registry>, window: Duration) {
    let mut stop = std::pin::pin!(core.stopped());
    let (mut freed, mut trimmed) = (0, Instant::now());
    loop {
        let now_window = registry.budget.resume_window(window);
        let period = (now_window / 4)
            .min(window / 4)
            .max(Duration::from_millis(50));
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
        let now_window = registry.budget.resume_window(window);
        let m = core.metrics();
        let (n, bytes) = registry.sweep(Instant::now(), now_window, m);
        if now_window < window {
            m.pressure_evictions.fetch_add(n as u64, Relaxed);
        }
        freed += bytes + registry.shrunk.take();
        let held = m.session_bytes.load(Relaxed) as usize;
        if freed >= TRIM_AFTER.max(held / 2) && trimmed.elapsed() >= Duration::from_secs(1) {
            crate::reactive::release_free_nodes();
            crate::server::trim::release_to_os();
            (freed, trimmed) = (0, Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::session::tests::{session, session_with_tree};

    fn registry(limit: usize) -> Registry {
        Registry::new(Arc::new(Budget::new(limit)))
    }

    #[test]
    fn sweep_evicts_only_long_detached() {
        let m = CoreMetrics::default();
        let r = registry(usize::MAX);
        let a = r.insert(session(), &m);
        let b = r.insert(session(), &m);
        let now = Instant::now();
        r.detach_at(&a, 0, now - Duration::from_secs(61), &m);
        r.detach_at(&b, 0, now - Duration::from_secs(10), &m);
        assert_eq!(r.sweep(now, Duration::from_secs(60), &m).0, 1);
        assert!(r.get(&a.borrow().id).is_none());
        assert!(r.get(&b.borrow().id).is_some());
        assert_eq!(
            (m.sessions.load(Relaxed), m.evictions.load(Relaxed)),
            (1, 1)
        );
        assert!(r.remove(&b.borrow().id, &m));
        assert_eq!(r.count(), 0);
        assert_eq!((r.budget().used(), m.session_bytes.load(Relaxed)), (0, 0));
    }

    #[test]
    fn lru_eviction_takes_the_longest_detached_and_spares_attached() {
        let m = CoreMetrics::default();
        let now = Instant::now();
        let r = registry(usize::MAX);
        let attached = r.insert(session(), &m);
        let recent = r.insert(session(), &m);
        let oldest = r.insert(session(), &m);
        r.detach_at(&oldest, 0, now - Duration::from_secs(50), &m);
        r.detach_at(&recent, 0, now - Duration::from_secs(5), &m);
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

    #[test]
    fn a_resumed_session_leaves_a_stale_entry_that_evicts_nothing() {
        let m = CoreMetrics::default();
        let r = registry(usize::MAX);
        let s = r.insert(session(), &m);
        r.detach(&s, 0, &m);
        // Resumed by a new connection (generation 1), which is attached.
        {
            let mut b = s.borrow_mut();
            b.detached_at = None;
            b.generation = 1;
        }
        r.detach(&s, 0, &m);
        assert!(
            s.borrow().detached_at.is_none(),
            "an old connection's detach"
        );
        assert!(!r.evict_lru_detached(&m));
        assert_eq!(r.sweep(Instant::now(), Duration::ZERO, &m).0, 0);
        assert_eq!(r.count(), 1);
    }

    #[test]
    fn room_is_made_from_detached_sessions_only() {
        let m = CoreMetrics::default();
        let one = registry(usize::MAX).insert(session(), &m).borrow().charged as usize;
        let m = CoreMetrics::default();
        let r = registry(3 * one);
        let a = r.insert(session(), &m);
        let _b = r.insert(session(), &m);
        assert!(r.make_room(one, &m), "a third fits");
        assert!(!r.make_room(2 * one, &m), "nothing detached to evict");
        r.detach(&a, 0, &m);
        assert!(r.make_room(2 * one, &m));
        assert!(r.get(&a.borrow().id).is_none());
        assert_eq!(m.pressure_evictions.load(Relaxed), 1);
        assert_eq!(r.budget().used(), one);
    }

    #[test]
    fn a_full_budget_packs_awake_sessions_but_not_on_every_newcomer() {
        let m = CoreMetrics::default();
        let one = registry(usize::MAX)
            .insert(session_with_tree(), &m)
            .borrow()
            .charged as usize;
        let r = registry(2 * one);
        let a = r.insert(session_with_tree(), &m);
        let b = r.insert(session_with_tree(), &m);
        let asleep = |s: &Rc<RefCell<Session>>| s.borrow().view.footprint().is_some();
        assert!(
            !r.make_room(one, &m),
            "a main element packed is not half a session"
        );
        assert!(asleep(&a) && asleep(&b), "both packed on the way");
        // A pass that packs nothing holds the next ones off for a while.
        assert!(!r.make_room(one, &m));
        let _ = a.borrow().view.root();
        assert!(!asleep(&a), "read: awake");
        assert!(!r.make_room(one, &m));
        assert!(!asleep(&a), "no pass within PACK_RETRY of a fruitless one");
        std::thread::sleep(PACK_RETRY + Duration::from_millis(20));
        assert!(!r.make_room(one, &m));
        assert!(asleep(&a), "packed again after it");
    }
}
