//! Server → client frames: ServerHello, Patches, Ack, Ping, Pong, Reject, Close, Error;
//! frame and op codes, the owned op enum, the frame encoder and the decoder (used by
//! tests and the load generator).
//!
//! Touches `vdom::patch` (vdom ops decode into [`Patch`]) and the codec. An op's bytes are
//! written only by `ops.rs` (where [`Op::encode`] lives); the hot
//! path (patches built by a diff) is [`PatchEncoder`](crate::protocol::PatchEncoder).

use crate::protocol::codec::{put_str, Reader};
use crate::protocol::error::DecodeError;
use crate::protocol::varint::{put_u32, put_u64};
use crate::protocol::{MAX_OPS, MAX_SERVER_FRAME};
use crate::vdom::patch::{OwnedProp, Patch};

/// Frame type bytes, server → client.
pub mod frame {
    /// ServerHello.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::frame, HelloStatus, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::ServerHello {
    ///     version: 2,
    ///     status: HelloStatus::New,
    ///     session: "s1".into(),
    ///     last_event_seq: 0,
    /// }
    /// .encode(&mut out);
    /// assert_eq!(out[0], frame::HELLO);
    /// ```
    pub const HELLO: u8 = 0x81;
    /// Patches.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::frame, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Patches { seq: 1, ack: 0, ops: vec![] }.encode(&mut out);
    /// assert_eq!(out[0], frame::PATCHES);
    /// ```
    pub const PATCHES: u8 = 0x82;
    /// Ack.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::frame, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Ack(7).encode(&mut out);
    /// assert_eq!(out[0], frame::ACK);
    /// ```
    pub const ACK: u8 = 0x83;
    /// Ping.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::frame, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Ping(1).encode(&mut out);
    /// assert_eq!(out[0], frame::PING);
    /// ```
    pub const PING: u8 = 0x84;
    /// Pong.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::frame, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Pong(1).encode(&mut out);
    /// assert_eq!(out[0], frame::PONG);
    /// ```
    pub const PONG: u8 = 0x85;
    /// Reject.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::frame, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Reject { seq: 3, code: 1 }.encode(&mut out);
    /// assert_eq!(out[0], frame::REJECT);
    /// ```
    pub const REJECT: u8 = 0x86;
    /// Close.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::frame, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Close { code: 1, reason: "bye".into() }.encode(&mut out);
    /// assert_eq!(out[0], frame::CLOSE);
    /// ```
    pub const CLOSE: u8 = 0x87;
    /// Error.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::frame, ServerFrame};
    /// let mut out = Vec::new();
    /// ServerFrame::Error { code: 1, message: "boom".into() }.encode(&mut out);
    /// assert_eq!(out[0], frame::ERROR);
    /// ```
    pub const ERROR: u8 = 0x88;
}

