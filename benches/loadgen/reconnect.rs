//! Reconnect workload: counter sessions cut their TCP connection abruptly (RST, no close
//! frame) and resume with their session id and last applied patch seq, the way the browser
//! client does; times "new TCP connect → session usable" and checks that every event lands
//! exactly once.
//!
//! Two cases, run one after the other over the same sessions:
//! - `resume`: a click's patch is lost in flight (the server applied the click, the client
//!   never applied its patch) and one more click is queued while offline. The server's ring
//!   replays the lost patch; the queued click is resent after ServerHello.
//! - `resync`: more patches are lost than the server's resume ring holds, so the resume is
//!   one full render of the root (a ReplaceNode), whose "Count: N" text is checked.
//!
//! Each case runs in three stages, every session finishing one before any starts the next:
//! clicks whose patches are lost (untimed), cut + reconnect (timed, at most `concurrency` in
//! flight), then the checks and one more click (untimed).
//!
//! "Usable" is: ServerHello(Resumed) read and every patch up to the last event the server
//! applied (its ServerHello says which) applied. That is right for the counter, where every
//! click yields one Patches frame. All sessions run on this one client thread, which shares
//! the machine's cores with the server.

use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::Message;
use futures_lite::{future, StreamExt};
use smol::lock::Semaphore;
use smol::{LocalExecutor, Timer};
use vango::protocol::{decode_server, ClientFrame, HelloStatus, Op, ServerFrame};
use vango::vdom::patch::Patch;
use vango::vdom::{Event, EventData};

use crate::net::{self, Ws};
use crate::procfs::cpu_time;
use crate::stats::Latencies;

/// Sessions opening at once.
const OPENING: usize = 128;
/// A frame that does not come within this is an error.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Resync frames one resume may need before it counts as a loop.
const MAX_RESYNCS: u32 = 3;

/// What to do.
pub struct Plan {
    /// Sessions opened (and each reconnected once per case).
    pub sessions: usize,
    /// Most reconnects in flight at once (1: one tab at a time; `sessions`: a storm).
    pub concurrency: usize,
    /// The server's resume ring length in frames; the resync case loses more than this.
    pub ring_frames: usize,
    /// Clicks each session exchanges before the cases.
    pub warm_clicks: usize,
    /// The server's process id (for its CPU time).
    pub server_pid: u32,
}

/// One case's measurements.
#[derive(Default)]
pub struct Case {
    /// Connect → usable, per successful resume.
    pub lat: Latencies,
    /// Sessions that passed every check.
    pub ok: u64,
    /// Sessions that failed a check (or timed out).
    pub errors: u64,
    /// The first failure.
    pub first_error: Option<String>,
    /// Patches frames applied while resuming (ring replays or full renders).
    pub replayed: u64,
    /// Full renders (ReplaceNode of the root) among them.
    pub full_renders: u64,
    /// Events resent after ServerHello (queued offline or not applied).
    pub resent: u64,
    /// Resync frames sent because of a gap in patch seqs.
    pub resyncs: u64,
    /// CPU time of the server during the timed stage (10 ms ticks).
    pub server_cpu: Duration,
    /// This client's CPU time during the timed stage.
    pub client_cpu: Duration,
    /// Reconnects that landed on another core and were handed to the owning one
    /// (`vango_handoffs_total` from `/metrics`, before and after the timed stage).
    pub handoffs: u64,
}

impl Case {
    /// CPU µs per reconnect: (server, client).
    fn cpu_per(&self) -> (f64, f64) {
        let n = (self.ok + self.errors).max(1) as f64;
        (
            self.server_cpu.as_secs_f64() * 1e6 / n,
            self.client_cpu.as_secs_f64() * 1e6 / n,
        )
    }

    fn fail(&mut self, e: String) {
        self.errors += 1;
        self.first_error.get_or_insert(e);
    }
}

/// Both cases of one run.
pub struct Report {
    /// Sessions opened.
    pub opened: usize,
    /// Seconds to open them.
    pub open_secs: f64,
    /// Errors while opening.
    pub open_errors: u64,
    /// Ring replay case.
    pub resume: Case,
    /// Full resync case.
    pub resync: Case,
}

