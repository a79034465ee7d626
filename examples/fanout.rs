//! Run with: cargo run --release --example fanout
//!
//! The load generator's fan-out target (`--workload fanout`): every session shows one
//! `GlobalSignal` and has a button that increments it, so one click re-renders every
//! session on every core. Reads `VANGO_ADDR` / `VANGO_WORKERS`; built with the `redis`
//! feature and given `VANGO_REDIS_URL`, shares the counter with the other nodes (the
//! loadgen's `--redis`: write → patch across nodes).

use vango::prelude::*;

fn main() -> std::io::Result<()> {
    let app = vango::App::new().title("Fan-out");
    let ticks = app.global(0u64);
    #[cfg(feature = "redis")]
    let _bridge = match std::env::var("VANGO_REDIS_URL") {
        Ok(url) => {
            let node = std::env::var("VANGO_NODE").unwrap_or_else(|_| "a".into());
            Some(
                vango::features::redis::RedisBridge::builder(&url, &node)?
                    .share("fanout-ticks", ticks)?
                    .start(app.bus())?,
            )
        }
        Err(_) => None,
    };
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
