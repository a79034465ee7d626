//! Output sinks for the HTML writer: a `String`, a buffered `io::Write`, an FNV-1a hasher.
//!
//! Touches nothing but `std`. The writer is generic over [`Out`] so that one walk of the tree
//! serves `to_html`, streaming and hashing without building an intermediate string.

use std::io::{self, Write};

/// Where rendered HTML goes. Writes never fail here; an I/O sink remembers its first error.
pub(crate) trait Out {
    /// Appends `s`.
    fn put(&mut self, s: &str);

    /// Appends one ASCII byte (`b < 0x80`).
    fn put_ascii(&mut self, b: u8) {
        const ASCII: &str = "0123456789";
        match b {
            b'0'..=b'9' => {
                let d = (b - b'0') as usize;
                self.put(&ASCII[d..d + 1]);
            }
            _ => self.put(char::from(b).encode_utf8(&mut [0; 4])),
        }
    }

    /// Appends a decimal `u32` without allocating.
    fn put_u32(&mut self, n: u32) {
        let mut buf = [0u8; 10];
        let mut i = buf.len();
        let mut n = n;
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &d in &buf[i..] {
            self.put_ascii(d);
        }
    }
}

impl Out for String {
    #[inline]
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }

    #[inline]
    fn put_ascii(&mut self, b: u8) {
        debug_assert!(b.is_ascii());
        self.push(char::from(b));
    }
}

/// Size of the stack buffer in front of an `io::Write`: large enough that a socket sees
/// few writes, small enough for a small thread stack.
const BUF: usize = 4096;

/// Buffers small writes in front of an `io::Write`; stops at the first error and keeps it.
pub(crate) struct IoOut<'w, W: Write> {
    w: &'w mut W,
    buf: [u8; BUF],
    len: usize,
    err: Option<io::Error>,
}

impl<'w, W: Write> IoOut<'w, W> {
    pub(crate) fn new(w: &'w mut W) -> Self {
        IoOut {
            w,
            buf: [0; BUF],
            len: 0,
            err: None,
        }
    }

    fn flush_buf(&mut self) {
        if self.len > 0 && self.err.is_none() {
            if let Err(e) = self.w.write_all(&self.buf[..self.len]) {
                self.err = Some(e);
            }
        }
        self.len = 0;
    }

    /// Writes out what is buffered and reports the first error, if any.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.flush_buf();
        match self.err.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl<W: Write> IoOut<'_, W> {
    /// The buffer is full (or `b` is large): write out, then buffer or pass `b` through.
    #[cold]
    fn put_slow(&mut self, b: &[u8]) {
        self.flush_buf();
        if self.err.is_some() {
            return; // after an error everything is discarded
        }
        if b.len() >= BUF {
            // A large piece (a long text or trusted HTML) goes straight through.
            if let Err(e) = self.w.write_all(b) {
                self.err = Some(e);
            }
        } else {
            self.buf[..b.len()].copy_from_slice(b);
            self.len = b.len();
        }
    }
}

impl<W: Write> Out for IoOut<'_, W> {
    #[inline]
    fn put(&mut self, s: &str) {
        let b = s.as_bytes();
        match self.buf.get_mut(self.len..self.len + b.len()) {
            Some(dst) => {
                dst.copy_from_slice(b);
                self.len += b.len();
            }
            None => self.put_slow(b),
        }
    }

    #[inline]
    fn put_ascii(&mut self, b: u8) {
        match self.buf.get_mut(self.len) {
            Some(dst) => {
                *dst = b;
                self.len += 1;
            }
            None => self.put_slow(&[b]),
        }
    }
}

/// Buffers small writes in front of a `String`: one `push_str` per ~4 KiB instead of one
/// per piece (measured faster than pushing each tag and attribute separately).
pub(crate) struct StrOut<'s> {
    out: &'s mut String,
    buf: [u8; BUF],
    len: usize,
}

impl<'s> StrOut<'s> {
    pub(crate) fn new(out: &'s mut String) -> Self {
        StrOut {
            out,
            buf: [0; BUF],
            len: 0,
        }
    }

    /// Moves the buffered bytes into the string. The buffer only ever holds whole `&str`
    /// pieces, so it is valid UTF-8.
    fn flush_buf(&mut self) {
        match std::str::from_utf8(&self.buf[..self.len]) {
            Ok(s) => self.out.push_str(s),
            Err(_) => debug_assert!(false, "StrOut buffer split a character"),
        }
        self.len = 0;
    }

    #[cold]
    fn put_slow(&mut self, s: &str) {
        self.flush_buf();
        if s.len() >= BUF {
            self.out.push_str(s);
        } else {
            self.buf[..s.len()].copy_from_slice(s.as_bytes());
            self.len = s.len();
        }
    }

    /// Moves what is left into the string.
    pub(crate) fn finish(mut self) {
        self.flush_buf();
    }
}

