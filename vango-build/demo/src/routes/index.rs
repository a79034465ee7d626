//! The page at `/`.

use vango::prelude::*;

/// The home page.
pub fn page() -> impl Render {
    || main_((h1("Home"), a("Todos").attr("href", "/todos")))
}