/// One session, tracked the way `client/src/socket.js` tracks it.
struct Client {
    ws: Option<Ws>,
    addr: SocketAddr,
    src: u8,
    csrf: String,
    hash: u32,
    session: String,
    /// The "+" button's hid.
    plus: u32,
    /// Seq of the last Patches frame applied.
    pseq: u64,
    /// Highest event seq acknowledged by an applied frame.
    pack: u64,
    /// Seq of the last event sent or queued.
    eseq: u64,
    /// Events not yet acknowledged.
    pending: Vec<u64>,
    /// The count text the client's DOM shows.
    count: Option<i64>,
    /// The count before the current case's clicks.
    before: i64,
    /// Per resume: frames applied, full renders among them, resyncs sent.
    applied: u32,
    full_renders: u32,
    resyncs: u32,
}

/// The number after "Count: " in `text` (a SetText or a rendered subtree).
fn count_in(text: &str) -> Option<i64> {
    let rest = &text[text.find("Count: ")? + 7..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit() && c != '-')
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn encode(f: ClientFrame) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    f.encode(&mut out);
    out
}

impl Client {
    async fn open(idx: usize, addr: SocketAddr, warm: usize) -> Result<Client, String> {
        let src = 1 + (idx % 16) as u8;
        let o = net::open_session(src, addr).await?;
        let plus = *net::clickable_hids(&o.html)
            .first()
            .ok_or("page has no button")?;
        let mut c = Client {
            count: count_in(&o.html),
            ws: Some(o.ws),
            addr,
            src,
            csrf: o.csrf,
            hash: o.hash,
            session: o.session,
            plus,
            pseq: 0,
            pack: 0,
            eseq: 0,
            pending: Vec::new(),
            before: 0,
            applied: 0,
            full_renders: 0,
            resyncs: 0,
        };
        for _ in 0..warm {
            let s = c.click().await?;
            c.until_ack(s).await?;
        }
        Ok(c)
    }

    async fn put(&mut self, bytes: Vec<u8>) -> Result<(), String> {
        let ws = self.ws.as_mut().ok_or("not connected")?;
        ws.send(Message::binary(bytes))
            .await
            .map_err(|e| format!("send: {e}"))
    }

    /// The next frame other than a Ping (answered here).
    async fn recv(&mut self) -> Result<ServerFrame, String> {
        loop {
            let ws = self.ws.as_mut().ok_or("not connected")?;
            let msg = future::or(async { Some(ws.next().await) }, async {
                Timer::after(READ_TIMEOUT).await;
                None
            })
            .await;
            match msg {
                None => return Err("no frame within 10 s".into()),
                Some(Some(Ok(Message::Binary(b)))) => match decode_server(&b) {
                    Ok(ServerFrame::Ping(n)) => self.put(encode(ClientFrame::Pong(n))).await?,
                    Ok(f) => return Ok(f),
                    Err(e) => return Err(format!("decode: {e}")),
                },
                Some(Some(Ok(_))) => {}
                Some(other) => return Err(format!("connection ended: {other:?}")),
            }
        }
    }

    /// Sends (or, offline, queues) one click on "+"; returns its seq.
    async fn click(&mut self) -> Result<u64, String> {
        self.eseq += 1;
        self.pending.push(self.eseq);
        if self.ws.is_some() {
            self.send_click(self.eseq).await?;
        }
        Ok(self.eseq)
    }

    async fn send_click(&mut self, seq: u64) -> Result<(), String> {
        let event = Event {
            hid: self.plus,
            name: "click",
            data: EventData::None,
        };
        self.put(encode(ClientFrame::Event { seq, event })).await
    }

    /// Applies one frame as the browser client does: Patches strictly in seq order, a gap
    /// answered with Resync, a repeat is an error (an event would land twice).
    async fn apply(&mut self, f: ServerFrame) -> Result<(), String> {
        match f {
            ServerFrame::Patches { seq, ack, ops } => {
                if seq != self.pseq + 1 {
                    if seq <= self.pseq {
                        return Err(format!("patch seq {seq} again (applied {})", self.pseq));
                    }
                    self.resyncs += 1;
                    if self.resyncs > MAX_RESYNCS {
                        return Err(format!(
                            "resync loop: patch seq {seq} while {} applied, {} Resyncs sent",
                            self.pseq, MAX_RESYNCS
                        ));
                    }
                    let last_patch_seq = self.pseq;
                    return self
                        .put(encode(ClientFrame::Resync { last_patch_seq }))
                        .await;
                }
                for op in &ops {
                    match op {
                        Op::Patch(Patch::SetText { text, .. }) => {
                            if let Some(n) = count_in(text) {
                                self.count = Some(n);
                            }
                        }
                        Op::Patch(Patch::ReplaceNode { html, .. }) => {
                            self.full_renders += 1;
                            self.count = Some(count_in(html).ok_or("full render has no count")?);
                        }
                        _ => {}
                    }
                }
                self.pseq = seq;
                self.pack = self.pack.max(ack);
                self.applied += 1;
                self.pending.retain(|&s| s > ack);
            }
            ServerFrame::Ack(a) => {
                self.pack = self.pack.max(a);
                self.pending.retain(|&s| s > a);
            }
            other => return Err(format!("unexpected frame {other:?}")),
        }
        Ok(())
    }

