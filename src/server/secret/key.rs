//! [`SecretKey`]'s constructors and uses: from bytes, generated, parsed, loaded or created
//! from a key file, resolved in the documented order; and a purpose's [`Mac`]. Touches the
//! key sources of `secret.rs` and `getrandom`.

use super::*;

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

    /// The key's bytes, for the purpose keys of [`Signer`](super::super::Signer).
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
