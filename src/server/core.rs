//! One core's context: its index, executor handle, shutdown signal, metrics, peer inboxes.
//!
//! A [`Core`] is `!Send` and lives on its worker thread; the only things that cross cores
//! are [`CoreMsg`] closures sent over `flume` and the shared read-only [`Shared`] block.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use async_executor::LocalExecutor;

use super::assets::StaticAsset;
use super::metrics::CoreMetrics;
use super::peers::PeerTable;
use super::static_dir::StaticDir;
use super::Limits;

thread_local! {
    static CURRENT: std::cell::RefCell<Option<Rc<Core>>> = const { std::cell::RefCell::new(None) };
}

/// Work sent to another core: runs there, on that core's thread, with that core's context.
pub type CoreMsg = Box<dyn FnOnce(&Rc<Core>) + Send>;

/// Read-only state shared by every core (built once before the workers start).
pub struct Shared {
    pub(crate) limits: Limits,
    pub(crate) metrics: Box<[CoreMetrics]>,
    pub(crate) peers: Box<[flume::Sender<CoreMsg>]>,
    pub(crate) assets: Vec<StaticAsset>,
    pub(crate) dirs: Vec<StaticDir>,
    /// Open connections per client address, over all cores.
    pub(crate) clients: Arc<PeerTable>,
}

/// The per-core context handed to services: which core this is, how to spawn local tasks,
/// how to reach other cores, and whether shutdown has begun.
pub struct Core {
    index: usize,
    ex: Weak<LocalExecutor<'static>>,
    shared: Arc<Shared>,
    stopping: Cell<bool>,
    /// Never carries a message: dropping the sender (at `begin_stop`) wakes every waiter.
    stop_rx: flume::Receiver<()>,
    stop_tx: RefCell<Option<flume::Sender<()>>>,
    /// The service's per-core state, for work that arrives on this core by a [`CoreMsg`].
    attached: RefCell<Option<Rc<dyn Any>>>,
}

impl Core {
    pub(crate) fn new(index: usize, ex: Weak<LocalExecutor<'static>>, shared: Arc<Shared>) -> Self {
        let (stop_tx, stop_rx) = flume::bounded(1);
        Core {
            index,
            ex,
            shared,
            stopping: Cell::new(false),
            stop_rx,
            stop_tx: RefCell::new(Some(stop_tx)),
            attached: RefCell::new(None),
        }
    }

    /// The core running on this thread (`None` outside a worker thread).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(vango::server::Core::current().is_none());
    /// ```
    pub fn current() -> Option<Rc<Core>> {
        CURRENT.with(|c| c.borrow().clone())
    }

    pub(crate) fn set_current(core: Option<Rc<Core>>) {
        let old = CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), core));
        drop(old);
    }

    /// This core's index, `0..cores()`.
    pub fn index(&self) -> usize {
        self.index
    }

    /// How many cores the server runs.
    pub fn cores(&self) -> usize {
        self.shared.peers.len()
    }

    /// The configured limits.
    pub fn limits(&self) -> &Limits {
        &self.shared.limits
    }

    /// This core's counters.
    pub fn metrics(&self) -> &CoreMetrics {
        &self.shared.metrics[self.index]
    }

    /// Open connections per client address, over all cores.
    pub(crate) fn clients(&self) -> &Arc<PeerTable> {
        &self.shared.clients
    }

    /// Every core's counters, for `/metrics`.
    pub fn all_metrics(&self) -> &[CoreMetrics] {
        &self.shared.metrics
    }

    pub(crate) fn assets(&self) -> &[StaticAsset] {
        &self.shared.assets
    }

    pub(crate) fn static_dirs(&self) -> &[StaticDir] {
        &self.shared.dirs
    }

    /// Spawns a task on this core's executor (it never leaves this thread).
    /// Does nothing once the executor is gone (the core has stopped).
    pub fn spawn(&self, fut: impl Future<Output = ()> + 'static) {
        if let Some(ex) = self.ex.upgrade() {
            ex.spawn(fut).detach();
        }
    }

    /// Spawns a task on this core's executor and returns its handle: dropping the handle
    /// cancels the task. `None` once the executor is gone (the core has stopped).
    pub fn spawn_task<T: 'static>(
        &self,
        fut: impl Future<Output = T> + 'static,
    ) -> Option<async_executor::Task<T>> {
        Some(self.ex.upgrade()?.spawn(fut))
    }

    /// Sends `msg` to run on core `index`. Returns `false` if that core has stopped
    /// (or `index` is out of range).
    pub fn send_to(&self, index: usize, msg: CoreMsg) -> bool {
        match self.shared.peers.get(index) {
            Some(tx) => tx.send(msg).is_ok(),
            None => false,
        }
    }

    /// `true` once shutdown has begun: finish what is in flight, take nothing new.
    pub fn is_stopping(&self) -> bool {
        self.stopping.get()
    }

    pub(crate) fn begin_stop(&self) {
        self.stopping.set(true);
        drop(self.stop_tx.borrow_mut().take());
    }

    /// Attaches the service's per-core state to this core, so that a [`CoreMsg`] arriving
    /// here finds it with [`attached`](Self::attached). Replaces what was attached.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use vango::server::{Core, Server};
    /// // Inside a service factory: `Server::new(|core: &Rc<Core>| { core.attach(Rc::new(7u32)); ... })`.
    /// # let _ = |core: &Rc<Core>| { core.attach(Rc::new(7u32)); assert_eq!(*core.attached::<u32>().unwrap(), 7) };
    /// ```
    pub fn attach(&self, state: Rc<dyn Any>) {
        let old = self.attached.borrow_mut().replace(state);
        drop(old);
    }

    /// The state attached with [`attach`](Self::attach), if it is a `T`.
    pub fn attached<T: 'static>(&self) -> Option<Rc<T>> {
        self.attached.borrow().clone()?.downcast::<T>().ok()
    }

    /// Drops the attached state (at shutdown, while thread-locals still live).
    pub(crate) fn detach_state(&self) {
        let old = self.attached.borrow_mut().take();
        drop(old);
    }

    /// A future that resolves when shutdown begins. Create it once per connection and keep
    /// it pinned across loop iterations (each instance registers one listener).
    pub fn stopped(&self) -> impl Future<Output = ()> + 'static {
        let rx = self.stop_rx.clone();
        async move {
            let _ = rx.recv_async().await;
        }
    }
}
