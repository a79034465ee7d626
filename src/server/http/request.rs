//! Request head parsing on `httparse`: limits, framing rules (Content-Length only), typed errors.
//!
//! Pure functions over a byte buffer; `Incomplete` is a normal state, never an error.

use std::fmt;
use std::net::SocketAddr;

use super::super::Limits;

/// One parsed request, borrowing the connection's read buffer.
///
/// # Examples
///
/// ```
/// let mut headers = [httparse::EMPTY_HEADER; 8];
/// let raw = b"GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\n";
/// let limits = vango::server::Limits::default();
/// let parsed = vango::server::http::parse_request(raw, &mut headers, &limits);
/// let Ok(vango::server::http::Parsed::Complete(req, used)) = parsed else { panic!() };
/// assert_eq!((req.path(), req.query(), used), ("/a", "b=1", raw.len()));
/// ```
#[derive(Debug)]
pub struct Request<'a> {
    method: &'a str,
    target: &'a str,
    version: u8,
    headers: &'a [httparse::Header<'a>],
    body: &'a [u8],
    peer: Option<SocketAddr>,
}

impl<'a> Request<'a> {
    /// The method token, e.g. `GET`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 5\r\n\r\nhello";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert_eq!(req.method(), "POST");
    /// ```
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// `true` for `GET` and `HEAD` (HEAD is answered like GET, without the body).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert!(req.is_get_or_head());
    /// ```
    pub fn is_get_or_head(&self) -> bool {
        self.method == "GET" || self.method == "HEAD"
    }

    /// The request target as sent (origin form: path and query).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 5\r\n\r\nhello";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert_eq!(req.target(), "/a?b=1");
    /// ```
    pub fn target(&self) -> &'a str {
        self.target
    }

    /// The path part of the target (before `?`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 5\r\n\r\nhello";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert_eq!(req.path(), "/a");
    /// ```
    pub fn path(&self) -> &'a str {
        self.target.split_once('?').map_or(self.target, |(p, _)| p)
    }

    /// The query part of the target (after `?`), or `""`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 5\r\n\r\nhello";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert_eq!(req.query(), "b=1");
    /// ```
    pub fn query(&self) -> &'a str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// The peer's address (set by the connection; `None` for a request parsed elsewhere).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 5\r\n\r\nhello";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert_eq!(req.peer(), None);
    /// let req = req.with_peer("10.0.0.1:4000".parse().unwrap());
    /// assert_eq!(req.peer().map(|p| p.port()), Some(4000));
    /// ```
    pub fn peer(&self) -> Option<SocketAddr> {
        self.peer
    }

    /// The same request from `peer`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 5\r\n\r\nhello";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// let peer: std::net::SocketAddr = "10.0.0.1:4000".parse().unwrap();
    /// assert_eq!(req.with_peer(peer).peer(), Some(peer));
    /// ```
    pub fn with_peer(mut self, peer: SocketAddr) -> Self {
        self.peer = Some(peer);
        self
    }

    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"GET / HTTP/1.0\r\n\r\n";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert_eq!(req.version(), 0);
    /// ```
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The first header named `name` (ASCII case-insensitive).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 5\r\n\r\nhello";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert_eq!(req.header("HOST"), Some(&b"x"[..]));
    /// assert_eq!(req.header("cookie"), None);
    /// ```
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    }

    /// Every header as `(name, value)`, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 5\r\n\r\nhello";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// let names: Vec<&str> = req.headers().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["Host", "Connection", "Content-Length"]);
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a [u8])> + '_ {
        self.headers.iter().map(|h| (h.name, h.value))
    }

    /// `true` when some `name` header lists `token` (comma-separated, case-insensitive).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 5\r\n\r\nhello";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert!(req.header_has_token("connection", "upgrade"));
    /// assert!(!req.header_has_token("connection", "close"));
    /// ```
    pub fn header_has_token(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .any(|h| has_token(h.value, token))
    }

    /// The request body (empty without `Content-Length`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 5\r\n\r\nhello";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert_eq!(req.body(), b"hello");
    /// ```
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The scheme the client used: `"https"` when `trust_proxy` is set and the proxy's
    /// first `X-Forwarded-Proto` value says `https`, else `"http"` (the server itself
    /// speaks plain HTTP). Without `trust_proxy` the header is ignored: anyone can send it.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::http::request::{parse, Parsed};
    /// let raw = b"GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-Proto: HTTPS, http\r\n\r\n";
    /// let mut h = [httparse::EMPTY_HEADER; 8];
    /// let Ok(Parsed::Complete(req, _)) = parse(raw, &mut h, &Default::default()) else { panic!() };
    /// assert_eq!((req.scheme(true), req.scheme(false)), ("https", "http"));
    /// ```
    pub fn scheme(&self, trust_proxy: bool) -> &'static str {
        let proto = self.header("x-forwarded-proto").unwrap_or(b"");
        let first = proto
            .split(|&b| b == b',')
            .next()
            .unwrap_or(b"")
            .trim_ascii();
        if trust_proxy && first.eq_ignore_ascii_case(b"https") {
            "https"
        } else {
            "http"
        }
    }

    /// Whether the client wants the connection kept open after this request.
    ///
    /// # Examples
    ///
    /// ```
    /// # use vango::server::http::{parse_request, Parsed};
    /// # let mut h = [httparse::EMPTY_HEADER; 8];
    /// let raw = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    /// # let Ok(Parsed::Complete(req, _)) = parse_request(raw, &mut h, &Default::default()) else { panic!() };
    /// assert!(!req.keep_alive());
    /// ```
    pub fn keep_alive(&self) -> bool {
        if self.version >= 1 {
            !self.header_has_token("connection", "close")
        } else {
            self.header_has_token("connection", "keep-alive")
        }
    }
}

