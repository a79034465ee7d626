//! Run with: cargo run --release --example list
//!
//! The list workload of the load generator: each session holds 50 keyed rows; clicking a
//! row's button changes that row only.

use vango::prelude::*;

#[derive(Clone, PartialEq)]
struct Row {
    id: u32,
    label: String,
    clicks: u32,
}

/// The list page (public so `benches/list_event.rs` measures this very component).
pub fn list() -> impl Render {
    let rows = signal(
        (0..50)
            .map(|id| Row {
                id,
                label: format!("Row {id}"),
                clicks: 0,
            })
            .collect::<Vec<_>>(),
    );
    move || {
        ul(keyed(
            rows.get(),
            |r| r.id,
            move |r| {
                let id = r.id as usize;
                li((
                    span(r.label),
                    span(format!(" clicked {} times ", r.clicks)),
                    button("+1").on_click(move |_| rows.update(|v| v[id].clicks += 1)),
                ))
            },
        ))
    }
}

/// The app (public so `tests/testing_*.rs` test this very app in-process).
pub fn app() -> vango::App {
    vango::App::new().title("List").page("/", list)
}

fn main() -> std::io::Result<()> {
    app().serve_env()
}
