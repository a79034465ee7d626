//! HTML5 escaping for text, attribute values, raw-text elements and attribute names.
//!
//! Touches nothing but `render::out`. The rules (and why) are documented on the `render`
//! module; the property tests in `tests/escape.rs` check them against a spec parser.

use super::out::Out;

/// Replacement written for U+0000: the HTML parser never keeps a NUL in the DOM (it drops
/// it in text, or turns it into U+FFFD), so we write U+FFFD everywhere, consistently.
const NUL_REPLACEMENT: &str = "\u{FFFD}";

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

/// Which raw-text element a text is written into.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum RawKind {
    /// `<script>`: `<` of `<!--`, `<script`, `</script` becomes `\x3C` (a JS escape).
    Script,
    /// `<style>`: `<` of `</style` becomes `\3C` (a CSS escape).
    Style,
    /// `<xmp>`, `<iframe>`, `<noembed>`, `<noframes>`: `<` of `</tag` becomes `&lt;`
    /// (shown literally: these elements are obsolete or never display their content).
    Other(&'static str),
}

/// Writes the text of a raw-text element. Character references do not work there, so
/// only the sequences that would end the element (or, in a script, enter the escaped
/// states) are defused; NUL becomes U+FFFD and CR / CR LF become LF, as the parser would
/// do anyway (JS and CSS treat them alike).
pub(crate) fn raw_text<O: Out>(o: &mut O, s: &str, kind: RawKind) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let rep: Option<&str> = match b {
            0 => Some(NUL_REPLACEMENT),
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    Some("")
                } else {
                    Some("\n")
                }
            }
            b'<' => {
                let rest = &bytes[i..];
                match kind {
                    RawKind::Script
                        if starts_ci(rest, b"</script")
                            || starts_ci(rest, b"<script")
                            || rest.starts_with(b"<!--") =>
                    {
                        Some("\\x3C")
                    }
                    RawKind::Style if starts_ci(rest, b"</style") => Some("\\3C"),
                    RawKind::Other(tag)
                        if rest.len() >= 2 + tag.len()
                            && rest[1] == b'/'
                            && starts_ci(&rest[2..], tag.as_bytes()) =>
                    {
                        Some("&lt;")
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(r) = rep {
            if start < i {
                o.put(&s[start..i]);
            }
            o.put(r);
            start = i + 1;
        }
        i += 1;
    }
    if start < bytes.len() {
        o.put(&s[start..]);
    }
}

fn starts_ci(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Whether `name` can be written as an attribute name and read back unchanged by the HTML
/// parser and by `setAttribute` in the client: non-empty, with no ASCII whitespace, no
/// control character, and none of `"` `'` `<` `>` `/` `=`.
///
/// # Examples
///
/// ```
/// use vango::render::is_valid_attr_name;
///
/// assert!(is_valid_attr_name("data-user-id"));
/// assert!(is_valid_attr_name("aria-label"));
/// assert!(!is_valid_attr_name("on click"));
/// assert!(!is_valid_attr_name("x=\"y\""));
/// assert!(!is_valid_attr_name(""));
/// ```
pub fn is_valid_attr_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| !c.is_control() && !matches!(c, ' ' | '"' | '\'' | '<' | '>' | '/' | '='))
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

    fn raw(s: &str, k: RawKind) -> String {
        let mut o = String::new();
        raw_text(&mut o, s, k);
        o
    }

    #[test]
    fn script_defuses_end_and_comment_openers() {
        assert_eq!(
            raw("a</ScRiPt >b<!--c<script", RawKind::Script),
            "a\\x3C/ScRiPt >b\\x3C!--c\\x3Cscript"
        );
        assert_eq!(raw("1 < 2 && x</s", RawKind::Script), "1 < 2 && x</s");
        assert_eq!(raw("</style>", RawKind::Script), "</style>");
    }

    #[test]
    fn style_defuses_end_tag_only() {
        assert_eq!(raw("a>b</STYLE", RawKind::Style), "a>b\\3C/STYLE");
        assert_eq!(raw("<!--</script>", RawKind::Style), "<!--</script>");
    }

    #[test]
    fn other_raw_text() {
        assert_eq!(raw("</XMP></x", RawKind::Other("xmp")), "&lt;/XMP></x");
        assert_eq!(raw("</xm", RawKind::Other("xmp")), "</xm");
    }

    #[test]
    fn raw_text_line_endings_and_nul() {
        assert_eq!(raw("a\r\nb\rc\n\r", RawKind::Script), "a\nb\nc\n\n");
        assert_eq!(raw("\0é\0", RawKind::Style), "\u{FFFD}é\u{FFFD}");
    }

    /// The word-at-a-time scan must agree with a per-char reference everywhere.
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

    #[test]
    fn attr_names() {
        for bad in [
            "", "a b", "a\tb", "a\u{0}", "a\u{7f}", "a\u{85}", "a/", "=", "'", ">",
        ] {
            assert!(!is_valid_attr_name(bad), "{bad:?}");
        }
        for good in ["a", "data-x_y.z", "xlink:href", "viewBox", "@click", "ü"] {
            assert!(is_valid_attr_name(good), "{good:?}");
        }
    }
}
