//! Forms that work without JavaScript: the `post_form` element with its CSRF field, the
//! submitted fields a form handler reads, its reply (redirect or refuse with errors), and
//! the refused submission a re-rendered page shows.
//!
//! Touches the view DSL, the session's cookie session (the CSRF token is bound to it) and
//! the request value; the app answers the POST (`app/forms.rs`).

use std::rc::Rc;
use std::str::FromStr;

use super::request::{is_local_url, Submission, Submitted};
use super::scope::{navigate, navigate_replace, SessionStore};
use crate::vdom::{Event, EventData};
use crate::view::builder::El;
use crate::view::elements::{form, input};
use crate::view::nodes::IntoChildren;

/// The hidden field carrying the CSRF token.
///
/// # Examples
///
/// ```
/// use vango::live::form::{post_form, CSRF_FIELD};
///
/// // The hidden field `post_form` adds (filled in when the page renders in a session).
/// assert_eq!(CSRF_FIELD, "_csrf");
/// let _ = post_form("/sign", ());
/// ```
pub const CSRF_FIELD: &str = "_csrf";

/// A `<form method="post" action=...>` with a hidden CSRF field bound to the browser's
/// cookie session: posted over plain HTTP to the handler registered with
/// [`App::form`](crate::App::form) for `action`. With the client running, the submit
/// goes over the socket to the same handler instead: its redirect navigates in place, its
/// refusal re-mounts the page with the errors, its cookie writes travel as a ticket.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::live::form::post_form;
/// let f = post_form("/sign", (input().attr("name", "who"), button("Sign")));
/// let html = vango::render::to_html(&f.into());
/// assert!(html.starts_with("<form") && html.contains(r#"method="post" action="/sign""#), "{html}");
/// assert!(html.contains(r#"name="_csrf""#), "{html}");
/// ```
pub fn post_form(action: &str, children: impl IntoChildren) -> El {
    // An element builder: it may render outside a session (a unit test), with no token.
    let token = super::outside::try_use_cookie_session()
        .ok()
        .and_then(|c| c.form_token())
        .unwrap_or_default();
    form((
        input()
            .attr("type", "hidden")
            .attr("name", CSRF_FIELD)
            .attr("value", token),
        children,
    ))
    .attr("method", "post")
    .attr("action", action.to_owned())
    .on("submit", {
        let action = action.to_owned();
        move |e: &Event| submit_live(&action, e)
    })
    .prevent_default()
}

/// Runs the form handler for `action` in the live session, as the POST would.
fn submit_live(action: &str, e: &Event) {
    let Some(store) = SessionStore::current() else {
        return;
    };
    let Some(submit) = store.submit() else {
        return;
    };
    let fields = match &e.data {
        EventData::Form(fields) => fields
            .iter()
            .filter(|(k, _)| k != CSRF_FIELD)
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let path = action.split(['?', '#']).next().unwrap_or(action);
    match submit(path, fields) {
        Some(Submitted::Redirect(url)) => navigate(url),
        Some(Submitted::Invalid(s)) => {
            store.set_refused(s);
            navigate_replace(store.request().unwrap_or_default().url());
        }
        None => log::warn!("no form handler for {path}: live submit ignored"),
    }
}

/// The submission a refused POST re-renders this page with (its fields and errors), read
/// in page setup; `None` on an ordinary page load.
///
/// # Examples
///
/// ```
/// assert!(vango::live::form::use_submission().is_none(), "outside any session");
/// ```
pub fn use_submission() -> Option<Rc<Submission>> {
    super::outside::request_or_default().submission()
}

/// The fields of a submitted form, as its handler sees them (without the CSRF token).
///
/// # Examples
///
/// ```
/// use vango::live::form::Form;
/// let f = Form::new(vec![("n".into(), "7".into()), ("t".into(), "a".into())]);
/// assert_eq!(f.get("t"), Some("a"));
/// assert_eq!(f.parse::<u8>("n"), Some(7));
/// assert_eq!(f.parse::<u8>("t"), None);
/// let reply = f.invalid([("t", "too short")]);
/// assert_eq!(reply.errors(), Some(&[("t".to_string(), "too short".to_string())][..]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    fields: Vec<(String, String)>,
}

impl Form {
    /// A form with these fields, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::Form;
    ///
    /// // What a handler receives; build one to unit-test a handler.
    /// let f = Form::new(vec![("title".into(), "milk".into())]);
    /// assert_eq!(f.get("title"), Some("milk"));
    /// ```
    pub fn new(fields: Vec<(String, String)>) -> Form {
        Form { fields }
    }

