//! The bridge's wire: message framing on the pub/sub channel and the Lua script that
//! numbers writes in Redis. Pure functions; touches nothing but its arguments.
//!
//! A message is `VG1 <key> <version> <node>\n<value bytes>`; the value bytes are the
//! global's [`Persist`](crate::features::persist::Persist) encoding. The `VG1` tag is the
//! wire version: a node ignores (and logs) a message with any other tag, so two releases
//! with different encodings never misread each other during a rolling upgrade.

/// The wire version tag every message starts with.
///
/// # Examples
///
/// ```
/// assert!(b"VG1 board 7 a\nx".starts_with(vango::features::redis::wire::TAG.as_bytes()));
/// ```
pub const TAG: &str = "VG1";

/// The write script. `KEYS[1]`: the global's hash (`v`: version, `d`: value bytes).
/// `ARGV`: value, the writer's highest known version (its floor), channel, `TAG key`, node,
/// and `1` for a reseed (after Redis lost the key), else `0`. A reseed writes only if
/// Redis still knows less than the writer (returning 0 otherwise), so a node putting its
/// value back never overwrites a write another node made since Redis returned.
///
/// The new version is `max(stored, floor) + 1`, so versions never go backwards, even when
/// Redis restarted empty and a node that saw version 50 writes first. Storing and
/// publishing in one script makes Redis's order the one order every node applies.
///
/// # Examples
///
/// ```
/// use vango::features::redis::wire::WRITE_SCRIPT;
/// assert!(WRITE_SCRIPT.contains("PUBLISH")); // what `SCRIPT LOAD` is given
/// ```
pub const WRITE_SCRIPT: &str = r#"
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
local floor = tonumber(ARGV[2])
if ARGV[6] == '1' and v ~= 0 and v >= floor then return 0 end
if floor > v then v = floor end
v = v + 1
redis.call('HSET', KEYS[1], 'v', v, 'd', ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[4] .. ' ' .. v .. ' ' .. ARGV[5] .. '\n' .. ARGV[1])
return v
"#;

/// One decoded message.
///
/// # Examples
///
/// ```
/// use vango::features::redis::wire::{decode, Message};
/// let m: Message<'_> = decode(b"VG1 board 7 a\nxy").unwrap();
/// assert_eq!((m.key, m.version, m.node, m.value), ("board", 7, "a", &b"xy"[..]));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Message<'a> {
    /// The global's key.
    pub key: &'a str,
    /// Its version in Redis.
    pub version: u64,
    /// The node that wrote it.
    pub node: &'a str,
    /// The value's bytes.
    pub value: &'a [u8],
}

/// Why a message was ignored.
///
/// # Examples
///
/// ```
/// use vango::features::redis::wire::{decode, BadMessage};
/// assert_eq!(decode(b"VG2 board 7 a\nx"), Err(BadMessage::Version("VG2".into())));
/// assert_eq!(decode(b"noise"), Err(BadMessage::Malformed));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum BadMessage {
    /// Another wire version (the tag it carried, cut to 16 bytes).
    Version(String),
    /// Not a message at all.
    Malformed,
}

/// Parses a message; never panics on any input.
///
/// # Examples
///
/// ```
/// use vango::features::redis::wire::decode;
/// assert_eq!(decode(b"VG1 n 3 node-b\n\x01").unwrap().version, 3);
/// assert!(decode(b"\xff\xfe").is_err());
/// ```
pub fn decode(payload: &[u8]) -> Result<Message<'_>, BadMessage> {
    let nl = payload
        .iter()
        .position(|&b| b == b'\n')
        .ok_or(BadMessage::Malformed)?;
    let head = std::str::from_utf8(&payload[..nl]).map_err(|_| BadMessage::Malformed)?;
    let mut parts = head.split(' ');
    let tag = parts.next().unwrap_or("");
    if tag != TAG {
        return Err(BadMessage::Version(tag.chars().take(16).collect()));
    }
    let (Some(key), Some(version), Some(node), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BadMessage::Malformed);
    };
    let version = version.parse().map_err(|_| BadMessage::Malformed)?;
    Ok(Message {
        key,
        version,
        node,
        value: &payload[nl + 1..],
    })
}

/// Whether `name` may be a key or node name: it travels space-separated in the header.
///
/// # Examples
///
/// ```
/// use vango::features::redis::wire::valid_name;
/// assert!(valid_name("vango:board-1"));
/// assert!(!valid_name("a b") && !valid_name(""));
/// ```
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.:".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_refuses() {
        let m = decode(b"VG1 board 7 a\n\x00\x01").unwrap();
        assert_eq!(
            (m.key, m.version, m.node, m.value),
            ("board", 7, "a", &[0u8, 1][..])
        );
        assert_eq!(
            decode(b"VG2 board 7 a\nx"),
            Err(BadMessage::Version("VG2".into()))
        );
        for bad in [
            &b""[..],
            b"VG1",
            b"VG1 k x a\n",
            b"VG1 k 1\n",
            b"VG1 k 1 a b\n",
            b"\xff\n",
        ] {
            assert_eq!(decode(bad), Err(BadMessage::Malformed), "{bad:?}");
        }
        assert!(valid_name("vango:board-1") && !valid_name("a b") && !valid_name(""));
    }
}
