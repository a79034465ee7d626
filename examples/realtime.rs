//! Run with: cargo run --release --example realtime
//!
//! A shared 4×4 board that every open tab sees live, whichever core serves it: click a
//! free cell to claim it, click your own to free it. Someone else's cell is refused: the
//! client shows your name in it at once (an optimistic update) and reverts when the
//! server answers with a Reject. Presence lists who is here: each connected session
//! (`connected()`, so not the first paint's static render) adds its name when it mounts
//! and removes it when it unmounts (`on_cleanup`). Cursor presence: each visitor's
//! pointer over the page is shown live to the others; the browser sends pointer moves at
//! most every 50 ms (`throttle`); a cursor stays where it was last seen and goes when its
//! tab's session ends.
//!
//! State: the board, the presence list and the cursors are `GlobalSignal`s (one value for
//! all cores); the visitor's name is a `SharedSignal` (one per session, read by three
//! components). Sessions write this node's presence and cursors (`here`, `my_cursors`);
//! the page renders `presence` and `cursors`, which are the same globals on one node.
//!
//! Several nodes: built with `--features redis` and run with `VANGO_REDIS_URL` and
//! `VANGO_NODE` (a name per node), the board is shared through Redis, and presence and
//! cursors are merged from every live node (`RedisBridge::presence`); a node that dies
//! leaves the lists within 3.25 s (three 1 s heartbeats and a quarter). Names then carry
//! the node (`guest-1@a`) so two nodes' guests differ.
//! `VANGO_RESUME_SECS` (default 60) sets how long a closed tab's session, and so its
//! presence entry, waits for the tab to come back.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use vango::live::SessionConfig;
use vango::prelude::*;

const SIDE: usize = 4;

/// The app's globals, created before the server starts.
struct Globals {
    /// Each cell's owner ("" when free).
    board: GlobalSignal<Vec<String>>,
    /// Names of this node's sessions, in arrival order.
    here: GlobalSignal<Vec<String>>,
    /// Names of every node's sessions (`here` on a single node).
    presence: GlobalSignal<Vec<String>>,
    /// Where each of this node's visitors' pointer is in the room: (name, x, y) in CSS
    /// pixels.
    my_cursors: GlobalSignal<Vec<Cursor>>,
    /// Every node's cursors (`my_cursors` on a single node).
    cursors: GlobalSignal<Vec<Cursor>>,
}

/// A visitor's pointer: (name, x, y), relative to the room's top left corner.
type Cursor = (String, i32, i32);

/// How often, at most, a browser sends its pointer's position.
const CURSOR_MS: u16 = 50;

static GLOBALS: OnceLock<Globals> = OnceLock::new();

fn globals() -> &'static Globals {
    GLOBALS.get().expect("set in main")
}

static VISITORS: AtomicU32 = AtomicU32::new(0);

/// What follows a guest's number: `@node` when several nodes share the room.
static SUFFIX: OnceLock<String> = OnceLock::new();

/// This session's name, shared by its components.
static ME: SharedSignal<String> = SharedSignal::new(|| {
    let n = VISITORS.fetch_add(1, Ordering::Relaxed) + 1;
    format!("guest-{n}{}", SUFFIX.get().map_or("", |s| s))
});

/// Who is here: a count and the first few names.
fn presence(_: ()) -> impl Render {
    let presence = globals().presence;
    move || {
        presence.with(|names| {
            let mut shown = names.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
            if names.len() > 8 {
                shown.push_str(&format!(" and {} more", names.len() - 8));
            }
            p((
                span(names.len().to_string()).id("present"),
                text(format!(" here: {shown}")),
            ))
            .id("presence")
        })
    }
}

/// Claims cell `i` for `me`, frees it if it is `me`'s; refuses someone else's cell.
fn toggle(board: GlobalSignal<Vec<String>>, i: usize) -> Handled {
    let me = ME.get_untracked();
    let mut ok = false;
    board.update(|b| {
        // May run again if another core wrote meanwhile: decide on the latest board.
        ok = b[i].is_empty() || b[i] == me;
        if ok {
            b[i] = if b[i] == me {
                String::new()
            } else {
                me.clone()
            };
        }
    });
    if ok {
        Ok(())
    } else {
        reject()
    }
}

/// The board: one button per cell.
fn board(_: ()) -> impl Render {
    let board = globals().board;
    let me = ME.signal();
    move || {
        let me = me.get();
        let cells = board.get();
        div(each(cells.into_iter().enumerate(), |(i, owner)| {
            let class = match owner.as_str() {
                "" => "cell",
                o if o == me => "cell mine",
                _ => "cell taken",
            };
            // What the cell will show if the server accepts: the client shows it at once.
            let predicted = if owner == me {
                String::new()
            } else {
                me.clone()
            };
            button(owner)
                .class(class)
                .data("cell", i as u32)
                .optimistic_text(predicted)
                .on_click(move |_| toggle(board, i))
        }))
        .id("board")
    }
}

/// Moves (or places) `me`'s cursor; `None` takes it away.
fn set_cursor(me: &str, at: Option<(i32, i32)>) {
    globals().my_cursors.update(|all| {
        let i = all.iter().position(|c| c.0 == me);
        match (i, at) {
            (Some(i), Some((x, y))) => (all[i].1, all[i].2) = (x, y),
            (None, Some((x, y))) => all.push((me.to_owned(), x, y)),
            (Some(i), None) => {
                all.remove(i);
            }
            (None, None) => {}
        }
    });
}