    /// Applies frames until event `seq` is acknowledged.
    async fn until_ack(&mut self, seq: u64) -> Result<(), String> {
        while self.pack < seq {
            let f = self.recv().await?;
            self.apply(f).await?;
        }
        Ok(())
    }

    /// Reads (and drops: lost in flight) frames until event `seq` is acknowledged.
    async fn lose_until_ack(&mut self, seq: u64) -> Result<(), String> {
        loop {
            match self.recv().await? {
                ServerFrame::Patches { ack, .. } | ServerFrame::Ack(ack) if ack >= seq => {
                    return Ok(())
                }
                ServerFrame::Patches { .. } | ServerFrame::Ack(_) => {}
                other => return Err(format!("unexpected frame {other:?}")),
            }
        }
    }

    /// Reconnects and resumes: new TCP connection, WebSocket upgrade, Hello with the session
    /// id and last applied patch seq; returns once usable (see the module docs).
    async fn resume(&mut self) -> Result<(), String> {
        (self.applied, self.full_renders, self.resyncs) = (0, 0, 0);
        let ws = net::open_ws(self.src, self.addr)
            .await
            .map_err(|e| format!("reconnect: {e}"))?;
        self.ws = Some(ws);
        let hello = ClientFrame::Hello {
            version: 1,
            csrf: self.csrf.clone(),
            session: self.session.clone(),
            last_patch_seq: self.pseq,
            last_event_seq: self.eseq,
            render_hash: self.hash,
            path: "/".into(),
        };
        self.put(encode(hello)).await?;
        let last = match self.recv().await? {
            ServerFrame::ServerHello {
                status: HelloStatus::Resumed,
                last_event_seq,
                ..
            } => last_event_seq,
            other => return Err(format!("expected ServerHello(Resumed), got {other:?}")),
        };
        self.pending.retain(|&s| s > last);
        self.until_ack(last).await
    }

    /// Resends the events the server had not applied; returns how many.
    async fn resend(&mut self) -> Result<u64, String> {
        let pending = self.pending.clone();
        for &s in &pending {
            self.send_click(s).await?;
        }
        Ok(pending.len() as u64)
    }

    fn expect_count(&self, want: i64, when: &str) -> Result<(), String> {
        match self.count {
            Some(n) if n == want => Ok(()),
            other => Err(format!("{when}: count {other:?}, expected {want}")),
        }
    }
}

/// What one resume measured.
struct Resumed {
    took: Duration,
    applied: u32,
    full_renders: u32,
    resyncs: u32,
    resent: u64,
}

/// The two cases: how many patches are lost before the cut, and whether a click is queued
/// while offline.
#[derive(Clone, Copy)]
struct Script {
    lose: usize,
    queue_offline: bool,
    full_render: bool,
}

/// Stage 1 (untimed): `lose` clicks whose patches are lost in flight (the server applied
/// them; the client drops their frames).
async fn prepare(c: &mut Client, s: Script) -> Result<(), String> {
    c.before = c.count.ok_or("no count yet")?;
    for _ in 0..s.lose {
        c.click().await?;
    }
    c.lose_until_ack(c.eseq).await
}

/// Stage 2 (timed): cut, maybe queue a click offline, reconnect and resume.
async fn reconnect(c: &mut Client, gate: &Semaphore, s: Script) -> Result<Resumed, String> {
    let _permit = gate.acquire().await;
    net::cut(c.ws.take().ok_or("not connected")?);
    if s.queue_offline {
        c.click().await?;
    }
    let t0 = Instant::now();
    c.resume().await?;
    Ok(Resumed {
        took: t0.elapsed(),
        applied: c.applied,
        full_renders: c.full_renders,
        resyncs: c.resyncs,
        resent: 0,
    })
}

