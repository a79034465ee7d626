//! Drives many sessions on one thread: opens them like a browser, holds them idle (answering
//! pings), then sends events open-loop at a fixed total rate and closed-loop as fast as the
//! server answers, recording event → patch round trips and memory at each checkpoint.

use std::cell::{Cell, RefCell};
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::Message;
use futures_lite::future;
use futures_lite::StreamExt;
use smol::{LocalExecutor, Timer};
use vango::protocol::{decode_server, ClientFrame, HelloStatus, ServerFrame};
use vango::vdom::{Event, EventData};

use crate::net::{self, Ws};
use crate::procfs::{self, Mem};
use crate::stats::Latencies;

/// What to do.
pub struct Plan {
    /// Session counts at which memory is measured (ascending).
    pub checkpoints: Vec<usize>,
    /// Open-loop events per second over all sessions.
    pub rate: u32,
    /// Seconds per load phase.
    pub seconds: u64,
    /// Sessions used for the closed-loop throughput phase.
    pub closed_sessions: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Idle,
    /// Each session sends one event every `interval`, offset by its index.
    Open {
        start: Instant,
        interval: Duration,
    },
    /// Sessions below `n` send back to back.
    Closed {
        n: usize,
    },
    /// Every session sends `left` more events, back to back.
    Warm,
    Stop,
}

#[derive(Default)]
struct Shared {
    phase: Cell<Option<Phase>>,
    /// Bumped on every phase change; idle sessions sleep on it instead of polling a timer
    /// (19,000 sessions polling every 200 ms would make the load generator the bottleneck).
    generation: Cell<u64>,
    phase_started: Cell<Option<Instant>>,
    wakers: RefCell<Vec<std::task::Waker>>,
    lat: RefCell<Latencies>,
    events: Cell<u64>,
    errors: Cell<u64>,
    bytes_up: Cell<u64>,
    sent: Cell<u64>,
    replies: Cell<u64>,
    bytes_down: Cell<u64>,
    patch_frames: Cell<u64>,
    warm_left: Cell<u64>,
    first_error: RefCell<Option<String>>,
}

impl Shared {
    fn set_phase(&self, p: Phase) {
        self.phase.set(Some(p));
        self.phase_started.set(Some(Instant::now()));
        self.generation.set(self.generation.get() + 1);
        for w in self.wakers.borrow_mut().drain(..) {
            w.wake();
        }
    }

    /// Resolves at the next phase change after `seen`.
    fn changed(&self, seen: u64) -> impl std::future::Future<Output = ()> + '_ {
        std::future::poll_fn(move |cx| {
            if self.generation.get() != seen {
                std::task::Poll::Ready(())
            } else {
                self.wakers.borrow_mut().push(cx.waker().clone());
                std::task::Poll::Pending
            }
        })
    }

    fn error(&self, what: String) {
        self.errors.set(self.errors.get() + 1);
        let mut first = self.first_error.borrow_mut();
        if first.is_none() {
            *first = Some(what);
        }
    }
}

/// One checkpoint's memory reading.
pub struct MemPoint {
    /// Sessions open.
    pub sessions: usize,
    /// Server memory.
    pub mem: Mem,
    /// Kernel TCP socket memory (all sockets), KiB.
    pub sock_kib: u64,
}

/// Everything a run measured.
pub struct Report {
    /// Memory with no sessions.
    pub base: MemPoint,
    /// Memory at each checkpoint, idle.
    pub points: Vec<MemPoint>,
    /// Memory after every session exchanged a few events.
    pub after_events: Option<MemPoint>,
    /// Open-loop latency percentiles (µs): p50, p90, p99, p99.9, max.
    pub open_pcts: [u32; 5],
    /// Open-loop events completed and their achieved rate.
    pub open_events: u64,
    /// Achieved open-loop rate (events/s).
    pub open_rate: f64,
    /// Closed-loop sustained events/s.
    pub closed_rate: f64,
    /// Closed-loop latency percentiles (µs).
    pub closed_pcts: [u32; 5],
    /// Bytes per event sent and per reply frame received.
    pub bytes_per_event: f64,
    /// Bytes per reply frame (Patches or Ack; the echo for the floor).
    pub bytes_per_patch: f64,
    /// Errors (decode failures, unexpected frames, disconnects).
    pub errors: u64,
    /// The first error's description.
    pub first_error: Option<String>,
    /// Time to open all sessions of the last checkpoint.
    pub open_secs: f64,
}

