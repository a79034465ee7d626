//! Typed decode errors and their mapping to the close codes of `PROTOCOL.md`.
//!
//! Touches nothing else.

use std::fmt;

/// Close and error codes carried by Close, Reject and Error frames (`PROTOCOL.md`).
pub mod close {
    /// Normal closure.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, decode_client, ClientFrame};
    /// let bye = ClientFrame::Close { code: close::NORMAL, reason: "tab closed".into() };
    /// let mut out = Vec::new();
    /// bye.encode(&mut out);
    /// assert_eq!(decode_client(&out), Ok(bye));
    /// assert_eq!(close::WS_BASE + u16::from(close::NORMAL), 4000);
    /// ```
    pub const NORMAL: u8 = 0;
    /// Protocol version not supported.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Close { code: close::VERSION, reason: "upgrade".into() }.encode(&mut out);
    /// assert_eq!(out[1], close::VERSION);
    /// ```
    pub const VERSION: u8 = 1;
    /// Malformed frame.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, decode_client};
    /// let err = decode_client(&[0x02]).unwrap_err();
    /// assert_eq!(err.close_code(), close::MALFORMED);
    /// ```
    pub const MALFORMED: u8 = 2;
    /// Frame or string too large.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, decode_client, MAX_CLIENT_FRAME};
    /// let huge = vec![0u8; MAX_CLIENT_FRAME + 1];
    /// assert_eq!(decode_client(&huge).unwrap_err().close_code(), close::TOO_LARGE);
    /// ```
    pub const TOO_LARGE: u8 = 3;
    /// Bad CSRF token or Origin.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Close { code: close::FORBIDDEN, reason: "bad csrf".into() }.encode(&mut out);
    /// assert_eq!(out[1], close::FORBIDDEN);
    /// ```
    pub const FORBIDDEN: u8 = 4;
    /// Rate limit exceeded.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Close { code: close::RATE_LIMIT, reason: "slow down".into() }.encode(&mut out);
    /// assert_eq!(out[1], close::RATE_LIMIT);
    /// ```
    pub const RATE_LIMIT: u8 = 5;
    /// Server at capacity.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Close { code: close::CAPACITY, reason: "full".into() }.encode(&mut out);
    /// assert_eq!(out[1], close::CAPACITY);
    /// ```
    pub const CAPACITY: u8 = 6;
    /// Session evicted or expired.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Error { code: close::EXPIRED, message: "expired".into() }.encode(&mut out);
    /// assert_eq!(out[1], close::EXPIRED);
    /// ```
    pub const EXPIRED: u8 = 7;
    /// A handler or render panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Error { code: close::PANIC, message: "panic".into() }.encode(&mut out);
    /// assert_eq!(out[1], close::PANIC);
    /// ```
    pub const PANIC: u8 = 8;
    /// Server shutting down.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::close;
    /// assert_eq!(close::WS_BASE + u16::from(close::SHUTDOWN), 4009);
    /// ```
    pub const SHUTDOWN: u8 = 9;
    /// Unknown hid or event.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, decode_client};
    /// // An Event frame (seq 1, hid 7) whose event code 0xEE names no event.
    /// let err = decode_client(&[0x02, 1, 7, 0xEE]).unwrap_err();
    /// assert_eq!(err.close_code(), close::UNKNOWN_TARGET);
    /// ```
    pub const UNKNOWN_TARGET: u8 = 10;
    /// The application refused the event (a handler called `reject()`); Reject only.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, decode_server, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Reject { seq: 4, code: close::REJECTED }.encode(&mut out);
    /// assert_eq!(decode_server(&out), Ok(ServerFrame::Reject { seq: 4, code: 11 }));
    /// ```
    pub const REJECTED: u8 = 11;
    /// A new session would not fit the server's memory budget (every session held is
    /// attached); the client retries later as after any close.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{close, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Close { code: close::MEMORY, reason: "busy".into() }.encode(&mut out);
    /// assert_eq!(out[1], close::MEMORY);
    /// ```
    pub const MEMORY: u8 = 12;

