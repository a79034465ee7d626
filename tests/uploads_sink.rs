//! A custom upload sink over a real socket: it gets the bytes in order, then `finish`, or
//! `abort` when the page cancels the upload.

use std::io::Write;
use std::time::{Duration, Instant};

use vango::live::upload::{use_upload, FileMeta, Sink, UploadConfig};
use vango::prelude::*;
use vango::protocol::upload::UploadFrame;
use vango::protocol::{Op, ServerFrame};
use vango::vdom::Patch;
use vango_test_support::client::{attr, page, Client};
use vango_test_support::raw::ws_frame;

/// The texts and inserted HTML of one Patches frame, joined.
#[derive(Debug)]
struct Seen {
    text: String,
}

fn seen(f: &ServerFrame) -> Seen {
    let mut text = String::new();
    if let ServerFrame::Patches { ops, .. } = f {
        for op in ops {
            if let Op::Patch(
                Patch::SetText { text: t, .. }
                | Patch::InsertChild { html: t, .. }
                | Patch::ReplaceChild { html: t, .. }
                | Patch::ReplaceNode { html: t, .. },
            ) = op
            {
                text.push_str(t);
                text.push('\n');
            }
        }
    }
    Seen { text }
}

/// A sink that logs what is done to it.
struct Logged(std::sync::Arc<std::sync::Mutex<Vec<String>>>, u64);

impl vango::live::upload::UploadSink for Logged {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.1 += bytes.len() as u64;
        self.0
            .lock()
            .unwrap()
            .push(format!("write {}", bytes.len()));
        Ok(())
    }
    fn finish(&mut self) -> std::io::Result<String> {
        self.0.lock().unwrap().push("finish".into());
        Ok(format!("{} bytes", self.1))
    }
    fn abort(&mut self) {
        self.0.lock().unwrap().push("abort".into());
    }
}

#[test]
fn a_custom_sink_gets_the_bytes_then_finish_or_abort() {
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let l = log.clone();
    let srv = vango::App::new()
        .workers(1)
        .page("/", move || {
            let l = l.clone();
            let up = use_upload(UploadConfig {
                sink: Sink::custom(move |m| {
                    l.lock().unwrap().push(format!("open {}", m.name));
                    Ok(Box::new(Logged(l.clone(), 0)))
                }),
                ..UploadConfig::default()
            });
            move || {
                div((
                    up.input(),
                    ul(up
                        .files()
                        .into_iter()
                        .map(|f| li(format!("{}|{:?}", f.name, f.state)))
                        .collect::<Vec<_>>()),
                    button("cancel")
                        .attr("id", "cancel")
                        .on_click(move |_| up.cancel()),
                ))
            }
        })
        .spawn("127.0.0.1:0")
        .unwrap();
    let pg = page(srv.local_addr());
    let key: u32 = attr(&pg.html, "data-upload").parse().unwrap();
    let cancel = pg.hid("cancel");
    let mut c = Client::open(srv.local_addr(), &pg);
    let send = |c: &mut Client, f: UploadFrame<'_>| {
        let mut out = Vec::new();
        f.encode(&mut out);
        c.s.write_all(&ws_frame(0x2, &out)).unwrap();
        seen(&c.recv().unwrap())
    };
    let meta = |n: &str, size| {
        vec![FileMeta {
            name: n.into(),
            size,
            content_type: String::new(),
        }]
    };
    send(
        &mut c,
        UploadFrame::Begin {
            key,
            xfer: 1,
            files: meta("a", 5),
        },
    );
    send(
        &mut c,
        UploadFrame::Chunk {
            key,
            xfer: 1,
            file: 0,
            offset: 0,
            data: b"abc",
        },
    );
    let s = send(
        &mut c,
        UploadFrame::Chunk {
            key,
            xfer: 1,
            file: 0,
            offset: 3,
            data: b"de",
        },
    );
    assert!(s.text.contains(r#"a|Done("5 bytes")"#), "{s:?}");
    send(
        &mut c,
        UploadFrame::Begin {
            key,
            xfer: 2,
            files: meta("b", 9),
        },
    );
    send(
        &mut c,
        UploadFrame::Chunk {
            key,
            xfer: 2,
            file: 0,
            offset: 0,
            data: b"x",
        },
    );
    let s = seen(&c.click(1, cancel));
    assert!(s.text.contains("b|Cancelled"), "{s:?}");
    let t = Instant::now();
    while log.lock().unwrap().last().map(String::as_str) != Some("abort")
        && t.elapsed() < Duration::from_secs(2)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        *log.lock().unwrap(),
        ["open a", "write 3", "write 2", "finish", "open b", "write 1", "abort"]
    );
}
