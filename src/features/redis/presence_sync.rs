//! Presence's worker thread: publishes this node's entries, heartbeats, and merges the
//! others' (its other two threads are in `presence_threads`). Touches the bus
//! (`features::bus`) and Redis; never a core.
//!
//! Expiry uses each node's own clock: a remote node's entries are dropped when nothing
//! (a state or a heartbeat) was heard from it for the TTL, checked every tick
//! (heartbeat / 4), so a node that stops heartbeating is gone everywhere within
//! TTL + heartbeat / 4 of its last heartbeat. While Redis is down no heartbeat arrives,
//! so remote entries expire the same way and the local ones stay; when Redis returns,
//! each node stores its state again and reloads everyone's.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::presence::{self, Track, Tracked, MAX_NODES};
use super::{Config, Stats};
use crate::features::bus::CoreBusHandle;

/// Stores (or, with an empty state, refreshes) a node's key, registers the node in the
/// set with its expiry (Redis's clock), prunes expired nodes, and publishes.
/// `KEYS`: the set, the node's key. `ARGV`: node, TTL in ms, state message or '', channel,
/// heartbeat message. With a state, the state is published, else the heartbeat; returns
/// 0 without publishing if a refresh found the key gone (the caller then stores).
const SCRIPT: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local msg = ARGV[3]
if msg == '' then
  if redis.call('PEXPIRE', KEYS[2], ttl) == 0 then return 0 end
  msg = ARGV[5]
else
  redis.call('SET', KEYS[2], msg, 'PX', ttl)
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PUBLISH', ARGV[4], msg)
return 1
"#;

pub(super) enum PEv {
    Local,
    Msg(Vec<u8>),
    Resync,
    Down,
    Stop,
}

/// What this node knows of another node's state for one key.
struct Remote {
    boot: u64,
    seq: u64,
    deadline: Instant,
}

/// This node's own state for one key.
#[derive(Default)]
struct Own {
    /// The local version last published (0: none yet).
    published: u64,
    seq: u64,
    /// The last state message published, for heartbeats that must store it.
    message: Vec<u8>,
    /// The seq the node's key holds.
    stored: u64,
    last: Option<Instant>,
}

pub(super) struct Worker {
    pub cfg: Config,
    pub client: redis::Client,
    pub heartbeat: Duration,
    pub tracks: Vec<Box<dyn Tracked>>,
    pub handle: CoreBusHandle,
    pub stats: Arc<Stats>,
    pub ready: flume::Sender<()>,
    pub boot: u64,
}

type Conn = Option<(redis::Connection, String)>;

impl Worker {
    fn ttl(&self) -> Duration {
        self.heartbeat * 3
    }

