//! Client commands ([`Js`]): DOM changes bound to an event that the browser runs with no
//! round trip (show/hide/toggle, classes, attributes, focus, scroll, dispatching a DOM
//! event, pushing a hook event), like LiveView's JS commands. Written into the element's
//! `data-js` attribute; `client/src/commands.js` runs them.
//!
//! Builds attribute values only: touches `vdom`'s naming and URL rules, nothing else.

use super::builder::El;
use crate::vdom::event::EVENTS;
use crate::vdom::names::{is_reserved, is_valid_attr_name};
use crate::vdom::url::{refuses, url_kind};

/// A list of client commands, run in order when the event they are bound to fires
/// ([`El::js`]), before the event (if the element also has a server handler) is sent.
///
/// A selector picks elements in the document (`document.querySelectorAll`); an empty one
/// means the element the commands are bound to. Commands change the DOM the server
/// renders: the server's next patch of the same attribute wins, and a page rendered afresh
/// shows the server's state.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::view::js::Js;
/// let menu = Js::new().toggle("#menu").toggle_class("", "open");
/// let b = button("Menu").js("click", menu);
/// let html = vango::render::to_html(&b.into());
/// assert!(html.contains(r#"data-js="[[&quot;click&quot;,[[&quot;to&quot;,&quot;#menu&quot;]"#), "{html}");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Js {
    /// The commands as a JSON array body (`["to","#m"],["tc","","open"]`).
    json: String,
}

impl Js {
    /// No commands.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert!(Js::new().is_empty());
    /// ```
    pub fn new() -> Js {
        Js::default()
    }

    /// Whether there is no command.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert!(!Js::new().show("#x").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.json.is_empty()
    }

    fn push(mut self, op: &str, args: &[&str]) -> Js {
        if !self.json.is_empty() {
            self.json.push(',');
        }
        self.json.push('[');
        json_str(&mut self.json, op);
        for a in args {
            self.json.push(',');
            json_str(&mut self.json, a);
        }
        self.json.push(']');
        self
    }

    /// Shows the selected elements (removes `hidden`).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert_eq!(Js::new().show(".tip").to_string(), r#"[["sh",".tip"]]"#);
    /// ```
    pub fn show(self, sel: &str) -> Js {
        self.push("sh", &[sel])
    }

    /// Hides the selected elements (sets `hidden`).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert_eq!(Js::new().hide("").to_string(), r#"[["hi",""]]"#);
    /// ```
    pub fn hide(self, sel: &str) -> Js {
        self.push("hi", &[sel])
    }

    /// Shows the selected elements that are hidden and hides the others.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert_eq!(Js::new().toggle("#menu").to_string(), r##"[["to","#menu"]]"##);
    /// ```
    pub fn toggle(self, sel: &str) -> Js {
        self.push("to", &[sel])
    }

    /// Adds class `class` to the selected elements.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert_eq!(Js::new().add_class("", "busy").to_string(), r#"[["ac","","busy"]]"#);
    /// ```
    pub fn add_class(self, sel: &str, class: &str) -> Js {
        self.push("ac", &[sel, class])
    }

    /// Removes class `class` from the selected elements.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert_eq!(Js::new().remove_class("li", "on").to_string(), r#"[["rc","li","on"]]"#);
    /// ```
    pub fn remove_class(self, sel: &str, class: &str) -> Js {
        self.push("rc", &[sel, class])
    }

    /// Toggles class `class` on the selected elements.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert_eq!(Js::new().toggle_class("", "open").to_string(), r#"[["tc","","open"]]"#);
    /// ```
    pub fn toggle_class(self, sel: &str, class: &str) -> Js {
        self.push("tc", &[sel, class])
    }

    /// Sets attribute `name` to `value` on the selected elements. Refused (no command,
    /// logged) for names that could run script — event handlers (`on*`), `srcdoc`, the
    /// framework's own markers — and for a script URL (`javascript:`, `data:text/html`)
    /// in a URL-valued attribute, as the server's own attribute rules do.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// let js = Js::new().set_attr("#b", "aria-expanded", "true");
    /// assert_eq!(js.to_string(), r##"[["sa","#b","aria-expanded","true"]]"##);
    /// assert!(Js::new().set_attr("a", "onclick", "alert(1)").is_empty());
    /// assert!(Js::new().set_attr("a", "HREF", " javascript:alert(1)").is_empty());
    /// ```
    pub fn set_attr(self, sel: &str, name: &str, value: &str) -> Js {
        if !attr_allowed(name, Some(value)) {
            log::error!("Js::set_attr refused attribute {name:?} (it could run script)");
            return self;
        }
        self.push("sa", &[sel, name, value])
    }

    /// Removes attribute `name` from the selected elements (the framework's markers are
    /// refused).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert_eq!(Js::new().remove_attr("", "open").to_string(), r#"[["ra","","open"]]"#);
    /// assert!(Js::new().remove_attr("", "data-hid").is_empty());
    /// ```
    pub fn remove_attr(self, sel: &str, name: &str) -> Js {
        if !attr_allowed(name, None) {
            log::error!("Js::remove_attr refused attribute {name:?}");
            return self;
        }
        self.push("ra", &[sel, name])
    }

    /// Focuses the first selected element.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert_eq!(Js::new().focus("#q").to_string(), r##"[["fo","#q"]]"##);
    /// ```
    pub fn focus(self, sel: &str) -> Js {
        self.push("fo", &[sel])
    }

    /// Focuses the first focusable element (link, button, field, or `tabindex`) inside
    /// the first selected element.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert_eq!(Js::new().focus_first("dialog").to_string(), r#"[["ff","dialog"]]"#);
    /// ```
    pub fn focus_first(self, sel: &str) -> Js {
        self.push("ff", &[sel])
    }

    /// Scrolls the first selected element into view (the least scrolling that shows it).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// assert_eq!(Js::new().scroll_into_view("#end").to_string(), r##"[["si","#end"]]"##);
    /// ```
    pub fn scroll_into_view(self, sel: &str) -> Js {
        self.push("si", &[sel])
    }

    /// Dispatches a bubbling DOM event named `event` on the selected elements (their own
    /// listeners, hooks and server handlers see it).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// let js = Js::new().dispatch("#f", "submit");
    /// assert_eq!(js.to_string(), r##"[["di","#f","submit"]]"##);
    /// ```
    pub fn dispatch(self, sel: &str, event: &str) -> Js {
        self.push("di", &[sel, event])
    }

    /// Sends a hook event named `name` with `payload` from the element the commands are
    /// bound to: its [`El::on_hook`] handler for `name` receives it.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::view::js::Js;
    /// let js = Js::new().push_event("opened", "menu");
    /// assert_eq!(js.to_string(), r#"[["pu","","opened","menu"]]"#);
    /// ```
    pub fn push_event(self, name: &str, payload: &str) -> Js {
        self.push("pu", &["", name, payload])
    }
}

