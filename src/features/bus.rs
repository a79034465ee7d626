//! The cross-core bus API: [`Bus`], typed [`GlobalSlot`] handles and per-core [`CoreBusHandle`]s.
//!
//! The only state shared between core threads (besides session hand-off). Built on the
//! model-checked `bus_core` (see `loom-tests/`); adds types and a `flume` wake-up channel
//! of capacity 1 per core. Touches nothing outside `features`.
//!
//! A write on any thread bumps the slot's version and wakes every subscribed core at most
//! once until that core drains; a drain applies each changed slot's *latest* value, so
//! bursts coalesce and memory stays bounded (one value per slot, plus what each core holds).

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use super::bus_core::{BusCore, CoreSub, SlotCell, Wake};

/// A type-erased slot value, as handed to [`CoreBusHandle::drain`].
pub type AnyValue = Arc<dyn Any + Send + Sync>;

type Core = BusCore<AnyValue>;

/// The bus: one per runtime, created before the core threads start, shared by cloning.
///
/// `Send + Sync`; cloning is cheap (an `Arc`).
///
/// # Examples
///
/// ```
/// use vango::features::bus::Bus;
/// let bus = Bus::new();
/// let visits = bus.slot(0u64);
/// let mut core = bus.subscribe().unwrap();
/// visits.update(|n| *n += 1);
/// let mut seen = Vec::new();
/// core.drain(|c| seen.extend(c.get::<u64>().copied()));
/// assert_eq!(seen, [1]);
/// ```
#[derive(Clone, Default)]
pub struct Bus {
    core: Arc<Core>,
}

impl fmt::Debug for Bus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bus")
            .field("slots", &self.core.slot_count())
            .field("cores", &self.core.subscribers())
            .field("closed", &self.core.is_closed())
            .finish()
    }
}

/// The bus was shut down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusClosed;

impl fmt::Display for BusClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the bus was shut down")
    }
}

impl std::error::Error for BusClosed {}

/// Identifies a slot within its bus (dense, from 0, in creation order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SlotId(usize);

impl SlotId {
    /// The slot's index.
    pub fn index(self) -> usize {
        self.0
    }
}

impl Bus {
    /// An empty, open bus.
    pub fn new() -> Bus {
        Bus::default()
    }

    /// Creates a global slot holding `initial` (version 1). Slots live as long as the bus.
    pub fn slot<T: Clone + Send + Sync + 'static>(&self, initial: T) -> GlobalSlot<T> {
        let value: AnyValue = Arc::new(initial);
        GlobalSlot {
            bus: self.core.clone(),
            cell: self.core.register(value),
            _t: PhantomData,
        }
    }

    /// Subscribes one core. Its first [`CoreBusHandle::changed`] returns at once so the
    /// first drain applies every slot. Dropping the handle unsubscribes.
    pub fn subscribe(&self) -> Result<CoreBusHandle, BusClosed> {
        let (tx, rx) = flume::bounded(1);
        // Preloaded: matches the core's initial `pending` state.
        let _ = tx.try_send(());
        let sub = self
            .core
            .subscribe(Box::new(ChanWake(tx)))
            .map_err(|_| BusClosed)?;
        Ok(CoreBusHandle {
            bus: self.core.clone(),
            sub,
            rx,
        })
    }

    /// Shuts the bus down: unsubscribes every core and wakes it a last time, after which
    /// its [`CoreBusHandle::changed`] returns `false`. Writes still land in the slots.
    pub fn shutdown(&self) {
        self.core.shutdown();
    }

    /// Whether [`shutdown`](Self::shutdown) ran.
    pub fn is_closed(&self) -> bool {
        self.core.is_closed()
    }

    /// Number of subscribed cores.
    pub fn subscribers(&self) -> usize {
        self.core.subscribers()
    }

    /// Number of slots.
    pub fn slots(&self) -> usize {
        self.core.slot_count()
    }
}

/// The capacity-1 channel: `try_send` on a full channel drops, which is the coalescing.
struct ChanWake(flume::Sender<()>);

impl Wake for ChanWake {
    fn wake(&self) {
        let _ = self.0.try_send(());
    }
}

