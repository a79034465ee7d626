//! Virtual DOM: nodes, builders, components, the keyed diff and the patch set.
//!
//! May touch `reactive` (components own a reactive scope) and `render` (patch sinks
//! serialize inserted subtrees as HTML); nothing here does I/O.

pub mod attr_methods;
pub mod attributes;
pub mod builder;
pub(crate) mod children;
pub mod component;
pub mod diff;
pub mod elements;
pub mod event;
pub mod events;
pub mod helpers;
pub mod hid;
pub mod into_node;
pub(crate) mod keymap;
pub mod lis;
#[doc(hidden)]
pub mod model;
pub mod node;
pub mod patch;
pub mod tree;

pub use attributes::IntoAttrValue;
pub use builder::{el, El};
pub use event::{Event, EventData};
pub use helpers::{check_keys, find_duplicate_key};
pub use into_node::{nodes, IntoChildren, Nodes};
pub use node::{Attr, AttrValue, Element, Handler, Key, Listener, Modifiers, RawHtml, Str, VNode};
pub use patch::{Patch, PatchSink, PropValue};
