//! The `data-on` marker: how an element's listeners are announced to the client, shared by
//! the SSR writer and the diff (which patches the marker when listeners change).
//!
//! Touches only `vdom::node`. Format in `PROTOCOL.md`, "HTML markers".

use crate::vdom::node::Listener;

/// Writes the `data-on` marker value for `listeners` piece by piece into `put`: event
/// names separated by spaces, each followed by `.` and its flags when it has any
/// (`p` preventDefault, `s` stopPropagation, `c` coordinates, `dN` debounce, `tN`
/// throttle, in that order), then `:` and the key filter's keys separated by commas
/// (`keydown.p:Enter,Escape`). Pieces, not a `String`, so the SSR writer streams it.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use vango::vdom::{marker::write_data_on, Listener, Modifiers};
///
/// let m = Modifiers { debounce_ms: 300, ..Default::default() };
/// let ls = [Listener { event: "input", modifiers: m, handler: Rc::new(|_: &_| Ok(())) }];
/// let mut out = String::new();
/// write_data_on(&ls, &mut |s| out.push_str(s));
/// assert_eq!(out, "input.d300");
/// ```
pub fn write_data_on(listeners: &[Listener], put: &mut impl FnMut(&str)) {
    for (i, l) in listeners.iter().enumerate() {
        if i > 0 {
            put(" ");
        }
        put(l.event);
        let m = &l.modifiers;
        if m.prevent_default
            || m.stop_propagation
            || m.coords
            || m.debounce_ms > 0
            || m.throttle_ms > 0
            || !m.keys.is_empty()
        {
            put(".");
        }
        if m.prevent_default {
            put("p");
        }
        if m.stop_propagation {
            put("s");
        }
        if m.coords {
            put("c");
        }
        if m.debounce_ms > 0 {
            put("d");
            put(decimal(m.debounce_ms, &mut [0; 5]));
        }
        if m.throttle_ms > 0 {
            put("t");
            put(decimal(m.throttle_ms, &mut [0; 5]));
        }
        // A key with a separator in it would break the marker for every listener; the
        // listener methods refuse such keys, so skipping one here only guards raw builds.
        let mut sep = ":";
        for k in m
            .keys
            .iter()
            .filter(|k| !k.is_empty() && !k.contains([' ', ',']))
        {
            put(sep);
            put(k);
            sep = ",";
        }
    }
}

/// `n` in decimal, written into `buf` without allocating.
fn decimal(mut n: u16, buf: &mut [u8; 5]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// Appends the `data-on` marker value for `listeners` to `out` (see [`write_data_on`]).
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use vango::vdom::{Listener, Modifiers};
///
/// let l = |event, modifiers| Listener { event, modifiers, handler: Rc::new(|_: &_| Ok(())) };
/// let ls = [
///     l("click", Modifiers::default()),
///     l("input", Modifiers { debounce_ms: 300, ..Default::default() }),
///     l("submit", Modifiers { prevent_default: true, ..Default::default() }),
/// ];
/// let mut out = String::new();
/// vango::vdom::data_on_value(&ls, &mut out);
/// assert_eq!(out, "click input.d300 submit.p");
/// ```
pub fn data_on_value(listeners: &[Listener], out: &mut String) {
    write_data_on(listeners, &mut |s| out.push_str(s));
}

/// The `data-on` marker value for `listeners` as a new string (see [`data_on_value`]).
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use vango::vdom::{Listener, Modifiers};
///
/// let m = Modifiers { prevent_default: true, stop_propagation: true, ..Default::default() };
/// let ls = [Listener { event: "keydown", modifiers: m, handler: Rc::new(|_: &_| Ok(())) }];
/// assert_eq!(vango::vdom::data_on_string(&ls), "keydown.ps");
///
/// let m = Modifiers { keys: &["Enter", "Escape"], ..Default::default() };
/// let ls = [Listener { event: "keydown", modifiers: m, handler: Rc::new(|_: &_| Ok(())) }];
/// assert_eq!(vango::vdom::data_on_string(&ls), "keydown.:Enter,Escape");
/// ```
pub fn data_on_string(listeners: &[Listener]) -> String {
    let mut s = String::new();
    data_on_value(listeners, &mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn decimals_match_std() {
        for n in [0u16, 1, 9, 10, 99, 100, 300, 9999, 10000, u16::MAX] {
            assert_eq!(decimal(n, &mut [0; 5]), n.to_string());
        }
    }
}