fn kib_slope(points: &[MemPoint], f: impl Fn(&MemPoint) -> u64) -> f64 {
    let n = points.len() as f64;
    if points.len() < 2 {
        return f64::NAN;
    }
    let mx = points.iter().map(|p| p.sessions as f64).sum::<f64>() / n;
    let my = points.iter().map(|p| f(p) as f64).sum::<f64>() / n;
    let sxy: f64 = points
        .iter()
        .map(|p| (p.sessions as f64 - mx) * (f(p) as f64 - my))
        .sum();
    let sxx: f64 = points
        .iter()
        .map(|p| (p.sessions as f64 - mx).powi(2))
        .sum();
    sxy / sxx
}

impl Report {
    /// KiB of RSS per session: least-squares slope over the checkpoints.
    pub fn rss_slope(&self) -> f64 {
        kib_slope(&self.points, |p| p.mem.rss_kib)
    }
    /// KiB of PSS per session.
    pub fn pss_slope(&self) -> f64 {
        kib_slope(&self.points, |p| p.mem.pss_kib)
    }
    /// KiB of kernel socket memory per session.
    pub fn sock_slope(&self) -> f64 {
        kib_slope(&self.points, |p| p.sock_kib)
    }

    /// Prints a human-readable table.
    pub fn print_table(&self, workload: &str) {
        println!("\n== {workload}");
        println!(
            "{:>9} {:>10} {:>10} {:>10}",
            "sessions", "RSS KiB", "PSS KiB", "sock KiB"
        );
        for p in std::iter::once(&self.base)
            .chain(&self.points)
            .chain(&self.after_events)
        {
            println!(
                "{:>9} {:>10} {:>10} {:>10}",
                p.sessions, p.mem.rss_kib, p.mem.pss_kib, p.sock_kib
            );
        }
        let s = self.rss_slope();
        println!("opened the sessions in {:.1} s", self.open_secs);
        println!(
            "slope: {:.2} KiB RSS/session ({:.0} sessions/GiB), {:.2} KiB PSS, {:.2} KiB kernel sockets",
            s,
            1048576.0 / s,
            self.pss_slope(),
            self.sock_slope()
        );
        if let Some(a) = &self.after_events {
            let last = self.points.last().map(|p| p.mem.rss_kib).unwrap_or(0);
            println!(
                "after events: +{} KiB over idle at {} sessions ({:.2} KiB/session)",
                a.mem.rss_kib as i64 - last as i64,
                a.sessions,
                (a.mem.rss_kib as f64 - last as f64) / a.sessions.max(1) as f64
            );
        }
        let [p50, p90, p99, p999, max] = self.open_pcts;
        println!(
            "open loop: {} events at {:.0}/s: p50 {p50} µs, p90 {p90}, p99 {p99}, p99.9 {p999}, max {max}",
            self.open_events, self.open_rate
        );
        let [p50, p90, p99, p999, max] = self.closed_pcts;
        println!(
            "closed loop: {:.0} events/s: p50 {p50} µs, p90 {p90}, p99 {p99}, p99.9 {p999}, max {max}",
            self.closed_rate
        );
        println!(
            "bytes: {:.1} per event, {:.1} per patch frame; errors: {}{}",
            self.bytes_per_event,
            self.bytes_per_patch,
            self.errors,
            self.first_error
                .as_deref()
                .map(|e| format!(" (first: {e})"))
                .unwrap_or_default()
        );
    }

