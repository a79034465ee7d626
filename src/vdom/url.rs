//! URL-valued attributes and the script-capable URLs they refuse (`javascript:`,
//! `vbscript:`, and `data:` other than a non-SVG image), judged as the browser's URL parser
//! reads them: C0 controls and spaces trimmed, tabs and newlines dropped anywhere, the
//! scheme matched without ASCII case.
//!
//! Touches nothing. Used through `vdom::normal`, by SSR and the diff alike.

/// What a refused URL is replaced with: a URL that parses, loads nothing and runs nothing,
/// and that is easy to find in a page (`#zvangoz`).
///
/// # Examples
///
/// ```
/// use vango::vdom::{normal::attr_value, url::REFUSED_URL};
/// assert_eq!(attr_value("a", "href", "javascript:void(0)", false), REFUSED_URL);
/// ```
pub const REFUSED_URL: &str = "about:invalid#zvangoz";

/// How an attribute holds URLs.
///
/// # Examples
///
/// ```
/// use vango::vdom::url::{url_kind, UrlKind};
/// assert_eq!(url_kind("img", "src"), Some(UrlKind::One));
/// assert_eq!(url_kind("a", "ping"), Some(UrlKind::List));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UrlKind {
    /// The whole value is one URL (`href`, `src`, ...).
    One,
    /// A list (`srcset`, `ping`, an animation's `values`): every piece between ASCII
    /// whitespace, commas and semicolons is checked. That over-approximates each
    /// candidate's URL (a candidate starts after such a separator), so a list is refused
    /// whenever one of its candidates would be, and sometimes when none would.
    List,
}

/// Whether attribute `name` (as both paths spell it, see `vdom::names::attr_name`) of
/// element `tag` holds URLs a browser may load or navigate to.
///
/// # Examples
///
/// ```
/// use vango::vdom::url::{url_kind, UrlKind};
/// assert_eq!(url_kind("a", "href"), Some(UrlKind::One));
/// assert_eq!(url_kind("img", "srcset"), Some(UrlKind::List));
/// assert_eq!(url_kind("object", "data"), Some(UrlKind::One));
/// assert_eq!(url_kind("div", "data"), None);
/// assert_eq!(url_kind("a", "title"), None);
/// ```
#[inline]
pub fn url_kind(tag: &str, name: &str) -> Option<UrlKind> {
    // No URL-valued name has 5 or 9 bytes or more than 11 (`class`, `style`, `title` and
    // `value` leave at once: this runs for every attribute of every first paint).
    if matches!(name.len(), 0 | 1 | 5 | 9) || name.len() > 11 {
        return None;
    }
    match name {
        "href" | "src" | "action" | "formaction" | "poster" | "cite" | "background"
        | "manifest" | "xlink:href" | "longdesc" | "lowsrc" | "dynsrc" | "codebase" | "classid"
        | "icon" | "profile" => Some(UrlKind::One),
        "srcset" | "imagesrcset" | "ping" | "archive" => Some(UrlKind::List),
        "data" if tag.eq_ignore_ascii_case("object") => Some(UrlKind::One),
        // An SVG animation can put any of these into an `href`.
        "to" | "from" | "by" | "values" if is_animation(tag) => Some(UrlKind::List),
        _ => None,
    }
}

fn is_animation(tag: &str) -> bool {
    [
        "set",
        "animate",
        "animateMotion",
        "animateTransform",
        "animateColor",
    ]
    .iter()
    .any(|t| t.eq_ignore_ascii_case(tag))
}

/// Whether a value of `kind` must be refused: it holds a URL that would run script.
///
/// # Examples
///
/// ```
/// use vango::vdom::url::{refuses, UrlKind};
/// assert!(refuses(UrlKind::List, "a.png 1x, javascript:x 2x"));
/// assert!(!refuses(UrlKind::List, "a.png 1x, b.png 2x"));
/// ```
pub fn refuses(kind: UrlKind, value: &str) -> bool {
    match kind {
        UrlKind::One => runs_script(value),
        UrlKind::List => value
            .split(|c: char| c.is_ascii_whitespace() || c == ',' || c == ';')
            .any(runs_script),
    }
}

