//! The view DSL users write: one function per HTML element, the chaining [`El`] builder,
//! attribute and listener methods, children conversions and render helpers.
//!
//! Builds engine nodes (`vdom`) and nothing else: no reactivity, no diff, no I/O.

pub mod attrs;
pub mod builder;
pub mod elements;
pub mod helpers;
pub mod hooks;
pub mod island;
pub mod js;
pub mod nodes;
pub mod on;
pub mod typed_attrs;

pub use attrs::IntoAttrValue;
pub use builder::{el, El};
pub use helpers::{check_keys, find_duplicate_key};
pub use hooks::StandardHook;
pub use island::{island, Island};
pub use nodes::{nodes, IntoChildren, Nodes};
