//! The bridge's threads: one follows the local bus, one holds the Redis subscription, one
//! applies both in order. Touches the bus (`features::bus`) and Redis; never a core.
//!
//! Every Redis call happens here, on plain threads with the `redis` crate's blocking
//! client, so a slow or dead Redis delays only the bridge, never a core's executor: cores
//! write to the in-memory bus as in single-node mode, and the bridge catches up.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::link::{self, Sub};
use super::wire::{self, BadMessage};
use super::{Config, Stats};
use crate::features::bus::CoreBusHandle;

/// What applying a remote value to the local slot did.
pub(super) enum Applied {
    /// Set; the slot's new local version.
    Set(u64),
    /// A local write landed since the last sync: it is published instead (and wins).
    Pending,
    /// The bytes are not a valid encoding of the global's type.
    Undecodable,
}

/// Sets the slot from value bytes if its version is still the given one.
pub(super) type ApplyFn = Box<dyn Fn(u64, &[u8]) -> Applied + Send>;

/// One shared global, type-erased.
pub(super) struct Entry {
    pub key: String,
    pub slot: usize,
    pub version: Box<dyn Fn() -> u64 + Send>,
    pub snapshot: Box<dyn Fn() -> (u64, Vec<u8>) + Send>,
    pub apply: ApplyFn,
}

pub(super) enum Ev {
    Local,
    Remote(Vec<u8>),
    Resync,
    Down,
    /// Nothing happened for a while: a chance to reconnect.
    Retry,
    Stop,
}

struct Synced {
    /// The local version last published or applied from Redis.
    local: u64,
    /// The highest Redis version seen for this key.
    redis: u64,
}

pub(super) struct Bridge {
    pub cfg: Config,
    pub client: redis::Client,
    pub entries: Vec<Entry>,
    pub handle: CoreBusHandle,
    pub stats: Arc<Stats>,
    pub ready: flume::Sender<()>,
}

