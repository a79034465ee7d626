//! The Upload frame's step (`0x07`): decode, find the upload, and for a chunk store it on
//! the blocking pool between two short borrows of the session, then answer with the
//! Patches frame that carries the new progress and the next ack. The connection loop
//! awaits this before it reads the next frame, so a session holds one chunk at a time.
//!
//! Touches the session (borrowed only outside the await), its scope and store, the
//! blocking pool and the core's executor (the stall watchdog).

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use async_io::Timer;
use async_tungstenite::tungstenite::Bytes;

use super::state::{abort_later, State, Uploads};
use crate::live::host::LiveCore;
use crate::live::scope::SessionStore;
use crate::live::session::Session;
use crate::live::step::{render, Reply};
use crate::live::task::spawn_handle;
use crate::protocol::close;
use crate::protocol::upload::{decode_upload, UploadFrame};

/// Handles one Upload frame of an attached session.
pub(crate) async fn on_upload_frame(
    bytes: Bytes,
    live: &LiveCore,
    sess: &Rc<RefCell<Session>>,
    gen: u32,
) -> Reply {
    let frame = match decode_upload(&bytes) {
        Ok(f) => f,
        Err(e) => return Reply::Close(e.close_code(), e.kind()),
    };
    let (key, xfer, file, offset, data) = match frame {
        UploadFrame::Chunk {
            key,
            xfer,
            file,
            offset,
            data,
        } => {
            let at = data.as_ptr() as usize - bytes.as_ptr() as usize;
            (key, xfer, file, offset, bytes.slice(at..))
        }
        other => {
            let key = match &other {
                UploadFrame::Begin { key, .. } | UploadFrame::Cancel { key, .. } => *key,
                UploadFrame::Chunk { key, .. } => *key,
            };
            // Announcements and cancels cost a render each: they count as events.
            let Ok(mut s) = sess.try_borrow_mut() else {
                return Reply::None;
            };
            if s.generation == gen && !s.rate.take(&live.app.config) {
                return Reply::Close(close::RATE_LIMIT, "event rate limit exceeded");
            }
            drop(s);
            return step(live, sess, gen, key, |st| control(st, other));
        }
    };
    let len = data.len() as u64;
    // First borrow: check the chunk and take the file's sink.
    let mut job = None;
    let early = step(live, sess, gen, key, |st| {
        match st.take_for_chunk(xfer, file, offset, len) {
            Ok(Some(j)) => {
                job = Some((j, st.cfg.sink.clone()));
                false
            }
            Ok(None) => false,
            Err(()) => true,
        }
    });
    let Some(((sink, meta, last), open)) = job else {
        return early;
    };
    // On the pool: open the sink if this is the file's first chunk, write, finish.
    let result = blocking::unblock(move || {
        let run = AssertUnwindSafe(move || -> Result<_, String> {
            let mut sink = match sink {
                Some(s) => s,
                None => open.open_file(&meta).map_err(|e| e.to_string())?,
            };
            let stored = sink.write(&data).and_then(|()| {
                if last {
                    sink.finish().map(Some)
                } else {
                    Ok(None)
                }
            });
            match stored {
                Ok(at) => Ok((sink, at)),
                Err(e) => {
                    sink.abort();
                    Err(e.to_string())
                }
            }
        });
        catch_unwind(run).unwrap_or_else(|_| Err("the upload sink panicked".into()))
    })
    .await;
    // Second borrow: record it, answer with the progress and the next ack.
    let mut result = Some(result);
    let reply = step(live, sess, gen, key, |st| {
        if let Some(r) = result.take() {
            st.stored(xfer, len, r);
        }
        true
    });
    // The upload went away meanwhile (its component unmounted, the session moved on):
    // what was stored goes.
    if let Some(Ok((sink, _))) = result {
        abort_later(sink);
    }
    reply
}

/// Begin and Cancel.
fn control(st: &mut State, f: UploadFrame<'_>) -> bool {
    match f {
        UploadFrame::Begin { key, xfer, files } => {
            if st.begin(xfer, files) {
                watch(st, key, xfer);
            }
            true
        }
        UploadFrame::Cancel { xfer, .. } => {
            if st.xfer.as_ref().is_some_and(|t| t.id == xfer) {
                st.fail_transfer("", false);
                true
            } else {
                false
            }
        }
        UploadFrame::Chunk { .. } => false,
    }
}

/// Starts the stall watchdog of transfer `xfer`: it fails the transfer when no byte was
/// stored for the upload's `stall_timeout`.
fn watch(st: &mut State, key: u32, xfer: u32) {
    let every = st.cfg.stall_timeout;
    let handle = spawn_handle(async move {
        let mut last = u64::MAX;
        loop {
            Timer::after(every).await;
            let Some(store) = SessionStore::current() else {
                return;
            };
            let Some(st) = store.ext::<Uploads>().get(key) else {
                return;
            };
            let mut st = st.borrow_mut();
            let Some(t) = st.xfer.as_ref().filter(|t| t.id == xfer) else {
                return;
            };
            if t.moved == last {
                let t = st.fail_transfer("upload stalled: the browser stopped sending", true);
                // This task is the one ending: let it finish instead of cancelling itself.
                if let Some(h) = t.and_then(|mut t| t.watchdog.take()) {
                    h.detach();
                }
                return;
            }
            last = t.moved;
        }
    });
    if let Some(t) = st.xfer.as_mut() {
        t.watchdog = handle;
    }
}

/// Runs `f` on upload `key`'s state inside the session's scope, then renders what changed
/// (when `f` says so) into a Patches frame acknowledging no new event.
fn step(
    live: &LiveCore,
    sess: &Rc<RefCell<Session>>,
    gen: u32,
    key: u32,
    f: impl FnOnce(&mut State) -> bool,
) -> Reply {
    let Ok(mut s) = sess.try_borrow_mut() else {
        return Reply::None;
    };
    if s.generation != gen {
        return Reply::Close(close::NORMAL, "session resumed elsewhere");
    }
    let scope = s.scope.clone();
    let out = catch_unwind(AssertUnwindSafe(|| {
        scope.enter(|| {
            let ups = scope.store().ext::<Uploads>();
            let st = ups.get(key)?;
            let changed = crate::reactive::batch(|| {
                let changed = f(&mut st.borrow_mut());
                // The app's handler runs with the state released: it may read or cancel it.
                let (on_done, done) = {
                    let mut b = st.borrow_mut();
                    (b.on_done.clone(), std::mem::take(&mut b.finished))
                };
                if let Some(h) = on_done {
                    done.into_iter().for_each(|file| h(file));
                }
                changed
            });
            if !changed {
                return None;
            }
            let ack = s.last_event;
            render(&mut s, live, ack)
        })
    }));
    match out {
        Ok(Some(frame)) => Reply::One(frame),
        Ok(None) => Reply::None,
        Err(_) => {
            let id = s.id;
            drop(s);
            live.registry.remove(&id, live.core.metrics());
            log::error!("session={id} an upload step panicked; the session ended");
            Reply::Fatal(close::PANIC, "upload step panicked")
        }
    }
}

/// The tab's connection ended: every transfer in progress fails at once (its unfinished
/// file is deleted); the page shows it when the tab comes back.
pub(crate) fn connection_lost(sess: &Rc<RefCell<Session>>) {
    let Ok(s) = sess.try_borrow() else { return };
    let scope = s.scope.clone();
    drop(s);
    scope.enter(|| {
        let Some(ups) = scope.store().ext_if::<Uploads>() else {
            return;
        };
        crate::reactive::batch(|| ups.fail_all("upload broke off: the connection was lost"));
    });
}