/// The other visitors' cursors, over the room (they let the pointer through).
fn cursors(_: ()) -> impl Render {
    let cursors = globals().cursors;
    let me = ME.signal();
    move || {
        let me = me.get();
        cursors.with(|all| {
            div(keyed(
                all.iter().filter(|c| c.0 != me).cloned(),
                |c| c.0.clone(),
                |(name, x, y)| {
                    span(name.clone())
                        .class("cursor")
                        .data("name", name)
                        .style(format!("left:{x}px;top:{y}px"))
                },
            ))
            .id("cursors")
        })
    }
}

fn page() -> impl Render {
    let g = globals();
    let me = ME.get_untracked();
    let core = vango::server::Core::current().map_or(0, |c| c.index());
    // Only a live tab joins: the first paint's throwaway mount would otherwise write the
    // presence list twice (join, then leave when its tree is dropped) on every page load.
    if connected() {
        g.here.update(|v| v.push(me.clone()));
        let me = me.clone();
        on_cleanup(move || {
            g.here.update(|v| v.retain(|n| *n != me));
            set_cursor(&me, None);
        });
    }
    move || {
        main_((
            style(raw_html(RawHtml::trusted(CSS))),
            h1("Realtime board"),
            p((
                text("You are "),
                span(ME.get()).id("me"),
                text(" (core "),
                span(core.to_string()).id("core"),
                text(")"),
            )),
            component(presence, ()),
            component(board, ()),
            p(
                "Click a free cell to claim it, your own to free it. Someone else's cell \
               is refused: your name flashes in it and reverts.",
            ),
            component(cursors, ()),
        ))
        // The room is the whole page: pointer moves over it are shared, at most one per
        // CURSOR_MS (the browser keeps the latest and sends it when the window ends).
        .id("room")
        .on_pointermove(|e| {
            if let EventData::Pointer { x, y, .. } = e.data {
                set_cursor(&ME.get_untracked(), Some((x, y)));
            }
        })
        .with_coords()
        .throttle(CURSOR_MS)
    }
}

const CSS: &str = "#board{display:grid;grid-template-columns:repeat(4,6rem);gap:.3rem}\
.cell{height:3rem;font:inherit}.mine{background:#9e9}.taken{background:#e99}\
#room{position:relative;min-height:90vh}\
.cursor{position:absolute;pointer-events:none;font-size:.7rem;background:#fd4;\
padding:0 .2rem;border-radius:.3rem;transition:left .05s,top .05s}";

/// A cursor on the wire between nodes: x and y (i32, little endian), then the name.
#[cfg(feature = "redis")]
fn encode_cursor((name, x, y): &Cursor) -> Vec<u8> {
    [&x.to_le_bytes()[..], &y.to_le_bytes(), name.as_bytes()].concat()
}

#[cfg(feature = "redis")]
fn decode_cursor(b: &[u8]) -> Option<Cursor> {
    let x = i32::from_le_bytes(b.get(..4)?.try_into().ok()?);
    let y = i32::from_le_bytes(b.get(4..8)?.try_into().ok()?);
    Some((String::from_utf8(b[8..].to_vec()).ok()?, x, y))
}

fn main() -> std::io::Result<()> {
    let app = vango::App::new().title("Realtime board");
    let board = app.global(vec![String::new(); SIDE * SIDE]);
    let here = app.global(Vec::<String>::new());
    let my_cursors = app.global(Vec::<Cursor>::new());
    #[cfg_attr(not(feature = "redis"), allow(unused_mut))]
    let (mut presence, mut cursors) = (here, my_cursors);
    // Several nodes: with the `redis` feature and VANGO_REDIS_URL set, the board is shared
    // through Redis (node name from VANGO_NODE), and presence and cursors are merged from
    // every node's `here` and `my_cursors`.
    #[cfg(feature = "redis")]
    let _bridge = match std::env::var("VANGO_REDIS_URL") {
        Ok(url) => {
            use vango::features::redis::{RedisBridge, Track};
            let node = std::env::var("VANGO_NODE").unwrap_or_else(|_| "a".into());
            let _ = SUFFIX.set(format!("@{node}"));
            (presence, cursors) = (app.global(Vec::new()), app.global(Vec::new()));
            let encode = |b: &Vec<String>| b.join("\n").into_bytes();
            let decode = |b: &[u8]| {
                let text = std::str::from_utf8(b).ok()?;
                let cells: Vec<String> = text.split('\n').map(String::from).collect();
                (cells.len() == SIDE * SIDE).then_some(cells)
            };
            Some(
                RedisBridge::builder(&url, &node)?
                    .share_with("realtime-board", board, encode, decode)?
                    .presence("realtime-presence", here, presence)?
                    .presence_with(
                        "realtime-cursors",
                        my_cursors,
                        cursors,
                        encode_cursor,
                        decode_cursor,
                        Track::Moves,
                    )?
                    .start(app.bus())?,
            )
        }
        Err(_) => None,
    };
    let _ = GLOBALS.set(Globals {
        board,
        here,
        presence,
        my_cursors,
        cursors,
    });
    let resume = std::env::var("VANGO_RESUME_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    app.sessions(SessionConfig {
        resume_window: Duration::from_secs(resume),
        ..Default::default()
    })
    .page("/", page)
    .serve_env()
}
