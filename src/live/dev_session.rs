//! Dev mode, session side: after each step, what the overlay and the panel show about the
//! session — the panics caught since the last step, the component tree with render counts,
//! the named signals' values — published on the session's dev channel
//! (`server::dev_overlay`), and a hydration mismatch reported with a short diff of the
//! first paint and the live render. Everything here runs only when
//! [`dev::enabled`](crate::component::dev::enabled).
//!
//! Touches the component runtime's dev capture, the reactive graph's named signals and
//! the dev channel; one thread-local (each session's named signals) and one bounded store
//! of first paints.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, Once};

use super::session::Session;
use crate::component::dev::enabled;
use crate::component::dev_capture::{take_errors_for, DevError};
use crate::component::dev_tree::components;
use crate::reactive::dev_names::{self, Reader};
use crate::server::dev_overlay::{json_str, publish_event, publish_state, release};

thread_local! {
    /// Each session's named signals, by session id.
    static SIGNALS: RefCell<HashMap<String, Vec<(String, Reader)>>> = RefCell::new(HashMap::new());
    /// The id of each session that stepped on this thread, by its store's key (the tag its
    /// tasks' panics carry): a task's panic goes to its own session's channel at once.
    static IDS: RefCell<HashMap<usize, String>> = RefCell::new(HashMap::new());
}

/// First paints kept for the hydration diff (the oldest goes first).
const MAX_PAINTS: usize = 32;
/// Sessions whose ids are kept per thread for their tasks' panics.
const MAX_IDS: usize = 4096;
/// Lines of each side in a hydration diff.
const DIFF_LINES: usize = 8;

static PAINTS: Mutex<VecDeque<(u32, String)>> = Mutex::new(VecDeque::new());
static INIT: Once = Once::new();

/// Turns on what dev mode captures (once): named signals, and Vango's panic hook, which
/// notes where each panic was raised.
pub(crate) fn init() {
    if enabled() {
        INIT.call_once(|| {
            dev_names::set_on(true);
            let _ = crate::component::catch(|| ());
        });
    }
}

/// Remembers a first paint's HTML by its render hash, for a hydration diff later.
pub(crate) fn remember_paint(hash: u32, html: String) {
    if !enabled() {
        return;
    }
    init();
    let mut p = PAINTS.lock().unwrap_or_else(|e| e.into_inner());
    if p.len() >= MAX_PAINTS {
        p.pop_front();
    }
    p.push_back((hash, html));
}

/// Reports that the page the client holds (render hash `client_hash`) differs from the
/// live session's first render, with a short diff when the first paint is known.
pub(crate) fn hydration_mismatch(s: &Session, client_hash: u32) {
    if !enabled() {
        return;
    }
    let ssr = {
        let p = PAINTS.lock().unwrap_or_else(|e| e.into_inner());
        p.iter()
            .rev()
            .find(|(h, _)| *h == client_hash)
            .map(|(_, t)| t.clone())
    };
    let live = crate::render::to_html(s.view.root());
    let text = match ssr {
        Some(ssr) => short_diff(&ssr, &live),
        None => format!("the first paint is not known here; live render:\n+ {live:.400}"),
    };
    let mut ev = String::from("{\"type\":\"hydration\",\"diff\":");
    json_str(&mut ev, &text);
    ev.push('}');
    publish_event(&s.id.to_string(), ev);
}

/// The differing middle of two HTML texts, a tag per line: `- ` the first paint's lines,
/// `+ ` the live render's, at most [`DIFF_LINES`] each.
fn short_diff(ssr: &str, live: &str) -> String {
    let lines = |s: &str| -> Vec<String> { s.split_inclusive('>').map(str::to_owned).collect() };
    let (a, b) = (lines(ssr), lines(live));
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let post = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut out = String::from("first paint (-) vs live render (+):\n");
    for (sign, side) in [("- ", &a), ("+ ", &b)] {
        let mid = &side[pre..side.len() - post];
        for l in mid.iter().take(DIFF_LINES) {
            out.push_str(sign);
            out.push_str(l);
            out.push('\n');
        }
        if mid.len() > DIFF_LINES {
            out.push_str(&format!("{sign}… {} more\n", mid.len() - DIFF_LINES));
        }
    }
    out
}

