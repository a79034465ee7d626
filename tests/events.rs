//! Value-carrying events and `focus` over real sockets: a key event's value and
//! modifiers, blur with the value, a `<select multiple>`'s values, typed values, hook
//! events by name, the Focus op after a step's patches (from a handler and from a task),
//! `push_hook` (HookEvent ops after the patches, in order, bounded), and the protocol
//! version in the Hello.

use std::time::Duration;

use vango::prelude::*;
use vango::protocol::{ClientFrame, Op, ServerFrame};
use vango::vdom::event::mods;
use vango::vdom::Patch;
use vango::App;
use vango_test_support::client::{attr, page, set_texts, Client, PageInfo};

fn page_view() -> impl Render {
    let shown = signal(String::from("-"));
    let editing = signal(false);
    let controlled = signal(String::new());
    move || {
        let show = move |s: String| shown.set(s);
        div((
            p(shown.get()).id("shown"),
            input()
                .id("todo")
                .on_keydown_keys(&["Enter", "Escape"], move |e| {
                    let m = format!("{}{}{}", e.ctrl() as u8, e.shift() as u8, e.alt() as u8);
                    show(format!("{}:{}:{m}", e.key(), e.value()));
                })
                .on_blur(move |e| show(format!("blur:{}", e.value()))),
            select(())
                .id("colors")
                .attr("multiple", "")
                .on_change(move |e| show(format!("sel:{}", e.values().join(",")))),
            input()
                .id("qty")
                .on_input(move |e| show(format!("n:{:?}", e.number())))
                .on_change(move |e| show(format!("d:{:?}", e.date().map(|d| d.to_string())))),
            div(())
                .id("hooked")
                .attr("data-hook", "H")
                .on_hook("a", move |e| show(format!("a:{}", e.value())))
                .on_hook("b", move |e| show(format!("b:{}", e.value()))),
            button("focus").id("focus").on_click(|_| focus("todo")),
            button("edit").id("edit").on_click(move |_| {
                editing.set(true);
                focus("editor");
            }),
            button("later").id("later").on_click(|_| {
                spawn_task(async {
                    async_io::Timer::after(Duration::from_millis(30)).await;
                    focus("todo");
                });
            }),
            button("nowhere")
                .id("nowhere")
                .on_click(|_| focus("no-such-id")),
            input()
                .id("controlled")
                .value(controlled.get())
                .on_keydown_keys(&["Enter"], move |_| controlled.set(String::new())),
            button("push").id("push").on_click(move |_| {
                editing.set(true);
                push_hook("editor", "ready", "1");
                push_hook("no-such-id", "x", "y");
                focus("editor");
                push_hook("hooked", "zoom", "2");
            }),
            button("flood").id("flood").on_click(|_| {
                push_hook("hooked", "big", "x".repeat(65 * 1024));
                for i in 0..70 {
                    push_hook("hooked", "n", i.to_string());
                }
            }),
            editing.get().then(|| input().id("editor")),
        ))
    }
}

fn open() -> (vango::server::RunningServer, PageInfo, Client) {
    let srv = App::new()
        .page("/", page_view)
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let info = page(srv.local_addr());
    let c = Client::open(srv.local_addr(), &info);
    (srv, info, c)
}

fn send(c: &mut Client, seq: u64, hid: u32, name: &'static str, data: EventData) -> ServerFrame {
    c.send(ClientFrame::Event {
        seq,
        event: Event { hid, name, data },
    });
    c.recv().expect("an answer")
}

fn shown(f: &ServerFrame) -> String {
    set_texts(f, None).join("|")
}

fn ops(f: &ServerFrame) -> &[Op] {
    match f {
        ServerFrame::Patches { ops, .. } => ops,
        other => panic!("expected Patches, got {other:?}"),
    }
}

#[test]
fn key_events_carry_key_value_and_modifiers() {
    let (_srv, info, mut c) = open();
    let key = |key: &str, mods, value: &str| EventData::Key {
        key: key.into(),
        mods,
        value: value.into(),
    };
    let todo = info.hid("todo");
    let f = send(&mut c, 1, todo, "keydown", key("Enter", 0, "Buy milk"));
    assert_eq!(shown(&f), "Enter:Buy milk:000");
    let f = send(
        &mut c,
        2,
        todo,
        "keydown",
        key("Escape", mods::CTRL | mods::ALT, "x"),
    );
    assert_eq!(shown(&f), "Escape:x:101");
    let blur = EventData::Input {
        value: "draft".into(),
        checked: false,
    };
    assert_eq!(shown(&send(&mut c, 3, todo, "blur", blur)), "blur:draft");
}

#[test]
fn select_multiple_and_typed_values() {
    let (_srv, info, mut c) = open();
    let sel = EventData::Selected(vec!["red".into(), "blue".into()]);
    let f = send(&mut c, 1, info.hid("colors"), "change", sel);
    assert_eq!(shown(&f), "sel:red,blue");
    let input = |v: &str| EventData::Input {
        value: v.into(),
        checked: false,
    };
    let qty = info.hid("qty");
    assert_eq!(
        shown(&send(&mut c, 2, qty, "input", input("2.5"))),
        "n:Some(2.5)"
    );
    assert_eq!(shown(&send(&mut c, 3, qty, "input", input("x"))), "n:None");
    let f = send(&mut c, 4, qty, "change", input("2024-02-29"));
    assert_eq!(shown(&f), "d:Some(\"2024-02-29\")");
    let f = send(&mut c, 5, qty, "change", input("2023-02-29"));
    assert_eq!(shown(&f), "d:None");
}

