//! An upload's settings ([`UploadConfig`]: limits, accepted types, sink) and what the page
//! reads of each file ([`UploadFile`], [`FileState`]). Plain values.
//!
//! Touches nothing but the sink setting.

use std::time::Duration;

use super::sink::Sink;
use crate::protocol::upload::FileMeta;

/// An upload's limits and destination.
///
/// # Examples
///
/// ```
/// use vango::live::upload::UploadConfig;
/// let c = UploadConfig { max_files: 3, ..UploadConfig::images(2 << 20) };
/// assert!(c.check(&vango::live::upload::FileMeta {
///     name: "a.png".into(), size: 10, content_type: "image/png".into()
/// }).is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct UploadConfig {
    /// Largest file in bytes (each file).
    pub max_size: u64,
    /// What may be uploaded: MIME types (`"image/png"`), type families (`"image/*"`) or
    /// file name endings (`".pdf"`), as in the input's `accept` attribute; empty: anything.
    /// Checked on the server against what the browser declares (name and type).
    pub accept: Vec<String>,
    /// Most files at once (the input gets `multiple` when it is above 1).
    pub max_files: usize,
    /// Where the bytes go.
    pub sink: Sink,
    /// A transfer that stores no byte for this long fails ("the browser stopped sending");
    /// checked every `stall_timeout`, so it fails within twice that.
    pub stall_timeout: Duration,
}

impl Default for UploadConfig {
    /// One file of at most 10 MiB, any type, into the system's temp directory.
    fn default() -> Self {
        UploadConfig {
            max_size: 10 << 20,
            accept: Vec::new(),
            max_files: 1,
            sink: Sink::TempDir(std::env::temp_dir()),
            stall_timeout: Duration::from_secs(30),
        }
    }
}

impl UploadConfig {
    /// PNG, JPEG, GIF and WebP images of at most `max_size` bytes each.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{FileMeta, UploadConfig};
    /// let c = UploadConfig::images(1 << 20);
    /// let meta = |name: &str, ty: &str| FileMeta { name: name.into(), size: 100, content_type: ty.into() };
    /// assert!(c.check(&meta("me.webp", "image/webp")).is_ok());
    /// assert!(c.check(&meta("me.svg", "image/svg+xml")).is_err(), "SVG can carry script");
    /// assert_eq!(c.max_files, 1);
    /// ```
    pub fn images(max_size: u64) -> Self {
        let accept = ["image/png", "image/jpeg", "image/gif", "image/webp"];
        UploadConfig {
            max_size,
            accept: accept.iter().map(|s| s.to_string()).collect(),
            ..Self::default()
        }
    }

    /// Whether one announced file may be stored: `Err` is the message the page shows.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{FileMeta, UploadConfig};
    /// let c = UploadConfig { max_size: 1000, accept: vec![".pdf".into(), "text/*".into()], ..Default::default() };
    /// let meta = |name: &str, size, ty: &str| FileMeta { name: name.into(), size, content_type: ty.into() };
    /// assert!(c.check(&meta("cv.PDF", 10, "")).is_ok(), "by name ending, any case");
    /// assert!(c.check(&meta("notes.md", 10, "text/markdown")).is_ok(), "by type family");
    /// assert_eq!(
    ///     c.check(&meta("big.pdf", 2000, "application/pdf")).unwrap_err(),
    ///     "big.pdf is too large: 2000 bytes, at most 1000 allowed"
    /// );
    /// assert!(c.check(&meta("x.exe", 10, "application/x-msdownload")).unwrap_err().contains("wrong type"));
    /// ```
    pub fn check(&self, m: &FileMeta) -> Result<(), String> {
        if m.size > self.max_size {
            return Err(format!(
                "{} is too large: {} bytes, at most {} allowed",
                m.name, m.size, self.max_size
            ));
        }
        if self.accept.is_empty() {
            return Ok(());
        }
        let ty = m.content_type.to_ascii_lowercase();
        let name = m.name.to_ascii_lowercase();
        let ok = self.accept.iter().any(|a| {
            let a = a.trim().to_ascii_lowercase();
            if a == "*" || a == "*/*" {
                true
            } else if a.starts_with('.') {
                name.ends_with(&a)
            } else if let Some(family) = a.strip_suffix("/*") {
                ty.split('/').next() == Some(family) && ty.contains('/')
            } else {
                ty == a
            }
        });
        if ok {
            Ok(())
        } else {
            let shown = if ty.is_empty() { "unknown type" } else { &ty };
            Err(format!(
                "{} has the wrong type ({shown}): {} allowed",
                m.name,
                self.accept.join(", ")
            ))
        }
    }
}

