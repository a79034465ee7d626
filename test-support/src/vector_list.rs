//! The content of the shared test vectors: valid frames in both directions, invalid
//! frames with their error kind, and varint edge cases.

use vango::protocol::{ClientFrame, HelloStatus, Op, ServerFrame};
use vango::vdom::event::mods;
use vango::vdom::patch::{OwnedProp, Patch};
use vango::vdom::{Event, EventData};

/// Largest integer a JavaScript number holds exactly; the vectors stay at or below it.
pub const MAX_SAFE: u64 = (1 << 53) - 1;

fn ev(seq: u64, hid: u32, name: &'static str, data: EventData) -> ClientFrame {
    ClientFrame::Event {
        seq,
        event: Event { hid, name, data },
    }
}
fn st(s: &str) -> String {
    s.to_owned()
}
fn ptr(x: i32, y: i32, button: u8, mods: u8) -> EventData {
    EventData::Pointer { x, y, button, mods }
}
fn input(value: &str, checked: bool) -> EventData {
    EventData::Input {
        value: st(value),
        checked,
    }
}

/// Valid client → server frames, by name.
pub fn client_vectors() -> Vec<(&'static str, ClientFrame)> {
    vec![
        (
            "hello_new_session",
            ClientFrame::Hello {
                version: 2,
                csrf: st("tok3n"),
                session: st(""),
                last_patch_seq: 0,
                last_event_seq: 0,
                render_hash: 0xDEAD_BEEF,
                path: st("/"),
            },
        ),
        (
            "hello_resume_unicode_path",
            ClientFrame::Hello {
                version: 2,
                csrf: st("c5rf"),
                session: st("s-42"),
                last_patch_seq: 16384,
                last_event_seq: 127,
                render_hash: 128,
                path: st("/todo?filter=done&q=caf\u{e9}"),
            },
        ),
        ("click_no_coords", ev(1, 1, "click", ptr(0, 0, 0, 0))),
        (
            "click_coords_mods",
            ev(2, 300, "click", ptr(-1, 16384, 2, mods::SHIFT | mods::CTRL)),
        ),
        (
            "pointermove_mods_only",
            ev(3, 16383, "pointermove", ptr(0, 0, 0, mods::ALT)),
        ),
        (
            "contextmenu_extreme_coords",
            ev(4, 5, "contextmenu", ptr(i32::MIN, i32::MAX, 255, 0)),
        ),
        (
            "drop_negative_zigzag",
            ev(5, 6, "drop", ptr(-64, -65, 1, mods::META)),
        ),
        (
            "wheel",
            ev(6, 7, "wheel", EventData::Wheel { dx: -120, dy: 0 }),
        ),
        (
            "keydown_enter",
            ev(
                7,
                8,
                "keydown",
                EventData::Key {
                    key: st("Enter"),
                    mods: 0,
                    value: st("Buy milk"),
                },
            ),
        ),
        (
            "keyup_unicode_mods",
            ev(
                8,
                8,
                "keyup",
                EventData::Key {
                    key: st("\u{e9}"),
                    mods: mods::CTRL | mods::REPEAT,
                    value: st(""),
                },
            ),
        ),
        (
            "keypress_emoji",
            ev(
                9,
                8,
                "keypress",
                EventData::Key {
                    key: st("\u{1F600}"),
                    mods: 31,
                    value: st("caf\u{e9} \u{1F600}"),
                },
            ),
        ),
        ("input_value", ev(10, 9, "input", input("hello", false))),
        (
            "change_checked_empty",
            ev(11, 10, "change", input("", true)),
        ),
        (
            "input_unicode",
            ev(
                12,
                9,
                "input",
                input("\u{65e5}\u{672c}\u{8a9e} \u{2713} \"q\" \\ \n", false),
            ),
        ),
        (
            "submit_form",
            ev(
                13,
                11,
                "submit",
                EventData::Form(vec![
                    (st("title"), st("Buy milk")),
                    (st("done"), st("on")),
                    (st("note"), st("")),
                ]),
            ),
        ),
        (
            "submit_empty_form",
            ev(14, 11, "submit", EventData::Form(vec![])),
        ),
        ("focus_none", ev(15, 12, "focus", EventData::None)),
        (
            "blur_max_hid",
            ev(16, u32::MAX, "blur", input("draft", false)),
        ),
        ("focusout_checked", ev(16, 9, "focusout", input("on", true))),
        (
            "change_select_multiple",
            ev(
                16,
                9,
                "change",
                EventData::Selected(vec![st("red"), st(""), st("\u{e9}")]),
            ),
        ),
        (
            "change_select_multiple_none",
            ev(16, 9, "change", EventData::Selected(vec![])),
        ),
        (
            "scroll",
            ev(
                17,
                13,
                "scroll",
                EventData::Scroll {
                    top: 16383,
                    left: 0,
                },
            ),
        ),
        (
            "timeupdate_max",
            ev(18, 14, "timeupdate", EventData::Media { time_ms: u32::MAX }),
        ),
        (
            "hook_event",
            ev(
                19,
                15,
                "hook",
                EventData::Hook {
                    name: st("chart:click"),
                    payload: st("{\"i\":3}"),
                },
            ),
        ),
        (
            "navigate",
            ev(
                20,
                0,
                "navigate",
                EventData::Navigate(st("/users/7?tab=posts")),
            ),
        ),
        (
            "compositionend_last_code",
            ev(21, 16, "compositionend", input("\u{304b}", false)),
        ),
        (
            "event_seq_max_safe",
            ev(MAX_SAFE, 1, "click", ptr(0, 0, 0, 0)),
        ),
        ("ping_zero", ClientFrame::Ping(0)),
        ("ping_max_safe", ClientFrame::Ping(MAX_SAFE)),
        ("pong_127", ClientFrame::Pong(127)),
        (
            "resync_128",
            ClientFrame::Resync {
                last_patch_seq: 128,
            },
        ),
        (
            "close_normal",
            ClientFrame::Close {
                code: 0,
                reason: st("bye"),
            },
        ),
        (
            "close_empty_reason",
            ClientFrame::Close {
                code: 9,
                reason: st(""),
            },
        ),
    ]
}

