//! Frames in both directions: random round trips, prefixes, mutations and random bytes
//! never panic, bounded allocation on hostile counts and lengths, and the wire budgets.

use vango_test_support::gen;

use fastrand::Rng;
use vango::protocol::{
    decode_client, decode_server, ClientFrame, DecodeError, ServerFrame, MAX_CLIENT_FRAME,
    MAX_CLIENT_STR, MAX_FORM_FIELDS, MAX_OPS, MAX_SERVER_FRAME,
};
use vango::vdom::{Event, EventData};

const SEEDS: u64 = 5000;

fn enc_c(f: &ClientFrame) -> Vec<u8> {
    let mut out = Vec::new();
    f.encode(&mut out);
    out
}

fn enc_s(f: &ServerFrame) -> Vec<u8> {
    let mut out = Vec::new();
    f.encode(&mut out);
    out
}

#[test]
fn client_frames_round_trip() {
    for seed in 0..SEEDS {
        let mut r = Rng::with_seed(seed);
        let f = gen::client_frame(&mut r);
        let bytes = enc_c(&f);
        assert_eq!(decode_client(&bytes), Ok(f), "seed {seed}");
    }
}

#[test]
fn server_frames_round_trip() {
    for seed in 0..SEEDS {
        let mut r = Rng::with_seed(seed);
        let f = gen::server_frame(&mut r);
        let bytes = enc_s(&f);
        assert_eq!(decode_server(&bytes), Ok(f), "seed {seed}");
    }
}

#[test]
fn every_strict_prefix_is_truncated() {
    for seed in 0..SEEDS / 5 {
        let mut r = Rng::with_seed(seed);
        let c = enc_c(&gen::client_frame(&mut r));
        for n in 0..c.len() {
            assert_eq!(
                decode_client(&c[..n]),
                Err(DecodeError::Truncated),
                "seed {seed} c2s prefix {n}"
            );
        }
        let s = enc_s(&gen::server_frame(&mut r));
        for n in 0..s.len() {
            assert_eq!(
                decode_server(&s[..n]),
                Err(DecodeError::Truncated),
                "seed {seed} s2c prefix {n}"
            );
        }
    }
}

#[test]
fn a_trailing_byte_is_an_error() {
    for seed in 0..SEEDS / 5 {
        let mut r = Rng::with_seed(seed);
        let mut c = enc_c(&gen::client_frame(&mut r));
        c.push(r.u8(..));
        assert_eq!(decode_client(&c), Err(DecodeError::Trailing), "seed {seed}");
        let mut s = enc_s(&gen::server_frame(&mut r));
        s.push(r.u8(..));
        assert_eq!(decode_server(&s), Err(DecodeError::Trailing), "seed {seed}");
    }
}

/// Whatever decodes, re-encodes to something that decodes to the same meaning.
fn check_mutant(bytes: &[u8], seed: u64) {
    if let Ok(f) = decode_client(bytes) {
        assert_eq!(
            decode_client(&enc_c(&f)),
            Ok(f),
            "seed {seed} c2s {bytes:02x?}"
        );
    }
    if let Ok(f) = decode_server(bytes) {
        assert_eq!(
            decode_server(&enc_s(&f)),
            Ok(f),
            "seed {seed} s2c {bytes:02x?}"
        );
    }
}

#[test]
fn mutated_frames_never_panic() {
    for seed in 0..SEEDS * 4 {
        let mut r = Rng::with_seed(seed);
        let mut bytes = if r.bool() {
            enc_c(&gen::client_frame(&mut r))
        } else {
            enc_s(&gen::server_frame(&mut r))
        };
        for _ in 0..r.usize(1..4) {
            if bytes.is_empty() {
                break;
            }
            let i = r.usize(0..bytes.len());
            match r.u8(0..4) {
                0 => bytes[i] ^= 1 << r.u8(0..8),
                1 => bytes[i] = r.u8(..),
                2 => {
                    bytes.remove(i);
                }
                _ => bytes.insert(i, r.u8(..)),
            }
        }
        check_mutant(&bytes, seed);
    }
}

