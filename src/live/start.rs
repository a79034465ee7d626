//! A new session: admission (the core's capacity, the client's address, the process's
//! memory budget, making room from detached sessions here and on other cores), mounting
//! its page within the SSR budget, and the frames that greet the client.
//!
//! Runs in the connection's task on the session's core, before the session is served
//! (`conn`); touches the registry, the budget and the page mount.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;

use async_tungstenite::tungstenite::Bytes;

use super::cookie::forwarded_https;
use super::host::LiveCore;
use super::id::SessionId;
use super::limits::core_capacity;
use super::scope::{SessionScope, SessionStore};
use super::session::Session;
use super::view::{render_unsent, View};
use crate::component::catch;
use crate::protocol::{close, HelloStatus, ServerFrame};
use crate::server::core::Core;
use crate::server::websocket::{close_with, WebSocket};
use crate::server::ConnInfo;

/// One server frame, encoded.
pub(crate) fn server_frame(f: &ServerFrame) -> Bytes {
    let mut out = Vec::with_capacity(48);
    f.encode(&mut out);
    out.into()
}

/// Mounts the page for `url` (path and query) as a new session on this core: the session
/// (registered, generation 0) and the frames that greet the client (ServerHello, then a
/// full render when the client's DOM is not this render's first paint). `None` when it was
/// refused or its setup panicked; the socket is closed with the reason then.
pub(crate) async fn start_new(
    ws: &mut WebSocket,
    live: &LiveCore,
    client_hash: u32,
    url: &str,
    info: &ConnInfo,
    csrf: String,
) -> Option<(Rc<RefCell<Session>>, Vec<Bytes>)> {
    let core = &live.core;
    let config = &live.app.config;
    let metrics = core.metrics();
    let cap = core_capacity(config, core.cores());
    let full = live.registry.count() >= cap && !live.registry.evict_lru_detached(metrics);
    if full || core.is_stopping() {
        close_with(ws, close::CAPACITY, "server at capacity").await;
        return None;
    }
    let Some(peer) = live
        .app
        .clients
        .acquire(info.peer.ip(), config.max_sessions_per_peer)
    else {
        metrics.peer_refusals.fetch_add(1, Relaxed);
        close_with(ws, close::CAPACITY, "too many sessions from this address").await;
        return None;
    };
    // Room for a session like the last one mounted here, made from detached sessions
    // and by packing awake ones: an attached session's data is never dropped for a
    // newcomer.
    let want = live.registry.typical_size();
    if !live.registry.make_room(want, metrics) {
        metrics.memory_refusals.fetch_add(1, Relaxed);
        make_room_elsewhere(core, want);
        close_with(ws, close::MEMORY, "server over its memory budget").await;
        return None;
    }
    let nodes_before = crate::reactive::live_nodes();
    let store = SessionStore::new();
    store.mark_connected();
    // The browser's cookie session, read from the upgrade's cookie when the page first
    // uses it; its forms carry the page's own token (checked above), so the live render
    // equals the first paint.
    let headers = || info.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    let https = forwarded_https(headers(), core.limits().trust_proxy);
    store.set_cookie_session_lazy(live.app.cookies.clone(), csrf, https);
    let scope = SessionScope::new(store);
    let Some((view, redirected)) = mount_settled(live, &scope, url, info).await else {
        close_with(ws, close::PANIC, "page setup panicked").await;
        return None;
    };
    let Ok(id) = SessionId::generate(core.index()) else {
        close_with(ws, close::CAPACITY, "no randomness for a session id").await;
        return None;
    };
    let mut session = Session::new(id, view, scope, config);
    session.nodes = crate::reactive::live_nodes()
        .saturating_sub(nodes_before)
        .try_into()
        .unwrap_or(u32::MAX);
    session.peer = Some(peer);
    let hash = crate::render::render_hash(session.view.root());
    if client_hash != 0 && hash != client_hash {
        super::dev_session::hydration_mismatch(&session, client_hash);
    }
    // 0: the client's DOM is not a first paint it can name (it applied patches).
    let repaint = (client_hash == 0 || hash != client_hash)
        .then(|| session.full_render(&mut live.encoder.borrow_mut(), config))
        .flatten();
    // The app mounted another URL than the page's (a middleware redirect): the browser's
    // URL and title follow, without a history entry.
    let moved = redirected.and_then(|to| {
        let title = session.scope.store().title();
        let title = title.unwrap_or_else(|| live.app.title.clone());
        let ack = session.last_event;
        session.next_frame(&mut live.encoder.borrow_mut(), ack, config, |_, enc| {
            enc.set_title(&title);
            enc.push_url(true, &to);
        })
    });
    let sess = live.registry.insert(session, metrics);
    let hello = server_frame(&ServerFrame::ServerHello {
        version: crate::protocol::VERSION,
        status: HelloStatus::New,
        session: live.app.id_text(id),
        last_event_seq: 0,
    });
    Some((
        sess,
        std::iter::once(hello).chain(repaint).chain(moved).collect(),
    ))
}

/// Asks the other cores to evict their longest-detached sessions until `bytes` fit: the
/// budget is the process's, but each core can evict only its own sessions. The refused
/// client's retry (it backs off, PROTOCOL.md) then finds the room.
fn make_room_elsewhere(core: &Core, bytes: usize) {
    for i in (0..core.cores()).filter(|&i| i != core.index()) {
        core.send_to(
            i,
            Box::new(move |core: &Rc<Core>| {
                if let Some(live) = LiveCore::of(core) {
                    live.registry.make_room(bytes, core.metrics());
                }
            }),
        );
    }
}

/// Mounts the page for a new session in `scope` and lets its resources' first fetches
/// finish within the app's SSR budget (re-rendering what they changed), so that the first
/// render matches a first paint that had the data, and the client keeps its DOM instead of
/// flashing back to a loading state. `None` when setup or that render panicked. With the
/// URL the page is for when a middleware redirected.
pub(crate) async fn mount_settled(
    live: &LiveCore,
    scope: &SessionScope,
    url: &str,
    info: &ConnInfo,
) -> Option<(Box<dyn View>, Option<String>)> {
    let budget = live.app.ssr_budget;
    let store = scope.store();
    let prefetch = (!budget.is_zero()).then(|| store.begin_prefetch());
    let mounted = catch_unwind(AssertUnwindSafe(|| {
        scope.enter(|| (live.app.mount)(None, url, info))
    }));
    store.end_prefetch();
    // The first paint of this URL put the page's hook scripts in its <head>.
    store.take_new_scripts();
    let mounted = mounted.ok()?;
    let mut view = mounted.view?;
    if let Some(p) = prefetch.filter(|p| p.is_pending()) {
        p.settled(budget).await;
        match &live.app.error_page {
            None => {
                let rendered = catch_unwind(AssertUnwindSafe(|| {
                    scope.enter(|| render_unsent(&mut *view))
                }));
                rendered.ok()?;
            }
            // As the first paint did: the error page instead of the page whose render
            // panicked.
            Some(error_page) => {
                if let Err(err) = catch(|| scope.enter(|| render_unsent(&mut *view))) {
                    log::error!("page {url} panicked: {err}; showing the error page");
                    drop(view);
                    view =
                        catch_unwind(AssertUnwindSafe(|| scope.enter(|| error_page(err)))).ok()?;
                }
            }
        }
    }
    if let Some(done) = mounted.done {
        scope.enter(done);
    }
    Some((view, mounted.redirected))
}
