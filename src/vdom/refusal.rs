//! The refusal log: what was not written as given (an invalid or reserved attribute name,
//! a script URL) is logged once per kind and process, in debug builds; an invalid name in
//! every build, since it is a bug in the application. Later ones would repeat on every
//! render.
//!
//! Touches nothing.

use std::sync::atomic::{AtomicBool, Ordering};

/// Why something was not written as given.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Refusal {
    InvalidName,
    ReservedName,
    ScriptUrl,
}

static LOGGED: [AtomicBool; 3] = [
    AtomicBool::new(false),
    AtomicBool::new(false),
    AtomicBool::new(false),
];

/// Logs the first refusal of each kind.
#[cold]
#[inline(never)]
pub(crate) fn refused(why: Refusal, what: &str) {
    let (slot, msg, always) = match why {
        Refusal::InvalidName => (0, "invalid attribute name refused", true),
        Refusal::ReservedName => (1, "reserved attribute name refused", false),
        Refusal::ScriptUrl => (2, "script URL refused (written as about:invalid)", false),
    };
    if (always || cfg!(debug_assertions)) && !LOGGED[slot].swap(true, Ordering::Relaxed) {
        eprintln!("vango: {msg}: {what:?} (logged once)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_logged_once() {
        refused(Refusal::InvalidName, "a b");
        refused(Refusal::InvalidName, "c d");
        assert!(LOGGED[0].load(Ordering::Relaxed));
        refused(Refusal::ScriptUrl, "javascript:x");
        assert_eq!(LOGGED[2].load(Ordering::Relaxed), cfg!(debug_assertions));
    }
}
