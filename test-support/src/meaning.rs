//! Frames ↔ their JSON meaning in the shared test vectors (`tests/vectors/protocol.json`).
//!
//! The mapping is the one described at the top of PROTOCOL.md's vectors section.

use crate::json::Json;
use vango::protocol::{ClientFrame, HelloStatus, Op, ServerFrame};
use vango::vdom::event::{event_by_code, event_code, Payload, EVENTS};
use vango::vdom::patch::{OwnedProp, Patch};
use vango::vdom::{Event, EventData};

fn n(v: impl Into<i128>) -> Json {
    Json::Num(v.into())
}
fn s(v: &str) -> Json {
    Json::Str(v.to_owned())
}
fn obj(m: Vec<(&str, Json)>) -> Json {
    Json::Obj(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}
fn num<T: TryFrom<i128>>(j: &Json, key: &str) -> T {
    T::try_from(j.at(key).num()).unwrap_or_else(|_| panic!("{key} out of range in {j:?}"))
}
fn string(j: &Json, key: &str) -> String {
    j.at(key).str().to_owned()
}

/// The payload class name used in the vectors' events table.
pub fn class_name(p: Payload) -> &'static str {
    match p {
        Payload::None => "None",
        Payload::Input => "Input",
        Payload::Form => "Form",
        Payload::Key => "Key",
        Payload::Pointer => "Pointer",
        Payload::Wheel => "Wheel",
        Payload::Scroll => "Scroll",
        Payload::Media => "Media",
    }
}

/// The events table: EVENTS plus the hook and navigate codes.
pub fn events_table() -> Json {
    let mut rows: Vec<Json> = EVENTS
        .iter()
        .enumerate()
        .map(|(i, (name, p))| {
            obj(vec![
                ("name", s(name)),
                ("code", n(i as u32 + 1)),
                ("payload", s(class_name(*p))),
            ])
        })
        .collect();
    rows.push(obj(vec![
        ("name", s("hook")),
        ("code", n(0xF0)),
        ("payload", s("Hook")),
    ]));
    rows.push(obj(vec![
        ("name", s("navigate")),
        ("code", n(0xF1)),
        ("payload", s("Navigate")),
    ]));
    Json::Arr(rows)
}

fn event_code_of(name: &str) -> u8 {
    match name {
        "hook" => 0xF0,
        "navigate" => 0xF1,
        n => event_code(n).expect("known event"),
    }
}

fn data_to_json(d: &EventData) -> Json {
    match d {
        EventData::None => obj(vec![]),
        EventData::Input { value, checked } => {
            obj(vec![("value", s(value)), ("checked", Json::Bool(*checked))])
        }
        EventData::Form(fields) => obj(vec![(
            "fields",
            Json::Arr(
                fields
                    .iter()
                    .map(|(k, v)| Json::Arr(vec![s(k), s(v)]))
                    .collect(),
            ),
        )]),
        EventData::Selected(values) => obj(vec![(
            "values",
            Json::Arr(values.iter().map(|v| s(v)).collect()),
        )]),
        EventData::Key { key, mods, value } => obj(vec![
            ("key", s(key)),
            ("mods", n(*mods)),
            ("value", s(value)),
        ]),
        EventData::Pointer { x, y, button, mods } => {
            if (*x, *y, *button) == (0, 0, 0) {
                obj(vec![("mods", n(*mods))])
            } else {
                obj(vec![
                    ("mods", n(*mods)),
                    ("x", n(*x)),
                    ("y", n(*y)),
                    ("button", n(*button)),
                ])
            }
        }
        EventData::Wheel { dx, dy } => obj(vec![("dx", n(*dx)), ("dy", n(*dy))]),
        EventData::Scroll { top, left } => obj(vec![("top", n(*top)), ("left", n(*left))]),
        EventData::Media { time_ms } => obj(vec![("time_ms", n(*time_ms))]),
        EventData::Hook { name, payload } => obj(vec![("name", s(name)), ("payload", s(payload))]),
        EventData::Navigate(url) => obj(vec![("url", s(url))]),
    }
}

