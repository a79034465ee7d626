//! Presence across nodes: each node publishes its own entries (a key with a TTL refreshed
//! by heartbeats, plus pub/sub), and merges every live node's into a local global. The
//! typed side and the message format; touches the bus's slots, no I/O (that is in
//! `presence_sync` and `presence_threads`).
//!
//! Layout in Redis for a presence key `K` (prefix `P`):
//! * `P:p:K:NODE`: the node's latest state message (below), expiring after the TTL unless
//!   a heartbeat refreshes it; a node killed with `kill -9` leaves nothing behind for long.
//! * `P:p:K`: a sorted set of the nodes that heartbeat, scored by expiry, so a node that
//!   starts finds the others without `SCAN`; pruned by every heartbeat, and it expires too.
//! * channel `P:presence`: state messages `VP1 K NODE BOOT SEQ s\n<entries>` on each
//!   change, and heartbeats `VP1 K NODE BOOT SEQ h\n`. `BOOT` is random per process start,
//!   so a restarted node's first state replaces its old entries everywhere; `SEQ` counts
//!   the node's states, so a node that missed one sees a newer `SEQ` in the next
//!   heartbeat and reads the key.
//!
//! `<entries>` is each entry's encoding prefixed with its length (u32, little endian).

use std::collections::BTreeMap;
use std::io;
use std::time::Duration;

use super::{invalid, wire, RedisBridge};
use crate::features::bus::GlobalSlot;
use crate::features::global::GlobalSignal;
use crate::features::persist::Persist;

/// The wire version tag of presence messages.
pub(super) const TAG: &str = "VP1";

/// The most nodes one presence key merges; more are refused with a logged error.
pub(super) const MAX_NODES: usize = 1024;

/// How a tracked presence's changes reach Redis.
///
/// # Examples
///
/// ```
/// use vango::features::redis::Track;
/// let for_cursors = Track::Moves; // published every 50 ms at most, stored by heartbeats
/// assert_ne!(for_cursors, Track::Joins);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Track {
    /// Rare changes (joins and leaves): each is stored in the node's key and published,
    /// at most one per 10 ms, so a node starting later reads it at once.
    Joins,
    /// Frequent changes (cursor moves): published only, at most one per 50 ms with the
    /// latest state; the key is rewritten by the next heartbeat. A node starting
    /// later sees states at most one heartbeat old until the next move.
    Moves,
}

impl Track {
    pub(super) fn gap(self) -> std::time::Duration {
        std::time::Duration::from_millis(match self {
            Track::Joins => 10,
            Track::Moves => 50,
        })
    }
}

impl RedisBridge {
    /// The default heartbeat: a node's presence key lives 3 heartbeats (3 s) unless
    /// refreshed, so a dead node's entries are gone everywhere within 3.25 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::features::redis::RedisBridge;
    /// assert_eq!(RedisBridge::DEFAULT_HEARTBEAT, Duration::from_secs(1));
    /// ```
    pub const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(1);

    /// How often this node refreshes its presence keys (default 1 s, at least 20 ms).
    /// Every node should use the same value: each keeps another node's entries for three
    /// of its own heartbeats without news (the TTL), checked every quarter heartbeat.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use vango::features::redis::RedisBridge;
    /// let bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "a")?
    ///     .heartbeat(Duration::from_millis(500)); // a dead node is gone within 1.625 s
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn heartbeat(mut self, every: Duration) -> RedisBridge {
        self.heartbeat = every.max(Duration::from_millis(20));
        self
    }

    /// Tracks presence under `key` (the same on every node), Phoenix.Presence-style:
    /// `local` holds this node's entries (the app writes it, e.g. a name per session),
    /// and the bridge keeps `merged` equal to every live node's entries, by node name
    /// (this node's own included at once, with or without Redis). Joins and leaves use
    /// [`Track::Joins`]; see [`presence_with`](Self::presence_with) for frequent
    /// changes and other encodings.
    ///
    /// A node that stops heartbeating (killed) has its entries dropped on every other
    /// node within 3 heartbeats + a quarter; a restarted node replaces its old entries
    /// with its new (empty) ones as soon as it connects. Dropping the bridge stops its
    /// heartbeats without removing anything, as a crash would.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vango::features::{bus::Bus, global::GlobalSignal, redis::RedisBridge};
    /// let bus = Bus::new();
    /// let here = GlobalSignal::new(&bus, Vec::<String>::new()); // this node's visitors
    /// let everyone = GlobalSignal::new(&bus, Vec::<String>::new()); // all nodes', to render
    /// let _bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "a")?
    ///     .presence("visitors", here, everyone)?
    ///     .start(&bus)?;
    /// here.update(|v| v.push("ann".into())); // in `everyone` on every node
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn presence<T>(
        self,
        key: &str,
        local: GlobalSignal<Vec<T>>,
        merged: GlobalSignal<Vec<T>>,
    ) -> io::Result<RedisBridge>
    where
        T: Persist + Clone + PartialEq + Send + Sync + 'static,
    {
        self.presence_with(key, local, merged, T::to_bytes, T::from_bytes, Track::Joins)
    }

