//! The per-core side of the bus: a core's [`CoreBusHandle`] (wait, drain, applied versions,
//! unsubscribe on drop) and its [`BusWaiter`]. Touches only `bus_core` through the handle
//! types of `bus.rs`.

use super::*;

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
