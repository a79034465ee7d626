//! Embedded static assets: ETag / If-None-Match (304) and gzip-precompressed variants.
//!
//! Pure functions of the request headers; no I/O. Touches `render` for its content hash
//! ([`fnv1a32`](crate::render::fnv1a32)).

use std::borrow::Cow;
use std::sync::Arc;

use super::http::{Request, Response};

/// The thin client served at `/_vango/client.js` (`client/dist`, built by `client/build`).
///
/// # Examples
///
/// ```
/// use vango::server::assets::CLIENT_JS;
/// // Served at `/_vango/client.js` by every server (see `StaticAsset::client_js`).
/// assert!(!CLIENT_JS.is_empty() && std::str::from_utf8(CLIENT_JS).is_ok());
/// ```
pub const CLIENT_JS: &[u8] = include_bytes!("../../client/dist/vango.min.js");
/// The gzip-precompressed variant of [`CLIENT_JS`].
///
/// # Examples
///
/// ```
/// use vango::server::assets::{CLIENT_JS, CLIENT_JS_GZ};
/// assert_eq!(&CLIENT_JS_GZ[..2], &[0x1f, 0x8b], "a gzip member");
/// assert!(CLIENT_JS_GZ.len() < CLIENT_JS.len());
/// ```
pub const CLIENT_JS_GZ: &[u8] = include_bytes!("../../client/dist/vango.min.js.gz");

/// The standard client hooks' scripts (`client/dist/hooks`, one per hook, loaded only by
/// the pages that use them): `(path, script, gzipped script)`. The paths are those of
/// [`StandardHook::src`](crate::view::StandardHook::src).
///
/// # Examples
///
/// ```
/// use vango::server::HOOK_SCRIPTS;
/// for (path, js, gz) in HOOK_SCRIPTS {
///     assert!(path.starts_with("/_vango/") && path.ends_with(".js"));
///     assert!(!js.is_empty() && gz.starts_with(&[0x1f, 0x8b]));
/// }
/// ```
pub const HOOK_SCRIPTS: [(&str, &[u8], &[u8]); 4] = [
    (
        "/_vango/hooks/sortable.js",
        include_bytes!("../../client/dist/hooks/sortable.js"),
        include_bytes!("../../client/dist/hooks/sortable.js.gz"),
    ),
    (
        "/_vango/hooks/draggable.js",
        include_bytes!("../../client/dist/hooks/draggable.js"),
        include_bytes!("../../client/dist/hooks/draggable.js.gz"),
    ),
    (
        "/_vango/hooks/tooltip.js",
        include_bytes!("../../client/dist/hooks/tooltip.js"),
        include_bytes!("../../client/dist/hooks/tooltip.js.gz"),
    ),
    (
        "/_vango/hooks/dropdown.js",
        include_bytes!("../../client/dist/hooks/dropdown.js"),
        include_bytes!("../../client/dist/hooks/dropdown.js.gz"),
    ),
];

/// The upload script served at `/_vango/upload.js` (`client/src/upload.js`, its own bundle:
/// only pages with uploads load it).
///
/// # Examples
///
/// ```
/// use vango::server::{assets::UPLOAD_JS, StaticAsset};
/// assert!(std::str::from_utf8(UPLOAD_JS).is_ok());
/// assert_eq!(StaticAsset::upload_js().path(), "/_vango/upload.js");
/// ```
pub const UPLOAD_JS: &[u8] = include_bytes!("../../client/dist/upload.min.js");
/// The gzip-precompressed variant of [`UPLOAD_JS`].
///
/// # Examples
///
/// ```
/// use vango::server::assets::UPLOAD_JS_GZ;
/// assert_eq!(&UPLOAD_JS_GZ[..2], &[0x1f, 0x8b], "a gzip member");
/// ```
pub const UPLOAD_JS_GZ: &[u8] = include_bytes!("../../client/dist/upload.min.js.gz");

/// An asset compiled into the binary ([`StaticAsset::new`]) or loaded at startup
/// ([`StaticAsset::owned`]), served with a strong ETag and an optional gzip variant.
///
/// # Examples
///
/// ```
/// use vango::server::StaticAsset;
/// let a = StaticAsset::new("/robots.txt", "text/plain", b"User-agent: *\n", None);
/// assert!(a.etag().starts_with('"'));
/// ```
#[derive(Clone, Debug)]
pub struct StaticAsset {
    path: Cow<'static, str>,
    content_type: Cow<'static, str>,
    body: Blob,
    gzip: Option<Blob>,
    etag: String,
    etag_gz: String,
}

