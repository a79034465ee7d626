//! Longest increasing subsequence in O(n log n): which keyed children may stay in place.
//!
//! Touches nothing else.

/// Marks a longest strictly increasing subsequence of `seq` in `keep` (resized to
/// `seq.len()`): `keep[i]` is `true` when `seq[i]` belongs to it.
///
/// # Examples
///
/// ```
/// use vango::vdom::lis::lis;
/// let mut keep = Vec::new();
/// lis(&[3, 0, 1, 4, 2], &mut keep);
/// assert_eq!(keep, [false, true, true, false, true]);
/// ```
pub fn lis(seq: &[u32], keep: &mut Vec<bool>) {
    lis_in(seq, keep, &mut Vec::new(), &mut Vec::new());
}

/// [`lis`] with caller-owned scratch buffers `tails` and `prev` (contents ignored), so
/// that a diff reusing them allocates nothing.
pub(crate) fn lis_in(seq: &[u32], keep: &mut Vec<bool>, tails: &mut Vec<u32>, prev: &mut Vec<u32>) {
    keep.clear();
    keep.resize(seq.len(), false);
    if seq.is_empty() {
        return;
    }
    // tails[k]: index into seq of the smallest tail of an increasing run of length k+1.
    tails.clear();
    prev.clear();
    prev.resize(seq.len(), u32::MAX);
    for (i, &v) in seq.iter().enumerate() {
        // Extending the longest run is the common case (few moves): one compare instead
        // of a binary search, with the same result.
        let pos = match tails.last() {
            Some(&t) if seq[t as usize] >= v => tails.partition_point(|&t| seq[t as usize] < v),
            _ => tails.len(),
        };
        if pos > 0 {
            prev[i] = tails[pos - 1];
        }
        if pos == tails.len() {
            tails.push(i as u32);
        } else {
            tails[pos] = i as u32;
        }
    }
    let mut at = *tails.last().unwrap_or(&u32::MAX);
    while at != u32::MAX {
        keep[at as usize] = true;
        at = prev[at as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::lis;

    fn brute(seq: &[u32]) -> usize {
        // O(n^2) DP for the length.
        let mut best = vec![1usize; seq.len()];
        for i in 0..seq.len() {
            for j in 0..i {
                if seq[j] < seq[i] {
                    best[i] = best[i].max(best[j] + 1);
                }
            }
        }
        best.into_iter().max().unwrap_or(0)
    }

    #[test]
    fn matches_brute_force_and_is_increasing() {
        let mut keep = Vec::new();
        for seed in 0..2000u64 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let n = rng.usize(0..40);
            let mut seq: Vec<u32> = (0..n as u32 * 2).collect();
            rng.shuffle(&mut seq);
            seq.truncate(n);
            lis(&seq, &mut keep);
            let chosen: Vec<u32> = seq
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(v, _)| *v)
                .collect();
            assert!(chosen.windows(2).all(|w| w[0] < w[1]), "seed {seed}");
            assert_eq!(chosen.len(), brute(&seq), "seed {seed}: {seq:?}");
        }
    }
}
