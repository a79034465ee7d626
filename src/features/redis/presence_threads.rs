//! Presence's threads: starts them (the worker in `presence_sync`, one following the
//! local bus, one holding the presence subscription). Touches the bus and Redis; never a
//! core.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use super::link::Sub;
use super::presence_sync::{PEv, Worker};
use super::Config;

/// The presence subscription thread: (re)connects with backoff, sends `Resync` once
/// subscribed, then forwards messages.
pub(super) fn subscribe(
    client: redis::Client,
    cfg: Config,
    tx: flume::Sender<PEv>,
    stop: Arc<AtomicBool>,
) {
    let channel = format!("{}:presence", cfg.prefix);
    super::link::hold_subscription(&client, cfg.timeout, &channel, &stop, |event| match event {
        Sub::Unreachable(_) => true,
        Sub::Subscribed => tx.send(PEv::Resync).is_ok(),
        Sub::Message(m) => tx.send(PEv::Msg(m)).is_ok(),
        Sub::Down => {
            let _ = tx.send(PEv::Down);
            true
        }
    });
}

/// Starts presence's threads if anything is tracked; the receiver says when the first
/// load from Redis is done.
pub(super) fn start(
    bridge: &mut super::RedisBridge,
    bus: &crate::features::bus::Bus,
) -> std::io::Result<Option<flume::Receiver<()>>> {
    if bridge.tracks.is_empty() {
        return Ok(None);
    }
    let handle = bus
        .subscribe()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::BrokenPipe, e))?;
    let waiter = handle.waiter();
    let (tx, rx) = flume::bounded(4096);
    let (ready_tx, ready_rx) = flume::bounded(1);
    let w = Worker {
        cfg: bridge.cfg.clone(),
        client: bridge.client.clone(),
        heartbeat: bridge.heartbeat,
        tracks: std::mem::take(&mut bridge.tracks),
        handle,
        stats: bridge.stats.clone(),
        ready: ready_tx,
        boot: boot_id(),
    };
    std::thread::Builder::new()
        .name("vango-presence".into())
        .spawn(move || w.run(rx))?;
    let (client, cfg, stop, sub_tx) = (
        bridge.client.clone(),
        bridge.cfg.clone(),
        bridge.stop.clone(),
        tx.clone(),
    );
    std::thread::Builder::new()
        .name("vango-presence-sub".into())
        .spawn(move || subscribe(client, cfg, sub_tx, stop))?;
    let local_tx = tx.clone();
    std::thread::Builder::new()
        .name("vango-presence-bus".into())
        .spawn(move || {
            while waiter.wait_blocking() {
                if local_tx.send(PEv::Local).is_err() {
                    return;
                }
            }
        })?;
    bridge.presence_tx = Some(tx);
    Ok(Some(ready_rx))
}

/// Random per process start (std's per-process hash keys), so a restarted node's states
/// are told from its previous run's.
fn boot_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    h.finish()
}

/// Asks the worker to stop (the subscription thread follows the shared stop flag).
pub(super) fn stop(tx: &flume::Sender<PEv>) {
    let _ = tx.send(PEv::Stop);
}
