//! Sessions: one per browser tab, owned by one core for life. The [`View`] contract the
//! component tree plugs into, session ids (owning core encoded), CSRF tokens, settings.
//!
//! `registry` keeps each core's sessions (thread-local, `Rc`); `socket` runs a session's
//! WebSocket: Hello, resume, events → dispatch → rerender → one Patches frame per event.

pub mod bell;
mod handle;
pub mod limits;
pub mod registry;
pub mod socket;

pub use bell::notify_dirty;
pub use handle::reject;

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::time::Duration;

use crate::protocol::PatchEncoder;
use crate::vdom::{Event, VNode};

/// What a session drives: a mounted component tree (`vdom::tree::Tree` implements it, in
/// `tree.rs`; tests and custom front ends may bring their own).
pub trait View {
    /// The mounted root (hids assigned).
    fn root(&self) -> &VNode;
    /// The root element's hid (the target of a full re-render's ReplaceNode).
    fn root_hid(&self) -> u32;
    /// Runs the handler for `event` (found by hid and name).
    fn dispatch(&mut self, event: &Event) -> Result<(), DispatchFailed>;
    /// Whether some component must re-render.
    fn is_dirty(&self) -> bool;
    /// Re-renders dirty components and writes the diff's edits to `sink`.
    fn rerender(&mut self, sink: &mut PatchEncoder);
}

/// A value a page closure may return: something that mounts into a [`View`].
pub trait IntoView {
    /// Mounts `self`.
    fn into_view(self) -> Box<dyn View>;
}

impl IntoView for Box<dyn View> {
    fn into_view(self) -> Box<dyn View> {
        self
    }
}

impl IntoView for crate::vdom::tree::Tree {
    fn into_view(self) -> Box<dyn View> {
        Box::new(self)
    }
}

impl View for crate::vdom::tree::Tree {
    fn root(&self) -> &VNode {
        crate::vdom::tree::Tree::root(self)
    }

    fn root_hid(&self) -> u32 {
        crate::vdom::tree::Tree::root_hid(self)
    }

    fn dispatch(&mut self, event: &Event) -> Result<(), DispatchFailed> {
        crate::vdom::tree::Tree::dispatch(self, event).map_err(|_| DispatchFailed)
    }

    fn is_dirty(&self) -> bool {
        crate::vdom::tree::Tree::is_dirty(self)
    }

    fn rerender(&mut self, sink: &mut PatchEncoder) {
        crate::vdom::tree::Tree::rerender(self, sink)
    }
}

/// The event named no live handler (unknown hid or event): answered with Reject code 10.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DispatchFailed;

impl fmt::Display for DispatchFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no handler for this event")
    }
}

impl std::error::Error for DispatchFailed {}

/// Session settings.
///
/// # Examples
///
/// ```
/// let c = vango::server::session::SessionConfig::default();
/// assert_eq!(c.resume_window.as_secs(), 60);
/// ```
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// How long a disconnected session waits for its tab to come back.
    pub resume_window: Duration,
    /// Most recent Patches frames kept for resume.
    pub ring_frames: usize,
    /// Most bytes of recent Patches frames kept for resume (older ones are dropped first).
    pub ring_bytes: usize,
    /// Most live sessions per core. At the cap a new session first evicts the session
    /// that has been detached the longest (LRU); with none detached it is refused with
    /// close code 6.
    pub max_sessions_per_core: usize,
    /// Most live sessions in the whole process (split evenly over the cores).
    pub max_sessions: Option<usize>,
    /// A memory budget for sessions in bytes, turned into a session cap with the measured
    /// per-session cost ([`limits::ESTIMATED_SESSION_BYTES`]).
    pub max_memory: Option<usize>,
    /// Sustained events per second one session may send; beyond it (and its burst) the
    /// connection is closed with code 5.
    pub max_events_per_sec: u32,
    /// Events a session may send at once before the rate applies.
    pub event_burst: u32,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            resume_window: Duration::from_secs(60),
            ring_frames: 16,
            ring_bytes: 8 * 1024,
            max_sessions_per_core: 1_000_000,
            max_sessions: None,
            max_memory: None,
            max_events_per_sec: 100,
            event_burst: 200,
        }
    }
}

