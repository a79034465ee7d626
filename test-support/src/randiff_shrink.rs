//! Randomized differential test shrinking: the one-step reductions of a failing case.
//!
//! A failing case `(seed, index)` is reduced
//! by removing subtrees (of A, or of what an edit brings in) and dropping edits. The
//! browser is the oracle, so the shrinker only proposes: [`candidates`] lists the one-step
//! reductions of a [`Shrink`], the test keeps the first that still fails and asks again.
//! A `Shrink` travels in a URL path (`removed/dropped`). Touches only the model.

use crate::randiff::{walk, Case, Node};
use crate::randiff_edit::{remove, Edit};

/// What was taken out of a case: the uids of removed nodes, the indices of dropped edits.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Shrink {
    pub removed: Vec<u32>,
    pub dropped: Vec<usize>,
}

fn list<T: ToString>(v: &[T]) -> String {
    if v.is_empty() {
        return "-".into();
    }
    v.iter().map(T::to_string).collect::<Vec<_>>().join(".")
}

fn parse_list<T: std::str::FromStr>(s: &str) -> Option<Vec<T>> {
    if s == "-" {
        return Some(Vec::new());
    }
    s.split('.').map(|p| p.parse().ok()).collect()
}

impl Shrink {
    /// Reads the two path segments written by [`Shrink::path`].
    ///
    /// # Examples
    ///
    /// ```
    /// use vango_test_support::randiff_shrink::Shrink;
    /// let s = Shrink { removed: vec![3, 9], dropped: vec![] };
    /// assert_eq!(s.path(), "3.9/-");
    /// assert_eq!(Shrink::parse("3.9", "-"), Some(s));
    /// assert_eq!(Shrink::parse("x", "-"), None);
    /// ```
    pub fn parse(removed: &str, dropped: &str) -> Option<Shrink> {
        Some(Shrink {
            removed: parse_list(removed)?,
            dropped: parse_list(dropped)?,
        })
    }

    /// The two path segments: removed uids and dropped edits, `.`-separated, `-` if none.
    pub fn path(&self) -> String {
        format!("{}/{}", list(&self.removed), list(&self.dropped))
    }

    /// `base` with the removals and drops applied. An edit whose inserted node was removed
    /// is dropped; a replacement whose new node was removed becomes a removal.
    pub fn apply(&self, base: &Case) -> Case {
        let mut a = base.a.clone();
        for &u in &self.removed {
            remove(&mut a, u);
        }
        let edits = base
            .edits
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.dropped.contains(i))
            .filter_map(|(_, e)| {
                let mut e = e.clone();
                let target = match &e {
                    Edit::Replace { uid, .. } => Some(*uid),
                    _ => None,
                };
                if let Some(p) = e.payload_mut() {
                    let mut v = vec![p.clone()];
                    for &u in &self.removed {
                        remove(&mut v, u);
                    }
                    match (v.pop(), target) {
                        (Some(n), _) => *p = n,
                        (None, Some(uid)) => return Some(Edit::Remove { uid }),
                        (None, None) => return None,
                    }
                }
                Some(e)
            })
            .collect();
        Case { a, edits }
    }
}

/// The one-step reductions of `s` that change the case: drop one more edit, then remove
/// one more node of A (outer first), then one more node an edit brings in.
///
/// # Examples
///
/// ```
/// use vango_test_support::randiff::case;
/// use vango_test_support::randiff_shrink::{candidates, Shrink};
/// let base = case(1, 0);
/// let c = candidates(&base, &Shrink::default());
/// assert!(!c.is_empty());
/// assert!(c.iter().all(|s| s.apply(&base) != base));
/// ```
pub fn candidates(base: &Case, s: &Shrink) -> Vec<Shrink> {
    let cur = s.apply(base);
    let mut out = Vec::new();
    for i in 0..base.edits.len() {
        if !s.dropped.contains(&i) {
            let mut t = s.clone();
            t.dropped.push(i);
            out.push(t);
        }
    }
    let mut nodes: Vec<&Node> = Vec::new();
    walk(&cur.a, &mut nodes);
    for e in &cur.edits {
        if let Some(p) = e.payload() {
            walk(std::slice::from_ref(p), &mut nodes);
        }
    }
    for n in nodes {
        let mut t = s.clone();
        t.removed.push(n.uid);
        out.push(t);
    }
    out.retain(|t| t.apply(base) != cur);
    out
}
