//! Everything an application needs in one import: `use vango::prelude::*;`.
//!
//! Touches nothing: re-exports only. Element functions are named after their tags
//! (`div`, `button`, `main_`, ...), so a glob import brings ~110 short names into scope;
//! local items of the same name shadow them. `link` is the live navigation link
//! ([`crate::view::helpers::link`]); the `<link>` element is
//! `vango::view::elements::link`.

pub use crate::app::Outlet;
pub use crate::component::{
    component, component_keyed, component_live, component_live_keyed, error_boundary, ErrorInfo,
    Render,
};
pub use crate::features::global::GlobalSignal;
pub use crate::features::global_memo::GlobalMemo;
pub use crate::live::{
    action, connected, focus, navigate, navigate_replace, notify_dirty, patch_query, push_hook,
    resource, set_query, set_title, spawn_task, unblock, url_state, use_cookie_session,
    use_hook_script, use_request, Action, Loaded, PageRequest, Policy, Resource, SharedMemo,
    SharedSignal, UrlState,
};
pub use crate::reactive::{
    batch, effect, memo, on_cleanup, provide_context, selector, signal, untrack, use_context,
    Counter, Effect, Memo, Observer, Owner, Selector, Signal,
};
pub use crate::vdom::event::{mods, reject, Event, EventData, Handled, Reject};
pub use crate::vdom::node::{Key, Modifiers, RawHtml, Str, VNode};
pub use crate::view::attrs::IntoAttrValue;
pub use crate::view::builder::{el, El};
pub use crate::view::elements::*;
pub use crate::view::helpers::{
    each, fragment, if_else, keyed, link, raw_html, show, text, text_of, unless, when,
};
pub use crate::view::hooks::StandardHook;
pub use crate::view::island::{island, Island};
pub use crate::view::js::Js;
pub use crate::view::nodes::{nodes, IntoChildren};
