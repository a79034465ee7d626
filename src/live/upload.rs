//! File uploads over the session's WebSocket: [`use_upload`] gives a page an [`Upload`] —
//! the file input to render, per-file progress and errors as signals, cancel — and the
//! browser's upload script (`/_vango/upload.js`, a client hook) sends the chosen files in
//! chunks that the server stores through a [`Sink`] on the blocking pool.
//!
//! The wire (PROTOCOL.md "Uploads"): the browser announces the files (name, size, type);
//! the server refuses too many, too large or wrong-typed files before anything is stored,
//! then asks for each accepted file's bytes with an `ack` hook event that opens a window of
//! 128 KiB, so at most that much is ever in flight and one chunk
//! is held in memory per session. Chunks do not count against the event rate limit.
//!
//! Touches the session store (its uploads), the reactive graph (the signals), the view
//! layer (the input element), the command queue and the blocking pool.

mod frame;
mod sink;
mod state;

pub(crate) use frame::{connection_lost, on_upload_frame};
mod types;

pub use sink::{Sink, SinkFn, UploadSink};
pub use types::{FileState, UploadConfig, UploadFile};

use std::rc::Rc;

use self::state::{State, Uploads};
use super::scope::SessionStore;
pub use crate::protocol::upload::FileMeta;
use crate::reactive::{on_cleanup, signal, Signal};
use crate::view::El;

/// Where the browser side of uploads is served. [`use_upload`] asks for it as a page
/// script (see [`use_hook_script`](crate::live::use_hook_script)): in the first paint's
/// head (with the page's CSP nonce), or loaded by the live step that mounts the page.
///
/// # Examples
///
/// ```
/// use vango::component::Tree;
/// use vango::live::upload::{use_upload, UploadConfig, SCRIPT_SRC};
/// use vango::live::SessionStore;
/// let store = SessionStore::new();
/// store.enter(|| {
///     let _page = Tree::mount(|| {
///         let up = use_upload(UploadConfig::default());
///         move || up.input()
///     });
/// });
/// assert_eq!(store.hook_scripts(), [SCRIPT_SRC]);
/// ```
pub const SCRIPT_SRC: &str = "/_vango/upload.js";

/// A page's upload field: render [`input`](Upload::input), read
/// [`files`](Upload::files)/[`progress`](Upload::progress)/[`error`](Upload::error) in a
/// render to show progress and errors, [`cancel`](Upload::cancel) from a handler. Cheap to
/// copy into handlers and renders.
///
/// # Examples
///
/// ```
/// use vango::live::upload::{use_upload, Upload, UploadConfig};
/// use vango::prelude::*;
/// use vango::testing::LiveTest;
/// let t = LiveTest::component(|| {
///     let up: Upload = use_upload(UploadConfig { max_files: 5, ..UploadConfig::default() });
///     move || div((up.input(), p(format!("{} files, {}%", up.files().len(), up.progress()))))
/// });
/// assert_eq!(t.find("p").text(), "0 files, 0%");
/// assert!(t.find("input").attr("multiple").is_some());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Upload {
    key: u32,
    files: Signal<Vec<UploadFile>>,
    error: Signal<Option<String>>,
    max_files: usize,
}

