//! Server-side rendering: VNode trees to HTML, escaping, the page shell.
//!
//! Touches `vdom` (read only; its `normal`, `names`, `ns` and `form` modules decide what a
//! name, value or text becomes, for patches too) and `std::io`. One generic tree walk
//! writes into a `String` ([`to_html`], [`render_into`]), a buffered stream
//! ([`write_html`], [`write_page`]) or an FNV-1a hasher ([`render_hash`]), so the three
//! always agree byte for byte. A mounted subtree is written for the place it was mounted
//! at (`Element::parent_ns`): an inserted SVG element is written as SVG.
//!
//! # Output rules
//!
//! - Elements: `<tag data-hid="N" data-on="…" attrs…>children</tag>`. `data-hid` is written
//!   when `hid != 0`, `data-on` when the element has listeners (format in `PROTOCOL.md`,
//!   "HTML markers"); a user attribute with either name is always skipped. Void elements
//!   (`area base br col embed hr img input link meta source track wbr`) get no end tag and
//!   no children.
//! - Attributes: in stored order; names equal up to ASCII case are one attribute, written
//!   once, at its first position, with its last value. Names are spelled as
//!   `vdom::names::attr_name` says (lower case on HTML elements; the parser's own spelling,
//!   such as `viewBox`, on SVG and MathML ones); an invalid or reserved name is skipped
//!   and logged. `Bool(true)` is
//!   the bare name, `Bool(false)` is omitted. Values are always double-quoted and are what
//!   `vdom::normal` makes of them: a script URL in a URL-valued attribute (`href`, `src`,
//!   `srcset`, ...) is written `about:invalid#zvangoz` unless the value is
//!   `AttrValue::Trusted`. Patches send the same names and values.
//! - Text: `&` `<` `>` escaped. Attribute values: `&` `"` `<` `>` escaped.
//! - Characters the HTML parser would change: U+0000 is written as U+FFFD (the parser
//!   never keeps a NUL: it drops it in text and turns it into U+FFFD elsewhere, so this is
//!   the only consistent choice); CR is written as `&#13;` (a literal CR, or CR LF, would be
//!   normalized to LF). Everything else, controls and non-ASCII included, is written as is.
//! - Controlled form controls (`vdom::form`): `<select value=v>` is written without the
//!   attribute, with `selected` on the first option whose value is `v` and on no other;
//!   `<textarea value=v>` is written with `v` as its text, its children left out.
//! - `<pre>`, `<listing>`, `<textarea>`: the parser drops one LF right after the start tag,
//!   so an extra `\n` is written when the first text child starts with LF.
//! - `<textarea>`, `<title>`: text escaped as usual (references work there); element
//!   children cannot exist and are skipped.
//! - Raw-text elements, where references do not work: in `<script>` the `<` of `<!--`,
//!   `<script` and `</script` (any case) is written `\x3C` (the same character inside JS
//!   strings, templates and regexes; outside them such text is not valid JS anyway). In
//!   `<style>` the `<` of `</style` is written `\3C` (a CSS escape). In `<xmp>`,
//!   `<iframe>`, `<noembed>`, `<noframes>` it is written `&lt;` (shown literally; these
//!   are obsolete or never show their content). In all of them NUL becomes U+FFFD and
//!   CR / CR LF become LF, as the parser would do (JS and CSS read them alike).
//! - Inside `<svg>` and `<math>` (up to an HTML integration point such as
//!   `<foreignObject>`) every element's text is escaped normally: the parser tokenizes a
//!   foreign `<style>` or `<script>` as markup.
//! - `<noscript>` is written as ordinary markup (what a browser without scripting parses).
//!   `<plaintext>` is not supported: the parser would swallow the rest of the page.
//! - Components render their current output (nothing before mounting); `Raw` is written
//!   verbatim; fragments are flattened and `Empty` writes nothing.

mod escape;
mod html;
mod out;
mod page;
mod record;

use std::io::{self, Write};

use crate::vdom::node::VNode;

pub use crate::vdom::names::is_valid_attr_name;
pub use escape::{escape_attr, escape_text};
pub use page::{write_page, Page};

use out::{Fnv, IoOut, StrOut};

/// Renders a tree to an HTML string.
///
/// # Examples
///
/// ```
/// use vango::vdom::{Attr, AttrValue, Element, VNode};
///
/// let mut p = Element::new("p");
/// p.hid = 3;
/// p.attrs.push(Attr { name: "class".into(), value: AttrValue::Str("note".into()) });
/// p.children.push(VNode::Text("1 < 2".into()));
/// assert_eq!(
///     vango::render::to_html(&VNode::Element(Box::new(p))),
///     r#"<p data-hid="3" class="note">1 &lt; 2</p>"#,
/// );
/// ```
pub fn to_html(node: &VNode) -> String {
    let mut s = String::with_capacity(1024);
    render_into(node, &mut s);
    s
}

/// Appends the HTML of a tree to `out`.
///
/// # Examples
///
/// ```
/// use vango::vdom::{Element, VNode};
///
/// let mut out = String::from("<body>");
/// vango::render::render_into(&VNode::Element(Box::new(Element::new("br"))), &mut out);
/// assert_eq!(out, "<body><br>");
/// ```
pub fn render_into(node: &VNode, out: &mut String) {
    let mut o = StrOut::new(out);
    html::root(&mut o, node);
    o.finish();
}

/// Streams the HTML of a tree to `w` through a small stack buffer, without building the
/// whole string first. Returns the first write error.
///
/// # Examples
///
/// ```
/// use vango::vdom::VNode;
///
/// let mut buf = Vec::new();
/// vango::render::write_html(&VNode::Text("a & b".into()), &mut buf)?;
/// assert_eq!(buf, b"a &amp; b");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_html<W: Write>(node: &VNode, w: &mut W) -> io::Result<()> {
    let mut o = IoOut::new(w);
    html::root(&mut o, node);
    o.finish()
}

/// The render hash of a tree: FNV-1a 32-bit over the bytes of its HTML (as [`to_html`]
/// writes them), computed without allocating. The page's boot script carries it in
/// `data-hash`.
///
/// # Examples
///
/// ```
/// use vango::vdom::VNode;
///
/// let t = VNode::Text("hi".into());
/// // FNV-1a of the bytes "hi".
/// let mut h: u32 = 0x811c9dc5;
/// for b in b"hi" {
///     h = (h ^ *b as u32).wrapping_mul(0x01000193);
/// }
/// assert_eq!(vango::render::render_hash(&t), h);
/// ```
pub fn render_hash(root: &VNode) -> u32 {
    let mut h = Fnv::new();
    html::root(&mut h, root);
    h.0
}

/// FNV-1a 32-bit of `bytes`, the hash behind [`render_hash`]: the crate's one content
/// hash where collisions are harmless, not a security boundary (the server's asset ETags).
///
/// # Examples
///
/// ```
/// use vango::render::{fnv1a32, render_hash};
/// use vango::vdom::VNode;
/// assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
/// assert_eq!(fnv1a32(b"hi"), render_hash(&VNode::Text("hi".into())));
/// ```
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    let mut h = Fnv::new();
    h.bytes(bytes);
    h.0
}

pub use crate::vdom::marker::{data_on_string, data_on_value};

/// Whether `tag` is a void element: written without an end tag and without children.
///
/// # Examples
///
/// ```
/// assert!(vango::render::is_void_element("input"));
/// assert!(!vango::render::is_void_element("div"));
/// ```
pub fn is_void_element(tag: &str) -> bool {
    html::is_void(tag)
}
