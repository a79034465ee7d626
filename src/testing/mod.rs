//! The component test API, like Phoenix's `LiveViewTest`: mount a route of an [`App`]
//! (or one component) in-process for a request (path, headers, cookies), find elements by
//! CSS selector, click, type, press keys, submit forms, push hook events, let tasks and
//! resources settle, follow live navigation, and assert on the rendered HTML — no browser,
//! no socket, deterministic.
//!
//! The top layer: drives the application's own first paint and the live layer's session
//! steps on a core of its own (`harness`); [`LiveTest`] is the page, [`Element`] one of its
//! elements, [`Selector`] the CSS subset they are found with.
//!
//! [`App`]: crate::App

mod element;
mod harness;
mod live_test;
mod page;
mod select;
mod snapshot;

pub use element::Element;
pub use live_test::{LiveRequest, LiveTest};
pub use page::Outcome;
pub use select::{Selector, SelectorError};
