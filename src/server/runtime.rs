//! Thread-per-core runtime: N workers, each a `LocalExecutor` accepting on its own
//! SO_REUSEPORT listener (or on systemd's inherited socket); TCP_NODELAY on every accepted
//! socket; systemd readiness and watchdog; graceful shutdown on SIGTERM/SIGINT or a
//! [`ShutdownHandle`].
//!
//! May touch threads, sockets and signals. Per-core state never leaves its thread; cores
//! talk only through `flume` channels. The builder and start are in `runtime/builder.rs`.

mod builder;

use std::io;
use std::marker::PhantomData;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use async_executor::{LocalExecutor, Task};
use async_io::{Async, Timer};
use futures_lite::{future, FutureExt, StreamExt};

use super::assets::StaticAsset;
use super::core::{Core, CoreMsg, Shared};
use super::http::conn;
use super::lease::ConnGuard;
use super::listen::{self, HEALTH_HEADROOM};
use super::metrics::CoreMetrics;
use super::static_dir::StaticDir;
use super::systemd::Systemd;
use super::websocket::Service;
use super::Limits;

/// Triggers a graceful shutdown from anywhere (tests, an admin endpoint, another thread).
///
/// # Examples
///
/// ```
/// let h = vango::server::ShutdownHandle::new();
/// assert!(!h.is_shutdown());
/// h.shutdown();
/// assert!(h.is_shutdown());
/// ```
#[derive(Clone, Debug)]
pub struct ShutdownHandle {
    inner: Arc<ShutdownInner>,
}

#[derive(Debug)]
struct ShutdownInner {
    // Dropping the only sender disconnects every receiver: a broadcast with no queue.
    tx: Mutex<Option<flume::Sender<()>>>,
    rx: flume::Receiver<()>,
}

impl Default for ShutdownHandle {
    fn default() -> Self {
        Self::new()
    }
}

impl ShutdownHandle {
    /// A handle not yet triggered.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::ShutdownHandle;
    /// let h = ShutdownHandle::new();
    /// assert!(!h.is_shutdown());
    /// ```
    pub fn new() -> Self {
        let (tx, rx) = flume::bounded(1);
        ShutdownHandle {
            inner: Arc::new(ShutdownInner {
                tx: Mutex::new(Some(tx)),
                rx,
            }),
        }
    }

    /// Begins shutdown: every core stops accepting and lets in-flight work finish.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::ShutdownHandle;
    /// let h = ShutdownHandle::new();
    /// let for_admin = h.clone();
    /// for_admin.shutdown();
    /// assert!(h.is_shutdown());
    /// ```
    pub fn shutdown(&self) {
        let mut tx = self.inner.tx.lock().unwrap_or_else(|e| e.into_inner());
        tx.take();
    }

    /// `true` once [`shutdown`](Self::shutdown) was called.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::ShutdownHandle;
    /// let h = ShutdownHandle::new();
    /// assert!(!h.is_shutdown());
    /// h.shutdown();
    /// h.shutdown(); // a second call changes nothing
    /// assert!(h.is_shutdown());
    /// ```
    pub fn is_shutdown(&self) -> bool {
        self.inner.rx.is_disconnected()
    }

    /// Resolves once shutdown begins.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::ShutdownHandle;
    /// let h = ShutdownHandle::new();
    /// let waiter = h.clone();
    /// std::thread::spawn(move || h.shutdown());
    /// futures_lite::future::block_on(waiter.wait());
    /// assert!(waiter.is_shutdown());
    /// ```
    pub async fn wait(&self) {
        let _ = self.inner.rx.recv_async().await;
    }
}

/// Builds and runs the server. `factory` builds one [`Service`] per core, on that core.
///
/// # Examples
///
/// ```
/// use vango::server::{websocket::Echo, Server};
/// let running = Server::new(Echo::new).workers(1).spawn("127.0.0.1:0")?;
/// assert_ne!(running.local_addr().port(), 0);
/// running.shutdown();
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Server<S, F> {
    factory: F,
    workers: usize,
    limits: Limits,
    assets: Vec<StaticAsset>,
    dirs: Vec<StaticDir>,
    signals: bool,
    shutdown: ShutdownHandle,
    _service: PhantomData<fn() -> S>,
}

/// A started server: its address, its shutdown handle, its threads.
/// Dropping it shuts it down and waits for the workers.
///
/// # Examples
///
/// ```
/// use vango::server::{websocket::Echo, RunningServer, Server};
/// let running: RunningServer = Server::new(Echo::new).workers(1).spawn("127.0.0.1:0")?;
/// let addr = running.local_addr();
/// drop(running); // shuts down and waits for the workers
/// assert!(std::net::TcpStream::connect(addr).is_err());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    handle: ShutdownHandle,
    threads: Vec<JoinHandle<()>>,
}

impl RunningServer {
    /// The bound address (the real port when asked for port 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{websocket::Echo, Server};
    /// let running = Server::new(Echo::new).workers(1).spawn("127.0.0.1:0")?;
    /// let addr = running.local_addr();
    /// assert!(addr.ip().is_loopback() && addr.port() != 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The handle that stops this server.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{websocket::Echo, Server};
    /// let running = Server::new(Echo::new).workers(1).spawn("127.0.0.1:0")?;
    /// let handle = running.shutdown_handle();
    /// handle.shutdown();
    /// running.join();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.handle.clone()
    }

    /// Shuts down and waits for every worker to exit (at most the shutdown grace).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{websocket::Echo, Server};
    /// let running = Server::new(Echo::new).workers(1).spawn("127.0.0.1:0")?;
    /// let addr = running.local_addr();
    /// running.shutdown();
    /// assert!(std::net::TcpStream::connect(addr).is_err());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown(self) {
        self.handle.shutdown();
        self.join();
    }

    /// Waits until the workers exit (after someone triggers shutdown).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{websocket::Echo, Server};
    /// let running = Server::new(Echo::new).workers(1).spawn("127.0.0.1:0")?;
    /// let handle = running.shutdown_handle();
    /// std::thread::spawn(move || handle.shutdown());
    /// running.join(); // returns once the other thread has stopped the server
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn join(mut self) {
        self.join_threads();
    }

    fn join_threads(&mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if !self.threads.is_empty() {
            self.handle.shutdown();
            self.join_threads();
        }
    }
}

