//! Attribute machinery on [`El`]: values, the generic setters, classes, styles, `data-*`,
//! `aria-*`, optimistic-update markers and client hooks.
//!
//! Touches only `vdom::node` and the builder. The typed per-attribute methods (`href`,
//! `disabled`, ...) are generated in `typed_attrs.rs`.

use std::borrow::Cow;

use crate::vdom::node::{Attr, AttrValue, Str};
use crate::view::builder::El;

/// A value an attribute can take: strings (literals stay borrowed), numbers (rendered with
/// `to_string`) and `bool` (a boolean attribute: present when `true`, absent when `false`).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
///
/// let e = input()
///     .attr("placeholder", "Name") // &'static str
///     .attr("maxlength", 40) // a number
///     .attr("required", true) // a boolean attribute: present
///     .attr("disabled", false); // absent
/// assert_eq!(
///     vango::render::to_html(&e.into_node()),
///     r#"<input placeholder="Name" maxlength="40" required>"#
/// );
/// ```
pub trait IntoAttrValue {
    /// The attribute value.
    fn into_attr_value(self) -> AttrValue;
}

impl IntoAttrValue for AttrValue {
    fn into_attr_value(self) -> AttrValue {
        self
    }
}

impl IntoAttrValue for &'static str {
    fn into_attr_value(self) -> AttrValue {
        AttrValue::Str(Str::from_static(self))
    }
}

impl IntoAttrValue for String {
    fn into_attr_value(self) -> AttrValue {
        AttrValue::Str(Str::from(self))
    }
}

impl IntoAttrValue for &String {
    fn into_attr_value(self) -> AttrValue {
        AttrValue::Str(Str::from(self))
    }
}

impl IntoAttrValue for Cow<'static, str> {
    fn into_attr_value(self) -> AttrValue {
        AttrValue::Str(self.into())
    }
}

impl IntoAttrValue for Str {
    fn into_attr_value(self) -> AttrValue {
        AttrValue::Str(self)
    }
}

impl IntoAttrValue for bool {
    fn into_attr_value(self) -> AttrValue {
        AttrValue::Bool(self)
    }
}

impl IntoAttrValue for char {
    fn into_attr_value(self) -> AttrValue {
        AttrValue::Str(Str::from(self))
    }
}

macro_rules! number_values {
    ($($t:ty)*) => {$(
        impl IntoAttrValue for $t {
            fn into_attr_value(self) -> AttrValue {
                AttrValue::Str(Str::from_display(&self))
            }
        }
    )*};
}

number_values!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64);

impl El {
    /// Sets attribute `name` to `value` (a string, a number, or a `bool` for a boolean
    /// attribute). A later value for the same name (in any ASCII case: it is the same
    /// attribute) replaces the earlier one in place, so an element holds one [`Attr`] per
    /// name.
    ///
    /// `name` should be a valid attribute name (see
    /// [`is_valid_attr_name`](crate::render::is_valid_attr_name)); an invalid one, or
    /// `data-hid`/`data-on` (the framework's markers), is refused: never rendered, never
    /// sent, logged once. Prefer `&'static str` names (never copied). In a URL-valued
    /// attribute (`href`, `src`, `action`, `srcset`, ...) a URL that would run script is
    /// written as `about:invalid#zvangoz` (see [`El::trusted_attr`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let link = a("home").attr("href", "javascript:alert(1)").attr("data-Id", 7);
    /// assert_eq!(
    ///     vango::render::to_html(&link.into()),
    ///     r#"<a href="about:invalid#zvangoz" data-id="7">home</a>"#
    /// );
    /// ```
    pub fn attr(mut self, name: impl Into<Str>, value: impl IntoAttrValue) -> Self {
        self.set_attr(name.into(), value.into_attr_value());
        self
    }

    /// Sets attribute `name` to `value` **without** refusing a script URL: a
    /// `javascript:` link stays one.
    ///
    /// **Dangerous.** Only for values the application wrote itself; from user data it is
    /// an XSS hole. Names are still checked, and NUL still becomes U+FFFD (the HTML parser
    /// would do that to the first paint anyway).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let b = a("print").trusted_attr("href", "javascript:print()");
    /// assert_eq!(
    ///     vango::render::to_html(&b.into()),
    ///     r#"<a href="javascript:print()">print</a>"#
    /// );
    /// ```
    pub fn trusted_attr(mut self, name: impl Into<Str>, value: impl Into<Str>) -> Self {
        self.set_attr(name.into(), AttrValue::Trusted(value.into()));
        self
    }

