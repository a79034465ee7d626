//! Form POSTs over plain HTTP: the body's checks (length, size, type, encoding, CSRF bound
//! to the cookie session), the handler, and its answer (303 to a GET, or the page
//! re-rendered with the errors, 422).
//!
//! Glue only: touches the request, the live layer's form types and the router's decoder.

use std::rc::Rc;

use crate::live::cookie::CookieKeys;
use crate::live::form::{Form, FormReply, CSRF_FIELD};
use crate::live::request::{Submission, SubmitFn, Submitted};
use crate::router::Query;
use crate::server::Request;

use std::sync::Arc;

use super::routes::{FormFn, PageMount, Routes, Target};
use crate::live::SessionStore;
use crate::router::Method;

/// The largest form body accepted (the server's `max_body` may be larger for others).
pub(crate) const MAX_FORM_BODY: usize = 64 * 1024;

/// What the service does with a checked POST.
pub(crate) enum Posted {
    /// Answer with this status and nothing else.
    Refused(u16),
    /// Redirect here (303).
    Redirect(String),
    /// Re-render the page at the form's URL with this submission (422).
    Invalid(Rc<Submission>),
}

/// Checks `req`'s body and runs `handler` on its fields (the caller has entered the
/// request's session scope with its cookie session): 411 without `Content-Length`, 413
/// over [`MAX_FORM_BODY`], 415 for another type than `application/x-www-form-urlencoded`,
/// 400 for a malformed body, 403 for a missing or wrong CSRF token.
pub(crate) fn post(
    req: &Request<'_>,
    keys: &CookieKeys,
    cookie: Option<&str>,
    handler: &FormFn,
) -> Posted {
    if req.header("content-length").is_none() {
        return Posted::Refused(411);
    }
    let body = req.body();
    if body.len() > MAX_FORM_BODY {
        return Posted::Refused(413);
    }
    let urlencoded = req.header("content-type").is_some_and(|t| {
        let essence = t.split(|&b| b == b';').next().unwrap_or(b"").trim_ascii();
        essence.eq_ignore_ascii_case(b"application/x-www-form-urlencoded")
    });
    if !urlencoded {
        return Posted::Refused(415);
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return Posted::Refused(400);
    };
    let Ok(query) = Query::parse(text) else {
        return Posted::Refused(400);
    };
    let token = query.get(CSRF_FIELD).unwrap_or("");
    if !keys.check_form(token, cookie) {
        return Posted::Refused(403);
    }
    let fields = query
        .iter()
        .filter(|(k, _)| *k != CSRF_FIELD)
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let reply: FormReply = handler(&Form::new(fields));
    if !reply.is_local() {
        log::error!(
            "form handler for {} redirected off-site to {:?}: refused",
            req.path(),
            reply.location()
        );
        return Posted::Refused(500);
    }
    match reply.location() {
        Some(url) => Posted::Redirect(url.to_owned()),
        None => Posted::Invalid(
            reply
                .submission()
                .expect("a refusal carries its submission"),
        ),
    }
}

/// The app's form handlers for forms submitted over a live session's socket (the session
/// is already CSRF-checked): the same handlers and replies as a POST.
pub(crate) fn live_submit(routes: Arc<Routes>) -> Arc<SubmitFn> {
    Arc::new(move |path: &str, fields| {
        let (handler, _) = routes.form(path)?;
        // The middleware covering the form's path run first, as for a POST: a redirect or
        // a status navigates there (the navigation runs them again and shows the answer).
        let req = SessionStore::current()
            .and_then(|s| s.request())
            .unwrap_or_default();
        let headers = req.headers().map(|(n, v)| (n.into(), v.into())).collect();
        let mut t = Target::get(path, headers, req.peer());
        t.method = Method::Post;
        if let Some(r) = routes.guard(&t, true, true) {
            if r.redirected || r.status.is_some() {
                let to = if r.redirected { r.url } else { path.to_owned() };
                PageMount::finish(r.after, r.status.unwrap_or(303));
                return Some(Submitted::Redirect(to));
            }
            PageMount::finish(r.after, 200);
        }
        let reply = handler(&Form::new(fields));
        if !reply.is_local() {
            log::error!(
                "form handler for {path} redirected off-site to {:?}: refused",
                reply.location()
            );
            return None;
        }
        Some(match reply.location() {
            Some(url) => Submitted::Redirect(url.to_owned()),
            None => Submitted::Invalid(reply.submission()?),
        })
    })
}
