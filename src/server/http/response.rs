//! Responses and their HTTP/1.1 serialization into the connection's output buffer.
//!
//! Pure: builds bytes, does no I/O.

use std::borrow::Cow;
use std::io::Write as _;

/// A response a route or the framework returns.
///
/// # Examples
///
/// ```
/// use vango::server::Response;
/// let r = Response::new(200).header("Content-Type", "text/plain").body(b"hi".to_vec());
/// assert_eq!((r.status(), r.body_bytes()), (200, &b"hi"[..]));
/// ```
#[derive(Clone, Debug)]
pub struct Response {
    status: u16,
    headers: Vec<(&'static str, Cow<'static, str>)>,
    body: Body,
    close: bool,
    /// The CSP nonce the page's scripts carry (see [`SecurityHeaders::csp_for`]).
    ///
    /// [`SecurityHeaders::csp_for`]: crate::server::SecurityHeaders::csp_for
    nonce: Option<Box<str>>,
}

#[derive(Clone, Debug)]
enum Body {
    Static(&'static [u8]),
    Owned(Vec<u8>),
    /// Bytes loaded once and answered many times (an asset read at startup).
    Shared(std::sync::Arc<[u8]>),
}

impl Response {
    /// An empty response with `status`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// let r = Response::new(204);
    /// assert_eq!((r.status(), r.body_bytes()), (204, &b""[..]));
    /// ```
    pub fn new(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Body::Static(b""),
            close: false,
            nonce: None,
        }
    }

    /// A `text/plain` response whose body is the status's reason phrase.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// let r = Response::error(404);
    /// assert_eq!(r.body_bytes(), b"Not Found");
    /// assert_eq!(r.header_value("content-type"), Some("text/plain; charset=utf-8"));
    /// ```
    pub fn error(status: u16) -> Self {
        Self::new(status)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body_static(reason(status).as_bytes())
    }

    /// A `text/html` page.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// let r = Response::html(b"<p>hi</p>".to_vec());
    /// assert_eq!(r.status(), 200);
    /// assert_eq!(r.header_value("Content-Type"), Some("text/html; charset=utf-8"));
    /// ```
    pub fn html(body: Vec<u8>) -> Self {
        Self::new(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .body(body)
    }

    /// Adds the configured security headers the response does not already carry.
    pub(crate) fn secure(mut self, h: &crate::server::SecurityHeaders) -> Self {
        let html = self
            .header_value("content-type")
            .is_some_and(|t| t.starts_with("text/html"));
        let csp = if html {
            h.csp_for(self.nonce.as_deref())
        } else {
            None
        };
        let mut add = |name: &'static str, value: Option<&String>| {
            if let Some(v) = value {
                if self.header_value(name).is_none() {
                    self.headers.push((name, Cow::Owned(v.clone())));
                }
            }
        };
        if html {
            add("Content-Security-Policy", csp.as_ref());
            add("Referrer-Policy", h.referrer_policy.as_ref());
            add("X-Frame-Options", h.frame_options.as_ref());
        }
        if h.nosniff && self.header_value("x-content-type-options").is_none() {
            self.headers
                .push(("X-Content-Type-Options", Cow::Borrowed("nosniff")));
        }
        self
    }

    /// Names the nonce this HTML page's `<script>` tags carry, for the `'nonce-…'` source of
    /// the configured CSP (without one, the CSP's nonce sources are left out).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// let r = Response::new(200).nonce("abc").header("Content-Type", "text/html");
    /// assert_eq!(r.status(), 200);
    /// ```
    pub fn nonce(mut self, nonce: &str) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Adds a header. `Content-Length` and `Connection` are written by the server.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// let r = Response::new(302).header("Location", "/login");
    /// assert_eq!(r.header_value("location"), Some("/login"));
    /// ```
    pub fn header(mut self, name: &'static str, value: impl Into<Cow<'static, str>>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets a header, replacing those of the same name (ASCII case-insensitive).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// let r = Response::new(200).header("Cache-Control", "no-store").set_header("cache-control", "private");
    /// assert_eq!(r.header_value("Cache-Control"), Some("private"));
    /// ```
    pub fn set_header(mut self, name: &'static str, value: impl Into<Cow<'static, str>>) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.header(name, value)
    }

