//! Dev-mode hot reload, server side: the reload script at `/_vango/dev/reload.js`, its
//! `<script>` tag for the page head, and the long poll `/_vango/dev/events` that answers
//! when a file under a served static folder changes.
//!
//! Active only when [`dev::enabled`] (always off in release builds, where [`route`] and
//! [`head_tag`] do nothing). Touches the static folders' files (metadata only, bounded walk)
//! and the core's shutdown signal; knows nothing about pages or sessions.

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_io::Timer;
use futures_lite::future;

use super::dev_overlay::json_str;
use super::http::{Answer, Request, Response};
use super::static_dir::StaticDir;
use super::Core;
use crate::component::dev;

/// Where the reload script is served.
///
/// # Examples
///
/// ```
/// use vango::server::dev_reload::{head_tag, SCRIPT_PATH};
/// vango::component::dev::set_enabled(true);
/// # if cfg!(debug_assertions) {
/// assert!(head_tag().contains(SCRIPT_PATH));
/// # }
/// # vango::component::dev::set_enabled(false);
/// ```
pub const SCRIPT_PATH: &str = "/_vango/dev/reload.js";
/// Where the long poll for static-file changes is served.
///
/// # Examples
///
/// ```
/// use vango::server::dev_reload::EVENTS_PATH;
/// // The reload script polls `EVENTS_PATH?since=N` and reloads when a served file changed.
/// assert_eq!(EVENTS_PATH, "/_vango/dev/events");
/// ```
pub const EVENTS_PATH: &str = "/_vango/dev/events";

/// The bundled reload script (`client/dev/reload.js`, bundled by `client/build.mjs`).
const RELOAD_JS: &[u8] = include_bytes!("../../client/dist/dev/reload.js");

/// How often a waiting poll looks at the files again.
const SCAN_EVERY: Duration = Duration::from_millis(150);
/// The longest a poll waits before answering with no change.
const POLL_MAX: Duration = Duration::from_secs(25);
/// Files and folders looked at per scan, over all static folders: a folder far larger than
/// a page's assets (a `node_modules` served by mistake) is watched only in part.
const MAX_ENTRIES: usize = 4096;
/// How deep below a static folder's root the scan goes.
const MAX_DEPTH: usize = 8;
/// Changed paths named in one answer (the client reloads them all; more is noise).
const MAX_CHANGED: usize = 32;

/// The `<script>` tag that loads the reload script, for the page head; empty unless dev
/// mode is on. The page shell gives it the response's CSP nonce like every head script.
///
/// # Examples
///
/// ```
/// vango::component::dev::set_enabled(false);
/// assert_eq!(vango::server::dev_reload::head_tag(), "");
/// vango::component::dev::set_enabled(true);
/// assert_eq!(
///     vango::server::dev_reload::head_tag().is_empty(),
///     !cfg!(debug_assertions)
/// );
/// vango::component::dev::set_enabled(false);
/// ```
pub fn head_tag() -> &'static str {
    if dev::enabled() {
        "<script defer src=\"/_vango/dev/reload.js\"></script>"
    } else {
        ""
    }
}

/// Answers the hot-reload routes in dev mode; `None` for every other request, and for
/// every request when dev mode is off (the routes do not exist then: 404 further on).
///
/// # Examples
///
/// ```
/// use vango::prelude::*;
/// use vango::server::http::{parse_request, Parsed};
/// use vango::server::{dev_reload, Answer, Core};
/// use vango::testing::LiveTest;
/// let t = LiveTest::component(|| {
///     let raw = b"GET /_vango/dev/reload.js HTTP/1.1\r\nHost: x\r\n\r\n";
///     let mut h = [httparse::EMPTY_HEADER; 4];
///     let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else {
///         panic!()
///     };
///     vango::component::dev::set_enabled(true);
///     let answer = dev_reload::route(&req, &Core::current().unwrap());
///     vango::component::dev::set_enabled(false);
///     let status = match answer {
///         Some(Answer::Now(r)) => r.status(),
///         _ => 0,
///     };
///     move || p(status.to_string())
/// });
/// # if cfg!(debug_assertions) {
/// assert_eq!(t.text(), "200");
/// # }
/// ```
pub fn route(req: &Request<'_>, core: &Core) -> Option<Answer> {
    if !dev::enabled() {
        return None;
    }
    let path = req.path();
    if path != SCRIPT_PATH && path != EVENTS_PATH {
        return None;
    }
    if !req.is_get_or_head() {
        return Some(Response::error(405).header("Allow", "GET, HEAD").into());
    }
    if path == SCRIPT_PATH {
        return Some(
            Response::new(200)
                .header("Content-Type", "text/javascript; charset=utf-8")
                .header("Cache-Control", "no-cache")
                .body_static(RELOAD_JS)
                .into(),
        );
    }
    // `since` absent: the current state at once (the script's first call, and its probe
    // while the server restarts). Present but not a number: a clear 400.
    let since = match query_value(req.query(), "since") {
        None => None,
        Some(v) => match v.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => return Some(Response::error(400).into()),
        },
    };
    // Stopping: a poll would be answered at once, again and again; the script takes the
    // refusal as the server going away.
    if core.is_stopping() {
        return Some(Response::error(503).into());
    }
    let dirs = core.static_dirs().to_vec();
    let Some(since) = since else {
        return Some(answer(&dirs, u64::MAX).into());
    };
    // The connection bounds a pending answer by its header timeout: answer well before it.
    let wait = POLL_MAX.min(core.limits().header_timeout.mul_f32(0.8));
    let stopped = core.stopped();
    Some(Answer::Later(Box::pin(async move {
        let poll = async {
            let deadline = std::time::Instant::now() + wait;
            loop {
                let s = scan(&dirs, since);
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                if s.version > since || left.is_zero() {
                    return answer_of(s);
                }
                Timer::after(SCAN_EVERY.min(left)).await;
            }
        };
        // Shutting down: refuse now, so the poll does not hold the grace period.
        let stop = async {
            stopped.await;
            Response::error(503)
        };
        future::or(poll, stop).await
    })))
}

