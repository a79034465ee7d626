//! `StaticDir` prefixes: `/files` is served as `/files/` over a real socket, and prefixes
//! no request path could match are refused with an error that names the rule.

use vango::server::StaticDir;
use vango::App;
use vango_test_support::raw::roundtrip;

fn folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vango-prefix-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hello.txt"), "hi").unwrap();
    dir
}

#[test]
fn a_prefix_without_its_trailing_slash_is_served_as_a_folder() {
    let dir = folder("noslash");
    let files = StaticDir::new("/files", &dir).unwrap();
    assert_eq!(files.prefix(), "/files/");
    let srv = App::new()
        .static_dir(files)
        .page("/", || || vango::prelude::p("x"))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let get = |path: &str| {
        let addr = srv.local_addr();
        let raw = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        roundtrip(addr, raw.as_bytes()).unwrap()
    };
    let ok = get("/files/hello.txt");
    assert_eq!((ok.status, &ok.body[..]), (200, &b"hi"[..]));
    // A sibling path that merely starts with the same letters is not the folder.
    assert_eq!(get("/fileshello.txt").status, 404);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn prefixes_no_request_path_could_match_are_refused() {
    let dir = folder("bad");
    for (prefix, says) in [
        ("files/", "must start with '/'"),
        ("", "must start with '/'"),
        ("/a//b/", "empty, '.' or '..' segment"),
        ("/a/../b", "empty, '.' or '..' segment"),
        ("/./", "empty, '.' or '..' segment"),
        ("/a b/", "plain path"),
        ("/a?x/", "plain path"),
        ("/a%2F/", "plain path"),
    ] {
        let err = StaticDir::new(prefix, &dir)
            .err()
            .unwrap_or_else(|| panic!("{prefix:?}"));
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains(says), "{prefix:?}: {err}");
    }
    for (prefix, served) in [("/", "/"), ("/a/b", "/a/b/"), ("/a/b/", "/a/b/")] {
        assert_eq!(StaticDir::new(prefix, &dir).unwrap().prefix(), served);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