    /// Sets attribute `name` only when `value` is `Some`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let tip: Option<String> = None;
    /// let e = button("Save").attr_opt("title", tip).attr_opt("form", Some("edit"));
    /// assert_eq!((e.get_attr("title"), e.get_attr("form")), (None, Some("edit")));
    /// ```
    pub fn attr_opt(self, name: impl Into<Str>, value: Option<impl IntoAttrValue>) -> Self {
        match value {
            Some(v) => self.attr(name, v),
            None => self,
        }
    }

    /// Removes attribute `name` (in any ASCII case) if it was set.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = input().attr("autofocus", true).remove_attr("AUTOFOCUS");
    /// assert_eq!(e.get_attr("autofocus"), None);
    /// ```
    pub fn remove_attr(mut self, name: &str) -> Self {
        self.0.attrs.retain(|a| !a.name.eq_ignore_ascii_case(name));
        self
    }

    /// Sets or replaces an attribute in place (the one primitive every setter goes through).
    pub(crate) fn set_attr(&mut self, name: Str, value: AttrValue) {
        match self
            .0
            .attrs
            .iter_mut()
            .find(|a| a.name.eq_ignore_ascii_case(&name))
        {
            Some(a) => a.value = value,
            None => self.0.attrs.push(Attr { name, value }),
        }
    }

    /// The current string value of `name`, for the accumulating setters.
    fn attr_str_mut(&mut self, name: &'static str) -> Option<&mut Str> {
        self.0
            .attrs
            .iter_mut()
            .find(|a| a.name == name)
            .and_then(|a| match &mut a.value {
                AttrValue::Str(s) | AttrValue::Trusted(s) => Some(s),
                AttrValue::Bool(_) => None,
            })
    }

    /// Appends `piece` to the string attribute `name`, separated by `sep`.
    fn append_attr(&mut self, name: &'static str, sep: &str, piece: Str) {
        if piece.is_empty() {
            return;
        }
        match self.attr_str_mut(name) {
            Some(s) if !s.is_empty() => {
                s.push_str(sep);
                s.push_str(&piece);
            }
            Some(s) => *s = piece,
            None => self.set_attr(Str::from_static(name), AttrValue::Str(piece)),
        }
    }

    /// Sets the `class` attribute, replacing any earlier class.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = div(()).class("card").class("panel"); // the second replaces the first
    /// assert_eq!(e.get_attr("class"), Some("panel"));
    /// ```
    pub fn class(mut self, class: impl Into<Str>) -> Self {
        self.set_attr(Str::from_static("class"), AttrValue::Str(class.into()));
        self
    }

    /// Appends one class name to the `class` attribute (space separated).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = div(()).class("card").add_class("selected");
    /// assert_eq!(e.get_attr("class"), Some("card selected"));
    /// ```
    pub fn add_class(mut self, class: impl Into<Str>) -> Self {
        self.append_attr("class", " ", class.into());
        self
    }

    /// Appends the class names whose condition is true to the `class` attribute.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let (active, done) = (true, false);
    /// let e = li("task").class("item").classes([("active", active), ("done", done)]);
    /// assert_eq!(e.get_attr("class"), Some("item active"));
    /// ```
    pub fn classes<C: Into<Str>>(mut self, list: impl IntoIterator<Item = (C, bool)>) -> Self {
        for (class, on) in list {
            if on {
                self.append_attr("class", " ", class.into());
            }
        }
        self
    }

    /// Sets the whole `style` attribute (`"color: red; margin: 0"`), replacing any earlier
    /// style.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = div(()).style("color: red; margin: 0");
    /// assert_eq!(e.get_attr("style"), Some("color: red; margin: 0"));
    /// ```
    pub fn style(mut self, css: impl Into<Str>) -> Self {
        self.set_attr(Str::from_static("style"), AttrValue::Str(css.into()));
        self
    }