fn data_from_json(name: &str, j: &Json) -> EventData {
    let class = match name {
        "hook" => {
            return EventData::Hook {
                name: string(j, "name"),
                payload: string(j, "payload"),
            }
        }
        "navigate" => return EventData::Navigate(string(j, "url")),
        n => {
            event_by_code(event_code(n).expect("known event"))
                .unwrap()
                .1
        }
    };
    let opt = |key: &str| j.get(key).map_or(0, |v| v.num());
    match class {
        Payload::None => EventData::None,
        Payload::Input if j.get("values").is_some() => EventData::Selected(
            j.at("values")
                .arr()
                .iter()
                .map(|v| v.str().to_owned())
                .collect(),
        ),
        Payload::Input => EventData::Input {
            value: string(j, "value"),
            checked: j.at("checked").bool(),
        },
        Payload::Form => EventData::Form(
            j.at("fields")
                .arr()
                .iter()
                .map(|p| (p.arr()[0].str().to_owned(), p.arr()[1].str().to_owned()))
                .collect(),
        ),
        Payload::Key => EventData::Key {
            key: string(j, "key"),
            mods: num(j, "mods"),
            value: string(j, "value"),
        },
        Payload::Pointer => EventData::Pointer {
            x: opt("x") as i32,
            y: opt("y") as i32,
            button: opt("button") as u8,
            mods: num(j, "mods"),
        },
        Payload::Wheel => EventData::Wheel {
            dx: num(j, "dx"),
            dy: num(j, "dy"),
        },
        Payload::Scroll => EventData::Scroll {
            top: num(j, "top"),
            left: num(j, "left"),
        },
        Payload::Media => EventData::Media {
            time_ms: num(j, "time_ms"),
        },
    }
}

fn static_name(name: &str) -> &'static str {
    match name {
        "hook" => "hook",
        "navigate" => "navigate",
        n => {
            event_by_code(event_code(n).expect("known event"))
                .unwrap()
                .0
        }
    }
}

/// The meaning of a client frame.
pub fn client_to_json(f: &ClientFrame) -> Json {
    match f {
        ClientFrame::Hello {
            version,
            csrf,
            session,
            last_patch_seq,
            last_event_seq,
            render_hash,
            path,
        } => obj(vec![
            ("type", s("Hello")),
            ("version", n(*version)),
            ("csrf", s(csrf)),
            ("session", s(session)),
            ("last_patch_seq", n(*last_patch_seq)),
            ("last_event_seq", n(*last_event_seq)),
            ("render_hash", n(*render_hash)),
            ("path", s(path)),
        ]),
        ClientFrame::Event { seq, event } => obj(vec![
            ("type", s("Event")),
            ("seq", n(*seq)),
            ("hid", n(event.hid)),
            ("event", s(event.name)),
            ("code", n(event_code_of(event.name))),
            ("data", data_to_json(&event.data)),
        ]),
        ClientFrame::Ping(x) => obj(vec![("type", s("Ping")), ("nonce", n(*x))]),
        ClientFrame::Pong(x) => obj(vec![("type", s("Pong")), ("nonce", n(*x))]),
        ClientFrame::Resync { last_patch_seq } => obj(vec![
            ("type", s("Resync")),
            ("last_patch_seq", n(*last_patch_seq)),
        ]),
        ClientFrame::Close { code, reason } => obj(vec![
            ("type", s("Close")),
            ("code", n(*code)),
            ("reason", s(reason)),
        ]),
    }
}

/// The client frame a meaning describes.
pub fn client_from_json(j: &Json) -> ClientFrame {
    match j.at("type").str() {
        "Hello" => ClientFrame::Hello {
            version: num(j, "version"),
            csrf: string(j, "csrf"),
            session: string(j, "session"),
            last_patch_seq: num(j, "last_patch_seq"),
            last_event_seq: num(j, "last_event_seq"),
            render_hash: num(j, "render_hash"),
            path: string(j, "path"),
        },
        "Event" => {
            let name = j.at("event").str();
            assert_eq!(num::<u8>(j, "code"), event_code_of(name), "code of {name}");
            ClientFrame::Event {
                seq: num(j, "seq"),
                event: Event {
                    hid: num(j, "hid"),
                    name: static_name(name),
                    data: data_from_json(name, j.at("data")),
                },
            }
        }
        "Ping" => ClientFrame::Ping(num(j, "nonce")),
        "Pong" => ClientFrame::Pong(num(j, "nonce")),
        "Resync" => ClientFrame::Resync {
            last_patch_seq: num(j, "last_patch_seq"),
        },
        "Close" => ClientFrame::Close {
            code: num(j, "code"),
            reason: string(j, "reason"),
        },
        t => panic!("unknown client frame type {t}"),
    }
}

