//! The SSR budget on a real server: a resource that loads within it is in the first paint
//! and the live session's first render matches it (no flash back to loading); one that
//! does not shows loading first and its result streams in; the wait blocks neither the
//! core's other connections nor the answers pipelined behind it.

use std::io::Write;
use std::time::{Duration, Instant};

use vango::prelude::*;
use vango::protocol::ServerFrame;
use vango::App;
use vango_test_support::client::{page, set_texts, Client};
use vango_test_support::raw::{connect, read_response, roundtrip};

/// A page whose resource takes `ms` to load; `#n` counts clicks (the session works).
fn slow_page(ms: u64) -> impl Render {
    let data = resource(
        || (),
        move |_| async move {
            async_io::Timer::after(Duration::from_millis(ms)).await;
            Ok::<_, String>("the data")
        },
    );
    let n = signal(0u32);
    move || {
        div((
            span(data.view(|| "loading", |d| *d, |e| e.to_owned())).id("data"),
            button(n.get().to_string())
                .id("n")
                .on_click(move |_| n.update(|n| *n += 1)),
        ))
    }
}

fn serve(fetch_ms: u64, budget_ms: u64) -> vango::server::RunningServer {
    App::new()
        .ssr_budget(Duration::from_millis(budget_ms))
        .page("/", move || slow_page(fetch_ms))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap()
}

/// Every frame until none arrives for `quiet` ms.
fn frames_until_quiet(c: &mut Client, quiet: u64) -> Vec<ServerFrame> {
    let mut all = Vec::new();
    while let Some(f) = c.try_recv(quiet) {
        all.push(f);
        assert!(all.len() < 100, "frames kept coming");
    }
    all
}

#[test]
fn within_the_budget_the_data_is_in_the_first_paint_and_the_session_does_not_flash() {
    let srv = serve(10, 2_000);
    let info = page(srv.local_addr());
    assert!(info.html.contains(">the data<"), "{}", info.html);
    assert!(!info.html.contains("loading"), "{}", info.html);
    let mut c = Client::open(srv.local_addr(), &info);
    // The session's first render equals the first paint: no repaint, no loading frame.
    let frames = frames_until_quiet(&mut c, 300);
    assert!(
        frames.is_empty(),
        "the session re-sent the page: {frames:?}"
    );
    // It is live: a click patches.
    let f = c.click(1, info.hid("n"));
    assert_eq!(set_texts(&f, Some(info.hid("n"))), ["1"]);
}

#[test]
fn past_the_budget_the_first_paint_shows_loading_and_the_result_streams_in() {
    let srv = serve(400, 30);
    let started = Instant::now();
    let info = page(srv.local_addr());
    let took = started.elapsed();
    assert!(info.html.contains(">loading<"), "{}", info.html);
    assert!(
        took >= Duration::from_millis(30),
        "it did not wait: {took:?}"
    );
    assert!(
        took < Duration::from_millis(400),
        "it waited for the fetch: {took:?}"
    );
    let data = info.hid("data");
    let mut c = Client::open(srv.local_addr(), &info);
    let frames = frames_until_quiet(&mut c, 800);
    let texts: Vec<String> = frames
        .iter()
        .flat_map(|f| set_texts(f, Some(data)))
        .collect();
    assert_eq!(texts, ["the data"], "{frames:?}");
}

#[test]
fn a_waiting_page_blocks_neither_the_core_nor_pipelined_requests() {
    let srv = serve(300, 5_000);
    let addr = srv.local_addr();
    // Two pipelined GETs on one connection: both answered, in order, after the wait.
    let started = Instant::now();
    let mut s = connect(addr);
    let get = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\n\r\nGET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    );
    s.write_all(get.as_bytes()).unwrap();
    // Meanwhile another connection to the same (only) core is answered at once.
    let quick = Instant::now();
    let health = roundtrip(
        addr,
        format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
    )
    .unwrap();
    assert_eq!(health.status, 200);
    assert!(
        quick.elapsed() < Duration::from_millis(250),
        "{:?}",
        quick.elapsed()
    );
    let mut pending = Vec::new();
    let first = read_response(&mut s, &mut pending, false).expect("the page");
    assert_eq!(first.status, 200);
    assert!(String::from_utf8_lossy(&first.body).contains(">the data<"));
    assert!(started.elapsed() >= Duration::from_millis(300));
    let second = read_response(&mut s, &mut pending, false).expect("the health check");
    assert_eq!((second.status, &second.body[..]), (200, &b"ok"[..]));
}
