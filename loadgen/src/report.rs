//! What a load run measured, and its two outputs: a human table and one JSON line.

use crate::procfs::Mem;

/// One checkpoint's memory reading.
pub struct MemPoint {
    /// Sessions open.
    pub sessions: usize,
    /// Server memory.
    pub mem: Mem,
    /// Kernel slab memory (/proc/meminfo Slab), KiB: socket structures live there, for
    /// both ends of each loopback connection.
    pub sock_kib: u64,
}

/// Everything a run measured.
pub struct Report {
    /// Memory with no sessions.
    pub base: MemPoint,
    /// Memory at each checkpoint, idle.
    pub points: Vec<MemPoint>,
    /// Memory after every session exchanged a few events.
    pub after_events: Option<MemPoint>,
    /// Open-loop latency percentiles (µs): p50, p90, p99, p99.9, max.
    pub open_pcts: [u32; 5],
    /// Open-loop events completed and their achieved rate.
    pub open_events: u64,
    /// Achieved open-loop rate (events/s).
    pub open_rate: f64,
    /// Closed-loop sustained events/s.
    pub closed_rate: f64,
    /// Closed-loop latency percentiles (µs).
    pub closed_pcts: [u32; 5],
    /// Bytes per event sent and per reply frame received.
    pub bytes_per_event: f64,
    /// Bytes per reply frame (Patches or Ack; the echo for the floor).
    pub bytes_per_patch: f64,
    /// Errors (decode failures, unexpected frames, disconnects).
    pub errors: u64,
    /// The first error's description.
    pub first_error: Option<String>,
    /// Time to open all sessions of the last checkpoint.
    pub open_secs: f64,
}

fn kib_slope(points: &[MemPoint], f: impl Fn(&MemPoint) -> u64) -> f64 {
    let n = points.len() as f64;
    if points.len() < 2 {
        return f64::NAN;
    }
    let mx = points.iter().map(|p| p.sessions as f64).sum::<f64>() / n;
    let my = points.iter().map(|p| f(p) as f64).sum::<f64>() / n;
    let sxy: f64 = points
        .iter()
        .map(|p| (p.sessions as f64 - mx) * (f(p) as f64 - my))
        .sum();
    let sxx: f64 = points
        .iter()
        .map(|p| (p.sessions as f64 - mx).powi(2))
        .sum();
    sxy / sxx
}

impl Report {
    /// KiB of RSS per session: least-squares slope over the checkpoints.
    pub fn rss_slope(&self) -> f64 {
        kib_slope(&self.points, |p| p.mem.rss_kib)
    }
    /// KiB of PSS per session.
    pub fn pss_slope(&self) -> f64 {
        kib_slope(&self.points, |p| p.mem.pss_kib)
    }
    /// KiB of kernel socket memory per session.
    pub fn sock_slope(&self) -> f64 {
        kib_slope(&self.points, |p| p.sock_kib)
    }

    /// Prints a human-readable table.
    pub fn print_table(&self, workload: &str) {
        println!("\n== {workload}");
        println!(
            "{:>9} {:>10} {:>10} {:>10}",
            "sessions", "RSS KiB", "PSS KiB", "slab KiB"
        );
        for p in std::iter::once(&self.base)
            .chain(&self.points)
            .chain(&self.after_events)
        {
            println!(
                "{:>9} {:>10} {:>10} {:>10}",
                p.sessions, p.mem.rss_kib, p.mem.pss_kib, p.sock_kib
            );
        }
        let s = self.rss_slope();
        println!("opened the sessions in {:.1} s", self.open_secs);
        println!(
            "slope: {:.2} KiB RSS/session ({:.0} sessions/GiB), {:.2} KiB PSS, {:.2} KiB kernel slab (both socket ends)",
            s,
            1048576.0 / s,
            self.pss_slope(),
            self.sock_slope()
        );
        if let Some(a) = &self.after_events {
            let last = self.points.last().map(|p| p.mem.rss_kib).unwrap_or(0);
            println!(
                "after events: +{} KiB over idle at {} sessions ({:.2} KiB/session)",
                a.mem.rss_kib as i64 - last as i64,
                a.sessions,
                (a.mem.rss_kib as f64 - last as f64) / a.sessions.max(1) as f64
            );
        }
        let [p50, p90, p99, p999, max] = self.open_pcts;
        println!(
            "open loop: {} events at {:.0}/s: p50 {p50} µs, p90 {p90}, p99 {p99}, p99.9 {p999}, max {max}",
            self.open_events, self.open_rate
        );
        let [p50, p90, p99, p999, max] = self.closed_pcts;
        println!(
            "closed loop: {:.0} events/s: p50 {p50} µs, p90 {p90}, p99 {p99}, p99.9 {p999}, max {max}",
            self.closed_rate
        );
        println!(
            "bytes: {:.1} per event, {:.1} per patch frame; errors: {}{}",
            self.bytes_per_event,
            self.bytes_per_patch,
            self.errors,
            self.first_error
                .as_deref()
                .map(|e| format!(" (first: {e})"))
                .unwrap_or_default()
        );
    }

    /// One JSON line.
    pub fn json(&self, workload: &str, workers: u32, date: &str) -> String {
        let pts: Vec<String> = self
            .points
            .iter()
            .map(|p| {
                format!(
                    "{{\"sessions\":{},\"rss_kib\":{},\"pss_kib\":{},\"sock_kib\":{}}}",
                    p.sessions, p.mem.rss_kib, p.mem.pss_kib, p.sock_kib
                )
            })
            .collect();
        let after = self
            .after_events
            .as_ref()
            .map(|a| {
                format!(
                    "{{\"sessions\":{},\"rss_kib\":{},\"pss_kib\":{}}}",
                    a.sessions, a.mem.rss_kib, a.mem.pss_kib
                )
            })
            .unwrap_or_else(|| "null".into());
        let f = |x: f64| {
            if x.is_finite() {
                format!("{x:.3}")
            } else {
                "null".into()
            }
        };
        format!(
            "{{\"date\":\"{date}\",\"workload\":\"{workload}\",\"workers\":{workers},\"base_rss_kib\":{},\"points\":[{}],\"after_events\":{after},\
\"rss_kib_per_session\":{},\"pss_kib_per_session\":{},\"sock_kib_per_session\":{},\
\"open\":{{\"events\":{},\"rate\":{},\"p50_us\":{},\"p90_us\":{},\"p99_us\":{},\"p999_us\":{},\"max_us\":{}}},\
\"closed\":{{\"rate\":{},\"p50_us\":{},\"p90_us\":{},\"p99_us\":{},\"p999_us\":{},\"max_us\":{}}},\
\"bytes_per_event\":{},\"bytes_per_patch\":{},\"errors\":{}}}",
            self.base.mem.rss_kib,
            pts.join(","),
            f(self.rss_slope()),
            f(self.pss_slope()),
            f(self.sock_slope()),
            self.open_events,
            f(self.open_rate),
            self.open_pcts[0], self.open_pcts[1], self.open_pcts[2], self.open_pcts[3], self.open_pcts[4],
            f(self.closed_rate),
            self.closed_pcts[0], self.closed_pcts[1], self.closed_pcts[2], self.closed_pcts[3], self.closed_pcts[4],
            f(self.bytes_per_event),
            f(self.bytes_per_patch),
            self.errors
        )
    }
}