/// `true` when a comma-separated header value lists `token` (case-insensitive).
///
/// # Examples
///
/// ```
/// use vango::server::http::has_token;
/// assert!(has_token(b"gzip, br", "BR"));
/// assert!(!has_token(b"gzip, br", "deflate"));
/// ```
pub fn has_token(value: &[u8], token: &str) -> bool {
    value
        .split(|&b| b == b',')
        .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
}

/// Why a request head was refused; each maps to one status and closes the connection.
///
/// # Examples
///
/// ```
/// use vango::server::http::{parse_request, HeadError};
/// let raw = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
/// let mut h = [httparse::EMPTY_HEADER; 8];
/// let err = parse_request(raw, &mut h, &Default::default()).unwrap_err();
/// assert_eq!(err, HeadError::LengthRequired);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadError {
    /// Not HTTP/1.x, bad syntax, bad `Content-Length`, missing `Host`: 400.
    Malformed,
    /// Both `Transfer-Encoding` and `Content-Length` (request smuggling risk): 400.
    Ambiguous,
    /// `Transfer-Encoding: chunked` request body: 411 (send a `Content-Length`).
    LengthRequired,
    /// Another transfer coding: 501.
    NotImplemented,
    /// `Content-Length` above the limit: 413.
    BodyTooLarge,
    /// Request line above the limit: 414.
    UriTooLong,
    /// Head bytes or header count above the limit: 431.
    HeadTooLarge,
}

impl HeadError {
    /// The status this error is answered with.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::http::HeadError;
    /// assert_eq!(HeadError::UriTooLong.status(), 414);
    /// assert_eq!(HeadError::HeadTooLarge.status(), 431);
    /// ```
    pub fn status(self) -> u16 {
        match self {
            HeadError::Malformed | HeadError::Ambiguous => 400,
            HeadError::LengthRequired => 411,
            HeadError::NotImplemented => 501,
            HeadError::BodyTooLarge => 413,
            HeadError::UriTooLong => 414,
            HeadError::HeadTooLarge => 431,
        }
    }
}