    /// One JSON line.
    pub fn json(&self, workload: &str, workers: u32, date: &str) -> String {
        let pts: Vec<String> = self
            .points
            .iter()
            .map(|p| {
                format!(
                    "{{\"sessions\":{},\"rss_kib\":{},\"pss_kib\":{},\"sock_kib\":{}}}",
                    p.sessions, p.mem.rss_kib, p.mem.pss_kib, p.sock_kib
                )
            })
            .collect();
        let after = self
            .after_events
            .as_ref()
            .map(|a| {
                format!(
                    "{{\"sessions\":{},\"rss_kib\":{},\"pss_kib\":{}}}",
                    a.sessions, a.mem.rss_kib, a.mem.pss_kib
                )
            })
            .unwrap_or_else(|| "null".into());
        let f = |x: f64| {
            if x.is_finite() {
                format!("{x:.3}")
            } else {
                "null".into()
            }
        };
        format!(
            "{{\"date\":\"{date}\",\"workload\":\"{workload}\",\"workers\":{workers},\"base_rss_kib\":{},\"points\":[{}],\"after_events\":{after},\
\"rss_kib_per_session\":{},\"pss_kib_per_session\":{},\"sock_kib_per_session\":{},\
\"open\":{{\"events\":{},\"rate\":{},\"p50_us\":{},\"p90_us\":{},\"p99_us\":{},\"p999_us\":{},\"max_us\":{}}},\
\"closed\":{{\"rate\":{},\"p50_us\":{},\"p90_us\":{},\"p99_us\":{},\"p999_us\":{},\"max_us\":{}}},\
\"bytes_per_event\":{},\"bytes_per_patch\":{},\"errors\":{}}}",
            self.base.mem.rss_kib,
            pts.join(","),
            f(self.rss_slope()),
            f(self.pss_slope()),
            f(self.sock_slope()),
            self.open_events,
            f(self.open_rate),
            self.open_pcts[0], self.open_pcts[1], self.open_pcts[2], self.open_pcts[3], self.open_pcts[4],
            f(self.closed_rate),
            self.closed_pcts[0], self.closed_pcts[1], self.closed_pcts[2], self.closed_pcts[3], self.closed_pcts[4],
            f(self.bytes_per_event),
            f(self.bytes_per_patch),
            self.errors
        )
    }
}

/// A connected session ready to send events.
struct Conn {
    ws: Ws,
    targets: Vec<u32>,
    echo: bool,
}

async fn open(idx: usize, addr: SocketAddr, echo: bool) -> Result<Conn, String> {
    let src = 1 + (idx % 16) as u8;
    if echo {
        let ws = net::open_ws(src, addr)
            .await
            .map_err(|e| format!("ws: {e}"))?;
        return Ok(Conn {
            ws,
            targets: vec![0],
            echo,
        });
    }
    let page = net::get_page(src, addr, "/")
        .await
        .map_err(|e| format!("GET: {e}"))?;
    let targets = net::clickable_hids(&page.html);
    if targets.is_empty() {
        return Err("page has no clickable element".into());
    }
    let mut ws = net::open_ws(src, addr)
        .await
        .map_err(|e| format!("ws: {e}"))?;
    let mut hello = Vec::new();
    ClientFrame::Hello {
        version: 1,
        csrf: page.csrf,
        session: String::new(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: page.hash,
        path: "/".into(),
    }
    .encode(&mut hello);
    ws.send(Message::binary(hello))
        .await
        .map_err(|e| format!("hello: {e}"))?;
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => match decode_server(&b) {
                Ok(ServerFrame::ServerHello {
                    status: HelloStatus::New,
                    ..
                }) => break,
                Ok(other) => return Err(format!("expected ServerHello, got {other:?}")),
                Err(e) => return Err(format!("decode: {e}")),
            },
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            other => return Err(format!("hello answer: {other:?}")),
        }
    }
    Ok(Conn { ws, targets, echo })
}