/// The value of `name` in a query string (`a=1&since=42`), undecoded.
fn query_value<'q>(query: &'q str, name: &str) -> Option<&'q str> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

/// This process's identity: a tab that sees it change knows the server restarted.
fn boot_id() -> &'static str {
    static BOOT: OnceLock<String> = OnceLock::new();
    BOOT.get_or_init(|| {
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        format!("{:x}-{t:x}", std::process::id())
    })
}

/// What one look at the static folders found.
struct Scan {
    /// The newest modification time (ns since the epoch) of any file: the folders' version.
    version: u64,
    /// URL paths of the files modified after `since` (at most [`MAX_CHANGED`]).
    changed: Vec<String>,
}

fn answer(dirs: &[StaticDir], since: u64) -> Response {
    answer_of(scan(dirs, since))
}

/// `{"boot":"..","v":"..","changed":["/assets/app.css"]}` (the version as a string: it
/// does not fit a JavaScript number).
fn answer_of(s: Scan) -> Response {
    let mut body = format!(
        "{{\"boot\":\"{}\",\"v\":\"{}\",\"changed\":[",
        boot_id(),
        s.version
    );
    for (i, p) in s.changed.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        json_str(&mut body, p);
    }
    body.push_str("]}");
    Response::new(200)
        .header("Content-Type", "application/json")
        .header("Cache-Control", "no-store")
        .body(body.into_bytes())
}

/// Walks every static folder (bounded by [`MAX_ENTRIES`] and [`MAX_DEPTH`]).
fn scan(dirs: &[StaticDir], since: u64) -> Scan {
    let mut s = Scan {
        version: 0,
        changed: Vec::new(),
    };
    let mut budget = MAX_ENTRIES;
    for d in dirs {
        let mut url = d.prefix().to_owned();
        walk(d.root(), &mut url, 0, since, &mut budget, &mut s);
    }
    s
}

fn walk(dir: &Path, url: &mut String, depth: usize, since: u64, budget: &mut usize, s: &mut Scan) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let Ok(meta) = e.metadata() else { continue };
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let len = url.len();
        url.push_str(name);
        if meta.is_dir() {
            if depth < MAX_DEPTH {
                url.push('/');
                walk(&e.path(), url, depth + 1, since, budget, s);
            }
        } else {
            let t = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64);
            s.version = s.version.max(t);
            if t > since && s.changed.len() < MAX_CHANGED {
                s.changed.push(url.clone());
            }
        }
        url.truncate(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values() {
        assert_eq!(query_value("since=42", "since"), Some("42"));
        assert_eq!(query_value("a=1&since=7", "since"), Some("7"));
        assert_eq!(query_value("sincex=7", "since"), None);
        assert_eq!(query_value("", "since"), None);
    }

    #[test]
    fn scan_lists_newer_files_only() {
        let dir = std::env::temp_dir().join(format!("vango-devscan-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("css")).unwrap();
        std::fs::write(dir.join("css/app.css"), "p{}").unwrap();
        let d = StaticDir::new("/assets/", &dir).unwrap();
        let all = scan(std::slice::from_ref(&d), 0);
        assert_eq!(all.changed, ["/assets/css/app.css"]);
        assert!(all.version > 0);
        let none = scan(std::slice::from_ref(&d), all.version);
        assert!(none.changed.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
