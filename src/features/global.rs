//! [`GlobalSignal<T>`]: one value shared by every session on every core, read through a
//! per-core reactive mirror that the core's bus drain keeps up to date.
//!
//! Touches the bus (`features::bus`) and this thread's reactive graph (`crate::reactive`):
//! each attached core thread keeps, in a thread-local, its [`CoreBusHandle`] and one
//! mirror [`Signal`] per global it has read. Reads are lock-free local signal reads;
//! writes go to the bus and are applied to this core's mirror at once (read your own
//! writes) and to the other cores' mirrors on their next [`drain_core`].
//!
//! Runtime integration, on each core thread, before serving:
//!
//! ```
//! use vango::features::{bus::Bus, global::{attach_core, drive_core, GlobalSignal}};
//! let bus = Bus::new();
//! let online = GlobalSignal::new(&bus, 0u32); // before the core threads start
//! std::thread::spawn(move || {
//!     let waiter = attach_core(&bus).expect("bus open");
//!     let ex = async_executor::LocalExecutor::new();
//!     let task = ex.spawn(drive_core(waiter)); // applies remote writes as they come
//!     online.update(|n| *n += 1);
//!     assert_eq!(online.get(), 1);
//!     bus.shutdown(); // normally at runtime shutdown: `drive_core` then returns
//!     futures_lite::future::block_on(ex.run(task));
//! }).join().unwrap();
//! ```

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use super::bus::{typed, AnyValue, Bus, BusClosed, BusWaiter, CoreBusHandle, GlobalSlot};
use super::persist::{Persist, Saver, Store};
use crate::reactive::{batch, memo, signal, Memo, Owner, Signal};

struct Mirror {
    /// Version of the value the mirror signal holds; only ever goes up.
    version: Cell<u64>,
    /// The `Signal<T>`, type-erased.
    signal: Box<dyn std::any::Any>,
    /// Sets the mirror signal from a slot value.
    apply: Rc<dyn Fn(&AnyValue)>,
}

struct CoreState {
    handle: CoreBusHandle,
    bus_key: usize,
    /// Owns the mirror signals, so they outlive the components that first read them.
    owner: Owner,
    mirrors: Vec<Option<Mirror>>,
    /// This core's `Memo<T>` per [`GlobalMemo`](super::global_memo::GlobalMemo) id, owned by
    /// `owner` like the mirrors (so they die with the attachment, never with a component).
    memos: HashMap<usize, Box<dyn Any>>,
}

thread_local! {
    static CORE: RefCell<Option<CoreState>> = const { RefCell::new(None) };
}

/// Subscribes this thread (a core) to `bus` and makes [`GlobalSignal`]s of that bus read
/// through local mirrors here. Replaces any previous attachment of this thread.
/// Returns the waiter the core's bus task awaits (see [`drive_core`]).
///
/// # Examples
///
/// ```
/// use vango::features::{bus::Bus, global::{attach_core, is_attached, GlobalSignal}};
/// let bus = Bus::new();
/// let g = GlobalSignal::new(&bus, 1u8);
/// assert!(g.signal().is_none(), "not attached: reads go to the bus");
/// let _waiter = attach_core(&bus)?;
/// assert!(is_attached() && g.signal().is_some());
/// # Ok::<(), vango::features::bus::BusClosed>(())
/// ```
pub fn attach_core(bus: &Bus) -> Result<BusWaiter, BusClosed> {
    detach_core();
    let handle = bus.subscribe()?;
    let waiter = handle.waiter();
    let state = CoreState {
        bus_key: handle.bus_key(),
        handle,
        owner: Owner::new_root(),
        mirrors: Vec::new(),
        memos: HashMap::new(),
    };
    CORE.with(|c| *c.borrow_mut() = Some(state));
    Ok(waiter)
}

/// Unsubscribes this thread and disposes its mirrors. A no-op if it is not attached.
///
/// # Examples
///
/// ```
/// use vango::features::{bus::Bus, global::{attach_core, detach_core, is_attached}};
/// let bus = Bus::new();
/// attach_core(&bus).unwrap();
/// assert_eq!(bus.subscribers(), 1);
/// detach_core();
/// assert!(!is_attached());
/// assert_eq!(bus.subscribers(), 0);
/// ```
pub fn detach_core() {
    if let Some(state) = CORE.with(|c| c.borrow_mut().take()) {
        state.owner.dispose();
    }
}

