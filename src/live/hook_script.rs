//! Hook scripts a page needs: [`use_hook_script`] records them in the session store; the
//! first paint puts them in `<head>`, and a live step (a navigation, a handler that
//! renders a hooked element) sends a `LoadScript` op for the ones the browser lacks.
//!
//! Touches the current session store's script list and, when emitting, the encoder.

use std::borrow::Cow;

use super::scope::SessionStore;
use crate::protocol::PatchEncoder;
use crate::view::StandardHook;

impl From<StandardHook> for Cow<'static, str> {
    fn from(h: StandardHook) -> Self {
        Cow::Borrowed(h.src())
    }
}

/// Loads the client hook script at `src` on the current page (call it in the page's
/// setup, or in a handler before rendering the hooked element): a
/// [`StandardHook`] (served by Vango) or the URL of your own script (a local path, e.g. an
/// [`App::asset`](crate::App::asset)). The first paint puts it in `<head>` (before the
/// client, so its hooks mount with the page); a live navigation or a later step loads it
/// with a `LoadScript` op, its hooks then mounting on the elements already there. Each
/// URL is loaded once per session (browser tab); a URL that is not a local path (`/…`, not `//…`) is
/// ignored, as are more than 32. Outside a live session it panics with a message naming
/// the fix.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::live::{use_hook_script, SessionStore};
///
/// let store = SessionStore::new();
/// store.enter(|| {
///     use_hook_script(StandardHook::Sortable);
///     use_hook_script("/assets/chart-hook.js");
///     use_hook_script(StandardHook::Sortable);
/// });
/// assert_eq!(store.hook_scripts(), ["/_vango/hooks/sortable.js", "/assets/chart-hook.js"]);
/// ```
#[track_caller]
pub fn use_hook_script(src: impl Into<Cow<'static, str>>) {
    let store = match super::scope::store_for("use_hook_script") {
        Ok(store) => store,
        Err(e) => super::misuse::fail(e),
    };
    let src = src.into();
    if !src.starts_with('/') || src.starts_with("//") {
        log::warn!("use_hook_script({src:?}): not a local path, ignored");
        return;
    }
    store.add_script(&src);
}

/// Writes a LoadScript op for each script the browser does not have yet.
pub(crate) fn emit(store: &SessionStore, enc: &mut PatchEncoder) {
    for src in store.take_new_scripts() {
        enc.load_script(&src);
    }
}
