//! Run with: cargo run --release --example fanout
//!
//! The load generator's fan-out target (`--workload fanout`): every session shows one
//! `GlobalSignal` and has a button that increments it, so one click re-renders every
//! session on every core. Reads `VANGO_ADDR` / `VANGO_WORKERS`.

use vango::prelude::*;

fn main() -> std::io::Result<()> {
    let app = vango::App::new().title("Fan-out");
    let ticks = app.global(0u64);
    app.page("/", move || {
        move || {
            div((
                span(ticks.get().to_string()),
                button("tick").on_click(move |_| ticks.update(|n| *n += 1)),
            ))
        }
    })
    .serve_env()
}
