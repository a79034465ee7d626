//! systemd integration over real processes and sockets: notify messages (READY, WATCHDOG,
//! STOPPING) on a fake `NOTIFY_SOCKET`, a stuck core stopping the watchdog, socket
//! activation under Debian's `systemd-socket-activate`, and restarts under load with no
//! refused connection. Touches only temp dirs, loopback sockets and its own children.
//!
//! Each server is this test binary run again as a child (the `child_app` entry below): the
//! counter page through `App::serve_env`, configured by the environment as a unit does.
//! `tests/all.sh` installs the `systemd` package; without it the activation test fails.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use vango::prelude::*;

/// Set for the child process: `child_app` serves instead of returning.
const CHILD: &str = "VANGO_SYSTEMD_TEST_CHILD";
/// A TEST-NET address no interface has: a child that binds it instead of using the
/// inherited socket fails to start.
const UNBINDABLE: &str = "203.0.113.1:9";

fn counter() -> impl Render {
    let count = signal(0);
    move || {
        div((
            h1(format!("Count: {}", count.get())),
            button("+").on_click(move |_| count.inc()),
        ))
    }
}

/// The child's entry point; a no-op in the parent's own run.
#[test]
fn child_app() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    vango::App::new()
        .title("Counter")
        .page("/", counter)
        // Blocks its core's executor: the watchdog must notice.
        .page("/stall", || {
            thread::sleep(Duration::from_millis(2500));
            counter()
        })
        .serve_env()
        .expect("serve_env");
}

/// The child: this binary running only `child_app`, with a clean systemd environment.
fn child_command(envs: &[(&str, &str)]) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args(["child_app", "--exact", "--nocapture", "--test-threads=1"]);
    for k in [
        "NOTIFY_SOCKET",
        "WATCHDOG_USEC",
        "WATCHDOG_PID",
        "LISTEN_FDS",
        "LISTEN_PID",
        "LISTEN_FDNAMES",
        "VANGO_ADDR",
        "VANGO_WORKERS",
    ] {
        c.env_remove(k);
    }
    c.env(CHILD, "1").envs(envs.iter().copied());
    // The child's libtest chatter; its stderr (the server's) stays visible.
    c.stdout(Stdio::null());
    c
}

/// Kills the child if a test fails before it exits.
struct Proc(Child);

impl Proc {
    fn pid(&self) -> u32 {
        self.0.id()
    }

