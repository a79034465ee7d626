//! Random frames for property tests (seeded `fastrand`; the seed is printed on failure).

use fastrand::Rng;
use vango::protocol::{ClientFrame, HelloStatus, Op, ServerFrame};
use vango::vdom::event::{Payload, EVENTS};
use vango::vdom::patch::{OwnedProp, Patch};
use vango::vdom::{Event, EventData};

/// A u32 that favours the varint width boundaries.
pub fn u32v(r: &mut Rng) -> u32 {
    match r.u8(0..8) {
        0 => r.u32(0..128),
        1 => [0, 127, 128, 16383, 16384, 2097151, 2097152, u32::MAX][r.usize(0..8)],
        2 => r.u32(..),
        _ => r.u32(0..20_000),
    }
}

/// A u64 that favours the varint width boundaries.
pub fn u64v(r: &mut Rng) -> u64 {
    match r.u8(0..6) {
        0 => r.u64(0..128),
        1 => [0, 127, 128, 16384, u32::MAX as u64, (1 << 53) - 1, u64::MAX][r.usize(0..7)],
        2 => r.u64(..),
        _ => r.u64(0..1_000_000),
    }
}

/// An i32 that favours small magnitudes and the extremes.
pub fn i32v(r: &mut Rng) -> i32 {
    match r.u8(0..5) {
        0 => [0, -1, 1, -64, 64, -65, i32::MIN, i32::MAX][r.usize(0..8)],
        1 => r.i32(..),
        _ => r.i32(-5000..5000),
    }
}

/// A short string with ASCII, escapes-worthy characters and multi-byte characters.
pub fn string(r: &mut Rng, max: usize) -> String {
    const PIECES: &[&str] = &[
        "a", "Z", " ", "<", "&", "\"", "\n", "\u{0}", "é", "日", "😀", "\u{7f}",
    ];
    let n = r.usize(0..=max);
    (0..n).map(|_| PIECES[r.usize(0..PIECES.len())]).collect()
}

fn mods(r: &mut Rng) -> u8 {
    r.u8(0..32)
}

/// Event data of payload class `class`.
pub fn data(r: &mut Rng, class: Payload) -> EventData {
    match class {
        Payload::None => EventData::None,
        Payload::Input if r.usize(0..4) == 0 => {
            EventData::Selected((0..r.usize(0..4)).map(|_| string(r, 6)).collect())
        }
        Payload::Input => EventData::Input {
            value: string(r, 12),
            checked: r.bool(),
        },
        Payload::Form => EventData::Form(
            (0..r.usize(0..6))
                .map(|_| (string(r, 6), string(r, 8)))
                .collect(),
        ),
        Payload::Key => EventData::Key {
            key: string(r, 3),
            mods: mods(r),
            value: string(r, 8),
        },
        Payload::Pointer => {
            if r.bool() {
                EventData::Pointer {
                    x: 0,
                    y: 0,
                    button: 0,
                    mods: mods(r),
                }
            } else {
                EventData::Pointer {
                    x: i32v(r),
                    y: i32v(r),
                    button: r.u8(..),
                    mods: mods(r),
                }
            }
        }
        Payload::Wheel => EventData::Wheel {
            dx: i32v(r),
            dy: i32v(r),
        },
        Payload::Scroll => EventData::Scroll {
            top: u32v(r),
            left: u32v(r),
        },
        Payload::Media => EventData::Media { time_ms: u32v(r) },
    }
}

/// Any event, including hook events and navigations.
pub fn event(r: &mut Rng) -> Event {
    let hid = u32v(r);
    match r.u8(0..12) {
        0 => Event {
            hid,
            name: "hook",
            data: EventData::Hook {
                name: string(r, 6),
                payload: string(r, 12),
            },
        },
        1 => Event {
            hid,
            name: "navigate",
            data: EventData::Navigate(string(r, 12)),
        },
        _ => {
            let (name, class) = EVENTS[r.usize(0..EVENTS.len())];
            Event {
                hid,
                name,
                data: data(r, class),
            }
        }
    }
}