/// The commands as the JSON array the client reads.
impl std::fmt::Display for Js {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}]", self.json)
    }
}

impl El {
    /// Binds client commands to DOM event `event` (a name of
    /// [`EVENTS`], optionally with a key filter:
    /// `"keydown:Escape,Enter"`): the browser runs them with no round trip, then sends the
    /// event if the element also has a server handler for it. Another call adds its
    /// commands after the earlier ones. Without JavaScript nothing runs.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::view::js::Js;
    /// let field = input()
    ///     .js("focus", Js::new().show("#hint"))
    ///     .js("keydown:Escape", Js::new().hide("#hint"));
    /// let html = vango::render::to_html(&field.into());
    /// assert!(html.contains("keydown:Escape"), "{html}");
    /// ```
    pub fn js(self, event: &str, commands: Js) -> Self {
        let name = event.split(':').next().unwrap_or("");
        debug_assert!(
            EVENTS.iter().any(|(n, _)| *n == name),
            "unknown DOM event {name:?}: not in vdom::event::EVENTS"
        );
        // `[["event",[commands]],...]`: a binding is appended, never parsed back.
        let mut json = match self.0.attr("data-js") {
            Some(old) if old.ends_with(']') => {
                let mut s = old[..old.len() - 1].to_owned();
                s.push(',');
                s
            }
            _ => String::from("["),
        };
        json.push('[');
        json_str(&mut json, event);
        json.push(',');
        json.push_str(&commands.to_string());
        json.push_str("]]");
        self.attr("data-js", json)
    }
}

/// Whether a command may set (`value` given) or remove attribute `name`.
fn attr_allowed(name: &str, value: Option<&str>) -> bool {
    let lower = name.to_ascii_lowercase();
    if !is_valid_attr_name(name)
        || is_reserved(name)
        || lower == "data-js"
        || lower.starts_with("on")
        || lower == "srcdoc"
    {
        return false;
    }
    // The selector may pick any element: the strictest tags' URL rules apply.
    let kind = url_kind("object", &lower).or_else(|| url_kind("set", &lower));
    match (kind, value) {
        (Some(kind), Some(v)) => !refuses(kind, v),
        _ => true,
    }
}

/// Appends `s` as a JSON string.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