fn p(patch: Patch) -> Op {
    Op::Patch(patch)
}

/// One of every op, in code order.
pub fn every_op() -> Vec<Op> {
    vec![
        p(Patch::SetText {
            parent: 1,
            index: 0,
            text: st("Count: 1"),
        }),
        p(Patch::SetAttr {
            hid: 2,
            name: st("class"),
            value: st("btn active"),
        }),
        p(Patch::RemoveAttr {
            hid: 2,
            name: st("disabled"),
        }),
        p(Patch::SetProp {
            hid: 3,
            name: st("value"),
            value: OwnedProp::Str(st("typed")),
        }),
        p(Patch::SetProp {
            hid: 4,
            name: st("checked"),
            value: OwnedProp::Bool(true),
        }),
        p(Patch::InsertChild {
            parent: 5,
            index: 2,
            html: st("<li data-hid=\"9\">new</li>"),
        }),
        p(Patch::RemoveChild {
            parent: 5,
            index: 0,
        }),
        p(Patch::MoveChild {
            parent: 5,
            from: 3,
            to: 0,
        }),
        p(Patch::ReplaceChild {
            parent: 5,
            index: 1,
            html: st("<b>x &amp; y</b>"),
        }),
        p(Patch::ReplaceNode {
            hid: 6,
            html: st("<p data-hid=\"6\">gone</p>"),
        }),
        p(Patch::SetInnerHtml {
            hid: 7,
            html: st("<em>raw</em>"),
        }),
        p(Patch::ClearChildren { parent: 300 }),
        Op::PushUrl {
            replace: false,
            url: st("/page/2"),
        },
        Op::HookEvent {
            hid: 8,
            name: st("scrollTo"),
            payload: st("{\"y\":0}"),
        },
        Op::Focus(9),
        Op::SetTitle(st("Inbox (3)")),
        Op::CookieTicket(st("6756e100..0.ab")),
    ]
}

