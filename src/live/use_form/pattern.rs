//! [`Pattern`]: a small anchored pattern language for the `pattern` validator (character
//! classes and repetition, no groups or alternation), matched in linear time.
//!
//! Pure: touches nothing. Without a regex crate, the matcher is a Thompson-style state set
//! over a flat list of atoms, so no pattern can make matching slower than
//! O(input × pattern).

use std::fmt;

/// The most atoms a compiled pattern may have (after expanding `{m,n}` counts).
///
/// # Examples
///
/// ```
/// use vango::live::use_form::{Pattern, MAX_ATOMS};
/// assert!(Pattern::new(&format!("a{{{MAX_ATOMS}}}")).is_ok());
/// assert!(Pattern::new(&format!("a{{{}}}", MAX_ATOMS + 1)).is_err(), "counts are expanded");
/// ```
pub const MAX_ATOMS: usize = 1024;

/// A compiled pattern that must match a whole value.
///
/// Syntax: a literal character matches itself; `.` any character; `\d` a digit, `\w` a
/// letter, digit or `_`, `\s` whitespace, `\` before any other character that character;
/// `[...]` a class with ranges (`[a-z0-9_-]`), `[^...]` its complement. An atom may be
/// followed by `?`, `*`, `+`, `{n}`, `{m,}` or `{m,n}`.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::Pattern;
/// let phone = Pattern::new(r"\+?[0-9 ]{6,15}").unwrap();
/// assert!(phone.matches("+44 20 7946 0000"));
/// assert!(!phone.matches("call me"));
/// assert!(Pattern::new("[a-").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    items: Vec<Item>,
}

/// Why a pattern did not compile.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::{Pattern, PatternError};
/// let err: PatternError = Pattern::new("[a-z").unwrap_err();
/// assert!(err.to_string().starts_with("bad pattern: "));
/// assert!(err.0.contains("\"[a-z\""), "names the pattern: {err}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError(pub String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad pattern: {}", self.0)
    }
}

