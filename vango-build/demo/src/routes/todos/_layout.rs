//! The layout around the todo pages, inside the root one.

use vango::prelude::*;

/// A heading over the todo pages.
pub fn layout(outlet: Outlet) -> impl Render {
    move || section((h2("Todos"), outlet.clone())).class("todos")
}
