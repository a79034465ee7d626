//! Redis's own traffic counters (`INFO stats`: bytes in and out over all its clients),
//! read over a plain TCP connection, for the fan-out workload's bytes per write.
//!
//! Touches one short-lived socket to the Redis server named by a `redis://` URL.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// `total_net_input_bytes + total_net_output_bytes` of the Redis at `url`
/// (`redis://host:port/`, no password); `None` when it cannot be read.
pub fn net_bytes(url: &str) -> Option<u64> {
    let rest = url.strip_prefix("redis://")?;
    let host = rest.split('/').next()?.rsplit('@').next()?;
    let mut s = TcpStream::connect(host).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    s.write_all(b"INFO stats\r\n").ok()?;
    // A bulk reply: `$<len>\r\n<text>\r\n`.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let text = loop {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let head_end = buf.windows(2).position(|w| w == b"\r\n")?;
        let len: usize = std::str::from_utf8(buf.get(1..head_end)?)
            .ok()?
            .parse()
            .ok()?;
        if buf.len() >= head_end + 2 + len {
            break String::from_utf8_lossy(&buf[head_end + 2..head_end + 2 + len]).into_owned();
        }
    };
    let field = |name: &str| -> Option<u64> {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))?
            .trim()
            .parse()
            .ok()
    };
    Some(field("total_net_input_bytes")? + field("total_net_output_bytes")?)
}

/// Redis bytes counted between two reads, less what one `INFO` exchange itself adds
/// (measured as two reads back to back).
pub struct Meter {
    url: String,
    start: u64,
    info_cost: u64,
}

impl Meter {
    /// Starts counting on the Redis at `url`.
    pub fn start(url: &str) -> Option<Meter> {
        let a = net_bytes(url)?;
        let b = net_bytes(url)?;
        Some(Meter {
            url: url.to_owned(),
            start: b,
            info_cost: b.saturating_sub(a),
        })
    }

    /// Bytes since `start`, the `INFO` exchanges excluded.
    pub fn bytes(&self) -> Option<u64> {
        Some(net_bytes(&self.url)?.saturating_sub(self.start + self.info_cost))
    }
}
