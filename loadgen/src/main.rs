//! Load generator: opens sessions the way a browser does, holds them idle, drives events,
//! and reports memory per session and event → patch latency. Also measures the bare echo
//! floor on the same stack, in the same run. `--workload reconnect` times resume after an
//! abrupt disconnect instead (`reconnect.rs`); `--workload drop-flood` opens and drops
//! sessions as fast as it can and follows the server's RSS (`dropflood.rs`); `--workload hold
//! --target ADDR` keeps sessions live on a server something else restarts (`hold.rs`).
//!
//! Run from the repo root (release build of the examples first; the servers are spawned from
//! `target/release/examples/`):
//! `cargo build --release --examples && cargo run --release -p vango-loadgen -- --help`

mod dropflood;
mod fanout;
mod hold;
mod net;
mod procfs;
mod reconnect;
mod reconnect_client;
mod redis_stats;
mod report;
mod session;
mod stats;
mod todo;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Args {
    workload: String,
    checkpoints: Vec<usize>,
    rate: u32,
    seconds: u64,
    closed_sessions: usize,
    port: u16,
    workers: u32,
    json: Option<String>,
    /// Whether `--sessions` was given (the reconnect workload defaults to 1,000).
    sessions_given: bool,
    /// Reconnects in flight at once (reconnect workload); flooding threads (drop-flood).
    concurrency: usize,
    /// Source addresses 127.0.0.1..=N the drop-flood spreads over.
    sources: u8,
    /// Longest wait for sessions to expire after the drop-flood, in seconds.
    settle: u64,
    /// `VANGO_MEMORY_BUDGET` for the server (drop-flood), if given.
    budget: Option<String>,
    /// A server this tool did not start (hold workload).
    target: Option<SocketAddr>,
    /// Milliseconds between one session's clicks (hold workload).
    click_every: u64,
    /// Todos per browser (todo-toggle).
    todos: usize,
    /// Fan-out across two nodes through this Redis.
    redis: Option<String>,
    /// Client threads the reconnect workload deals its sessions over.
    client_threads: usize,
    /// Wait after opening sessions before reading the server's memory.
    idle_wait: u64,
    /// Pause after each batch of 100 opened sessions, in milliseconds.
    open_pace: u64,
}

