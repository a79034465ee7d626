//! Everything an application needs in one import: `use vango::prelude::*;`.
//!
//! Touches nothing: re-exports only. Element functions are named after their tags
//! (`div`, `button`, `main_`, ...), so a glob import brings ~110 short names into scope;
//! local items of the same name shadow them.

pub use crate::features::global::GlobalSignal;
pub use crate::features::global_memo::GlobalMemo;
pub use crate::features::shared::{connected, SharedMemo, SharedSignal};
pub use crate::reactive::{
    batch, effect, memo, on_cleanup, provide_context, signal, untrack, use_context, Counter,
    Effect, Memo, Observer, Owner, Signal,
};
pub use crate::server::session::{notify_dirty, reject};
pub use crate::vdom::attributes::IntoAttrValue;
pub use crate::vdom::builder::{el, El};
pub use crate::vdom::component::{
    component, component_keyed, component_live, component_live_keyed, Render,
};
pub use crate::vdom::elements::*;
pub use crate::vdom::event::{mods, Event, EventData};
pub use crate::vdom::helpers::{
    each, fragment, if_else, keyed, raw_html, show, text, text_of, unless, when,
};
pub use crate::vdom::into_node::{nodes, IntoChildren};
pub use crate::vdom::node::{Key, Modifiers, RawHtml, Str, VNode};
