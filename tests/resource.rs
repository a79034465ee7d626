//! `resource` and `action` on a real server: loading → ready through one task, a slow old
//! fetch never overwrites a newer one, refetch and stale time, errors; an action's
//! policies (latest cancels, queue runs all in order, drop ignores while pending).

use std::time::{Duration, Instant};

use vango::live::{resource_with, ResourceOptions};
use vango::prelude::*;
use vango::protocol::ServerFrame;
use vango::App;
use vango_test_support::client::{page, set_texts, Client};

fn later(ms: u64) -> async_io::Timer {
    async_io::Timer::after(Duration::from_millis(ms))
}

/// The texts set in element `parent` by a frame.
fn texts(f: &ServerFrame, parent: u32) -> Vec<String> {
    set_texts(f, Some(parent))
}

/// Every text element `parent` shows until nothing more arrives for `quiet` ms.
fn texts_until_quiet(c: &mut Client, parent: u32, quiet: u64) -> Vec<String> {
    let mut all = Vec::new();
    let until = Instant::now() + Duration::from_secs(5);
    while let Some(f) = c.try_recv(quiet) {
        all.extend(texts(&f, parent));
        assert!(Instant::now() < until, "frames kept coming: {all:?}");
    }
    all
}

fn user_page() -> impl Render {
    let id = signal(1u32);
    let fetches = signal(0u32);
    let user = resource_with(
        ResourceOptions {
            stale_time: Duration::from_millis(1500),
            ..Default::default()
        },
        move || id.get(),
        move |id| {
            fetches.update(|n| *n += 1);
            async move {
                // Id 2 is slow: a later, faster fetch (id 3) must win over it.
                later(if id == 2 { 300 } else { 20 }).await;
                if id == 4 {
                    Err(format!("no user {id}"))
                } else {
                    Ok(format!("user {id}"))
                }
            }
        },
    );
    move || {
        div((
            span(user.view(|| "loading", |u| u.clone(), |e| format!("error: {e}"))).id("user"),
            span(fetches.get().to_string()).id("fetches"),
            button("next")
                .id("next")
                .on_click(move |_| id.update(|n| *n += 1)),
            button("refetch")
                .id("refetch")
                .on_click(move |_| user.refetch()),
        ))
    }
}

#[test]
fn a_resource_loads_discards_stale_results_refetches_and_fails() {
    // No SSR budget: the first paint shows loading and the live session loads it
    // (`tests/resource_ssr.rs` covers the budget).
    let srv = App::new()
        .ssr_budget(Duration::ZERO)
        .page("/", user_page)
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let info = page(srv.local_addr());
    assert!(
        info.html.contains(">loading<"),
        "the first paint shows loading"
    );
    let (user, fetches) = (info.hid("user"), info.hid("fetches"));
    let mut c = Client::open(srv.local_addr(), &info);
    assert_eq!(texts_until_quiet(&mut c, user, 150), ["user 1"]);
    // id 2 (slow) then id 3 (fast) right after: 3 shows, and 2 never does.
    c.send_click(info.hid("next"));
    c.send_click(info.hid("next"));
    let seen = texts_until_quiet(&mut c, user, 500);
    assert_eq!(seen.last().map(String::as_str), Some("user 3"), "{seen:?}");
    assert!(
        !seen.iter().any(|t| t == "user 2"),
        "a stale result landed: {seen:?}"
    );
    // Within the stale time a refetch does nothing; after it, it fetches again.
    c.send_click(info.hid("refetch"));
    assert!(matches!(c.recv().unwrap(), ServerFrame::Ack { .. }));
    std::thread::sleep(Duration::from_millis(1200));
    c.send_click(info.hid("refetch"));
    let mut frames = Vec::new();
    while let Some(f) = c.try_recv(200) {
        frames.push(f);
    }
    let seen: Vec<String> = frames.iter().flat_map(|f| texts(f, user)).collect();
    assert_eq!(seen, ["loading", "user 3"]);
    let counts: Vec<String> = frames.iter().flat_map(|f| texts(f, fetches)).collect();
    assert_eq!(counts, ["4"], "one more fetch, no more");
    // A failing fetch shows its error.
    c.send_click(info.hid("next"));
    let seen = texts_until_quiet(&mut c, user, 200);
    assert_eq!(
        seen.last().map(String::as_str),
        Some("error: no user 4"),
        "{seen:?}"
    );
}