/// Runs one session until the phase is Stop.
async fn drive(idx: usize, mut c: Conn, sh: Rc<Shared>) {
    let mut seq = 0u64;
    let mut sent_at: Option<Instant> = None;
    let mut next_open: Option<Instant> = None;
    let mut buf = Vec::with_capacity(16);
    loop {
        let phase = sh.phase.get().unwrap_or(Phase::Idle);
        if phase == Phase::Stop {
            let _ = c.ws.close(None).await;
            return;
        }
        // When may this session send its next event?
        let due = if sent_at.is_some() {
            None
        } else {
            match phase {
                Phase::Open { start, interval } => {
                    let t = next_open.get_or_insert_with(|| {
                        let off = interval.mul_f64(fastrand::f64());
                        start + off
                    });
                    Some(*t)
                }
                Phase::Closed { n } if idx < n => Some(Instant::now()),
                Phase::Warm if sh.warm_left.get() > 0 => {
                    sh.warm_left.set(sh.warm_left.get() - 1);
                    Some(Instant::now())
                }
                _ => None,
            }
        };
        if !matches!(phase, Phase::Open { .. }) {
            next_open = None;
        }
        let wake = due.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        let seen = sh.generation.get();
        enum Step {
            Msg(Option<Result<Message, async_tungstenite::tungstenite::Error>>),
            Tick,
        }
        let step = future::or(async { Step::Msg(c.ws.next().await) }, async {
            future::or(Timer::at(wake), async {
                sh.changed(seen).await;
                Instant::now()
            })
            .await;
            Step::Tick
        })
        .await;
        match step {
            Step::Tick => {
                if due.is_some() && sent_at.is_none() && Instant::now() >= wake {
                    seq += 1;
                    buf.clear();
                    if c.echo {
                        buf.extend_from_slice(&[0x02, (seq & 0x7f) as u8, 5, 1, 0]);
                    } else {
                        let hid = c.targets[fastrand::usize(..c.targets.len())];
                        ClientFrame::Event {
                            seq,
                            event: Event {
                                hid,
                                name: "click",
                                data: EventData::None,
                            },
                        }
                        .encode(&mut buf);
                    }
                    sh.bytes_up.set(sh.bytes_up.get() + buf.len() as u64);
                    sh.sent.set(sh.sent.get() + 1);
                    sent_at = Some(Instant::now());
                    if let Err(e) = c.ws.send(Message::binary(buf.clone())).await {
                        sh.error(format!("send: {e}"));
                        return;
                    }
                    if let Phase::Open { interval, .. } = phase {
                        next_open = next_open.map(|t| t + interval);
                    }
                }
            }
            Step::Msg(Some(Ok(Message::Binary(b)))) => {
                sh.bytes_down.set(sh.bytes_down.get() + b.len() as u64);
                sh.replies.set(sh.replies.get() + 1);
                let done = if c.echo {
                    true
                } else {
                    match decode_server(&b) {
                        Ok(ServerFrame::Patches { ack, .. }) => {
                            sh.patch_frames.set(sh.patch_frames.get() + 1);
                            ack >= seq
                        }
                        Ok(ServerFrame::Ack(a)) => a >= seq,
                        Ok(ServerFrame::Ping(n)) => {
                            let mut out = Vec::new();
                            ClientFrame::Pong(n).encode(&mut out);
                            let _ = c.ws.send(Message::binary(out)).await;
                            false
                        }
                        Ok(other) => {
                            sh.error(format!("unexpected frame {other:?}"));
                            false
                        }
                        Err(e) => {
                            sh.error(format!("decode: {e}"));
                            false
                        }
                    }
                };
                if done {
                    if let Some(t) = sent_at.take() {
                        // The first second of a phase is warm-up: every idle session wakes
                        // at once on the phase change, and this one-thread client is busy
                        // with that storm, not with reading replies.
                        if sh
                            .phase_started
                            .get()
                            .is_none_or(|p| t >= p + Duration::from_secs(1))
                        {
                            sh.lat.borrow_mut().record(t.elapsed());
                        }
                        sh.events.set(sh.events.get() + 1);
                    }
                }
            }
            Step::Msg(Some(Ok(_))) => {}
            Step::Msg(other) => {
                if sh.phase.get() != Some(Phase::Stop) {
                    sh.error(format!("connection ended: {other:?}"));
                }
                return;
            }
        }
    }
}

