//! One tab's session: its mounted view, its scope, sequence numbers, and the ring of
//! recent Patches frames kept for resume.
//!
//! Never crosses threads: a session is reached only on the core whose id it carries.

use std::collections::VecDeque;
use std::time::Instant;

use async_tungstenite::tungstenite::Bytes;

use super::hold::Held;
use super::id::SessionId;
use super::limits::RateBucket;
use super::prepare::Prepared;
use super::scope::SessionScope;
use super::view::View;
use super::SessionConfig;
use crate::protocol::PatchEncoder;
use crate::server::peers::PeerGuard;
use crate::vdom::PatchSink;

/// One tab's state: its mounted view, sequence numbers and recent frames.
pub(crate) struct Session {
    pub(crate) id: SessionId,
    pub(crate) view: Box<dyn View>,
    /// A route mounted ahead of its navigation (link prefetch), dropped before the scope.
    pub(crate) prepared: Option<Box<Prepared>>,
    /// A navigation's frame waiting for the new page's data (`hold.rs`).
    pub(crate) held: Option<Box<Held>>,
    /// What its steps run in (its [`SharedSignal`](super::shared::SharedSignal) values);
    /// dropped after the view (declared after it).
    pub(crate) scope: SessionScope,
    /// Seq of the last Patches frame sent (0: none yet).
    pub(crate) patch_seq: u64,
    /// Seq of the last event applied.
    pub(crate) last_event: u64,
    /// Recent Patches frames, each as a 4-byte little-endian length then the bytes: one
    /// allocation for the whole ring, not one per frame.
    ring: VecDeque<u8>,
    ring_frames: u32,
    /// Bumped by each connection that attaches; an older connection sees it and leaves.
    pub(crate) generation: u32,
    /// When the last connection left (`None` while one is attached).
    pub(crate) detached_at: Option<Instant>,
    /// The event-rate token bucket.
    pub(crate) rate: RateBucket,
    /// Bytes this session is accounted for in the memory budget (`size`, `registry`).
    pub(crate) charged: u32,
    /// Reactive nodes its page created when it mounted (part of its measured size).
    pub(crate) nodes: u32,
    /// Counts this session against its client address's limit while it lives.
    pub(crate) peer: Option<PeerGuard>,
}

impl Session {
    pub(crate) fn new(
        id: SessionId,
        view: Box<dyn View>,
        scope: SessionScope,
        cfg: &SessionConfig,
    ) -> Self {
        Session {
            rate: RateBucket::new(cfg),
            id,
            view,
            prepared: None,
            held: None,
            scope,
            patch_seq: 0,
            last_event: 0,
            ring: VecDeque::new(),
            ring_frames: 0,
            generation: 0,
            detached_at: None,
            charged: 0,
            nodes: 0,
            peer: None,
        }
    }

    /// Keeps `frame` (the Patches frame with seq `patch_seq`) for resume, within bounds.
    pub(crate) fn remember(&mut self, frame: &[u8], cfg: &SessionConfig) {
        if frame.len() + 4 > cfg.ring_bytes {
            // One frame alone above the bound (a big render): a resume re-renders instead.
            self.ring = VecDeque::new();
            self.ring_frames = 0;
            return;
        }
        // Evict first, then grow exactly: the ring lives as long as the session, and
        // doubling would leave up to half of it unused for good.
        let max_frames = cfg.ring_frames.max(1);
        while self.ring_frames > 0
            && (self.ring_frames as usize + 1 > max_frames
                || self.ring.len() + 4 + frame.len() > cfg.ring_bytes)
        {
            let len = self.frame_len_at(0);
            self.ring.drain(..4 + len);
            self.ring_frames -= 1;
        }
        let need = self.ring.len() + 4 + frame.len();
        if need > self.ring.capacity() {
            self.ring.reserve_exact(need - self.ring.len());
        }
        self.ring.extend((frame.len() as u32).to_le_bytes());
        self.ring.extend(frame);
        self.ring_frames += 1;
    }

    /// Bytes the resume ring holds on the heap.
    pub(crate) fn ring_capacity(&self) -> usize {
        self.ring.capacity()
    }

    fn frame_len_at(&self, at: usize) -> usize {
        let b = |i| self.ring[at + i];
        u32::from_le_bytes([b(0), b(1), b(2), b(3)]) as usize
    }

