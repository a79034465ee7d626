//! Dev-only support for vango's integration tests and benches: oracles, the diff's model DOM,
//! generators, and raw HTTP/WebSocket/protocol clients. Touches vango's public API and local
//! sockets only.
//!
//! Nothing in vango's `src/` may use this crate: it depends on vango, so a unit test there
//! would see a second copy of every type.
//!
//! - [`model`]: a model DOM that applies patches like the browser client (the diff's oracle).
//! - [`diff_spec`]: generated trees and edits for the diff's property tests, and `step`.
//! - [`norm_spec`] and [`dom`]: hostile trees and the client's patching replayed over
//!   html5ever ("a patched page equals the first paint").
//! - [`frag_spec`]: trees of components whose outputs are ranges, and a tree driven
//!   through their edits.
//! - [`html5`] and [`trees`]: html5ever as the SSR oracle, random hostile trees.
//! - [`gen`]: random protocol frames.
//! - [`randiff`] (with `randiff_gen`, `randiff_edit`, `randiff_shrink`): random tree pairs
//!   for the randomized differential test in Chromium, and their shrinker.
//! - [`json`], [`meaning`], [`vector_list`]: the shared protocol test vectors.
//! - [`raw`]: a test server, raw HTTP and WebSocket frame I/O independent of the server's code.
//! - [`client`]: the raw protocol client (page scraping, Hello, events, decoded frames).
//! - [`clicks`]: a mounted `Tree` driven in-process: hids by tag, click and re-render.
//! - [`counter`]: a hand-built counter `View` for the session tests.
//! - [`pages`]: the load generator's list and counter pages, RSS, a dropped session.
//! - [`redis_server`]: a throwaway `redis-server` for the Redis bridge's tests and benches.

pub mod clicks;
pub mod client;
pub mod counter;
pub mod diff_spec;
pub mod dom;
pub mod frag_spec;
pub mod gen;
pub mod html5;
pub mod json;
pub mod meaning;
pub mod model;
pub mod norm_spec;
pub mod pages;
pub mod randiff;
pub mod randiff_edit;
pub mod randiff_gen;
pub mod randiff_shrink;
pub mod raw;
pub mod redis_server;
pub mod trees;
pub mod vector_list;

/// The seed of a property test: `SEED=n` replays a failure; otherwise a fresh one, printed
/// so that a failing run names it.
pub fn seed_from_env() -> u64 {
    let seed = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    println!("seed {seed} (replay with SEED={seed})");
    seed
}