/// Valid server → client frames, by name.
pub fn server_vectors() -> Vec<(&'static str, ServerFrame)> {
    let patches = |seq, ack, ops| ServerFrame::Patches { seq, ack, ops };
    vec![
        (
            "server_hello_new",
            ServerFrame::ServerHello {
                version: 2,
                status: HelloStatus::New,
                session: st("s-42"),
                last_event_seq: 0,
            },
        ),
        (
            "server_hello_resumed",
            ServerFrame::ServerHello {
                version: 2,
                status: HelloStatus::Resumed,
                session: st("s-42"),
                last_event_seq: 300,
            },
        ),
        (
            "server_hello_gone",
            ServerFrame::ServerHello {
                version: 2,
                status: HelloStatus::Gone,
                session: st(""),
                last_event_seq: 0,
            },
        ),
        (
            "patches_set_text_counter",
            patches(
                1,
                1,
                vec![p(Patch::SetText {
                    parent: 3,
                    index: 0,
                    text: st("Count: 1"),
                })],
            ),
        ),
        ("patches_every_op", patches(16384, 16383, every_op())),
        ("patches_empty", patches(1, 0, vec![])),
        (
            "patches_unicode_text",
            patches(
                2,
                2,
                vec![p(Patch::SetText {
                    parent: 4,
                    index: 1,
                    text: st("h\u{e9}llo \u{1F600} \u{65e5}\u{672c}"),
                })],
            ),
        ),
        (
            "patches_prop_bool_false_and_replace_url",
            patches(
                3,
                3,
                vec![
                    p(Patch::SetProp {
                        hid: 4,
                        name: st("checked"),
                        value: OwnedProp::Bool(false),
                    }),
                    Op::PushUrl {
                        replace: true,
                        url: st("/?q=caf\u{e9}"),
                    },
                    Op::Focus(u32::MAX),
                ],
            ),
        ),
        // A select's selection restated after its options moved (PROTOCOL.md, patch ops):
        // the option a fresh render selects, or none in a list box.
        (
            "patches_select_restated",
            patches(
                4,
                4,
                vec![
                    p(Patch::MoveChild {
                        parent: 2,
                        from: 2,
                        to: 0,
                    }),
                    p(Patch::SetProp {
                        hid: 5,
                        name: st("selected"),
                        value: OwnedProp::Bool(true),
                    }),
                    p(Patch::SetProp {
                        hid: 6,
                        name: st("selectedIndex"),
                        value: OwnedProp::Str(st("-1")),
                    }),
                ],
            ),
        ),
        ("ack_zero", ServerFrame::Ack(0)),
        ("ack_u32_max", ServerFrame::Ack(u32::MAX as u64)),
        ("ping", ServerFrame::Ping(16383)),
        ("pong_max_safe", ServerFrame::Pong(MAX_SAFE)),
        ("reject", ServerFrame::Reject { seq: 5, code: 10 }),
        (
            "close_shutdown",
            ServerFrame::Close {
                code: 9,
                reason: st("shutting down"),
            },
        ),
        (
            "error_unicode",
            ServerFrame::Error {
                code: 8,
                message: st("panic: \u{1F4A5}"),
            },
        ),
    ]
}

