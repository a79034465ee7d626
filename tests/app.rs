//! `App` end to end with the real component tree: SSR page, Hello, click → SetText.

use std::io::Write;
use vango_test_support::client::{attr, recv_frame};

use vango::prelude::*;
use vango::protocol::{ClientFrame, HelloStatus, Op, ServerFrame};
use vango::vdom::Patch;
use vango::App;
use vango_test_support::raw::*;

fn counter(initial: i32) -> impl FnMut() -> VNode {
    let count = signal(initial);
    move || {
        div((
            h1(format!("Count: {}", count.get())),
            button("+").on_click(move |_| count.update(|n| *n += 1)),
        ))
        .into()
    }
}

#[test]
fn counter_page_and_click() {
    let srv = App::new()
        .page("/", || counter(5))
        .workers(2)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let get = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let r = roundtrip(addr, get.as_bytes()).unwrap();
    let html = String::from_utf8(r.body).unwrap();
    assert!(html.contains("Count: 5"), "{html}");
    let (csrf, hash) = (
        attr(&html, "data-csrf"),
        attr(&html, "data-hash").parse::<u32>().unwrap(),
    );
    let button_hid: u32 = {
        let at = html.find("<button").unwrap();
        attr(&html[at..], "data-hid").parse().unwrap()
    };

    let mut s = connect(addr);
    s.write_all(&ws_request(&addr.to_string(), None)).unwrap();
    let mut p = Vec::new();
    assert_eq!(read_response(&mut s, &mut p, false).unwrap().status, 101);
    let mut out = Vec::new();
    ClientFrame::Hello {
        version: vango::protocol::VERSION,
        csrf,
        session: String::new(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: hash,
        path: "/".into(),
    }
    .encode(&mut out);
    s.write_all(&ws_frame(0x2, &out)).unwrap();
    assert!(matches!(
        recv_frame(&mut s, &mut p),
        ServerFrame::ServerHello {
            status: HelloStatus::New,
            ..
        }
    ));
    for n in 1..=3u64 {
        out.clear();
        ClientFrame::Event {
            seq: n,
            event: Event {
                hid: button_hid,
                name: "click",
                data: EventData::None,
            },
        }
        .encode(&mut out);
        s.write_all(&ws_frame(0x2, &out)).unwrap();
        match recv_frame(&mut s, &mut p) {
            ServerFrame::Patches { seq, ack, ops } => {
                assert_eq!((seq, ack), (n, n));
                let want = format!("Count: {}", 5 + n);
                assert!(
                    matches!(&ops[..], [Op::Patch(Patch::SetText { index: 0, text, .. })] if *text == want),
                    "{ops:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