/// Whether this thread is attached to a bus.
///
/// # Examples
///
/// ```
/// use vango::features::{bus::Bus, global::{attach_core, is_attached}};
/// assert!(!is_attached());
/// attach_core(&Bus::new()).unwrap();
/// assert!(is_attached());
/// assert!(!std::thread::spawn(is_attached).join().unwrap(), "per thread");
/// ```
pub fn is_attached() -> bool {
    CORE.with(|c| c.borrow().is_some())
}

/// Applies every global changed since the last drain to this core's mirrors, in one
/// reactive [`batch`]; returns how many mirrors changed. The runtime calls it on each
/// core when the bus wakes it (or uses [`drive_core`]). 0 if not attached.
///
/// # Examples
///
/// ```
/// use vango::features::{bus::Bus, global::{attach_core, drain_core, GlobalSignal}};
/// let bus = Bus::new();
/// let g = GlobalSignal::new(&bus, 0u32);
/// attach_core(&bus).unwrap();
/// assert_eq!(g.get(), 0); // this core now mirrors `g`
/// std::thread::spawn(move || g.set(5)).join().unwrap(); // another core writes
/// assert_eq!(g.get(), 0, "not applied here yet");
/// assert_eq!(drain_core(), 1);
/// assert_eq!(g.get(), 5);
/// ```
pub fn drain_core() -> usize {
    drain_counting().1
}

/// Drains like [`drain_core`]; returns `(seen, applied)`: how many changed globals have a
/// mirror here, and how many of those mirrors this drain moved (a global this core wrote
/// itself is seen but was already applied at the write).
fn drain_counting() -> (usize, usize) {
    // Collected first, applied after: applying runs effects, which may read globals.
    let changes = CORE.with(|c| {
        let mut c = c.borrow_mut();
        let mut out = Vec::new();
        if let Some(state) = c.as_mut() {
            state.handle.drain(|ch| {
                if state
                    .mirrors
                    .get(ch.slot.index())
                    .is_some_and(Option::is_some)
                {
                    out.push((ch.slot.index(), ch.version, ch.value().clone()));
                }
            });
        }
        out
    });
    if changes.is_empty() {
        return (0, 0);
    }
    let applied = batch(|| {
        changes
            .iter()
            .filter(|(id, version, value)| apply_if_newer(*id, *version, value))
            .count()
    });
    (changes.len(), applied)
}

/// The bus loop of one core: waits for changes and drains them until the bus shuts
/// down. Spawn it on the core's `LocalExecutor` after [`attach_core`].
///
/// # Examples
///
/// ```
/// use vango::features::{bus::Bus, global::{attach_core, drive_core, GlobalSignal}};
/// let bus = Bus::new();
/// let g = GlobalSignal::new(&bus, 0u32);
/// let waiter = attach_core(&bus).unwrap();
/// let _ = g.get();
/// std::thread::spawn(move || g.set(7)).join().unwrap();
/// bus.shutdown(); // so the loop ends after its last drain
/// futures_lite::future::block_on(drive_core(waiter));
/// assert_eq!(g.get(), 7);
/// ```
pub async fn drive_core(waiter: BusWaiter) {
    while waiter.changed().await {
        drain_core();
    }
    // Whatever was written before the shutdown is still applied.
    drain_core();
}

/// [`drive_core`] that calls `changed` after every drain that saw a change to a global
/// with a mirror on this core, including one this core wrote itself (its mirror was set
/// at the write, but other readers here may not have re-rendered yet). The server uses it
/// to ring the sessions' dirty bell; cores where no global was read are never rung.
///
/// # Examples
///
/// ```
/// use std::cell::Cell;
/// use vango::features::{bus::Bus, global::{attach_core, drive_core_then, GlobalSignal}};
/// let bus = Bus::new();
/// let g = GlobalSignal::new(&bus, 0u32);
/// let waiter = attach_core(&bus).unwrap();
/// let _ = g.get(); // read here, so a change to it rings this core
/// std::thread::spawn(move || g.set(1)).join().unwrap();
/// bus.shutdown();
/// let rings = Cell::new(0);
/// futures_lite::future::block_on(drive_core_then(waiter, || rings.set(rings.get() + 1)));
/// assert_eq!((g.get(), rings.get()), (1, 1));
/// ```
pub async fn drive_core_then(waiter: BusWaiter, mut changed: impl FnMut()) {
    while waiter.changed().await {
        if drain_counting().0 > 0 {
            changed();
        }
    }
    if drain_counting().0 > 0 {
        changed();
    }
}

