//! Scale-out: a Redis bridge that carries [`GlobalSignal`] writes between nodes (the
//! `redis` feature). Touches the bus and globals of `features`, and Redis over the network.
//!
//! Each node runs one [`RedisBridge`] next to its bus. A write on any core lands in the
//! local bus as always (cores never wait on Redis); the bridge publishes it through a Lua
//! script that numbers it in Redis, and applies other nodes' writes to the local slots.
//!
//! Semantics across nodes:
//! * **Last write wins**, in the order Redis numbered the writes; every node converges
//!   to the value with the highest Redis version, and versions never go backwards (the
//!   script numbers each write above both Redis's and the writer's highest known
//!   version, so even a Redis restarted empty keeps counting up).
//! * **`update`'s compare-and-swap holds within a node only.** Two nodes that update the
//!   same global at the same moment each compute from their own current value; the later
//!   write (in Redis's order) wins and the other is lost. Keep per-node data in separate
//!   globals (one key per node) when every contribution must count.
//! * A local write the bridge has not yet published is never overwritten by a remote
//!   one: it is published and, being numbered later, wins everywhere.
//! * **Redis down**: at startup the node serves alone, logs a warning and retries in the
//!   background; mid-run, local writes keep working and are published when Redis returns
//!   (each node re-reads every key, publishing its own pending writes), so the nodes converge.
//! * Values larger than [`RedisBridge::max_value`] are refused with a logged error and
//!   stay on their node.
//! * Remote writes are applied to the bus slot directly: a persisted global's saver
//!   writes them at its next local write or flush.
//!
//! **Presence** ([`RedisBridge::presence`], Phoenix.Presence-style) is per node instead of
//! last-write-wins: each node publishes only its own entries (a key with a TTL of three
//! [heartbeats](RedisBridge::heartbeat), plus pub/sub for prompt joins, leaves and
//! moves), and every node merges all live nodes' entries into a local global. A node
//! that stops heartbeating (`kill -9`) has its entries dropped everywhere within
//! TTL + heartbeat / 4 of its last heartbeat (3.25 s by default), with no cleanup step;
//! a restarted node replaces its old entries as soon as it connects; with Redis down a
//! node keeps its own entries (and drops the others' after the TTL) and reloads
//! everyone's when Redis returns. Frequent changes ([`Track::Moves`], cursors) are
//! coalesced to one message per 50 ms and stored in Redis only by heartbeats.

mod bridge;
mod link;
mod presence;
mod presence_sync;
mod presence_threads;
pub mod wire;

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::bus::Bus;
use super::global::GlobalSignal;
use super::persist::Persist;
use bridge::{Applied, Entry, Ev};
pub use presence::Track;

#[derive(Clone)]
struct Config {
    node: String,
    prefix: String,
    channel: String,
    max_value: usize,
    timeout: Duration,
}

/// Counters of one bridge, for tests and metrics.
///
/// # Examples
///
/// ```no_run
/// # use vango::features::{bus::Bus, redis::RedisBridge};
/// let bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "a")?.start(&Bus::new())?;
/// let stats = bridge.stats();
/// println!("published {}, applied {}", stats.published(), stats.applied());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct Stats {
    published: AtomicU64,
    applied: AtomicU64,
    refused: AtomicU64,
    ignored: AtomicU64,
    connected: AtomicBool,
}

impl Stats {
    /// Local writes published to Redis.
    ///
    /// # Examples
    ///
    /// ```
    /// let stats = vango::features::redis::Stats::default(); // as a fresh bridge has them
    /// assert_eq!(stats.published(), 0);
    /// ```
    pub fn published(&self) -> u64 {
        self.published.load(Ordering::Relaxed)
    }
    /// Remote writes applied to local slots.
    ///
    /// # Examples
    ///
    /// ```
    /// let stats = vango::features::redis::Stats::default(); // as a fresh bridge has them
    /// assert_eq!(stats.applied(), 0);
    /// ```
    pub fn applied(&self) -> u64 {
        self.applied.load(Ordering::Relaxed)
    }
    /// Local values refused for their size.
    ///
    /// # Examples
    ///
    /// ```
    /// let stats = vango::features::redis::Stats::default(); // as a fresh bridge has them
    /// assert_eq!(stats.refused(), 0);
    /// ```
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
    /// Messages ignored: another wire version, malformed, or a value that does not decode.
    ///
    /// # Examples
    ///
    /// ```
    /// let stats = vango::features::redis::Stats::default(); // as a fresh bridge has them
    /// assert_eq!(stats.ignored(), 0);
    /// ```
    pub fn ignored(&self) -> u64 {
        self.ignored.load(Ordering::Relaxed)
    }
    /// Whether the bridge is connected and in sync with Redis.
    ///
    /// # Examples
    ///
    /// ```
    /// let stats = vango::features::redis::Stats::default(); // as a fresh bridge has them
    /// assert!(!stats.connected());
    /// ```
    pub fn connected(&self) -> bool {
        self.connected.load(Ordering::Acquire)
    }
}

