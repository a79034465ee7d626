//! The name/value lists of a [`PageRequest`](super::PageRequest) (route parameters,
//! headers) packed into one string and a table of where each name and value ends, and
//! its cookies as ranges of that string. Touches nothing else.
//!
//! Every live session keeps its page's request for as long as it is open: one block for
//! the text and one for the offsets, instead of two strings a pair and a vector, and the
//! cookies read in place from the `Cookie` headers instead of a second copy of them.

use std::fmt;

/// Name/value pairs in one string: pair `i` is `text[ends[i-1].1..ends[i].0]` (name) and
/// `text[ends[i].0..ends[i].1]` (value).
#[derive(Clone, Default)]
pub(super) struct Pairs {
    text: Box<str>,
    ends: Box<[(u32, u32)]>,
}

impl Pairs {
    /// Packs `pairs`, in order, in two blocks of their exact sizes (no block grows on the
    /// way: a session's blocks are then all it leaves behind). Requests are far below
    /// 4 GiB; a longer list is cut at the last pair that fits.
    pub(super) fn new(pairs: &[(String, String)]) -> Pairs {
        let mut len = 0;
        let fit = pairs
            .iter()
            .take_while(|(n, v)| {
                len += n.len() + v.len();
                len <= u32::MAX as usize
            })
            .count();
        let pairs = &pairs[..fit];
        let mut text = String::with_capacity(pairs.iter().map(|(n, v)| n.len() + v.len()).sum());
        let mut ends = Vec::with_capacity(fit);
        for (n, v) in pairs {
            text.push_str(n);
            let name_end = text.len() as u32;
            text.push_str(v);
            ends.push((name_end, text.len() as u32));
        }
        Pairs {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// The pairs, in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&(n, v)| {
            let (n, v) = (n as usize, v as usize);
            let pair = (&self.text[start..n], &self.text[n..v]);
            start = v;
            pair
        })
    }

    /// The `Cookie` headers' cookies (`name=value`, `;`-separated, a quoted value
    /// unquoted), as ranges of this list's text: name start and end, value start and end.
    pub(super) fn cookie_ranges(&self) -> Box<[[u32; 4]]> {
        let base = self.text.as_ptr() as usize;
        // Each piece is a slice of `self.text`, so its offset is its address minus the base.
        let at = |s: &str| (s.as_ptr() as usize - base) as u32;
        let range = |s: &str| [at(s), at(s) + s.len() as u32];
        let ranges = || {
            self.iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
                .flat_map(|(_, v)| v.split(';'))
                .filter_map(move |c| {
                    let (k, v) = c.split_once('=')?;
                    let v = v.trim();
                    let v = v
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or(v);
                    let ([ks, ke], [vs, ve]) = (range(k.trim()), range(v));
                    Some([ks, ke, vs, ve])
                })
        };
        // Counted first, so the block is made at its size.
        let mut out = Vec::with_capacity(ranges().count());
        out.extend(ranges());
        out.into_boxed_slice()
    }

    /// The text of a range made by [`cookie_ranges`](Self::cookie_ranges).
    pub(super) fn slice(&self, start: u32, end: u32) -> &str {
        &self.text[start as usize..end as usize]
    }
}

impl fmt::Debug for Pairs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Pairs;

    #[test]
    fn pairs_come_back_in_order_and_cookies_are_ranges_of_the_header() {
        // Empty names and values, and text that is not ASCII, keep their boundaries.
        let list = [
            ("", "x"),
            ("Cookie", " a=1; b=\"two\" ;c=; =d"),
            ("é", ""),
            ("cookie", "e=ü"),
        ];
        let owned: Vec<(String, String)> = list
            .iter()
            .map(|&(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let p = Pairs::new(&owned);
        assert_eq!(p.iter().collect::<Vec<_>>(), list);
        let cookies: Vec<(&str, &str)> = p
            .cookie_ranges()
            .iter()
            .map(|r| (p.slice(r[0], r[1]), p.slice(r[2], r[3])))
            .collect();
        assert_eq!(
            cookies,
            [("a", "1"), ("b", "two"), ("c", ""), ("", "d"), ("e", "ü")]
        );
        assert_eq!(Pairs::default().iter().count(), 0);
        assert_eq!(Pairs::new(&[]).iter().count(), 0);
    }

    /// The cookies as the request kept them before they became ranges: a second copy.
    fn copied(headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|c| {
                let (k, v) = c.split_once('=')?;
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v);
                Some((k.trim().to_owned(), v.to_owned()))
            })
            .collect()
    }

    #[test]
    fn random_headers_read_the_same_as_copied_pairs() {
        let mut rng = fastrand::Rng::with_seed(14);
        let alphabet = ['a', 'b', '=', ';', '"', ' ', '\t', 'é', 'C'];
        let word = |rng: &mut fastrand::Rng| -> String {
            let n = rng.usize(0..12);
            (0..n)
                .map(|_| alphabet[rng.usize(..alphabet.len())])
                .collect()
        };
        for _ in 0..5_000 {
            let mut headers: Vec<(String, String)> = Vec::new();
            for _ in 0..rng.usize(0..5) {
                let name = match rng.u8(0..3) {
                    0 => "Cookie".to_owned(),
                    1 => "cookie".to_owned(),
                    _ => word(&mut rng),
                };
                headers.push((name, word(&mut rng)));
            }
            let p = Pairs::new(&headers);
            let back: Vec<(String, String)> = p
                .iter()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect();
            assert_eq!(back, headers);
            let cookies: Vec<(String, String)> = p
                .cookie_ranges()
                .iter()
                .map(|r| {
                    (
                        p.slice(r[0], r[1]).to_owned(),
                        p.slice(r[2], r[3]).to_owned(),
                    )
                })
                .collect();
            assert_eq!(cookies, copied(&headers), "{headers:?}");
        }
    }
}
