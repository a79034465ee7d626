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
use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// Loads and saves byte values by key.
///
/// # Examples
///
/// ```
/// use std::{collections::HashMap, io, sync::{Arc, Mutex}};
/// use vango::features::{bus::Bus, global::GlobalSignal, persist::Store};
/// /// Keeps values in memory (a test double; a real one might write to a database).
/// #[derive(Default)]
/// struct Mem(Mutex<HashMap<String, Vec<u8>>>);
/// impl Store for Mem {
///     fn load(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
///         Ok(self.0.lock().unwrap().get(key).cloned())
///     }
///     fn save(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
///         self.0.lock().unwrap().insert(key.to_owned(), bytes.to_vec());
///         Ok(())
///     }
/// }
/// let store = Arc::new(Mem::default());
/// let g = GlobalSignal::persisted(&Bus::new(), store.clone(), "n", 0u32)?;
/// g.set(7);
/// g.flush()?;
/// assert_eq!(store.load("n")?, Some(7u32.to_le_bytes().to_vec()));
/// # Ok::<(), io::Error>(())
/// ```
pub trait Store {
    /// The value saved under `key`, or `None` if there is none.
    fn load(&self, key: &str) -> io::Result<Option<Vec<u8>>>;
    /// Saves `bytes` under `key`, replacing any previous value atomically.
    fn save(&self, key: &str, bytes: &[u8]) -> io::Result<()>;
    /// Moves the value under `key` out of the way (it could not be decoded), keeping it
    /// for a person to inspect; returns where it went. The default keeps nothing aside.
    fn set_aside(&self, key: &str) -> io::Result<Option<String>> {
        let _ = key;
        Ok(None)
    }
}

/// Longest accepted key, in bytes (keys are file names).
///
/// # Examples
///
/// ```
/// use vango::features::persist::{FileStore, MAX_KEY_LEN};
/// let store = FileStore::open(std::env::temp_dir().join(format!("vango-mk-doc-{}", std::process::id())))?;
/// assert!(store.path(&"k".repeat(MAX_KEY_LEN)).is_ok());
/// assert!(store.path(&"k".repeat(MAX_KEY_LEN + 1)).is_err());
/// # std::fs::remove_dir_all(store.dir())?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub const MAX_KEY_LEN: usize = 128;

/// Largest value [`FileStore::load`] reads, so a corrupt or foreign file cannot make it
/// allocate without bound.
///
/// # Examples
///
/// ```
/// use vango::features::persist::DEFAULT_MAX_VALUE;
/// assert_eq!(DEFAULT_MAX_VALUE, 64 * 1024 * 1024);
/// ```
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

