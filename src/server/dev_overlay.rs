//! The dev-mode channel of the error overlay and the dev panel: the two dev scripts
//! (`/_vango/dev/overlay.js`, `/_vango/dev/panel.js`) and, per channel key (the live layer
//! uses the session id), the events and the latest state it published, at
//! `/_vango/dev/session/KEY?since=N&sv=V`: with `wait=1` a long poll, held until an event
//! numbered `since` or later or a state newer than `sv` is published, the channel is
//! released ([`release`]: its tab closed), or the wait ends (25 s, within the connection's
//! header timeout) with an empty list. Held requests are bounded per channel (a newer one
//! releases the oldest) and per process (past it, a 503 the script retries later). Served
//! only in dev mode; in release every path here is a 404 and nothing is stored.
//!
//! Touches a process-wide store of its own (dev only: every core publishes, any core may
//! answer the poll), the core's limits and shutdown signal and the HTTP request/response
//! types; knows nothing of sessions.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Duration;

use async_io::Timer;
use futures_lite::future;

use super::http::{Answer, Request, Response};
use super::Core;
use crate::component::dev::enabled;

/// The error overlay's script (bundled from `client/dev/overlay.js`).
///
/// # Examples
///
/// ```
/// use vango::server::dev_overlay::{HEAD, OVERLAY_JS};
/// assert!(std::str::from_utf8(OVERLAY_JS).is_ok());
/// assert!(HEAD.contains("/_vango/dev/overlay.js"), "loaded by the dev page head");
/// ```
pub const OVERLAY_JS: &[u8] = include_bytes!("../../client/dist/dev/overlay.js");
/// The dev panel's script (bundled from `client/dev/panel.js`).
///
/// # Examples
///
/// ```
/// use vango::server::dev_overlay::{HEAD, PANEL_JS};
/// assert!(std::str::from_utf8(PANEL_JS).is_ok());
/// assert!(HEAD.contains("/_vango/dev/panel.js"));
/// ```
pub const PANEL_JS: &[u8] = include_bytes!("../../client/dist/dev/panel.js");

/// Where the dev routes live.
///
/// # Examples
///
/// ```
/// use vango::server::dev_overlay::PREFIX;
/// assert!("/_vango/dev/session/abc".starts_with(PREFIX));
/// ```
pub const PREFIX: &str = "/_vango/dev/";

/// The `<head>` markup that loads both dev scripts before the core client (plain scripts
/// run as they are parsed; the client is deferred), so that they see its WebSocket.
///
/// # Examples
///
/// ```
/// use vango::server::dev_overlay::HEAD;
/// // Two plain (not deferred) scripts, so they run before the deferred client.
/// assert_eq!(HEAD.matches("<script src=").count(), 2);
/// assert!(!HEAD.contains("defer"));
/// ```
pub const HEAD: &str = "<script src=\"/_vango/dev/overlay.js\"></script>\
                        <script src=\"/_vango/dev/panel.js\"></script>";

/// Channels kept (the oldest goes first): a session that ended keeps its errors for the
/// reloaded page to show.
const MAX_CHANNELS: usize = 64;
/// Events kept per channel (the oldest go first).
const MAX_EVENTS: usize = 64;
/// The bound on one published text (an event or a state).
const MAX_TEXT: usize = 64 * 1024;
/// The longest a long poll is held with nothing new.
const POLL_MAX: Duration = Duration::from_secs(25);
/// Long polls held per channel (a tab holds one): a newer one releases the oldest.
const MAX_HELD_PER_CHANNEL: usize = 2;
/// Long polls held in the process: past it, a 503 (the script retries a second later).
const MAX_HELD: usize = 256;

struct Channel {
    key: String,
    /// The number of the first event in `events`.
    first: u64,
    events: VecDeque<String>,
    state: String,
    /// Bumped when the state's text changes.
    state_version: u64,
    /// The held long polls, woken (sent `()`) when something is published or the channel
    /// is released.
    waiters: Vec<flume::Sender<()>>,
}

impl Channel {
    fn wake_all(&mut self) {
        for w in self.waiters.drain(..) {
            let _ = w.try_send(());
        }
    }
}

static STORE: Mutex<VecDeque<Channel>> = Mutex::new(VecDeque::new());
/// Long polls held now, over all channels.
static HELD: AtomicUsize = AtomicUsize::new(0);