/// An asset's bytes: compiled in, or loaded once and shared by every response.
#[derive(Clone, Debug)]
enum Blob {
    Static(&'static [u8]),
    Shared(Arc<[u8]>),
}

impl Blob {
    fn bytes(&self) -> &[u8] {
        match self {
            Blob::Static(b) => b,
            Blob::Shared(b) => b,
        }
    }
}

impl StaticAsset {
    /// An asset at `path` with its identity bytes and, optionally, the same bytes gzipped.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticAsset;
    /// let robots = StaticAsset::new("/robots.txt", "text/plain", b"User-agent: *\n", None);
    /// assert_eq!(robots.path(), "/robots.txt");
    /// // Give it to the server with `Server::asset` (or `App::asset`).
    /// ```
    pub fn new(
        path: impl Into<Cow<'static, str>>,
        content_type: &'static str,
        body: &'static [u8],
        gzip: Option<&'static [u8]>,
    ) -> Self {
        Self::of(
            path.into(),
            content_type.into(),
            Blob::Static(body),
            gzip.map(Blob::Static),
        )
    }

    /// An asset whose bytes were made at run time (read from a file at startup, built
    /// from a template): no `&'static` needed, nothing leaked; responses share the bytes
    /// without copying them.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticAsset;
    /// let css = format!("body {{ color: {} }}", "teal");
    /// let a = StaticAsset::owned("/site.css", "text/css", css.into_bytes(), None);
    /// assert_eq!(a.path(), "/site.css");
    /// ```
    pub fn owned(
        path: impl Into<Cow<'static, str>>,
        content_type: impl Into<Cow<'static, str>>,
        body: impl Into<Arc<[u8]>>,
        gzip: Option<Vec<u8>>,
    ) -> Self {
        Self::of(
            path.into(),
            content_type.into(),
            Blob::Shared(body.into()),
            gzip.map(|g| Blob::Shared(g.into())),
        )
    }

    fn of(
        path: Cow<'static, str>,
        content_type: Cow<'static, str>,
        body: Blob,
        gzip: Option<Blob>,
    ) -> Self {
        // An ETag only has to tell one asset's versions apart, so 32 bits are plenty.
        let h = crate::render::fnv1a32(body.bytes());
        StaticAsset {
            path,
            content_type,
            body,
            gzip,
            etag: format!("\"{h:08x}\""),
            etag_gz: format!("\"{h:08x}-gz\""),
        }
    }

    /// The built-in thin client at `/_vango/client.js`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticAsset;
    /// assert_eq!(StaticAsset::client_js().path(), "/_vango/client.js");
    /// ```
    pub fn client_js() -> Self {
        Self::new(
            "/_vango/client.js",
            "text/javascript; charset=utf-8",
            CLIENT_JS,
            Some(CLIENT_JS_GZ),
        )
    }

    /// The standard client hooks' scripts ([`HOOK_SCRIPTS`]), served by every server: a
    /// page only loads the ones it asks for.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticAsset;
    /// let paths: Vec<String> = StaticAsset::hook_scripts().map(|a| a.path().to_owned()).collect();
    /// assert_eq!(paths.len(), vango::server::HOOK_SCRIPTS.len());
    /// ```
    pub fn hook_scripts() -> impl Iterator<Item = StaticAsset> {
        HOOK_SCRIPTS
            .iter()
            .map(|&(path, js, gz)| Self::new(path, "text/javascript; charset=utf-8", js, Some(gz)))
    }

    /// The built-in upload script at `/_vango/upload.js`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticAsset;
    /// assert_eq!(StaticAsset::upload_js().path(), "/_vango/upload.js");
    /// ```
    pub fn upload_js() -> Self {
        Self::new(
            "/_vango/upload.js",
            "text/javascript; charset=utf-8",
            UPLOAD_JS,
            Some(UPLOAD_JS_GZ),
        )
    }

