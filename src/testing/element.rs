//! [`Element`]: a handle on one element of a [`LiveTest`](super::LiveTest)'s page, found
//! by selector, that sends it the events a browser would (click, typing, keys, a form
//! submit, a hook's push) and reads its text and attributes.
//!
//! Touches the test's shared state (its session), the snapshot and the event types.

use std::fmt;
use std::rc::Rc;

use super::page::{Inner, Outcome};
use super::select::Selector;
use super::snapshot::{El, Node};
use crate::vdom::{Event, EventData};

/// One element of the page, found again by its selector for each use (a re-render may
/// have replaced it). Get it with [`LiveTest::find`](super::LiveTest::find).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::testing::{LiveTest, Outcome};
///
/// let t = LiveTest::component(|| {
///     let name = signal(String::new());
///     move || {
///         div((
///             input().id("name").value(name.get()).on_input(move |e| name.set(e.value().to_owned())),
///             p(format!("hi {}", name.get())).class("greeting"),
///         ))
///     }
/// });
/// assert_eq!(t.find("#name").input("Ada"), Outcome::Accepted);
/// assert_eq!(t.find("p.greeting").text(), "hi Ada");
/// assert_eq!(t.find("#name").attr("value").as_deref(), Some("Ada"));
/// ```
pub struct Element {
    inner: Rc<Inner>,
    source: String,
    selector: Selector,
    /// Only elements whose text content contains this.
    text: Option<String>,
    /// Only descendants of this element.
    scope: Option<Rc<Element>>,
}

impl fmt::Debug for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Element({:?})", self.source)
    }
}

impl Element {
    pub(crate) fn new(
        inner: Rc<Inner>,
        source: &str,
        selector: Selector,
        text: Option<&str>,
    ) -> Element {
        Element {
            inner,
            source: match text {
                Some(t) => format!("{source} with text {t:?}"),
                None => source.to_owned(),
            },
            selector,
            text: text.map(str::to_owned),
            scope: None,
        }
    }

    /// The element `selector` matches among this one's descendants (each use finds both
    /// again).
    ///
    /// # Panics
    ///
    /// When it matches no descendant or several, or is outside the subset.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| || div((
    ///     section(button("Save")).id("a"),
    ///     section(button("Save")).id("b"),
    /// )));
    /// // `t.find("button")` would match two; search inside one section instead.
    /// assert_eq!(t.find("#b").find("button").text(), "Save");
    /// ```
    pub fn find(&self, selector: &str) -> Element {
        let sel = Selector::parse(selector).unwrap_or_else(|e| panic!("{e}"));
        let el = Element {
            inner: self.inner.clone(),
            source: format!("{} {selector}", self.source),
            selector: sel,
            text: None,
            scope: Some(Rc::new(self.clone_handle())),
        };
        el.resolve();
        el
    }

    fn clone_handle(&self) -> Element {
        Element {
            inner: self.inner.clone(),
            source: self.source.clone(),
            selector: self.selector.clone(),
            text: self.text.clone(),
            scope: self.scope.clone(),
        }
    }

    /// The one element the selector matches now.
    pub(crate) fn resolve(&self) -> El {
        let (root, within) = match &self.scope {
            Some(scope) => (scope.resolve(), true),
            None => (self.inner.snapshot(), false),
        };
        let mut found: Vec<El> = Vec::new();
        root.walk(&mut Vec::new(), &mut |el, anc| {
            if within && anc.is_empty() {
                return;
            }
            let text_ok = || {
                self.text
                    .as_ref()
                    .is_none_or(|t| el.text().contains(t.as_str()))
            };
            if self.selector.matches(el, anc) && text_ok() {
                found.push(el.clone());
            }
        });
        match found.len() {
            1 => found.pop().unwrap(),
            0 => panic!("no element matches {:?}", self.source),
            n => panic!(
                "{:?} matches {n} elements, not one: make it more specific",
                self.source
            ),
        }
    }

    /// Its text content now.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| || p(("Hello, ", strong("world"))));
    /// assert_eq!(t.find("p").text(), "Hello, world");
    /// ```
    pub fn text(&self) -> String {
        self.resolve().text()
    }

    /// The value of its attribute `name` now (`Some("")` for a present boolean attribute).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| || input().attr("placeholder", "Name").attr("required", true));
    /// let el = t.find("input");
    /// assert_eq!(el.attr("placeholder").as_deref(), Some("Name"));
    /// assert_eq!(el.attr("required").as_deref(), Some(""));
    /// assert_eq!(el.attr("disabled"), None);
    /// ```
    pub fn attr(&self, name: &str) -> Option<String> {
        self.resolve().attr(name).map(str::to_owned)
    }

