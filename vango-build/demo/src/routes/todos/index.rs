//! The page at `/todos`.

use vango::prelude::*;

/// The list.
pub fn page() -> impl Render {
    || ul((li("one"), li("two")))
}
