//! The CSS selector subset of the test API: type (`button`), `*`, `#id`, `.class`,
//! `[attr]`, `[attr=value]` (value bare or quoted), compounds of those (`a.nav[href]`), the
//! descendant (` `) and child (`>`) combinators, and lists (`a, button`). Anything else is
//! a [`SelectorError`] naming what is not supported.
//!
//! Pure: parses text and matches snapshot elements.

use std::fmt;

use super::snapshot::El;

/// A parsed selector.
///
/// # Examples
///
/// ```
/// use vango::testing::Selector;
/// assert!(Selector::parse("ul#todos > li.done [data-id=\"7\"]").is_ok());
/// let err = Selector::parse("li:first-child").unwrap_err();
/// assert!(err.to_string().contains("pseudo-classes"), "{err}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// Alternatives (`a, b`); each is compounds from left to right, each compound with the
    /// combinator that joins it to the one before (`true`: child).
    alts: Vec<Vec<(bool, Compound)>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Compound {
    tag: Option<String>,
    id: Option<String>,
    classes: Vec<String>,
    attrs: Vec<(String, Option<String>)>,
}

/// A selector outside the supported subset, or malformed.
///
/// # Examples
///
/// ```
/// use vango::testing::Selector;
///
/// let err = Selector::parse("li:first-child").unwrap_err();
/// assert_eq!(err.at, 2);
/// assert!(err.to_string().contains("not supported"), "{err}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectorError {
    /// The selector as given.
    pub selector: String,
    /// The byte offset of the problem.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "selector {:?} at byte {}: {} (supported: tag, *, #id, .class, [attr], \
             [attr=value], descendant ` ` and child `>` combinators, `,` lists)",
            self.selector, self.at, self.message
        )
    }
}

impl std::error::Error for SelectorError {}

fn is_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii()
}

struct Parser<'a> {
    src: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> SelectorError {
        SelectorError {
            selector: self.src.to_owned(),
            at: self.at,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.src[self.at..].chars().next()
    }

    fn skip_ws(&mut self) -> bool {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.at += 1;
        }
        self.at > start
    }

    fn name(&mut self, what: &str) -> Result<String, SelectorError> {
        let start = self.at;
        while let Some(c) = self.peek().filter(|c| is_name(*c)) {
            self.at += c.len_utf8();
        }
        if self.at == start {
            return Err(self.err(format!("expected {what}")));
        }
        Ok(self.src[start..self.at].to_owned())
    }

    fn compound(&mut self) -> Result<Compound, SelectorError> {
        let mut c = Compound::default();
        let start = self.at;
        if self.peek() == Some('*') {
            self.at += 1;
        } else if self.peek().is_some_and(is_name) {
            c.tag = Some(self.name("a tag name")?.to_ascii_lowercase());
        }
        loop {
            match self.peek() {
                Some('#') => {
                    self.at += 1;
                    c.id = Some(self.name("an id after `#`")?);
                }
                Some('.') => {
                    self.at += 1;
                    c.classes.push(self.name("a class name after `.`")?);
                }
                Some('[') => {
                    self.at += 1;
                    self.skip_ws();
                    let name = self
                        .name("an attribute name after `[`")?
                        .to_ascii_lowercase();
                    self.skip_ws();
                    let value = match self.peek() {
                        Some(']') => None,
                        Some('=') => {
                            self.at += 1;
                            self.skip_ws();
                            Some(self.value()?)
                        }
                        Some(c @ ('~' | '|' | '^' | '$' | '*')) => {
                            return Err(self.err(format!(
                                "the attribute operator `{c}=` is not supported (only `=`)"
                            )))
                        }
                        _ => return Err(self.err("expected `]` or `=`")),
                    };
                    self.skip_ws();
                    if self.peek() != Some(']') {
                        return Err(self.err("expected `]`"));
                    }
                    self.at += 1;
                    c.attrs.push((name, value));
                }
                Some(':') => return Err(self.err("pseudo-classes (`:`) are not supported")),
                Some(c @ ('+' | '~')) => {
                    return Err(self.err(format!("the sibling combinator `{c}` is not supported")))
                }
                _ => break,
            }
        }
        if self.at == start {
            return Err(match self.peek() {
                None => self.err("expected a selector"),
                Some(c) => self.err(format!("unexpected `{c}`")),
            });
        }
        Ok(c)
    }

    fn value(&mut self) -> Result<String, SelectorError> {
        match self.peek() {
            Some(q @ ('"' | '\'')) => {
                self.at += 1;
                let end = self.src[self.at..]
                    .find(q)
                    .ok_or_else(|| self.err("unterminated quoted value"))?;
                let v = self.src[self.at..self.at + end].to_owned();
                self.at += end + 1;
                Ok(v)
            }
            _ => self.name("a value after `=`"),
        }
    }
}

impl Selector {
    /// Parses `src`; a clear error for anything outside the subset.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::testing::Selector;
    ///
    /// assert!(Selector::parse("ul > li.done[data-id='3'], #main a").is_ok());
    /// assert!(Selector::parse("li:hover").is_err());
    /// ```
    pub fn parse(src: &str) -> Result<Selector, SelectorError> {
        let mut p = Parser { src, at: 0 };
        let mut alts = Vec::new();
        loop {
            p.skip_ws();
            let mut seq = vec![(false, p.compound()?)];
            loop {
                let ws = p.skip_ws();
                match p.peek() {
                    None | Some(',') => break,
                    Some('>') => {
                        p.at += 1;
                        p.skip_ws();
                        seq.push((true, p.compound()?));
                    }
                    Some(c @ ('+' | '~')) => {
                        return Err(p.err(format!("the sibling combinator `{c}` is not supported")))
                    }
                    Some(_) if ws => seq.push((false, p.compound()?)),
                    Some(c) => return Err(p.err(format!("unexpected `{c}`"))),
                }
            }
            alts.push(seq);
            if p.peek() == Some(',') {
                p.at += 1;
                continue;
            }
            return Ok(Selector { alts });
        }
    }

    /// Whether `el`, under `ancestors` (outermost first), matches.
    pub(crate) fn matches(&self, el: &El, ancestors: &[&El]) -> bool {
        self.alts.iter().any(|seq| matches_seq(seq, el, ancestors))
    }
}

fn matches_seq(seq: &[(bool, Compound)], el: &El, ancestors: &[&El]) -> bool {
    let Some(((child, last), rest)) = seq.split_last() else {
        return true;
    };
    if !last.matches(el) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let Some((parent, above)) = ancestors.split_last() else {
        return false;
    };
    if *child {
        return matches_seq(rest, parent, above);
    }
    // Descendant: any ancestor may match the rest (backtracking over the choice).
    (0..ancestors.len())
        .rev()
        .any(|i| matches_seq(rest, ancestors[i], &ancestors[..i]))
}

impl Compound {
    fn matches(&self, el: &El) -> bool {
        if self.tag.as_deref().is_some_and(|t| t != el.tag) {
            return false;
        }
        if let Some(id) = &self.id {
            if el.attr("id") != Some(id) {
                return false;
            }
        }
        if !self.classes.is_empty() {
            let class = el.attr("class").unwrap_or("");
            let have = class.split_ascii_whitespace();
            if !self.classes.iter().all(|c| have.clone().any(|h| h == c)) {
                return false;
            }
        }
        self.attrs
            .iter()
            .all(|(name, value)| match (el.attr(name), value) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(v), Some(want)) => v == want,
            })
    }
}
