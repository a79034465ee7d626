//! Per-session and per-core admission limits: an event-rate token bucket, and the session
//! cap a core derives from the per-core and total limits of [`SessionConfig`] (memory is
//! accounted per session by `budget`, not turned into a count).
//!
//! Touches only the session it is given; the clock is a per-thread epoch so the bucket
//! costs 8 bytes per session.

use std::cell::Cell;
use std::time::Instant;

use super::SessionConfig;

thread_local! {
    static EPOCH: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Milliseconds since this thread first asked (wraps after 49 days; the bucket and the
/// hibernation deadline tolerate it).
pub(crate) fn now_ms() -> u32 {
    ms_at(Instant::now())
}

/// [`now_ms`] at instant `at` (not before this thread first asked).
pub(crate) fn ms_at(at: Instant) -> u32 {
    EPOCH.with(|e| {
        let epoch = e.get().unwrap_or_else(|| {
            e.set(Some(at));
            at
        });
        at.saturating_duration_since(epoch).as_millis() as u32
    })
}

/// A token bucket refilled at `max_events_per_sec`, holding at most `event_burst` tokens.
/// Tokens are kept in thousandths so that low rates refill smoothly.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RateBucket {
    milli_tokens: u32,
    at_ms: u32,
}

impl RateBucket {
    /// A full bucket.
    pub(crate) fn new(cfg: &SessionConfig) -> Self {
        RateBucket {
            milli_tokens: cfg.event_burst.saturating_mul(1000),
            at_ms: now_ms(),
        }
    }

    /// Takes one token; `false` when the session is over its rate.
    pub(crate) fn take(&mut self, cfg: &SessionConfig) -> bool {
        self.take_at(now_ms(), cfg)
    }

    fn take_at(&mut self, now: u32, cfg: &SessionConfig) -> bool {
        let elapsed = now.wrapping_sub(self.at_ms);
        self.at_ms = now;
        let cap = cfg.event_burst.saturating_mul(1000);
        let refill = (elapsed as u64 * cfg.max_events_per_sec as u64).min(cap as u64) as u32;
        self.milli_tokens = self.milli_tokens.saturating_add(refill).min(cap);
        if self.milli_tokens >= 1000 {
            self.milli_tokens -= 1000;
            true
        } else {
            false
        }
    }
}

/// A duration as an operator writes it: `15s`, `500ms`, `2m`, or bare seconds (`15`).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use vango::live::limits::parse_duration;
/// assert_eq!(parse_duration("15s"), Some(Duration::from_secs(15)));
/// assert_eq!(parse_duration(" 500ms "), Some(Duration::from_millis(500)));
/// assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
/// assert_eq!(parse_duration("0"), Some(Duration::ZERO));
/// assert_eq!(parse_duration("soon"), None);
/// assert_eq!(parse_duration("-1s"), None);
/// ```
pub fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let s = s.trim();
    let (n, unit_ms) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000)
    } else {
        (s, 1000)
    };
    let n: u64 = n.trim().parse().ok()?;
    Some(std::time::Duration::from_millis(n.checked_mul(unit_ms)?))
}

/// How many sessions one of `cores` cores may hold under `cfg`.
pub(crate) fn core_capacity(cfg: &SessionConfig, cores: usize) -> usize {
    let cores = cores.max(1);
    let mut cap = cfg.max_sessions_per_core;
    if let Some(total) = cfg.max_sessions {
        cap = cap.min(total.div_ceil(cores));
    }
    cap
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(rate: u32, burst: u32) -> SessionConfig {
        SessionConfig {
            max_events_per_sec: rate,
            event_burst: burst,
            ..Default::default()
        }
    }

    #[test]
    fn bucket_allows_the_burst_then_the_rate() {
        let c = cfg(10, 5);
        let mut b = RateBucket {
            milli_tokens: 5000,
            at_ms: 0,
        };
        for _ in 0..5 {
            assert!(b.take_at(0, &c));
        }
        assert!(!b.take_at(0, &c), "burst exhausted");
        assert!(!b.take_at(50, &c), "half a token after 50 ms at 10/s");
        assert!(b.take_at(100, &c), "one token after 100 ms");
        assert!(!b.take_at(100, &c));
        // A long pause refills only up to the burst.
        let mut n = 0;
        while b.take_at(100_000, &c) {
            n += 1;
        }
        assert_eq!(n, 5);
    }

    #[test]
    fn bucket_survives_clock_wrap() {
        let c = cfg(10, 2);
        let mut b = RateBucket {
            milli_tokens: 0,
            at_ms: u32::MAX - 50,
        };
        assert!(
            b.take_at(50, &c),
            "101 ms across the wrap refills one token"
        );
    }

    #[test]
    fn capacity_is_the_tightest_limit() {
        let mut c = SessionConfig::default();
        assert_eq!(core_capacity(&c, 2), c.max_sessions_per_core);
        c.max_sessions = Some(1001);
        assert_eq!(core_capacity(&c, 2), 501);
        c.max_memory = Some(1024);
        assert_eq!(core_capacity(&c, 2), 501, "memory is the budget's business");
        c.max_sessions_per_core = 7;
        assert_eq!(core_capacity(&c, 2), 7);
    }
}