/// Patch operation codes.
pub mod op {
    /// SetText.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::Patch;
    /// let mut out = Vec::new();
    /// Op::Patch(Patch::SetText { parent: 1, index: 0, text: "hi".into() }).encode(&mut out);
    /// assert_eq!(out[0], op::SET_TEXT);
    /// ```
    pub const SET_TEXT: u8 = 0x01;
    /// SetAttr.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::Patch;
    /// let mut out = Vec::new();
    /// Op::Patch(Patch::SetAttr { hid: 1, name: "id".into(), value: "a".into() }).encode(&mut out);
    /// assert_eq!(out[0], op::SET_ATTR);
    /// ```
    pub const SET_ATTR: u8 = 0x02;
    /// RemoveAttr.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::Patch;
    /// let mut out = Vec::new();
    /// Op::Patch(Patch::RemoveAttr { hid: 1, name: "id".into() }).encode(&mut out);
    /// assert_eq!(out[0], op::REMOVE_ATTR);
    /// ```
    pub const REMOVE_ATTR: u8 = 0x03;
    /// SetPropStr.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::{OwnedProp, Patch};
    /// let mut out = Vec::new();
    /// let value = OwnedProp::Str("x".into());
    /// Op::Patch(Patch::SetProp { hid: 1, name: "value".into(), value }).encode(&mut out);
    /// assert_eq!(out[0], op::SET_PROP_STR);
    /// ```
    pub const SET_PROP_STR: u8 = 0x04;
    /// SetPropBool.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::{OwnedProp, Patch};
    /// let mut out = Vec::new();
    /// let value = OwnedProp::Bool(true);
    /// Op::Patch(Patch::SetProp { hid: 1, name: "checked".into(), value }).encode(&mut out);
    /// assert_eq!(out[0], op::SET_PROP_BOOL);
    /// ```
    pub const SET_PROP_BOOL: u8 = 0x05;
    /// InsertChild.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::Patch;
    /// let mut out = Vec::new();
    /// let html = "<b></b>".to_string();
    /// Op::Patch(Patch::InsertChild { parent: 1, index: 0, html }).encode(&mut out);
    /// assert_eq!(out[0], op::INSERT_CHILD);
    /// ```
    pub const INSERT_CHILD: u8 = 0x06;
    /// RemoveChild.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::Patch;
    /// let mut out = Vec::new();
    /// Op::Patch(Patch::RemoveChild { parent: 1, index: 0 }).encode(&mut out);
    /// assert_eq!(out[0], op::REMOVE_CHILD);
    /// ```
    pub const REMOVE_CHILD: u8 = 0x07;
    /// MoveChild.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::Patch;
    /// let mut out = Vec::new();
    /// Op::Patch(Patch::MoveChild { parent: 1, from: 2, to: 0 }).encode(&mut out);
    /// assert_eq!(out[0], op::MOVE_CHILD);
    /// ```
    pub const MOVE_CHILD: u8 = 0x08;
    /// ReplaceChild.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::Patch;
    /// let mut out = Vec::new();
    /// let html = "<i></i>".to_string();
    /// Op::Patch(Patch::ReplaceChild { parent: 1, index: 0, html }).encode(&mut out);
    /// assert_eq!(out[0], op::REPLACE_CHILD);
    /// ```
    pub const REPLACE_CHILD: u8 = 0x09;
    /// ReplaceNode.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::Patch;
    /// let mut out = Vec::new();
    /// Op::Patch(Patch::ReplaceNode { hid: 2, html: "<i></i>".into() }).encode(&mut out);
    /// assert_eq!(out[0], op::REPLACE_NODE);
    /// ```
    pub const REPLACE_NODE: u8 = 0x0A;
    /// SetInnerHtml.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::Patch;
    /// let mut out = Vec::new();
    /// Op::Patch(Patch::SetInnerHtml { hid: 2, html: "<p>x</p>".into() }).encode(&mut out);
    /// assert_eq!(out[0], op::SET_INNER_HTML);
    /// ```
    pub const SET_INNER_HTML: u8 = 0x0B;
    /// ClearChildren (patch set version 3).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// use vango::vdom::Patch;
    /// let mut out = Vec::new();
    /// Op::Patch(Patch::ClearChildren { parent: 2 }).encode(&mut out);
    /// assert_eq!(out, [op::CLEAR_CHILDREN, 2]);
    /// ```
    pub const CLEAR_CHILDREN: u8 = 0x0C;
    /// PushUrl.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// let mut out = Vec::new();
    /// Op::PushUrl { replace: false, url: "/a".into() }.encode(&mut out);
    /// assert_eq!(out[0], op::PUSH_URL);
    /// ```
    pub const PUSH_URL: u8 = 0x20;
    /// HookEvent.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// let mut out = Vec::new();
    /// Op::HookEvent { hid: 1, name: "tick".into(), payload: "{}".into() }.encode(&mut out);
    /// assert_eq!(out[0], op::HOOK_EVENT);
    /// ```
    pub const HOOK_EVENT: u8 = 0x21;
    /// Focus.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// let mut out = Vec::new();
    /// Op::Focus(3).encode(&mut out);
    /// assert_eq!(out[0], op::FOCUS);
    /// ```
    pub const FOCUS: u8 = 0x22;
    /// SetTitle.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// let mut out = Vec::new();
    /// Op::SetTitle("Home".into()).encode(&mut out);
    /// assert_eq!(out[0], op::SET_TITLE);
    /// ```
    pub const SET_TITLE: u8 = 0x23;
    /// CookieTicket.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// let mut out = Vec::new();
    /// Op::CookieTicket("t".into()).encode(&mut out);
    /// assert_eq!(out[0], op::COOKIE_TICKET);
    /// ```
    pub const COOKIE_TICKET: u8 = 0x24;
    /// LoadScript.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{server::op, Op};
    /// let mut out = Vec::new();
    /// Op::LoadScript("/hooks.js".into()).encode(&mut out);
    /// assert_eq!(out[0], op::LOAD_SCRIPT);
    /// ```
    pub const LOAD_SCRIPT: u8 = 0x2D;
}

