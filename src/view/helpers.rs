//! Node helpers for render closures: text, fragments, raw HTML, conditionals, lists, and
//! the duplicate-key check the diff calls.
//!
//! Touches only `vdom::node`, the builder and `IntoChildren`.
//!
//! There is no `switch` helper: Rust's `match` already is one, as long as every arm
//! returns the same type, which `.into()` or [`IntoChildren::into_node`] gives:
//!
//! ```
//! use vango::prelude::*;
//!
//! enum Tab { Home, Settings, Error(String) }
//! let tab = Tab::Error("oops".into());
//! let page: VNode = match tab {
//!     Tab::Home => h1("Home").into(),
//!     Tab::Settings => fragment((h1("Settings"), p("..."))),
//!     Tab::Error(msg) => p(msg).class("error").into(),
//! };
//! assert_eq!(page.as_element().unwrap().tag, "p");
//! ```

use std::borrow::Cow;
use std::collections::HashMap;

use crate::vdom::node::{Key, RawHtml, Str, VNode};
use crate::view::builder::El;
use crate::view::nodes::IntoChildren;

/// A text node. Literal text stays borrowed; an empty string is [`VNode::Empty`].
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let html = vango::render::to_html(&p((text("a < b"), strong("!"))).into_node());
/// assert_eq!(html, "<p>a &lt; b<strong>!</strong></p>");
/// assert!(matches!(text(""), VNode::Empty));
/// ```
pub fn text(s: impl Into<Str>) -> VNode {
    let s = s.into();
    if s.is_empty() {
        VNode::Empty
    } else {
        VNode::Text(s)
    }
}

/// Several nodes without a wrapper element, normalized (nested fragments flattened,
/// empties dropped, adjacent texts merged). Flattened into the parent when used as a child.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// // A component that renders two siblings and no wrapper element.
/// let pair = fragment((dt("Name"), dd("Ada")));
/// let html = vango::render::to_html(&dl(pair).into_node());
/// assert_eq!(html, "<dl><dt>Name</dt><dd>Ada</dd></dl>");
/// ```
pub fn fragment(children: impl IntoChildren) -> VNode {
    let mut out = Vec::new();
    children.push_children(&mut out);
    VNode::Fragment(out)
}

/// Trusted HTML written verbatim (see [`RawHtml::trusted`]; never user data).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// // Markup the application wrote itself (never user data): written as it is.
/// const ICON: &str = r#"<svg viewBox="0 0 1 1"><rect width="1" height="1"/></svg>"#;
/// let html = vango::render::to_html(&span(raw_html(RawHtml::trusted(ICON))).into_node());
/// assert_eq!(html, format!("<span>{ICON}</span>"));
/// ```
pub fn raw_html(html: RawHtml) -> VNode {
    VNode::Raw(html)
}

/// `then()` when `cond` holds, nothing otherwise; `then` runs only when needed.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let errors = 2;
/// let e = form((
///     input().name("email"),
///     when(errors > 0, || p(format!("{errors} errors")).class("error")),
/// ));
/// assert_eq!(e.children.len(), 2);
///
/// let none: VNode = when(false, || p("never built"));
/// assert!(matches!(none, VNode::Empty));
/// ```
pub fn when<C: IntoChildren>(cond: bool, then: impl FnOnce() -> C) -> VNode {
    if cond {
        then().into_node()
    } else {
        VNode::Empty
    }
}

/// `then()` unless `cond` holds (the negation of [`when`]).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let items: Vec<&str> = vec![];
/// let node = unless(!items.is_empty(), || p("Nothing yet"));
/// assert_eq!(vango::render::to_html(&node), "<p>Nothing yet</p>");
/// ```
pub fn unless<C: IntoChildren>(cond: bool, then: impl FnOnce() -> C) -> VNode {
    when(!cond, then)
}

/// `then()` when `cond` holds, `otherwise()` when not; only the chosen branch runs.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let signed_in = false;
/// let node = if_else(signed_in, || button("Sign out"), || link("/login", "Sign in"));
/// assert!(vango::render::to_html(&node).contains("Sign in"));
/// ```
pub fn if_else<A: IntoChildren, B: IntoChildren>(
    cond: bool,
    then: impl FnOnce() -> A,
    otherwise: impl FnOnce() -> B,
) -> VNode {
    if cond {
        then().into_node()
    } else {
        otherwise().into_node()
    }
}

/// `node` when `cond` holds, nothing otherwise. Unlike [`when`], `node` is already built.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let unread = 3;
/// let badge = span(unread.to_string()).class("badge");
/// let node = show(unread > 0, badge);
/// assert_eq!(vango::render::to_html(&node), r#"<span class="badge">3</span>"#);
/// ```
pub fn show(cond: bool, node: impl IntoChildren) -> VNode {
    if cond {
        node.into_node()
    } else {
        VNode::Empty
    }
}