/// This core's memo for the global memo `id`, created (lazily: nothing runs yet) from
/// `f` on first use; `None` if this thread is not attached.
pub(crate) fn core_memo<T: PartialEq + 'static>(id: usize, f: fn() -> T) -> Option<Memo<T>> {
    CORE.with(|c| {
        let mut c = c.borrow_mut();
        let state = c.as_mut()?;
        if let Some(m) = state.memos.get(&id) {
            return m.downcast_ref::<Memo<T>>().copied();
        }
        // `memo()` is lazy: creating it does not run `f`, so `CORE` is not re-entered.
        let m = state.owner.with(|| memo(f));
        state.memos.insert(id, Box::new(m));
        Some(m)
    })
}

/// Sets mirror `id` to `value` if `version` is newer than what it holds.
fn apply_if_newer(id: usize, version: u64, value: &AnyValue) -> bool {
    let apply = CORE.with(|c| {
        let c = c.borrow();
        let mirror = c.as_ref()?.mirrors.get(id)?.as_ref()?;
        (version > mirror.version.get()).then(|| {
            mirror.version.set(version);
            mirror.apply.clone()
        })
    });
    match apply {
        Some(apply) => {
            apply(value);
            true
        }
        None => false,
    }
}

/// One value shared by every session on every core (e.g. a visitor count, a feature
/// flag, a shared list). `Copy + Send + Sync`, so closures capture it like a [`Signal`]:
/// create it before the core threads start and hand it to each. Globals live as long as
/// the process: creating one leaks its small handle (create them once, at startup).
///
/// On a core thread attached with [`attach_core`], reads go to a local mirror signal and
/// are *tracked* like any [`Signal`] read, so components re-render when any core writes.
/// On other threads they read the bus directly (untracked).
///
/// # Examples
///
/// ```
/// use vango::features::{bus::Bus, global::{attach_core, GlobalSignal}};
/// use vango::reactive::{effect, signal};
/// let bus = Bus::new();
/// let clicks = GlobalSignal::new(&bus, 0);
/// attach_core(&bus).unwrap(); // what the runtime does on each core
/// let seen = signal(Vec::new());
/// effect(move || { let n = clicks.get(); seen.update_untracked(|s| s.push(n)); });
/// clicks.update(|n| *n += 1);
/// assert_eq!(seen.get(), [0, 1]);
/// ```
pub struct GlobalSignal<T: 'static> {
    slot: &'static GlobalSlot<T>,
    /// The background saver of a [`persisted`](GlobalSignal::persisted) global.
    saver: Option<&'static Saver>,
}

impl<T> Clone for GlobalSignal<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for GlobalSignal<T> {}

impl<T: 'static> fmt::Debug for GlobalSignal<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GlobalSignal").field(&self.slot).finish()
    }
}