/// Stage 3 (untimed): the resumed DOM shows every lost patch exactly once; resend what the
/// server had not applied (the queued click) or send one click; the count moves by one.
async fn verify(c: &mut Client, r: &mut Resumed, s: Script) -> Result<(), String> {
    let (want_frames, want_full) = if s.full_render { (1, 1) } else { (s.lose, 0) };
    if (r.applied as usize, r.full_renders) != (want_frames, want_full) {
        return Err(format!(
            "resume applied {} frames ({} full renders), expected {want_frames} ({want_full})",
            r.applied, r.full_renders
        ));
    }
    let lost = s.lose as i64;
    c.expect_count(c.before + lost, "after resume")?;
    r.resent = c.resend().await?;
    let last = match c.pending.last() {
        Some(&seq) => seq,
        None => c.click().await?,
    };
    c.until_ack(last).await?;
    c.expect_count(c.before + lost + 1, "after one more click")
}

/// The server's `vango_handoffs_total`, summed over cores.
async fn handoffs(addr: SocketAddr) -> Result<u64, String> {
    let page = net::get_page(1, addr, "/metrics")
        .await
        .map_err(|e| format!("GET /metrics: {e}"))?;
    Ok(page
        .html
        .lines()
        .filter(|l| l.starts_with("vango_handoffs_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum())
}

/// Runs `f` on every item as its own task and collects the outputs in order.
async fn each<T, R: 'static, F>(ex: &LocalExecutor<'_>, items: Vec<T>, f: impl Fn(T) -> F) -> Vec<R>
where
    F: std::future::Future<Output = R> + 'static,
{
    let tasks: Vec<_> = items.into_iter().map(|x| ex.spawn(f(x))).collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await);
    }
    out
}

/// Runs one case over `clients` in three stages (every session finishes a stage before any
/// starts the next, so only reconnects overlap the timed stage); returns the survivors.
async fn run_case(
    ex: &LocalExecutor<'_>,
    clients: Vec<Client>,
    gate: &Rc<Semaphore>,
    s: Script,
    server_pid: u32,
    case: &mut Case,
) -> Vec<Client> {
    let prepared = each(ex, clients, |mut c| async move {
        let r = prepare(&mut c, s).await;
        (c, r)
    })
    .await;
    let mut ready = Vec::new();
    for (c, r) in prepared {
        match r {
            Ok(()) => ready.push(c),
            Err(e) => case.fail(format!("before the cut: {e}")),
        }
    }
    let addr = ready.first().map(|c| c.addr);
    let handoffs0 = match addr {
        Some(a) => handoffs(a).await.unwrap_or(0),
        None => 0,
    };
    let cpu0 = (cpu_time(server_pid), cpu_time(std::process::id()));
    let resumed = each(ex, ready, |mut c| {
        let gate = gate.clone();
        async move {
            let r = reconnect(&mut c, &gate, s).await;
            (c, r)
        }
    })
    .await;
    case.server_cpu = cpu_time(server_pid).saturating_sub(cpu0.0);
    case.client_cpu = cpu_time(std::process::id()).saturating_sub(cpu0.1);
    if let Some(a) = addr {
        case.handoffs = handoffs(a).await.unwrap_or(0).saturating_sub(handoffs0);
    }
    let mut ready = Vec::new();
    for (c, r) in resumed {
        match r {
            Ok(r) => ready.push((c, r)),
            Err(e) => case.fail(format!("resume: {e}")),
        }
    }
    let verified = each(ex, ready, |(mut c, mut r)| async move {
        let ok = verify(&mut c, &mut r, s).await;
        (c, r, ok)
    })
    .await;
    let mut survivors = Vec::new();
    for (c, r, ok) in verified {
        match ok {
            Ok(()) => {
                case.ok += 1;
                case.lat.record(r.took);
                case.replayed += u64::from(r.applied);
                case.full_renders += u64::from(r.full_renders);
                case.resyncs += u64::from(r.resyncs);
                case.resent += r.resent;
                survivors.push(c);
            }
            Err(e) => case.fail(e),
        }
    }
    survivors
}

