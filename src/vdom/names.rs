//! Attribute names as both paths write them: which names are refused (invalid, or reserved
//! for the framework's markers) and the one spelling of a valid name, the spelling the
//! HTML parser gives it on a first paint (which `setAttribute` must then use in a patch).
//!
//! Touches `vdom::ns` and the refusal log (`vdom::refusal`).

use std::borrow::Cow;

use crate::vdom::ns::Ns;
use crate::vdom::refusal::{refused, Refusal};

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

/// Whether `name` (in any case) is one of the markers the client reads (`data-hid`,
/// `data-on`): only the framework writes them.
///
/// # Examples
///
/// ```
/// use vango::vdom::names::is_reserved;
/// assert!(is_reserved("DATA-HID") && is_reserved("data-on"));
/// assert!(!is_reserved("data-id"));
/// ```
pub fn is_reserved(name: &str) -> bool {
    name.eq_ignore_ascii_case("data-hid") || name.eq_ignore_ascii_case("data-on")
}

/// Whether two names are the same attribute: the parser and `setAttribute` on an HTML
/// element lower-case ASCII letters, and on a foreign element the parser does too (before
/// restoring the camelCase names of its tables), so names equal up to ASCII case are one.
///
/// # Examples
///
/// ```
/// use vango::vdom::names::same_attr_name;
/// assert!(same_attr_name("viewBox", "viewbox"));
/// assert!(!same_attr_name("data-a", "data-b"));
/// ```
#[inline]
pub fn same_attr_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a.eq_ignore_ascii_case(b))
}

/// The spelling both paths write for attribute `name` of an element in namespace `own`, or
/// `None` when the name is refused (invalid, or reserved), which is logged once.
///
/// HTML elements: ASCII lower case. SVG and MathML elements: what the parser makes of the
/// name on a first paint, ASCII lower case except the camelCase names of its
/// adjustment tables (`viewBox`, `preserveAspectRatio`, ...; `definitionURL` in MathML),
/// so `data-Mixed` on an `<svg>` is `data-mixed` and `viewbox` is `viewBox`.
///
/// # Examples
///
/// ```
/// use vango::vdom::{names::attr_name, Ns};
/// assert_eq!(attr_name("data-Mixed", Ns::Html).as_deref(), Some("data-mixed"));
/// assert_eq!(attr_name("data-Mixed", Ns::Svg).as_deref(), Some("data-mixed"));
/// assert_eq!(attr_name("VIEWBOX", Ns::Svg).as_deref(), Some("viewBox"));
/// assert_eq!(attr_name("viewBox", Ns::Html).as_deref(), Some("viewbox"));
/// assert_eq!(attr_name("definitionurl", Ns::MathMl).as_deref(), Some("definitionURL"));
/// assert_eq!(attr_name("bad name", Ns::Html), None);
/// assert_eq!(attr_name("data-hid", Ns::Html), None);
/// ```
#[inline]
pub fn attr_name(name: &str, own: Ns) -> Option<Cow<'_, str>> {
    // The common case, one pass: a lower-case ASCII name of letters, digits and `-_:.`
    // (a table lookup per byte: this runs for every attribute of every first paint).
    let plain = name.bytes().all(|b| PLAIN[b as usize]);
    if plain && !name.is_empty() && own == Ns::Html && !is_reserved(name) {
        return Some(Cow::Borrowed(name));
    }
    spell(name, own)
}

/// The bytes of a name [`attr_name`] writes as given on an HTML element.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] =
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b':' | b'.');
        b += 1;
    }
    t
};

/// [`attr_name`] for the other names: checked, then lower-cased and adjusted.
#[cold]
fn spell(name: &str, own: Ns) -> Option<Cow<'_, str>> {
    if !is_valid_attr_name(name) {
        refused(Refusal::InvalidName, name);
        return None;
    }
    if is_reserved(name) {
        refused(Refusal::ReservedName, name);
        return None;
    }
    let lower: Cow<'_, str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    };
    let adjusted = match own {
        Ns::Html => None,
        Ns::Svg => svg_case(&lower),
        Ns::MathMl => (lower == "definitionurl").then_some("definitionURL"),
    };
    Some(match adjusted {
        Some(camel) if camel == name => Cow::Borrowed(name),
        Some(camel) => Cow::Borrowed(camel),
        None => lower,
    })
}

