//! Session ids: 128 bits from the OS plus the index of the core that owns the session, and
//! in their text form the name of the node (process) that owns it, when the app has one.
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

/// Longest node name ([`valid_node`]): the name travels in every session id and in the
/// `vango_node` cookie a proxy routes on.
///
/// # Examples
///
/// ```
/// use vango::live::{valid_node, MAX_NODE_LEN};
/// assert!(valid_node(&"a".repeat(MAX_NODE_LEN)) && !valid_node(&"a".repeat(MAX_NODE_LEN + 1)));
/// ```
pub const MAX_NODE_LEN: usize = 16;

/// Whether `name` can name a node: 1 to [`MAX_NODE_LEN`] bytes of `[a-z0-9-]` (safe in a
/// cookie value, a session id and a proxy's configuration without quoting).
///
/// # Examples
///
/// ```
/// use vango::live::valid_node;
/// assert!(valid_node("a") && valid_node("eu-west-2"));
/// assert!(!valid_node("") && !valid_node("A") && !valid_node("a.b") && !valid_node(&"x".repeat(17)));
/// ```
pub fn valid_node(name: &str) -> bool {
    (1..=MAX_NODE_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The `Set-Cookie` value naming this process's node for a proxy to route on. Readable
/// by nobody but the proxy (`HttpOnly`), sent on same-site requests and top-level
/// navigations (`Lax`), for as long as the browser runs (a session's own lifetime).
///
/// # Examples
///
/// ```
/// assert_eq!(vango::live::node_cookie("a"), "vango_node=a; Path=/; SameSite=Lax; HttpOnly");
/// ```
pub fn node_cookie(node: &str) -> String {
    format!("vango_node={node}; Path=/; SameSite=Lax; HttpOnly")
}

impl SessionId {
    /// The text form naming `node` too: `node.` then the [`Display`](fmt::Display) form.
    /// With no node (`""`) it is the `Display` form, unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SessionId;
    /// let id = SessionId::generate(1).unwrap();
    /// let text = id.to_text("b");
    /// assert!(text.starts_with("b.01") && text.len() == 36);
    /// assert_eq!(SessionId::parse_text(&text), Some(("b", id)));
    /// assert_eq!(id.to_text(""), id.to_string());
    /// ```
    pub fn to_text(&self, node: &str) -> String {
        if node.is_empty() {
            self.to_string()
        } else {
            format!("{node}.{self}")
        }
    }

    /// Parses a text form of [`to_text`](Self::to_text): the node it names (`""` for
    /// none) and the id; `None` if malformed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::SessionId;
    /// let text = "eu-1.02000102030405060708090a0b0c0d0eff";
    /// let (node, id) = SessionId::parse_text(text).unwrap();
    /// assert_eq!((node, id.core(), id.to_text(node)), ("eu-1", 2, text.to_string()));
    /// assert_eq!(SessionId::parse_text("EU.02000102030405060708090a0b0c0d0eff"), None);
    /// ```
    pub fn parse_text(text: &str) -> Option<(&str, Self)> {
        match text.split_once('.') {
            Some((node, id)) if valid_node(node) => Some((node, Self::parse(id)?)),
            Some(_) => None,
            None => Some(("", Self::parse(text)?)),
        }
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

    #[test]
    fn node_text_round_trips_and_rejects_bad_nodes() {
        let id = SessionId::generate(2).unwrap();
        assert_eq!(SessionId::parse_text(&id.to_string()), Some(("", id)));
        let text = id.to_text("node-7");
        assert_eq!(text, format!("node-7.{id}"));
        assert_eq!(SessionId::parse_text(&text), Some(("node-7", id)));
        for bad in [
            format!(".{id}"),
            format!("A.{id}"),
            format!("a.b.{id}"),
            format!("{}.{id}", "x".repeat(17)),
            format!("a.{id}0"),
            "a.".to_string(),
        ] {
            assert_eq!(SessionId::parse_text(&bad), None, "{bad}");
        }
    }
}
