//! The `drop-flood` workload (issue 13's memory probe): clients upgrade, say Hello with the
//! page's token, and drop TCP as soon as the server answers, as fast as they can, from
//! many source addresses. Reports the server's RSS before, at its peak during, at the end
//! of, and after the flood (once the detached sessions have expired), and what the server
//! counted (sessions created, refused, evicted).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use vango::protocol::ClientFrame;

use crate::procfs;

/// What one drop-flood run is.
pub struct Plan {
    /// How long the flood lasts.
    pub seconds: u64,
    /// Flooding threads.
    pub concurrency: usize,
    /// Source addresses 127.0.0.1..=sources the threads spread over (per-address limits).
    pub sources: u8,
    /// Longest wait for the sessions to expire after the flood.
    pub settle: Duration,
}

/// What one run measured (RSS in KiB).
pub struct Report {
    pub created: u64,
    pub refused: u64,
    pub seconds: f64,
    pub rss_before: u64,
    pub rss_peak: u64,
    pub rss_end: u64,
    pub rss_after: u64,
    pub settled_after: f64,
    pub sessions_left: u64,
}

fn connect_from(src: u8, server: SocketAddr) -> std::io::Result<TcpStream> {
    use rustix::net::{bind, connect, socket, AddressFamily, SocketType};
    let fd = socket(AddressFamily::INET, SocketType::STREAM, None)?;
    bind(
        &fd,
        &SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, src.max(1)), 0)),
    )?;
    connect(&fd, &server)?;
    Ok(TcpStream::from(fd))
}

/// The masked client frame carrying `payload` (mask 0: the bytes go as they are).
fn ws_binary(payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x82];
    match payload.len() {
        n @ 0..=125 => f.push(0x80 | n as u8),
        n => {
            f.push(0x80 | 126);
            f.extend((n as u16).to_be_bytes());
        }
    }
    f.extend([0; 4]);
    f.extend(payload);
    f
}

/// One dropped session: `Some(true)` created, `Some(false)` refused, `None` failed.
fn drop_one(src: u8, server: SocketAddr, hello: &[u8]) -> Option<bool> {
    let mut s = connect_from(src, server).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let req = format!(
        "GET /_vango/ws HTTP/1.1\r\nHost: {server}\r\nOrigin: http://{server}\r\n\
         Upgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut buf = [0u8; 1024];
    let mut got = Vec::new();
    let head_end = loop {
        let n = s.read(&mut buf).ok().filter(|&n| n > 0)?;
        got.extend_from_slice(&buf[..n]);
        if let Some(i) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    if !got.starts_with(b"HTTP/1.1 101") {
        return None;
    }
    s.write_all(hello).ok()?;
    let mut rest = got.split_off(head_end);
    while rest.len() < 3 {
        let n = s.read(&mut buf).ok().filter(|&n| n > 0)?;
        rest.extend_from_slice(&buf[..n]);
    }
    // A server frame: 0x82, a length below 126, then the frame type (0x81: ServerHello).
    Some(rest[2] == 0x81)
}

fn metric(server: SocketAddr, name: &str) -> u64 {
    let Ok(mut s) = TcpStream::connect(server) else {
        return 0;
    };
    let req = format!("GET /metrics HTTP/1.1\r\nHost: {server}\r\nConnection: close\r\n\r\n");
    let mut text = String::new();
    if s.write_all(req.as_bytes()).is_err() || s.read_to_string(&mut text).is_err() {
        return 0;
    }
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

/// Floods `server` (whose process is `pid`) as `plan` says.
pub fn run(server: SocketAddr, pid: u32, plan: &Plan) -> Report {
    let page = smol::block_on(crate::net::get_page(1, server, "/")).expect("the page");
    let mut hello = Vec::new();
    ClientFrame::Hello {
        version: vango::protocol::VERSION,
        csrf: page.csrf,
        session: String::new(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: page.hash,
        path: "/".into(),
    }
    .encode(&mut hello);
    let hello: Arc<[u8]> = ws_binary(&hello).into();
    std::thread::sleep(Duration::from_millis(200));
    let rss_before = procfs::mem(pid).rss_kib;
    let (created, refused) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let done = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let until = started + Duration::from_secs(plan.seconds);
    let threads: Vec<_> = (0..plan.concurrency)
        .map(|t| {
            let (created, refused, hello) = (created.clone(), refused.clone(), hello.clone());
            let (sources, stride) = (plan.sources.max(1) as usize, plan.concurrency.max(1));
            std::thread::spawn(move || {
                let mut i = t;
                while Instant::now() < until {
                    let src = (i % sources + 1) as u8;
                    i += stride;
                    match drop_one(src, server, &hello) {
                        Some(true) => created.fetch_add(1, Relaxed),
                        Some(false) => refused.fetch_add(1, Relaxed),
                        None => 0,
                    };
                }
            })
        })
        .collect();
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(Relaxed) {
                peak = peak.max(procfs::mem(pid).rss_kib);
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        })
    };
    for t in threads {
        let _ = t.join();
    }
    let seconds = started.elapsed().as_secs_f64();
    let rss_end = procfs::mem(pid).rss_kib;
    let settle_start = Instant::now();
    let mut sessions_left = metric(server, "vango_sessions");
    while sessions_left > 0 && settle_start.elapsed() < plan.settle {
        std::thread::sleep(Duration::from_millis(250));
        sessions_left = metric(server, "vango_sessions");
    }
    let settled_after = settle_start.elapsed().as_secs_f64();
    // A sweep and its hand-back to the OS follow the last expiry.
    std::thread::sleep(Duration::from_secs(2));
    let rss_after = procfs::mem(pid).rss_kib;
    done.store(true, Relaxed);
    let rss_peak = sampler.join().unwrap_or(0).max(rss_end);
    Report {
        created: created.load(Relaxed),
        refused: refused.load(Relaxed),
        seconds,
        rss_before,
        rss_peak,
        rss_end,
        rss_after,
        settled_after,
        sessions_left,
    }
}

impl Report {
    /// A human-readable summary.
    pub fn print_table(&self) {
        println!(
            "drop-flood: {} sessions created ({:.0}/s), {} refused, over {:.1} s",
            self.created,
            self.created as f64 / self.seconds,
            self.refused,
            self.seconds
        );
        println!(
            "server RSS MiB: before {:.1}, peak {:.1}, end of flood {:.1}, after expiry {:.1} \
             ({} sessions left after {:.1} s)",
            self.rss_before as f64 / 1024.0,
            self.rss_peak as f64 / 1024.0,
            self.rss_end as f64 / 1024.0,
            self.rss_after as f64 / 1024.0,
            self.sessions_left,
            self.settled_after
        );
    }

    /// One JSON line.
    pub fn json(&self, workers: u32, date: &str) -> String {
        format!(
            "{{\"workload\":\"drop-flood\",\"date\":\"{date}\",\"workers\":{workers},\
             \"created\":{},\"refused\":{},\"seconds\":{:.2},\"rss_before_kib\":{},\
             \"rss_peak_kib\":{},\"rss_end_kib\":{},\"rss_after_kib\":{},\
             \"settled_after_s\":{:.1},\"sessions_left\":{}}}",
            self.created,
            self.refused,
            self.seconds,
            self.rss_before,
            self.rss_peak,
            self.rss_end,
            self.rss_after,
            self.settled_after,
            self.sessions_left
        )
    }
}
