//! Percent-decoding (RFC 3986 §2.1) of path segments and query strings; pure functions.

use std::borrow::Cow;
use std::fmt;

/// Why a percent-encoded string was rejected (the app answers 400 Bad Request).
///
/// # Examples
///
/// ```
/// use vango::router::{percent_decode, EncodingError};
///
/// assert_eq!(percent_decode("a%zzb"), Err(EncodingError::BadEscape { at: 1 }));
/// assert_eq!(percent_decode("%FF"), Err(EncodingError::NotUtf8));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingError {
    /// A `%` at this byte offset is not followed by two hex digits.
    BadEscape {
        /// Byte offset of the `%` in the encoded string.
        at: usize,
    },
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

impl fmt::Display for EncodingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodingError::BadEscape { at } => {
                write!(f, "`%` at byte {at} is not followed by two hex digits")
            }
            EncodingError::NotUtf8 => f.write_str("percent-encoded bytes are not UTF-8"),
        }
    }
}

impl std::error::Error for EncodingError {}

/// Decodes `%XX` escapes; `+` stays `+` (it means a space only in query strings, see
/// [`Query`](super::Query)). Borrows when there is nothing to decode.
///
/// # Examples
///
/// ```
/// use std::borrow::Cow;
/// use vango::router::percent_decode;
///
/// assert_eq!(percent_decode("caf%C3%A9+1").unwrap(), "café+1");
/// assert!(matches!(percent_decode("plain").unwrap(), Cow::Borrowed("plain")));
/// assert!(percent_decode("50%").is_err());
/// ```
pub fn percent_decode(s: &str) -> Result<Cow<'_, str>, EncodingError> {
    decode(s, false)
}

/// Decodes `%XX` escapes, and `+` as a space when `plus` (form encoding).
pub(crate) fn decode(s: &str, plus: bool) -> Result<Cow<'_, str>, EncodingError> {
    let b = s.as_bytes();
    let Some(first) = b.iter().position(|&c| c == b'%' || (plus && c == b'+')) else {
        return Ok(Cow::Borrowed(s));
    };
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..first]);
    decode_into(&b[first..], first, plus, &mut out)?;
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| EncodingError::NotUtf8)
}

/// Appends the decoded bytes of `b` (which starts at byte `offset` of its string, for error
/// offsets) to `out`.
pub(crate) fn decode_into(
    b: &[u8],
    offset: usize,
    plus: bool,
    out: &mut Vec<u8>,
) -> Result<(), EncodingError> {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                out.push(escape(b, i).ok_or(EncodingError::BadEscape { at: offset + i })?);
                i += 3;
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(())
}

/// The byte `%XX` at `i` stands for, if the two hex digits are there.
fn escape(b: &[u8], i: usize) -> Option<u8> {
    let hex = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    Some((hex(*b.get(i + 1)?)? << 4) | hex(*b.get(i + 2)?)?)
}

/// Whether `s` has a `%`: eight bytes at a time (the classic zero-byte test on the word
/// XORed with `%%%%%%%%`), which beats a byte loop or `memchr` on short paths.
pub(crate) fn has_percent(s: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const PCT: u64 = ONES * b'%' as u64;
    let has = |w: u64| {
        let x = w ^ PCT;
        x.wrapping_sub(ONES) & !x & (ONES << 7) != 0
    };
    let b = s.as_bytes();
    let n = b.len();
    if n < 8 {
        return b.contains(&b'%');
    }
    b[..n - 1].chunks_exact(8).any(|c| has(word8(c))) || has(word8(&b[n - 8..]))
}

/// The first eight bytes of `b` (at least eight long) as an integer.
pub(crate) fn word8(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.first_chunk::<8>().copied().unwrap_or_default())
}

/// The first four bytes of `b` (at least four long) as an integer.
pub(crate) fn word4(b: &[u8]) -> u64 {
    u32::from_le_bytes(b.first_chunk::<4>().copied().unwrap_or_default()) as u64
}

/// Checks that all of `s` decodes (escapes well formed, result UTF-8) without allocating:
/// decoded bytes go through a small stack buffer, validated chunk by chunk. A bad escape
/// anywhere wins over bad UTF-8, as in [`decode`].
///
/// Because `/` is ASCII, a valid whole decodes to valid pieces when cut at raw slashes,
/// so captured path segments decoded later cannot fail.
pub(crate) fn check(s: &str) -> Result<(), EncodingError> {
    let b = s.as_bytes();
    let Some(mut i) = b.iter().position(|&c| c == b'%') else {
        return Ok(());
    };
    let mut buf = [0u8; 64];
    let mut len = 0;
    let mut utf8 = true;
    while i < b.len() {
        let byte = if b[i] == b'%' {
            let v = escape(b, i).ok_or(EncodingError::BadEscape { at: i })?;
            i += 3;
            v
        } else {
            i += 1;
            b[i - 1]
        };
        buf[len] = byte;
        len += 1;
        if len == buf.len() {
            match validate(&mut buf, len, false) {
                Ok(kept) => len = kept,
                Err(_) => (utf8, len) = (false, 0),
            }
        }
    }
    if utf8 && validate(&mut buf, len, true).is_ok() {
        Ok(())
    } else {
        Err(EncodingError::NotUtf8)
    }
}

/// Validates `buf[..len]` as UTF-8; a character cut at the end (when more input follows)
/// is moved to the front. Returns how many bytes were kept.
fn validate(buf: &mut [u8; 64], len: usize, last: bool) -> Result<usize, EncodingError> {
    match std::str::from_utf8(&buf[..len]) {
        Ok(_) => Ok(0),
        Err(e) if e.error_len().is_none() && !last => {
            buf.copy_within(e.valid_up_to()..len, 0);
            Ok(len - e.valid_up_to())
        }
        Err(_) => Err(EncodingError::NotUtf8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_percent_finds_it_at_every_offset() {
        for len in 0..40 {
            let plain: String = (0..len).map(|i| (b'!' + (i % 90) as u8) as char).collect();
            let plain = plain.replace('%', "&");
            assert!(!has_percent(&plain), "{plain}");
            for at in 0..len {
                let mut with = plain.clone().into_bytes();
                with[at] = b'%';
                let with = String::from_utf8(with).unwrap();
                assert!(has_percent(&with), "{with}");
            }
        }
        // Bytes next to `%` in value (`$`, `&`) and high bytes must not look like it.
        assert!(!has_percent("$$$$$$$$&&&&&&&&éééé\u{7f}\u{80}"));
    }

    #[test]
    fn check_agrees_with_decode_across_chunk_boundaries() {
        // Multi-byte characters straddling the 64-byte buffer edge, at every offset.
        for pad in 0..70 {
            for tail in [
                "%C3%A9",
                "%E2%82%AC",
                "%F0%9F%98%80",
                "%C3",
                "%ED%A0%80",
                "%FF",
            ] {
                let s = format!("{}{tail}x", "a".repeat(pad));
                assert_eq!(check(&s).is_ok(), decode(&s, false).is_ok(), "{s}");
            }
        }
    }
}