fn saver(policy: Policy) -> impl Render {
    let runs = signal(Vec::<u32>::new());
    let save = action(policy, move |n: u32| async move {
        later(100).await;
        Ok::<_, String>(n)
    });
    let save2 = save.clone();
    let next = signal(0u32);
    vango::reactive::effect({
        let save = save.clone();
        move || {
            if let Some(Ok(n)) = save.result() {
                runs.update(|r| r.push(n));
            }
        }
    });
    move || {
        div((
            span(if save.pending() { "pending" } else { "idle" }).id("state"),
            span(format!("{:?}", runs.get())).id("runs"),
            button("go").id("go").on_click({
                let save = save2.clone();
                move |_| {
                    next.update(|n| *n += 1);
                    save.dispatch(next.get_untracked());
                }
            }),
        ))
    }
}

/// Clicks "go" three times quickly and returns the runs the page lists at the end.
fn three_quick_dispatches(policy: Policy) -> String {
    let srv = App::new()
        .page("/", move || saver(policy))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let info = page(srv.local_addr());
    let mut c = Client::open(srv.local_addr(), &info);
    for _ in 0..3 {
        c.send_click(info.hid("go"));
    }
    let (state, runs) = (info.hid("state"), info.hid("runs"));
    let mut frames = Vec::new();
    while let Some(f) = c.try_recv(400) {
        frames.push(f);
    }
    let states: Vec<String> = frames.iter().flat_map(|f| texts(f, state)).collect();
    assert_eq!(
        states,
        ["pending", "idle"],
        "pending once, idle once at the end"
    );
    let runs: Vec<String> = frames.iter().flat_map(|f| texts(f, runs)).collect();
    runs.last().cloned().unwrap_or_default()
}

#[test]
fn action_policies_latest_queue_and_drop() {
    assert_eq!(three_quick_dispatches(Policy::Latest), "[3]");
    assert_eq!(three_quick_dispatches(Policy::Queue), "[1, 2, 3]");
    assert_eq!(three_quick_dispatches(Policy::DropWhilePending), "[1]");
}

fn kept_page() -> impl Render {
    let id = signal(1u32);
    let user = resource_with(
        ResourceOptions {
            keep_previous: true,
            ..Default::default()
        },
        move || id.get(),
        move |id| async move {
            later(60).await;
            Ok::<_, String>(format!("user {id}"))
        },
    );
    move || {
        div((
            span(user.view(|| "loading", |u| u.clone(), |e| format!("error: {e}"))).id("user"),
            span(if user.is_loading() { "busy" } else { "idle" }).id("busy"),
            button("next")
                .id("next")
                .on_click(move |_| id.update(|n| *n += 1)),
        ))
    }
}

#[test]
fn keep_previous_shows_the_last_value_while_a_refetch_runs() {
    let srv = App::new()
        .ssr_budget(Duration::ZERO)
        .page("/", kept_page)
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let info = page(srv.local_addr());
    let (user, busy) = (info.hid("user"), info.hid("busy"));
    let mut c = Client::open(srv.local_addr(), &info);
    // The first fetch has nothing to keep: loading, then the value.
    assert_eq!(texts_until_quiet(&mut c, user, 150), ["user 1"]);
    c.send_click(info.hid("next"));
    let mut frames = Vec::new();
    while let Some(f) = c.try_recv(200) {
        frames.push(f);
    }
    let shown: Vec<String> = frames.iter().flat_map(|f| texts(f, user)).collect();
    assert_eq!(shown, ["user 2"], "no loading flash between the values");
    let states: Vec<String> = frames.iter().flat_map(|f| texts(f, busy)).collect();
    assert_eq!(states, ["busy", "idle"], "is_loading tells the refetch");
}
