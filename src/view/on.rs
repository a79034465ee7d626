//! Event listener methods on [`El`]: one `on_<event>` per entry of
//! [`EVENTS`], the generic [`El::on`], key filters, hook events, and the listener
//! modifiers.
//!
//! Touches only the builder and the event table. Modifier methods (`prevent_default`,
//! `debounce`, ...) apply to the most recently added listener.

use std::rc::Rc;

use crate::vdom::event::{Event, EventData, Handled, IntoHandled, EVENTS};
use crate::vdom::node::{Listener, Modifiers};
use crate::vdom::pool;
use crate::view::builder::El;

impl El {
    /// Adds a server-side handler for DOM event `event` (one of
    /// [`EVENTS`]; the `on_<event>` methods are shorthands).
    /// A later listener for the same event replaces the earlier one.
    ///
    /// The handler returns `()` (the event is accepted) or a `Result` whose error
    /// refuses it ([`reject`](crate::vdom::reject)).
    ///
    /// `"hook"` receives every hook event of the element (see [`El::on_hook`]). In debug
    /// builds, any other event name outside the table panics: the client would never
    /// send it.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    ///
    /// let t = LiveTest::component(|| {
    ///     let n = signal(0);
    ///     move || button(n.get().to_string()).on("dblclick", move |_| n.inc())
    /// });
    /// t.find("button").dispatch("dblclick", EventData::None);
    /// assert_eq!(t.text(), "1");
    /// ```
    pub fn on<R: IntoHandled>(
        self,
        event: &'static str,
        f: impl Fn(&Event) -> R + 'static,
    ) -> Self {
        self.on_with(event, Modifiers::default(), f)
    }

    /// Adds a handler for `event` with client-side [`Modifiers`] given up front.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let m = Modifiers { prevent_default: true, debounce_ms: 300, ..Modifiers::default() };
    /// let e = input().on_with("input", m, |_| {});
    /// assert_eq!(e.element().listeners[0].modifiers.debounce_ms, 300);
    /// ```
    pub fn on_with<R: IntoHandled>(
        mut self,
        event: &'static str,
        modifiers: Modifiers,
        f: impl Fn(&Event) -> R + 'static,
    ) -> Self {
        debug_assert!(
            event == "hook" || EVENTS.iter().any(|(n, _)| *n == event),
            "unknown DOM event {event:?}: not in vdom::event::EVENTS"
        );
        debug_assert!(
            modifiers
                .keys
                .iter()
                .all(|k| !k.is_empty() && !k.contains([' ', ','])),
            "a filtered key may not be empty or contain a space or a comma: {:?}",
            modifiers.keys
        );
        let listeners = &mut self.0.listeners;
        let listener = Listener {
            event,
            modifiers,
            handler: Rc::new(move |e: &Event| f(e).into_handled()),
        };
        if listeners.is_empty() {
            *listeners = pool::listener(listener);
        } else {
            listeners.retain(|l| l.event != event);
            listeners.push(listener);
        }
        self
    }

