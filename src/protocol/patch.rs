//! The hot-path patch encoder: a [`PatchSink`] that writes ops straight into a reusable
//! Patches frame buffer.
//!
//! Touches `vdom::patch` (the sink trait), `render` (subtrees travel as their SSR HTML),
//! `ops.rs` (the one writer of each op's bytes) and varints. The op count is known only
//! at the end, and a varint's width depends on its value, so the ops are written after a
//! gap as wide as the widest header; `finish` writes the header right-aligned into the
//! gap and returns the frame from there. No byte of the ops is ever moved (measured
//! against assembling from a scratch buffer in `benches/protocol.rs`).

use std::cell::RefCell;

use crate::protocol::ops;
use crate::protocol::server::{frame, Op};
use crate::protocol::varint::write_u64;
use crate::vdom::node::VNode;
use crate::vdom::patch::{PatchSink, PropValue};

/// Widest header: type, seq and ack as 10-byte `u64`s, count as a 5-byte `u32`.
const GAP: usize = 1 + 10 + 10 + 5;

/// Builds one Patches frame at a time into a buffer that is reused across frames.
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_server, PatchEncoder, ServerFrame};
/// use vango::vdom::PatchSink;
/// let mut enc = PatchEncoder::new();
/// enc.begin(1, 1);
/// enc.set_text(3, 0, "Count: 1");
/// assert_eq!(enc.op_count(), 1);
/// let bytes = enc.finish();
/// assert_eq!(&bytes[..7], &[0x82, 1, 1, 1, 0x01, 3, 0]);
/// assert!(matches!(decode_server(bytes), Ok(ServerFrame::Patches { seq: 1, .. })));
/// ```
#[derive(Debug, Default)]
pub struct PatchEncoder {
    /// `GAP` bytes reserved for the header, then the ops.
    buf: Vec<u8>,
    seq: u64,
    ack: u64,
    count: u32,
}

impl PatchEncoder {
    /// An encoder with no buffer yet (it grows on the first frame and is then reused).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::PatchEncoder;
    /// let enc = PatchEncoder::new();
    /// assert!(enc.is_empty());
    /// assert_eq!(enc.capacity(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// An encoder whose buffer holds `bytes` of ops before it must grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::PatchEncoder;
    /// let enc = PatchEncoder::with_capacity(4096);
    /// assert!(enc.capacity() >= 4096);
    /// ```
    pub fn with_capacity(bytes: usize) -> Self {
        PatchEncoder {
            buf: Vec::with_capacity(GAP + bytes),
            ..Self::default()
        }
    }

    /// Starts a new frame with patch seq `seq` acknowledging events up to `ack`,
    /// discarding any ops of the previous frame (the buffer is kept).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{decode_server, PatchEncoder, ServerFrame};
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.focus(2);
    /// enc.begin(2, 5); // the focus op is discarded
    /// let frame = ServerFrame::Patches { seq: 2, ack: 5, ops: vec![] };
    /// assert_eq!(decode_server(enc.finish()), Ok(frame));
    /// ```
    #[inline]
    pub fn begin(&mut self, seq: u64, ack: u64) {
        self.buf.clear();
        self.buf.resize(GAP, 0);
        self.seq = seq;
        self.ack = ack;
        self.count = 0;
    }

    /// Whether no op has been written since [`begin`](Self::begin).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::PatchEncoder;
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// assert!(enc.is_empty());
    /// enc.set_title("Inbox");
    /// assert!(!enc.is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Ops written since [`begin`](Self::begin). The session splits frames before
    /// [`MAX_OPS`](crate::protocol::MAX_OPS).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::PatchEncoder;
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.focus(3);
    /// enc.set_title("Inbox");
    /// assert_eq!(enc.op_count(), 2);
    /// ```
    #[inline]
    pub fn op_count(&self) -> u32 {
        self.count
    }

    /// Bytes of ops written so far (the frame is this plus a 4–26 byte header).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::PatchEncoder;
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.focus(3); // op code and a one-byte hid
    /// assert_eq!(enc.ops_len(), 2);
    /// assert_eq!(enc.finish().len(), 4 + 2);
    /// ```
    #[inline]
    pub fn ops_len(&self) -> usize {
        self.buf.len().saturating_sub(GAP)
    }

