//! Randomized differential test generation: random model trees the HTML parser keeps as is.
//!
//! Random model trees for the randomized differential test, kept to content the HTML parser
//! leaves where it is (no block in a `<p>`, only `<li>` in lists, only options in a
//! `<select>`, tables with explicit `<tbody>`, SVG shapes in `<svg>`), so that a fresh
//! parse of the first paint is the tree itself. Touches only the model in
//! [`crate::randiff`].

use crate::randiff::{fragments, Kind, Node};

/// What a parent's children may be.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ctx {
    Flow,
    Phrasing,
    List,
    Select,
    OptGroup,
    /// An `<option>`: texts only.
    OptionText,
    /// A `<textarea>`: at most one text.
    TextArea,
    Table,
    Tbody,
    Tr,
    Svg,
    /// An SVG `<text>`: texts only.
    SvgText,
    Math,
    /// A MathML token (`<mi>`, `<mn>`): texts only.
    MathText,
    Void,
}

/// The context of the children of a `tag` element.
///
/// # Examples
///
/// ```
/// use vango_test_support::randiff_gen::{ctx_of, Ctx};
/// assert_eq!(ctx_of("p"), Ctx::Phrasing);
/// assert_eq!(ctx_of("input"), Ctx::Void);
/// ```
pub fn ctx_of(tag: &str) -> Ctx {
    match tag {
        "div" | "li" | "td" => Ctx::Flow,
        "p" | "span" | "b" | "button" => Ctx::Phrasing,
        "ul" | "ol" => Ctx::List,
        "select" => Ctx::Select,
        "optgroup" => Ctx::OptGroup,
        "option" => Ctx::OptionText,
        "textarea" => Ctx::TextArea,
        "table" => Ctx::Table,
        "tbody" => Ctx::Tbody,
        "tr" => Ctx::Tr,
        "svg" | "g" => Ctx::Svg,
        "text" => Ctx::SvgText,
        "math" | "mrow" => Ctx::Math,
        "mi" | "mn" => Ctx::MathText,
        _ => Ctx::Void,
    }
}

/// The tags a context may hold.
fn tags(ctx: Ctx) -> &'static [&'static str] {
    match ctx {
        Ctx::Flow => &[
            "div", "p", "span", "b", "ul", "ol", "select", "input", "textarea", "table", "svg",
            "button", "math",
        ],
        Ctx::Phrasing => &["span", "b", "input", "select", "textarea"],
        Ctx::List => &["li"],
        Ctx::Select => &["option", "option", "optgroup"],
        Ctx::OptGroup => &["option"],
        Ctx::Table => &["tbody"],
        Ctx::Tbody => &["tr"],
        Ctx::Tr => &["td"],
        Ctx::Svg => &["g", "circle", "rect", "text"],
        Ctx::Math => &["mi", "mn", "mrow"],
        Ctx::OptionText | Ctx::TextArea | Ctx::SvgText | Ctx::MathText | Ctx::Void => &[],
    }
}

/// Whether a context may hold text nodes.
pub fn has_text(ctx: Ctx) -> bool {
    matches!(
        ctx,
        Ctx::Flow
            | Ctx::Phrasing
            | Ctx::List
            | Ctx::OptionText
            | Ctx::TextArea
            | Ctx::SvgText
            | Ctx::MathText
    )
}

/// Whether elements of `tag` may carry a click listener (no form controls: a click on
/// them changes their state).
pub fn listens(tag: &str) -> bool {
    matches!(
        tag,
        "div" | "p" | "span" | "b" | "li" | "td" | "button" | "svg" | "g" | "circle" | "rect"
    )
}

/// The attributes an element of `tag` may have, each with its values.
pub fn attr_pool(tag: &str) -> &'static [(&'static str, &'static [&'static str])] {
    const V: &[&str] = &["v", "w", "x", ""];
    const B: &[&str] = &[""];
    match tag {
        "input" => &[
            ("type", &["text", "checkbox", "radio"]),
            ("value", V),
            ("checked", B),
            ("disabled", B),
            ("class", &["a", "b c"]),
        ],
        "option" => &[("value", V), ("selected", B), ("disabled", B)],
        "select" => &[("multiple", B), ("value", V), ("disabled", B)],
        "optgroup" => &[("label", &["g", ""]), ("disabled", B)],
        "textarea" => &[
            ("value", &["t", "", "\nu", "a\r\nb"]),
            ("placeholder", &["p"]),
        ],
        "svg" => &[
            ("viewBox", &["0 0 10 10", "0 0 5 5"]),
            // The parser spells SVG names its way whatever the case written.
            ("viewbox", &["0 0 8 8"]),
            ("width", &["10", "20"]),
        ],
        "circle" => &[
            ("cx", &["1", "2"]),
            ("r", &["3"]),
            ("fill", &["red", "none"]),
        ],
        "rect" => &[
            ("width", &["1", "2"]),
            ("height", &["3"]),
            ("fill", &["red"]),
        ],
        "g" => &[("transform", &["translate(1,1)"]), ("fill", &["blue"])],
        "text" => &[("x", &["1", "2"]), ("y", &["3"])],
        "td" => &[("colspan", &["2", "1"]), ("class", &["a"])],
        "li" => &[("value", &["3", "1"]), ("class", &["a"])],
        _ => &[
            ("class", &["a", "b c", ""]),
            ("title", &["t", "é<&>\"", ""]),
            ("data-a", &["1", "x\0y", " "]),
            // HTML attribute names are one up to ASCII case.
            ("data-A", &["2"]),
            ("hidden", B),
        ],
    }
}

