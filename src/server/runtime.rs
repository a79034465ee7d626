//! Thread-per-core runtime: N workers, each a `LocalExecutor` with its own SO_REUSEPORT
//! listener; TCP_NODELAY on every accepted socket; graceful shutdown on SIGTERM/SIGINT or
//! a [`ShutdownHandle`].
//!
//! May touch threads, sockets and signals. Per-core state never leaves its thread; cores
//! talk only through `flume` channels.

use std::io;
use std::marker::PhantomData;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use async_executor::LocalExecutor;
use async_io::{Async, Timer};
use futures_lite::{future, FutureExt, StreamExt};

use super::assets::StaticAsset;
use super::core::{Core, CoreMsg, Shared};
use super::http::conn;
use super::metrics::CoreMetrics;
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
    pub fn shutdown(&self) {
        let mut tx = self.inner.tx.lock().unwrap_or_else(|e| e.into_inner());
        tx.take();
    }

    /// `true` once [`shutdown`](Self::shutdown) was called.
    pub fn is_shutdown(&self) -> bool {
        self.inner.rx.is_disconnected()
    }

    /// Resolves once shutdown begins.
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
    signals: bool,
    shutdown: ShutdownHandle,
    _service: PhantomData<fn() -> S>,
}

impl<S, F> Server<S, F>
where
    S: Service,
    F: Fn(&Rc<Core>) -> S + Send + Sync + 'static,
{
    /// A server with one worker per available core, default limits, the client asset,
    /// and SIGTERM/SIGINT handling in [`serve`](Self::serve).
    pub fn new(factory: F) -> Self {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        Server {
            factory,
            workers,
            limits: Limits::default(),
            assets: vec![StaticAsset::client_js()],
            signals: true,
            shutdown: ShutdownHandle::new(),
            _service: PhantomData,
        }
    }

    /// Sets the number of worker threads (at least 1).
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = n.max(1);
        self
    }

    /// Sets the limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Adds (or replaces, by path) an embedded asset.
    pub fn asset(mut self, asset: StaticAsset) -> Self {
        self.assets.retain(|a| a.path() != asset.path());
        self.assets.push(asset);
        self
    }

    /// Whether [`serve`](Self::serve) shuts down on SIGTERM/SIGINT (default: yes).
    pub fn handle_signals(mut self, on: bool) -> Self {
        self.signals = on;
        self
    }

    /// A handle that shuts this server down.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Binds and starts the workers; returns at once. Signals are not handled here.
    pub fn spawn(self, addr: impl ToSocketAddrs) -> io::Result<RunningServer> {
        let addr = addr
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address"))?;
        let first = bind_reuseport(addr)?;
        let local = first.local_addr()?;
        let mut listeners = vec![first];
        for _ in 1..self.workers {
            listeners.push(bind_reuseport(local)?);
        }
        let (peers, inboxes): (Vec<_>, Vec<_>) = (0..self.workers)
            .map(|_| flume::unbounded::<CoreMsg>())
            .unzip();
        let shared = Arc::new(Shared {
            limits: self.limits,
            metrics: (0..self.workers).map(|_| CoreMetrics::default()).collect(),
            peers: peers.into(),
            assets: self.assets,
        });
        let factory = Arc::new(self.factory);
        let mut threads = Vec::with_capacity(self.workers);
        for (index, (listener, inbox)) in listeners.into_iter().zip(inboxes).enumerate() {
            let (shared, factory) = (shared.clone(), factory.clone());
            let stop = self.shutdown.inner.rx.clone();
            let t = std::thread::Builder::new()
                .name(format!("vango-core-{index}"))
                .spawn(move || run_worker(index, listener, shared, &*factory, inbox, stop))?;
            threads.push(t);
        }
        Ok(RunningServer {
            addr: local,
            handle: self.shutdown,
            threads,
        })
    }

    /// Binds, runs, and blocks until shutdown (a signal or the handle) has completed.
    pub fn serve(self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let signals = self.signals;
        let running = self.spawn(addr)?;
        if signals {
            use async_signal::{Signal, Signals};
            let mut sigs = Signals::new([Signal::Term, Signal::Int])?;
            let handle = running.handle.clone();
            async_io::block_on(future::or(
                async {
                    sigs.next().await;
                },
                handle.wait(),
            ));
            running.handle.shutdown();
        }
        running.join();
        Ok(())
    }
}

