//! Fan-out workload: N sessions subscribed to one `GlobalSignal` (examples/fanout.rs), one
//! more session writes it with a click; measures, per write, the time from sending the
//! click to each subscriber receiving its Patches frame (p50, p99, last arrival).
//!
//! All sessions run on this one client thread, which shares the machine with the server:
//! an arrival is timed when this thread reads the frame, so the spread includes the
//! client's own time to read 10,000 frames. The client's own CPU per received patch is
//! reported beside the server's, over the same windows, so the two can be told apart.
//!
//! Across nodes (`--redis URL`): two server processes share the global through Redis; the
//! subscribers are split evenly over them (with one subscriber, it is on the node that does
//! not take the write) and the writer is on the first, so each arrival is also counted per
//! node: the second node's are write → patch across nodes.

use std::cell::{Cell, RefCell};
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::Message;
use futures_lite::{future, StreamExt};
use smol::{LocalExecutor, Timer};
use vango::protocol::{decode_server, ClientFrame, ServerFrame};
use vango::vdom::{Event, EventData};

use crate::net::{self, Ws};
use crate::procfs::cpu_time;
use crate::stats::Latencies;

/// Writes (rounds) measured after the sessions are open (with few subscribers, more
/// rounds, so that a p99 rests on enough samples).
fn rounds(subscribers: usize) -> usize {
    if subscribers < 100 {
        200
    } else {
        10
    }
}
/// Sessions opening at once.
const OPENING: usize = 128;

#[derive(Default)]
struct Shared {
    /// The round in flight (0: none) and when its click was sent.
    round: Cell<usize>,
    t0: Cell<Option<Instant>>,
    /// Arrival delays of the round in flight, and the node of each.
    arrivals: RefCell<Vec<(Duration, usize)>>,
    stop: Cell<bool>,
    errors: Cell<u64>,
    first_error: RefCell<Option<String>>,
}

impl Shared {
    fn error(&self, e: String) {
        self.errors.set(self.errors.get() + 1);
        self.first_error.borrow_mut().get_or_insert(e);
    }
}

/// Opens one session: page GET (token, hash, button hid), WebSocket, Hello.
/// Returns the socket, the owning core (from the session id) and the button's hid.
async fn open(idx: usize, addr: SocketAddr) -> Result<(Ws, usize, u32), String> {
    let src = 1 + (idx % 16) as u8;
    let o = net::open_session(src, addr).await?;
    let hid = *net::clickable_hids(&o.html)
        .first()
        .ok_or("page has no button")?;
    // A named node's ids are `node.` then the core's two hex digits.
    let id = o.session.rsplit('.').next().unwrap_or("");
    let core = usize::from_str_radix(id.get(..2).unwrap_or("0"), 16)
        .map_err(|e| format!("session id: {e}"))?;
    Ok((o.ws, core, hid))
}

/// A subscriber: records when each round's Patches frame arrives; pings every 20 s so
/// the server's idle timeout never drops it.
async fn subscribe(mut ws: Ws, node: usize, sh: Rc<Shared>) {
    let mut nonce = 0;
    let mut last_round = 0;
    while !sh.stop.get() {
        let msg = future::or(async { Some(ws.next().await) }, async {
            Timer::after(Duration::from_secs(20)).await;
            None
        })
        .await;
        let b = match msg {
            None => {
                nonce += 1;
                let mut out = Vec::new();
                ClientFrame::Ping(nonce).encode(&mut out);
                let _ = ws.send(Message::binary(out)).await;
                continue;
            }
            Some(Some(Ok(Message::Binary(b)))) => b,
            Some(Some(Ok(_))) => continue,
            Some(other) => {
                if !sh.stop.get() {
                    sh.error(format!("subscriber socket: {other:?}"));
                }
                return;
            }
        };
        let now = Instant::now();
        match decode_server(&b) {
            Ok(ServerFrame::Patches { .. }) => {
                let round = sh.round.get();
                // A full render right after Hello (round 0) is not a fan-out.
                if round > last_round {
                    last_round = round;
                    if let Some(t0) = sh.t0.get() {
                        sh.arrivals.borrow_mut().push((now - t0, node));
                    }
                }
            }
            Ok(ServerFrame::Pong(_)) => {}
            Ok(other) => sh.error(format!("unexpected frame {other:?}")),
            Err(e) => sh.error(format!("decode: {e}")),
        }
    }
    let _ = ws.close(None).await;
}

