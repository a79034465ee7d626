//! Concurrency core of the cross-core bus: versioned slots, per-core dirty flags, wake-ups.
//!
//! std-only through `super::sync` (the std/loom facade) and nothing else, because
//! `loom-tests/` includes this very file by path and model-checks it. `features::bus` puts
//! the typed, `flume`-backed API on top.
//!
//! # Protocol
//!
//! * A slot holds `(version, value)` under a small mutex, plus `hint`, a lock-free copy of
//!   the version so a draining core can skip unchanged slots without locking.
//! * A write bumps the version, swaps the value (the old one is dropped after unlocking),
//!   then, for every subscribed core, sets its `pending` flag; only the `false -> true`
//!   transition calls `Wake::wake`. So between two drains a core gets at most one wake-up
//!   however many writes happen: writes coalesce, nothing queues.
//! * A drain first clears `pending` (an acquire-release swap), then scans the slots and
//!   applies each slot whose version is above the core's last applied version for it.
//!   A write whose `pending` swap precedes the drain's swap is visible to the scan (the
//!   swaps are a release sequence); one that comes after sets `pending` again and wakes
//!   the core. Hence no lost update, and per core versions only go up.

use super::sync::{lock, Arc, AtomicBool, AtomicU64, AtomicUsize, Mutex, Ordering};

/// Wake-up hook of one subscribed core; called at most once per drain cycle.
///
/// Must be cheap and must not call back into the bus (it runs under the subscriber lock).
///
/// # Examples
///
/// This module is vango's internal core (public only so `loom-tests` can include the file);
/// `features::bus::Bus` implements `Wake` with a capacity-1 channel, which is what a user sees:
///
/// ```
/// let bus = vango::features::bus::Bus::new();
/// let slot = bus.slot(0u8);
/// let mut core = bus.subscribe().unwrap();
/// core.drain(|_| {});
/// slot.set(1);
/// slot.set(2); // coalesced: the core is woken once
/// assert!(core.wait_blocking());
/// core.drain(|_| {});
/// assert!(!core.is_pending());
/// ```
pub trait Wake: Send + Sync {
    /// Tells the core that at least one slot changed since its last drain.
    fn wake(&self);
}

/// The bus was shut down: no new subscriptions.
///
/// # Examples
///
/// Surfaces through the public wrapper as `features::bus::BusClosed`:
///
/// ```
/// let bus = vango::features::bus::Bus::new();
/// bus.shutdown();
/// assert!(bus.subscribe().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

struct SlotState<V> {
    version: u64,
    value: V,
}

/// One global value: the latest `(version, value)` and nothing older.
///
/// # Examples
///
/// Held by every `features::bus::GlobalSlot`:
///
/// ```
/// let bus = vango::features::bus::Bus::new();
/// let slot = bus.slot(String::from("a"));
/// slot.set("b".into());
/// assert_eq!(slot.snapshot(), (2, "b".to_string()));
/// ```
pub struct SlotCell<V> {
    id: usize,
    hint: AtomicU64,
    state: Mutex<SlotState<V>>,
}

impl<V: Clone> SlotCell<V> {
    /// Index of this slot in its bus.
    ///
    /// # Examples
    ///
    /// Seen through `GlobalSlot::id`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let (a, b) = (bus.slot(0u8), bus.slot(0u8));
    /// assert_eq!((a.id().index(), b.id().index()), (0, 1));
    /// ```
    pub fn id(&self) -> usize {
        self.id
    }

    /// Version of the latest write (the initial value is version 1).
    ///
    /// # Examples
    ///
    /// Seen through `GlobalSlot::version`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(0u8);
    /// assert_eq!(slot.version(), 1);
    /// slot.set(1);
    /// assert_eq!(slot.version(), 2);
    /// ```
    pub fn version(&self) -> u64 {
        self.hint.load(Ordering::Acquire)
    }

    /// A consistent `(version, value)` pair.
    ///
    /// # Examples
    ///
    /// Seen through `GlobalSlot::snapshot`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(5u32);
    /// assert_eq!(slot.snapshot(), (1, 5));
    /// ```
    pub fn read(&self) -> (u64, V) {
        let s = lock(&self.state);
        (s.version, s.value.clone())
    }