impl<T: Clone + Send + Sync + 'static> GlobalSignal<T> {
    /// A new global on `bus`, holding `initial`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::GlobalSignal};
    /// let bus = Bus::new();
    /// let flag = GlobalSignal::new(&bus, false);
    /// assert!(!flag.get());
    /// assert_eq!(flag.version(), 1);
    /// ```
    pub fn new(bus: &Bus, initial: T) -> GlobalSignal<T> {
        GlobalSignal::from_slot(bus.slot(initial))
    }

    /// Wraps an existing slot (leaking the handle: see the type's docs).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::GlobalSignal};
    /// let bus = Bus::new();
    /// let slot = bus.slot(3u8);
    /// let g = GlobalSignal::from_slot(slot.clone());
    /// slot.set(4);
    /// assert_eq!(g.get(), 4, "one value, two handles");
    /// ```
    pub fn from_slot(slot: GlobalSlot<T>) -> GlobalSignal<T> {
        GlobalSignal {
            slot: Box::leak(Box::new(slot)),
            saver: None,
        }
    }

    /// The underlying bus slot.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::GlobalSignal};
    /// let g = GlobalSignal::new(&Bus::new(), 1u8);
    /// g.set(2);
    /// assert_eq!(g.slot().snapshot(), (2, 2));
    /// ```
    pub fn slot(&self) -> &'static GlobalSlot<T> {
        self.slot
    }

    /// This core's mirror signal (created on first use), or `None` if this thread is not
    /// attached to this global's bus. Treat it as read-only: write through the global.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::{attach_core, GlobalSignal}};
    /// let bus = Bus::new();
    /// let g = GlobalSignal::new(&bus, 1u8);
    /// assert!(g.signal().is_none());
    /// attach_core(&bus).unwrap();
    /// let mirror = g.signal().unwrap();
    /// g.set(2);
    /// assert_eq!(mirror.get(), 2, "a write here updates the mirror at once");
    /// ```
    pub fn signal(&self) -> Option<Signal<T>> {
        let bus_key = self.slot.bus_key();
        let id = self.slot.id().index();
        CORE.with(|c| {
            let mut c = c.borrow_mut();
            let state = c.as_mut().filter(|s| s.bus_key == bus_key)?;
            if let Some(Some(m)) = state.mirrors.get(id) {
                return m.signal.downcast_ref::<Signal<T>>().copied();
            }
            let (version, value) = self.slot.snapshot();
            // `signal()` only touches the reactive runtime, never `CORE`.
            let sig = state.owner.with(|| signal(value));
            if state.mirrors.len() <= id {
                state.mirrors.resize_with(id + 1, || None);
            }
            state.mirrors[id] = Some(Mirror {
                version: Cell::new(version),
                signal: Box::new(sig),
                apply: Rc::new(move |v: &AnyValue| sig.set(typed::<T>(v).clone())),
            });
            Some(sig)
        })
    }

    /// A clone of the value; a tracked read on an attached core.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::{attach_core, GlobalSignal}};
    /// use vango::reactive::memo;
    /// let bus = Bus::new();
    /// let count = GlobalSignal::new(&bus, 2u32);
    /// attach_core(&bus).unwrap();
    /// let double = memo(move || count.get() * 2); // tracked, like a signal read
    /// count.set(5);
    /// assert_eq!(double.get(), 10);
    /// ```
    pub fn get(&self) -> T {
        match self.signal() {
            Some(s) => s.get(),
            None => self.slot.get(),
        }
    }

    /// Runs `f` on the value without cloning it on an attached core; tracked there.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::{attach_core, GlobalSignal}};
    /// let bus = Bus::new();
    /// let names = GlobalSignal::new(&bus, vec!["ada".to_string(), "bob".to_string()]);
    /// attach_core(&bus).unwrap();
    /// assert_eq!(names.with(|v| v.len()), 2); // no clone of the vector
    /// ```
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        match self.signal() {
            Some(s) => s.with(f),
            None => f(&self.slot.get()),
        }
    }

    /// A clone of the latest value on the bus, untracked.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::{attach_core, GlobalSignal}};
    /// let bus = Bus::new();
    /// let g = GlobalSignal::new(&bus, 0u32);
    /// attach_core(&bus).unwrap();
    /// let _ = g.get();
    /// std::thread::spawn(move || g.set(9)).join().unwrap();
    /// // The bus already has the other core's write; this core's mirror gets it at the drain.
    /// assert_eq!((g.get_untracked(), g.get()), (9, 0));
    /// ```
    pub fn get_untracked(&self) -> T {
        self.slot.get()
    }

    /// Replaces the value on every core; this core's mirror updates at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::{attach_core, GlobalSignal}};
    /// let bus = Bus::new();
    /// let motd = GlobalSignal::new(&bus, String::from("hi"));
    /// attach_core(&bus).unwrap();
    /// motd.set("maintenance at 18:00".into());
    /// assert_eq!(motd.get(), "maintenance at 18:00");
    /// assert_eq!(motd.version(), 2);
    /// ```
    pub fn set(&self, value: T) {
        self.slot.set(value);
        self.refresh_local();
        self.wake_saver();
    }

    /// Read-modify-write (may run `f` again if another core wrote meanwhile); this core's
    /// mirror updates at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::GlobalSignal};
    /// let online = GlobalSignal::new(&Bus::new(), 0u32);
    /// let cores: Vec<_> = (0..3)
    ///     .map(|_| std::thread::spawn(move || online.update(|n| *n += 1)))
    ///     .collect();
    /// cores.into_iter().for_each(|c| c.join().unwrap());
    /// assert_eq!(online.get(), 3);
    /// ```
    pub fn update(&self, f: impl FnMut(&mut T)) {
        self.slot.update(f);
        self.refresh_local();
        self.wake_saver();
    }

    /// Version of the latest write anywhere (1 for the initial value).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::GlobalSignal};
    /// let g = GlobalSignal::new(&Bus::new(), 'a');
    /// g.set('b');
    /// g.update(|c| *c = 'c');
    /// assert_eq!(g.version(), 3);
    /// ```
    pub fn version(&self) -> u64 {
        self.slot.version()
    }

    fn wake_saver(&self) {
        if let Some(saver) = self.saver {
            saver.wake();
        }
    }

    /// Brings this core's mirror (if any) to the slot's latest value.
    fn refresh_local(&self) {
        let id = self.slot.id().index();
        let has_mirror = CORE.with(|c| {
            c.borrow().as_ref().is_some_and(|s| {
                s.bus_key == self.slot.bus_key() && s.mirrors.get(id).is_some_and(Option::is_some)
            })
        });
        if has_mirror {
            let (version, value) = self.slot.snapshot_any();
            apply_if_newer(id, version, &value);
        }
    }
}

