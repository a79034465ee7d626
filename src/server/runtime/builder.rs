//! [`Server`]'s builder and start: workers, limits, assets, signal handling, then `spawn`
//! (one thread per worker, each with its own listener) or `serve` (block until shut down).
//! Touches the listeners, threads and the worker loop of `runtime.rs`.

use super::*;

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
    /// # Panics
    ///
    /// When [`Limits::max_headers`] is not from 1 to [`MAX_HEADERS_CAP`](crate::server::MAX_HEADERS_CAP).
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
        limits.assert_servable();
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
