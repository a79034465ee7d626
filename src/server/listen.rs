//! Listening sockets and the fd budget: bound here with SO_REUSEPORT (one accept queue per
//! core) or adopted from systemd socket activation (`LISTEN_PID`/`LISTEN_FDS`), and the
//! per-core connection cap that fits `RLIMIT_NOFILE`.
//!
//! May touch sockets, the environment and resource limits. Holds the crate's only `unsafe`
//! block (taking ownership of an inherited fd); `tests/layers.rs` keeps it the only one.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};

/// systemd passes inherited sockets from this fd on (sd_listen_fds(3)).
const LISTEN_FDS_START: RawFd = 3;

/// Set once the inherited fds are taken: each may be owned by one `OwnedFd` only.
static ADOPTED: AtomicBool = AtomicBool::new(false);

/// Fds the process keeps for what is not a connection: stdio, the reactor's epoll and
/// wake-up fds, the signal pipe, the notify socket, persisted state files.
const RESERVED_FDS: u64 = 64;

/// Connections a core accepts past its cap so `/healthz` still answers when the core is
/// full; those connections get 503 for anything else (`http::conn`).
pub(crate) const HEALTH_HEADROOM: usize = 8;

/// A listening socket with SO_REUSEPORT, so every core gets its own accept queue.
pub(crate) fn bind_reuseport(addr: SocketAddr) -> io::Result<TcpListener> {
    use rustix::net::{sockopt, AddressFamily, SocketFlags, SocketType};
    let family = if addr.is_ipv4() {
        AddressFamily::INET
    } else {
        AddressFamily::INET6
    };
    let fd = rustix::net::socket_with(family, SocketType::STREAM, SocketFlags::CLOEXEC, None)?;
    sockopt::set_socket_reuseaddr(&fd, true)?;
    sockopt::set_socket_reuseport(&fd, true)?;
    rustix::net::bind(&fd, &addr)?;
    rustix::net::listen(&fd, 4096)?;
    Ok(TcpListener::from(fd))
}

/// The listening sockets systemd passed to this process, in `LISTEN_FDS` order; `None`
/// when it passed none, or when `LISTEN_PID` names another process (an inherited
/// environment). The first call in a process takes them; later calls get `None`.
pub(crate) fn inherited() -> io::Result<Option<Vec<TcpListener>>> {
    let var = |k| std::env::var(k).ok();
    let count = listen_fds_for(
        std::process::id(),
        var("LISTEN_PID").as_deref(),
        var("LISTEN_FDS").as_deref(),
    )?;
    let Some(count) = count else {
        return Ok(None);
    };
    if ADOPTED.swap(true, Ordering::SeqCst) {
        return Ok(None);
    }
    (0..count)
        .map(|i| adopt(LISTEN_FDS_START + i))
        .collect::<io::Result<Vec<_>>>()
        .map(Some)
}

/// How many fds systemd passed, if they are for process `pid`; sd_listen_fds(3) rules:
/// `LISTEN_PID` must be present and equal `pid`, `LISTEN_FDS` must be a count.
fn listen_fds_for(
    pid: u32,
    listen_pid: Option<&str>,
    fds: Option<&str>,
) -> io::Result<Option<RawFd>> {
    if listen_pid.and_then(|p| p.trim().parse::<u32>().ok()) != Some(pid) {
        return Ok(None);
    }
    let Some(fds) = fds else {
        return Ok(None);
    };
    match fds.trim().parse::<RawFd>() {
        Ok(0) => Ok(None),
        Ok(n) if n > 0 && n <= RawFd::MAX - LISTEN_FDS_START => Ok(Some(n)),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("LISTEN_FDS={fds:?} is not a count of file descriptors"),
        )),
    }
}

/// Takes ownership of inherited fd `fd` and checks that it is a listening TCP socket.
#[allow(
    unsafe_code,
    reason = "std has no safe way to own an fd inherited across exec"
)]
fn adopt(fd: RawFd) -> io::Result<TcpListener> {
    use rustix::net::{sockopt, AddressFamily, SocketType};
    // SAFETY: `LISTEN_PID` names this process, so by the sd_listen_fds(3) protocol the
    // process that executed us (systemd) left fds 3..3+LISTEN_FDS open for this process to
    // own. Nothing else in this crate opens or closes them, and `ADOPTED` lets this run at
    // most once per fd per process, so this `OwnedFd` is the fd's only owner.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let kind = sockopt::socket_type(&fd).map_err(|e| not_tcp(e.into()))?;
    let domain = sockopt::socket_domain(&fd)?;
    let listening = sockopt::socket_acceptconn(&fd)?;
    let inet = domain == AddressFamily::INET || domain == AddressFamily::INET6;
    if kind != SocketType::STREAM || !inet || !listening {
        return Err(not_tcp(io::ErrorKind::InvalidInput.into()));
    }
    // Our own children (none today) must not inherit it.
    rustix::io::fcntl_setfd(&fd, rustix::io::FdFlags::CLOEXEC)?;
    Ok(TcpListener::from(fd))
}

fn not_tcp(e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!("an inherited fd is not a listening TCP socket (ListenStream=host:port): {e}"),
    )
}

/// The process's soft `RLIMIT_NOFILE` (`None`: unlimited).
pub(crate) fn nofile() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

/// The most connections each of `workers` cores may hold so that all of them, the
/// `listeners` each core holds, the health headroom and the reserved fds fit in `nofile`.
pub(crate) fn fd_cap(nofile: Option<u64>, workers: usize, listeners: usize) -> usize {
    let Some(nofile) = nofile else {
        return usize::MAX;
    };
    let workers = workers.max(1) as u64;
    let per_core_extra = (listeners + HEALTH_HEADROOM) as u64;
    let budget = nofile.saturating_sub(RESERVED_FDS + workers * per_core_extra);
    usize::try_from(budget / workers)
        .unwrap_or(usize::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_pid_must_name_this_process() {
        assert_eq!(listen_fds_for(42, Some("42"), Some("2")).unwrap(), Some(2));
        assert_eq!(listen_fds_for(42, Some("41"), Some("2")).unwrap(), None);
        assert_eq!(listen_fds_for(42, None, Some("2")).unwrap(), None);
        assert_eq!(listen_fds_for(42, Some("42"), None).unwrap(), None);
        assert_eq!(listen_fds_for(42, Some("42"), Some("0")).unwrap(), None);
        assert!(listen_fds_for(42, Some("42"), Some("x")).is_err());
        assert!(listen_fds_for(42, Some("42"), Some("-1")).is_err());
    }

    #[test]
    fn the_cap_fits_the_fd_limit() {
        // systemd/vango.service: LimitNOFILE=65536, two cores, one listener each.
        let cap = fd_cap(Some(65536), 2, 1);
        assert_eq!(cap, (65536 - 64 - 2 * 9) / 2);
        assert!(2 * (cap + HEALTH_HEADROOM + 1) + 64 <= 65536);
        assert_eq!(fd_cap(None, 4, 1), usize::MAX);
        assert_eq!(fd_cap(Some(10), 4, 1), 1);
    }
}