/// What one worker thread starts with.
struct Worker {
    index: usize,
    listeners: Vec<TcpListener>,
    shared: Arc<Shared>,
    inbox: flume::Receiver<CoreMsg>,
    stop: flume::Receiver<()>,
    systemd: Arc<Systemd>,
    /// One message once this core accepts (or why it cannot).
    ready: flume::Sender<io::Result<()>>,
}

fn run_worker<S, F>(w: Worker, factory: &F)
where
    S: Service,
    F: Fn(&Rc<Core>) -> S,
{
    let ex = Rc::new(LocalExecutor::new());
    let core = Rc::new(Core::new(w.index, Rc::downgrade(&ex), w.shared));
    Core::set_current(Some(core.clone()));
    let svc = Rc::new(factory(&core));
    let grace = core.limits().shutdown_grace;
    let (systemd, inbox) = (&w.systemd, w.inbox);
    async_io::block_on(ex.run(async {
        let mut accepting: Vec<Task<()>> = Vec::with_capacity(w.listeners.len());
        for listener in w.listeners {
            match Async::new(listener) {
                Ok(l) => accepting.push(ex.spawn(accept_loop(l, core.clone(), svc.clone()))),
                Err(e) => {
                    let _ = w.ready.send(Err(e));
                    return;
                }
            }
        }
        let inbox_task = {
            let core = core.clone();
            ex.spawn(async move {
                while let Ok(msg) = inbox.recv_async().await {
                    msg(&core);
                }
            })
        };
        if let Some(beats) = systemd.heartbeat(w.index) {
            // Ends at shutdown: the drain below waits for an empty executor.
            ex.spawn(future::or(beats, core.stopped())).detach();
        }
        let _ = w.ready.send(Ok(()));
        drop(w.ready);
        let _ = w.stop.recv_async().await;
        systemd.stopping();
        // Stop accepting (dropping the tasks closes this core's listeners), tell
        // connections, let in-flight work finish within the grace.
        drop(accepting);
        drop(inbox_task);
        core.begin_stop();
        let drained = async {
            while !ex.is_empty() {
                Timer::after(Duration::from_millis(5)).await;
            }
        };
        future::or(drained, async {
            Timer::after(grace).await;
        })
        .await;
    }));
    // Dropping the executor cancels what did not finish in time (their sockets close).
    drop(ex);
    svc.stopped();
    drop(svc);
    core.detach_state();
    Core::set_current(None);
}

/// Accepts until the task is dropped. Past the core's cap it pauses, except for
/// [`HEALTH_HEADROOM`] connections that may only ask for `/healthz` (503 otherwise); a
/// connection from an address past its own cap may only ask for `/healthz` (429 otherwise).
async fn accept_loop<S: Service>(listener: Async<TcpListener>, core: Rc<Core>, svc: Rc<S>) {
    let cap = core.limits().max_connections_per_core;
    let per_peer = core.limits().max_connections_per_peer;
    loop {
        let m = core.metrics();
        let open = m.connections.load(Relaxed) as usize;
        if open >= cap.saturating_add(HEALTH_HEADROOM) {
            Timer::after(Duration::from_millis(10)).await;
            continue;
        }
        match listener.accept().await {
            Ok((stream, peer)) => {
                // Nagle plus delayed ACK stalls the first small patch ≈40 ms.
                let _ = stream.get_ref().set_nodelay(true);
                m.connections_total.fetch_add(1, Relaxed);
                let full = m.connections.fetch_add(1, Relaxed) as usize >= cap;
                let counted = core.clients().acquire(peer.ip(), per_peer);
                let shed = if full {
                    Some(503)
                } else if counted.is_none() {
                    Some(429)
                } else {
                    None
                };
                let guard = ConnGuard::new(core.shared().clone(), core.index(), counted);
                // One boxed capture, opened at the first poll: each value the task's block
                // captured would keep its slot in the task for the connection's whole life
                // beside its moved copy in the connection's future.
                let args = Box::new((stream, peer, core.clone(), svc.clone(), shed, guard));
                core.spawn(async move {
                    // In its own block, so that the box is freed here, not when the task ends.
                    let (stream, peer, c, s, shed, guard) = {
                        let args = args;
                        *args
                    };
                    let core = c.clone();
                    // Built inside the task, not moved into it: a future captured by an
                    // `async move` block is stored twice (≈0.6 KiB more per session).
                    let fut = AssertUnwindSafe(conn::serve(stream, peer, c, s, shed, Some(guard)))
                        .catch_unwind();
                    // A panicking handler ends its own connection, never the core.
                    if fut.await.is_err() {
                        core.metrics().panics.fetch_add(1, Relaxed);
                    }
                });
            }
            // Out of fds or memory: back off instead of spinning on a full accept queue.
            Err(_) => {
                Timer::after(Duration::from_millis(20)).await;
            }
        }
    }
}
