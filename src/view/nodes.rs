//! `IntoChildren`: everything that can be an element's children (text, numbers, elements,
//! nodes, options, lists, tuples) and how it is appended in normalized form.
//!
//! Touches only `vdom::node` (an [`El`](crate::view::El) is one child: that impl is in
//! `builder.rs`). `&'static str` stays a static [`Str`]: never copied.

use std::borrow::Cow;

use crate::vdom::node::{RawHtml, Str, VNode};

/// Anything that can be the children of an element.
///
/// Implemented for `()`, `&'static str` (kept borrowed: never copied), `String`, `&String`,
/// `Cow<'static, str>`, integers, floats, `bool` and `char` (rendered with `to_string`),
/// [`El`](crate::view::El), [`VNode`], [`RawHtml`], `Option<T>`, `Vec<T>`, arrays, tuples of up to 16
/// children, and iterators wrapped with [`nodes`].
///
/// Children are appended with [`VNode::push_normalized`], so an element's children are
/// always normalized: fragments flattened, empty nodes dropped, adjacent texts merged.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let logged_in = true;
/// let n = 3;
/// let e = div((
///     "Hello",
///     if logged_in { Some(b(" you")) } else { None },
///     ", ",
///     n,
///     " items",
///     vec![li("a"), li("b")],
///     nodes((1..=2).map(|i| span(i))),
/// ));
/// // "Hello" | <b> | ", 3 items" | <li> | <li> | <span> | <span>
/// assert_eq!(e.children.len(), 7);
/// ```
pub trait IntoChildren {
    /// Appends these children to `out`, keeping it normalized.
    fn push_children(self, out: &mut Vec<VNode>);

    /// About how many nodes [`push_children`](IntoChildren::push_children) appends, so
    /// that an element's child list is allocated once at its final size (merged texts
    /// make it an overestimate; a shorter list is trimmed when the element is finished).
    fn count_hint(&self) -> usize {
        1
    }

    /// These children as exactly one normalized node (an element, a non-empty text) or
    /// none ([`VNode::Empty`]), when that is cheap to know: an element's only child is
    /// then held inline without a list being filled first. `Err(self)` otherwise (the
    /// default).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// assert!(matches!("hi".single(), Ok(VNode::Text(_))));
    /// assert!(matches!("".single(), Ok(VNode::Empty)));
    /// assert!(vec![li("a")].single().is_err());
    /// ```
    fn single(self) -> Result<VNode, Self>
    where
        Self: Sized,
    {
        Err(self)
    }

    /// These children as one node: a single node as itself, several as a
    /// [`VNode::Fragment`], none as [`VNode::Empty`].
    fn into_node(self) -> VNode
    where
        Self: Sized,
    {
        let mut out = Vec::new();
        self.push_children(&mut out);
        match out.len() {
            0 => VNode::Empty,
            1 => out.pop().unwrap_or(VNode::Empty),
            _ => VNode::Fragment(out),
        }
    }
}

impl IntoChildren for () {
    fn push_children(self, _out: &mut Vec<VNode>) {}
    fn count_hint(&self) -> usize {
        0
    }
    fn into_node(self) -> VNode {
        VNode::Empty
    }
}

/// Text children: one `Str` each.
macro_rules! text_children {
    ($($t:ty => |$v:ident| $conv:expr;)*) => {$(
        impl IntoChildren for $t {
            fn push_children(self, out: &mut Vec<VNode>) {
                let $v = self;
                VNode::push_normalized(out, VNode::Text($conv));
            }
            fn into_node(self) -> VNode {
                let $v = self;
                let s: Str = $conv;
                if s.is_empty() { VNode::Empty } else { VNode::Text(s) }
            }
            fn single(self) -> Result<VNode, Self> {
                Ok(self.into_node())
            }
        }
    )*};
}

text_children! {
    &'static str => |s| Str::from_static(s);
    String => |s| Str::from(s);
    &String => |s| Str::from(s);
    Cow<'static, str> => |s| Str::from(s);
    Str => |s| s;
    bool => |b| Str::from_static(if b { "true" } else { "false" });
    char => |c| Str::from(c);
}

/// Numbers render with `to_string` (so `1.5` is `"1.5"` and `f64::NAN` is `"NaN"`).
macro_rules! number_children {
    ($($t:ty)*) => {$(
        impl IntoChildren for $t {
            fn push_children(self, out: &mut Vec<VNode>) {
                VNode::push_normalized(out, VNode::Text(Str::from_display(&self)));
            }
            fn into_node(self) -> VNode {
                VNode::Text(Str::from_display(&self))
            }
            fn single(self) -> Result<VNode, Self> {
                Ok(self.into_node())
            }
        }
    )*};
}