impl fmt::Display for HeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HeadError::Malformed => "malformed request",
            HeadError::Ambiguous => "both Transfer-Encoding and Content-Length",
            HeadError::LengthRequired => {
                "chunked request bodies are not supported; send Content-Length"
            }
            HeadError::NotImplemented => "transfer coding not supported",
            HeadError::BodyTooLarge => "request body too large",
            HeadError::UriTooLong => "request line too long",
            HeadError::HeadTooLarge => "request header fields too large",
        })
    }
}

impl std::error::Error for HeadError {}

/// What the buffer holds so far.
///
/// # Examples
///
/// ```
/// use vango::server::http::{parse_request, Parsed};
/// let raw = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhal";
/// let mut h = [httparse::EMPTY_HEADER; 8];
/// let parsed = parse_request(raw, &mut h, &Default::default()).unwrap();
/// // The head is here; the whole request needs head plus ten body bytes.
/// assert!(matches!(parsed, Parsed::Partial(Some(n)) if n == raw.len() + 7));
/// ```
#[derive(Debug)]
pub enum Parsed<'a> {
    /// A whole request and the bytes it used (head plus body).
    Complete(Request<'a>, usize),
    /// The head or the body is not all here yet; `Some(n)`: the request needs `n` bytes.
    Partial(Option<usize>),
}

/// Parses one request from the start of `buf`. `Ok(Parsed::Partial)` asks for more bytes.
///
/// # Examples
///
/// ```
/// use vango::server::http::{parse_request, Parsed};
/// use vango::server::Limits;
/// let raw = b"GET /x HTTP/1.1\r\nHost: a\r\n\r\nGET /y";
/// let mut h = [httparse::EMPTY_HEADER; 8];
/// let Ok(Parsed::Complete(req, used)) = parse_request(raw, &mut h, &Limits::default()) else {
///     panic!("one whole request is buffered");
/// };
/// // A pipelined second request starts at `used`.
/// assert_eq!((req.path(), &raw[used..]), ("/x", &b"GET /y"[..]));
/// ```
pub fn parse<'a>(
    buf: &'a [u8],
    headers: &'a mut [httparse::Header<'a>],
    limits: &Limits,
) -> Result<Parsed<'a>, HeadError> {
    // The request line is bounded on its own, before httparse sees a huge target.
    let line_end = buf
        .iter()
        .take(limits.max_request_line + 2)
        .position(|&b| b == b'\n');
    match line_end {
        None if buf.len() > limits.max_request_line + 1 => return Err(HeadError::UriTooLong),
        Some(p) if p > limits.max_request_line + 1 => return Err(HeadError::UriTooLong),
        _ => {}
    }
    let mut req = httparse::Request::new(headers);
    let head_len = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            return if buf.len() > limits.max_head {
                Err(HeadError::HeadTooLarge)
            } else {
                Ok(Parsed::Partial(None))
            };
        }
        Err(httparse::Error::TooManyHeaders) => return Err(HeadError::HeadTooLarge),
        Err(_) => return Err(HeadError::Malformed),
    };
    if head_len > limits.max_head {
        return Err(HeadError::HeadTooLarge);
    }
    let (Some(method), Some(target), Some(version)) = (req.method, req.path, req.version) else {
        return Err(HeadError::Malformed);
    };
    let origin_form = target.starts_with('/') || (target == "*" && method == "OPTIONS");
    if !origin_form {
        return Err(HeadError::Malformed);
    }
    let headers: &'a [httparse::Header<'a>] = req.headers;
    let body_len = framing(headers, version, limits)?;
    let total = head_len + body_len;
    if buf.len() < total {
        return Ok(Parsed::Partial(Some(total)));
    }
    let body = &buf[head_len..total];
    Ok(Parsed::Complete(
        Request {
            method,
            target,
            version,
            headers,
            body,
            peer: None,
        },
        total,
    ))
}