    /// Whether its `class` attribute lists `class`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let on = signal(false);
    ///     move || button("x").class(if on.get() { "btn on" } else { "btn" }).on_click(move |_| on.toggle())
    /// });
    /// assert!(!t.find("button").has_class("on"));
    /// t.find("button").click();
    /// assert!(t.find("button").has_class("on"));
    /// ```
    pub fn has_class(&self, class: &str) -> bool {
        self.resolve()
            .attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|c| c == class))
    }

    /// Sends `name` with `data` to its handler, as the browser's listener would.
    ///
    /// # Panics
    ///
    /// When the element has no server handler for `name` (the browser would send nothing),
    /// or the session has ended.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let seen = signal(String::new());
    ///     move || {
    ///         div(seen.get())
    ///             .id("pad")
    ///             .on_pointerdown(move |e| {
    ///                 if let EventData::Pointer { x, y, .. } = e.data {
    ///                     seen.set(format!("{x},{y}"));
    ///                 }
    ///             })
    ///             .with_coords()
    ///     }
    /// });
    /// t.find("#pad").dispatch("pointerdown", EventData::Pointer { x: 3, y: 4, button: 0, mods: 0 });
    /// assert_eq!(t.find("#pad").text(), "3,4");
    /// ```
    pub fn dispatch(&self, name: &'static str, data: EventData) -> Outcome {
        let el = self.resolve();
        if !el.listeners.contains(&name) {
            panic!(
                "{:?} (<{}>) has no {name:?} handler; it has {:?}",
                self.source, el.tag, el.listeners
            );
        }
        self.inner.event(&Event {
            hid: el.hid,
            name,
            data,
        })
    }

    /// Clicks it (no coordinates, no modifier keys). A [`link`](crate::view::helpers::link) (an
    /// `<a data-nav>` without a click handler) navigates live, as the client does.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::{LiveTest, Outcome};
    ///
    /// let t = LiveTest::component(|| {
    ///     let n = signal(0);
    ///     move || button(n.get().to_string()).on_click(move |_| n.inc())
    /// });
    /// assert_eq!(t.find("button").click(), Outcome::Accepted);
    /// assert_eq!(t.find("button").text(), "1");
    /// ```
    pub fn click(&self) -> Outcome {
        let el = self.resolve();
        if !el.listeners.contains(&"click") && el.tag == "a" && el.attr("data-nav").is_some() {
            let href = el.attr("href").unwrap_or("").to_owned();
            return self.inner.navigate(&href);
        }
        self.dispatch(
            "click",
            EventData::Pointer {
                x: 0,
                y: 0,
                button: 0,
                mods: 0,
            },
        )
    }

    /// Types: an `input` event with `value` as the control's new value.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let name = signal(String::new());
    ///     move || div((
    ///         input().value(name.get()).on_input(move |e| name.set(e.value().to_owned())),
    ///         p(format!("Hi {}", name.get())),
    ///     ))
    /// });
    /// t.find("input").input("Ada");
    /// assert_eq!(t.find("p").text(), "Hi Ada");
    /// ```
    pub fn input(&self, value: &str) -> Outcome {
        self.dispatch("input", self.input_data(value))
    }

    /// A `change` event with `value` as the control's value (a select's choice, a text
    /// field left).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let size = signal("M".to_string());
    ///     move || div((
    ///         select((option("S"), option("M"), option("L"))).on_change(move |e| size.set(e.value().to_owned())),
    ///         p(size.get()),
    ///     ))
    /// });
    /// t.find("select").change("L");
    /// assert_eq!(t.find("p").text(), "L");
    /// ```
    pub fn change(&self, value: &str) -> Outcome {
        self.dispatch("change", self.input_data(value))
    }

    /// Checks or unchecks a checkbox or radio: a `change` event with its `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let agreed = signal(false);
    ///     move || div((
    ///         input().attr("type", "checkbox").on_change(move |e| agreed.set(e.checked())),
    ///         p(if agreed.get() { "thanks" } else { "please agree" }),
    ///     ))
    /// });
    /// t.find("input").check(true);
    /// assert_eq!(t.find("p").text(), "thanks");
    /// ```
    pub fn check(&self, checked: bool) -> Outcome {
        let value = self.resolve().attr("value").unwrap_or("on").to_owned();
        self.dispatch("change", EventData::Input { value, checked })
    }

    fn input_data(&self, value: &str) -> EventData {
        EventData::Input {
            value: value.to_owned(),
            checked: false,
        }
    }

    /// Presses `key` (a `KeyboardEvent.key`, like `"Enter"` or `"a"`): a `keydown`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let last = signal(String::new());
    ///     move || div((
    ///         input().on_keydown(move |e| last.set(e.key().to_owned())),
    ///         p(last.get()),
    ///     ))
    /// });
    /// t.find("input").keydown("Escape");
    /// assert_eq!(t.find("p").text(), "Escape");
    /// ```
    pub fn keydown(&self, key: &str) -> Outcome {
        self.key("keydown", key)
    }

    /// Releases `key`: a `keyup`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let ups = signal(0);
    ///     move || input().attr("data-ups", ups.get()).on_keyup(move |_| ups.inc())
    /// });
    /// t.find("input").keyup("a");
    /// assert_eq!(t.find("input").attr("data-ups").as_deref(), Some("1"));
    /// ```
    pub fn keyup(&self, key: &str) -> Outcome {
        self.key("keyup", key)
    }

    fn key(&self, name: &'static str, key: &str) -> Outcome {
        // As the browser sends it: the field's current value with the key.
        let value = self.resolve().attr("value").unwrap_or("").to_owned();
        self.dispatch(
            name,
            EventData::Key {
                key: key.to_owned(),
                mods: 0,
                value,
            },
        )
    }

    /// Submits it (a form): the fields a browser would send — each named control's
    /// current value (checkboxes and radios only when checked), in document order — with
    /// `fields` replacing or adding values by name.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let got = signal(String::new());
    ///     move || div((
    ///         form((input().attr("name", "q").attr("value", "tea"), input().attr("name", "n")))
    ///             .on_submit(move |e| {
    ///                 if let EventData::Form(fields) = &e.data {
    ///                     got.set(format!("{fields:?}"));
    ///                 }
    ///             }),
    ///         p(got.get()),
    ///     ))
    /// });
    /// t.find("form").submit(&[("n", "2")]);
    /// assert_eq!(t.find("p").text(), r#"[("q", "tea"), ("n", "2")]"#);
    /// ```
    pub fn submit(&self, fields: &[(&str, &str)]) -> Outcome {
        let form = self.resolve();
        let mut data: Vec<(String, String)> = Vec::new();
        collect_fields(&form, &mut data);
        for (name, value) in fields {
            match data.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = (*value).to_owned(),
                None => data.push(((*name).to_owned(), (*value).to_owned())),
            }
        }
        self.dispatch("submit", EventData::Form(data))
    }

    /// Sends what its client hook would push with `ctx.push(name, payload)` to its
    /// [`on_hook`](crate::view::El::on_hook) handler.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let order = signal(String::new());
    ///     move || ul(order.get()).hook("Sortable").on_hook("order", move |e| order.set(e.value().to_owned()))
    /// });
    /// t.find("ul").hook_event("order", r#"["b","a"]"#);
    /// assert_eq!(t.find("ul").text(), r#"["b","a"]"#);
    /// ```
    pub fn hook_event(&self, name: &str, payload: &str) -> Outcome {
        self.dispatch(
            "hook",
            EventData::Hook {
                name: name.to_owned(),
                payload: payload.to_owned(),
            },
        )
    }
}

/// The named controls under `el` as a form submit lists them.
fn collect_fields(el: &El, out: &mut Vec<(String, String)>) {
    for c in &el.children {
        let Node::El(c) = c else { continue };
        let name = c.attr("name").filter(|n| !n.is_empty());
        match (c.tag, name) {
            ("input", Some(name)) => {
                let kind = c.attr("type").unwrap_or("text").to_ascii_lowercase();
                let value = c.attr("value").unwrap_or("");
                match kind.as_str() {
                    "checkbox" | "radio" if c.attr("checked").is_none() => {}
                    "checkbox" | "radio" => out.push((
                        name.to_owned(),
                        if value.is_empty() { "on" } else { value }.to_owned(),
                    )),
                    "submit" | "button" | "reset" | "image" | "file" => {}
                    _ => out.push((name.to_owned(), value.to_owned())),
                }
            }
            ("textarea", Some(name)) => {
                let value = c.attr("value").map_or_else(|| c.text(), str::to_owned);
                out.push((name.to_owned(), value));
            }
            ("select", Some(name)) => {
                let value = c.attr("value").map(str::to_owned).unwrap_or_default();
                out.push((name.to_owned(), value));
            }
            _ => collect_fields(c, out),
        }
    }
}
