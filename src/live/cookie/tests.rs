//! Unit tests of the cookie codec: sealing and opening, the size limit, the header lookup.

use super::*;

fn keys(byte: u8) -> Arc<CookieKeys> {
    Arc::new(CookieKeys::new(
        &SecretKey::from_bytes([byte; 32]),
        Duration::from_secs(3600),
    ))
}

#[test]
fn sealed_values_open_only_under_their_key_and_age() {
    let k = keys(1);
    let pairs = vec![("n a;m=e".to_owned(), "v&al\"ue ü".to_owned())];
    let id = "0123456789abcdef0123456789abcdef";
    let v = k.seal(id, &pairs, 1000);
    assert!(
        v.bytes()
            .all(|b| b.is_ascii_graphic() && !b";,\"\\".contains(&b)),
        "{v}"
    );
    assert_eq!(k.open(&v, 1000), Some((id.to_owned(), pairs.clone())));
    assert_eq!(k.open(&v, 1000 + 3599).map(|p| p.0), Some(id.to_owned()));
    assert_eq!(k.open(&v, 1000 + 3600), None, "expired");
    assert_eq!(keys(2).open(&v, 1000), None, "another key");
    for i in 0..v.len() {
        let mut t = v.clone().into_bytes();
        t[i] = if t[i] == b'0' { b'1' } else { b'0' };
        let t = String::from_utf8(t).unwrap();
        assert_eq!(k.open(&t, 1000), None, "byte {i} changed: {t}");
    }
    for bad in ["", ".", "a.b.c.d", &v[..v.len() - 1], &format!("{v}0")] {
        assert_eq!(k.open(bad, 1000), None, "{bad}");
    }
}

#[test]
fn the_size_limit_keeps_the_session_and_hands_the_value_back() {
    let s = keys(1).session(None, false);
    s.set("a", "x".repeat(1000)).unwrap();
    let err = s.set("a", "%".repeat(1500)).unwrap_err();
    assert_eq!(err.value, "%".repeat(1500));
    assert_eq!(s.get_str("a"), Some("x".repeat(1000)), "old value kept");
    assert!(s.set("b", "y".repeat(3000)).is_err());
    assert_eq!(s.get_str("b"), None);
    s.set("b", "y".repeat(2000)).unwrap();
    let h = s.set_cookie_header().unwrap();
    assert!(
        h.split(';').next().unwrap().len() <= MAX_COOKIE_BYTES,
        "{}",
        h.len()
    );
}

#[test]
fn the_cookie_is_found_among_headers() {
    let h = [("Cookie", "a=1; vango_session=xyz ; b=2")];
    assert_eq!(cookie_in(h), Some("xyz"));
    assert_eq!(cookie_in([("cookie", "vango_sessionx=1")]), None);
}
