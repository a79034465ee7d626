//! Fully static routes by whole path, hashed beside the trie; touches only its own table.
//!
//! An open-addressing table: a static page (the most common match) costs one hash and
//! one comparison.
//!
//! Sound because a fully static route that matches a path outranks every other route that
//! does (static beats parameter beats catch-all at the first segment where they differ).

use super::decode::{word4, word8};

/// Paths of fully static patterns, each with the trie node its routes end at.
#[derive(Default)]
pub(crate) struct Exact {
    /// Open addressing with linear probing: 0 is empty, else an index into `entries` + 1.
    /// At most half full; the length is a power of two.
    slots: Vec<u32>,
    entries: Vec<(Box<str>, u32)>,
}

impl Exact {
    /// Records `path`'s node (once per path: routes of one path share their node).
    pub(crate) fn insert(&mut self, path: &str, node: u32) {
        if self.get(path).is_some() {
            return;
        }
        self.entries.push((path.into(), node));
        if self.entries.len() * 2 > self.slots.len() {
            self.slots = vec![0; (self.entries.len() * 4).next_power_of_two()];
            for i in 0..self.entries.len() {
                self.place(i);
            }
        } else {
            self.place(self.entries.len() - 1);
        }
    }

    fn place(&mut self, entry: usize) {
        let mask = self.slots.len() - 1;
        let mut i = hash(self.entries[entry].0.as_bytes()) as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = entry as u32 + 1;
    }

    /// The node of the fully static pattern equal to `path`.
    pub(crate) fn get(&self, path: &str) -> Option<u32> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = hash(path.as_bytes()) as usize & mask;
        loop {
            let (p, node) = self
                .entries
                .get((*self.slots.get(i)? as usize).checked_sub(1)?)?;
            if **p == *path {
                return Some(*node);
            }
            i = (i + 1) & mask;
        }
    }
}

/// A fast non-cryptographic hash: FxHash's mixing over eight-byte words, the last word
/// (or the short input) read with overlapping loads instead of byte by byte. Request
/// paths are attacker-chosen but the table holds only the app's patterns: a colliding
/// path probes at most one cluster of them.
fn hash(b: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let n = b.len();
    let mut h = mix(0, n as u64);
    if n >= 8 {
        let mut chunks = b[..n - 1].chunks_exact(8);
        for c in &mut chunks {
            h = mix(h, word8(c));
        }
        h = mix(h, word8(&b[n - 8..]));
    } else if n >= 4 {
        h = mix(h, (word4(b) << 32) | word4(&b[n - 4..]));
    } else if n > 0 {
        h = mix(
            h,
            (b[0] as u64) | (b[n / 2] as u64) << 8 | (b[n - 1] as u64) << 16,
        );
    }
    // The low bits index the table; fold the well-mixed high bits into them.
    h ^ (h >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_inserted_path_and_nothing_else() {
        let mut e = Exact::default();
        assert_eq!(e.get("/"), None);
        for i in 0..500u32 {
            e.insert(&format!("/p{i}/x"), i);
            e.insert(&format!("/p{i}/x"), 9999);
        }
        for i in 0..500u32 {
            assert_eq!(e.get(&format!("/p{i}/x")), Some(i));
            assert_eq!(e.get(&format!("/p{i}/y")), None);
        }
        assert_eq!(e.entries.len(), 500);
        assert!(e.slots.len() >= 1000);
    }
}
