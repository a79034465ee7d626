//! Crash-safe key/value persistence for global state: the [`Store`] trait and [`FileStore`].
//!
//! Touches only the directory it is given. A save is atomic with respect to crashes: the
//! file for a key always holds one complete value that was saved (never a torn or empty
//! one), because bytes go to a temporary file in the same directory, are fsynced, and the
//! temporary file is renamed over the old one, after which the directory is fsynced.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Loads and saves byte values by key.
pub trait Store {
    /// The value saved under `key`, or `None` if there is none.
    fn load(&self, key: &str) -> io::Result<Option<Vec<u8>>>;
    /// Saves `bytes` under `key`, replacing any previous value atomically.
    fn save(&self, key: &str, bytes: &[u8]) -> io::Result<()>;
}

/// Longest accepted key, in bytes (keys are file names).
pub const MAX_KEY_LEN: usize = 128;

/// Largest value [`FileStore::load`] reads, so a corrupt or foreign file cannot make it
/// allocate without bound.
pub const DEFAULT_MAX_VALUE: u64 = 64 << 20;

/// A [`Store`] keeping one file per key in a directory.
///
/// Keys are 1 to [`MAX_KEY_LEN`] bytes of `[A-Za-z0-9_.-]`, not starting with `.`
/// (temporary files start with `.`); anything else is an `InvalidInput` error.
///
/// # Examples
///
/// ```
/// use vango::features::persist::{FileStore, Store};
/// let dir = std::env::temp_dir().join(format!("vango-doc-{}", std::process::id()));
/// let store = FileStore::open(&dir)?;
/// store.save("motd", b"hello")?;
/// assert_eq!(store.load("motd")?.as_deref(), Some(&b"hello"[..]));
/// assert_eq!(store.load("other")?, None);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct FileStore {
    dir: PathBuf,
    max_value: u64,
}

/// Makes temporary names unique among threads of this process; the pid separates processes.
static TMP_SEQ: AtomicU64 = AtomicU64::new(0);

fn check_key(key: &str) -> io::Result<()> {
    let ok = !key.is_empty()
        && key.len() <= MAX_KEY_LEN
        && !key.starts_with('.')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("invalid store key {key:?}: use 1..={MAX_KEY_LEN} of [A-Za-z0-9_.-], not starting with '.'"),
        ))
    }
}

impl FileStore {
    /// Opens (creating if needed) a store in `dir`.
    pub fn open(dir: impl AsRef<Path>) -> io::Result<FileStore> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir)?;
        Ok(FileStore {
            dir,
            max_value: DEFAULT_MAX_VALUE,
        })
    }

    /// Sets the largest value `load` accepts (larger files are an `InvalidData` error).
    pub fn with_max_value(mut self, bytes: u64) -> FileStore {
        self.max_value = bytes;
        self
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of the file holding `key`.
    pub fn path(&self, key: &str) -> io::Result<PathBuf> {
        check_key(key)?;
        Ok(self.dir.join(key))
    }

    /// Removes temporary files left by interrupted saves (a crash between writing and
    /// renaming). Call it at startup, while no other process saves into this directory.
    /// Returns how many were removed.
    pub fn remove_stale_temps(&self) -> io::Result<usize> {
        let mut removed = 0;
        for entry in fs::read_dir(&self.dir)? {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && name.ends_with(".tmp") {
                fs::remove_file(self.dir.join(&*name))?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn write_tmp(&self, tmp: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut f = OpenOptions::new().write(true).create_new(true).open(tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    }
}

impl Store for FileStore {
    fn load(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
        let path = self.path(key)?;
        let f = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let len = f.metadata()?.len();
        if len > self.max_value {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}: {len} bytes, over the {} byte limit",
                    path.display(),
                    self.max_value
                ),
            ));
        }
        let mut bytes = Vec::with_capacity(len as usize);
        // `take` bounds the read even if the file grows meanwhile.
        f.take(self.max_value + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > self.max_value {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: over the {} byte limit", path.display(), self.max_value),
            ));
        }
        Ok(Some(bytes))
    }

    fn save(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key)?;
        let tmp = self.dir.join(format!(
            ".{key}.{}.{}.tmp",
            std::process::id(),
            TMP_SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let written = self
            .write_tmp(&tmp, bytes)
            .and_then(|()| fs::rename(&tmp, &path));
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        // Makes the rename itself durable (the new directory entry survives power loss).
        File::open(&self.dir)?.sync_all()
    }
}