    /// The frames after patch seq `applied`, if the ring still holds all of them.
    pub(crate) fn frames_after(&self, applied: u64) -> Option<Vec<Bytes>> {
        if applied > self.patch_seq {
            return None;
        }
        let missing = (self.patch_seq - applied) as usize;
        if missing > self.ring_frames as usize {
            return None;
        }
        let mut at = 0;
        let mut frames = Vec::with_capacity(missing);
        for i in 0..self.ring_frames as usize {
            let len = self.frame_len_at(at);
            if i >= self.ring_frames as usize - missing {
                frames.push(
                    self.ring
                        .range(at + 4..at + 4 + len)
                        .copied()
                        .collect::<Vec<u8>>()
                        .into(),
                );
            }
            at += 4 + len;
        }
        Some(frames)
    }

    /// Whether a step wrote the cookie session since the last frame (a ticket is due).
    pub(crate) fn cookie_written(&self) -> bool {
        self.scope
            .store()
            .cookie_session_in_use()
            .is_some_and(|c| c.is_dirty())
    }

    /// Builds the next Patches frame with `f`; `None` if it wrote no op. Remembered on success.
    pub(crate) fn next_frame(
        &mut self,
        enc: &mut PatchEncoder,
        ack: u64,
        cfg: &SessionConfig,
        f: impl FnOnce(&mut dyn View, &mut PatchEncoder),
    ) -> Option<Bytes> {
        let seq = self.patch_seq + 1;
        // One encoder per core, not per session: a frame is built and copied out in one
        // synchronous step, so idle sessions keep no encoder buffer.
        enc.begin(seq, ack);
        f(&mut *self.view, enc);
        // Cookie writes of this step travel as a ticket the client redeems over HTTP.
        if let Some(t) = self
            .scope
            .store()
            .cookie_session_in_use()
            .and_then(|c| c.take_ticket())
        {
            enc.cookie_ticket(&t);
        }
        if enc.is_empty() {
            return None;
        }
        let frame = Bytes::copy_from_slice(enc.finish());
        if enc.capacity() > 16 * 1024 {
            // A large frame grew the buffer; keep the core's copy modest.
            enc.shrink();
        }
        self.patch_seq = seq;
        self.remember(&frame, cfg);
        Some(frame)
    }

    /// Numbers the next frame `applied + 1` and forgets the ring (its frames carry the old
    /// numbering): the full render that follows is the only frame a client at `applied`
    /// can accept in order.
    /// A client claiming more than was ever sent (hostile or confused) restarts at what
    /// was sent, so the numbering cannot be pushed to overflow.
    pub(crate) fn restart_seq_at(&mut self, applied: u64) {
        self.patch_seq = applied.min(self.patch_seq);
        self.ring.clear();
        self.ring_frames = 0;
    }

