//! The app's secret key (signs CSRF tokens, later cookies) and where it comes from.
//!
//! 32 bytes that sign what the server hands out and must accept back after a restart: from
//! the application, `VANGO_SECRET_KEY`, or a key file in the state directory created on
//! first start. Touches the environment, one key file and its directory, and `getrandom`.

use std::ffi::OsString;
use std::fmt;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Bytes in a [`SecretKey`].
///
/// # Examples
///
/// ```
/// use vango::server::secret::{SecretKey, KEY_LEN};
/// let key = SecretKey::from_bytes([1; KEY_LEN]);
/// assert_eq!(KEY_LEN, 32);
/// # let _ = key;
/// ```
pub const KEY_LEN: usize = 32;

/// The environment variable holding the key itself (64 hex digits, or 32 bytes in base64).
///
/// # Examples
///
/// ```
/// use vango::server::secret::{SecretKey, KEY_ENV};
/// // The deployment sets it, e.g. `VANGO_SECRET_KEY=$(openssl rand -hex 32)`.
/// let from_env = std::env::var(KEY_ENV).ok().and_then(|v| SecretKey::parse(&v));
/// assert_eq!(KEY_ENV, "VANGO_SECRET_KEY");
/// # let _ = from_env;
/// ```
pub const KEY_ENV: &str = "VANGO_SECRET_KEY";

/// The key file's name inside the state directory.
///
/// # Examples
///
/// ```
/// use vango::server::secret::{SecretKey, KEY_FILE};
/// let dir = std::env::temp_dir().join(format!("vango-doc-key-{}", std::process::id()));
/// let key = SecretKey::load_or_create(&dir.join(KEY_FILE))?;
/// assert_eq!(SecretKey::load_or_create(&dir.join(KEY_FILE))?, key, "the same key next start");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub const KEY_FILE: &str = "secret.key";

/// The application's secret key: 32 bytes from which each purpose (CSRF tokens, cookies)
/// derives its own [`Mac`], so a value signed for one purpose never verifies as another.
///
/// Tokens signed under a key verify only where the same key is loaded: keep it across
/// restarts (the key file does that) and share it between the instances of one app.
/// `Debug` never prints the bytes.
///
/// # Examples
///
/// ```
/// use vango::server::secret::SecretKey;
/// let key = SecretKey::parse(&"ab".repeat(32)).unwrap();
/// assert_eq!(SecretKey::parse("q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="), Some(key.clone()));
/// assert_eq!(format!("{key:?}"), "SecretKey(..)");
/// let csrf = key.mac("csrf");
/// assert_eq!(csrf.tag(b"token"), key.mac("csrf").tag(b"token"));
/// assert_ne!(csrf.tag(b"token"), key.mac("cookie").tag(b"token"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey([u8; KEY_LEN]);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// A keyed MAC for one purpose: SipHash-2-4 under a 128-bit key derived from the
/// [`SecretKey`]. SipHash is a pseudorandom function built for short messages; its 64-bit
/// tags are checked only online (by this server), where a forgery takes about 2^63 tries.
/// `Debug` never prints the key.
///
/// # Examples
///
/// ```
/// use vango::server::secret::SecretKey;
/// let mac = SecretKey::from_bytes([7; 32]).mac("example");
/// assert_eq!(mac.tag(b"hello"), mac.tag(b"hello"));
/// assert_ne!(mac.tag(b"hello"), mac.tag(b"hellp"));
/// ```
#[derive(Clone)]
pub struct Mac {
    key: [u64; 2],
}

impl fmt::Debug for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mac(..)")
    }
}

impl Mac {
    /// The tag of `msg`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::SecretKey;
    /// let mac = SecretKey::from_bytes([9; 32]).mac("csrf");
    /// let tag: u64 = mac.tag(b"session-42");
    /// assert_eq!(tag, mac.tag(b"session-42"));
    /// assert_ne!(tag, mac.tag(b"session-43"));
    /// ```
    pub fn tag(&self, msg: &[u8]) -> u64 {
        siphash24(self.key, msg)
    }
}

/// SipHash-2-4 through std's implementation, which is documented as exactly that algorithm
/// (unlike `DefaultHasher`, whose algorithm may change between Rust releases; tags must
/// verify across rebuilds). Pinned by the reference vectors in the tests below.
#[allow(
    deprecated,
    reason = "std's SipHasher is the only keyed SipHash-2-4 in std"
)]
fn siphash24(key: [u64; 2], msg: &[u8]) -> u64 {
    use std::hash::{Hasher, SipHasher};
    let mut h = SipHasher::new_with_keys(key[0], key[1]);
    h.write(msg);
    h.finish()
}

