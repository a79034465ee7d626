//! Vango: a server-driven web UI framework, built as an embedded runtime for small machines.
//!
//! Components and their reactive state run on the server, one session per browser tab;
//! a thin JavaScript client sends events up a WebSocket and applies binary DOM patches;
//! the first paint is server-rendered HTML.
//!
//! # Layout
//!
//! - [`reactive`]: signals, memos, effects, owners: one graph per thread, `Rc`-based.
//! - [`vdom`]: nodes, element/attribute/event builders, components, keyed diff, patches.
//! - [`render`]: server-side rendering to HTML, escaping, the page shell.
//! - [`protocol`]: the binary wire format (see `PROTOCOL.md`).
//! - [`server`]: thread-per-core runtime, HTTP/1.1, WebSocket, sessions.
//! - [`features`]: cross-core global signals (the bus), persistence.
#![forbid(unsafe_code)]
#![warn(missing_docs, rust_2018_idioms)]

pub mod features;
pub mod prelude;
pub mod protocol;
pub mod reactive;
pub mod render;
pub mod server;
pub mod vdom;

pub use server::App;
