//! `vango dev`: builds the app (debug), runs it with `VANGO_DEV=1`, and on every saved Rust
//! change rebuilds and restarts it; a failed build keeps the last good server running, a
//! static file change needs no restart (the app reads `static/` from disk). Spawns cargo
//! and the app, binds the port once to tell if it is free, polls the project's files.

use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::cargo::build_bin;
use crate::project::Project;
use crate::sys;
use crate::watch::Snapshot;

const POLL: Duration = Duration::from_millis(50);
/// How long a graceful stop may take before the server is killed: dev sessions restore
/// their state on reconnect, so waiting longer buys nothing.
const STOP_GRACE: Duration = Duration::from_secs(2);
const READY_LIMIT: Duration = Duration::from_secs(20);

/// Runs `vango dev` until SIGINT/SIGTERM.
pub fn run(port: Option<u16>) -> Result<(), String> {
    let p = Project::here()?;
    let addr = match port {
        Some(0) => return Err("--port 0: `vango dev` needs a fixed port to reload on".into()),
        Some(port) => format!("127.0.0.1:{port}"),
        None => std::env::var("VANGO_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into()),
    };
    let sock = resolve(&addr)?;
    check_free(sock)?;
    sys::catch_stop_signals();
    let roots: Vec<PathBuf> = ["src", "static", "Cargo.toml", "build.rs"]
        .iter()
        .map(|r| p.root.join(r))
        .collect();
    let mut seen = Snapshot::take(&roots);
    let mut server: Option<Child> = None;
    let mut pending = true; // the first build
    let mut why = String::from("start");
    loop {
        if sys::stop_requested() {
            if let Some(child) = server.take() {
                stop(child);
            }
            log("stopped");
            return Ok(());
        }
        if pending {
            pending = false;
            let t0 = Instant::now();
            match build_bin(&p, &[]) {
                Err(e) => log(&format!(
                    "{e}; {} (save to try again)",
                    if server.is_some() {
                        "the last good build keeps running"
                    } else {
                        "nothing running yet"
                    }
                )),
                Ok(exe) => {
                    let built = t0.elapsed();
                    let t1 = Instant::now();
                    if let Some(child) = server.take() {
                        stop(child);
                    }
                    let stopped = t1.elapsed();
                    match start(&p, &exe, &addr, sock) {
                        Ok(child) => {
                            log(&format!(
                                "{why}: built in {:.2} s, restarted in {:.2} s (stop {:.2} s) — http://{addr}",
                                built.as_secs_f64(),
                                t1.elapsed().as_secs_f64(),
                                stopped.as_secs_f64()
                            ));
                            server = Some(child);
                        }
                        Err(e) => log(&format!("{e} (save to try again)")),
                    }
                }
            }
        }
        sleep(POLL);
        if let Some(child) = server.as_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                log(&format!(
                    "the server exited ({status}); save a change to restart it"
                ));
                server = None;
            }
        }
        let now = Snapshot::take(&roots);
        let changed = seen.changes(&now);
        if changed.is_empty() {
            continue;
        }
        // Editors save in steps (write, rename, touch): settle before building.
        sleep(POLL);
        seen = Snapshot::take(&roots);
        let rust: Vec<&PathBuf> = changed.iter().filter(|c| !is_static(&p.root, c)).collect();
        let shown = |v: &[&PathBuf]| {
            v.iter()
                .map(|c| c.strip_prefix(&p.root).unwrap_or(c).display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if rust.is_empty() {
            let all: Vec<&PathBuf> = changed.iter().collect();
            log(&format!(
                "{} changed (served from disk, no restart)",
                shown(&all)
            ));
        } else {
            why = format!("{} changed", shown(&rust));
            pending = true;
        }
    }
}

fn log(msg: &str) {
    eprintln!("[vango] {msg}");
}

fn is_static(root: &Path, path: &Path) -> bool {
    path.starts_with(root.join("static"))
}

fn resolve(addr: &str) -> Result<SocketAddr, String> {
    addr.to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| format!("`{addr}` is not an address (host:port)"))
}

/// Fails when something already listens on `addr` (the app binds with SO_REUSEPORT, so a
/// second server would otherwise share the port with the first instead of failing).
fn check_free(addr: SocketAddr) -> Result<(), String> {
    match TcpListener::bind(addr) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Err(format!(
            "port {} is in use (another `vango dev` or server?): stop it or pick another port with --port N",
            addr.port()
        )),
        Err(e) => Err(format!("cannot listen on {addr}: {e}")),
    }
}

/// Starts the server and waits until it accepts connections.
fn start(p: &Project, exe: &Path, addr: &str, sock: SocketAddr) -> Result<Child, String> {
    let mut cmd = Command::new(exe);
    cmd.current_dir(&p.root)
        .env("VANGO_DEV", "1")
        .env("VANGO_ADDR", addr);
    if std::env::var_os("VANGO_STATE_DIR").is_none()
        && std::env::var_os("VANGO_SECRET_KEY").is_none()
    {
        // Next to the build, so the dev key never lands in the user's own state folder.
        if let Some(target) = exe.parent().and_then(Path::parent) {
            cmd.env("VANGO_STATE_DIR", target.join("vango-dev-state"));
        }
    }
    sys::die_with_parent(&mut cmd);
    let mut child = cmd.spawn().map_err(|e| format!("{}: {e}", exe.display()))?;
    let t0 = Instant::now();
    loop {
        if TcpStream::connect_timeout(&sock, Duration::from_millis(200)).is_ok() {
            return Ok(child);
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "the server exited at start ({status}); its messages are above"
            ));
        }
        if t0.elapsed() > READY_LIMIT {
            stop(child);
            return Err(format!(
                "the server did not listen on {addr} within {READY_LIMIT:?}"
            ));
        }
        sleep(Duration::from_millis(5));
    }
}

/// SIGTERM, then SIGKILL if it has not exited within [`STOP_GRACE`].
fn stop(mut child: Child) {
    sys::terminate(child.id());
    let t0 = Instant::now();
    while t0.elapsed() < STOP_GRACE {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
}
