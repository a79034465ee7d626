//! `StaticDir` over real sockets: types, ETag/304, the `.gz` sibling, cache lifetimes for
//! fingerprinted names, and every way out of the folder refused.

use std::path::PathBuf;

use vango::server::StaticDir;
use vango::App;
use vango_test_support::raw::{roundtrip, Resp};

struct Site {
    _srv: vango::server::RunningServer,
    addr: std::net::SocketAddr,
    dir: PathBuf,
}

fn site(name: &str) -> Site {
    let dir = std::env::temp_dir().join(format!("vango-static-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let public = dir.join("public");
    std::fs::create_dir_all(public.join("sub")).unwrap();
    std::fs::write(dir.join("secret.txt"), "outside").unwrap();
    std::fs::write(public.join("app.css"), "p { color: teal }").unwrap();
    std::fs::write(public.join("app.css.gz"), b"\x1f\x8bfake-gzip").unwrap();
    std::fs::write(public.join("app.3f2a9c1d.js"), "let x = 1;").unwrap();
    std::fs::write(public.join("sub/a.txt"), "nested").unwrap();
    std::os::unix::fs::symlink(dir.join("secret.txt"), public.join("link-out")).unwrap();
    std::os::unix::fs::symlink(public.join("sub/a.txt"), public.join("link-in")).unwrap();
    let srv = App::new()
        .static_dir(StaticDir::new("/assets/", &public).unwrap())
        .page("/", || || vango::prelude::p("x"))
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    Site {
        addr: srv.local_addr(),
        _srv: srv,
        dir,
    }
}

impl Site {
    fn get(&self, target: &str, extra: &str) -> Resp {
        let raw = format!(
            "GET {target} HTTP/1.1\r\nHost: {}\r\n{extra}\r\n",
            self.addr
        );
        roundtrip(self.addr, raw.as_bytes()).unwrap()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn files_are_served_with_type_etag_and_cache_policy() {
    let s = site("serve");
    let css = s.get("/assets/app.css", "");
    assert_eq!(css.status, 200);
    assert_eq!(css.body, b"p { color: teal }");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=0, must-revalidate")
    );
    assert_eq!(css.header("x-content-type-options"), Some("nosniff"));
    let etag = css.header("etag").unwrap().to_string();
    let again = s.get("/assets/app.css", &format!("If-None-Match: {etag}\r\n"));
    assert_eq!((again.status, again.body.len()), (304, 0));
    let gz = s.get("/assets/app.css", "Accept-Encoding: gzip\r\n");
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.body, b"\x1f\x8bfake-gzip");
    assert_eq!(gz.header("vary"), Some("Accept-Encoding"));
    let js = s.get("/assets/app.3f2a9c1d.js", "");
    assert_eq!(
        js.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(s.get("/assets/sub/a.txt", "").body, b"nested");
    assert_eq!(
        s.get("/assets/link-in", "").body,
        b"nested",
        "a link inside stays inside"
    );
    assert_eq!(s.get("/assets/missing.css", "").status, 404);
    let post = format!(
        "POST /assets/app.css HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\r\n",
        s.addr
    );
    assert_eq!(roundtrip(s.addr, post.as_bytes()).unwrap().status, 405);
}

#[test]
fn nothing_outside_the_folder_is_reachable() {
    let s = site("escape");
    for target in [
        "/assets/../secret.txt",
        "/assets/%2e%2e/secret.txt",
        "/assets/%2E%2E%2Fsecret.txt",
        "/assets/sub/../../secret.txt",
        "/assets/sub/%2e%2e/app.css",
        "/assets/./app.css",
        "/assets//etc/passwd",
        "/assets/%2Fetc%2Fpasswd",
        "/assets/link-out",
        "/assets/sub",
        "/assets/",
        "/assets/app.css%00.png",
        "/assets/%zz",
    ] {
        let r = s.get(target, "");
        assert_eq!(
            r.status,
            404,
            "{target}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert!(
            !String::from_utf8_lossy(&r.body).contains("outside"),
            "{target}"
        );
    }
}
