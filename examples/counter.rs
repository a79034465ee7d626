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

fn main() -> std::io::Result<()> {
    vango::App::new()
        .title("Counter")
        .page("/", || counter(0))
        .serve_env()
}
