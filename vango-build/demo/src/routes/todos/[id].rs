//! The page at `/todos/:id`: a typed parameter (a non-number is the 404 page).

use vango::prelude::*;

/// One todo.
pub fn page() -> impl Render {
    let id: u64 = use_request().param("id").unwrap_or_default();
    move || h1(format!("Todo {id}"))
}