/// Declares an upload field in a component's setup: the server side of one
/// `<input type=file>`. It lives as long as the component; when it unmounts (or the
/// session ends, or the tab goes away) a transfer in progress is cancelled and its
/// unfinished file deleted.
///
/// # Examples
///
/// ```
/// use vango::live::upload::{use_upload, UploadConfig};
/// use vango::prelude::*;
///
/// fn avatar() -> impl Render {
///     let up = use_upload(UploadConfig::images(1 << 20));
///     move || {
///         let files = up.files();
///         div((
///             up.input(),
///             p(format!("{}%", up.progress())),
///             files.iter().find_map(|f| f.error().map(|e| p(e.to_owned()))),
///         ))
///     }
/// }
/// let html = vango::render::to_html(&vango::component::Tree::mount(avatar).root().clone());
/// assert!(html.contains(r#"type="file""#) && html.contains("data-upload"), "{html}");
/// ```
pub fn use_upload(cfg: UploadConfig) -> Upload {
    let files = signal(Vec::new());
    let error = signal(None);
    let max_files = cfg.max_files;
    let store = SessionStore::current();
    let key = match &store {
        Some(store) => {
            super::hook_script::use_hook_script(SCRIPT_SRC);
            let ups = store.ext::<Uploads>();
            let key = ups.peek();
            ups.add(State {
                cfg: Rc::new(cfg),
                dom_id: dom_id(key),
                files,
                error,
                xfer: None,
                on_done: None,
                finished: Vec::new(),
            });
            let ups = Rc::downgrade(&ups);
            on_cleanup(move || {
                if let Some(u) = ups.upgrade() {
                    u.remove(key)
                }
            });
            key
        }
        // Outside a session (a unit test of the view): an input that uploads nowhere.
        None => 0,
    };
    Upload {
        key,
        files,
        error,
        max_files,
    }
}

fn dom_id(key: u32) -> String {
    format!("vango-upload-{key}")
}

impl Upload {
    /// The file input, bound to this upload: `<input type=file>` with its id, `accept`,
    /// `multiple` (when more than one file is allowed) and the upload hook.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{use_upload, UploadConfig};
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let up = use_upload(UploadConfig::images(1 << 20));
    ///     move || up.input()
    /// });
    /// let input = t.find("input");
    /// assert_eq!(input.attr("type").as_deref(), Some("file"));
    /// assert_eq!(input.attr("accept").as_deref(), Some("image/png,image/jpeg,image/gif,image/webp"));
    /// assert_eq!(input.attr("multiple"), None, "one file at most");
    /// ```
    pub fn input(&self) -> El {
        self.bind(crate::view::elements::input().attr("type", "file"))
    }

    /// Binds an element the app built (an `<input type=file>` with its own classes) to
    /// this upload. It sets the element's `id`; do not set another.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{use_upload, UploadConfig};
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let up = use_upload(UploadConfig::default());
    ///     move || up.bind(input().attr("type", "file").class("dropzone"))
    /// });
    /// let el = t.find("input.dropzone");
    /// assert_eq!(el.attr("data-hook").as_deref(), Some("VangoUpload"));
    /// assert!(el.attr("id").unwrap().starts_with("vango-upload-"));
    /// ```
    pub fn bind(&self, el: El) -> El {
        let el = el
            .attr("id", dom_id(self.key))
            .attr("data-upload", self.key)
            .attr("data-hook", "VangoUpload")
            .attr("multiple", self.max_files > 1);
        let accept = self
            .state()
            .map(|s| s.borrow().cfg.accept.join(","))
            .unwrap_or_default();
        if accept.is_empty() {
            el
        } else {
            el.attr("accept", accept)
        }
    }

    /// Sets the handler called with each file once it is stored (its state
    /// [`FileState::Done`] with the sink's answer: the temp file's path), in the session's
    /// scope like an event handler: it may write signals, move the file
    /// ([`unblock`](crate::live::unblock) in a [`spawn_task`](crate::live::spawn_task)),
    /// or [`cancel`](Self::cancel) the rest. Call it in the component's setup.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{use_upload, FileState, UploadConfig};
    /// use vango::prelude::*;
    /// fn docs() -> impl Render {
    ///     let up = use_upload(UploadConfig::default());
    ///     let names = signal(Vec::<String>::new());
    ///     up.on_done(move |f| {
    ///         if let FileState::Done(path) = &f.state {
    ///             names.update(|n| n.push(format!("{} at {path}", f.name)));
    ///         }
    ///     });
    ///     move || div((up.input(), p(names.get().join(", "))))
    /// }
    /// # let _ = vango::component::Tree::mount(docs);
    /// ```
    pub fn on_done(&self, f: impl Fn(UploadFile) + 'static) {
        if let Some(s) = self.state() {
            s.borrow_mut().on_done = Some(Rc::new(f));
        }
    }

