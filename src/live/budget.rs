//! The process's memory budget for sessions: what every core's sessions may hold together
//! (their measured sizes, `size`), where it comes from (configuration, else half of the
//! cgroup's `memory.max`, else half of RAM), and what pressure does to the resume window.
//!
//! Shared by every core through one atomic; reads `/proc` and `/sys/fs/cgroup` once at start.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

/// The memory all sessions of the process may hold, and what they hold now.
///
/// Below half the budget a detached session waits the whole resume window; from half to
/// the whole budget the window shrinks in proportion down to nothing; at the budget the
/// detached sessions are evicted oldest first and a new session that would not fit is
/// refused (close code 12). An attached session is never evicted for memory.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use vango::live::budget::Budget;
/// let b = Budget::new(1000);
/// let w = Duration::from_secs(60);
/// assert_eq!(b.resume_window(w), w);
/// b.charge(750);
/// assert_eq!(b.resume_window(w), Duration::from_secs(30));
/// assert!(b.fits(250) && !b.fits(251));
/// b.refund(750);
/// assert_eq!(b.used(), 0);
/// ```
#[derive(Debug)]
pub struct Budget {
    limit: usize,
    used: AtomicUsize,
}

impl Budget {
    /// A budget of `limit` bytes (at least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::budget::Budget;
    /// assert_eq!(Budget::new(4096).limit(), 4096);
    /// assert_eq!(Budget::new(0).limit(), 1, "never zero");
    /// ```
    pub fn new(limit: usize) -> Budget {
        Budget {
            limit: limit.max(1),
            used: AtomicUsize::new(0),
        }
    }

    /// `explicit` when given ([`SessionConfig::max_memory`](super::SessionConfig)), else
    /// [`default_limit`], else no practical bound.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::budget::{default_limit, Budget};
    /// assert_eq!(Budget::resolve(Some(512 << 20)).limit(), 512 << 20);
    /// let auto = Budget::resolve(None);
    /// assert_eq!(auto.limit(), default_limit().unwrap_or(usize::MAX));
    /// ```
    pub fn resolve(explicit: Option<usize>) -> Budget {
        Budget::new(explicit.or_else(default_limit).unwrap_or(usize::MAX))
    }

    /// The budget in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// let b = vango::live::budget::Budget::new(1 << 30);
    /// b.charge(1 << 20);
    /// assert_eq!(b.limit(), 1 << 30, "charges do not move the limit");
    /// ```
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Bytes the sessions hold now.
    ///
    /// # Examples
    ///
    /// ```
    /// let b = vango::live::budget::Budget::new(1000);
    /// b.charge(300);
    /// b.charge(200);
    /// assert_eq!(b.used(), 500);
    /// ```
    pub fn used(&self) -> usize {
        self.used.load(Relaxed)
    }

    /// Accounts `bytes` more.
    ///
    /// # Examples
    ///
    /// ```
    /// let b = vango::live::budget::Budget::new(1000);
    /// b.charge(1200); // a charge is never refused: `fits` is asked first
    /// assert_eq!(b.used(), 1200);
    /// assert!(!b.fits(0));
    /// ```
    pub fn charge(&self, bytes: usize) {
        self.used.fetch_add(bytes, Relaxed);
    }

    /// Accounts `bytes` fewer.
    ///
    /// # Examples
    ///
    /// ```
    /// let b = vango::live::budget::Budget::new(1000);
    /// b.charge(100);
    /// b.refund(40);
    /// assert_eq!(b.used(), 60);
    /// b.refund(1000);
    /// assert_eq!(b.used(), 0, "never below zero");
    /// ```
    pub fn refund(&self, bytes: usize) {
        let _ = self
            .used
            .fetch_update(Relaxed, Relaxed, |u| Some(u.saturating_sub(bytes)));
    }

    /// Whether `bytes` more stay within the budget.
    ///
    /// # Examples
    ///
    /// ```
    /// let b = vango::live::budget::Budget::new(1000);
    /// b.charge(900);
    /// assert!(b.fits(100));
    /// assert!(!b.fits(101), "a session this big would be refused");
    /// ```
    pub fn fits(&self, bytes: usize) -> bool {
        self.used().saturating_add(bytes) <= self.limit
    }

    /// Whether the sessions hold more than half the budget (the window shrinks).
    ///
    /// # Examples
    ///
    /// ```
    /// let b = vango::live::budget::Budget::new(1000);
    /// b.charge(500);
    /// assert!(!b.under_pressure());
    /// b.charge(1);
    /// assert!(b.under_pressure());
    /// ```
    pub fn under_pressure(&self) -> bool {
        self.used() > self.limit / 2
    }

    /// How long a detached session waits now, given the configured `window`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = vango::live::budget::Budget::new(1000);
    /// let w = Duration::from_secs(60);
    /// b.charge(900); // 80 % of the way from half to full
    /// assert_eq!(b.resume_window(w), Duration::from_secs(12));
    /// b.charge(100);
    /// assert_eq!(b.resume_window(w), Duration::ZERO);
    /// ```
    pub fn resume_window(&self, window: Duration) -> Duration {
        let (used, half) = (self.used() as f64, (self.limit / 2) as f64);
        if used <= half {
            return window;
        }
        let left = ((self.limit as f64 - used) / half.max(1.0)).clamp(0.0, 1.0);
        window.mul_f64(left)
    }
}

/// The shortest wait before an idle session hibernates under memory pressure.
const MIN_HIBERNATE_AFTER: Duration = Duration::from_millis(100);

