//! Dev mode: one switch that the development-only features (error overlay, dev panel,
//! hot-reload helpers) read; always off in release builds, so they cost nothing there.

use std::sync::atomic::{AtomicU8, Ordering};

// 0: not read yet, 1: off, 2: on.
static STATE: AtomicU8 = AtomicU8::new(0);

/// Whether dev mode is on: a debug build (`debug_assertions`) started with the environment
/// variable `VANGO_DEV=1` (as `vango dev` does), or switched on with [`set_enabled`].
/// Always `false` in release builds.
///
/// # Examples
///
/// ```
/// // Off unless VANGO_DEV=1 was set for this process or a test switched it on.
/// let on = vango::component::dev::enabled();
/// assert!(!on || cfg!(debug_assertions));
/// ```
pub fn enabled() -> bool {
    if !cfg!(debug_assertions) {
        return false;
    }
    match STATE.load(Ordering::Relaxed) {
        0 => {
            let on = std::env::var_os("VANGO_DEV").is_some_and(|v| v == "1");
            STATE.store(if on { 2 } else { 1 }, Ordering::Relaxed);
            on
        }
        s => s == 2,
    }
}

/// Switches dev mode on or off for this process (tests of dev-only features use it);
/// ignored in release builds, where dev mode is always off.
///
/// # Examples
///
/// ```
/// vango::component::dev::set_enabled(true);
/// assert_eq!(vango::component::dev::enabled(), cfg!(debug_assertions));
/// vango::component::dev::set_enabled(false);
/// assert!(!vango::component::dev::enabled());
/// ```
pub fn set_enabled(on: bool) {
    STATE.store(if on { 2 } else { 1 }, Ordering::Relaxed);
}