/// The pid in a temporary file's name (`.{key}.{pid}.{seq}.tmp`).
fn temp_pid(name: &str) -> Option<u32> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let mut parts = inner.rsplitn(3, '.');
    let _seq: u64 = parts.next()?.parse().ok()?;
    parts.next()?.parse().ok()
}

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
    ///
    /// Temporary files that interrupted saves of processes no longer running left behind
    /// are removed (see [`remove_dead_temps`](Self::remove_dead_temps)).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::persist::{FileStore, Store};
    /// let dir = std::env::temp_dir().join(format!("vango-open-doc-{}", std::process::id())).join("nested");
    /// let store = FileStore::open(&dir)?; // creates the directories
    /// store.save("k", b"v")?;
    /// assert_eq!(FileStore::open(&dir)?.load("k")?.as_deref(), Some(&b"v"[..]), "a reopened store");
    /// # std::fs::remove_dir_all(dir.parent().unwrap())?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn open(dir: impl AsRef<Path>) -> io::Result<FileStore> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir)?;
        let store = FileStore {
            dir,
            max_value: DEFAULT_MAX_VALUE,
        };
        store.remove_dead_temps()?;
        Ok(store)
    }

    /// Removes the temporary files of saves interrupted in processes that no longer run
    /// (a crash or `kill -9` between writing and renaming); a temporary file names the
    /// pid that wrote it. Safe while other processes save into the same directory: their
    /// files are kept. Where `/proc` is missing nothing can be told apart and nothing is
    /// removed. Returns how many were removed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::persist::FileStore;
    /// let dir = std::env::temp_dir().join(format!("vango-dead-doc-{}", std::process::id()));
    /// let store = FileStore::open(&dir)?;
    /// // A save interrupted in a process that is gone, and one still running in this process.
    /// std::fs::write(dir.join(".k.999999999.0.tmp"), b"torn")?;
    /// std::fs::write(dir.join(format!(".k.{}.0.tmp", std::process::id())), b"busy")?;
    /// if std::path::Path::new("/proc/self").exists() {
    ///     assert_eq!(store.remove_dead_temps()?, 1);
    /// }
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn remove_dead_temps(&self) -> io::Result<usize> {
        let proc = Path::new("/proc");
        if !proc.join("self").exists() {
            return Ok(0);
        }
        let mut removed = 0;
        for entry in fs::read_dir(&self.dir)? {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            let Some(pid) = temp_pid(&name) else {
                continue;
            };
            if pid != std::process::id() && !proc.join(pid.to_string()).exists() {
                match fs::remove_file(self.dir.join(&*name)) {
                    Ok(()) => removed += 1,
                    // Another process cleaned it up first.
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(removed)
    }

    /// Sets the largest value `load` accepts (larger files are an `InvalidData` error).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::persist::{FileStore, Store};
    /// let dir = std::env::temp_dir().join(format!("vango-max-doc-{}", std::process::id()));
    /// let store = FileStore::open(&dir)?.with_max_value(4);
    /// store.save("small", b"1234")?;
    /// store.save("big", b"12345")?; // saving is not limited, loading is
    /// assert!(store.load("small").is_ok());
    /// assert_eq!(store.load("big").unwrap_err().kind(), std::io::ErrorKind::InvalidData);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn with_max_value(mut self, bytes: u64) -> FileStore {
        self.max_value = bytes;
        self
    }

    /// The directory.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::persist::FileStore;
    /// let dir = std::env::temp_dir().join(format!("vango-dir-doc-{}", std::process::id()));
    /// let store = FileStore::open(&dir)?;
    /// assert_eq!(store.dir(), dir);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of the file holding `key`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::persist::FileStore;
    /// let dir = std::env::temp_dir().join(format!("vango-path-doc-{}", std::process::id()));
    /// let store = FileStore::open(&dir)?;
    /// assert_eq!(store.path("visits.v1")?, dir.join("visits.v1"));
    /// for bad in ["", "../etc/passwd", ".hidden", "a b"] {
    ///     assert_eq!(store.path(bad).unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    /// }
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn path(&self, key: &str) -> io::Result<PathBuf> {
        check_key(key)?;
        Ok(self.dir.join(key))
    }

    /// Removes temporary files left by interrupted saves (a crash between writing and
    /// renaming). Call it at startup, while no other process saves into this directory.
    /// Returns how many were removed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::features::persist::{FileStore, Store};
    /// let dir = std::env::temp_dir().join(format!("vango-stale-doc-{}", std::process::id()));
    /// let store = FileStore::open(&dir)?;
    /// store.save("kept", b"1")?;
    /// std::fs::write(dir.join(".kept.123.0.tmp"), b"torn")?;
    /// assert_eq!(store.remove_stale_temps()?, 1, "every temp file, whoever wrote it");
    /// assert!(store.load("kept")?.is_some());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
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

    /// Renames the file of `key` to `{key}.corrupt-{unix seconds}` (a name no key of the
    /// store's own will collide with unless the app chooses it).
    fn set_aside(&self, key: &str) -> io::Result<Option<String>> {
        let path = self.path(key)?;
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let aside = format!("{key}.corrupt-{secs}");
        match fs::rename(&path, self.dir.join(&aside)) {
            Ok(()) => {
                File::open(&self.dir)?.sync_all()?;
                Ok(Some(aside))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A value that a [`Store`] can hold: how a persisted
/// [`GlobalSignal`](super::global::GlobalSignal) turns into bytes and back.
///
/// Integers are little-endian of their exact width (`usize` as 8 bytes); `String` is
/// UTF-8; `bool` is one byte 0 or 1; `Vec<u8>` is itself. Anything else decodes to `None`.
///
/// # Examples
///
/// ```
/// use vango::features::persist::Persist;
/// assert_eq!(7u32.to_bytes(), [7, 0, 0, 0]);
/// assert_eq!(u32::from_bytes(&[7, 0, 0, 0]), Some(7));
/// assert_eq!(u32::from_bytes(&[7]), None);
/// ```
pub trait Persist: Sized {
    /// The encoding.
    fn to_bytes(&self) -> Vec<u8>;
    /// The value `b` encodes, or `None` if it is not a valid encoding.
    fn from_bytes(b: &[u8]) -> Option<Self>;
}

macro_rules! persist_int {
    ($($t:ty),*) => {$(
        impl Persist for $t {
            fn to_bytes(&self) -> Vec<u8> {
                self.to_le_bytes().to_vec()
            }
            fn from_bytes(b: &[u8]) -> Option<Self> {
                Some(<$t>::from_le_bytes(b.try_into().ok()?))
            }
        }
    )*};
}

persist_int!(i32, i64, u32, u64);

impl Persist for usize {
    fn to_bytes(&self) -> Vec<u8> {
        (*self as u64).to_bytes()
    }
    fn from_bytes(b: &[u8]) -> Option<Self> {
        usize::try_from(u64::from_bytes(b)?).ok()
    }
}

impl Persist for bool {
    fn to_bytes(&self) -> Vec<u8> {
        vec![u8::from(*self)]
    }
    fn from_bytes(b: &[u8]) -> Option<Self> {
        match b {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }
}

impl Persist for String {
    fn to_bytes(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
    fn from_bytes(b: &[u8]) -> Option<Self> {
        String::from_utf8(b.to_vec()).ok()
    }
}

impl Persist for Vec<u8> {
    fn to_bytes(&self) -> Vec<u8> {
        self.clone()
    }
    fn from_bytes(b: &[u8]) -> Option<Self> {
        Some(b.to_vec())
    }
}

/// Reads the latest `(version, encoded value)` of what a [`Saver`] saves.
pub(crate) type Snapshot = Box<dyn Fn() -> (u64, Vec<u8>) + Send>;

#[derive(Default)]
struct SaverState {
    /// Highest version a save was attempted for.
    saved: u64,
    /// How that attempt failed, if it did.
    error: Option<(io::ErrorKind, String)>,
}

/// The background thread saving one persisted global: woken through a capacity-1 channel
/// (`try_send` on a full one drops, so a burst of writes is one wake-up), it saves the
/// latest value, never the intermediate ones.
pub(crate) struct Saver {
    wake: flume::Sender<()>,
    state: Arc<(Mutex<SaverState>, Condvar)>,
}

impl Saver {
    /// Starts the thread; the saver lives as long as the process (like globals).
    pub(crate) fn spawn(
        store: Arc<dyn Store + Send + Sync>,
        key: String,
        snapshot: Snapshot,
    ) -> io::Result<&'static Saver> {
        let (tx, rx) = flume::bounded::<()>(1);
        let state: Arc<(Mutex<SaverState>, Condvar)> = Arc::default();
        // Version 1 is the value just loaded (or the initial one): nothing to save yet.
        lock(&state.0).saved = 1;
        let shared = state.clone();
        std::thread::Builder::new()
            .name(format!("vango-save-{key}"))
            .spawn(move || {
                while rx.recv().is_ok() {
                    let (version, bytes) = snapshot();
                    // A wake-up left in the channel by a `flush` that this thread already
                    // answered: nothing new to save. Saving anyway would touch the disk
                    // after `flush` returned, which callers rely on not happening.
                    if version <= lock(&shared.0).saved {
                        continue;
                    }
                    let done = store.save(&key, &bytes);
                    let mut st = lock(&shared.0);
                    if version >= st.saved {
                        st.saved = version;
                        st.error = done.err().map(|e| (e.kind(), e.to_string()));
                    }
                    shared.1.notify_all();
                }
            })?;
        Ok(Box::leak(Box::new(Saver { wake: tx, state })))
    }

    /// Asks for a save of the latest value (never blocks).
    pub(crate) fn wake(&self) {
        let _ = self.wake.try_send(());
    }

    /// Blocks until version `target` (or a later one) was saved; the error of that save.
    pub(crate) fn flush(&self, target: u64) -> io::Result<()> {
        let (m, cv) = &*self.state;
        let mut st = lock(m);
        while st.saved < target {
            // Woken under the lock: the saver cannot finish between the check and the wait.
            self.wake();
            st = cv.wait(st).unwrap_or_else(PoisonError::into_inner);
        }
        match &st.error {
            Some((kind, msg)) => Err(io::Error::new(*kind, msg.clone())),
            None => Ok(()),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