    /// Capacity of the reused buffer, for memory accounting.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::PatchEncoder;
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.set_title(&"x".repeat(1000));
    /// assert!(enc.capacity() > 1000);
    /// ```
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Releases the buffer (for a session going idle after a large frame).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::PatchEncoder;
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.set_title(&"x".repeat(1000));
    /// enc.shrink();
    /// assert_eq!((enc.capacity(), enc.op_count()), (0, 0));
    /// ```
    pub fn shrink(&mut self) {
        self.buf = Vec::new();
        self.count = 0;
    }

    /// Writes the header and returns the whole frame. May be called again after more ops.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{decode_server, Op, PatchEncoder, ServerFrame};
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(3, 2);
    /// enc.focus(9);
    /// let frame = ServerFrame::Patches { seq: 3, ack: 2, ops: vec![Op::Focus(9)] };
    /// assert_eq!(decode_server(enc.finish()), Ok(frame));
    /// ```
    pub fn finish(&mut self) -> &[u8] {
        self.gap();
        let mut head = [0u8; GAP];
        head[0] = frame::PATCHES;
        let mut len = 1;
        len += write_u64(&mut head[len..], self.seq);
        len += write_u64(&mut head[len..], self.ack);
        len += write_u64(&mut head[len..], self.count as u64);
        let start = GAP - len;
        self.buf[start..GAP].copy_from_slice(&head[..len]);
        &self.buf[start..]
    }

    /// Appends a PushUrl op.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{decode_server, Op, PatchEncoder, ServerFrame};
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.push_url(false, "/items?page=2");
    /// let Ok(ServerFrame::Patches { ops, .. }) = decode_server(enc.finish()) else { panic!() };
    /// assert_eq!(ops, [Op::PushUrl { replace: false, url: "/items?page=2".into() }]);
    /// ```
    pub fn push_url(&mut self, replace: bool, url: &str) {
        ops::push_url(self.next_op(), replace, url);
    }

    /// Appends a HookEvent op (an event for the client hook on `hid`).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{decode_server, Op, PatchEncoder, ServerFrame};
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.hook_event(4, "scroll-to", "120");
    /// let Ok(ServerFrame::Patches { ops, .. }) = decode_server(enc.finish()) else { panic!() };
    /// let (name, payload) = ("scroll-to".into(), "120".into());
    /// assert_eq!(ops, [Op::HookEvent { hid: 4, name, payload }]);
    /// ```
    pub fn hook_event(&mut self, hid: u32, name: &str, payload: &str) {
        ops::hook_event(self.next_op(), hid, name, payload);
    }

    /// Appends a Focus op.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{decode_server, Op, PatchEncoder, ServerFrame};
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.focus(6);
    /// let Ok(ServerFrame::Patches { ops, .. }) = decode_server(enc.finish()) else { panic!() };
    /// assert_eq!(ops, [Op::Focus(6)]);
    /// ```
    pub fn focus(&mut self, hid: u32) {
        ops::focus(self.next_op(), hid);
    }

    /// Appends a SetTitle op.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{decode_server, Op, PatchEncoder, ServerFrame};
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.set_title("Inbox (2)");
    /// let Ok(ServerFrame::Patches { ops, .. }) = decode_server(enc.finish()) else { panic!() };
    /// assert_eq!(ops, [Op::SetTitle("Inbox (2)".into())]);
    /// ```
    pub fn set_title(&mut self, title: &str) {
        ops::set_title(self.next_op(), title);
    }

    /// Appends a CookieTicket op.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{decode_server, Op, PatchEncoder, ServerFrame};
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.cookie_ticket("signed-ticket");
    /// let Ok(ServerFrame::Patches { ops, .. }) = decode_server(enc.finish()) else { panic!() };
    /// assert_eq!(ops, [Op::CookieTicket("signed-ticket".into())]);
    /// ```
    pub fn cookie_ticket(&mut self, ticket: &str) {
        ops::cookie_ticket(self.next_op(), ticket);
    }

    /// Appends a LoadScript op (a hook script the page needs, by URL).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{decode_server, Op, PatchEncoder, ServerFrame};
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.load_script("/static/chart-hook.js");
    /// let Ok(ServerFrame::Patches { ops, .. }) = decode_server(enc.finish()) else { panic!() };
    /// assert_eq!(ops, [Op::LoadScript("/static/chart-hook.js".into())]);
    /// ```
    pub fn load_script(&mut self, url: &str) {
        ops::load_script(self.next_op(), url);
    }