/// Invalid frames: (name, dir, bytes, error kind).
pub fn invalid_vectors() -> Vec<(&'static str, &'static str, Vec<u8>, &'static str)> {
    let c = "c2s";
    let s = "s2c";
    vec![
        ("empty_c2s", c, vec![], "Truncated"),
        ("unknown_type_00", c, vec![0x00], "UnknownFrame"),
        ("unknown_type_7f", c, vec![0x7f, 0x01], "UnknownFrame"),
        (
            "server_type_sent_by_client",
            c,
            vec![0x83, 0x01],
            "UnknownFrame",
        ),
        ("event_truncated", c, vec![0x02, 0x01, 0x01], "Truncated"),
        (
            "click_truncated_payload",
            c,
            vec![0x02, 0x01, 0x01, 0x01],
            "Truncated",
        ),
        (
            "event_trailing_byte",
            c,
            vec![0x02, 0x01, 0x01, 0x01, 0x00, 0x00],
            "Trailing",
        ),
        (
            "event_code_zero",
            c,
            vec![0x02, 0x01, 0x01, 0x00],
            "UnknownEvent",
        ),
        (
            "event_code_86",
            c,
            vec![0x02, 0x01, 0x01, 86],
            "UnknownEvent",
        ),
        (
            "event_code_f5",
            c,
            vec![0x02, 0x01, 0x01, 0xf5],
            "UnknownEvent",
        ),
        (
            "seq_non_minimal",
            c,
            vec![0x02, 0x80, 0x00, 0x01, 0x01, 0x00],
            "Overlong",
        ),
        (
            "hid_overflows_u32",
            c,
            vec![0x02, 0x01, 0xff, 0xff, 0xff, 0xff, 0x10, 0x01, 0x00],
            "Overflow",
        ),
        (
            "hid_six_bytes",
            c,
            vec![0x02, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01, 0x00],
            "Overlong",
        ),
        (
            "ping_eleven_byte_varint",
            c,
            [vec![0x03], vec![0x80; 10], vec![0x00]].concat(),
            "Overlong",
        ),
        (
            "ping_u64_overflow",
            c,
            [vec![0x03], vec![0xff; 9], vec![0x02]].concat(),
            "Overflow",
        ),
        (
            "pointer_x_overflows_i32",
            c,
            vec![
                0x02, 0x01, 0x01, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x00,
            ],
            "Overflow",
        ),
        (
            "input_bad_utf8",
            c,
            vec![0x02, 0x01, 0x05, 30, 0x00, 0x02, 0xc3, 0x28],
            "BadUtf8",
        ),
        (
            "input_utf8_surrogate",
            c,
            vec![0x02, 0x01, 0x05, 30, 0x00, 0x03, 0xed, 0xa0, 0x80],
            "BadUtf8",
        ),
        (
            "input_utf8_overlong_nul",
            c,
            vec![0x02, 0x01, 0x05, 30, 0x00, 0x02, 0xc0, 0x80],
            "BadUtf8",
        ),
        (
            "input_string_past_end",
            c,
            vec![0x02, 0x01, 0x05, 30, 0x00, 0x05, b'a', b'b'],
            "Truncated",
        ),
        (
            "input_string_over_16k",
            c,
            vec![0x02, 0x01, 0x05, 30, 0x00, 0x81, 0x80, 0x01],
            "TooLarge",
        ),
        (
            "input_flags_3",
            c,
            vec![0x02, 0x01, 0x05, 30, 0x03, 0x00],
            "Invalid",
        ),
        (
            "selected_257_values",
            c,
            vec![0x02, 0x01, 0x05, 31, 0x02, 0x81, 0x02],
            "TooMany",
        ),
        (
            "selected_count_past_end",
            c,
            vec![0x02, 0x01, 0x05, 31, 0x02, 0x02, 0x00],
            "Truncated",
        ),
        (
            "key_value_missing",
            c,
            vec![0x02, 0x01, 0x05, 23, 0x00, 0x01, b'a'],
            "Truncated",
        ),
        (
            "key_unknown_mod_bit",
            c,
            vec![0x02, 0x01, 0x05, 23, 0x20, 0x01, b'a'],
            "Invalid",
        ),
        (
            "pointer_unknown_mod_bit",
            c,
            vec![0x02, 0x01, 0x05, 1, 0x40],
            "Invalid",
        ),
        (
            "form_257_fields",
            c,
            vec![0x02, 0x01, 0x05, 32, 0x81, 0x02],
            "TooMany",
        ),
        (
            "form_count_past_end",
            c,
            vec![0x02, 0x01, 0x05, 32, 0x05, 0x00, 0x00],
            "Truncated",
        ),
        ("hello_truncated", c, vec![0x01, 0x01, 0x00], "Truncated"),
        (
            "close_reason_past_end",
            c,
            vec![0x06, 0x00, 0x03, b'b'],
            "Truncated",
        ),
        ("empty_s2c", s, vec![], "Truncated"),
        ("unknown_type_80", s, vec![0x80], "UnknownFrame"),
        (
            "client_type_sent_by_server",
            s,
            vec![0x02, 0x01, 0x01, 0x01, 0x00],
            "UnknownFrame",
        ),
        ("ack_trailing", s, vec![0x83, 0x01, 0x00], "Trailing"),
        (
            "unknown_op_0d",
            s,
            vec![0x82, 0x01, 0x01, 0x01, 0x0d, 0x01],
            "UnknownOp",
        ),
        (
            "unknown_op_00",
            s,
            vec![0x82, 0x01, 0x01, 0x01, 0x00, 0x01],
            "UnknownOp",
        ),
        (
            "ops_100001",
            s,
            vec![0x82, 0x01, 0x01, 0xa1, 0x8d, 0x06],
            "TooMany",
        ),
        (
            "ops_count_past_end",
            s,
            vec![0x82, 0x01, 0x01, 0x03, 0x22, 0x01],
            "Truncated",
        ),
        (
            "ops_fewer_than_count",
            s,
            vec![0x82, 0x01, 0x01, 0x02, 0x22, 0x01, 0x22],
            "Truncated",
        ),
        (
            "prop_bool_2",
            s,
            vec![0x82, 0x01, 0x01, 0x01, 0x05, 0x01, 0x01, b'x', 0x02],
            "Invalid",
        ),
        (
            "push_url_mode_2",
            s,
            vec![0x82, 0x01, 0x01, 0x01, 0x20, 0x02, 0x00],
            "Invalid",
        ),
        (
            "hello_status_3",
            s,
            vec![0x81, 0x01, 0x03, 0x00, 0x00],
            "Invalid",
        ),
        (
            "set_text_bad_utf8",
            s,
            vec![0x82, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x01, 0xff],
            "BadUtf8",
        ),
        // A lone surrogate (CESU-8) and an overlong NUL: what a Rust string can never
        // hold, so a decoder must refuse them rather than make one up.
        (
            "set_text_utf8_surrogate",
            s,
            vec![
                0x82, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x03, 0xed, 0xa0, 0x80,
            ],
            "BadUtf8",
        ),
        (
            "set_attr_utf8_overlong_nul",
            s,
            vec![
                0x82, 0x01, 0x01, 0x01, 0x02, 0x01, 0x01, 0x61, 0x02, 0xc0, 0x80,
            ],
            "BadUtf8",
        ),
        (
            "patches_count_non_minimal",
            s,
            vec![0x82, 0x01, 0x01, 0x81, 0x00, 0x22, 0x01],
            "Overlong",
        ),
    ]
}

