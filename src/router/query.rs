//! Query strings and form bodies (`x-www-form-urlencoded`) as decoded pairs; pure.

use std::borrow::Cow;

use super::decode::decode;
use super::EncodingError;

/// The key/value pairs of a query string, in order, percent-decoded with `+` as a space.
///
/// Takes the part after `?` (what `Request::query` returns); also parses an
/// `application/x-www-form-urlencoded` body. Pairs are split on `&`; empty pieces are
/// skipped; a piece without `=` is a key with an empty value. Keys may repeat.
/// Borrows the input unless a piece has escapes or `+`.
///
/// # Examples
///
/// ```
/// use vango::router::Query;
///
/// let q = Query::parse("q=rust+web&tag=a&tag=b%26c&&flag").unwrap();
/// assert_eq!(q.get("q"), Some("rust web"));
/// assert_eq!(q.get("tag"), Some("a"));
/// assert_eq!(q.get_all("tag").collect::<Vec<_>>(), ["a", "b&c"]);
/// assert_eq!(q.get("flag"), Some(""));
/// assert_eq!(q.get("missing"), None);
/// assert_eq!(q.len(), 4);
/// let keys: Vec<&str> = q.iter().map(|(k, _)| k).collect();
/// assert_eq!(keys, ["q", "tag", "tag", "flag"]);
/// assert!(Query::parse("bad=%G0").is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query<'q> {
    pairs: Vec<(Cow<'q, str>, Cow<'q, str>)>,
}

impl<'q> Query<'q> {
    /// Parses `query`; a malformed escape or non-UTF-8 result is an error (400 Bad
    /// Request), never a panic.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Query;
    ///
    /// let q = Query::parse("name=J%C3%BCrgen&x").unwrap();
    /// assert_eq!(q.get("name"), Some("Jürgen"));
    /// assert!(Query::parse("%FF").is_err(), "not UTF-8");
    /// ```
    pub fn parse(query: &'q str) -> Result<Self, EncodingError> {
        let mut pairs = Vec::new();
        let mut offset = 0;
        for piece in query.split('&') {
            if !piece.is_empty() {
                let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
                let at = |e: EncodingError, base: usize| match e {
                    EncodingError::BadEscape { at } => EncodingError::BadEscape { at: base + at },
                    e => e,
                };
                let key = decode(k, true).map_err(|e| at(e, offset))?;
                let value = decode(v, true).map_err(|e| at(e, offset + k.len() + 1))?;
                pairs.push((key, value));
            }
            offset += piece.len() + 1;
        }
        Ok(Query { pairs })
    }

    /// The first value of `key`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Query;
    ///
    /// let q = Query::parse("sort=date&sort=name").unwrap();
    /// assert_eq!(q.get("sort"), Some("date"), "the first value");
    /// ```
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Every value of `key`, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Query;
    ///
    /// let q = Query::parse("tag=a&tag=b").unwrap();
    /// assert_eq!(q.get_all("tag").collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.iter().filter(move |(k, _)| *k == key).map(|(_, v)| v)
    }

    /// All `(key, value)` pairs, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Query;
    ///
    /// let q = Query::parse("a=1&b=2").unwrap();
    /// assert_eq!(q.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "2")]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.pairs.iter().map(|(k, v)| (&**k, &**v))
    }

    /// How many pairs.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Query;
    ///
    /// assert_eq!(Query::parse("a=1&a=2&b").unwrap().len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no pairs.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::router::Query;
    ///
    /// assert!(Query::parse("").unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}
