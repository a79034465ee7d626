//! `StaticAsset` over real sockets: an asset built at run time (`owned`: read from a file
//! at startup, nothing leaked) and a compiled-in one answer with their bytes and type, a
//! strong ETag and 304, and the gzip variant only to a client that takes it.

use vango::server::StaticAsset;
use vango::App;
use vango_test_support::raw::{roundtrip, Resp};

fn get(addr: std::net::SocketAddr, target: &str, extra: &str) -> Resp {
    let raw = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n{extra}\r\n");
    roundtrip(addr, raw.as_bytes()).expect("a response")
}

#[test]
fn owned_and_static_assets_answer_with_etag_304_and_gzip() {
    let dir = std::env::temp_dir().join(format!("vango-asset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("site.css"), "p { color: teal }").unwrap();
    // Read at startup, as an app does: owned bytes, an owned content type.
    let css = std::fs::read(dir.join("site.css")).unwrap();
    let content_type = String::from("text/css; charset=utf-8");
    let srv = App::new()
        .asset(StaticAsset::owned(
            "/site.css",
            content_type,
            css,
            Some(b"\x1f\x8bfake".to_vec()),
        ))
        .asset(StaticAsset::new(
            "/robots.txt",
            "text/plain",
            b"User-agent: *\n",
            None,
        ))
        .page("/", || || vango::prelude::p("x"))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();

    let r = get(addr, "/site.css", "");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"p { color: teal }");
    assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
    let etag = r.header("etag").expect("an ETag").to_owned();
    // The same bytes again (shared, not moved out by the first answer).
    assert_eq!(get(addr, "/site.css", "").body, b"p { color: teal }");
    let r = get(addr, "/site.css", &format!("If-None-Match: {etag}\r\n"));
    assert_eq!((r.status, r.body.len()), (304, 0));
    let r = get(addr, "/site.css", "Accept-Encoding: gzip\r\n");
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(r.body, b"\x1f\x8bfake");
    assert_ne!(
        r.header("etag"),
        Some(etag.as_str()),
        "variants have their own ETag"
    );

    let r = get(addr, "/robots.txt", "Accept-Encoding: gzip\r\n");
    assert_eq!(
        (r.status, r.body.as_slice()),
        (200, &b"User-agent: *\n"[..])
    );
    assert_eq!(r.header("content-encoding"), None, "no variant, no gzip");
    std::fs::remove_dir_all(&dir).unwrap();
}