impl Bridge {
    pub(super) fn run(mut self, rx: flume::Receiver<Ev>) {
        let mut conn: Option<(redis::Connection, String)> = None;
        let mut synced: Vec<Synced> = self
            .entries
            .iter()
            .map(|e| Synced {
                local: (e.version)(),
                redis: 0,
            })
            .collect();
        let by_slot: HashMap<usize, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.slot, i))
            .collect();
        let by_key: HashMap<String, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.key.clone(), i))
            .collect();
        // Whether the subscription is up: then a missing command connection is retried on
        // every event and at least twice a second, with a full resync when it comes back.
        let mut subscribed = false;
        loop {
            let ev = match rx.recv_timeout(std::time::Duration::from_millis(500)) {
                Ok(ev) => ev,
                Err(flume::RecvTimeoutError::Timeout) => Ev::Retry,
                Err(flume::RecvTimeoutError::Disconnected) => break,
            };
            if subscribed && conn.is_none() && !matches!(ev, Ev::Resync | Ev::Down | Ev::Stop) {
                conn = self.reconnect(&mut synced);
            }
            match ev {
                Ev::Retry => {}
                Ev::Local => {
                    let mut changed = Vec::new();
                    self.handle
                        .drain(|c| changed.extend(by_slot.get(&c.slot.index())));
                    for i in changed {
                        self.publish(&mut conn, &mut synced[i], i, false);
                    }
                }
                Ev::Remote(payload) => self.remote(&mut conn, &mut synced, &by_key, &payload),
                Ev::Resync => {
                    subscribed = true;
                    conn = self.reconnect(&mut synced);
                    if conn.is_some() {
                        let _ = self.ready.try_send(());
                    }
                }
                Ev::Down => {
                    subscribed = false;
                    conn = None;
                    self.stats.connected.store(false, Ordering::Release);
                }
                Ev::Stop => break,
            }
        }
    }

    // A fresh command connection with every shared value resynced through it (a resync
    // that fails drops it again), and the connected flag set to what is left.
    fn reconnect(&self, synced: &mut [Synced]) -> Option<(redis::Connection, String)> {
        let mut conn = self.connect();
        if conn.is_some() {
            for (i, s) in synced.iter_mut().enumerate() {
                self.resync(&mut conn, s, i);
            }
            self.stats
                .connected
                .store(conn.is_some(), Ordering::Release);
        }
        conn
    }

    fn connect(&self) -> Option<(redis::Connection, String)> {
        link::connect(&self.client, self.cfg.timeout, wire::WRITE_SCRIPT)
    }

    fn hash_key(&self, key: &str) -> String {
        format!("{}:g:{key}", self.cfg.prefix)
    }

    /// Publishes entry `i`'s local value if it changed since the last sync (or, with
    /// `seed`, as a reseed: only if Redis knows less than this node); leaves it pending if
    /// Redis is unreachable.
    fn publish(
        &self,
        conn: &mut Option<(redis::Connection, String)>,
        s: &mut Synced,
        i: usize,
        seed: bool,
    ) {
        let e = &self.entries[i];
        let (local, bytes) = (e.snapshot)();
        if local == s.local && !seed {
            return;
        }
        if bytes.len() > self.cfg.max_value {
            log::error!(
                "vango redis: global `{}` is {} bytes, over the bridge's limit of {}: \
                 kept on this node only",
                e.key,
                bytes.len(),
                self.cfg.max_value
            );
            self.stats.refused.fetch_add(1, Ordering::Relaxed);
            s.local = local;
            return;
        }
        let Some((c, sha)) = conn.as_mut() else {
            return;
        };
        let result: redis::RedisResult<u64> = redis::cmd("EVALSHA")
            .arg(&*sha)
            .arg(1)
            .arg(self.hash_key(&e.key))
            .arg(&bytes)
            .arg(s.redis)
            .arg(&self.cfg.channel)
            .arg(format!("{} {}", wire::TAG, e.key))
            .arg(&self.cfg.node)
            .arg(if seed { "1" } else { "0" })
            .query(c);
        match result {
            // Another node wrote since this one looked: take its value instead.
            Ok(0) => self.resync(conn, s, i),
            Ok(v) => {
                s.local = local;
                s.redis = s.redis.max(v);
                self.stats.published.fetch_add(1, Ordering::Relaxed);
            }
            Err(err) => {
                log::warn!(
                    "vango redis: write of `{}` failed ({err}); retried on reconnect",
                    e.key
                );
                *conn = None;
                self.stats.connected.store(false, Ordering::Release);
            }
        }
    }

    /// Brings entry `i` in line with Redis after a (re)connect.
    fn resync(&self, conn: &mut Option<(redis::Connection, String)>, s: &mut Synced, i: usize) {
        let e = &self.entries[i];
        if (e.version)() != s.local {
            return self.publish(conn, s, i, false);
        }
        let Some((c, _)) = conn.as_mut() else { return };
        let stored: redis::RedisResult<(Option<u64>, Option<Vec<u8>>)> = redis::cmd("HMGET")
            .arg(self.hash_key(&e.key))
            .arg("v")
            .arg("d")
            .query(c);
        match stored {
            Ok((Some(v), Some(bytes))) if v > s.redis => self.apply(conn, s, i, v, &bytes),
            // Redis lost what this node saw (restarted empty, or an older snapshot):
            // this node's value goes back in, numbered above anything seen.
            Ok((v, _)) if v.unwrap_or(0) < s.redis || v.is_none() => self.publish(conn, s, i, true),
            Ok(_) => {}
            Err(_) => *conn = None,
        }
    }

    fn remote(
        &self,
        conn: &mut Option<(redis::Connection, String)>,
        synced: &mut [Synced],
        by_key: &HashMap<String, usize>,
        payload: &[u8],
    ) {
        let m = match wire::decode(payload) {
            Ok(m) => m,
            Err(bad) => {
                self.stats.ignored.fetch_add(1, Ordering::Relaxed);
                match bad {
                    BadMessage::Version(tag) => log::warn!(
                        "vango redis: ignored a message of wire version `{tag}` (this node speaks {})",
                        wire::TAG
                    ),
                    BadMessage::Malformed => log::warn!("vango redis: ignored a malformed message"),
                }
                return;
            }
        };
        if m.node == self.cfg.node {
            return;
        }
        let Some(&i) = by_key.get(m.key) else { return };
        if m.version > synced[i].redis {
            self.apply(conn, &mut synced[i], i, m.version, m.value);
        }
    }

    fn apply(
        &self,
        conn: &mut Option<(redis::Connection, String)>,
        s: &mut Synced,
        i: usize,
        version: u64,
        bytes: &[u8],
    ) {
        let e = &self.entries[i];
        match (e.apply)(s.local, bytes) {
            Applied::Set(local) => {
                s.local = local;
                s.redis = version;
                self.stats.applied.fetch_add(1, Ordering::Relaxed);
            }
            Applied::Pending => {
                s.redis = s.redis.max(version);
                self.publish(conn, s, i, false);
            }
            Applied::Undecodable => {
                s.redis = version;
                self.stats.ignored.fetch_add(1, Ordering::Relaxed);
                log::warn!(
                    "vango redis: ignored a value of `{}` that does not decode",
                    e.key
                );
            }
        }
    }
}

/// The subscription thread: (re)connects with backoff, sends `Resync` once subscribed
/// (so no message is missed between the reload and the subscription), then forwards.
pub(super) fn subscribe(
    client: redis::Client,
    cfg: Config,
    tx: flume::Sender<Ev>,
    stop: Arc<std::sync::atomic::AtomicBool>,
) {
    let mut warned = false;
    link::hold_subscription(&client, cfg.timeout, &cfg.channel, &stop, |event| {
        match event {
            Sub::Unreachable(err) if !warned => {
                log::warn!(
                    "vango redis: {err}; serving as a single node and retrying in the background"
                );
                warned = true;
                true
            }
            Sub::Unreachable(_) => true,
            Sub::Subscribed => {
                if warned {
                    log::info!("vango redis: connected again, converging");
                }
                warned = false;
                tx.send(Ev::Resync).is_ok()
            }
            Sub::Message(m) => tx.send(Ev::Remote(m)).is_ok(),
            // A closed bridge stops the thread at `stop`, not here.
            Sub::Down => {
                let _ = tx.send(Ev::Down);
                true
            }
        }
    });
}