    /// Stores `value` if the version is still `expected` (or unconditionally when `None`);
    /// returns the new version and the replaced value, to be dropped outside the lock.
    fn store(&self, expected: Option<u64>, value: V) -> Result<(u64, V), V> {
        let mut s = lock(&self.state);
        if expected.is_some_and(|e| e != s.version) {
            return Err(value);
        }
        s.version += 1;
        let old = std::mem::replace(&mut s.value, value);
        self.hint.store(s.version, Ordering::Release);
        Ok((s.version, old))
    }
}

/// The shared half of one subscribed core.
///
/// # Examples
///
/// Its pending flag is `CoreBusHandle::is_pending`:
///
/// ```
/// let bus = vango::features::bus::Bus::new();
/// let mut core = bus.subscribe().unwrap();
/// assert!(core.is_pending());
/// core.drain(|_| {});
/// assert!(!core.is_pending());
/// ```
pub struct CoreCell {
    pending: AtomicBool,
    waker: Box<dyn Wake>,
}

impl CoreCell {
    /// Whether a write happened since this core's last drain started.
    ///
    /// # Examples
    ///
    /// Seen through `CoreBusHandle::is_pending`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(0u8);
    /// let mut core = bus.subscribe().unwrap();
    /// core.drain(|_| {});
    /// slot.set(1);
    /// assert!(core.is_pending());
    /// ```
    pub fn is_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    fn mark(&self) {
        if !self.pending.swap(true, Ordering::AcqRel) {
            self.waker.wake();
        }
    }
}

/// Everything shared by the cores: slots and subscribers.
///
/// # Examples
///
/// Wrapped, with typed slots and a wake-up channel, by `features::bus::Bus`:
///
/// ```
/// let bus = vango::features::bus::Bus::new();
/// let slot = bus.slot(1u32);
/// let mut core = bus.subscribe().unwrap();
/// slot.set(2);
/// let mut seen = Vec::new();
/// core.drain(|c| seen.push((c.version, *c.get::<u32>().unwrap())));
/// assert_eq!(seen, [(2, 2)]);
/// ```
pub struct BusCore<V> {
    slots: Mutex<Vec<Arc<SlotCell<V>>>>,
    slot_count: AtomicUsize,
    cores: Mutex<Vec<Arc<CoreCell>>>,
    closed: AtomicBool,
}

impl<V: Clone> Default for BusCore<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: Clone> BusCore<V> {
    /// An empty, open bus.
    ///
    /// # Examples
    ///
    /// Called by `features::bus::Bus::new`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// assert_eq!((bus.slots(), bus.subscribers(), bus.is_closed()), (0, 0, false));
    /// ```
    pub fn new() -> Self {
        BusCore {
            slots: Mutex::new(Vec::new()),
            slot_count: AtomicUsize::new(0),
            cores: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
        }
    }

    /// Adds a slot holding `initial` at version 1.
    ///
    /// # Examples
    ///
    /// Called by `features::bus::Bus::slot`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot('x');
    /// assert_eq!((slot.version(), slot.get()), (1, 'x'));
    /// ```
    pub fn register(&self, initial: V) -> Arc<SlotCell<V>> {
        let mut slots = lock(&self.slots);
        let cell = Arc::new(SlotCell {
            id: slots.len(),
            hint: AtomicU64::new(1),
            state: Mutex::new(SlotState {
                version: 1,
                value: initial,
            }),
        });
        slots.push(cell.clone());
        self.slot_count.store(slots.len(), Ordering::Release);
        cell
    }

    /// Replaces the slot's value; returns the new version.
    ///
    /// # Examples
    ///
    /// Called by `GlobalSlot::set`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(0i64);
    /// assert_eq!(slot.set(-1), 2);
    /// assert_eq!(slot.get(), -1);
    /// ```
    pub fn write(&self, slot: &SlotCell<V>, value: V) -> u64 {
        let Ok((version, old)) = slot.store(None, value) else {
            unreachable!("an unconditional store cannot fail")
        };
        drop(old);
        self.notify_all();
        version
    }

