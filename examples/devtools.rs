//! Run with: VANGO_DEV=1 cargo run --example devtools (a debug build: dev mode is always
//! off in release)
//!
//! The dev tools' playground: a counter whose signal the dev panel lists, and one button
//! per kind of panic — in a handler, in a render, in a task (each inside an error
//! boundary, so the overlay shows it and the counter keeps working) and one without a
//! boundary (the session ends; the overlay still shows it after the client reloads). The
//! page at `/mismatch` renders differently on the first paint and live: the overlay shows
//! the hydration diff.

use std::sync::atomic::{AtomicU32, Ordering};

use vango::live::task::spawn_task;
use vango::prelude::*;

fn counter(_: ()) -> impl Render {
    let count = signal(0).debug_name("count");
    move || {
        div((
            h1(format!("Count: {}", count.get())),
            button("+").id("inc").on_click(move |_| count.inc()),
        ))
    }
}

fn exploding_handler(_: ()) -> impl Render {
    || {
        button("handler panic")
            .id("handler-panic")
            .on_click(|_| -> () { panic!("the handler exploded") })
    }
}

fn exploding_render(_: ()) -> impl Render {
    let broken = signal(false).debug_name("broken");
    move || {
        if broken.get() {
            panic!("the render exploded");
        }
        button("render panic")
            .id("render-panic")
            .on_click(move |_| broken.set(true))
    }
}

fn exploding_task(_: ()) -> impl Render {
    || {
        button("task panic").id("task-panic").on_click(|_| {
            spawn_task(async { panic!("the task exploded") });
        })
    }
}

fn fatal(_: ()) -> impl Render {
    || {
        button("fatal panic")
            .id("fatal-panic")
            .on_click(|_| -> () { panic!("no boundary caught this") })
    }
}

fn home() -> impl Render {
    || {
        div((
            component(counter, ()),
            error_boundary(
                || component(exploding_handler, ()),
                |e| p(format!("handler failed: {}", e.message())).class("fallback"),
            ),
            error_boundary(
                || component(exploding_render, ()),
                |e| p(format!("render failed: {}", e.message())).class("fallback"),
            ),
            error_boundary(
                || component(exploding_task, ()),
                |e| p(format!("task failed: {}", e.message())).class("fallback"),
            ),
            component(fatal, ()),
        ))
    }
}

/// Counts mounts: the first paint and the live session each mount the page once, so the
/// two renders differ.
static MOUNTS: AtomicU32 = AtomicU32::new(0);

fn mismatch() -> impl Render {
    let n = MOUNTS.fetch_add(1, Ordering::Relaxed);
    move || div(p(format!("mount number {n}")))
}

/// The app (public so tests can mount it in-process).
pub fn app() -> vango::App {
    vango::App::new()
        .title("Dev tools")
        .page("/", home)
        .page("/mismatch", mismatch)
}

fn main() -> std::io::Result<()> {
    app().serve_env()
}