    fn sigterm(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Waits for the exit; `true` if it exited 0 within `limit`.
    fn exits_cleanly(&mut self, limit: Duration) -> bool {
        let t = Instant::now();
        while t.elapsed() < limit {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status.success();
            }
            thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A fake `NOTIFY_SOCKET`: a datagram socket in a temp dir, or an abstract one.
struct Notify {
    sock: UnixDatagram,
    addr: String,
    dir: Option<PathBuf>,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl Notify {
    fn path() -> Notify {
        let n = NEXT.fetch_add(1, SeqCst);
        let dir = std::env::temp_dir().join(format!("vango-sd-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("notify");
        let _ = std::fs::remove_file(&path);
        let sock = UnixDatagram::bind(&path).unwrap();
        let addr = path.to_str().unwrap().to_string();
        Notify {
            sock,
            addr,
            dir: Some(dir),
        }
    }

    fn abstract_name() -> Notify {
        use std::os::linux::net::SocketAddrExt;
        let n = NEXT.fetch_add(1, SeqCst);
        let name = format!("vango-sd-{}-{n}", std::process::id());
        let at = std::os::unix::net::SocketAddr::from_abstract_name(&name).unwrap();
        Notify {
            sock: UnixDatagram::bind_addr(&at).unwrap(),
            addr: format!("@{name}"),
            dir: None,
        }
    }

    /// The next message within `limit`.
    fn next(&self, limit: Duration) -> Option<String> {
        self.sock
            .set_read_timeout(Some(limit.max(Duration::from_millis(1))))
            .unwrap();
        let mut buf = [0u8; 4096];
        let n = self.sock.recv(&mut buf).ok()?;
        Some(String::from_utf8_lossy(&buf[..n]).into_owned())
    }

    /// Messages until one has the line `want`; panics after `limit` with what came.
    fn wait_for(&self, want: &str, limit: Duration) -> String {
        let t = Instant::now();
        let mut seen = Vec::new();
        while let Some(left) = limit.checked_sub(t.elapsed()) {
            match self.next(left) {
                Some(m) if m.lines().any(|l| l == want) => return m,
                Some(m) => seen.push(m),
                None => break,
            }
        }
        panic!("no {want} within {limit:?}; got {seen:?}");
    }

    /// How many `WATCHDOG=1` arrive within `window`.
    fn pings_within(&self, window: Duration) -> usize {
        let t = Instant::now();
        let mut pings = 0;
        while let Some(left) = window.checked_sub(t.elapsed()) {
            match self.next(left) {
                Some(m) if m == "WATCHDOG=1" => pings += 1,
                Some(m) => panic!("unexpected message {m:?}"),
                None => break,
            }
        }
        pings
    }
}

impl Drop for Notify {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The address in READY's `STATUS=serving on ADDR with N cores`.
fn served_addr(ready: &str) -> SocketAddr {
    let status = ready
        .lines()
        .find_map(|l| l.strip_prefix("STATUS=serving on "));
    let addr = status.and_then(|s| s.split(' ').next());
    addr.and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {ready:?}"))
}

/// `GET path`, one connection; the status and body, or the error that stopped it.
fn get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    read_answer(&mut s)
}

fn read_answer(s: &mut TcpStream) -> std::io::Result<(u16, String)> {
    let mut text = String::new();
    s.read_to_string(&mut text)?;
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::new(ErrorKind::UnexpectedEof, "no answer"))?;
    Ok((status, text))
}

#[test]
fn ready_then_watchdog_pings_then_stopping_on_sigterm() {
    let notify = Notify::path();
    let mut child = Proc(
        child_command(&[
            ("NOTIFY_SOCKET", &notify.addr),
            ("WATCHDOG_USEC", "400000"),
            ("VANGO_ADDR", "127.0.0.1:0"),
            ("VANGO_WORKERS", "2"),
        ])
        .spawn()
        .unwrap(),
    );
    let ready = notify.wait_for("READY=1", Duration::from_secs(20));
    // READY=1 means serving: every core accepts.
    let (status, page) = get(served_addr(&ready), "/").unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("Count: 0"), "{page}");
    // A ping at least every WATCHDOG_USEC/2 = 200 ms.
    let pings = notify.pings_within(Duration::from_millis(1500));
    assert!(pings >= 4, "{pings} pings in 1.5 s");
    child.sigterm();
    notify.wait_for("STOPPING=1", Duration::from_secs(5));
    assert!(child.exits_cleanly(Duration::from_secs(10)));
}

#[test]
fn abstract_notify_socket_and_a_watchdog_for_another_pid() {
    let notify = Notify::abstract_name();
    let _child = Proc(
        child_command(&[
            ("NOTIFY_SOCKET", &notify.addr),
            ("WATCHDOG_USEC", "200000"),
            // The watchdog is meant for another process: this one must not ping.
            ("WATCHDOG_PID", "1"),
            ("VANGO_ADDR", "127.0.0.1:0"),
            ("VANGO_WORKERS", "1"),
        ])
        .spawn()
        .unwrap(),
    );
    notify.wait_for("READY=1", Duration::from_secs(20));
    assert_eq!(notify.pings_within(Duration::from_millis(800)), 0);
}

#[test]
fn a_stuck_core_stops_the_watchdog_pings() {
    let notify = Notify::path();
    let _child = Proc(
        child_command(&[
            ("NOTIFY_SOCKET", &notify.addr),
            ("WATCHDOG_USEC", "400000"),
            ("VANGO_ADDR", "127.0.0.1:0"),
            ("VANGO_WORKERS", "2"),
        ])
        .spawn()
        .unwrap(),
    );
    let addr = served_addr(&notify.wait_for("READY=1", Duration::from_secs(20)));
    assert!(notify.pings_within(Duration::from_millis(600)) >= 2);
    // One core's executor blocks for 2.5 s; the other core keeps running.
    let stall = thread::spawn(move || get(addr, "/stall"));
    let t = Instant::now();
    // Pings may go on until that core's last beat is WATCHDOG_USEC/2 old.
    thread::sleep(Duration::from_millis(700));
    while notify.next(Duration::ZERO).is_some() {}
    let quiet = notify.pings_within(Duration::from_millis(2000).saturating_sub(t.elapsed()));
    assert_eq!(quiet, 0, "pings while a core was stuck");
    // The core comes back: so do the pings.
    assert_eq!(stall.join().unwrap().unwrap().0, 200);
    notify.wait_for("WATCHDOG=1", Duration::from_secs(3));
}

/// A free loopback port (the small race with another binder is accepted).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sends `GET /` on a fresh connection; the caller reads the answer later.
fn send_get(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).expect("connect: the socket holds connections");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    s
}

#[test]
fn socket_activation_serves_connections_made_before_the_process_is_up() {
    let notify = Notify::path();
    let port = free_port();
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let exe = std::env::current_exe().unwrap();
    let mut cmd = match Command::new("systemd-socket-activate")
        .arg("--help")
        .output()
    {
        Ok(_) => Command::new("systemd-socket-activate"),
        Err(e) => panic!("systemd-socket-activate ({e}): install Debian's systemd package"),
    };
    // It execs the command in place (LISTEN_PID stays right); `sh` waits a second first,
    // so the connections below are made before the server exists.
    cmd.arg(format!("--listen={addr}"))
        .arg(format!("--setenv={CHILD}=1"))
        .arg(format!("--setenv=NOTIFY_SOCKET={}", notify.addr))
        .arg(format!("--setenv=VANGO_ADDR={UNBINDABLE}"))
        .arg("--setenv=VANGO_WORKERS=2")
        .args(["sh", "-c", "sleep 1; exec \"$0\" \"$@\""])
        .arg(&exe)
        .args(["child_app", "--exact", "--nocapture", "--test-threads=1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = Proc(cmd.spawn().unwrap());
    let stderr = child.0.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("child: {line}");
            let _ = tx.send(line);
        }
    });
    let listening = rx
        .iter()
        .find(|l| l.contains("Listening on"))
        .expect("systemd-socket-activate listens");
    assert!(listening.contains(&addr.to_string()), "{listening}");
    let early: Vec<TcpStream> = (0..4).map(|_| send_get(addr)).collect();
    assert_eq!(
        notify.next(Duration::ZERO),
        None,
        "the server must not be up yet"
    );
    for mut s in early {
        let (status, page) = read_answer(&mut s).expect("an early connection is served");
        assert_eq!(status, 200);
        assert!(page.contains("Count: 0"), "{page}");
    }
    let ready = notify.wait_for("READY=1", Duration::from_secs(20));
    assert_eq!(served_addr(&ready), addr);
    assert_eq!(get(addr, "/").unwrap().0, 200);
    child.sigterm();
    notify.wait_for("STOPPING=1", Duration::from_secs(5));
    assert!(child.exits_cleanly(Duration::from_secs(10)));
}

/// A child serving on `listener`, passed as fd 3 the way systemd does.
fn activated_child(listener: &TcpListener, notify: &Notify) -> Proc {
    let fd = OwnedFd::from(listener.try_clone().unwrap());
    let exe = std::env::current_exe().unwrap();
    let mut c = Command::new("sh");
    c.args([
        "-c",
        "exec 3<&0 0</dev/null; export LISTEN_PID=$$ LISTEN_FDS=1; exec \"$0\" \"$@\"",
    ])
    .arg(exe)
    .args(["child_app", "--exact", "--nocapture", "--test-threads=1"])
    .stdin(Stdio::from(fd))
    .stdout(Stdio::null());
    for k in [
        "NOTIFY_SOCKET",
        "WATCHDOG_USEC",
        "WATCHDOG_PID",
        "LISTEN_FDNAMES",
    ] {
        c.env_remove(k);
    }
    c.env(CHILD, "1")
        .env("NOTIFY_SOCKET", &notify.addr)
        .env("VANGO_ADDR", UNBINDABLE)
        .env("VANGO_WORKERS", "2");
    Proc(c.spawn().unwrap())
}

#[derive(Default)]
struct Tally {
    ok: AtomicUsize,
    refused: AtomicUsize,
    /// Closed or reset before an answer: the connection reached a process that then died.
    cut: AtomicUsize,
}

#[test]
fn restarts_under_load_refuse_no_connection() {
    let notify = Notify::path();
    // The test holds the socket, as systemd does for a socket-activated service.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut server = activated_child(&listener, &notify);
    notify.wait_for("READY=1", Duration::from_secs(20));

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let clients: Vec<_> = (0..2)
        .map(|_| {
            let (stop, tally) = (stop.clone(), tally.clone());
            thread::spawn(move || {
                let t = Instant::now();
                // Bounded in time and count whatever happens.
                for _ in 0..200_000 {
                    if stop.load(SeqCst) || t.elapsed() > Duration::from_secs(60) {
                        break;
                    }
                    match get(addr, "/healthz") {
                        Ok((200, _)) => tally.ok.fetch_add(1, SeqCst),
                        Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                            tally.refused.fetch_add(1, SeqCst)
                        }
                        _ => tally.cut.fetch_add(1, SeqCst),
                    };
                }
            })
        })
        .collect();

    // A graceful restart (SIGTERM), then a crash (SIGKILL): each time the new process
    // starts while clients keep connecting.
    for graceful in [true, false] {
        thread::sleep(Duration::from_millis(400));
        let before = tally.ok.load(SeqCst);
        if graceful {
            server.sigterm();
            notify.wait_for("STOPPING=1", Duration::from_secs(5));
            assert!(server.exits_cleanly(Duration::from_secs(10)));
        } else {
            drop(server);
        }
        server = activated_child(&listener, &notify);
        notify.wait_for("READY=1", Duration::from_secs(20));
        thread::sleep(Duration::from_millis(400));
        assert!(tally.ok.load(SeqCst) > before, "served after the restart");
    }
    stop.store(true, SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    let (ok, refused, cut) = (
        tally.ok.load(SeqCst),
        tally.refused.load(SeqCst),
        tally.cut.load(SeqCst),
    );
    eprintln!("restarts under load: {ok} answered, {refused} refused, {cut} cut by the crash");
    assert_eq!(refused, 0);
    assert!(ok > 100, "{ok} answered");
}
