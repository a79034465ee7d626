//! Browser commands from handlers and tasks: focus an element, push an event to an
//! element's client hook. Queued in the session store during a step and sent after that
//! step's patches (`step.rs`), so they can name an element the step renders.
//!
//! Touches the current session store's command queue and, when emitting, the encoder.

use super::misuse::OutsideSession;
use super::scope::Command;
use crate::protocol::{PatchEncoder, MAX_CLIENT_FRAME};
use crate::vdom::walk::hid_of_id;
use crate::vdom::VNode;

/// From a handler or a task: moves the browser's focus to the element whose `id`
/// attribute is `id`, after this step's patches are applied (so an element this step
/// renders can be focused). An id the page does not have does nothing; the last call of
/// a step wins; a step that navigates ignores it.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// let editing = signal(false);
/// let edit = button("edit").on_click(move |_| {
///     editing.set(true);
///     focus("edit-field"); // rendered by this step, focused after its patches
/// });
/// # let _ = edit;
/// ```
#[track_caller]
pub fn focus(id: impl Into<String>) {
    if let Err(e) = try_focus(id) {
        super::misuse::fail(e)
    }
}

/// Like [`focus`], but outside a live session it returns the error instead of panicking.
///
/// # Examples
///
/// ```
/// assert!(vango::live::command::try_focus("x").is_err(), "outside any session");
/// ```
#[track_caller]
pub fn try_focus(id: impl Into<String>) -> Result<(), OutsideSession> {
    let store = super::scope::store_for("focus")?;
    store.command(Command::Focus(id.into()));
    Ok(())
}

/// From a handler or a task: pushes `payload` to the client hook of the element whose
/// `id` attribute is `id` — the function its hook registered with `ctx.on(name, f)` is
/// called with `payload` — after this step's patches (so the hook of an element this step
/// renders is mounted first). Several pushes in a step arrive in order. An id the page
/// does not have, or a hook with no handler for `name`, does nothing; a payload over
/// 64 KiB is dropped (logged), as are pushes past 64 in one step; a step that navigates
/// sends none.
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// let zoom = button("zoom in").on_click(|_| {
///     // In the browser: hooks.Chart.mounted(el, ctx) { ctx.on('zoom', (p) => ...) }
///     push_hook("chart", "zoom", "2");
/// });
/// # let _ = zoom;
/// ```
#[track_caller]
pub fn push_hook(id: impl Into<String>, name: impl Into<String>, payload: impl Into<String>) {
    if let Err(e) = try_push_hook(id, name, payload) {
        super::misuse::fail(e)
    }
}

/// Like [`push_hook`], but outside a live session it returns the error instead of
/// panicking.
///
/// # Examples
///
/// ```
/// assert!(vango::live::command::try_push_hook("c", "zoom", "2").is_err());
/// ```
#[track_caller]
pub fn try_push_hook(
    id: impl Into<String>,
    name: impl Into<String>,
    payload: impl Into<String>,
) -> Result<(), OutsideSession> {
    let store = super::scope::store_for("push_hook")?;
    let payload = payload.into();
    if payload.len() > MAX_CLIENT_FRAME {
        log::error!(
            "push_hook payload of {} bytes is over {MAX_CLIENT_FRAME}: dropped",
            payload.len()
        );
        return Ok(());
    }
    store.command(Command::Hook {
        id: id.into(),
        name: name.into(),
        payload,
    });
    Ok(())
}

/// Writes `commands` as ops after a frame's patches, finding each element by its DOM id
/// in the freshly patched `root`.
pub(crate) fn emit(commands: Vec<Command>, root: &VNode, enc: &mut PatchEncoder) {
    for c in commands {
        match c {
            Command::Focus(id) => {
                if let Some(hid) = hid_of_id(root, &id) {
                    enc.focus(hid);
                }
            }
            Command::Hook { id, name, payload } => {
                if let Some(hid) = hid_of_id(root, &id) {
                    enc.hook_event(hid, &name, &payload);
                }
            }
        }
    }
}
