//! A UUID-shaped route parameter: 16 bytes as 8-4-4-4-12 hex; a pure value.

use std::fmt;
use std::str::FromStr;

/// 16 bytes written as `8-4-4-4-12` hex digits (`67e55044-10b1-426f-9247-bb680e5fe0c8`).
///
/// Checks the shape only, not the version or variant bits. Parses either case, displays
/// lowercase.
///
/// # Examples
///
/// ```
/// use vango::router::{Uuid, UuidError};
///
/// let id: Uuid = "67E55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap();
/// assert_eq!(id.to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
/// assert_eq!(id.as_bytes()[0], 0x67);
/// assert_eq!(Uuid::from_bytes(*id.as_bytes()), id);
/// assert_eq!("67e5504410b1426f9247bb680e5fe0c8".parse::<Uuid>(), Err(UuidError));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Uuid([u8; 16]);

impl Uuid {
    /// The UUID with these bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Uuid;
    /// let id = Uuid::from_bytes([0xab; 16]);
    /// assert_eq!(id.to_string(), "abababab-abab-abab-abab-abababababab");
    /// ```
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Uuid(bytes)
    }

    /// Its 16 bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Uuid;
    /// let id: Uuid = "00000000-0000-0000-0000-0000000000ff".parse().unwrap();
    /// assert_eq!(id.as_bytes()[15], 0xff);
    /// ```
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

/// A string that is not 36 characters of 8-4-4-4-12 hex digits and hyphens.
///
/// # Examples
///
/// ```
/// use vango::router::{Uuid, UuidError};
///
/// assert_eq!("not-a-uuid".parse::<Uuid>(), Err(UuidError));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UuidError;

impl fmt::Display for UuidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a UUID (8-4-4-4-12 hex digits)")
    }
}

impl std::error::Error for UuidError {}

/// Where the hyphens go.
const HYPHENS: [usize; 4] = [8, 13, 18, 23];

impl FromStr for Uuid {
    type Err = UuidError;

    fn from_str(s: &str) -> Result<Self, UuidError> {
        let b = s.as_bytes();
        if b.len() != 36 || HYPHENS.iter().any(|&i| b[i] != b'-') {
            return Err(UuidError);
        }
        let mut digits = b
            .iter()
            .enumerate()
            .filter(|(i, _)| !HYPHENS.contains(i))
            .map(|(_, &c)| (c as char).to_digit(16).ok_or(UuidError));
        let mut out = [0u8; 16];
        for byte in &mut out {
            let hi = digits.next().ok_or(UuidError)??;
            let lo = digits.next().ok_or(UuidError)??;
            *byte = ((hi << 4) | lo) as u8;
        }
        Ok(Uuid(out))
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uuid({self})")
    }
}
