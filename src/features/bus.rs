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
///
/// # Examples
///
/// ```
/// use vango::features::bus::{AnyValue, Bus};
/// let bus = Bus::new();
/// let _slot = bus.slot(7u8);
/// let mut core = bus.subscribe().unwrap();
/// let mut kept: Vec<AnyValue> = Vec::new();
/// core.drain(|c| kept.push(c.value().clone()));
/// assert_eq!(kept[0].downcast_ref::<u8>(), Some(&7));
/// ```
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
///
/// # Examples
///
/// ```
/// use vango::features::bus::{Bus, BusClosed};
/// let bus = Bus::new();
/// bus.shutdown();
/// assert_eq!(bus.subscribe().unwrap_err(), BusClosed);
/// assert_eq!(BusClosed.to_string(), "the bus was shut down");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusClosed;

impl fmt::Display for BusClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the bus was shut down")
    }
}

impl std::error::Error for BusClosed {}

/// Identifies a slot within its bus (dense, from 0, in creation order).
///
/// # Examples
///
/// ```
/// use vango::features::bus::{Bus, SlotId};
/// let bus = Bus::new();
/// let a = bus.slot(1u8);
/// let b = bus.slot("b");
/// let ids: Vec<SlotId> = vec![a.id(), b.id()];
/// assert!(ids[0] < ids[1]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SlotId(usize);

impl SlotId {
    /// The slot's index.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let first = bus.slot(0u32);
    /// let second = bus.slot(0u32);
    /// assert_eq!((first.id().index(), second.id().index()), (0, 1));
    /// ```
    pub fn index(self) -> usize {
        self.0
    }
}

impl Bus {
    /// An empty, open bus.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// assert_eq!((bus.slots(), bus.subscribers()), (0, 0));
    /// assert!(!bus.is_closed());
    /// ```
    pub fn new() -> Bus {
        Bus::default()
    }

    /// Creates a global slot holding `initial` (version 1). Slots live as long as the bus.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let users = bus.slot(vec!["ada".to_string()]);
    /// assert_eq!(users.version(), 1);
    /// assert_eq!(users.get(), ["ada"]);
    /// assert_eq!(bus.slots(), 1);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(5i32);
    /// let mut core = bus.subscribe()?;
    /// // A new subscriber is pending, so its first drain sees every slot.
    /// assert!(core.is_pending());
    /// assert_eq!(core.drain(|c| assert_eq!(c.get::<i32>(), Some(&5))), 1);
    /// slot.set(6);
    /// assert!(core.is_pending());
    /// # Ok::<(), vango::features::bus::BusClosed>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(0u8);
    /// let core = bus.subscribe().unwrap();
    /// bus.shutdown();
    /// assert!(!core.wait_blocking(), "a shut-down bus ends every core's wait");
    /// slot.set(1); // writes still land
    /// assert_eq!(slot.get(), 1);
    /// ```
    pub fn shutdown(&self) {
        self.core.shutdown();
    }

    /// Whether [`shutdown`](Self::shutdown) ran.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// assert!(!bus.is_closed());
    /// bus.clone().shutdown();
    /// assert!(bus.is_closed(), "clones share one bus");
    /// ```
    pub fn is_closed(&self) -> bool {
        self.core.is_closed()
    }

    /// Number of subscribed cores.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let a = bus.subscribe().unwrap();
    /// let _b = bus.subscribe().unwrap();
    /// assert_eq!(bus.subscribers(), 2);
    /// drop(a);
    /// assert_eq!(bus.subscribers(), 1);
    /// ```
    pub fn subscribers(&self) -> usize {
        self.core.subscribers()
    }

    /// Number of slots.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let _a = bus.slot(1u8);
    /// let _b = bus.slot(String::new());
    /// assert_eq!(bus.slots(), 2);
    /// ```
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
///
/// # Examples
///
/// ```
/// use std::thread;
/// let bus = vango::features::bus::Bus::new();
/// let hits = bus.slot(0u64);
/// let workers: Vec<_> = (0..4)
///     .map(|_| {
///         let hits = hits.clone();
///         thread::spawn(move || hits.update(|n| *n += 1))
///     })
///     .collect();
/// workers.into_iter().for_each(|w| { w.join().unwrap(); });
/// assert_eq!(hits.get(), 4, "no increment is lost");
/// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let tags = bus.slot(vec!["a"]);
    /// let version = tags.update(|v| v.push("b"));
    /// assert_eq!(version, 2);
    /// assert_eq!(tags.get(), ["a", "b"]);
    /// ```
    pub fn update(&self, mut f: impl FnMut(&mut T)) -> u64 {
        self.bus.update(&self.cell, |current| {
            let mut next = typed::<T>(current).clone();
            f(&mut next);
            Arc::new(next) as AnyValue
        })
    }

