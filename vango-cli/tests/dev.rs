//! `vango dev` as real processes: it serves the scaffold, a saved view change is on the page
//! after a rebuild and restart, a failed build keeps the last good server, a static file
//! change needs no restart, and a port in use is a clear error. With `VANGO_CLI_BENCH=N`
//! it also measures save → updated page over N rounds and prints the median.

mod support;

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::sleep;
use std::time::{Duration, Instant};

use support::{get, run_limited, scaffold, stderr};

/// Ample for a command that should fail before it builds anything.
const LIMIT: Duration = Duration::from_secs(60);

/// A running `vango dev` and what it has logged; stopped (SIGTERM) on drop.
struct Dev {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Dev {
    fn start(app: &Path, port: u16) -> Dev {
        let mut child = support::vango(app)
            .args(["dev", "--port", &port.to_string()])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        Dev { child, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log holds `n` lines containing `needle`.
    fn wait_log(&self, needle: &str, n: usize) {
        let t0 = Instant::now();
        while self.log().matches(needle).count() < n {
            assert!(
                t0.elapsed() < Duration::from_secs(600),
                "no `{needle}` in:\n{}",
                self.log()
            );
            sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Dev {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// A port in this suite's range that is free now.
fn free_port(from: u16) -> u16 {
    (from..42000)
        .find(|p| TcpListener::bind(("127.0.0.1", *p)).is_ok())
        .expect("a free port")
}

/// Waits until the page at `/` contains `text`; how long that took.
fn wait_page(port: u16, text: &str) -> Duration {
    let t0 = Instant::now();
    loop {
        if get(port, "/").is_some_and(|b| b.contains(text)) {
            return t0.elapsed();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(600),
            "`{text}` never served"
        );
        sleep(Duration::from_millis(10));
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn dev_rebuilds_restarts_and_keeps_the_last_good_build() {
    let app = scaffold("dev", "devapp");
    let port = free_port(41100);
    let dev = Dev::start(&app, port);
    wait_page(port, "Welcome to devapp");

    let index = app.join("src/routes/index.rs");
    edit(&index, "Welcome to devapp", "Edited once");
    wait_page(port, "Edited once");
    dev.wait_log("src/routes/index.rs changed: built in", 1);

    // A broken save: the build fails, the last good server still answers.
    edit(&index, "h1(\"Edited once\")", "h1(\"Broken\"");
    dev.wait_log("the last good build keeps running", 1);
    assert!(get(port, "/").unwrap().contains("Edited once"));

    // A static file is read from disk: no restart.
    let css = app.join("static/app.css");
    edit(&css, "max-width: 40rem", "max-width: 41rem");
    dev.wait_log("no restart", 1);
    assert!(get(port, "/static/app.css").unwrap().contains("41rem"));
    assert!(!dev.log().contains("static/app.css changed: built"));

    edit(&index, "h1(\"Broken\"", "h1(\"Fixed\")");
    wait_page(port, "Fixed");

    // A second `vango dev` on the same port refuses to start.
    let out = run_limited(&app, &["dev", "--port", &port.to_string()], LIMIT);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("port {port} is in use")),
        "{}",
        stderr(&out)
    );

    drop(dev);
    sleep(Duration::from_millis(300));
    assert!(get(port, "/").is_none(), "the server outlived `vango dev`");
    let _ = fs::remove_dir_all(app.parent().unwrap());
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let app = scaffold("port", "portapp");
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let out = run_limited(&app, &["dev", "--port", &port.to_string()], LIMIT);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("port {port} is in use")) && err.contains("--port"),
        "{err}"
    );
    let _ = fs::remove_dir_all(app.parent().unwrap());
}

/// `VANGO_CLI_BENCH=N cargo test -p vango-cli --test dev -- --nocapture save_to_page`:
/// N one-line view changes, each timed from the write to the first GET that shows it.
#[test]
fn save_to_page_bench() {
    let Some(rounds) = std::env::var("VANGO_CLI_BENCH")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    else {
        return;
    };
    let app = scaffold("bench", "benchapp");
    let port = free_port(41500);
    let dev = Dev::start(&app, port);
    wait_page(port, "Welcome to benchapp");
    let index = app.join("src/routes/index.rs");
    let mut last = "Welcome to benchapp".to_string();
    let mut times = Vec::new();
    for i in 0..rounds {
        sleep(Duration::from_millis(500));
        let next = format!("Round {i}");
        edit(&index, &last, &next);
        times.push(wait_page(port, &next));
        last = next;
    }
    dev.wait_log("changed: built in", rounds);
    let mut sorted = times.clone();
    sorted.sort();
    println!("save → updated page, {rounds} rounds: {times:?}");
    println!("median {:?}", sorted[rounds / 2]);
    println!("vango dev log (build / restart per round):\n{}", dev.log());
}