    /// Like [`presence`](Self::presence), with each entry's wire encoding given as two
    /// functions and a choice of [`Track`]: `Track::Moves` for entries that change often
    /// (cursors), which are published at most every 50 ms and stored only by heartbeats.
    /// A node's encoded entries over [`max_value`](Self::max_value) are refused with a
    /// logged error (its earlier entries stay shared).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use vango::features::{bus::Bus, global::GlobalSignal, redis::{RedisBridge, Track}};
    /// type Cursor = (u16, u16);
    /// let enc = |c: &Cursor| [c.0.to_le_bytes(), c.1.to_le_bytes()].concat();
    /// let dec = |b: &[u8]| Some((u16::from_le_bytes(b.get(..2)?.try_into().ok()?),
    ///                            u16::from_le_bytes(b.get(2..4)?.try_into().ok()?)));
    /// let bus = Bus::new();
    /// let mine = GlobalSignal::new(&bus, Vec::<Cursor>::new());
    /// let all = GlobalSignal::new(&bus, Vec::<Cursor>::new());
    /// let _bridge = RedisBridge::builder("redis://127.0.0.1:6379/", "a")?
    ///     .presence_with("cursors", mine, all, enc, dec, Track::Moves)?
    ///     .start(&bus)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn presence_with<T>(
        mut self,
        key: &str,
        local: GlobalSignal<Vec<T>>,
        merged: GlobalSignal<Vec<T>>,
        encode: fn(&T) -> Vec<u8>,
        decode: fn(&[u8]) -> Option<T>,
        track: Track,
    ) -> io::Result<RedisBridge>
    where
        T: Clone + PartialEq + Send + Sync + 'static,
    {
        if !wire::valid_name(key) || self.tracks.iter().any(|t| t.key() == key) {
            return Err(invalid(format!("invalid or repeated presence key `{key}`")));
        }
        if local.slot().id() == merged.slot().id() {
            return Err(invalid(format!(
                "presence `{key}`: the local and merged globals must differ"
            )));
        }
        self.tracks.push(Box::new(Typed {
            key: key.into(),
            track,
            local: local.slot(),
            merged: merged.slot(),
            encode,
            decode,
            remote: BTreeMap::new(),
        }));
        Ok(self)
    }
}

/// A decoded presence message.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Msg<'a> {
    pub key: &'a str,
    pub node: &'a str,
    pub boot: u64,
    pub seq: u64,
    /// The entries' bytes for a state, `None` for a heartbeat.
    pub state: Option<&'a [u8]>,
}

pub(super) fn header(key: &str, node: &str, boot: u64, seq: u64, state: bool) -> String {
    let kind = if state { 's' } else { 'h' };
    format!("{TAG} {key} {node} {boot:x} {seq} {kind}\n")
}

/// Parses a presence message; `None` for anything else. Never panics.
pub(super) fn decode(payload: &[u8]) -> Option<Msg<'_>> {
    let nl = payload.iter().position(|&b| b == b'\n')?;
    let head = std::str::from_utf8(&payload[..nl]).ok()?;
    let mut p = head.split(' ');
    let (Some(TAG), Some(key), Some(node), Some(boot), Some(seq), Some(kind), None) = (
        p.next(),
        p.next(),
        p.next(),
        p.next(),
        p.next(),
        p.next(),
        p.next(),
    ) else {
        return None;
    };
    if !wire::valid_name(key) || !wire::valid_name(node) {
        return None;
    }
    let boot = u64::from_str_radix(boot, 16).ok()?;
    let seq = seq.parse().ok()?;
    let body = &payload[nl + 1..];
    let state = match kind {
        "s" => Some(body),
        "h" if body.is_empty() => None,
        _ => return None,
    };
    Some(Msg {
        key,
        node,
        boot,
        seq,
        state,
    })
}

/// Frames entries, each prefixed by its length.
pub(super) fn frame<T>(entries: &[T], encode: fn(&T) -> Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let bytes = encode(e);
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&bytes);
    }
    out
}

/// Undoes [`frame`]; `None` if the framing or any entry does not decode.
pub(super) fn unframe<T>(mut bytes: &[u8], decode: fn(&[u8]) -> Option<T>) -> Option<Vec<T>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let len: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
        let len = u32::from_le_bytes(len) as usize;
        let entry = bytes.get(4..4usize.checked_add(len)?)?;
        out.push(decode(entry)?);
        bytes = &bytes[4 + len..];
    }
    Some(out)
}

