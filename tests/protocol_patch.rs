//! `PatchEncoder`: the frame it builds decodes to the same ops an owned sink records,
//! the buffer is reused, and the SetText budget holds.

use vango_test_support::gen;

use fastrand::Rng;
use vango::protocol::{decode_server, Op, PatchEncoder, ServerFrame};
use vango::vdom::patch::{OwnedProp, Patch, PatchSink, PropValue};
use vango::vdom::VNode;

/// Replays an owned patch into any sink.
fn replay(p: &Patch, sink: &mut impl PatchSink) {
    let node = VNode::Text("t".into());
    match p {
        Patch::SetText {
            parent,
            index,
            text,
        } => sink.set_text(*parent, *index, text),
        Patch::SetAttr { hid, name, value } => sink.set_attr(*hid, name, value),
        Patch::RemoveAttr { hid, name } => sink.remove_attr(*hid, name),
        Patch::SetProp {
            hid,
            name,
            value: OwnedProp::Str(s),
        } => sink.set_prop(*hid, name, PropValue::Str(s)),
        Patch::SetProp {
            hid,
            name,
            value: OwnedProp::Bool(b),
        } => sink.set_prop(*hid, name, PropValue::Bool(*b)),
        Patch::InsertChild { parent, index, .. } => sink.insert_child(*parent, *index, &node),
        Patch::RemoveChild { parent, index } => sink.remove_child(*parent, *index),
        Patch::MoveChild { parent, from, to } => sink.move_child(*parent, *from, *to),
        Patch::ReplaceChild { parent, index, .. } => sink.replace_child(*parent, *index, &node),
        Patch::ReplaceNode { hid, .. } => sink.replace_node(*hid, &node),
        Patch::SetInnerHtml { hid, html } => sink.set_inner_html(*hid, html),
        Patch::ClearChildren { parent } => sink.clear_children(*parent),
    }
}

#[test]
fn encoder_frames_decode_to_what_an_owned_sink_records() {
    let mut enc = PatchEncoder::new();
    for seed in 0..3000 {
        let mut r = Rng::with_seed(seed);
        let (seq, ack) = (gen::u64v(&mut r), gen::u64v(&mut r));
        enc.begin(seq, ack);
        assert!(enc.is_empty());
        let mut owned: Vec<Patch> = Vec::new();
        let mut extra: Vec<Op> = Vec::new();
        let mut want: Vec<Op> = Vec::new();
        for _ in 0..r.usize(0..20) {
            match gen::op(&mut r) {
                Op::Patch(p) => {
                    replay(&p, &mut enc);
                    replay(&p, &mut owned);
                    want.push(Op::Patch(owned.last().unwrap().clone()));
                }
                op => {
                    match &op {
                        Op::PushUrl { replace, url } => enc.push_url(*replace, url),
                        Op::HookEvent { hid, name, payload } => enc.hook_event(*hid, name, payload),
                        Op::Focus(hid) => enc.focus(*hid),
                        Op::SetTitle(t) => enc.set_title(t),
                        Op::CookieTicket(t) => enc.cookie_ticket(t),
                        Op::LoadScript(u) => enc.load_script(u),
                        Op::Patch(_) => unreachable!(),
                    }
                    extra.push(op.clone());
                    want.push(op);
                }
            }
        }
        assert_eq!(enc.op_count() as usize, want.len(), "seed {seed}");
        assert_eq!(enc.is_empty(), want.is_empty(), "seed {seed}");
        let frame = enc.finish().to_vec();
        let expect = ServerFrame::Patches {
            seq,
            ack,
            ops: want,
        };
        assert_eq!(decode_server(&frame).as_ref(), Ok(&expect), "seed {seed}");
        // The owned encoder writes the same bytes.
        let mut owned_bytes = Vec::new();
        expect.encode(&mut owned_bytes);
        assert_eq!(frame, owned_bytes, "seed {seed}");
        let header = frame.len() - enc.ops_len();
        assert!((4..=26).contains(&header), "seed {seed}: header {header}");
    }
}