fn op_to_json(op: &Op) -> Json {
    match op {
        Op::Patch(p) => match p {
            Patch::SetText {
                parent,
                index,
                text,
            } => obj(vec![
                ("op", s("SetText")),
                ("parent", n(*parent)),
                ("index", n(*index)),
                ("text", s(text)),
            ]),
            Patch::SetAttr { hid, name, value } => obj(vec![
                ("op", s("SetAttr")),
                ("hid", n(*hid)),
                ("name", s(name)),
                ("value", s(value)),
            ]),
            Patch::RemoveAttr { hid, name } => obj(vec![
                ("op", s("RemoveAttr")),
                ("hid", n(*hid)),
                ("name", s(name)),
            ]),
            Patch::SetProp {
                hid,
                name,
                value: OwnedProp::Str(v),
            } => obj(vec![
                ("op", s("SetPropStr")),
                ("hid", n(*hid)),
                ("name", s(name)),
                ("value", s(v)),
            ]),
            Patch::SetProp {
                hid,
                name,
                value: OwnedProp::Bool(b),
            } => obj(vec![
                ("op", s("SetPropBool")),
                ("hid", n(*hid)),
                ("name", s(name)),
                ("value", Json::Bool(*b)),
            ]),
            Patch::InsertChild {
                parent,
                index,
                html,
            } => obj(vec![
                ("op", s("InsertChild")),
                ("parent", n(*parent)),
                ("index", n(*index)),
                ("html", s(html)),
            ]),
            Patch::RemoveChild { parent, index } => obj(vec![
                ("op", s("RemoveChild")),
                ("parent", n(*parent)),
                ("index", n(*index)),
            ]),
            Patch::MoveChild { parent, from, to } => obj(vec![
                ("op", s("MoveChild")),
                ("parent", n(*parent)),
                ("from", n(*from)),
                ("to", n(*to)),
            ]),
            Patch::ReplaceChild {
                parent,
                index,
                html,
            } => obj(vec![
                ("op", s("ReplaceChild")),
                ("parent", n(*parent)),
                ("index", n(*index)),
                ("html", s(html)),
            ]),
            Patch::ReplaceNode { hid, html } => obj(vec![
                ("op", s("ReplaceNode")),
                ("hid", n(*hid)),
                ("html", s(html)),
            ]),
            Patch::SetInnerHtml { hid, html } => obj(vec![
                ("op", s("SetInnerHtml")),
                ("hid", n(*hid)),
                ("html", s(html)),
            ]),
            Patch::ClearChildren { parent } => {
                obj(vec![("op", s("ClearChildren")), ("parent", n(*parent))])
            }
        },
        Op::PushUrl { replace, url } => obj(vec![
            ("op", s("PushUrl")),
            ("replace", Json::Bool(*replace)),
            ("url", s(url)),
        ]),
        Op::HookEvent { hid, name, payload } => obj(vec![
            ("op", s("HookEvent")),
            ("hid", n(*hid)),
            ("name", s(name)),
            ("payload", s(payload)),
        ]),
        Op::Focus(hid) => obj(vec![("op", s("Focus")), ("hid", n(*hid))]),
        Op::SetTitle(t) => obj(vec![("op", s("SetTitle")), ("title", s(t))]),
        Op::CookieTicket(t) => obj(vec![("op", s("CookieTicket")), ("ticket", s(t))]),
        Op::LoadScript(u) => obj(vec![("op", s("LoadScript")), ("url", s(u))]),
    }
}

