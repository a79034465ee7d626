//! [`UseForm`]: a live form's state: per-field text, errors, touched and dirty flags,
//! async checks with a pending state (stale answers discarded) and form-array rows (the
//! submit is in `submit.rs`; the readers in `state/read.rs`, the writers in `state/edit.rs`).
//!
//! Touches the reactive graph (one signal holds the form), tasks on the session's core
//! (async checks) and the refused submission a re-rendered page starts from.

mod edit;
mod read;

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::spec::{FieldErrors, FormSpec, ROW_FIELD};
use crate::live::form::use_submission;
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
}
