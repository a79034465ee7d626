//! [`Str`], the string of the tree (texts, attribute names and values): a static string
//! borrowed, a short one held inline, a longer one on the heap.
//!
//! Touches nothing else of the crate. Why inline: a retained tree is read on every event
//! of its session, and a busy server holds more sessions than its caches. A text on the
//! heap is one more block to fetch from memory when the diff compares it (a 50-row list
//! has two per row: ≈ 100 cache misses a click); a text of up to [`Str::INLINE`] bytes
//! sits in the node that holds it.

use std::borrow::{Borrow, Cow};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::rc::Rc;

/// A string of the tree: literal text, class names, attribute values.
///
/// Three forms, one behaviour (it derefs to `str`, and compares, orders and hashes as
/// that `str`):
/// - a `&'static str` is kept as it is: never copied, and compared by pointer first;
/// - a string of up to [`Str::INLINE`] bytes made at run time is held inline (no heap);
/// - a longer one is one exact-size heap block.
///
/// It is 24 bytes, like `Cow<'static, str>`, which it replaces in the tree.
///
/// # Examples
///
/// ```
/// use vango::vdom::{Str, VNode};
/// let fixed: Str = "Static label".into(); // borrowed: never copied
/// let dynamic: Str = format!("{} items", 3).into(); // short: held inline
/// assert!(fixed.is_static());
/// assert!(dynamic.is_inline());
/// assert!(matches!(VNode::Text(dynamic), VNode::Text(t) if t == "3 items"));
/// ```
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    /// `bytes[..len]` is UTF-8 (checked when it is made); the bytes past `len` are zero,
    /// so that two inline strings compare in one fixed-size compare.
    Inline {
        len: u8,
        bytes: [u8; Str::INLINE],
    },
    Heap(Box<str>),
}

impl Str {
    /// The longest string, in bytes, held inline.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// assert!(Str::from("x".repeat(Str::INLINE)).is_inline());
    /// assert!(!Str::from("x".repeat(Str::INLINE + 1)).is_inline());
    /// ```
    pub const INLINE: usize = 22;

    /// A static string, borrowed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// const LABEL: Str = Str::from_static("Save");
    /// assert_eq!(LABEL, "Save");
    /// ```
    pub const fn from_static(s: &'static str) -> Str {
        Str(Repr::Static(s))
    }

