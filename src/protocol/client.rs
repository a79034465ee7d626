//! Client → server frames: Hello, Event, Ping, Pong, Resync, Close; encoder and decoder.
//!
//! Touches `vdom::event` (events decode straight into [`Event`]) and the codec.

use crate::protocol::codec::{put_str, Reader};
use crate::protocol::error::DecodeError;
use crate::protocol::varint::{put_i32, put_u32, put_u64};
use crate::protocol::{MAX_CLIENT_FRAME, MAX_CLIENT_STR, MAX_FORM_FIELDS};
use crate::vdom::event::{event_by_code, event_code, mods, Event, EventData, Payload};

/// Frame type bytes, client → server.
pub mod frame {
    /// Hello.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{client::frame, decode_client, ClientFrame};
    /// let hello = ClientFrame::Hello {
    ///     version: 2,
    ///     csrf: "t0k".into(),
    ///     session: String::new(),
    ///     last_patch_seq: 0,
    ///     last_event_seq: 0,
    ///     render_hash: 0,
    ///     path: "/".into(),
    /// };
    /// let mut out = Vec::new();
    /// hello.encode(&mut out);
    /// assert_eq!(out[0], frame::HELLO);
    /// assert_eq!(decode_client(&out), Ok(hello));
    /// ```
    pub const HELLO: u8 = 0x01;
    /// Event.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{client::frame, ClientFrame};
    /// use vango::vdom::{Event, EventData};
    /// let event = Event { hid: 4, name: "click", data: EventData::None };
    /// let mut out = Vec::new();
    /// ClientFrame::Event { seq: 1, event }.encode(&mut out);
    /// assert_eq!(out[0], frame::EVENT);
    /// ```
    pub const EVENT: u8 = 0x02;
    /// Ping.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{client::frame, ClientFrame};
    /// let mut out = Vec::new();
    /// ClientFrame::Ping(9).encode(&mut out);
    /// assert_eq!(out, [frame::PING, 9]);
    /// ```
    pub const PING: u8 = 0x03;
    /// Pong.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{client::frame, ClientFrame};
    /// let mut out = Vec::new();
    /// ClientFrame::Pong(9).encode(&mut out);
    /// assert_eq!(out, [frame::PONG, 9]);
    /// ```
    pub const PONG: u8 = 0x04;
    /// Resync.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{client::frame, ClientFrame};
    /// let mut out = Vec::new();
    /// ClientFrame::Resync { last_patch_seq: 12 }.encode(&mut out);
    /// assert_eq!(out, [frame::RESYNC, 12]);
    /// ```
    pub const RESYNC: u8 = 0x05;
    /// Close.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::{client::frame, close, ClientFrame};
    /// let mut out = Vec::new();
    /// ClientFrame::Close { code: close::NORMAL, reason: String::new() }.encode(&mut out);
    /// assert_eq!(out, [frame::CLOSE, close::NORMAL, 0]);
    /// ```
    pub const CLOSE: u8 = 0x06;
}