#[test]
fn finish_twice_and_ops_after_finish() {
    let mut enc = PatchEncoder::new();
    enc.begin(7, 6);
    enc.focus(1);
    let one = enc.finish().to_vec();
    assert_eq!(enc.finish(), &one[..]);
    enc.set_title("x");
    let two = decode_server(enc.finish()).unwrap();
    assert_eq!(
        two,
        ServerFrame::Patches {
            seq: 7,
            ack: 6,
            ops: vec![Op::Focus(1), Op::SetTitle("x".into())]
        }
    );
}

#[test]
fn ops_without_begin_form_a_seq_zero_frame() {
    let mut enc = PatchEncoder::new();
    enc.remove_child(3, 1);
    assert_eq!(
        decode_server(enc.finish()),
        Ok(ServerFrame::Patches {
            seq: 0,
            ack: 0,
            ops: vec![Op::Patch(Patch::RemoveChild {
                parent: 3,
                index: 1
            })]
        })
    );
}

#[test]
fn the_buffer_is_reused_and_can_be_released() {
    let mut enc = PatchEncoder::with_capacity(64);
    enc.begin(1, 1);
    for i in 0..100 {
        enc.set_text(1, i, "some text here");
    }
    enc.finish();
    let cap = enc.capacity();
    enc.begin(2, 2);
    enc.set_text(1, 0, "x");
    assert_eq!(enc.capacity(), cap, "begin keeps the buffer");
    assert_eq!(
        decode_server(enc.finish()).map(|f| matches!(f, ServerFrame::Patches { seq: 2, .. })),
        Ok(true)
    );
    enc.shrink();
    assert_eq!(enc.capacity(), 0);
}

#[test]
fn set_text_frame_fits_the_12_byte_budget() {
    let mut enc = PatchEncoder::new();
    for seq in [1u64, 127, 128, 16383] {
        for parent in [1u32, 127, 128, 16383] {
            for text in [
                "",
                "Count: 1",
                &"x".repeat(127),
                &"y".repeat(128),
                &"z".repeat(16383),
            ] {
                enc.begin(seq, seq);
                enc.set_text(parent, 0, text);
                let n = enc.finish().len();
                assert!(
                    n <= 12 + text.len(),
                    "seq {seq} parent {parent} len {}: {n}",
                    text.len()
                );
            }
        }
    }
    enc.begin(1, 1);
    enc.set_text(3, 0, "Count: 1");
    assert_eq!(enc.finish().len(), 8 + "Count: 1".len());
}

#[test]
fn subtrees_travel_as_their_ssr_html() {
    use vango::vdom::{Attr, AttrValue, Element};
    let mut li = Element::new("li");
    li.hid = 9;
    li.attrs.push(Attr {
        name: "class".into(),
        value: AttrValue::Str("a&b".into()),
    });
    li.children.push(VNode::Text("1 < 2 😀".into()));
    let node = VNode::Element(Box::new(li));
    let html = vango::render::to_html(&node);
    assert!(html.contains("data-hid=\"9\""), "{html}");
    let mut enc = PatchEncoder::new();
    enc.begin(1, 0);
    enc.insert_child(3, 0, &node);
    enc.replace_node(9, &node);
    enc.replace_child(3, 0, &node);
    let want = vec![
        Op::Patch(Patch::InsertChild {
            parent: 3,
            index: 0,
            html: html.clone(),
        }),
        Op::Patch(Patch::ReplaceNode {
            hid: 9,
            html: html.clone(),
        }),
        Op::Patch(Patch::ReplaceChild {
            parent: 3,
            index: 0,
            html,
        }),
    ];
    assert_eq!(
        decode_server(enc.finish()),
        Ok(ServerFrame::Patches {
            seq: 1,
            ack: 0,
            ops: want
        })
    );
}
