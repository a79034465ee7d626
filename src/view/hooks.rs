//! The standard client hooks (Sortable, Draggable, Tooltip, Dropdown): their names and
//! script URLs, [`El`] helpers that attach one and decode what it sends, and the decoders.
//!
//! Builds attributes and listeners on `El` only. A page that uses a standard hook loads
//! its script with `use_hook_script` (`live`), which serves it at [`StandardHook::src`].

use super::builder::El;
use crate::vdom::event::IntoHandled;
use crate::vdom::{AttrValue, Str};

/// A client hook shipped with Vango, each a small script of its own (`client/hooks/`)
/// that only the pages asking for it load.
///
/// # Examples
///
/// ```
/// use vango::view::StandardHook;
/// assert_eq!(StandardHook::Sortable.name(), "Sortable");
/// assert_eq!(StandardHook::Sortable.src(), "/_vango/hooks/sortable.js");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum StandardHook {
    /// Drag the children of the element to reorder them; sends `"sort"` with the
    /// children's `data-id` values in the new order (see [`El::sortable`]).
    Sortable,
    /// Drag the element inside its offset parent; sends `"move"` with its new left/top
    /// (see [`El::movable`]).
    Draggable,
    /// Shows the element's `data-tooltip` text while it is hovered or focused (see
    /// [`El::tooltip`]).
    Tooltip,
    /// A toggle button (`data-toggle`, else the first button) that opens a menu
    /// (`data-menu`, else the last child); choosing an item with `data-value` sends
    /// `"select"` with it (see [`El::dropdown`]).
    Dropdown,
}

impl StandardHook {
    /// Every standard hook.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::hooks::StandardHook;
    ///
    /// let names: Vec<_> = StandardHook::ALL.iter().map(|h| h.name()).collect();
    /// assert_eq!(names, ["Sortable", "Draggable", "Tooltip", "Dropdown"]);
    /// ```
    pub const ALL: [StandardHook; 4] = [
        StandardHook::Sortable,
        StandardHook::Draggable,
        StandardHook::Tooltip,
        StandardHook::Dropdown,
    ];

    /// The name it registers under (the `data-hook` value).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::hooks::StandardHook;
    ///
    /// assert_eq!(StandardHook::Tooltip.name(), "Tooltip");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            StandardHook::Sortable => "Sortable",
            StandardHook::Draggable => "Draggable",
            StandardHook::Tooltip => "Tooltip",
            StandardHook::Dropdown => "Dropdown",
        }
    }

    /// The URL path the server serves its script at.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::hooks::StandardHook;
    ///
    /// assert_eq!(StandardHook::Sortable.src(), "/_vango/hooks/sortable.js");
    /// ```
    pub fn src(self) -> &'static str {
        match self {
            StandardHook::Sortable => "/_vango/hooks/sortable.js",
            StandardHook::Draggable => "/_vango/hooks/draggable.js",
            StandardHook::Tooltip => "/_vango/hooks/tooltip.js",
            StandardHook::Dropdown => "/_vango/hooks/dropdown.js",
        }
    }
}

impl El {
    /// Makes the element's children sortable by dragging ([`StandardHook::Sortable`]):
    /// `f` gets the children's `data-id` values in the order the user dropped them (a
    /// child without `data-id` is named by its index before the drag). Re-render the
    /// children in that order (keyed): until that patch the browser only shows them
    /// moved. The page loads the script with `use_hook_script(StandardHook::Sortable)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let items = signal(vec!["a".to_string(), "b".to_string()]);
    /// let list = ul(()).sortable(move |order| items.set(order));
    /// let ev = Event {
    ///     hid: 1,
    ///     name: "hook",
    ///     data: EventData::Hook { name: "sort".into(), payload: r#"["b","a"]"#.into() },
    /// };
    /// (list.listeners[0].handler)(&ev).unwrap();
    /// assert_eq!(items.get(), ["b", "a"]);
    /// ```
    pub fn sortable<R: IntoHandled>(self, f: impl Fn(Vec<String>) -> R + 'static) -> Self {
        self.hook(StandardHook::Sortable.name())
            .on_hook("sort", move |e| match parse_order(e.value()) {
                Some(order) => f(order).into_handled(),
                None => Ok(()),
            })
    }

