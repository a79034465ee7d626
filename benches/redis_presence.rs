//! Bench: presence across nodes through a real `redis-server` (port 27393): join on one
//! node → in the other node's merged list (p50/p99), and Redis bytes per cursor move and
//! per heartbeat. Run: `cargo bench --features redis --bench redis_presence`.
//!
//! Two nodes in one process (two buses, two bridges); the receiving side is a subscribed
//! core handle, where a core's sessions would re-render. Needs `redis-server` on PATH.

use std::time::{Duration, Instant};

use vango::features::bus::{Bus, CoreBusHandle};
use vango::features::global::GlobalSignal;
use vango::features::redis::{RedisBridge, Track};
use vango_test_support::redis_server::RedisServer;

type Cursor = (String, i32, i32);

fn enc((name, x, y): &Cursor) -> Vec<u8> {
    [&x.to_le_bytes()[..], &y.to_le_bytes(), name.as_bytes()].concat()
}

fn dec(b: &[u8]) -> Option<Cursor> {
    let x = i32::from_le_bytes(b.get(..4)?.try_into().ok()?);
    let y = i32::from_le_bytes(b.get(4..8)?.try_into().ok()?);
    Some((String::from_utf8(b[8..].to_vec()).ok()?, x, y))
}

/// Redis's `INFO stats` bytes in + out (its own reply counts in the next call's total).
fn net_bytes(c: &mut redis::Connection) -> u64 {
    let info: String = redis::cmd("INFO").arg("stats").query(c).unwrap();
    info.lines()
        .filter_map(|l| {
            l.strip_prefix("total_net_input_bytes:")
                .or_else(|| l.strip_prefix("total_net_output_bytes:"))
        })
        .map(|v| v.trim().parse::<u64>().unwrap())
        .sum()
}

/// How many `EVALSHA` calls Redis ran (each presence heartbeat is one).
fn evals(c: &mut redis::Connection) -> u64 {
    let info: String = redis::cmd("INFO").arg("commandstats").query(c).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("cmdstat_evalsha:calls="))
        .map_or(0, |v| v.split(',').next().unwrap().parse().unwrap())
}

struct Node {
    bus: Bus,
    here: GlobalSignal<Vec<String>>,
    moves: GlobalSignal<Vec<Cursor>>,
    _bridge: RedisBridge,
}

fn node(url: &str, name: &str, heartbeat: Duration) -> Node {
    let bus = Bus::new();
    let (here, all) = (
        GlobalSignal::new(&bus, vec![]),
        GlobalSignal::new(&bus, vec![]),
    );
    let (moves, cursors) = (
        GlobalSignal::new(&bus, vec![]),
        GlobalSignal::new(&bus, vec![]),
    );
    let bridge = RedisBridge::builder(url, name)
        .unwrap()
        .heartbeat(heartbeat)
        .presence("who", here, all)
        .unwrap()
        .presence_with("cursors", moves, cursors, enc, dec, Track::Moves)
        .unwrap()
        .start(&bus)
        .unwrap();
    Node {
        bus,
        here,
        moves,
        _bridge: bridge,
    }
}

/// Blocks until a drained change of type `T` satisfies `ok`.
fn seen<T: 'static>(core: &mut CoreBusHandle, mut ok: impl FnMut(&T) -> bool) {
    loop {
        core.wait_blocking();
        let mut done = false;
        core.drain(|c| done |= c.get::<T>().is_some_and(&mut ok));
        if done {
            return;
        }
    }
}

fn main() {
    let port = 27393;
    let server = RedisServer::start(port);
    let url = RedisServer::url(port);
    let mut stats = redis::Client::open(url.as_str())
        .unwrap()
        .get_connection()
        .unwrap();

    // Joins and moves with heartbeats out of the way (one a minute).
    let quiet = Duration::from_secs(60);
    let (a, b) = (node(&url, "a", quiet), node(&url, "b", quiet));
    let mut core_b = b.bus.subscribe().unwrap();
    core_b.drain(|_| {});
    let joins = 500;
    let mut lat = Vec::with_capacity(joins);
    for i in 0..joins {
        let name = format!("guest-{i}@a");
        let t = Instant::now();
        a.here.set(vec![name.clone()]);
        seen::<Vec<String>>(&mut core_b, |v| v.contains(&name));
        lat.push(t.elapsed());
        a.here.set(vec![]);
        seen::<Vec<String>>(&mut core_b, |v| v.is_empty());
        // Past the 10 ms coalescing window, so each join is measured alone.
        std::thread::sleep(Duration::from_millis(12));
    }
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];

    let moves = 200;
    let before = net_bytes(&mut stats);
    for i in 0..moves {
        a.moves.set(vec![("guest-1@a".into(), 100 + i, 200)]);
        seen::<Vec<Cursor>>(&mut core_b, |v| v.first().is_some_and(|c| c.1 == 100 + i));
    }
    // The INFO round trips themselves are counted too; they are constant and small.
    let after = net_bytes(&mut stats);
    let per_move = (after - before) / moves as u64;
    drop((a, b, core_b));

    // Heartbeats only: two idle nodes, each with one visitor and one cursor.
    let hb = Duration::from_millis(100);
    let (a, b) = (node(&url, "c", hb), node(&url, "d", hb));
    a.here.set(vec!["guest-1@c".into()]);
    b.moves.set(vec![("guest-1@d".into(), 1, 2)]);
    std::thread::sleep(Duration::from_millis(500));
    let evals_before = evals(&mut stats);
    let before = net_bytes(&mut stats);
    std::thread::sleep(Duration::from_secs(5));
    let after = net_bytes(&mut stats);
    let evals_after = evals(&mut stats);
    let per_beat = (after - before) / (evals_after - evals_before).max(1);
    println!(
        "redis presence, 2 nodes: join->in the other node's list p50 {:?} p99 {:?} ({joins} joins); \
         Redis traffic {per_move} B/cursor move, {per_beat} B/heartbeat of one key \
         (in+out, both nodes subscribed)",
        p(0.5),
        p(0.99),
    );
    drop((a, b));
    drop(server);
}