fn half(bytes: &[u8]) -> [u64; 2] {
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("8 bytes"));
    [word(&bytes[..8]), word(&bytes[8..16])]
}

impl SecretKey {
    /// A key from its bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::SecretKey;
    /// let key = SecretKey::from_bytes([7; 32]);
    /// assert_eq!(SecretKey::parse(&"07".repeat(32)), Some(key));
    /// ```
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> SecretKey {
        SecretKey(bytes)
    }

    /// A fresh key from the OS's randomness.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::SecretKey;
    /// let a = SecretKey::generate()?;
    /// let b = SecretKey::generate()?;
    /// assert_ne!(a, b);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn generate() -> io::Result<SecretKey> {
        let mut bytes = [0; KEY_LEN];
        getrandom::fill(&mut bytes).map_err(io::Error::other)?;
        Ok(SecretKey(bytes))
    }

    /// Parses 64 hex digits or the base64 of 32 bytes (standard or URL-safe alphabet,
    /// padded or not), surrounding whitespace ignored: what `openssl rand -hex 32` and
    /// `openssl rand -base64 32` print. `None` for anything else.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::SecretKey;
    /// assert!(SecretKey::parse(&format!(" {} \n", "0f".repeat(32))).is_some());
    /// assert!(SecretKey::parse("too short").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<SecretKey> {
        let text = text.trim();
        let bytes = if text.len() == 2 * KEY_LEN {
            hex(text)?
        } else {
            base64(text)?
        };
        Some(SecretKey(bytes.try_into().ok()?))
    }

    /// The key's bytes, for the purpose keys of [`Signer`](super::Signer).
    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The MAC for `purpose`: its key is SipHash of the purpose under each half of the
    /// secret, so every purpose gets an independent 128-bit key.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::SecretKey;
    /// let key = SecretKey::from_bytes([3; 32]);
    /// assert_ne!(key.mac("csrf").tag(b"x"), key.mac("upload").tag(b"x"), "one key per purpose");
    /// ```
    pub fn mac(&self, purpose: &str) -> Mac {
        let (lo, hi) = self.0.split_at(16);
        Mac {
            key: [
                siphash24(half(lo), purpose.as_bytes()),
                siphash24(half(hi), purpose.as_bytes()),
            ],
        }
    }

    /// Reads the key file at `path`, creating it with a fresh key first if it does not
    /// exist (its directory too, mode 0700). The file is created atomically: written to a
    /// temporary file with mode 0600 and linked into place, so concurrent first starts all
    /// end up with the one key that won, and no reader ever sees a partial file.
    ///
    /// A file that others than its owner may access (mode not 0600 or stricter), or that
    /// does not hold exactly 32 bytes, is an error saying how to fix it: a key file is never
    /// replaced silently, since every token it signed would stop verifying.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::fs::PermissionsExt;
    /// use vango::server::secret::SecretKey;
    /// let dir = std::env::temp_dir().join(format!("vango-key-doc-{}", std::process::id()));
    /// let path = dir.join("secret.key");
    /// let key = SecretKey::load_or_create(&path)?;
    /// assert_eq!(SecretKey::load_or_create(&path)?, key);
    /// assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
    /// std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
    /// let err = SecretKey::load_or_create(&path).unwrap_err();
    /// assert!(err.to_string().contains("chmod 600"), "{err}");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn load_or_create(path: &Path) -> io::Result<SecretKey> {
        match read_key_file(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            read => return read,
        }
        create_key_file(path).map_err(|e| {
            let hint = format!("cannot create it ({e}): point VANGO_STATE_DIR at a writable directory, or set {KEY_ENV}");
            context(path, io::Error::new(e.kind(), hint))
        })?;
        read_key_file(path)
    }

    /// The key the application runs with, found in this order: `VANGO_SECRET_KEY`; the key
    /// file at `file` when given; else `secret.key` in the [`state_dir`] (created on first
    /// start). A variable that is set but malformed, or no place for a key file, is an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::SecretKey;
    /// let path = std::env::temp_dir().join(format!("vango-resolve-doc-{}.key", std::process::id()));
    /// let key = SecretKey::resolve(Some(&path))?;
    /// assert_eq!(SecretKey::resolve(Some(&path))?, key, "the same key on every start");
    /// # let _ = std::fs::remove_file(&path);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn resolve(file: Option<&Path>) -> io::Result<SecretKey> {
        resolve_with(&|name: &str| std::env::var_os(name), file)
    }
}

