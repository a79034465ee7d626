//! Output sinks for the HTML writer: a `String`, a buffered `io::Write`, an FNV-1a hasher.
//!
//! Touches nothing but `std`. The writer is generic over [`Out`] so that one walk of the tree
//! serves `to_html`, streaming and hashing without building an intermediate string.

use std::io::{self, Write};

/// Where rendered HTML goes. Writes never fail here; an I/O sink remembers its first error.
pub(crate) trait Out {
    /// Appends `s`.
    fn put(&mut self, s: &str);

    /// Appends a decimal `u32` without allocating.
    fn put_u32(&mut self, n: u32) {
        const DIGITS: &str = "0123456789";
        if n < 10 {
            let d = n as usize;
            return self.put(&DIGITS[d..d + 1]);
        }
        let mut buf = [0u8; 10];
        let mut i = buf.len();
        let mut n = n;
        while n > 0 {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        // Only ASCII digits were written.
        self.put(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
    }
}

impl Out for String {
    #[inline]
    fn put(&mut self, s: &str) {
        self.push_str(s);
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

impl<W: Write> Out for IoOut<'_, W> {
    fn put(&mut self, s: &str) {
        if self.err.is_some() {
            return;
        }
        let b = s.as_bytes();
        if self.len + b.len() > BUF {
            self.flush_buf();
            if b.len() >= BUF {
                // A large piece (a long text or trusted HTML) goes straight through.
                if let Err(e) = self.w.write_all(b) {
                    self.err = Some(e);
                }
                return;
            }
        }
        self.buf[self.len..self.len + b.len()].copy_from_slice(b);
        self.len += b.len();
    }
}

/// FNV-1a, 32 bit, over the bytes written: the page's render hash.
pub(crate) struct Fnv(pub(crate) u32);

impl Fnv {
    pub(crate) const OFFSET: u32 = 0x811c_9dc5;
    const PRIME: u32 = 0x0100_0193;

    pub(crate) fn new() -> Self {
        Fnv(Self::OFFSET)
    }
}

impl Out for Fnv {
    fn put(&mut self, s: &str) {
        let mut h = self.0;
        for &b in s.as_bytes() {
            h ^= b as u32;
            h = h.wrapping_mul(Self::PRIME);
        }
        self.0 = h;
    }
}

/// Writes to two sinks at once (stream the root and hash it in one pass).
pub(crate) struct Tee<'a, A: Out, B: Out>(pub(crate) &'a mut A, pub(crate) &'a mut B);

impl<A: Out, B: Out> Out for Tee<'_, A, B> {
    fn put(&mut self, s: &str) {
        self.0.put(s);
        self.1.put(s);
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