/// A node's bridge to Redis; build it with [`RedisBridge::builder`], share globals with
/// [`share`](RedisBridge::share), then [`start`](RedisBridge::start) before serving.
///
/// # Examples
///
/// ```no_run
/// use vango::features::{bus::Bus, global::GlobalSignal, redis::RedisBridge};
/// let bus = Bus::new();
/// let visits = GlobalSignal::new(&bus, 0u64);
/// let bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "node-a")?
///     .share("visits", visits)?
///     .start(&bus)?; // loads the current values, or serves alone if Redis is down
/// assert!(bridge.stats().connected());
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct RedisBridge {
    client: redis::Client,
    cfg: Config,
    entries: Vec<Entry>,
    stats: Arc<Stats>,
    stop: Arc<AtomicBool>,
    tx: Option<flume::Sender<Ev>>,
    tracks: Vec<Box<dyn presence::Tracked>>,
    heartbeat: Duration,
    presence_tx: Option<flume::Sender<presence_sync::PEv>>,
}

impl fmt::Debug for RedisBridge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBridge")
            .field("node", &self.cfg.node)
            .field("globals", &self.entries.len())
            .field("presences", &self.tracks.len())
            .field("stats", &self.stats)
            .finish()
    }
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

impl RedisBridge {
    /// The largest encoded value the bridge carries by default (512 KiB).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::redis::RedisBridge;
    /// assert_eq!(RedisBridge::DEFAULT_MAX_VALUE, 512 * 1024);
    /// ```
    pub const DEFAULT_MAX_VALUE: usize = 512 * 1024;

    /// A bridge for node `node` (letters, digits, `_-.:`; unique per node) to the Redis at
    /// `url` (`redis://host:port/db`). Nothing connects until [`start`](Self::start).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::redis::RedisBridge;
    /// let bridge = RedisBridge::builder("redis://127.0.0.1:6379/0", "node-a")?; // no I/O yet
    /// assert_eq!(bridge.node(), "node-a");
    /// assert!(RedisBridge::builder("redis://127.0.0.1:6379/", "a b").is_err()); // a space
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn builder(url: &str, node: &str) -> io::Result<RedisBridge> {
        if !wire::valid_name(node) {
            return Err(invalid(format!("invalid node name `{node}`")));
        }
        let client = redis::Client::open(url).map_err(|e| invalid(format!("redis url: {e}")))?;
        Ok(RedisBridge {
            client,
            cfg: Config {
                node: node.into(),
                prefix: "vango".into(),
                channel: "vango:globals".into(),
                max_value: Self::DEFAULT_MAX_VALUE,
                timeout: Duration::from_secs(1),
            },
            entries: Vec::new(),
            stats: Arc::default(),
            stop: Arc::default(),
            tx: None,
            tracks: Vec::new(),
            heartbeat: Self::DEFAULT_HEARTBEAT,
            presence_tx: None,
        })
    }

