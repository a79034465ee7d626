//! Thread-per-core server: runtime (threads, accept, shutdown), HTTP/1.1, WebSocket, metrics, secret key.
//!
//! May touch sockets, threads and the OS, and the protocol's close codes; knows nothing
//! about sessions, components or the diff.
//! Data flows one way: `runtime` accepts a socket on one core, `http::conn` parses requests
//! and answers them (built-in routes, static assets, then the [`Service`]), and an upgrade
//! at `/_vango/ws` hands the socket to [`Service::websocket`] on the same core for life.

pub mod assets;
pub mod core;
pub mod dev_overlay;
pub mod dev_reload;
pub mod hosts;
pub mod http;
pub(crate) mod lease;
mod linger;
mod listen;
pub mod logging;
pub mod metrics;
pub mod peers;
pub mod runtime;
pub mod secret;
pub mod sign;
pub mod static_dir;
mod systemd;
pub mod trim;
mod upgraded;
pub mod websocket;
mod ws_frames;

use std::time::Duration;

pub use self::assets::{StaticAsset, HOOK_SCRIPTS};
pub use self::core::{Core, CoreMsg};
pub use self::http::{Answer, Request, Response};
pub use self::metrics::CoreMetrics;
pub use self::runtime::{RunningServer, Server, ShutdownHandle};
pub use self::secret::SecretKey;
pub use self::sign::Signer;
pub use self::static_dir::StaticDir;
pub use self::websocket::{ConnInfo, Service, WebSocket};

/// Bounds the server enforces on every connection; each has a safe default.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// let limits = vango::server::Limits {
///     header_timeout: Duration::from_secs(2),
///     ..Default::default()
/// };
/// assert_eq!(limits.max_body, 64 * 1024);
/// // A connection is a file descriptor: the default cap stays below the fd limit.
/// assert!(limits.max_connections_per_core > 0);
/// ```
#[derive(Clone, Debug)]
pub struct Limits {
    /// Longest request line (method, target, version) in bytes; longer is answered 414.
    pub max_request_line: usize,
    /// Largest request head (request line plus headers) in bytes; larger is answered 431.
    pub max_head: usize,
    /// Most header fields in one request, from 1 to [`MAX_HEADERS_CAP`] (64); more is
    /// answered 431. `Server::limits` and `App::limits` panic on a value outside that range.
    pub max_headers: usize,
    /// Largest `Content-Length` body accepted; larger is answered 413.
    pub max_body: usize,
    /// Time allowed for a whole request (head and body) from its first byte (slowloris bound).
    pub header_timeout: Duration,
    /// Time an idle keep-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Time in-flight work gets to finish after shutdown begins.
    pub shutdown_grace: Duration,
    /// Largest client → server WebSocket message and frame (PROTOCOL.md: 64 KiB).
    pub max_ws_message: usize,
    /// Most open connections per core; beyond it the core pauses accepting, but for a few
    /// connections that may ask only for `/healthz` (anything else gets 503).
    ///
    /// One connection is one file descriptor, so the default is what the process's soft
    /// `RLIMIT_NOFILE` (systemd's `LimitNOFILE=`) allows after a reserve for everything
    /// else, and the runtime lowers any value to each core's share of that budget.
    pub max_connections_per_core: usize,
    /// Most open connections from one client address (an IPv6 address counts by its
    /// /64), over all cores; beyond it a connection may ask only for `/healthz` (anything
    /// else gets 429). High enough for an office behind one NAT, low enough that one
    /// client cannot take every descriptor.
    pub max_connections_per_peer: usize,
    /// A WebSocket session that sends nothing for this long is dropped (the client pings
    /// every 20 s).
    pub ws_idle_timeout: Duration,
    /// The `Host` names requests may carry (DNS-rebinding defence): another host is
    /// answered 421 (403 for a WebSocket upgrade). `/healthz` answers any host.
    pub allowed_hosts: hosts::AllowedHosts,
    /// Whether `/metrics` answers peers other than loopback (default: no, 404).
    pub public_metrics: bool,
    /// Whether a reverse proxy in front of the server says how the client connected: with
    /// it, `X-Forwarded-Proto: https` makes the WebSocket Origin check expect `https://`
    /// and cookies `Secure`. Default: off (the header is anyone's to send); the app turns
    /// it on with `App::trust_proxy` or `VANGO_TRUST_PROXY=1`.
    pub trust_proxy: bool,
    /// Headers added to every response (`nosniff`) and to HTML pages (CSP, framing,
    /// referrer); a header the response already has is left as it is.
    pub security_headers: SecurityHeaders,
}