/// ServerHello status.
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_server, HelloStatus, ServerFrame};
/// let mut out = Vec::new();
/// ServerFrame::ServerHello {
///     version: 2,
///     status: HelloStatus::Resumed,
///     session: "s1".into(),
///     last_event_seq: 4,
/// }
/// .encode(&mut out);
/// let Ok(ServerFrame::ServerHello { status, .. }) = decode_server(&out) else { panic!() };
/// assert_eq!(status, HelloStatus::Resumed);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum HelloStatus {
    /// A new session was created.
    New = 0,
    /// The session was resumed.
    Resumed = 1,
    /// The session is gone: the client reloads the page.
    Gone = 2,
}

/// One patch operation, owned.
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_server, Op, ServerFrame};
/// let ops = vec![Op::SetTitle("Inbox (3)".into()), Op::Focus(7)];
/// let frame = ServerFrame::Patches { seq: 1, ack: 0, ops };
/// let mut out = Vec::new();
/// frame.encode(&mut out);
/// assert_eq!(decode_server(&out), Ok(frame));
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Op {
    /// A DOM edit from the diff (`SetProp` covers SetPropStr and SetPropBool).
    Patch(Patch),
    /// Change the URL in the history without a reload.
    PushUrl {
        /// `true`: `history.replaceState`; `false`: `pushState`.
        replace: bool,
        /// Path and query.
        url: String,
    },
    /// Deliver an event to the client hook on element `hid`.
    HookEvent {
        /// The hooked element.
        hid: u32,
        /// Event name.
        name: String,
        /// Payload (usually JSON text).
        payload: String,
    },
    /// Focus element `hid`.
    Focus(u32),
    /// Set `document.title`.
    SetTitle(String),
    /// POST this signed ticket to `/_vango/cookie`, whose answer sets the session cookie
    /// (PROTOCOL.md, "Cookie tickets").
    CookieTicket(String),
    /// Load this script (a client hook script the page needs) once; the hooks it registers
    /// mount on the elements already on the page.
    LoadScript(String),
}

/// A frame sent by the server.
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_server, ServerFrame};
/// let frame = ServerFrame::Close { code: 1, reason: "shutting down".into() };
/// let mut out = Vec::new();
/// frame.encode(&mut out);
/// assert_eq!(decode_server(&out), Ok(frame));
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ServerFrame {
    /// Answer to Hello.
    ServerHello {
        /// Protocol version chosen.
        version: u8,
        /// New, resumed or gone.
        status: HelloStatus,
        /// The session id (to send in the next Hello).
        session: String,
        /// Seq of the last event the server applied.
        last_event_seq: u64,
    },
    /// DOM edits.
    Patches {
        /// Patch seq: 1 for the first Patches frame of a session, +1 per frame.
        seq: u64,
        /// Seq of the last event applied.
        ack: u64,
        /// The operations, applied in order.
        ops: Vec<Op>,
    },
    /// Events up to this seq are applied and changed nothing.
    Ack(u64),
    /// Liveness probe.
    Ping(u64),
    /// Answer to a client Ping.
    Pong(u64),
    /// The event `seq` was not applied.
    Reject {
        /// The event's seq.
        seq: u64,
        /// Why (a [`close`](crate::protocol::close) code).
        code: u8,
    },
    /// The server closes the connection.
    Close {
        /// A close code.
        code: u8,
        /// Human-readable reason.
        reason: String,
    },
    /// The session is over; the client reloads.
    Error {
        /// An error code.
        code: u8,
        /// Human-readable message.
        message: String,
    },
}

