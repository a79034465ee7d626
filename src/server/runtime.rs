//! Thread-per-core runtime: N workers, each a `LocalExecutor` accepting on its own
//! SO_REUSEPORT listener (or on systemd's inherited socket); TCP_NODELAY on every accepted
//! socket; systemd readiness and watchdog; graceful shutdown on SIGTERM/SIGINT or a
//! [`ShutdownHandle`].
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

use async_executor::{LocalExecutor, Task};
use async_io::{Async, Timer};
use futures_lite::{future, FutureExt, StreamExt};

use super::assets::StaticAsset;
use super::core::{Core, CoreMsg, Shared};
use super::http::conn;
use super::listen::{self, HEALTH_HEADROOM};
use super::metrics::CoreMetrics;
use super::peers::PeerGuard;
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

impl<S, F> Server<S, F>
where
    S: Service,
    F: Fn(&Rc<Core>) -> S + Send + Sync + 'static,
{
    /// A server with one worker per available core, default limits, the client asset,
    /// and SIGTERM/SIGINT handling in [`serve`](Self::serve).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use vango::server::{websocket::Echo, Core, Server};
    /// // The factory runs once on each core's thread.
    /// let server = Server::new(|core: &Rc<Core>| Echo::new(core));
    /// assert!(!server.shutdown_handle().is_shutdown());
    /// ```
    pub fn new(factory: F) -> Self {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        Server {
            factory,
            workers,
            limits: Limits::default(),
            assets: [StaticAsset::client_js(), StaticAsset::upload_js()]
                .into_iter()
                .chain(StaticAsset::hook_scripts())
                .collect(),
            dirs: Vec::new(),
            signals: true,
            shutdown: ShutdownHandle::new(),
            _service: PhantomData,
        }
    }

    /// Sets the number of worker threads (at least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use vango::server::{websocket::Echo, Core, Server};
    /// static BUILT: AtomicUsize = AtomicUsize::new(0);
    /// let factory = |core: &Rc<Core>| {
    ///     BUILT.fetch_add(1, Ordering::Relaxed);
    ///     Echo::new(core)
    /// };
    /// Server::new(factory).workers(2).spawn("127.0.0.1:0")?.shutdown();
    /// assert_eq!(BUILT.load(Ordering::Relaxed), 2);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = n.max(1);
        self
    }

    /// Sets the limits.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use vango::server::{websocket::Echo, Core, Limits, Server};
    /// static MAX_BODY: AtomicUsize = AtomicUsize::new(0);
    /// let factory = |core: &Rc<Core>| {
    ///     MAX_BODY.store(core.limits().max_body, Ordering::Relaxed);
    ///     Echo::new(core)
    /// };
    /// let limits = Limits { max_body: 1 << 20, ..Limits::default() };
    /// Server::new(factory).limits(limits).workers(1).spawn("127.0.0.1:0")?.shutdown();
    /// assert_eq!(MAX_BODY.load(Ordering::Relaxed), 1 << 20);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Adds (or replaces, by path) an embedded asset.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{websocket::Echo, Server, StaticAsset};
    /// # fn get(addr: std::net::SocketAddr, path: &str) -> String {
    /// #     use std::io::{Read, Write};
    /// #     let mut s = std::net::TcpStream::connect(addr).unwrap();
    /// #     write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    /// #     let mut out = String::new();
    /// #     s.read_to_string(&mut out).unwrap();
    /// #     out
    /// # }
    /// let robots = StaticAsset::new("/robots.txt", "text/plain", b"User-agent: *\n", None);
    /// let running = Server::new(Echo::new).asset(robots).workers(1).spawn("127.0.0.1:0")?;
    /// assert!(get(running.local_addr(), "/robots.txt").ends_with("\r\n\r\nUser-agent: *\n"));
    /// running.shutdown();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn asset(mut self, asset: StaticAsset) -> Self {
        self.assets.retain(|a| a.path() != asset.path());
        self.assets.push(asset);
        self
    }

    /// Serves a folder under its prefix (see [`StaticDir`]); a later one with the same
    /// prefix replaces it.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{websocket::Echo, Server, StaticDir};
    /// # fn get(addr: std::net::SocketAddr, path: &str) -> String {
    /// #     use std::io::{Read, Write};
    /// #     let mut s = std::net::TcpStream::connect(addr).unwrap();
    /// #     write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    /// #     let mut out = String::new();
    /// #     s.read_to_string(&mut out).unwrap();
    /// #     out
    /// # }
    /// let root = std::env::temp_dir().join(format!("vango-doc-static-{}", std::process::id()));
    /// std::fs::create_dir_all(&root)?;
    /// std::fs::write(root.join("hello.txt"), "hi")?;
    /// let dir = StaticDir::new("/files/", &root)?;
    /// let running = Server::new(Echo::new).static_dir(dir).workers(1).spawn("127.0.0.1:0")?;
    /// assert!(get(running.local_addr(), "/files/hello.txt").ends_with("\r\n\r\nhi"));
    /// running.shutdown();
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn static_dir(mut self, dir: StaticDir) -> Self {
        self.dirs.retain(|d| d.prefix() != dir.prefix());
        self.dirs.push(dir);
        self
    }

    /// Whether [`serve`](Self::serve) shuts down on SIGTERM/SIGINT (default: yes).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{websocket::Echo, Server};
    /// // A server run under a supervisor of its own: stop it with the handle, not SIGTERM.
    /// let server = Server::new(Echo::new).workers(1).handle_signals(false);
    /// let handle = server.shutdown_handle();
    /// std::thread::spawn(move || handle.shutdown());
    /// server.serve("127.0.0.1:0")?; // returns once the handle has stopped it
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn handle_signals(mut self, on: bool) -> Self {
        self.signals = on;
        self
    }

    /// A handle that shuts this server down.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{websocket::Echo, Server};
    /// let server = Server::new(Echo::new).workers(1);
    /// let handle = server.shutdown_handle();
    /// let running = server.spawn("127.0.0.1:0")?;
    /// handle.shutdown(); // from anywhere: another thread, an admin route
    /// running.join();
    /// assert!(handle.is_shutdown());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Binds and starts the workers; returns once every core accepts. Signals are not
    /// handled here.
    ///
    /// Under systemd socket activation (`LISTEN_PID` is this process, `LISTEN_FDS` ≥ 1)
    /// `addr` is not used: every core accepts from its own duplicate of each inherited
    /// socket (one accept queue, shared), so connections that arrive while the process
    /// starts or restarts wait in systemd's socket instead of being refused. The first
    /// server started in a process takes the inherited sockets. Otherwise each core binds
    /// `addr` with SO_REUSEPORT (one accept queue per core).
    ///
    /// The per-core connection cap is lowered to what fits the process's `RLIMIT_NOFILE`
    /// ([`Limits::max_connections_per_core`]). When `NOTIFY_SOCKET` is set, systemd gets
    /// `READY=1` before this returns, `WATCHDOG=1` while every core's loop runs (when
    /// `WATCHDOG_USEC` asks for it), and `STOPPING=1` when shutdown begins.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{websocket::Echo, Server};
    /// # fn get(addr: std::net::SocketAddr, path: &str) -> String {
    /// #     use std::io::{Read, Write};
    /// #     let mut s = std::net::TcpStream::connect(addr).unwrap();
    /// #     write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    /// #     let mut out = String::new();
    /// #     s.read_to_string(&mut out).unwrap();
    /// #     out
    /// # }
    /// let running = Server::new(Echo::new).workers(1).spawn("127.0.0.1:0")?;
    /// assert!(get(running.local_addr(), "/healthz").starts_with("HTTP/1.1 200"));
    /// running.shutdown();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn spawn(mut self, addr: impl ToSocketAddrs) -> io::Result<RunningServer> {
        let per_core = match listen::inherited()? {
            Some(inherited) => (0..self.workers)
                .map(|_| inherited.iter().map(TcpListener::try_clone).collect())
                .collect::<io::Result<Vec<Vec<_>>>>()?,
            None => {
                let addr = addr
                    .to_socket_addrs()?
                    .next()
                    .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address"))?;
                let first = listen::bind_reuseport(addr)?;
                let local = first.local_addr()?;
                let mut per_core = vec![vec![first]];
                for _ in 1..self.workers {
                    per_core.push(vec![listen::bind_reuseport(local)?]);
                }
                per_core
            }
        };
        let local = per_core[0][0].local_addr()?;
        let fd_cap = listen::fd_cap(listen::nofile(), self.workers, per_core[0].len());
        let cap = &mut self.limits.max_connections_per_core;
        *cap = (*cap).min(fd_cap);
        let (peers, inboxes): (Vec<_>, Vec<_>) = (0..self.workers)
            .map(|_| flume::unbounded::<CoreMsg>())
            .unzip();
        let shared = Arc::new(Shared {
            limits: self.limits,
            metrics: (0..self.workers).map(|_| CoreMetrics::default()).collect(),
            peers: peers.into(),
            assets: self.assets,
            dirs: self.dirs,
            clients: Arc::default(),
        });
        let systemd = Arc::new(Systemd::from_env(self.workers));
        let (ready_tx, ready_rx) = flume::bounded(self.workers);
        let factory = Arc::new(self.factory);
        let mut running = RunningServer {
            addr: local,
            handle: self.shutdown,
            threads: Vec::with_capacity(self.workers),
        };
        for (index, (listeners, inbox)) in per_core.into_iter().zip(inboxes).enumerate() {
            let worker = Worker {
                index,
                listeners,
                shared: shared.clone(),
                inbox,
                stop: running.handle.inner.rx.clone(),
                systemd: systemd.clone(),
                ready: ready_tx.clone(),
            };
            let factory = factory.clone();
            let t = std::thread::Builder::new()
                .name(format!("vango-core-{index}"))
                .spawn(move || run_worker(worker, &*factory))?;
            running.threads.push(t);
        }
        drop(ready_tx);
        // Dropping `running` on an error stops the cores that did start.
        for _ in 0..running.threads.len() {
            match ready_rx.recv() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(e),
                Err(_) => return Err(io::Error::other("a core failed to start")),
            }
        }
        let cores = running.threads.len();
        systemd.ready(&format!("serving on {local} with {cores} cores"));
        Ok(running)
    }

    /// Binds, runs, and blocks until shutdown (a signal or the handle) has completed.
    /// See [`spawn`](Self::spawn) for socket activation and systemd notifications.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vango::server::{websocket::Echo, Server};
    /// // Blocks until SIGTERM/SIGINT (or the shutdown handle) has stopped every core.
    /// Server::new(Echo::new).serve("127.0.0.1:8080")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn serve(self, addr: impl ToSocketAddrs) -> io::Result<()> {
        use async_signal::{Signal, Signals};
        // Before the cores start: a SIGTERM right after READY=1 must not kill the process.
        let mut sigs = if self.signals {
            Some(Signals::new([Signal::Term, Signal::Int])?)
        } else {
            None
        };
        let workers = self.workers;
        let running = self.spawn(addr)?;
        log::info!("listening on {} with {workers} cores", running.local_addr());
        if let Some(sigs) = &mut sigs {
            let handle = running.handle.clone();
            async_io::block_on(future::or(
                async {
                    if let Some(Ok(sig)) = sigs.next().await {
                        log::info!("{sig:?}: shutting down gracefully");
                    }
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

/// Decrements the open-connection gauge (and its address's count) when the connection's
/// task ends, however it ends.
struct ConnGuard(
    Rc<Core>,
    #[allow(dead_code, reason = "counts back on drop")] Option<PeerGuard>,
);

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.0.metrics().connections.fetch_sub(1, Relaxed);
    }
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
                let guard = ConnGuard(core.clone(), counted);
                let (c, s) = (core.clone(), svc.clone());
                core.spawn(async move {
                    // Built inside the task, not moved into it: a future captured by an
                    // `async move` block is stored twice (≈0.6 KiB more per session).
                    let fut =
                        AssertUnwindSafe(conn::serve(stream, peer, c, s, shed)).catch_unwind();
                    // A panicking handler ends its own connection, never the core.
                    if fut.await.is_err() {
                        guard.0.metrics().panics.fetch_add(1, Relaxed);
                    }
                    drop(guard);
                });
            }
            // Out of fds or memory: back off instead of spinning on a full accept queue.
            Err(_) => {
                Timer::after(Duration::from_millis(20)).await;
            }
        }
    }
}
