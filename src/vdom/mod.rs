//! The engine: virtual DOM nodes, events, normalization and hids, the keyed diff, the one
//! sink its edits go through, and the rules that decide what a name, a value or a text
//! becomes in the DOM (`normal`, `names`, `url`, `ns`, `form`), which SSR uses too.
//!
//! The lowest layer above `reactive`, which it does not even need: it imports nothing of
//! the crate's other layers. Components are opaque here ([`ComponentSlot`]); the layer
//! above (`component`) runs them. Nothing here does I/O.

pub mod attrs;
pub mod diff;
pub mod event;
pub mod form;
pub mod frozen;
pub mod hid;
pub(crate) mod keymap;
pub mod lis;
pub mod marker;
pub mod names;
pub mod node;
pub mod normal;
pub mod ns;
pub mod one_vec;
pub mod patch;
pub mod pool;
mod refusal;
mod scratch;
pub mod text;
pub mod tight;
pub mod url;
pub mod value;
pub mod walk;

pub use event::{reject, Event, EventData, Handled, IntoHandled, Reject};
pub use marker::{data_on_string, data_on_value};
pub use node::{
    Attr, AttrValue, Children, ComponentSlot, Element, Handler, Key, Listener, Modifiers, RawHtml,
    Str, VNode,
};
pub use ns::Ns;
pub use one_vec::OneVec;
pub use patch::{OwnedProp, Patch, PatchSink, PropValue};
pub use tight::TightVec;
pub use walk::Mount;