    /// Handles `keydown` only for the given `KeyboardEvent.key` values: the browser checks
    /// the key, so other keys send nothing (typing into a field with an Enter handler
    /// costs no events). The event carries the target's current value ([`Event::value`])
    /// and modifiers; none is sent while an IME composition is in progress. Modifier
    /// methods that follow (`prevent_default`) apply to the filtered keys only.
    ///
    /// Keys are `KeyboardEvent.key` names; one containing a space or a comma (the space
    /// bar, `","`) cannot be filtered (a debug build panics): use [`El::on_keydown`] and
    /// [`Event::key`] for those.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let saved = signal(String::new());
    /// let field = input().on_keydown_keys(&["Enter", "Escape"], move |e| {
    ///     if e.key() == "Enter" {
    ///         saved.set(e.value().to_owned());
    ///     }
    /// });
    /// assert_eq!(vango::vdom::data_on_string(&field.listeners), "keydown.:Enter,Escape");
    /// ```
    pub fn on_keydown_keys<R: IntoHandled>(
        self,
        keys: &'static [&'static str],
        f: impl Fn(&Event) -> R + 'static,
    ) -> Self {
        let modifiers = Modifiers {
            keys,
            ..Default::default()
        };
        self.on_with("keydown", modifiers, f)
    }

    /// Like [`El::on_keydown_keys`], for `keyup`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let b = input().on_keyup_keys(&["Escape"], |_| {}).prevent_default();
    /// assert_eq!(vango::vdom::data_on_string(&b.listeners), "keyup.p:Escape");
    /// ```
    pub fn on_keyup_keys<R: IntoHandled>(
        self,
        keys: &'static [&'static str],
        f: impl Fn(&Event) -> R + 'static,
    ) -> Self {
        let modifiers = Modifiers {
            keys,
            ..Default::default()
        };
        self.on_with("keyup", modifiers, f)
    }

    /// Handles the hook events named `name` that the element's client hook pushes
    /// (`ctx.push(name, payload)` in the browser); [`Event::value`] is the payload (JSON
    /// text unless the hook pushed a string). Several names may each have a handler;
    /// another handler for the same name replaces the earlier one.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    /// let order = signal(String::new());
    /// let list = ul(()).attr("data-hook", "Sortable").on_hook("reorder", move |e| {
    ///     order.set(e.value().to_owned());
    /// });
    /// let ev = Event {
    ///     hid: 1,
    ///     name: "hook",
    ///     data: EventData::Hook { name: "reorder".into(), payload: "[2,1]".into() },
    /// };
    /// (list.listeners[0].handler)(&ev).unwrap();
    /// assert_eq!(order.get(), "[2,1]");
    /// ```
    pub fn on_hook<R: IntoHandled>(
        self,
        name: &'static str,
        f: impl Fn(&Event) -> R + 'static,
    ) -> Self {
        let earlier = self
            .0
            .listeners
            .iter()
            .find(|l| l.event == "hook")
            .map(|l| l.handler.clone());
        self.on("hook", move |e: &Event| -> Handled {
            match (&e.data, &earlier) {
                (EventData::Hook { name: n, .. }, _) if n == name => f(e).into_handled(),
                (_, Some(h)) => h(e),
                // A name nobody handles is accepted and does nothing, like a DOM event
                // whose element has no listener for it.
                (_, None) => Ok(()),
            }
        })
    }

    /// Removes the listener for `event`, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let editable = false;
    /// let mut e = span("title").on_click(|_| {});
    /// if !editable {
    ///     e = e.off("click");
    /// }
    /// assert!(e.element().listeners.is_empty());
    /// ```
    pub fn off(mut self, event: &str) -> Self {
        self.0.listeners.retain(|l| l.event != event);
        self
    }

    /// Changes the modifiers of the most recently added listener (no-op without one;
    /// a debug build panics, since it is always a mistake).
    fn last_modifiers(&mut self, change: impl FnOnce(&mut Modifiers)) {
        match self.0.listeners.last_mut() {
            Some(l) => change(&mut l.modifiers),
            None => debug_assert!(false, "listener modifier used before any `.on_*` listener"),
        }
    }

    /// The most recently added listener calls `preventDefault()` in the browser.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// // A link that the server handles instead of the browser following it.
    /// let e = a("Delete").attr("href", "/todos/7/delete").on_click(|_| {}).prevent_default();
    /// assert!(e.element().listeners[0].modifiers.prevent_default);
    /// ```
    pub fn prevent_default(mut self) -> Self {
        self.last_modifiers(|m| m.prevent_default = true);
        self
    }

    /// The most recently added listener calls `stopPropagation()` in the browser.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// // The row opens on click; its delete button must not open it too.
    /// let row = li((span("Todo"), button("×").on_click(|_| {}).stop_propagation())).on_click(|_| {});
    /// let delete = row.element().children[1].as_element().unwrap();
    /// assert!(delete.listeners[0].modifiers.stop_propagation);
    /// ```
    pub fn stop_propagation(mut self) -> Self {
        self.last_modifiers(|m| m.stop_propagation = true);
        self
    }

    /// The most recently added listener sends only after `ms` milliseconds without
    /// another event (typing in a search box).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let query = signal(String::new());
    /// let e = input().on_input(move |e| query.set(e.value().to_owned())).debounce(300);
    /// assert_eq!(e.element().listeners[0].modifiers.debounce_ms, 300);
    /// ```
    pub fn debounce(mut self, ms: u16) -> Self {
        self.last_modifiers(|m| m.debounce_ms = ms);
        self
    }

    /// The most recently added listener sends at most once per `ms` milliseconds.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = div(()).on_scroll(|_| {}).throttle(100);
    /// assert_eq!(e.element().listeners[0].modifiers.throttle_ms, 100);
    /// ```
    pub fn throttle(mut self, ms: u16) -> Self {
        self.last_modifiers(|m| m.throttle_ms = ms);
        self
    }

    /// The most recently added (pointer) listener sends coordinates, button and modifier
    /// keys in [`crate::vdom::EventData::Pointer`].
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::prelude::*;
    ///
    /// let e = canvas(()).on_pointerdown(|e| {
    ///     if let EventData::Pointer { x, y, .. } = e.data {
    ///         let _ = (x, y); // relative to the viewport, in CSS pixels
    ///     }
    /// }).with_coords();
    /// assert!(e.element().listeners[0].modifiers.coords);
    /// ```
    pub fn with_coords(mut self) -> Self {
        self.last_modifiers(|m| m.coords = true);
        self
    }
}

