//! Where a client's WebSocket frames begin and end in the bytes an [`Upgraded`] socket
//! hands to the codec: a read never hands over bytes past the end of the frame it is in,
//! so between two messages the codec holds nothing and the socket alone carries the
//! connection (what lets an idle session park it, see `live::park`).
//!
//! Pure byte counting over RFC 6455 frame headers; touches nothing else.
//!
//! [`Upgraded`]: super::upgraded::Upgraded

/// The frame being read: how much of its header and payload has been handed over.
/// 16 bytes: it lives in every open WebSocket's stream.
#[derive(Clone, Debug, Default)]
pub(crate) struct Frames {
    /// The payload length as its header's bytes arrive, then the payload bytes still to
    /// hand over.
    left: u64,
    /// The header's first byte (FIN, opcode) and second (MASK, length), once known.
    b0: u8,
    b1: u8,
    /// How many header bytes were handed over; 0 between frames.
    have: u8,
    /// A data message was begun by a frame without FIN and has not ended: the codec
    /// holds its first part.
    open: bool,
}

impl Frames {
    /// The bytes of the extended payload length (0, 2 or 8), once the second byte is known.
    #[inline]
    fn ext(&self) -> u8 {
        match self.b1 & 0x7f {
            126 => 2,
            127 => 8,
            _ => 0,
        }
    }

    /// The length of the current header, once its first two bytes are known.
    #[inline]
    fn head_len(&self) -> u8 {
        2 + self.ext() + if self.b1 & 0x80 != 0 { 4 } else { 0 }
    }

    fn head_done(&self) -> bool {
        self.have >= 2 && self.have == self.head_len()
    }

    /// Counts header byte `b` in (the masking key's bytes are only counted).
    fn head_byte(&mut self, b: u8) {
        match self.have {
            0 => self.b0 = b,
            1 => {
                self.b1 = b;
                self.left = if self.ext() == 0 {
                    u64::from(b & 0x7f)
                } else {
                    0
                };
            }
            n if n < 2 + self.ext() => self.left = self.left << 8 | u64::from(b),
            _ => {}
        }
        self.have += 1;
    }

    /// The frame ended: a data frame without FIN leaves its message open, one with FIN
    /// ends it; control frames (which may come between the parts) change nothing.
    fn end(&mut self) {
        if self.b0 & 0x08 == 0 {
            self.open = self.b0 & 0x80 == 0;
        }
        self.have = 0;
        self.left = 0;
    }

    /// How many of `bytes` (the next bytes of the stream) belong to the frame being read,
    /// counted as handed over: the caller hands over exactly that many. At least one
    /// unless `bytes` is empty.
    #[inline]
    pub(crate) fn take(&mut self, bytes: &[u8]) -> usize {
        // The common case, once per client frame: a whole header at the start.
        if let ([b0, b1, ..], 0) = (bytes, self.have) {
            (self.b0, self.b1) = (*b0, *b1);
            let head = usize::from(self.head_len());
            if let Some(ext) = bytes.get(2..head) {
                self.left = match *ext {
                    [a, b, ..] if self.ext() == 2 => u64::from(u16::from_be_bytes([a, b])),
                    [a, b, c, d, e, f, g, h, ..] if self.ext() == 8 => {
                        u64::from_be_bytes([a, b, c, d, e, f, g, h])
                    }
                    _ => u64::from(b1 & 0x7f),
                };
                self.have = head as u8;
                let k = self.left.min((bytes.len() - head) as u64);
                self.left -= k;
                if self.left == 0 {
                    self.end();
                }
                return head + k as usize;
            }
        }
        let mut i = 0;
        while i < bytes.len() {
            if !self.head_done() {
                self.head_byte(bytes[i]);
                i += 1;
                if self.head_done() && self.left == 0 {
                    self.end();
                    return i;
                }
                continue;
            }
            let k = self.left.min((bytes.len() - i) as u64) as usize;
            self.left -= k as u64;
            i += k;
            if self.left == 0 {
                self.end();
                return i;
            }
        }
        i
    }

    /// The payload bytes of the current frame still to come, when its header is whole
    /// (a read of at most that many may go straight to the codec's buffer).
    #[inline]
    pub(crate) fn payload_left(&self) -> Option<u64> {
        self.head_done().then_some(self.left)
    }

    /// Whether the reader is between messages: no part of a frame or of a fragmented
    /// message has been handed over without the rest.
    pub(crate) fn between(&self) -> bool {
        self.have == 0 && !self.open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client frame: FIN bit, opcode, masked, with `len` payload bytes.
    fn frame(fin: bool, op: u8, len: usize, masked: bool) -> Vec<u8> {
        let mut f = vec![(u8::from(fin) << 7) | op];
        let m = if masked { 0x80 } else { 0 };
        match len {
            0..=125 => f.push(m | len as u8),
            126..=0xffff => {
                f.push(m | 126);
                f.extend_from_slice(&(len as u16).to_be_bytes());
            }
            _ => {
                f.push(m | 127);
                f.extend_from_slice(&(len as u64).to_be_bytes());
            }
        }
        if masked {
            f.extend_from_slice(&[1, 2, 3, 4]);
        }
        f.extend((0..len).map(|i| i as u8));
        f
    }

    /// Random frames, handed over in random pieces: no piece crosses a frame's end, the
    /// pieces add up to the stream, and the reader is between messages exactly at the ends
    /// of frames that leave no message open.
    #[test]
    fn pieces_stop_at_frame_ends_and_rest_is_known() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..500 {
            let mut stream = Vec::new();
            // Offsets where a frame ends, and whether a message is open there.
            let mut ends = Vec::new();
            let mut open = false;
            for _ in 0..rng.usize(1..8) {
                let control = rng.u8(0..4) == 0;
                let (fin, op) = if control {
                    (true, 0x9)
                } else {
                    let fin = rng.bool();
                    let op = if open { 0x0 } else { 0x2 };
                    open = !fin;
                    (fin, op)
                };
                let len = match rng.u8(0..10) {
                    0 => rng.usize(126..70_000),
                    1 => 0,
                    _ => rng.usize(1..126),
                };
                let len = if control { len.min(125) } else { len };
                stream.extend(frame(fin, op, len, rng.bool()));
                ends.push((stream.len(), open));
            }
            let mut f = Frames::default();
            let mut at = 0;
            assert!(f.between());
            while at < stream.len() {
                let piece = rng.usize(1..300).min(stream.len() - at);
                let n = f.take(&stream[at..at + piece]);
                assert!(n >= 1 && n <= piece);
                let next_end = ends.iter().find(|(e, _)| *e > at).unwrap();
                assert!(at + n <= next_end.0, "a piece crossed a frame's end");
                at += n;
                let here = ends.iter().find(|(e, _)| *e == at);
                assert_eq!(f.between(), here.is_some_and(|(_, open)| !open), "at {at}");
                if let Some(left) = f.payload_left() {
                    assert_eq!(at as u64 + left, next_end.0 as u64);
                }
            }
        }
    }

    #[test]
    fn a_frame_handed_over_whole_is_one_piece() {
        let mut f = Frames::default();
        let mut two = frame(true, 0x2, 20, true);
        two.extend(frame(true, 0x2, 5, true));
        assert_eq!(f.take(&two), 26, "the first frame only");
        assert!(f.between());
        assert_eq!(f.take(&two[26..]), 11);
        assert!(f.between());
        assert_eq!(f.take(&[]), 0);
        assert_eq!(std::mem::size_of::<Frames>(), 16);
    }
}