/// Where the key file lives when the application names none: `$VANGO_STATE_DIR`;
/// systemd's `$STATE_DIRECTORY` (its first entry: the unit's `StateDirectory=`);
/// `$XDG_STATE_HOME/vango`; `$HOME/.local/state/vango`. `None` when none is set.
///
/// # Examples
///
/// ```
/// if let Some(dir) = vango::server::secret::state_dir() {
///     println!("the secret key lives in {}", dir.join("secret.key").display());
/// }
/// ```
pub fn state_dir() -> Option<PathBuf> {
    state_dir_with(&|name: &str| std::env::var_os(name))
}

type Env<'a> = &'a dyn Fn(&str) -> Option<OsString>;

fn state_dir_with(env: Env<'_>) -> Option<PathBuf> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(dir) = set("VANGO_STATE_DIR") {
        return Some(dir.into());
    }
    if let Some(dirs) = set("STATE_DIRECTORY") {
        let first = dirs
            .to_string_lossy()
            .split(':')
            .next()
            .unwrap_or("")
            .to_owned();
        if !first.is_empty() {
            return Some(first.into());
        }
    }
    if let Some(xdg) = set("XDG_STATE_HOME") {
        return Some(PathBuf::from(xdg).join("vango"));
    }
    set("HOME").map(|home| PathBuf::from(home).join(".local/state/vango"))
}

fn resolve_with(env: Env<'_>, file: Option<&Path>) -> io::Result<SecretKey> {
    if let Some(text) = env(KEY_ENV) {
        return text
            .to_str()
            .and_then(SecretKey::parse)
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{KEY_ENV} is set but is not 64 hex digits or the base64 of 32 bytes (make one with `openssl rand -hex 32`)"),
                )
            });
    }
    let path = match file {
        Some(f) => f.to_path_buf(),
        None => state_dir_with(env).map(|d| d.join(KEY_FILE)).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("no place for the secret key: set {KEY_ENV}, VANGO_STATE_DIR or HOME, or call App::secret_key_file"),
            )
        })?,
    };
    SecretKey::load_or_create(&path)
}

fn context(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("secret key file {}: {e}", path.display()))
}

fn read_key_file(path: &Path) -> io::Result<SecretKey> {
    let f = File::open(path).map_err(|e| context(path, e))?;
    let meta = f.metadata().map_err(|e| context(path, e))?;
    let shown = path.display();
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("secret key file {shown} is not a regular file"),
        ));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("secret key file {shown} has mode {mode:04o}: only its owner may read it (chmod 600 {shown})"),
        ));
    }
    let mut bytes = Vec::with_capacity(KEY_LEN);
    // `take` bounds the read even if the file is large or grows meanwhile.
    f.take(KEY_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| context(path, e))?;
    let key: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("secret key file {shown} holds {} bytes, not {KEY_LEN}: write {KEY_LEN} random bytes into it (head -c {KEY_LEN} /dev/urandom), or remove it to have a new key made (what the old key signed stops verifying)", meta.len()),
        )
    })?;
    Ok(SecretKey(key))
}

fn create_key_file(path: &Path) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let key = SecretKey::generate()?;
    let written = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(&key.0)?;
        f.sync_all()?;
        // A hard link fails if the name exists: the first start to link wins, and the
        // others read its key (a rename would replace it).
        match fs::hard_link(&tmp, path) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(e),
            _ => Ok(()),
        }
    })();
    let _ = fs::remove_file(&tmp);
    written?;
    // Makes the new directory entry durable.
    File::open(dir)?.sync_all()
}

fn hex(text: &str) -> Option<Vec<u8>> {
    let digit = |b: u8| (b as char).to_digit(16);
    text.as_bytes()
        .chunks(2)
        .map(|p| Some((digit(p[0])? * 16 + digit(*p.get(1)?)?) as u8))
        .collect()
}