/// A typed handle to one global value; `Send + Sync`, cheap to clone.
///
/// Writes never run user code under a lock: [`update`](Self::update) computes outside
/// and retries if another write landed meanwhile.
pub struct GlobalSlot<T> {
    bus: Arc<Core>,
    cell: Arc<SlotCell<AnyValue>>,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for GlobalSlot<T> {
    fn clone(&self) -> Self {
        GlobalSlot {
            bus: self.bus.clone(),
            cell: self.cell.clone(),
            _t: PhantomData,
        }
    }
}

impl<T> fmt::Debug for GlobalSlot<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GlobalSlot")
            .field("id", &self.cell.id())
            .field("version", &self.cell.version())
            .finish()
    }
}

pub(crate) fn typed<T: 'static>(value: &AnyValue) -> &T {
    (**value)
        .downcast_ref::<T>()
        .expect("a slot only ever holds the type it was created with")
}

impl<T: Clone + Send + Sync + 'static> GlobalSlot<T> {
    /// Replaces the value and wakes every core; returns the new version.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let motd = bus.slot(String::from("hello"));
    /// assert_eq!(motd.set("bye".into()), 2);
    /// assert_eq!(motd.get(), "bye");
    /// ```
    pub fn set(&self, value: T) -> u64 {
        self.bus.write(&self.cell, Arc::new(value))
    }

    /// Identity of the bus this slot belongs to (for `global`'s per-core mirrors).
    pub(crate) fn bus_key(&self) -> usize {
        Arc::as_ptr(&self.bus) as *const () as usize
    }

    /// Read-modify-write of a clone of the current value; returns the new version.
    /// `f` may run more than once if other writes race with it.
    pub fn update(&self, mut f: impl FnMut(&mut T)) -> u64 {
        self.bus.update(&self.cell, |current| {
            let mut next = typed::<T>(current).clone();
            f(&mut next);
            Arc::new(next) as AnyValue
        })
    }

    /// A clone of the latest value.
    pub fn get(&self) -> T {
        self.snapshot().1
    }

    /// The latest `(version, value)` pair, read consistently.
    pub fn snapshot(&self) -> (u64, T) {
        let (version, value) = self.cell.read();
        (version, typed::<T>(&value).clone())
    }

    /// Sets `value` only if the version is still `expected` (a compare-and-set on the
    /// version); the new version, or `None` if another write landed first.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn set_if(&self, expected: u64, value: T) -> Option<u64> {
        self.bus.write_if(&self.cell, expected, Arc::new(value))
    }

    /// The latest `(version, value)` pair, type-erased (no clone of the `T`).
    pub(crate) fn snapshot_any(&self) -> (u64, AnyValue) {
        self.cell.read()
    }

    /// Version of the latest write (1 for the initial value).
    pub fn version(&self) -> u64 {
        self.cell.version()
    }

    /// This slot's id, as reported by [`CoreBusHandle::drain`].
    pub fn id(&self) -> SlotId {
        SlotId(self.cell.id())
    }
}

/// One changed slot, as seen by [`CoreBusHandle::drain`].
#[derive(Debug, Clone, Copy)]
pub struct Changed<'a> {
    /// Which slot.
    pub slot: SlotId,
    /// Its version; strictly above anything this core applied for it before.
    pub version: u64,
    value: &'a AnyValue,
}

impl<'a> Changed<'a> {
    /// The value, if it is a `T`.
    pub fn get<T: 'static>(&self) -> Option<&'a T> {
        (**self.value).downcast_ref::<T>()
    }

    /// The type-erased value (clone it to keep it).
    pub fn value(&self) -> &'a AnyValue {
        self.value
    }
}

/// Waits for bus changes on one core; a cheap clone of part of a [`CoreBusHandle`],
/// so a task can await while another part of the core drains.
#[derive(Clone)]
pub struct BusWaiter {
    bus: Arc<Core>,
    rx: flume::Receiver<()>,
}