    /// A clone of the latest value.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let name = bus.slot(String::from("vango"));
    /// assert_eq!(name.get(), "vango");
    /// ```
    pub fn get(&self) -> T {
        self.snapshot().1
    }

    /// The latest `(version, value)` pair, read consistently.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let n = bus.slot(10u32);
    /// n.set(11);
    /// assert_eq!(n.snapshot(), (2, 11));
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let n = bus.slot(0u8);
    /// assert_eq!(n.version(), 1);
    /// n.set(0); // every write counts, even of an equal value
    /// assert_eq!(n.version(), 2);
    /// ```
    pub fn version(&self) -> u64 {
        self.cell.version()
    }

    /// This slot's id, as reported by [`CoreBusHandle::drain`].
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(1u8);
    /// let mut core = bus.subscribe().unwrap();
    /// let mut ids = Vec::new();
    /// core.drain(|c| ids.push(c.slot));
    /// assert_eq!(ids, [slot.id()]);
    /// ```
    pub fn id(&self) -> SlotId {
        SlotId(self.cell.id())
    }
}

/// One changed slot, as seen by [`CoreBusHandle::drain`].
///
/// # Examples
///
/// ```
/// use vango::features::bus::{Bus, Changed};
/// let bus = Bus::new();
/// let count = bus.slot(3u32);
/// let mut core = bus.subscribe().unwrap();
/// core.drain(|c: Changed<'_>| {
///     assert_eq!((c.slot, c.version), (count.id(), 1));
///     assert_eq!(c.get::<u32>(), Some(&3));
/// });
/// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let _slot = bus.slot(3u32);
    /// let mut core = bus.subscribe().unwrap();
    /// core.drain(|c| {
    ///     assert_eq!(c.get::<u32>(), Some(&3));
    ///     assert_eq!(c.get::<i64>(), None, "the wrong type gives None");
    /// });
    /// ```
    pub fn get<T: 'static>(&self) -> Option<&'a T> {
        (**self.value).downcast_ref::<T>()
    }

    /// The type-erased value (clone it to keep it).
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let _slot = bus.slot(String::from("hi"));
    /// let mut core = bus.subscribe().unwrap();
    /// let mut kept = None;
    /// core.drain(|c| kept = Some(c.value().clone()));
    /// assert_eq!(kept.unwrap().downcast_ref::<String>().unwrap(), "hi");
    /// ```
    pub fn value(&self) -> &'a AnyValue {
        self.value
    }
}

/// Waits for bus changes on one core; a cheap clone of part of a [`CoreBusHandle`],
/// so a task can await while another part of the core drains.
///
/// # Examples
///
/// ```
/// let bus = vango::features::bus::Bus::new();
/// let slot = bus.slot(0u32);
/// let mut core = bus.subscribe().unwrap();
/// let waiter = core.waiter();
/// assert!(waiter.wait_blocking(), "a new subscriber is woken at once");
/// core.drain(|_| {});
/// let writer = std::thread::spawn(move || slot.set(1));
/// assert!(waiter.wait_blocking()); // blocks until the write
/// writer.join().unwrap();
/// assert_eq!(core.drain(|c| assert_eq!(c.get::<u32>(), Some(&1))), 1);
/// ```
#[derive(Clone)]
pub struct BusWaiter {
    bus: Arc<Core>,
    rx: flume::Receiver<()>,
}

impl BusWaiter {
    /// Resolves once some slot changed since the last drain began (`true`), or with
    /// `false` once the bus is shut down. Drain after each `true`.
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_lite::future::block_on;
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(0u32);
    /// let mut core = bus.subscribe().unwrap();
    /// core.drain(|_| {});
    /// let waiter = core.waiter();
    /// slot.set(1);
    /// assert!(block_on(waiter.changed()));
    /// bus.shutdown();
    /// assert!(!block_on(waiter.changed()));
    /// ```
    pub async fn changed(&self) -> bool {
        if self.bus.is_closed() {
            return false;
        }
        // The sender lives in the core's subscription, which outlives this waiter's use;
        // an error can only mean the bus let go of it, i.e. shutdown.
        self.rx.recv_async().await.is_ok() && !self.bus.is_closed()
    }

