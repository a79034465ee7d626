//! The [`View`] contract a session drives (the component [`Tree`] implements it; tests and
//! custom front ends may bring their own), and what one dispatch came to.
//!
//! Touches the component runtime's `Tree` and the wire's `PatchEncoder`.

use std::fmt;

use crate::component::{DispatchError, Tree};
use crate::protocol::PatchEncoder;
use crate::vdom::frozen::Footprint;
use crate::vdom::{Event, Handled, VNode};

/// What a session drives: a mounted component [`Tree`] (tests and custom front ends may
/// bring their own).
///
/// # Examples
///
/// ```
/// use vango::component::Tree;
/// use vango::live::{IntoView, View};
/// use vango::prelude::*;
/// use vango::protocol::PatchEncoder;
/// use vango::vdom::{Event, EventData};
/// let mut view: Box<dyn View> = Tree::mount(|| {
///     let n = signal(0);
///     move || button(n.get().to_string()).on_click(move |_| n.update(|n| *n += 1))
/// })
/// .into_view();
/// let click = Event { hid: view.root_hid(), name: "click", data: EventData::None };
/// assert!(view.dispatch(&click).is_ok());
/// assert!(view.is_dirty());
/// let mut enc = PatchEncoder::new();
/// enc.begin(1, 0);
/// view.rerender(&mut enc);
/// assert!(!view.is_dirty());
/// assert!(vango::render::to_html(view.root()).contains(">1</button>"));
/// ```
pub trait View {
    /// The mounted root (hids assigned).
    fn root(&self) -> &VNode;
    /// The root element's hid (the target of a full re-render's ReplaceNode).
    fn root_hid(&self) -> u32;
    /// Runs the handler for `event` (found by hid and name) and returns what it came to:
    /// `Err` when no live handler matches (answered with Reject code 10), else the
    /// handler's own outcome (a refusal is answered with Reject code 11).
    fn dispatch(&mut self, event: &Event) -> Result<Handled, DispatchFailed>;
    /// Whether some component must re-render.
    fn is_dirty(&self) -> bool;
    /// Re-renders dirty components and writes the diff's edits to `sink`.
    fn rerender(&mut self, sink: &mut PatchEncoder);
    /// Packs the retained tree while the session is idle (see [`Tree::hibernate`]); the
    /// next read unpacks it. By default nothing is packed.
    fn hibernate(&mut self) {}
    /// What the packed tree holds while it hibernates, for the session's memory
    /// accounting (`None`: awake, measured by walking [`root`](Self::root)).
    fn footprint(&self) -> Option<Footprint> {
        None
    }
    /// The view as `Any`, for the application that mounted it to find its own type again
    /// (a live navigation that keeps shared layouts updates the view in place). `None` by
    /// default.
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        None
    }
}

/// A value a page closure may return: something that mounts into a [`View`].
///
/// # Examples
///
/// ```
/// use vango::component::Tree;
/// use vango::live::{IntoView, View};
/// use vango::prelude::*;
/// fn mount_page(page: impl IntoView) -> Box<dyn View> {
///     page.into_view()
/// }
/// let view = mount_page(Tree::mount(|| || h1("Home")));
/// assert_eq!(view.root_hid(), 1);
/// ```
pub trait IntoView {
    /// Mounts `self`.
    fn into_view(self) -> Box<dyn View>;
}

impl IntoView for Box<dyn View> {
    fn into_view(self) -> Box<dyn View> {
        self
    }
}

impl IntoView for Tree {
    fn into_view(self) -> Box<dyn View> {
        Box::new(self)
    }
}

impl View for Tree {
    fn root(&self) -> &VNode {
        Tree::root(self)
    }

    fn root_hid(&self) -> u32 {
        Tree::root_hid(self)
    }

    fn dispatch(&mut self, event: &Event) -> Result<Handled, DispatchFailed> {
        Tree::dispatch(self, event).map_err(DispatchFailed)
    }

    fn is_dirty(&self) -> bool {
        Tree::is_dirty(self)
    }

    fn rerender(&mut self, sink: &mut PatchEncoder) {
        Tree::rerender(self, sink)
    }

    fn hibernate(&mut self) {
        Tree::hibernate(self)
    }

    fn footprint(&self) -> Option<Footprint> {
        Tree::footprint(self)
    }
}

/// Re-renders a dirty view whose edits no client needs (nothing was sent yet: a first
/// render that waited for data): the edits go nowhere, the retained tree is updated.
pub(crate) fn render_unsent(view: &mut dyn View) {
    if view.is_dirty() {
        let mut scratch = PatchEncoder::new();
        scratch.begin(0, 0);
        view.rerender(&mut scratch);
    }
}

/// The event named no live handler (unknown hid, or no listener for it): answered with
/// Reject code 10.
///
/// # Examples
///
/// ```
/// use vango::component::{DispatchError, Tree};
/// use vango::live::{DispatchFailed, IntoView};
/// use vango::prelude::*;
/// use vango::vdom::{Event, EventData};
/// let mut view = Tree::mount(|| || p("no handlers")).into_view();
/// let err = view.dispatch(&Event { hid: 99, name: "click", data: EventData::None }).unwrap_err();
/// assert_eq!(err, DispatchFailed(DispatchError::UnknownHid(99)));
/// assert!(err.to_string().starts_with("no handler for this event"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DispatchFailed(pub DispatchError);

impl fmt::Display for DispatchFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no handler for this event: {}", self.0)
    }
}

impl std::error::Error for DispatchFailed {}
