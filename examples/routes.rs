//! Run with: cargo run --release --example routes
//!
//! Routes under one layout (`App::layout`): `/`, `/todos` (a query-bound filter),
//! `/todos/:id`. Links navigate over the socket without a page load (the browser URL and
//! title follow, back/forward work); the layout stays mounted meanwhile and keeps its own
//! state (a click counter, a note typed in its input). Without JavaScript they are plain
//! links to server-rendered pages. `/guestbook` is a `method=post` form (post/redirect/get,
//! errors re-rendered with 422) that remembers the signer's name in the browser's signed
//! cookie session; `/private` is guarded by a middleware that sends whoever has not
//! signed the guestbook there first. `/stats` and `/report` load their data
//! asynchronously (30 ms and 500 ms): a click waits for data up to the SSR budget (50 ms),
//! so `/stats` shows with its data; a pointer over a link prepares the page, so even
//! `/report` does after a hover. `/boom` panics: the error page shows, status 500,
//! inside the layout (whose state stays).

use vango::app::Next;
use vango::live::form::{post_form, use_submission, Form, FormReply};
use vango::prelude::*;

/// Guestbook entries (name, message), shared by every session; the newest last.
type Book = GlobalSignal<Vec<(String, String)>>;

const TODOS: &[(u32, &str, bool)] = &[
    (1, "Write the router", true),
    (2, "Mount pages through it", true),
    (3, "Navigate without reloads", false),
];

/// The shared layout: the nav bar, a counter and a note that live as long as the layout
/// (across live navigation), then the page's content.
fn layout(outlet: Outlet) -> impl Render {
    let clicks = signal(0u32);
    move || {
        div((
            nav((
                link("/", "Home"),
                text(" | "),
                link("/todos", "Todos"),
                text(" | "),
                link("/todos/3", "Todo 3"),
                text(" | "),
                link("/guestbook", "Guestbook"),
                text(" | "),
                link("/private", "Private"),
                text(" | "),
                link("/stats", "Stats"),
                text(" | "),
                link("/report", "Report"),
                text(" | "),
                link("/boom", "Boom"),
            ))
            .id("nav"),
            div((
                button(format!("Clicked {}", clicks.get()))
                    .id("clicks")
                    .on_click(move |_| clicks.update(|n| *n += 1)),
                input().id("note").attr("placeholder", "a note that stays"),
            ))
            .id("tools"),
            main_(outlet.clone()),
        ))
    }
}

fn home() -> impl Render {
    set_title("Home");
    || h1("Home")
}

fn todos() -> impl Render {
    set_title("Todos");
    || {
        let filter = use_request()
            .query()
            .get("filter")
            .unwrap_or("all")
            .to_owned();
        let shown = TODOS.iter().filter(|(_, _, done)| match filter.as_str() {
            "done" => *done,
            "open" => !*done,
            _ => true,
        });
        fragment((
            h1(format!("Todos ({filter})")),
            button("Open only").on_click(|_| set_query([("filter", "open")])),
            button("All").on_click(|_| set_query([])),
            ul(shown
                .map(|(id, title, _)| li(link(format!("/todos/{id}"), *title)))
                .collect::<Vec<_>>()),
            // A long page, to show that a push starts at the top and back restores.
            div("").style("height: 2000px"),
            link("/todos/2", "Todo 2 (from the bottom)").id("bottom"),
        ))
    }
}

fn todo() -> impl Render {
    let id: u32 = use_request().param("id").unwrap_or_default();
    let title = TODOS
        .iter()
        .find(|t| t.0 == id)
        .map_or("(no such todo)", |t| t.1);
    set_title(format!("Todo {id}"));
    move || {
        fragment((
            h1(format!("Todo {id}")),
            p(title),
            link("/todos", "Back to the list"),
        ))
    }
}