    /// The URL path this asset answers.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticAsset;
    /// let a = StaticAsset::new("/favicon.ico", "image/x-icon", b"\0\0\x01\0", None);
    /// assert_eq!(a.path(), "/favicon.ico");
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The strong ETag of the identity variant (quoted).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticAsset;
    /// let v1 = StaticAsset::new("/a.txt", "text/plain", b"one", None);
    /// let v2 = StaticAsset::new("/a.txt", "text/plain", b"two", None);
    /// assert!(v1.etag().starts_with('"') && v1.etag().ends_with('"'));
    /// assert_ne!(v1.etag(), v2.etag(), "new bytes, new ETag");
    /// ```
    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// Answers a GET or HEAD for this asset: 304 on a matching `If-None-Match`, the gzip
    /// variant when the client accepts it, `Vary: Accept-Encoding` whenever a variant exists.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::StaticAsset;
    /// let a = StaticAsset::new("/hi.txt", "text/plain", b"hi", None);
    /// let raw = format!("GET /hi.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: {}\r\n\r\n", a.etag());
    /// let raw = raw.as_bytes();
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert_eq!(a.respond(&req).status(), 304, "the browser's copy is current");
    /// ```
    pub fn respond(&self, req: &Request<'_>) -> Response {
        let gz = match &self.gzip {
            Some(g) if accepts_gzip(req.header("accept-encoding")) => Some(g),
            _ => None,
        };
        let etag = if gz.is_some() {
            &self.etag_gz
        } else {
            &self.etag
        };
        let mut resp = if etag_matches(req.header("if-none-match"), etag) {
            Response::new(304)
        } else {
            let mut r = Response::new(200).header("Content-Type", self.content_type.clone());
            if gz.is_some() {
                r = r.header("Content-Encoding", "gzip");
            }
            match gz.unwrap_or(&self.body) {
                Blob::Static(b) => r.body_static(b),
                Blob::Shared(b) => r.body_shared(b.clone()),
            }
        };
        resp = resp
            .header("ETag", etag.clone())
            .header("Cache-Control", "public, max-age=0, must-revalidate");
        if self.gzip.is_some() {
            resp = resp.header("Vary", "Accept-Encoding");
        }
        resp
    }
}

/// `true` when `Accept-Encoding` lists `gzip` (or `*`) with a non-zero q-value.
///
/// # Examples
///
/// ```
/// use vango::server::assets::accepts_gzip;
/// assert!(accepts_gzip(Some(b"gzip, deflate, br")));
/// assert!(!accepts_gzip(Some(b"gzip;q=0, br")));
/// assert!(!accepts_gzip(None));
/// ```
pub fn accepts_gzip(value: Option<&[u8]>) -> bool {
    let Some(v) = value.and_then(|v| std::str::from_utf8(v).ok()) else {
        return false;
    };
    v.split(',').any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        if !(name.eq_ignore_ascii_case("gzip") || name == "*") {
            return false;
        }
        !parts.any(|p| {
            let p = p.trim();
            p.len() > 2
                && p[..2].eq_ignore_ascii_case("q=")
                && p[2..].trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
        })
    })
}

/// `true` when an `If-None-Match` value matches `etag` (weak comparison, `*` matches).
///
/// # Examples
///
/// ```
/// use vango::server::assets::etag_matches;
/// assert!(etag_matches(Some(b"W/\"abc\", \"def\""), "\"abc\""));
/// assert!(etag_matches(Some(b"*"), "\"abc\""));
/// assert!(!etag_matches(Some(b"\"old\""), "\"abc\""));
/// ```
pub fn etag_matches(value: Option<&[u8]>, etag: &str) -> bool {
    let Some(v) = value.and_then(|v| std::str::from_utf8(v).ok()) else {
        return false;
    };
    v.split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_acceptance() {
        assert!(accepts_gzip(Some(b"gzip, deflate, br")));
        assert!(accepts_gzip(Some(b"br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(Some(b"*")));
        assert!(!accepts_gzip(Some(b"gzip;q=0")));
        assert!(!accepts_gzip(Some(b"br, deflate")));
        assert!(!accepts_gzip(Some(b"xgzip")));
        assert!(!accepts_gzip(None));
    }

    #[test]
    fn etag_matching() {
        assert!(etag_matches(Some(b"\"a\", \"b\""), "\"b\""));
        assert!(etag_matches(Some(b"W/\"b\""), "\"b\""));
        assert!(etag_matches(Some(b"*"), "\"b\""));
        assert!(!etag_matches(Some(b"\"bb\""), "\"b\""));
        assert!(!etag_matches(None, "\"b\""));
    }

    #[test]
    fn etag_depends_on_content() {
        let a = StaticAsset::new("/a", "text/plain", b"one", None);
        let b = StaticAsset::new("/a", "text/plain", b"two", None);
        assert_ne!(a.etag(), b.etag());
    }
}
