//! Bare echo WebSocket server on Vango's runtime/http/websocket stack: the benchmark floor.
//!
//! Run with: cargo run --release --example echo
//! Listens on `VANGO_ADDR` (default 127.0.0.1:8080); `VANGO_WORKERS` sets the core count.
//! Every binary message at `/_vango/ws` is sent back; `/healthz` and `/metrics` work too.

use vango::server::{websocket::Echo, Server};

fn main() -> std::io::Result<()> {
    let addr = std::env::var("VANGO_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let mut server = Server::new(Echo::new);
    if let Some(n) = std::env::var("VANGO_WORKERS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        server = server.workers(n);
    }
    eprintln!("echo: listening on {addr}");
    server.serve(addr)
}