    /// The files of the last selection, with their progress and state (tracked).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{use_upload, UploadConfig};
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let up = use_upload(UploadConfig::default());
    ///     move || {
    ///         let rows: Vec<_> = up.files().into_iter().map(|f| li(format!("{} {}%", f.name, f.percent()))).collect();
    ///         div((up.input(), ul(rows)))
    ///     }
    /// });
    /// assert_eq!(t.count("li"), 0, "nothing chosen yet");
    /// ```
    pub fn files(&self) -> Vec<UploadFile> {
        self.files.try_get().unwrap_or_default()
    }

    /// An error about the selection as a whole (too many files), if any (tracked).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{use_upload, UploadConfig};
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let up = use_upload(UploadConfig { max_files: 3, ..UploadConfig::default() });
    ///     // Set when the browser announces more than 3 files.
    ///     move || div((up.input(), up.error().map(|e| p(e).class("error"))))
    /// });
    /// assert_eq!(t.count("p.error"), 0);
    /// ```
    pub fn error(&self) -> Option<String> {
        self.error.try_get().ok().flatten()
    }

    /// Overall progress in percent over the accepted files (tracked); 0 with none.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{use_upload, UploadConfig};
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let up = use_upload(UploadConfig::default());
    ///     move || div((up.input(), progress(()).attr("max", 100).attr("value", up.progress())))
    /// });
    /// assert_eq!(t.find("progress").attr("value").as_deref(), Some("0"));
    /// ```
    pub fn progress(&self) -> u32 {
        let (mut got, mut all) = (0u64, 0u64);
        let _ = self.files.try_with(|v| {
            for f in v.iter().filter(|f| f.error().is_none()) {
                all += f.size;
                got += match f.state {
                    FileState::Done(_) => f.size,
                    _ => f.received,
                };
            }
        });
        got.saturating_mul(100)
            .checked_div(all)
            .unwrap_or(0)
            .min(100) as u32
    }

    /// Whether a transfer is in progress (tracked).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{use_upload, UploadConfig};
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let up = use_upload(UploadConfig::default());
    ///     move || div((up.input(), button("Save").attr("disabled", up.busy())))
    /// });
    /// assert_eq!(t.find("button").attr("disabled"), None, "no transfer running");
    /// ```
    pub fn busy(&self) -> bool {
        let _ = self.files.try_with(|_| ());
        self.state()
            .is_some_and(|s| s.try_borrow().map(|s| s.xfer.is_some()).unwrap_or(true))
    }

    /// From a handler: stops the transfer in progress; its unfinished files are marked
    /// cancelled and their stored bytes deleted. Finished files stay.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{use_upload, UploadConfig};
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let up = use_upload(UploadConfig::default());
    ///     move || div((
    ///         up.input(),
    ///         p(if up.busy() { "uploading" } else { "idle" }),
    ///         button("Stop").on_click(move |_| up.cancel()),
    ///     ))
    /// });
    /// t.find("button").click(); // nothing in flight: a no-op
    /// assert_eq!(t.find("p").text(), "idle");
    /// ```
    pub fn cancel(&self) {
        if let Some(s) = self.state() {
            s.borrow_mut().fail_transfer("", true);
        }
    }

    /// From a handler: cancels, then forgets the files and the error (the field is empty
    /// again).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{use_upload, UploadConfig};
    /// use vango::prelude::*;
    /// use vango::testing::LiveTest;
    /// let t = LiveTest::component(|| {
    ///     let up = use_upload(UploadConfig::default());
    ///     move || div((
    ///         up.input(),
    ///         p(format!("{} files", up.files().len())),
    ///         button("Start over").on_click(move |_| up.clear()),
    ///     ))
    /// });
    /// t.find("button").click();
    /// assert_eq!(t.find("p").text(), "0 files");
    /// ```
    pub fn clear(&self) {
        self.cancel();
        let _ = self.files.try_set(Vec::new());
        let _ = self.error.try_set(None);
    }

    fn state(&self) -> Option<Rc<std::cell::RefCell<State>>> {
        SessionStore::current()?.ext::<Uploads>().get(self.key)
    }
}
