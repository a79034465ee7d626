//! The one place that decides what a value becomes in the DOM, for the first paint (SSR)
//! and for patches (the diff, before any sink) alike: so that a patched page equals a first
//! paint of the same tree.
//!
//! - Texts and attribute and property values: NUL becomes U+FFFD (the HTML parser never
//!   keeps a NUL: it drops it in text and turns it into U+FFFD elsewhere; the DOM API would
//!   keep it, so a patch must not send one).
//! - Text in a raw-text element (`<script>`, `<style>`, ...), where the first paint cannot
//!   use references: CR LF and CR become LF (as the parser's input stream does), and the
//!   sequences that would end the element are defused (see [`RawKind`]).
//! - URL-valued attributes refuse script-capable URLs (`vdom::url`) unless the value is
//!   [`AttrValue::Trusted`](crate::vdom::AttrValue::Trusted); so does the attribute an
//!   optimistic update (`data-opt-attr="name=value"`) makes the client set.
//! - Attribute names: see `vdom::names`.
//!
//! Refusals are logged (`vdom::refusal`). Touches `vdom::{ns, url, names, refusal}` only.

use std::borrow::Cow;

use crate::vdom::names::{is_reserved, is_valid_attr_name};
use crate::vdom::ns::{Content, RawKind};
use crate::vdom::refusal::{refused, Refusal};
use crate::vdom::url::{refuses, url_kind, REFUSED_URL};

/// What U+0000 becomes, in texts and values.
///
/// # Examples
///
/// ```
/// use vango::vdom::normal::{no_nul, NUL_REPLACEMENT};
/// assert_eq!(no_nul("\0"), NUL_REPLACEMENT);
/// ```
pub const NUL_REPLACEMENT: &str = "\u{FFFD}";

/// `s` with every NUL replaced by U+FFFD (borrowed when it has none).
///
/// # Examples
///
/// ```
/// use vango::vdom::normal::no_nul;
/// assert_eq!(no_nul("a\0b"), "a\u{FFFD}b");
/// assert!(matches!(no_nul("ab"), std::borrow::Cow::Borrowed(_)));
/// ```
pub fn no_nul(s: &str) -> Cow<'_, str> {
    if s.as_bytes().contains(&0) {
        Cow::Owned(s.replace('\0', NUL_REPLACEMENT))
    } else {
        Cow::Borrowed(s)
    }
}

/// The value both paths write for attribute `name` (already in the spelling of
/// `vdom::names::attr_name`) of element `tag`: NUL replaced and, unless `trusted`, a
/// script URL in a URL-valued attribute refused (replaced by
/// [`crate::vdom::url::REFUSED_URL`]).
///
/// # Examples
///
/// ```
/// use vango::vdom::normal::attr_value;
/// assert_eq!(attr_value("a", "href", " JaVa\tScRiPt:x", false), "about:invalid#zvangoz");
/// assert_eq!(attr_value("a", "href", "javascript:x", true), "javascript:x");
/// assert_eq!(attr_value("a", "title", "javascript:x\0", false), "javascript:x\u{FFFD}");
/// ```
pub fn attr_value<'a>(tag: &str, name: &str, value: &'a str, trusted: bool) -> Cow<'a, str> {
    match checked_value(tag, name, value, trusted) {
        Cow::Borrowed(v) => no_nul(v),
        Cow::Owned(v) => Cow::Owned(no_nul(&v).into_owned()),
    }
}

/// [`attr_value`] before NUL is replaced: what the first paint hands its escaper, which
/// replaces NUL itself in the same pass. Both paths check the value as given, where a NUL
/// counts as a C0 control (so `"\0javascript:"` is refused, although the browser would get
/// a harmless `"\u{FFFD}javascript:"`).
///
/// # Examples
///
/// ```
/// use vango::vdom::normal::checked_value;
/// assert_eq!(checked_value("a", "href", "javascript:alert(1)", false), "about:invalid#zvangoz");
/// assert_eq!(checked_value("a", "title", "x\0", false), "x\0", "NUL is left to the escaper");
/// ```
#[inline]
pub fn checked_value<'a>(tag: &str, name: &str, value: &'a str, trusted: bool) -> Cow<'a, str> {
    if trusted {
        return Cow::Borrowed(value);
    }
    if let Some(kind) = url_kind(tag, name) {
        if refuses(kind, value) {
            refused(Refusal::ScriptUrl, value);
            return Cow::Borrowed(REFUSED_URL);
        }
    } else if name == "data-opt-attr" {
        return optimistic_attr(tag, value);
    }
    Cow::Borrowed(value)
}