/// The longest wait before an idle session hibernates under memory pressure.
const MAX_HIBERNATE_AFTER: Duration = Duration::from_secs(1);

impl Budget {
    /// How long an idle session waits now before it hibernates, given the configured
    /// `after`: all of it up to half the budget; past half at most 1 s, and less as the
    /// budget fills, on the scale of [`resume_window`](Self::resume_window), down to
    /// 100 ms (never more than `after`). A burst of new sessions thereby packs its trees
    /// well before the budget refuses anyone (packing a 50-row list costs ≈ 30 µs,
    /// waking it ≈ 70 µs). Zero (hibernation off) stays zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = vango::live::budget::Budget::new(1000);
    /// let after = Duration::from_secs(15);
    /// assert_eq!(b.hibernate_after(after), after);
    /// b.charge(501);
    /// assert_eq!(b.hibernate_after(after), Duration::from_secs(1), "past half");
    /// b.charge(449); // 90 % of the way from half to full: 1.5 s on the window's scale
    /// assert_eq!(b.hibernate_after(after), Duration::from_secs(1));
    /// b.charge(50);
    /// assert_eq!(b.hibernate_after(after), Duration::from_millis(100), "at the budget");
    /// assert_eq!(b.hibernate_after(Duration::ZERO), Duration::ZERO, "off stays off");
    /// ```
    pub fn hibernate_after(&self, after: Duration) -> Duration {
        if after.is_zero() || !self.under_pressure() {
            return after;
        }
        let w = self.resume_window(after);
        w.clamp(MIN_HIBERNATE_AFTER, MAX_HIBERNATE_AFTER).min(after)
    }
}

/// Half of the cgroup v2 `memory.max` of this process when one is set, else half of the
/// machine's RAM; `None` when neither can be read.
///
/// # Examples
///
/// ```
/// use vango::live::budget::default_limit;
/// // On Linux: half the cgroup's `memory.max`, else half of RAM.
/// if let Some(bytes) = default_limit() {
///     assert!(bytes > 0);
/// }
/// ```
pub fn default_limit() -> Option<usize> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let total = read("/proc/self/cgroup")
        .and_then(|c| cgroup_max(&c, |path| read(&format!("/sys/fs/cgroup{path}/memory.max"))))
        .or_else(|| read("/proc/meminfo").and_then(|m| mem_total(&m)))?;
    usize::try_from(total / 2).ok()
}

/// The `memory.max` of the v2 cgroup named in `proc_cgroup` (`0::/path`), read with `read`.
fn cgroup_max(proc_cgroup: &str, read: impl Fn(&str) -> Option<String>) -> Option<u64> {
    let path = proc_cgroup
        .lines()
        .find_map(|l| l.strip_prefix("0::"))?
        .trim();
    let path = if path == "/" { "" } else { path };
    read(path)?.trim().parse().ok()
}

/// `MemTotal` of `/proc/meminfo`, in bytes.
fn mem_total(meminfo: &str) -> Option<u64> {
    let kb = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))?
        .trim()
        .strip_suffix("kB")?
        .trim();
    kb.parse::<u64>().ok()?.checked_mul(1024)
}

/// A byte count as written in an environment variable: digits with an optional `K`, `M`
/// or `G` (powers of 1024).
///
/// # Examples
///
/// ```
/// use vango::live::budget::parse_bytes;
/// assert_eq!(parse_bytes("512M"), Some(512 << 20));
/// assert_eq!(parse_bytes(" 2g "), Some(2 << 30));
/// assert_eq!(parse_bytes("1000"), Some(1000));
/// assert_eq!(parse_bytes("lots"), None);
/// ```
pub fn parse_bytes(s: &str) -> Option<usize> {
    let s = s.trim();
    let (digits, shift) = match s.char_indices().last()? {
        (i, 'k' | 'K') => (&s[..i], 10),
        (i, 'm' | 'M') => (&s[..i], 20),
        (i, 'g' | 'G') => (&s[..i], 30),
        _ => (s, 0),
    };
    digits.trim().parse::<usize>().ok()?.checked_mul(1 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cgroup_limit_is_read_when_set() {
        let files = |p: &str| match p {
            "/system.slice/vango.service" => Some("1073741824\n".to_string()),
            "" => Some("max\n".to_string()),
            _ => None,
        };
        assert_eq!(
            cgroup_max("0::/system.slice/vango.service\n", files),
            Some(1 << 30)
        );
        assert_eq!(cgroup_max("0::/\n", files), None, "`max` is no limit");
        assert_eq!(cgroup_max("1:name=systemd:/x\n", files), None, "v1 only");
    }

    #[test]
    fn mem_total_is_in_bytes() {
        let m = "MemTotal:        4030272 kB\nMemFree:  1 kB\n";
        assert_eq!(mem_total(m), Some(4030272 * 1024));
        assert_eq!(mem_total("MemFree: 1 kB"), None);
    }

    #[test]
    fn the_window_shrinks_past_half_and_closes_at_the_budget() {
        let b = Budget::new(1000);
        let w = Duration::from_secs(60);
        b.charge(500);
        assert_eq!(b.resume_window(w), w);
        assert!(!b.under_pressure());
        b.charge(400);
        assert_eq!(b.resume_window(w), Duration::from_secs(12));
        b.charge(200);
        assert_eq!(b.resume_window(w), Duration::ZERO);
        b.refund(5000);
        assert_eq!(b.used(), 0, "a refund never wraps");
    }

    #[test]
    fn the_default_comes_from_this_machine() {
        let d = default_limit().expect("Linux has /proc/meminfo");
        assert!(d > 1 << 20);
    }
}