impl<T: Persist + Clone + Send + Sync + 'static> GlobalSignal<T> {
    /// A global whose value survives restarts: it starts from the value saved in `store`
    /// under `key` (or `initial` if there is none or it does not decode), and every
    /// [`set`](Self::set)/[`update`](Self::update) is saved by one background thread of
    /// its own, which coalesces bursts (it always saves the latest value), so writers
    /// never wait for the disk. Writes made directly through [`slot`](Self::slot) are
    /// saved at the next write or [`flush`](Self::flush).
    ///
    /// Errors: `store` failed to load (an invalid key, an unreadable file), or the
    /// saver thread could not be spawned.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::features::{bus::Bus, global::GlobalSignal, persist::FileStore};
    /// let dir = std::env::temp_dir().join(format!("vango-gp-doc-{}", std::process::id()));
    /// let store = Arc::new(FileStore::open(&dir)?);
    /// let visits = GlobalSignal::persisted(&Bus::new(), store.clone(), "visits", 0u64)?;
    /// visits.update(|n| *n += 1);
    /// visits.flush()?;
    /// // After a restart: a new bus, the same store.
    /// let again = GlobalSignal::persisted(&Bus::new(), store, "visits", 0u64)?;
    /// assert_eq!(again.get_untracked(), 1);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn persisted(
        bus: &Bus,
        store: Arc<dyn Store + Send + Sync>,
        key: &str,
        initial: T,
    ) -> io::Result<GlobalSignal<T>> {
        Self::persisted_with(bus, store, key, initial, T::to_bytes, T::from_bytes)
    }
}

#[cfg(feature = "serde")]
impl<T> GlobalSignal<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
{
    /// Like [`persisted`](Self::persisted), for any serde type, saved as JSON (a file a
    /// person can read and mend; one that does not decode is kept aside, never
    /// overwritten). With the `serde` feature.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::features::{bus::Bus, global::GlobalSignal, persist::FileStore};
    /// #[derive(Clone, serde::Serialize, serde::Deserialize)]
    /// struct Board { title: String, cards: Vec<(u32, String)> }
    /// let dir = std::env::temp_dir().join(format!("vango-gs-doc-{}", std::process::id()));
    /// let store = Arc::new(FileStore::open(&dir)?);
    /// let empty = Board { title: "todo".into(), cards: vec![] };
    /// let board = GlobalSignal::persisted_serde(&Bus::new(), store.clone(), "board", empty.clone())?;
    /// board.update(|b| b.cards.push((1, "ship".into())));
    /// board.flush()?;
    /// let again = GlobalSignal::persisted_serde(&Bus::new(), store, "board", empty)?;
    /// assert_eq!(again.get_untracked().cards, [(1, "ship".to_string())]);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn persisted_serde(
        bus: &Bus,
        store: Arc<dyn Store + Send + Sync>,
        key: &str,
        initial: T,
    ) -> io::Result<GlobalSignal<T>> {
        Self::persisted_with(
            bus,
            store,
            key,
            initial,
            |v: &T| serde_json::to_vec(v).unwrap_or_default(),
            |b: &[u8]| serde_json::from_slice(b).ok(),
        )
    }
}