    /// The first value of `name`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::Form;
    ///
    /// let f = Form::new(vec![("q".into(), "a".into()), ("q".into(), "b".into())]);
    /// assert_eq!(f.get("q"), Some("a"), "the first value");
    /// assert_eq!(f.get("missing"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name` parsed as `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::Form;
    ///
    /// let f = Form::new(vec![("qty".into(), "3".into()), ("id".into(), "x".into())]);
    /// assert_eq!(f.parse::<u32>("qty"), Some(3));
    /// assert_eq!(f.parse::<i64>("id"), None);
    /// ```
    pub fn parse<T: FromStr>(&self, name: &str) -> Option<T> {
        self.get(name)?.parse().ok()
    }

    /// Every field, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::Form;
    ///
    /// let f = Form::new(vec![("tag".into(), "a".into()), ("tag".into(), "b".into())]);
    /// let tags: Vec<&str> = f.fields().filter(|(k, _)| *k == "tag").map(|(_, v)| v).collect();
    /// assert_eq!(tags, ["a", "b"]);
    /// ```
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.fields.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Refuses this submission with `errors` (field name, message): the page at the
    /// form's URL re-renders with them ([`use_submission`]), status 422.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::{Form, FormReply};
    ///
    /// fn handler(form: &Form) -> FormReply {
    ///     match form.get("email") {
    ///         Some(e) if e.contains('@') => FormReply::redirect("/thanks"),
    ///         _ => form.invalid([("email", "an email address, please")]),
    ///     }
    /// }
    /// let reply = handler(&Form::new(vec![("email".into(), "nope".into())]));
    /// assert_eq!(reply.location(), None);
    /// assert_eq!(reply.errors().unwrap()[0].1, "an email address, please");
    /// ```
    pub fn invalid<'a>(&self, errors: impl IntoIterator<Item = (&'a str, &'a str)>) -> FormReply {
        let errors = errors
            .into_iter()
            .map(|(n, m)| (n.to_owned(), m.to_owned()))
            .collect();
        FormReply(Reply::Invalid(Rc::new(Submission::new(
            self.fields.clone(),
            errors,
        ))))
    }
}

/// What a form handler answers: go to another page (303 See Other, post/redirect/get) or
/// refuse with errors (422, the page re-rendered).
///
/// # Examples
///
/// ```
/// use vango::live::form::FormReply;
/// assert_eq!(FormReply::redirect("/thanks").location(), Some("/thanks"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormReply(pub(crate) Reply);

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reply {
    Redirect(String),
    Invalid(Rc<Submission>),
}

impl FormReply {
    /// Redirect to `url`, a path on this site (another URL makes the answer a 500 with a
    /// logged error: a form must not send its user elsewhere).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::FormReply;
    ///
    /// assert_eq!(FormReply::redirect("/todos?filter=done").location(), Some("/todos?filter=done"));
    /// ```
    pub fn redirect(url: impl Into<String>) -> FormReply {
        FormReply(Reply::Redirect(url.into()))
    }

    /// Where a redirect goes.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::{Form, FormReply};
    ///
    /// assert_eq!(FormReply::redirect("/").location(), Some("/"));
    /// assert_eq!(Form::default().invalid([("a", "b")]).location(), None);
    /// ```
    pub fn location(&self) -> Option<&str> {
        match &self.0 {
            Reply::Redirect(u) => Some(u),
            Reply::Invalid(_) => None,
        }
    }

    /// The errors of a refusal.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::{Form, FormReply};
    ///
    /// assert_eq!(FormReply::redirect("/").errors(), None);
    /// let reply = Form::default().invalid([("name", "required")]);
    /// assert_eq!(reply.errors().map(|e| e.len()), Some(1));
    /// ```
    pub fn errors(&self) -> Option<&[(String, String)]> {
        match &self.0 {
            Reply::Invalid(s) => Some(s.errors_slice()),
            Reply::Redirect(_) => None,
        }
    }

    /// The refused submission.
    pub(crate) fn submission(&self) -> Option<Rc<Submission>> {
        match &self.0 {
            Reply::Invalid(s) => Some(s.clone()),
            Reply::Redirect(_) => None,
        }
    }

    /// Whether a redirect goes to a path on this site.
    pub(crate) fn is_local(&self) -> bool {
        self.location().is_none_or(is_local_url)
    }
}
