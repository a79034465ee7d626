//! Per-core counters and their Prometheus text rendering for `/metrics`.
//!
//! Each core writes only its own [`CoreMetrics`] (relaxed atomics on a line no other core
//! writes, so no contention); `/metrics` reads every core's counters on demand.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Statuses counted as rejected requests, in the order of [`CoreMetrics::rejected`].
///
/// # Examples
///
/// ```
/// use vango::server::{metrics::REJECT_STATUSES, CoreMetrics};
/// let m = CoreMetrics::default();
/// m.reject(429);
/// let i = REJECT_STATUSES.iter().position(|&s| s == 429).unwrap();
/// assert_eq!(m.rejected[i].load(std::sync::atomic::Ordering::Relaxed), 1);
/// ```
pub const REJECT_STATUSES: [u16; 12] = [400, 403, 404, 405, 408, 411, 413, 414, 429, 431, 501, 503];

/// Upper bounds (µs) of the event latency histogram buckets; a last `+Inf` bucket follows.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use vango::server::{metrics::LATENCY_BUCKETS_US, CoreMetrics};
/// let m = CoreMetrics::default();
/// m.observe_event(Duration::from_micros(40), 0);
/// // 40 µs falls in the bucket bounded by 50 µs, the second one.
/// assert_eq!(LATENCY_BUCKETS_US[1], 50);
/// assert_eq!(m.latency_buckets[1].load(std::sync::atomic::Ordering::Relaxed), 1);
/// ```
pub const LATENCY_BUCKETS_US: [u64; 11] = [
    25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000, 250_000,
];

/// The counters of one core. Only that core writes them.
///
/// # Examples
///
/// ```
/// let m = vango::server::CoreMetrics::default();
/// m.reject(413);
/// m.observe_event(std::time::Duration::from_micros(30), 12);
/// let mut out = String::new();
/// vango::server::metrics::render(&[m], &mut out);
/// assert!(out.contains("vango_rejected_requests_total{core=\"0\",status=\"413\"} 1"));
/// ```
#[derive(Default, Debug)]
#[repr(align(128))]
pub struct CoreMetrics {
    /// Live sessions on this core.
    pub sessions: AtomicU64,
    /// Open connections on this core.
    pub connections: AtomicU64,
    /// Open connections parked by idle sessions (a socket waiting without a stream or
    /// a connection task; counted in `connections` too).
    pub parked: AtomicU64,
    /// Connections accepted since start.
    pub connections_total: AtomicU64,
    /// HTTP requests parsed since start.
    pub requests: AtomicU64,
    /// Rejected requests, one counter per entry of [`REJECT_STATUSES`].
    pub rejected: [AtomicU64; REJECT_STATUSES.len()],
    /// WebSocket upgrades completed.
    pub upgrades: AtomicU64,
    /// Client events handled.
    pub events: AtomicU64,
    /// Bytes of patch frames sent.
    pub patch_bytes: AtomicU64,
    /// Sessions evicted or expired.
    pub evictions: AtomicU64,
    /// Bytes this core's sessions are accounted for (their measured sizes).
    pub session_bytes: AtomicU64,
    /// The process's memory budget for sessions (the same on every core).
    pub memory_budget: AtomicU64,
    /// Detached sessions evicted early because of the memory budget.
    pub pressure_evictions: AtomicU64,
    /// New sessions refused because they would not fit the memory budget (close code 12).
    pub memory_refusals: AtomicU64,
    /// New sessions refused because their client address holds too many (close code 6).
    pub peer_refusals: AtomicU64,
    /// Connection tasks that ended in a caught panic (a bug: should stay 0).
    pub panics: AtomicU64,
    /// Reconnects accepted here and handed to the session's owning core.
    pub handoffs: AtomicU64,
    /// Event latency histogram (non-cumulative per bucket; the last is `+Inf`).
    pub latency_buckets: [AtomicU64; LATENCY_BUCKETS_US.len() + 1],
    /// Sum of observed event latencies in µs.
    pub latency_sum_us: AtomicU64,
}