/// Event code of a hook event (`name` `"hook"`, [`EventData::Hook`]).
///
/// # Examples
///
/// ```
/// use vango::protocol::{encode_event, HOOK_CODE};
/// use vango::vdom::{Event, EventData};
/// let data = EventData::Hook { name: "moved".into(), payload: "{}".into() };
/// let mut out = Vec::new();
/// encode_event(&mut out, 1, &Event { hid: 5, name: "hook", data });
/// assert_eq!(out[3], HOOK_CODE);
/// ```
pub const HOOK_CODE: u8 = 0xF0;
/// Event code of a navigation (`name` `"navigate"`, [`EventData::Navigate`]).
///
/// # Examples
///
/// ```
/// use vango::protocol::{encode_event, NAVIGATE_CODE};
/// use vango::vdom::{Event, EventData};
/// let data = EventData::Navigate("/about".into());
/// let mut out = Vec::new();
/// encode_event(&mut out, 1, &Event { hid: 0, name: "navigate", data });
/// assert_eq!(out[3], NAVIGATE_CODE);
/// ```
pub const NAVIGATE_CODE: u8 = 0xF1;
/// Event code of a link prefetch (`name` `"prefetch"`, [`EventData::Navigate`] with the
/// link's URL): the pointer is over a live link, the session may prepare its route.
///
/// # Examples
///
/// ```
/// use vango::protocol::{encode_event, PREFETCH_CODE};
/// use vango::vdom::{Event, EventData};
/// let data = EventData::Navigate("/about".into());
/// let mut out = Vec::new();
/// encode_event(&mut out, 1, &Event { hid: 0, name: "prefetch", data });
/// assert_eq!(out[3], PREFETCH_CODE);
/// ```
pub const PREFETCH_CODE: u8 = 0xF2;
/// Bit of a Pointer payload's first byte that says coordinates follow.
///
/// # Examples
///
/// ```
/// use vango::protocol::{client::POINTER_COORDS, encode_event};
/// use vango::vdom::{Event, EventData};
/// let data = EventData::Pointer { x: 10, y: 4, button: 0, mods: 0 };
/// let mut out = Vec::new();
/// encode_event(&mut out, 1, &Event { hid: 2, name: "click", data });
/// assert_eq!(out[4], POINTER_COORDS);
/// ```
pub const POINTER_COORDS: u8 = 0x80;
/// Input payload flag: the control is checked.
///
/// # Examples
///
/// ```
/// use vango::protocol::{client::INPUT_CHECKED, encode_event};
/// use vango::vdom::{Event, EventData};
/// let data = EventData::Input { value: "on".into(), checked: true };
/// let mut out = Vec::new();
/// encode_event(&mut out, 1, &Event { hid: 2, name: "input", data });
/// assert_eq!(out[4], INPUT_CHECKED);
/// ```
pub const INPUT_CHECKED: u8 = 1;
/// Input payload flag: a list of selected values follows instead of one value
/// ([`EventData::Selected`]).
///
/// # Examples
///
/// ```
/// use vango::protocol::{client::INPUT_SELECTED, encode_event};
/// use vango::vdom::{Event, EventData};
/// let data = EventData::Selected(vec!["a".into(), "c".into()]);
/// let mut out = Vec::new();
/// encode_event(&mut out, 1, &Event { hid: 2, name: "input", data });
/// assert_eq!(out[4], INPUT_SELECTED);
/// ```
pub const INPUT_SELECTED: u8 = 2;

const KEY_MODS: u8 = mods::SHIFT | mods::CTRL | mods::ALT | mods::META | mods::REPEAT;
const POINTER_MODS: u8 = KEY_MODS;

/// A frame sent by the browser.
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_client, ClientFrame};
/// let frame = ClientFrame::Resync { last_patch_seq: 3 };
/// let mut out = Vec::new();
/// frame.encode(&mut out);
/// assert_eq!(decode_client(&out), Ok(frame));
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ClientFrame {
    /// First frame of every connection: version, credentials and resume point.
    Hello {
        /// Highest protocol version the client speaks.
        version: u8,
        /// CSRF token from the page.
        csrf: String,
        /// Session id to resume; empty for a new session.
        session: String,
        /// Seq of the last Patches frame the client applied (0: none).
        last_patch_seq: u64,
        /// Seq of the last event the client sent.
        last_event_seq: u64,
        /// Render hash of the page (FNV-1a 32 of the root's HTML).
        render_hash: u32,
        /// Path and query of the page.
        path: String,
    },
    /// A DOM event (or a hook event or navigation) for the element `event.hid`.
    Event {
        /// Event sequence number (from 1 per session).
        seq: u64,
        /// The event.
        event: Event,
    },
    /// Liveness probe; the server answers with a Pong carrying the nonce.
    Ping(u64),
    /// Answer to a server Ping.
    Pong(u64),
    /// Ask for a resend of the patches after `last_patch_seq`, or a full render.
    Resync {
        /// Seq of the last Patches frame the client applied.
        last_patch_seq: u64,
    },
    /// The client is going away.
    Close {
        /// A close code (see [`close`](crate::protocol::close)).
        code: u8,
        /// Human-readable reason.
        reason: String,
    },
}

impl ClientFrame {
    /// Appends the frame's bytes to `out`.
    ///
    /// An `Event` is encoded by its name's payload class; data of another class is
    /// replaced by that class's zero value, and an unknown name gets code `0` (which every
    /// decoder rejects).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::protocol::ClientFrame;
    /// use vango::vdom::{Event, EventData};
    /// let click = Event { hid: 7, name: "click", data: EventData::None };
    /// let mut out = Vec::new();
    /// ClientFrame::Event { seq: 1, event: click }.encode(&mut out);
    /// assert_eq!(out, [0x02, 1, 7, 1, 0]);
    /// ```
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            ClientFrame::Hello {
                version,
                csrf,
                session,
                last_patch_seq,
                last_event_seq,
                render_hash,
                path,
            } => {
                out.push(frame::HELLO);
                out.push(*version);
                put_str(out, csrf);
                put_str(out, session);
                put_u64(out, *last_patch_seq);
                put_u64(out, *last_event_seq);
                put_u32(out, *render_hash);
                put_str(out, path);
            }
            ClientFrame::Event { seq, event } => encode_event(out, *seq, event),
            ClientFrame::Ping(n) => {
                out.push(frame::PING);
                put_u64(out, *n);
            }
            ClientFrame::Pong(n) => {
                out.push(frame::PONG);
                put_u64(out, *n);
            }
            ClientFrame::Resync { last_patch_seq } => {
                out.push(frame::RESYNC);
                put_u64(out, *last_patch_seq);
            }
            ClientFrame::Close { code, reason } => {
                out.push(frame::CLOSE);
                out.push(*code);
                put_str(out, reason);
            }
        }
    }
}