    /// Appends one declaration `prop: value` to the `style` attribute; repeated calls
    /// accumulate into the one attribute.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let pct = 40;
    /// let e = div(()).style_prop("width", format!("{pct}%")).style_prop("height", "4px");
    /// assert_eq!(e.get_attr("style"), Some("width: 40%; height: 4px"));
    /// ```
    pub fn style_prop(mut self, prop: &str, value: impl AsRef<str>) -> Self {
        let value = value.as_ref();
        let mut decl = String::with_capacity(prop.len() + value.len() + 2);
        decl.push_str(prop);
        decl.push_str(": ");
        decl.push_str(value);
        if let Some(s) = self.attr_str_mut("style") {
            if !s.is_empty() && !s.trim_end().ends_with(';') {
                s.push_str(";");
            }
        }
        self.append_attr("style", " ", Str::from(decl));
        self
    }

    /// Sets `data-{name}` (the name is computed, so it is an owned string).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = li("Row 7").data("id", 7).data("kind", "todo");
    /// assert_eq!((e.get_attr("data-id"), e.get_attr("data-kind")), (Some("7"), Some("todo")));
    /// ```
    pub fn data(self, name: &str, value: impl IntoAttrValue) -> Self {
        self.attr(format!("data-{name}"), value)
    }

    /// Sets `aria-{name}` (the name is computed; the common ARIA attributes also have
    /// typed methods such as [`El::aria_label`] with static names). A `bool` becomes
    /// `"true"`/`"false"`, as ARIA states are strings, not boolean attributes.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let open = false;
    /// let e = button("Menu").aria("expanded", open).aria("controls", "menu");
    /// assert_eq!(e.get_attr("aria-expanded"), Some("false"));
    /// ```
    pub fn aria(self, name: &str, value: impl IntoAttrValue) -> Self {
        let value = match value.into_attr_value() {
            AttrValue::Bool(b) => {
                AttrValue::Str(Str::from_static(if b { "true" } else { "false" }))
            }
            v => v,
        };
        self.attr(format!("aria-{name}"), value)
    }

    /// Optimistic update: the client toggles class `name` on this element as soon as one
    /// of its events is sent, and reverts when the server answers (`data-opt-class`). For a
    /// handler that starts an [`Action`](crate::live::Action), render the same change from
    /// [`Action::pending_count`](crate::live::Action::pending_count): it holds until the run
    /// ends and reverts if it fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// // The browser toggles `liked` at once on click; the server's answer confirms or reverts.
    /// let e = button("♥").class("like").optimistic_class("liked").on_click(|_| {});
    /// assert_eq!(e.get_attr("data-opt-class"), Some("liked"));
    /// ```
    pub fn optimistic_class(self, name: impl Into<Str>) -> Self {
        self.attr("data-opt-class", AttrValue::Str(name.into()))
    }

    /// Optimistic update: the client sets this element's text at once (`data-opt-text`).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = button("Follow").optimistic_text("Following").on_click(|_| {});
    /// assert_eq!(e.get_attr("data-opt-text"), Some("Following"));
    /// ```
    pub fn optimistic_text(self, text: impl Into<Str>) -> Self {
        self.attr("data-opt-text", AttrValue::Str(text.into()))
    }

    /// Optimistic update: the client sets attribute `name` to `value` at once
    /// (`data-opt-attr="name=value"`).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = button("Send").optimistic_attr("disabled", "").on_click(|_| {});
    /// assert_eq!(e.get_attr("data-opt-attr"), Some("disabled="));
    /// ```
    pub fn optimistic_attr(self, name: &str, value: &str) -> Self {
        self.attr("data-opt-attr", format!("{name}={value}"))
    }

    /// Attaches the client hook registered under `name` (`data-hook`).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// // `window.Vango.hooks.Clock = { mounted(el, ctx) { ... } }` in the page's script.
    /// let e = time(()).hook("Clock").id("clock");
    /// assert_eq!(e.get_attr("data-hook"), Some("Clock"));
    /// ```
    pub fn hook(self, name: impl Into<Str>) -> Self {
        self.attr("data-hook", AttrValue::Str(name.into()))
    }
}