/// Any client frame.
pub fn client_frame(r: &mut Rng) -> ClientFrame {
    match r.u8(0..8) {
        0 => ClientFrame::Hello {
            version: r.u8(..),
            csrf: string(r, 8),
            session: string(r, 8),
            last_patch_seq: u64v(r),
            last_event_seq: u64v(r),
            render_hash: r.u32(..),
            path: string(r, 10),
        },
        1 => ClientFrame::Ping(u64v(r)),
        2 => ClientFrame::Pong(u64v(r)),
        3 => ClientFrame::Resync {
            last_patch_seq: u64v(r),
        },
        4 => ClientFrame::Close {
            code: r.u8(..),
            reason: string(r, 8),
        },
        _ => ClientFrame::Event {
            seq: u64v(r),
            event: event(r),
        },
    }
}

/// Any vdom patch.
pub fn patch(r: &mut Rng) -> Patch {
    match r.u8(0..11) {
        0 => Patch::SetText {
            parent: u32v(r),
            index: u32v(r),
            text: string(r, 10),
        },
        1 => Patch::SetAttr {
            hid: u32v(r),
            name: string(r, 5),
            value: string(r, 8),
        },
        2 => Patch::RemoveAttr {
            hid: u32v(r),
            name: string(r, 5),
        },
        3 => Patch::SetProp {
            hid: u32v(r),
            name: string(r, 5),
            value: if r.bool() {
                OwnedProp::Bool(r.bool())
            } else {
                OwnedProp::Str(string(r, 8))
            },
        },
        4 => Patch::InsertChild {
            parent: u32v(r),
            index: u32v(r),
            html: string(r, 12),
        },
        5 => Patch::RemoveChild {
            parent: u32v(r),
            index: u32v(r),
        },
        6 => Patch::MoveChild {
            parent: u32v(r),
            from: u32v(r),
            to: u32v(r),
        },
        7 => Patch::ReplaceChild {
            parent: u32v(r),
            index: u32v(r),
            html: string(r, 12),
        },
        8 => Patch::ReplaceNode {
            hid: u32v(r),
            html: string(r, 12),
        },
        9 => Patch::ClearChildren { parent: u32v(r) },
        _ => Patch::SetInnerHtml {
            hid: u32v(r),
            html: string(r, 12),
        },
    }
}

/// Any op.
pub fn op(r: &mut Rng) -> Op {
    match r.u8(0..10) {
        9 => Op::LoadScript(string(r, 10)),
        8 => Op::CookieTicket(string(r, 10)),
        0 => Op::PushUrl {
            replace: r.bool(),
            url: string(r, 10),
        },
        1 => Op::HookEvent {
            hid: u32v(r),
            name: string(r, 5),
            payload: string(r, 10),
        },
        2 => Op::Focus(u32v(r)),
        3 => Op::SetTitle(string(r, 10)),
        _ => Op::Patch(patch(r)),
    }
}

/// Any server frame.
pub fn server_frame(r: &mut Rng) -> ServerFrame {
    match r.u8(0..9) {
        0 => ServerFrame::ServerHello {
            version: r.u8(..),
            status: [HelloStatus::New, HelloStatus::Resumed, HelloStatus::Gone][r.usize(0..3)],
            session: string(r, 8),
            last_event_seq: u64v(r),
        },
        1 => ServerFrame::Ack(u64v(r)),
        2 => ServerFrame::Ping(u64v(r)),
        3 => ServerFrame::Pong(u64v(r)),
        4 => ServerFrame::Reject {
            seq: u64v(r),
            code: r.u8(..),
        },
        5 => ServerFrame::Close {
            code: r.u8(..),
            reason: string(r, 8),
        },
        6 => ServerFrame::Error {
            code: r.u8(..),
            message: string(r, 8),
        },
        _ => ServerFrame::Patches {
            seq: u64v(r),
            ack: u64v(r),
            ops: (0..r.usize(0..12)).map(|_| op(r)).collect(),
        },
    }
}
