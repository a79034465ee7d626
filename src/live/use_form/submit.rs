//! A live form's submit: the submit function or the app's form handler run as a task,
//! the pending state, the answer's redirect or its errors put back on fields.
//!
//! Touches the form's state (`state.rs`), tasks on the session's core, and the session's
//! form handlers and navigation.

use std::future::Future;
use std::rc::Rc;

use super::spec::{FieldErrors, ROW_FIELD};
use super::state::{all_fields, Slot, State, SubmitRun, UseForm};
use crate::live::request::Submitted;
use crate::live::scope::{navigate, SessionStore};
use crate::live::task::spawn_handle;

impl<T: Clone + Default + 'static> UseForm<T> {
    /// Runs `submit` on a live submit whose values pass every validator, instead of the
    /// app's form handler for the form's action (which runs when none is given): `Ok` is
    /// the URL to go to, `Err` errors to put on fields. The form is
    /// [submitting](Self::submitting) until it answers.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let app = vango::App::new()
    ///     .page("/", || {
    ///         let f = use_form(spec()).on_submit(|l: Login| async move {
    ///             if l.user == "root" {
    ///                 return Err(vec![("user".into(), "reserved".into())]);
    ///             }
    ///             Ok(format!("/hello?user={}", l.user))
    ///         });
    ///         move || f.form("/", (f.input("user"), p(f.error("user").unwrap_or_default())))
    ///     })
    ///     .page("/hello", || || p("hello"));
    /// let t = LiveTest::mount(&app, "/");
    /// t.find("form").submit(&[("user", "root")]);
    /// t.settle();
    /// assert_eq!(t.find("p").text(), "reserved");
    /// t.find("form").submit(&[("user", "ada")]);
    /// t.settle();
    /// assert_eq!(t.path(), "/hello");
    /// ```
    pub fn on_submit<F, Fut>(self, submit: F) -> Self
    where
        F: Fn(T) -> Fut + 'static,
        Fut: Future<Output = Result<String, FieldErrors>> + 'static,
    {
        *self.0.on_submit.borrow_mut() = Some(Rc::new(move |t| Box::pin(submit(t)) as SubmitRun));
        self
    }

    /// Puts `errors` (field name, message) on their fields, as a submit's answer does;
    /// they show until the field changes.
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
    ///         p(f.error("user").unwrap_or_default()),
    ///         button("x").on_click({ let f = f.clone(); move |_| f.set_errors(vec![("user".into(), "banned".into())]) }),
    ///     ))
    /// });
    /// t.find("input").input("mallory"); // valid: the validators' own errors come first
    /// t.find("button").click();
    /// assert_eq!(t.find("p").text(), "banned");
    /// ```
    pub fn set_errors(&self, errors: FieldErrors) {
        self.apply_server_errors(errors, true);
    }

    pub(super) fn apply_server_errors(&self, errors: FieldErrors, tracked: bool) {
        for (name, msg) in errors {
            if let Some(a) = self.array(&name) {
                let put = |s: &mut State| s.array_errors[a] = Some(msg);
                if tracked {
                    let _ = self.0.state.try_update(put);
                } else {
                    self.0.state.update_untracked(put);
                }
                continue;
            }
            let Some(slot) = self.slot(&name) else {
                log::debug!("use_form: an error for no field {name:?}: {msg}");
                continue;
            };
            let put = |s: &mut State| {
                let f = match slot {
                    Slot::Field(i) => s.fields.get_mut(i),
                    Slot::Row(a, r) => s.arrays[a].get_mut(r).map(|row| &mut row.field),
                };
                if let Some(f) = f {
                    f.server = Some(msg);
                    f.touched = true;
                }
            };
            if tracked {
                let _ = self.0.state.try_update(put);
            } else {
                self.0.state.update_untracked(put);
            }
        }
    }

    pub(crate) fn set_action(&self, action: &str) {
        *self.0.action.borrow_mut() = action.to_owned();
    }

    /// Submits the form live: every field counts as touched; if the validators pass, the
    /// [`on_submit`](Self::on_submit) function (or the app's form handler for the form's
    /// action) runs as a task, the form [submitting](Self::submitting) meanwhile; its
    /// redirect navigates, its errors go on their fields. A submit while one runs is
    /// ignored. Returns whether one started.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::{live::use_form::*, prelude::*, testing::LiveTest};
    /// # #[derive(Clone, Default)] struct Login { user: String, tags: Vec<String> }
    /// # fn spec() -> FormSpec<Login> { FormSpec::new().field("user", |l: &mut Login| &mut l.user, [required(), min_len(3)]).array("tags", |l: &mut Login| &mut l.tags, [required()]) }
    /// let t = LiveTest::component(|| {
    ///     let f = use_form(spec()).on_submit(|_| async { Ok("/".to_string()) });
    ///     move || div((
    ///         f.input("user"),
    ///         p(f.error("user").unwrap_or_default()),
    ///         // A submit from a key or a button outside the form element.
    ///         button("Save").on_click({
    ///             let f = f.clone(); // a handle (`Rc`), not `Copy` like a signal
    ///             move |_| {
    ///                 f.submit();
    ///             }
    ///         }),
    ///     ))
    /// });
    /// t.find("button").click();
    /// assert_eq!(t.find("p").text(), "required", "every field counts as touched");
    /// ```
    pub fn submit(&self) -> bool {
        let _ = self.0.state.try_update(|s| {
            s.attempted = true;
            for f in all_fields(s) {
                f.touched = true;
            }
        });
        if self.0.state.with_untracked(|s| s.submitting) {
            return false;
        }
        let values = self.values_now();
        let Ok(value) = self.0.spec.build(&values) else {
            return false;
        };
        let run = self.0.on_submit.borrow().clone();
        let fields = self.0.spec.encode(&values, None);
        let action = self.0.action.borrow().clone();
        let weak = Rc::downgrade(&self.0);
        let task = spawn_handle(async move {
            let answer = match run {
                Some(run) => run(value).await,
                None => app_handler(&action, fields),
            };
            let Some(inner) = weak.upgrade() else {
                return;
            };
            let form = UseForm(inner);
            let _ = form.0.state.try_update(|s| s.submitting = false);
            match answer {
                Ok(url) => navigate(url),
                Err(errors) => form.set_errors(errors),
            }
            let own = form.0.submit_task.borrow_mut().take();
            if let Some(t) = own {
                // Our own handle: detached, since dropping it here would cancel us.
                t.detach();
            }
        });
        let Some(task) = task else {
            return false;
        };
        let _ = self.0.state.try_update(|s| s.submitting = true);
        *self.0.submit_task.borrow_mut() = Some(task);
        true
    }

    /// Applies the values of a submit event (the browser's view of every field) before
    /// submitting: the last keystrokes count even if their input events were coalesced.
    pub(crate) fn take_fields(&self, fields: &[(String, String)]) {
        for (name, value) in fields {
            if name != ROW_FIELD && self.slot(name).is_some() && self.value(name) != *value {
                self.set(name, value);
            }
        }
    }
}

/// Runs the app's form handler for `action` in the live session, as a POST would.
fn app_handler(action: &str, fields: Vec<(String, String)>) -> Result<String, FieldErrors> {
    let path = action.split(['?', '#']).next().unwrap_or(action);
    let submit = SessionStore::current()
        .and_then(|s| s.submit())
        .ok_or_else(|| vec![(String::new(), "no session".to_string())])?;
    match submit(path, fields) {
        Some(Submitted::Redirect(url)) => Ok(url),
        Some(Submitted::Invalid(s)) => Err(s
            .errors()
            .map(|(n, m)| (n.to_owned(), m.to_owned()))
            .collect()),
        None => {
            log::warn!("no form handler for {path}: live submit ignored");
            Err(Vec::new())
        }
    }
}
