//! Bench: write → applied on another node's bus through a real `redis-server` (port
//! 27383), p50/p99, and Redis bytes per write. Run: `cargo bench --features redis --bench redis_bridge`.
//!
//! Two nodes in one process (two buses, two bridges, as two processes would have); the
//! receiving side is a subscribed core handle, i.e. the point where a core's sessions
//! re-render. Needs `redis-server` on PATH.

use std::time::Instant;

use vango::features::{bus::Bus, global::GlobalSignal, redis::RedisBridge};
use vango_test_support::redis_server::RedisServer;

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

fn main() {
    let port = 27383;
    let server = RedisServer::start(port);
    let url = RedisServer::url(port);
    let (bus_a, bus_b) = (Bus::new(), Bus::new());
    let (a, b) = (
        GlobalSignal::new(&bus_a, 0u64),
        GlobalSignal::new(&bus_b, 0u64),
    );
    let _ra = RedisBridge::builder(&url, "a")
        .unwrap()
        .share("n", a)
        .unwrap()
        .start(&bus_a)
        .unwrap();
    let _rb = RedisBridge::builder(&url, "b")
        .unwrap()
        .share("n", b)
        .unwrap()
        .start(&bus_b)
        .unwrap();
    let mut core_b = bus_b.subscribe().unwrap();
    core_b.drain(|_| {});
    let mut stats = redis::Client::open(url.as_str())
        .unwrap()
        .get_connection()
        .unwrap();
    let writes = 5000u64;
    let before = net_bytes(&mut stats);
    let mut lat = Vec::with_capacity(writes as usize);
    for i in 1..=writes {
        let t = Instant::now();
        a.set(i);
        'seen: loop {
            core_b.wait_blocking();
            let mut done = false;
            core_b.drain(|c| done |= c.get::<u64>() == Some(&i));
            if done {
                break 'seen;
            }
        }
        lat.push(t.elapsed());
    }
    // The INFO round trip itself is counted too; it is constant and small.
    let bytes = net_bytes(&mut stats) - before;
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
    println!(
        "redis bridge, u64 global, {writes} sequential writes: write->applied on the other node p50 {:?} p99 {:?}; Redis traffic {} B/write (in+out, both nodes)",
        p(0.5),
        p(0.99),
        bytes / writes
    );
    drop(server);
}
