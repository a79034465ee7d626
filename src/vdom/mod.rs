//! Virtual DOM: nodes, builders, components, the keyed diff and the patch set.
//!
//! May touch `reactive` (components own a reactive scope) and `render` (patch sinks
//! serialize inserted subtrees as HTML); nothing here does I/O.

pub mod component;
pub mod event;
pub mod node;
pub mod patch;

pub use event::{Event, EventData};
pub use node::{Attr, AttrValue, Element, Handler, Key, Listener, Modifiers, RawHtml, Str, VNode};
pub use patch::{Patch, PatchSink, PropValue};
