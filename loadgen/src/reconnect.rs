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
//! click yields one Patches frame.
//!
//! The sessions are dealt round-robin over `threads` client threads (each its own local
//! executor); every stage boundary is a barrier across them and one gate bounds the
//! reconnects in flight over all of them. One thread (the default) is the harness the rows
//! before 2026-12-06 used; the client threads share the machine's cores with the server.

use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use futures_lite::future;
use smol::lock::Semaphore;
use smol::{LocalExecutor, Timer};

use crate::net;
use crate::reconnect_client::Client;
use crate::stats::Latencies;

/// CPU time of every thread of process `pid` so far, in nanoseconds (the first field of
/// each `/proc/PID/task/TID/schedstat`): 10 ms ticks are too coarse for ≈50 µs per
/// reconnect over 1,000 reconnects.
fn cpu_time(pid: u32) -> Duration {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Duration::ZERO;
    };
    let ns: u64 = tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(ns)
}

/// Sessions opening at once.
const OPENING: usize = 128;

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
    /// Client threads the sessions are dealt over.
    pub threads: usize,
}

/// One case's measurements.
#[derive(Default)]
pub struct Case {
    /// Connect → usable, per successful resume.
    pub lat: Latencies,
    /// The same, unsorted, while the threads' parts are merged.
    took: Vec<Duration>,
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
    /// CPU time of the server during the timed stage (ns, from schedstat).
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

/// What the client threads share: the barrier at every stage boundary, the gate, and which
/// thread samples the server's counters.
struct Sync {
    barrier: Arc<Barrier>,
    gate: Arc<Semaphore>,
    leader: bool,
    server_pid: u32,
}

impl Sync {
    /// Waits for every thread to finish the stage. Blocking is fine: this thread's tasks
    /// are all done with it, and the others drive the reactor meanwhile.
    fn wait(&self) {
        self.barrier.wait();
    }
}

/// Runs one case over `clients` in three stages (every session on every thread finishes a
/// stage before any starts the next, so only reconnects overlap the timed stage); returns
/// the survivors. Only the leader fills the CPU and hand-off fields.
async fn run_case(
    ex: &LocalExecutor<'_>,
    clients: Vec<Client>,
    sync: &Sync,
    s: Script,
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
    let addr = ready.first().map(|c| c.addr).filter(|_| sync.leader);
    sync.wait();
    let handoffs0 = match addr {
        Some(a) => handoffs(a).await.unwrap_or(0),
        None => 0,
    };
    let cpu0 = (cpu_time(sync.server_pid), cpu_time(std::process::id()));
    sync.wait();
    let resumed = each(ex, ready, |mut c| {
        let gate = sync.gate.clone();
        async move {
            let r = reconnect(&mut c, &gate, s).await;
            (c, r)
        }
    })
    .await;
    sync.wait();
    if sync.leader {
        case.server_cpu = cpu_time(sync.server_pid).saturating_sub(cpu0.0);
        case.client_cpu = cpu_time(std::process::id()).saturating_sub(cpu0.1);
    }
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
                case.took.push(r.took);
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

impl Case {
    /// Adds another thread's part of the same case.
    fn merge(&mut self, o: Case) {
        self.took.extend(o.took);
        self.ok += o.ok;
        self.errors += o.errors;
        if self.first_error.is_none() {
            self.first_error = o.first_error;
        }
        self.replayed += o.replayed;
        self.full_renders += o.full_renders;
        self.resent += o.resent;
        self.resyncs += o.resyncs;
        self.server_cpu += o.server_cpu;
        self.client_cpu += o.client_cpu;
        self.handoffs += o.handoffs;
    }
}

/// Runs both cases against the counter at `addr`, the sessions dealt over
/// `plan.threads` client threads.
pub fn run(addr: SocketAddr, plan: &Plan) -> Report {
    let threads = plan.threads.clamp(1, plan.sessions.max(1));
    let barrier = Arc::new(Barrier::new(threads));
    let gate = Arc::new(Semaphore::new(plan.concurrency.max(1)));
    let started = Instant::now();
    let parts: Vec<Part> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let sync = Sync {
                    barrier: barrier.clone(),
                    gate: gate.clone(),
                    leader: t == 0,
                    server_pid: plan.server_pid,
                };
                let mine: Vec<usize> = (t..plan.sessions).step_by(threads).collect();
                scope.spawn(move || run_part(addr, plan, mine, &sync, started))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client thread"))
            .collect()
    });
    let mut report = Report {
        opened: 0,
        open_secs: 0.0,
        open_errors: 0,
        resume: Case::default(),
        resync: Case::default(),
    };
    for p in parts {
        report.opened += p.opened;
        report.open_secs = report.open_secs.max(p.open_secs);
        report.open_errors += p.open_errors;
        report.resume.merge(p.resume);
        report.resync.merge(p.resync);
    }
    for c in [&mut report.resume, &mut report.resync] {
        for d in std::mem::take(&mut c.took) {
            c.lat.record(d);
        }
    }
    report
}

/// One client thread's share of a run.
struct Part {
    opened: usize,
    open_secs: f64,
    open_errors: u64,
    resume: Case,
    resync: Case,
}

/// One client thread: opens the sessions `mine` (indices), then both cases in step with
/// the other threads.
fn run_part(
    addr: SocketAddr,
    plan: &Plan,
    mine: Vec<usize>,
    sync: &Sync,
    started: Instant,
) -> Part {
    let ex = LocalExecutor::new();
    future::block_on(ex.run(async {
        let opening = Rc::new(Semaphore::new(OPENING));
        let warm = plan.warm_clicks;
        let asked = mine.len();
        let opened = each(&ex, mine, |i| {
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
        sync.wait();
        let open_secs = started.elapsed().as_secs_f64();
        if sync.leader {
            eprintln!("loadgen: sessions open in {open_secs:.1} s");
        }
        let mut resume = Case::default();
        let mut resync = Case::default();
        Timer::after(Duration::from_millis(500)).await;
        let one_lost = Script {
            lose: 1,
            queue_offline: true,
            full_render: false,
        };
        let clients = run_case(&ex, clients, sync, one_lost, &mut resume).await;
        Timer::after(Duration::from_millis(500)).await;
        let past_ring = Script {
            lose: plan.ring_frames + 4,
            queue_offline: false,
            full_render: true,
        };
        let clients = run_case(&ex, clients, sync, past_ring, &mut resync).await;
        for mut c in clients {
            if let Some(mut ws) = c.ws.take() {
                let _ = ws.close(None).await;
            }
        }
        Part {
            opened: asked - open_errors as usize,
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
            "\n== reconnect ({} sessions, {} reconnects in flight at most, resume ring {} frames, {} client threads)",
            self.opened, plan.concurrency, plan.ring_frames, plan.threads
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
\"concurrency\":{},\"client_threads\":{},\"ring_frames\":{},\"open_secs\":{:.3},\"resume\":{resume},\"resync\":{resync},\"errors\":{}}}",
            self.opened,
            plan.concurrency,
            plan.threads,
            plan.ring_frames,
            self.open_secs,
            self.open_errors + self.resume.errors + self.resync.errors
        )
    }
}
