//! `SharedSignal`/`SharedMemo` on a real server: one value per session, seen by every
//! component of that session and by no other session; `reject()` from a handler.

use vango::prelude::*;
use vango::protocol::{close, ServerFrame};
use vango::App;
use vango_test_support::client::{page, set_texts, Client};

static COUNT: SharedSignal<u32> = SharedSignal::new(|| 0);
static DOUBLE: SharedMemo<u32> = SharedMemo::new(|| COUNT.get() * 2);

/// Increments the session's count; renders nothing of it.
fn incrementer(_: ()) -> impl Render {
    move || {
        button("+")
            .id("inc")
            .on_click(move |_| COUNT.update(|n| *n += 1))
    }
}

/// Shows the session's count and its memo, in another component.
fn display(_: ()) -> impl Render {
    move || {
        p((
            span(COUNT.get().to_string()).id("count"),
            span(DOUBLE.get().to_string()).id("double"),
        ))
    }
}

fn shared_page() -> impl Render {
    move || div((component(incrementer, ()), component(display, ())))
}

/// The texts of the SetText ops of a Patches frame, in order.
fn texts(f: &ServerFrame) -> Vec<String> {
    assert!(
        matches!(f, ServerFrame::Patches { .. }),
        "expected Patches, got {f:?}"
    );
    set_texts(f, None)
}

#[test]
fn one_value_per_session_shared_by_its_components() {
    let srv = App::new()
        .page("/", shared_page)
        .workers(2)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let info = page(addr);
    let inc = info.hid("inc");
    let mut a = Client::open(addr, &info);
    let mut b = Client::open(addr, &info);
    // A click in one component re-renders the other component of the same session.
    for n in 1..=3u32 {
        a.send_click(inc);
        assert_eq!(
            texts(&a.recv().unwrap()),
            [n.to_string(), (2 * n).to_string()]
        );
    }
    // Another session starts from its own initial value, whichever core it is on.
    b.send_click(inc);
    assert_eq!(texts(&b.recv().unwrap()), ["1", "2"]);
    assert!(
        a.try_recv(200).is_none(),
        "session a must not see b's value"
    );
    a.send_click(inc);
    assert_eq!(texts(&a.recv().unwrap()), ["4", "8"]);
}

fn refusing_page() -> impl Render {
    let n = signal(0u32);
    move || {
        div((
            span(n.get().to_string()),
            button("no")
                .id("no")
                .optimistic_text("yes?")
                .on_click(move |_| reject()),
            button("half").id("half").on_click(move |_| {
                n.update(|v| *v += 1);
                reject()
            }),
            button("ok")
                .id("ok")
                .on_click(move |_| n.update(|v| *v += 10)),
        ))
    }
}

#[test]
fn reject_answers_reject_and_still_renders_what_changed() {
    let srv = App::new()
        .page("/", refusing_page)
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let info = page(addr);
    let mut s = Client::open(addr, &info);
    let seq = s.send_click(info.hid("no"));
    assert_eq!(
        s.recv().unwrap(),
        ServerFrame::Reject {
            seq,
            code: close::REJECTED
        }
    );
    assert!(s.try_recv(150).is_none(), "nothing changed: no patches");
    let seq = s.send_click(info.hid("half"));
    assert_eq!(
        s.recv().unwrap(),
        ServerFrame::Reject {
            seq,
            code: close::REJECTED
        }
    );
    assert_eq!(texts(&s.recv().unwrap()), ["1"]);
    // The flag does not leak into the next event.
    s.send_click(info.hid("ok"));
    assert_eq!(texts(&s.recv().unwrap()), ["11"]);
}

/// `connected()`: false in the first paint's mount, true in the session's, so a page can
/// keep per-tab side effects (presence, timers) out of the static render.
#[test]
fn connected_tells_the_first_paint_from_the_live_session() {
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let srv = App::new()
        .page("/", move || {
            let live = connected();
            log.lock().unwrap().push(live);
            move || p(if connected() { "live" } else { "static" }).id("mode")
        })
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let info = page(srv.local_addr());
    assert!(info.html.contains(">static</p>"), "{}", info.html);
    assert_eq!(*seen.lock().unwrap(), [false]);
    let _live = Client::open(srv.local_addr(), &info);
    assert_eq!(*seen.lock().unwrap(), [false, true]);
    assert!(!connected(), "outside any session");
}
