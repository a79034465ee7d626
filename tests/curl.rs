//! The HTTP server through a real client: curl (keep-alive reuse, HEAD, gzip, ETag, limits).
//!
//! `tests/all.sh` installs curl; without it these tests fail with a clear message rather
//! than pass without checking anything.

use std::net::SocketAddr;
use std::process::{Command, Output};

use vango::prelude::*;
use vango::server::{assets, RunningServer};
use vango::App;

fn counter() -> impl FnMut() -> VNode {
    let count = signal(0);
    move || {
        div((
            h1(format!("Count: {}", count.get())),
            button("+").on_click(move |_| count.update(|n| *n += 1)),
        ))
        .into()
    }
}

fn server() -> RunningServer {
    App::new()
        .title("Curl")
        .page("/", counter)
        .workers(2)
        .spawn("127.0.0.1:0")
        .expect("server starts")
}

/// Runs curl with `args` (plus `-sS`, a timeout, and no proxy from the environment).
fn curl(args: &[&str]) -> Output {
    Command::new("curl")
        .args(["-sS", "--max-time", "10", "--noproxy", "*"])
        .args(args)
        .output()
        .expect("curl must be installed to run these tests (tests/all.sh installs it)")
}

fn url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn page_is_server_rendered_and_connections_are_reused() {
    let srv = server();
    let a = srv.local_addr();
    // Two URLs in one invocation: curl reuses the keep-alive connection for the second.
    let out = curl(&["-v", &url(a, "/"), &url(a, "/healthz")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body = text(&out.stdout);
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    assert!(body.contains("Count: 0"), "{body}");
    assert!(body.ends_with("ok"), "healthz after the page: {body}");
    let log = text(&out.stderr);
    assert_eq!(
        log.matches("Connected to").count(),
        1,
        "one TCP connection: {log}"
    );
    assert!(log.contains("Re-using existing connection"), "{log}");
}

#[test]
fn head_gzip_and_etag() {
    let srv = server();
    let js = url(srv.local_addr(), "/_vango/client.js");
    // HEAD: headers only, with the length of the body a GET would get.
    let out = curl(&["-I", &js]);
    let head = text(&out.stdout).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let len = format!("content-length: {}", assets::CLIENT_JS.len());
    assert!(head.contains(&len), "{head}");
    // --compressed: curl asks for gzip, gets the precompressed bundle, and inflates it.
    let dir = std::env::temp_dir().join(format!("vango-curl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let headers = dir.join("h");
    let out = curl(&["--compressed", "-D", headers.to_str().unwrap(), &js]);
    assert_eq!(out.stdout, assets::CLIENT_JS, "inflated body = the bundle");
    let h = std::fs::read_to_string(&headers)
        .unwrap()
        .to_ascii_lowercase();
    assert!(h.contains("content-encoding: gzip"), "{h}");
    let etag = h
        .lines()
        .find_map(|l| l.strip_prefix("etag: "))
        .expect("an etag")
        .trim()
        .to_owned();
    // The ETag of the gzip variant revalidates the gzip variant: 304, empty body.
    let inm = format!("If-None-Match: {etag}");
    let out = curl(&["--compressed", "-H", &inm, "-w", "%{http_code}", &js]);
    assert_eq!(text(&out.stdout), "304");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn limits_answer_with_their_status() {
    let srv = server();
    let a = srv.local_addr();
    let code = |args: &[&str]| {
        let mut all = vec!["-o", "/dev/null", "-w", "%{http_code}"];
        all.extend_from_slice(args);
        text(&curl(&all).stdout)
    };
    assert_eq!(code(&[&url(a, "/nowhere")]), "404");
    let long = url(a, &format!("/{}", "a".repeat(20_000)));
    assert_eq!(code(&[&long]), "414");
    let big = format!("X-Big: {}", "b".repeat(40_000));
    assert_eq!(code(&["-H", &big, &url(a, "/")]), "431");
}