fn base64(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    let pad = text.len() - body.len();
    if pad > 2 || (pad > 0 && text.len() % 4 != 0) {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in body.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be zero: one encoding per key.
    (bits < 6 && acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn siphash_is_the_reference_siphash_2_4() {
        // The SipHash paper's key 00..0f; messages 00..0e (its Appendix A) and empty.
        let key = half(&(0u8..16).collect::<Vec<_>>());
        let msg: Vec<u8> = (0u8..15).collect();
        assert_eq!(siphash24(key, &msg), 0xa129_ca61_49be_45e5);
        assert_eq!(siphash24(key, b""), 0x726f_db47_dd0e_0e31);
    }

    #[test]
    fn keys_parse_from_hex_and_base64_only_at_32_bytes() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i * 7 + 3) as u8);
        let key = SecretKey::from_bytes(bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(SecretKey::parse(&format!(" {hex}\n")), Some(key.clone()));
        let b64 = "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw=";
        assert_eq!(SecretKey::parse(b64), Some(key.clone()));
        assert_eq!(SecretKey::parse(b64.trim_end_matches('=')), Some(key));
        let url = SecretKey::parse(&format!("{}8", "-_".repeat(21))).unwrap();
        assert_eq!(
            Some(url),
            SecretKey::parse(&format!("{}8", "+/".repeat(21)))
        );
        for bad in [
            "",
            "abcd",
            &"ab".repeat(31),
            &"zz".repeat(32),
            "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dx=", // nonzero leftover bits
            "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw==",
            "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw=AAAA",
        ] {
            assert_eq!(SecretKey::parse(bad), None, "{bad:?}");
        }
    }

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("vango-secret-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn resolution_order_env_then_file_then_state_dirs() {
        let dir = tmp("resolve");
        let vars: HashMap<&str, OsString> = [
            ("VANGO_STATE_DIR", ""),
            ("STATE_DIRECTORY", "/nonexistent-a:/nonexistent-b"),
            ("HOME", "/home/x"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.into()))
        .collect();
        let env = |n: &str| vars.get(n).cloned();
        assert_eq!(
            state_dir_with(&env),
            Some("/nonexistent-a".into()),
            "empty is unset"
        );
        let home = |n: &str| (n == "HOME").then(|| OsString::from("/home/x"));
        assert_eq!(
            state_dir_with(&home),
            Some("/home/x/.local/state/vango".into())
        );
        let xdg = |n: &str| matches!(n, "HOME" | "XDG_STATE_HOME").then(|| OsString::from("/x"));
        assert_eq!(state_dir_with(&xdg), Some("/x/vango".into()));
        assert_eq!(state_dir_with(&|_: &str| None), None);

        let in_dir = |n: &str| (n == "VANGO_STATE_DIR").then(|| dir.clone().into_os_string());
        let made = resolve_with(&in_dir, None).unwrap();
        assert_eq!(fs::read(dir.join(KEY_FILE)).unwrap(), made.0);
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        assert_eq!(resolve_with(&in_dir, None).unwrap(), made);
        let other = dir.join("other.key");
        assert_ne!(resolve_with(&in_dir, Some(&other)).unwrap(), made);

        let key = SecretKey::from_bytes([9; 32]);
        let from_env = |n: &str| (n == KEY_ENV).then(|| OsString::from("09".repeat(32)));
        assert_eq!(resolve_with(&from_env, Some(&other)).unwrap(), key);
        let bad_env = |n: &str| (n == KEY_ENV).then(|| OsString::from("secret"));
        let err = resolve_with(&bad_env, None).unwrap_err();
        assert!(err.to_string().contains(KEY_ENV), "{err}");
        let err = resolve_with(&|_: &str| None, None).unwrap_err();
        assert!(err.to_string().contains("VANGO_STATE_DIR"), "{err}");
        // Nobody may create directories in sysfs.
        let err = SecretKey::load_or_create(Path::new("/sys/vango-test/secret.key")).unwrap_err();
        assert!(err.to_string().contains("cannot create it"), "{err}");
        assert!(err.to_string().contains("VANGO_STATE_DIR"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn key_files_of_the_wrong_size_or_mode_are_refused() {
        let dir = tmp("files");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(KEY_FILE);
        for (len, mode) in [
            (16, 0o600),
            (33, 0o600),
            (0, 0o600),
            (32, 0o640),
            (32, 0o604),
        ] {
            fs::write(&path, vec![1u8; len]).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let err = SecretKey::load_or_create(&path).unwrap_err();
            let text = err.to_string();
            assert!(text.contains(&path.display().to_string()), "{text}");
            if mode == 0o600 {
                assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{text}");
                assert!(text.contains(&format!("holds {len} bytes")), "{text}");
            } else {
                assert_eq!(err.kind(), io::ErrorKind::PermissionDenied, "{text}");
                assert!(text.contains(&format!("mode {mode:04o}")), "{text}");
            }
            // Never replaced: the file still holds what the operator put there.
            assert_eq!(fs::read(&path).unwrap().len(), len);
        }
        fs::remove_file(&path).unwrap();
        fs::create_dir(&path).unwrap();
        assert!(SecretKey::load_or_create(&path).is_err(), "a directory");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn concurrent_first_starts_agree_on_one_key() {
        let dir = tmp("race");
        let path = dir.join("nested").join(KEY_FILE);
        let keys: Vec<SecretKey> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..8)
                .map(|_| s.spawn(|| SecretKey::load_or_create(&path).unwrap()))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(keys.iter().all(|k| *k == keys[0]));
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [KEY_FILE], "no temporary file left behind");
        fs::remove_dir_all(&dir).unwrap();
    }
}