/// Whether `url` would run script when navigated to or loaded in a frame: its scheme,
/// after the URL parser's clean-up, is `javascript` or `vbscript`, or `data` with a type
/// that is not `image/…` (or is SVG, which may hold script).
///
/// # Examples
///
/// ```
/// use vango::vdom::url::runs_script;
/// assert!(runs_script("javascript:alert(1)"));
/// assert!(runs_script(" JaVa\tScRiPt:alert(1)"));
/// assert!(runs_script("\u{1}javascript:alert(1)"));
/// assert!(runs_script("data:text/html,<script>alert(1)</script>"));
/// assert!(runs_script("data:image/svg+xml,<svg/>"));
/// assert!(!runs_script("data:image/png;base64,AA=="));
/// assert!(!runs_script("/javascript:x"));
/// assert!(!runs_script("https://example.com/"));
/// ```
pub fn runs_script(url: &str) -> bool {
    // Leading and trailing C0 controls and spaces are trimmed; tabs and newlines are
    // removed anywhere (so "java\tscript:" is "javascript:").
    let url = url.trim_matches(|c: char| c <= ' ');
    let mut chars = url.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    let mut scheme = String::new();
    let mut colon = false;
    for c in chars.by_ref() {
        match c {
            ':' if !scheme.is_empty() => {
                colon = true;
                break;
            }
            'a'..='z' | 'A'..='Z' => scheme.push(c.to_ascii_lowercase()),
            '0'..='9' | '+' | '-' | '.' if !scheme.is_empty() => scheme.push(c),
            // Not a scheme: a relative URL, resolved against the page's own.
            _ => return false,
        }
        if scheme.len() > 16 {
            return false; // longer than any scheme we refuse
        }
    }
    if !colon {
        return false; // no scheme: a relative URL
    }
    match scheme.as_str() {
        "javascript" | "vbscript" => true,
        "data" => !is_plain_image(chars),
        _ => false,
    }
}

/// Whether the rest of a `data:` URL (after the colon) declares a non-SVG image type:
/// `image/` and a token subtype, before any parameter and the comma.
fn is_plain_image(rest: impl Iterator<Item = char>) -> bool {
    let mime: String = rest.take_while(|&c| c != ',').collect();
    let essence = mime.split(';').next().unwrap_or("");
    let essence = essence
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .to_ascii_lowercase();
    let Some(sub) = essence.strip_prefix("image/") else {
        return false;
    };
    !sub.is_empty()
        && !sub.contains("svg")
        && sub
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_url_name_passes_the_length_filter() {
        for name in [
            "href",
            "src",
            "action",
            "formaction",
            "poster",
            "cite",
            "background",
            "manifest",
            "xlink:href",
            "longdesc",
            "lowsrc",
            "dynsrc",
            "codebase",
            "classid",
            "icon",
            "profile",
            "srcset",
            "imagesrcset",
            "ping",
            "archive",
        ] {
            assert!(url_kind("x", name).is_some(), "{name}");
        }
        assert!(url_kind("object", "data").is_some());
        for name in ["to", "from", "by", "values"] {
            assert!(url_kind("animate", name).is_some(), "{name}");
        }
    }

    #[test]
    fn schemes() {
        for bad in [
            "javascript:",
            "JAVASCRIPT:x",
            "  javascript:x  ",
            "\u{0}javascript:x",
            "\u{1f}\u{20}javascript:x",
            "j\na\tv\ra\nscript:x",
            "vbscript:x",
            "data:",
            "data:,x",
            "data:text/html,x",
            "data: text/html,x",
            "data:image/svg+xml,x",
            "data:image/SVG+xml;base64,x",
            "data:image/,x",
            "data:image/png x,y",
            "data:image%2Fpng,x",
        ] {
            assert!(runs_script(bad), "{bad:?}");
        }
        for good in [
            "",
            "x",
            "javascript",
            "\u{FFFD}javascript:x",
            "\u{a0}javascript:x",
            "./javascript:x",
            "1javascript:x",
            "https://x/",
            "mailto:x",
            "data:image/png,x",
            "data: image/gif ;base64,x",
            "data:image/x-icon,x",
        ] {
            assert!(!runs_script(good), "{good:?}");
        }
    }
}