/// Publishes `errors` on channel `id`.
fn publish_errors(id: &str, errors: Vec<DevError>) {
    for e in errors {
        let mut ev = String::from("{\"type\":\"error\",\"message\":");
        json_str(&mut ev, &e.message);
        ev.push_str(",\"location\":");
        json_str(&mut ev, e.location.as_deref().unwrap_or(""));
        ev.push_str(",\"path\":");
        json_str(&mut ev, &e.path);
        ev.push_str(",\"kind\":");
        json_str(&mut ev, e.kind);
        ev.push_str(if e.fatal {
            ",\"fatal\":true}"
        } else {
            ",\"fatal\":false}"
        });
        publish_event(id, ev);
    }
}

/// After a task of the session whose store key is `key` panicked: its session's channel
/// shows it now (the session may not step again soon; another session on this core may).
/// A session not seen here yet reports it at its next step.
pub(crate) fn after_task(key: usize) {
    if !enabled() || key == 0 {
        return;
    }
    let Some(id) = IDS.with(|m| m.borrow().get(&key).cloned()) else {
        return;
    };
    publish_errors(&id, take_errors_for(key, true));
}

/// After a step of session `s`: publishes the panics caught since, then the component tree
/// and the named signals.
pub(crate) fn after_step(s: &Session) {
    if !enabled() {
        return;
    }
    init();
    let id = s.id.to_string();
    let key = s.scope.store().key();
    IDS.with(|m| {
        let mut m = m.borrow_mut();
        // Sessions that ended without a fatal panic are not told here: bounded by
        // forgetting all (the live ones come back at their next step).
        if m.len() >= MAX_IDS && !m.contains_key(&key) {
            m.clear();
        }
        // Overwritten each step: a key (an address) may be reused by a later session.
        m.insert(key, id.clone());
    });
    publish_errors(&id, take_errors_for(key, false));
    let mut state = String::from("{\"components\":[");
    for (i, (path, renders)) in components(s.view.root()).iter().enumerate() {
        if i > 0 {
            state.push(',');
        }
        state.push_str("{\"path\":");
        json_str(&mut state, path);
        state.push_str(&format!(",\"renders\":{renders}}}"));
    }
    state.push_str("],\"signals\":[");
    SIGNALS.with(|m| {
        let mut m = m.borrow_mut();
        let named = m.entry(id.clone()).or_default();
        named.extend(dev_names::take_new());
        // Disposed signals (their component unmounted) leave the list.
        let mut first = true;
        named.retain(|(name, read)| {
            let Some(v) = read() else { return false };
            if !first {
                state.push(',');
            }
            first = false;
            state.push_str("{\"name\":");
            json_str(&mut state, name);
            state.push_str(",\"value\":");
            json_str(&mut state, &v);
            state.push('}');
            true
        });
    });
    state.push_str("]}");
    publish_state(&id, state);
}

/// Its connection closed (the tab went away, or is reconnecting): the dev channel's held
/// long polls are answered now rather than at their timeout.
pub(crate) fn detached(s: &Session) {
    if enabled() {
        release(&s.id.to_string());
    }
}

/// Forgets a session's named signals (it ended).
pub(crate) fn ended(s: &Session) {
    if enabled() {
        let id = s.id.to_string();
        SIGNALS.with(|m| m.borrow_mut().remove(&id));
        // Its tasks' panics not reported yet go with it: the key may name another later.
        let key = s.scope.store().key();
        publish_errors(&id, take_errors_for(key, true));
        IDS.with(|m| m.borrow_mut().remove(&key));
    }
}

#[cfg(test)]
mod tests {
    use super::short_diff;

    #[test]
    fn diff_shows_only_the_differing_middle() {
        let d = short_diff(
            "<main><p>1</p><b>x</b></main>",
            "<main><p>2</p><b>x</b></main>",
        );
        assert!(d.contains("- 1</p>"), "{d}");
        assert!(d.contains("+ 2</p>"), "{d}");
        assert!(!d.contains("<main>\n"), "{d}");
    }
}
