//! The Upload client frame (`0x07`, PROTOCOL.md "Uploads"): a file input announcing its
//! files, a chunk of one file's bytes, or a cancel. Its decoder borrows the chunk's bytes
//! from the frame (no copy) and never panics.
//!
//! Touches only [`codec`](super::codec) and [`DecodeError`].

use super::codec::{put_str, Reader};
use super::error::DecodeError;
use super::varint;
use super::{MAX_CLIENT_FRAME, MAX_CLIENT_STR};

/// The frame type byte of an Upload frame.
///
/// # Examples
///
/// ```
/// use vango::protocol::upload::{UploadFrame, UPLOAD};
/// let mut out = Vec::new();
/// UploadFrame::Cancel { key: 1, xfer: 2 }.encode(&mut out);
/// assert_eq!(out, [UPLOAD, 2, 1, 2]);
/// ```
pub const UPLOAD: u8 = 0x07;
/// Most files one Begin may announce.
///
/// # Examples
///
/// ```
/// use vango::protocol::upload::{decode_upload, FileMeta, UploadFrame, MAX_UPLOAD_FILES};
/// use vango::protocol::DecodeError;
/// let file = FileMeta { name: "a".into(), size: 1, content_type: String::new() };
/// let files = vec![file; MAX_UPLOAD_FILES + 1];
/// let mut out = Vec::new();
/// UploadFrame::Begin { key: 1, xfer: 1, files }.encode(&mut out);
/// let limit = MAX_UPLOAD_FILES;
/// assert_eq!(decode_upload(&out), Err(DecodeError::TooMany { what: "files", limit }));
/// ```
pub const MAX_UPLOAD_FILES: usize = 256;

/// One file as its input announced it (before any byte is sent).
///
/// # Examples
///
/// ```
/// use vango::protocol::upload::{decode_upload, FileMeta, UploadFrame};
/// let photo = FileMeta { name: "cat.png".into(), size: 2048, content_type: "image/png".into() };
/// let begin = UploadFrame::Begin { key: 1, xfer: 1, files: vec![photo] };
/// let mut out = Vec::new();
/// begin.encode(&mut out);
/// assert_eq!(decode_upload(&out), Ok(begin));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMeta {
    /// The file's name (no path), as the browser gives it.
    pub name: String,
    /// Its declared size in bytes.
    pub size: u64,
    /// Its declared MIME type (empty when the browser does not know it).
    pub content_type: String,
}

/// A decoded Upload frame.
///
/// # Examples
///
/// ```
/// use vango::protocol::upload::{decode_upload, UploadFrame};
/// let Ok(UploadFrame::Chunk { offset, data, .. }) = decode_upload(&[0x07, 1, 1, 2, 0, 5, 7])
/// else { panic!() };
/// assert_eq!((offset, data), (5, &[7u8][..]));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadFrame<'a> {
    /// The input `key` starts transfer `xfer` of these files (a newer transfer of the same
    /// input replaces an older one).
    Begin {
        /// The upload's key (the input's `data-upload`).
        key: u32,
        /// The client's number for this transfer.
        xfer: u32,
        /// The files, in order.
        files: Vec<FileMeta>,
    },
    /// Bytes `offset..offset + data.len()` of file `file` of transfer `xfer`.
    Chunk {
        /// The upload's key.
        key: u32,
        /// The transfer.
        xfer: u32,
        /// The file's index in the Begin.
        file: u32,
        /// Where `data` starts in the file.
        offset: u64,
        /// The bytes (the rest of the frame, at least one).
        data: &'a [u8],
    },
    /// The client gives up transfer `xfer` (its input went away).
    Cancel {
        /// The upload's key.
        key: u32,
        /// The transfer.
        xfer: u32,
    },
}

/// Decodes an Upload frame (type byte included).
///
/// # Examples
///
/// ```
/// use vango::protocol::upload::{decode_upload, UploadFrame};
/// let f = UploadFrame::Chunk { key: 1, xfer: 2, file: 0, offset: 5, data: b"hi" };
/// let mut out = Vec::new();
/// f.encode(&mut out);
/// assert_eq!(out, [0x07, 1, 1, 2, 0, 5, b'h', b'i']);
/// assert_eq!(decode_upload(&out), Ok(f));
/// ```
pub fn decode_upload(bytes: &[u8]) -> Result<UploadFrame<'_>, DecodeError> {
    if bytes.len() > MAX_CLIENT_FRAME {
        return Err(DecodeError::TooLarge {
            what: "frame",
            limit: MAX_CLIENT_FRAME,
        });
    }
    let mut r = Reader::new(bytes);
    match r.u8()? {
        UPLOAD => {}
        t => return Err(DecodeError::UnknownFrame(t)),
    }
    let kind = r.u8()?;
    let key = r.u32()?;
    let xfer = r.u32()?;
    let f = match kind {
        0 => {
            // name (≥ 1 byte), size (≥ 1), type (≥ 1).
            let n = r.count("files", MAX_UPLOAD_FILES, 3)?;
            let mut files = Vec::with_capacity(n);
            for _ in 0..n {
                let name = r.string(MAX_CLIENT_STR)?;
                let size = r.u64()?;
                let content_type = r.string(MAX_CLIENT_STR)?;
                files.push(FileMeta {
                    name,
                    size,
                    content_type,
                });
            }
            UploadFrame::Begin { key, xfer, files }
        }
        1 => {
            let file = r.u32()?;
            let offset = r.u64()?;
            let at = bytes.len() - r.remaining();
            let data = &bytes[at..];
            if data.is_empty() {
                return Err(DecodeError::Truncated);
            }
            if offset.checked_add(data.len() as u64).is_none() {
                return Err(DecodeError::Overflow);
            }
            return Ok(UploadFrame::Chunk {
                key,
                xfer,
                file,
                offset,
                data,
            });
        }
        2 => UploadFrame::Cancel { key, xfer },
        _ => return Err(DecodeError::Invalid("upload kind")),
    };
    r.finish()?;
    Ok(f)
}

impl UploadFrame<'_> {
    /// Appends the frame's bytes (type byte included).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::upload::UploadFrame;
    /// let mut out = Vec::new();
    /// UploadFrame::Chunk { key: 1, xfer: 2, file: 0, offset: 0, data: b"abc" }.encode(&mut out);
    /// assert_eq!(out, [0x07, 1, 1, 2, 0, 0, b'a', b'b', b'c']);
    /// ```
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(UPLOAD);
        match self {
            UploadFrame::Begin { key, xfer, files } => {
                out.push(0);
                varint::put_u32(out, *key);
                varint::put_u32(out, *xfer);
                varint::put_u32(out, files.len() as u32);
                for f in files {
                    put_str(out, &f.name);
                    varint::put_u64(out, f.size);
                    put_str(out, &f.content_type);
                }
            }
            UploadFrame::Chunk {
                key,
                xfer,
                file,
                offset,
                data,
            } => {
                out.push(1);
                varint::put_u32(out, *key);
                varint::put_u32(out, *xfer);
                varint::put_u32(out, *file);
                varint::put_u64(out, *offset);
                out.extend_from_slice(data);
            }
            UploadFrame::Cancel { key, xfer } => {
                out.push(2);
                varint::put_u32(out, *key);
                varint::put_u32(out, *xfer);
            }
        }
    }
}
