//! The shared test vectors (`tests/vectors/protocol.json`): every valid vector decodes to
//! its meaning and its meaning re-encodes to its bytes; every invalid vector fails with
//! its error kind; the events table matches `EVENTS`.
//!
//! `VANGO_WRITE_VECTORS=1 cargo test --test protocol_vectors` rewrites the file from
//! `test-support/src/vector_list.rs`.

use vango::protocol::varint;
use vango::protocol::{decode_client, decode_server, ClientFrame, ServerFrame};
use vango_test_support::json::Json;
use vango_test_support::{json, meaning, vector_list};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/protocol.json");

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn obj(m: Vec<(&str, Json)>) -> Json {
    Json::Obj(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn encode_varint(ty: &str, v: i128) -> Vec<u8> {
    let mut out = Vec::new();
    match ty {
        "u32" => varint::put_u32(&mut out, v as u32),
        "u64" => varint::put_u64(&mut out, v as u64),
        "i32" => varint::put_i32(&mut out, v as i32),
        _ => unreachable!(),
    }
    out
}

fn decode_varint(ty: &str, bytes: &[u8]) -> Result<(i128, usize), vango::protocol::DecodeError> {
    match ty {
        "u32" => varint::get_u32(bytes).map(|(v, n)| (v as i128, n)),
        "u64" => varint::get_u64(bytes).map(|(v, n)| (v as i128, n)),
        "i32" => varint::get_i32(bytes).map(|(v, n)| (v as i128, n)),
        t => panic!("unknown varint type {t}"),
    }
}

/// The whole vectors document, one entry per line.
fn generate() -> String {
    let mut lines: Vec<(&str, Vec<Json>)> = Vec::new();
    lines.push(("events", meaning::events_table().arr().to_vec()));
    let mut varints = Vec::new();
    for (ty, v) in vector_list::varint_vectors() {
        varints.push(obj(vec![
            ("type", Json::Str(ty.into())),
            ("value", Json::Num(v)),
            ("hex", Json::Str(hex(&encode_varint(ty, v)))),
        ]));
    }
    for (ty, bytes, err) in vector_list::invalid_varints() {
        varints.push(obj(vec![
            ("type", Json::Str(ty.into())),
            ("hex", Json::Str(hex(&bytes))),
            ("error", Json::Str(err.into())),
        ]));
    }
    lines.push(("varints", varints));
    let mut vectors = Vec::new();
    for (name, f) in vector_list::client_vectors() {
        let mut out = Vec::new();
        f.encode(&mut out);
        vectors.push(obj(vec![
            ("name", Json::Str(name.into())),
            ("dir", Json::Str("c2s".into())),
            ("hex", Json::Str(hex(&out))),
            ("frame", meaning::client_to_json(&f)),
        ]));
    }
    for (name, f) in vector_list::server_vectors() {
        let mut out = Vec::new();
        f.encode(&mut out);
        vectors.push(obj(vec![
            ("name", Json::Str(name.into())),
            ("dir", Json::Str("s2c".into())),
            ("hex", Json::Str(hex(&out))),
            ("frame", meaning::server_to_json(&f)),
        ]));
    }
    lines.push(("vectors", vectors));
    let invalid = vector_list::invalid_vectors()
        .into_iter()
        .map(|(name, dir, bytes, err)| {
            obj(vec![
                ("name", Json::Str(name.into())),
                ("dir", Json::Str(dir.into())),
                ("hex", Json::Str(hex(&bytes))),
                ("error", Json::Str(err.into())),
            ])
        })
        .collect();
    lines.push(("invalid", invalid));

    let mut out = format!("{{\n\"version\": {},\n", vango::protocol::VERSION);
    for (i, (key, items)) in lines.iter().enumerate() {
        out.push_str(&format!("\"{key}\": [\n"));
        for (j, item) in items.iter().enumerate() {
            item.write(&mut out);
            out.push_str(if j + 1 < items.len() { ",\n" } else { "\n" });
        }
        out.push_str(if i + 1 < lines.len() { "],\n" } else { "]\n" });
    }
    out.push_str("}\n");
    out
}

fn load() -> Json {
    if std::env::var_os("VANGO_WRITE_VECTORS").is_some() {
        std::fs::write(PATH, generate()).unwrap();
    }
    let text = std::fs::read_to_string(PATH).expect("tests/vectors/protocol.json");
    json::parse(&text).expect("vectors file is valid JSON")
}

#[test]
fn file_matches_the_vector_list() {
    let text = std::fs::read_to_string(PATH).unwrap();
    if std::env::var_os("VANGO_WRITE_VECTORS").is_none() {
        assert!(
            text == generate(),
            "stale vectors: rerun with VANGO_WRITE_VECTORS=1"
        );
    }
}

#[test]
fn valid_vectors_decode_to_their_meaning_and_reencode_to_their_bytes() {
    let doc = load();
    let vectors = doc.at("vectors").arr();
    assert!(vectors.len() >= 40, "only {} vectors", vectors.len());
    for v in vectors {
        let name = v.at("name").str();
        let bytes = unhex(v.at("hex").str());
        let mut again = Vec::new();
        match v.at("dir").str() {
            "c2s" => {
                let want: ClientFrame = meaning::client_from_json(v.at("frame"));
                assert_eq!(decode_client(&bytes).as_ref(), Ok(&want), "{name}");
                want.encode(&mut again);
            }
            "s2c" => {
                let want: ServerFrame = meaning::server_from_json(v.at("frame"));
                assert_eq!(decode_server(&bytes).as_ref(), Ok(&want), "{name}");
                want.encode(&mut again);
            }
            d => panic!("{name}: bad dir {d}"),
        }
        assert_eq!(hex(&again), hex(&bytes), "{name}: re-encoding differs");
    }
}

#[test]
fn vectors_cover_every_frame_type_event_class_and_op() {
    let doc = load();
    let mut seen = std::collections::BTreeSet::new();
    for v in doc.at("vectors").arr() {
        let f = v.at("frame");
        seen.insert(format!("{}:{}", v.at("dir").str(), f.at("type").str()));
        if let Some(ops) = f.get("ops") {
            for op in ops.arr() {
                seen.insert(format!("op:{}", op.at("op").str()));
            }
        }
        if let Some(e) = f.get("event") {
            let row = doc
                .at("events")
                .arr()
                .iter()
                .find(|r| r.at("name").str() == e.str())
                .unwrap();
            seen.insert(format!("class:{}", row.at("payload").str()));
        }
    }
    let want = [
        "c2s:Hello",
        "c2s:Event",
        "c2s:Ping",
        "c2s:Pong",
        "c2s:Resync",
        "c2s:Close",
        "s2c:ServerHello",
        "s2c:Patches",
        "s2c:Ack",
        "s2c:Ping",
        "s2c:Pong",
        "s2c:Reject",
        "s2c:Close",
        "s2c:Error",
        "class:None",
        "class:Input",
        "class:Form",
        "class:Key",
        "class:Pointer",
        "class:Wheel",
        "class:Scroll",
        "class:Media",
        "class:Hook",
        "class:Navigate",
        "op:SetText",
        "op:SetAttr",
        "op:RemoveAttr",
        "op:SetPropStr",
        "op:SetPropBool",
        "op:InsertChild",
        "op:RemoveChild",
        "op:MoveChild",
        "op:ReplaceChild",
        "op:ReplaceNode",
        "op:SetInnerHtml",
        "op:ClearChildren",
        "op:PushUrl",
        "op:HookEvent",
        "op:Focus",
        "op:SetTitle",
        "op:CookieTicket",
    ];
    for w in want {
        assert!(seen.contains(w), "no vector for {w}");
    }
}

#[test]
fn invalid_vectors_fail_with_their_error_kind() {
    let doc = load();
    let invalid = doc.at("invalid").arr();
    assert!(invalid.len() >= 30);
    for v in invalid {
        let name = v.at("name").str();
        let bytes = unhex(v.at("hex").str());
        let got = match v.at("dir").str() {
            "c2s" => decode_client(&bytes).map(|_| ()),
            "s2c" => decode_server(&bytes).map(|_| ()),
            d => panic!("{name}: bad dir {d}"),
        };
        let err = got.expect_err(name);
        assert_eq!(err.kind(), v.at("error").str(), "{name}: {err}");
    }
}

#[test]
fn varint_vectors() {
    let doc = load();
    let mut valid = 0;
    for v in doc.at("varints").arr() {
        let ty = v.at("type").str();
        let bytes = unhex(v.at("hex").str());
        match v.get("error") {
            None => {
                let value = v.at("value").num();
                assert_eq!(
                    decode_varint(ty, &bytes),
                    Ok((value, bytes.len())),
                    "{ty} {value}"
                );
                assert_eq!(encode_varint(ty, value), bytes, "{ty} {value}");
                valid += 1;
            }
            Some(e) => {
                let err = decode_varint(ty, &bytes).expect_err(v.at("hex").str());
                assert_eq!(err.kind(), e.str(), "{ty} {}", v.at("hex").str());
            }
        }
    }
    assert!(valid >= 20);
}

#[test]
fn events_table_matches_event_rs() {
    let doc = load();
    let rows = doc.at("events").arr();
    let table = vango::vdom::event::EVENTS;
    assert_eq!(rows.len(), table.len() + 2);
    for (i, (name, class)) in table.iter().enumerate() {
        assert_eq!(rows[i].at("name").str(), *name);
        assert_eq!(rows[i].at("code").num(), i as i128 + 1);
        assert_eq!(rows[i].at("payload").str(), meaning::class_name(*class));
    }
    assert_eq!(rows[table.len()].at("code").num(), 0xF0);
    assert_eq!(rows[table.len() + 1].at("code").num(), 0xF1);
}

#[test]
fn hand_checked_bytes() {
    // Independent of the encoder: these are read off PROTOCOL.md.
    let doc = load();
    let find = |name: &str| {
        doc.at("vectors")
            .arr()
            .iter()
            .find(|v| v.at("name").str() == name)
            .unwrap()
            .at("hex")
            .str()
            .to_owned()
    };
    assert_eq!(find("click_no_coords"), "0201010100");
    assert_eq!(
        find("patches_set_text_counter"),
        "8201010101030008436f756e743a2031"
    );
    assert_eq!(find("ack_u32_max"), "83ffffffff0f");
    assert_eq!(find("wheel"), "020607".to_owned() + "0c" + "ef01" + "00");
    assert_eq!(
        find("navigate"),
        "021400f112".to_owned() + &hex(b"/users/7?tab=posts")
    );
}