/// `data-opt-attr="name=value"` makes the client set that attribute when an event is sent:
/// the same rules hold for it. An invalid or reserved name (which `setAttribute` would
/// throw on, or which would confuse the client) empties the marker; a script URL for a
/// URL-valued name is refused as on the attribute itself.
fn optimistic_attr<'a>(tag: &str, value: &'a str) -> Cow<'a, str> {
    let Some((n, v)) = value.split_once('=') else {
        refused(Refusal::InvalidName, value);
        return Cow::Borrowed("");
    };
    if !is_valid_attr_name(n) || is_reserved(n) {
        refused(Refusal::InvalidName, n);
        return Cow::Borrowed("");
    }
    match url_kind(tag, &n.to_ascii_lowercase()) {
        Some(kind) if refuses(kind, v) => {
            refused(Refusal::ScriptUrl, v);
            Cow::Owned(format!("{n}={REFUSED_URL}"))
        }
        _ => Cow::Borrowed(value),
    }
}

/// The text the DOM holds after the parser reads text `s` in an element whose content is
/// `content`: what a SetText must send so that the patched node equals a first paint's.
///
/// # Examples
///
/// ```
/// use vango::vdom::normal::text;
/// use vango::vdom::ns::{Content, RawKind};
/// assert_eq!(text(Content::Normal, "a\0b\r\n"), "a\u{FFFD}b\r\n");
/// assert_eq!(text(Content::Raw(RawKind::Style), "a\r\n</style>"), "a\n\\3C/style>");
/// ```
pub fn text(content: Content, s: &str) -> Cow<'_, str> {
    match content {
        Content::Normal | Content::Escapable => no_nul(s),
        Content::Raw(kind) => {
            if !s.bytes().any(|b| matches!(b, 0 | b'\r' | b'<')) {
                return Cow::Borrowed(s);
            }
            let mut out = String::with_capacity(s.len() + 8);
            raw_text(s, kind, &mut |p| out.push_str(p));
            if out == s {
                Cow::Borrowed(s)
            } else {
                Cow::Owned(out)
            }
        }
    }
}

/// Writes, piece by piece into `put`, the text of a raw-text element: character references
/// do not work there, so the first paint writes the DOM text itself. NUL becomes U+FFFD,
/// CR LF and CR become LF, and the `<` of a sequence that would end the element (or, in a
/// script, enter the escaped states) is replaced (see [`RawKind`]).
///
/// # Examples
///
/// ```
/// use vango::vdom::normal::raw_text;
/// use vango::vdom::ns::RawKind;
/// let mut out = String::new();
/// raw_text("a\r\nb</script>", RawKind::Script, &mut |p| out.push_str(p));
/// assert_eq!(out, "a\nb\\x3C/script>");
/// ```
pub fn raw_text(s: &str, kind: RawKind, put: &mut impl FnMut(&str)) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let rep: Option<&str> = match bytes[i] {
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
                put(&s[start..i]);
            }
            put(r);
            start = i + 1;
        }
        i += 1;
    }
    if start < bytes.len() {
        put(&s[start..]);
    }
}

fn starts_ci(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay[..prefix.len()].eq_ignore_ascii_case(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str, k: RawKind) -> String {
        let mut o = String::new();
        raw_text(s, k, &mut |p| o.push_str(p));
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

    /// The first paint hands its escaper `checked_value` (which replaces NUL), patches
    /// send `attr_value`: the same value once NUL is replaced.
    #[test]
    fn both_paths_check_the_same_way() {
        for v in [
            "\0javascript:x",
            "java\0script:x",
            "data:image/png\0,x",
            "a.png 1x,\0javascript:x",
            "href=\0javascript:x",
            "href=javascript:\0",
            "plain\0",
        ] {
            for (tag, name) in [("a", "href"), ("img", "srcset"), ("a", "data-opt-attr")] {
                let ssr = checked_value(tag, name, v, false);
                assert_eq!(
                    no_nul(&ssr),
                    attr_value(tag, name, v, false),
                    "{name}={v:?}"
                );
            }
        }
        assert_eq!(
            attr_value("a", "href", "\0javascript:x", false),
            REFUSED_URL
        );
    }

    #[test]
    fn text_borrows_when_unchanged() {
        let k = Content::Raw(RawKind::Script);
        assert!(matches!(text(k, "a < b"), Cow::Borrowed(_)));
        assert!(matches!(text(Content::Normal, "a\r"), Cow::Borrowed(_)));
        assert_eq!(text(k, "a\rb"), "a\nb");
    }
}