/// Runs both cases against the counter at `addr`.
pub fn run(addr: SocketAddr, plan: &Plan) -> Report {
    let ex = LocalExecutor::new();
    future::block_on(ex.run(async {
        let started = Instant::now();
        let opening = Rc::new(Semaphore::new(OPENING));
        let warm = plan.warm_clicks;
        let opened = each(&ex, (0..plan.sessions).collect(), |i| {
            let opening = opening.clone();
            async move {
                let _permit = opening.acquire().await;
                Client::open(i, addr, warm).await
            }
        })
        .await;
        let mut clients = Vec::new();
        let mut open_errors = 0;
        let mut first_open_error = None;
        for r in opened {
            match r {
                Ok(c) => clients.push(c),
                Err(e) => {
                    open_errors += 1;
                    first_open_error.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_open_error {
            eprintln!("loadgen: {open_errors} sessions failed to open (first: {e})");
        }
        let open_secs = started.elapsed().as_secs_f64();
        eprintln!(
            "loadgen: {} sessions open in {open_secs:.1} s",
            clients.len()
        );
        let gate = Rc::new(Semaphore::new(plan.concurrency.max(1)));
        let mut resume = Case::default();
        let mut resync = Case::default();
        Timer::after(Duration::from_millis(500)).await;
        let one_lost = Script {
            lose: 1,
            queue_offline: true,
            full_render: false,
        };
        let clients = run_case(&ex, clients, &gate, one_lost, plan.server_pid, &mut resume).await;
        Timer::after(Duration::from_millis(500)).await;
        let past_ring = Script {
            lose: plan.ring_frames + 4,
            queue_offline: false,
            full_render: true,
        };
        let clients = run_case(&ex, clients, &gate, past_ring, plan.server_pid, &mut resync).await;
        for mut c in clients {
            if let Some(mut ws) = c.ws.take() {
                let _ = ws.close(None).await;
            }
        }
        Report {
            opened: plan.sessions - open_errors as usize,
            open_secs,
            open_errors,
            resume,
            resync,
        }
    }))
}

impl Report {
    /// Prints a human-readable table.
    pub fn print_table(&mut self, plan: &Plan) {
        println!(
            "\n== reconnect ({} sessions, {} reconnects in flight at most, resume ring {} frames)",
            self.opened, plan.concurrency, plan.ring_frames
        );
        println!(
            "opened in {:.1} s ({} failed); connect → usable, µs:",
            self.open_secs, self.open_errors
        );
        println!(
            "{:>7} {:>6} {:>7} {:>7} {:>7} {:>8} {:>8} {:>6} {:>6} {:>7} {:>6} {:>9} {:>9} {:>8}",
            "case",
            "ok",
            "p50",
            "p90",
            "p99",
            "max",
            "replayed",
            "full",
            "resent",
            "resyncs",
            "errors",
            "srv µs/rc",
            "cli µs/rc",
            "handoffs"
        );
        for (name, c) in [("resume", &mut self.resume), ("resync", &mut self.resync)] {
            let [p50, p90, p99, _, max] = c.lat.percentiles();
            let (srv, cli) = c.cpu_per();
            println!(
                "{name:>7} {:>6} {p50:>7} {p90:>7} {p99:>7} {max:>8} {:>8} {:>6} {:>6} {:>7} {:>6} {srv:>9.0} {cli:>9.0} {:>8}",
                c.ok, c.replayed, c.full_renders, c.resent, c.resyncs, c.errors, c.handoffs
            );
            if let Some(e) = &c.first_error {
                println!("  first {name} error: {e}");
            }
        }
    }

    /// One JSON line (the loadgen.jsonl family: date, workload, workers, errors).
    pub fn json(&mut self, plan: &Plan, workers: u32, date: &str) -> String {
        let case = |c: &mut Case| {
            let [p50, p90, p99, p999, max] = c.lat.percentiles();
            let (srv, cli) = c.cpu_per();
            format!(
                "{{\"ok\":{},\"p50_us\":{p50},\"p90_us\":{p90},\"p99_us\":{p99},\"p999_us\":{p999},\"max_us\":{max},\
\"replayed\":{},\"full_renders\":{},\"resent\":{},\"resyncs\":{},\"errors\":{},\
\"server_cpu_us_per_reconnect\":{srv:.1},\"client_cpu_us_per_reconnect\":{cli:.1},\"handoffs\":{}}}",
                c.ok, c.replayed, c.full_renders, c.resent, c.resyncs, c.errors, c.handoffs
            )
        };
        let resume = case(&mut self.resume);
        let resync = case(&mut self.resync);
        format!(
            "{{\"date\":\"{date}\",\"workload\":\"reconnect\",\"workers\":{workers},\"sessions\":{},\
\"concurrency\":{},\"ring_frames\":{},\"open_secs\":{:.3},\"resume\":{resume},\"resync\":{resync},\"errors\":{}}}",
            self.opened,
            plan.concurrency,
            plan.ring_frames,
            self.open_secs,
            self.open_errors + self.resume.errors + self.resync.errors
        )
    }
}