/// A started server: its address, its shutdown handle, its threads.
/// Dropping it shuts it down and waits for the workers.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    handle: ShutdownHandle,
    threads: Vec<JoinHandle<()>>,
}

impl RunningServer {
    /// The bound address (the real port when asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The handle that stops this server.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.handle.clone()
    }

    /// Shuts down and waits for every worker to exit (at most the shutdown grace).
    pub fn shutdown(self) {
        self.handle.shutdown();
        self.join();
    }

    /// Waits until the workers exit (after someone triggers shutdown).
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

/// A listening socket with SO_REUSEPORT, so every core gets its own accept queue.
fn bind_reuseport(addr: SocketAddr) -> io::Result<TcpListener> {
    use rustix::net::{sockopt, AddressFamily, SocketFlags, SocketType};
    let family = if addr.is_ipv4() {
        AddressFamily::INET
    } else {
        AddressFamily::INET6
    };
    let fd = rustix::net::socket_with(family, SocketType::STREAM, SocketFlags::CLOEXEC, None)?;
    sockopt::set_socket_reuseaddr(&fd, true)?;
    sockopt::set_socket_reuseport(&fd, true)?;
    rustix::net::bind(&fd, &addr)?;
    rustix::net::listen(&fd, 4096)?;
    Ok(TcpListener::from(fd))
}

fn run_worker<S, F>(
    index: usize,
    listener: TcpListener,
    shared: Arc<Shared>,
    factory: &F,
    inbox: flume::Receiver<CoreMsg>,
    stop: flume::Receiver<()>,
) where
    S: Service,
    F: Fn(&Rc<Core>) -> S,
{
    let ex = Rc::new(LocalExecutor::new());
    let core = Rc::new(Core::new(index, Rc::downgrade(&ex), shared));
    Core::set_current(Some(core.clone()));
    let svc = Rc::new(factory(&core));
    let grace = core.limits().shutdown_grace;
    async_io::block_on(ex.run(async {
        let listener = match Async::new(listener) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("vango: core {index}: listener: {e}");
                return;
            }
        };
        let inbox_task = {
            let core = core.clone();
            ex.spawn(async move {
                while let Ok(msg) = inbox.recv_async().await {
                    msg(&core);
                }
            })
        };
        future::or(accept_loop(&listener, &core, &svc, &ex), async {
            let _ = stop.recv_async().await;
        })
        .await;
        // Stop accepting, tell connections, let in-flight work finish within the grace.
        drop(listener);
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

/// Decrements the open-connection gauge when the connection's task ends, however it ends.
struct ConnGuard(Rc<Core>);

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.0.metrics().connections.fetch_sub(1, Relaxed);
    }
}

async fn accept_loop<S: Service>(
    listener: &Async<TcpListener>,
    core: &Rc<Core>,
    svc: &Rc<S>,
    ex: &LocalExecutor<'static>,
) {
    loop {
        let m = core.metrics();
        if m.connections.load(Relaxed) as usize >= core.limits().max_connections_per_core {
            Timer::after(Duration::from_millis(10)).await;
            continue;
        }
        match listener.accept().await {
            Ok((stream, peer)) => {
                // Nagle plus delayed ACK stalls the first small patch ≈40 ms.
                let _ = stream.get_ref().set_nodelay(true);
                m.connections_total.fetch_add(1, Relaxed);
                m.connections.fetch_add(1, Relaxed);
                let guard = ConnGuard(core.clone());
                let (c, s) = (core.clone(), svc.clone());
                ex.spawn(async move {
                    // Built inside the task, not moved into it: a future captured by an
                    // `async move` block is stored twice (≈0.6 KiB more per session).
                    let fut = AssertUnwindSafe(conn::serve(stream, peer, c, s)).catch_unwind();
                    // A panicking handler ends its own connection, never the core.
                    if fut.await.is_err() {
                        guard.0.metrics().panics.fetch_add(1, Relaxed);
                    }
                    drop(guard);
                })
                .detach();
            }
            // Out of fds or memory: back off instead of spinning on a full accept queue.
            Err(_) => {
                Timer::after(Duration::from_millis(20)).await;
            }
        }
    }
}
