//! The binary wire protocol (`PROTOCOL.md`, version 1): varints, frames in both
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
pub const VERSION: u8 = 2;
/// Largest client → server frame, in bytes.
pub const MAX_CLIENT_FRAME: usize = 64 * 1024;
/// Largest server → client frame, in bytes.
pub const MAX_SERVER_FRAME: usize = 16 * 1024 * 1024;
/// Largest string in a client → server frame, in bytes.
pub const MAX_CLIENT_STR: usize = 16 * 1024;
/// Most form fields in one submit event.
pub const MAX_FORM_FIELDS: usize = 256;
/// Most patch operations in one Patches frame.
pub const MAX_OPS: usize = 100_000;