#[test]
fn random_bytes_never_panic() {
    for seed in 0..SEEDS * 4 {
        let mut r = Rng::with_seed(seed);
        let len = r.usize(0..40);
        let mut bytes: Vec<u8> = (0..len).map(|_| r.u8(..)).collect();
        // Half the time start with a real frame type so the body decoders get exercised.
        if r.bool() && !bytes.is_empty() {
            bytes[0] = [0x01, 0x02, 0x03, 0x05, 0x06, 0x81, 0x82, 0x86, 0x87][r.usize(0..9)];
        }
        check_mutant(&bytes, seed);
    }
}

#[test]
fn frame_size_limits() {
    let big = vec![0x03; MAX_CLIENT_FRAME + 1];
    assert_eq!(
        decode_client(&big),
        Err(DecodeError::TooLarge {
            what: "frame",
            limit: MAX_CLIENT_FRAME
        })
    );
    let big = vec![0x83; MAX_SERVER_FRAME + 1];
    assert_eq!(
        decode_server(&big),
        Err(DecodeError::TooLarge {
            what: "frame",
            limit: MAX_SERVER_FRAME
        })
    );
    assert_eq!(
        DecodeError::TooLarge {
            what: "frame",
            limit: 1
        }
        .close_code(),
        3
    );
}

#[test]
fn client_string_limit_is_exact() {
    let at_limit = "x".repeat(MAX_CLIENT_STR);
    let f = ClientFrame::Close {
        code: 0,
        reason: at_limit.clone(),
    };
    assert_eq!(decode_client(&enc_c(&f)), Ok(f));
    let f = ClientFrame::Close {
        code: 0,
        reason: at_limit + "y",
    };
    assert_eq!(
        decode_client(&enc_c(&f)),
        Err(DecodeError::TooLarge {
            what: "string",
            limit: MAX_CLIENT_STR
        })
    );
}

fn submit(fields: usize) -> ClientFrame {
    let fields = (0..fields)
        .map(|i| (format!("f{i}"), String::new()))
        .collect();
    ClientFrame::Event {
        seq: 1,
        event: Event {
            hid: 1,
            name: "submit",
            data: EventData::Form(fields),
        },
    }
}

#[test]
fn form_field_limit_is_exact() {
    let ok = submit(MAX_FORM_FIELDS);
    assert_eq!(decode_client(&enc_c(&ok)), Ok(ok));
    assert_eq!(
        decode_client(&enc_c(&submit(MAX_FORM_FIELDS + 1))),
        Err(DecodeError::TooMany {
            what: "form fields",
            limit: MAX_FORM_FIELDS
        })
    );
}

#[test]
fn op_limit_is_exact() {
    let frame = |n| ServerFrame::Patches {
        seq: 1,
        ack: 1,
        ops: vec![vango::protocol::Op::Focus(1); n],
    };
    let ok = frame(MAX_OPS);
    assert_eq!(decode_server(&enc_s(&ok)), Ok(ok));
    assert_eq!(
        decode_server(&enc_s(&frame(MAX_OPS + 1))),
        Err(DecodeError::TooMany {
            what: "ops",
            limit: MAX_OPS
        })
    );
}

