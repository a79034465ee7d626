//! One core's context: its index, executor handle, shutdown signal, metrics, peer inboxes.
//!
//! A [`Core`] is `!Send` and lives on its worker thread; the only things that cross cores
//! are [`CoreMsg`] closures sent over `flume` and the shared read-only `Shared` block.

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
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::server::{Core, CoreMsg};
/// use vango::testing::LiveTest;
/// // A page on a test core of its own: setup runs on that core's thread.
/// let t = LiveTest::component(|| {
///     let core = Core::current().unwrap();
///     // Runs on core 0's thread, with core 0's context, when that core reads its inbox.
///     let msg: CoreMsg = Box::new(|there| there.metrics().reject(503));
///     let sent = core.send_to(0, msg);
///     move || p(format!("sent: {sent}"))
/// });
/// assert_eq!(t.text(), "sent: true");
/// ```
pub type CoreMsg = Box<dyn FnOnce(&Rc<Core>) + Send>;

/// Read-only state shared by every core (built once before the workers start).
pub(crate) struct Shared {
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
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::server::Core;
/// use vango::testing::LiveTest;
/// let t = LiveTest::component(|| {
///     let core = Core::current().expect("setup runs on a core");
///     let text = format!("core {} of {}", core.index(), core.cores());
///     move || p(text.clone())
/// });
/// assert_eq!(t.text(), "core 0 of 1");
/// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let i = Core::current().unwrap().index();
    ///     move || p(format!("served by core {i}"))
    /// });
    /// assert_eq!(t.text(), "served by core 0");
    /// ```
    pub fn index(&self) -> usize {
        self.index
    }

    /// How many cores the server runs.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let n = Core::current().unwrap().cores();
    ///     move || p(format!("{n} core(s)"))
    /// });
    /// assert_eq!(t.text(), "1 core(s)");
    /// ```
    pub fn cores(&self) -> usize {
        self.shared.peers.len()
    }

    /// The configured limits.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let max = Core::current().unwrap().limits().max_body;
    ///     move || p(format!("uploads up to {max} bytes"))
    /// });
    /// let max = vango::server::Limits::default().max_body;
    /// assert_eq!(t.text(), format!("uploads up to {max} bytes"));
    /// ```
    pub fn limits(&self) -> &Limits {
        &self.shared.limits
    }

    /// This core's counters.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// use vango::testing::LiveTest;
    /// use std::sync::atomic::Ordering::Relaxed;
    /// let t = LiveTest::component(|| {
    ///     let core = Core::current().unwrap();
    ///     core.metrics().reject(429);
    ///     let n: u64 = core.metrics().rejected.iter().map(|c| c.load(Relaxed)).sum();
    ///     move || p(format!("{}", n > 0))
    /// });
    /// assert_eq!(t.text(), "true");
    /// ```
    pub fn metrics(&self) -> &CoreMetrics {
        &self.shared.metrics[self.index]
    }

    /// The state every core shares.
    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Open connections per client address, over all cores.
    pub(crate) fn clients(&self) -> &Arc<PeerTable> {
        &self.shared.clients
    }

    /// Every core's counters, for `/metrics`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let mut text = String::new();
    ///     vango::server::metrics::render(Core::current().unwrap().all_metrics(), &mut text);
    ///     let sessions = text.lines().any(|l| l.starts_with("vango_sessions{core=\"0\"}"));
    ///     move || p(format!("{sessions}"))
    /// });
    /// assert_eq!(t.text(), "true");
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let n = signal(0);
    ///     // `try_set`: the first paint's signal is gone by the time its task runs.
    ///     Core::current().unwrap().spawn(async move { let _ = n.try_set(5); });
    ///     move || p(n.get().to_string())
    /// });
    /// t.settle();
    /// assert_eq!(t.text(), "5");
    /// ```
    pub fn spawn(&self, fut: impl Future<Output = ()> + 'static) {
        if let Some(ex) = self.ex.upgrade() {
            ex.spawn(fut).detach();
        }
    }

    /// Spawns a task on this core's executor and returns its handle: dropping the handle
    /// cancels the task. `None` once the executor is gone (the core has stopped).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let n = signal(0);
    ///     let task = Core::current().unwrap().spawn_task(async move { n.set(1) });
    ///     drop(task); // cancelled before it ever ran
    ///     move || p(n.get().to_string())
    /// });
    /// t.settle();
    /// assert_eq!(t.text(), "0");
    /// ```
    pub fn spawn_task<T: 'static>(
        &self,
        fut: impl Future<Output = T> + 'static,
    ) -> Option<async_executor::Task<T>> {
        Some(self.ex.upgrade()?.spawn(fut))
    }

    /// Sends `msg` to run on core `index`. Returns `false` if that core has stopped
    /// (or `index` is out of range).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let core = Core::current().unwrap();
    ///     let to_other = core.send_to(core.cores(), Box::new(|_| {}));
    ///     move || p(format!("{to_other}"))
    /// });
    /// assert_eq!(t.text(), "false", "there is no such core");
    /// ```
    pub fn send_to(&self, index: usize, msg: CoreMsg) -> bool {
        match self.shared.peers.get(index) {
            Some(tx) => tx.send(msg).is_ok(),
            None => false,
        }
    }

    /// `true` once shutdown has begun: finish what is in flight, take nothing new.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let stopping = Core::current().unwrap().is_stopping();
    ///     move || p(if stopping { "draining" } else { "serving" })
    /// });
    /// assert_eq!(t.text(), "serving");
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::server::Core;
    /// use vango::testing::LiveTest;
    /// use std::rc::Rc;
    /// let t = LiveTest::component(|| {
    ///     let core = Core::current().unwrap();
    ///     core.attach(Rc::new(String::from("per-core cache")));
    ///     let found = core.attached::<String>().map(|s| s.len());
    ///     let wrong_type = core.attached::<u32>().is_none();
    ///     move || p(format!("{found:?} {wrong_type}"))
    /// });
    /// assert_eq!(t.text(), "Some(14) true");
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use futures_lite::future;
    /// use vango::server::{websocket::Echo, Core, Server};
    /// use std::rc::Rc;
    /// // A connection loop races its work against `stopped`; before shutdown it is pending.
    /// let running = Server::new(|core: &Rc<Core>| {
    ///     let mut stop = Box::pin(core.stopped());
    ///     assert!(future::block_on(future::poll_once(&mut stop)).is_none());
    ///     Echo::new(core)
    /// })
    /// .workers(1)
    /// .spawn("127.0.0.1:0")?;
    /// running.shutdown();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stopped(&self) -> impl Future<Output = ()> + 'static {
        let rx = self.stop_rx.clone();
        async move {
            let _ = rx.recv_async().await;
        }
    }
}