    /// A frame replacing the whole root: the resync of last resort.
    pub(crate) fn full_render(
        &mut self,
        enc: &mut PatchEncoder,
        cfg: &SessionConfig,
    ) -> Option<Bytes> {
        let ack = self.last_event;
        self.next_frame(enc, ack, cfg, |view, enc| {
            enc.replace_node(view.root_hid(), view.root())
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::live::scope::SessionStore;
    use crate::live::view::DispatchFailed;
    use crate::vdom::{Element, Event};
    use std::cell::RefCell;

    struct Fixed(crate::vdom::VNode);

    impl View for Fixed {
        fn root(&self) -> &crate::vdom::VNode {
            &self.0
        }
        fn root_hid(&self) -> u32 {
            1
        }
        fn dispatch(&mut self, _: &Event) -> Result<crate::vdom::Handled, DispatchFailed> {
            Ok(Ok(()))
        }
        fn is_dirty(&self) -> bool {
            true
        }
        fn rerender(&mut self, sink: &mut PatchEncoder) {
            sink.set_text(1, 0, "x");
        }
    }

    pub(crate) fn session() -> Session {
        let mut el = Element::new("main");
        el.hid = 1;
        Session::new(
            SessionId::generate(0).unwrap(),
            Box::new(Fixed(crate::vdom::VNode::Element(Box::new(el)))),
            SessionScope::new(SessionStore::new()),
            &SessionConfig::default(),
        )
    }

    #[test]
    fn ring_covers_recent_frames_only() {
        let cfg = SessionConfig {
            ring_frames: 3,
            ..Default::default()
        };
        let mut s = session();
        for _ in 0..5 {
            s.next_frame(&mut PatchEncoder::new(), 0, &cfg, |v, e| v.rerender(e))
                .unwrap();
        }
        assert_eq!(s.patch_seq, 5);
        assert_eq!(s.frames_after(5).unwrap().len(), 0);
        assert_eq!(s.frames_after(2).unwrap().len(), 3);
        assert!(s.frames_after(1).is_none());
        assert!(s.frames_after(6).is_none());
        let seqs: Vec<u8> = s.frames_after(3).unwrap().iter().map(|f| f[1]).collect();
        assert_eq!(seqs, [4, 5]);
    }

    #[test]
    fn ring_is_bounded_in_bytes() {
        let cfg = SessionConfig {
            ring_frames: 100,
            ring_bytes: 64,
            ..Default::default()
        };
        let mut s = session();
        for _ in 0..20 {
            s.next_frame(&mut PatchEncoder::new(), 0, &cfg, |v, e| v.rerender(e))
                .unwrap();
            assert!(s.ring.len() <= 64);
        }
        // Each SetText frame is 4 + 9 bytes in the ring: 4 fit in 64.
        assert_eq!(s.frames_after(16).unwrap().len(), 4);
        assert!(s.frames_after(15).is_none());
        let big = SessionConfig {
            ring_bytes: 8,
            ..Default::default()
        };
        s.next_frame(&mut PatchEncoder::new(), 0, &big, |v, e| v.rerender(e))
            .unwrap();
        assert!(s.frames_after(s.patch_seq - 1).is_none());
        assert_eq!(s.frames_after(s.patch_seq).unwrap().len(), 0);
    }

    /// Every idle session holds one of these (budget: ≤ 5 KiB per idle session in all).
    #[test]
    fn session_and_tree_stay_small() {
        let session = std::mem::size_of::<Session>();
        let cell = std::mem::size_of::<RefCell<Session>>();
        let tree = std::mem::size_of::<crate::component::tree::Tree>();
        let s = session_with_tree();
        let view = std::mem::size_of_val(&*s.view);
        println!(
            "Session {session} B (in its RefCell {cell} B); Tree {tree} B; boxed view {view} B"
        );
        // 112 bytes of state plus the SharedSignal store (8), the event-rate bucket (8), its
        // memory accounting (8), its client address's count (24) and the route a link
        // prefetch prepared (8) and a navigation's frame held for its data (8).
        assert!(session <= 176, "Session grew to {session} bytes");
        // 64 bytes plus the handler-path cache's pointer (8; `None` below 1,024 nodes),
        // the packed root's while it hibernates (8) and the two flags of waking (8 with
        // padding; the handlers it drops while asleep are ≈ 60 bytes a listener).
        assert!(tree <= 88, "Tree grew to {tree} bytes");
        assert_eq!(view, tree);
        assert_eq!(s.ring.capacity(), 0, "a new session has no ring yet");
    }

    pub(crate) fn session_with_tree() -> Session {
        let tree = crate::component::tree::Tree::mount(|| {
            move || crate::vdom::VNode::Element(Box::new(Element::new("main")))
        });
        Session::new(
            SessionId::generate(0).unwrap(),
            Box::new(tree),
            SessionScope::new(SessionStore::new()),
            &SessionConfig::default(),
        )
    }

    #[test]
    fn a_claimed_future_seq_cannot_overflow_the_numbering() {
        let cfg = SessionConfig::default();
        let mut s = session();
        s.next_frame(&mut PatchEncoder::new(), 0, &cfg, |v, e| v.rerender(e))
            .unwrap();
        s.restart_seq_at(u64::MAX);
        assert_eq!(s.patch_seq, 1, "clamped to what was sent");
        s.restart_seq_at(0);
        assert_eq!((s.patch_seq, s.ring_frames), (0, 0));
    }

    #[test]
    fn ring_grows_exactly_not_by_doubling() {
        let cfg = SessionConfig::default();
        let mut s = session();
        assert_eq!(s.ring.capacity(), 0, "the ring is allocated lazily");
        for i in 0..100 {
            s.next_frame(&mut PatchEncoder::new(), 0, &cfg, |v, e| v.rerender(e))
                .unwrap();
            // Each SetText frame takes 4 + 9 bytes; a doubling ring would hold up to 2x.
            assert!(
                s.ring.capacity() <= s.ring.len() + 13,
                "frame {i}: capacity {} for {} bytes",
                s.ring.capacity(),
                s.ring.len()
            );
        }
        assert_eq!(s.ring_frames as usize, cfg.ring_frames);
        assert_eq!(s.frames_after(s.patch_seq - 16).unwrap().len(), 16);
    }
}
