//! Events as handlers see them, and the shared table of DOM event names and wire codes.
//!
//! The table is append-only: a code, once given to a name, keeps it (the protocol version
//! covers the set). `client/src/constants.js` holds the same table; the shared test vectors
//! check that the two agree. Also what a handler's run comes to ([`Handled`], [`Reject`]).

use std::fmt;

/// How an event's payload is shaped on the wire and in [`EventData`].
///
/// # Examples
///
/// ```
/// use vango::vdom::event::{event_by_code, event_code, Payload};
/// let code = event_code("keydown").unwrap();
/// assert_eq!(event_by_code(code), Some(("keydown", Payload::Key)));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Payload {
    /// No payload (click, focus, ...).
    None = 0,
    /// A form control's value and checked state ([`EventData::Input`]), or the selected
    /// values of a `<select multiple>` ([`EventData::Selected`]).
    Input = 1,
    /// A form's fields as name/value pairs ([`EventData::Form`]).
    Form = 2,
    /// A key, modifier bits and the target's value ([`EventData::Key`]).
    Key = 3,
    /// Pointer/mouse/touch/drag coordinates ([`EventData::Pointer`]).
    Pointer = 4,
    /// Wheel deltas ([`EventData::Wheel`]).
    Wheel = 5,
    /// Scroll offsets ([`EventData::Scroll`]).
    Scroll = 6,
    /// Media current time in milliseconds ([`EventData::Media`]).
    Media = 7,
}

/// DOM event names and their payload shapes. The wire code of `EVENTS[i]` is `i + 1`.
///
/// # Examples
///
/// ```
/// use vango::vdom::event::{event_code, Payload, EVENTS};
/// assert_eq!(EVENTS[0], ("click", Payload::Pointer));
/// assert_eq!(event_code("click"), Some(1), "the code of EVENTS[i] is i + 1");
/// ```
pub const EVENTS: &[(&str, Payload)] = &[
    // mouse
    ("click", Payload::Pointer),
    ("dblclick", Payload::Pointer),
    ("mousedown", Payload::Pointer),
    ("mouseup", Payload::Pointer),
    ("mousemove", Payload::Pointer),
    ("mouseover", Payload::Pointer),
    ("mouseout", Payload::Pointer),
    ("mouseenter", Payload::Pointer),
    ("mouseleave", Payload::Pointer),
    ("contextmenu", Payload::Pointer),
    ("auxclick", Payload::Pointer),
    ("wheel", Payload::Wheel),
    // pointer
    ("pointerdown", Payload::Pointer),
    ("pointerup", Payload::Pointer),
    ("pointermove", Payload::Pointer),
    ("pointerover", Payload::Pointer),
    ("pointerout", Payload::Pointer),
    ("pointerenter", Payload::Pointer),
    ("pointerleave", Payload::Pointer),
    ("pointercancel", Payload::Pointer),
    ("gotpointercapture", Payload::Pointer),
    ("lostpointercapture", Payload::Pointer),
    // keyboard
    ("keydown", Payload::Key),
    ("keyup", Payload::Key),
    ("keypress", Payload::Key),
    // touch
    ("touchstart", Payload::Pointer),
    ("touchend", Payload::Pointer),
    ("touchmove", Payload::Pointer),
    ("touchcancel", Payload::Pointer),
    // form
    ("input", Payload::Input),
    ("change", Payload::Input),
    ("submit", Payload::Form),
    ("reset", Payload::None),
    ("invalid", Payload::Input),
    ("select", Payload::Input),
    ("beforeinput", Payload::Input),
    // focus
    ("focus", Payload::None),
    ("blur", Payload::Input),
    ("focusin", Payload::None),
    ("focusout", Payload::Input),
    // drag and drop
    ("drag", Payload::Pointer),
    ("dragstart", Payload::Pointer),
    ("dragend", Payload::Pointer),
    ("dragenter", Payload::Pointer),
    ("dragleave", Payload::Pointer),
    ("dragover", Payload::Pointer),
    ("drop", Payload::Pointer),
    // clipboard
    ("copy", Payload::None),
    ("cut", Payload::None),
    ("paste", Payload::None),
    // media
    ("play", Payload::Media),
    ("pause", Payload::Media),
    ("playing", Payload::Media),
    ("ended", Payload::Media),
    ("timeupdate", Payload::Media),
    ("volumechange", Payload::Media),
    ("seeking", Payload::Media),
    ("seeked", Payload::Media),
    ("loadeddata", Payload::Media),
    ("loadedmetadata", Payload::Media),
    ("canplay", Payload::Media),
    ("canplaythrough", Payload::Media),
    ("waiting", Payload::Media),
    ("durationchange", Payload::Media),
    ("ratechange", Payload::Media),
    ("stalled", Payload::Media),
    ("suspend", Payload::Media),
    ("emptied", Payload::Media),
    ("progress", Payload::Media),
    // resources and misc
    ("load", Payload::None),
    ("error", Payload::None),
    ("abort", Payload::None),
    ("scroll", Payload::Scroll),
    ("scrollend", Payload::Scroll),
    ("toggle", Payload::None),
    // animation and transition
    ("animationstart", Payload::None),
    ("animationend", Payload::None),
    ("animationiteration", Payload::None),
    ("transitionstart", Payload::None),
    ("transitionend", Payload::None),
    ("transitionrun", Payload::None),
    ("transitioncancel", Payload::None),
    // composition (IME)
    ("compositionstart", Payload::Input),
    ("compositionupdate", Payload::Input),
    ("compositionend", Payload::Input),
];

