//! Virtual DOM: nodes, builders, components, the keyed diff and the patch set.
//!
//! May touch `reactive` (components own a reactive scope) and `render` (patch sinks
//! serialize inserted subtrees as HTML); nothing here does I/O.

pub(crate) mod children;
pub mod component;
pub mod diff;
pub mod event;
pub mod hid;
pub mod lis;
#[doc(hidden)]
pub mod model;
pub mod node;
pub mod patch;
pub mod tree;

pub use event::{Event, EventData};
pub use node::{Attr, AttrValue, Element, Handler, Key, Listener, Modifiers, RawHtml, Str, VNode};
pub use patch::{Patch, PatchSink, PropValue};
