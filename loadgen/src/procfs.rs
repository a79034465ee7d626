//! Reads process and kernel memory figures from /proc, and raises the fd limit.

use std::fs;

/// Memory of one process, in KiB.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mem {
    /// VmRSS from /proc/PID/status.
    pub rss_kib: u64,
    /// Pss from /proc/PID/smaps_rollup.
    pub pss_kib: u64,
}

fn field_kib(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l[name.len()..].split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// Reads VmRSS and Pss of `pid`.
pub fn mem(pid: u32) -> Mem {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rollup = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    Mem {
        rss_kib: field_kib(&status, "VmRSS:").unwrap_or(0),
        pss_kib: field_kib(&rollup, "Pss:").unwrap_or(0),
    }
}

/// Kernel memory for TCP sockets: `mem` pages of /proc/net/sockstat (all processes), in KiB,
/// and the Slab total from /proc/meminfo in KiB.
pub fn kernel_sock_kib() -> (u64, u64) {
    let sockstat = fs::read_to_string("/proc/net/sockstat").unwrap_or_default();
    let pages = sockstat
        .lines()
        .find(|l| l.starts_with("TCP:"))
        .and_then(|l| {
            let mut it = l.split_whitespace();
            while let Some(w) = it.next() {
                if w == "mem" {
                    return it.next().and_then(|v| v.parse::<u64>().ok());
                }
            }
            None
        })
        .unwrap_or(0);
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    (pages * 4, field_kib(&meminfo, "Slab:").unwrap_or(0))
}

/// Raises this process's soft open-files limit to its hard limit; returns the new soft limit.
pub fn raise_nofile() -> u64 {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut lim = getrlimit(Resource::Nofile);
    lim.current = lim.maximum;
    let _ = setrlimit(Resource::Nofile, lim);
    getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX)
}

/// CPU time (user + system) of process `pid` so far, from /proc (USER_HZ = 100).
pub fn cpu_time(pid: u32) -> std::time::Duration {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesized command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |x| x.1);
    let f: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    std::time::Duration::from_millis(f.iter().sum::<u64>() * 10)
}