/// Where one file of an upload stands.
///
/// # Examples
///
/// ```
/// use vango::live::upload::{FileState, UploadFile};
/// let f = UploadFile { name: "a.txt".into(), size: 4, content_type: "text/plain".into(), received: 4, state: FileState::Done("/tmp/vango-upload-1f".into()) };
/// let shown = match &f.state {
///     FileState::Waiting | FileState::Uploading => format!("{}%", f.percent()),
///     FileState::Done(_) => "stored".to_string(),
///     FileState::Failed(e) => e.clone(),
///     FileState::Cancelled => "cancelled".to_string(),
/// };
/// assert_eq!(shown, "stored");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    /// Accepted, waiting for the files before it.
    Waiting,
    /// Bytes are arriving.
    Uploading,
    /// Stored: the sink's answer (the temp file's path). An empty file is done as soon as
    /// it is announced, with an empty answer: nothing was stored.
    Done(String),
    /// Refused or broken off: the message for the page.
    Failed(String),
    /// Cancelled from the page.
    Cancelled,
}

/// One file of an upload as the page renders it.
///
/// # Examples
///
/// ```
/// use vango::live::upload::{FileState, UploadFile};
/// let f = UploadFile {
///     name: "photo.png".into(),
///     size: 200,
///     content_type: "image/png".into(),
///     received: 50,
///     state: FileState::Uploading,
/// };
/// assert_eq!(format!("{} {}%", f.name, f.percent()), "photo.png 25%");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadFile {
    /// The file's name as the browser gave it (untrusted: escape it, never use it as a path).
    pub name: String,
    /// Its announced size in bytes.
    pub size: u64,
    /// Its announced MIME type.
    pub content_type: String,
    /// Bytes stored so far.
    pub received: u64,
    /// Where it stands.
    pub state: FileState,
}

impl UploadFile {
    /// Progress in percent (0–100); a stored file is 100.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{FileState, UploadFile};
    /// let mut f = UploadFile { name: "a".into(), size: 400, content_type: String::new(), received: 100, state: FileState::Uploading };
    /// assert_eq!(f.percent(), 25);
    /// f.state = FileState::Done("/tmp/a".into());
    /// assert_eq!(f.percent(), 100);
    /// ```
    pub fn percent(&self) -> u32 {
        if matches!(self.state, FileState::Done(_)) || self.size == 0 {
            return if matches!(self.state, FileState::Done(_)) {
                100
            } else {
                0
            };
        }
        (self.received.saturating_mul(100) / self.size).min(100) as u32
    }

    /// The error to show next to the field, if this file failed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{FileState, UploadFile};
    /// let mut f = UploadFile { name: "a".into(), size: 1, content_type: String::new(), received: 0, state: FileState::Waiting };
    /// assert_eq!(f.error(), None);
    /// f.state = FileState::Failed("the browser stopped sending".into());
    /// assert_eq!(f.error(), Some("the browser stopped sending"));
    /// assert_eq!(UploadFile { state: FileState::Cancelled, ..f }.error(), None, "a cancel is no error");
    /// ```
    pub fn error(&self) -> Option<&str> {
        match &self.state {
            FileState::Failed(e) => Some(e),
            _ => None,
        }
    }
}