    /// Replaces the slot's value only if its version is still `expected`; returns the new
    /// version, or `None` if another write landed first (nothing changed then).
    ///
    /// # Examples
    ///
    /// Used by the Redis bridge to apply a remote value only over the version it last saw;
    /// the public `GlobalSlot::update` commits through the same compare-and-set on the version,
    /// so no write is lost:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(0u32);
    /// slot.set(5);
    /// slot.update(|n| *n += 1);
    /// assert_eq!(slot.snapshot(), (3, 6));
    /// ```
    pub fn write_if(&self, slot: &SlotCell<V>, expected: u64, value: V) -> Option<u64> {
        let (version, old) = slot.store(Some(expected), value).ok()?;
        drop(old);
        self.notify_all();
        Some(version)
    }

    /// Read-modify-write without running `f` under a lock: retried if another write
    /// landed in between. Returns the new version.
    ///
    /// # Examples
    ///
    /// Called by `GlobalSlot::update`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(vec![1]);
    /// assert_eq!(slot.update(|v| v.push(2)), 2);
    /// assert_eq!(slot.get(), [1, 2]);
    /// ```
    pub fn update(&self, slot: &SlotCell<V>, mut f: impl FnMut(&V) -> V) -> u64 {
        loop {
            let (seen, current) = slot.read();
            let next = f(&current);
            drop(current);
            if let Ok((version, old)) = slot.store(Some(seen), next) {
                drop(old);
                self.notify_all();
                return version;
            }
        }
    }

    fn notify_all(&self) {
        for core in lock(&self.cores).iter() {
            core.mark();
        }
    }

    /// Subscribes a core. It starts `pending`, so its first drain applies every slot;
    /// `waker` is not called for that first drain.
    ///
    /// # Examples
    ///
    /// Called by `features::bus::Bus::subscribe`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let _slot = bus.slot(1u8);
    /// let mut core = bus.subscribe().unwrap();
    /// // Starts pending: the first drain applies every slot.
    /// assert_eq!(core.drain(|_| {}), 1);
    /// ```
    pub fn subscribe(&self, waker: Box<dyn Wake>) -> Result<CoreSub<V>, Closed> {
        let cell = Arc::new(CoreCell {
            pending: AtomicBool::new(true),
            waker,
        });
        {
            let mut cores = lock(&self.cores);
            // Checked under the lock that `shutdown` takes, so a subscriber either gets
            // the shutdown wake-up or is refused.
            if self.closed.load(Ordering::Acquire) {
                return Err(Closed);
            }
            cores.push(cell.clone());
        }
        Ok(CoreSub {
            cell,
            slots: Vec::new(),
            last: Vec::new(),
        })
    }

    /// Removes a core; once this returns, no write wakes it any more.
    ///
    /// # Examples
    ///
    /// Called when a `CoreBusHandle` is dropped:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let core = bus.subscribe().unwrap();
    /// assert_eq!(bus.subscribers(), 1);
    /// drop(core);
    /// assert_eq!(bus.subscribers(), 0);
    /// ```
    pub fn unsubscribe(&self, sub: &CoreSub<V>) {
        lock(&self.cores).retain(|c| !Arc::ptr_eq(c, &sub.cell));
    }

    /// Closes the bus: drops every subscriber and wakes each one a last time.
    /// Writes still update the slots but notify nobody.
    ///
    /// # Examples
    ///
    /// Called by `features::bus::Bus::shutdown`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let core = bus.subscribe().unwrap();
    /// bus.shutdown();
    /// assert_eq!(bus.subscribers(), 0);
    /// assert!(!core.wait_blocking());
    /// ```
    pub fn shutdown(&self) {
        let mut cores = lock(&self.cores);
        self.closed.store(true, Ordering::Release);
        // Woken under the lock, like writes: once `shutdown` returns, the bus holds no
        // reference to any core.
        for core in cores.drain(..) {
            // Unconditional, unlike `mark`: the last wake-up must not be coalesced away.
            core.pending.swap(true, Ordering::AcqRel);
            core.waker.wake();
        }
    }

