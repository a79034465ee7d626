//! One upload's server-side state: the limits, the transfer in progress (which file, how
//! many bytes stored, the sink, the stall watchdog) and the page's signals; what a Begin,
//! a stored chunk, a cancel or a stall does to them, and the acks it queues for the
//! browser. Synchronous: the caller (`frame.rs`) does the awaiting.
//!
//! Touches the upload's signals, the session's command queue (`push_hook`) and the
//! blocking pool (to abort a sink).

use std::cell::RefCell;
use std::rc::Rc;

use super::sink::UploadSink;
use super::types::{FileState, UploadConfig, UploadFile};
use crate::live::command::try_push_hook;
use crate::protocol::upload::FileMeta;
use crate::reactive::Signal;

/// Bytes the browser may send past the last acknowledged offset: four 32 KiB chunks in
/// flight keep a fast link busy while other events wait behind at most this much.
pub(crate) const WINDOW: u64 = 128 * 1024;

/// The session's uploads by key (one per `use_upload`), in its store.
#[derive(Default)]
pub(crate) struct Uploads {
    next: std::cell::Cell<u32>,
    all: RefCell<Vec<(u32, Rc<RefCell<State>>)>>,
}

impl Uploads {
    pub(crate) fn add(&self, state: State) -> u32 {
        let key = self.next.get() + 1;
        self.next.set(key);
        self.all
            .borrow_mut()
            .push((key, Rc::new(RefCell::new(state))));
        key
    }

    /// The next key `add` gives (the state needs its DOM id before it is added).
    pub(crate) fn peek(&self) -> u32 {
        self.next.get() + 1
    }

    pub(crate) fn get(&self, key: u32) -> Option<Rc<RefCell<State>>> {
        let all = self.all.borrow();
        all.iter().find(|(k, _)| *k == key).map(|(_, s)| s.clone())
    }

    pub(crate) fn remove(&self, key: u32) {
        let gone = {
            let mut all = self.all.borrow_mut();
            all.iter()
                .position(|(k, _)| *k == key)
                .map(|i| all.swap_remove(i))
        };
        drop(gone);
    }

    /// Every upload's transfer in progress ends with `why` (the connection was lost).
    pub(crate) fn fail_all(&self, why: &str) {
        let all: Vec<_> = self.all.borrow().iter().map(|(_, s)| s.clone()).collect();
        for s in all {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.fail_transfer(why, false);
            }
        }
    }
}

/// Where the current file's sink is.
pub(crate) enum Slot {
    /// Not opened yet (no byte of this file arrived).
    Empty,
    /// Open, between chunks.
    Open(Box<dyn UploadSink>),
    /// On the blocking pool, writing a chunk.
    Busy,
}

/// A transfer in progress: the files the browser announced, the one being received.
pub(crate) struct Transfer {
    pub(crate) id: u32,
    pub(crate) metas: Vec<FileMeta>,
    /// Index of the file being received.
    pub(crate) current: usize,
    /// Bytes of it stored.
    pub(crate) received: u64,
    pub(crate) slot: Slot,
    /// Bytes stored over the whole transfer (the watchdog watches it move).
    pub(crate) moved: u64,
    /// Ends the stall watchdog when dropped.
    pub(crate) watchdog: Option<async_executor::Task<()>>,
}

/// What storing a chunk needs: the file's open sink (`None`: open one), its
/// announcement, and whether the chunk ends the file.
pub(crate) type ChunkJob = (Option<Box<dyn UploadSink>>, FileMeta, bool);

/// One upload's state.
pub(crate) struct State {
    pub(crate) cfg: Rc<UploadConfig>,
    pub(crate) dom_id: String,
    pub(crate) files: Signal<Vec<UploadFile>>,
    pub(crate) error: Signal<Option<String>>,
    pub(crate) xfer: Option<Transfer>,
    /// The app's handler for each stored file ([`Upload::on_done`](super::Upload::on_done)).
    pub(crate) on_done: Option<Rc<dyn Fn(UploadFile)>>,
    /// Files stored by the last step, for `on_done` once the state is released.
    pub(crate) finished: Vec<UploadFile>,
}

/// Runs a sink's `abort` on the blocking pool.
pub(crate) fn abort_later(mut sink: Box<dyn UploadSink>) {
    blocking::unblock(move || sink.abort()).detach();
}

impl State {
    fn set_file(&self, i: usize, f: impl FnOnce(&mut UploadFile)) {
        let _ = self.files.try_update(|v| {
            if let Some(x) = v.get_mut(i) {
                f(x)
            }
        });
    }

    fn ack(&self, xfer: u32, file: usize, offset: u64) {
        // Run by the upload frames of a session; outside one there is no browser to tell.
        let _ = try_push_hook(
            &self.dom_id,
            "ack",
            format!("{xfer},{file},{offset},{WINDOW}"),
        );
    }

    fn stop(&self, xfer: u32) {
        let _ = try_push_hook(&self.dom_id, "stop", xfer.to_string());
    }

