//! CSRF tokens for the boot script, checked at the WebSocket's Hello: signed with the app's
//! secret key (so they outlive a restart) and stamped with their issue time (so they expire).
//!
//! Touches the secret key's MAC (`server::secret`), the system clock and `getrandom`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::server::secret::{Mac, SecretKey};

/// How far in the future an issue time may lie (clocks of two instances, or one clock
/// stepped back by NTP) before the token counts as not fresh.
const SKEW: u64 = 300;

/// Hex digits of each field: the issue time (48 bits of Unix seconds), the nonce, the tag.
const TIME: usize = 12;
const NONCE: usize = 16;
const LEN: usize = TIME + NONCE + 16;

/// CSRF tokens for the boot script: an issue time, a random nonce and a MAC of both under
/// the app's [`SecretKey`], as 44 lower-case hex digits.
///
/// Every instance loading the same key accepts the tokens of the others, before and after
/// a restart; a token stops being fresh `max_age` after it was issued. The Origin check at
/// the upgrade is the first line; this is the second.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use vango::live::csrf::{Csrf, TokenError};
/// use vango::server::SecretKey;
///
/// let key = SecretKey::from_bytes([1; 32]);
/// let csrf = Csrf::new(&key, Duration::from_secs(3600));
/// let token = csrf.token_at(1_000_000).unwrap();
/// assert_eq!(token.len(), 44);
/// // The same key in another process: still valid.
/// assert_eq!(Csrf::new(&key, Duration::from_secs(3600)).check_at(&token, 1_000_010), Ok(()));
/// assert_eq!(csrf.check_at(&token, 1_003_600), Err(TokenError::Expired));
/// let other = Csrf::new(&SecretKey::from_bytes([2; 32]), Duration::from_secs(3600));
/// assert_eq!(other.check_at(&token, 1_000_010), Err(TokenError::Forged));
/// ```
#[derive(Clone, Debug)]
pub struct Csrf {
    mac: Mac,
    max_age: u64,
}

/// Why a token was refused.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use vango::live::{Csrf, TokenError};
/// let csrf = Csrf::new(&vango::server::SecretKey::from_bytes([1; 32]), Duration::ZERO);
/// assert_eq!(csrf.check("nope"), Err(TokenError::Malformed));
/// let token = csrf.token().unwrap();
/// assert_eq!(csrf.check(&token), Err(TokenError::Expired), "max age zero");
/// assert_eq!(TokenError::Expired.reason(), "expired CSRF token");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token of this format at all.
    Malformed,
    /// Well formed, but not signed with this app's key.
    Forged,
    /// Signed with this key, but older than the max age (or issued implausibly far in the
    /// future).
    Expired,
}

impl TokenError {
    /// The reason sent with the Close frame.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::TokenError;
    /// assert_eq!(TokenError::Forged.reason(), "bad CSRF token");
    /// assert_eq!(TokenError::Malformed.reason(), TokenError::Forged.reason(), "no hint for a forger");
    /// assert_eq!(TokenError::Expired.to_string(), "expired CSRF token");
    /// ```
    pub fn reason(self) -> &'static str {
        match self {
            TokenError::Malformed | TokenError::Forged => "bad CSRF token",
            TokenError::Expired => "expired CSRF token",
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())
    }
}

