//! `TightVec`, the list type of an element's attributes and listeners: a boxed slice that
//! is always exactly as long as its contents.
//!
//! Touches nothing else of the crate. Retained trees live as long as their sessions, so
//! these lists carry no growth slack, and each costs two words in its element instead of a
//! `Vec`'s three (with both, `Element` fits a 112-byte heap chunk instead of 128).

use std::fmt;
use std::mem;
use std::ops::{Deref, DerefMut};

/// A list without spare capacity: reads like a slice, grows by one allocation per
/// [`push`](TightVec::push) (attributes and listeners come one or two at a time).
///
/// # Examples
///
/// ```
/// use vango::vdom::TightVec;
/// let mut names: TightVec<&str> = TightVec::new();
/// names.push("class");
/// names.push("id");
/// assert_eq!(&names[..], ["class", "id"]);
/// assert_eq!(names.len(), 2);
/// ```
pub struct TightVec<T>(Box<[T]>);

impl<T> TightVec<T> {
    /// An empty list (allocates nothing).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::TightVec;
    /// assert!(TightVec::<u8>::new().is_empty());
    /// ```
    pub fn new() -> Self {
        TightVec(Box::default())
    }

    /// Appends `value`: the list is reallocated at its new exact length.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::TightVec;
    /// let mut l = TightVec::new();
    /// l.push(1);
    /// assert_eq!(l.last(), Some(&1));
    /// ```
    pub fn push(&mut self, value: T) {
        // One `realloc` (glibc often grows in place): no allocate-copy-free.
        let mut v = mem::take(&mut self.0).into_vec();
        v.reserve_exact(1);
        v.push(value);
        self.0 = v.into_boxed_slice();
    }

    /// Keeps only the entries `keep` accepts, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::TightVec;
    /// let mut l = TightVec::from(vec![1, 2, 3, 4]);
    /// l.retain(|n| n % 2 == 0);
    /// assert_eq!(&l[..], [2, 4]);
    /// ```
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        let mut v = mem::take(&mut self.0).into_vec();
        v.retain(keep);
        self.0 = v.into_boxed_slice();
    }

    /// Removes every entry (and frees the list).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::TightVec;
    /// let mut l = TightVec::from([1, 2]);
    /// l.clear();
    /// assert!(l.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.0 = Box::default();
    }

    /// The entries as a `Vec`, without copying them.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::TightVec;
    /// assert_eq!(TightVec::from(vec![7]).into_vec(), vec![7]);
    /// ```
    pub fn into_vec(self) -> Vec<T> {
        self.0.into_vec()
    }
}

impl<T> Default for TightVec<T> {
    fn default() -> Self {
        TightVec::new()
    }
}

impl<T> Deref for TightVec<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> DerefMut for TightVec<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.0
    }
}

impl<T> TightVec<T> {
    /// The list holding exactly the items of `items`.
    pub(crate) fn from_box(items: Box<[T]>) -> Self {
        TightVec(items)
    }

    /// The items, in their one allocation.
    pub(crate) fn into_box(self) -> Box<[T]> {
        self.0
    }
}

impl<T> From<Vec<T>> for TightVec<T> {
    fn from(v: Vec<T>) -> Self {
        TightVec(v.into_boxed_slice())
    }
}

impl<T, const N: usize> From<[T; N]> for TightVec<T> {
    fn from(a: [T; N]) -> Self {
        TightVec(Box::new(a))
    }
}

impl<T> FromIterator<T> for TightVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        TightVec(iter.into_iter().collect())
    }
}

/// Appends every item; the list ends at its new exact length.
impl<T> Extend<T> for TightVec<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let mut v = mem::take(&mut self.0).into_vec();
        v.extend(iter);
        self.0 = v.into_boxed_slice();
    }
}

impl<T> IntoIterator for TightVec<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_vec().into_iter()
    }
}

impl<'a, T> IntoIterator for &'a TightVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut TightVec<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

impl<T: Clone> Clone for TightVec<T> {
    fn clone(&self) -> Self {
        TightVec(self.0.clone())
    }
}

impl<T: fmt::Debug> fmt::Debug for TightVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: PartialEq> PartialEq for TightVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: Eq> Eq for TightVec<T> {}

impl<T: PartialEq> PartialEq<Vec<T>> for TightVec<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.0[..] == other[..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_words_and_no_slack() {
        assert_eq!(size_of::<TightVec<u64>>(), 2 * size_of::<usize>());
        let mut l = TightVec::new();
        for i in 0..5 {
            l.push(i);
            assert_eq!(l.len(), i + 1);
            assert_eq!(l.clone().into_vec().capacity(), i + 1);
        }
        l.extend([5, 6]);
        assert_eq!(l.clone().into_vec().capacity(), 7);
        l.retain(|&n| n != 2 && n < 5);
        assert_eq!(l, vec![0, 1, 3, 4]);
        assert_eq!(l.into_vec().capacity(), 4);
    }
}