    /// A Begin: checks count, sizes and types before anything is stored; refused files get
    /// their error, the others wait their turn. Returns whether a transfer started (the
    /// caller starts its watchdog).
    pub(crate) fn begin(&mut self, id: u32, metas: Vec<FileMeta>) -> bool {
        self.fail_transfer("replaced by a newer selection", true);
        let cfg = self.cfg.clone();
        let _ = self.error.try_set(None);
        if metas.len() > cfg.max_files {
            let n = cfg.max_files;
            let _ = self.error.try_set(Some(format!(
                "too many files: at most {n} at once ({} chosen)",
                metas.len()
            )));
            let _ = self.files.try_set(Vec::new());
            self.stop(id);
            return false;
        }
        let files: Vec<UploadFile> = metas
            .iter()
            .map(|m| {
                let state = match cfg.check(m) {
                    Ok(()) if m.size == 0 => FileState::Done(String::new()),
                    Ok(()) => FileState::Waiting,
                    Err(e) => FileState::Failed(e),
                };
                UploadFile {
                    name: m.name.clone(),
                    size: m.size,
                    content_type: m.content_type.clone(),
                    received: 0,
                    state,
                }
            })
            .collect();
        // Empty files are complete as announced: nothing to store, but the app hears of them.
        self.finished.extend(
            files
                .iter()
                .filter(|f| matches!(f.state, FileState::Done(_)))
                .cloned(),
        );
        let first = files.iter().position(|f| f.state == FileState::Waiting);
        let _ = self.files.try_set(files);
        let Some(first) = first else {
            self.stop(id);
            return false;
        };
        self.set_file(first, |f| f.state = FileState::Uploading);
        self.xfer = Some(Transfer {
            id,
            metas,
            current: first,
            received: 0,
            slot: Slot::Empty,
            moved: 0,
            watchdog: None,
        });
        self.ack(id, first, 0);
        true
    }

    /// A chunk of `len` bytes at `offset` of `file`: `Ok(None)` for a stale chunk (an old
    /// or cancelled transfer: ignored), `Ok(Some(sink slot))` to store it, `Err` when it
    /// breaks the transfer (the transfer is failed here).
    pub(crate) fn take_for_chunk(
        &mut self,
        id: u32,
        file: u32,
        offset: u64,
        len: u64,
    ) -> Result<Option<ChunkJob>, ()> {
        let Some(t) = self.xfer.as_mut().filter(|t| t.id == id) else {
            return Ok(None);
        };
        let meta = &t.metas[t.current];
        let why = if file as usize != t.current || offset != t.received {
            Some("upload broke off: bytes out of order")
        } else if offset + len > meta.size {
            Some("upload is larger than announced")
        } else if matches!(t.slot, Slot::Busy) {
            Some("upload broke off: bytes out of order")
        } else {
            None
        };
        if let Some(why) = why {
            self.fail_transfer(why, true);
            return Err(());
        }
        let last = offset + len == meta.size;
        let meta = meta.clone();
        let sink = match std::mem::replace(&mut t.slot, Slot::Busy) {
            Slot::Open(s) => Some(s),
            _ => None,
        };
        Ok(Some((sink, meta, last)))
    }

    /// A chunk was stored (or failed to be): updates the progress and moves on.
    /// `done`: the stored location when it was the file's last chunk.
    pub(crate) fn stored(
        &mut self,
        id: u32,
        len: u64,
        result: Result<(Box<dyn UploadSink>, Option<String>), String>,
    ) {
        let Some(t) = self
            .xfer
            .as_mut()
            .filter(|t| t.id == id && matches!(t.slot, Slot::Busy))
        else {
            // Cancelled or replaced meanwhile: what was stored goes.
            if let Ok((sink, _)) = result {
                abort_later(sink);
            }
            return;
        };
        let (sink, done) = match result {
            Ok(r) => r,
            Err(e) => {
                log::warn!(
                    "upload of {:?} failed to store: {e}",
                    t.metas[t.current].name
                );
                t.slot = Slot::Empty;
                self.fail_transfer(&format!("could not store the file: {e}"), true);
                return;
            }
        };
        t.received += len;
        t.moved += len;
        let (cur, received) = (t.current, t.received);
        match done {
            None => {
                t.slot = Slot::Open(sink);
                self.set_file(cur, |f| f.received = received);
                self.ack(id, cur, received);
            }
            Some(at) => {
                t.slot = Slot::Empty;
                drop(sink);
                self.set_file(cur, |f| {
                    f.received = received;
                    f.state = FileState::Done(at);
                });
                if let Some(f) = self.files.with_untracked(|v| v.get(cur).cloned()) {
                    self.finished.push(f);
                }
                let next = self.files.with_untracked(|v| {
                    v.iter()
                        .enumerate()
                        .skip(cur + 1)
                        .find(|(_, f)| f.state == FileState::Waiting)
                        .map(|(i, _)| i)
                });
                match next {
                    Some(n) => {
                        let t = self.xfer.as_mut().expect("checked above");
                        t.current = n;
                        t.received = 0;
                        self.set_file(n, |f| f.state = FileState::Uploading);
                        self.ack(id, n, 0);
                    }
                    None => {
                        self.xfer = None;
                        self.stop(id);
                    }
                }
            }
        }
    }

    /// Ends the transfer in progress, if any: its unfinished files get `why` as their
    /// error (or are marked cancelled), their stored bytes are dropped, and the browser is
    /// told to stop (when `tell`).
    pub(crate) fn fail_transfer(&mut self, why: &str, tell: bool) -> Option<Transfer> {
        let mut t = self.xfer.take()?;
        if let Slot::Open(s) = std::mem::replace(&mut t.slot, Slot::Empty) {
            abort_later(s);
        }
        let cancelled = why.is_empty();
        let _ = self.files.try_update(|v| {
            for f in v.iter_mut() {
                if matches!(f.state, FileState::Waiting | FileState::Uploading) {
                    f.state = if cancelled {
                        FileState::Cancelled
                    } else {
                        FileState::Failed(why.to_owned())
                    };
                }
            }
        });
        if tell {
            self.stop(t.id);
        }
        Some(t)
    }
}

impl Drop for State {
    fn drop(&mut self) {
        if let Some(mut t) = self.xfer.take() {
            if let Slot::Open(s) = std::mem::replace(&mut t.slot, Slot::Empty) {
                abort_later(s);
            }
        }
    }
}