fn pct(sorted: &[Duration], q: f64) -> Duration {
    let n = sorted.len();
    sorted[((q * n as f64).ceil() as usize).clamp(1, n) - 1]
}

/// Runs the fan-out workload against the servers at `addrs` (one, or two nodes sharing
/// the global through Redis; `pids`: theirs) with `n` subscribers.
/// `redis`: the Redis they share, whose traffic per write is reported.
pub fn run(addrs: &[SocketAddr], pids: &[u32], n: usize, redis: Option<&str>) {
    let nodes = addrs.len();
    let rounds = rounds(n);
    let cpu_time = |pids: &[u32]| pids.iter().map(|&p| cpu_time(p)).sum::<Duration>();
    // Leaked (once per run): tasks spawn more tasks on it.
    let ex: &'static LocalExecutor<'static> = Box::leak(Box::new(LocalExecutor::new()));
    let sh = Rc::new(Shared::default());
    smol::block_on(ex.run(async {
        let started = Instant::now();
        let gate = Rc::new(smol::lock::Semaphore::new(OPENING));
        let per_core = Rc::new(RefCell::new(vec![0usize; 128 * nodes]));
        let opened = Rc::new(Cell::new(0usize));
        let tasks: Vec<_> = (0..n)
            .map(|i| {
                let (gate, sh, per_core, opened) =
                    (gate.clone(), sh.clone(), per_core.clone(), opened.clone());
                // Subscriber 0 on the node that does not take the write (when there are two).
                let node = (i + 1) % nodes;
                let addr = addrs[node];
                ex.spawn(async move {
                    let permit = gate.acquire().await;
                    let r = open(i, addr).await;
                    drop(permit);
                    match r {
                        Ok((ws, core, _)) => {
                            per_core.borrow_mut()[node * 128 + core.min(127)] += 1;
                            opened.set(opened.get() + 1);
                            ex.spawn(subscribe(ws, node, sh)).detach();
                        }
                        Err(e) => sh.error(format!("open #{i}: {e}")),
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await;
        }
        let cores: Vec<String> = per_core
            .borrow()
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| match nodes {
                1 => format!("core {c}: {n}"),
                _ => format!("node {} core {}: {n}", c / 128, c % 128),
            })
            .collect();
        println!(
            "\n== fanout\nopened {} subscribers in {:.1} s ({})",
            opened.get(),
            started.elapsed().as_secs_f64(),
            cores.join(", ")
        );
        let (mut writer, _, hid) = match open(n, addrs[0]).await {
            Ok(w) => w,
            Err(e) => {
                println!("writer: {e}");
                return;
            }
        };
        let mut all = Latencies::default();
        let mut per_node: Vec<Latencies> = (0..nodes).map(|_| Latencies::default()).collect();
        let mut lasts = Vec::new();
        let mut cpu = Duration::ZERO;
        let mut client_cpu = Duration::ZERO;
        let me = std::process::id();
        let mut delivered = 0usize;
        let meter = redis.and_then(crate::redis_stats::Meter::start);
        for round in 1..=rounds {
            // Long enough for every subscriber to have read the last round's frame.
            let pause = if n < 100 { 20 } else { 300 };
            Timer::after(Duration::from_millis(pause)).await;
            sh.arrivals.borrow_mut().clear();
            sh.round.set(round);
            let mut click = Vec::new();
            ClientFrame::Event {
                seq: round as u64,
                event: Event {
                    hid,
                    name: "click",
                    data: EventData::None,
                },
            }
            .encode(&mut click);
            let cpu0 = cpu_time(pids);
            let client0 = crate::procfs::cpu_time(me);
            sh.t0.set(Some(Instant::now()));
            if let Err(e) = writer.send(Message::binary(click)).await {
                println!("writer send: {e}");
                return;
            }
            // The writer's own Patches frame (its answer), then the subscribers'.
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                let got = sh.arrivals.borrow().len();
                if got >= opened.get() || Instant::now() > deadline {
                    break;
                }
                future::or(
                    async {
                        let _ = writer.next().await;
                    },
                    async {
                        Timer::after(Duration::from_millis(1)).await;
                    },
                )
                .await;
            }
            cpu += cpu_time(pids).saturating_sub(cpu0);
            client_cpu += crate::procfs::cpu_time(me).saturating_sub(client0);
            for &(d, node) in sh.arrivals.borrow().iter() {
                per_node[node].record(d);
            }
            let mut a: Vec<Duration> = sh.arrivals.borrow().iter().map(|a| a.0).collect();
            delivered += a.len();
            a.sort_unstable();
            if a.is_empty() {
                println!("round {round}: no arrivals");
                continue;
            }
            for d in &a {
                all.record(*d);
            }
            let last = *a.last().unwrap();
            lasts.push(last);
            if rounds > 10 {
                continue;
            }
            println!(
                "round {round}: {}/{} arrived: p50 {:.2} ms, p99 {:.2} ms, last {:.2} ms",
                a.len(),
                opened.get(),
                pct(&a, 0.5).as_secs_f64() * 1e3,
                pct(&a, 0.99).as_secs_f64() * 1e3,
                last.as_secs_f64() * 1e3
            );
        }
        let [p50, _, p99, _, max] = all.percentiles();
        lasts.sort_unstable();
        if !lasts.is_empty() {
            println!(
                "all rounds: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; last arrival median {:.2} ms",
                p50 as f64 / 1e3,
                p99 as f64 / 1e3,
                max as f64 / 1e3,
                pct(&lasts, 0.5).as_secs_f64() * 1e3
            );
        }
        let mut by_node = String::new();
        if let Some(bytes) = meter.as_ref().and_then(|m| m.bytes()) {
            let per = bytes as f64 / rounds as f64;
            println!("redis: {bytes} B in + out over {rounds} writes, {per:.0} B per write");
            by_node.push_str(&format!(",\"redis_bytes_per_write\":{per:.0}"));
        }
        for (i, l) in per_node.iter_mut().enumerate() {
            let [p50, _, p99, _, max] = l.percentiles();
            let across = if nodes > 1 && i > 0 { " (across nodes)" } else { "" };
            println!(
                "node {i}{across}: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
                p50 as f64 / 1e3,
                p99 as f64 / 1e3,
                max as f64 / 1e3
            );
            by_node.push_str(&format!(
                ",\"node{i}_p50_us\":{p50},\"node{i}_p99_us\":{p99}"
            ));
        }
        let cpu_per = cpu.as_secs_f64() * 1e6 / delivered.max(1) as f64;
        println!(
            "server CPU: {:.0} ms over the rounds, {cpu_per:.1} µs per delivered patch (10 ms ticks)",
            cpu.as_secs_f64() * 1e3
        );
        let client_per = client_cpu.as_secs_f64() * 1e6 / delivered.max(1) as f64;
        println!(
            "client CPU: {:.0} ms over the rounds, {client_per:.1} µs per received patch (this one thread)",
            client_cpu.as_secs_f64() * 1e3
        );
        println!(
            "{{\"workload\":\"fanout\",\"nodes\":{nodes},\"subscribers\":{},\"rounds\":{rounds},\"p50_us\":{p50},\"p99_us\":{p99},\"max_us\":{max}{by_node},\"server_cpu_us_per_patch\":{cpu_per:.1},\"client_cpu_us_per_patch\":{client_per:.1},\"errors\":{}}}",
            opened.get(),
            sh.errors.get()
        );
        if let Some(e) = sh.first_error.borrow().as_ref() {
            println!("errors: {} (first: {e})", sh.errors.get());
        }
        sh.stop.set(true);
    }));
}