/// A session id: 128 random bits from the OS, plus the owning core's index.
/// Text form: 2 hex digits of core, then 32 hex digits of randomness.
///
/// # Examples
///
/// ```
/// use vango::server::session::SessionId;
/// let id = SessionId::generate(3).unwrap();
/// let text = id.to_string();
/// assert_eq!(text.len(), 34);
/// assert_eq!(SessionId::parse(&text), Some(id));
/// assert_eq!(id.core(), 3);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SessionId {
    core: u8,
    /// 128 random bits as two halves (high, low): a `u128` field would align every
    /// session (and every registry entry) to 16 bytes.
    random: [u64; 2],
}

impl SessionId {
    /// A fresh id owned by `core` (indices above 255 are not supported: at most 256 cores).
    pub fn generate(core: usize) -> Result<Self, getrandom::Error> {
        let mut hi = [0u8; 8];
        let mut lo = [0u8; 8];
        getrandom::fill(&mut hi)?;
        getrandom::fill(&mut lo)?;
        Ok(SessionId {
            core: core.min(255) as u8,
            random: [u64::from_le_bytes(hi), u64::from_le_bytes(lo)],
        })
    }

    /// Parses the text form; `None` if malformed.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 34 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let core = u8::from_str_radix(&text[..2], 16).ok()?;
        let hi = u64::from_str_radix(&text[2..18], 16).ok()?;
        let lo = u64::from_str_radix(&text[18..], 16).ok()?;
        Some(SessionId {
            core,
            random: [hi, lo],
        })
    }

    /// The index of the core that owns the session.
    pub fn core(&self) -> usize {
        usize::from(self.core)
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02x}{:016x}{:016x}",
            self.core, self.random[0], self.random[1]
        )
    }
}

/// CSRF tokens for the boot script: a random nonce and a keyed SipHash of it. The key is
/// random per process (std's `RandomState`, seeded from the OS), so a token from another
/// site or an earlier process does not verify. The Origin check at the upgrade is the
/// first line; this is the second.
#[derive(Clone, Debug)]
pub struct Csrf {
    key: RandomState,
}

impl Default for Csrf {
    fn default() -> Self {
        Csrf {
            key: RandomState::new(),
        }
    }
}

impl Csrf {
    /// A fresh token (32 hex digits).
    pub fn token(&self) -> Result<String, getrandom::Error> {
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce)?;
        let nonce = u64::from_le_bytes(nonce);
        Ok(format!("{nonce:016x}{:016x}", self.key.hash_one(nonce)))
    }

    /// Whether `token` was made by [`token`](Self::token) in this process.
    pub fn verify(&self, token: &str) -> bool {
        if token.len() != 32 {
            return false;
        }
        let (Ok(nonce), Ok(mac)) = (
            u64::from_str_radix(&token[..16], 16),
            u64::from_str_radix(&token[16..], 16),
        ) else {
            return false;
        };
        self.key.hash_one(nonce) == mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let a = SessionId::generate(0).unwrap();
        let b = SessionId::generate(0).unwrap();
        assert_ne!(a, b);
        let text = "07000102030405060708090a0b0c0d0eff";
        let id = SessionId::parse(text).unwrap();
        assert_eq!((id.core(), id.to_string()), (7, text.to_string()));
        for id in [a, b] {
            assert_eq!(SessionId::parse(&id.to_string()), Some(id));
        }
        for bad in ["", "zz", &"0".repeat(33), &"g".repeat(34), &format!("{a}0")] {
            assert_eq!(SessionId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn csrf_tokens_verify_only_here() {
        let c = Csrf::default();
        let other = Csrf::default();
        let t = c.token().unwrap();
        assert!(c.verify(&t));
        assert!(!other.verify(&t));
        let mut forged = t.clone();
        forged.replace_range(31.., if t.ends_with('0') { "1" } else { "0" });
        assert!(!c.verify(&forged));
        assert!(!c.verify("short"));
    }
}
