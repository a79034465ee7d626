//! Where an upload's bytes go: the [`UploadSink`] trait, the temp-file sink, and the
//! [`Sink`] setting that makes one per file. Sinks run only on the blocking pool, never
//! on a core.
//!
//! Touches the file system (the temp-file sink) and nothing of the session.

use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use crate::protocol::upload::FileMeta;

/// Receives one file's bytes in order. Made per file by a [`Sink`]; every call runs on
/// the blocking pool, so a sink may do blocking I/O.
///
/// Exactly one of [`finish`](Self::finish) or [`abort`](Self::abort) ends a sink that
/// was written to (a sink dropped without either was abandoned by a panic).
///
/// # Examples
///
/// ```
/// use std::io;
/// use vango::live::upload::UploadSink;
///
/// /// Counts bytes and keeps none of them.
/// struct Count(u64);
/// impl UploadSink for Count {
///     fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
///         self.0 += bytes.len() as u64;
///         Ok(())
///     }
///     fn finish(&mut self) -> io::Result<String> {
///         Ok(format!("{} bytes", self.0))
///     }
///     fn abort(&mut self) {}
/// }
/// let mut c = Count(0);
/// c.write(b"abc").unwrap();
/// assert_eq!(c.finish().unwrap(), "3 bytes");
/// ```
pub trait UploadSink: Send {
    /// Appends the next bytes of the file.
    fn write(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// The file is complete: makes it durable and says where it went (shown to the page
    /// as [`FileState::Done`](super::FileState::Done)).
    fn finish(&mut self) -> io::Result<String>;
    /// The file will not complete (refused, cancelled, truncated, stalled): drops what was
    /// stored.
    fn abort(&mut self);
}

/// The function that opens a sink for one announced file (runs on the blocking pool).
///
/// # Examples
///
/// ```
/// use std::io;
/// use std::sync::Arc;
/// use vango::live::upload::{FileMeta, Sink, SinkFn, UploadSink};
/// struct Discard;
/// impl UploadSink for Discard {
///     fn write(&mut self, _: &[u8]) -> io::Result<()> { Ok(()) }
///     fn finish(&mut self) -> io::Result<String> { Ok("discarded".into()) }
///     fn abort(&mut self) {}
/// }
/// let f: Arc<SinkFn> = Arc::new(|_meta: &FileMeta| Ok(Box::new(Discard) as Box<dyn UploadSink>));
/// let sink = Sink::Custom(f);
/// let meta = FileMeta { name: "a".into(), size: 1, content_type: String::new() };
/// assert_eq!(sink.open_file(&meta)?.finish()?, "discarded");
/// # Ok::<(), io::Error>(())
/// ```
pub type SinkFn = dyn Fn(&FileMeta) -> io::Result<Box<dyn UploadSink>> + Send + Sync;

/// Where an upload stores its files.
///
/// # Examples
///
/// ```
/// use vango::live::upload::Sink;
/// let s = Sink::TempDir(std::env::temp_dir());
/// assert!(matches!(s, Sink::TempDir(_)));
/// ```
#[derive(Clone)]
pub enum Sink {
    /// A new file per upload in this directory, named `vango-upload-<random hex>`; its path
    /// is the [`Done`](super::FileState::Done) value. A finished file is the app's: move
    /// or delete it. An unfinished one is deleted.
    TempDir(PathBuf),
    /// The app's own sink per file (a database blob, an object store, a hash).
    Custom(Arc<SinkFn>),
}

impl Sink {
    /// A [`Sink::Custom`] from a function.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io;
    /// use vango::live::upload::{FileMeta, Sink, UploadSink};
    /// /// Keeps the bytes in memory and answers with their count (a real one would hash or
    /// /// stream to object storage).
    /// struct Mem(Vec<u8>);
    /// impl UploadSink for Mem {
    ///     fn write(&mut self, b: &[u8]) -> io::Result<()> { self.0.extend_from_slice(b); Ok(()) }
    ///     fn finish(&mut self) -> io::Result<String> { Ok(self.0.len().to_string()) }
    ///     fn abort(&mut self) { self.0.clear() }
    /// }
    /// let sink = Sink::custom(|_: &FileMeta| Ok(Box::new(Mem(Vec::new())) as Box<dyn UploadSink>));
    /// let meta = FileMeta { name: "a.bin".into(), size: 5, content_type: String::new() };
    /// let mut file = sink.open_file(&meta)?;
    /// file.write(b"hello")?;
    /// assert_eq!(file.finish()?, "5");
    /// # Ok::<(), io::Error>(())
    /// ```
    pub fn custom(
        f: impl Fn(&FileMeta) -> io::Result<Box<dyn UploadSink>> + Send + Sync + 'static,
    ) -> Sink {
        Sink::Custom(Arc::new(f))
    }

    /// Opens the sink of one file (blocking: call it from the pool, as a custom sink
    /// wrapping this one does).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::upload::{FileMeta, Sink};
    /// let dir = std::env::temp_dir().join(format!("vango-sink-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let meta = FileMeta { name: "a.txt".into(), size: 2, content_type: "text/plain".into() };
    /// let mut file = Sink::TempDir(dir.clone()).open_file(&meta)?;
    /// file.write(b"hi")?;
    /// let path = file.finish()?; // a finished file is the app's
    /// assert_eq!(std::fs::read(&path)?, b"hi");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn open_file(&self, meta: &FileMeta) -> io::Result<Box<dyn UploadSink>> {
        match self {
            Sink::TempDir(dir) => Ok(Box::new(TempFile::create(dir)?)),
            Sink::Custom(f) => f(meta),
        }
    }
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sink::TempDir(d) => f.debug_tuple("TempDir").field(d).finish(),
            Sink::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

/// A file in a temp directory; deleted unless finished.
struct TempFile {
    path: PathBuf,
    file: Option<File>,
    done: bool,
}

impl TempFile {
    fn create(dir: &std::path::Path) -> io::Result<TempFile> {
        let mut r = [0u8; 12];
        getrandom::fill(&mut r).map_err(|e| io::Error::other(e.to_string()))?;
        let name: String = r.iter().map(|b| format!("{b:02x}")).collect();
        let path = dir.join(format!("vango-upload-{name}"));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(TempFile {
            path,
            file: Some(file),
            done: false,
        })
    }
}

impl UploadSink for TempFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(bytes),
            None => Err(io::Error::other("file already closed")),
        }
    }

    fn finish(&mut self) -> io::Result<String> {
        let f = self.file.take().ok_or_else(|| io::Error::other("closed"))?;
        f.sync_data()?;
        self.done = true;
        Ok(self.path.display().to_string())
    }

    fn abort(&mut self) {
        self.file = None;
        let _ = std::fs::remove_file(&self.path);
        self.done = true;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.done {
            self.abort();
        }
    }
}