/// Wire code of a DOM event name (`None` if it is not in [`EVENTS`]).
///
/// # Examples
///
/// ```
/// use vango::vdom::event::event_code;
/// assert_eq!(event_code("click"), Some(1));
/// assert_eq!(event_code("not-an-event"), None);
/// ```
pub fn event_code(name: &str) -> Option<u8> {
    EVENTS
        .iter()
        .position(|(n, _)| *n == name)
        .map(|i| (i + 1) as u8)
}

/// DOM event name and payload shape of a wire code.
///
/// # Examples
///
/// ```
/// use vango::vdom::event::{event_by_code, Payload};
/// assert_eq!(event_by_code(1), Some(("click", Payload::Pointer)));
/// assert_eq!(event_by_code(0), None);
/// ```
pub fn event_by_code(code: u8) -> Option<(&'static str, Payload)> {
    EVENTS.get((code as usize).checked_sub(1)?).copied()
}

/// Modifier key bits in [`EventData::Key`] and [`EventData::Pointer`].
pub mod mods {
    /// Shift is held.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{event::mods, Event, EventData};
    /// let data = EventData::Key { key: "Tab".into(), mods: mods::SHIFT, value: String::new() };
    /// assert!(Event { hid: 1, name: "keydown", data }.shift());
    /// ```
    pub const SHIFT: u8 = 1;
    /// Control is held.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{event::mods, Event, EventData};
    /// let data = EventData::Key { key: "s".into(), mods: mods::CTRL, value: String::new() };
    /// assert!(Event { hid: 1, name: "keydown", data }.ctrl());
    /// ```
    pub const CTRL: u8 = 2;
    /// Alt/Option is held.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{event::mods, Event, EventData};
    /// let data = EventData::Pointer { x: 1, y: 1, button: 0, mods: mods::ALT };
    /// assert!(Event { hid: 1, name: "click", data }.alt());
    /// ```
    pub const ALT: u8 = 4;
    /// Meta/Command is held.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{event::mods, Event, EventData};
    /// let data = EventData::Key { key: "k".into(), mods: mods::META, value: String::new() };
    /// assert!(Event { hid: 1, name: "keydown", data }.meta());
    /// ```
    pub const META: u8 = 8;
    /// The key is auto-repeating (keyboard only).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{event::mods, Event, EventData};
    /// let held = mods::REPEAT | mods::SHIFT;
    /// let data = EventData::Key { key: "ArrowDown".into(), mods: held, value: String::new() };
    /// let e = Event { hid: 1, name: "keydown", data };
    /// assert!(e.mods() & mods::REPEAT != 0, "an auto-repeated key press");
    /// ```
    pub const REPEAT: u8 = 16;
}

