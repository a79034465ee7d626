//! Vango: a server-driven web UI framework, built as an embedded runtime for small machines.
//!
//! Components and their reactive state run on the server, one session per browser tab;
//! a thin JavaScript client sends events up a WebSocket and applies binary DOM patches;
//! the first paint is server-rendered HTML.
//!
//! # Layout
//!
//! One folder is one layer; a layer imports only from layers listed before it (see
//! `ARCHITECTURE.md`, and `tests/layers.rs`, which checks it):
//!
//! - [`reactive`]: signals, memos, effects, owners: one graph per thread, `Rc`-based.
//! - [`vdom`]: the engine: nodes, events, hids, the keyed diff, the patch sink.
//! - [`render`]: server-side rendering of nodes to HTML, escaping, the page shell.
//! - [`protocol`]: the binary wire format (see `PROTOCOL.md`) and the patch encoder.
//! - [`component`]: the component runtime: setup once, render on dirty, the session's tree.
//! - [`view`]: the DSL users write: element functions, attributes, listeners, helpers.
//! - [`features`]: cross-core global signals (the bus), persistence.
//! - [`server`]: the transport: thread-per-core runtime, HTTP/1.1, WebSocket, metrics.
//! - [`live`]: sessions: the connection loop, steps, resume ring, registry, scope.
//! - [`router`]: the route table: patterns to values, typed parameters, query strings.
//! - [`app`]: the application: pages, first paint, the glue that starts it all.
//! - [`testing`]: the component test API: a page mounted in-process, driven by selector.
#![deny(unsafe_code)]
#![warn(missing_docs, rust_2018_idioms)]

pub mod app;
pub mod component;
pub mod features;
pub mod live;
pub mod prelude;
pub mod protocol;
pub mod reactive;
pub mod render;
pub mod router;
pub mod server;
pub mod testing;
pub mod vdom;
pub mod view;

// The guide and the cookbook (`docs/`), compiled and run as doctests.
#[cfg(doctest)]
mod docs;

pub use app::App;
