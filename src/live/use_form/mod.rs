//! Forms bound to a struct (the roadmap's `UseForm`): a [`FormSpec`] names each field, its
//! lens into the struct and its [validators](Validator); [`use_form`] makes the live state
//! (value, error, touched, dirty, async-check pending per field; form arrays; submit
//! pending and server errors on fields); [`FormSpec::handle`] runs the same validators on
//! a plain-HTTP POST, so a browser without JavaScript sees the same errors.
//!
//! A folder of the live layer: validators and the pattern matcher are pure; the state
//! uses tasks and the session's form handlers; the view helpers use the DSL.
//!
//! # Examples
//!
//! ```
//! use vango::prelude::*;
//! use vango::live::use_form::{email, required, use_form, FormSpec};
//!
//! #[derive(Clone, Default)]
//! struct Invite { email: String, phones: Vec<String> }
//!
//! fn spec() -> FormSpec<Invite> {
//!     FormSpec::new()
//!         .field("email", |i: &mut Invite| &mut i.email, [required(), email()])
//!         .array("phones", |i: &mut Invite| &mut i.phones, [required()])
//! }
//!
//! fn page() -> impl Render {
//!     let f = use_form(spec());
//!     move || {
//!         f.form("/invite", (
//!             f.input("email"),
//!             f.error("email").map(|e| p(e).class("error")),
//!             ul(keyed(f.row_keys("phones").into_iter().enumerate(), |(_, k)| *k, |(i, _)| {
//!                 let name = format!("phones[{i}]");
//!                 li((f.input(&name), f.remove_button("phones", i, "Remove")))
//!             })),
//!             f.add_button("phones", "Add a phone"),
//!             button("Invite").attr("disabled", f.submitting()),
//!         ))
//!     }
//! }
//!
//! let app = vango::App::new()
//!     .page("/invite", page)
//!     .form("/invite", |form| spec().handle(form, |invite| Ok(format!("/sent?to={}", invite.email))));
//! let t = vango::testing::LiveTest::mount(&app, "/invite");
//! t.find("form").submit(&[("email", "nope")]);
//! assert_eq!(t.find("p.error").text(), "an email address, like name@example.com");
//! t.find("button[name=_row]").click();
//! assert_eq!(t.count("li input"), 1, "a row added");
//! ```

mod pattern;
mod spec;
mod state;
mod submit;
mod validate;
mod view;

pub use crate::live::form::FormReply;
pub use pattern::{Pattern, PatternError, MAX_ATOMS};
pub use spec::{FieldErrors, FieldValue, FormSpec, MAX_ROWS, ROW_FIELD};
pub use state::{use_form, use_form_with, UseForm};
pub use validate::{email, matches, max_len, min_len, one_of, pattern, range, required, Validator};
