//! Varints: unsigned LEB128 (`uv`) and ZigZag-signed (`iv`), strict on decode.
//!
//! Touches nothing but [`DecodeError`]. A decoder rejects a non-minimal encoding (a last
//! byte of `0x00` after another byte), more bytes than the type allows, and values that do
//! not fit the type, so that every value has exactly one encoding.

use crate::protocol::error::DecodeError;

/// Appends `v` as an unsigned LEB128 varint (1–5 bytes).
///
/// # Examples
///
/// ```
/// let mut out = Vec::new();
/// vango::protocol::varint::put_u32(&mut out, 300);
/// assert_eq!(out, [0xac, 0x02]);
/// ```
#[inline]
pub fn put_u32(out: &mut Vec<u8>, v: u32) {
    if v < 0x80 {
        out.push(v as u8);
    } else if v < 0x4000 {
        out.extend_from_slice(&[v as u8 | 0x80, (v >> 7) as u8]);
    } else {
        put_u64(out, v as u64);
    }
}

/// Appends `v` as an unsigned LEB128 varint (1–10 bytes).
///
/// # Examples
///
/// ```
/// let mut out = Vec::new();
/// vango::protocol::varint::put_u64(&mut out, 300);
/// assert_eq!(out, [0xac, 0x02]);
/// ```
#[inline]
pub fn put_u64(out: &mut Vec<u8>, v: u64) {
    leb128(v, |b| out.push(b));
}

/// Writes `v` as an unsigned LEB128 varint at the start of `out` and returns its length
/// ([`len_u64`]); for buffers that are not a `Vec` (a header built on the stack).
///
/// # Panics
///
/// If `out` is shorter than [`len_u64`]`(v)`.
///
/// # Examples
///
/// ```
/// let mut head = [0u8; 4];
/// assert_eq!(vango::protocol::varint::write_u64(&mut head, 300), 2);
/// assert_eq!(head[..2], [0xac, 0x02]);
/// ```
#[inline]
pub fn write_u64(out: &mut [u8], v: u64) -> usize {
    let mut n = 0;
    leb128(v, |b| {
        out[n] = b;
        n += 1;
    });
    n
}

/// The one LEB128 encoding loop: hands `emit` the bytes of `v`, low group first. Generic
/// over the sink so that appending to a `Vec` and writing into a slice compile to a plain
/// loop each.
#[inline(always)]
fn leb128(mut v: u64, mut emit: impl FnMut(u8)) {
    while v >= 0x80 {
        emit(v as u8 | 0x80);
        v >>= 7;
    }
    emit(v as u8);
}

/// Appends `v` ZigZag-encoded as a varint (`-1` → `0x01`, `1` → `0x02`).
///
/// # Examples
///
/// ```
/// let mut out = Vec::new();
/// vango::protocol::varint::put_i32(&mut out, -1);
/// assert_eq!(out, [0x01]);
/// ```
#[inline]
pub fn put_i32(out: &mut Vec<u8>, v: i32) {
    put_u32(out, zigzag(v));
}

/// ZigZag-maps a signed value to an unsigned one: `(n << 1) ^ (n >> 31)`.
///
/// # Examples
///
/// ```
/// use vango::protocol::varint::zigzag;
/// assert_eq!([zigzag(0), zigzag(-1), zigzag(1), zigzag(-2)], [0, 1, 2, 3]);
/// ```
#[inline]
pub fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