fn with_channel<R>(key: &str, f: impl FnOnce(&mut Channel) -> R) -> R {
    let mut store = STORE.lock().unwrap_or_else(|e| e.into_inner());
    let i = match store.iter().position(|c| c.key == key) {
        Some(i) => i,
        None => {
            if store.len() >= MAX_CHANNELS {
                if let Some(mut old) = store.pop_front() {
                    old.wake_all();
                }
            }
            store.push_back(Channel {
                key: key.to_owned(),
                first: 0,
                events: VecDeque::new(),
                state: "null".to_owned(),
                state_version: 0,
                waiters: Vec::new(),
            });
            store.len() - 1
        }
    };
    f(&mut store[i])
}

/// Appends one event (a JSON object) to channel `key`. Dev mode only; a no-op otherwise.
///
/// # Examples
///
/// ```
/// use vango::server::dev_overlay::{events_after, publish_event};
/// publish_event("doc-off", "{\"kind\":\"x\"}".into());
/// assert_eq!(events_after("doc-off", 0), None, "dev mode is off");
/// ```
pub fn publish_event(key: &str, json: String) {
    if !enabled() || json.len() > MAX_TEXT {
        return;
    }
    with_channel(key, |c| {
        if c.events.len() >= MAX_EVENTS {
            c.events.pop_front();
            c.first += 1;
        }
        c.events.push_back(json);
        c.wake_all();
    });
}

/// Replaces channel `key`'s state (a JSON value). Dev mode only.
///
/// # Examples
///
/// ```
/// use vango::server::dev_overlay::{events_after, publish_state};
/// vango::component::dev::set_enabled(true);
/// publish_state("doc-state", "{\"count\":3}".into());
/// let poll = events_after("doc-state", 0);
/// vango::component::dev::set_enabled(false);
/// # if cfg!(debug_assertions) {
/// assert_eq!(poll.as_deref(), Some("{\"next\":0,\"sv\":1,\"events\":[],\"state\":{\"count\":3}}"));
/// # }
/// ```
pub fn publish_state(key: &str, json: String) {
    if !enabled() || json.len() > MAX_TEXT {
        return;
    }
    with_channel(key, |c| {
        if c.state != json {
            c.state = json;
            c.state_version += 1;
            c.wake_all();
        }
    });
}

/// Answers channel `key`'s held long polls now (its tab closed: nothing will wait for
/// them). Dev mode only.
///
/// # Examples
///
/// ```
/// vango::server::dev_overlay::release("no-such-channel");
/// ```
pub fn release(key: &str) {
    if !enabled() {
        return;
    }
    let mut store = STORE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(c) = store.iter_mut().find(|c| c.key == key) {
        c.wake_all();
    }
}

/// The poll's answer for channel `key`: `{"next":N,"sv":V,"events":[…],"state":…}` with
/// the events numbered `since` and later and the state's version `V`. `None` outside dev
/// mode or for an unknown channel.
///
/// # Examples
///
/// ```
/// use vango::server::dev_overlay::{events_after, publish_event};
/// vango::component::dev::set_enabled(true);
/// publish_event("doc-poll", "{\"n\":1}".into());
/// publish_event("doc-poll", "{\"n\":2}".into());
/// let newer = events_after("doc-poll", 1); // the client saw event 0 already
/// vango::component::dev::set_enabled(false);
/// # if cfg!(debug_assertions) {
/// assert_eq!(newer.as_deref(), Some("{\"next\":2,\"sv\":0,\"events\":[{\"n\":2}],\"state\":null}"));
/// # }
/// ```
pub fn events_after(key: &str, since: u64) -> Option<String> {
    if !enabled() {
        return None;
    }
    let store = STORE.lock().unwrap_or_else(|e| e.into_inner());
    let c = store.iter().find(|c| c.key == key)?;
    Some(answer_of(c, since))
}

fn answer_of(c: &Channel, since: u64) -> String {
    let next = c.first + c.events.len() as u64;
    let skip = since.saturating_sub(c.first).min(c.events.len() as u64) as usize;
    let mut out = format!("{{\"next\":{next},\"sv\":{},\"events\":[", c.state_version);
    for (i, e) in c.events.iter().skip(skip).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(e);
    }
    out.push_str("],\"state\":");
    out.push_str(&c.state);
    out.push('}');
    out
}