/// Now, in Unix seconds.
fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Csrf {
    /// Tokens signed with `key`'s CSRF MAC that stay fresh for `max_age` (rounded down to
    /// whole seconds; zero makes every token expired).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::live::Csrf;
    /// let csrf = Csrf::new(&vango::server::SecretKey::from_bytes([1; 32]), Duration::from_secs(90));
    /// let t = csrf.token_at(1_000).unwrap();
    /// assert!(csrf.check_at(&t, 1_089).is_ok());
    /// assert!(csrf.check_at(&t, 1_090).is_err());
    /// ```
    pub fn new(key: &SecretKey, max_age: Duration) -> Csrf {
        Csrf {
            mac: key.mac("vango csrf token v1"),
            max_age: max_age.as_secs(),
        }
    }

    /// A fresh token issued now, for a browser without a cookie session.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::live::Csrf;
    /// let csrf = Csrf::new(&vango::server::SecretKey::from_bytes([1; 32]), Duration::from_secs(60));
    /// let (a, b) = (csrf.token().unwrap(), csrf.token().unwrap());
    /// assert_ne!(a, b, "a fresh nonce each time");
    /// assert!(csrf.verify(&a) && csrf.verify(&b));
    /// ```
    pub fn token(&self) -> Result<String, getrandom::Error> {
        self.token_at(now())
    }

    /// A fresh token bound to the cookie session `sid` (`""`: none): it passes only
    /// [`check_for`](Self::check_for) with the same id, so a token fetched by another
    /// browser (an attacker's own page load) does not open a session in this one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::live::{Csrf, TokenError};
    /// let csrf = Csrf::new(&vango::server::SecretKey::from_bytes([1; 32]), Duration::from_secs(60));
    /// let t = csrf.token_for("abc").unwrap();
    /// assert_eq!(csrf.check_for(&t, "abc"), Ok(()));
    /// assert_eq!(csrf.check_for(&t, ""), Err(TokenError::Forged));
    /// assert_eq!(csrf.check_for(&csrf.token().unwrap(), "abc"), Err(TokenError::Forged));
    /// ```
    pub fn token_for(&self, sid: &str) -> Result<String, getrandom::Error> {
        self.token_bound(now(), sid)
    }

    /// A token issued at `now` (Unix seconds).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::live::{Csrf, TokenError};
    /// let csrf = Csrf::new(&vango::server::SecretKey::from_bytes([1; 32]), Duration::from_secs(60));
    /// let t = csrf.token_at(5_000).unwrap();
    /// assert!(t.starts_with(&format!("{:012x}", 5_000)), "the issue time leads");
    /// assert_eq!(csrf.check_at(&t, 5_060), Err(TokenError::Expired));
    /// ```
    pub fn token_at(&self, now: u64) -> Result<String, getrandom::Error> {
        self.token_bound(now, "")
    }

    fn token_bound(&self, now: u64, sid: &str) -> Result<String, getrandom::Error> {
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce)?;
        let nonce = u64::from_le_bytes(nonce);
        let issued = now & ((1 << (4 * TIME)) - 1);
        let tag = self.tag(issued, nonce, sid);
        Ok(format!("{issued:012x}{nonce:016x}{tag:016x}"))
    }

    /// The MAC of the issue time, the nonce and the session id (none: the 16 bytes alone).
    fn tag(&self, issued: u64, nonce: u64, sid: &str) -> u64 {
        let mut msg = Vec::with_capacity(16 + sid.len());
        msg.extend_from_slice(&issued.to_le_bytes());
        msg.extend_from_slice(&nonce.to_le_bytes());
        msg.extend_from_slice(sid.as_bytes());
        self.mac.tag(&msg)
    }

    /// Checks `token` now: `Ok` when this key signed it, unbound, and it is fresh.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::live::{Csrf, TokenError};
    /// let csrf = Csrf::new(&vango::server::SecretKey::from_bytes([1; 32]), Duration::from_secs(60));
    /// assert_eq!(csrf.check(&csrf.token().unwrap()), Ok(()));
    /// assert_eq!(csrf.check(&csrf.token_for("sid").unwrap()), Err(TokenError::Forged), "bound");
    /// assert_eq!(csrf.check("zz"), Err(TokenError::Malformed));
    /// ```
    pub fn check(&self, token: &str) -> Result<(), TokenError> {
        self.check_at(token, now())
    }

    /// Checks `token` now for the browser whose cookie session id is `sid` (`""`: none).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::live::{Csrf, TokenError};
    /// let csrf = Csrf::new(&vango::server::SecretKey::from_bytes([1; 32]), Duration::from_secs(60));
    /// let mine = csrf.token_for("my-sid").unwrap();
    /// assert_eq!(csrf.check_for(&mine, "my-sid"), Ok(()));
    /// assert_eq!(csrf.check_for(&mine, "their-sid"), Err(TokenError::Forged));
    /// ```
    pub fn check_for(&self, token: &str, sid: &str) -> Result<(), TokenError> {
        self.check_bound(token, now(), sid)
    }

    /// Checks `token` at `now` (Unix seconds). A token is fresh while its age is below the
    /// max age, and when its issue time is at most five minutes ahead of `now`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::live::{Csrf, TokenError};
    /// let csrf = Csrf::new(&vango::server::SecretKey::from_bytes([1; 32]), Duration::from_secs(60));
    /// let t = csrf.token_at(10_000).unwrap();
    /// assert_eq!(csrf.check_at(&t, 10_059), Ok(()));
    /// assert_eq!(csrf.check_at(&t, 9_700), Ok(()), "a clock five minutes behind");
    /// assert_eq!(csrf.check_at(&t, 9_699), Err(TokenError::Expired));
    /// ```
    pub fn check_at(&self, token: &str, now: u64) -> Result<(), TokenError> {
        self.check_bound(token, now, "")
    }

    fn check_bound(&self, token: &str, now: u64, sid: &str) -> Result<(), TokenError> {
        let lower_hex = |s: &str| s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if token.len() != LEN || !lower_hex(token) {
            return Err(TokenError::Malformed);
        }
        let field = |from: usize, to: usize| u64::from_str_radix(&token[from..to], 16);
        let (Ok(issued), Ok(nonce), Ok(tag)) = (
            field(0, TIME),
            field(TIME, TIME + NONCE),
            field(TIME + NONCE, LEN),
        ) else {
            return Err(TokenError::Malformed);
        };
        if self.tag(issued, nonce, sid) != tag {
            return Err(TokenError::Forged);
        }
        let fresh = issued <= now.saturating_add(SKEW) && now.saturating_sub(issued) < self.max_age;
        if fresh {
            Ok(())
        } else {
            Err(TokenError::Expired)
        }
    }

    /// Whether `token` passes [`check`](Self::check).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use vango::live::Csrf;
    /// let csrf = Csrf::new(&vango::server::SecretKey::from_bytes([1; 32]), Duration::from_secs(60));
    /// assert!(csrf.verify(&csrf.token().unwrap()));
    /// assert!(!csrf.verify("not a token"));
    /// ```
    pub fn verify(&self, token: &str) -> bool {
        self.check(token).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;

    fn csrf(byte: u8) -> Csrf {
        Csrf::new(&SecretKey::from_bytes([byte; 32]), Duration::from_secs(DAY))
    }

    #[test]
    fn tokens_verify_under_the_same_key_only() {
        let (c, same, other) = (csrf(1), csrf(1), csrf(2));
        let t = c.token().unwrap();
        assert!(c.verify(&t) && same.verify(&t));
        assert_eq!(other.check(&t), Err(TokenError::Forged));
        assert_ne!(t, c.token().unwrap(), "a fresh nonce per token");
        for at in [0, TIME + 3, LEN - 1] {
            let mut forged = t.clone().into_bytes();
            forged[at] = if forged[at] == b'0' { b'1' } else { b'0' };
            let forged = String::from_utf8(forged).unwrap();
            assert_eq!(c.check(&forged), Err(TokenError::Forged), "{forged}");
        }
        for bad in ["", "short", &t.to_uppercase(), &format!("{t}0"), &t[1..]] {
            assert_eq!(c.check(bad), Err(TokenError::Malformed), "{bad}");
        }
    }

    #[test]
    fn tokens_expire_at_their_max_age() {
        let c = csrf(1);
        let t0 = 1_700_000_000;
        let t = c.token_at(t0).unwrap();
        assert_eq!(c.check_at(&t, t0), Ok(()));
        assert_eq!(c.check_at(&t, t0 + DAY - 1), Ok(()));
        assert_eq!(c.check_at(&t, t0 + DAY), Err(TokenError::Expired));
        assert_eq!(c.check_at(&t, t0 - SKEW), Ok(()), "a clock a little behind");
        assert_eq!(c.check_at(&t, t0 - SKEW - 1), Err(TokenError::Expired));
        let never = Csrf::new(&SecretKey::from_bytes([1; 32]), Duration::ZERO);
        assert_eq!(never.check_at(&t, t0), Err(TokenError::Expired));
        assert_eq!(
            Csrf::new(
                &SecretKey::from_bytes([1; 32]),
                Duration::from_millis(DAY * 1000 + 999)
            )
            .check_at(&t, t0 + DAY),
            Err(TokenError::Expired),
            "max age rounds down to whole seconds"
        );
    }
}
