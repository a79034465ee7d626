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
use vango::protocol::{decode_server, ClientFrame, ServerFrame};
use vango::vdom::{Event, EventData};

use crate::net::{self, Ws};
use crate::procfs;
use crate::report::{MemPoint, Report};
use crate::stats::Latencies;

/// What to do.
pub struct Plan {
    /// Session counts at which memory is measured (ascending).
    pub checkpoints: Vec<usize>,
    /// Open-loop events per second over all sessions.
    pub rate: u32,
    /// Wait at each checkpoint before memory is read (the server's sessions hibernate and
    /// its sweeper trims the heap meanwhile when that wait is long enough).
    pub idle_wait: Duration,
    /// Pause after each batch of opened sessions (zero: they open in one burst).
    pub open_pace: Duration,
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

/// A connected session ready to send events.
struct Conn {
    ws: Ws,
    targets: Vec<u32>,
    echo: bool,
    /// An event is answered by the first patch frame with operations that acknowledges it
    /// (an action's write lands after the handler's acknowledgement), not by the ack.
    wait_ops: bool,
}

/// The hids of the toggle buttons in the HTML a frame inserts.
fn new_toggles(ops: &[vango::protocol::Op]) -> Vec<u32> {
    use vango::protocol::Op;
    use vango::vdom::Patch;
    ops.iter()
        .filter_map(|op| match op {
            Op::Patch(
                Patch::InsertChild { html, .. }
                | Patch::ReplaceChild { html, .. }
                | Patch::ReplaceNode { html, .. }
                | Patch::SetInnerHtml { html, .. },
            ) => Some(net::clickable_hids_of(html, Some("toggle"))),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The `todo-toggle` workload clicks only the rows' toggle buttons and waits for the row's
/// change, not the handler's acknowledgement.
fn toggles(workload: &str) -> bool {
    workload == "todo-toggle"
}

async fn open(idx: usize, addr: SocketAddr, echo: bool, toggle: bool) -> Result<Conn, String> {
    let src = 1 + (idx % 16) as u8;
    if echo {
        let ws = net::open_ws(src, addr)
            .await
            .map_err(|e| format!("ws: {e}"))?;
        return Ok(Conn {
            ws,
            targets: vec![0],
            echo,
            wait_ops: false,
        });
    }
    let o = net::open_session_as(src, addr, net::cookie_for(idx)).await?;
    let targets = net::clickable_hids_of(&o.html, toggle.then_some("toggle"));
    if targets.is_empty() {
        return Err("page has no clickable element".into());
    }
    Ok(Conn {
        ws: o.ws,
        targets,
        echo,
        wait_ops: toggle,
    })
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
                        Ok(ServerFrame::Patches { ack, ops, .. }) => {
                            sh.patch_frames.set(sh.patch_frames.get() + 1);
                            if c.wait_ops {
                                // The list refetches after a write: the answer is the
                                // first frame after the click's ack that changes the page
                                // (the row's new state). A list that re-inserts its rows
                                // (new hids) gives the next targets.
                                let fresh = new_toggles(&ops);
                                if !fresh.is_empty() {
                                    c.targets = fresh;
                                }
                                ack >= seq && !ops.is_empty()
                            } else {
                                ack >= seq
                            }
                        }
                        Ok(ServerFrame::Ack(a)) => a >= seq && !c.wait_ops,
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
    let toggle = toggles(workload);
    future::block_on(ex.run(async {
        Timer::after(Duration::from_millis(300)).await;
        let base = MemPoint {
            sessions: 0,
            mem: procfs::mem(pid),
            sock_kib: procfs::kernel_sock_kib().1,
        };
        let mut points = Vec::new();
        let mut open_count = 0usize;
        let t_open = Instant::now();
        let mut tasks = Vec::new();
        for &target in &plan.checkpoints {
            while open_count < target {
                let batch = (target - open_count).min(100);
                let opened: Vec<_> = (open_count..open_count + batch)
                    .map(|i| ex.spawn(open(i, addr, echo, toggle)))
                    .collect();
                for (k, t) in opened.into_iter().enumerate() {
                    match t.await {
                        Ok(conn) => tasks.push(ex.spawn(drive(open_count + k, conn, sh.clone()))),
                        Err(e) => sh.error(e),
                    }
                }
                open_count += batch;
                if !plan.open_pace.is_zero() {
                    Timer::after(plan.open_pace).await;
                }
            }
            Timer::after(plan.idle_wait).await;
            points.push(MemPoint {
                sessions: tasks.len(),
                mem: procfs::mem(pid),
                sock_kib: procfs::kernel_sock_kib().1,
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
            sock_kib: procfs::kernel_sock_kib().1,
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