/// Checks framing headers and returns the body length.
fn framing(
    headers: &[httparse::Header<'_>],
    version: u8,
    limits: &Limits,
) -> Result<usize, HeadError> {
    let mut len: Option<u64> = None;
    let mut te: Option<&[u8]> = None;
    let mut hosts = 0;
    for h in headers {
        if h.name.eq_ignore_ascii_case("content-length") {
            let v = h.value.trim_ascii();
            if v.is_empty() || v.len() > 19 || !v.iter().all(u8::is_ascii_digit) {
                return Err(HeadError::Malformed);
            }
            let n = v.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
            if len.is_some_and(|l| l != n) {
                return Err(HeadError::Malformed);
            }
            len = Some(n);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            te = Some(h.value);
        } else if h.name.eq_ignore_ascii_case("host") {
            hosts += 1;
        }
    }
    if hosts > 1 || (version >= 1 && hosts == 0) {
        return Err(HeadError::Malformed);
    }
    if let Some(te) = te {
        if len.is_some() {
            return Err(HeadError::Ambiguous);
        }
        let last = te.rsplit(|&b| b == b',').next().unwrap_or(b"").trim_ascii();
        return Err(if last.eq_ignore_ascii_case(b"chunked") {
            HeadError::LengthRequired
        } else {
            HeadError::NotImplemented
        });
    }
    match len {
        Some(n) if n > limits.max_body as u64 => Err(HeadError::BodyTooLarge),
        Some(n) => Ok(n as usize),
        None => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_of(raw: &[u8]) -> Result<Option<usize>, u16> {
        let mut h = [httparse::EMPTY_HEADER; 16];
        match parse(raw, &mut h, &Limits::default()) {
            Ok(Parsed::Complete(_, n)) => Ok(Some(n)),
            Ok(Parsed::Partial(_)) => Ok(None),
            Err(e) => Err(e.status()),
        }
    }

    #[test]
    fn framing_rules() {
        assert_eq!(
            status_of(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
            Ok(Some(27))
        );
        assert_eq!(status_of(b"GET / HTTP/1.1\r\nHost: a\r\n"), Ok(None));
        assert_eq!(
            status_of(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nab"),
            Ok(None)
        );
        assert_eq!(status_of(b"GET / HTTP/1.1\r\n\r\n"), Err(400));
        assert_eq!(status_of(b"GET / HTTP/1.0\r\n\r\n"), Ok(Some(18)));
        assert_eq!(
            status_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Err(411)
        );
        assert_eq!(
            status_of(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"),
            Err(501)
        );
        assert_eq!(
            status_of(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            status_of(
                b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"
            ),
            Err(400)
        );
        assert_eq!(
            status_of(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"),
            Err(400)
        );
        assert_eq!(
            status_of(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n"),
            Err(413)
        );
        assert_eq!(
            status_of(b"GET http://x/ HTTP/1.1\r\nHost: a\r\n\r\n"),
            Err(400)
        );
    }

    #[test]
    fn request_line_and_head_limits() {
        let mut long = b"GET /".to_vec();
        long.extend(std::iter::repeat_n(b'a', 9000));
        assert_eq!(status_of(&long), Err(414));
        let mut big = b"GET / HTTP/1.1\r\nHost: a\r\n".to_vec();
        for i in 0..2000 {
            big.extend(format!("X-{i}: vvvvvvvv\r\n").as_bytes());
        }
        assert_eq!(status_of(&big), Err(431));
        let mut many = b"GET / HTTP/1.1\r\nHost: a\r\n".to_vec();
        for i in 0..20 {
            many.extend(format!("X-{i}: v\r\n").as_bytes());
        }
        many.extend(b"\r\n");
        assert_eq!(status_of(&many), Err(431));
    }

    #[test]
    fn tokens_and_keep_alive() {
        assert!(has_token(b"keep-alive, Upgrade", "upgrade"));
        assert!(!has_token(b"upgrades", "upgrade"));
        let mut h = [httparse::EMPTY_HEADER; 4];
        let raw = b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
        let Ok(Parsed::Complete(r, _)) = parse(raw, &mut h, &Limits::default()) else {
            panic!()
        };
        assert!(r.keep_alive());
    }
}
