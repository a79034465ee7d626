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
    /// The core's inbox: [`CoreMsg`]s sent to core 0 (`Core::send_to`) run when the test
    /// lets tasks run, as on a worker. Read here, not by a task, so that an idle inbox
    /// does not count as a running task for `settle`.
    inbox: flume::Receiver<CoreMsg>,
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
        Harness { core, ex, inbox }
    }

    /// Runs `f` with this core as the thread's current one.
    pub(crate) fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        let prev = Core::current();
        Core::set_current(Some(self.core.clone()));
        let _restore = Current(prev);
        f()
    }

    /// Drives `fut` to completion, running this core's tasks and messages meanwhile.
    pub(crate) fn block_on<T>(&self, fut: impl Future<Output = T>) -> T {
        self.enter(|| async_io::block_on(self.ex.run(future::or(fut, self.serve_inbox()))))
    }

    /// Runs the core's messages as they arrive; never ends (the harness holds a sender).
    async fn serve_inbox<T>(&self) -> T {
        loop {
            if let Ok(msg) = self.inbox.recv_async().await {
                msg(&self.core);
            }
        }
    }

    /// Runs every message and task that can make progress now; `true` if any ran.
    pub(crate) fn run_ready(&self) -> bool {
        self.enter(|| {
            let mut ran = false;
            loop {
                let mut any = false;
                while let Ok(msg) = self.inbox.try_recv() {
                    msg(&self.core);
                    any = true;
                }
                while self.ex.try_tick() {
                    any = true;
                }
                if !any {
                    return ran;
                }
                ran = true;
            }
        })
    }

    /// Whether some task has not finished or some message has not run.
    pub(crate) fn busy(&self) -> bool {
        !self.ex.is_empty() || !self.inbox.is_empty()
    }

    /// Waits until a task wakes up or a message arrives and runs it, or until `deadline`;
    /// `false` at the deadline.
    pub(crate) fn wait_until(&self, deadline: Instant) -> bool {
        self.enter(|| {
            let message = async {
                if let Ok(msg) = self.inbox.recv_async().await {
                    msg(&self.core);
                }
                true
            };
            async_io::block_on(future::or(
                future::or(
                    async {
                        self.ex.tick().await;
                        true
                    },
                    message,
                ),
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