#[test]
fn hook_events_reach_the_handler_of_their_name() {
    let (_srv, info, mut c) = open();
    let hook = |name: &str, payload: &str| EventData::Hook {
        name: name.into(),
        payload: payload.into(),
    };
    let h = info.hid("hooked");
    assert_eq!(
        shown(&send(&mut c, 1, h, "hook", hook("a", "[1]"))),
        "a:[1]"
    );
    assert_eq!(shown(&send(&mut c, 2, h, "hook", hook("b", "2"))), "b:2");
    // A name without a handler is accepted and changes nothing.
    assert_eq!(
        send(&mut c, 3, h, "hook", hook("c", "")),
        ServerFrame::Ack(3)
    );
}

#[test]
fn focus_from_a_handler_is_a_focus_op_after_the_patches() {
    let (_srv, info, mut c) = open();
    // Nothing re-renders: the frame is the Focus op alone.
    let f = send(&mut c, 1, info.hid("focus"), "click", EventData::None);
    assert_eq!(ops(&f), [Op::Focus(info.hid("todo"))]);
    // The element to focus is created by the same step: its insertion comes first.
    let f = send(&mut c, 2, info.hid("edit"), "click", EventData::None);
    let ops = ops(&f);
    let html = ops
        .iter()
        .find_map(|o| match o {
            Op::Patch(Patch::InsertChild { html, .. }) => Some(html.to_string()),
            _ => None,
        })
        .expect("the editor is inserted");
    let editor: u32 = attr(&html, "data-hid").parse().unwrap();
    assert_eq!(ops.last(), Some(&Op::Focus(editor)), "{ops:?}");
    // An id the page does not have sends nothing.
    let f = send(&mut c, 3, info.hid("nowhere"), "click", EventData::None);
    assert_eq!(f, ServerFrame::Ack(3));
}

#[test]
fn push_hook_sends_hook_events_after_the_patches_in_order() {
    let (_srv, info, mut c) = open();
    let f = send(&mut c, 1, info.hid("push"), "click", EventData::None);
    let ops = ops(&f);
    let html = ops
        .iter()
        .find_map(|o| match o {
            Op::Patch(Patch::InsertChild { html, .. }) => Some(html.to_string()),
            _ => None,
        })
        .expect("the editor is inserted");
    let editor: u32 = attr(&html, "data-hid").parse().unwrap();
    let hook = |hid: u32, name: &str, payload: &str| Op::HookEvent {
        hid,
        name: name.into(),
        payload: payload.into(),
    };
    // After the insertion, in the order the handler asked (focus too); the unknown id
    // sends nothing.
    assert_eq!(
        ops[ops.len() - 3..],
        [
            hook(editor, "ready", "1"),
            Op::Focus(editor),
            hook(info.hid("hooked"), "zoom", "2"),
        ],
        "{ops:?}"
    );
    assert!(matches!(ops[0], Op::Patch(_)), "{ops:?}");
}

#[test]
fn push_hook_is_bounded_per_step_and_per_payload() {
    let (_srv, info, mut c) = open();
    let f = send(&mut c, 1, info.hid("flood"), "click", EventData::None);
    let ops = ops(&f);
    // The oversized payload is dropped; 64 of the 70 small ones are sent, the first ones.
    assert_eq!(ops.len(), 64, "{}", ops.len());
    assert!(ops.iter().enumerate().all(|(i, o)| matches!(
        o,
        Op::HookEvent { name, payload, .. } if name == "n" && *payload == i.to_string()
    )));
}

#[test]
fn focus_from_a_task_arrives_in_its_own_frame() {
    let (_srv, info, mut c) = open();
    let f = send(&mut c, 1, info.hid("later"), "click", EventData::None);
    assert_eq!(f, ServerFrame::Ack(1));
    let f = c.try_recv(2000).expect("the task's frame");
    assert_eq!(ops(&f), [Op::Focus(info.hid("todo"))]);
}

#[test]
fn an_older_clients_hello_is_answered_with_an_error_so_that_it_reloads() {
    let (srv, info, _c) = open();
    let mut old = Client::connect(srv.local_addr());
    old.send(ClientFrame::Hello {
        version: vango::protocol::VERSION - 1,
        csrf: info.csrf.clone(),
        session: String::new(),
        last_patch_seq: 0,
        last_event_seq: 0,
        render_hash: info.hash,
        path: "/".into(),
    });
    // Error (every client reloads on it: the reload fetches the current bundle), then
    // the Close with the version code.
    match old.recv() {
        Some(ServerFrame::Error { code: 1, .. }) => {}
        other => panic!("expected an Error frame with code 1, got {other:?}"),
    }
    match old.recv() {
        Some(ServerFrame::Close { code: 1, .. }) => {}
        other => panic!("expected close code 1, got {other:?}"),
    }
}

#[test]
fn a_key_events_value_is_what_the_next_render_is_compared_with() {
    let (_srv, info, mut c) = open();
    // The field's text reached the server only with the Enter: clearing it must still
    // patch the browser's field, although the render's value ("") did not change.
    let enter = EventData::Key {
        key: "Enter".into(),
        mods: 0,
        value: "typed".into(),
    };
    let field = info.hid("controlled");
    let f = send(&mut c, 1, field, "keydown", enter);
    assert!(
        matches!(ops(&f), [Op::Patch(Patch::SetProp { hid, name, .. })] if *hid == field && name == "value"),
        "{f:?}"
    );
}