/// One tracked presence, type-erased for the worker thread.
pub(super) trait Tracked: Send {
    fn key(&self) -> &str;
    fn track(&self) -> Track;
    /// The local global's slot index (to match bus changes).
    fn local_slot(&self) -> usize;
    fn local_version(&self) -> u64;
    /// The local entries' version and framed bytes.
    fn local_state(&self) -> (u64, Vec<u8>);
    /// Sets `node`'s entries from framed bytes; `false` if they do not decode.
    fn set_remote(&mut self, node: &str, bytes: &[u8]) -> bool;
    /// Drops `node`'s entries; whether it had any.
    fn remove_remote(&mut self, node: &str) -> bool;
    /// Nodes with entries here.
    fn remote_nodes(&self) -> Vec<String>;
    /// Writes the merged global (every node's entries, by node name) if it changed.
    fn merge(&self, own: &str);
}

pub(super) struct Typed<T: 'static> {
    pub key: String,
    pub track: Track,
    pub local: &'static GlobalSlot<Vec<T>>,
    pub merged: &'static GlobalSlot<Vec<T>>,
    pub encode: fn(&T) -> Vec<u8>,
    pub decode: fn(&[u8]) -> Option<T>,
    pub remote: BTreeMap<String, Vec<T>>,
}

impl<T: Clone + PartialEq + Send + Sync + 'static> Tracked for Typed<T> {
    fn key(&self) -> &str {
        &self.key
    }
    fn track(&self) -> Track {
        self.track
    }
    fn local_slot(&self) -> usize {
        self.local.id().index()
    }
    fn local_version(&self) -> u64 {
        self.local.version()
    }
    fn local_state(&self) -> (u64, Vec<u8>) {
        let (v, entries) = self.local.snapshot();
        (v, frame(&entries, self.encode))
    }
    fn set_remote(&mut self, node: &str, bytes: &[u8]) -> bool {
        match unframe(bytes, self.decode) {
            Some(entries) => {
                self.remote.insert(node.to_owned(), entries);
                true
            }
            None => false,
        }
    }
    fn remove_remote(&mut self, node: &str) -> bool {
        self.remote.remove(node).is_some()
    }
    fn remote_nodes(&self) -> Vec<String> {
        self.remote.keys().cloned().collect()
    }
    fn merge(&self, own: &str) {
        let local = self.local.get();
        let mut all = Vec::with_capacity(local.len());
        let mut own_done = false;
        for (node, entries) in &self.remote {
            if !own_done && node.as_str() > own {
                all.extend_from_slice(&local);
                own_done = true;
            }
            all.extend_from_slice(entries);
        }
        if !own_done {
            all.extend_from_slice(&local);
        }
        let (_, current) = self.merged.snapshot();
        if current != all {
            self.merged.set(all);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &String) -> Vec<u8> {
        s.as_bytes().to_vec()
    }
    fn dec(b: &[u8]) -> Option<String> {
        String::from_utf8(b.to_vec()).ok()
    }

    #[test]
    fn frames_and_messages_round_trip_and_refuse() {
        let names = vec!["ann".to_string(), String::new(), "bo".into()];
        let bytes = frame(&names, enc);
        assert_eq!(unframe(&bytes, dec), Some(names));
        assert_eq!(unframe(&bytes[..bytes.len() - 1], dec), None);
        assert_eq!(unframe(&[9, 0, 0, 0, b'x'], dec), None);
        assert_eq!(unframe(&[0xff, 0xff, 0xff, 0xff], dec), None);
        assert_eq!(unframe::<String>(&[], dec), Some(vec![]));

        let mut m = header("who", "a", 0xbeef, 7, true).into_bytes();
        m.extend_from_slice(b"xy");
        let got = decode(&m).unwrap();
        assert_eq!(
            (got.key, got.node, got.boot, got.seq),
            ("who", "a", 0xbeef, 7)
        );
        assert_eq!(got.state, Some(&b"xy"[..]));
        let hb = header("who", "a", 1, 2, false);
        assert_eq!(decode(hb.as_bytes()).unwrap().state, None);
        for bad in [
            &b""[..],
            b"VP1 who a 1 2 h\nbody",
            b"VP1 who a 1 2 x\n",
            b"VP1 who a zz 2 s\n",
            b"VP1 who a 1 -2 s\n",
            b"VP1 who a 1 2 s extra\n",
            b"VP1 w o a 1 2 s\n",
            b"VG1 who 1 a\nx",
            b"\xff\n",
        ] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }
}