impl std::error::Error for PatternError {}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Atom {
    Any,
    Char(char),
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rep {
    One,
    Opt,
    Star,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Item {
    atom: Atom,
    rep: Rep,
}

impl Atom {
    fn matches(&self, c: char) -> bool {
        match self {
            Atom::Any => true,
            Atom::Char(x) => *x == c,
            Atom::Class { negated, ranges } => {
                ranges.iter().any(|&(a, b)| a <= c && c <= b) != *negated
            }
        }
    }
}

fn escape_class(c: char) -> Atom {
    let ranges = match c {
        'd' => vec![('0', '9')],
        'w' => vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')],
        's' => vec![(' ', ' '), ('\t', '\r')],
        other => return Atom::Char(other),
    };
    Atom::Class {
        negated: false,
        ranges,
    }
}

impl Pattern {
    /// Compiles `src`; an unclosed class or count, a dangling `\`, a quantifier with
    /// nothing before it, or more than [`MAX_ATOMS`] atoms is an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::use_form::Pattern;
    /// let zip = Pattern::new(r"\d{5}").unwrap();
    /// assert!(zip.matches("75001") && !zip.matches("7500"));
    /// // No groups or alternation: `(` is a literal character.
    /// assert!(Pattern::new("(a)").unwrap().matches("(a)"));
    /// for bad in ["*a", r"a\", "a{2", "[^"] {
    ///     assert!(Pattern::new(bad).is_err(), "{bad}");
    /// }
    /// ```
    pub fn new(src: &str) -> Result<Pattern, PatternError> {
        let err = |m: &str| Err(PatternError(format!("{m} in {src:?}")));
        let mut items = Vec::new();
        let mut chars = src.chars().peekable();
        while let Some(c) = chars.next() {
            let atom = match c {
                '.' => Atom::Any,
                '\\' => match chars.next() {
                    Some(e) => escape_class(e),
                    None => return err("a dangling \\"),
                },
                '[' => {
                    let negated = chars.peek() == Some(&'^');
                    if negated {
                        chars.next();
                    }
                    let mut ranges = Vec::new();
                    let mut closed = false;
                    while let Some(c) = chars.next() {
                        let lo = match c {
                            ']' => {
                                closed = true;
                                break;
                            }
                            '\\' => match chars.next().map(escape_class) {
                                Some(Atom::Class { ranges: r, .. }) => {
                                    ranges.extend(r);
                                    continue;
                                }
                                Some(Atom::Char(x)) => x,
                                _ => return err("a dangling \\"),
                            },
                            c => c,
                        };
                        if chars.peek() == Some(&'-') {
                            chars.next();
                            match chars.next() {
                                Some(']') => {
                                    ranges.push((lo, lo));
                                    ranges.push(('-', '-'));
                                    closed = true;
                                    break;
                                }
                                Some('\\') => match chars.next() {
                                    Some(hi) if hi >= lo => ranges.push((lo, hi)),
                                    _ => return err("a bad range"),
                                },
                                Some(hi) if hi >= lo => ranges.push((lo, hi)),
                                _ => return err("a bad range"),
                            }
                        } else {
                            ranges.push((lo, lo));
                        }
                    }
                    if !closed {
                        return err("an unclosed [");
                    }
                    Atom::Class { negated, ranges }
                }
                '?' | '*' | '+' | '{' => return err("a quantifier with nothing before it"),
                c => Atom::Char(c),
            };
            let (min, max) = match chars.peek() {
                Some('?') => (0, Some(1)),
                Some('*') => (0, None),
                Some('+') => (1, None),
                Some('{') => {
                    chars.next();
                    let mut body = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) if c.is_ascii_digit() || c == ',' => body.push(c),
                            _ => return err("an unclosed or bad {count}"),
                        }
                    }
                    let count = |s: &str| s.parse::<usize>().ok().filter(|&n| n <= MAX_ATOMS);
                    let bounds = match body.split_once(',') {
                        None => count(&body).map(|n| (n, Some(n))),
                        Some((a, "")) => count(a).map(|n| (n, None)),
                        Some((a, b)) => match (count(a), count(b)) {
                            (Some(lo), Some(hi)) if hi >= lo => Some((lo, Some(hi))),
                            _ => None,
                        },
                    };
                    match bounds {
                        Some(b) => b,
                        None => return err("a bad {count}"),
                    }
                }
                _ => (1, Some(1)),
            };
            if matches!(chars.peek(), Some('?' | '*' | '+')) {
                chars.next();
            }
            let extra = match max {
                Some(max) => max - min,
                None => 1,
            };
            if items.len() + min + extra > MAX_ATOMS {
                return err("too many atoms");
            }
            for _ in 0..min {
                items.push(Item {
                    atom: atom.clone(),
                    rep: Rep::One,
                });
            }
            match max {
                Some(max) => {
                    for _ in min..max {
                        items.push(Item {
                            atom: atom.clone(),
                            rep: Rep::Opt,
                        });
                    }
                }
                None => items.push(Item {
                    atom,
                    rep: Rep::Star,
                }),
            }
        }
        Ok(Pattern { items })
    }

    /// Whether the whole of `s` matches.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::use_form::Pattern;
    /// let slug = Pattern::new("[a-z0-9-]+").unwrap();
    /// assert!(slug.matches("hello-world-2"));
    /// assert!(!slug.matches("Hello"), "case matters");
    /// assert!(!slug.matches("a b"), "anchored: the whole value must match");
    /// let long = "a".repeat(100_000) + "!";
    /// assert!(!Pattern::new("a*a*a*b").unwrap().matches(&long), "linear time, no blow-up");
    /// ```
    pub fn matches(&self, s: &str) -> bool {
        let n = self.items.len();
        let mut now = vec![false; n + 1];
        let mut next = vec![false; n + 1];
        now[0] = true;
        self.close(&mut now);
        for c in s.chars() {
            next.iter_mut().for_each(|b| *b = false);
            for i in 0..n {
                if now[i] && self.items[i].atom.matches(c) {
                    match self.items[i].rep {
                        Rep::Star => next[i] = true,
                        Rep::One | Rep::Opt => next[i + 1] = true,
                    }
                }
            }
            self.close(&mut next);
            if !next.iter().any(|&b| b) {
                return false;
            }
            std::mem::swap(&mut now, &mut next);
        }
        now[n]
    }

    /// Adds the states reachable by skipping optional atoms.
    fn close(&self, set: &mut [bool]) {
        for i in 0..self.items.len() {
            if set[i] && self.items[i].rep != Rep::One {
                set[i + 1] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_whole_values() {
        let p = |s| Pattern::new(s).unwrap();
        assert!(p("abc").matches("abc"));
        assert!(!p("abc").matches("abcd"));
        assert!(p("a.c").matches("a-c"));
        assert!(p(r"\d{3}-\d{4}").matches("555-1234"));
        assert!(!p(r"\d{3}-\d{4}").matches("55-1234"));
        assert!(p("[a-z]+").matches("hello"));
        assert!(!p("[a-z]+").matches(""));
        assert!(p("[^0-9]*").matches("abc"));
        assert!(!p("[^0-9]*").matches("a1"));
        assert!(p("a{2,}").matches("aaaa"));
        assert!(!p("a{2,}").matches("a"));
        assert!(p("x?y*z").matches("z"));
        assert!(p("[a-]").matches("-"));
        assert!(p(r"\.").matches("."));
        assert!(!p(r"\.").matches("x"));
        assert!(
            p(".*.*.*.*.*x").matches(&"a".repeat(5000).chars().chain(['x']).collect::<String>())
        );
    }

    #[test]
    fn refuses_bad_patterns() {
        for bad in [
            "[abc", "\\", "*a", "a{2", "a{3,1}", "a{x}", "[z-a]", "a{2000}",
        ] {
            assert!(Pattern::new(bad).is_err(), "{bad}");
        }
    }
}
