//! Route parameters (decoding, typed parsing), the `Uuid` shape, percent-decoding and
//! query strings: round-trip properties over random input, plus every bad-input case.

use std::borrow::Cow;

use vango::router::{
    percent_decode, EncodingError, Method, ParamError, Query, Router, Uuid, UuidError,
};

/// Percent-encodes every byte outside a small safe set (and `+` and space when `form`).
fn encode(s: &str, form: bool) -> String {
    let mut out = String::new();
    for &b in s.as_bytes() {
        match b {
            b' ' if form => out.push('+'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `%AB` escapes written `%ab`.
fn lower_hex(encoded: &str) -> String {
    let mut parts = encoded.split('%');
    let mut out = parts.next().unwrap_or("").to_string();
    for p in parts {
        out.push('%');
        out.push_str(&p[..2].to_lowercase());
        out.push_str(&p[2..]);
    }
    out
}

/// A random string over ASCII, spaces, separators and multi-byte characters.
fn random_text(rng: &mut fastrand::Rng) -> String {
    let alphabet = [
        'a', 'Z', '0', ' ', '+', '%', '&', '=', '/', '?', 'é', '€', '😀', '\u{7f}',
    ];
    (0..rng.usize(0..10))
        .map(|_| alphabet[rng.usize(..alphabet.len())])
        .collect()
}

#[test]
fn parameters_decode_and_round_trip() {
    let r = Router::new().route(Method::Get, "/:a/x/:b/*rest", ());
    for seed in 0..3000u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let vals: Vec<String> = (0..3)
            .map(|_| random_text(&mut rng))
            .filter(|v| !v.is_empty())
            .collect();
        if vals.len() < 3 {
            continue;
        }
        // Lowercase hex for some, to check both cases decode.
        let enc = |v: &str| {
            let e = encode(v, false);
            if seed % 2 == 0 {
                e
            } else {
                lower_hex(&e)
            }
        };
        let path = format!("/{}/x/{}/{}", enc(&vals[0]), enc(&vals[1]), enc(&vals[2]));
        let hit = r
            .at(Method::Get, &path)
            .unwrap_or_else(|e| panic!("seed {seed}: {path}: {e}"));
        let got: Vec<(&str, &str)> = hit.params.iter().collect();
        assert_eq!(
            got,
            [("a", &*vals[0]), ("b", &*vals[1]), ("rest", &*vals[2])],
            "seed {seed}: {path}"
        );
        assert_eq!(hit.params.len(), 3);
    }
}

#[test]
fn path_decoding_rules() {
    let r = Router::new()
        .route(Method::Get, "/f/:name", ())
        .route(Method::Get, "/s/*rest", ());
    let get = |p: &str, k: &str| {
        r.at(Method::Get, p)
            .map(|h| h.params.get(k).map(str::to_owned))
    };
    // `+` is a space only in query strings; `%2F` is a slash inside one segment.
    assert_eq!(get("/f/a+b", "name"), Ok(Some("a+b".into())));
    assert_eq!(get("/f/a%2Fb", "name"), Ok(Some("a/b".into())));
    assert_eq!(get("/f/%2e%2E", "name"), Ok(Some("..".into())));
    assert_eq!(get("/f/caf%C3%A9", "name"), Ok(Some("café".into())));
    assert_eq!(get("/f/%00", "name"), Ok(Some("\0".into())));
    assert_eq!(get("/s/a/%20/b", "rest"), Ok(Some("a/ /b".into())));
    assert_eq!(get("/f/x", "other"), Ok(None));
    let bad = |p: &str| r.at(Method::Get, p).unwrap_err();
    assert_eq!(bad("/f/%").status(), 400);
    assert_eq!(
        bad("/f/%4"),
        vango::router::Miss::BadEncoding(EncodingError::BadEscape { at: 3 })
    );
    assert_eq!(bad("/f/%+1").status(), 400);
    assert_eq!(
        bad("/f/%C3%28"),
        vango::router::Miss::BadEncoding(EncodingError::NotUtf8)
    );
    // A bad escape anywhere wins over bad UTF-8 earlier in the path.
    let long = format!("/f/%FF{}%zz", "a".repeat(100));
    assert_eq!(
        bad(&long),
        vango::router::Miss::BadEncoding(EncodingError::BadEscape { at: 106 })
    );
}

#[test]
fn typed_parameters_parse_or_fail_with_a_typed_error() {
    let r = Router::new().route(Method::Get, "/n/:v", ());
    let params = |p: &'static str| r.at(Method::Get, p).unwrap().params;
    assert_eq!(params("/n/42").parse::<u8>("v"), Ok(42));
    assert_eq!(params("/n/-7").parse::<i64>("v"), Ok(-7));
    assert_eq!(params("/n/+7").parse::<u32>("v"), Ok(7));
    assert_eq!(
        params("/n/hello%20you").parse::<String>("v"),
        Ok("hello you".to_string())
    );
    assert_eq!(params("/n/true").parse::<bool>("v"), Ok(true));
    let invalid = |p: &str, ty: &'static str| {
        let value = p.rsplit('/').next().unwrap().to_string();
        ParamError::Invalid {
            name: "v".into(),
            value,
            ty,
        }
    };
    assert_eq!(
        params("/n/256").parse::<u8>("v").unwrap_err(),
        invalid("/n/256", "u8")
    );
    assert_eq!(
        params("/n/-1").parse::<u32>("v").unwrap_err(),
        invalid("/n/-1", "u32")
    );
    assert_eq!(
        params("/n/1.5").parse::<i32>("v").unwrap_err(),
        invalid("/n/1.5", "i32")
    );
    assert_eq!(
        params("/n/x").parse::<u32>("w"),
        Err(ParamError::Missing { name: "w".into() })
    );
    let uuid = params("/n/67e55044-10b1-426f-9247-bb680e5fe0c8").parse::<Uuid>("v");
    assert_eq!(uuid.map(|u| u.as_bytes()[15]), Ok(0xc8));
    let err = params("/n/67e55044")
        .parse::<Uuid>("v")
        .unwrap_err()
        .to_string();
    // `type_name` spells the type's defining path, which is not promised stable.
    assert!(
        err.starts_with("parameter `v` is not a valid vango::router::"),
        "{err}"
    );
    assert!(err.ends_with("Uuid: \"67e55044\""), "{err}");
    assert_eq!(format!("{:?}", params("/n/a%20b")), r#"{"v": "a b"}"#);
}

#[test]
fn uuids_round_trip_and_reject_other_shapes() {
    for seed in 0..2000u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut bytes = [0u8; 16];
        bytes.iter_mut().for_each(|b| *b = rng.u8(..));
        let u = Uuid::from_bytes(bytes);
        let s = u.to_string();
        assert_eq!(s.len(), 36, "seed {seed}");
        assert_eq!(s.parse::<Uuid>(), Ok(u), "seed {seed}: {s}");
        assert_eq!(s.to_uppercase().parse::<Uuid>(), Ok(u), "seed {seed}: {s}");
        // Any one character changed to a non-hex, or a hyphen moved, is rejected.
        let mut b = s.clone().into_bytes();
        let i = rng.usize(..36);
        b[i] = if b[i] == b'-' { b'0' } else { b'g' };
        assert_eq!(
            String::from_utf8(b).unwrap().parse::<Uuid>(),
            Err(UuidError),
            "seed {seed}"
        );
    }
    let bad = [
        "",
        "67e55044-10b1-426f-9247-bb680e5fe0c",
        "67e55044-10b1-426f-9247-bb680e5fe0c80",
        "67e5504410b1-426f-9247-bb680e5fe0c8-",
        "{67e55044-10b1-426f-9247-bb680e5fe0}",
        "67e55044-10b1-426f-9247-bb680e5fe0+8",
        "67e55044-10b1-426f-9247-bb680e5fé0c",
        "67e55044 10b1 426f 9247 bb680e5fe0c8",
    ];
    for s in bad {
        assert_eq!(s.parse::<Uuid>(), Err(UuidError), "{s}");
    }
    assert_eq!(
        Uuid::default().to_string(),
        "00000000-0000-0000-0000-000000000000"
    );
    assert_eq!(
        format!("{:?}", Uuid::from_bytes([0xab; 16])),
        "Uuid(abababab-abab-abab-abab-abababababab)"
    );
}

#[test]
fn percent_decode_round_trips_and_borrows_when_it_can() {
    for seed in 0..3000u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let text = random_text(&mut rng);
        assert_eq!(
            percent_decode(&encode(&text, false)).as_deref(),
            Ok(&*text),
            "seed {seed}"
        );
    }
    assert!(matches!(percent_decode("a+b~"), Ok(Cow::Borrowed("a+b~"))));
    assert_eq!(percent_decode("%"), Err(EncodingError::BadEscape { at: 0 }));
    assert_eq!(
        percent_decode("ab%4"),
        Err(EncodingError::BadEscape { at: 2 })
    );
    assert_eq!(
        percent_decode("%-1"),
        Err(EncodingError::BadEscape { at: 0 })
    );
    assert_eq!(percent_decode("%E2%82"), Err(EncodingError::NotUtf8));
    assert_eq!(percent_decode("%ED%A0%80"), Err(EncodingError::NotUtf8)); // a surrogate
    assert_eq!(
        EncodingError::NotUtf8.to_string(),
        "percent-encoded bytes are not UTF-8"
    );
}

#[test]
fn queries_round_trip() {
    for seed in 0..3000u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let pairs: Vec<(String, String)> = (0..rng.usize(0..5))
            .map(|_| (random_text(&mut rng), random_text(&mut rng)))
            .filter(|(k, _)| !k.is_empty())
            .collect();
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k, true), encode(v, true)))
            .collect();
        let query = query.join("&");
        let q = Query::parse(&query).unwrap_or_else(|e| panic!("seed {seed}: {query}: {e}"));
        let got: Vec<(String, String)> = q.iter().map(|(k, v)| (k.into(), v.into())).collect();
        assert_eq!(got, pairs, "seed {seed}: {query}");
        for (k, _) in &pairs {
            let all: Vec<&str> = pairs.iter().filter(|p| p.0 == *k).map(|p| &*p.1).collect();
            assert_eq!(
                q.get_all(k).collect::<Vec<_>>(),
                all,
                "seed {seed}: {query}"
            );
            assert_eq!(q.get(k), all.first().copied(), "seed {seed}: {query}");
        }
    }
}

#[test]
fn query_rules_and_bad_input() {
    let q = Query::parse("a=1=2&&b&=v&c=&a=%2B+x").unwrap();
    let pairs: Vec<_> = q.iter().collect();
    assert_eq!(
        pairs,
        [("a", "1=2"), ("b", ""), ("", "v"), ("c", ""), ("a", "+ x")]
    );
    assert_eq!((q.len(), q.is_empty()), (5, false));
    assert!(Query::parse("").unwrap().is_empty());
    assert!(Query::parse("&&&").unwrap().is_empty());
    // `;` is not a separator; `?` is an ordinary character.
    assert_eq!(Query::parse("a=1;b=2").unwrap().get("a"), Some("1;b=2"));
    assert_eq!(Query::parse("?a=1").unwrap().get("?a"), Some("1"));
    assert_eq!(
        Query::parse("x=1&key%zz=2"),
        Err(EncodingError::BadEscape { at: 7 })
    );
    assert_eq!(
        Query::parse("x=1&k=ab%2"),
        Err(EncodingError::BadEscape { at: 8 })
    );
    assert_eq!(Query::parse("k=%FF"), Err(EncodingError::NotUtf8));
}
