//! The page at `/about`.

use vango::prelude::*;

/// What this app is.
pub fn page() -> impl Render {
    || p("Pages from files.")
}
