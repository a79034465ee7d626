//! A folder served under a URL prefix (`/assets/*`): content types, ETag/304, the
//! precompressed `.gz` sibling when the client takes gzip, long cache lifetimes for
//! fingerprinted names, and no way out of the folder (`..`, `%2e%2e`, absolute paths,
//! symlinks that leave it: all 404).
//!
//! Touches only the files below its root, read on the core that answers: meant for the
//! small files of a page (stylesheets, scripts, images), bounded by a size limit.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::assets::{accepts_gzip, etag_matches};
use super::http::{Request, Response};

/// Largest file a [`StaticDir`] serves by default (larger ones are 404: put them behind
/// the proxy in front).
///
/// # Examples
///
/// ```
/// use vango::server::static_dir::DEFAULT_MAX_FILE;
/// # let root = std::env::temp_dir().join(format!("vango-doc-dir-{}-{}", std::process::id(), line!()));
/// # std::fs::create_dir_all(&root)?;
/// # std::fs::write(root.join("app.css"), "p { color: teal }")?;
/// let dir = vango::server::StaticDir::new("/assets/", &root)?;
/// // Raise it for a larger bundle; past it, files are 404.
/// let dir = dir.max_file(2 * DEFAULT_MAX_FILE);
/// assert_eq!(DEFAULT_MAX_FILE, 8 << 20);
/// # let _ = dir;
/// # std::fs::remove_dir_all(&root)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub const DEFAULT_MAX_FILE: u64 = 8 << 20;

/// A folder served under a URL prefix.
///
/// # Examples
///
/// ```
/// let dir = std::env::temp_dir().join(format!("vango-static-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(dir.join("app.css"), "p { color: teal }")?;
/// let assets = vango::server::StaticDir::new("/assets/", &dir)?;
/// assert_eq!(assets.resolve("app.css").unwrap(), dir.canonicalize()?.join("app.css"));
/// assert!(assets.resolve("../secret").is_none());
/// assert!(assets.resolve("%2e%2e/secret").is_none());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct StaticDir {
    prefix: String,
    root: PathBuf,
    max_file: u64,
}