impl BusWaiter {
    /// Resolves once some slot changed since the last drain began (`true`), or with
    /// `false` once the bus is shut down. Drain after each `true`.
    pub async fn changed(&self) -> bool {
        if self.bus.is_closed() {
            return false;
        }
        // The sender lives in the core's subscription, which outlives this waiter's use;
        // an error can only mean the bus let go of it, i.e. shutdown.
        self.rx.recv_async().await.is_ok() && !self.bus.is_closed()
    }

    /// Blocking form of [`changed`](Self::changed), for plain threads.
    pub fn wait_blocking(&self) -> bool {
        if self.bus.is_closed() {
            return false;
        }
        self.rx.recv().is_ok() && !self.bus.is_closed()
    }
}

/// One core's subscription: owned by the core thread, which awaits
/// [`changed`](Self::changed) and then calls [`drain`](Self::drain).
/// `Send` (create it anywhere, move it to its core); dropping it unsubscribes.
pub struct CoreBusHandle {
    bus: Arc<Core>,
    sub: CoreSub<AnyValue>,
    rx: flume::Receiver<()>,
}

impl fmt::Debug for CoreBusHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CoreBusHandle")
            .field("pending", &self.sub.cell().is_pending())
            .finish()
    }
}

impl CoreBusHandle {
    /// See [`BusWaiter::changed`].
    pub async fn changed(&self) -> bool {
        self.waiter().changed().await
    }

    /// See [`BusWaiter::wait_blocking`].
    pub fn wait_blocking(&self) -> bool {
        self.waiter().wait_blocking()
    }

    /// A waiter for this core, to await changes without borrowing the handle.
    pub fn waiter(&self) -> BusWaiter {
        BusWaiter {
            bus: self.bus.clone(),
            rx: self.rx.clone(),
        }
    }

    /// Calls `apply` (outside any lock) for every slot that changed since the last drain,
    /// with its latest value; returns how many. Versions per slot only go up.
    pub fn drain(&mut self, mut apply: impl FnMut(Changed<'_>)) -> usize {
        self.sub.drain(&self.bus, |id, version, value| {
            apply(Changed {
                slot: SlotId(id),
                version,
                value,
            })
        })
    }

    /// Identity of the bus this handle belongs to.
    pub(crate) fn bus_key(&self) -> usize {
        Arc::as_ptr(&self.bus) as *const () as usize
    }

    /// The last version of `slot` this core applied (0: none yet).
    pub fn applied(&self, slot: SlotId) -> u64 {
        self.sub.applied(slot.0)
    }

    /// Whether a write happened since the last drain began.
    pub fn is_pending(&self) -> bool {
        self.sub.cell().is_pending()
    }

    /// Whether the bus was shut down.
    pub fn is_closed(&self) -> bool {
        self.bus.is_closed()
    }
}

impl Drop for CoreBusHandle {
    fn drop(&mut self) {
        self.bus.unsubscribe(&self.sub);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>() {}

    #[test]
    fn thread_bounds() {
        assert_send_sync::<Bus>();
        assert_send_sync::<GlobalSlot<String>>();
        assert_send::<CoreBusHandle>();
        assert_send::<BusWaiter>();
    }

    #[test]
    fn drop_unsubscribes_and_shutdown_refuses() {
        let bus = Bus::new();
        let a = bus.subscribe().unwrap();
        let b = bus.subscribe().unwrap();
        assert_eq!(bus.subscribers(), 2);
        drop(a);
        assert_eq!(bus.subscribers(), 1);
        bus.shutdown();
        assert_eq!(bus.subscribers(), 0);
        assert_eq!(bus.subscribe().unwrap_err(), BusClosed);
        assert!(!b.wait_blocking());
    }

    #[test]
    fn channel_holds_one_notification() {
        let bus = Bus::new();
        let s = bus.slot(0u32);
        let mut core = bus.subscribe().unwrap();
        core.drain(|_| {});
        for i in 0..100 {
            s.set(i);
        }
        assert_eq!(core.rx.len(), 1, "writes must coalesce into one wake-up");
        let mut got = Vec::new();
        core.drain(|c| got.push((c.version, *c.get::<u32>().unwrap())));
        assert_eq!(got, [(101, 99)]);
    }
}
