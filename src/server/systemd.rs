//! systemd's notify protocol without libsystemd: `READY=1` once every core listens,
//! `WATCHDOG=1` only while every core's executor keeps running, `STOPPING=1` when graceful
//! shutdown begins. Each is a no-op when `NOTIFY_SOCKET` (or `WATCHDOG_USEC`) is absent.
//!
//! May touch the environment and one Unix datagram socket. Never blocks a core: sends are
//! non-blocking, and a ping lost to a full queue is sent again at the next beat.

use std::ffi::OsStr;
use std::future::Future;
use std::io;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_io::Timer;

/// The shortest beat: a tiny `WatchdogSec=` must not turn the beat into a busy loop.
const MIN_BEAT: Duration = Duration::from_millis(10);

/// What the runtime tells systemd, built once per server from the environment.
pub(crate) struct Systemd {
    /// `None`: not started by systemd (or no notify socket); every message is dropped.
    notify: Option<(UnixDatagram, SocketAddr)>,
    watchdog: Option<Watchdog>,
    stopping: AtomicBool,
}

/// The watchdog's state: one heartbeat per core, and when a ping was last sent.
struct Watchdog {
    /// A core is alive while its last beat is younger than this (`WATCHDOG_USEC` / 2);
    /// systemd gets a ping at least this often while every core is alive.
    period: Duration,
    start: Instant,
    /// Milliseconds since `start` of each core's last beat.
    beats: Box<[AtomicU64]>,
    last_ping: AtomicU64,
}

