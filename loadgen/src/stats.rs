//! Latency recording: exact samples (bounded), percentiles, and a JSON-friendly summary.

use std::time::Duration;

/// Collected round-trip times in microseconds.
#[derive(Default)]
pub struct Latencies {
    samples: Vec<u32>,
}

impl Latencies {
    /// Records one round trip.
    pub fn record(&mut self, d: Duration) {
        self.samples
            .push(d.as_micros().min(u32::MAX as u128) as u32);
    }

    /// (p50, p90, p99, p99.9, max) in microseconds; zeros when empty.
    pub fn percentiles(&mut self) -> [u32; 5] {
        if self.samples.is_empty() {
            return [0; 5];
        }
        self.samples.sort_unstable();
        let n = self.samples.len();
        let at = |q: f64| self.samples[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
        [at(0.50), at(0.90), at(0.99), at(0.999), self.samples[n - 1]]
    }
}