impl CoreMetrics {
    /// Counts a rejected request with `status` (statuses outside the list are ignored).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::Ordering::Relaxed;
    /// use vango::server::CoreMetrics;
    /// let m = CoreMetrics::default();
    /// m.reject(413);
    /// m.reject(200); // not a rejection status: ignored
    /// assert_eq!(m.rejected.iter().map(|c| c.load(Relaxed)).sum::<u64>(), 1);
    /// ```
    pub fn reject(&self, status: u16) {
        if let Some(i) = REJECT_STATUSES.iter().position(|&s| s == status) {
            self.rejected[i].fetch_add(1, Relaxed);
        }
    }

    /// Records one handled event: its latency and the patch bytes it produced.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::Ordering::Relaxed;
    /// use std::time::Duration;
    /// use vango::server::CoreMetrics;
    /// let m = CoreMetrics::default();
    /// m.observe_event(Duration::from_micros(120), 48);
    /// assert_eq!((m.events.load(Relaxed), m.patch_bytes.load(Relaxed)), (1, 48));
    /// assert_eq!(m.latency_sum_us.load(Relaxed), 120);
    /// ```
    pub fn observe_event(&self, latency: Duration, patch_bytes: usize) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        let i = LATENCY_BUCKETS_US
            .iter()
            .position(|&b| us <= b)
            .unwrap_or(LATENCY_BUCKETS_US.len());
        self.latency_buckets[i].fetch_add(1, Relaxed);
        self.latency_sum_us.fetch_add(us, Relaxed);
        self.events.fetch_add(1, Relaxed);
        self.patch_bytes.fetch_add(patch_bytes as u64, Relaxed);
    }
}

fn gauge(
    out: &mut String,
    name: &str,
    help: &str,
    kind: &str,
    cores: &[CoreMetrics],
    f: impl Fn(&CoreMetrics) -> u64,
) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    for (i, m) in cores.iter().enumerate() {
        let _ = writeln!(out, "{name}{{core=\"{i}\"}} {}", f(m));
    }
}

