//! The binary wire protocol (`PROTOCOL.md`, version 3): varints, frames in both
//! directions, the patch encoder, limits and typed decode errors.
//!
//! Touches `vdom` (events and patches are its types) and `render` (subtree HTML); no I/O.
//! One role per file: [`varint`], [`codec`] (reader, strings), [`client`] (client →
//! server frames), [`server`] (server → client frames, op codes, decoder), `ops` (the one
//! writer per patch op), [`patch`] (the hot-path encoder), [`error`].

pub mod client;
pub mod codec;
pub mod error;
mod ops;
pub mod patch;
pub mod server;
pub mod upload;
pub mod varint;

pub use client::{
    decode_client, encode_event, ClientFrame, HOOK_CODE, NAVIGATE_CODE, PREFETCH_CODE,
};
pub use codec::{put_str, Reader};
pub use error::{close, DecodeError};
pub use patch::PatchEncoder;
pub use server::{decode_server, encode_seq, HelloStatus, Op, ServerFrame};

/// Protocol version this build speaks.
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_client, ClientFrame, VERSION};
/// let mut out = Vec::new();
/// ClientFrame::Hello {
///     version: VERSION,
///     csrf: String::new(),
///     session: String::new(),
///     last_patch_seq: 0,
///     last_event_seq: 0,
///     render_hash: 0,
///     path: "/".into(),
/// }
/// .encode(&mut out);
/// assert_eq!(out[1], VERSION);
/// ```
pub const VERSION: u8 = 3;
/// Largest client → server frame, in bytes.
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_client, DecodeError, MAX_CLIENT_FRAME};
/// let err = decode_client(&vec![0x03; MAX_CLIENT_FRAME + 1]);
/// assert_eq!(err, Err(DecodeError::TooLarge { what: "frame", limit: MAX_CLIENT_FRAME }));
/// ```
pub const MAX_CLIENT_FRAME: usize = 64 * 1024;
/// Largest server → client frame, in bytes.
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_server, DecodeError, MAX_SERVER_FRAME};
/// let err = decode_server(&vec![0x83; MAX_SERVER_FRAME + 1]);
/// assert_eq!(err, Err(DecodeError::TooLarge { what: "frame", limit: MAX_SERVER_FRAME }));
/// ```
pub const MAX_SERVER_FRAME: usize = 16 * 1024 * 1024;
/// Largest string in a client → server frame, in bytes.
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_client, put_str, DecodeError, MAX_CLIENT_STR};
/// // A client Close frame (code 0) whose reason is one byte too long.
/// let mut frame = vec![0x06, 0];
/// put_str(&mut frame, &"x".repeat(MAX_CLIENT_STR + 1));
/// let limit = MAX_CLIENT_STR;
/// assert_eq!(decode_client(&frame), Err(DecodeError::TooLarge { what: "string", limit }));
/// ```
pub const MAX_CLIENT_STR: usize = 16 * 1024;
/// Most form fields in one submit event.
///
/// # Examples
///
/// ```
/// use vango::protocol::{encode_event, decode_client, DecodeError, MAX_FORM_FIELDS};
/// use vango::vdom::{Event, EventData};
/// let fields = vec![(String::from("f"), String::new()); MAX_FORM_FIELDS + 1];
/// let event = Event { hid: 1, name: "submit", data: EventData::Form(fields) };
/// let mut out = Vec::new();
/// encode_event(&mut out, 1, &event);
/// let limit = MAX_FORM_FIELDS;
/// assert_eq!(decode_client(&out), Err(DecodeError::TooMany { what: "form fields", limit }));
/// ```
pub const MAX_FORM_FIELDS: usize = 256;
/// Most patch operations in one Patches frame.
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_server, DecodeError, MAX_OPS};
/// // A Patches frame (seq 1, ack 0) that claims MAX_OPS + 1 ops.
/// let mut frame = vec![0x82, 1, 0];
/// vango::protocol::varint::put_u64(&mut frame, MAX_OPS as u64 + 1);
/// let err = decode_server(&frame);
/// assert_eq!(err, Err(DecodeError::TooMany { what: "ops", limit: MAX_OPS }));
/// ```
pub const MAX_OPS: usize = 100_000;
