//! The `key -> new position` index of a keyed middle section, picked by the shape of the
//! keys: a direct table for dense integer keys (database ids, row numbers), a sorted
//! array for sparse integer keys, a SipHash map for string keys.
//!
//! Touches only `vdom::node`. No representation hashes attacker-chosen keys with a weak
//! hash: the table and the sorted array cannot degrade, the map keeps std's keyed hasher.

use std::collections::HashMap;

use crate::vdom::node::{Key, VNode};
use crate::vdom::walk::key_of;

const NONE: u32 = u32::MAX;

/// Where each key of a sibling list is.
pub(crate) enum KeyIndex<'a> {
    /// Integer keys within `min..min + slots.len()`: `slots[k - min]` is the position.
    Dense { min: u64, slots: &'a [u32] },
    /// Integer keys, sorted by key.
    Sorted(Vec<(u64, u32)>),
    /// Any keys.
    Hashed(HashMap<&'a Key, u32>),
}

/// A dense table may have at most this many slots per key (plus a small constant), so
/// its size stays proportional to the list.
const DENSE_SPREAD: u64 = 4;

impl<'a> KeyIndex<'a> {
    /// Indexes `nodes` (all keyed). `Err` when a node is unkeyed or a key repeats.
    /// `buf` is the (reused) storage of a dense table.
    pub(crate) fn build(nodes: &'a [VNode], buf: &'a mut Vec<u32>) -> Result<Self, ()> {
        let mut min = u64::MAX;
        let mut max = 0u64;
        let mut ints = true;
        for n in nodes {
            match key_of(n) {
                Some(Key::Int(k)) => {
                    min = min.min(*k);
                    max = max.max(*k);
                }
                Some(Key::Str(_)) => ints = false,
                None => return Err(()),
            }
        }
        if !ints || nodes.is_empty() {
            return Self::hashed(nodes);
        }
        let len = nodes.len() as u64;
        if max - min < len.saturating_mul(DENSE_SPREAD).saturating_add(16) {
            buf.clear();
            buf.resize((max - min + 1) as usize, NONE);
            for (j, n) in nodes.iter().enumerate() {
                if let Some(Key::Int(k)) = key_of(n) {
                    let slot = &mut buf[(k - min) as usize];
                    if *slot != NONE {
                        return Err(());
                    }
                    *slot = j as u32;
                }
            }
            return Ok(KeyIndex::Dense { min, slots: buf });
        }
        let mut sorted: Vec<(u64, u32)> = nodes
            .iter()
            .enumerate()
            .filter_map(|(j, n)| match key_of(n) {
                Some(Key::Int(k)) => Some((*k, j as u32)),
                _ => None,
            })
            .collect();
        sorted.sort_unstable_by_key(|&(k, _)| k);
        if sorted.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(());
        }
        Ok(KeyIndex::Sorted(sorted))
    }

    fn hashed(nodes: &'a [VNode]) -> Result<Self, ()> {
        let mut map = HashMap::with_capacity(nodes.len());
        for (j, n) in nodes.iter().enumerate() {
            let k = key_of(n).ok_or(())?;
            if map.insert(k, j as u32).is_some() {
                return Err(());
            }
        }
        Ok(KeyIndex::Hashed(map))
    }

    /// The position of `key`, if present.
    #[inline]
    pub(crate) fn get(&self, key: &Key) -> Option<u32> {
        match (self, key) {
            (KeyIndex::Dense { min, slots }, Key::Int(k)) => {
                let at = k.checked_sub(*min)?;
                let j = *slots.get(usize::try_from(at).ok()?)?;
                (j != NONE).then_some(j)
            }
            (KeyIndex::Sorted(v), Key::Int(k)) => {
                v.binary_search_by_key(k, |&(k, _)| k).ok().map(|i| v[i].1)
            }
            (KeyIndex::Hashed(m), k) => m.get(k).copied(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KeyIndex;
    use crate::vdom::node::{Element, Key, VNode};

    fn keyed(k: Key) -> VNode {
        let mut e = Element::new("li");
        e.key = Some(Box::new(k));
        VNode::Element(Box::new(e))
    }

    /// Every representation answers like a linear search, duplicates are refused.
    #[test]
    fn agrees_with_linear_search() {
        for seed in 0..3000u64 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let n = rng.usize(0..60);
            // Dense, nearly dense, sparse and full-range integer keys.
            let range = [n as u64 * 2 + 1, n as u64 * 6 + 20, 1 << 50, u64::MAX][rng.usize(0..4)];
            let base = [0u64, 1 << 40, u64::MAX - 1000][rng.usize(0..3)];
            let strings = rng.u8(0..8) == 0;
            let key = |rng: &mut fastrand::Rng| {
                let k = base.wrapping_add(rng.u64(0..range));
                if strings && rng.bool() {
                    Key::Str(format!("s{}", k % 50).into())
                } else {
                    Key::Int(k)
                }
            };
            let mut keys: Vec<Key> = (0..n).map(|_| key(&mut rng)).collect();
            if n > 1 && rng.u8(0..4) == 0 {
                let from = rng.usize(0..n);
                keys[rng.usize(0..n)] = keys[from].clone();
            }
            let nodes: Vec<VNode> = keys.iter().cloned().map(keyed).collect();
            let dup = (0..n).any(|i| keys[..i].contains(&keys[i]));
            let mut buf = Vec::new();
            match KeyIndex::build(&nodes, &mut buf) {
                Err(()) => assert!(dup, "seed {seed}: refused without a duplicate"),
                Ok(ix) => {
                    assert!(!dup, "seed {seed}: duplicate not caught");
                    for _ in 0..40 {
                        let probe = if n > 0 && rng.bool() {
                            keys[rng.usize(0..n)].clone()
                        } else {
                            key(&mut rng)
                        };
                        let want = keys.iter().position(|k| *k == probe).map(|j| j as u32);
                        assert_eq!(ix.get(&probe), want, "seed {seed}: {probe:?}");
                    }
                }
            }
        }
    }
}