    pub(super) fn run(mut self, rx: flume::Receiver<PEv>) {
        let n = self.tracks.len();
        let mut own: Vec<Own> = (0..n).map(|_| Own::default()).collect();
        let mut remotes: Vec<HashMap<String, Remote>> = (0..n).map(|_| HashMap::new()).collect();
        let by_key: HashMap<String, usize> = self
            .tracks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.key().to_owned(), i))
            .collect();
        let tick = (self.heartbeat / 4).max(Duration::from_millis(5));
        let mut conn: Conn = None;
        let mut subscribed = false;
        let mut next_beat = Instant::now();
        let mut next_retry = Instant::now();
        for t in &self.tracks {
            t.merge(&self.cfg.node);
        }
        loop {
            let now = Instant::now();
            let mut wake = (now + tick).min(next_beat);
            for (i, o) in own.iter().enumerate() {
                if o.published != self.tracks[i].local_version() {
                    wake = wake.min(o.last.map_or(now, |l| l + self.tracks[i].track().gap()));
                }
            }
            let ev = match rx.recv_timeout(wake.saturating_duration_since(now)) {
                Ok(ev) => Some(ev),
                Err(flume::RecvTimeoutError::Timeout) => None,
                Err(flume::RecvTimeoutError::Disconnected) => break,
            };
            match ev {
                None => {}
                Some(PEv::Local) => {
                    let mut changed = Vec::new();
                    self.handle.drain(|c| changed.push(c.slot.index()));
                    for t in &self.tracks {
                        if changed.contains(&t.local_slot()) {
                            t.merge(&self.cfg.node);
                        }
                    }
                }
                Some(PEv::Msg(m)) => {
                    self.message(&mut conn, &mut remotes, &by_key, &m);
                }
                Some(PEv::Resync) => {
                    subscribed = true;
                    conn = self.reconnect(&mut own, &mut remotes);
                    if conn.is_some() {
                        let _ = self.ready.try_send(());
                    }
                    next_retry = Instant::now() + self.heartbeat;
                }
                Some(PEv::Down) => {
                    subscribed = false;
                    conn = None;
                }
                Some(PEv::Stop) => break,
            }
            let now = Instant::now();
            if subscribed && conn.is_none() && now >= next_retry {
                conn = self.reconnect(&mut own, &mut remotes);
                next_retry = now + self.heartbeat;
            }
            for (i, o) in own.iter_mut().enumerate() {
                let t = &self.tracks[i];
                let due = o.last.is_none_or(|l| now >= l + t.track().gap());
                if o.published != t.local_version() && due {
                    let store = t.track() == Track::Joins;
                    self.publish(&mut conn, i, o, store);
                }
            }
            if now >= next_beat {
                next_beat = now + self.heartbeat;
                for (i, o) in own.iter_mut().enumerate() {
                    self.beat(&mut conn, i, o);
                }
            }
            for (i, r) in remotes.iter_mut().enumerate() {
                let before = r.len();
                r.retain(|_, x| x.deadline > now);
                if r.len() != before {
                    let t = &mut self.tracks[i];
                    for node in t.remote_nodes() {
                        if !r.contains_key(&node) {
                            t.remove_remote(&node);
                        }
                    }
                    t.merge(&self.cfg.node);
                }
            }
        }
    }

    fn node_key(&self, key: &str, node: &str) -> String {
        format!("{}:p:{key}:{node}", self.cfg.prefix)
    }

    fn set_key(&self, key: &str) -> String {
        format!("{}:p:{key}", self.cfg.prefix)
    }

    fn connect(&self) -> Conn {
        super::link::connect(&self.client, self.cfg.timeout, SCRIPT)
    }

    /// A fresh connection: this node's states stored again, everyone's reloaded.
    fn reconnect(&mut self, own: &mut [Own], remotes: &mut [HashMap<String, Remote>]) -> Conn {
        let mut conn = self.connect();
        for (i, o) in own.iter_mut().enumerate() {
            self.publish(&mut conn, i, o, true);
            self.reload(&mut conn, i, &mut remotes[i]);
        }
        conn
    }

    /// Reads every live node's state for track `i` (their keys' remaining TTL bounds
    /// how long they are kept without a heartbeat).
    fn reload(&mut self, conn: &mut Conn, i: usize, remotes: &mut HashMap<String, Remote>) {
        let Some((c, _)) = conn.as_mut() else { return };
        let key = self.tracks[i].key().to_owned();
        let nodes: redis::RedisResult<Vec<String>> = redis::cmd("ZRANGE")
            .arg(self.set_key(&key))
            .arg(0)
            .arg(MAX_NODES as i64 - 1)
            .query(c);
        let Ok(mut nodes) = nodes else {
            *conn = None;
            return;
        };
        nodes.retain(|n| *n != self.cfg.node);
        let mut pipe = redis::pipe();
        for n in &nodes {
            pipe.cmd("GET").arg(self.node_key(&key, n));
            pipe.cmd("PTTL").arg(self.node_key(&key, n));
        }
        let got: redis::RedisResult<Vec<redis::Value>> = pipe.query(c);
        let Ok(got) = got else {
            *conn = None;
            return;
        };
        let now = Instant::now();
        remotes.clear();
        let t = &mut self.tracks[i];
        for node in t.remote_nodes() {
            t.remove_remote(&node);
        }
        for (n, pair) in nodes.iter().zip(got.chunks(2)) {
            let (redis::Value::BulkString(bytes), redis::Value::Int(ms)) = (&pair[0], &pair[1])
            else {
                continue;
            };
            let Some(m) = presence::decode(bytes) else {
                continue;
            };
            if m.node != n || m.key != key || bytes.len() > self.cfg.max_value || *ms <= 0 {
                continue;
            }
            if t.set_remote(n, m.state.unwrap_or_default()) {
                remotes.insert(
                    n.clone(),
                    Remote {
                        boot: m.boot,
                        seq: m.seq,
                        deadline: now + Duration::from_millis(*ms as u64),
                    },
                );
            }
        }
        t.merge(&self.cfg.node);
    }

    /// Publishes track `i`'s local state if it changed (and stores it in the node's key
    /// with `store`); always stores with `store` (a reconnect puts the key back).
    fn publish(&self, conn: &mut Conn, i: usize, o: &mut Own, store: bool) {
        let t = &self.tracks[i];
        let (version, entries) = t.local_state();
        if version != o.published {
            let mut msg =
                presence::header(t.key(), &self.cfg.node, self.boot, o.seq + 1, true).into_bytes();
            msg.extend_from_slice(&entries);
            if msg.len() > self.cfg.max_value {
                log::error!(
                    "vango redis: presence `{}` is {} bytes, over the bridge's limit of {}: \
                     this node's new entries are not shared",
                    t.key(),
                    msg.len(),
                    self.cfg.max_value
                );
                self.stats.refused.fetch_add(1, Ordering::Relaxed);
                o.published = version;
                return;
            }
            o.seq += 1;
            o.message = msg;
            o.published = version;
        }
        if o.message.is_empty() {
            // Not published yet and empty: still announce it, so a restart clears others.
            o.seq += 1;
            o.message =
                presence::header(t.key(), &self.cfg.node, self.boot, o.seq, true).into_bytes();
        }
        o.last = Some(Instant::now());
        let Some((c, sha)) = conn.as_mut() else {
            return;
        };
        let result: redis::RedisResult<u64> = if store {
            self.script(c, sha, t.key(), &o.message, &[])
        } else {
            redis::cmd("PUBLISH")
                .arg(self.cfg.prefix.clone() + ":presence")
                .arg(&o.message)
                .query(c)
        };
        match result {
            Ok(_) => {
                if store {
                    o.stored = o.seq;
                }
                self.stats.published.fetch_add(1, Ordering::Relaxed);
            }
            Err(err) => {
                log::warn!("vango redis: presence `{}` not published ({err})", t.key());
                *conn = None;
            }
        }
    }

    fn script(
        &self,
        c: &mut redis::Connection,
        sha: &str,
        key: &str,
        state: &[u8],
        beat: &[u8],
    ) -> redis::RedisResult<u64> {
        redis::cmd("EVALSHA")
            .arg(sha)
            .arg(2)
            .arg(self.set_key(key))
            .arg(self.node_key(key, &self.cfg.node))
            .arg(&self.cfg.node)
            .arg(self.ttl().as_millis() as u64)
            .arg(state)
            .arg(self.cfg.prefix.clone() + ":presence")
            .arg(beat)
            .query(c)
    }

    /// Refreshes the node's key (storing the latest state if a move changed it since).
    fn beat(&self, conn: &mut Conn, i: usize, o: &mut Own) {
        if o.message.is_empty() || o.stored != o.seq {
            return self.publish(conn, i, o, true);
        }
        let Some((c, sha)) = conn.as_mut() else {
            return;
        };
        let key = self.tracks[i].key();
        let beat = presence::header(key, &self.cfg.node, self.boot, o.seq, false);
        match self.script(c, sha, key, &[], beat.as_bytes()) {
            Ok(1) => {}
            // The key is gone (Redis restarted empty, or evicted it): store it again.
            Ok(_) => {
                o.stored = 0;
                self.publish(conn, i, o, true);
            }
            Err(_) => *conn = None,
        }
    }

    fn message(
        &mut self,
        conn: &mut Conn,
        remotes: &mut [HashMap<String, Remote>],
        by_key: &HashMap<String, usize>,
        payload: &[u8],
    ) {
        let Some(m) = presence::decode(payload) else {
            self.stats.ignored.fetch_add(1, Ordering::Relaxed);
            log::warn!("vango redis: ignored a malformed presence message");
            return;
        };
        if m.node == self.cfg.node {
            return;
        }
        let Some(&i) = by_key.get(m.key) else { return };
        let deadline = Instant::now() + self.ttl();
        let r = &mut remotes[i];
        let known = r.get(m.node).map(|x| (x.boot, x.seq));
        let newer = known.is_none_or(|(b, s)| b != m.boot || m.seq > s);
        if newer && known.is_none() && r.len() >= MAX_NODES {
            log::error!(
                "vango redis: presence `{}` already merges {MAX_NODES} nodes; node `{}` refused",
                m.key,
                m.node
            );
            return;
        }
        match m.state {
            Some(_) if payload.len() > self.cfg.max_value => {
                self.stats.ignored.fetch_add(1, Ordering::Relaxed);
                log::error!(
                    "vango redis: ignored node `{}`'s presence `{}` of {} bytes, over the limit",
                    m.node,
                    m.key,
                    payload.len()
                );
            }
            Some(state) if newer => {
                if self.tracks[i].set_remote(m.node, state) {
                    r.insert(
                        m.node.to_owned(),
                        Remote {
                            boot: m.boot,
                            seq: m.seq,
                            deadline,
                        },
                    );
                    self.stats.applied.fetch_add(1, Ordering::Relaxed);
                    self.tracks[i].merge(&self.cfg.node);
                } else {
                    self.stats.ignored.fetch_add(1, Ordering::Relaxed);
                    log::warn!(
                        "vango redis: ignored node `{}`'s presence `{}` that does not decode",
                        m.node,
                        m.key
                    );
                }
            }
            Some(_) => {
                if let Some(x) = r.get_mut(m.node) {
                    x.deadline = deadline;
                }
            }
            // A heartbeat for a state this node missed (or a node it does not know yet):
            // read the state from the node's key.
            None if newer => self.fetch(conn, r, i, m.node),
            None => {
                if let Some(x) = r.get_mut(m.node) {
                    x.deadline = deadline;
                }
            }
        }
    }

    fn fetch(&mut self, conn: &mut Conn, r: &mut HashMap<String, Remote>, i: usize, node: &str) {
        let Some((c, _)) = conn.as_mut() else { return };
        let key = self.tracks[i].key().to_owned();
        let got: redis::RedisResult<Option<Vec<u8>>> =
            redis::cmd("GET").arg(self.node_key(&key, node)).query(c);
        let bytes = match got {
            Ok(Some(b)) => b,
            Ok(None) => return,
            Err(_) => {
                *conn = None;
                return;
            }
        };
        let Some(m) = presence::decode(&bytes) else {
            return;
        };
        if m.node != node || m.key != key || bytes.len() > self.cfg.max_value {
            return;
        }
        if self.tracks[i].set_remote(node, m.state.unwrap_or_default()) {
            r.insert(
                node.to_owned(),
                Remote {
                    boot: m.boot,
                    seq: m.seq,
                    deadline: Instant::now() + self.ttl(),
                },
            );
            self.tracks[i].merge(&self.cfg.node);
        }
    }
}