impl Out for StrOut<'_> {
    #[inline]
    fn put(&mut self, s: &str) {
        let b = s.as_bytes();
        match self.buf.get_mut(self.len..self.len + b.len()) {
            Some(dst) => {
                dst.copy_from_slice(b);
                self.len += b.len();
            }
            None => self.put_slow(s),
        }
    }

    #[inline]
    fn put_ascii(&mut self, b: u8) {
        debug_assert!(b.is_ascii());
        match self.buf.get_mut(self.len) {
            Some(dst) => {
                *dst = b;
                self.len += 1;
            }
            None => self.put_slow(char::from(b).encode_utf8(&mut [0; 4])),
        }
    }
}

/// FNV-1a, 32 bit, over the bytes written: the page's render hash, and the content hash
/// [`fnv1a32`](super::fnv1a32).
pub(crate) struct Fnv(pub(crate) u32);

impl Fnv {
    pub(crate) const OFFSET: u32 = 0x811c_9dc5;
    const PRIME: u32 = 0x0100_0193;

    pub(crate) fn new() -> Self {
        Fnv(Self::OFFSET)
    }

    /// Folds `bytes` into the hash.
    #[inline]
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for &b in bytes {
            h ^= b as u32;
            h = h.wrapping_mul(Self::PRIME);
        }
        self.0 = h;
    }
}

impl Out for Fnv {
    #[inline]
    fn put_ascii(&mut self, b: u8) {
        self.bytes(&[b]);
    }

    #[inline]
    fn put(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
}

/// Writes to two sinks at once (stream the root and hash it in one pass).
pub(crate) struct Tee<'a, A: Out, B: Out>(pub(crate) &'a mut A, pub(crate) &'a mut B);

impl<A: Out, B: Out> Out for Tee<'_, A, B> {
    #[inline]
    fn put(&mut self, s: &str) {
        self.0.put(s);
        self.1.put(s);
    }

    #[inline]
    fn put_ascii(&mut self, b: u8) {
        self.0.put_ascii(b);
        self.1.put_ascii(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_u32_matches_display() {
        let mut rng = fastrand::Rng::with_seed(7);
        for n in [0, 1, 9, 10, 99, 100, u32::MAX]
            .into_iter()
            .chain((0..1000).map(|_| rng.u32(..)))
        {
            let mut s = String::new();
            s.put_u32(n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn fnv_known_vectors() {
        // Reference values of FNV-1a 32 (from the FNV test suite).
        let h = |s: &str| {
            let mut f = Fnv::new();
            f.put(s);
            f.0
        };
        assert_eq!(h(""), 0x811c_9dc5);
        assert_eq!(h("a"), 0xe40c_292c);
        assert_eq!(h("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn io_out_splits_and_joins() {
        let mut rng = fastrand::Rng::with_seed(11);
        let mut v = Vec::new();
        let mut expect = String::new();
        {
            let mut o = IoOut::new(&mut v);
            for _ in 0..500 {
                if rng.u8(..) < 64 {
                    let n = rng.u32(..) >> rng.u32(0..32);
                    o.put_u32(n);
                    expect.push_str(&n.to_string());
                    continue;
                }
                let n = if rng.u8(..) < 5 {
                    rng.usize(..3 * BUF)
                } else {
                    rng.usize(..40)
                };
                let s: String = (0..n).map(|_| rng.alphanumeric()).collect();
                o.put(&s);
                expect.push_str(&s);
            }
            o.finish().unwrap();
        }
        assert_eq!(String::from_utf8(v).unwrap(), expect);
    }

    #[test]
    fn str_out_splits_and_joins() {
        let mut rng = fastrand::Rng::with_seed(13);
        let pieces = ["é", "😀", "<", "abc", "\u{10FFFF}"];
        let mut out = String::from("pre:");
        let mut expect = out.clone();
        {
            let mut o = StrOut::new(&mut out);
            for _ in 0..3000 {
                match rng.u8(0..10) {
                    0 => {
                        let s = "ü".repeat(rng.usize(..BUF));
                        o.put(&s);
                        expect.push_str(&s);
                    }
                    1 => {
                        let n = rng.u32(..);
                        o.put_u32(n);
                        expect.push_str(&n.to_string());
                    }
                    _ => {
                        let p = pieces[rng.usize(..pieces.len())];
                        o.put(p);
                        expect.push_str(p);
                    }
                }
            }
            o.finish();
        }
        assert_eq!(out, expect);
    }

    struct Failing(usize);
    impl Write for Failing {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
            }
            self.0 -= 1;
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn io_out_reports_first_error() {
        let mut w = Failing(1);
        let mut o = IoOut::new(&mut w);
        for _ in 0..10 {
            o.put(&"x".repeat(BUF));
        }
        let e = o.finish().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
    }
}
