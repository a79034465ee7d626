//! The elements a [`UseForm`] binds: inputs (name, value, `aria-invalid`, input and blur
//! handlers), the form element (a CSRF-protected POST form that submits live when the
//! client runs), and form-array row buttons that also work as plain submit buttons.
//!
//! Touches the view DSL and the live layer's `post_form`.

use super::spec::{RowOp, ROW_FIELD};
use super::state::UseForm;
use crate::live::form::post_form;
use crate::vdom::{Event, EventData};
use crate::view::builder::El;
use crate::view::elements::{button, input};
use crate::view::nodes::IntoChildren;

impl<T: Clone + Default + 'static> UseForm<T> {
    /// An `<input>` bound to field `name`: see [`UseForm::bind`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || f.input("user").attr("placeholder", "user name")
    /// });
    /// assert_eq!(t.find("input").attr("name").as_deref(), Some("user"));
    /// ```
    pub fn input(&self, name: &str) -> El {
        self.bind(input(), name)
    }

    /// Binds `el` (an `<input>`, `<textarea>` or `<select>`) to field `name`: its `name`
    /// and `value`, `aria-invalid="true"` while it shows an error, and handlers that set
    /// the value as the user types ([`UseForm::set`]) and touch it when the user leaves
    /// ([`UseForm::blur`]). It replaces `el`'s own `input` and `blur` handlers.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || div((f.bind(textarea(()), "user"), p(f.value("user"))))
    /// });
    /// t.find("textarea").input("ada");
    /// assert_eq!(t.find("p").text(), "ada");
    /// ```
    pub fn bind(&self, el: El, name: &str) -> El {
        let value = self.value(name);
        let invalid = self.error(name).is_some();
        let (f, n) = (self.clone(), name.to_owned());
        let (g, m) = (self.clone(), name.to_owned());
        let el = el
            .attr("name", name.to_owned())
            .attr("value", value)
            .on("input", move |e: &Event| f.set(&n, e.value()))
            .on("blur", move |_: &Event| g.blur(&m));
        if invalid {
            el.attr("aria-invalid", "true")
        } else {
            el
        }
    }

    /// The `<form method="post" action=...>` of this form, with its CSRF field. Without
    /// JavaScript it posts to the handler registered with [`App::form`](crate::App::form)
    /// for `action` (which calls [`FormSpec::handle`](super::FormSpec::handle)); with the
    /// client running, the submit runs live ([`UseForm::submit`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || f.form("/login", (f.input("user"), button("Sign in")))
    /// });
    /// assert_eq!(t.find("form").attr("action").as_deref(), Some("/login"));
    /// assert_eq!(t.find("form").attr("method").as_deref(), Some("post"));
    /// ```
    pub fn form(&self, action: &str, children: impl IntoChildren) -> El {
        self.set_action(action);
        let f = self.clone();
        post_form(action, children)
            .on("submit", move |e: &Event| {
                if let EventData::Form(fields) = &e.data {
                    f.take_fields(fields);
                }
                f.submit();
            })
            .prevent_default()
    }

    fn row_button(&self, op: RowOp, value: String, label: impl IntoChildren) -> El {
        let f = self.clone();
        button(label)
            .attr("type", "submit")
            .attr("name", ROW_FIELD)
            .attr("value", value)
            .on("click", move |_: &Event| f.row_op(op.clone()))
            .prevent_default()
    }

    /// A button adding a row to form array `name`: live without a round trip to a
    /// handler, or without JavaScript a submit the handler answers by re-rendering the
    /// form with the row.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || div((f.add_button("tags", "Add a tag"), p(f.rows("tags").to_string())))
    /// });
    /// t.find("button").click();
    /// assert_eq!(t.find("p").text(), "1");
    /// ```
    pub fn add_button(&self, name: &str, label: impl IntoChildren) -> El {
        self.row_button(RowOp::Add(name.to_owned()), format!("add:{name}"), label)
    }

    /// A button removing row `i` of form array `name` (see [`UseForm::add_button`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || div((
    ///         f.add_button("tags", "add").id("add"),
    ///         (0..f.rows("tags")).map(|i| f.remove_button("tags", i, "×").class("rm")).collect::<Vec<_>>(),
    ///     ))
    /// });
    /// t.find("#add").click();
    /// t.find(".rm").click();
    /// assert_eq!(t.count(".rm"), 0);
    /// ```
    pub fn remove_button(&self, name: &str, i: usize, label: impl IntoChildren) -> El {
        self.row_button(
            RowOp::Remove(name.to_owned(), i),
            format!("remove:{name}:{i}"),
            label,
        )
    }

    /// A button moving row `i` of form array `name` one place up (`up`) or down.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || div((
    ///         f.add_button("tags", "add").id("add"),
    ///         f.input("tags[0]").id("a"),
    ///         f.input("tags[1]").id("b"),
    ///         f.move_button("tags", 1, true, "↑").id("up"),
    ///     ))
    /// });
    /// t.find("#add").click();
    /// t.find("#add").click();
    /// t.find("#b").input("second");
    /// t.find("#up").click();
    /// assert_eq!(t.find("#a").attr("value").as_deref(), Some("second"));
    /// ```
    pub fn move_button(&self, name: &str, i: usize, up: bool, label: impl IntoChildren) -> El {
        let (verb, to) = if up {
            ("up", i.wrapping_sub(1))
        } else {
            ("down", i + 1)
        };
        self.row_button(
            RowOp::Move(name.to_owned(), i, to),
            format!("{verb}:{name}:{i}"),
            label,
        )
    }
}