    /// Makes the element draggable inside its offset parent
    /// ([`StandardHook::Draggable`]): `f` gets its new left and top in pixels when the
    /// user drops it. Render it at that position (`position:absolute; left; top`): until
    /// that patch the browser only shows it moved.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let at = signal((0, 0));
    /// let boxed = div("drag me").movable(move |x, y| at.set((x, y)));
    /// let ev = Event {
    ///     hid: 1,
    ///     name: "hook",
    ///     data: EventData::Hook { name: "move".into(), payload: r#"{"x":40,"y":7}"#.into() },
    /// };
    /// (boxed.listeners[0].handler)(&ev).unwrap();
    /// assert_eq!(at.get(), (40, 7));
    /// ```
    pub fn movable<R: IntoHandled>(self, f: impl Fn(i32, i32) -> R + 'static) -> Self {
        self.hook(StandardHook::Draggable.name())
            .on_hook("move", move |e| match parse_point(e.value()) {
                Some((x, y)) => f(x, y).into_handled(),
                None => Ok(()),
            })
    }

    /// Shows `text` in a tooltip while the element is hovered or focused
    /// ([`StandardHook::Tooltip`]; class `vango-tooltip` to restyle it).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let b = button("?").tooltip("Help");
    /// # let _ = b;
    /// ```
    pub fn tooltip(self, text: impl Into<Str>) -> Self {
        self.hook(StandardHook::Tooltip.name())
            .attr("data-tooltip", AttrValue::Str(text.into()))
    }

    /// Makes the element a dropdown ([`StandardHook::Dropdown`]): its `data-toggle` (else
    /// first button) opens its `data-menu` (else last child); `f` gets the `data-value`
    /// of the item chosen (by click, or arrow keys and Enter).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let pick = signal(String::new());
    /// let menu = div((
    ///     button("Sort by").attr("data-toggle", ""),
    ///     ul(li(button("Name").attr("data-value", "name"))).attr("data-menu", "").attr("hidden", ""),
    /// ))
    /// .dropdown(move |v| pick.set(v));
    /// # let _ = menu;
    /// ```
    pub fn dropdown<R: IntoHandled>(self, f: impl Fn(String) -> R + 'static) -> Self {
        self.hook(StandardHook::Dropdown.name())
            .on_hook("select", move |e| f(e.value().to_owned()))
    }
}

/// Decodes a Sortable `"sort"` payload, a JSON array of strings; `None` for anything
/// else (at most 10,000 items).
///
/// # Examples
///
/// ```
/// use vango::view::hooks::parse_order;
/// assert_eq!(parse_order(r#"["a","b\"c"]"#), Some(vec!["a".into(), "b\"c".into()]));
/// assert_eq!(parse_order("[1]"), None);
/// ```
pub fn parse_order(payload: &str) -> Option<Vec<String>> {
    let mut s = payload.trim().strip_prefix('[')?.trim_start();
    let mut out = Vec::new();
    if let Some(rest) = s.strip_prefix(']') {
        return rest.trim().is_empty().then_some(out);
    }
    loop {
        let (item, rest) = json_string(s)?;
        out.push(item);
        if out.len() > 10_000 {
            return None;
        }
        s = rest.trim_start();
        if let Some(rest) = s.strip_prefix(',') {
            s = rest.trim_start();
        } else {
            let rest = s.strip_prefix(']')?;
            return rest.trim().is_empty().then_some(out);
        }
    }
}

/// Reads one JSON string at the start of `s`; returns it and what follows.
fn json_string(s: &str) -> Option<(String, &str)> {
    let mut chars = s.strip_prefix('"')?.char_indices();
    let body = &s[1..];
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                out.push(match e {
                    '"' | '\\' | '/' => e,
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'u' => {
                        let hex: String =
                            (0..4).filter_map(|_| chars.next().map(|p| p.1)).collect();
                        let unit = u32::from_str_radix(&hex, 16).ok()?;
                        // Surrogate pairs do not occur in ids worth handling: refused.
                        char::from_u32(unit)?
                    }
                    _ => return None,
                });
            }
            c if (c as u32) < 0x20 => return None,
            c => out.push(c),
        }
    }
    None
}

/// Decodes a Draggable `"move"` payload, `{"x":N,"y":N}` (integers, any order).
///
/// # Examples
///
/// ```
/// use vango::view::hooks::parse_point;
/// assert_eq!(parse_point(r#"{"x":12,"y":-3}"#), Some((12, -3)));
/// assert_eq!(parse_point(r#"{"x":1}"#), None);
/// ```
pub fn parse_point(payload: &str) -> Option<(i32, i32)> {
    let body = payload.trim().strip_prefix('{')?.strip_suffix('}')?;
    let (mut x, mut y) = (None, None);
    for part in body.split(',') {
        let (k, v) = part.split_once(':')?;
        let v: i32 = v.trim().parse().ok()?;
        match k.trim() {
            "\"x\"" => x = Some(v),
            "\"y\"" => y = Some(v),
            _ => return None,
        }
    }
    Some((x?, y?))
}