fn parse_args() -> Args {
    let mut a = Args {
        workload: "counter".into(),
        checkpoints: vec![1000, 5000, 10000, 19000],
        rate: 2000,
        seconds: 10,
        closed_sessions: 1000,
        port: 18080,
        workers: 2,
        json: None,
        sessions_given: false,
        concurrency: 16,
        sources: 200,
        settle: 75,
        budget: None,
        target: None,
        click_every: 1000,
        todos: 5,
        redis: None,
        client_threads: 1,
        idle_wait: 1000,
        open_pace: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = || it.next().unwrap_or_default();
        match arg.as_str() {
            "--workload" => a.workload = val(),
            "--sessions" => {
                a.sessions_given = true;
                a.checkpoints = val().split(',').filter_map(|s| s.parse().ok()).collect()
            }
            "--concurrency" => a.concurrency = val().parse().unwrap_or(a.concurrency),
            "--sources" => a.sources = val().parse().unwrap_or(a.sources),
            "--settle" => a.settle = val().parse().unwrap_or(a.settle),
            "--budget" => a.budget = Some(val()),
            "--target" => a.target = val().parse().ok(),
            "--click-every" => a.click_every = val().parse().unwrap_or(a.click_every),
            "--todos" => a.todos = val().parse().unwrap_or(a.todos),
            "--redis" => a.redis = Some(val()),
            "--client-threads" => a.client_threads = val().parse().unwrap_or(a.client_threads),
            "--idle-wait" => a.idle_wait = val().parse().unwrap_or(a.idle_wait),
            "--open-pace" => a.open_pace = val().parse().unwrap_or(a.open_pace),
            "--rate" => a.rate = val().parse().unwrap_or(a.rate),
            "--seconds" => a.seconds = val().parse().unwrap_or(a.seconds),
            "--closed" => a.closed_sessions = val().parse().unwrap_or(a.closed_sessions),
            "--port" => a.port = val().parse().unwrap_or(a.port),
            "--workers" => a.workers = val().parse().unwrap_or(a.workers),
            "--json" => a.json = Some(val()),
            "--browser-headers" => {
                net::BROWSER_HEADERS.store(true, std::sync::atomic::Ordering::Relaxed)
            }
            "--help" | "-h" => {
                println!(
                    "vango-loadgen --workload counter|list|todo|todo-toggle|echo|fanout|reconnect --sessions 1000,5000,10000,19000 \
                     --rate 2000 --seconds 10 --closed 1000 --port 18080 --workers 2 --json FILE \
                     --idle-wait MS (after opening, before reading memory; default 1000: longer than \
                     VANGO_HIBERNATE_AFTER to measure hibernated sessions) \
                     --open-pace MS (pause after each 100 sessions opened, default 0: a burst; longer \
                     than VANGO_HIBERNATE_AFTER, sessions arrive as they do over time) \
                     --browser-headers (upgrades carry Chromium's User-Agent, Accept-* and cache headers)\n\
                     reconnect: --sessions N (default 1000) --concurrency K (reconnects in flight, default 16) \
                     --client-threads T (client threads the sessions are dealt over, default 1)\n\
                     drop-flood: --seconds S --concurrency K (threads) --sources N (127.0.0.1..N, default 200) \
                     --settle S (wait for expiry, default 75) --budget 64M (the server's VANGO_MEMORY_BUDGET)\n\
                     fanout: --sessions N; --redis URL: two nodes (--port, --port + 1; the example built \
                     with --features redis) sharing the global, subscribers split, writes on the first\n\
                     hold: --target ADDR (a running counter) --sessions N --seconds S --click-every MS\n\
                     todo-toggle: one browser per session with --todos N (default 5) todos; clicks toggles, \
                     times click → the row's patch"
                );
                std::process::exit(0);
            }
            other => eprintln!("loadgen: ignoring argument {other}"),
        }
    }
    a
}

/// Finds `target/<profile>/examples/<name>`: this binary is `target/<profile>/vango-loadgen`
/// (one workspace, one target dir).
fn example_path(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile_dir = exe.parent().expect("target dir");
    let p = profile_dir.join("examples").join(name);
    if !p.exists() {
        eprintln!(
            "loadgen: {} is missing: run `cargo build --release --examples` first",
            p.display()
        );
        std::process::exit(2);
    }
    p
}

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(name: &str, port: u16, workers: u32) -> Server {
    start_server_env(name, port, workers, &[])
}

