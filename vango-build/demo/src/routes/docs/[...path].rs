//! The page at `/docs/*path`: a catch-all.

use vango::prelude::*;

/// A document by its path.
pub fn page() -> impl Render {
    let path = use_request().param_str("path").unwrap_or("").to_owned();
    move || h1(format!("Doc {path}"))
}
