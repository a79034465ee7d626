//! An app whose pages are the files under `src/routes/` ([`generated`]), and the same pages
//! registered by hand ([`by_hand`]) so the tests can hold the two ways to one table.

// Both tables load the same page files on purpose: only the registration differs.
#![allow(clippy::duplicate_mod)]

/// The route table vango-build generated from `src/routes/`.
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/routes.rs"));
}

#[path = "routes/about.rs"]
mod about;
#[path = "routes/docs/[...path].rs"]
mod docs;
#[path = "routes/index.rs"]
mod home;
#[path = "routes/_layout.rs"]
mod root_layout;
#[path = "routes/todos/[id].rs"]
mod todo;
#[path = "routes/todos/index.rs"]
mod todos;
#[path = "routes/todos/_layout.rs"]
mod todos_layout;

/// The same pages as [`generated::routes`], registered by hand.
pub fn by_hand(app: vango::App) -> vango::App {
    app.layout("/", root_layout::layout)
        .layout("/todos", todos_layout::layout)
        .page("/", home::page)
        .page("/about", about::page)
        .page("/todos", todos::page)
        .page("/todos/:id", todo::page)
        .page("/docs/*path", docs::page)
}