/// Renders every core's counters as Prometheus text exposition format (version 0.0.4).
///
/// # Examples
///
/// ```
/// use vango::server::{metrics::render, CoreMetrics};
/// let cores = [CoreMetrics::default(), CoreMetrics::default()];
/// cores[1].sessions.store(3, std::sync::atomic::Ordering::Relaxed);
/// let mut out = String::new();
/// render(&cores, &mut out);
/// assert!(out.contains("vango_sessions{core=\"1\"} 3\n"));
/// ```
pub fn render(cores: &[CoreMetrics], out: &mut String) {
    let load = |a: &AtomicU64| a.load(Relaxed);
    gauge(
        out,
        "vango_sessions",
        "Live sessions.",
        "gauge",
        cores,
        |m| load(&m.sessions),
    );
    gauge(
        out,
        "vango_connections",
        "Open connections.",
        "gauge",
        cores,
        |m| load(&m.connections),
    );
    gauge(
        out,
        "vango_parked_connections",
        "Open connections parked by idle sessions.",
        "gauge",
        cores,
        |m| load(&m.parked),
    );
    gauge(
        out,
        "vango_connections_total",
        "Accepted connections.",
        "counter",
        cores,
        |m| load(&m.connections_total),
    );
    gauge(
        out,
        "vango_requests_total",
        "HTTP requests parsed.",
        "counter",
        cores,
        |m| load(&m.requests),
    );
    gauge(
        out,
        "vango_upgrades_total",
        "WebSocket upgrades.",
        "counter",
        cores,
        |m| load(&m.upgrades),
    );
    gauge(
        out,
        "vango_events_total",
        "Client events handled.",
        "counter",
        cores,
        |m| load(&m.events),
    );
    gauge(
        out,
        "vango_patch_bytes_total",
        "Bytes of patch frames sent.",
        "counter",
        cores,
        |m| load(&m.patch_bytes),
    );
    gauge(
        out,
        "vango_evictions_total",
        "Sessions evicted or expired.",
        "counter",
        cores,
        |m| load(&m.evictions),
    );
    gauge(
        out,
        "vango_session_bytes",
        "Measured memory of live sessions.",
        "gauge",
        cores,
        |m| load(&m.session_bytes),
    );
    gauge(
        out,
        "vango_memory_budget_bytes",
        "The process's memory budget for sessions (same on every core).",
        "gauge",
        cores,
        |m| load(&m.memory_budget),
    );
    gauge(
        out,
        "vango_pressure_evictions_total",
        "Detached sessions evicted early under memory pressure.",
        "counter",
        cores,
        |m| load(&m.pressure_evictions),
    );
    gauge(
        out,
        "vango_memory_refusals_total",
        "New sessions refused over the memory budget.",
        "counter",
        cores,
        |m| load(&m.memory_refusals),
    );
    gauge(
        out,
        "vango_peer_refusals_total",
        "New sessions refused over the per-address limit.",
        "counter",
        cores,
        |m| load(&m.peer_refusals),
    );
    gauge(
        out,
        "vango_panics_total",
        "Connection tasks ended by a panic.",
        "counter",
        cores,
        |m| load(&m.panics),
    );
    gauge(
        out,
        "vango_handoffs_total",
        "Reconnects handed to the owning core.",
        "counter",
        cores,
        |m| load(&m.handoffs),
    );
    let name = "vango_rejected_requests_total";
    let _ = writeln!(
        out,
        "# HELP {name} Requests answered with an error status.\n# TYPE {name} counter"
    );
    for (i, m) in cores.iter().enumerate() {
        for (s, c) in REJECT_STATUSES.iter().zip(&m.rejected) {
            let _ = writeln!(out, "{name}{{core=\"{i}\",status=\"{s}\"}} {}", load(c));
        }
    }
    let name = "vango_event_latency_seconds";
    let _ = writeln!(
        out,
        "# HELP {name} Event to patch latency.\n# TYPE {name} histogram"
    );
    for (i, m) in cores.iter().enumerate() {
        let mut cum = 0;
        for (j, b) in m.latency_buckets.iter().enumerate() {
            cum += load(b);
            match LATENCY_BUCKETS_US.get(j) {
                Some(us) => {
                    let le = *us as f64 / 1e6;
                    let _ = writeln!(out, "{name}_bucket{{core=\"{i}\",le=\"{le}\"}} {cum}");
                }
                None => {
                    let _ = writeln!(out, "{name}_bucket{{core=\"{i}\",le=\"+Inf\"}} {cum}");
                }
            }
        }
        let sum = load(&m.latency_sum_us) as f64 / 1e6;
        let _ = writeln!(
            out,
            "{name}_sum{{core=\"{i}\"}} {sum}\n{name}_count{{core=\"{i}\"}} {cum}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_counts_match() {
        let m = CoreMetrics::default();
        for us in [10, 30, 30, 2_000, 1_000_000] {
            m.observe_event(Duration::from_micros(us), 1);
        }
        let mut out = String::new();
        render(std::slice::from_ref(&m), &mut out);
        assert!(out.contains("vango_event_latency_seconds_bucket{core=\"0\",le=\"0.000025\"} 1"));
        assert!(out.contains("vango_event_latency_seconds_bucket{core=\"0\",le=\"0.00005\"} 3"));
        assert!(out.contains("vango_event_latency_seconds_bucket{core=\"0\",le=\"+Inf\"} 5"));
        assert!(out.contains("vango_event_latency_seconds_count{core=\"0\"} 5"));
        assert!(out.contains("vango_events_total{core=\"0\"} 5"));
    }
}
