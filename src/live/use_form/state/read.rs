//! [`UseForm`]'s readers: a field's value, error, touched/dirty/pending flags, the
//! whole form's validity and values, and form-array rows. Reads the form's state signal only.

use super::UseForm;
use crate::live::use_form::spec::{FieldErrors, Values};

impl<T: Clone + Default + 'static> UseForm<T> {
    /// The text of field `name` (`""` for an unknown name).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || div((f.input("user"), p(f.value("user"))))
    /// });
    /// t.find("input").input("ada");
    /// assert_eq!(t.find("p").text(), "ada");
    /// ```
    pub fn value(&self, name: &str) -> String {
        self.with_field(name, |f, _, _| f.value.clone())
            .unwrap_or_default()
    }

    /// The error field `name` shows now: its validators', the last submit's or its async
    /// check's, once the field is touched or a submit was tried. For a form array's name,
    /// the error of the whole array (a POST with more than [`MAX_ROWS`](super::super::MAX_ROWS)).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || div((f.input("user"), p(f.error("user").unwrap_or_default())))
    /// });
    /// t.find("input").input("ad");
    /// assert_eq!(t.find("p").text(), "", "not shown before the field is left");
    /// t.find("input").dispatch("blur", EventData::Input { value: "ad".into(), checked: false });
    /// assert_eq!(t.find("p").text(), "at least 3 characters");
    /// ```
    pub fn error(&self, name: &str) -> Option<String> {
        if let Some(a) = self.array(name) {
            return self.0.state.with(|s| s.array_errors[a].clone());
        }
        self.with_field(name, |f, _, attempted| f.touched || attempted)
            .filter(|&shown| shown)
            .and_then(|_| self.error_any(name))
    }

    /// The error of field `name`, shown or not.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::live::use_form::*;
    /// # #[derive(Clone, Default)] struct Login { user: String }
    /// let f = use_form(FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required()]));
    /// assert_eq!(f.error("user"), None, "untouched: nothing shown");
    /// assert_eq!(f.error_any("user").as_deref(), Some("required"));
    /// ```
    pub fn error_any(&self, name: &str) -> Option<String> {
        let (slot, value, server, remote) = self.with_field(name, |f, slot, _| {
            (slot, f.value.clone(), f.server.clone(), f.remote.clone())
        })?;
        self.sync_error(slot, &value).or(server).or(remote)
    }

    /// Whether field `name` was left (blurred) once, or a submit was tried.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::live::use_form::*;
    /// # #[derive(Clone, Default)] struct Login { user: String }
    /// let f = use_form(FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required()]));
    /// f.set("user", "a");
    /// assert!(!f.touched("user"), "typing alone does not touch");
    /// f.blur("user");
    /// assert!(f.touched("user"));
    /// ```
    pub fn touched(&self, name: &str) -> bool {
        self.with_field(name, |f, _, attempted| f.touched || attempted)
            .unwrap_or(false)
    }

    /// Whether field `name`'s text differs from its initial one.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || div((f.input("user"), p(f.dirty("user").to_string())))
    /// });
    /// t.find("input").input("x");
    /// assert_eq!(t.find("p").text(), "true");
    /// t.find("input").input("");
    /// assert_eq!(t.find("p").text(), "false", "back to the initial text");
    /// ```
    pub fn dirty(&self, name: &str) -> bool {
        self.with_field(name, |f, _, _| f.value != f.initial)
            .unwrap_or(false)
    }

    /// Whether field `name`'s async check is running for its current value.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec().check_async("user", |name| async move {
    ///         if name == "root" { Err("taken".to_string()) } else { Ok(()) }
    ///     }));
    ///     move || div((f.input("user"), p(if f.pending("user") { "checking…" } else { "" })))
    /// });
    /// t.find("input").input("root");
    /// assert_eq!(t.find("p").text(), "checking…");
    /// t.settle();
    /// assert_eq!(t.find("p").text(), "");
    /// ```
    pub fn pending(&self, name: &str) -> bool {
        self.with_field(name, |f, _, _| f.pending).unwrap_or(false)
    }

    /// Whether any field differs from its initial text, or rows were added or removed.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::live::use_form::*;
    /// # #[derive(Clone, Default)] struct Invite { email: String, phones: Vec<String> }
    /// let f = use_form(
    ///     FormSpec::new()
    ///         .field("email", |i: &mut Invite| &mut i.email, [required()])
    ///         .array("phones", |i: &mut Invite| &mut i.phones, [required()]),
    /// );
    /// assert!(!f.is_dirty());
    /// f.add_row("phones");
    /// assert!(f.is_dirty(), "a row added counts");
    /// f.remove_row("phones", 0);
    /// assert!(!f.is_dirty());
    /// ```
    pub fn is_dirty(&self) -> bool {
        let start = &self.0.start_rows;
        self.0.state.with(|s| {
            s.fields.iter().any(|f| f.value != f.initial)
                || s.arrays.iter().enumerate().any(|(a, rows)| {
                    rows.len() != start[a] || rows.iter().any(|r| r.field.value != r.field.initial)
                })
        })
    }

    /// Whether every field passes its validators, the last submit's errors are fixed, and
    /// no async check failed or is pending.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || div((f.input("user"), button("Save").attr("disabled", !f.is_valid())))
    /// });
    /// assert_eq!(t.find("button").attr("disabled").as_deref(), Some(""));
    /// t.find("input").input("ada");
    /// assert_eq!(t.find("button").attr("disabled"), None);
    /// ```
    pub fn is_valid(&self) -> bool {
        let values = self.values_now();
        let clean = self.0.state.with(|s| {
            s.fields
                .iter()
                .chain(s.arrays.iter().flatten().map(|r| &r.field))
                .all(|f| f.server.is_none() && f.remote.is_none() && !f.pending)
        });
        clean && self.0.spec.build(&values).is_ok()
    }

    /// Whether a submit is running.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec()).on_submit(|_| async { Ok("/".to_string()) });
    ///     move || f.form("/", (f.input("user"), button(if f.submitting() { "Saving…" } else { "Save" })))
    /// });
    /// t.find("form").submit(&[("user", "ada")]);
    /// assert_eq!(t.find("button").text(), "Saving…");
    /// ```
    pub fn submitting(&self) -> bool {
        self.0.state.with(|s| s.submitting)
    }

    /// The form's values as `T`, or every field's validator errors.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || div((f.input("user"), p(format!("{:?}", f.values().map(|l| l.user)))))
    /// });
    /// t.find("input").input("grace");
    /// assert_eq!(t.find("p").text(), r#"Ok("grace")"#);
    /// ```
    pub fn values(&self) -> Result<T, FieldErrors> {
        self.0.spec.build(&self.values_now())
    }

    pub(in crate::live::use_form) fn values_now(&self) -> Values {
        self.0.state.with(|s| Values {
            fields: s.fields.iter().map(|f| f.value.clone()).collect(),
            arrays: s
                .arrays
                .iter()
                .map(|rows| rows.iter().map(|r| r.field.value.clone()).collect())
                .collect(),
        })
    }

    /// The number of rows of form array `name`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec());
    ///     move || div((f.add_button("tags", "add"), p(f.rows("tags").to_string())))
    /// });
    /// t.find("button").click();
    /// t.find("button").click();
    /// assert_eq!(t.find("p").text(), "2");
    /// ```
    pub fn rows(&self, name: &str) -> usize {
        self.row_keys(name).len()
    }

    /// The stable keys of form array `name`'s rows, in order: key the rendered rows with
    /// them so a reorder moves elements (and focus) instead of rewriting them.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::live::use_form::*;
    /// # #[derive(Clone, Default)] struct Invite { phones: Vec<String> }
    /// let f = use_form(FormSpec::new().array("phones", |i: &mut Invite| &mut i.phones, [required()]));
    /// f.add_row("phones");
    /// f.add_row("phones");
    /// let keys = f.row_keys("phones");
    /// f.move_row("phones", 1, 0);
    /// assert_eq!(f.row_keys("phones"), [keys[1], keys[0]], "keys move with their rows");
    /// ```
    pub fn row_keys(&self, name: &str) -> Vec<u64> {
        let Some(a) = self.0.spec.arrays.iter().position(|d| d.name == name) else {
            return Vec::new();
        };
        self.0
            .state
            .with(|s| s.arrays[a].iter().map(|r| r.key).collect())
    }
}