    /// Blocking form of [`changed`](Self::changed), for plain threads.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let core = bus.subscribe().unwrap();
    /// let waiter = core.waiter();
    /// assert!(waiter.wait_blocking(), "a new subscriber is woken at once");
    /// bus.shutdown();
    /// assert!(!waiter.wait_blocking());
    /// ```
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
///
/// # Examples
///
/// ```
/// use vango::features::bus::{Bus, CoreBusHandle};
/// let bus = Bus::new();
/// let temp = bus.slot(20i32);
/// let mut core: CoreBusHandle = bus.subscribe().unwrap();
/// let mut mirror = 0;
/// while core.is_pending() {
///     core.drain(|c| mirror = *c.get::<i32>().unwrap());
/// }
/// assert_eq!(mirror, 20);
/// temp.set(21);
/// core.drain(|c| mirror = *c.get::<i32>().unwrap());
/// assert_eq!(mirror, 21);
/// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_lite::future::block_on;
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(0u32);
    /// let mut core = bus.subscribe().unwrap();
    /// assert!(block_on(core.changed()));
    /// core.drain(|_| {});
    /// slot.set(1);
    /// assert!(block_on(core.changed()));
    /// ```
    pub async fn changed(&self) -> bool {
        self.waiter().changed().await
    }

    /// See [`BusWaiter::wait_blocking`].
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(0u32);
    /// let mut core = bus.subscribe().unwrap();
    /// assert!(core.wait_blocking(), "a new subscriber is woken at once");
    /// core.drain(|_| {});
    /// std::thread::spawn(move || slot.set(9));
    /// assert!(core.wait_blocking()); // blocks until the write
    /// assert_eq!(core.drain(|c| assert_eq!(c.get::<u32>(), Some(&9))), 1);
    /// ```
    pub fn wait_blocking(&self) -> bool {
        self.waiter().wait_blocking()
    }

    /// A waiter for this core, to await changes without borrowing the handle.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let slot = bus.slot(0u32);
    /// let mut core = bus.subscribe().unwrap();
    /// let waiter = core.waiter(); // no borrow of `core` is kept
    /// assert!(waiter.wait_blocking());
    /// core.drain(|_| {});
    /// slot.set(1);
    /// assert!(waiter.wait_blocking());
    /// ```
    pub fn waiter(&self) -> BusWaiter {
        BusWaiter {
            bus: self.bus.clone(),
            rx: self.rx.clone(),
        }
    }

    /// Calls `apply` (outside any lock) for every slot that changed since the last drain,
    /// with its latest value; returns how many. Versions per slot only go up.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let n = bus.slot(0u32);
    /// let mut core = bus.subscribe().unwrap();
    /// core.drain(|_| {});
    /// for i in 1..=100 {
    ///     n.set(i);
    /// }
    /// let mut seen = Vec::new();
    /// // A burst coalesces: one call, with the latest value only.
    /// assert_eq!(core.drain(|c| seen.push(*c.get::<u32>().unwrap())), 1);
    /// assert_eq!(seen, [100]);
    /// assert_eq!(core.drain(|_| {}), 0);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let n = bus.slot(0u32);
    /// let mut core = bus.subscribe().unwrap();
    /// assert_eq!(core.applied(n.id()), 0);
    /// n.set(1);
    /// core.drain(|_| {});
    /// assert_eq!(core.applied(n.id()), 2);
    /// ```
    pub fn applied(&self, slot: SlotId) -> u64 {
        self.sub.applied(slot.0)
    }

    /// Whether a write happened since the last drain began.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let n = bus.slot(0u32);
    /// let mut core = bus.subscribe().unwrap();
    /// core.drain(|_| {});
    /// assert!(!core.is_pending());
    /// n.set(1);
    /// assert!(core.is_pending());
    /// ```
    pub fn is_pending(&self) -> bool {
        self.sub.cell().is_pending()
    }

    /// Whether the bus was shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// let bus = vango::features::bus::Bus::new();
    /// let core = bus.subscribe().unwrap();
    /// assert!(!core.is_closed());
    /// bus.shutdown();
    /// assert!(core.is_closed());
    /// ```
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
