//! Uploads over real sockets (raw Upload frames, as the browser's upload script sends
//! them): two files with progress, oversize/wrong type/too many refused before anything
//! is stored, cancel and truncation and a stalled or vanished client clean the temp file
//! and the session keeps working, chunks do not trip the event rate limit, and a 50 MB
//! upload keeps the process's memory flat.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vango::live::upload::{use_upload, FileMeta, FileState, Sink, UploadConfig};
use vango::live::SessionConfig;
use vango::prelude::*;
use vango::protocol::upload::UploadFrame;
use vango::protocol::{Op, ServerFrame};
use vango::server::RunningServer;
use vango::vdom::Patch;
use vango_test_support::client::{attr, page, Client};
use vango_test_support::raw::ws_frame;

const MAX: u64 = 60 << 20;

fn upload_page(dir: PathBuf) -> impl Render {
    let up = use_upload(UploadConfig {
        max_size: MAX,
        accept: vec!["text/plain".into(), "image/*".into(), ".bin".into()],
        max_files: 3,
        sink: Sink::TempDir(dir),
        stall_timeout: Duration::from_millis(300),
    });
    let clicks = signal(0u32);
    let handled = signal(Vec::<String>::new());
    up.on_done(move |f| {
        let bytes = match &f.state {
            FileState::Done(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
            _ => 0,
        };
        handled.update(|h| h.push(format!("{}={bytes}", f.name)));
    });
    move || {
        div((
            up.input(),
            p(format!("progress={}", up.progress())),
            p(format!("error={}", up.error().unwrap_or_default())),
            p(format!("handled={}", handled.get().join(";"))),
            ul(up
                .files()
                .into_iter()
                .map(|f| li(format!("{}|{:?}|{}", f.name, f.state, f.percent())))
                .collect::<Vec<_>>()),
            button("cancel")
                .attr("id", "cancel")
                .on_click(move |_| up.cancel()),
            button(format!("clicks={}", clicks.get()))
                .attr("id", "click")
                .on_click(move |_| clicks.update(|c| *c += 1)),
        ))
    }
}

struct Rig {
    srv: RunningServer,
    dir: PathBuf,
    c: Client,
    key: u32,
    click: u32,
    cancel: u32,
    seq: u64,
}

fn rig(name: &str, rate: Option<u32>) -> Rig {
    let dir = std::env::temp_dir().join(format!("vango-uploads-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.clone();
    let mut cfg = SessionConfig::default();
    if let Some(r) = rate {
        cfg.max_events_per_sec = r;
        cfg.event_burst = r;
    }
    let srv = vango::App::new()
        .workers(1)
        .sessions(cfg)
        .page("/", move || upload_page(d.clone()))
        .spawn("127.0.0.1:0")
        .unwrap();
    let pg = page(srv.local_addr());
    assert!(
        pg.html.contains(r#"data-hook="VangoUpload""#),
        "{}",
        pg.html
    );
    let key = attr(&pg.html, "data-upload").parse().unwrap();
    let (click, cancel) = (pg.hid("click"), pg.hid("cancel"));
    let c = Client::open(srv.local_addr(), &pg);
    Rig {
        srv,
        dir,
        c,
        key,
        click,
        cancel,
        seq: 0,
    }
}

/// What one Patches frame said: its texts and inserted HTML (joined), its hook events.
#[derive(Default, Debug)]
struct Seen {
    text: String,
    hooks: Vec<(String, String)>,
}

fn seen(f: &ServerFrame) -> Seen {
    let mut s = Seen::default();
    if let ServerFrame::Patches { ops, .. } = f {
        for op in ops {
            match op {
                Op::Patch(
                    Patch::SetText { text: t, .. }
                    | Patch::InsertChild { html: t, .. }
                    | Patch::ReplaceChild { html: t, .. }
                    | Patch::ReplaceNode { html: t, .. },
                ) => {
                    s.text.push_str(t);
                    s.text.push('\n');
                }
                Op::HookEvent { name, payload, .. } => {
                    s.hooks.push((name.clone(), payload.clone()))
                }
                _ => {}
            }
        }
    }
    s
}

impl Rig {
    fn send(&mut self, f: &UploadFrame<'_>) {
        let mut out = Vec::new();
        f.encode(&mut out);
        self.c.s.write_all(&ws_frame(0x2, &out)).unwrap();
    }

    fn begin(&mut self, xfer: u32, files: &[(&str, u64, &str)]) -> Seen {
        let files = files
            .iter()
            .map(|(n, s, t)| FileMeta {
                name: n.to_string(),
                size: *s,
                content_type: t.to_string(),
            })
            .collect();
        let key = self.key;
        self.send(&UploadFrame::Begin { key, xfer, files });
        seen(&self.c.recv().expect("an answer to Begin"))
    }

    fn chunk(&mut self, xfer: u32, file: u32, offset: u64, data: &[u8]) -> Seen {
        let key = self.key;
        self.send(&UploadFrame::Chunk {
            key,
            xfer,
            file,
            offset,
            data,
        });
        seen(&self.c.recv().expect("an answer to a chunk"))
    }

    fn click(&mut self) -> String {
        self.seq += 1;
        let f = self.c.click(self.seq, self.click);
        seen(&f).text
    }

    fn files(&self) -> Vec<PathBuf> {
        let mut v: Vec<_> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    }

    /// Waits up to 2 s for the temp dir to hold `n` files.
    fn wait_files(&self, n: usize) -> Vec<PathBuf> {
        let t = Instant::now();
        while self.files().len() != n && t.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.files()
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn ack(s: &Seen) -> Option<(u32, u32, u64, u64)> {
    let (_, p) = s.hooks.iter().find(|(n, _)| n == "ack")?;
    let v: Vec<u64> = p.split(',').map(|x| x.parse().unwrap()).collect();
    Some((v[0] as u32, v[1] as u32, v[2], v[3]))
}

fn stopped(s: &Seen, xfer: u32) -> bool {
    s.hooks
        .iter()
        .any(|(n, p)| n == "stop" && *p == xfer.to_string())
}

/// Sends `body` as file `file` as the upload script does: chunks of 32 KiB up to each
/// ack's window. Returns every answer after the first ack.
fn send_file(r: &mut Rig, xfer: u32, file: u32, first: &Seen, body: &[u8]) -> Vec<Seen> {
    let (x, f, mut off, mut win) = ack(first).expect("an ack");
    assert_eq!((x, f, off), (xfer, file, 0));
    let mut out = Vec::new();
    let mut sent = 0u64;
    // Sent ahead up to the window; each chunk is answered in order.
    let mut answers_due = 0;
    loop {
        while sent < (off + win).min(body.len() as u64) {
            let end = (sent + 32768).min(off + win).min(body.len() as u64);
            let key = r.key;
            r.send(&UploadFrame::Chunk {
                key,
                xfer,
                file,
                offset: sent,
                data: &body[sent as usize..end as usize],
            });
            sent = end;
            answers_due += 1;
        }
        if answers_due == 0 {
            return out;
        }
        let s = seen(&r.c.recv().expect("an answer to a chunk"));
        answers_due -= 1;
        if let Some((x2, f2, o2, w2)) = ack(&s) {
            if x2 == xfer && f2 == file {
                off = o2;
                win = w2;
            }
        }
        out.push(s);
    }
}

#[test]
fn two_files_upload_with_progress_and_land_in_the_temp_dir() {
    // A tiny event rate: upload frames must not count against it.
    let mut r = rig("two", Some(2));
    let a: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let b: Vec<u8> = (0..40_000u32).map(|i| (i % 7) as u8).collect();
    let first = r.begin(
        7,
        &[
            ("a.txt", a.len() as u64, "text/plain"),
            ("b.png", b.len() as u64, "image/png"),
        ],
    );
    assert!(first.text.contains("a.txt|Uploading|0"), "{first:?}");
    assert!(first.text.contains("b.png|Waiting|0"), "{first:?}");
    assert!(r.files().is_empty(), "nothing stored before the first byte");
    let answers = send_file(&mut r, 7, 0, &first, &a);
    let progress: Vec<u32> = answers
        .iter()
        .filter_map(|s| s.text.split("progress=").nth(1))
        .map(|t| t.lines().next().unwrap().parse().unwrap())
        .collect();
    assert!(progress.len() >= 5, "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    let last = answers.last().unwrap();
    assert!(last.text.contains("a.txt|Done("), "{last:?}");
    let next = send_file(&mut r, 7, 1, last, &b);
    let end = next.last().unwrap();
    assert!(end.text.contains("progress=100"), "{end:?}");
    // The app's handler saw each stored file, complete on disk, in order.
    assert!(
        end.text
            .contains(&format!("handled=a.txt={};b.png={}", a.len(), b.len())),
        "{end:?}"
    );
    assert!(
        stopped(end, 7),
        "the browser is told the transfer is over: {end:?}"
    );
    let stored = r.files();
    assert_eq!(stored.len(), 2);
    let mut bodies: Vec<Vec<u8>> = stored.iter().map(|p| std::fs::read(p).unwrap()).collect();
    bodies.sort_by_key(|b| b.len());
    assert_eq!(bodies, vec![b, a]);
    assert!(
        end.text.contains(&stored[0].display().to_string())
            || end.text.contains(&stored[1].display().to_string())
    );
    assert!(r.click().contains("clicks=1"));
}

#[test]
fn oversize_wrong_type_and_too_many_are_refused_before_anything_is_stored() {
    let mut r = rig("refuse", None);
    let s = r.begin(
        1,
        &[
            ("huge.txt", MAX + 1, "text/plain"),
            ("evil.exe", 10, "application/x-msdownload"),
            ("ok.bin", 5, ""),
        ],
    );
    assert!(s.text.contains("huge.txt is too large"), "{s:?}");
    assert!(
        s.text
            .contains("evil.exe has the wrong type (application/x-msdownload)"),
        "{s:?}"
    );
    // Only the accepted file is asked for.
    assert_eq!(ack(&s), Some((1, 2, 0, 128 * 1024)));
    assert!(r.files().is_empty());
    // Bytes of a refused file break the transfer off.
    let s = r.chunk(1, 0, 0, b"xxxxx");
    assert!(s.text.contains("out of order"), "{s:?}");
    assert!(stopped(&s, 1));
    assert!(r.wait_files(0).is_empty());
    // Four files where three are allowed: a field error, nothing asked for.
    let four = [("a.txt", 1, "text/plain"); 4];
    let s = r.begin(2, &four);
    assert!(s.text.contains("too many files: at most 3"), "{s:?}");
    assert!(ack(&s).is_none() && stopped(&s, 2));
    // More bytes than announced.
    let s = r.begin(3, &[("c.txt", 4, "text/plain")]);
    assert!(ack(&s).is_some());
    let s = r.chunk(3, 0, 0, b"12345");
    assert!(s.text.contains("larger than announced"), "{s:?}");
    assert!(r.wait_files(0).is_empty());
    // An empty file is done at once, and the app's handler hears of it.
    let s = r.begin(4, &[("empty.txt", 0, "text/plain")]);
    assert!(s.text.contains("empty.txt|Done(\"\")|100"), "{s:?}");
    assert!(s.text.contains("handled=empty.txt=0"), "{s:?}");
    assert!(ack(&s).is_none() && stopped(&s, 4));
    assert!(r.click().contains("clicks=1"));
}

#[test]
fn cancel_from_page_or_client_deletes_the_partial_file_and_the_session_goes_on() {
    let mut r = rig("cancel", None);
    let body = vec![1u8; 200_000];
    // The page's cancel button.
    r.begin(1, &[("a.txt", body.len() as u64, "text/plain")]);
    let s = r.chunk(1, 0, 0, &body[..32768]);
    assert!(s.text.contains("progress=16"), "{s:?}");
    assert_eq!(r.files().len(), 1, "the partial file exists");
    r.seq += 1;
    let f = r.c.click(r.seq, r.cancel);
    let s = seen(&f);
    assert!(s.text.contains("a.txt|Cancelled"), "{s:?}");
    assert!(stopped(&s, 1));
    assert!(r.wait_files(0).is_empty(), "the partial file is deleted");
    // A late chunk of the cancelled transfer is ignored.
    let key = r.key;
    r.send(&UploadFrame::Chunk {
        key,
        xfer: 1,
        file: 0,
        offset: 32768,
        data: &body[..10],
    });
    // The client gives up (its input went away): Cancel frame.
    r.begin(2, &[("b.txt", body.len() as u64, "text/plain")]);
    r.chunk(2, 0, 0, &body[..1000]);
    r.send(&UploadFrame::Cancel { key, xfer: 2 });
    let s = seen(&r.c.recv().unwrap());
    assert!(s.text.contains("b.txt|Cancelled"), "{s:?}");
    assert!(r.wait_files(0).is_empty());
    assert!(r.click().contains("clicks=1"));
}

#[test]
fn a_client_that_stops_mid_file_fails_it_and_the_file_is_deleted() {
    let mut r = rig("stall", None);
    let body = vec![2u8; 100_000];
    r.begin(1, &[("a.txt", body.len() as u64, "text/plain")]);
    r.chunk(1, 0, 0, &body[..32768]);
    assert_eq!(r.files().len(), 1);
    // No more bytes: the stall watchdog (300 ms here) fails the transfer.
    let s = seen(&r.c.recv().expect("the watchdog's frame"));
    assert!(s.text.contains("upload stalled"), "{s:?}");
    assert!(stopped(&s, 1));
    assert!(r.wait_files(0).is_empty());
    assert!(r.click().contains("clicks=1"));
    // A truncated upload whose connection drops: deleted at once, not after the stall.
    r.begin(2, &[("b.txt", body.len() as u64, "text/plain")]);
    r.chunk(2, 0, 0, &body[..1000]);
    assert_eq!(r.files().len(), 1);
    let last_patch = r.c.click(10, r.click);
    let ServerFrame::Patches { seq, .. } = last_patch else {
        panic!("{last_patch:?}")
    };
    r.c.s.shutdown(std::net::Shutdown::Both).unwrap();
    let t = Instant::now();
    assert!(r.wait_files(0).is_empty());
    assert!(
        t.elapsed() < Duration::from_millis(250),
        "{:?}",
        t.elapsed()
    );
    // The tab comes back: the resume shows at once that the upload broke off.
    let pg = page(r.srv.local_addr());
    let id = r.c.id.clone();
    let mut c = Client::connect(r.srv.local_addr());
    let hello = c.hello(&pg.csrf, &id, seq, 10, 0);
    assert!(
        matches!(hello, ServerFrame::ServerHello { .. }),
        "{hello:?}"
    );
    let s = seen(&c.recv().expect("the resume's frame"));
    assert!(
        s.text
            .contains("b.txt|Failed(\"upload broke off: the connection was lost\")"),
        "{s:?}"
    );
}

fn rss_kib() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = s.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_50_mb_upload_keeps_memory_flat() {
    let mut r = rig("big", None);
    const SIZE: u64 = 50 << 20;
    let mut s = r.begin(1, &[("big.bin", SIZE, "")]);
    let chunk: Vec<u8> = (0..32768u32).map(|i| (i * 31 % 256) as u8).collect();
    let (mut off, mut win) = (0u64, 0u64);
    let mut sent = 0u64;
    let mut due = 0;
    let mut before = None;
    loop {
        if let Some((_, _, o, w)) = ack(&s) {
            off = o;
            win = w;
        }
        while sent < (off + win).min(SIZE) {
            let key = r.key;
            r.send(&UploadFrame::Chunk {
                key,
                xfer: 1,
                file: 0,
                offset: sent,
                data: &chunk,
            });
            sent += chunk.len() as u64;
            due += 1;
        }
        if sent >= 1 << 20 && before.is_none() {
            before = Some(rss_kib());
        }
        if due == 0 {
            break;
        }
        s = seen(&r.c.recv().expect("an answer"));
        due -= 1;
    }
    let grew = rss_kib().saturating_sub(before.unwrap());
    println!("RSS grew {grew} KiB over a 50 MB upload");
    assert!(s.text.contains("big.bin|Done("), "{s:?}");
    let stored = r.files();
    assert_eq!(std::fs::metadata(&stored[0]).unwrap().len(), SIZE);
    assert!(grew < 8 * 1024, "RSS grew {grew} KiB");
}

#[test]
fn a_sink_that_fails_fails_the_file_and_the_session_goes_on() {
    // A sink that is not a directory: opening fails, the file fails with the reason, and
    // the session goes on.
    let mut r = rig("nosink", None);
    std::fs::remove_dir_all(&r.dir).unwrap();
    let s = r.begin(1, &[("a.txt", 3, "text/plain")]);
    assert!(ack(&s).is_some());
    let s = r.chunk(1, 0, 0, b"abc");
    assert!(s.text.contains("could not store the file"), "{s:?}");
    assert!(stopped(&s, 1));
    assert!(r.click().contains("clicks=1"));
    std::fs::create_dir_all(&r.dir).unwrap();
    assert!(Path::new(&r.dir).exists());
}
