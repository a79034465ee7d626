//! The bounds-checked frame reader and the string writer shared by both directions.
//!
//! Touches only [`varint`] and [`DecodeError`]. A [`Reader`]
//! never allocates: strings are borrowed from the frame and checked against the bytes left
//! before anything is copied.

use crate::protocol::error::DecodeError;
use crate::protocol::varint;

/// Appends `s` as a `str`: its byte length as a varint, then its UTF-8 bytes.
///
/// # Examples
///
/// ```
/// let mut out = Vec::new();
/// vango::protocol::put_str(&mut out, "hé");
/// assert_eq!(out, [3, b'h', 0xc3, 0xa9]);
/// ```
#[inline]
pub fn put_str(out: &mut Vec<u8>, s: &str) {
    // Lengths above u32::MAX cannot be framed; frames are bounded far below that.
    varint::put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

/// A cursor over one frame's bytes.
///
/// # Examples
///
/// ```
/// use vango::protocol::Reader;
/// let mut r = Reader::new(&[0x05, 2, b'h', b'i']);
/// assert_eq!(r.u8(), Ok(5));
/// assert_eq!(r.str(16), Ok("hi"));
/// assert_eq!(r.finish(), Ok(()));
/// ```
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::Reader;
    /// let r = Reader::new(&[1, 2, 3]);
    /// assert_eq!(r.remaining(), 3);
    /// ```
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Bytes not read yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::Reader;
    /// let mut r = Reader::new(&[7, 0xac, 0x02]);
    /// r.u8().unwrap();
    /// assert_eq!(r.remaining(), 2);
    /// ```
    #[inline]
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Reads one byte.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{DecodeError, Reader};
    /// let mut r = Reader::new(&[0x82]);
    /// assert_eq!(r.u8(), Ok(0x82));
    /// assert_eq!(r.u8(), Err(DecodeError::Truncated));
    /// ```
    #[inline]
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        let b = *self.buf.get(self.pos).ok_or(DecodeError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    /// Reads a `uv` that must fit a `u32`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{DecodeError, Reader};
    /// assert_eq!(Reader::new(&[0xac, 0x02]).u32(), Ok(300));
    /// let too_big = [0xff, 0xff, 0xff, 0xff, 0x10];
    /// assert_eq!(Reader::new(&too_big).u32(), Err(DecodeError::Overflow));
    /// ```
    #[inline]
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        let (v, n) = varint::get_u32(&self.buf[self.pos..])?;
        self.pos += n;
        Ok(v)
    }

    /// Reads a `uv` that must fit a `u64`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::Reader;
    /// let mut r = Reader::new(&[0x80, 0x80, 0x80, 0x80, 0x10]);
    /// assert_eq!(r.u64(), Ok(1 << 32));
    /// ```
    #[inline]
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        let (v, n) = varint::get_u64(&self.buf[self.pos..])?;
        self.pos += n;
        Ok(v)
    }

    /// Reads an `iv` (ZigZag) that must fit an `i32`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::Reader;
    /// let mut r = Reader::new(&[0x01, 0x02]);
    /// assert_eq!(r.i32(), Ok(-1));
    /// assert_eq!(r.i32(), Ok(1));
    /// ```
    #[inline]
    pub fn i32(&mut self) -> Result<i32, DecodeError> {
        let (v, n) = varint::get_i32(&self.buf[self.pos..])?;
        self.pos += n;
        Ok(v)
    }

    /// Reads a `u8` that must be `0` or `1`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{DecodeError, Reader};
    /// let mut r = Reader::new(&[1, 2]);
    /// assert_eq!(r.bool("flag"), Ok(true));
    /// assert_eq!(r.bool("flag"), Err(DecodeError::Invalid("flag")));
    /// ```
    #[inline]
    pub fn bool(&mut self, what: &'static str) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(DecodeError::Invalid(what)),
        }
    }

    /// Reads a `str` of at most `limit` bytes, borrowed from the frame.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{DecodeError, Reader};
    /// assert_eq!(Reader::new(&[2, b'o', b'k']).str(16), Ok("ok"));
    /// let too_long = Reader::new(&[2, b'o', b'k']).str(1);
    /// assert_eq!(too_long, Err(DecodeError::TooLarge { what: "string", limit: 1 }));
    /// ```
    #[inline]
    pub fn str(&mut self, limit: usize) -> Result<&'a str, DecodeError> {
        let len = self.u32()? as usize;
        if len > limit {
            return Err(DecodeError::TooLarge {
                what: "string",
                limit,
            });
        }
        if len > self.remaining() {
            return Err(DecodeError::Truncated);
        }
        let bytes = &self.buf[self.pos..self.pos + len];
        self.pos += len;
        std::str::from_utf8(bytes).map_err(|_| DecodeError::BadUtf8)
    }

    /// Reads a `str` of at most `limit` bytes into an owned `String`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::Reader;
    /// let owned: String = Reader::new(&[2, b'o', b'k']).string(16).unwrap();
    /// assert_eq!(owned, "ok");
    /// ```
    #[inline]
    pub fn string(&mut self, limit: usize) -> Result<String, DecodeError> {
        self.str(limit).map(str::to_owned)
    }

    /// Reads a count of items of at least `min_item` bytes each, bounded by `limit`.
    /// A count that the remaining bytes cannot hold is [`DecodeError::Truncated`], so a
    /// caller may reserve capacity for the returned count.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{DecodeError, Reader};
    /// assert_eq!(Reader::new(&[2, 0, 0, 0, 0]).count("pairs", 8, 2), Ok(2));
    /// // Three items of two bytes cannot fit in the four bytes left.
    /// assert_eq!(Reader::new(&[3, 0, 0, 0, 0]).count("pairs", 8, 2), Err(DecodeError::Truncated));
    /// let too_many = Reader::new(&[9]).count("pairs", 8, 2);
    /// assert_eq!(too_many, Err(DecodeError::TooMany { what: "pairs", limit: 8 }));
    /// ```
    #[inline]
    pub fn count(
        &mut self,
        what: &'static str,
        limit: usize,
        min_item: usize,
    ) -> Result<usize, DecodeError> {
        let n = self.u32()? as usize;
        if n > limit {
            return Err(DecodeError::TooMany { what, limit });
        }
        if n > self.remaining() / min_item {
            return Err(DecodeError::Truncated);
        }
        Ok(n)
    }

    /// Succeeds if every byte was read.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{DecodeError, Reader};
    /// let mut r = Reader::new(&[1, 2]);
    /// r.u8().unwrap();
    /// assert_eq!(r.finish(), Err(DecodeError::Trailing));
    /// r.u8().unwrap();
    /// assert_eq!(r.finish(), Ok(()));
    /// ```
    #[inline]
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(DecodeError::Trailing)
        }
    }
}
