//! Run with: cargo run --release --example signup
//!
//! A signup form on `use_form`: a struct bound field by field, built-in validators
//! (required, length, pattern, email, numeric range, one-of), an async "name taken" check
//! against the member list while typing (pending state, stale answers discarded), a form
//! array of phone numbers (add, remove, move up/down), and a submit with a pending state
//! whose server-side errors land on their fields. Without JavaScript the same form posts
//! over plain HTTP and the same validators re-render the same errors (422).

use std::time::Duration;

use vango::live::form::Form;
use vango::live::use_form::{
    email, max_len, min_len, one_of, pattern, range, required, use_form, FieldErrors, FormReply,
    FormSpec,
};
use vango::prelude::*;

/// Registered names, shared by every session (the example's "database").
type Members = GlobalSignal<Vec<String>>;

#[derive(Clone, Debug, Default, PartialEq)]
struct Signup {
    name: String,
    email: String,
    age: Option<u32>,
    plan: String,
    phones: Vec<String>,
}

/// The form: one definition for the live page and the POST handler.
fn spec() -> FormSpec<Signup> {
    FormSpec::new()
        .field(
            "name",
            |s: &mut Signup| &mut s.name,
            [
                required(),
                min_len(3),
                max_len(20),
                pattern("[a-z0-9_]*").message("lowercase letters, digits and _ only"),
            ],
        )
        .field(
            "email",
            |s: &mut Signup| &mut s.email,
            [required(), email()],
        )
        .field("age", |s: &mut Signup| &mut s.age, [range(13.0, 130.0)])
        .field(
            "plan",
            |s: &mut Signup| &mut s.plan,
            [required(), one_of(&["free", "pro"])],
        )
        .array(
            "phones",
            |s: &mut Signup| &mut s.phones,
            [
                required(),
                pattern(r"\+?[0-9 ]{6,15}").message("6 to 15 digits"),
            ],
        )
}

/// The page's form with the member list's async "taken" check (delayed like a database).
fn live_spec(members: Members) -> FormSpec<Signup> {
    spec().check_async("name", move |name| async move {
        async_io::Timer::after(Duration::from_millis(150)).await;
        if taken(members, &name) {
            Err(format!("{name} is taken"))
        } else {
            Ok(())
        }
    })
}

fn taken(members: Members, name: &str) -> bool {
    members.with(|m| m.iter().any(|n| n == name))
}

/// Registers `s` (both submit paths end here): the name is re-checked, since the live
/// check only advises.
fn register(members: Members, s: Signup) -> Result<String, FieldErrors> {
    if taken(members, &s.name) {
        return Err(vec![("name".into(), format!("{} is taken", s.name))]);
    }
    members.update(|m| m.push(s.name.clone()));
    Ok(format!(
        "/welcome?name={}&phones={}",
        s.name,
        s.phones.len()
    ))
}

fn signup(members: Members) -> impl Render {
    set_title("Sign up");
    let f = use_form(live_spec(members)).on_submit(move |s| async move {
        // A slow backend: the page shows the pending state meanwhile.
        async_io::Timer::after(Duration::from_millis(300)).await;
        register(members, s)
    });
    move || {
        let field = |name: &'static str, label_text: &'static str| {
            div((
                label((label_text, f.input(name).id(name))),
                f.error(name)
                    .map(|e| span(e).class("error").id(format!("{name}-error"))),
            ))
        };
        let name_status = if f.pending("name") {
            "checking…"
        } else if f.dirty("name") && f.error_any("name").is_none() {
            "available"
        } else {
            ""
        };
        let phones = f.row_keys("phones");
        let n = phones.len();
        f.form(
            "/",
            (
                field("name", "Name "),
                span(name_status).id("name-status"),
                field("email", "Email "),
                field("age", "Age "),
                field("plan", "Plan (free or pro) "),
                fieldset((
                    legend("Phones"),
                    ol(keyed(
                        phones.into_iter().enumerate(),
                        |(_, k)| *k,
                        |(i, _)| {
                            let name = format!("phones[{i}]");
                            li((
                                f.input(&name).class("phone"),
                                f.move_button("phones", i, true, "↑")
                                    .attr("disabled", i == 0),
                                f.move_button("phones", i, false, "↓")
                                    .attr("disabled", i + 1 == n),
                                f.remove_button("phones", i, "Remove"),
                                f.error(&name).map(|e| span(e).class("error")),
                            ))
                        },
                    ))
                    .id("phones"),
                    f.error("phones").map(|e| span(e).class("error")),
                    f.add_button("phones", "Add a phone").id("add-phone"),
                )),
                button(if f.submitting() {
                    "Signing up…"
                } else {
                    "Sign up"
                })
                .id("submit")
                .attr("disabled", f.submitting()),
            ),
        )
        .id("signup")
    }
}

fn welcome() -> impl Render {
    set_title("Welcome");
    let q = use_request();
    let name = q.query().get("name").unwrap_or("").to_owned();
    let phones = q.query().get("phones").unwrap_or("0").to_owned();
    move || p(format!("Welcome, {name} ({phones} phones)")).id("welcome")
}

/// The app (public so tests can mount it in-process).
pub fn app() -> vango::App {
    let app = vango::App::new();
    let members: Members = app.global(vec!["admin".to_string(), "ada".to_string()]);
    app.title("Signup")
        .page("/", move || signup(members))
        .form("/", move |form: &Form| -> FormReply {
            spec().handle(form, |s| register(members, s))
        })
        .page("/welcome", welcome)
}

fn main() -> std::io::Result<()> {
    app().serve_env()
}