/// Runs the whole plan against the server at `addr` (process `pid`).
pub fn run(workload: &str, addr: SocketAddr, pid: u32, plan: &Plan) -> Report {
    let ex = LocalExecutor::new();
    let sh = Rc::new(Shared::default());
    let echo = workload == "echo";
    future::block_on(ex.run(async {
        Timer::after(Duration::from_millis(300)).await;
        let base = MemPoint {
            sessions: 0,
            mem: procfs::mem(pid),
            sock_kib: procfs::kernel_sock_kib().0,
        };
        let mut points = Vec::new();
        let mut open_count = 0usize;
        let t_open = Instant::now();
        let mut tasks = Vec::new();
        for &target in &plan.checkpoints {
            while open_count < target {
                let batch = (target - open_count).min(100);
                let opened: Vec<_> = (open_count..open_count + batch)
                    .map(|i| ex.spawn(open(i, addr, echo)))
                    .collect();
                for (k, t) in opened.into_iter().enumerate() {
                    match t.await {
                        Ok(conn) => tasks.push(ex.spawn(drive(open_count + k, conn, sh.clone()))),
                        Err(e) => sh.error(e),
                    }
                }
                open_count += batch;
            }
            Timer::after(Duration::from_millis(1000)).await;
            points.push(MemPoint {
                sessions: tasks.len(),
                mem: procfs::mem(pid),
                sock_kib: procfs::kernel_sock_kib().0,
            });
            eprintln!(
                "loadgen: {} sessions open, server RSS {} KiB",
                tasks.len(),
                points.last().unwrap().mem.rss_kib
            );
        }
        let open_secs = t_open.elapsed().as_secs_f64();
        let n = tasks.len().max(1);

        // Open loop at the planned rate.
        let interval = Duration::from_secs_f64(n as f64 / plan.rate.max(1) as f64);
        let start = Instant::now();
        sh.set_phase(Phase::Open { start, interval });
        Timer::after(Duration::from_secs(plan.seconds)).await;
        sh.set_phase(Phase::Idle);
        Timer::after(Duration::from_millis(500)).await;
        let open_events = sh.events.replace(0);
        let open_rate = open_events as f64 / plan.seconds as f64;
        let open_pcts = std::mem::take(&mut *sh.lat.borrow_mut()).percentiles();

        // Every session exchanges a few events, then memory again.
        sh.warm_left.set(3 * n as u64);
        sh.set_phase(Phase::Warm);
        let deadline = Instant::now() + Duration::from_secs(60);
        while sh.warm_left.get() > 0 && Instant::now() < deadline {
            Timer::after(Duration::from_millis(100)).await;
        }
        sh.set_phase(Phase::Idle);
        Timer::after(Duration::from_millis(1000)).await;
        let after_events = Some(MemPoint {
            sessions: tasks.len(),
            mem: procfs::mem(pid),
            sock_kib: procfs::kernel_sock_kib().0,
        });
        sh.events.set(0);
        *sh.lat.borrow_mut() = Latencies::default();

        // Closed loop: throughput.
        let t0 = Instant::now();
        sh.set_phase(Phase::Closed {
            n: plan.closed_sessions,
        });
        Timer::after(Duration::from_secs(plan.seconds)).await;
        let closed_events = sh.events.get();
        let closed_rate = closed_events as f64 / t0.elapsed().as_secs_f64();
        sh.set_phase(Phase::Idle);
        Timer::after(Duration::from_millis(300)).await;
        let closed_pcts = std::mem::take(&mut *sh.lat.borrow_mut()).percentiles();

        sh.set_phase(Phase::Stop);
        for t in tasks {
            future::or(t, async {
                Timer::after(Duration::from_secs(2)).await;
            })
            .await;
        }
        let replies = sh.replies.get().max(1);
        let sent = sh.sent.get().max(1);
        Report {
            base,
            points,
            after_events,
            open_pcts,
            open_events,
            open_rate,
            closed_rate,
            closed_pcts,
            bytes_per_event: sh.bytes_up.get() as f64 / sent as f64,
            bytes_per_patch: sh.bytes_down.get() as f64 / replies as f64,
            errors: sh.errors.get(),
            first_error: sh.first_error.borrow().clone(),
            open_secs,
        }
    }))
}