/// Raw HTML that parses the same in flow and phrasing content.
const RAWS: &[&str] = &["<i>r</i>", "x<b>y</b>z", "plain", "", "<!--c-->"];

/// Text nodes' contents: plain, empty, escapes, NUL, line ends.
const TEXTS: &[&str] = &[
    "a", "b c", "", " ", "é", "<&>", "x\ny", "\r\n", "a\0", "\nlead", "日本", "a  b",
];

/// The generator's state: the random source and the next fresh uid, key and listener id.
pub struct Gen<'r> {
    pub rng: &'r mut fastrand::Rng,
    next: u32,
}

impl<'r> Gen<'r> {
    /// A generator drawing from `rng`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango_test_support::randiff_gen::Gen;
    /// let mut rng = fastrand::Rng::with_seed(1);
    /// let tree = Gen::new(&mut rng).tree();
    /// assert!(!tree.is_empty());
    /// ```
    pub fn new(rng: &'r mut fastrand::Rng) -> Self {
        Gen { rng, next: 1 }
    }

    /// A fresh number (uids, keys and listener ids share one counter: all unique).
    pub fn fresh(&mut self) -> u32 {
        self.next += 1;
        self.next
    }

    /// A random tree: flow content of up to four levels.
    pub fn tree(&mut self) -> Vec<Node> {
        let n = self.rng.usize(1..=4);
        self.children(Ctx::Flow, 3, n)
    }

    /// Up to `n` children of a `ctx` parent, keyed or not, nested up to `depth` more levels.
    pub fn children(&mut self, ctx: Ctx, depth: u32, n: usize) -> Vec<Node> {
        let keyed = !tags(ctx).is_empty() && self.rng.u8(0..3) == 0;
        (0..n)
            .filter_map(|_| {
                let key = keyed.then(|| self.fresh());
                self.node(ctx, depth, key)
            })
            .collect()
    }

    /// One node that fits a `ctx` parent (`None` when nothing fits); keyed nodes are
    /// elements or components.
    pub fn node(&mut self, ctx: Ctx, depth: u32, key: Option<u32>) -> Option<Node> {
        let tags = tags(ctx);
        if tags.is_empty() || (key.is_none() && has_text(ctx) && self.rng.u8(0..3) == 0) {
            if !has_text(ctx) {
                return None;
            }
            return Some(self.text());
        }
        if key.is_none() && matches!(ctx, Ctx::Flow | Ctx::Phrasing) && self.rng.u8(0..10) == 0 {
            return Some(self.raw());
        }
        if self.rng.u8(0..5) == 0 {
            return Some(self.comp(ctx, depth, key));
        }
        let tag = tags[self.rng.usize(..tags.len())];
        Some(self.element(tag, depth, key))
    }

    /// Raw HTML.
    pub fn raw(&mut self) -> Node {
        let h = RAWS[self.rng.usize(..RAWS.len())].to_owned();
        Node {
            uid: self.fresh(),
            key: None,
            kind: Kind::Raw(h),
        }
    }

    /// A text node: from a short list, or hostile pieces now and then.
    pub fn text(&mut self) -> Node {
        let t = if self.rng.u8(0..6) == 0 {
            crate::trees::hostile_text(self.rng)
        } else {
            TEXTS[self.rng.usize(..TEXTS.len())].to_owned()
        };
        Node {
            uid: self.fresh(),
            key: None,
            kind: Kind::Text(t),
        }
    }

    /// A component rendering content that fits `ctx`.
    fn comp(&mut self, ctx: Ctx, depth: u32, key: Option<u32>) -> Node {
        let uid = self.fresh();
        let children = if fragments() {
            let n = self.rng.usize(0..=3);
            self.children(ctx, depth.saturating_sub(1), n)
                .into_iter()
                .map(|mut c| {
                    c.key = None;
                    c
                })
                .collect()
        } else {
            let tags = tags(ctx);
            let tag = tags[self.rng.usize(..tags.len())];
            vec![self.element(tag, depth.saturating_sub(1), None)]
        };
        Node {
            uid,
            key,
            kind: Kind::Comp {
                live: self.rng.bool(),
                children,
            },
        }
    }

    /// A `tag` element with random attributes, listener and children.
    pub fn element(&mut self, tag: &'static str, depth: u32, key: Option<u32>) -> Node {
        let uid = self.fresh();
        let mut attrs = Vec::new();
        for &(name, values) in attr_pool(tag) {
            if self.rng.u8(0..3) == 0 {
                attrs.push((name, values[self.rng.usize(..values.len())].to_owned()));
            }
        }
        let on = (listens(tag) && self.rng.u8(0..3) == 0).then(|| self.fresh());
        let ctx = ctx_of(tag);
        let n = match ctx {
            Ctx::Void => 0,
            Ctx::TextArea => self.rng.usize(0..=1),
            _ if depth == 0 => usize::from(has_text(ctx)),
            _ => self.rng.usize(0..=4),
        };
        let children = if depth == 0 && ctx != Ctx::TextArea {
            (0..n).map(|_| self.text()).collect()
        } else {
            self.children(ctx, depth.saturating_sub(1), n)
        };
        Node {
            uid,
            key,
            kind: Kind::El {
                tag,
                attrs,
                on,
                children,
            },
        }
    }

    /// A new attribute value for `name` on `tag`, or `None` to remove it.
    pub fn attr_value(&mut self, tag: &str) -> (&'static str, Option<String>) {
        let pool = attr_pool(tag);
        let (name, values) = pool[self.rng.usize(..pool.len())];
        if self.rng.u8(0..3) == 0 {
            (name, None)
        } else {
            (
                name,
                Some(values[self.rng.usize(..values.len())].to_owned()),
            )
        }
    }
}
