//! CSRF tokens for the boot script, checked at the WebSocket's Hello.
//!
//! Touches only std's keyed SipHash and `getrandom`.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

/// CSRF tokens for the boot script: a random nonce and a keyed SipHash of it. The key is
/// random per process (std's `RandomState`, seeded from the OS), so a token from another
/// site or an earlier process does not verify. The Origin check at the upgrade is the
/// first line; this is the second.
#[derive(Clone, Debug)]
pub struct Csrf {
    key: RandomState,
}

impl Default for Csrf {
    fn default() -> Self {
        Csrf {
            key: RandomState::new(),
        }
    }
}

impl Csrf {
    /// A fresh token (32 hex digits).
    pub fn token(&self) -> Result<String, getrandom::Error> {
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce)?;
        let nonce = u64::from_le_bytes(nonce);
        Ok(format!("{nonce:016x}{:016x}", self.key.hash_one(nonce)))
    }

    /// Whether `token` was made by [`token`](Self::token) in this process.
    pub fn verify(&self, token: &str) -> bool {
        if token.len() != 32 {
            return false;
        }
        let (Ok(nonce), Ok(mac)) = (
            u64::from_str_radix(&token[..16], 16),
            u64::from_str_radix(&token[16..], 16),
        ) else {
            return false;
        };
        self.key.hash_one(nonce) == mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_verify_only_here() {
        let c = Csrf::default();
        let other = Csrf::default();
        let t = c.token().unwrap();
        assert!(c.verify(&t));
        assert!(!other.verify(&t));
        let mut forged = t.clone();
        forged.replace_range(31.., if t.ends_with('0') { "1" } else { "0" });
        assert!(!c.verify(&forged));
        assert!(!c.verify("short"));
    }
}
