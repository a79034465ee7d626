//! HMAC-SHA256 signatures for values the server hands out and accepts back much later
//! (cookie sessions, cookie tickets), keyed per purpose from the app's secret key.
//!
//! Touches only the key bytes (`server::secret`) and the `hmac`/`sha2` crates.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::secret::SecretKey;

type HmacSha256 = Hmac<Sha256>;

/// Bytes in a [`Signer`] tag.
///
/// # Examples
///
/// ```
/// use vango::server::{sign::TAG_LEN, SecretKey, Signer};
/// let tag = Signer::new(&SecretKey::from_bytes([1; 32]), "cookie").sign(b"v");
/// assert_eq!(tag.len(), TAG_LEN);
/// ```
pub const TAG_LEN: usize = 32;

/// HMAC-SHA256 under a key derived for one purpose from the [`SecretKey`]: the purpose
/// key is HMAC-SHA256(secret, `"vango sign v1 " + purpose`), so a value signed for one
/// purpose never verifies as another, and a restart with the same secret verifies every
/// value signed before it. Verification compares in constant time. `Debug` never prints
/// the key.
///
/// # Examples
///
/// ```
/// use vango::server::{SecretKey, Signer};
/// let key = SecretKey::from_bytes([7; 32]);
/// let cookie = Signer::new(&key, "cookie");
/// let tag = cookie.sign(b"hello");
/// assert!(cookie.verify(b"hello", &tag));
/// assert!(!cookie.verify(b"hellp", &tag));
/// assert!(!Signer::new(&key, "ticket").verify(b"hello", &tag), "another purpose");
/// assert!(Signer::new(&key, "cookie").verify(b"hello", &tag), "the same key after a restart");
/// ```
#[derive(Clone)]
pub struct Signer {
    key: [u8; 32],
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer(..)")
    }
}

/// HMAC-SHA256 of `msg` under `key`.
fn hmac(key: &[u8], msg: &[&[u8]]) -> [u8; TAG_LEN] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    for part in msg {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

impl Signer {
    /// The signer for `purpose` under `key`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{SecretKey, Signer};
    /// let key = SecretKey::from_bytes([5; 32]);
    /// let tickets = Signer::new(&key, "ticket");
    /// let tag = tickets.sign(b"abc");
    /// assert!(!Signer::new(&key, "cookie").verify(b"abc", &tag), "purposes do not mix");
    /// ```
    pub fn new(key: &SecretKey, purpose: &str) -> Signer {
        Signer {
            key: hmac(key.bytes(), &[b"vango sign v1 ", purpose.as_bytes()]),
        }
    }

    /// The tag of `msg`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{SecretKey, Signer};
    /// let s = Signer::new(&SecretKey::from_bytes([5; 32]), "cookie");
    /// assert_eq!(s.sign(b"user=7"), s.sign(b"user=7"));
    /// assert_ne!(s.sign(b"user=7"), s.sign(b"user=8"));
    /// ```
    pub fn sign(&self, msg: &[u8]) -> [u8; TAG_LEN] {
        hmac(&self.key, &[msg])
    }

    /// Whether `tag` is the tag of `msg` (compared in constant time; any other length is
    /// refused).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{SecretKey, Signer};
    /// let s = Signer::new(&SecretKey::from_bytes([5; 32]), "cookie");
    /// let tag = s.sign(b"user=7");
    /// assert!(s.verify(b"user=7", &tag));
    /// assert!(!s.verify(b"user=7", &tag[..16]), "a truncated tag is refused");
    /// ```
    pub fn verify(&self, msg: &[u8], tag: &[u8]) -> bool {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(msg);
        mac.verify_slice(tag).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 4231's HMAC-SHA256 vectors (test cases 1, 2, 6): the crates compute HMAC-SHA256.
    #[test]
    fn rfc_4231_vectors() {
        let cases: [(&[u8], &[u8], &str); 3] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, msg, tag) in cases {
            assert_eq!(hmac(key, &[msg]).to_vec(), unhex(tag));
            let s = Signer { key: [0; 32] };
            assert!(s.verify(msg, &s.sign(msg)));
        }
    }

    #[test]
    fn wrong_length_tags_are_refused() {
        let s = Signer::new(&SecretKey::from_bytes([1; 32]), "t");
        let tag = s.sign(b"m");
        assert!(!s.verify(b"m", &tag[..31]));
        assert!(!s.verify(b"m", &[]));
        let mut long = tag.to_vec();
        long.push(0);
        assert!(!s.verify(b"m", &long));
    }
}
