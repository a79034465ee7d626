//! Run with: cargo run --release --example routes
//!
//! Routes under one layout: `/`, `/todos` (a query-bound filter), `/todos/:id`. Links
//! navigate over the socket without a page load (the browser URL and title follow,
//! back/forward work); without JavaScript they are plain links to server-rendered pages.

use vango::prelude::*;

const TODOS: &[(u32, &str, bool)] = &[
    (1, "Write the router", true),
    (2, "Mount pages through it", true),
    (3, "Navigate without reloads", false),
];

/// The shared layout: the nav bar, then the page's content.
fn layout(content: impl IntoChildren) -> El {
    div((
        nav((
            link("/", "Home"),
            text(" | "),
            link("/todos", "Todos"),
            text(" | "),
            link("/todos/3", "Todo 3"),
        ))
        .id("nav"),
        main_(content),
    ))
}

fn home() -> impl Render {
    set_title("Home");
    || layout(h1("Home"))
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
        layout((
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
        layout((
            h1(format!("Todo {id}")),
            p(title),
            link("/todos", "Back to the list"),
        ))
    }
}

/// The app (public so `tests/testing_*.rs` test this very app in-process).
pub fn app() -> vango::App {
    vango::App::new()
        .title("Routes")
        .page("/", home)
        .page("/todos", todos)
        .page("/todos/:id", todo)
        .not_found(|| {
            set_title("Not found");
            || layout(h1("Not found"))
        })
}

fn main() -> std::io::Result<()> {
    app().serve_env()
}