    /// Sets an owned body.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// let r = Response::new(200).body(format!("{} items", 3).into_bytes());
    /// assert_eq!(r.body_bytes(), b"3 items");
    /// ```
    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = Body::Owned(body);
        self
    }

    /// Sets a static body (no copy until it is written).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// let r = Response::new(200).body_static(b"pong");
    /// assert_eq!(r.body_bytes(), b"pong");
    /// ```
    pub fn body_static(mut self, body: &'static [u8]) -> Self {
        self.body = Body::Static(body);
        self
    }

    /// Sets a shared body (a reference count, no copy until it is written).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::server::Response;
    /// let bytes: Arc<[u8]> = Arc::from(&b"body { margin: 0 }"[..]);
    /// let r = Response::new(200).body_shared(bytes.clone());
    /// assert_eq!(r.body_bytes(), &*bytes);
    /// ```
    pub fn body_shared(mut self, body: std::sync::Arc<[u8]>) -> Self {
        self.body = Body::Shared(body);
        self
    }

    /// Asks the server to close the connection after this response.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// let r = Response::error(400).close();
    /// let mut out = Vec::new();
    /// // The server passes the response's wish on as `close` when it writes it.
    /// r.write_to(&mut out, false, true);
    /// assert!(String::from_utf8(out).unwrap().contains("Connection: close\r\n"));
    /// ```
    pub fn close(mut self) -> Self {
        self.close = true;
        self
    }

    /// The status code.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// assert_eq!(Response::error(503).status(), 503);
    /// ```
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// assert_eq!(Response::error(405).body_bytes(), b"Method Not Allowed");
    /// ```
    pub fn body_bytes(&self) -> &[u8] {
        match &self.body {
            Body::Static(b) => b,
            Body::Owned(b) => b,
            Body::Shared(b) => b,
        }
    }

    /// The first header value named `name` (ASCII case-insensitive).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// let r = Response::new(200).header("ETag", "\"v1\"");
    /// assert_eq!(r.header_value("etag"), Some("\"v1\""));
    /// assert_eq!(r.header_value("Vary"), None);
    /// ```
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| &**v)
    }

    pub(crate) fn wants_close(&self) -> bool {
        self.close
    }

    /// Appends the response to `out`; `head_only` (HEAD) omits the body but keeps its length.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::Response;
    /// let mut out = Vec::new();
    /// Response::new(200).header("X-A", "1").body(b"hi".to_vec()).write_to(&mut out, false, false);
    /// assert_eq!(out, b"HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nhi");
    /// ```
    pub fn write_to(&self, out: &mut Vec<u8>, head_only: bool, close: bool) {
        let _ = write!(out, "HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (n, v) in &self.headers {
            out.extend_from_slice(n.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(v.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        let body = self.body_bytes();
        // 1xx, 204 and 304 carry no body and no Content-Length.
        let bodiless = self.status < 200 || self.status == 204 || self.status == 304;
        if !bodiless {
            let _ = write!(out, "Content-Length: {}\r\n", body.len());
        }
        if close {
            out.extend_from_slice(b"Connection: close\r\n");
        }
        out.extend_from_slice(b"\r\n");
        if !head_only && !bodiless {
            out.extend_from_slice(body);
        }
    }
}

/// What a [`Service`](crate::server::Service) answers a request with: a response now, or
/// one the connection awaits (on its core, without blocking other connections) before it
/// answers the requests pipelined after it.
///
/// # Examples
///
/// ```
/// use vango::server::{Answer, Response};
/// let later = Answer::Later(Box::pin(async { Response::new(204) }));
/// assert!(matches!(later, Answer::Later(_)));
/// assert!(matches!(Answer::from(Response::new(200)), Answer::Now(_)));
/// ```
pub enum Answer {
    /// This response.
    Now(Response),
    /// The response this future resolves to.
    Later(std::pin::Pin<Box<dyn std::future::Future<Output = Response>>>),
}

impl From<Response> for Answer {
    fn from(r: Response) -> Self {
        Answer::Now(r)
    }
}

/// The reason phrase for the statuses this server sends.
///
/// # Examples
///
/// ```
/// use vango::server::http::reason;
/// assert_eq!(reason(429), "Too Many Requests");
/// ```
pub fn reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_head_and_body() {
        let mut out = Vec::new();
        Response::new(200)
            .header("X-A", "b")
            .body_static(b"abc")
            .write_to(&mut out, false, true);
        assert_eq!(
            out,
            b"HTTP/1.1 200 OK\r\nX-A: b\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
        );
        out.clear();
        Response::new(200)
            .body_static(b"abc")
            .write_to(&mut out, true, false);
        assert_eq!(out, b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
        out.clear();
        Response::new(304)
            .body_static(b"abc")
            .write_to(&mut out, false, false);
        assert_eq!(out, b"HTTP/1.1 304 Not Modified\r\n\r\n");
    }
}