/// What the client reported with an event.
///
/// # Examples
///
/// ```
/// use vango::vdom::{Event, EventData};
/// let data = EventData::Input { value: "42".into(), checked: false };
/// let e = Event { hid: 3, name: "input", data };
/// assert_eq!(e.value(), "42");
/// assert_eq!(EventData::default(), EventData::None);
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub enum EventData {
    /// Nothing beyond the event itself.
    #[default]
    None,
    /// Form control state: its value and, for checkboxes and radios, whether it is checked.
    Input {
        /// `value` of the control.
        value: String,
        /// `checked` of the control.
        checked: bool,
    },
    /// The selected options' values of a `<select multiple>`, in document order.
    Selected(Vec<String>),
    /// A submitted form's fields, in document order.
    Form(Vec<(String, String)>),
    /// A keyboard event.
    Key {
        /// `KeyboardEvent.key`.
        key: String,
        /// [`mods`] bits.
        mods: u8,
        /// The current `value` of the target when it is a form control (`""` otherwise):
        /// what an Enter handler saves, without a separate `input` event.
        value: String,
    },
    /// Pointer, mouse, touch or drag coordinates relative to the target element.
    Pointer {
        /// Horizontal offset in CSS pixels.
        x: i32,
        /// Vertical offset in CSS pixels.
        y: i32,
        /// `MouseEvent.button`.
        button: u8,
        /// [`mods`] bits.
        mods: u8,
    },
    /// Wheel deltas in CSS pixels.
    Wheel {
        /// Horizontal delta.
        dx: i32,
        /// Vertical delta.
        dy: i32,
    },
    /// Scroll offsets of the element.
    Scroll {
        /// `scrollTop`.
        top: u32,
        /// `scrollLeft`.
        left: u32,
    },
    /// Media element position.
    Media {
        /// `currentTime` in milliseconds.
        time_ms: u32,
    },
    /// A client hook pushed an event to the server.
    Hook {
        /// The hook's event name.
        name: String,
        /// Its payload (usually JSON text).
        payload: String,
    },
    /// The client asks to navigate to a URL (path + query) without a reload.
    Navigate(String),
}

/// An event delivered to a server-side handler.
///
/// # Examples
///
/// ```
/// use vango::vdom::{Event, EventData};
/// let data = EventData::Form(vec![("email".into(), "a@b.c".into())]);
/// let submit = Event { hid: 2, name: "submit", data };
/// assert_eq!(submit.field("email"), Some("a@b.c"));
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Event {
    /// Hydration id of the element whose listener fired.
    pub hid: u32,
    /// DOM event name (`"click"`), `"hook"` for hook events, `"navigate"` for navigations.
    pub name: &'static str,
    /// The payload. Handlers usually read it through the getters of `vdom/value.rs`
    /// ([`Event::value`], [`Event::key`], [`Event::number`], ...).
    pub data: EventData,
}

/// A handler's refusal of its event: the session answers that event with a Reject frame
/// (code 11) instead of an Ack, and the client reverts the optimistic update it applied
/// (`data-opt-*`). The event still counts as handled (a resend is not run again); what
/// the handler changed before refusing still renders, in a Patches frame right after.
///
/// # Examples
///
/// ```
/// use vango::vdom::{reject, Reject};
/// assert_eq!(reject(), Err(Reject));
/// assert_eq!(Reject.to_string(), "event rejected by its handler");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reject;

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("event rejected by its handler")
    }
}

impl std::error::Error for Reject {}

/// What a handler's run came to: `Ok(())` accepts the event, `Err(Reject)` refuses it.
///
/// # Examples
///
/// ```
/// use vango::vdom::{Handled, IntoHandled, Reject};
/// let accepted: Handled = ().into_handled();
/// assert_eq!(accepted, Ok(()));
/// assert_eq!(Err::<(), _>(Reject).into_handled(), Err(Reject));
/// ```
pub type Handled = Result<(), Reject>;

/// What a handler closure may return: `()` (the common case: the event is accepted) or a
/// `Result<(), E>` whose error refuses the event.
///
/// # Examples
///
/// ```
/// use vango::vdom::{IntoHandled, Reject};
/// #[derive(Debug)]
/// struct SoldOut;
/// impl From<SoldOut> for Reject {
///     fn from(_: SoldOut) -> Reject {
///         Reject
///     }
/// }
/// assert_eq!(Err::<(), _>(SoldOut).into_handled(), Err(Reject));
/// assert_eq!(().into_handled(), Ok(()));
/// ```
pub trait IntoHandled {
    /// The outcome this value stands for.
    fn into_handled(self) -> Handled;
}

impl IntoHandled for () {
    #[inline]
    fn into_handled(self) -> Handled {
        Ok(())
    }
}

impl<E: Into<Reject>> IntoHandled for Result<(), E> {
    #[inline]
    fn into_handled(self) -> Handled {
        self.map_err(Into::into)
    }
}

/// Refuses the event being handled: `return reject();` from a handler that returns a
/// `Result` (see [`Reject`]). Decide before mutating: whatever the handler changed anyway
/// still renders.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// let stock = signal(0u32);
/// let buy = button("Buy").optimistic_text("Bought!").on_click(move |_| {
///     if stock.get() == 0 {
///         return reject(); // sold out: the button's text reverts
///     }
///     stock.update(|n| *n -= 1);
///     Ok(())
/// });
/// # let _ = buy;
/// ```
pub fn reject() -> Handled {
    Err(Reject)
}