impl ServerFrame {
    /// Appends the frame's bytes to `out`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::ServerFrame;
    /// let mut out = Vec::new();
    /// ServerFrame::Ack(300).encode(&mut out);
    /// assert_eq!(out, [0x83, 0xac, 0x02]);
    /// ```
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            ServerFrame::ServerHello {
                version,
                status,
                session,
                last_event_seq,
            } => {
                out.extend_from_slice(&[frame::HELLO, *version, *status as u8]);
                put_str(out, session);
                put_u64(out, *last_event_seq);
            }
            ServerFrame::Patches { seq, ack, ops } => {
                out.push(frame::PATCHES);
                put_u64(out, *seq);
                put_u64(out, *ack);
                put_u32(out, ops.len() as u32);
                for op in ops {
                    op.encode(out);
                }
            }
            ServerFrame::Ack(seq) => encode_seq(out, frame::ACK, *seq),
            ServerFrame::Ping(n) => encode_seq(out, frame::PING, *n),
            ServerFrame::Pong(n) => encode_seq(out, frame::PONG, *n),
            ServerFrame::Reject { seq, code } => {
                encode_seq(out, frame::REJECT, *seq);
                out.push(*code);
            }
            ServerFrame::Close { code, reason } => {
                out.extend_from_slice(&[frame::CLOSE, *code]);
                put_str(out, reason);
            }
            ServerFrame::Error { code, message } => {
                out.extend_from_slice(&[frame::ERROR, *code]);
                put_str(out, message);
            }
        }
    }
}

/// Appends a frame made of a type byte and one `uv` (Ack, Ping, Pong).
///
/// # Examples
///
/// ```
/// use vango::protocol::{encode_seq, server::frame};
/// let mut out = Vec::new();
/// encode_seq(&mut out, frame::ACK, 5);
/// assert_eq!(out, [0x83, 5]);
/// ```
#[inline]
pub fn encode_seq(out: &mut Vec<u8>, frame_type: u8, seq: u64) {
    out.push(frame_type);
    put_u64(out, seq);
}

/// Decodes one server → client frame (one whole WebSocket message).
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_server, ServerFrame};
/// assert_eq!(decode_server(&[0x83, 0xac, 0x02]), Ok(ServerFrame::Ack(300)));
/// ```
pub fn decode_server(bytes: &[u8]) -> Result<ServerFrame, DecodeError> {
    if bytes.len() > MAX_SERVER_FRAME {
        return Err(DecodeError::TooLarge {
            what: "frame",
            limit: MAX_SERVER_FRAME,
        });
    }
    let mut r = Reader::new(bytes);
    let frame = match r.u8()? {
        frame::HELLO => {
            let version = r.u8()?;
            let status = match r.u8()? {
                0 => HelloStatus::New,
                1 => HelloStatus::Resumed,
                2 => HelloStatus::Gone,
                _ => return Err(DecodeError::Invalid("hello status")),
            };
            ServerFrame::ServerHello {
                version,
                status,
                session: r.string(MAX_SERVER_FRAME)?,
                last_event_seq: r.u64()?,
            }
        }
        frame::PATCHES => {
            let seq = r.u64()?;
            let ack = r.u64()?;
            // The smallest op (Focus, SetTitle "") is two bytes. An `Op` is ~30x larger
            // than that, so reserve a little and let the ops actually decoded grow it.
            let n = r.count("ops", MAX_OPS, 2)?;
            let mut ops = Vec::with_capacity(n.min(256));
            for _ in 0..n {
                ops.push(decode_op(&mut r)?);
            }
            ServerFrame::Patches { seq, ack, ops }
        }
        frame::ACK => ServerFrame::Ack(r.u64()?),
        frame::PING => ServerFrame::Ping(r.u64()?),
        frame::PONG => ServerFrame::Pong(r.u64()?),
        frame::REJECT => ServerFrame::Reject {
            seq: r.u64()?,
            code: r.u8()?,
        },
        frame::CLOSE => ServerFrame::Close {
            code: r.u8()?,
            reason: r.string(MAX_SERVER_FRAME)?,
        },
        frame::ERROR => ServerFrame::Error {
            code: r.u8()?,
            message: r.string(MAX_SERVER_FRAME)?,
        },
        t => return Err(DecodeError::UnknownFrame(t)),
    };
    r.finish()?;
    Ok(frame)
}