fn start_server_env(name: &str, port: u16, workers: u32, env: &[(&str, &str)]) -> Server {
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = Command::new(example_path(name))
        .envs(env.iter().copied())
        .env("VANGO_ADDR", addr.to_string())
        .env("VANGO_WORKERS", workers.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn server");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "server {name} did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    Server { child, addr }
}

/// Appends `line` to the JSON-lines file `path`.
fn append_json(path: &str, line: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open json output");
    writeln!(f, "{line}").expect("write json");
}

fn main() {
    let args = parse_args();
    let nofile = procfs::raise_nofile();
    let max = *args.checkpoints.iter().max().unwrap_or(&0);
    if (max as u64) + 100 > nofile {
        eprintln!("loadgen: open-files limit {nofile} is below {max} sessions");
    }
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    if args.workload == "reconnect" {
        let server = start_server("counter", args.port, args.workers);
        let plan = reconnect::Plan {
            sessions: if args.sessions_given { max } else { 1000 },
            concurrency: args.concurrency,
            // The counter serves with the default session settings.
            ring_frames: vango::live::SessionConfig::default().ring_frames,
            warm_clicks: 3,
            server_pid: server.child.id(),
            threads: args.client_threads,
        };
        let mut report = reconnect::run(server.addr, &plan);
        drop(server);
        report.print_table(&plan);
        let line = report.json(&plan, args.workers, &date);
        println!("{line}");
        if let Some(path) = args.json {
            append_json(&path, &line);
        }
        return;
    }
    if args.workload == "hold" {
        let Some(addr) = args.target else {
            eprintln!("loadgen: the hold workload needs --target ADDR");
            std::process::exit(2);
        };
        let plan = hold::Plan {
            sessions: max,
            seconds: args.seconds,
            click_every: Duration::from_millis(args.click_every),
        };
        let line = hold::run(addr, &plan);
        println!("{line}");
        if let Some(path) = args.json {
            append_json(&path, &line);
        }
        return;
    }
    if args.workload == "drop-flood" {
        let env: Vec<(&str, &str)> = args
            .budget
            .as_deref()
            .map(|b| ("VANGO_MEMORY_BUDGET", b))
            .into_iter()
            .collect();
        let server = start_server_env("list", args.port, args.workers, &env);
        let plan = dropflood::Plan {
            seconds: args.seconds,
            concurrency: args.concurrency,
            sources: args.sources,
            settle: Duration::from_secs(args.settle),
        };
        let report = dropflood::run(server.addr, server.child.id(), &plan);
        drop(server);
        report.print_table();
        let line = report.json(args.workers, &date);
        println!("{line}");
        if let Some(path) = args.json {
            append_json(&path, &line);
        }
        return;
    }
    if args.workload == "fanout" {
        // Two nodes sharing the global through Redis (the example built with the redis
        // feature), on --port and the next one.
        let servers: Vec<Server> = match &args.redis {
            None => vec![start_server("fanout", args.port, args.workers)],
            Some(url) => ["a", "b"]
                .iter()
                .zip(0..)
                .map(|(node, i)| {
                    let env = [("VANGO_REDIS_URL", url.as_str()), ("VANGO_NODE", node)];
                    start_server_env("fanout", args.port + i, args.workers, &env)
                })
                .collect(),
        };
        let addrs: Vec<SocketAddr> = servers.iter().map(|s| s.addr).collect();
        let pids: Vec<u32> = servers.iter().map(|s| s.child.id()).collect();
        fanout::run(&addrs, &pids, max, args.redis.as_deref());
        return;
    }
    let example = match args.workload.as_str() {
        "echo" => "echo",
        "list" => "list",
        "todo" | "todo-toggle" => "todo",
        _ => "counter",
    };
    // The todo example: a fresh database, one browser with 50 todos, every session its tab.
    let db = std::env::temp_dir().join(format!("vango-loadgen-todo-{}", std::process::id()));
    let db_file = db.join("todo.sqlite3");
    let server = if example == "todo" {
        let _ = std::fs::remove_dir_all(&db);
        std::fs::create_dir_all(&db).expect("a temp dir for the database");
        let env = [(
            "VANGO_TODO_DB",
            db_file.to_str().expect("a UTF-8 temp path"),
        )];
        let server = start_server_env(example, args.port, args.workers, &env);
        if args.workload == "todo-toggle" {
            // Every session its own browser with a few todos, all in the one SQLite file:
            // a toggle refetches only that browser's list (its tabs), as in real use.
            let t = std::time::Instant::now();
            let _ = net::COOKIES.set(todo::seed_many(server.addr, max, args.todos, 4));
            eprintln!(
                "loadgen: seeded {max} browsers with {} todos each in {:.1} s",
                args.todos,
                t.elapsed().as_secs_f64()
            );
        } else {
            let _ = net::COOKIE.set(todo::seed(server.addr, 50));
        }
        server
    } else {
        start_server(example, args.port, args.workers)
    };
    let report = session::run(
        &args.workload,
        server.addr,
        server.child.id(),
        &session::Plan {
            checkpoints: args.checkpoints.clone(),
            rate: args.rate,
            seconds: args.seconds,
            closed_sessions: args.closed_sessions,
            idle_wait: Duration::from_millis(args.idle_wait),
            open_pace: Duration::from_millis(args.open_pace),
        },
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&db);
    let line = report.json(&args.workload, args.workers, &date);
    report.print_table(&args.workload);
    println!("{line}");
    if let Some(path) = args.json {
        append_json(&path, &line);
    }
}
