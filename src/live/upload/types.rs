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
    pub fn images(max_size: u64) -> Self {
        let accept = ["image/png", "image/jpeg", "image/gif", "image/webp"];
        UploadConfig {
            max_size,
            accept: accept.iter().map(|s| s.to_string()).collect(),
            ..Self::default()
        }
    }

    /// Whether one announced file may be stored: `Err` is the message the page shows.
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
    pub fn error(&self) -> Option<&str> {
        match &self.state {
            FileState::Failed(e) => Some(e),
            _ => None,
        }
    }
}