/// The security headers the server adds (see [`Limits::security_headers`]).
///
/// The default CSP is nonce-based for scripts: a page's `<script>` tags (the client's, and
/// those of `App::head`) carry a fresh random nonce per response, and only they (and the
/// scripts they load: `'strict-dynamic'`) run, so markup injected into a page cannot load a
/// script even from the page's own origin. Browsers without CSP 3 fall back to the nonce
/// and `'self'`. Styles, images, fonts and connections come from the page's own origin
/// only, with inline `style` attributes and `data:` images, no plugins, no framing by
/// other sites. In [`csp`](Self::csp), `{nonce}` stands for the response's nonce.
///
/// # Examples
///
/// ```
/// let h = vango::server::SecurityHeaders::default();
/// assert!(h.csp.as_deref().unwrap().contains("frame-ancestors 'self'"));
/// let off = vango::server::SecurityHeaders::none();
/// assert!(off.csp.is_none() && !off.nosniff);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityHeaders {
    /// `Content-Security-Policy` of HTML pages; `{nonce}` is replaced by the page's
    /// script nonce (see [`csp_for`](Self::csp_for)).
    pub csp: Option<String>,
    /// `Referrer-Policy` of HTML pages.
    pub referrer_policy: Option<String>,
    /// `X-Frame-Options` of HTML pages (for browsers without `frame-ancestors`).
    pub frame_options: Option<String>,
    /// `X-Content-Type-Options: nosniff` on every response.
    pub nosniff: bool,
}

impl Default for SecurityHeaders {
    fn default() -> Self {
        SecurityHeaders {
            csp: Some(
                "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'self'; \
                 style-src 'self' 'unsafe-inline'; \
                 img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
                 base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
                    .into(),
            ),
            referrer_policy: Some("same-origin".into()),
            frame_options: Some("SAMEORIGIN".into()),
            nosniff: true,
        }
    }
}

impl SecurityHeaders {
    /// The CSP for a response whose scripts carry `nonce`: `{nonce}` replaced by it. For a
    /// response without one (an HTML file served as it is), the nonce and
    /// `'strict-dynamic'` sources are left out, so its same-origin scripts still run.
    ///
    /// # Examples
    ///
    /// ```
    /// let h = vango::server::SecurityHeaders::default();
    /// let page = h.csp_for(Some("r4nd0m")).unwrap();
    /// assert!(page.contains("script-src 'nonce-r4nd0m' 'strict-dynamic' 'self';"));
    /// let file = h.csp_for(None).unwrap();
    /// assert!(file.contains("script-src 'self';") && !file.contains("nonce"));
    /// ```
    pub fn csp_for(&self, nonce: Option<&str>) -> Option<String> {
        let csp = self.csp.as_deref()?;
        Some(match nonce {
            Some(n) => csp.replace("{nonce}", n),
            None => {
                let kept = csp.split(' ').filter_map(|t| match t {
                    // A source that ends its directive hands the `;` on.
                    "'strict-dynamic';" => Some(";"),
                    "'strict-dynamic'" => None,
                    t if t.contains("{nonce}") => t.ends_with(';').then_some(";"),
                    t => Some(t),
                });
                kept.collect::<Vec<_>>().join(" ").replace(" ;", ";")
            }
        })
    }

    /// No headers added.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::{Limits, SecurityHeaders};
    /// // An app whose proxy adds the headers itself.
    /// let limits = Limits { security_headers: SecurityHeaders::none(), ..Limits::default() };
    /// assert_eq!(limits.security_headers.csp_for(None), None);
    /// assert!(!limits.security_headers.nosniff);
    /// ```
    pub fn none() -> Self {
        SecurityHeaders {
            csp: None,
            referrer_policy: None,
            frame_options: None,
            nosniff: false,
        }
    }
}

/// The hard cap on header fields: the parser's header array lives on the stack.
///
/// # Examples
///
/// ```
/// use vango::server::{Limits, MAX_HEADERS_CAP};
/// // The default leaves room: raise it up to the cap (above it, setting the limits panics).
/// let limits = Limits { max_headers: MAX_HEADERS_CAP, ..Limits::default() };
/// assert!(Limits::default().max_headers < limits.max_headers);
/// ```
pub const MAX_HEADERS_CAP: usize = 64;

impl Limits {
    /// Panics with the rule when a value cannot be served: a configuration mistake is
    /// better reported where the limits are set than silently lowered.
    pub(crate) fn assert_servable(&self) {
        assert!(
            (1..=MAX_HEADERS_CAP).contains(&self.max_headers),
            "Limits::max_headers is {}, but must be from 1 to MAX_HEADERS_CAP ({MAX_HEADERS_CAP}): \
             the parser's header array lives on the stack",
            self.max_headers
        );
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request_line: 8 * 1024,
            max_head: 16 * 1024,
            max_headers: 48,
            max_body: 64 * 1024,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(5),
            max_ws_message: 64 * 1024,
            max_connections_per_core: listen::fd_cap(listen::nofile(), 1, 1),
            max_connections_per_peer: 2048,
            ws_idle_timeout: Duration::from_secs(60),
            allowed_hosts: hosts::AllowedHosts::Default,
            public_metrics: false,
            trust_proxy: false,
            security_headers: SecurityHeaders::default(),
        }
    }
}