    /// The string.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// assert_eq!(Str::from(String::from("hi")).as_str(), "hi");
    /// ```
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            // Checked UTF-8 when made; checked again here because the crate keeps to safe
            // code (≈ 1 ns a byte, and at most 22 bytes).
            Repr::Inline { len, bytes } => std::str::from_utf8(&bytes[..*len as usize])
                .expect("an inline Str holds the UTF-8 it was made from"),
            Repr::Heap(s) => s,
        }
    }

    /// A copy of `s`: inline when it fits, else one heap block.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// let line = String::from("a short line");
    /// let s = Str::copy_from(&line);
    /// assert_eq!(s, "a short line");
    /// assert!(s.is_inline());
    /// ```
    pub fn copy_from(s: &str) -> Str {
        Str::inline(s).unwrap_or_else(|| Str(Repr::Heap(s.into())))
    }

    /// The `&'static str` it borrows, if it is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// assert_eq!(Str::from("lit").as_static(), Some("lit"));
    /// assert_eq!(Str::from(String::from("run")).as_static(), None);
    /// ```
    pub fn as_static(&self) -> Option<&'static str> {
        match self.0 {
            Repr::Static(s) => Some(s),
            _ => None,
        }
    }

    /// Its length in bytes (without the UTF-8 check that [`Str::as_str`] makes of an
    /// inline string).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// assert_eq!(Str::from(String::from("né")).len(), 3);
    /// ```
    #[inline]
    #[allow(clippy::len_without_is_empty, reason = "is_empty is below")]
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Static(s) => s.len(),
            Repr::Inline { len, .. } => *len as usize,
            Repr::Heap(s) => s.len(),
        }
    }

    /// Whether it is `""`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// assert!(Str::from(String::new()).is_empty());
    /// assert!(!Str::from("x").is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Its bytes (without the UTF-8 check that [`Str::as_str`] makes of an inline string).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// assert_eq!(Str::from(String::from("ab")).as_bytes(), b"ab");
    /// ```
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Static(s) => s.as_bytes(),
            Repr::Inline { len, bytes } => &bytes[..*len as usize],
            Repr::Heap(s) => s.as_bytes(),
        }
    }

    /// Whether it borrows a `&'static str`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// assert!(Str::from("a").is_static());
    /// assert!(!Str::from(String::from("a")).is_static());
    /// ```
    pub fn is_static(&self) -> bool {
        matches!(self.0, Repr::Static(_))
    }

    /// Whether it is held inline (made at run time, at most [`Str::INLINE`] bytes).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// assert!(Str::from(format!("row {}", 7)).is_inline());
    /// assert!(!Str::from("a literal").is_inline());
    /// ```
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }

    /// The bytes it holds on the heap: its length when it is longer than
    /// [`Str::INLINE`] and was made at run time, else 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// assert_eq!(Str::from("x".repeat(40)).heap_len(), 40);
    /// assert_eq!(Str::from("x".repeat(4)).heap_len(), 0);
    /// assert_eq!(Str::from("a literal, however long it is").heap_len(), 0);
    /// ```
    pub fn heap_len(&self) -> usize {
        match &self.0 {
            Repr::Heap(s) => s.len(),
            _ => 0,
        }
    }

    /// The string as a `String` (no copy when it is on the heap).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// assert_eq!(Str::from("ok").into_string(), "ok");
    /// ```
    pub fn into_string(self) -> String {
        match self.0 {
            Repr::Heap(s) => s.into_string(),
            _ => self.as_str().to_owned(),
        }
    }

    /// `v` formatted with `Display`: inline when it fits (numbers always do), with no
    /// heap allocation on the way.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// let n = Str::from_display(&-1234567890i64);
    /// assert_eq!(n, "-1234567890");
    /// assert!(n.is_inline());
    /// assert_eq!(Str::from_display(&"y".repeat(30)), "y".repeat(30));
    /// ```
    pub fn from_display(v: &(impl fmt::Display + ?Sized)) -> Str {
        let mut w = Writer {
            len: 0,
            bytes: [0; Str::INLINE],
            spill: None,
        };
        fmt::write(&mut w, format_args!("{v}")).expect("Display into memory does not fail");
        match w.spill {
            Some(s) => Str::from(s),
            None => Str(Repr::Inline {
                len: w.len,
                bytes: w.bytes,
            }),
        }
    }

    /// Appends `s` (in place while the result fits inline).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::Str;
    /// let mut s = Str::from("btn");
    /// s.push_str(" primary");
    /// assert_eq!(s, "btn primary");
    /// assert!(s.is_inline());
    /// ```
    pub fn push_str(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Repr::Inline { len, bytes } = &mut self.0 {
            let (at, end) = (*len as usize, *len as usize + s.len());
            if end <= Str::INLINE {
                bytes[at..end].copy_from_slice(s.as_bytes());
                *len = end as u8;
                return;
            }
        }
        let mut out = String::with_capacity(self.len() + s.len());
        out.push_str(self);
        out.push_str(s);
        *self = Str::from(out);
    }

    /// Equality with a shortcut for the forms the diff meets most: the same literal on
    /// both sides (one pointer compare), or two inline strings (their bytes, with no
    /// UTF-8 check).
    #[inline(always)]
    pub(crate) fn same(&self, other: &Str) -> bool {
        match (&self.0, &other.0) {
            // The bytes past `len` are zero (see `Repr::Inline`): one fixed-size compare.
            (Repr::Inline { len: a, bytes: x }, Repr::Inline { len: b, bytes: y }) => {
                a == b && x == y
            }
            (Repr::Static(a), Repr::Static(b)) => {
                a.len() == b.len() && (std::ptr::eq(a.as_ptr(), b.as_ptr()) || a == b)
            }
            // An inline string is never longer than INLINE, a heap one always is.
            (Repr::Inline { .. }, Repr::Heap(_)) | (Repr::Heap(_), Repr::Inline { .. }) => false,
            _ => self.as_bytes() == other.as_bytes(),
        }
    }

    fn inline(s: &str) -> Option<Str> {
        (s.len() <= Str::INLINE).then(|| {
            let mut bytes = [0; Str::INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Str(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        })
    }
}

impl Default for Str {
    fn default() -> Str {
        Str::from_static("")
    }
}

impl Deref for Str {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&'static str> for Str {
    #[inline]
    fn from(s: &'static str) -> Str {
        Str::from_static(s)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str::inline(&s).unwrap_or_else(|| Str(Repr::Heap(s.into_boxed_str())))
    }
}

impl From<&String> for Str {
    fn from(s: &String) -> Str {
        Str::copy_from(s)
    }
}

impl From<Box<str>> for Str {
    fn from(s: Box<str>) -> Str {
        match Str::inline(&s) {
            Some(inline) => inline,
            None => Str(Repr::Heap(s)),
        }
    }
}

impl From<Rc<str>> for Str {
    fn from(s: Rc<str>) -> Str {
        Str::copy_from(&s)
    }
}

impl From<Cow<'static, str>> for Str {
    fn from(s: Cow<'static, str>) -> Str {
        match s {
            Cow::Borrowed(s) => Str::from_static(s),
            Cow::Owned(s) => Str::from(s),
        }
    }
}

impl From<char> for Str {
    fn from(c: char) -> Str {
        Str::inline(c.encode_utf8(&mut [0; 4])).expect("a char is at most 4 bytes")
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        s.into_string()
    }
}

impl From<Str> for Cow<'static, str> {
    fn from(s: Str) -> Cow<'static, str> {
        match s.0 {
            Repr::Static(s) => Cow::Borrowed(s),
            _ => Cow::Owned(s.into_string()),
        }
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Str {
    #[inline]
    fn eq(&self, other: &Str) -> bool {
        self.same(other)
    }
}

impl Eq for Str {}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes, so that a map keyed by `Str` can be searched by `&str`.
        self.as_str().hash(state)
    }
}

macro_rules! eq_with {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Str {
            fn eq(&self, other: &$t) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }
        impl PartialEq<Str> for $t {
            fn eq(&self, other: &Str) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}

eq_with!(str, &str, String, Cow<'_, str>);

/// Formats into an inline buffer, moving to a `String` once it overflows.
struct Writer {
    len: u8,
    bytes: [u8; Str::INLINE],
    spill: Option<String>,
}

impl fmt::Write for Writer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if let Some(out) = &mut self.spill {
            out.push_str(s);
            return Ok(());
        }
        let (at, end) = (self.len as usize, self.len as usize + s.len());
        if end <= Str::INLINE {
            self.bytes[at..end].copy_from_slice(s.as_bytes());
            self.len = end as u8;
        } else {
            let mut out = String::with_capacity(end.max(2 * Str::INLINE));
            // Whole `write_str` pieces only, so the bytes so far are UTF-8.
            out.push_str(std::str::from_utf8(&self.bytes[..at]).map_err(|_| fmt::Error)?);
            out.push_str(s);
            self.spill = Some(out);
        }
        Ok(())
    }
}
