//! [`UseForm`]: a live form's state: per-field text, errors, touched and dirty flags,
//! async checks with a pending state (stale answers discarded) and form-array rows (the
//! submit is in `submit.rs`).
//!
//! Touches the reactive graph (one signal holds the form), tasks on the session's core
//! (async checks) and the refused submission a re-rendered page starts from.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::spec::{FieldErrors, FormSpec, RowOp, Values, ROW_FIELD};
use crate::live::form::use_submission;
use crate::live::task::spawn_handle;
use crate::reactive::{on_cleanup, signal, Signal};

pub(super) type SubmitRun = Pin<Box<dyn Future<Output = Result<String, FieldErrors>>>>;
pub(super) type SubmitFn<T> = Rc<dyn Fn(T) -> SubmitRun>;

#[derive(Clone, Debug, Default)]
pub(crate) struct FieldState {
    pub(crate) value: String,
    pub(super) initial: String,
    pub(super) touched: bool,
    /// The last submit's error for this field (cleared when the value changes).
    pub(super) server: Option<String>,
    /// The async check's error for the current value.
    pub(super) remote: Option<String>,
    pub(super) pending: bool,
    /// Bumped by every change: an async answer for an older one is stale.
    pub(super) generation: u64,
}

impl FieldState {
    fn new(value: String, initial: String) -> FieldState {
        FieldState {
            value,
            initial,
            ..Default::default()
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub(super) key: u64,
    pub(super) field: FieldState,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct State {
    pub(super) fields: Vec<FieldState>,
    pub(super) arrays: Vec<Vec<Row>>,
    pub(super) next_key: u64,
    /// Errors for a whole form array (too many rows), by array.
    pub(super) array_errors: Vec<Option<String>>,
    /// A submit was tried: every error shows, touched or not.
    pub(super) attempted: bool,
    pub(super) submitting: bool,
}

/// Where a field name points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Slot {
    Field(usize),
    Row(usize, usize),
}

pub(super) struct Inner<T: 'static> {
    pub(super) spec: FormSpec<T>,
    /// The initial row count of each form array (for [`UseForm::is_dirty`]).
    pub(super) start_rows: Vec<usize>,
    pub(super) state: Signal<State>,
    pub(super) checks: RefCell<HashMap<usize, async_executor::Task<()>>>,
    pub(super) submit_task: RefCell<Option<async_executor::Task<()>>>,
    pub(super) on_submit: RefCell<Option<SubmitFn<T>>>,
    pub(super) action: RefCell<String>,
}

/// A live form bound to a struct `T` by a [`FormSpec`]: made by [`use_form`] in a
/// component's setup, read in its render (every read is tracked), driven by the inputs
/// its [`input`](UseForm::input) helper binds. Cheap to clone (an `Rc`); `!Send`.
///
/// A field's error shows once it is touched (left once) or a submit was tried, and
/// follows the value as the user types; [`UseForm::error_any`] gives it regardless.
/// Rows of a form array are named `name[i]`; their state moves with them when they are
/// reordered.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::{min_len, required, use_form, FormSpec, UseForm};
/// #[derive(Clone, Default)]
/// struct Login { user: String }
/// let f: UseForm<Login> = use_form(FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]));
/// f.set("user", "ad");
/// assert_eq!(f.error("user"), None, "not shown until the field is left");
/// f.blur("user");
/// assert_eq!(f.error("user").as_deref(), Some("at least 3 characters"));
/// f.set("user", "ada");
/// assert_eq!(f.values().unwrap().user, "ada");
/// ```
pub struct UseForm<T: 'static>(pub(super) Rc<Inner<T>>);

impl<T> Clone for UseForm<T> {
    fn clone(&self) -> Self {
        UseForm(self.0.clone())
    }
}

/// A live form for `spec`, starting from `T::default()`: call it in a component's setup.
/// On a page re-rendered after a refused POST ([`use_submission`]) it starts from the
/// submitted values with the handler's errors on their fields, all touched — the errors a
/// browser without JavaScript sees are the ones a live form shows.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::live::use_form::{min_len, required, use_form, FormSpec};
/// use vango::testing::LiveTest;
///
/// #[derive(Clone, Default)]
/// struct Login { user: String }
///
/// let t = LiveTest::component(|| {
///     let f = use_form(FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]));
///     move || div((f.input("user"), f.error("user").map(|e| p(e).id("err"))))
/// });
/// t.find("input").input("ab");
/// assert_eq!(t.count("#err"), 0, "not touched yet");
/// t.find("input").dispatch("blur", EventData::Input { value: "ab".into(), checked: false });
/// assert_eq!(t.find("#err").text(), "at least 3 characters");
/// t.find("input").input("abc");
/// assert_eq!(t.count("#err"), 0, "fixed as the user types");
/// ```
pub fn use_form<T: Clone + Default + 'static>(spec: FormSpec<T>) -> UseForm<T> {
    use_form_with(spec, T::default())
}