/// One node per item, as a fragment (unkeyed: use [`keyed`] for lists that reorder).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let html = vango::render::to_html(&ol(each(["wake", "coffee"], li)).into_node());
/// assert_eq!(html, "<ol><li>wake</li><li>coffee</li></ol>");
/// ```
pub fn each<I, C>(items: I, mut f: impl FnMut(I::Item) -> C) -> VNode
where
    I: IntoIterator,
    C: IntoChildren,
{
    let iter = items.into_iter();
    let mut out = Vec::with_capacity(iter.size_hint().0);
    for item in iter {
        f(item).push_children(&mut out);
    }
    VNode::Fragment(out)
}

/// One element per item, each keyed by `key(&item)`, as a fragment. Keys let the diff
/// move, insert and remove rows instead of rewriting them; they must be unique among
/// the siblings (see [`check_keys`]).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// struct Todo { id: u64, title: &'static str }
/// let todos = vec![Todo { id: 7, title: "milk" }, Todo { id: 9, title: "eggs" }];
/// let list = ul(keyed(todos, |t| t.id, |t| li(t.title)));
/// assert_eq!(list.children.len(), 2);
/// assert_eq!(list.children[1].as_element().unwrap().key.as_deref(), Some(&Key::Int(9)));
/// ```
pub fn keyed<I, K>(
    items: I,
    mut key: impl FnMut(&I::Item) -> K,
    mut f: impl FnMut(I::Item) -> El,
) -> VNode
where
    I: IntoIterator,
    K: Into<Key>,
{
    let iter = items.into_iter();
    let mut out = Vec::with_capacity(iter.size_hint().0);
    for item in iter {
        let k = key(&item).into();
        out.push(VNode::Element(f(item).key(k).finish()));
    }
    check_keys(&out);
    VNode::Fragment(out)
}

/// The first pair of sibling elements with the same key: `(first index, second index)`.
///
/// Lists of up to 32 children are scanned pairwise (no allocation); longer ones use a map.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::view::helpers::find_duplicate_key;
///
/// let rows = vec![li("a").key(1u32).into_node(), li("b").key(2u32).into_node(), li("c").key(1u32).into_node()];
/// assert_eq!(find_duplicate_key(&rows), Some((0, 2)));
/// ```
pub fn find_duplicate_key(children: &[VNode]) -> Option<(usize, usize)> {
    if children.len() <= 32 {
        for (j, b) in children.iter().enumerate() {
            if let Some(kb) = key_of(b) {
                let dup = children[..j].iter().position(|a| key_of(a) == Some(kb));
                if let Some(i) = dup {
                    return Some((i, j));
                }
            }
        }
        return None;
    }
    let mut seen: HashMap<&Key, usize> = HashMap::with_capacity(children.len());
    for (j, n) in children.iter().enumerate() {
        if let Some(k) = key_of(n) {
            if let Some(&i) = seen.get(k) {
                return Some((i, j));
            }
            seen.insert(k, j);
        }
    }
    None
}

fn key_of(n: &VNode) -> Option<&Key> {
    n.as_element().and_then(|e| e.key.as_deref())
}

/// Checks that keyed siblings have unique keys. In debug builds a duplicate panics,
/// naming the key and both positions; release builds skip the check (use
/// [`find_duplicate_key`] to handle duplicates there).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::view::helpers::check_keys;
///
/// let rows = vec![li("a").key("a").into_node(), li("b").key("b").into_node()];
/// check_keys(&rows); // unique: fine (a duplicate would panic in a debug build)
/// ```
pub fn check_keys(children: &[VNode]) {
    if cfg!(debug_assertions) {
        if let Some((i, j)) = find_duplicate_key(children) {
            let key = children[j].as_element().and_then(|e| e.key.as_deref());
            panic!("duplicate key {key:?} among siblings at positions {i} and {j}");
        }
    }
}

/// A text node from anything `Display` (numbers, ids); always an owned string.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let total = 12.5;
/// assert_eq!(vango::render::to_html(&td(text_of(total)).into_node()), "<td>12.5</td>");
/// ```
pub fn text_of(value: impl std::fmt::Display) -> VNode {
    text(Cow::Owned(value.to_string()))
}

/// A link the live client follows without a page load: an `<a href>` marked
/// `data-nav`, whose plain left clicks become a navigation event (the session mounts the
/// route in place and the browser URL follows). Without JavaScript, or with a modifier
/// key held, it is a plain link.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let html = vango::render::to_html(&link("/todos/7", "Todo 7").into());
/// assert_eq!(html, r#"<a href="/todos/7" data-nav="">Todo 7</a>"#);
/// ```
pub fn link(href: impl Into<Cow<'static, str>>, children: impl IntoChildren) -> El {
    El::new("a")
        .attr("href", href.into())
        .attr("data-nav", "")
        .child(children)
}