macro_rules! event_methods {
    ($($(#[$m:meta])* $method:ident $name:literal;)*) => {
        impl El {$(
            #[doc = concat!("Handles the `", $name, "` DOM event on the server (see [`El::on`]).")]
            $(#[$m])*
            ///
            /// # Examples
            ///
            /// ```
            /// use vango::prelude::*;
            ///
            /// let hits = signal(0);
            #[doc = concat!("let e = div(()).", stringify!($method), "(move |_| hits.update(|n| *n += 1));")]
            #[doc = concat!("assert_eq!(e.listeners[0].event, \"", $name, "\");")]
            ///
            /// // What the session does when the client reports the event:
            #[doc = concat!("let ev = Event { hid: 1, name: \"", $name, "\", data: EventData::None };")]
            /// assert_eq!((e.listeners[0].handler)(&ev), Ok(()));
            /// assert_eq!(hits.get(), 1);
            /// ```
            pub fn $method<R: IntoHandled>(self, f: impl Fn(&Event) -> R + 'static) -> Self {
                self.on($name, f)
            }
        )*}

        /// The DOM event names that have an `on_<event>` method, in definition order
        /// (the same order as [`EVENTS`]).
        ///
        /// # Examples
        ///
        /// ```
        /// use vango::view::on::EVENT_METHODS;
        /// assert_eq!(EVENT_METHODS[0], "click");
        /// assert!(EVENT_METHODS.contains(&"submit"));
        /// ```
        pub const EVENT_METHODS: &[&str] = &[$($name),*];
    };
}

event_methods! {
    on_click "click";
    on_dblclick "dblclick";
    on_mousedown "mousedown";
    on_mouseup "mouseup";
    on_mousemove "mousemove";
    on_mouseover "mouseover";
    on_mouseout "mouseout";
    on_mouseenter "mouseenter";
    on_mouseleave "mouseleave";
    on_contextmenu "contextmenu";
    on_auxclick "auxclick";
    on_wheel "wheel";
    on_pointerdown "pointerdown";
    on_pointerup "pointerup";
    on_pointermove "pointermove";
    on_pointerover "pointerover";
    on_pointerout "pointerout";
    on_pointerenter "pointerenter";
    on_pointerleave "pointerleave";
    on_pointercancel "pointercancel";
    on_gotpointercapture "gotpointercapture";
    on_lostpointercapture "lostpointercapture";
    on_keydown "keydown";
    on_keyup "keyup";
    on_keypress "keypress";
    on_touchstart "touchstart";
    on_touchend "touchend";
    on_touchmove "touchmove";
    on_touchcancel "touchcancel";
    on_input "input";
    on_change "change";
    on_submit "submit";
    on_reset "reset";
    on_invalid "invalid";
    on_select "select";
    on_beforeinput "beforeinput";
    on_focus "focus";
    on_blur "blur";
    on_focusin "focusin";
    on_focusout "focusout";
    on_drag "drag";
    on_dragstart "dragstart";
    on_dragend "dragend";
    on_dragenter "dragenter";
    on_dragleave "dragleave";
    on_dragover "dragover";
    on_drop "drop";
    on_copy "copy";
    on_cut "cut";
    on_paste "paste";
    on_play "play";
    on_pause "pause";
    on_playing "playing";
    on_ended "ended";
    on_timeupdate "timeupdate";
    on_volumechange "volumechange";
    on_seeking "seeking";
    on_seeked "seeked";
    on_loadeddata "loadeddata";
    on_loadedmetadata "loadedmetadata";
    on_canplay "canplay";
    on_canplaythrough "canplaythrough";
    on_waiting "waiting";
    on_durationchange "durationchange";
    on_ratechange "ratechange";
    on_stalled "stalled";
    on_suspend "suspend";
    on_emptied "emptied";
    on_progress "progress";
    on_load "load";
    on_error "error";
    on_abort "abort";
    on_scroll "scroll";
    on_scrollend "scrollend";
    on_toggle "toggle";
    on_animationstart "animationstart";
    on_animationend "animationend";
    on_animationiteration "animationiteration";
    on_transitionstart "transitionstart";
    on_transitionend "transitionend";
    on_transitionrun "transitionrun";
    on_transitioncancel "transitioncancel";
    on_compositionstart "compositionstart";
    on_compositionupdate "compositionupdate";
    on_compositionend "compositionend";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_has_a_method_in_table_order() {
        let table: Vec<&str> = EVENTS.iter().map(|(n, _)| *n).collect();
        assert_eq!(EVENT_METHODS, table.as_slice());
    }
}
