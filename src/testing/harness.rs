//! The in-process core a test runs on: a local executor and a transport `Core` of its own
//! (one worker, no sockets), made the thread's current core while the test drives it, so
//! tasks and resources spawn and run exactly as on a server worker.
//!
//! Touches the transport's `Core` and its executor; nothing else.

use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;
use async_io::Timer;
use futures_lite::future;

use crate::server::core::{Core, CoreMsg, Shared};
use crate::server::{CoreMetrics, Limits};

/// One test's core and executor.
pub(crate) struct Harness {
    pub core: Rc<Core>,
    /// The only strong reference: the core holds a weak one, so dropping the harness ends
    /// (and drops) every task still queued.
    ex: Rc<LocalExecutor<'static>>,
    /// Keeps the core's inbox open (nothing is ever sent to it).
    _inbox: flume::Receiver<CoreMsg>,
}

/// Restores the thread's previous current core (also on unwinding).
struct Current(Option<Rc<Core>>);

impl Drop for Current {
    fn drop(&mut self) {
        Core::set_current(self.0.take());
    }
}

impl Harness {
    pub(crate) fn new(limits: Limits) -> Harness {
        let (tx, inbox) = flume::unbounded();
        let shared = Arc::new(Shared {
            limits,
            metrics: vec![CoreMetrics::default()].into(),
            peers: vec![tx].into(),
            assets: Vec::new(),
            dirs: Vec::new(),
            clients: Arc::default(),
        });
        let ex = Rc::new(LocalExecutor::new());
        let core = Rc::new(Core::new(0, Rc::downgrade(&ex), shared));
        Harness {
            core,
            ex,
            _inbox: inbox,
        }
    }

    /// Runs `f` with this core as the thread's current one.
    pub(crate) fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        let prev = Core::current();
        Core::set_current(Some(self.core.clone()));
        let _restore = Current(prev);
        f()
    }

    /// Drives `fut` to completion, running this core's tasks meanwhile.
    pub(crate) fn block_on<T>(&self, fut: impl Future<Output = T>) -> T {
        self.enter(|| async_io::block_on(self.ex.run(fut)))
    }

    /// Runs every task that can make progress now; `true` if any ran.
    pub(crate) fn run_ready(&self) -> bool {
        self.enter(|| {
            let mut ran = false;
            while self.ex.try_tick() {
                ran = true;
            }
            ran
        })
    }

    /// Whether some task has not finished.
    pub(crate) fn busy(&self) -> bool {
        !self.ex.is_empty()
    }

    /// Waits until a task wakes up and runs it, or until `deadline`; `false` at the deadline.
    pub(crate) fn wait_until(&self, deadline: Instant) -> bool {
        self.enter(|| {
            async_io::block_on(future::or(
                async {
                    self.ex.tick().await;
                    true
                },
                async {
                    Timer::at(deadline).await;
                    false
                },
            ))
        })
    }

    /// The core's counters (panics of tasks are counted here).
    pub(crate) fn panics(&self) -> u64 {
        self.core
            .metrics()
            .panics
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// How long [`settle`](super::LiveTest::settle) waits for tasks by default.
pub(crate) const SETTLE_TIMEOUT: Duration = Duration::from_secs(5);
