//! The layout around every page: a nav bar, then the page.

use vango::prelude::*;

/// The shell.
pub fn layout(outlet: Outlet) -> impl Render {
    move || div((nav(link("/", "Home")).id("nav"), main_(outlet.clone())))
}