/// Like [`use_form`], starting from `initial` (an edit form): a field is dirty when its
/// text differs from `initial`'s.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::{required, use_form_with, FormSpec};
/// #[derive(Clone, Default)]
/// struct Profile { name: String }
/// let spec = FormSpec::new().field("name", |p: &mut Profile| &mut p.name, [required()]);
/// let f = use_form_with(spec, Profile { name: "Ada".into() }); // an edit form
/// assert_eq!(f.value("name"), "Ada");
/// assert!(!f.is_dirty());
/// f.set("name", "Ada L.");
/// assert!(f.dirty("name"));
/// ```
pub fn use_form_with<T: Clone + Default + 'static>(spec: FormSpec<T>, initial: T) -> UseForm<T> {
    let start = spec.values_of(&initial);
    let mut values = start.clone();
    let sub = use_submission();
    if let Some(sub) = &sub {
        values = spec.values_from(|n| sub.value(n).map(str::to_owned)).0;
    }
    let mut state = State::default();
    for (i, v) in values.fields.into_iter().enumerate() {
        state
            .fields
            .push(FieldState::new(v, start.fields[i].clone()));
    }
    for (a, rows) in values.arrays.into_iter().enumerate() {
        let mut out = Vec::with_capacity(rows.len());
        for (r, v) in rows.into_iter().enumerate() {
            let initial = start.arrays[a].get(r).cloned().unwrap_or_default();
            out.push(Row {
                key: state.next_key,
                field: FieldState::new(v, initial),
            });
            state.next_key += 1;
        }
        state.arrays.push(out);
        state.array_errors.push(None);
    }
    let inner = Rc::new(Inner {
        start_rows: start.arrays.iter().map(Vec::len).collect(),
        spec,
        state: signal(state),
        checks: RefCell::new(HashMap::new()),
        submit_task: RefCell::new(None),
        on_submit: RefCell::new(None),
        action: RefCell::new(String::new()),
    });
    let form = UseForm(inner);
    if let Some(sub) = sub {
        // A refused POST: its errors on their fields; a row button's re-render is no
        // submit attempt, so untouched fields stay quiet.
        let attempted = sub.value(ROW_FIELD).is_none();
        let errors: FieldErrors = sub
            .errors()
            .map(|(n, m)| (n.to_owned(), m.to_owned()))
            .collect();
        form.0.state.update_untracked(|s| {
            s.attempted = attempted;
            if attempted {
                for f in all_fields(s) {
                    f.touched = true;
                }
            }
        });
        form.apply_server_errors(errors, false);
    }
    let weak = Rc::downgrade(&form.0);
    on_cleanup(move || {
        if let Some(inner) = weak.upgrade() {
            inner.checks.borrow_mut().clear();
            drop(inner.submit_task.borrow_mut().take());
        }
    });
    form
}