impl<T: Clone + Send + Sync + 'static> GlobalSignal<T> {
    /// Like [`persisted`](Self::persisted), with the encoding given: `encode` turns a
    /// value into the bytes saved, `decode` reads them back (`None`: not a valid
    /// encoding; the file is then kept aside and the global starts from `initial`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::features::{bus::Bus, global::GlobalSignal, persist::{FileStore, Store}};
    /// let dir = std::env::temp_dir().join(format!("vango-gw-doc-{}", std::process::id()));
    /// let store = Arc::new(FileStore::open(&dir)?);
    /// let csv = |v: &Vec<u8>| v.iter().map(u8::to_string).collect::<Vec<_>>().join(",").into_bytes();
    /// let parse = |b: &[u8]| std::str::from_utf8(b).ok()?.split(',').map(|n| n.parse().ok()).collect();
    /// let g = GlobalSignal::persisted_with(&Bus::new(), store.clone(), "v", vec![], csv, parse)?;
    /// g.set(vec![1u8, 2]);
    /// g.flush()?;
    /// assert_eq!(store.load("v")?.as_deref(), Some(&b"1,2"[..]));
    /// let again = GlobalSignal::persisted_with(&Bus::new(), store, "v", vec![], csv, parse)?;
    /// assert_eq!(again.get_untracked(), [1, 2]);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn persisted_with(
        bus: &Bus,
        store: Arc<dyn Store + Send + Sync>,
        key: &str,
        initial: T,
        encode: fn(&T) -> Vec<u8>,
        decode: fn(&[u8]) -> Option<T>,
    ) -> io::Result<GlobalSignal<T>> {
        let start = match store.load(key)? {
            None => initial,
            Some(bytes) => match decode(&bytes) {
                Some(v) => v,
                None => {
                    // Never overwrite what could not be read: keep it for a person.
                    let aside = store.set_aside(key)?;
                    log::error!(
                        "the persisted value {key:?} ({} bytes) does not decode as {}; \
                         kept aside as {aside:?}, starting from the initial value",
                        bytes.len(),
                        std::any::type_name::<T>()
                    );
                    initial
                }
            },
        };
        let slot = bus.slot(start);
        let reader = slot.clone();
        let saver = Saver::spawn(
            store,
            key.to_owned(),
            Box::new(move || {
                let (version, value) = reader.snapshot_any();
                (version, encode(typed::<T>(&value)))
            }),
        )?;
        let flushed = slot.clone();
        lock_flushers().push(Box::new(move || saver.flush(flushed.version())));
        let mut global = GlobalSignal::from_slot(slot);
        global.saver = Some(saver);
        Ok(global)
    }

    /// Blocks until the latest value (as of this call) is saved; returns the error of that
    /// save if it failed. A no-op for a global that is not persisted. The app calls
    /// [`flush_persisted`] for every persisted global when it shuts down (SIGTERM).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::features::{bus::Bus, global::GlobalSignal, persist::{FileStore, Store}};
    /// let dir = std::env::temp_dir().join(format!("vango-gf-doc-{}", std::process::id()));
    /// let store = Arc::new(FileStore::open(&dir)?);
    /// let hits = GlobalSignal::persisted(&Bus::new(), store.clone(), "hits", 0u64)?;
    /// hits.set(42);
    /// hits.flush()?; // on disk once this returns
    /// assert!(store.load("hits")?.is_some());
    /// assert!(GlobalSignal::new(&Bus::new(), 0u8).flush().is_ok(), "not persisted: a no-op");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn flush(&self) -> io::Result<()> {
        match self.saver {
            Some(saver) => saver.flush(self.slot.version()),
            None => Ok(()),
        }
    }
}

type Flusher = Box<dyn Fn() -> io::Result<()> + Send>;

/// Every persisted global's flush, process-wide (globals live as long as the process).
static FLUSHERS: Mutex<Vec<Flusher>> = Mutex::new(Vec::new());

fn lock_flushers() -> std::sync::MutexGuard<'static, Vec<Flusher>> {
    FLUSHERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Saves the latest value of every persisted global of this process and waits for the
/// disk; returns the first error (after trying them all). The app calls it when it shuts
/// down, so a SIGTERM loses no write that happened before it.
///
/// # Examples
///
/// ```
/// vango::features::global::flush_persisted()?; // nothing persisted here: nothing to do
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn flush_persisted() -> io::Result<()> {
    let mut first = Ok(());
    for flush in lock_flushers().iter() {
        if let Err(e) = flush() {
            if first.is_ok() {
                first = Err(e);
            }
        }
    }
    first
}
