//! HTML5 escaping for text, attribute values and raw-text elements.
//!
//! Touches `render::out` and `vdom::{normal, ns}` (what a value becomes in the DOM is
//! decided there, for patches too). The rules (and why) are documented on the `render`
//! module; the property tests in `tests/escape.rs` check them against a spec parser.

use super::out::Out;
use crate::vdom::normal::{self, NUL_REPLACEMENT};
use crate::vdom::ns::RawKind;

/// Escapes text content (data or RCDATA such as `<textarea>`/`<title>`).
#[inline]
pub(crate) fn text<O: Out>(o: &mut O, s: &str) {
    escape_with(o, s, b"&<>\0\r", |b| match b {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        0 => NUL_REPLACEMENT,
        // A literal CR would be normalized to LF by the parser; a reference survives.
        _ => "&#13;",
    });
}

/// Escapes a double-quoted attribute value. `<` and `>` are escaped too, as browsers now
/// do when serializing, so that no re-parse of the value can start markup.
#[inline]
pub(crate) fn attr<O: Out>(o: &mut O, s: &str) {
    escape_with(o, s, b"&\"<>\0\r", |b| match b {
        b'&' => "&amp;",
        b'"' => "&quot;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        0 => NUL_REPLACEMENT,
        _ => "&#13;",
    });
}

/// Whether any byte of the 8-byte word `w` equals `b` (the classic SWAR zero-byte test).
#[inline(always)]
fn has_byte(w: u64, b: u8) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let x = w ^ (LO * b as u64);
    (x.wrapping_sub(LO) & !x & HI) != 0
}

/// Writes `s`, replacing each byte of `special` (all ASCII) with `rep(byte)`. Runs of plain
/// text are skipped eight bytes at a time: most text has nothing to escape.
#[inline(always)]
fn escape_with<O: Out, const N: usize>(
    o: &mut O,
    s: &str,
    special: &[u8; N],
    rep: impl Fn(u8) -> &'static str,
) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            if !special.iter().any(|&b| has_byte(w, b)) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        // Every byte we replace is ASCII, so `start..i` always falls on char boundaries.
        if special.contains(&b) {
            if start < i {
                o.put(&s[start..i]);
            }
            o.put(rep(b));
            start = i + 1;
        }
        i += 1;
    }
    if start < bytes.len() {
        o.put(&s[start..]);
    }
}

/// Writes the text of a raw-text element: the DOM text itself, as `vdom::normal` decides
/// it for the first paint and patches alike (references do not work there).
pub(crate) fn raw_text<O: Out>(o: &mut O, s: &str, kind: RawKind) {
    normal::raw_text(s, kind, &mut |p| o.put(p));
}

/// Appends `s` escaped as HTML text content: `&` `<` `>` become references, CR becomes
/// `&#13;` (so it is not normalized away) and NUL becomes U+FFFD.
///
/// # Examples
///
/// ```
/// let mut out = String::new();
/// vango::render::escape_text("a < b & c\r\n", &mut out);
/// assert_eq!(out, "a &lt; b &amp; c&#13;\n");
/// ```
pub fn escape_text(s: &str, out: &mut String) {
    text(out, s);
}

/// Appends `s` escaped for a double-quoted attribute value: `&` `"` `<` `>` become
/// references, CR becomes `&#13;` and NUL becomes U+FFFD.
///
/// # Examples
///
/// ```
/// let mut out = String::new();
/// vango::render::escape_attr(r#"say "hi" & <go>"#, &mut out);
/// assert_eq!(out, "say &quot;hi&quot; &amp; &lt;go&gt;");
/// ```
pub fn escape_attr(s: &str, out: &mut String) {
    attr(out, s);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_scan_matches_reference() {
        let seed = fastrand::u64(..);
        let mut rng = fastrand::Rng::with_seed(seed);
        let pool = [
            'a', '&', '<', '>', '"', '\0', '\r', 'é', '😀', '\u{80}', '\u{ff}', ' ',
        ];
        for _ in 0..3000 {
            let len = rng.usize(0..40);
            let s: String = (0..len)
                .map(|_| {
                    if rng.u8(0..4) == 0 {
                        pool[rng.usize(..pool.len())]
                    } else {
                        rng.alphanumeric()
                    }
                })
                .collect();
            let (mut t, mut a) = (String::new(), String::new());
            for c in s.chars() {
                let common = match c {
                    '&' => "&amp;",
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '\0' => "\u{FFFD}",
                    '\r' => "&#13;",
                    _ => "",
                };
                if common.is_empty() {
                    t.push(c);
                } else {
                    t.push_str(common);
                }
                match c {
                    '"' => a.push_str("&quot;"),
                    _ if common.is_empty() => a.push(c),
                    _ => a.push_str(common),
                }
            }
            let mut got = String::new();
            escape_text(&s, &mut got);
            assert_eq!(got, t, "seed {seed} {s:?}");
            let mut got = String::new();
            escape_attr(&s, &mut got);
            assert_eq!(got, a, "seed {seed} {s:?}");
        }
    }
}