/// What a poll of channel `key` gets now, or the receiver to wait on when there is nothing
/// newer than `since` and `sv` (registered on the channel, which is made if unknown).
fn now_or_wait(key: &str, since: u64, sv: Option<u64>) -> Result<String, flume::Receiver<()>> {
    with_channel(key, |c| {
        let next = c.first + c.events.len() as u64;
        let newer_state = sv.is_some_and(|v| c.state_version > v);
        if next > since || newer_state {
            return Ok(answer_of(c, since));
        }
        c.waiters.retain(|w| !w.is_disconnected());
        if c.waiters.len() >= MAX_HELD_PER_CHANNEL {
            let _ = c.waiters.remove(0).try_send(());
        }
        let (tx, rx) = flume::bounded(1);
        c.waiters.push(tx);
        Err(rx)
    })
}

/// Counts one held long poll while it lives.
struct Held;

impl Held {
    fn take() -> Option<Held> {
        let n = HELD.fetch_add(1, Relaxed);
        if n >= MAX_HELD {
            HELD.fetch_sub(1, Relaxed);
            return None;
        }
        Some(Held)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        HELD.fetch_sub(1, Relaxed);
    }
}

fn json_answer(body: String) -> Response {
    Response::new(200)
        .header("Content-Type", "application/json")
        .header("Cache-Control", "no-store")
        .body(body.into_bytes())
}

/// The channel poll: at once, or (`wait=1`) held until something newer is published.
fn poll(key: &str, query: &str) -> Answer {
    let value = |name: &str| {
        query
            .split('&')
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
    };
    let since = value("since").and_then(|n| n.parse().ok()).unwrap_or(0);
    let sv = value("sv").and_then(|n| n.parse().ok());
    let empty = || "{\"next\":0,\"sv\":0,\"events\":[],\"state\":null}".to_owned();
    let core = Core::current();
    let hold = value("wait") == Some("1") && core.as_ref().is_some_and(|c| !c.is_stopping());
    let (Some(core), true) = (core, hold) else {
        return json_answer(events_after(key, since).unwrap_or_else(empty)).into();
    };
    let Some(held) = Held::take() else {
        return Response::error(503).header("Retry-After", "1").into();
    };
    let rx = match now_or_wait(key, since, sv) {
        Ok(body) => return json_answer(body).into(),
        Err(rx) => rx,
    };
    // The connection bounds a pending answer by its header timeout: answer well before it.
    let wait = POLL_MAX.min(core.limits().header_timeout.mul_f32(0.8));
    let stopped = core.stopped();
    let key = key.to_owned();
    Answer::Later(Box::pin(async move {
        let _held = held;
        let woken = async {
            let _ = rx.recv_async().await;
        };
        let timeout = async {
            Timer::after(wait).await;
        };
        future::or(woken, future::or(timeout, stopped)).await;
        json_answer(events_after(&key, since).unwrap_or_else(empty))
    }))
}

/// Answers a dev route: the scripts and the channel polls, in dev mode only (`None`: not
/// a dev route, or dev mode is off, so the request goes on as any other).
///
/// # Examples
///
/// ```
/// use vango::server::dev_overlay::respond;
/// use vango::server::http::Answer;
/// let raw = b"GET /_vango/dev/panel.js HTTP/1.1\r\nHost: x\r\n\r\n";
/// # use vango::server::http::{parse_request, Parsed};
/// # let mut h = [httparse::EMPTY_HEADER; 8];
/// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
/// vango::component::dev::set_enabled(false);
/// assert!(respond(&req).is_none(), "dev mode is off: not a route at all");
/// vango::component::dev::set_enabled(true);
/// # if cfg!(debug_assertions) {
/// assert!(matches!(respond(&req), Some(Answer::Now(r)) if r.status() == 200));
/// # }
/// # vango::component::dev::set_enabled(false);
/// ```
pub fn respond(req: &Request<'_>) -> Option<Answer> {
    let rest = req.path().strip_prefix(PREFIX)?;
    if !enabled() {
        return None;
    }
    let js = |body: &'static [u8]| {
        Response::new(200)
            .header("Content-Type", "text/javascript; charset=utf-8")
            .header("Cache-Control", "no-store")
            .body_static(body)
    };
    match rest {
        "overlay.js" => Some(js(OVERLAY_JS).into()),
        "panel.js" => Some(js(PANEL_JS).into()),
        _ => {
            let key = rest.strip_prefix("session/")?;
            Some(poll(key, req.query()))
        }
    }
}

/// `s` as a JSON string literal, appended to `out`.
///
/// # Examples
///
/// ```
/// let mut out = String::new();
/// vango::server::dev_overlay::json_str(&mut out, "a\"b\n<");
/// assert_eq!(out, "\"a\\\"b\\n\\u003c\"");
/// ```
pub fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '<' || c == '>' || c == '&' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