/// The guestbook page: the first paint already shows who this browser signed as.
fn guestbook(book: Book) -> impl Render {
    set_title("Guestbook");
    let name = signal(use_cookie_session().get_str("name").unwrap_or_default());
    let refused = use_submission();
    let error = refused
        .as_ref()
        .and_then(|s| s.error("message").map(str::to_owned));
    let typed = refused
        .as_ref()
        .and_then(|s| s.value("message").map(str::to_owned))
        .unwrap_or_default();
    let name_signal = name;
    move || {
        let name = name.get();
        let signer = if name.is_empty() {
            "Not signed yet".to_owned()
        } else {
            format!("Signing as {name}")
        };
        fragment((
            h1("Guestbook"),
            p(signer).id("signer"),
            post_form(
                "/guestbook",
                (
                    input().attr("name", "name").attr("value", name.clone()),
                    input().attr("name", "message").attr("value", typed.clone()),
                    button("Sign"),
                ),
            ),
            // A write from a live handler: stored through a cookie ticket.
            button("Forget me").id("forget").on_click(move |_| {
                use_cookie_session().remove("name");
                name_signal.set(String::new());
            }),
            error.clone().map(|e| p(e).id("error")),
            ul(book
                .get()
                .into_iter()
                .map(|(n, m)| li(format!("{n}: {m}")))
                .collect::<Vec<_>>())
            .id("entries"),
        ))
    }
}

/// Signs the book: the name goes to the cookie session, the entry to everyone.
fn sign(book: Book, form: &Form) -> FormReply {
    let name = form.get("name").unwrap_or("").trim();
    let message = form.get("message").unwrap_or("").trim();
    if message.is_empty() || message.len() > 200 {
        return form.invalid([("message", "Write a message (at most 200 bytes).")]);
    }
    let name = if name.is_empty() { "anonymous" } else { name };
    if use_cookie_session().set("name", name).is_err() {
        return form.invalid([("message", "That name is too long.")]);
    }
    book.update(|b| {
        b.push((name.to_owned(), message.to_owned()));
        let extra = b.len().saturating_sub(50);
        b.drain(..extra);
    });
    FormReply::redirect("/guestbook")
}

/// Only for those who signed the guestbook (the middleware makes sure).
fn private() -> impl Render {
    set_title("Private");
    let name = use_cookie_session().get_str("name").unwrap_or_default();
    move || fragment((h1("Private"), p(format!("Hello {name}")).id("hello")))
}

/// A page whose data takes `ms` to load (a slow database, say).
fn slow_page(name: &'static str, ms: u64) -> impl Render {
    set_title(name);
    let data = resource(
        || (),
        move |()| async move {
            async_io::Timer::after(std::time::Duration::from_millis(ms)).await;
            Ok::<_, String>(format!("{name}: {} entries", TODOS.len()))
        },
    );
    move || {
        fragment((
            h1(name),
            p(data.view(|| "Loading".to_owned(), |d| d.clone(), |e| e.to_owned())).id("data"),
        ))
    }
}

/// The app (public so `tests/testing_*.rs` test this very app in-process).
pub fn app() -> vango::App {
    let app = vango::App::new();
    let book: Book = app.global(Vec::new());
    app.title("Routes")
        .layout("/", layout)
        .middleware("/private", |m| match m.cookie_session().get_str("name") {
            Some(_) => Next::Continue,
            None => Next::redirect("/guestbook"),
        })
        .page("/guestbook", move || guestbook(book))
        .form("/guestbook", move |f| sign(book, f))
        .page("/", home)
        .page("/todos", todos)
        .page("/todos/:id", todo)
        .page("/private", private)
        .page("/stats", || slow_page("Stats", 30))
        .page("/report", || slow_page("Report", 500))
        .page("/boom", || -> fn() -> VNode {
            panic!("the boom page always fails")
        })
        .not_found(|| {
            set_title("Not found");
            || h1("Not found")
        })
        .error_page(|err| {
            set_title("Error");
            move || {
                fragment((
                    h1("Something went wrong"),
                    p(err.message().to_owned()).id("why"),
                ))
            }
        })
}

fn main() -> std::io::Result<()> {
    app().serve_env()
}
