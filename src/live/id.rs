//! Session ids: 128 bits from the OS plus the index of the core that owns the session.
//!
//! Touches only `getrandom`.

use std::fmt;

/// A session id: 128 random bits from the OS, plus the owning core's index.
/// Text form: 2 hex digits of core, then 32 hex digits of randomness.
///
/// # Examples
///
/// ```
/// use vango::live::SessionId;
/// let id = SessionId::generate(3).unwrap();
/// let text = id.to_string();
/// assert_eq!(text.len(), 34);
/// assert_eq!(SessionId::parse(&text), Some(id));
/// assert_eq!(id.core(), 3);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SessionId {
    core: u8,
    /// 128 random bits as two halves (high, low): a `u128` field would align every
    /// session (and every registry entry) to 16 bytes.
    random: [u64; 2],
}

impl SessionId {
    /// A fresh id owned by `core` (indices above 255 are not supported: at most 256 cores).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SessionId;
    /// let (a, b) = (SessionId::generate(0).unwrap(), SessionId::generate(0).unwrap());
    /// assert_ne!(a, b, "128 random bits each");
    /// assert_eq!(SessionId::generate(300).unwrap().core(), 255, "at most 256 cores");
    /// ```
    pub fn generate(core: usize) -> Result<Self, getrandom::Error> {
        let mut hi = [0u8; 8];
        let mut lo = [0u8; 8];
        getrandom::fill(&mut hi)?;
        getrandom::fill(&mut lo)?;
        Ok(SessionId {
            core: core.min(255) as u8,
            random: [u64::from_le_bytes(hi), u64::from_le_bytes(lo)],
        })
    }

    /// Parses the text form; `None` if malformed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SessionId;
    /// let id = SessionId::parse("02000000000000000100000000000000ff").unwrap();
    /// assert_eq!(id.core(), 2);
    /// assert_eq!(id.to_string(), "02000000000000000100000000000000ff");
    /// assert_eq!(SessionId::parse("not an id"), None);
    /// assert_eq!(SessionId::parse(&"0".repeat(33)), None, "one digit short");
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 34 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let core = u8::from_str_radix(&text[..2], 16).ok()?;
        let hi = u64::from_str_radix(&text[2..18], 16).ok()?;
        let lo = u64::from_str_radix(&text[18..], 16).ok()?;
        Some(SessionId {
            core,
            random: [hi, lo],
        })
    }

    /// The random part: the registry's key.
    pub(crate) fn key(&self) -> [u64; 2] {
        self.random
    }

    /// The index of the core that owns the session.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SessionId;
    /// // A resume names the core that owns the session, so it is routed there.
    /// let id = SessionId::generate(7).unwrap();
    /// assert_eq!(SessionId::parse(&id.to_string()).unwrap().core(), 7);
    /// ```
    pub fn core(&self) -> usize {
        usize::from(self.core)
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02x}{:016x}{:016x}",
            self.core, self.random[0], self.random[1]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let a = SessionId::generate(0).unwrap();
        let b = SessionId::generate(0).unwrap();
        assert_ne!(a, b);
        let text = "07000102030405060708090a0b0c0d0eff";
        let id = SessionId::parse(text).unwrap();
        assert_eq!((id.core(), id.to_string()), (7, text.to_string()));
        for id in [a, b] {
            assert_eq!(SessionId::parse(&id.to_string()), Some(id));
        }
        for bad in ["", "zz", &"0".repeat(33), &"g".repeat(34), &format!("{a}0")] {
            assert_eq!(SessionId::parse(bad), None, "{bad}");
        }
    }
}