impl StaticDir {
    /// Serves the files below `root` at `prefix` (which must start and end with `/`).
    /// Errors when `root` is not a readable folder.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticDir;
    /// # let root = std::env::temp_dir().join(format!("vango-doc-dir-{}-{}", std::process::id(), line!()));
    /// # std::fs::create_dir_all(&root)?;
    /// # std::fs::write(root.join("app.css"), "p { color: teal }")?;
    /// let assets = StaticDir::new("/assets/", &root)?;
    /// assert_eq!(assets.prefix(), "/assets/");
    /// assert!(StaticDir::new("/assets", &root).is_err(), "the prefix must end with '/'");
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(prefix: impl Into<String>, root: impl AsRef<Path>) -> io::Result<StaticDir> {
        let prefix = prefix.into();
        if !prefix.starts_with('/') || !prefix.ends_with('/') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("static prefix {prefix:?} must start and end with '/'"),
            ));
        }
        let root = root.as_ref().canonicalize()?;
        if !root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a folder", root.display()),
            ));
        }
        Ok(StaticDir {
            prefix,
            root,
            max_file: DEFAULT_MAX_FILE,
        })
    }

    /// Sets the largest file served.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticDir;
    /// # let root = std::env::temp_dir().join(format!("vango-doc-dir-{}-{}", std::process::id(), line!()));
    /// # std::fs::create_dir_all(&root)?;
    /// # std::fs::write(root.join("app.css"), "p { color: teal }")?;
    /// let assets = StaticDir::new("/assets/", &root)?.max_file(4);
    /// let raw = b"GET /assets/app.css HTTP/1.1\r\nHost: x\r\n\r\n";
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert_eq!(assets.respond(&req).unwrap().status(), 404, "17 bytes is over the limit");
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn max_file(mut self, bytes: u64) -> StaticDir {
        self.max_file = bytes;
        self
    }

    /// The URL prefix.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticDir;
    /// # let root = std::env::temp_dir().join(format!("vango-doc-dir-{}-{}", std::process::id(), line!()));
    /// # std::fs::create_dir_all(&root)?;
    /// # std::fs::write(root.join("app.css"), "p { color: teal }")?;
    /// assert_eq!(StaticDir::new("/static/", &root)?.prefix(), "/static/");
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The folder served (canonical: every symlink resolved).
    ///
    /// # Examples
    ///
    /// ```
    /// let dir = std::env::temp_dir();
    /// let assets = vango::server::StaticDir::new("/assets/", &dir)?;
    /// assert_eq!(assets.root(), dir.canonicalize()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file that the URL path `rest` (after the prefix, still percent-encoded) names,
    /// if it is a regular file inside the folder once every symlink is resolved.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticDir;
    /// # let root = std::env::temp_dir().join(format!("vango-doc-dir-{}-{}", std::process::id(), line!()));
    /// # std::fs::create_dir_all(&root)?;
    /// # std::fs::write(root.join("app.css"), "p { color: teal }")?;
    /// let assets = StaticDir::new("/assets/", &root)?;
    /// assert_eq!(assets.resolve("app%2Ecss"), Some(root.canonicalize()?.join("app.css")));
    /// assert_eq!(assets.resolve("../app.css"), None);
    /// assert_eq!(assets.resolve("missing.css"), None);
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn resolve(&self, rest: &str) -> Option<PathBuf> {
        let decoded = percent_decode(rest)?;
        let rel = Path::new(&decoded);
        // Only plain names: no `..`, `.`, root or prefix components, no NUL or backslash.
        let plain = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !plain || decoded.is_empty() || decoded.contains(['\0', '\\']) {
            return None;
        }
        let path = self.root.join(rel).canonicalize().ok()?;
        (path.starts_with(&self.root) && path.is_file()).then_some(path)
    }

    /// Answers a GET or HEAD whose path starts with the prefix; `None` when it does not.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticDir;
    /// # let root = std::env::temp_dir().join(format!("vango-doc-dir-{}-{}", std::process::id(), line!()));
    /// # std::fs::create_dir_all(&root)?;
    /// # std::fs::write(root.join("app.css"), "p { color: teal }")?;
    /// let assets = StaticDir::new("/assets/", &root)?;
    /// let raw = b"GET /assets/app.css HTTP/1.1\r\nHost: x\r\n\r\n";
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// let resp = assets.respond(&req).expect("under the prefix");
    /// assert_eq!((resp.status(), resp.body_bytes()), (200, &b"p { color: teal }"[..]));
    /// # std::fs::remove_dir_all(&root)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn respond(&self, req: &Request<'_>) -> Option<Response> {
        let rest = req.path().strip_prefix(self.prefix.as_str())?;
        let Some(path) = self.resolve(rest) else {
            return Some(Response::error(404));
        };
        Some(
            self.serve(req, &path)
                .unwrap_or_else(|_| Response::error(404)),
        )
    }

    fn serve(&self, req: &Request<'_>, path: &Path) -> io::Result<Response> {
        let gz_path = {
            let mut p = path.as_os_str().to_owned();
            p.push(".gz");
            PathBuf::from(p)
        };
        let use_gz = accepts_gzip(req.header("accept-encoding"))
            && gz_path.starts_with(&self.root)
            && fs::symlink_metadata(&gz_path).is_ok_and(|m| m.is_file());
        let chosen = if use_gz { &gz_path } else { path };
        if fs::metadata(chosen)?.len() > self.max_file {
            return Ok(Response::error(404));
        }
        let body = fs::read(chosen)?;
        let h = crate::render::fnv1a32(&body);
        let etag = if use_gz {
            format!("\"{h:08x}-gz\"")
        } else {
            format!("\"{h:08x}\"")
        };
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Dev mode: every load asks again, so an edited file shows without a hard reload.
        let cache = if crate::component::dev::enabled() {
            "no-cache"
        } else if is_fingerprinted(name) {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=0, must-revalidate"
        };
        let mut resp = if etag_matches(req.header("if-none-match"), &etag) {
            Response::new(304)
        } else {
            let r = Response::new(200).header("Content-Type", content_type(name));
            if use_gz {
                r.header("Content-Encoding", "gzip").body(body)
            } else {
                r.body(body)
            }
        };
        resp = resp.header("ETag", etag).header("Cache-Control", cache);
        if gz_path.exists() {
            resp = resp.header("Vary", "Accept-Encoding");
        }
        Ok(resp)
    }
}

/// Percent-decodes a URL path piece; `None` for a malformed escape or non-UTF-8 result.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether a file name carries a content hash (`app.3f2a9c1d.css`, `chunk-3f2a9c1d.js`):
/// a run of at least 8 hex digits between separators. Such a name never changes content,
/// so browsers may keep it for a year.
fn is_fingerprinted(name: &str) -> bool {
    name.split(['.', '-', '_'])
        .any(|part| part.len() >= 8 && part.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// The `Content-Type` for a file name, by extension.
fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_and_types() {
        assert!(is_fingerprinted("app.3f2a9c1d.css"));
        assert!(is_fingerprinted("chunk-0123abcdef.js"));
        assert!(!is_fingerprinted("app.css"));
        assert!(!is_fingerprinted("deadbee.js"), "7 digits");
        assert_eq!(content_type("A.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("x"), "application/octet-stream");
    }

    #[test]
    fn percent_decoding_refuses_malformed_escapes() {
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
        assert_eq!(percent_decode("%2e%2E"), Some("..".into()));
        assert_eq!(percent_decode("%2"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%ff"), None, "not UTF-8");
    }
}