number_children!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64);

impl IntoChildren for VNode {
    fn push_children(self, out: &mut Vec<VNode>) {
        VNode::push_normalized(out, self);
    }
    fn into_node(self) -> VNode {
        self
    }
    fn count_hint(&self) -> usize {
        match self {
            VNode::Empty => 0,
            VNode::Fragment(c) => c.len(),
            _ => 1,
        }
    }
}

impl IntoChildren for RawHtml {
    fn push_children(self, out: &mut Vec<VNode>) {
        out.push(VNode::Raw(self));
    }
    fn into_node(self) -> VNode {
        VNode::Raw(self)
    }
}

impl<T: IntoChildren> IntoChildren for Option<T> {
    fn push_children(self, out: &mut Vec<VNode>) {
        if let Some(c) = self {
            c.push_children(out);
        }
    }
    fn into_node(self) -> VNode {
        match self {
            Some(c) => c.into_node(),
            None => VNode::Empty,
        }
    }
    fn count_hint(&self) -> usize {
        self.as_ref().map_or(0, T::count_hint)
    }
}

impl<T: IntoChildren> IntoChildren for Vec<T> {
    fn push_children(self, out: &mut Vec<VNode>) {
        out.reserve(self.len());
        for c in self {
            c.push_children(out);
        }
    }
    fn count_hint(&self) -> usize {
        self.iter().map(T::count_hint).sum()
    }
}

impl<T: IntoChildren, const N: usize> IntoChildren for [T; N] {
    fn push_children(self, out: &mut Vec<VNode>) {
        out.reserve(N);
        for c in self {
            c.push_children(out);
        }
    }
    fn count_hint(&self) -> usize {
        self.iter().map(T::count_hint).sum()
    }
}

impl<T: IntoChildren> IntoChildren for Box<T> {
    fn push_children(self, out: &mut Vec<VNode>) {
        (*self).push_children(out);
    }
    fn into_node(self) -> VNode {
        (*self).into_node()
    }
    fn count_hint(&self) -> usize {
        (**self).count_hint()
    }
}

/// Children taken from an iterator; build it with [`nodes`].
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::view::nodes::Nodes;
/// let items: Nodes<_> = nodes((1..=3).map(|i| li(i.to_string())));
/// assert_eq!(ol(items).children.len(), 3);
/// ```
#[derive(Clone, Debug)]
pub struct Nodes<I>(pub I);

impl<I> IntoChildren for Nodes<I>
where
    I: Iterator,
    I::Item: IntoChildren,
{
    fn push_children(self, out: &mut Vec<VNode>) {
        out.reserve(self.0.size_hint().0);
        for c in self.0 {
            c.push_children(out);
        }
    }
    fn count_hint(&self) -> usize {
        self.0.size_hint().0
    }
}

/// Uses the items of an iterator as children (an iterator is not itself [`IntoChildren`],
/// so that a lazy adaptor is never consumed by surprise).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let e = ul(nodes(["a", "b", "c"].into_iter().map(li)));
/// assert_eq!(e.children.len(), 3);
/// ```
pub fn nodes<I>(iter: I) -> Nodes<I::IntoIter>
where
    I: IntoIterator,
    I::Item: IntoChildren,
{
    Nodes(iter.into_iter())
}

macro_rules! tuple_children {
    ($($name:ident)+) => {
        impl<$($name: IntoChildren),+> IntoChildren for ($($name,)+) {
            #[allow(non_snake_case)]
            fn push_children(self, out: &mut Vec<VNode>) {
                let ($($name,)+) = self;
                $($name.push_children(out);)+
            }
            #[allow(non_snake_case)]
            fn count_hint(&self) -> usize {
                let ($($name,)+) = self;
                0 $(+ $name.count_hint())+
            }
        }
    };
}

tuple_children!(A);
tuple_children!(A B);
tuple_children!(A B C);
tuple_children!(A B C D);
tuple_children!(A B C D E);
tuple_children!(A B C D E F);
tuple_children!(A B C D E F G);
tuple_children!(A B C D E F G H);
tuple_children!(A B C D E F G H I);
tuple_children!(A B C D E F G H I J);
tuple_children!(A B C D E F G H I J K);
tuple_children!(A B C D E F G H I J K L);
tuple_children!(A B C D E F G H I J K L M);
tuple_children!(A B C D E F G H I J K L M N);
tuple_children!(A B C D E F G H I J K L M N O);
tuple_children!(A B C D E F G H I J K L M N O P);