#[test]
fn hostile_counts_and_lengths_fail_before_allocating() {
    // Claims: 100,000 ops in a 6-byte frame; a 4 GiB string; 256 fields in 2 bytes.
    assert_eq!(
        decode_server(&[0x82, 1, 1, 0xa0, 0x8d, 0x06]),
        Err(DecodeError::Truncated)
    );
    let mut s = vec![0x87, 0];
    vango::protocol::varint::put_u32(&mut s, u32::MAX);
    assert_eq!(
        decode_server(&s),
        Err(DecodeError::TooLarge {
            what: "string",
            limit: MAX_SERVER_FRAME
        })
    );
    let mut s = vec![0x87, 0];
    vango::protocol::varint::put_u32(&mut s, 1 << 20);
    assert_eq!(decode_server(&s), Err(DecodeError::Truncated));
    assert_eq!(
        decode_client(&[0x06, 0, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        Err(DecodeError::TooLarge {
            what: "string",
            limit: MAX_CLIENT_STR
        })
    );
    assert_eq!(
        decode_client(&[0x02, 1, 1, 32, 0x80, 0x02, 0, 0]),
        Err(DecodeError::Truncated)
    );
}

#[test]
fn decoded_capacity_is_justified_by_the_bytes() {
    for seed in 0..SEEDS / 5 {
        let mut r = Rng::with_seed(seed);
        let f = gen::server_frame(&mut r);
        let bytes = enc_s(&f);
        if let Ok(ServerFrame::Patches { ops, .. }) = decode_server(&bytes) {
            assert!(ops.capacity() <= ops.len().max(256), "seed {seed}");
            assert!(ops.len() <= bytes.len() / 2, "seed {seed}");
        }
    }
    let form = submit(MAX_FORM_FIELDS);
    if let Ok(ClientFrame::Event {
        event: Event {
            data: EventData::Form(f),
            ..
        },
        ..
    }) = decode_client(&enc_c(&form))
    {
        assert_eq!(f.capacity(), MAX_FORM_FIELDS);
    } else {
        panic!("form did not decode");
    }
}

#[test]
fn click_event_fits_the_8_byte_budget() {
    for seq in [1u64, 127, 128, 16383] {
        for hid in [1u32, 127, 128, 16383] {
            let click = ClientFrame::Event {
                seq,
                event: Event {
                    hid,
                    name: "click",
                    data: EventData::None,
                },
            };
            let n = enc_c(&click).len();
            assert!(n <= 8, "click seq {seq} hid {hid}: {n} bytes");
        }
    }
    let first = ClientFrame::Event {
        seq: 1,
        event: Event {
            hid: 1,
            name: "click",
            data: EventData::None,
        },
    };
    assert_eq!(enc_c(&first).len(), 5);
}

#[test]
fn unknown_event_name_encodes_a_code_the_decoder_rejects() {
    let f = ClientFrame::Event {
        seq: 1,
        event: Event {
            hid: 1,
            name: "nope",
            data: EventData::None,
        },
    };
    let err = decode_client(&enc_c(&f)).unwrap_err();
    assert_eq!(err, DecodeError::UnknownEvent(0));
    assert_eq!(err.close_code(), 10);
}

#[test]
fn mismatched_data_encodes_the_class_zero_value() {
    let f = ClientFrame::Event {
        seq: 1,
        event: Event {
            hid: 1,
            name: "keydown",
            data: EventData::None,
        },
    };
    let ClientFrame::Event { event, .. } = decode_client(&enc_c(&f)).unwrap() else {
        panic!()
    };
    assert_eq!(
        event.data,
        EventData::Key {
            key: String::new(),
            mods: 0,
            value: String::new(),
        }
    );
}

#[test]
fn errors_display_and_map_to_close_codes() {
    let all = [
        DecodeError::Truncated,
        DecodeError::Overlong,
        DecodeError::Overflow,
        DecodeError::TooLarge {
            what: "frame",
            limit: 9,
        },
        DecodeError::BadUtf8,
        DecodeError::UnknownFrame(9),
        DecodeError::UnknownEvent(9),
        DecodeError::UnknownOp(9),
        DecodeError::TooMany {
            what: "ops",
            limit: 9,
        },
        DecodeError::Invalid("x"),
        DecodeError::Trailing,
    ];
    for e in all {
        let text = e.to_string();
        assert!(!text.is_empty());
        let want = match e.kind() {
            "TooLarge" | "TooMany" => 3,
            "UnknownEvent" => 10,
            _ => 2,
        };
        assert_eq!(e.close_code(), want, "{text}");
        let _: &dyn std::error::Error = &e;
    }
}