    /// Whether [`BusCore::shutdown`] ran.
    ///
    /// # Examples
    ///
    /// Seen through `features::bus::Bus::is_closed`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// bus.shutdown();
    /// assert!(bus.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Number of subscribed cores.
    ///
    /// # Examples
    ///
    /// Seen through `features::bus::Bus::subscribers`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let _core = bus.subscribe().unwrap();
    /// assert_eq!(bus.subscribers(), 1);
    /// ```
    pub fn subscribers(&self) -> usize {
        lock(&self.cores).len()
    }

    /// Number of slots.
    ///
    /// # Examples
    ///
    /// Seen through `features::bus::Bus::slots`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let _a = bus.slot(0u8);
    /// assert_eq!(bus.slots(), 1);
    /// ```
    pub fn slot_count(&self) -> usize {
        self.slot_count.load(Ordering::Acquire)
    }
}

/// The core-thread half of a subscription: what this core has applied so far.
///
/// # Examples
///
/// Held by every `features::bus::CoreBusHandle`:
///
/// ```
/// let bus = vango::features::bus::Bus::new();
/// let slot = bus.slot(0u8);
/// let mut core = bus.subscribe().unwrap();
/// core.drain(|_| {});
/// assert_eq!(core.applied(slot.id()), 1);
/// ```
pub struct CoreSub<V> {
    cell: Arc<CoreCell>,
    slots: Vec<Arc<SlotCell<V>>>,
    last: Vec<u64>,
}

impl<V: Clone> CoreSub<V> {
    /// The shared half (pending flag), e.g. for tests.
    ///
    /// # Examples
    ///
    /// Its flag is what `CoreBusHandle::is_pending` reads:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let core = bus.subscribe().unwrap();
    /// assert!(core.is_pending());
    /// ```
    pub fn cell(&self) -> &Arc<CoreCell> {
        &self.cell
    }

    /// Last version of slot `id` this core applied (0: none yet).
    ///
    /// # Examples
    ///
    /// Seen through `CoreBusHandle::applied`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(0u8);
    /// let mut core = bus.subscribe().unwrap();
    /// assert_eq!(core.applied(slot.id()), 0);
    /// core.drain(|_| {});
    /// assert_eq!(core.applied(slot.id()), 1);
    /// ```
    pub fn applied(&self, id: usize) -> u64 {
        self.last.get(id).copied().unwrap_or(0)
    }

    /// Applies every slot changed since the last drain, in slot order, calling
    /// `apply(slot_id, version, value)` outside any lock. Returns how many were applied.
    ///
    /// # Examples
    ///
    /// Called by `CoreBusHandle::drain`:
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let (a, b) = (bus.slot(0u8), bus.slot(0u8));
    /// let mut core = bus.subscribe().unwrap();
    /// core.drain(|_| {});
    /// b.set(1);
    /// a.set(1);
    /// let mut order = Vec::new();
    /// core.drain(|c| order.push(c.slot));
    /// assert_eq!(order, [a.id(), b.id()], "in slot order");
    /// ```
    pub fn drain(&mut self, bus: &BusCore<V>, mut apply: impl FnMut(usize, u64, &V)) -> usize {
        // Clear first: a write that sets `pending` after this point wakes us again.
        self.cell.pending.swap(false, Ordering::AcqRel);
        if bus.slot_count() != self.slots.len() {
            let slots = lock(&bus.slots);
            self.slots.extend(slots[self.slots.len()..].iter().cloned());
            self.last.resize(self.slots.len(), 0);
        }
        let mut applied = 0;
        for (slot, last) in self.slots.iter().zip(self.last.iter_mut()) {
            if slot.version() <= *last {
                continue;
            }
            let (version, value) = slot.read();
            if version > *last {
                *last = version;
                apply(slot.id, version, &value);
                applied += 1;
            }
        }
        applied
    }
}