pub(super) fn all_fields(s: &mut State) -> impl Iterator<Item = &mut FieldState> {
    s.fields
        .iter_mut()
        .chain(s.arrays.iter_mut().flatten().map(|r| &mut r.field))
}

impl<T: Clone + Default + 'static> UseForm<T> {
    pub(super) fn array(&self, name: &str) -> Option<usize> {
        self.0.spec.arrays.iter().position(|d| d.name == name)
    }

    pub(super) fn slot(&self, name: &str) -> Option<Slot> {
        let spec = &self.0.spec;
        if let Some(i) = spec.fields.iter().position(|f| f.name == name) {
            return Some(Slot::Field(i));
        }
        let (base, rest) = name.split_once('[')?;
        let r: usize = rest.strip_suffix(']')?.parse().ok()?;
        let a = spec.arrays.iter().position(|d| d.name == base)?;
        Some(Slot::Row(a, r))
    }

    pub(super) fn with_field<R>(
        &self,
        name: &str,
        f: impl FnOnce(&FieldState, Slot, bool) -> R,
    ) -> Option<R> {
        let slot = self.slot(name)?;
        self.0.state.with(|s| {
            let field = match slot {
                Slot::Field(i) => s.fields.get(i),
                Slot::Row(a, r) => s.arrays.get(a)?.get(r).map(|row| &row.field),
            }?;
            Some(f(field, slot, s.attempted))
        })
    }

    pub(super) fn update_field<R>(
        &self,
        slot: Slot,
        f: impl FnOnce(&mut FieldState) -> R,
    ) -> Option<R> {
        self.0
            .state
            .try_update(|s| {
                let field = match slot {
                    Slot::Field(i) => s.fields.get_mut(i),
                    Slot::Row(a, r) => s.arrays.get_mut(a)?.get_mut(r).map(|row| &mut row.field),
                }?;
                Some(f(field))
            })
            .ok()
            .flatten()
    }

    fn sync_error(&self, slot: Slot, text: &str) -> Option<String> {
        match slot {
            Slot::Field(i) => self.0.spec.field_error(i, text),
            Slot::Row(a, _) => self.0.spec.row_error(a, text),
        }
    }

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
    /// the error of the whole array (a POST with more than [`MAX_ROWS`](super::MAX_ROWS)).
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

    pub(super) fn values_now(&self) -> Values {
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

    /// Sets field `name`'s text as typing does: it is dirty if it differs from its initial
    /// text, its last submit error is cleared, and its async check (if any, and if the
    /// validators pass) starts, replacing a running one.
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
    ///         f.input("user"),
    ///         button("Use my name").on_click({ let f = f.clone(); move |_| f.set("user", "ada") }),
    ///     ))
    /// });
    /// t.find("button").click();
    /// assert_eq!(t.find("input").attr("value").as_deref(), Some("ada"));
    /// ```
    pub fn set(&self, name: &str, value: &str) {
        let Some(slot) = self.slot(name) else {
            log::debug!("use_form: no field {name:?}");
            return;
        };
        let changed = self.update_field(slot, |f| {
            if f.value == value {
                return None;
            }
            f.value = value.to_owned();
            f.server = None;
            f.remote = None;
            f.pending = false;
            f.generation += 1;
            Some(f.generation)
        });
        if let (Some(Some(generation)), Slot::Field(i)) = (changed, slot) {
            self.start_check(i, value, generation);
        }
    }

    /// Marks field `name` touched (the user left it): its errors show from now on.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::live::use_form::*;
    /// # #[derive(Clone, Default)] struct Login { user: String }
    /// let f = use_form(FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required()]));
    /// assert_eq!(f.error("user"), None);
    /// f.blur("user"); // what the bound input's blur event does
    /// assert_eq!(f.error("user").as_deref(), Some("required"));
    /// ```
    pub fn blur(&self, name: &str) {
        if let Some(slot) = self.slot(name) {
            if !self.with_field(name, |f, _, _| f.touched).unwrap_or(true) {
                self.update_field(slot, |f| f.touched = true);
            }
        }
    }

    fn start_check(&self, i: usize, value: &str, generation: u64) {
        let Some(check) = self.0.spec.fields[i].check.clone() else {
            return;
        };
        // A new value makes a running check stale: dropping its task cancels it.
        self.0.checks.borrow_mut().remove(&i);
        if self.0.spec.field_error(i, value).is_some() {
            return;
        }
        let fut = check(value.to_owned());
        let state = self.0.state;
        let task = spawn_handle(async move {
            let result = fut.await;
            let _ = state.try_update(|s| {
                let f = &mut s.fields[i];
                // A stale answer (the value changed since) is discarded.
                if f.generation == generation {
                    f.remote = result.err();
                    f.pending = false;
                }
            });
        });
        if let Some(task) = task {
            self.update_field(Slot::Field(i), |f| f.pending = true);
            self.0.checks.borrow_mut().insert(i, task);
        }
    }

    /// Adds an empty row at the end of form array `name` (nothing at
    /// [`MAX_ROWS`](super::MAX_ROWS)).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::live::use_form::*;
    /// # #[derive(Clone, Default)] struct Invite { phones: Vec<String> }
    /// let f = use_form(FormSpec::new().array("phones", |i: &mut Invite| &mut i.phones, [required()]));
    /// f.add_row("phones");
    /// f.set("phones[0]", "555-0100");
    /// assert_eq!(f.rows("phones"), 1);
    /// assert_eq!(f.values().unwrap().phones, ["555-0100"]);
    /// ```
    pub fn add_row(&self, name: &str) {
        self.row_op(RowOp::Add(name.to_owned()));
    }

    /// Removes row `i` of form array `name`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::live::use_form::*;
    /// # #[derive(Clone, Default)] struct Invite { phones: Vec<String> }
    /// let f = use_form(FormSpec::new().array("phones", |i: &mut Invite| &mut i.phones, [required()]));
    /// for n in ["1", "2", "3"] {
    ///     f.add_row("phones");
    ///     f.set(&format!("phones[{}]", f.rows("phones") - 1), n);
    /// }
    /// f.remove_row("phones", 1);
    /// assert_eq!(f.values().unwrap().phones, ["1", "3"]);
    /// ```
    pub fn remove_row(&self, name: &str, i: usize) {
        self.row_op(RowOp::Remove(name.to_owned(), i));
    }

    /// Moves row `from` of form array `name` to index `to`, with its state.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::live::use_form::*;
    /// # #[derive(Clone, Default)] struct Invite { phones: Vec<String> }
    /// let f = use_form(FormSpec::new().array("phones", |i: &mut Invite| &mut i.phones, [required()]));
    /// for n in ["a", "b", "c"] {
    ///     f.add_row("phones");
    ///     f.set(&format!("phones[{}]", f.rows("phones") - 1), n);
    /// }
    /// f.move_row("phones", 2, 0);
    /// assert_eq!(f.values().unwrap().phones, ["c", "a", "b"]);
    /// ```
    pub fn move_row(&self, name: &str, from: usize, to: usize) {
        self.row_op(RowOp::Move(name.to_owned(), from, to));
    }

    pub(crate) fn row_op(&self, op: RowOp) {
        let Some(a) = self.0.spec.arrays.iter().position(|d| d.name == op.array()) else {
            log::debug!("use_form: no form array {:?}", op.array());
            return;
        };
        let _ = self.0.state.try_update(|s| {
            let key = s.next_key;
            let mut added = false;
            op.apply(&mut s.arrays[a], || {
                added = true;
                Row {
                    key,
                    field: FieldState::default(),
                }
            });
            if added {
                s.next_key += 1;
            }
        });
    }
}