/// Varint edge cases: (type, value, encoding).
pub fn varint_vectors() -> Vec<(&'static str, i128)> {
    let mut v: Vec<(&'static str, i128)> = [
        0u64,
        1,
        127,
        128,
        255,
        300,
        16383,
        16384,
        2097151,
        2097152,
        268435455,
        268435456,
        u32::MAX as u64,
    ]
    .iter()
    .map(|&x| ("u32", x as i128))
    .collect();
    v.extend(
        [u32::MAX as u64 + 1, 1 << 35, MAX_SAFE]
            .iter()
            .map(|&x| ("u64", x as i128)),
    );
    v.extend(
        [
            0i32,
            -1,
            1,
            -2,
            2,
            -64,
            63,
            64,
            -65,
            8191,
            -8192,
            i32::MAX,
            i32::MIN,
        ]
        .iter()
        .map(|&x| ("i32", x as i128)),
    );
    v
}

/// Invalid varints: (type, bytes, error kind).
pub fn invalid_varints() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        ("u32", vec![], "Truncated"),
        ("u32", vec![0x80], "Truncated"),
        ("u32", vec![0x80, 0x00], "Overlong"),
        ("u32", vec![0xff, 0x80, 0x00], "Overlong"),
        ("u32", vec![0xff, 0xff, 0xff, 0xff, 0x10], "Overflow"),
        ("u32", vec![0xff, 0xff, 0xff, 0xff, 0xff], "Overlong"),
        ("u32", vec![0x80, 0x80, 0x80, 0x80, 0x80, 0x00], "Overlong"),
        ("u64", [vec![0xff; 9], vec![0x02]].concat(), "Overflow"),
        ("u64", [vec![0x80; 10], vec![0x00]].concat(), "Overlong"),
        ("u64", vec![0x80; 10], "Overlong"),
        ("u64", vec![0x80; 9], "Truncated"),
    ]
}