fn decode_op(r: &mut Reader<'_>) -> Result<Op, DecodeError> {
    const L: usize = MAX_SERVER_FRAME;
    let patch = match r.u8()? {
        op::SET_TEXT => Patch::SetText {
            parent: r.u32()?,
            index: r.u32()?,
            text: r.string(L)?,
        },
        op::SET_ATTR => Patch::SetAttr {
            hid: r.u32()?,
            name: r.string(L)?,
            value: r.string(L)?,
        },
        op::REMOVE_ATTR => Patch::RemoveAttr {
            hid: r.u32()?,
            name: r.string(L)?,
        },
        op::SET_PROP_STR => Patch::SetProp {
            hid: r.u32()?,
            name: r.string(L)?,
            value: OwnedProp::Str(r.string(L)?),
        },
        op::SET_PROP_BOOL => Patch::SetProp {
            hid: r.u32()?,
            name: r.string(L)?,
            value: OwnedProp::Bool(r.bool("prop bool")?),
        },
        op::INSERT_CHILD => Patch::InsertChild {
            parent: r.u32()?,
            index: r.u32()?,
            html: r.string(L)?,
        },
        op::REMOVE_CHILD => Patch::RemoveChild {
            parent: r.u32()?,
            index: r.u32()?,
        },
        op::MOVE_CHILD => Patch::MoveChild {
            parent: r.u32()?,
            from: r.u32()?,
            to: r.u32()?,
        },
        op::REPLACE_CHILD => Patch::ReplaceChild {
            parent: r.u32()?,
            index: r.u32()?,
            html: r.string(L)?,
        },
        op::REPLACE_NODE => Patch::ReplaceNode {
            hid: r.u32()?,
            html: r.string(L)?,
        },
        op::SET_INNER_HTML => Patch::SetInnerHtml {
            hid: r.u32()?,
            html: r.string(L)?,
        },
        op::CLEAR_CHILDREN => Patch::ClearChildren { parent: r.u32()? },
        op::PUSH_URL => {
            return Ok(Op::PushUrl {
                replace: r.bool("push url mode")?,
                url: r.string(L)?,
            })
        }
        op::HOOK_EVENT => {
            return Ok(Op::HookEvent {
                hid: r.u32()?,
                name: r.string(L)?,
                payload: r.string(L)?,
            })
        }
        op::FOCUS => return Ok(Op::Focus(r.u32()?)),
        op::SET_TITLE => return Ok(Op::SetTitle(r.string(L)?)),
        op::COOKIE_TICKET => return Ok(Op::CookieTicket(r.string(L)?)),
        op::LOAD_SCRIPT => return Ok(Op::LoadScript(r.string(L)?)),
        c => return Err(DecodeError::UnknownOp(c)),
    };
    Ok(Op::Patch(patch))
}