/// The parser's "adjust SVG attributes" table: lower-case name → the SVG spelling.
fn svg_case(lower: &str) -> Option<&'static str> {
    // Sorted by the lower-case name, for the binary search.
    const TABLE: &[(&str, &str)] = &[
        ("attributename", "attributeName"),
        ("attributetype", "attributeType"),
        ("basefrequency", "baseFrequency"),
        ("baseprofile", "baseProfile"),
        ("calcmode", "calcMode"),
        ("clippathunits", "clipPathUnits"),
        ("diffuseconstant", "diffuseConstant"),
        ("edgemode", "edgeMode"),
        ("filterunits", "filterUnits"),
        ("glyphref", "glyphRef"),
        ("gradienttransform", "gradientTransform"),
        ("gradientunits", "gradientUnits"),
        ("kernelmatrix", "kernelMatrix"),
        ("kernelunitlength", "kernelUnitLength"),
        ("keypoints", "keyPoints"),
        ("keysplines", "keySplines"),
        ("keytimes", "keyTimes"),
        ("lengthadjust", "lengthAdjust"),
        ("limitingconeangle", "limitingConeAngle"),
        ("markerheight", "markerHeight"),
        ("markerunits", "markerUnits"),
        ("markerwidth", "markerWidth"),
        ("maskcontentunits", "maskContentUnits"),
        ("maskunits", "maskUnits"),
        ("numoctaves", "numOctaves"),
        ("pathlength", "pathLength"),
        ("patterncontentunits", "patternContentUnits"),
        ("patterntransform", "patternTransform"),
        ("patternunits", "patternUnits"),
        ("pointsatx", "pointsAtX"),
        ("pointsaty", "pointsAtY"),
        ("pointsatz", "pointsAtZ"),
        ("preservealpha", "preserveAlpha"),
        ("preserveaspectratio", "preserveAspectRatio"),
        ("primitiveunits", "primitiveUnits"),
        ("refx", "refX"),
        ("refy", "refY"),
        ("repeatcount", "repeatCount"),
        ("repeatdur", "repeatDur"),
        ("requiredextensions", "requiredExtensions"),
        ("requiredfeatures", "requiredFeatures"),
        ("specularconstant", "specularConstant"),
        ("specularexponent", "specularExponent"),
        ("spreadmethod", "spreadMethod"),
        ("startoffset", "startOffset"),
        ("stddeviation", "stdDeviation"),
        ("stitchtiles", "stitchTiles"),
        ("surfacescale", "surfaceScale"),
        ("systemlanguage", "systemLanguage"),
        ("tablevalues", "tableValues"),
        ("targetx", "targetX"),
        ("targety", "targetY"),
        ("textlength", "textLength"),
        ("viewbox", "viewBox"),
        ("viewtarget", "viewTarget"),
        ("xchannelselector", "xChannelSelector"),
        ("ychannelselector", "yChannelSelector"),
        ("zoomandpan", "zoomAndPan"),
    ];
    TABLE
        .binary_search_by(|(k, _)| (*k).cmp(lower))
        .ok()
        .map(|i| TABLE[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_table_is_sorted_and_maps_to_its_lower_case() {
        for camel in [
            "viewBox",
            "zoomAndPan",
            "attributeName",
            "refX",
            "stdDeviation",
        ] {
            assert_eq!(svg_case(&camel.to_ascii_lowercase()), Some(camel));
        }
        assert_eq!(svg_case("viewBox"), None, "only lower-case keys");
        assert_eq!(svg_case("data-x"), None);
    }

    #[test]
    fn valid_names() {
        for bad in [
            "", "a b", "a\tb", "a\u{0}", "a\u{7f}", "a\u{85}", "a/", "=", "'", ">",
        ] {
            assert!(!is_valid_attr_name(bad), "{bad:?}");
        }
        for good in ["a", "data-x_y.z", "xlink:href", "viewBox", "@click", "ü"] {
            assert!(is_valid_attr_name(good), "{good:?}");
        }
    }

    #[test]
    fn canonical_spellings_borrow_when_already_canonical() {
        assert!(matches!(
            attr_name("class", Ns::Html),
            Some(Cow::Borrowed(_))
        ));
        assert!(matches!(
            attr_name("viewBox", Ns::Svg),
            Some(Cow::Borrowed(_))
        ));
        assert!(matches!(
            attr_name("xlink:href", Ns::Svg),
            Some(Cow::Borrowed(_))
        ));
        assert_eq!(
            attr_name("XLINK:HREF", Ns::Svg).as_deref(),
            Some("xlink:href")
        );
        assert_eq!(attr_name("Ü", Ns::Html).as_deref(), Some("Ü"), "ASCII only");
    }
}