fn op_from_json(j: &Json) -> Op {
    let p = match j.at("op").str() {
        "SetText" => Patch::SetText {
            parent: num(j, "parent"),
            index: num(j, "index"),
            text: string(j, "text"),
        },
        "SetAttr" => Patch::SetAttr {
            hid: num(j, "hid"),
            name: string(j, "name"),
            value: string(j, "value"),
        },
        "RemoveAttr" => Patch::RemoveAttr {
            hid: num(j, "hid"),
            name: string(j, "name"),
        },
        "SetPropStr" => Patch::SetProp {
            hid: num(j, "hid"),
            name: string(j, "name"),
            value: OwnedProp::Str(string(j, "value")),
        },
        "SetPropBool" => Patch::SetProp {
            hid: num(j, "hid"),
            name: string(j, "name"),
            value: OwnedProp::Bool(j.at("value").bool()),
        },
        "InsertChild" => Patch::InsertChild {
            parent: num(j, "parent"),
            index: num(j, "index"),
            html: string(j, "html"),
        },
        "RemoveChild" => Patch::RemoveChild {
            parent: num(j, "parent"),
            index: num(j, "index"),
        },
        "MoveChild" => Patch::MoveChild {
            parent: num(j, "parent"),
            from: num(j, "from"),
            to: num(j, "to"),
        },
        "ReplaceChild" => Patch::ReplaceChild {
            parent: num(j, "parent"),
            index: num(j, "index"),
            html: string(j, "html"),
        },
        "ReplaceNode" => Patch::ReplaceNode {
            hid: num(j, "hid"),
            html: string(j, "html"),
        },
        "SetInnerHtml" => Patch::SetInnerHtml {
            hid: num(j, "hid"),
            html: string(j, "html"),
        },
        "ClearChildren" => Patch::ClearChildren {
            parent: num(j, "parent"),
        },
        "PushUrl" => {
            return Op::PushUrl {
                replace: j.at("replace").bool(),
                url: string(j, "url"),
            }
        }
        "HookEvent" => {
            return Op::HookEvent {
                hid: num(j, "hid"),
                name: string(j, "name"),
                payload: string(j, "payload"),
            }
        }
        "Focus" => return Op::Focus(num(j, "hid")),
        "SetTitle" => return Op::SetTitle(string(j, "title")),
        "CookieTicket" => return Op::CookieTicket(string(j, "ticket")),
        "LoadScript" => return Op::LoadScript(string(j, "url")),
        o => panic!("unknown op {o}"),
    };
    Op::Patch(p)
}

fn status_num(s: HelloStatus) -> i128 {
    s as u8 as i128
}

/// The meaning of a server frame.
pub fn server_to_json(f: &ServerFrame) -> Json {
    match f {
        ServerFrame::ServerHello {
            version,
            status,
            session,
            last_event_seq,
        } => obj(vec![
            ("type", s("ServerHello")),
            ("version", n(*version)),
            ("status", n(status_num(*status))),
            ("session", s(session)),
            ("last_event_seq", n(*last_event_seq)),
        ]),
        ServerFrame::Patches { seq, ack, ops } => obj(vec![
            ("type", s("Patches")),
            ("seq", n(*seq)),
            ("ack", n(*ack)),
            ("ops", Json::Arr(ops.iter().map(op_to_json).collect())),
        ]),
        ServerFrame::Ack(x) => obj(vec![("type", s("Ack")), ("seq", n(*x))]),
        ServerFrame::Ping(x) => obj(vec![("type", s("Ping")), ("nonce", n(*x))]),
        ServerFrame::Pong(x) => obj(vec![("type", s("Pong")), ("nonce", n(*x))]),
        ServerFrame::Reject { seq, code } => obj(vec![
            ("type", s("Reject")),
            ("seq", n(*seq)),
            ("code", n(*code)),
        ]),
        ServerFrame::Close { code, reason } => obj(vec![
            ("type", s("Close")),
            ("code", n(*code)),
            ("reason", s(reason)),
        ]),
        ServerFrame::Error { code, message } => obj(vec![
            ("type", s("Error")),
            ("code", n(*code)),
            ("message", s(message)),
        ]),
    }
}

/// The server frame a meaning describes.
pub fn server_from_json(j: &Json) -> ServerFrame {
    match j.at("type").str() {
        "ServerHello" => ServerFrame::ServerHello {
            version: num(j, "version"),
            status: match num::<u8>(j, "status") {
                0 => HelloStatus::New,
                1 => HelloStatus::Resumed,
                2 => HelloStatus::Gone,
                x => panic!("bad status {x}"),
            },
            session: string(j, "session"),
            last_event_seq: num(j, "last_event_seq"),
        },
        "Patches" => ServerFrame::Patches {
            seq: num(j, "seq"),
            ack: num(j, "ack"),
            ops: j.at("ops").arr().iter().map(op_from_json).collect(),
        },
        "Ack" => ServerFrame::Ack(num(j, "seq")),
        "Ping" => ServerFrame::Ping(num(j, "nonce")),
        "Pong" => ServerFrame::Pong(num(j, "nonce")),
        "Reject" => ServerFrame::Reject {
            seq: num(j, "seq"),
            code: num(j, "code"),
        },
        "Close" => ServerFrame::Close {
            code: num(j, "code"),
            reason: string(j, "reason"),
        },
        "Error" => ServerFrame::Error {
            code: num(j, "code"),
            message: string(j, "message"),
        },
        t => panic!("unknown server frame type {t}"),
    }
}
