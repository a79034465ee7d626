//! The Redis connections the bridge's threads hold: a command connection with its Lua
//! script loaded, and a subscription kept with backoff. Touches Redis only.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A command connection with `script` loaded (its SHA for `EVALSHA`), reads and writes
/// bounded by `timeout`; `None` while Redis cannot be reached.
pub(super) fn connect(
    client: &redis::Client,
    timeout: Duration,
    script: &str,
) -> Option<(redis::Connection, String)> {
    let mut c = client.get_connection_with_timeout(timeout).ok()?;
    c.set_read_timeout(Some(timeout)).ok()?;
    c.set_write_timeout(Some(timeout)).ok()?;
    let sha: String = redis::cmd("SCRIPT")
        .arg("LOAD")
        .arg(script)
        .query(&mut c)
        .ok()?;
    Some((c, sha))
}

/// What a held subscription reports.
pub(super) enum Sub<'a> {
    /// Redis could not be reached (retried after a backoff).
    Unreachable(&'a redis::RedisError),
    /// Subscribed (again): nothing published from now on is missed.
    Subscribed,
    /// A message on the channel.
    Message(Vec<u8>),
    /// The subscription broke (retried after a backoff).
    Down,
}

/// Holds a subscription to `channel` until `stop` is set or `on` returns `false`:
/// (re)connects with a backoff from 100 ms doubling to 2 s, and wakes every 250 ms to
/// look at `stop`.
pub(super) fn hold_subscription(
    client: &redis::Client,
    timeout: Duration,
    channel: &str,
    stop: &AtomicBool,
    mut on: impl FnMut(Sub<'_>) -> bool,
) {
    let mut backoff = Duration::from_millis(100);
    while !stop.load(Ordering::Acquire) {
        match client.get_connection_with_timeout(timeout) {
            Ok(mut c) => {
                let _ = c.set_read_timeout(Some(Duration::from_millis(250)));
                let mut ps = c.as_pubsub();
                if ps.subscribe(channel).is_ok() {
                    backoff = Duration::from_millis(100);
                    if !on(Sub::Subscribed) {
                        return;
                    }
                    loop {
                        if stop.load(Ordering::Acquire) {
                            return;
                        }
                        match ps.get_message() {
                            Ok(m) => {
                                if !on(Sub::Message(m.get_payload_bytes().to_vec())) {
                                    return;
                                }
                            }
                            Err(e) if e.is_timeout() => {}
                            Err(_) => break,
                        }
                    }
                }
                if !on(Sub::Down) {
                    return;
                }
            }
            Err(err) => {
                if !on(Sub::Unreachable(&err)) {
                    return;
                }
            }
        }
        std::thread::sleep(backoff);
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}
