//! Live navigation: mounts another route in place (same socket, same session store: a new
//! tree, or — when the app keeps the current view, its shared layouts — the re-rendered
//! parts) or changes the query of the current one, as one Patches frame (the full render
//! or the re-rendered parts, a `SetTitle`, a `PushUrl`).
//!
//! A synchronous part of a step: runs inside the session's scope; touches the session,
//! its store and the app's mount function.

use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;

use async_tungstenite::tungstenite::Bytes;

use super::host::LiveCore;
use super::request::Navigation;
use super::session::Session;
use crate::server::ConnInfo;
use crate::vdom::PatchSink;

/// Carries out `nav` for session `s` and returns the frame (acknowledging `ack`).
pub(crate) fn apply(s: &mut Session, live: &LiveCore, ack: u64, nav: Navigation) -> Option<Bytes> {
    let store = s.scope.store().clone();
    let old = store.request().unwrap_or_default();
    let mut enc = live.encoder.borrow_mut();
    match nav {
        Navigation::To { url, replace } => {
            let requested = url.clone();
            // The connection's facts stay those of the WebSocket upgrade.
            let info = ConnInfo {
                peer: old
                    .peer()
                    .unwrap_or(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0))),
                headers: old
                    .headers()
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
                    .collect(),
            };
            let mounted = (live.app.mount)(Some(&mut *s.view), &url, &info);
            let url = mounted.redirected.unwrap_or(url);
            // A redirect lands where the browser never asked to be: no history entry for it.
            let replace = replace || url != requested;
            let old_hid = s.view.root_hid();
            let fresh = mounted.view.is_some();
            if let Some(view) = mounted.view {
                // The old page unmounts now (its cleanups run), after the new one mounted.
                drop(std::mem::replace(&mut s.view, view));
            }
            let frame = s.next_frame(&mut enc, ack, &live.app.config, |v, enc| {
                if fresh {
                    enc.replace_node(old_hid, v.root());
                } else if v.is_dirty() {
                    // In place: shared layouts stay, the swapped outlet mounts the page.
                    v.rerender(enc);
                }
                // The app's title for a page that sets none, as in its first paint.
                let title = store.title();
                enc.set_title(title.as_deref().unwrap_or(&live.app.title));
                enc.push_url(replace, &url);
            });
            if let Some(done) = mounted.done {
                done();
            }
            frame
        }
        Navigation::Query { query, replace } => {
            let new = Rc::new(old.with_query(query));
            let url = new.url();
            store.update_request(new);
            s.next_frame(&mut enc, ack, &live.app.config, |v, enc| {
                if v.is_dirty() {
                    v.rerender(enc);
                }
                enc.push_url(replace, &url);
            })
        }
    }
}
