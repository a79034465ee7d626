//! [`UseForm`]'s writers: setting and blurring fields (starting async checks) and the
//! form-array row operations. Touches only the form's state signal and the session's tasks.

use super::{FieldState, Row, Slot, UseForm};
use crate::live::task::spawn_handle;
use crate::live::use_form::spec::RowOp;

impl<T: Clone + Default + 'static> UseForm<T> {
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
    /// [`MAX_ROWS`](super::super::MAX_ROWS)).
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
