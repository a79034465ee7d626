//! Run with: cargo run --release --example counter
//!
//! The seed's counter: an `h1` with the count and two buttons. Without JavaScript the
//! server-rendered page shows "Count: 0"; with it, clicks update the count through patches.

use vango::prelude::*;

fn counter(initial: i32) -> impl Render {
    let count = signal(initial);
    move || {
        div((
            h1(format!("Count: {}", count.get())),
            button("+").on_click(move |_| count.inc()),
            button("−").on_click(move |_| count.dec()),
        ))
    }
}

/// The app (public so `tests/testing_*.rs` test this very app in-process).
pub fn app() -> vango::App {
    vango::App::new().title("Counter").page("/", || counter(0))
}

fn main() -> std::io::Result<()> {
    app().serve_env()
}