impl Systemd {
    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` for a server of `cores`.
    pub(crate) fn from_env(cores: usize) -> Self {
        let notify = std::env::var_os("NOTIFY_SOCKET")
            .filter(|v| !v.is_empty())
            .and_then(|v| match open(&v) {
                Ok(s) => Some(s),
                Err(e) => {
                    log::warn!("NOTIFY_SOCKET={v:?}: {e}; not notifying systemd");
                    None
                }
            });
        let var = |k| std::env::var(k).ok();
        let period = watchdog_period(
            var("WATCHDOG_USEC").as_deref(),
            var("WATCHDOG_PID").as_deref(),
            std::process::id(),
        );
        let watchdog = period.filter(|_| notify.is_some()).map(|period| Watchdog {
            period,
            start: Instant::now(),
            beats: (0..cores).map(|_| AtomicU64::new(0)).collect(),
            last_ping: AtomicU64::new(0),
        });
        Systemd {
            notify,
            watchdog,
            stopping: AtomicBool::new(false),
        }
    }

    fn send(&self, msg: &str) {
        if let Some((sock, addr)) = &self.notify {
            // Best effort: systemd not reading is no reason to stop serving.
            let _ = sock.send_to_addr(msg.as_bytes(), addr);
        }
    }

    /// Every core accepts: the unit becomes active (`Type=notify`).
    pub(crate) fn ready(&self, status: &str) {
        self.send(&format!("READY=1\nSTATUS={status}"));
    }

    /// Graceful shutdown began; sent once however many cores see it.
    pub(crate) fn stopping(&self) {
        if !self.stopping.swap(true, Relaxed) {
            self.send("STOPPING=1\nSTATUS=stopping");
        }
    }

    /// Core `core`'s heartbeat loop, to run on that core's executor until it stops; `None`
    /// when there is no watchdog. Each beat marks the core alive and, when every core is
    /// alive, pings systemd; a core whose executor is stuck stops beating, the pings stop,
    /// and systemd restarts the process after `WatchdogSec=`.
    pub(crate) fn heartbeat(self: &Arc<Self>, core: usize) -> Option<impl Future<Output = ()>> {
        let every = (self.watchdog.as_ref()?.period / 2).max(MIN_BEAT);
        let this = self.clone();
        Some(async move {
            while let Some(wd) = &this.watchdog {
                this.beat(wd, core);
                Timer::after(every).await;
            }
        })
    }

    fn beat(&self, wd: &Watchdog, core: usize) {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let now = ms(wd.start.elapsed());
        if let Some(b) = wd.beats.get(core) {
            b.store(now, Relaxed);
        }
        let alive = ms(wd.period);
        if wd
            .beats
            .iter()
            .any(|b| now.saturating_sub(b.load(Relaxed)) > alive)
        {
            return;
        }
        // Ping at every half period at most, whichever core beats first.
        let last = wd.last_ping.load(Relaxed);
        if now.saturating_sub(last) >= alive / 2
            && wd
                .last_ping
                .compare_exchange(last, now, Relaxed, Relaxed)
                .is_ok()
        {
            self.send("WATCHDOG=1");
        }
    }
}

/// An unbound, non-blocking datagram socket and the address `NOTIFY_SOCKET` names: a path,
/// or an abstract name after `@`.
fn open(value: &OsStr) -> io::Result<(UnixDatagram, SocketAddr)> {
    let addr = notify_addr(value)?;
    let sock = UnixDatagram::unbound()?;
    sock.set_nonblocking(true)?;
    Ok((sock, addr))
}

fn notify_addr(value: &OsStr) -> io::Result<SocketAddr> {
    use std::os::unix::ffi::OsStrExt;
    match value.as_bytes() {
        [b'/', ..] => SocketAddr::from_pathname(value),
        [b'@', name @ ..] => abstract_addr(name),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "neither an absolute path nor an @abstract name",
        )),
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn abstract_addr(name: &[u8]) -> io::Result<SocketAddr> {
    #[cfg(target_os = "android")]
    use std::os::android::net::SocketAddrExt;
    #[cfg(target_os = "linux")]
    use std::os::linux::net::SocketAddrExt;
    SocketAddr::from_abstract_name(name)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn abstract_addr(_: &[u8]) -> io::Result<SocketAddr> {
    Err(io::ErrorKind::Unsupported.into())
}

/// The watchdog's period (`WATCHDOG_USEC` / 2) if systemd expects pings from process
/// `pid`: `WATCHDOG_USEC` is a positive count and `WATCHDOG_PID`, when set, is `pid`.
fn watchdog_period(usec: Option<&str>, watchdog_pid: Option<&str>, pid: u32) -> Option<Duration> {
    let usec: u64 = usec?.trim().parse().ok().filter(|&u| u > 0)?;
    if let Some(p) = watchdog_pid {
        if p.trim().parse::<u32>().ok() != Some(pid) {
            return None;
        }
    }
    Some(Duration::from_micros(usec / 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watchdog_env() {
        let half = Some(Duration::from_millis(500));
        assert_eq!(watchdog_period(Some("1000000"), None, 7), half);
        assert_eq!(watchdog_period(Some("1000000"), Some("7"), 7), half);
        assert_eq!(watchdog_period(Some("1000000"), Some("8"), 7), None);
        assert_eq!(watchdog_period(Some("0"), None, 7), None);
        assert_eq!(watchdog_period(Some("soon"), None, 7), None);
        assert_eq!(watchdog_period(None, Some("7"), 7), None);
    }

    #[test]
    fn notify_socket_addresses() {
        let path = notify_addr(OsStr::new("/run/systemd/notify")).unwrap();
        assert_eq!(
            path.as_pathname(),
            Some(std::path::Path::new("/run/systemd/notify"))
        );
        assert!(notify_addr(OsStr::new("relative")).is_err());
        #[cfg(target_os = "linux")]
        {
            use std::os::linux::net::SocketAddrExt;
            let abs = notify_addr(OsStr::new("@vango/notify")).unwrap();
            assert_eq!(abs.as_abstract_name(), Some(&b"vango/notify"[..]));
        }
    }

    #[test]
    fn a_stale_core_stops_the_pings() {
        let path = std::env::temp_dir().join(format!("vango-notify-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let rx = UnixDatagram::bind(&path).unwrap();
        rx.set_nonblocking(true).unwrap();
        let sd = Systemd {
            notify: Some(open(path.as_os_str()).unwrap()),
            watchdog: None,
            stopping: AtomicBool::new(false),
        };
        let wd = Watchdog {
            period: Duration::from_millis(100),
            // Both cores last beat a second ago: stale.
            start: Instant::now() - Duration::from_secs(1),
            beats: (0..2).map(|_| AtomicU64::new(0)).collect(),
            last_ping: AtomicU64::new(0),
        };
        let mut buf = [0u8; 64];
        let mut recv = || rx.recv(&mut buf).ok().map(|n| buf[..n].to_vec());
        sd.beat(&wd, 0);
        assert_eq!(recv(), None, "core 1 is stale: no ping");
        sd.beat(&wd, 1);
        assert_eq!(recv().as_deref(), Some(&b"WATCHDOG=1"[..]));
        sd.beat(&wd, 0);
        assert_eq!(recv(), None, "at most one ping per half period");
        sd.stopping();
        sd.stopping();
        assert_eq!(recv().as_deref(), Some(&b"STOPPING=1\nSTATUS=stopping"[..]));
        assert_eq!(recv(), None, "STOPPING=1 is sent once");
        let _ = std::fs::remove_file(&path);
    }
}
