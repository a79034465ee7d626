//! Namespaces and content kinds: which namespace the HTML parser puts an element in, and
//! how it reads the element's text. SSR and the diff both decide by these, so that a first
//! paint and a patch normalise a name or a text the same way.
//!
//! Touches nothing.

/// The namespace the HTML parser puts an element in.
///
/// # Examples
///
/// ```
/// use vango::vdom::Ns;
/// assert_eq!(Ns::default(), Ns::Html);
/// assert_eq!(Ns::Html.of("math"), Ns::MathMl);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
pub enum Ns {
    /// HTML (`http://www.w3.org/1999/xhtml`).
    #[default]
    Html,
    /// SVG (`http://www.w3.org/2000/svg`), from `<svg>` down to an HTML integration point.
    Svg,
    /// MathML (`http://www.w3.org/1998/Math/MathML`), from `<math>` down to a text
    /// integration point.
    MathMl,
}

impl Ns {
    /// The namespace of an element `tag` whose parent's children are in `self`: `<svg>` and
    /// `<math>` start foreign content, everything else stays where it is.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Ns;
    /// assert_eq!(Ns::Html.of("svg"), Ns::Svg);
    /// assert_eq!(Ns::Svg.of("a"), Ns::Svg);
    /// assert_eq!(Ns::Html.of("a"), Ns::Html);
    /// ```
    #[inline]
    pub fn of(self, tag: &str) -> Ns {
        match (self, tag) {
            (Ns::Html, "svg") => Ns::Svg,
            (Ns::Html, "math") => Ns::MathMl,
            (ns, _) => ns,
        }
    }

    /// The namespace of the children of an element `tag` that is itself in `self`: HTML
    /// again below the integration points (`<foreignObject>`, `<desc>`, `<title>` in SVG;
    /// `<mi>`, `<mo>`, `<mn>`, `<ms>`, `<mtext>` in MathML).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Ns;
    /// assert_eq!(Ns::Svg.children("g"), Ns::Svg);
    /// assert_eq!(Ns::Svg.children("foreignObject"), Ns::Html);
    /// assert_eq!(Ns::MathMl.children("mi"), Ns::Html);
    /// ```
    #[inline]
    pub fn children(self, tag: &str) -> Ns {
        match self {
            Ns::Html => Ns::Html,
            Ns::Svg => match tag {
                "foreignObject" | "foreignobject" | "desc" | "title" => Ns::Html,
                _ => Ns::Svg,
            },
            Ns::MathMl => match tag {
                "mi" | "mo" | "mn" | "ms" | "mtext" => Ns::Html,
                _ => Ns::MathMl,
            },
        }
    }
}

/// A raw-text element, where character references do not work.
///
/// # Examples
///
/// ```
/// use vango::vdom::ns::{content_of, Content, RawKind};
/// use vango::vdom::Ns;
/// assert_eq!(content_of("script", Ns::Html), Content::Raw(RawKind::Script));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RawKind {
    /// `<script>`: `<` of `<!--`, `<script`, `</script` is written `\x3C` (a JS escape).
    Script,
    /// `<style>`: `<` of `</style` is written `\3C` (a CSS escape).
    Style,
    /// `<xmp>`, `<iframe>`, `<noembed>`, `<noframes>` (the tag): `<` of `</tag` is written
    /// `&lt;`, shown literally (these are obsolete or never show their content).
    Other(&'static str),
}

/// How the parser reads an element's content.
///
/// # Examples
///
/// ```
/// use vango::vdom::ns::{content_of, Content};
/// use vango::vdom::Ns;
/// assert_eq!(content_of("title", Ns::Html), Content::Escapable);
/// assert_eq!(content_of("div", Ns::Html), Content::Normal);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Content {
    /// Children as markup, text with references (and foreign elements' text).
    Normal,
    /// `<textarea>`, `<title>`: text only, references work.
    Escapable,
    /// `<script>`, `<style>`, ...: text only, references do not work.
    Raw(RawKind),
}

/// How the content of element `tag` in namespace `own` is read: foreign elements (an SVG
/// `<style>` or `<script>`) are tokenized as markup.
///
/// # Examples
///
/// ```
/// use vango::vdom::ns::{content_of, Content, RawKind};
/// use vango::vdom::Ns;
/// assert_eq!(content_of("style", Ns::Html), Content::Raw(RawKind::Style));
/// assert_eq!(content_of("style", Ns::Svg), Content::Normal);
/// assert_eq!(content_of("textarea", Ns::Html), Content::Escapable);
/// ```
#[inline]
pub fn content_of(tag: &'static str, own: Ns) -> Content {
    if own != Ns::Html {
        return Content::Normal;
    }
    match tag {
        "script" => Content::Raw(RawKind::Script),
        "style" => Content::Raw(RawKind::Style),
        "xmp" | "iframe" | "noembed" | "noframes" => Content::Raw(RawKind::Other(tag)),
        "textarea" | "title" => Content::Escapable,
        _ => Content::Normal,
    }
}
