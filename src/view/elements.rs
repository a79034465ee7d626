//! One function per HTML5 element (`div`, `button`, `input`, ...), each returning an [`El`].
//!
//! Touches only the builder. Naming rule: an element's function is its tag name, with a
//! trailing underscore when that name is a Rust keyword or reserved by Rust programs; the
//! only such element is `main` ([`main_`]), which would clash with `fn main`. The same rule
//! names attribute methods (`type_`, `for_`, `loop_`, `async_`, `as_`). Void elements
//! (`area base br col embed hr img input link meta source track wbr`) take no children.

use crate::view::builder::El;
use crate::view::nodes::IntoChildren;

macro_rules! elements {
    ($($(#[$m:meta])* $name:ident $tag:literal $doc:literal;)*) => {
        $(
            #[doc = concat!("`<", $tag, ">`: ", $doc)]
            $(#[$m])*
            ///
            /// # Examples
            ///
            /// ```
            /// use vango::prelude::*;
            ///
            #[doc = concat!("let e = vango::view::elements::", stringify!($name), "((\"Hi, \", b(\"you\"))).class(\"x\");")]
            #[doc = concat!("assert_eq!(e.tag, \"", $tag, "\");")]
            /// assert_eq!(e.children.len(), 2);
            /// assert_eq!(e.get_attr("class"), Some("x"));
            /// ```
            pub fn $name(children: impl IntoChildren) -> El {
                El::new($tag).child(children)
            }
        )*
        /// Tags of all elements that take children, in the order their functions are defined.
        ///
        /// # Examples
        ///
        /// ```
        /// use vango::view::elements::{CONTAINER_TAGS, VOID_TAGS};
        /// assert!(CONTAINER_TAGS.contains(&"main") && CONTAINER_TAGS.contains(&"textarea"));
        /// assert!(CONTAINER_TAGS.iter().all(|t| !VOID_TAGS.contains(t)));
        /// ```
        pub const CONTAINER_TAGS: &[&str] = &[$($tag),*];
    };
}

macro_rules! void_elements {
    ($($name:ident $doc:literal;)*) => {
        $(
            #[doc = concat!("`<", stringify!($name), ">`: ", $doc, " A void element: no children.")]
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("let e = vango::view::elements::", stringify!($name), "().id(\"x\");")]
            #[doc = concat!("assert_eq!(e.tag, \"", stringify!($name), "\");")]
            /// let html = vango::render::to_html(&e.into_node());
            /// assert!(!html.contains("</"), "no closing tag: {html}");
            /// ```
            pub fn $name() -> El {
                El::new(stringify!($name))
            }
        )*
        /// Tags of the void elements (no children, no closing tag).
        ///
        /// # Examples
        ///
        /// ```
        /// use vango::view::elements::VOID_TAGS;
        /// assert!(VOID_TAGS.contains(&"br") && VOID_TAGS.contains(&"input"));
        /// assert_eq!(VOID_TAGS.len(), 13);
        /// ```
        pub const VOID_TAGS: &[&str] = &[$(stringify!($name)),*];
    };
}

/// Whether `tag` is a void element (rendered without children or a closing tag).
///
/// # Examples
///
/// ```
/// use vango::view::elements::is_void;
/// assert!(is_void("img"));
/// assert!(!is_void("div"));
/// ```
pub fn is_void(tag: &str) -> bool {
    VOID_TAGS.contains(&tag)
}

elements! {
    a "a" "A hyperlink.";
    abbr "abbr" "An abbreviation.";
    address "address" "Contact information.";
    article "article" "A self-contained composition.";
    aside "aside" "Content tangential to the page.";
    audio "audio" "An audio player.";
    b "b" "Text brought to attention (bold).";
    bdi "bdi" "Text isolated from bidirectional formatting.";
    bdo "bdo" "Text with overridden direction.";
    blockquote "blockquote" "A quotation block.";
    body "body" "The document body.";
    button "button" "A button.";
    canvas "canvas" "A drawing surface.";
    caption "caption" "A table caption.";
    cite "cite" "The title of a work.";
    code "code" "A fragment of code.";
    colgroup "colgroup" "A group of table columns.";
    data "data" "A value with a machine-readable form.";
    datalist "datalist" "Predefined options for an input.";
    dd "dd" "A description in a description list.";
    del "del" "Removed text.";
    details "details" "A disclosure widget.";
    dfn "dfn" "The defining instance of a term.";
    dialog "dialog" "A dialog box.";
    div "div" "A generic block container.";
    dl "dl" "A description list.";
    dt "dt" "A term in a description list.";
    em "em" "Emphasized text.";
    fieldset "fieldset" "A group of form controls.";
    figcaption "figcaption" "A figure caption.";
    figure "figure" "A figure with an optional caption.";
    footer "footer" "A footer.";
    form "form" "A form.";
    h1 "h1" "A level-1 heading.";
    h2 "h2" "A level-2 heading.";
    h3 "h3" "A level-3 heading.";
    h4 "h4" "A level-4 heading.";
    h5 "h5" "A level-5 heading.";
    h6 "h6" "A level-6 heading.";
    head "head" "The document head.";
    header "header" "A header.";
    hgroup "hgroup" "A heading group.";
    html "html" "The document root.";
    i "i" "Text in an alternate voice (italic).";
    iframe "iframe" "A nested browsing context.";
    ins "ins" "Inserted text.";
    kbd "kbd" "Keyboard input.";
    label "label" "A form control label.";
    legend "legend" "A fieldset caption.";
    li "li" "A list item.";
    main_ "main" "`<main>`: the main content (underscore: `main` is the program entry point).";
    map "map" "An image map.";
    mark "mark" "Highlighted text.";
    menu "menu" "A list of commands.";
    meter "meter" "A scalar gauge.";
    nav "nav" "A navigation section.";
    noscript "noscript" "Content for when scripts are disabled.";
    object "object" "An external resource.";
    ol "ol" "An ordered list.";
    optgroup "optgroup" "A group of options.";
    option "option" "An option in a select or datalist.";
    output "output" "The result of a calculation.";
    p "p" "A paragraph.";
    picture "picture" "Alternative image sources.";
    pre "pre" "Preformatted text.";
    progress "progress" "A progress bar.";
    q "q" "An inline quotation.";
    rp "rp" "Ruby fallback parenthesis.";
    rt "rt" "Ruby text.";
    ruby "ruby" "A ruby annotation.";
    s "s" "Text no longer accurate (strikethrough).";
    samp "samp" "Sample program output.";
    script "script" "A script (its text is escaped: pass code through `raw_html`).";
    search "search" "A search section.";
    section "section" "A generic section.";
    select "select" "A select control.";
    slot "slot" "A shadow DOM slot.";
    small "small" "Side comments (small print).";
    span "span" "A generic inline container.";
    strong "strong" "Strongly important text.";
    style "style" "A style sheet (its text is escaped: pass CSS through `raw_html`).";
    sub "sub" "Subscript.";
    summary "summary" "The summary of a details element.";
    sup "sup" "Superscript.";
    table "table" "A table.";
    tbody "tbody" "A table body.";
    td "td" "A table data cell.";
    template "template" "An inert template.";
    textarea "textarea" "A multi-line text control.";
    tfoot "tfoot" "A table footer.";
    th "th" "A table header cell.";
    thead "thead" "A table head.";
    time "time" "A date or time.";
    title "title" "The document title.";
    tr "tr" "A table row.";
    u "u" "Unarticulated annotation (underline).";
    ul "ul" "An unordered list.";
    var "var" "A variable.";
    video "video" "A video player.";
}

void_elements! {
    area "An image-map area.";
    base "The document base URL.";
    br "A line break.";
    col "A table column.";
    embed "An external plugin content.";
    hr "A thematic break.";
    img "An image.";
    input "A form input.";
    link "A link to an external resource.";
    meta "Document metadata.";
    source "A media source.";
    track "A media text track.";
    wbr "A line-break opportunity.";
}