    /// Names every key and the channel `PREFIX:…` (default `vango`), so several apps can
    /// share one Redis.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::redis::RedisBridge;
    /// let bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "a")?.prefix("shop")?;
    /// assert!(RedisBridge::builder("redis://127.0.0.1:6379/", "a")?.prefix("").is_err());
    /// # let _ = bridge;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn prefix(mut self, prefix: &str) -> io::Result<RedisBridge> {
        if !wire::valid_name(prefix) {
            return Err(invalid(format!("invalid prefix `{prefix}`")));
        }
        self.cfg.channel = format!("{prefix}:globals");
        self.cfg.prefix = prefix.into();
        Ok(self)
    }

    /// The largest encoded value carried; larger ones are refused with a logged error.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::redis::RedisBridge;
    /// let bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "a")?.max_value(64 * 1024);
    /// # let _ = bridge;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn max_value(mut self, bytes: usize) -> RedisBridge {
        self.cfg.max_value = bytes;
        self
    }

    /// How long one Redis call may take before the bridge treats Redis as down (1 s).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::features::redis::RedisBridge;
    /// let bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "a")?
    ///     .timeout(Duration::from_millis(300));
    /// # let _ = bridge;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> RedisBridge {
        self.cfg.timeout = timeout.max(Duration::from_millis(10));
        self
    }

    /// Shares `global` under `key` (the same key on every node). Its type's [`Persist`]
    /// encoding is its wire format. Every shared global must be on the bus passed to
    /// [`start`](Self::start).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::GlobalSignal, redis::RedisBridge};
    /// let bus = Bus::new();
    /// let motd = GlobalSignal::new(&bus, String::from("hello"));
    /// let bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "a")?.share("motd", motd)?;
    /// # let _ = bridge;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn share<T>(self, key: &str, global: GlobalSignal<T>) -> io::Result<RedisBridge>
    where
        T: Persist + Clone + Send + Sync + 'static,
    {
        self.share_with(key, global, T::to_bytes, T::from_bytes)
    }

    /// Like [`share`](Self::share), with the wire encoding given as two functions (for a
    /// type without [`Persist`], e.g. one encoded with serde). `decode` returns `None` for
    /// bytes it does not accept; such a value is ignored and logged.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::{bus::Bus, global::GlobalSignal, redis::RedisBridge};
    /// let bus = Bus::new();
    /// let tags = GlobalSignal::new(&bus, vec![String::from("new")]);
    /// let bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "a")?.share_with(
    ///     "tags",
    ///     tags,
    ///     |t: &Vec<String>| t.join(",").into_bytes(),
    ///     |b: &[u8]| Some(std::str::from_utf8(b).ok()?.split(',').map(String::from).collect()),
    /// )?;
    /// # let _ = bridge;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn share_with<T>(
        mut self,
        key: &str,
        global: GlobalSignal<T>,
        encode: fn(&T) -> Vec<u8>,
        decode: fn(&[u8]) -> Option<T>,
    ) -> io::Result<RedisBridge>
    where
        T: Clone + Send + Sync + 'static,
    {
        if !wire::valid_name(key) || self.entries.iter().any(|e| e.key == key) {
            return Err(invalid(format!("invalid or repeated key `{key}`")));
        }
        let slot = global.slot();
        self.entries.push(Entry {
            key: key.into(),
            slot: slot.id().index(),
            version: Box::new(move || slot.version()),
            snapshot: Box::new(move || {
                let (v, t) = slot.snapshot();
                (v, encode(&t))
            }),
            apply: Box::new(move |expected, bytes| match decode(bytes) {
                None => Applied::Undecodable,
                Some(t) => slot
                    .set_if(expected, t)
                    .map_or(Applied::Pending, Applied::Set),
            }),
        });
        Ok(self)
    }

    /// Starts the bridge's threads and waits (up to twice the timeout) until the shared
    /// globals hold Redis's current values. If Redis is unreachable it returns anyway:
    /// the node serves alone and the bridge keeps retrying.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use vango::features::{bus::Bus, redis::RedisBridge};
    /// let bus = Bus::new();
    /// let bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "a")?
    ///     .timeout(Duration::from_millis(200))
    ///     .start(&bus)?; // returns within 0.4 s even with no Redis
    /// println!("connected: {}", bridge.stats().connected());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn start(mut self, bus: &Bus) -> io::Result<RedisBridge> {
        let handle = bus
            .subscribe()
            .map_err(|e| io::Error::new(io::ErrorKind::BrokenPipe, e))?;
        let waiter = handle.waiter();
        let (tx, rx) = flume::bounded(4096);
        let (ready_tx, ready_rx) = flume::bounded(1);
        let b = bridge::Bridge {
            cfg: self.cfg.clone(),
            client: self.client.clone(),
            entries: std::mem::take(&mut self.entries),
            handle,
            stats: self.stats.clone(),
            ready: ready_tx,
        };
        std::thread::Builder::new()
            .name("vango-redis".into())
            .spawn(move || b.run(rx))?;
        let (client, cfg, stop, sub_tx) = (
            self.client.clone(),
            self.cfg.clone(),
            self.stop.clone(),
            tx.clone(),
        );
        std::thread::Builder::new()
            .name("vango-redis-sub".into())
            .spawn(move || bridge::subscribe(client, cfg, sub_tx, stop))?;
        let local_tx = tx.clone();
        std::thread::Builder::new()
            .name("vango-redis-bus".into())
            .spawn(move || {
                while waiter.wait_blocking() {
                    if local_tx.send(Ev::Local).is_err() {
                        return;
                    }
                }
                let _ = local_tx.send(Ev::Stop);
            })?;
        self.tx = Some(tx);
        let presence_ready = presence_threads::start(&mut self, bus)?;
        let deadline = std::time::Instant::now() + self.cfg.timeout * 2;
        let _ = ready_rx.recv_deadline(deadline);
        if let Some(ready) = presence_ready {
            let _ = ready.recv_deadline(deadline);
        }
        Ok(self)
    }

    /// This bridge's counters.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vango::features::{bus::Bus, redis::RedisBridge};
    /// let bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "a")?.start(&Bus::new())?;
    /// assert_eq!(bridge.stats().refused(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    /// This node's name.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::redis::RedisBridge;
    /// assert_eq!(RedisBridge::builder("redis://127.0.0.1:6379/", "b")?.node(), "b");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn node(&self) -> &str {
        &self.cfg.node
    }
}

impl Drop for RedisBridge {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Ev::Stop);
        }
        if let Some(tx) = self.presence_tx.take() {
            presence_threads::stop(&tx);
        }
    }
}