/// Appends an Event frame for `event` with sequence number `seq` (see [`ClientFrame::encode`]).
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_client, encode_event, ClientFrame};
/// use vango::vdom::{Event, EventData};
/// let data = EventData::Input { value: "hello".into(), checked: false };
/// let event = Event { hid: 3, name: "input", data };
/// let mut out = Vec::new();
/// encode_event(&mut out, 8, &event);
/// assert_eq!(decode_client(&out), Ok(ClientFrame::Event { seq: 8, event }));
/// ```
pub fn encode_event(out: &mut Vec<u8>, seq: u64, event: &Event) {
    out.push(frame::EVENT);
    put_u64(out, seq);
    put_u32(out, event.hid);
    let class = match event.name {
        "hook" => {
            out.push(HOOK_CODE);
            let (name, payload) = match &event.data {
                EventData::Hook { name, payload } => (name.as_str(), payload.as_str()),
                _ => ("", ""),
            };
            put_str(out, name);
            put_str(out, payload);
            return;
        }
        "navigate" | "prefetch" => {
            out.push(if event.name == "navigate" {
                NAVIGATE_CODE
            } else {
                PREFETCH_CODE
            });
            let url = match &event.data {
                EventData::Navigate(url) => url.as_str(),
                _ => "",
            };
            put_str(out, url);
            return;
        }
        name => match event_code(name) {
            Some(code) => {
                out.push(code);
                event_by_code(code).map_or(Payload::None, |(_, p)| p)
            }
            None => {
                out.push(0);
                return;
            }
        },
    };
    encode_payload(out, class, &event.data);
}

fn encode_payload(out: &mut Vec<u8>, class: Payload, data: &EventData) {
    match class {
        Payload::None => {}
        Payload::Input => match data {
            EventData::Input { value, checked } => {
                out.push(*checked as u8);
                put_str(out, value);
            }
            EventData::Selected(values) => {
                out.push(INPUT_SELECTED);
                put_u32(out, values.len() as u32);
                for v in values {
                    put_str(out, v);
                }
            }
            _ => out.extend_from_slice(&[0, 0]),
        },
        Payload::Form => match data {
            EventData::Form(fields) => {
                put_u32(out, fields.len() as u32);
                for (name, value) in fields {
                    put_str(out, name);
                    put_str(out, value);
                }
            }
            _ => out.push(0),
        },
        Payload::Key => match data {
            EventData::Key { key, mods, value } => {
                out.push(*mods);
                put_str(out, key);
                put_str(out, value);
            }
            _ => out.extend_from_slice(&[0, 0, 0]),
        },
        Payload::Pointer => match data {
            EventData::Pointer { x, y, button, mods } => {
                // Absent coordinates decode as 0, 0, button 0: omitting them then is lossless.
                if (*x, *y, *button) == (0, 0, 0) {
                    out.push(*mods);
                } else {
                    out.push(*mods | POINTER_COORDS);
                    put_i32(out, *x);
                    put_i32(out, *y);
                    out.push(*button);
                }
            }
            _ => out.push(0),
        },
        Payload::Wheel => {
            let (dx, dy) = match data {
                EventData::Wheel { dx, dy } => (*dx, *dy),
                _ => (0, 0),
            };
            put_i32(out, dx);
            put_i32(out, dy);
        }
        Payload::Scroll => {
            let (top, left) = match data {
                EventData::Scroll { top, left } => (*top, *left),
                _ => (0, 0),
            };
            put_u32(out, top);
            put_u32(out, left);
        }
        Payload::Media => {
            let t = match data {
                EventData::Media { time_ms } => *time_ms,
                _ => 0,
            };
            put_u32(out, t);
        }
    }
}