    /// Appends an owned op (debug tools, resends).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{decode_server, Op, PatchEncoder, ServerFrame};
    /// let op = Op::PushUrl { replace: true, url: "/b".into() };
    /// let mut enc = PatchEncoder::new();
    /// enc.begin(1, 0);
    /// enc.op_owned(&op);
    /// let Ok(ServerFrame::Patches { ops, .. }) = decode_server(enc.finish()) else { panic!() };
    /// assert_eq!(ops, [op]);
    /// ```
    pub fn op_owned(&mut self, op: &Op) {
        op.encode(self.next_op());
    }

    #[inline]
    fn gap(&mut self) {
        // Ops written without `begin` belong to a frame with seq 0, ack 0.
        if self.buf.len() < GAP {
            self.buf.resize(GAP, 0);
        }
    }

    /// Counts one more op and returns the buffer to write it into.
    #[inline]
    fn next_op(&mut self) -> &mut Vec<u8> {
        self.gap();
        self.count += 1;
        &mut self.buf
    }

    /// Writes one op whose body ends with the HTML of `node`: `write` gets the buffer and
    /// the HTML.
    fn subtree_op(&mut self, node: &VNode, write: impl FnOnce(&mut Vec<u8>, &str)) {
        let buf = self.next_op();
        // The HTML's length prefix comes first and its width depends on the length, so
        // render into a per-thread scratch string (sessions are per core; a per-session
        // scratch would cost memory in every idle session) and copy it in.
        HTML.with(|cell| match cell.try_borrow_mut() {
            Ok(mut html) => {
                html.clear();
                crate::render::render_into(node, &mut html);
                write(buf, &html);
                if html.capacity() > HTML_KEEP {
                    *html = String::new();
                }
            }
            // Re-entered from inside a render (not expected): use a fresh string.
            Err(_) => write(buf, &crate::render::to_html(node)),
        });
    }
}

/// Largest scratch capacity kept between subtrees on a thread.
const HTML_KEEP: usize = 64 * 1024;

thread_local! {
    static HTML: RefCell<String> = const { RefCell::new(String::new()) };
}

impl PatchSink for PatchEncoder {
    #[inline]
    fn set_text(&mut self, parent: u32, index: u32, text: &str) {
        ops::set_text(self.next_op(), parent, index, text);
    }

    fn set_attr(&mut self, hid: u32, name: &str, value: &str) {
        ops::set_attr(self.next_op(), hid, name, value);
    }

    fn remove_attr(&mut self, hid: u32, name: &str) {
        ops::remove_attr(self.next_op(), hid, name);
    }

    fn set_prop(&mut self, hid: u32, name: &str, value: PropValue<'_>) {
        ops::set_prop(self.next_op(), hid, name, value);
    }

    fn insert_child(&mut self, parent: u32, index: u32, node: &VNode) {
        self.subtree_op(node, |buf, html| {
            ops::insert_child(buf, parent, index, html)
        });
    }

    fn remove_child(&mut self, parent: u32, index: u32) {
        ops::remove_child(self.next_op(), parent, index);
    }

    fn move_child(&mut self, parent: u32, from: u32, to: u32) {
        ops::move_child(self.next_op(), parent, from, to);
    }

    fn replace_child(&mut self, parent: u32, index: u32, node: &VNode) {
        self.subtree_op(node, |buf, html| {
            ops::replace_child(buf, parent, index, html)
        });
    }

    fn replace_node(&mut self, hid: u32, node: &VNode) {
        self.subtree_op(node, |buf, html| ops::replace_node(buf, hid, html));
    }

    fn set_inner_html(&mut self, hid: u32, html: &str) {
        ops::set_inner_html(self.next_op(), hid, html);
    }

    fn clear_children(&mut self, parent: u32) {
        ops::clear_children(self.next_op(), parent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::server::op;
    use crate::protocol::varint::put_u64;

    #[test]
    fn header_widths_are_right_aligned() {
        for (seq, ack) in [(0, 0), (1, 1), (300, 16384), (u64::MAX, u64::MAX)] {
            let mut enc = PatchEncoder::new();
            enc.begin(seq, ack);
            enc.focus(5);
            let bytes = enc.finish().to_vec();
            let mut expect = vec![frame::PATCHES];
            put_u64(&mut expect, seq);
            put_u64(&mut expect, ack);
            expect.extend_from_slice(&[1, op::FOCUS, 5]);
            assert_eq!(bytes, expect);
        }
    }
}