/// Inverse of [`zigzag`].
///
/// # Examples
///
/// ```
/// use vango::protocol::varint::{unzigzag, zigzag};
/// assert_eq!(unzigzag(3), -2);
/// assert_eq!(unzigzag(zigzag(i32::MIN)), i32::MIN);
/// ```
#[inline]
pub fn unzigzag(v: u32) -> i32 {
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

/// Number of bytes [`put_u64`] writes for `v`.
///
/// # Examples
///
/// ```
/// use vango::protocol::varint::len_u64;
/// assert_eq!([len_u64(0), len_u64(127), len_u64(128), len_u64(u64::MAX)], [1, 1, 2, 10]);
/// ```
#[inline]
pub fn len_u64(v: u64) -> usize {
    // 1 + floor(bits / 7), with 0 taking one byte.
    let bits = 64 - (v | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// Decodes an unsigned varint of at most `max_bytes` bytes whose value is at most `max`.
/// Returns the value and the number of bytes read.
#[inline]
fn get(bytes: &[u8], max_bytes: usize, max: u64) -> Result<(u64, usize), DecodeError> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate() {
        if i == max_bytes {
            return Err(DecodeError::Overlong);
        }
        value |= ((b & 0x7f) as u64) << (7 * i);
        if b & 0x80 == 0 {
            if b == 0 && i > 0 {
                return Err(DecodeError::Overlong);
            }
            // The last group of a 10-byte u64 may only carry one bit; anything beyond it
            // was shifted out above, so compare the raw group too.
            if value > max || (i == 9 && b > 1) {
                return Err(DecodeError::Overflow);
            }
            return Ok((value, i + 1));
        }
    }
    if bytes.len() >= max_bytes {
        Err(DecodeError::Overlong)
    } else {
        Err(DecodeError::Truncated)
    }
}

/// Decodes a `u32` varint from the start of `bytes`: `(value, bytes read)`.
///
/// # Examples
///
/// ```
/// use vango::protocol::{varint::get_u32, DecodeError};
/// assert_eq!(get_u32(&[0xac, 0x02, 0xff]), Ok((300, 2)));
/// assert_eq!(get_u32(&[0x80, 0x00]), Err(DecodeError::Overlong));
/// assert_eq!(get_u32(&[0x80]), Err(DecodeError::Truncated));
/// ```
#[inline]
pub fn get_u32(bytes: &[u8]) -> Result<(u32, usize), DecodeError> {
    match bytes.first() {
        Some(&b) if b < 0x80 => Ok((b as u32, 1)),
        _ => get(bytes, 5, u32::MAX as u64).map(|(v, n)| (v as u32, n)),
    }
}

/// Decodes a `u64` varint from the start of `bytes`: `(value, bytes read)`.
///
/// # Examples
///
/// ```
/// use vango::protocol::{varint::get_u64, DecodeError};
/// assert_eq!(get_u64(&[0xac, 0x02]), Ok((300, 2)));
/// assert_eq!(get_u64(&[0xff; 11]), Err(DecodeError::Overlong));
/// ```
#[inline]
pub fn get_u64(bytes: &[u8]) -> Result<(u64, usize), DecodeError> {
    match bytes.first() {
        Some(&b) if b < 0x80 => Ok((b as u64, 1)),
        _ => get(bytes, 10, u64::MAX),
    }
}

/// Decodes a ZigZag `i32` varint from the start of `bytes`: `(value, bytes read)`.
///
/// # Examples
///
/// ```
/// use vango::protocol::varint::get_i32;
/// assert_eq!(get_i32(&[0x03, 0xff]), Ok((-2, 1)));
/// ```
#[inline]
pub fn get_i32(bytes: &[u8]) -> Result<(i32, usize), DecodeError> {
    get_u32(bytes).map(|(v, n)| (unzigzag(v), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn len_and_slice_writer_match_encoding() {
        for v in [0u64, 1, 127, 128, 16383, 16384, u32::MAX as u64, u64::MAX] {
            let mut out = Vec::new();
            put_u64(&mut out, v);
            assert_eq!(out.len(), len_u64(v), "{v}");
            let mut slice = [0u8; 10];
            let n = write_u64(&mut slice, v);
            assert_eq!(slice[..n], out[..], "{v}");
        }
    }

    #[test]
    fn u64_tenth_byte() {
        let mut max = vec![0xff; 9];
        max.push(0x01);
        assert_eq!(get_u64(&max), Ok((u64::MAX, 10)));
        max[9] = 0x02;
        assert_eq!(get_u64(&max), Err(DecodeError::Overflow));
        max[9] = 0x81;
        assert_eq!(get_u64(&max), Err(DecodeError::Overlong));
    }
}
