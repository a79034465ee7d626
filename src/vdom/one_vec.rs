//! `OneVec`, the list type of an element's children ([`Children`](crate::vdom::Children)):
//! a single item is held inline (no heap block), more in a `Vec`.
//!
//! Touches nothing else of the crate. Most elements of a page hold one child, a text
//! (`span("label")`, `td(id)`, `button("+1")`); inline, the diff reads it from the
//! element's own block instead of following a pointer to a list, which on a busy server
//! is a cache miss per element.

use std::fmt;
use std::mem;
use std::ops::{Deref, DerefMut};

/// A list that holds a single item inline: reads like a slice, grows with
/// [`push`](OneVec::push); [`vec_mut`](OneVec::vec_mut) gives the rest of `Vec`'s API.
///
/// # Examples
///
/// ```
/// use vango::vdom::{OneVec, VNode};
/// let mut c = OneVec::new();
/// c.push(VNode::Text("a".into()));
/// assert_eq!(c.capacity(), 0); // one child: inline, no list allocated
/// c.push(VNode::Text("b".into()));
/// assert_eq!(c.len(), 2);
/// assert!(matches!(&c[1], VNode::Text(t) if t == "b"));
/// ```
pub struct OneVec<T>(Repr<T>);

enum Repr<T> {
    Many(Vec<T>),
    One(T),
}

impl<T> OneVec<T> {
    /// An empty list (allocates nothing).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(vango::vdom::OneVec::<u8>::new().is_empty());
    /// ```
    #[inline]
    pub const fn new() -> Self {
        OneVec(Repr::Many(Vec::new()))
    }

    /// Appends `node`: the first child of an empty list is held inline.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{OneVec, VNode};
    /// let mut c = OneVec::new();
    /// c.push(VNode::Empty);
    /// c.push(VNode::Text("x".into()));
    /// assert!(matches!(c[..], [VNode::Empty, VNode::Text(_)]));
    /// ```
    #[inline]
    pub fn push(&mut self, node: T) {
        match &mut self.0 {
            Repr::Many(v) if v.is_empty() && v.capacity() == 0 => self.0 = Repr::One(node),
            Repr::Many(v) => v.push(node),
            Repr::One(_) => self.vec_mut().push(node),
        }
    }

    /// The list as a `Vec`, for edits a slice cannot make (insert, remove, drain, splice);
    /// an inline child moves into a new list.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{OneVec, VNode};
    /// let mut c = OneVec::from(VNode::Text("b".into()));
    /// c.vec_mut().insert(0, VNode::Text("a".into()));
    /// assert_eq!(c.len(), 2);
    /// ```
    pub fn vec_mut(&mut self) -> &mut Vec<T> {
        if let Repr::One(_) = self.0 {
            let mut list = Vec::with_capacity(2);
            if let Repr::One(n) = mem::replace(&mut self.0, Repr::Many(Vec::new())) {
                list.push(n);
            }
            self.0 = Repr::Many(list);
        }
        match &mut self.0 {
            Repr::Many(v) => v,
            Repr::One(_) => unreachable!(),
        }
    }

    /// Moves the item of a one-item list inline and hands back the emptied list (its
    /// storage, for reuse); `None` when the list holds another number of items or the item
    /// is inline already.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::OneVec;
    /// let mut l = OneVec::<char>::from(vec!['a', 'b']);
    /// l.vec_mut().pop();
    /// let storage = l.inline().unwrap();
    /// assert!(storage.is_empty() && storage.capacity() >= 2);
    /// assert!(l.is_inline() && l[0] == 'a');
    /// assert!(l.inline().is_none());
    /// ```
    pub fn inline(&mut self) -> Option<Vec<T>> {
        match &mut self.0 {
            Repr::Many(v) if v.len() == 1 => {
                let item = v.pop()?;
                let list = mem::take(v);
                self.0 = Repr::One(item);
                Some(list)
            }
            _ => None,
        }
    }

    /// The inline item, or the list: `(Some(item), empty)` or `(None, list)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::OneVec;
    /// assert_eq!(OneVec::from('a').split(), (Some('a'), Vec::new()));
    /// assert_eq!(OneVec::<char>::from(vec!['a', 'b']).split(), (None, vec!['a', 'b']));
    /// ```
    pub fn split(self) -> (Option<T>, Vec<T>) {
        match self.0 {
            Repr::Many(v) => (None, v),
            Repr::One(n) => (Some(n), Vec::new()),
        }
    }

    /// The nodes as a `Vec` (an inline child moves into a new one).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{OneVec, VNode};
    /// let v = OneVec::from(VNode::Empty).into_vec();
    /// assert_eq!(v.len(), 1);
    /// ```
    pub fn into_vec(self) -> Vec<T> {
        match self.0 {
            Repr::Many(v) => v,
            Repr::One(n) => vec![n],
        }
    }

    /// The list's heap storage in nodes: 0 when empty or inline.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{OneVec, VNode};
    /// assert_eq!(OneVec::from(VNode::Empty).capacity(), 0);
    /// assert_eq!(OneVec::<VNode>::from(vec![VNode::Empty, VNode::Empty]).capacity(), 2);
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        match &self.0 {
            Repr::Many(v) => v.capacity(),
            Repr::One(_) => 0,
        }
    }

    /// Whether the only child is held inline.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{OneVec, VNode};
    /// assert!(OneVec::from(VNode::Empty).is_inline());
    /// assert!(!OneVec::<VNode>::new().is_inline());
    /// ```
    #[inline]
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::One(_))
    }

    /// Removes every child, keeping a list's storage.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{OneVec, VNode};
    /// let mut c = OneVec::from(VNode::Empty);
    /// c.clear();
    /// assert!(c.is_empty());
    /// ```
    pub fn clear(&mut self) {
        match &mut self.0 {
            Repr::Many(v) => v.clear(),
            Repr::One(_) => self.0 = Repr::Many(Vec::new()),
        }
    }
}

impl<T> Default for OneVec<T> {
    #[inline]
    fn default() -> Self {
        OneVec::new()
    }
}

impl<T> Deref for OneVec<T> {
    type Target = [T];
    #[inline(always)]
    fn deref(&self) -> &[T] {
        match &self.0 {
            Repr::Many(v) => v,
            Repr::One(n) => std::slice::from_ref(n),
        }
    }
}

impl<T> DerefMut for OneVec<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.0 {
            Repr::Many(v) => v,
            Repr::One(n) => std::slice::from_mut(n),
        }
    }
}

/// A one-item `Vec` becomes an inline item (the `Vec` is freed); any other is kept.
impl<T> From<Vec<T>> for OneVec<T> {
    #[inline]
    fn from(v: Vec<T>) -> Self {
        let mut l = OneVec(Repr::Many(v));
        l.inline();
        l
    }
}

impl<T> From<T> for OneVec<T> {
    #[inline]
    fn from(n: T) -> Self {
        OneVec(Repr::One(n))
    }
}

impl<T> FromIterator<T> for OneVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut c = OneVec::new();
        c.extend(iter);
        c
    }
}

impl<T> Extend<T> for OneVec<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for n in iter {
            self.push(n);
        }
    }
}

impl<T> IntoIterator for OneVec<T> {
    type Item = T;
    type IntoIter = std::iter::Chain<std::option::IntoIter<T>, std::vec::IntoIter<T>>;
    fn into_iter(self) -> Self::IntoIter {
        let (one, many) = self.split();
        one.into_iter().chain(many)
    }
}

impl<'a, T> IntoIterator for &'a OneVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut OneVec<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<T: fmt::Debug> fmt::Debug for OneVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