/// Decodes one client → server frame (one whole WebSocket message).
///
/// # Examples
///
/// ```
/// use vango::protocol::{decode_client, ClientFrame, DecodeError};
/// let frame = decode_client(&[0x02, 1, 7, 1, 0]).unwrap();
/// let ClientFrame::Event { seq: 1, event } = frame else { panic!() };
/// assert_eq!((event.hid, event.name), (7, "click"));
/// assert_eq!(decode_client(&[0x02, 1, 7, 1, 0, 0]), Err(DecodeError::Trailing));
/// ```
pub fn decode_client(bytes: &[u8]) -> Result<ClientFrame, DecodeError> {
    if bytes.len() > MAX_CLIENT_FRAME {
        return Err(DecodeError::TooLarge {
            what: "frame",
            limit: MAX_CLIENT_FRAME,
        });
    }
    let mut r = Reader::new(bytes);
    let frame = match r.u8()? {
        frame::HELLO => ClientFrame::Hello {
            version: r.u8()?,
            csrf: r.string(MAX_CLIENT_STR)?,
            session: r.string(MAX_CLIENT_STR)?,
            last_patch_seq: r.u64()?,
            last_event_seq: r.u64()?,
            render_hash: r.u32()?,
            path: r.string(MAX_CLIENT_STR)?,
        },
        frame::EVENT => {
            let seq = r.u64()?;
            let event = decode_event(&mut r)?;
            ClientFrame::Event { seq, event }
        }
        frame::PING => ClientFrame::Ping(r.u64()?),
        frame::PONG => ClientFrame::Pong(r.u64()?),
        frame::RESYNC => ClientFrame::Resync {
            last_patch_seq: r.u64()?,
        },
        frame::CLOSE => ClientFrame::Close {
            code: r.u8()?,
            reason: r.string(MAX_CLIENT_STR)?,
        },
        t => return Err(DecodeError::UnknownFrame(t)),
    };
    r.finish()?;
    Ok(frame)
}

fn decode_event(r: &mut Reader<'_>) -> Result<Event, DecodeError> {
    let hid = r.u32()?;
    let code = r.u8()?;
    let (name, data) = match code {
        HOOK_CODE => {
            let name = r.string(MAX_CLIENT_STR)?;
            let payload = r.string(MAX_CLIENT_STR)?;
            ("hook", EventData::Hook { name, payload })
        }
        NAVIGATE_CODE => ("navigate", EventData::Navigate(r.string(MAX_CLIENT_STR)?)),
        PREFETCH_CODE => ("prefetch", EventData::Navigate(r.string(MAX_CLIENT_STR)?)),
        _ => {
            let (name, class) = event_by_code(code).ok_or(DecodeError::UnknownEvent(code))?;
            (name, decode_payload(r, class)?)
        }
    };
    Ok(Event { hid, name, data })
}

fn decode_payload(r: &mut Reader<'_>, class: Payload) -> Result<EventData, DecodeError> {
    Ok(match class {
        Payload::None => EventData::None,
        Payload::Input => {
            let flags = r.u8()?;
            match flags {
                0 | INPUT_CHECKED => EventData::Input {
                    checked: flags == INPUT_CHECKED,
                    value: r.string(MAX_CLIENT_STR)?,
                },
                INPUT_SELECTED => {
                    let n = r.count("selected values", MAX_FORM_FIELDS, 1)?;
                    let mut values = Vec::with_capacity(n);
                    for _ in 0..n {
                        values.push(r.string(MAX_CLIENT_STR)?);
                    }
                    EventData::Selected(values)
                }
                _ => return Err(DecodeError::Invalid("input flags")),
            }
        }
        Payload::Form => {
            let n = r.count("form fields", MAX_FORM_FIELDS, 2)?;
            let mut fields = Vec::with_capacity(n);
            for _ in 0..n {
                fields.push((r.string(MAX_CLIENT_STR)?, r.string(MAX_CLIENT_STR)?));
            }
            EventData::Form(fields)
        }
        Payload::Key => {
            let mods = r.u8()?;
            if mods & !KEY_MODS != 0 {
                return Err(DecodeError::Invalid("modifier bits"));
            }
            EventData::Key {
                mods,
                key: r.string(MAX_CLIENT_STR)?,
                value: r.string(MAX_CLIENT_STR)?,
            }
        }
        Payload::Pointer => {
            let bits = r.u8()?;
            let mods = bits & !POINTER_COORDS;
            if mods & !POINTER_MODS != 0 {
                return Err(DecodeError::Invalid("modifier bits"));
            }
            if bits & POINTER_COORDS != 0 {
                let x = r.i32()?;
                let y = r.i32()?;
                EventData::Pointer {
                    x,
                    y,
                    button: r.u8()?,
                    mods,
                }
            } else {
                EventData::Pointer {
                    x: 0,
                    y: 0,
                    button: 0,
                    mods,
                }
            }
        }
        Payload::Wheel => EventData::Wheel {
            dx: r.i32()?,
            dy: r.i32()?,
        },
        Payload::Scroll => EventData::Scroll {
            top: r.u32()?,
            left: r.u32()?,
        },
        Payload::Media => EventData::Media { time_ms: r.u32()? },
    })
}
