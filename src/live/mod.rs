//! Sessions: one per browser tab, owned by one core for life.
//!
//! The layer between the transport (`server`) and the component runtime: it owns a
//! session's WebSocket from its Hello (`conn`) through the session loop (`serve`) to the
//! park of an idle session's socket (`park`), one synchronous step per input (`step`), the session and its resume ring (`session`), each core's sessions
//! (`registry`, `host`), the scope a step runs in (`scope`), session-scoped shared state
//! (`shared`), tasks tied to components and blocking work off the core (`task`), async
//! data (`resource`) and mutations (`action`), admission
//! limits (`limits`), measured session sizes and the memory budget (`size`, `budget`),
//! the per-core bell (`bell`), ids and CSRF
//! tokens. Never names a page or a route: the application hands it a mount function.

pub mod action;
pub mod bell;
pub mod budget;
pub mod command;
mod conn;
pub mod cookie;
pub mod csrf;
pub(crate) mod dev_session;
pub mod form;
mod hold;
mod hook_script;
pub mod host;
pub mod id;
pub mod limits;
pub(crate) mod local;
mod lot;
mod misuse;
mod navigate;
pub mod outside;
mod park;
mod prefetch;
mod prepare;
mod registry;
pub mod request;
pub mod resource;
pub mod scope;
mod serve;
mod session;
pub mod shared;
pub mod size;
mod start;
mod step;
pub mod task;
pub mod upload;
pub mod url_state;
pub mod use_form;
pub mod view;

pub use action::{action, Action, Policy};
pub use bell::notify_dirty;
pub use command::{focus, push_hook};
pub use conn::run as serve_connection;
pub use cookie::{CookieSession, CookieTooLarge};
pub use csrf::{Csrf, TokenError};
pub use hook_script::use_hook_script;
pub use host::{ErrorFn, LiveApp, LiveCore, MountFn, Mounted, PrepareFn};
pub use id::{node_cookie, valid_node, SessionId, MAX_NODE_LEN};
pub use misuse::OutsideSession;
pub use outside::{
    try_navigate, try_navigate_replace, try_patch_query, try_set_query, try_use_cookie_session,
    try_use_request,
};
pub use prepare::Ready;
pub use request::PageRequest;
pub use resource::{resource, resource_with, Loaded, Resource, ResourceOptions};
pub use scope::{
    connected, navigate, navigate_replace, patch_query, set_query, set_title, use_cookie_session,
    use_request, SessionScope, SessionStore,
};
pub use shared::{SharedMemo, SharedSignal};
pub use task::{spawn_task, unblock};
pub use url_state::{url_state, UrlState};
pub(crate) use view::render_unsent;
pub use view::{DispatchFailed, IntoView, View};

use std::time::Duration;

/// Session settings.
///
/// # Examples
///
/// ```
/// let c = vango::live::SessionConfig::default();
/// assert_eq!(c.resume_window.as_secs(), 60);
/// assert_eq!(c.csrf_max_age.as_secs(), 24 * 60 * 60);
/// assert_eq!(c.cookie_max_age.as_secs(), 30 * 24 * 60 * 60);
/// assert_eq!(c.hibernate_after.as_secs(), 15);
/// ```
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// How long a disconnected session waits for its tab to come back.
    pub resume_window: Duration,
    /// Most recent Patches frames kept for resume.
    pub ring_frames: usize,
    /// Most bytes of recent Patches frames kept for resume (older ones are dropped first).
    pub ring_bytes: usize,
    /// Most live sessions per core. At the cap a new session first evicts the session
    /// that has been detached the longest (LRU); with none detached it is refused with
    /// close code 6.
    pub max_sessions_per_core: usize,
    /// Most live sessions in the whole process (split evenly over the cores).
    pub max_sessions: Option<usize>,
    /// The memory budget of all sessions in bytes (their measured sizes, [`size`]); by
    /// default half of the cgroup's `memory.max`, else half of RAM ([`budget::Budget`]).
    /// `App::serve_env` reads it from `VANGO_MEMORY_BUDGET` (`512M`, `2G`).
    pub max_memory: Option<usize>,
    /// Most concurrent sessions opened from one client address (an IPv6 address counts by
    /// its /64); beyond it a new session is refused with close code 6. High enough for an
    /// office behind one NAT.
    pub max_sessions_per_peer: usize,
    /// Sustained events per second one session may send; beyond it (and its burst) the
    /// connection is closed with code 5.
    pub max_events_per_sec: u32,
    /// Events a session may send at once before the rate applies.
    pub event_burst: u32,
    /// How long a page's CSRF token may open a new session after the page was served. A
    /// resume is not bound by it (the session id is its credential, PROTOCOL.md "Hello
    /// and the CSRF token"); a tab whose token expired fetches a fresh one.
    pub csrf_max_age: Duration,
    /// How long a browser keeps its `vango_session` cookie after the last write, and how
    /// old a cookie the server still accepts (default 30 days).
    pub cookie_max_age: Duration,
    /// How long a route a link prefetch mounted ahead (the pointer over a
    /// [`link`](crate::view::helpers::link)) waits for its navigation before it is
    /// dropped (default 5 s); one such route per session. `ZERO` turns prefetch off.
    pub prefetch_ttl: Duration,
    /// How long an attached session may go without an event or a re-render before its
    /// retained tree is packed into a compact form until the next one (default 15 s;
    /// `ZERO` turns hibernation off). A packed 50-row list session holds about a quarter
    /// of its awake memory; waking costs the next event one unpacking (≈ 25–30 µs there).
    /// `App::serve_env` reads it from `VANGO_HIBERNATE_AFTER` (`15s`, `500ms`, `0`).
    pub hibernate_after: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            resume_window: Duration::from_secs(60),
            ring_frames: 16,
            ring_bytes: 8 * 1024,
            max_sessions_per_core: 1_000_000,
            max_sessions: None,
            max_memory: None,
            max_sessions_per_peer: 4096,
            max_events_per_sec: 100,
            event_burst: 200,
            csrf_max_age: Duration::from_secs(24 * 60 * 60),
            cookie_max_age: Duration::from_secs(30 * 24 * 60 * 60),
            prefetch_ttl: Duration::from_secs(5),
            hibernate_after: Duration::from_secs(15),
        }
    }
}