    /// The WebSocket close code that follows a Close frame is `WS_BASE + code`: RFC 6455
    /// leaves 4000–4999 to applications.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::close;
    /// let ws_code = close::WS_BASE + u16::from(close::EXPIRED);
    /// assert_eq!(ws_code, 4007);
    /// ```
    pub const WS_BASE: u16 = 4000;
}

/// Why a frame could not be decoded.
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_server, DecodeError};
/// assert_eq!(decode_server(&[]), Err(DecodeError::Truncated));
/// assert_eq!(decode_server(&[0x83, 1, 0]), Err(DecodeError::Trailing));
/// assert_eq!(DecodeError::Trailing.to_string(), "trailing bytes after frame");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DecodeError {
    /// The frame ended in the middle of a field (or is empty).
    Truncated,
    /// A varint used more bytes than needed (non-minimal) or than its type allows.
    Overlong,
    /// A varint's value does not fit its field's type.
    Overflow,
    /// A frame or string is longer than its limit.
    TooLarge {
        /// What was too large (`"frame"`, `"string"`).
        what: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// A string is not valid UTF-8.
    BadUtf8,
    /// The frame type byte is not one this decoder knows.
    UnknownFrame(u8),
    /// The event code is neither in `EVENTS` nor a hook/navigation code.
    UnknownEvent(u8),
    /// The patch operation code is not in the patch set.
    UnknownOp(u8),
    /// A count is larger than its limit.
    TooMany {
        /// What was counted (`"form fields"`, `"ops"`).
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A byte that must be one of a few values (a flag, a status) is something else.
    Invalid(&'static str),
    /// Bytes follow the end of the frame.
    Trailing,
}

impl DecodeError {
    /// The close code a server (or client) sends when it rejects a frame for this reason.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{decode_client, DecodeError, close};
    /// assert_eq!(decode_client(&[0x7f]), Err(DecodeError::UnknownFrame(0x7f)));
    /// assert_eq!(DecodeError::UnknownFrame(0x7f).close_code(), close::MALFORMED);
    /// ```
    pub fn close_code(&self) -> u8 {
        match self {
            DecodeError::TooLarge { .. } | DecodeError::TooMany { .. } => close::TOO_LARGE,
            DecodeError::UnknownEvent(_) => close::UNKNOWN_TARGET,
            _ => close::MALFORMED,
        }
    }

    /// The variant's name, as used by the `"error"` field of the shared test vectors.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::DecodeError;
    /// assert_eq!(DecodeError::UnknownOp(0x7f).kind(), "UnknownOp");
    /// assert_eq!(DecodeError::TooMany { what: "ops", limit: 1 }.kind(), "TooMany");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            DecodeError::Truncated => "Truncated",
            DecodeError::Overlong => "Overlong",
            DecodeError::Overflow => "Overflow",
            DecodeError::TooLarge { .. } => "TooLarge",
            DecodeError::BadUtf8 => "BadUtf8",
            DecodeError::UnknownFrame(_) => "UnknownFrame",
            DecodeError::UnknownEvent(_) => "UnknownEvent",
            DecodeError::UnknownOp(_) => "UnknownOp",
            DecodeError::TooMany { .. } => "TooMany",
            DecodeError::Invalid(_) => "Invalid",
            DecodeError::Trailing => "Trailing",
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated => f.write_str("frame truncated"),
            DecodeError::Overlong => f.write_str("overlong or non-minimal varint"),
            DecodeError::Overflow => f.write_str("varint overflows its field"),
            DecodeError::TooLarge { what, limit } => {
                write!(f, "{what} larger than {limit} bytes")
            }
            DecodeError::BadUtf8 => f.write_str("string is not valid UTF-8"),
            DecodeError::UnknownFrame(t) => write!(f, "unknown frame type 0x{t:02x}"),
            DecodeError::UnknownEvent(c) => write!(f, "unknown event code 0x{c:02x}"),
            DecodeError::UnknownOp(c) => write!(f, "unknown patch op 0x{c:02x}"),
            DecodeError::TooMany { what, limit } => write!(f, "more than {limit} {what}"),
            DecodeError::Invalid(what) => write!(f, "invalid {what}"),
            DecodeError::Trailing => f.write_str("trailing bytes after frame"),
        }
    }
}

impl std::error::Error for DecodeError {}
